//! The right-hand end of an editor header: the latency the plugin reports and the host-bypass switch.

use egui::{Button, RichText, Ui, Vec2};
use nice_plug::prelude::{BoolParam, ParamSetter};

use super::format_value;
use crate::param::set_bool;
use crate::theme;

/// Draws the Bypass switch, then the reported latency ("Latency 1.23 ms", samples on hover; "—"
/// before the rate is known), from right to left: call it inside a right-to-left layout.
pub fn bypass_and_latency(
    ui: &mut Ui,
    setter: &ParamSetter,
    bypass: &BoolParam,
    latency_samples: f64,
    sample_rate_hz: f64,
) {
    let latency_ms = if sample_rate_hz > 0.0 {
        latency_samples / sample_rate_hz * 1000.0
    } else {
        f64::NAN
    };
    let bypassed = bypass.value();
    let text = if bypassed {
        RichText::new("Bypassed").strong().color(theme::WARN)
    } else {
        RichText::new("Bypass")
    };
    if ui
        .add(Button::selectable(bypassed, text).min_size(Vec2::new(84.0, 24.0)))
        .on_hover_text("Latency-compensated bypass (crossfaded)")
        .clicked()
    {
        set_bool(setter, bypass, !bypassed);
    }
    ui.add_space(8.0);
    ui.label(
        RichText::new(format!("{} ms", format_value(latency_ms, 2, false, "—")))
            .monospace()
            .color(theme::TEXT),
    )
    .on_hover_text(format!("{latency_samples} samples reported to the host"));
    ui.label(RichText::new("Latency").color(theme::TEXT_DIM));
}
