//! Loudness targets: a target or platform selector, a pass/fail table of a master against the
//! target, and the playback gain every streaming platform would apply to it.

use dsp_core::targets::{Normalization, Platform, PLATFORMS};
use egui::{Align, Color32, FontId, Layout, RichText, Sense, Ui, Vec2};

use super::format_value;
use crate::theme::{self, Status};

/// Integrated loudness within this many LU of the target passes.
pub const PASS_TOLERANCE_LU: f64 = 1.0;
/// Integrated loudness within this many LU of the target is "close".
pub const MARGINAL_TOLERANCE_LU: f64 = 2.0;

/// What a master is compared with: a platform's reference, or a custom target and ceiling.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LoudnessTarget {
    /// Name shown in the editor.
    pub name: &'static str,
    /// Integrated loudness target, LUFS.
    pub target_lufs: f64,
    /// True-peak ceiling for a master of the given loudness, dBTP.
    pub ceiling_dbtp: f64,
    /// The platform, when one is selected (gives the playback gain).
    pub platform: Option<&'static Platform>,
}

impl LoudnessTarget {
    /// The target of `platform` for a master of `integrated_lufs` (Spotify asks a stricter
    /// ceiling of loud masters).
    pub fn for_platform(platform: &'static Platform, integrated_lufs: f64) -> Self {
        Self {
            name: platform.name,
            target_lufs: platform.target_lufs,
            ceiling_dbtp: platform.effective_ceiling_dbtp(integrated_lufs),
            platform: Some(platform),
        }
    }

    /// A custom target.
    pub fn custom(target_lufs: f64, ceiling_dbtp: f64) -> Self {
        Self {
            name: "Custom",
            target_lufs,
            ceiling_dbtp,
            platform: None,
        }
    }

    /// What happens to a master of this loudness and true peak on playback: a label ("Playback
    /// gain", "Correction" for delivery specs, "Gain to target" for a custom target) and the gain
    /// in dB (`NaN` while the loudness is undefined).
    pub fn playback_gain_db(
        &self,
        integrated_lufs: f64,
        true_peak_dbtp: f64,
    ) -> (&'static str, f64) {
        match self.platform {
            Some(platform) => {
                let label = match platform.normalization {
                    Normalization::DeliveryTarget => "Correction",
                    _ => "Playback gain",
                };
                (
                    label,
                    platform
                        .playback_gain_db(integrated_lufs, true_peak_dbtp)
                        .unwrap_or(f64::NAN),
                )
            }
            None => ("Gain to target", self.target_lufs - integrated_lufs),
        }
    }
}

/// How an integrated loudness compares with a target (within [`PASS_TOLERANCE_LU`] passes).
pub fn loudness_verdict(integrated_lufs: f64, target_lufs: f64) -> Verdict {
    let off = (integrated_lufs - target_lufs).abs();
    if !integrated_lufs.is_finite() {
        Verdict::Pending
    } else if off <= PASS_TOLERANCE_LU {
        Verdict::Pass
    } else if off <= MARGINAL_TOLERANCE_LU {
        Verdict::Marginal
    } else {
        Verdict::Fail
    }
}

/// Whether a true peak stays at or under a ceiling (`Pending` while nothing was measured).
pub fn true_peak_verdict(true_peak_dbtp: f64, ceiling_dbtp: f64) -> Verdict {
    if !true_peak_dbtp.is_finite() {
        Verdict::Pending
    } else if true_peak_dbtp > ceiling_dbtp {
        Verdict::Fail
    } else {
        Verdict::Pass
    }
}

/// Names of the channels for a channel count (WAVE order).
pub fn channel_names(channels: usize) -> &'static [&'static str] {
    match channels {
        1 => &["M"],
        2 => &["L", "R"],
        // 7.1 and 7.1.4 in WAV order: rear surrounds (BL BR), side surrounds (SL SR), tops.
        8 => &["L", "R", "C", "LFE", "Lrs", "Rrs", "Lss", "Rss"],
        12 => &[
            "L", "R", "C", "LFE", "Lrs", "Rrs", "Lss", "Rss", "Ltf", "Rtf", "Ltr", "Rtr",
        ],
        _ => &["L", "R", "C", "LFE", "Ls", "Rs"],
    }
}

