//! Vertical meters of a dynamics processor: a multi-channel peak meter with a ceiling, a
//! gain-reduction meter hanging from the top, and the editor-side ballistics that feed them.
//!
//! Both meters share one layout (title on top, bars with a dB scale on their left, names and a
//! numeric readout at the bottom), so placed side by side their scales line up.

use egui::{Align2, Color32, FontId, Pos2, Rect, Response, Stroke, StrokeKind, Ui, Vec2};

use super::{format_value, paint_widget};
use crate::theme;

/// Height of the title row of a meter, points.
const TITLE_H: f32 = 18.0;
/// Height of the channel-name row under the bars, points.
const NAMES_H: f32 = 16.0;
/// Height of the numeric readout row at the bottom, points.
const READOUT_H: f32 = 20.0;
/// Width of the scale labels left of the bars, points.
const SCALE_W: f32 = 24.0;

/// Peak-meter ballistics on the editor side: instant attack, a constant fall in dB per second,
/// and a peak-hold marker that stays for a while, then falls.
///
/// Feed it the highest level since the previous frame (e.g. from
/// [`MeterBus::take`](crate::MeterBus::take)) once per frame. Works for levels (dB, falling
/// towards −∞) and for gain reduction (positive dB, falling towards 0) alike.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PeakFollower {
    value: f32,
    hold: f32,
    hold_left_s: f32,
    fall_db_per_s: f32,
    hold_s: f32,
    floor: f32,
}

impl PeakFollower {
    /// Ballistics falling at `fall_db_per_s`, holding peaks for `hold_s` seconds, never below
    /// `floor` (e.g. −120 dB for levels, 0 dB for gain reduction).
    pub fn new(fall_db_per_s: f32, hold_s: f32, floor: f32) -> Self {
        Self {
            value: floor,
            hold: floor,
            hold_left_s: 0.0,
            fall_db_per_s: fall_db_per_s.max(0.0),
            hold_s: hold_s.max(0.0),
            floor,
        }
    }

    /// Advances by `dt_s` seconds with `peak` the highest value since the last update (`NaN` and
    /// `-inf` count as the floor).
    pub fn update(&mut self, peak: f32, dt_s: f32) {
        let peak = if peak.is_nan() {
            self.floor
        } else {
            peak.max(self.floor)
        };
        let dt = dt_s.clamp(0.0, 0.5);
        let fall = self.fall_db_per_s * dt;
        self.value = peak.max(self.value - fall).max(self.floor);
        if peak >= self.hold {
            self.hold = peak;
            self.hold_left_s = self.hold_s;
        } else if self.hold_left_s > 0.0 {
            self.hold_left_s -= dt;
        } else {
            self.hold = (self.hold - 2.0 * fall).max(self.value);
        }
    }

    /// The displayed value.
    pub fn value(&self) -> f32 {
        self.value
    }

    /// The peak-hold marker.
    pub fn hold(&self) -> f32 {
        self.hold
    }

    /// Drops value and hold to the floor.
    pub fn reset(&mut self) {
        self.value = self.floor;
        self.hold = self.floor;
        self.hold_left_s = 0.0;
    }
}

/// Geometry shared by [`PeakMeter`] and [`GainReductionMeter`].
struct MeterLayout {
    title: Rect,
    /// Area of the bars (the scale sits left of it).
    bars: Rect,
    names: Rect,
    readout: Rect,
}

impl MeterLayout {
    /// Lays out `rect` and paints the title; returns a painter clipped to `rect` and the layout.
    fn begin(ui: &Ui, rect: Rect, title: &str) -> (egui::Painter, Self) {
        let painter = ui.painter_at(rect);
        let layout = Self::new(rect);
        painter.text(
            layout.title.center(),
            Align2::CENTER_CENTER,
            title,
            FontId::proportional(11.0),
            theme::TEXT_DIM,
        );
        (painter, layout)
    }

    /// The outline of a bar's `track` and its `name` in the names row under it.
    fn paint_track_frame(&self, painter: &egui::Painter, track: Rect, name: Option<&str>) {
        painter.rect_stroke(
            track,
            2.0,
            Stroke::new(1.0, theme::LINE),
            StrokeKind::Outside,
        );
        if let Some(name) = name {
            painter.text(
                Pos2::new(track.center().x, self.names.center().y),
                Align2::CENTER_CENTER,
                name,
                FontId::monospace(10.5),
                theme::TEXT_DIM,
            );
        }
    }

