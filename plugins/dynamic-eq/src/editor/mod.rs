//! The Vernis Dynamic EQ editor (egui).
//!
//! Layout: a header (name, latency, Bypass); the EQ graph ([`graph`]) over the live spectrum
//! before and after, with one node per enabled band and each dynamic band's live offset; under
//! it the band strip (24 buttons: select, enabled bands in their colour) and the selected band's
//! controls (filter, dynamics with the detector level against the threshold, output); a footer
//! with the stream format.
//!
//! The editor owns no audio state: it reads [`DynamicEqShared`] (atomics and the spectrum taps
//! written by the audio thread), runs the spectrum FFTs itself, draws the curves with dsp-core's
//! [`dsp_core::eq::curve::BandCurve`] (the filters the audio runs) and changes parameters through
//! nice-plug's `ParamSetter`. It tells the audio thread when it opens and closes, so readings
//! are published only while it is open.

use std::sync::Arc;
use std::time::Instant;

use dsp_core::eq::MAX_EQ_BANDS;
use egui::{Align, Button, Color32, Layout, Rect, RichText, Sense, Stroke, Ui, UiBuilder, Vec2};
use nice_plug::prelude::*;
use nice_plug_egui::EguiEditor;
use ui_kit::param::{param_choice, param_toggle, ChoiceStyle, ParamSlider};
use ui_kit::theme;
use ui_kit::widgets;
use ui_kit::widgets::{brand, editor_layout, footer_item, panel, row, section_title};
use ui_kit::{EditorContents, EditorShell, PresetBar, SpectrumAnalyzer};

use crate::params::{BandParams, DEFAULT_EDITOR_SIZE};
use crate::{slot, DynamicEqParams, DynamicEqShared, MAX_CHANNELS, SILENCE_DB};

mod graph;

/// Display points of each spectrum.
const SPECTRUM_POINTS: usize = 320;
/// Width of the label column of the controls.
const LABEL_WIDTH: f32 = 74.0;

/// Colour of band `b` (0-based): the palette repeats every six bands.
pub fn band_color(b: usize) -> Color32 {
    theme::BAND_COLORS[b % theme::BAND_COLORS.len()]
}

/// The editor's contents: reads [`DynamicEqShared`] and edits [`DynamicEqParams`].
pub struct DynamicEqEditor {
    params: Arc<DynamicEqParams>,
    shared: Arc<DynamicEqShared>,
    /// Band whose controls are shown (0-based).
    selected: usize,
    input_spectrum: SpectrumAnalyzer,
    output_spectrum: SpectrumAnalyzer,
    sidechain_spectrum: SpectrumAnalyzer,
    /// Which spectra are drawn: input (pre), output (post), sidechain.
    show_spectra: [bool; 3],
    /// Curve buffers, reused between frames.
    curves: graph::CurveBuffers,
    last_frame: Option<Instant>,
}

/// The plugin's editor type.
pub type Editor = EguiEditor<EditorShell<DynamicEqEditor>>;

/// Builds the editor for the plugin's `editor()` callback.
pub fn create(params: Arc<DynamicEqParams>, shared: Arc<DynamicEqShared>) -> Option<Editor> {
    let size = params.globals.editor_size.clone();
    let contents = DynamicEqEditor {
        params,
        shared,
        // Chosen when the window opens.
        selected: usize::MAX,
        input_spectrum: SpectrumAnalyzer::new(SPECTRUM_POINTS, 20.0, 20_000.0),
        output_spectrum: SpectrumAnalyzer::new(SPECTRUM_POINTS, 20.0, 20_000.0),
        sidechain_spectrum: SpectrumAnalyzer::new(SPECTRUM_POINTS, 20.0, 20_000.0),
        show_spectra: [true, true, false],
        curves: graph::CurveBuffers::default(),
        last_frame: None,
    };
    ui_kit::create_editor(contents, size, DEFAULT_EDITOR_SIZE)
}

/// What the editor reads from the audio thread once per frame.
pub(crate) struct Readings {
    /// Per band: detector level and live dynamic offset (dB).
    pub level_db: [f32; MAX_EQ_BANDS],
    pub gain_db: [f32; MAX_EQ_BANDS],
    pub sample_rate_hz: f32,
    pub channels: usize,
    pub latency_samples: f32,
}

