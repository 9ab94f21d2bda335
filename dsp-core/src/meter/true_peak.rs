//! True-peak detector (STUB).

/// Oversampling true-peak detector (BS.1770 Annex 2 style, own polyphase filter).
pub struct TruePeakDetector {}
