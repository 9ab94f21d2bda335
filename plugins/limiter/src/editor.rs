//! The Vernis Limiter editor (egui).
//!
//! Layout: a header (name, Preview switch with its platform and gain, latency, Bypass, Reset); on the left the input true-peak, gain-reduction
//! and output true-peak meters with the ceiling drawn across; in the middle readouts (gain
//! reduction, output short-term and integrated loudness, output true peak), the scrolling
//! gain-reduction history and the loudness-target panel (platform, pass/fail, playback gain); on
//! the right the controls for every parameter; a footer with the stream format and the history
//! span.
//!
//! The editor owns no measurement state: it reads [`LimiterShared`] (atomics and the history ring
//! written by the audio thread) and changes parameters through nice-plug's `ParamSetter`.

use std::sync::Arc;
use std::time::Instant;

use egui::{Align, Layout, Rect, RichText, Ui, Vec2};
use nice_plug::prelude::*;
use nice_plug_egui::EguiEditor;
use ui_kit::param::{
    param_choice, param_toggle, preview_toggle, set_param, ChoiceStyle, ParamSlider,
};
use ui_kit::theme;
use ui_kit::widgets;
use ui_kit::widgets::{
    brand, channel_names, editor_layout, footer_item, format_duration, format_value,
    loudness_verdict, panel, platform_combo, platform_gain_table, reset_button, row, section_title,
    span_selector, target_checks, tile, true_peak_verdict, GainReductionGraph, GainReductionMeter,
    LevelTrace, LoudnessTarget, PeakFollower, PeakMeter, Readout,
};
use ui_kit::{EditorContents, EditorShell, PresetBar};

use crate::params::DEFAULT_EDITOR_SIZE;
use crate::{history, slot, LimiterParams, LimiterShared, MAX_CHANNELS, PUBLISH_RATE_HZ};

/// Fall rate of the peak meters, dB per second.
const PEAK_FALL_DB_PER_S: f32 = 20.0;
/// How long the peak-hold marks stay, seconds.
const PEAK_HOLD_S: f32 = 1.5;
/// Floor of the level meters, dB.
const LEVEL_FLOOR_DB: f32 = -120.0;

/// Range of the level meters and the history's level scale, dB: bottom, top, label step.
const LEVEL_RANGE_DB: (f32, f32, f32) = (-30.0, 6.0, 6.0);
/// Deepest gain reduction on the meter and the history, dB, and the label step.
const REDUCTION_RANGE_DB: (f32, f32) = (12.0, 3.0);

/// Time spans the history offers: label and seconds.
const SPANS: [(&str, f32); 5] = [
    ("5 s", 5.0),
    ("10 s", 10.0),
    ("30 s", 30.0),
    ("1 min", 60.0),
    ("2 min", 120.0),
];

/// Width of the label column of the controls.
const LABEL_WIDTH: f32 = 92.0;

/// The editor's contents: reads [`LimiterShared`] and edits [`LimiterParams`].
pub struct LimiterEditor {
    params: Arc<LimiterParams>,
    shared: Arc<LimiterShared>,
    /// Copy of the history ring, reused between frames.
    history: Vec<[f32; history::WIDTH]>,
    /// Index into [`SPANS`].
    span: usize,
    input: [PeakFollower; MAX_CHANNELS],
    output: [PeakFollower; MAX_CHANNELS],
    reduction: PeakFollower,
    last_frame: Option<Instant>,
}

/// The plugin's editor type.
pub type Editor = EguiEditor<EditorShell<LimiterEditor>>;

/// Builds the editor for the plugin's `editor()` callback.
pub fn create(params: Arc<LimiterParams>, shared: Arc<LimiterShared>) -> Option<Editor> {
    let size = params.editor_size.clone();
    let level = PeakFollower::new(PEAK_FALL_DB_PER_S, PEAK_HOLD_S, LEVEL_FLOOR_DB);
    let contents = LimiterEditor {
        params,
        shared,
        history: Vec::new(),
        span: 1,
        input: [level; MAX_CHANNELS],
        output: [level; MAX_CHANNELS],
        reduction: PeakFollower::new(PEAK_FALL_DB_PER_S, PEAK_HOLD_S, 0.0),
        last_frame: None,
    };
    ui_kit::create_editor(contents, size, DEFAULT_EDITOR_SIZE)
}

impl EditorContents for LimiterEditor {
    const TITLE: &'static str = crate::VernisLimiter::NAME;
    const MIN_SIZE: Vec2 = Vec2::new(820.0, 520.0);
    const VST3_CLASS_ID: [u8; 16] = <crate::VernisLimiter as Vst3Plugin>::VST3_CLASS_ID;

