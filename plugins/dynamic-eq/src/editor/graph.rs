//! The EQ graph: the input and output spectra, the EQ's static curve and its live curve (every
//! used band at its current dynamic offset, from dsp-core's [`BandCurve`], summed in dB), the
//! selected band's own curve, and one node per enabled band.
//!
//! Nodes: drag for frequency and gain (one gesture per drag), mouse wheel for Q, click to select,
//! right-click to disable. Double-click on empty space enables the first free band there. A
//! dynamic band's live offset is drawn as a bar from its node.

use dsp_core::eq::curve::BandCurve;
use dsp_core::eq::{EqBandSettings, MAX_EQ_BANDS};
use dsp_core::filter::eq_shape::MAX_GAIN_DB;
use egui::epaint::PathShape;
use egui::{Align2, Color32, FontId, Pos2, Rect, Sense, Shape, Stroke, Ui, Vec2};
use nice_plug::prelude::*;
use ui_kit::param::{set_bool, set_param};
use ui_kit::theme;
use ui_kit::widgets::FrequencyAxis;
use ui_kit::SpectrumAnalyzer;

use super::{band_color, Readings};
use crate::DynamicEqParams;

/// Level range of the spectra, dB.
const SPECTRUM_RANGE_DB: (f32, f32) = (-96.0, 6.0);
/// Gain range of the EQ curve (symmetric, a little beyond the ±30 dB of Gain, so the grid
/// labels clear the frequency labels), dB, and its grid step.
const CURVE_RANGE_DB: (f32, f32) = (MAX_GAIN_DB as f32 + 3.0, 6.0);
/// Radius of a band node, points.
const NODE_RADIUS: f32 = 8.0;
/// Q change per wheel notch (factor).
const Q_WHEEL_STEP: f32 = 1.12;
/// Horizontal spacing of the curve's points, points.
const CURVE_STEP: f32 = 2.0;

/// Curve buffers kept between frames.
#[derive(Default)]
pub(crate) struct CurveBuffers {
    frequencies_hz: Vec<f32>,
    static_db: Vec<f32>,
    live_db: Vec<f32>,
    selected_db: Vec<f32>,
}

impl CurveBuffers {
    /// Recomputes the curves at `points` log-spaced frequencies of `axis`.
    fn update(
        &mut self,
        axis: &FrequencyAxis,
        bands: &[EqBandSettings; MAX_EQ_BANDS],
        offsets_db: &[f32; MAX_EQ_BANDS],
        selected: usize,
        sample_rate_hz: f64,
    ) {
        let points = ((axis.rect.width() / CURVE_STEP) as usize).max(2);
        self.frequencies_hz.clear();
        self.frequencies_hz.extend((0..points).map(|i| {
            let x = axis.rect.left() + axis.rect.width() * i as f32 / (points - 1) as f32;
            axis.hz_of(x)
        }));
        for buffer in [
            &mut self.static_db,
            &mut self.live_db,
            &mut self.selected_db,
        ] {
            buffer.clear();
            buffer.resize(points, 0.0);
        }
        for (b, band) in bands.iter().enumerate() {
            if !band.used || band.bypass {
                continue;
            }
            let statics = BandCurve::new(band, 0.0, sample_rate_hz);
            let offset = offsets_db[b];
            let live = (offset != 0.0).then(|| BandCurve::new(band, offset, sample_rate_hz));
            for (i, hz) in self.frequencies_hz.iter().enumerate() {
                let s = statics.magnitude_db(f64::from(*hz)) as f32;
                let l = live
                    .as_ref()
                    .map_or(s, |c| c.magnitude_db(f64::from(*hz)) as f32);
                self.static_db[i] += s;
                self.live_db[i] += l;
                if b == selected {
                    self.selected_db[i] = l;
                }
            }
        }
    }
}