impl Readings {
    fn load(shared: &DynamicEqShared) -> Self {
        let bus = &shared.bus;
        Self {
            level_db: std::array::from_fn(|b| bus.get(slot::LEVEL_DB + b)),
            gain_db: std::array::from_fn(|b| {
                let g = bus.get(slot::GAIN_DB + b);
                if g.is_finite() {
                    g
                } else {
                    0.0
                }
            }),
            sample_rate_hz: bus.get(slot::SAMPLE_RATE_HZ).max(1.0),
            channels: (bus.get(slot::CHANNELS) as usize).clamp(1, MAX_CHANNELS),
            latency_samples: bus.get(slot::LATENCY_SAMPLES),
        }
    }
}

impl EditorContents for DynamicEqEditor {
    const TITLE: &'static str = crate::VernisDynamicEq::NAME;
    const MIN_SIZE: Vec2 = Vec2::new(960.0, 640.0);
    const VST3_CLASS_ID: [u8; 16] = <crate::VernisDynamicEq as Vst3Plugin>::VST3_CLASS_ID;

    fn opened(&mut self) {
        self.shared.editor_open.set(true);
        // Show an enabled band (a dynamic one first) unless one already is.
        let bands = &self.params.bands;
        if bands.get(self.selected).is_none_or(|b| !b.enabled.value()) {
            self.selected = bands
                .iter()
                .position(|b| b.enabled.value() && b.dynamic.value())
                .or_else(|| bands.iter().position(|b| b.enabled.value()))
                .unwrap_or(0);
        }
        self.input_spectrum.clear();
        self.output_spectrum.clear();
        self.sidechain_spectrum.clear();
        self.last_frame = None;
    }

    fn closed(&mut self) {
        self.shared.editor_open.set(false);
    }

    fn contents(&mut self, ui: &mut Ui, setter: &ParamSetter, presets: &mut PresetBar) {
        let now = Instant::now();
        let dt = self
            .last_frame
            .map_or(0.0, |last| now.duration_since(last).as_secs_f32());
        self.last_frame = Some(now);
        let r = Readings::load(&self.shared);
        self.selected = self.selected.min(MAX_EQ_BANDS - 1);
        self.input_spectrum
            .update(&self.shared.input, r.sample_rate_hz, dt);
        self.output_spectrum
            .update(&self.shared.output, r.sample_rate_hz, dt);
        if self.show_spectra[2] {
            self.sidechain_spectrum
                .update(&self.shared.sidechain, r.sample_rate_hz, dt);
        }

        let layout = editor_layout(ui.max_rect());
        let gap = 8.0;
        row(ui, layout.header, |ui| self.header(ui, setter, &r, presets));
        row(ui, layout.footer, |ui| footer(ui, &self.params, &r));

        let body = layout.body;
        let bottom_h = (body.height() * 0.47).clamp(300.0, 330.0);
        let graph_rect = Rect::from_min_max(
            body.min,
            egui::pos2(body.right(), body.bottom() - bottom_h - gap),
        );
        let strip_h = 26.0;
        let strip = Rect::from_min_size(
            egui::pos2(body.left(), body.bottom() - bottom_h),
            Vec2::new(body.width(), strip_h),
        );
        let controls = Rect::from_min_max(egui::pos2(body.left(), strip.bottom() + 6.0), body.max);

        graph::show(
            ui,
            graph_rect,
            setter,
            &self.params,
            &r,
            graph::Spectra {
                analyzers: [
                    &self.input_spectrum,
                    &self.output_spectrum,
                    &self.sidechain_spectrum,
                ],
                shown: &mut self.show_spectra,
            },
            &mut self.curves,
            &mut self.selected,
        );
        self.band_strip(ui, strip);
        self.band_controls(ui, controls, setter, &r);
    }
}

impl DynamicEqEditor {
    fn header(&self, ui: &mut Ui, setter: &ParamSetter, r: &Readings, presets: &mut PresetBar) {
        brand(ui, "DYNAMIC EQ");
        ui.with_layout(Layout::right_to_left(Align::Center), |ui| {
            ui.add_space(4.0);
            widgets::bypass_and_latency(
                ui,
                setter,
                &self.params.globals.bypass,
                f64::from(r.latency_samples),
                f64::from(r.sample_rate_hz),
            );
            ui.add_space(12.0);
            ui.allocate_ui(Vec2::new(150.0, 24.0), |ui| {
                param_choice(
                    ui,
                    setter,
                    &self.params.globals.phase,
                    None,
                    0.0,
                    ChoiceStyle::Combo,
                );
            });
            ui.label(RichText::new("Phase").color(theme::TEXT_DIM));
            ui.add_space(12.0);
            presets.show(ui);
        });
    }

