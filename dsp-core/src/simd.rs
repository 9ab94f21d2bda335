//! Runtime selection of wider vector instructions for the hot FIR kernels.
//!
//! Kernels are written once as plain loops (`#[inline(always)]`) and compiled twice: for the
//! baseline target and, on x86-64, with AVX2 enabled. Both use plain multiply and add in the same
//! order, so results are bit-identical whichever runs.

/// Whether the running CPU supports AVX2 (checked once per call site, cheap after the first time).
#[inline]
pub fn has_avx2() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        std::arch::is_x86_feature_detected!("avx2")
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
    }
}

/// Defines `$name` that runs `$body` (an `#[inline(always)]` function with the same signature)
/// in an AVX2 build when `avx2` is true, and in the baseline build otherwise.
#[macro_export]
#[doc(hidden)]
macro_rules! dispatch_avx2 {
    ($(#[$meta:meta])* $vis:vis fn $name:ident($($arg:ident: $ty:ty),* $(,)?) => $body:ident) => {
        $(#[$meta])*
        $vis fn $name(avx2: bool, $($arg: $ty),*) {
            #[cfg(target_arch = "x86_64")]
            {
                #[target_feature(enable = "avx2")]
                fn wide($($arg: $ty),*) {
                    $body($($arg),*)
                }
                if avx2 {
                    // SAFETY: `avx2` is only true when `has_avx2()` reported the feature.
                    return unsafe { wide($($arg),*) };
                }
            }
            let _ = avx2;
            $body($($arg),*)
        }
    };
}

/// Outputs the FIR kernels keep in registers at a time.
const FIR_BLOCK: usize = 32;

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
/// `out.len() + taps.len() - 1` samples. Meant to be inlined into an [`dispatch_avx2`] kernel.
#[inline(always)]
pub(crate) fn fir(taps: &[f32], window: &[f32], out: &mut [f32]) {
    let n = out.len();
    let mut start = 0;
    while start + FIR_BLOCK <= n {
        out[start..start + FIR_BLOCK].copy_from_slice(&fir_block::<FIR_BLOCK>(taps, window, start));
        start += FIR_BLOCK;
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
