//! Per-band views: the band strip (select, Solo / Mute / Bypass, gain-change meter, gain
//! history) and the selected band's transfer curve with its moving level dot.

use dsp_core::dynamics::band_curve;
use dsp_core::filter::crossover_settings::MAX_BANDS;
use egui::epaint::PathShape;
use egui::{Align2, Button, FontId, Pos2, Rect, RichText, Sense, Stroke, Ui, UiBuilder, Vec2};
use nice_plug::prelude::*;
use ui_kit::param::set_bool;
use ui_kit::theme;

use super::Readings;
use crate::{MultibandParams, PUBLISH_RATE_HZ};

/// Gain change at the ends of the strip's meters, dB.
const METER_RANGE_DB: f32 = 24.0;
/// Input (and output) level range of the transfer curve, dB.
const CURVE_RANGE_DB: (f32, f32) = (-80.0, 0.0);

/// The band strip over `area`: one column per used band, and the gain history below.
pub(super) fn strip(
    ui: &mut Ui,
    area: Rect,
    setter: &ParamSetter,
    params: &MultibandParams,
    r: &Readings,
    history: &[[f32; MAX_BANDS]],
    selected: &mut usize,
) {
    ui.painter().rect_filled(area, theme::RADIUS, theme::PANEL);
    let inner = area.shrink(6.0);
    let history_h = (inner.height() * 0.3).clamp(60.0, 110.0);
    let columns = Rect::from_min_max(
        inner.min,
        egui::pos2(inner.right(), inner.bottom() - history_h - 6.0),
    );
    let history_rect = Rect::from_min_max(
        egui::pos2(inner.left(), inner.bottom() - history_h),
        inner.max,
    );
    let bands = params.bands();
    let width = columns.width() / r.bands as f32;
    for (b, band) in bands.iter().enumerate().take(r.bands) {
        let column = Rect::from_min_size(
            egui::pos2(columns.left() + b as f32 * width, columns.top()),
            Vec2::new(width - 4.0, columns.height()),
        );
        let color = theme::BAND_COLORS[b];
        ui.scope_builder(UiBuilder::new().max_rect(column), |ui| {
            ui.spacing_mut().item_spacing = Vec2::new(2.0, 3.0);
            ui.spacing_mut().button_padding = Vec2::new(2.0, 1.0);
            let name = RichText::new(format!("{}", b + 1)).strong().color(color);
            if ui
                .add(
                    Button::selectable(*selected == b, name)
                        .min_size(Vec2::new(column.width(), 20.0)),
                )
                .on_hover_text(format!("Show band {}'s controls", b + 1))
                .clicked()
            {
                *selected = b;
            }
            for (param, label, on_color) in [
                (&band.solo, "S", theme::WARN),
                (&band.mute, "M", theme::BAD),
                (&band.bypass, "B", theme::ACCENT),
            ] {
                let on = param.value();
                let text = RichText::new(label).size(11.0).color(if on {
                    theme::BG
                } else {
                    theme::TEXT_DIM
                });
                let mut button = Button::new(text).min_size(Vec2::new(column.width(), 18.0));
                if on {
                    button = button.fill(on_color);
                }
                if ui.add(button).on_hover_text(param.name()).clicked() {
                    set_bool(setter, param, !on);
                }
            }
            let (meter, _) = ui.allocate_exact_size(
                Vec2::new(column.width(), ui.available_height().max(20.0)),
                Sense::hover(),
            );
            gain_meter(ui, meter, r.gain_db[b], r.transient_db[b], color);
        });
    }
    gain_history(ui, history_rect, history, r.bands);
}

/// A bipolar gain-change meter: 0 dB in the middle, cuts down, boosts up, and the value below.
fn gain_meter(ui: &Ui, rect: Rect, gain_db: f32, transient_db: f32, color: egui::Color32) {
    let painter = ui.painter_at(rect);
    let text_h = 14.0;
    let bar = Rect::from_min_max(
        egui::pos2(rect.center().x - 7.0, rect.top()),
        egui::pos2(rect.center().x + 7.0, rect.bottom() - text_h),
    );
    painter.rect_filled(bar, 2.0, theme::WIDGET);
    let mid = bar.center().y;
    let half = bar.height() * 0.5;
    let gain = if gain_db.is_finite() {
        gain_db.clamp(-METER_RANGE_DB, METER_RANGE_DB)
    } else {
        0.0
    };
    let y = mid - gain / METER_RANGE_DB * half;
    painter.rect_filled(
        Rect::from_x_y_ranges(bar.x_range(), y.min(mid)..=y.max(mid)),
        2.0,
        color,
    );
    painter.line_segment(
        [
            Pos2::new(bar.left() - 3.0, mid),
            Pos2::new(bar.right() + 3.0, mid),
        ],
        Stroke::new(1.0, theme::TEXT_DIM),
    );
    if transient_db.abs() >= 0.05 && transient_db.is_finite() {
        // The transient shaper's share as a thin mark beside the bar.
        let t = mid - transient_db.clamp(-METER_RANGE_DB, METER_RANGE_DB) / METER_RANGE_DB * half;
        painter.line_segment(
            [
                Pos2::new(bar.right() + 2.0, mid),
                Pos2::new(bar.right() + 2.0, t),
            ],
            Stroke::new(2.0, theme::TEXT),
        );
    }
    painter.text(
        Pos2::new(rect.center().x, rect.bottom()),
        Align2::CENTER_BOTTOM,
        format!("{gain:+.1}"),
        FontId::monospace(10.5),
        theme::TEXT,
    );
}