    /// One button per band: select it; enabled bands in their colour, dynamic ones marked.
    fn band_strip(&mut self, ui: &mut Ui, area: Rect) {
        ui.scope_builder(
            UiBuilder::new()
                .max_rect(area)
                .layout(Layout::left_to_right(Align::Center)),
            |ui| {
                let spacing = 3.0;
                ui.spacing_mut().item_spacing.x = spacing;
                ui.spacing_mut().button_padding = Vec2::new(2.0, 1.0);
                let w = (area.width() - spacing * (MAX_EQ_BANDS - 1) as f32) / MAX_EQ_BANDS as f32;
                for (b, band) in self.params.bands.iter().enumerate() {
                    let on = band.enabled.value();
                    let color = band_color(b);
                    let label = if on && band.dynamic.value() {
                        format!("{}~", b + 1)
                    } else {
                        format!("{}", b + 1)
                    };
                    let text = RichText::new(label).size(12.0).strong().color(if on {
                        color
                    } else {
                        theme::TEXT_DIM
                    });
                    let response = ui
                        .add(
                            Button::selectable(self.selected == b, text)
                                .min_size(Vec2::new(w, area.height())),
                        )
                        .on_hover_text(format!(
                            "Band {}: {} ({})",
                            b + 1,
                            if on { "enabled" } else { "off" },
                            crate::params::Shape::variants()[band.shape.value().to_index()]
                        ));
                    if on {
                        let rect = response.rect;
                        ui.painter().hline(
                            rect.x_range().shrink(3.0),
                            rect.bottom() - 2.0,
                            Stroke::new(2.0, color),
                        );
                    }
                    if response.clicked() {
                        self.selected = b;
                    }
                }
            },
        );
    }

    fn band_controls(&self, ui: &mut Ui, area: Rect, setter: &ParamSetter, r: &Readings) {
        let k = self.selected;
        let band = &self.params.bands[k];
        let color = band_color(k);
        let gap = 8.0;
        let output_w = (area.width() * 0.24).clamp(220.0, 280.0);
        let columns_w = area.width() - output_w - gap;
        let filter =
            Rect::from_min_size(area.min, Vec2::new((columns_w - gap) * 0.5, area.height()));
        let dynamics = Rect::from_min_max(
            egui::pos2(filter.right() + gap, area.top()),
            egui::pos2(area.left() + columns_w, area.bottom()),
        );
        let output = Rect::from_min_max(egui::pos2(dynamics.right() + gap, area.top()), area.max);

        let slider = |ui: &mut Ui, param: &FloatParam, label: &str, origin: Option<f32>| {
            let mut s = ParamSlider::new(param, setter)
                .label(label)
                .label_width(LABEL_WIDTH)
                .value_width(84.0)
                .height(20.0)
                .color(color);
            if let Some(origin) = origin {
                s = s.origin(origin);
            }
            ui.add(s);
        };

        panel(ui, filter, Vec2::new(10.0, 8.0), |ui| {
            ui.spacing_mut().item_spacing.y = 3.0;
            ui.label(
                RichText::new(format!("BAND {}  FILTER", k + 1))
                    .size(11.0)
                    .strong()
                    .color(color),
            );
            param_toggle(ui, setter, &band.enabled, Some("Enabled"), LABEL_WIDTH);
            param_choice(
                ui,
                setter,
                &band.shape,
                Some("Shape"),
                LABEL_WIDTH,
                ChoiceStyle::Combo,
            );
            slider(ui, &band.frequency, "Frequency", None);
            let shape = band.shape.value().to_dsp();
            ui.add_enabled_ui(shape.uses_gain(), |ui| {
                slider(ui, &band.gain, "Gain", Some(0.5));
            });
            slider(ui, &band.q, "Q", None);
            ui.add_enabled_ui(shape.is_cut(), |ui| {
                param_choice(
                    ui,
                    setter,
                    &band.slope,
                    Some("Slope"),
                    LABEL_WIDTH,
                    ChoiceStyle::Combo,
                );
            });
            param_choice(
                ui,
                setter,
                &band.placement,
                Some("Placement"),
                LABEL_WIDTH,
                ChoiceStyle::Segmented,
            );
            param_toggle(ui, setter, &band.solo, Some("Solo"), LABEL_WIDTH)
                .on_hover_text("Saved with the project; band solo is not in the DSP yet");
        });

        panel(ui, dynamics, Vec2::new(10.0, 8.0), |ui| {
            ui.spacing_mut().item_spacing.y = 3.0;
            ui.label(
                RichText::new(format!("BAND {}  DYNAMICS", k + 1))
                    .size(11.0)
                    .strong()
                    .color(color),
            );
            param_toggle(ui, setter, &band.dynamic, Some("Dynamic"), LABEL_WIDTH);
            ui.add_enabled_ui(band.dynamic.value(), |ui| {
                slider(ui, &band.threshold, "Threshold", None);
                slider(ui, &band.ratio, "Ratio", None);
                slider(ui, &band.range, "Range", Some(0.5));
                slider(ui, &band.attack, "Attack", None);
                slider(ui, &band.release, "Release", None);
                slider(ui, &band.knee, "Knee", None);
                param_choice(
                    ui,
                    setter,
                    &band.detector,
                    Some("Detector"),
                    LABEL_WIDTH,
                    ChoiceStyle::Segmented,
                );
                param_choice(
                    ui,
                    setter,
                    &band.trigger,
                    Some("Trigger"),
                    LABEL_WIDTH,
                    ChoiceStyle::Segmented,
                );
                param_choice(
                    ui,
                    setter,
                    &band.sidechain,
                    Some("Sidechain"),
                    LABEL_WIDTH,
                    ChoiceStyle::Segmented,
                );
            });
        });

        panel(ui, output, Vec2::new(10.0, 8.0), |ui| {
            ui.spacing_mut().item_spacing.y = 4.0;
            section_title(ui, "DETECTOR");
            detector_meter(ui, band, r.level_db[k], r.gain_db[k], color);
            ui.add_space(6.0);
            section_title(ui, "OUTPUT");
            ui.add(
                ParamSlider::new(&self.params.globals.output_gain, setter)
                    .label("Gain")
                    .label_width(44.0)
                    .value_width(84.0)
                    .origin(0.5),
            );
            ui.add_space(6.0);
            ui.label(
                RichText::new(
                    "Drag a node: frequency and gain · wheel: Q · double-click empty space: \
                     new band · right-click a node: disable",
                )
                .size(11.0)
                .color(theme::TEXT_DIM),
            );
        });
    }
}

