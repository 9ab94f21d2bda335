//! Reporting a plugin's latency the way each plugin format allows.
//!
//! * CLAP allows `clap_host_latency.changed()` only while the plugin is being activated. So a
//!   setting that changes the latency and arrives while active must not change it: the plugin
//!   keeps running at the reported latency, asks the host once for a restart, and the new latency
//!   takes effect (and is reported) in the next activation. A host that never restarts still gets
//!   the new setting at its next activation, and the audio is always delayed by exactly what was
//!   last reported.
//! * VST3 (`restartComponent(kLatencyChanged)`) and the standalone accept a new latency during
//!   processing: it applies at once and is reported from `process()`.
//!
//! [`LatencyReporter`] holds that decision so every plugin of the suite takes it the same way;
//! [`LatencyRequest`] is what a plugin's settings update tells it to do.

use nice_plug::prelude::*;

/// The latency reported to the host and whether a restart is already requested.
#[derive(Debug, Clone, Default)]
pub struct LatencyReporter {
    reported_samples: u32,
    restart_requested: bool,
}

impl LatencyReporter {
    /// A reporter that has reported nothing yet (0 samples).
    pub fn new() -> Self {
        Self::default()
    }

    /// Whether `api` accepts a latency change while the plugin is active (VST3, standalone), or
    /// only through a restart and the next activation (CLAP).
    pub fn changes_apply_while_active(api: PluginApi) -> bool {
        !matches!(api, PluginApi::Clap)
    }

    /// Latency last reported to the host, samples: the delay the audio must have.
    pub fn reported_samples(&self) -> u32 {
        self.reported_samples
    }

    /// The settings to hand to the DSP now: `wanted`, unless the format cannot take a latency
    /// change now (`latency_may_change` false), settings already run (`running`), and
    /// `latency_of(wanted)` differs from the reported latency: then `keep(wanted, running)`, the
    /// wanted settings with the running latency-relevant ones. Real-time safe.
    pub fn settings_to_apply<S: Copy>(
        &self,
        wanted: S,
        running: Option<S>,
        latency_may_change: bool,
        latency_of: impl Fn(&S) -> u32,
        keep: impl Fn(S, &S) -> S,
    ) -> S {
        match running {
            Some(running)
                if !latency_may_change && latency_of(&wanted) != self.reported_samples =>
            {
                keep(wanted, &running)
            }
            _ => wanted,
        }
    }

    /// Reports the latency of a new activation (from `activate()`); clears a pending restart.
    pub fn report_at_activation<P: Plugin>(
        &mut self,
        samples: u32,
        context: &mut impl ActivateContext<P>,
    ) {
        self.reported_samples = samples;
        self.restart_requested = false;
        context.set_latency_samples(samples);
    }

    /// From `process()` in a format that allows it: reports a new latency at once (no-op when
    /// unchanged). Real-time safe.
    pub fn report_now<P: Plugin>(&mut self, samples: u32, context: &mut impl ProcessContext<P>) {
        if samples != self.reported_samples {
            self.reported_samples = samples;
            context.set_latency_samples(samples);
        }
    }

    /// From `process()` in CLAP: a setting wants another latency than the reported one; asks the
    /// host for a restart, once per activation. Real-time safe (the host's call is thread-safe).
    pub fn defer_change<P: Plugin>(&mut self, context: &mut impl ProcessContext<P>) {
        if !self.restart_requested {
            self.restart_requested = true;
            context.request_restart();
        }
    }

    /// Tells the host what `request` says (from `process()`): a new latency at once, or a
    /// restart. Real-time safe.
    pub fn handle<P: Plugin>(
        &mut self,
        request: LatencyRequest,
        context: &mut impl ProcessContext<P>,
    ) {
        match request {
            LatencyRequest::None => {}
            LatencyRequest::Report(samples) => self.report_now(samples, context),
            LatencyRequest::Restart => self.defer_change(context),
        }
    }

    /// Whether a restart was requested during this activation.
    pub fn restart_requested(&self) -> bool {
        self.restart_requested
    }
}

/// What the host must be told after a plugin handed changed settings to its processor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LatencyRequest {
    /// Nothing: the latency is the one reported.
    None,
    /// The latency changed to this many samples (formats that allow it while active).
    Report(u32),
    /// A setting wants another latency; it waits for the next activation (CLAP).
    Restart,
}

impl LatencyRequest {
    /// The request after a settings update: `kept_running_latency` says whether some wanted
    /// setting was held back to keep the running latency (CLAP while active); `latency_samples`
    /// is the processor's latency now and `reported_samples` the one the host knows.
    pub fn after_update(
        kept_running_latency: bool,
        latency_samples: u32,
        reported_samples: u32,
    ) -> Self {
        if kept_running_latency {
            Self::Restart
        } else if latency_samples != reported_samples {
            Self::Report(latency_samples)
        } else {
            Self::None
        }
    }
}
