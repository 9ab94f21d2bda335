//! The Vernis Multiband editor (egui).
//!
//! Layout: a header (name, latency, Bypass); on the left the live spectrum before and after
//! ([`spectrum_panel`]) with the crossovers as draggable handles and each band's gain change drawn
//! over its range as it happens; under it the band strip (per band: select, Solo / Mute /
//! Bypass, a gain-change meter) with a short gain history, the selected band's controls and its
//! transfer curve with the moving level dot ([`band_views`]); on the right the global controls;
//! a footer with the stream format.
//!
//! The editor owns no audio state: it reads [`MultibandShared`] (atomics, the history ring and
//! the spectrum taps written by the audio thread), runs the spectrum FFTs itself, and changes
//! parameters through nice-plug's `ParamSetter`. It tells the audio thread when it opens and
//! closes, so readings are published only while it is open.

use std::sync::Arc;
use std::time::Instant;

use dsp_core::filter::crossover_settings::{clamp_crossovers, MAX_BANDS, MAX_CROSSOVERS};
use egui::{Align, Layout, Rect, RichText, Ui, Vec2};
use nice_plug::prelude::*;
use nice_plug_egui::EguiEditor;
use ui_kit::param::{param_choice, param_toggle, ChoiceStyle, ParamSlider};
use ui_kit::theme;
use ui_kit::widgets;
use ui_kit::widgets::{brand, editor_layout, footer_item, panel, row, section_title};
use ui_kit::{EditorContents, EditorShell, PresetBar, SpectrumAnalyzer};

use crate::params::DEFAULT_EDITOR_SIZE;
use crate::{history, slot, MultibandParams, MultibandShared, MAX_CHANNELS};

mod band_views;
mod spectrum_panel;

/// Display points of each spectrum.
const SPECTRUM_POINTS: usize = 320;
/// Width of the label column of the controls.
const LABEL_WIDTH: f32 = 88.0;

/// The editor's contents: reads [`MultibandShared`] and edits [`MultibandParams`].
pub struct MultibandEditor {
    params: Arc<MultibandParams>,
    shared: Arc<MultibandShared>,
    /// Band whose controls and curve are shown (0-based).
    selected: usize,
    input_spectrum: SpectrumAnalyzer,
    output_spectrum: SpectrumAnalyzer,
    /// Copy of the gain history, reused between frames.
    history: Vec<[f32; MAX_BANDS]>,
    last_frame: Option<Instant>,
}

/// The plugin's editor type.
pub type Editor = EguiEditor<EditorShell<MultibandEditor>>;

/// Builds the editor for the plugin's `editor()` callback.
pub fn create(params: Arc<MultibandParams>, shared: Arc<MultibandShared>) -> Option<Editor> {
    let size = params.editor_size.clone();
    let contents = MultibandEditor {
        params,
        shared,
        selected: 0,
        input_spectrum: SpectrumAnalyzer::new(SPECTRUM_POINTS, 20.0, 20_000.0),
        output_spectrum: SpectrumAnalyzer::new(SPECTRUM_POINTS, 20.0, 20_000.0),
        history: Vec::new(),
        last_frame: None,
    };
    ui_kit::create_editor(contents, size, DEFAULT_EDITOR_SIZE)
}

/// What the editor reads from the audio thread once per frame.
pub(crate) struct Readings {
    /// Per band: detector level, gain change, transient shaping (dB).
    pub level_db: [f32; MAX_BANDS],
    pub gain_db: [f32; MAX_BANDS],
    pub transient_db: [f32; MAX_BANDS],
    pub latency_samples: f32,
    pub sample_rate_hz: f32,
    pub channels: usize,
    /// Bands in use and their crossovers as the DSP uses them (clamped), Hz.
    pub bands: usize,
    pub crossovers_hz: [f32; MAX_CROSSOVERS],
}