/// The selected band's detector level against its threshold (−80..0 dB) and its live offset.
fn detector_meter(ui: &mut Ui, band: &BandParams, level_db: f32, offset_db: f32, color: Color32) {
    let width = ui.available_width();
    let (rect, _) = ui.allocate_exact_size(Vec2::new(width, 44.0), Sense::hover());
    let painter = ui.painter_at(rect);
    let bar = Rect::from_min_size(rect.min, Vec2::new(width, 12.0));
    painter.rect_filled(bar, 2.0, theme::WIDGET);
    let (lo, hi) = (-80.0f32, 0.0f32);
    let x_of = |db: f32| bar.left() + (db.clamp(lo, hi) - lo) / (hi - lo) * bar.width();
    let active = band.enabled.value() && band.dynamic.value();
    if active && level_db > SILENCE_DB + 1.0 && level_db.is_finite() {
        let fill = Rect::from_x_y_ranges(bar.left()..=x_of(level_db), bar.y_range());
        painter.rect_filled(fill, 2.0, color.gamma_multiply(0.8));
    }
    let t = x_of(band.threshold.value());
    painter.vline(t, bar.y_range().expand(3.0), Stroke::new(2.0, theme::TEXT));
    let level_text = if active && level_db > SILENCE_DB + 1.0 && level_db.is_finite() {
        format!("{level_db:.1} dB")
    } else {
        "—".to_owned()
    };
    painter.text(
        egui::pos2(rect.left(), bar.bottom() + 4.0),
        egui::Align2::LEFT_TOP,
        format!("Level {level_text}"),
        egui::FontId::monospace(11.5),
        theme::TEXT_DIM,
    );
    painter.text(
        egui::pos2(rect.right(), bar.bottom() + 4.0),
        egui::Align2::RIGHT_TOP,
        if active {
            format!("Offset {offset_db:+.1} dB")
        } else {
            "static".to_owned()
        },
        egui::FontId::monospace(11.5),
        theme::TEXT,
    );
}

fn footer(ui: &mut Ui, params: &DynamicEqParams, r: &Readings) {
    footer_item(
        ui,
        "Format",
        format!(
            "{:.1} kHz {}",
            r.sample_rate_hz / 1000.0,
            if r.channels == 1 { "mono" } else { "stereo" }
        ),
    );
    footer_item(ui, "Latency", "0 samples");
    let used = params.bands.iter().filter(|b| b.enabled.value()).count();
    let dynamic = params
        .bands
        .iter()
        .filter(|b| b.enabled.value() && b.dynamic.value())
        .count();
    footer_item(
        ui,
        "Bands",
        format!("{used} / {MAX_EQ_BANDS} ({dynamic} dynamic)"),
    );
}
