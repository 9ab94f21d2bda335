//! Controls bound to nice-plug parameters.
//!
//! Every edit goes through nice-plug's [`ParamSetter`] as a host automation gesture: a drag is one
//! gesture (begin on drag start, set while dragging, end on release); a click, a double-click
//! reset, a scroll step, a typed value or a choice is a gesture of its own (begin, set, end).
//!
//! * [`ParamSlider`]: a labelled horizontal slider for any parameter. Drag to change (Shift for
//!   fine steps), double-click or Ctrl/Cmd-click to reset to the default, scroll to step, click
//!   the value to type one.
//! * [`param_toggle`]: a labelled on/off switch for a [`BoolParam`].
//! * [`param_choice`]: a labelled choice (combo box or segmented buttons) for any stepped
//!   parameter, e.g. an [`EnumParam`](nice_plug::prelude::EnumParam).
//! * [`param_drag`]: a compact drag value for a float parameter (inline in a text row).
//!
//! * [`spec_range`] / [`skewed`]: a float parameter's range from a dsp-core settings table, so the
//!   plugin, the CLI and the DSP agree on it.
//!
//! Rows made with the same `label_width` line up in a column.

use dsp_core::dynamics::{SettingKind, SettingSpec};
use egui::text::{CCursor, CCursorRange};
use egui::{
    Align, Align2, Color32, CornerRadius, DragValue, FontId, Key, Pos2, Rect, Response, Sense,
    Stroke, StrokeKind, TextEdit, Ui, Vec2, Widget,
};
use nice_plug::prelude::{BoolParam, Enum, FloatParam, FloatRange, Param, ParamSetter};

use crate::theme;

/// Default height of a parameter row, in points.
pub const ROW_HEIGHT: f32 = 22.0;
/// Default width of the label column, in points.
pub const LABEL_WIDTH: f32 = 96.0;
/// Default width of the value text of a [`ParamSlider`], in points.
pub const VALUE_WIDTH: f32 = 76.0;
/// Fraction of the normal drag speed while Shift is held.
const FINE_DRAG: f32 = 0.1;

/// The linear range of the numeric setting `key` in a dsp-core settings table (e.g.
/// `LimiterSettings::SPECS`). Panics when there is none: a programming error caught by any test.
pub fn spec_range(specs: &[SettingSpec], key: &str) -> FloatRange {
    specs
        .iter()
        .find_map(|spec| match spec.kind {
            SettingKind::Number { min, max, .. } if spec.key == key => Some((min, max)),
            _ => None,
        })
        .map(|(min, max)| FloatRange::Linear { min, max })
        .unwrap_or_else(|| panic!("no numeric setting `{key}`"))
}

/// The same range with a skew (more resolution at the low end for a negative `factor`; see
/// [`FloatRange::skew_factor`]).
pub fn skewed(range: FloatRange, factor: f32) -> FloatRange {
    match range {
        FloatRange::Linear { min, max } => FloatRange::Skewed {
            min,
            max,
            factor: FloatRange::skew_factor(factor),
        },
        other => other,
    }
}

/// Sets a parameter to a plain value as one complete gesture (begin, set, end).
pub fn set_param<P: Param>(setter: &ParamSetter, param: &P, value: P::Plain) {
    setter.begin_set_parameter(param);
    setter.set_parameter(param, value);
    setter.end_set_parameter(param);
}

/// Sets a boolean parameter as one complete gesture.
pub fn set_bool(setter: &ParamSetter, param: &BoolParam, value: bool) {
    set_param(setter, param, value);
}

/// Sets a parameter to a normalized value (snapped to the parameter's steps) as one gesture.
pub fn set_normalized<P: Param>(setter: &ParamSetter, param: &P, normalized: f32) {
    let plain = param.preview_plain(normalized.clamp(0.0, 1.0));
    set_param(setter, param, plain);
}