impl Readings {
    fn load(shared: &MultibandShared, params: &MultibandParams) -> Self {
        let bus = &shared.bus;
        let sample_rate_hz = bus.get(slot::SAMPLE_RATE_HZ);
        let bands = params.band_count();
        let mut crossovers_hz = params.crossovers().map(|p| p.value());
        clamp_crossovers(&mut crossovers_hz[..bands - 1], f64::from(sample_rate_hz));
        Self {
            level_db: std::array::from_fn(|b| bus.get(slot::LEVEL_DB + b)),
            gain_db: std::array::from_fn(|b| bus.get(slot::GAIN_DB + b)),
            transient_db: std::array::from_fn(|b| bus.get(slot::TRANSIENT_DB + b)),
            latency_samples: bus.get(slot::LATENCY_SAMPLES),
            sample_rate_hz,
            channels: (bus.get(slot::CHANNELS) as usize).clamp(1, MAX_CHANNELS),
            bands,
            crossovers_hz,
        }
    }
}

impl EditorContents for MultibandEditor {
    const TITLE: &'static str = crate::VernisMultiband::NAME;
    const MIN_SIZE: Vec2 = Vec2::new(960.0, 620.0);
    const VST3_CLASS_ID: [u8; 16] = <crate::VernisMultiband as Vst3Plugin>::VST3_CLASS_ID;

    fn opened(&mut self) {
        self.shared.editor_open.set(true);
        self.input_spectrum.clear();
        self.output_spectrum.clear();
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
        let r = Readings::load(&self.shared, &self.params);
        self.selected = self.selected.min(r.bands - 1);
        self.input_spectrum
            .update(&self.shared.input, r.sample_rate_hz, dt);
        self.output_spectrum
            .update(&self.shared.output, r.sample_rate_hz, dt);
        self.shared
            .history
            .copy_recent(history::POINTS, &mut self.history);

        let layout = editor_layout(ui.max_rect());
        let gap = 8.0;
        row(ui, layout.header, |ui| self.header(ui, setter, &r, presets));
        row(ui, layout.footer, |ui| footer(ui, &r));

        let body = layout.body;
        let globals_w = (body.width() * 0.28).clamp(290.0, 330.0);
        let globals =
            Rect::from_min_max(egui::pos2(body.right() - globals_w, body.top()), body.max);
        let left = Rect::from_min_max(body.min, egui::pos2(globals.left() - gap, body.bottom()));
        let bottom_h = (left.height() * 0.52).clamp(300.0, 360.0);
        let spectrum = Rect::from_min_max(
            left.min,
            egui::pos2(left.right(), left.bottom() - bottom_h - gap),
        );
        let bottom =
            Rect::from_min_max(egui::pos2(left.left(), left.bottom() - bottom_h), left.max);
        let curve_w = (bottom.height() - 20.0).min(bottom.width() * 0.3);
        let strip_w = (bottom.width() * 0.34).max(200.0);
        let strip = Rect::from_min_size(bottom.min, Vec2::new(strip_w, bottom.height()));
        let curve = Rect::from_min_max(
            egui::pos2(bottom.right() - curve_w, bottom.top()),
            bottom.max,
        );
        let controls = Rect::from_min_max(
            egui::pos2(strip.right() + gap, bottom.top()),
            egui::pos2(curve.left() - gap, bottom.bottom()),
        );

        spectrum_panel::show(
            ui,
            spectrum,
            setter,
            &self.params,
            &r,
            [&self.input_spectrum, &self.output_spectrum],
            &mut self.selected,
        );
        band_views::strip(
            ui,
            strip,
            setter,
            &self.params,
            &r,
            &self.history,
            &mut self.selected,
        );
        self.band_controls(ui, controls, setter);
        band_views::transfer_curve(ui, curve, &self.params, &r, self.selected);
        self.global_controls(ui, globals, setter, &r);
    }
}

impl MultibandEditor {
    fn header(&self, ui: &mut Ui, setter: &ParamSetter, r: &Readings, presets: &mut PresetBar) {
        brand(ui, "MULTIBAND");
        ui.with_layout(Layout::right_to_left(Align::Center), |ui| {
            ui.add_space(4.0);
            widgets::bypass_and_latency(
                ui,
                setter,
                &self.params.bypass,
                f64::from(r.latency_samples),
                f64::from(r.sample_rate_hz),
            );
            ui.add_space(12.0);
            presets.show(ui);
        });
    }

