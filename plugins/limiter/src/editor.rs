//! The Vernis Limiter editor (egui).
//!
//! Layout: a header (name, latency, Bypass, Reset); on the left the input true-peak, gain-reduction
//! and output true-peak meters with the ceiling drawn across; in the middle readouts (gain
//! reduction, output short-term and integrated loudness, output true peak), the scrolling
//! gain-reduction history and the loudness-target panel (platform, pass/fail, playback gain); on
//! the right the controls for every parameter; a footer with the stream format and the history
//! span.
//!
//! The editor owns no measurement state: it reads [`LimiterShared`] (atomics and the history ring
//! written by the audio thread) and changes parameters through nice-plug's `ParamSetter`.

use std::sync::Arc;
use std::time::{Duration, Instant};

use egui::{Align, Button, Layout, Rect, RichText, Ui, UiBuilder, Vec2};
use nice_plug::context::gui::GuiContext;
use nice_plug::editor::dpi::LogicalSize;
use nice_plug::prelude::*;
use nice_plug_egui::resizable_window::ResizableWindow;
use nice_plug_egui::{
    create_egui_editor, EguiEditor, EguiEditorState, EguiNiceSettings, NiceEguiApp,
};
use ui_kit::param::{param_choice, param_toggle, set_bool, set_param, ChoiceStyle, ParamSlider};
use ui_kit::theme;
use ui_kit::widgets::{
    channel_names, format_duration, format_value, loudness_verdict, platform_combo,
    platform_gain_table, section_title, target_checks, true_peak_verdict, GainReductionGraph,
    GainReductionMeter, LevelTrace, LoudnessTarget, PeakFollower, PeakMeter, Readout,
};
use ui_kit::{window, EditorSize};

use crate::params::DEFAULT_EDITOR_SIZE;
use crate::{history, slot, LimiterParams, LimiterShared, MAX_CHANNELS, PUBLISH_RATE_HZ};

/// Smallest editor size, logical points.
const MIN_SIZE: Vec2 = Vec2::new(820.0, 520.0);

/// Interval between repaints while the editor is open (about 30 frames per second).
const REPAINT_INTERVAL: Duration = Duration::from_millis(33);

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

/// The editor app: reads [`LimiterShared`] and edits [`LimiterParams`].
pub struct LimiterEditor {
    params: Arc<LimiterParams>,
    shared: Arc<LimiterShared>,
    gui: Option<GuiContext>,
    /// Copy of the history ring, reused between frames.
    history: Vec<[f32; history::WIDTH]>,
    /// Index into [`SPANS`].
    span: usize,
    /// Saved window size to apply on the first frame (the host restores state after `editor()`).
    pending_size: Option<EditorSize>,
    input: [PeakFollower; MAX_CHANNELS],
    output: [PeakFollower; MAX_CHANNELS],
    reduction: PeakFollower,
    last_frame: Option<Instant>,
}

/// Builds the editor for the plugin's `editor()` callback.
pub fn create(
    params: Arc<LimiterParams>,
    shared: Arc<LimiterShared>,
) -> Option<EguiEditor<LimiterEditor>> {
    let size = window::load_size(&params.editor_size, DEFAULT_EDITOR_SIZE);
    let state = EguiEditorState::from_size(LogicalSize::new(size.width, size.height), 1.0);
    let settings = EguiNiceSettings::new()
        .with_tile(crate::VernisLimiter::NAME)
        .with_resize_hint(ResizeHint::RESIZABLE);
    let level = PeakFollower::new(PEAK_FALL_DB_PER_S, PEAK_HOLD_S, LEVEL_FLOOR_DB);
    create_egui_editor(
        state,
        Default::default(),
        settings,
        LimiterEditor {
            params,
            shared,
            gui: None,
            history: Vec::new(),
            span: 1,
            pending_size: None,
            input: [level; MAX_CHANNELS],
            output: [level; MAX_CHANNELS],
            reduction: PeakFollower::new(PEAK_FALL_DB_PER_S, PEAK_HOLD_S, 0.0),
            last_frame: None,
        },
    )
}