/// The label column of a parameter row: dim text, left aligned, vertically centred.
fn paint_label(ui: &Ui, rect: Rect, text: &str) {
    let painter = ui.painter_at(rect);
    painter.text(
        Pos2::new(rect.left(), rect.center().y),
        Align2::LEFT_CENTER,
        text,
        FontId::proportional(13.0),
        theme::TEXT_DIM,
    );
}

/// A labelled horizontal slider bound to any parameter.
///
/// The fill starts at the left end, or at [`origin`](Self::origin) (e.g. 0 dB of a bipolar gain).
/// Stepped parameters snap while dragging.
#[must_use = "add the slider with `ui.add(..)`"]
pub struct ParamSlider<'a, P: Param> {
    param: &'a P,
    setter: &'a ParamSetter<'a>,
    label: Option<&'a str>,
    label_width: f32,
    value_width: f32,
    height: f32,
    origin: f32,
    color: Color32,
}

impl<'a, P: Param> ParamSlider<'a, P> {
    /// A slider for `param`, labelled with the parameter's name.
    pub fn new(param: &'a P, setter: &'a ParamSetter<'a>) -> Self {
        Self {
            param,
            setter,
            label: None,
            label_width: LABEL_WIDTH,
            value_width: VALUE_WIDTH,
            height: ROW_HEIGHT,
            origin: 0.0,
            color: theme::ACCENT,
        }
    }

    /// A label other than the parameter's name.
    pub fn label(mut self, label: &'a str) -> Self {
        self.label = Some(label);
        self
    }

    /// Width of the label column (default [`LABEL_WIDTH`]).
    pub fn label_width(mut self, width: f32) -> Self {
        self.label_width = width.max(0.0);
        self
    }

    /// Width of the value text (default [`VALUE_WIDTH`]).
    pub fn value_width(mut self, width: f32) -> Self {
        self.value_width = width.max(30.0);
        self
    }

    /// Row height (default [`ROW_HEIGHT`]).
    pub fn height(mut self, height: f32) -> Self {
        self.height = height.max(14.0);
        self
    }

    /// Normalized value the fill grows from (default 0, the left end).
    pub fn origin(mut self, normalized: f32) -> Self {
        self.origin = normalized.clamp(0.0, 1.0);
        self
    }

    /// Colour of the fill (default the accent colour).
    pub fn color(mut self, color: Color32) -> Self {
        self.color = color;
        self
    }

    /// Sets the parameter to `normalized` inside an open drag gesture, if it changes the value.
    fn drag_to(&self, normalized: f32) {
        let plain = self.param.preview_plain(normalized.clamp(0.0, 1.0));
        let snapped = self
            .param
            .preview_normalized(self.param.preview_plain(normalized.clamp(0.0, 1.0)));
        if snapped != self.param.unmodulated_normalized_value() {
            self.setter.set_parameter(self.param, plain);
        }
    }

    /// Handles the value text entry; returns whether the row is in text-entry mode.
    fn text_entry(&self, ui: &mut Ui, id: egui::Id, value_rect: Rect) -> bool {
        let edit_id = id.with("text");
        let Some(mut text) = ui.data(|d| d.get_temp::<String>(edit_id)) else {
            return false;
        };
        let field_id = id.with("field");
        let output = TextEdit::singleline(&mut text)
            .id(field_id)
            .font(FontId::monospace(12.5))
            .align(Align2::RIGHT_CENTER)
            .desired_width(value_rect.width())
            .margin(Vec2::new(4.0, 2.0))
            .show(
                &mut ui.new_child(
                    egui::UiBuilder::new()
                        .max_rect(value_rect)
                        .layout(egui::Layout::right_to_left(Align::Center)),
                ),
            );
        let response = output.response;
        if !response.has_focus() && !response.lost_focus() {
            // First frame of the entry: focus the field and select its text.
            response.request_focus();
            let mut state = output.state;
            state.cursor.set_char_range(Some(CCursorRange::two(
                CCursor::new(0),
                CCursor::new(text.chars().count()),
            )));
            state.store(ui.ctx(), field_id);
        }
        if response.lost_focus() {
            if ui.input(|i| i.key_pressed(Key::Enter)) {
                if let Some(normalized) = self.param.string_to_normalized_value(&text) {
                    set_normalized(self.setter, self.param, normalized);
                }
            }
            ui.data_mut(|d| d.remove::<String>(edit_id));
        } else {
            ui.data_mut(|d| d.insert_temp(edit_id, text));
        }
        true
    }
}

