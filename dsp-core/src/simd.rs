//! Runtime selection of wider vector instructions for the hot FIR kernels.
//!
//! Kernels are written once as plain loops (`#[inline(always)]`) and compiled three times: for the
//! baseline target and, on x86-64, with AVX2 and with AVX-512 enabled. All use plain multiply and add in the same
//! order, so results are bit-identical whichever runs.

/// The widest vector instruction set the kernels may use on the running CPU.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord)]
pub enum SimdLevel {
    /// The baseline target (SSE2 on x86-64).
    #[default]
    Baseline,
    /// AVX2 (256-bit vectors).
    Avx2,
    /// AVX-512 F/VL (512-bit vectors).
    Avx512,
}

use std::sync::atomic::{AtomicU8, Ordering};

/// The cap set by [`set_level_cap`], as `SimdLevel as u8` (`u8::MAX`: none).
static LEVEL_CAP: AtomicU8 = AtomicU8::new(u8::MAX);

/// Caps what [`detect`] reports from now on (`None` lifts the cap), so tests and benchmarks can
/// run and compare the narrower builds; processors pick it up when next prepared.
pub fn set_level_cap(cap: Option<SimdLevel>) {
    LEVEL_CAP.store(cap.map_or(u8::MAX, |c| c as u8), Ordering::Relaxed);
}

/// The widest [`SimdLevel`] the running CPU supports, within any [`set_level_cap`] (cheap after
/// the first call).
#[inline]
pub fn detect() -> SimdLevel {
    let cap = LEVEL_CAP.load(Ordering::Relaxed);
    [SimdLevel::Avx512, SimdLevel::Avx2, SimdLevel::Baseline]
        .into_iter()
        .find(|&level| level as u8 <= cap && supported(level))
        .unwrap_or(SimdLevel::Baseline)
}

/// Whether the running CPU can run the build for `level`.
fn supported(level: SimdLevel) -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        let avx2 = std::arch::is_x86_feature_detected!("avx2");
        match level {
            SimdLevel::Baseline => true,
            SimdLevel::Avx2 => avx2,
            SimdLevel::Avx512 => {
                avx2 && std::arch::is_x86_feature_detected!("avx512f")
                    && std::arch::is_x86_feature_detected!("avx512vl")
            }
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        level == SimdLevel::Baseline
    }
}

/// Defines `$name` that runs `$body` (an `#[inline(always)]` function with the same signature and
/// a `const BLOCK: usize` parameter, the FIR register block to use) in the build for `level`:
/// baseline, AVX2 or AVX-512. All builds use plain multiply and add in the same order, so the
/// results are bit-identical whichever runs.
#[macro_export]
#[doc(hidden)]
macro_rules! dispatch_simd {
    ($(#[$meta:meta])* $vis:vis fn $name:ident($($arg:ident: $ty:ty),* $(,)?) => $body:ident) => {
        $(#[$meta])*
        $vis fn $name(level: $crate::simd::SimdLevel, $($arg: $ty),*) {
            #[cfg(target_arch = "x86_64")]
            {
                #[target_feature(enable = "avx2")]
                fn wide($($arg: $ty),*) {
                    $body::<{ $crate::simd::FIR_BLOCK }>($($arg),*)
                }
                #[target_feature(enable = "avx2,avx512f,avx512vl")]
                fn widest($($arg: $ty),*) {
                    $body::<{ $crate::simd::FIR_BLOCK_512 }>($($arg),*)
                }
                match level {
                    // SAFETY: the level is only this high when `detect()` reported the features.
                    $crate::simd::SimdLevel::Avx512 => return unsafe { widest($($arg),*) },
                    // SAFETY: as above.
                    $crate::simd::SimdLevel::Avx2 => return unsafe { wide($($arg),*) },
                    $crate::simd::SimdLevel::Baseline => {}
                }
            }
            let _ = level;
            $body::<{ $crate::simd::FIR_BLOCK }>($($arg),*)
        }
    };
}

/// Outputs the FIR kernels keep in registers at a time (baseline and AVX2 builds).
#[doc(hidden)]
pub const FIR_BLOCK: usize = 32;
/// Outputs the FIR kernels keep in registers at a time in the AVX-512 build.
#[doc(hidden)]
pub const FIR_BLOCK_512: usize = 64;

/// Accumulates `B` outputs starting at `start`: `acc[l] = Σ_t taps[t]·window[start + l + t]`,
/// summed from 0.0 in tap order.
#[inline(always)]
fn fir_block<const B: usize>(taps: &[f32], window: &[f32], start: usize) -> [f32; B] {
    let mut acc = [0.0f32; B];
    let w = &window[start..start + B + taps.len() - 1];
    for (t, &h) in taps.iter().enumerate() {
        let x: &[f32; B] = w[t..t + B].try_into().unwrap();
        for l in 0..B {
            acc[l] += h * x[l];
        }
    }
    acc
}

/// `out[i] = Σ_t taps[t]·window[i + t]`, each output summed from 0.0 in tap order (so the result
/// of an output does not depend on how many are computed together); `window` holds at least
/// `out.len() + taps.len() - 1` samples; `BLOCK` outputs are accumulated in registers at a time.
/// Meant to be inlined into a [`dispatch_simd`] kernel.
#[inline(always)]
pub(crate) fn fir<const BLOCK: usize>(taps: &[f32], window: &[f32], out: &mut [f32]) {
    let n = out.len();
    let mut start = 0;
    while start + BLOCK <= n {
        out[start..start + BLOCK].copy_from_slice(&fir_block::<BLOCK>(taps, window, start));
        start += BLOCK;
    }
    while start + 32 <= n {
        out[start..start + 32].copy_from_slice(&fir_block::<32>(taps, window, start));
        start += 32;
    }
    while start + 8 <= n {
        out[start..start + 8].copy_from_slice(&fir_block::<8>(taps, window, start));
        start += 8;
    }
    while start < n {
        out[start] = fir_block::<1>(taps, window, start)[0];
        start += 1;
    }
}