    /// Forgets peaks that piled up while the editor was closed.
    fn opened(&mut self) {
        let bus = &self.shared.bus;
        for c in 0..MAX_CHANNELS {
            bus.take(slot::INPUT_PEAK_DBTP + c, f32::NEG_INFINITY);
            bus.take(slot::OUTPUT_PEAK_DBTP + c, f32::NEG_INFINITY);
            self.input[c].reset();
            self.output[c].reset();
        }
        bus.take(slot::GAIN_REDUCTION_DB, 0.0);
        self.reduction.reset();
        self.last_frame = None;
    }

    fn contents(&mut self, ui: &mut Ui, setter: &ParamSetter, presets: &mut PresetBar) {
        self.update_meters();
        let r = Readings::load(&self.shared);
        let platform = self.params.target_platform();
        let target = LoudnessTarget::for_platform(platform, r.integrated);
        let layout = editor_layout(ui.max_rect());
        let gap = 8.0;
        row(ui, layout.header, |ui| self.header(ui, setter, &r, presets));
        row(ui, layout.footer, |ui| self.footer(ui, &r));

        let body = layout.body;
        let meters_w = (body.width() * 0.21).clamp(190.0, 240.0);
        let controls_w = (body.width() * 0.3).clamp(280.0, 330.0);
        let meters =
            Rect::from_min_max(body.min, egui::pos2(body.left() + meters_w, body.bottom()));
        let controls =
            Rect::from_min_max(egui::pos2(body.right() - controls_w, body.top()), body.max);
        let center = Rect::from_min_max(
            egui::pos2(meters.right() + gap, body.top()),
            egui::pos2(controls.left() - gap, body.bottom()),
        );
        self.meters(ui, meters, &r);
        self.controls(ui, controls, setter, &r);

        let readout_h = (center.height() * 0.2).clamp(72.0, 100.0);
        let target_h = 118.0;
        let readouts = Rect::from_min_size(center.min, Vec2::new(center.width(), readout_h));
        let target_area = Rect::from_min_max(
            egui::pos2(center.left(), center.bottom() - target_h),
            center.max,
        );
        let graph = Rect::from_min_max(
            egui::pos2(center.left(), readouts.bottom() + gap),
            egui::pos2(center.right(), target_area.top() - gap),
        );
        self.readouts(ui, readouts, &r, &target);
        self.graph(ui, graph);
        self.target_panel(ui, target_area, setter, &r, &target);
    }
}

/// A snapshot of the bus, read once per frame.
struct Readings {
    input_max: f64,
    output_max: f64,
    reduction_max: f64,
    momentary: f64,
    short_term: f64,
    integrated: f64,
    seconds: f64,
    latency_samples: f64,
    sample_rate_hz: f64,
    channels: usize,
}

impl Readings {
    fn load(shared: &LimiterShared) -> Self {
        let bus = &shared.bus;
        let get = |i| f64::from(bus.get(i));
        Self {
            input_max: get(slot::INPUT_MAX_DBTP),
            output_max: get(slot::OUTPUT_MAX_DBTP),
            reduction_max: get(slot::GAIN_REDUCTION_MAX_DB),
            momentary: get(slot::MOMENTARY_LUFS),
            short_term: get(slot::SHORT_TERM_LUFS),
            integrated: get(slot::INTEGRATED_LUFS),
            seconds: get(slot::MEASURED_SECONDS),
            latency_samples: get(slot::LATENCY_SAMPLES),
            sample_rate_hz: get(slot::SAMPLE_RATE_HZ),
            channels: (bus.get(slot::CHANNELS) as usize).clamp(1, MAX_CHANNELS),
        }
    }
}

impl LimiterEditor {
    /// Feeds the peaks published since the last frame to the meter ballistics.
    fn update_meters(&mut self) {
        let now = Instant::now();
        let dt = self
            .last_frame
            .map_or(0.0, |last| now.duration_since(last).as_secs_f32());
        self.last_frame = Some(now);
        let bus = &self.shared.bus;
        for c in 0..MAX_CHANNELS {
            self.input[c].update(bus.take(slot::INPUT_PEAK_DBTP + c, f32::NEG_INFINITY), dt);
            self.output[c].update(bus.take(slot::OUTPUT_PEAK_DBTP + c, f32::NEG_INFINITY), dt);
        }
        self.reduction
            .update(bus.take(slot::GAIN_REDUCTION_DB, 0.0), dt);
    }