impl<P: Param> Widget for ParamSlider<'_, P> {
    fn ui(self, ui: &mut Ui) -> Response {
        let width = ui
            .available_width()
            .max(self.label_width + self.value_width + 40.0);
        let (rect, response) =
            ui.allocate_exact_size(Vec2::new(width, self.height), Sense::click_and_drag());
        let id = response.id;
        let label_rect = Rect::from_min_size(rect.min, Vec2::new(self.label_width, rect.height()));
        let value_rect = Rect::from_min_max(
            Pos2::new(rect.right() - self.value_width, rect.top()),
            rect.max,
        );
        let track = Rect::from_min_max(
            Pos2::new(label_rect.right(), rect.center().y - 4.0),
            Pos2::new(value_rect.left() - 8.0, rect.center().y + 4.0),
        );

        let editing = self.text_entry(ui, id, value_rect);
        if !editing {
            let drag_id = id.with("drag");
            let (command, shift) = ui.input(|i| (i.modifiers.command, i.modifiers.shift));
            let over_value = response
                .interact_pointer_pos()
                .is_some_and(|p| value_rect.contains(p));
            if response.double_clicked() || (response.clicked() && command) {
                set_normalized(
                    self.setter,
                    self.param,
                    self.param.default_normalized_value(),
                );
            } else if response.clicked() && over_value {
                let current = self
                    .param
                    .normalized_value_to_string(self.param.unmodulated_normalized_value(), false);
                ui.data_mut(|d| d.insert_temp(id.with("text"), current));
            }
            if response.drag_started() {
                self.setter.begin_set_parameter(self.param);
                let start = self.param.unmodulated_normalized_value();
                ui.data_mut(|d| d.insert_temp(drag_id, (start, 0.0f32)));
            }
            if response.dragged() {
                let (start, moved) = ui
                    .data(|d| d.get_temp(drag_id))
                    .unwrap_or((self.param.unmodulated_normalized_value(), 0.0f32));
                let speed = if shift { FINE_DRAG } else { 1.0 };
                let moved = moved + response.drag_delta().x * speed;
                ui.data_mut(|d| d.insert_temp(drag_id, (start, moved)));
                self.drag_to(start + moved / track.width().max(1.0));
            }
            if response.drag_stopped() {
                self.setter.end_set_parameter(self.param);
                ui.data_mut(|d| d.remove::<(f32, f32)>(drag_id));
            }
            if response.hovered() && !response.dragged() {
                // One step per frame with wheel input, in the direction of the wheel.
                let steps: f32 = ui.input(|i| {
                    i.raw
                        .events
                        .iter()
                        .map(|e| match e {
                            egui::Event::MouseWheel { delta, .. } => {
                                if delta.y != 0.0 {
                                    delta.y
                                } else {
                                    delta.x
                                }
                            }
                            _ => 0.0,
                        })
                        .sum()
                });
                if steps != 0.0 {
                    let from = self.param.unmodulated_normalized_value();
                    let to = if steps > 0.0 {
                        self.param.next_normalized_step(from, shift)
                    } else {
                        self.param.previous_normalized_step(from, shift)
                    };
                    if to != from {
                        set_normalized(self.setter, self.param, to);
                    }
                }
            }
        }

        if ui.is_rect_visible(rect) {
            let painter = ui.painter_at(rect.expand(1.0));
            paint_label(
                ui,
                label_rect,
                self.label.unwrap_or_else(|| self.param.name()),
            );
            let active = response.hovered() || response.dragged();
            let track_fill = if active {
                theme::WIDGET_HOVER
            } else {
                theme::WIDGET
            };
            painter.rect_filled(track, 3.0, track_fill);
            let normalized = self.param.modulated_normalized_value().clamp(0.0, 1.0);
            let x = track.left() + normalized * track.width();
            let x0 = track.left() + self.origin * track.width();
            let fill = Rect::from_x_y_ranges(x.min(x0)..=x.max(x0), track.y_range());
            painter.rect_filled(fill, 3.0, self.color.linear_multiply(0.8));
            painter.rect_stroke(
                track,
                3.0,
                Stroke::new(
                    1.0,
                    if active {
                        theme::GRID_STRONG
                    } else {
                        theme::LINE
                    },
                ),
                StrokeKind::Outside,
            );
            let thumb = Rect::from_center_size(
                Pos2::new(x, track.center().y),
                Vec2::new(4.0, track.height() + 8.0),
            );
            painter.rect_filled(thumb, 2.0, theme::TEXT);
            if !editing {
                let text = self.param.normalized_value_to_string(normalized, true);
                painter.text(
                    Pos2::new(value_rect.right(), value_rect.center().y),
                    Align2::RIGHT_CENTER,
                    text,
                    FontId::monospace(12.5),
                    theme::TEXT,
                );
            }
        }
        response.on_hover_text(
            "Drag to change (Shift: fine), double-click to reset, click the value to type one",
        )
    }
}

