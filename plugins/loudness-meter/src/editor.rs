//! The Vernis Loudness editor (egui).
//!
//! Layout, top to bottom: a header (target selector, Preview switch with its gain, Pause, Reset,
//! "Reset on play"), a row of large
//! readouts (M, S, I, LRA, true peak, PLR), the M/S history graph next to the target panel
//! (pass/fail, playback gain, per-channel true peak), and a footer with the secondary readings and
//! the graph's time span.
//!
//! The editor owns no measurement state: it reads [`MeterShared`] (atomics and the history ring
//! written by the audio thread) and changes parameters through nice-plug's `ParamSetter`.

use std::sync::Arc;

use egui::{Align, Button, Layout, Rect, RichText, Ui, Vec2};
use nice_plug::prelude::*;
use nice_plug_egui::EguiEditor;
use ui_kit::param::{param_drag, preview_toggle, set_bool};
use ui_kit::theme;
use ui_kit::widgets::{
    brand, channel_names, choice_combo, editor_layout, footer_item, format_duration, format_value,
    loudness_verdict, panel, platform_gain_table, reset_button, row, section_title, span_selector,
    target_checks, tile, true_peak_verdict, HistoryGraph, LevelBar, LoudnessTarget, Readout,
    Series, PASS_TOLERANCE_LU,
};
use ui_kit::{EditorContents, EditorShell, PresetBar};

use crate::params::{CUSTOM_CEILING_MAX_DBTP, CUSTOM_CEILING_MIN_DBTP, DEFAULT_EDITOR_SIZE};
use crate::params::{CUSTOM_TARGET_MAX_LUFS, CUSTOM_TARGET_MIN_LUFS};
use crate::{slot, LoudnessParams, MeterShared, Target, HISTORY_RATE_HZ, MAX_CHANNELS};

/// Time spans the history graph offers: label and seconds (`None`: everything).
const SPANS: [(&str, Option<f32>); 5] = [
    ("30 s", Some(30.0)),
    ("1 min", Some(60.0)),
    ("5 min", Some(300.0)),
    ("15 min", Some(900.0)),
    ("All", None),
];

/// The editor's contents: reads [`MeterShared`] and edits [`LoudnessParams`].
pub struct LoudnessEditor {
    params: Arc<LoudnessParams>,
    shared: Arc<MeterShared>,
    /// Copy of the history ring, reused between frames.
    history: Vec<[f32; 2]>,
    /// Index into [`SPANS`].
    span: usize,
}

/// The plugin's editor type.
pub type Editor = EguiEditor<EditorShell<LoudnessEditor>>;

/// Builds the editor for the plugin's `editor()` callback.
pub fn create(params: Arc<LoudnessParams>, shared: Arc<MeterShared>) -> Option<Editor> {
    let size = params.editor_size.clone();
    let contents = LoudnessEditor {
        params,
        shared,
        history: Vec::new(),
        span: 1,
    };
    ui_kit::create_editor(contents, size, DEFAULT_EDITOR_SIZE)
}

impl EditorContents for LoudnessEditor {
    const TITLE: &'static str = crate::VernisLoudness::NAME;
    const MIN_SIZE: Vec2 = Vec2::new(680.0, 440.0);
    const VST3_CLASS_ID: [u8; 16] = <crate::VernisLoudness as Vst3Plugin>::VST3_CLASS_ID;

    fn contents(&mut self, ui: &mut Ui, setter: &ParamSetter, presets: &mut PresetBar) {
        let r = Readings::load(&self.shared);
        let target = self.params.resolved_target(r.integrated);
        let layout = editor_layout(ui.max_rect());
        let gap = 8.0;
        row(ui, layout.header, |ui| self.header(ui, setter, presets));
        row(ui, layout.footer, |ui| self.footer(ui, &r));

        // Readouts.
        let body = layout.body;
        let readout_h = (body.height() * 0.26).clamp(64.0, 120.0);
        let readouts = Rect::from_min_size(body.min, Vec2::new(body.width(), readout_h));
        self.readouts(ui, readouts, &r, &target);

        // Graph and side panel.
        let side_w = (body.width() * 0.3).clamp(230.0, 320.0);
        let lower_top = readouts.bottom() + gap;
        let graph = Rect::from_min_max(
            egui::pos2(body.left(), lower_top),
            egui::pos2(body.right() - side_w - gap, body.bottom()),
        );
        let side = Rect::from_min_max(egui::pos2(graph.right() + gap, lower_top), body.max);
        self.graph(ui, graph, &target);
        self.side_panel(ui, side, setter, &r, &target);
    }
}

