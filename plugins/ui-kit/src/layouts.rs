//! The audio layouts every Vernis plugin offers: stereo first, then mono, 5.1, 7.1 and 7.1.4
//! ([`MASTERING_LAYOUTS`]); stereo and mono with a sidechain input ([`SIDECHAIN_LAYOUTS`]).
//!
//! nice-plug 0.4.2's wrappers tell a plugin only the channel count: CLAP ports above two channels
//! are untyped, and the VST3 wrapper accepts any speaker arrangement with the right count (it
//! reports 8 channels as 7.1 Cine and 12 as an arrangement of its own). So the plugins place
//! channels in WAV/VST3 order (L R C LFE, then the 5.1 surrounds or the 7.1 backs and sides, then
//! the tops), as `dsp_core::layout::ChannelLayout::from_channel_count` does.

use nice_plug::prelude::*;

const fn same_in_out(channels: u32) -> AudioIOLayout {
    AudioIOLayout {
        main_input_channels: NonZeroU32::new(channels),
        main_output_channels: NonZeroU32::new(channels),
        ..AudioIOLayout::const_default()
    }
}

/// Stereo, mono, 5.1, 7.1 and 7.1.4 (2, 1, 6, 8 and 12 channels), main input = main output.
pub const MASTERING_LAYOUTS: &[AudioIOLayout] = &[
    same_in_out(2),
    same_in_out(1),
    same_in_out(6),
    same_in_out(8),
    same_in_out(12),
];

/// Most channels any layout of [`MASTERING_LAYOUTS`] has (7.1.4).
pub const MAX_LAYOUT_CHANNELS: usize = 12;

const MONO_SIDECHAIN: &[NonZeroU32] = &[new_nonzero_u32(1)];
const STEREO_SIDECHAIN: &[NonZeroU32] = &[new_nonzero_u32(2)];

const fn with_sidechain(channels: u32, sidechain_channels: u32) -> AudioIOLayout {
    AudioIOLayout {
        main_input_channels: NonZeroU32::new(channels),
        main_output_channels: NonZeroU32::new(channels),
        aux_input_ports: if sidechain_channels == 1 {
            MONO_SIDECHAIN
        } else {
            STEREO_SIDECHAIN
        },
        names: PortNames {
            layout: None,
            main_input: None,
            main_output: None,
            aux_inputs: &["Sidechain"],
            aux_outputs: &[],
        },
        ..AudioIOLayout::const_default()
    }
}

/// Stereo with a stereo auxiliary "Sidechain" input. Mono is left out on purpose: nice-plug
/// 0.4.2's VST3 `setBusArrangements` compares the sidechain's channel count against the main
/// input's (its aux index starts at the main bus), so with a mono layout it accepts "mono main +
/// stereo sidechain" and then reports a mono sidechain, which Steinberg's validator fails
/// ("SideChain Arrangement"). With stereo only, such requests are refused as they should be.
pub const SIDECHAIN_LAYOUTS: &[AudioIOLayout] = &[with_sidechain(2, 2)];

/// Most channels any layout of [`SIDECHAIN_LAYOUTS`] has, on the main and on the sidechain port.
pub const MAX_SIDECHAIN_LAYOUT_CHANNELS: usize = 2;