    fn new(rect: Rect) -> Self {
        let title = Rect::from_min_size(rect.min, Vec2::new(rect.width(), TITLE_H));
        let readout =
            Rect::from_min_max(Pos2::new(rect.left(), rect.bottom() - READOUT_H), rect.max);
        let names = Rect::from_min_max(
            Pos2::new(rect.left() + SCALE_W, readout.top() - NAMES_H),
            Pos2::new(rect.right(), readout.top()),
        );
        let bars = Rect::from_min_max(
            Pos2::new(rect.left() + SCALE_W, title.bottom() + 4.0),
            Pos2::new(rect.right() - 2.0, names.top() - 2.0),
        );
        Self {
            title,
            bars,
            names,
            readout,
        }
    }
}

/// Scale labels every `step` between `bottom_value` and `top_value` left of `bars`.
fn paint_scale(
    painter: &egui::Painter,
    bars: Rect,
    y_of: impl Fn(f32) -> f32,
    from: f32,
    to: f32,
    step: f32,
    signed: bool,
) {
    let font = FontId::monospace(10.0);
    let first = (from.min(to) / step).ceil() as i32;
    let last = (from.max(to) / step).floor() as i32;
    for k in first..=last {
        let v = k as f32 * step;
        let y = y_of(v);
        painter.hline(
            (bars.left() - 4.0)..=(bars.left() - 1.0),
            y,
            Stroke::new(1.0, theme::GRID_STRONG),
        );
        let text = if signed && v > 0.0 {
            format!("+{v:.0}")
        } else {
            format!("{v:.0}")
        };
        painter.text(
            Pos2::new(bars.left() - 5.0, y),
            Align2::RIGHT_CENTER,
            text,
            font.clone(),
            theme::TEXT_DIM,
        );
    }
}

/// A vertical multi-channel peak meter (e.g. the true peak of L and R) with a dB scale, an
/// optional ceiling line (the part of a bar over it turns red), per-channel peak-hold marks and a
/// numeric readout under the bars (e.g. the highest true peak since reset).
pub struct PeakMeter<'a> {
    title: &'a str,
    levels_db: &'a [f32],
    holds_db: &'a [f32],
    names: &'a [&'a str],
    readout_db: f64,
    readout_unit: &'a str,
    min_db: f32,
    max_db: f32,
    step_db: f32,
    ceiling_db: Option<f32>,
}

impl<'a> PeakMeter<'a> {
    /// A meter titled `title` showing one bar per entry of `levels_db`.
    pub fn new(title: &'a str, levels_db: &'a [f32]) -> Self {
        Self {
            title,
            levels_db,
            holds_db: &[],
            names: &[],
            readout_db: f64::NEG_INFINITY,
            readout_unit: "",
            min_db: -48.0,
            max_db: 6.0,
            step_db: 6.0,
            ceiling_db: None,
        }
    }

    /// Peak-hold marks, one per channel.
    pub fn holds(mut self, holds_db: &'a [f32]) -> Self {
        self.holds_db = holds_db;
        self
    }

