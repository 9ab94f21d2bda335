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