/// Where a band's node sits, dB: its gain for the shapes that have one, else 0 dB.
fn node_db(band: &EqBandSettings) -> f32 {
    if band.filter.shape.uses_gain() {
        band.filter.gain_db as f32
    } else {
        0.0
    }
}

/// The analyser's spectra (input, output, sidechain) and which of them are drawn.
pub(super) struct Spectra<'a> {
    pub analyzers: [&'a SpectrumAnalyzer; 3],
    pub shown: &'a mut [bool; 3],
}

/// Names and colours of the three spectra, in [`Spectra`] order.
const SPECTRUM_KEYS: [(&str, Color32); 3] = [
    ("Pre", theme::SPECTRUM_IN),
    ("Post", theme::SPECTRUM_OUT),
    ("Sidechain", theme::SPECTRUM_SIDECHAIN),
];

/// The spectra's names in the graph's top-right corner, left of "EQ": click one to show or hide
/// it (drawn in its colour while shown).
fn spectrum_toggles(ui: &mut Ui, plot: Rect, shown: &mut [bool; 3], bypassed: bool) {
    let eq_width = if bypassed { 96.0 } else { 30.0 };
    let right = plot.right() - 8.0 - eq_width;
    let area = Rect::from_min_max(
        Pos2::new(right - 200.0, plot.top() + 2.0),
        Pos2::new(right, plot.top() + 22.0),
    );
    ui.scope_builder(
        egui::UiBuilder::new()
            .max_rect(area)
            .layout(egui::Layout::right_to_left(egui::Align::Center)),
        |ui| {
            ui.spacing_mut().item_spacing.x = 10.0;
            for ((name, color), on) in SPECTRUM_KEYS.iter().zip(shown.iter_mut()).rev() {
                let mut text = egui::RichText::new(*name).size(11.0).color(if *on {
                    *color
                } else {
                    theme::TEXT_DIM
                });
                if !*on {
                    text = text.strikethrough();
                }
                if ui
                    .add(egui::Button::new(text).frame(false))
                    .on_hover_text(format!("Show or hide the {} spectrum", name.to_lowercase()))
                    .clicked()
                {
                    *on = !*on;
                }
            }
        },
    );
}

