//! The spectrum panel: input and output spectra, the bands' ranges with their live gain change,
//! and the crossovers as draggable handles (drawn where the DSP puts them: clamped).

use dsp_core::filter::crossover_settings::MAX_BANDS;
use egui::{Align2, FontId, Pos2, Rect, Sense, Stroke, Ui, Vec2};
use nice_plug::prelude::*;
use ui_kit::param::set_normalized;
use ui_kit::theme;
use ui_kit::widgets::FrequencyAxis;
use ui_kit::SpectrumAnalyzer;

use super::Readings;
use crate::MultibandParams;

/// Level range of the spectra, dB, and the grid step.
const SPECTRUM_RANGE_DB: (f32, f32, f32) = (-96.0, 6.0, 12.0);
/// Gain change that fills the overlay's half height, dB.
const GAIN_SCALE_DB: f32 = 24.0;
/// Half-width of a crossover's grab area, points.
const GRAB_HALF_WIDTH: f32 = 6.0;

/// Draws the panel over `area`; clicking a band's range selects it.
pub(super) fn show(
    ui: &mut Ui,
    area: Rect,
    setter: &ParamSetter,
    params: &MultibandParams,
    r: &Readings,
    [input, output]: [&SpectrumAnalyzer; 2],
    selected: &mut usize,
) {
    let painter = ui.painter_at(area);
    painter.rect_filled(area, theme::RADIUS, theme::PANEL);
    let plot = area.shrink2(Vec2::new(6.0, 6.0));
    let (min_db, max_db, step_db) = SPECTRUM_RANGE_DB;
    let axis = FrequencyAxis::audio(plot, min_db, max_db);
    let painter = ui.painter_at(plot);

    // Band ranges: edges at 20 Hz, the crossovers, 20 kHz.
    let mut edges = [axis.min_hz; MAX_BANDS + 1];
    edges[1..r.bands].copy_from_slice(&r.crossovers_hz[..r.bands - 1]);
    edges[r.bands] = axis.max_hz;
    let bands = params.bands();
    let any_solo = bands[..r.bands].iter().any(|b| b.solo.value());
    for b in 0..r.bands {
        let x0 = axis.x_of(edges[b]).max(plot.left());
        let x1 = axis.x_of(edges[b + 1]).min(plot.right());
        let rect = Rect::from_x_y_ranges(x0..=x1, plot.y_range());
        let color = theme::BAND_COLORS[b];
        let silent = bands[b].mute.value() || (any_solo && !bands[b].solo.value());
        let shade = if b == *selected { 0.10 } else { 0.035 };
        painter.rect_filled(rect, 0.0, color.gamma_multiply(shade));
        if silent {
            painter.rect_filled(rect, 0.0, theme::BG.gamma_multiply(0.6));
        }
        let response = ui.interact(rect, ui.scope_id().with(("band-range", b)), Sense::click());
        if response.clicked() {
            *selected = b;
        }
    }

    axis.paint_grid(&painter, step_db);
    axis.paint_spectrum(
        &painter,
        input.frequencies_hz(),
        input.levels_db(),
        theme::SPECTRUM_IN,
        true,
    );
    axis.paint_spectrum(
        &painter,
        output.frequencies_hz(),
        output.levels_db(),
        theme::SPECTRUM_OUT,
        false,
    );

    // Each band's gain change, from a 0 dB line a third of the way down.
    let zero_y = plot.top() + plot.height() * 0.33;
    let px_per_db = plot.height() * 0.3 / GAIN_SCALE_DB;
    dashed(&painter, plot, zero_y);
    for b in 0..r.bands {
        let gain = r.gain_db[b].clamp(-GAIN_SCALE_DB, GAIN_SCALE_DB);
        if !gain.is_finite() {
            continue;
        }
        let x0 = axis.x_of(edges[b]).max(plot.left()) + 2.0;
        let x1 = axis.x_of(edges[b + 1]).min(plot.right()) - 2.0;
        let y = zero_y - gain * px_per_db;
        let color = theme::BAND_COLORS[b];
        let bar = Rect::from_x_y_ranges(x0..=x1, y.min(zero_y)..=y.max(zero_y));
        painter.rect_filled(bar, 0.0, color.gamma_multiply(0.35));
        painter.line_segment(
            [Pos2::new(x0, y), Pos2::new(x1, y)],
            Stroke::new(2.0, color),
        );
        if gain.abs() >= 0.05 {
            painter.text(
                Pos2::new((x0 + x1) * 0.5, y + if gain < 0.0 { 2.0 } else { -2.0 }),
                if gain < 0.0 {
                    Align2::CENTER_TOP
                } else {
                    Align2::CENTER_BOTTOM
                },
                format!("{gain:+.1}"),
                FontId::monospace(11.0),
                theme::TEXT,
            );
        }
    }

    crossover_handles(ui, &axis, setter, params, r);
    legend(&painter, plot);
}

