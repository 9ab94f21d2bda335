//! The per-sample parts of [`MultibandCompressor`] that sum and route the bands: the routed
//! detector magnitudes, the bands' weighted sum, the Dynamic Phase engagement and the structural
//! crossfade ramps (inlined, so they are compiled in the chunk's vector build).

use super::MultibandCompressor;
use crate::dynamics::band_settings::BandChannel;
use crate::filter::crossover::BandSplitter;

impl MultibandCompressor {
    /// The structural crossfade of each sample of the chunk (1 outside a switch, 0 at the switch).
    #[inline(always)]
    pub(super) fn fill_switch_ramp(&mut self, n: usize) {
        let total = self.switch_samples.max(1) as f32;
        let ramp = &mut self.switch_ramp[..n];
        if self.switch_out_left > 0 {
            for (i, a) in ramp.iter_mut().enumerate() {
                *a = (self.switch_out_left - i - 1) as f32 / total;
            }
        } else if self.switch_in_left > 0 {
            let done = self.switch_samples - self.switch_in_left;
            for (i, a) in ramp.iter_mut().enumerate() {
                *a = ((done + i + 1) as f32 / total).min(1.0);
            }
        } else {
            ramp.fill(1.0);
        }
    }

    /// Fills the Dynamic Phase engagement ramp for the chunk; returns whether it is above 0
    /// anywhere. A sample is active when any band's gain differs from 1 or a band is soloed or
    /// muted. Engagement rises to 1 over [`ENGAGE_MS`](super::ENGAGE_MS) when a sample is active and falls back
    /// over the same time once nothing was active for [`DISENGAGE_HOLD_MS`](super::DISENGAGE_HOLD_MS); right after a
    /// reset it starts at 1 if the first sample is active, so settings apply at once.
    #[inline(always)]
    pub(super) fn fill_engagement(&mut self, bands: usize, n: usize) -> bool {
        let step = 1.0 / self.engage_samples.max(1) as f32;
        let mut any = self.engagement > 0.0;
        for i in 0..n {
            let active =
                (0..bands).any(|b| self.gains[b][i] != 1.0 || self.weight_ramps[b][i] != 1.0);
            if active {
                self.idle_samples = 0;
                if self.fresh {
                    self.engagement = 1.0;
                }
            } else {
                self.idle_samples = self.idle_samples.saturating_add(1);
            }
            self.fresh = false;
            self.engagement = if self.idle_samples <= self.disengage_hold_samples {
                (self.engagement + step).min(1.0)
            } else {
                (self.engagement - step).max(0.0)
            };
            self.engagement_ramp[i] = self.engagement;
            any |= self.engagement > 0.0;
        }
        any
    }

    /// Sums the bands after their gains and solo/mute weights into `wet`, and (`with_unity`)
    /// their unity sum into `unity`.
    #[inline(always)]
    pub(super) fn sum_bands(&mut self, bands: usize, channels: usize, n: usize, with_unity: bool) {
        let stereo = channels == 2;
        for ch in 0..channels {
            self.wet[ch][..n].fill(0.0);
            if !with_unity {
                continue;
            }
            let unity = &mut self.unity[ch][..n];
            unity.copy_from_slice(&self.splitter.band(0, ch)[..n]);
            for b in 1..bands {
                for (u, &x) in unity.iter_mut().zip(&self.splitter.band(b, ch)[..n]) {
                    *u += x;
                }
            }
        }
        for b in 0..bands {
            let gains = &self.gains[b][..n];
            let weights = &self.weight_ramps[b][..n];
            let channel = if stereo {
                self.settings.band[b].channel
            } else {
                BandChannel::Stereo
            };
            let (wet_l, wet_rest) = self.wet.split_at_mut(1);
            match channel {
                BandChannel::Mid | BandChannel::Side if stereo => {
                    let sign = if channel == BandChannel::Mid {
                        1.0
                    } else {
                        -1.0
                    };
                    let (l, r) = (self.splitter.band(b, 0), self.splitter.band(b, 1));
                    let (wl, wr) = (&mut wet_l[0][..n], &mut wet_rest[0][..n]);
                    for i in 0..n {
                        let c = 0.5 * (l[i] + sign * r[i]) * (gains[i] - 1.0);
                        let w = weights[i];
                        wl[i] += w * (l[i] + c);
                        wr[i] += w * (r[i] + sign * c);
                    }
                }
                _ => {
                    for ch in 0..channels {
                        let touched = match channel {
                            BandChannel::Left => ch == 0,
                            BandChannel::Right => ch == 1,
                            _ => true,
                        };
                        let x = &self.splitter.band(b, ch)[..n];
                        let wet = if ch == 0 {
                            &mut wet_l[0][..n]
                        } else {
                            &mut wet_rest[ch - 1][..n]
                        };
                        if touched {
                            for i in 0..n {
                                wet[i] += weights[i] * x[i] * gains[i];
                            }
                        } else {
                            for i in 0..n {
                                wet[i] += weights[i] * x[i];
                            }
                        }
                    }
                }
            }
        }
    }
}

/// Writes the magnitude of band `b`'s routed component: max |x| over channels (Stereo), |M|,
/// |S|, |L| or |R|; with other than two channels every routing reads all channels.
#[inline(always)]
pub(super) fn routed_magnitude(
    splitter: &BandSplitter,
    b: usize,
    channels: usize,
    channel: BandChannel,
    out: &mut [f32],
) {
    let n = out.len();
    match (channels, channel) {
        (2, BandChannel::Mid | BandChannel::Side) => {
            let sign = if channel == BandChannel::Mid {
                1.0
            } else {
                -1.0
            };
            let (l, r) = (&splitter.band(b, 0)[..n], &splitter.band(b, 1)[..n]);
            for ((o, &a), &c) in out.iter_mut().zip(l).zip(r) {
                *o = (0.5 * (a + sign * c)).abs();
            }
        }
        (2, BandChannel::Left | BandChannel::Right) => {
            let ch = usize::from(channel == BandChannel::Right);
            for (o, &a) in out.iter_mut().zip(&splitter.band(b, ch)[..n]) {
                *o = a.abs();
            }
        }
        _ => {
            for (o, &a) in out.iter_mut().zip(&splitter.band(b, 0)[..n]) {
                *o = a.abs();
            }
            for ch in 1..channels {
                for (o, &a) in out.iter_mut().zip(&splitter.band(b, ch)[..n]) {
                    *o = o.max(a.abs());
                }
            }
        }
    }
}
