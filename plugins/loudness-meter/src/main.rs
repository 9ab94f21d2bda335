//! Standalone Vernis Loudness (feature `standalone`): `vernis-loudness-standalone --backend dummy`.
//!
//! Set `VERNIS_DEMO=<seconds>` to feed the built-in demo programme instead of the audio input.

fn main() {
    nice_plug::prelude::nice_export_standalone::<loudness_meter::VernisLoudness>();
}