/// Draws the graph over `area` and handles its nodes.
#[allow(clippy::too_many_arguments)]
pub(super) fn show(
    ui: &mut Ui,
    area: Rect,
    setter: &ParamSetter,
    params: &DynamicEqParams,
    r: &Readings,
    spectra: Spectra,
    curves: &mut CurveBuffers,
    selected: &mut usize,
) {
    let painter = ui.painter_at(area);
    painter.rect_filled(area, theme::RADIUS, theme::PANEL);
    let plot = area.shrink2(Vec2::new(6.0, 6.0));
    let (range_db, step_db) = CURVE_RANGE_DB;
    let axis = FrequencyAxis::audio(plot, -range_db, range_db);
    let spectrum_axis = FrequencyAxis::audio(plot, SPECTRUM_RANGE_DB.0, SPECTRUM_RANGE_DB.1);
    let painter = ui.painter_at(plot);

    // Empty space: double-click adds a band (added first, so the nodes lie on top of it).
    let background = ui.interact(plot, ui.scope_id().with("eq-graph"), Sense::click());
    if background.double_clicked() {
        if let (Some(pointer), Some(free)) =
            (background.interact_pointer_pos(), params.first_free_band())
        {
            let band = &params.bands[free];
            set_param(setter, &band.frequency, axis.hz_of(pointer.x));
            if band.shape.value().to_dsp().uses_gain() {
                let db = gain_at(&axis, pointer.y);
                set_param(setter, &band.gain, db);
            }
            set_bool(setter, &band.enabled, true);
            *selected = free;
        }
    }

    for (i, (analyzer, (_, color))) in spectra.analyzers.iter().zip(SPECTRUM_KEYS).enumerate() {
        if spectra.shown[i] {
            // The input filled underneath; the others as lines.
            let color = if i == 1 {
                color.gamma_multiply(0.6)
            } else {
                color
            };
            spectrum_axis.paint_spectrum(
                &painter,
                analyzer.frequencies_hz(),
                analyzer.levels_db(),
                color,
                i == 0,
            );
        }
    }
    spectrum_toggles(ui, plot, spectra.shown, params.globals.bypass.value());
    axis.paint_grid(&painter, step_db);
    painter.hline(
        plot.x_range(),
        axis.y_of(0.0),
        Stroke::new(1.0, theme::GRID_STRONG),
    );

    let settings = params.settings();
    let bypassed = params.globals.bypass.value();
    let offsets: [f32; MAX_EQ_BANDS] = std::array::from_fn(|b| {
        let band = &settings.bands[b];
        if band.used && band.dynamics.is_active() {
            r.gain_db[b]
        } else {
            0.0
        }
    });
    curves.update(
        &axis,
        &settings.bands,
        &offsets,
        *selected,
        f64::from(r.sample_rate_hz),
    );

    // The selected band's own curve, filled towards 0 dB.
    let selected_band = &settings.bands[*selected];
    if selected_band.used {
        let color = band_color(*selected);
        let zero = axis.y_of(0.0);
        let points: Vec<Pos2> = curves
            .frequencies_hz
            .iter()
            .zip(&curves.selected_db)
            .map(|(hz, db)| axis.pos(*hz, *db))
            .collect();
        for pair in points.windows(2) {
            let quad = vec![
                pair[0],
                pair[1],
                Pos2::new(pair[1].x, zero),
                Pos2::new(pair[0].x, zero),
            ];
            painter.add(Shape::convex_polygon(
                quad,
                color.gamma_multiply(0.12),
                Stroke::NONE,
            ));
        }
        painter.add(PathShape::line(
            points,
            Stroke::new(1.2, color.gamma_multiply(0.8)),
        ));
    }

    // The static curve (dim) and the live one (bright).
    let line = |values: &[f32]| -> Vec<Pos2> {
        curves
            .frequencies_hz
            .iter()
            .zip(values)
            .map(|(hz, db)| axis.pos(*hz, *db))
            .collect()
    };
    let any_dynamic = offsets.iter().any(|o| *o != 0.0);
    let curve_color = if bypassed {
        theme::TEXT_DIM
    } else {
        theme::TEXT
    };
    if any_dynamic {
        painter.add(PathShape::line(
            line(&curves.static_db),
            Stroke::new(1.2, theme::TEXT_DIM.gamma_multiply(0.7)),
        ));
    }
    painter.add(PathShape::line(
        line(&curves.live_db),
        Stroke::new(2.2, curve_color),
    ));

    nodes(
        ui,
        &axis,
        setter,
        params,
        &settings.bands,
        &offsets,
        selected,
    );
    legend(&painter, plot, bypassed);
}

/// Gain at height `y` of the curve axis, clamped to the parameter's range.
fn gain_at(axis: &FrequencyAxis, y: f32) -> f32 {
    let t = (axis.rect.bottom() - y) / axis.rect.height().max(1.0);
    let db = axis.min_db + t * (axis.max_db - axis.min_db);
    db.clamp(-MAX_GAIN_DB as f32, MAX_GAIN_DB as f32)
}