    fn header(&mut self, ui: &mut Ui, setter: &ParamSetter, r: &Readings, presets: &mut PresetBar) {
        brand(ui, "LIMITER");
        ui.add_space(16.0);
        // Preview: the switch, the platform it previews and the gain being applied.
        let platform = self.params.preview_platform.value().platform();
        preview_toggle(
            ui,
            setter,
            &self.params.preview,
            self.shared.bus.get(slot::PREVIEW_GAIN_DB),
            platform.name,
        );
        ui.scope(|ui| {
            ui.set_max_width(130.0);
            param_choice(
                ui,
                setter,
                &self.params.preview_platform,
                None,
                0.0,
                ChoiceStyle::Combo,
            )
            .on_hover_text("Platform whose loudness normalisation Preview plays back");
        });

        ui.with_layout(Layout::right_to_left(Align::Center), |ui| {
            if reset_button(
                ui,
                "Clear the loudness measurement, the maxima and the history",
            ) {
                self.shared.reset.request();
            }
            widgets::bypass_and_latency(
                ui,
                setter,
                &self.params.bypass,
                r.latency_samples,
                r.sample_rate_hz,
            );
            ui.add_space(12.0);
            presets.show(ui);
        });
    }

    fn meters(&mut self, ui: &mut Ui, area: Rect, r: &Readings) {
        ui.painter().rect_filled(area, theme::RADIUS, theme::PANEL);
        let inner = area.shrink2(Vec2::new(6.0, 8.0));
        let reduction_w = inner.width() * 0.26;
        let side_w = (inner.width() - reduction_w) * 0.5;
        let column = |i: f32, w: f32| {
            Rect::from_min_size(
                egui::pos2(inner.left() + i, inner.top()),
                Vec2::new(w, inner.height()),
            )
        };
        let ceiling = Some(self.params.ceiling.value());
        let names = channel_names(r.channels);
        let (min_db, max_db, step_db) = LEVEL_RANGE_DB;

        let peak_meter = |ui: &mut Ui, area, title, followers: &[PeakFollower], max, hover| {
            let levels: [f32; MAX_CHANNELS] = std::array::from_fn(|c| followers[c].value());
            let holds: [f32; MAX_CHANNELS] = std::array::from_fn(|c| followers[c].hold());
            ui.put(
                area,
                PeakMeter::new(title, &levels[..r.channels])
                    .holds(&holds[..r.channels])
                    .names(names)
                    .range(min_db, max_db, step_db)
                    .ceiling(ceiling)
                    .readout(max, "dBTP"),
            )
            .on_hover_text(hover);
        };
        peak_meter(
            ui,
            column(0.0, side_w),
            "IN",
            &self.input,
            r.input_max,
            "Input true peak per channel; the number is the highest since reset",
        );

        let (range_db, step) = REDUCTION_RANGE_DB;
        ui.put(
            column(side_w, reduction_w),
            GainReductionMeter::new("GR", self.reduction.value())
                .hold(self.reduction.hold())
                .readout(r.reduction_max)
                .range(range_db, step),
        )
        .on_hover_text("Gain reduction; the number is the deepest since reset");

        peak_meter(
            ui,
            column(side_w + reduction_w, side_w),
            "OUT",
            &self.output,
            r.output_max,
            "Output true peak per channel; the number is the highest since reset",
        );
    }

    fn readouts(&self, ui: &mut Ui, area: Rect, r: &Readings, target: &LoudnessTarget) {
        let tile = |i: usize| tile(area, 4, 8.0, i);
        let ceiling = f64::from(self.params.ceiling.value());
        ui.put(
            tile(0),
            Readout::new("GAIN RED.", -f64::from(self.reduction.value()), "dB")
                .marker(theme::GAIN_REDUCTION)
                .caption(format!(
                    "max {}",
                    format_value(-r.reduction_max, 1, false, "0.0")
                )),
        );
        ui.put(
            tile(1),
            Readout::new("SHORT-TERM", r.short_term, "LUFS")
                .caption(format!("M {}", format_value(r.momentary, 1, false, "-inf"))),
        );
        ui.put(
            tile(2),
            Readout::new("INTEGRATED", r.integrated, "LUFS")
                .status(loudness_verdict(r.integrated, target.target_lufs).status())
                .caption(format!("target {:.1}", target.target_lufs)),
        );
        ui.put(
            tile(3),
            Readout::new("TRUE PEAK", r.output_max, "dBTP")
                .status(true_peak_verdict(r.output_max, ceiling).status())
                .caption(format!("ceiling {ceiling:.1}")),
        );
    }

