//! Vectorised rounding and interleaving of WAV sample data (no `roundf` or `memcpy` call per
//! sample).

use super::encode::OutputFormat;

/// Runs `f` in a build for AVX2 when the CPU has it: there `f32::round` is a few vector
/// instructions instead of a call to `roundf` per sample (the same results: LLVM keeps the
/// semantics of `round`, it only picks the instructions). Only for small closures, which are
/// inlined into the wide build (a large one stays a call, compiled for the baseline).
#[inline(always)]
pub(super) fn with_wide_vectors(f: impl FnOnce()) {
    #[cfg(target_arch = "x86_64")]
    {
        #[target_feature(enable = "avx2")]
        fn wide(f: impl FnOnce()) {
            f();
        }
        if is_x86_feature_detected!("avx2") {
            // SAFETY: the feature was just detected.
            return unsafe { wide(f) };
        }
    }
    f();
}

/// Interleaves `frames` frames of `channels` into `out` as little-endian samples of `format`:
/// integers are `round(x·2^(bits−1))` clamped to the range (converted one channel at a time into
/// `ints`, where it vectorises, then packed), floats are stored as they are, non-finite as 0.
#[inline(always)]
pub(super) fn encode_interleaved(
    format: OutputFormat,
    channels: &[&[f32]],
    frames: usize,
    out: &mut [u8],
    ints: &mut Vec<i32>,
) {
    let bytes = format.bytes();
    let stride = bytes * channels.len();
    for (ch, input) in channels.iter().enumerate() {
        let frames_out = out[ch * bytes..].chunks_mut(stride);
        let input = &input[..frames];
        match format {
            OutputFormat::Wav16 | OutputFormat::Wav24 => {
                let scale = if format == OutputFormat::Wav16 {
                    32_768.0f32
                } else {
                    8_388_608.0
                };
                ints.resize(frames, 0);
                for (i, &x) in ints.iter_mut().zip(input) {
                    *i = (x * scale).round().clamp(-scale, scale - 1.0) as i32;
                }
                if format == OutputFormat::Wav16 {
                    pack::<2>(frames_out, ints);
                } else {
                    pack::<3>(frames_out, ints);
                }
            }
            OutputFormat::Wav32f => {
                for (o, &x) in frames_out.zip(input) {
                    let v = if x.is_finite() { x } else { 0.0 };
                    o[..4].copy_from_slice(&v.to_le_bytes());
                }
            }
        }
    }
}

/// Stores the low `B` bytes of each value, little endian, at the start of each frame slot (`B` a
/// constant, so each store is a couple of moves rather than a call to `memcpy`).
#[inline(always)]
fn pack<'a, const B: usize>(slots: impl Iterator<Item = &'a mut [u8]>, values: &[i32]) {
    for (slot, &v) in slots.zip(values) {
        let bytes = v.to_le_bytes();
        slot[..B].copy_from_slice(&bytes[..B]);
    }
}