    fn band_controls(&self, ui: &mut Ui, area: Rect, setter: &ParamSetter) {
        let k = self.selected;
        let band = self.params.bands()[k];
        panel(ui, area, Vec2::new(10.0, 8.0), |ui| {
            ui.spacing_mut().item_spacing.y = 3.0;
            ui.label(
                RichText::new(format!("BAND {}", k + 1))
                    .size(11.0)
                    .strong()
                    .color(theme::BAND_COLORS[k]),
            );
            let color = theme::BAND_COLORS[k];
            let slider = |ui: &mut Ui, param: &FloatParam, label: &str, origin: Option<f32>| {
                let mut s = ParamSlider::new(param, setter)
                    .label(label)
                    .label_width(LABEL_WIDTH - 16.0)
                    .value_width(70.0)
                    .height(20.0)
                    .color(color);
                if let Some(origin) = origin {
                    s = s.origin(origin);
                }
                ui.add(s);
            };
            param_choice(
                ui,
                setter,
                &band.direction,
                Some("Mode"),
                LABEL_WIDTH - 16.0,
                ChoiceStyle::Combo,
            );
            slider(ui, &band.threshold, "Threshold", None);
            slider(ui, &band.ratio, "Ratio", None);
            slider(ui, &band.knee, "Knee", None);
            slider(ui, &band.attack, "Attack", None);
            slider(ui, &band.release, "Release", None);
            slider(ui, &band.range, "Range", None);
            slider(ui, &band.makeup, "Makeup", Some(0.5));
            slider(ui, &band.transient, "Transient", Some(0.5));
            param_choice(
                ui,
                setter,
                &band.detector,
                Some("Detector"),
                LABEL_WIDTH - 16.0,
                ChoiceStyle::Segmented,
            );
            param_choice(
                ui,
                setter,
                &band.channel,
                Some("Channel"),
                LABEL_WIDTH - 16.0,
                ChoiceStyle::Combo,
            );
            param_choice(
                ui,
                setter,
                &band.sidechain,
                Some("Sidechain"),
                LABEL_WIDTH - 16.0,
                ChoiceStyle::Segmented,
            );
        });
    }

    fn global_controls(&self, ui: &mut Ui, area: Rect, setter: &ParamSetter, r: &Readings) {
        let p = &self.params;
        panel(ui, area, Vec2::new(10.0, 8.0), |ui| {
            ui.spacing_mut().item_spacing.y = 4.0;
            section_title(ui, "BANDS");
            param_choice(
                ui,
                setter,
                &p.bands,
                None,
                LABEL_WIDTH,
                ChoiceStyle::Segmented,
            );
            param_choice(
                ui,
                setter,
                &p.mode,
                Some("Mode"),
                LABEL_WIDTH,
                ChoiceStyle::Combo,
            );
            param_choice(
                ui,
                setter,
                &p.slope,
                None,
                LABEL_WIDTH,
                ChoiceStyle::Segmented,
            );
            ui.add(ParamSlider::new(&p.lookahead, setter).label_width(LABEL_WIDTH));
            ui.add_space(4.0);
            section_title(ui, "CROSSOVERS");
            for (i, crossover) in p.crossovers().into_iter().enumerate().take(r.bands - 1) {
                ui.add(
                    ParamSlider::new(crossover, setter)
                        .label_width(LABEL_WIDTH)
                        .color(theme::BAND_COLORS[i + 1]),
                );
            }
            ui.add_space(4.0);
            section_title(ui, "OUTPUT");
            ui.add(ParamSlider::new(&p.mix, setter).label_width(LABEL_WIDTH));
            ui.add(
                ParamSlider::new(&p.output_gain, setter)
                    .label_width(LABEL_WIDTH)
                    .origin(0.5),
            );
            param_toggle(ui, setter, &p.auto_makeup, None, LABEL_WIDTH);
        });
    }
}

fn footer(ui: &mut Ui, r: &Readings) {
    footer_item(
        ui,
        "Format",
        format!(
            "{:.1} kHz {}",
            r.sample_rate_hz / 1000.0,
            if r.channels == 1 { "mono" } else { "stereo" }
        ),
    );
    footer_item(ui, "Latency", format!("{:.0} samples", r.latency_samples));
    footer_item(ui, "Bands", format!("{}", r.bands));
}
