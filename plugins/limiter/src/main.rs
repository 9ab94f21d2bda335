//! Standalone Vernis Limiter (feature `standalone`): `vernis-limiter-standalone --backend dummy`.
//!
//! Set `VERNIS_DEMO=<seconds>` to feed the built-in demo programme instead of the audio input (the
//! given number of seconds is run through the limiter and the meters at start), and
//! `VERNIS_DEMO_GAIN_DB=<dB>` to drive it harder than its −1 dBFS peak.

fn main() {
    nice_plug::prelude::nice_export_standalone::<limiter::VernisLimiter>();
}