/// A labelled on/off switch bound to a boolean parameter; clicking toggles it as one gesture.
pub fn param_toggle(
    ui: &mut Ui,
    setter: &ParamSetter,
    param: &BoolParam,
    label: Option<&str>,
    label_width: f32,
) -> Response {
    let width = ui.available_width().max(label_width + 40.0);
    let (rect, response) = ui.allocate_exact_size(Vec2::new(width, ROW_HEIGHT), Sense::click());
    let on = param.value();
    if response.clicked() {
        set_bool(setter, param, !on);
    }
    if ui.is_rect_visible(rect) {
        let label_rect = Rect::from_min_size(rect.min, Vec2::new(label_width, rect.height()));
        paint_label(ui, label_rect, label.unwrap_or_else(|| param.name()));
        let painter = ui.painter_at(rect.expand(1.0));
        let switch = Rect::from_min_size(
            Pos2::new(label_rect.right(), rect.center().y - 8.0),
            Vec2::new(30.0, 16.0),
        );
        let fill = if on {
            theme::ACCENT.linear_multiply(0.85)
        } else if response.hovered() {
            theme::WIDGET_HOVER
        } else {
            theme::WIDGET
        };
        painter.rect_filled(switch, CornerRadius::same(8), fill);
        painter.rect_stroke(
            switch,
            CornerRadius::same(8),
            Stroke::new(1.0, if on { theme::ACCENT } else { theme::LINE }),
            StrokeKind::Outside,
        );
        let knob_x = if on {
            switch.right() - 8.0
        } else {
            switch.left() + 8.0
        };
        painter.circle_filled(
            Pos2::new(knob_x, switch.center().y),
            5.5,
            if on { theme::TEXT } else { theme::TEXT_DIM },
        );
        painter.text(
            Pos2::new(switch.right() + 8.0, rect.center().y),
            Align2::LEFT_CENTER,
            param.normalized_value_to_string(param.modulated_normalized_value(), true),
            FontId::proportional(12.5),
            if on { theme::TEXT } else { theme::TEXT_DIM },
        );
    }
    response
}

/// How [`param_choice`] shows its options.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChoiceStyle {
    /// A combo box (for long names or many options).
    Combo,
    /// A row of buttons, one per option (for a few short names).
    Segmented,
}