    fn graph(&mut self, ui: &mut Ui, area: Rect) {
        let span = SPANS[self.span].1;
        let max_points = (span as f64 * PUBLISH_RATE_HZ) as usize + 1;
        self.shared
            .history
            .copy_recent(max_points, &mut self.history);
        let (min_db, max_db, step_db) = LEVEL_RANGE_DB;
        let (range_db, step) = REDUCTION_RANGE_DB;
        ui.put(
            area,
            GainReductionGraph::new(&self.history, PUBLISH_RATE_HZ as f32)
                .span_seconds(span)
                .level_range(min_db, max_db, step_db)
                .reduction(history::GAIN_REDUCTION_DB, range_db, step)
                .ceiling(Some(self.params.ceiling.value()))
                .level(LevelTrace {
                    index: history::INPUT_DBTP,
                    name: "Input",
                    color: theme::LEVEL_IN,
                })
                .level(LevelTrace {
                    index: history::OUTPUT_DBTP,
                    name: "Output",
                    color: theme::LEVEL_OUT,
                }),
        );
    }

    fn target_panel(
        &self,
        ui: &mut Ui,
        area: Rect,
        setter: &ParamSetter,
        r: &Readings,
        target: &LoudnessTarget,
    ) {
        panel(ui, area, Vec2::new(10.0, 8.0), |ui| {
            ui.horizontal(|ui| {
                section_title(ui, "TARGET");
                let current = self.params.target_platform();
                if let Some(platform) = platform_combo(ui, "limiter-target", current, 120.0) {
                    self.params.set_target_platform(platform);
                }
                ui.label(
                    RichText::new(format!(
                        "{:.0} LUFS · {:.1} dBTP",
                        target.target_lufs, target.ceiling_dbtp
                    ))
                    .color(theme::TEXT_DIM),
                );
                let ceiling = self.params.ceiling.value();
                let wanted = target.ceiling_dbtp as f32;
                if (ceiling - wanted).abs() > 0.05 {
                    ui.with_layout(Layout::right_to_left(Align::Center), |ui| {
                        if ui
                            .small_button(format!("Ceiling {wanted:.1}"))
                            .on_hover_text(format!(
                                "Set the limiter's ceiling to the {} ceiling",
                                target.name
                            ))
                            .clicked()
                        {
                            set_param(setter, &self.params.ceiling, wanted);
                        }
                    });
                }
            });
            ui.add_space(2.0);
            target_checks(ui, target, r.integrated, r.output_max);
        });
    }

    fn controls(&self, ui: &mut Ui, area: Rect, setter: &ParamSetter, r: &Readings) {
        let p = &self.params;
        panel(ui, area, Vec2::new(10.0, 8.0), |ui| {
            ui.spacing_mut().item_spacing.y = 5.0;
            section_title(ui, "LIMITER");
            ui.add(ParamSlider::new(&p.input_gain, setter).label_width(LABEL_WIDTH));
            ui.add(ParamSlider::new(&p.ceiling, setter).label_width(LABEL_WIDTH));
            ui.add(ParamSlider::new(&p.lookahead, setter).label_width(LABEL_WIDTH));
            ui.add(ParamSlider::new(&p.release, setter).label_width(LABEL_WIDTH));
            param_toggle(ui, setter, &p.auto_release, None, LABEL_WIDTH);
            ui.add(ParamSlider::new(&p.stereo_link, setter).label_width(LABEL_WIDTH));
            param_choice(ui, setter, &p.style, None, LABEL_WIDTH, ChoiceStyle::Combo);
            ui.add_space(4.0);
            section_title(ui, "OUTPUT");
            param_choice(
                ui,
                setter,
                &p.oversampling,
                None,
                LABEL_WIDTH,
                ChoiceStyle::Segmented,
            );
            param_toggle(ui, setter, &p.unity_gain, None, LABEL_WIDTH);
            param_choice(ui, setter, &p.dither, None, LABEL_WIDTH, ChoiceStyle::Combo);
            param_toggle(ui, setter, &p.dc_filter, None, LABEL_WIDTH);

            // What every platform would do with the output, as far as there is room.
            if ui.available_height() >= 30.0 + 2.0 * 18.0 {
                ui.add_space(6.0);
                section_title(ui, "PLAYBACK GAIN BY PLATFORM");
                let selected = Some(self.params.target_platform().id);
                platform_gain_table(
                    ui,
                    "limiter-platforms",
                    r.integrated,
                    r.output_max,
                    selected,
                );
            }
        });
    }

    fn footer(&mut self, ui: &mut Ui, r: &Readings) {
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
        footer_item(ui, "Time", format_duration(r.seconds));
        span_selector(ui, &SPANS, &mut self.span);
    }
}
