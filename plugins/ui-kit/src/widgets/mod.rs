//! Meter widgets drawn with egui's painter. All sizes are logical points, so they scale with the
//! window's DPI; fonts are sized from the space each widget gets.

mod history_graph;
mod level_bar;
mod readout;
mod target_panel;

pub use history_graph::{HistoryGraph, Series};
pub use level_bar::{LevelBar, Orientation};
pub use readout::Readout;
pub use target_panel::{check_rows, choice_combo, section_title, CheckRow, Verdict};

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
    use super::format_value;

    #[test]
    fn formats() {
        assert_eq!(format_value(-14.04, 1, false, "-"), "-14.0");
        assert_eq!(format_value(-0.04, 1, false, "-"), "0.0");
        assert_eq!(format_value(2.0, 1, true, "-"), "+2.0");
        assert_eq!(format_value(f64::NEG_INFINITY, 1, true, "-inf"), "-inf");
        assert_eq!(format_value(f64::NAN, 1, true, "?"), "?");
    }
}