/// A labelled choice bound to a stepped parameter (enum, integer or boolean): picking an option
/// sets it as one gesture. Option names are the parameter's own value texts.
pub fn param_choice<P: Param>(
    ui: &mut Ui,
    setter: &ParamSetter,
    param: &P,
    label: Option<&str>,
    label_width: f32,
    style: ChoiceStyle,
) -> Response {
    let steps = param.step_count().unwrap_or(1).max(1);
    let normalized_of = |i: usize| i as f32 / steps as f32;
    let current = param.unmodulated_normalized_value();
    let selected = (current * steps as f32).round() as usize;
    let name_of = |i: usize| param.normalized_value_to_string(normalized_of(i), false);

    let width = ui.available_width().max(label_width + 60.0);
    let response = ui
        .allocate_ui_with_layout(
            Vec2::new(width, ROW_HEIGHT),
            egui::Layout::left_to_right(Align::Center),
            |ui| {
                ui.set_min_size(Vec2::new(width, ROW_HEIGHT));
                let (label_rect, _) =
                    ui.allocate_exact_size(Vec2::new(label_width, ROW_HEIGHT), Sense::hover());
                paint_label(ui, label_rect, label.unwrap_or_else(|| param.name()));
                let mut choice = selected;
                match style {
                    ChoiceStyle::Combo => {
                        egui::ComboBox::from_id_salt(("param-choice", param.name()))
                            .width(ui.available_width() - 4.0)
                            .selected_text(name_of(selected))
                            .show_ui(ui, |ui| {
                                for i in 0..=steps {
                                    ui.selectable_value(&mut choice, i, name_of(i));
                                }
                            });
                    }
                    ChoiceStyle::Segmented => {
                        let spacing = 2.0;
                        let button_w = ((ui.available_width() - spacing * steps as f32)
                            / (steps + 1) as f32)
                            .max(24.0);
                        ui.spacing_mut().item_spacing.x = spacing;
                        for i in 0..=steps {
                            let button = egui::Button::selectable(
                                i == selected,
                                egui::RichText::new(name_of(i)).size(12.0),
                            )
                            .min_size(Vec2::new(button_w, ROW_HEIGHT - 2.0));
                            if ui.add(button).clicked() {
                                choice = i;
                            }
                        }
                    }
                }
                if choice != selected {
                    set_normalized(setter, param, normalized_of(choice));
                }
            },
        )
        .response;
    response
}

/// A compact drag value bound to a float parameter, for use inline (e.g. in a grid); a drag is one
/// gesture, a typed or stepped change one gesture of its own.
pub fn param_drag(
    ui: &mut Ui,
    setter: &ParamSetter,
    param: &FloatParam,
    range: std::ops::RangeInclusive<f32>,
    decimals: usize,
    suffix: &str,
) -> Response {
    let mut value = param.value();
    let response = ui.add(
        DragValue::new(&mut value)
            .range(range)
            .speed(0.1)
            .fixed_decimals(decimals)
            .suffix(suffix),
    );
    let dragging = response.dragged() || response.drag_started() || response.drag_stopped();
    if response.drag_started() {
        setter.begin_set_parameter(param);
    }
    if response.changed() {
        if dragging {
            setter.set_parameter(param, value);
        } else {
            set_param(setter, param, value);
        }
    }
    if response.drag_stopped() {
        setter.end_set_parameter(param);
    }
    response
}