/// A snapshot of the bus, read once per frame.
struct Readings {
    momentary: f64,
    short_term: f64,
    integrated: f64,
    range: f64,
    momentary_max: f64,
    short_term_max: f64,
    sample_peak: f64,
    true_peak: f64,
    plr: f64,
    seconds: f64,
    channels: usize,
    channel_true_peak: [f32; MAX_CHANNELS],
}

impl Readings {
    fn load(shared: &MeterShared) -> Self {
        let bus = &shared.bus;
        let get = |i| f64::from(bus.get(i));
        Self {
            momentary: get(slot::MOMENTARY_LUFS),
            short_term: get(slot::SHORT_TERM_LUFS),
            integrated: get(slot::INTEGRATED_LUFS),
            range: get(slot::LOUDNESS_RANGE_LU),
            momentary_max: get(slot::MOMENTARY_MAX_LUFS),
            short_term_max: get(slot::SHORT_TERM_MAX_LUFS),
            sample_peak: get(slot::SAMPLE_PEAK_DBFS),
            true_peak: get(slot::TRUE_PEAK_DBTP),
            plr: get(slot::PLR_DB),
            seconds: get(slot::MEASURED_SECONDS),
            channels: (bus.get(slot::CHANNELS) as usize).clamp(1, MAX_CHANNELS),
            channel_true_peak: std::array::from_fn(|c| bus.get(slot::CHANNEL_TRUE_PEAK_DBTP + c)),
        }
    }
}

impl LoudnessEditor {
    fn header(&mut self, ui: &mut Ui, setter: &ParamSetter, presets: &mut PresetBar) {
        brand(ui, "LOUDNESS");
        ui.add_space(16.0);
        ui.label(RichText::new("Target").color(theme::TEXT_DIM));
        let current = self.params.target.value();
        if let Some(index) =
            choice_combo(ui, "target", current.to_index(), Target::variants(), 130.0)
        {
            setter.begin_set_parameter(&self.params.target);
            setter.set_parameter(&self.params.target, Target::from_index(index));
            setter.end_set_parameter(&self.params.target);
        }
        ui.add_space(8.0);
        // Preview plays the output at this target's playback gain (Custom: to the custom LUFS).
        preview_toggle(
            ui,
            setter,
            &self.params.preview,
            self.shared.bus.get(slot::PREVIEW_GAIN_DB),
            self.params.preview_platform().name,
        );

        ui.with_layout(Layout::right_to_left(Align::Center), |ui| {
            if reset_button(ui, "Clear the measurement and the history") {
                self.shared.reset.request();
            }
            let paused = self.params.pause.value();
            let pause_text = if paused { "Resume" } else { "Pause" };
            if ui
                .add(
                    Button::new(pause_text)
                        .selected(paused)
                        .min_size(Vec2::new(64.0, 24.0)),
                )
                .on_hover_text("Stop measuring; audio still passes through")
                .clicked()
            {
                set_bool(setter, &self.params.pause, !paused);
            }
            let mut reset_on_play = self.params.reset_on_play.value();
            if ui
                .checkbox(&mut reset_on_play, "Reset on play")
                .on_hover_text("Start a new measurement when the host transport starts")
                .changed()
            {
                set_bool(setter, &self.params.reset_on_play, reset_on_play);
            }
            if paused {
                ui.label(RichText::new("PAUSED").strong().color(theme::WARN));
            }
            ui.add_space(12.0);
            presets.show(ui);
        });
    }

    fn readouts(&self, ui: &mut Ui, area: Rect, r: &Readings, target: &LoudnessTarget) {
        let tile = |i: usize| tile(area, 6, 8.0, i);
        let loudness = loudness_verdict(r.integrated, target.target_lufs);
        let tp_status = true_peak_verdict(r.true_peak, target.ceiling_dbtp).status();
        let with_max = |label, value, max, color| {
            Readout::new(label, value, "LUFS")
                .marker(color)
                .caption(format!("max {}", format_value(max, 1, false, "-inf")))
        };
        ui.put(
            tile(0),
            with_max("MOMENTARY", r.momentary, r.momentary_max, theme::MOMENTARY),
        );
        ui.put(
            tile(1),
            with_max(
                "SHORT-TERM",
                r.short_term,
                r.short_term_max,
                theme::SHORT_TERM,
            ),
        );
        ui.put(
            tile(2),
            Readout::new("INTEGRATED", r.integrated, "LUFS")
                .status(loudness.status())
                .caption(format!("target {:.1}", target.target_lufs)),
        );
        ui.put(
            tile(3),
            Readout::new("RANGE", r.range, "LU").undefined("0.0"),
        );
        ui.put(
            tile(4),
            Readout::new("TRUE PEAK", r.true_peak, "dBTP")
                .status(tp_status)
                .caption(format!("ceil {:.1}", target.ceiling_dbtp)),
        );
        ui.put(tile(5), Readout::new("PLR", r.plr, "dB").undefined("—"));
    }

