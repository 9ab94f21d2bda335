//! A horizontal or vertical level bar in dB with an optional ceiling marker.

use egui::{Align2, FontId, Pos2, Rect, Response, Sense, Stroke, StrokeKind, Ui, Vec2, Widget};

use super::format_value;
use crate::theme;

/// Direction a [`LevelBar`] grows in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Orientation {
    /// Grows from left to right.
    Horizontal,
    /// Grows from bottom to top.
    Vertical,
}

/// A level bar, e.g. a channel's true peak against a ceiling.
///
/// The part of the bar under the ceiling is green, the part over it red; the ceiling is drawn as
/// a marker. With [`LevelBar::show_value`] the numeric value is printed at the end of the bar.
#[derive(Debug, Clone)]
pub struct LevelBar<'a> {
    value_db: f32,
    min_db: f32,
    max_db: f32,
    ceiling_db: Option<f32>,
    orientation: Orientation,
    label: Option<&'a str>,
    show_value: bool,
    thickness: f32,
}

impl<'a> LevelBar<'a> {
    /// A bar showing `value_db` between −60 and +3 dB.
    pub fn new(value_db: f32, orientation: Orientation) -> Self {
        Self {
            value_db,
            min_db: -60.0,
            max_db: 3.0,
            ceiling_db: None,
            orientation,
            label: None,
            show_value: true,
            thickness: 14.0,
        }
    }

    /// A horizontal bar.
    pub fn horizontal(value_db: f32) -> Self {
        Self::new(value_db, Orientation::Horizontal)
    }

    /// A vertical bar.
    pub fn vertical(value_db: f32) -> Self {
        Self::new(value_db, Orientation::Vertical)
    }

    /// The dB range of the bar.
    pub fn range(mut self, min_db: f32, max_db: f32) -> Self {
        self.min_db = min_db;
        self.max_db = max_db.max(min_db + 1.0);
        self
    }

    /// The ceiling: marker position and where the bar turns red.
    pub fn ceiling(mut self, ceiling_db: Option<f32>) -> Self {
        self.ceiling_db = ceiling_db;
        self
    }

    /// A short label before (horizontal) or under (vertical) the bar, e.g. the channel name.
    pub fn label(mut self, label: &'a str) -> Self {
        self.label = Some(label);
        self
    }

    /// Whether to print the value (default on).
    pub fn show_value(mut self, show: bool) -> Self {
        self.show_value = show;
        self
    }

    /// Thickness of the bar in points (default 14).
    pub fn thickness(mut self, thickness: f32) -> Self {
        self.thickness = thickness;
        self
    }

    fn fraction(&self, db: f32) -> f32 {
        ((db - self.min_db) / (self.max_db - self.min_db)).clamp(0.0, 1.0)
    }

    fn paint(&self, ui: &Ui, rect: Rect) {
        let painter = ui.painter_at(rect.expand(1.0));
        let font = FontId::monospace((self.thickness * 0.8).clamp(10.0, 13.0));
        let value_text = format_value(f64::from(self.value_db), 1, false, "-inf");
        let horizontal = self.orientation == Orientation::Horizontal;

        // Reserve room for the label and the value text.
        let (label_len, value_len) = if horizontal {
            (22.0, 48.0)
        } else {
            (16.0, 16.0)
        };
        let track = match self.orientation {
            Orientation::Horizontal => {
                let left = rect.left() + if self.label.is_some() { label_len } else { 0.0 };
                let right = rect.right() - if self.show_value { value_len } else { 0.0 };
                Rect::from_center_size(
                    Pos2::new((left + right) * 0.5, rect.center().y),
                    Vec2::new((right - left).max(4.0), self.thickness.min(rect.height())),
                )
            }
            Orientation::Vertical => {
                let top = rect.top() + if self.show_value { value_len } else { 0.0 };
                let bottom = rect.bottom() - if self.label.is_some() { label_len } else { 0.0 };
                Rect::from_center_size(
                    Pos2::new(rect.center().x, (top + bottom) * 0.5),
                    Vec2::new(self.thickness.min(rect.width()), (bottom - top).max(4.0)),
                )
            }
        };
        painter.rect_filled(track, 2.0, theme::PANEL);

        // Point on the track at a dB value.
        let at = |db: f32| -> f32 {
            let f = self.fraction(db);
            if horizontal {
                track.left() + f * track.width()
            } else {
                track.bottom() - f * track.height()
            }
        };
        let span = |from: f32, to: f32| -> Rect {
            if horizontal {
                Rect::from_x_y_ranges(from..=to, track.y_range())
            } else {
                Rect::from_x_y_ranges(track.x_range(), to..=from)
            }
        };

        if self.value_db.is_finite() && self.value_db > self.min_db {
            let start = at(self.min_db);
            let end = at(self.value_db);
            let ok_end = self.ceiling_db.map_or(end, |c| {
                if horizontal {
                    end.min(at(c))
                } else {
                    end.max(at(c))
                }
            });
            painter.rect_filled(span(start, ok_end), 2.0, theme::GOOD.linear_multiply(0.85));
            if ok_end != end {
                painter.rect_filled(span(ok_end, end), 2.0, theme::BAD);
            }
        }

        if let Some(ceiling) = self.ceiling_db {
            let p = at(ceiling);
            let stroke = Stroke::new(2.0, theme::WARN);
            if horizontal {
                painter.vline(p, track.y_range().expand(3.0), stroke);
            } else {
                painter.hline(track.x_range().expand(3.0), p, stroke);
            }
        }
        painter.rect_stroke(
            track,
            2.0,
            Stroke::new(1.0, theme::LINE),
            StrokeKind::Outside,
        );

        let over = self
            .ceiling_db
            .is_some_and(|c| self.value_db.is_finite() && self.value_db > c);
        let value_color = if !self.value_db.is_finite() {
            theme::TEXT_DIM
        } else if over {
            theme::BAD
        } else {
            theme::TEXT
        };
        match self.orientation {
            Orientation::Horizontal => {
                if let Some(label) = self.label {
                    painter.text(
                        Pos2::new(rect.left(), rect.center().y),
                        Align2::LEFT_CENTER,
                        label,
                        font.clone(),
                        theme::TEXT_DIM,
                    );
                }
                if self.show_value {
                    painter.text(
                        Pos2::new(rect.right(), rect.center().y),
                        Align2::RIGHT_CENTER,
                        value_text,
                        font,
                        value_color,
                    );
                }
            }
            Orientation::Vertical => {
                if let Some(label) = self.label {
                    painter.text(
                        Pos2::new(rect.center().x, rect.bottom()),
                        Align2::CENTER_BOTTOM,
                        label,
                        font.clone(),
                        theme::TEXT_DIM,
                    );
                }
                if self.show_value {
                    painter.text(
                        Pos2::new(rect.center().x, rect.top()),
                        Align2::CENTER_TOP,
                        value_text,
                        font,
                        value_color,
                    );
                }
            }
        }
    }
}

impl Widget for LevelBar<'_> {
    fn ui(self, ui: &mut Ui) -> Response {
        let size = match self.orientation {
            Orientation::Horizontal => {
                Vec2::new(ui.available_width().max(80.0), self.thickness + 6.0)
            }
            Orientation::Vertical => Vec2::new(
                (self.thickness + 6.0).max(44.0),
                ui.available_height().max(80.0),
            ),
        };
        let (rect, response) = ui.allocate_exact_size(size, Sense::hover());
        if ui.is_rect_visible(rect) {
            self.paint(ui, rect);
        }
        response
    }
}