impl NiceEguiApp for LimiterEditor {
    fn build(
        &mut self,
        egui_ctx: egui::Context,
        nice_gui_ctx: GuiContext,
        _frame: &mut nice_plug_egui::Frame,
    ) -> Result<(), nice_plug_egui::baseview::HandlerError> {
        theme::apply(&egui_ctx);
        self.gui = Some(nice_gui_ctx);
        self.pending_size = self.params.editor_size.read().ok().map(|s| *s);
        // Forget peaks that piled up while the editor was closed.
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
        Ok(())
    }

    fn ui(&mut self, ui: &mut Ui, _frame: &mut nice_plug_egui::Frame) {
        ui.ctx().request_repaint_after(REPAINT_INTERVAL);
        window::restore_size(ui, &mut self.pending_size, MIN_SIZE);
        let Some(gui) = self.gui.clone() else {
            return;
        };
        let setter = gui.param_setter();
        ResizableWindow::new("vernis-limiter")
            .min_size(MIN_SIZE)
            .show(ui, |ui| self.contents(ui, &setter));
    }

    fn resized(&mut self, new_size: nice_plug_egui::baseview::WindowSize) {
        window::store_size(
            &self.params.editor_size,
            new_size.logical.width as f32,
            new_size.logical.height as f32,
        );
    }