    /// Channel names under the bars.
    pub fn names(mut self, names: &'a [&'a str]) -> Self {
        self.names = names;
        self
    }

    /// Numeric readout under the meter (red when over the ceiling), with its unit.
    pub fn readout(mut self, value_db: f64, unit: &'a str) -> Self {
        self.readout_db = value_db;
        self.readout_unit = unit;
        self
    }

    /// dB range of the scale (default −48 … +6) and the spacing of its labels (default 6).
    pub fn range(mut self, min_db: f32, max_db: f32, step_db: f32) -> Self {
        self.min_db = min_db;
        self.max_db = max_db.max(min_db + 1.0);
        self.step_db = step_db.max(0.5);
        self
    }

    /// The ceiling line.
    pub fn ceiling(mut self, ceiling_db: Option<f32>) -> Self {
        self.ceiling_db = ceiling_db;
        self
    }

    fn paint(&self, ui: &Ui, rect: Rect) {
        let (painter, layout) = MeterLayout::begin(ui, rect, self.title);
        let bars = layout.bars;
        let y_of = |db: f32| {
            let f = ((db - self.min_db) / (self.max_db - self.min_db)).clamp(0.0, 1.0);
            bars.bottom() - f * bars.height()
        };
        paint_scale(
            &painter,
            bars,
            y_of,
            self.min_db,
            self.max_db,
            self.step_db,
            true,
        );

        let count = self.levels_db.len().max(1);
        let gap = 4.0;
        let bar_w = ((bars.width() - gap * (count - 1) as f32) / count as f32).clamp(4.0, 22.0);
        let total_w = bar_w * count as f32 + gap * (count - 1) as f32;
        let left = bars.center().x - total_w * 0.5;
        let ceiling_y = self.ceiling_db.map(y_of);
        for (c, &level) in self.levels_db.iter().enumerate() {
            let x0 = left + c as f32 * (bar_w + gap);
            let track = Rect::from_x_y_ranges(x0..=x0 + bar_w, bars.y_range());
            painter.rect_filled(track, 2.0, theme::BG);
            if level.is_finite() && level > self.min_db {
                let top = y_of(level);
                let ok_top = ceiling_y.map_or(top, |cy| top.max(cy));
                painter.rect_filled(
                    Rect::from_x_y_ranges(track.x_range(), ok_top..=track.bottom()),
                    1.0,
                    theme::GOOD.linear_multiply(0.85),
                );
                if ok_top > top {
                    painter.rect_filled(
                        Rect::from_x_y_ranges(track.x_range(), top..=ok_top),
                        1.0,
                        theme::BAD,
                    );
                }
            }
            if let Some(&hold) = self.holds_db.get(c) {
                if hold.is_finite() && hold > self.min_db {
                    let over = self.ceiling_db.is_some_and(|ceiling| hold > ceiling);
                    painter.hline(
                        track.x_range(),
                        y_of(hold),
                        Stroke::new(2.0, if over { theme::BAD } else { theme::TEXT }),
                    );
                }
            }
            layout.paint_track_frame(&painter, track, self.names.get(c).copied());
        }
        if let Some(y) = ceiling_y {
            painter.hline(
                (left - 3.0)..=(left + total_w + 3.0),
                y,
                Stroke::new(2.0, theme::WARN),
            );
        }

        let over = self
            .ceiling_db
            .is_some_and(|c| self.readout_db.is_finite() && self.readout_db > f64::from(c));
        let color = if !self.readout_db.is_finite() {
            theme::TEXT_DIM
        } else if over {
            theme::BAD
        } else {
            theme::TEXT
        };
        paint_readout(
            &painter,
            layout.readout,
            &format_value(self.readout_db, 1, true, "-inf"),
            self.readout_unit,
            color,
        );
    }
}

/// Value and unit centred in `rect` (value in monospace, unit dim and smaller).
fn paint_readout(painter: &egui::Painter, rect: Rect, value: &str, unit: &str, color: Color32) {
    let value_galley = painter.layout_no_wrap(value.to_owned(), FontId::monospace(13.0), color);
    let unit_galley =
        painter.layout_no_wrap(unit.to_owned(), FontId::proportional(10.0), theme::TEXT_DIM);
    let gap = if unit.is_empty() { 0.0 } else { 3.0 };
    let total = value_galley.size().x + gap + unit_galley.size().x;
    let x = rect.center().x - total * 0.5;
    let y = rect.center().y - value_galley.size().y * 0.5;
    let unit_y = y + value_galley.size().y - unit_galley.size().y - 1.0;
    let value_w = value_galley.size().x;
    painter.galley(Pos2::new(x, y), value_galley, color);
    painter.galley(
        Pos2::new(x + value_w + gap, unit_y),
        unit_galley,
        theme::TEXT_DIM,
    );
}

impl egui::Widget for PeakMeter<'_> {
    fn ui(self, ui: &mut Ui) -> Response {
        paint_widget(ui, Vec2::new(64.0, 140.0), |ui, rect| self.paint(ui, rect))
    }
}

/// A vertical gain-reduction meter: a bar hanging from 0 dB at the top down to the current
/// reduction, a hold mark, a scale in dB of reduction and a numeric readout (e.g. the deepest
/// reduction since reset). Reductions are positive dB.
pub struct GainReductionMeter<'a> {
    title: &'a str,
    reduction_db: f32,
    hold_db: Option<f32>,
    readout_db: f64,
    range_db: f32,
    step_db: f32,
}