/// The last seconds of each band's gain change, one line per band, 0 dB in the middle.
fn gain_history(ui: &Ui, rect: Rect, history: &[[f32; MAX_BANDS]], bands: usize) {
    let painter = ui.painter_at(rect);
    painter.rect_filled(rect, 2.0, theme::BG);
    let mid = rect.center().y;
    painter.line_segment(
        [Pos2::new(rect.left(), mid), Pos2::new(rect.right(), mid)],
        Stroke::new(1.0, theme::LINE),
    );
    let capacity = crate::history::POINTS.max(2);
    let dx = rect.width() / (capacity - 1) as f32;
    let start = capacity.saturating_sub(history.len());
    for b in 0..bands {
        let points: Vec<Pos2> = history
            .iter()
            .enumerate()
            .map(|(i, point)| {
                let gain = point[b];
                let gain = if gain.is_finite() { gain } else { 0.0 };
                let y = mid
                    - gain.clamp(-METER_RANGE_DB, METER_RANGE_DB) / METER_RANGE_DB
                        * rect.height()
                        * 0.5;
                Pos2::new(rect.left() + (start + i) as f32 * dx, y)
            })
            .collect();
        if points.len() >= 2 {
            painter.add(PathShape::line(
                points,
                Stroke::new(1.2, theme::BAND_COLORS[b]),
            ));
        }
    }
    painter.text(
        rect.left_top() + Vec2::new(3.0, 2.0),
        Align2::LEFT_TOP,
        format!(
            "gain, last {:.0} s (±{METER_RANGE_DB:.0} dB)",
            crate::history::POINTS as f64 / PUBLISH_RATE_HZ
        ),
        FontId::proportional(10.5),
        theme::TEXT_DIM,
    );
}

/// The selected band's static transfer curve (output level over detector level) with the
/// current level and gain as a dot.
pub(super) fn transfer_curve(
    ui: &mut Ui,
    area: Rect,
    params: &MultibandParams,
    r: &Readings,
    band: usize,
) {
    let painter = ui.painter_at(area);
    painter.rect_filled(area, theme::RADIUS, theme::PANEL);
    let side = (area.width().min(area.height()) - 24.0).max(20.0);
    let plot = Rect::from_center_size(area.center() + Vec2::new(6.0, 4.0), Vec2::splat(side));
    let (lo, hi) = CURVE_RANGE_DB;
    let to_pos = |input_db: f32, output_db: f32| {
        let x = plot.left() + (input_db - lo) / (hi - lo) * plot.width();
        let y = plot.bottom() - (output_db.clamp(lo, hi) - lo) / (hi - lo) * plot.height();
        Pos2::new(x, y)
    };
    painter.rect_filled(plot, 0.0, theme::BG);
    let mut db = lo;
    while db <= hi {
        let a = to_pos(db, lo);
        let b = to_pos(db, hi);
        painter.line_segment([a, b], Stroke::new(1.0, theme::LINE));
        let c = to_pos(lo, db);
        let d = to_pos(hi, db);
        painter.line_segment([c, d], Stroke::new(1.0, theme::LINE));
        painter.text(
            Pos2::new(plot.left() - 3.0, c.y),
            Align2::RIGHT_CENTER,
            format!("{db:.0}"),
            FontId::proportional(9.5),
            theme::TEXT_DIM,
        );
        db += 20.0;
    }
    painter.line_segment(
        [to_pos(lo, lo), to_pos(hi, hi)],
        Stroke::new(1.0, theme::GRID_STRONG),
    );

    let settings = params.bands()[band].settings();
    let color = theme::BAND_COLORS[band];
    let steps = 120;
    let points: Vec<Pos2> = (0..=steps)
        .map(|i| {
            let input = lo + (hi - lo) * i as f32 / steps as f32;
            to_pos(input, input + band_curve::static_gain_db(&settings, input))
        })
        .collect();
    painter.add(PathShape::line(points, Stroke::new(2.0, color)));
    let threshold = to_pos(settings.threshold_db, lo);
    painter.line_segment(
        [threshold, Pos2::new(threshold.x, plot.top())],
        Stroke::new(1.0, color.gamma_multiply(0.5)),
    );

    let level = r.level_db[band];
    if level.is_finite() && level > lo {
        let gain = if r.gain_db[band].is_finite() {
            r.gain_db[band]
        } else {
            0.0
        };
        painter.circle_filled(
            to_pos(level.min(hi), level.min(hi) + gain),
            4.5,
            theme::TEXT,
        );
    }
    painter.text(
        area.left_top() + Vec2::new(8.0, 4.0),
        Align2::LEFT_TOP,
        format!("BAND {} CURVE", band + 1),
        FontId::proportional(11.0),
        theme::TEXT_DIM,
    );
}