    fn editor_closed(&mut self) {
        self.gui = None;
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

    fn latency_ms(&self) -> f64 {
        if self.sample_rate_hz > 0.0 {
            self.latency_samples / self.sample_rate_hz * 1000.0
        } else {
            f64::NAN
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

    fn contents(&mut self, ui: &mut Ui, setter: &ParamSetter) {
        self.update_meters();
        let r = Readings::load(&self.shared);
        let platform = self.params.target_platform();
        let target = LoudnessTarget::for_platform(platform, r.integrated);
        let full = ui.max_rect().shrink(10.0);
        let gap = 8.0;

        // Header.
        let header_h = 28.0;
        let header = Rect::from_min_size(full.min, Vec2::new(full.width(), header_h));
        ui.scope_builder(
            UiBuilder::new()
                .max_rect(header)
                .layout(Layout::left_to_right(Align::Center)),
            |ui| self.header(ui, setter, &r),
        );

        // Footer.
        let footer_h = 22.0;
        let footer =
            Rect::from_min_max(egui::pos2(full.left(), full.bottom() - footer_h), full.max);
        ui.scope_builder(
            UiBuilder::new()
                .max_rect(footer)
                .layout(Layout::left_to_right(Align::Center)),
            |ui| self.footer(ui, &r),
        );

        let body = Rect::from_min_max(
            egui::pos2(full.left(), header.bottom() + gap),
            egui::pos2(full.right(), footer.top() - gap),
        );
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

    fn header(&mut self, ui: &mut Ui, setter: &ParamSetter, r: &Readings) {
        ui.label(
            RichText::new("VERNIS")
                .size(16.0)
                .strong()
                .color(theme::TEXT),
        );
        ui.label(RichText::new("LIMITER").size(16.0).color(theme::ACCENT));

        ui.with_layout(Layout::right_to_left(Align::Center), |ui| {
            if ui
                .add(Button::new(RichText::new("Reset").strong()).min_size(Vec2::new(64.0, 24.0)))
                .on_hover_text("Clear the loudness measurement, the maxima and the history")
                .clicked()
            {
                self.shared.reset.request();
            }
            let bypassed = self.params.bypass.value();
            let text = if bypassed {
                RichText::new("Bypassed").strong().color(theme::WARN)
            } else {
                RichText::new("Bypass")
            };
            if ui
                .add(Button::selectable(bypassed, text).min_size(Vec2::new(84.0, 24.0)))
                .on_hover_text("Latency-compensated bypass (crossfaded)")
                .clicked()
            {
                set_bool(setter, &self.params.bypass, !bypassed);
            }
            ui.add_space(8.0);
            ui.label(
                RichText::new(format!(
                    "{} ms",
                    format_value(r.latency_ms(), 2, false, "—")
                ))
                .monospace()
                .color(theme::TEXT),
            )
            .on_hover_text(format!(
                "{} samples reported to the host",
                r.latency_samples
            ));
            ui.label(RichText::new("Latency").color(theme::TEXT_DIM));
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

        let levels: [f32; MAX_CHANNELS] = std::array::from_fn(|c| self.input[c].value());
        let holds: [f32; MAX_CHANNELS] = std::array::from_fn(|c| self.input[c].hold());
        ui.put(
            column(0.0, side_w),
            PeakMeter::new("IN", &levels[..r.channels])
                .holds(&holds[..r.channels])
                .names(names)
                .range(min_db, max_db, step_db)
                .ceiling(ceiling)
                .readout(r.input_max, "dBTP"),
        )
        .on_hover_text("Input true peak per channel; the number is the highest since reset");

        let (range_db, step) = REDUCTION_RANGE_DB;
        ui.put(
            column(side_w, reduction_w),
            GainReductionMeter::new("GR", self.reduction.value())
                .hold(self.reduction.hold())
                .readout(r.reduction_max)
                .range(range_db, step),
        )
        .on_hover_text("Gain reduction; the number is the deepest since reset");

        let levels: [f32; MAX_CHANNELS] = std::array::from_fn(|c| self.output[c].value());
        let holds: [f32; MAX_CHANNELS] = std::array::from_fn(|c| self.output[c].hold());
        ui.put(
            column(side_w + reduction_w, side_w),
            PeakMeter::new("OUT", &levels[..r.channels])
                .holds(&holds[..r.channels])
                .names(names)
                .range(min_db, max_db, step_db)
                .ceiling(ceiling)
                .readout(r.output_max, "dBTP"),
        )
        .on_hover_text("Output true peak per channel; the number is the highest since reset");
    }

    fn readouts(&self, ui: &mut Ui, area: Rect, r: &Readings, target: &LoudnessTarget) {
        let count = 4.0;
        let gap = 8.0;
        let w = (area.width() - gap * (count - 1.0)) / count;
        let tile = |i: usize| {
            Rect::from_min_size(
                egui::pos2(area.left() + i as f32 * (w + gap), area.top()),
                Vec2::new(w, area.height()),
            )
        };
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
        ui.painter().rect_filled(area, theme::RADIUS, theme::PANEL);
        ui.scope_builder(
            UiBuilder::new()
                .max_rect(area.shrink2(Vec2::new(10.0, 8.0)))
                .layout(Layout::top_down(Align::Min)),
            |ui| {
                ui.set_clip_rect(area);
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
            },
        );
    }

    fn controls(&self, ui: &mut Ui, area: Rect, setter: &ParamSetter, r: &Readings) {
        ui.painter().rect_filled(area, theme::RADIUS, theme::PANEL);
        let p = &self.params;
        ui.scope_builder(
            UiBuilder::new()
                .max_rect(area.shrink2(Vec2::new(10.0, 8.0)))
                .layout(Layout::top_down(Align::Min)),
            |ui| {
                ui.set_clip_rect(area);
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
            },
        );
    }

    fn footer(&mut self, ui: &mut Ui, r: &Readings) {
        let item = |ui: &mut Ui, label: &str, value: String| {
            ui.label(RichText::new(label).color(theme::TEXT_DIM));
            ui.label(RichText::new(value).monospace().color(theme::TEXT));
            ui.add_space(10.0);
        };
        item(
            ui,
            "Format",
            format!(
                "{:.1} kHz {}",
                r.sample_rate_hz / 1000.0,
                if r.channels == 1 { "mono" } else { "stereo" }
            ),
        );
        item(ui, "Latency", format!("{:.0} samples", r.latency_samples));
        item(ui, "Time", format_duration(r.seconds));
        ui.with_layout(Layout::right_to_left(Align::Center), |ui| {
            ui.add_space(14.0); // keep clear of the resize corner
            for (i, (label, _)) in SPANS.iter().enumerate().rev() {
                if ui.selectable_label(self.span == i, *label).clicked() {
                    self.span = i;
                }
            }
            ui.label(RichText::new("History").color(theme::TEXT_DIM));
        });
    }
}