impl<'a> GainReductionMeter<'a> {
    /// A meter titled `title` showing `reduction_db` (≥ 0) of gain reduction.
    pub fn new(title: &'a str, reduction_db: f32) -> Self {
        Self {
            title,
            reduction_db,
            hold_db: None,
            readout_db: f64::from(reduction_db),
            range_db: 12.0,
            step_db: 3.0,
        }
    }

    /// A hold mark.
    pub fn hold(mut self, hold_db: f32) -> Self {
        self.hold_db = Some(hold_db);
        self
    }

    /// The number under the meter (default the current reduction).
    pub fn readout(mut self, readout_db: f64) -> Self {
        self.readout_db = readout_db;
        self
    }

    /// Deepest reduction on the scale (default 12 dB) and label spacing (default 3 dB).
    pub fn range(mut self, range_db: f32, step_db: f32) -> Self {
        self.range_db = range_db.max(1.0);
        self.step_db = step_db.max(0.5);
        self
    }

    fn paint(&self, ui: &Ui, rect: Rect) {
        let (painter, layout) = MeterLayout::begin(ui, rect, self.title);
        let bars = layout.bars;
        let y_of = |reduction: f32| {
            let f = (reduction / self.range_db).clamp(0.0, 1.0);
            bars.top() + f * bars.height()
        };
        // The scale shows the gain change (0, −3, −6 ...).
        paint_scale(
            &painter,
            bars,
            |gain: f32| y_of(-gain),
            -self.range_db,
            0.0,
            self.step_db,
            false,
        );
        let bar_w = bars.width().clamp(6.0, 22.0);
        let track = Rect::from_center_size(
            Pos2::new(bars.center().x, bars.center().y),
            Vec2::new(bar_w, bars.height()),
        );
        painter.rect_filled(track, 2.0, theme::BG);
        let reduction = if self.reduction_db.is_finite() {
            self.reduction_db.max(0.0)
        } else {
            0.0
        };
        if reduction > 0.0 {
            painter.rect_filled(
                Rect::from_x_y_ranges(track.x_range(), track.top()..=y_of(reduction)),
                1.0,
                theme::GAIN_REDUCTION,
            );
        }
        if let Some(hold) = self.hold_db.filter(|h| h.is_finite() && *h > 0.05) {
            painter.hline(track.x_range(), y_of(hold), Stroke::new(2.0, theme::TEXT));
        }
        layout.paint_track_frame(&painter, track, Some("dB"));
        let shown = if self.readout_db.is_finite() {
            -self.readout_db.max(0.0)
        } else {
            0.0
        };
        paint_readout(
            &painter,
            layout.readout,
            &format_value(shown, 1, false, "0.0"),
            "",
            if self.readout_db > 0.05 {
                theme::GAIN_REDUCTION
            } else {
                theme::TEXT_DIM
            },
        );
    }
}

impl egui::Widget for GainReductionMeter<'_> {
    fn ui(self, ui: &mut Ui) -> Response {
        paint_widget(ui, Vec2::new(48.0, 140.0), |ui, rect| self.paint(ui, rect))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn follower_attacks_instantly_falls_and_holds() {
        let mut f = PeakFollower::new(20.0, 1.0, -120.0);
        f.update(-6.0, 0.1);
        assert_eq!(f.value(), -6.0);
        assert_eq!(f.hold(), -6.0);
        f.update(f32::NEG_INFINITY, 0.1);
        assert!((f.value() - -8.0).abs() < 1e-4);
        assert_eq!(f.hold(), -6.0);
        for _ in 0..10 {
            f.update(f32::NAN, 0.1);
        }
        assert!(f.hold() < -6.0 && f.hold() >= f.value());
        for _ in 0..100 {
            f.update(f32::NEG_INFINITY, 0.1);
        }
        assert_eq!(f.value(), -120.0);
        let mut gr = PeakFollower::new(20.0, 1.0, 0.0);
        gr.update(3.0, 0.05);
        gr.update(0.0, 0.05);
        assert!((gr.value() - 2.0).abs() < 1e-4);
        gr.reset();
        assert_eq!(gr.value(), 0.0);
    }
}
