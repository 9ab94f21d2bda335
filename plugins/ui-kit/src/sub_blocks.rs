//! The audio-thread walk the plugins share: a host buffer in sub-blocks of bounded length that end
//! on a [`FrameClock`]'s boundaries (so readings are published at an exact rate), each with the
//! matching slices of an optional sidechain. Real-time safe: slices on the stack, no allocation.

use crate::bus::FrameClock;
use crate::layouts::MAX_SIDECHAIN_LAYOUT_CHANNELS;

/// Most channels of a sub-block (main or sidechain); further channels are left out.
pub const MAX_SUB_BLOCK_CHANNELS: usize = MAX_SIDECHAIN_LAYOUT_CHANNELS;

/// Calls `f(block, sidechain, interval_ended)` for consecutive sub-blocks of `channels` (all as
/// long as the shortest), each at most `max_frames` long and ending at the latest on `clock`'s
/// next boundary; `interval_ended` says that the sub-block ended the clock's interval. The
/// sidechain, when given and at least as long as the main channels, is cut alike.
pub fn for_each_sub_block(
    channels: &mut [&mut [f32]],
    sidechain: Option<&[&[f32]]>,
    max_frames: usize,
    clock: &mut FrameClock,
    mut f: impl FnMut(&mut [&mut [f32]], Option<&[&[f32]]>, bool),
) {
    let count = channels.len().min(MAX_SUB_BLOCK_CHANNELS);
    if count == 0 {
        return;
    }
    let frames = channels[..count].iter().map(|c| c.len()).min().unwrap_or(0);
    let sidechain = sidechain.filter(|sc| !sc.is_empty() && sc.iter().all(|c| c.len() >= frames));
    let sc_count = sidechain.map_or(0, |sc| sc.len().min(MAX_SUB_BLOCK_CHANNELS));
    let mut pos = 0;
    while pos < frames {
        let len = (frames - pos)
            .min(max_frames.max(1))
            .min(clock.frames_left());
        let mut block: [&mut [f32]; MAX_SUB_BLOCK_CHANNELS] = Default::default();
        for (slice, channel) in block.iter_mut().zip(channels.iter_mut()) {
            *slice = &mut channel[pos..pos + len];
        }
        let sc_block: [&[f32]; MAX_SUB_BLOCK_CHANNELS] = std::array::from_fn(|c| {
            sidechain
                .and_then(|sc| sc.get(c))
                .map_or(&[][..], |s| &s[pos..pos + len])
        });
        let ended = clock.advance(len);
        f(
            &mut block[..count],
            sidechain.map(|_| &sc_block[..sc_count]),
            ended,
        );
        pos += len;
    }
}

/// The channels of a sub-block as shared slices (for the analyser taps).
pub fn shared_views<'a>(block: &'a [&mut [f32]]) -> [&'a [f32]; MAX_SUB_BLOCK_CHANNELS] {
    std::array::from_fn(|c| block.get(c).map_or(&[][..], |s| &s[..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sub_blocks_end_on_the_clock_and_carry_the_sidechain() {
        let mut clock = FrameClock::new(100.0);
        let mut a = vec![0.0f32; 350];
        let mut b = vec![0.0f32; 350];
        let sc: Vec<f32> = (0..350).map(|i| i as f32).collect();
        let mut seen = Vec::new();
        for_each_sub_block(
            &mut [&mut a, &mut b],
            Some(&[&sc]),
            64,
            &mut clock,
            |block, side, ended| {
                let side = side.unwrap();
                seen.push((block[0].len(), side[0][0], ended));
                block[1].fill(1.0);
            },
        );
        let lens: Vec<usize> = seen.iter().map(|s| s.0).collect();
        assert_eq!(lens, [64, 36, 64, 36, 64, 36, 50]);
        assert_eq!(seen.iter().filter(|s| s.2).count(), 3);
        assert_eq!(seen[1].1, 64.0);
        assert!(b.iter().all(|&v| v == 1.0));
    }
}