/// A combo box choosing one of [`PLATFORMS`]; returns the newly picked platform.
pub fn platform_combo(
    ui: &mut Ui,
    id_salt: impl egui::AsIdSalt,
    selected: &Platform,
    width: f32,
) -> Option<&'static Platform> {
    let names: [&str; PLATFORMS.len()] = std::array::from_fn(|i| PLATFORMS[i].name);
    let index = PLATFORMS
        .iter()
        .position(|p| p.id == selected.id)
        .unwrap_or(0);
    choice_combo(ui, id_salt, index, &names, width).map(|i| &PLATFORMS[i])
}

/// The pass/fail rows of a master against `target`: integrated loudness, true peak, and the
/// gain the platform applies on playback (or the gain to reach a custom target).
pub fn target_checks(
    ui: &mut Ui,
    target: &LoudnessTarget,
    integrated_lufs: f64,
    true_peak_dbtp: f64,
) {
    let diff = integrated_lufs - target.target_lufs;
    let (gain_label, gain) = target.playback_gain_db(integrated_lufs, true_peak_dbtp);
    check_rows(
        ui,
        &[
            CheckRow {
                label: "Integrated",
                value: format!("{} LU", format_value(diff, 1, true, "—")),
                verdict: Some(loudness_verdict(integrated_lufs, target.target_lufs)),
            },
            CheckRow {
                label: "True peak",
                value: format!("{} dBTP", format_value(true_peak_dbtp, 1, false, "-inf")),
                verdict: Some(true_peak_verdict(true_peak_dbtp, target.ceiling_dbtp)),
            },
            CheckRow {
                label: gain_label,
                value: format!("{} dB", format_value(gain, 1, true, "—")),
                verdict: None,
            },
        ],
    );
}

/// A table of the playback gain every platform would apply to a master of this loudness and true
/// peak, as many rows as fit in the remaining height (the selected platform highlighted).
pub fn platform_gain_table(
    ui: &mut Ui,
    id_salt: impl egui::AsIdSalt,
    integrated_lufs: f64,
    true_peak_dbtp: f64,
    selected_id: Option<&str>,
) {
    let row_h = 18.0;
    let rows = (ui.available_height() / row_h).floor().max(0.0) as usize;
    ui.spacing_mut().interact_size.y = row_h - 2.0;
    egui::Grid::new(id_salt)
        .num_columns(3)
        .spacing(Vec2::new(12.0, 2.0))
        .min_row_height(row_h - 2.0)
        .show(ui, |ui| {
            for platform in PLATFORMS.iter().take(rows) {
                let color = if selected_id == Some(platform.id) {
                    theme::TEXT
                } else {
                    theme::TEXT_DIM
                };
                let gain = platform
                    .playback_gain_db(integrated_lufs, true_peak_dbtp)
                    .unwrap_or(f64::NAN);
                ui.label(RichText::new(platform.name).color(color));
                ui.label(
                    RichText::new(format!("{:.0} LUFS", platform.target_lufs))
                        .monospace()
                        .color(theme::TEXT_DIM),
                );
                ui.label(
                    RichText::new(format!("{} dB", format_value(gain, 1, true, "—")))
                        .monospace()
                        .color(color),
                );
                ui.end_row();
            }
        });
}

/// The outcome of one check against a target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Meets the target.
    Pass,
    /// Close to the limit (e.g. within tolerance but drifting).
    Marginal,
    /// Misses the target.
    Fail,
    /// Cannot be judged yet (nothing measured, or not applicable).
    Pending,
}

impl Verdict {
    /// Text of the verdict chip.
    pub fn text(self) -> &'static str {
        match self {
            Verdict::Pass => "PASS",
            Verdict::Marginal => "CLOSE",
            Verdict::Fail => "FAIL",
            Verdict::Pending => "—",
        }
    }

    /// The [`Status`] (colour of a readout) that goes with the verdict.
    pub fn status(self) -> Status {
        match self {
            Verdict::Pass => Status::Good,
            Verdict::Marginal => Status::Warn,
            Verdict::Fail => Status::Bad,
            Verdict::Pending => Status::Neutral,
        }
    }

    /// Colour of the verdict chip.
    pub fn color(self) -> Color32 {
        match self {
            Verdict::Pass => theme::GOOD,
            Verdict::Marginal => theme::WARN,
            Verdict::Fail => theme::BAD,
            Verdict::Pending => theme::TEXT_DIM,
        }
    }
}

