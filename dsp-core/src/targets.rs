//! Delivery and playback-normalisation targets of streaming platforms and broadcast standards.

/// How a platform applies its loudness reference.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Normalization {
    /// Loud tracks are turned down to the reference; quiet tracks are left alone.
    DownOnly,
    /// Turned down when loud; lifted when quiet, but only as far as the true peak stays under the ceiling.
    UpToPeakCeiling,
    /// A delivery (compliance) target: the gain reported is the correction needed to meet it.
    DeliveryTarget,
}

/// One loudness target: a streaming service's normalisation reference or a broadcast delivery spec.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Platform {
    /// Short stable key used on the command line and in saved state (e.g. `apple-music`).
    pub id: &'static str,
    /// Display name (e.g. `Apple Music`).
    pub name: &'static str,
    /// Integrated loudness the platform normalises to, in LUFS.
    pub target_lufs: f64,
    /// Highest recommended true peak of the master, in dBTP.
    pub ceiling_dbtp: f64,
    /// Stricter ceiling for masters louder than the target (Spotify asks −2 dBTP), if any.
    pub loud_master_ceiling_dbtp: Option<f64>,
    /// How the platform applies the reference.
    pub normalization: Normalization,
}

/// The platforms Vernis reports, in display order (values from `shared/spec/loudness.md` §3).
pub const PLATFORMS: [Platform; 8] = [
    Platform {
        id: "spotify",
        name: "Spotify",
        target_lufs: -14.0,
        ceiling_dbtp: -1.0,
        loud_master_ceiling_dbtp: Some(-2.0),
        normalization: Normalization::UpToPeakCeiling,
    },
    Platform {
        id: "apple-music",
        name: "Apple Music",
        target_lufs: -16.0,
        ceiling_dbtp: -1.0,
        loud_master_ceiling_dbtp: None,
        normalization: Normalization::UpToPeakCeiling,
    },
    Platform {
        id: "youtube",
        name: "YouTube",
        target_lufs: -14.0,
        ceiling_dbtp: -1.0,
        loud_master_ceiling_dbtp: None,
        normalization: Normalization::DownOnly,
    },
    Platform {
        id: "amazon",
        name: "Amazon Music",
        target_lufs: -14.0,
        ceiling_dbtp: -2.0,
        loud_master_ceiling_dbtp: None,
        normalization: Normalization::DownOnly,
    },
    Platform {
        id: "tidal",
        name: "Tidal",
        target_lufs: -14.0,
        ceiling_dbtp: -1.0,
        loud_master_ceiling_dbtp: None,
        normalization: Normalization::DownOnly,
    },
    Platform {
        id: "deezer",
        name: "Deezer",
        target_lufs: -15.0,
        ceiling_dbtp: -1.0,
        loud_master_ceiling_dbtp: None,
        normalization: Normalization::DownOnly,
    },
    Platform {
        id: "ebu-r128",
        name: "EBU R128",
        target_lufs: -23.0,
        ceiling_dbtp: -1.0,
        loud_master_ceiling_dbtp: None,
        normalization: Normalization::DeliveryTarget,
    },
    Platform {
        id: "atsc-a85",
        name: "ATSC A/85",
        target_lufs: -24.0,
        ceiling_dbtp: -2.0,
        loud_master_ceiling_dbtp: None,
        normalization: Normalization::DeliveryTarget,
    },
];

/// Finds a platform by its [`Platform::id`].
pub fn platform_by_id(id: &str) -> Option<&'static Platform> {
    PLATFORMS.iter().find(|p| p.id == id)
}

/// Headroom a peak-limited lift keeps below full scale, in dB (Spotify lifts quiet tracks to at most −1 dBTP).
const LIFT_PEAK_LIMIT_DBTP: f64 = -1.0;

impl Platform {
    /// The ceiling that applies to a master of this integrated loudness, in dBTP.
    pub fn effective_ceiling_dbtp(&self, integrated_lufs: f64) -> f64 {
        match self.loud_master_ceiling_dbtp {
            Some(strict) if integrated_lufs > self.target_lufs => strict,
            _ => self.ceiling_dbtp,
        }
    }

    /// Whether a master's true peak is at or under the ceiling that applies to it.
    pub fn true_peak_ok(&self, integrated_lufs: f64, true_peak_dbtp: f64) -> bool {
        true_peak_dbtp.is_nan() || true_peak_dbtp <= self.effective_ceiling_dbtp(integrated_lufs)
    }

    /// Gain in dB the platform's normalisation applies to this master; `None` when the loudness is undefined (silence).
    pub fn playback_gain_db(&self, integrated_lufs: f64, true_peak_dbtp: f64) -> Option<f64> {
        if !integrated_lufs.is_finite() {
            return None;
        }
        let to_target_db = self.target_lufs - integrated_lufs;
        let gain_db = match self.normalization {
            Normalization::DeliveryTarget => to_target_db,
            Normalization::DownOnly => to_target_db.min(0.0),
            Normalization::UpToPeakCeiling => {
                if to_target_db <= 0.0 {
                    to_target_db
                } else if true_peak_dbtp.is_finite() {
                    to_target_db.min((LIFT_PEAK_LIMIT_DBTP - true_peak_dbtp).max(0.0))
                } else {
                    to_target_db
                }
            }
        };
        Some(gain_db)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spotify_lifts_only_as_far_as_peak_allows() {
        let spotify = platform_by_id("spotify").unwrap();
        // The example of Spotify's help page: −20 LUFS / −5 dBTP is lifted to −16 LUFS.
        assert_eq!(spotify.playback_gain_db(-20.0, -5.0), Some(4.0));
        assert_eq!(spotify.playback_gain_db(-8.0, -0.1), Some(-6.0));
        assert_eq!(spotify.playback_gain_db(f64::NEG_INFINITY, -5.0), None);
        // Louder than the target: −2 dBTP applies.
        assert!(!spotify.true_peak_ok(-9.0, -1.5));
        assert!(spotify.true_peak_ok(-16.0, -1.5));
    }

    #[test]
    fn down_only_and_delivery() {
        let youtube = platform_by_id("youtube").unwrap();
        assert_eq!(youtube.playback_gain_db(-20.0, -10.0), Some(0.0));
        assert_eq!(youtube.playback_gain_db(-10.0, -1.0), Some(-4.0));
        let ebu = platform_by_id("ebu-r128").unwrap();
        assert_eq!(ebu.playback_gain_db(-20.0, -1.0), Some(-3.0));
        assert_eq!(ebu.playback_gain_db(-30.0, -1.0), Some(7.0));
        assert_eq!(PLATFORMS.len(), 8);
    }
}