    fn graph(&mut self, ui: &mut Ui, area: Rect, target: &LoudnessTarget) {
        let span = SPANS[self.span].1;
        let max_points = span.map_or(usize::MAX, |s| (s as f64 * HISTORY_RATE_HZ) as usize + 1);
        self.shared
            .history
            .copy_recent(max_points, &mut self.history);
        let top = ((target.target_lufs + 14.0) / 6.0).ceil() * 6.0;
        let top = top.min(6.0) as f32;
        let target_label = format!("Target {:.1}", target.target_lufs);
        ui.put(
            area,
            HistoryGraph::new(&self.history, HISTORY_RATE_HZ as f32)
                .span_seconds(span)
                .range(top - 48.0, top)
                .grid_step(6.0)
                .unit("LUFS")
                .target(Some((target.target_lufs as f32, target_label.as_str())))
                .tolerance(PASS_TOLERANCE_LU as f32)
                .series(Series {
                    index: 0,
                    name: "Momentary",
                    color: theme::MOMENTARY.linear_multiply(0.8),
                    width: 1.0,
                })
                .series(Series {
                    index: 1,
                    name: "Short-term",
                    color: theme::SHORT_TERM,
                    width: 2.0,
                }),
        );
    }

    fn side_panel(
        &self,
        ui: &mut Ui,
        area: Rect,
        setter: &ParamSetter,
        r: &Readings,
        target: &LoudnessTarget,
    ) {
        panel(ui, area, Vec2::splat(10.0), |ui| {
            section_title(ui, "TARGET");
            ui.label(
                RichText::new(format!(
                    "{}  {:.1} LUFS  ·  {:.1} dBTP",
                    target.name, target.target_lufs, target.ceiling_dbtp
                ))
                .color(theme::TEXT),
            );
            if self.params.target.value() == Target::Custom {
                egui::Grid::new("custom-target")
                    .num_columns(2)
                    .spacing(Vec2::new(10.0, 4.0))
                    .show(ui, |ui| {
                        let custom = |ui: &mut Ui, label, param, range, unit| {
                            ui.label(RichText::new(label).color(theme::TEXT_DIM));
                            param_drag(ui, setter, param, range, 1, unit);
                            ui.end_row();
                        };
                        custom(
                            ui,
                            "Custom target",
                            &self.params.custom_lufs,
                            CUSTOM_TARGET_MIN_LUFS..=CUSTOM_TARGET_MAX_LUFS,
                            " LUFS",
                        );
                        custom(
                            ui,
                            "Custom ceiling",
                            &self.params.custom_ceiling,
                            CUSTOM_CEILING_MIN_DBTP..=CUSTOM_CEILING_MAX_DBTP,
                            " dBTP",
                        );
                    });
            }
            ui.add_space(4.0);

            target_checks(ui, target, r.integrated, r.true_peak);

            ui.add_space(8.0);
            section_title(ui, "TRUE PEAK PER CHANNEL");
            let names = channel_names(r.channels);
            for (c, name) in names.iter().enumerate().take(r.channels) {
                ui.add(
                    LevelBar::horizontal(r.channel_true_peak[c])
                        .range(-24.0, 3.0)
                        .ceiling(Some(target.ceiling_dbtp as f32))
                        .label(name)
                        .thickness(10.0),
                );
            }

            // What every platform would do with this master, as far as there is room.
            let row_h = 18.0;
            if ui.available_height() >= 30.0 + 2.0 * row_h {
                ui.add_space(8.0);
                section_title(ui, "PLAYBACK GAIN BY PLATFORM");
                let selected = self.params.target.value().platform().map(|p| p.id);
                platform_gain_table(ui, "platforms", r.integrated, r.true_peak, selected);
            }
        });
    }

    fn footer(&mut self, ui: &mut Ui, r: &Readings) {
        footer_item(ui, "Time", format_duration(r.seconds));
        footer_item(
            ui,
            "Sample peak",
            format!("{} dBFS", format_value(r.sample_peak, 1, false, "-inf")),
        );
        footer_item(ui, "M max", format_value(r.momentary_max, 1, false, "-inf"));
        footer_item(
            ui,
            "S max",
            format_value(r.short_term_max, 1, false, "-inf"),
        );
        span_selector(ui, &SPANS, &mut self.span);
    }
}
