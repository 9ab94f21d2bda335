//! A target selector and a pass/fail table.

use egui::{Align, Color32, FontId, Layout, RichText, Sense, Ui, Vec2};

use crate::theme;

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