/// A choice of one of the platforms of [`dsp_core::targets::PLATFORMS`] (same order), for an
/// `EnumParam`. Variant ids equal the platform ids and are stored in saved state: never rename
/// them. (Vernis Loudness's `Target` adds a Custom choice and keeps its own enum.)
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
pub enum PlatformChoice {
    /// Spotify, −14 LUFS.
    #[id = "spotify"]
    #[name = "Spotify"]
    Spotify,
    /// Apple Music, −16 LUFS.
    #[id = "apple-music"]
    #[name = "Apple Music"]
    AppleMusic,
    /// YouTube, −14 LUFS.
    #[id = "youtube"]
    #[name = "YouTube"]
    YouTube,
    /// Amazon Music, −14 LUFS.
    #[id = "amazon"]
    #[name = "Amazon Music"]
    Amazon,
    /// Tidal, −14 LUFS.
    #[id = "tidal"]
    #[name = "Tidal"]
    Tidal,
    /// Deezer, −15 LUFS.
    #[id = "deezer"]
    #[name = "Deezer"]
    Deezer,
    /// EBU R128 broadcast delivery, −23 LUFS.
    #[id = "ebu-r128"]
    #[name = "EBU R128"]
    EbuR128,
    /// ATSC A/85 broadcast delivery, −24 LUFS.
    #[id = "atsc-a85"]
    #[name = "ATSC A/85"]
    AtscA85,
}

impl PlatformChoice {
    /// The platform this choice stands for.
    pub fn platform(self) -> &'static dsp_core::targets::Platform {
        &dsp_core::targets::PLATFORMS[self.to_index()]
    }
}

#[cfg(test)]
mod platform_choice_tests {
    use super::*;
    use dsp_core::targets::PLATFORMS;

    #[test]
    fn platform_choices_follow_platforms() {
        let names = PlatformChoice::variants();
        let ids = PlatformChoice::ids().unwrap();
        assert_eq!(names.len(), PLATFORMS.len());
        for (i, platform) in PLATFORMS.iter().enumerate() {
            assert_eq!(names[i], platform.name);
            assert_eq!(ids[i], platform.id);
            assert_eq!(PlatformChoice::from_index(i).platform(), platform);
        }
    }
}

/// The Preview switch every plugin with a playback preview shows: a toggle button bound to
/// `param` and, while it is on, the gain being applied, e.g. "Preview: −2.3 dB (Apple Music)",
/// in the warning colour so a preview left on is noticed before a render.
pub fn preview_toggle(
    ui: &mut Ui,
    setter: &ParamSetter,
    param: &BoolParam,
    gain_db: f32,
    platform_name: &str,
) {
    let on = param.value();
    let gain_db = if gain_db.is_finite() { gain_db } else { 0.0 };
    let text = if on {
        format!(
            "Preview: {} dB ({platform_name})",
            format_preview_gain_db(gain_db)
        )
    } else {
        "Preview".to_owned()
    };
    let button = egui::Button::new(if on {
        egui::RichText::new(text).color(theme::WARN)
    } else {
        egui::RichText::new(text)
    })
    .selected(on)
    .min_size(egui::Vec2::new(64.0, 24.0));
    if ui
        .add(button)
        .on_hover_text(format!(
            "Hear the output at the level {platform_name}'s loudness normalisation plays it \
             ({} dB from the loudness measured so far); meters are unaffected. Also applies \
             to renders while on.",
            format_preview_gain_db(gain_db)
        ))
        .clicked()
    {
        set_bool(setter, param, !on);
    }
}

/// A preview gain as text with a real minus sign and one decimal: "−2.3", "+4.0", "0.0".
pub fn format_preview_gain_db(gain_db: f32) -> String {
    let rounded = (gain_db * 10.0).round() / 10.0;
    if rounded < 0.0 {
        format!("\u{2212}{:.1}", -rounded)
    } else if rounded > 0.0 {
        format!("+{rounded:.1}")
    } else {
        "0.0".to_owned()
    }
}

#[cfg(test)]
mod preview_text_tests {
    use super::format_preview_gain_db;

    #[test]
    fn preview_gain_text() {
        assert_eq!(format_preview_gain_db(-2.34), "\u{2212}2.3");
        assert_eq!(format_preview_gain_db(4.0), "+4.0");
        assert_eq!(format_preview_gain_db(-0.01), "0.0");
    }
}
