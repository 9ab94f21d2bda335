//! Meter widgets drawn with egui's painter. All sizes are logical points, so they scale with the
//! window's DPI; fonts are sized from the space each widget gets.

use egui::{Rect, Response, Sense, Ui, Vec2};

mod chrome;
mod gain_reduction_graph;
mod graph;
mod header;
mod history_graph;
mod level_bar;
mod meters;
mod readout;
mod spectrum_view;
mod target_panel;

pub use chrome::{
    brand, editor_layout, footer_item, panel, reset_button, row, span_selector, tile, EditorLayout,
};
pub use gain_reduction_graph::{GainReductionGraph, LevelTrace};
pub use header::bypass_and_latency;
pub use history_graph::{HistoryGraph, Series};
pub use level_bar::{LevelBar, Orientation};
pub use meters::{GainReductionMeter, PeakFollower, PeakMeter};
pub use readout::Readout;
pub use spectrum_view::FrequencyAxis;
pub use target_panel::{
    channel_names, check_rows, choice_combo, loudness_verdict, platform_combo, platform_gain_table,
    section_title, target_checks, true_peak_verdict, CheckRow, LoudnessTarget, Verdict,
    MARGINAL_TOLERANCE_LU, PASS_TOLERANCE_LU,
};

/// Allocates at least `min_size` (all the space available, if more) for a widget that only
/// paints, and paints it with `paint` when visible.
pub(crate) fn paint_widget(ui: &mut Ui, min_size: Vec2, paint: impl FnOnce(&Ui, Rect)) -> Response {
    let size = ui.available_size().max(min_size);
    let (rect, response) = ui.allocate_exact_size(size, Sense::hover());
    if ui.is_rect_visible(rect) {
        paint(ui, rect);
    }
    response
}

/// `h:mm:ss` or `m:ss` of a measured duration (`0:00` when not finite).
pub fn format_duration(seconds: f64) -> String {
    let s = if seconds.is_finite() {
        seconds.max(0.0) as u64
    } else {
        0
    };
    if s >= 3600 {
        format!("{}:{:02}:{:02}", s / 3600, (s / 60) % 60, s % 60)
    } else {
        format!("{}:{:02}", s / 60, s % 60)
    }
}

/// Formats `value` with `decimals` decimals, or `undefined` when it is not finite (`-inf` LUFS of
/// silence, `NaN`). Positive values get an explicit `+` when `signed` is set.
pub fn format_value(value: f64, decimals: usize, signed: bool, undefined: &str) -> String {
    if !value.is_finite() {
        return undefined.to_owned();
    }
    // Avoid "-0.0".
    let rounded = {
        let scale = 10f64.powi(decimals as i32);
        let r = (value * scale).round() / scale;
        if r == 0.0 {
            0.0
        } else {
            r
        }
    };
    if signed && rounded > 0.0 {
        format!("+{rounded:.decimals$}")
    } else {
        format!("{rounded:.decimals$}")
    }
}

#[cfg(test)]
mod tests {
    use super::{format_duration, format_value};

    #[test]
    fn durations() {
        assert_eq!(format_duration(0.0), "0:00");
        assert_eq!(format_duration(75.4), "1:15");
        assert_eq!(format_duration(3723.0), "1:02:03");
        assert_eq!(format_duration(f64::NEG_INFINITY), "0:00");
    }

    #[test]
    fn formats() {
        assert_eq!(format_value(-14.04, 1, false, "-"), "-14.0");
        assert_eq!(format_value(-0.04, 1, false, "-"), "0.0");
        assert_eq!(format_value(2.0, 1, true, "-"), "+2.0");
        assert_eq!(format_value(f64::NEG_INFINITY, 1, true, "-inf"), "-inf");
        assert_eq!(format_value(f64::NAN, 1, true, "?"), "?");
    }
}