/// The enabled bands' nodes: drawn, dragged, scrolled, selected.
fn nodes(
    ui: &mut Ui,
    axis: &FrequencyAxis,
    setter: &ParamSetter,
    params: &DynamicEqParams,
    bands: &[EqBandSettings; MAX_EQ_BANDS],
    offsets: &[f32; MAX_EQ_BANDS],
    selected: &mut usize,
) {
    let painter = ui.painter_at(axis.rect);
    // The selected node last, so it is drawn (and grabbed) on top.
    let first = *selected;
    let order = (0..MAX_EQ_BANDS)
        .filter(move |b| *b != first)
        .chain(std::iter::once(first));
    for b in order {
        let band = &bands[b];
        if !band.used {
            continue;
        }
        let p = &params.bands[b];
        let color = band_color(b);
        let center = axis.pos(band.filter.frequency_hz as f32, node_db(band));
        let response = ui
            .interact(
                Rect::from_center_size(center, Vec2::splat(NODE_RADIUS * 2.5)),
                ui.scope_id().with(("eq-node", b)),
                Sense::click_and_drag(),
            )
            .on_hover_cursor(egui::CursorIcon::Grab)
            .on_hover_text(format!(
                "Band {}: {:.1} Hz, {:+.1} dB, Q {:.2}\nDrag: frequency and gain · wheel: Q · \
                 right-click: disable",
                b + 1,
                band.filter.frequency_hz,
                band.filter.gain_db,
                band.filter.q
            ));
        let uses_gain = band.filter.shape.uses_gain();
        if response.drag_started() || response.clicked() {
            *selected = b;
        }
        if response.drag_started() {
            setter.begin_set_parameter(&p.frequency);
            if uses_gain {
                setter.begin_set_parameter(&p.gain);
            }
        }
        if response.dragged() {
            if let Some(pointer) = response.interact_pointer_pos() {
                setter.set_parameter(&p.frequency, axis.hz_of(pointer.x));
                if uses_gain {
                    setter.set_parameter(&p.gain, gain_at(axis, pointer.y));
                }
            }
        }
        if response.drag_stopped() {
            setter.end_set_parameter(&p.frequency);
            if uses_gain {
                setter.end_set_parameter(&p.gain);
            }
        }
        if response.secondary_clicked() {
            set_bool(setter, &p.enabled, false);
        }
        if response.hovered() && !response.dragged() {
            let wheel: f32 = ui.input(|i| {
                i.raw
                    .events
                    .iter()
                    .map(|e| match e {
                        egui::Event::MouseWheel { delta, .. } => delta.y,
                        _ => 0.0,
                    })
                    .sum()
            });
            if wheel != 0.0 {
                let q = p.q.value() * Q_WHEEL_STEP.powf(wheel.signum());
                set_param(setter, &p.q, q);
            }
        }

        // The live dynamic offset: a bar from the node.
        let offset = offsets[b];
        if offset.abs() >= 0.05 {
            let end = axis.pos(band.filter.frequency_hz as f32, node_db(band) + offset);
            painter.line_segment([center, end], Stroke::new(4.0, color.gamma_multiply(0.7)));
            painter.circle_filled(end, 3.5, color);
        }
        let active = response.hovered() || response.dragged() || b == *selected;
        painter.circle_filled(
            center,
            NODE_RADIUS,
            if band.bypass {
                theme::WIDGET
            } else {
                color.gamma_multiply(if active { 1.0 } else { 0.75 })
            },
        );
        painter.circle_stroke(
            center,
            NODE_RADIUS,
            Stroke::new(
                if b == *selected { 2.0 } else { 1.0 },
                if active { theme::TEXT } else { theme::BG },
            ),
        );
        if band.dynamics.enabled {
            painter.circle_stroke(
                center,
                NODE_RADIUS + 3.0,
                Stroke::new(1.0, color.gamma_multiply(0.8)),
            );
        }
        painter.text(
            center,
            Align2::CENTER_CENTER,
            format!("{}", b + 1),
            FontId::proportional(10.0),
            theme::BG,
        );
    }
}

/// "EQ" in the top-right corner (the spectrum toggles sit left of it).
fn legend(painter: &egui::Painter, plot: Rect, bypassed: bool) {
    let eq = if bypassed { "EQ (bypassed)" } else { "EQ" };
    let galley = painter.layout_no_wrap(eq.to_owned(), FontId::proportional(11.0), theme::TEXT);
    let x = plot.right() - 8.0 - galley.size().x;
    painter.galley(Pos2::new(x, plot.top() + 6.0), galley, theme::TEXT);
}
