//! Lane vectors for the LR sections of the band splitter ([`crate::filter::linkwitz_riley`]):
//! [`F4`] (two tree nodes × one channel pair) and [`F8`] (two such packs), and [`LaneOps`], the
//! lane-wise arithmetic the sections are written against, so a vector build can supply its own.

use std::ops::{Add, Mul, Sub};

/// Lane vectors the LR sections run on ([`F4`], [`F8`]): every operation is the IEEE operation
/// of each lane on its own, so a lane's result does not depend on the width it runs at.
pub trait Lanes:
    Copy + Default + Add<Output = Self> + Sub<Output = Self> + Mul<Output = Self>
{
}

/// Lane-wise arithmetic on a lane type `V`, so a vector build can run the LR sections on its
/// own vector type (with its intrinsics) while the operations and their order stay written once.
pub trait LaneOps<V> {
    /// `a + b` lane by lane.
    fn add(&self, a: V, b: V) -> V;
    /// `a − b` lane by lane.
    fn sub(&self, a: V, b: V) -> V;
    /// `a × b` lane by lane.
    fn mul(&self, a: V, b: V) -> V;
}

/// The operators of a [`Lanes`] type.
pub struct Plain;

impl<V: Lanes> LaneOps<V> for Plain {
    #[inline(always)]
    fn add(&self, a: V, b: V) -> V {
        a + b
    }
    #[inline(always)]
    fn sub(&self, a: V, b: V) -> V {
        a - b
    }
    #[inline(always)]
    fn mul(&self, a: V, b: V) -> V {
        a * b
    }
}

/// Defines a lane vector of `$n` `f64` lanes with lane-wise `+`, `−` and `×`, written so LLVM
/// maps each operation to one vector instruction.
macro_rules! lanes {
    ($(#[$meta:meta])* $name:ident, $n:literal) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq)]
        pub struct $name(pub [f64; $n]);

        impl Default for $name {
            #[inline(always)]
            fn default() -> Self {
                Self([0.0; $n])
            }
        }

        impl Add for $name {
            type Output = Self;
            #[inline(always)]
            fn add(self, o: Self) -> Self {
                let mut r = self.0;
                for (r, o) in r.iter_mut().zip(o.0) {
                    *r += o;
                }
                Self(r)
            }
        }

        impl Sub for $name {
            type Output = Self;
            #[inline(always)]
            fn sub(self, o: Self) -> Self {
                let mut r = self.0;
                for (r, o) in r.iter_mut().zip(o.0) {
                    *r -= o;
                }
                Self(r)
            }
        }

        impl Mul for $name {
            type Output = Self;
            #[inline(always)]
            fn mul(self, o: Self) -> Self {
                let mut r = self.0;
                for (r, o) in r.iter_mut().zip(o.0) {
                    *r *= o;
                }
                Self(r)
            }
        }

        impl Lanes for $name {}

        impl $name {
            /// Lane `l` of `a` where `mask[l]`, else of `b` (a bitwise select: the bits are kept).
            #[inline(always)]
            pub fn select(mask: [bool; $n], a: Self, b: Self) -> Self {
                let mut r = b.0;
                for ((r, a), m) in r.iter_mut().zip(a.0).zip(mask) {
                    if m {
                        *r = a;
                    }
                }
                Self(r)
            }
        }
    };
}

lanes!(
    /// Four `f64` lanes (two nodes × one channel pair): one AVX2 instruction per operation, or
    /// two SSE2 ones.
    F4,
    4
);

lanes!(
    /// Eight `f64` lanes: two packed four-lane operations ([`F8::join`]), as the AVX-512
    /// pipelines load and store their states and coefficients.
    F8,
    8
);

impl F4 {
    /// Lanes 0, 1 `a` and lanes 2, 3 `b`.
    #[inline(always)]
    pub fn pair(a: f64, b: f64) -> Self {
        Self([a, a, b, b])
    }
}

impl F8 {
    /// `a` in lanes 0-3 and `b` in lanes 4-7.
    #[inline(always)]
    pub fn join(a: F4, b: F4) -> Self {
        let (a, b) = (a.0, b.0);
        Self([a[0], a[1], a[2], a[3], b[0], b[1], b[2], b[3]])
    }

    /// Lanes 0-3.
    #[inline(always)]
    pub fn low(self) -> F4 {
        F4([self.0[0], self.0[1], self.0[2], self.0[3]])
    }

    /// Lanes 4-7.
    #[inline(always)]
    pub fn high(self) -> F4 {
        F4([self.0[4], self.0[5], self.0[6], self.0[7]])
    }
}