/// The crossovers as vertical lines with a handle: drag to move (one gesture per drag),
/// double-click to reset.
fn crossover_handles(
    ui: &mut Ui,
    axis: &FrequencyAxis,
    setter: &ParamSetter,
    params: &MultibandParams,
    r: &Readings,
) {
    let plot = axis.rect;
    let crossovers = params.crossovers();
    for (i, param) in crossovers.into_iter().enumerate().take(r.bands - 1) {
        let hz = r.crossovers_hz[i];
        let x = axis.x_of(hz);
        let grab = Rect::from_x_y_ranges(
            (x - GRAB_HALF_WIDTH)..=(x + GRAB_HALF_WIDTH),
            plot.y_range(),
        );
        let response = ui
            .interact(
                grab,
                ui.scope_id().with(("crossover", i)),
                Sense::click_and_drag(),
            )
            .on_hover_cursor(egui::CursorIcon::ResizeHorizontal)
            .on_hover_text(format!(
                "{}: drag to move, double-click to reset",
                param.name()
            ));
        if response.drag_started() {
            setter.begin_set_parameter(param);
        }
        if response.dragged() {
            if let Some(pointer) = response.interact_pointer_pos() {
                setter.set_parameter(param, axis.hz_of(pointer.x));
            }
        }
        if response.drag_stopped() {
            setter.end_set_parameter(param);
        }
        if response.double_clicked() {
            set_normalized(setter, param, param.default_normalized_value());
        }
        let active = response.hovered() || response.dragged();
        let color = if active { theme::TEXT } else { theme::TEXT_DIM };
        let painter = ui.painter_at(plot);
        painter.line_segment(
            [Pos2::new(x, plot.top()), Pos2::new(x, plot.bottom())],
            Stroke::new(if active { 2.0 } else { 1.2 }, color),
        );
        let knob = Pos2::new(x, plot.top() + 14.0);
        painter.circle_filled(knob, 6.0, theme::BAND_COLORS[i + 1]);
        painter.circle_stroke(knob, 6.0, Stroke::new(1.0, theme::TEXT));
        let text = if hz >= 1000.0 {
            format!("{:.2} kHz", hz / 1000.0)
        } else {
            format!("{hz:.0} Hz")
        };
        painter.text(
            Pos2::new(x + 9.0, plot.top() + 14.0),
            Align2::LEFT_CENTER,
            text,
            FontId::monospace(11.0),
            color,
        );
    }
}

/// A dashed horizontal line across `plot` at `y` (the 0 dB line of the gain overlay).
fn dashed(painter: &egui::Painter, plot: Rect, y: f32) {
    let mut x = plot.left();
    while x < plot.right() {
        let end = (x + 6.0).min(plot.right());
        painter.line_segment(
            [Pos2::new(x, y), Pos2::new(end, y)],
            Stroke::new(1.0, theme::GRID_STRONG),
        );
        x += 10.0;
    }
}

/// "Input / Output" in the top-right corner.
fn legend(painter: &egui::Painter, plot: Rect) {
    let mut x = plot.right() - 8.0;
    for (name, color) in [
        ("Output", theme::SPECTRUM_OUT),
        ("Input", theme::SPECTRUM_IN),
    ] {
        let galley = painter.layout_no_wrap(name.to_owned(), FontId::proportional(11.0), color);
        x -= galley.size().x;
        painter.galley(Pos2::new(x, plot.top() + 30.0), galley, color);
        x -= 14.0;
    }
}