/// One row of a [`check_rows`] table: `label   value   [VERDICT]`.
#[derive(Debug, Clone)]
pub struct CheckRow<'a> {
    /// What is checked, e.g. `Integrated`.
    pub label: &'a str,
    /// The measured value with its unit and the limit, e.g. `-13.2 / -14.0 LUFS`.
    pub value: String,
    /// The outcome; `None` shows no chip (an informational row).
    pub verdict: Option<Verdict>,
}

/// A small upper-case section heading.
pub fn section_title(ui: &mut Ui, title: &str) {
    ui.label(
        RichText::new(title)
            .size(11.0)
            .color(theme::TEXT_DIM)
            .strong(),
    );
}

/// A combo box choosing one of `names`; returns the new index when the user picks another one.
pub fn choice_combo(
    ui: &mut Ui,
    id_salt: impl egui::AsIdSalt,
    selected: usize,
    names: &[&str],
    width: f32,
) -> Option<usize> {
    let mut choice = selected;
    egui::ComboBox::from_id_salt(id_salt)
        .width(width)
        .selected_text(names.get(selected).copied().unwrap_or("?"))
        .show_ui(ui, |ui| {
            for (i, name) in names.iter().enumerate() {
                ui.selectable_value(&mut choice, i, *name);
            }
        });
    (choice != selected).then_some(choice)
}

/// Draws `rows` as a table: label on the left, value, then a coloured verdict chip on the right.
pub fn check_rows(ui: &mut Ui, rows: &[CheckRow<'_>]) {
    let chip_size = Vec2::new(48.0, 18.0);
    for row in rows {
        ui.horizontal(|ui| {
            ui.set_min_height(chip_size.y + 2.0);
            ui.label(RichText::new(row.label).color(theme::TEXT_DIM));
            ui.with_layout(Layout::right_to_left(Align::Center), |ui| {
                if let Some(verdict) = row.verdict {
                    let (rect, _) = ui.allocate_exact_size(chip_size, Sense::hover());
                    let color = verdict.color();
                    ui.painter()
                        .rect_filled(rect, theme::RADIUS, color.linear_multiply(0.18));
                    ui.painter().rect_stroke(
                        rect,
                        theme::RADIUS,
                        egui::Stroke::new(1.0, color),
                        egui::StrokeKind::Inside,
                    );
                    ui.painter().text(
                        rect.center(),
                        egui::Align2::CENTER_CENTER,
                        verdict.text(),
                        FontId::proportional(11.0),
                        color,
                    );
                }
                ui.label(
                    RichText::new(&row.value)
                        .font(FontId::monospace(13.0))
                        .color(theme::TEXT),
                );
            });
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verdicts_and_gains() {
        assert_eq!(loudness_verdict(-14.5, -14.0), Verdict::Pass);
        assert_eq!(loudness_verdict(-12.5, -14.0), Verdict::Marginal);
        assert_eq!(loudness_verdict(-9.0, -14.0), Verdict::Fail);
        assert_eq!(loudness_verdict(f64::NEG_INFINITY, -14.0), Verdict::Pending);
        assert_eq!(true_peak_verdict(-0.5, -1.0), Verdict::Fail);
        assert_eq!(true_peak_verdict(-1.0, -1.0), Verdict::Pass);
        assert_eq!(true_peak_verdict(f64::NEG_INFINITY, -1.0), Verdict::Pending);
        assert_eq!(Verdict::Fail.status(), Status::Bad);

        let spotify = LoudnessTarget::for_platform(&PLATFORMS[0], -9.0);
        assert_eq!(
            spotify.ceiling_dbtp, -2.0,
            "loud masters get the stricter ceiling"
        );
        assert_eq!(
            spotify.playback_gain_db(-9.0, -1.0),
            ("Playback gain", -5.0)
        );
        let custom = LoudnessTarget::custom(-16.0, -1.0);
        assert_eq!(
            custom.playback_gain_db(-18.0, -3.0),
            ("Gain to target", 2.0)
        );
        let (_, gain) = spotify.playback_gain_db(f64::NEG_INFINITY, -1.0);
        assert!(gain.is_nan());
        assert_eq!(channel_names(2), &["L", "R"]);
    }
}
