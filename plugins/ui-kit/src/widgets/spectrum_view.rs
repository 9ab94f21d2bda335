//! Drawing on a log-frequency plot: the axis mapping, its grid and labels, and a spectrum curve.
//! A plugin draws its own markers (crossovers, EQ bands, gain changes) over the same
//! [`FrequencyAxis`].

use egui::epaint::PathShape;
use egui::{Align2, Color32, Painter, Pos2, Rect, Shape, Stroke};

use super::graph::label_font;
use crate::theme;

/// Frequencies with a grid line, Hz; the ones in [`LABELLED_HZ`] are labelled.
const GRID_HZ: [f32; 27] = [
    20.0, 30.0, 40.0, 50.0, 60.0, 70.0, 80.0, 90.0, 100.0, 200.0, 300.0, 400.0, 500.0, 600.0,
    700.0, 800.0, 900.0, 1000.0, 2000.0, 3000.0, 4000.0, 5000.0, 6000.0, 7000.0, 8000.0, 9000.0,
    10_000.0,
];
/// Labelled frequencies, Hz.
const LABELLED_HZ: [f32; 8] = [20.0, 50.0, 100.0, 500.0, 1000.0, 5000.0, 10_000.0, 20_000.0];

/// Maps frequency (log) and level (linear dB) onto a plot rectangle.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FrequencyAxis {
    /// The plot area.
    pub rect: Rect,
    /// Frequency at the left edge, Hz.
    pub min_hz: f32,
    /// Frequency at the right edge, Hz.
    pub max_hz: f32,
    /// Level at the bottom edge, dB.
    pub min_db: f32,
    /// Level at the top edge, dB.
    pub max_db: f32,
}

impl FrequencyAxis {
    /// An axis over `rect` from 20 Hz to 20 kHz and `min_db..max_db`.
    pub fn audio(rect: Rect, min_db: f32, max_db: f32) -> Self {
        Self {
            rect,
            min_hz: 20.0,
            max_hz: 20_000.0,
            min_db,
            max_db,
        }
    }

    /// Horizontal position of `hz`.
    pub fn x_of(&self, hz: f32) -> f32 {
        let t = (hz.max(1e-3) / self.min_hz).ln() / (self.max_hz / self.min_hz).ln();
        self.rect.left() + t * self.rect.width()
    }

    /// Frequency at horizontal position `x` (clamped to the axis).
    pub fn hz_of(&self, x: f32) -> f32 {
        let t = ((x - self.rect.left()) / self.rect.width().max(1.0)).clamp(0.0, 1.0);
        self.min_hz * (self.max_hz / self.min_hz).powf(t)
    }

    /// Vertical position of `db` (not clamped).
    pub fn y_of(&self, db: f32) -> f32 {
        let t = (db - self.min_db) / (self.max_db - self.min_db);
        self.rect.bottom() - t * self.rect.height()
    }

    /// The plot point of (`hz`, `db`), the level clamped to the axis.
    pub fn pos(&self, hz: f32, db: f32) -> Pos2 {
        Pos2::new(self.x_of(hz), self.y_of(db.clamp(self.min_db, self.max_db)))
    }

    /// Paints the frequency grid (with labels along the bottom) and level lines every `step_db`
    /// (labelled on the left, inside the plot).
    pub fn paint_grid(&self, painter: &Painter, step_db: f32) {
        let rect = self.rect;
        for hz in GRID_HZ.iter().chain(&[20_000.0]) {
            let x = self.x_of(*hz);
            let strong = LABELLED_HZ.contains(hz);
            let color = if strong {
                theme::GRID_STRONG
            } else {
                theme::LINE
            };
            painter.line_segment(
                [Pos2::new(x, rect.top()), Pos2::new(x, rect.bottom())],
                Stroke::new(1.0, color),
            );
            if strong {
                let text = if *hz >= 1000.0 {
                    format!("{}k", hz / 1000.0)
                } else {
                    format!("{hz}")
                };
                painter.text(
                    Pos2::new(x + 2.0, rect.bottom() - 2.0),
                    Align2::LEFT_BOTTOM,
                    text,
                    label_font(),
                    theme::TEXT_DIM,
                );
            }
        }
        if step_db > 0.0 {
            let mut db = (self.min_db / step_db).ceil() * step_db;
            while db <= self.max_db {
                let y = self.y_of(db);
                painter.line_segment(
                    [Pos2::new(rect.left(), y), Pos2::new(rect.right(), y)],
                    Stroke::new(1.0, theme::LINE),
                );
                painter.text(
                    Pos2::new(rect.left() + 3.0, y - 1.0),
                    Align2::LEFT_BOTTOM,
                    format!("{db:.0}"),
                    label_font(),
                    theme::TEXT_DIM,
                );
                db += step_db;
            }
        }
    }

    /// Paints a spectrum (`levels_db` at `frequencies_hz`) as a line, with a translucent fill
    /// down to the bottom when `fill` is set.
    pub fn paint_spectrum(
        &self,
        painter: &Painter,
        frequencies_hz: &[f32],
        levels_db: &[f32],
        color: Color32,
        fill: bool,
    ) {
        let points: Vec<Pos2> = frequencies_hz
            .iter()
            .zip(levels_db)
            .filter(|(hz, _)| **hz >= self.min_hz && **hz <= self.max_hz)
            .map(|(hz, db)| self.pos(*hz, *db))
            .collect();
        if points.len() < 2 {
            return;
        }
        if fill {
            // One quad per segment: a convex polygon each, which egui fills correctly.
            let bottom = self.rect.bottom();
            let fill_color = color.gamma_multiply(0.18);
            for pair in points.windows(2) {
                let quad = vec![
                    pair[0],
                    pair[1],
                    Pos2::new(pair[1].x, bottom),
                    Pos2::new(pair[0].x, bottom),
                ];
                painter.add(Shape::convex_polygon(quad, fill_color, Stroke::NONE));
            }
        }
        painter.add(PathShape::line(points, Stroke::new(1.3, color)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn axis_round_trips() {
        let rect = Rect::from_min_size(Pos2::new(10.0, 20.0), egui::vec2(300.0, 100.0));
        let axis = FrequencyAxis::audio(rect, -90.0, 0.0);
        assert!((axis.x_of(20.0) - 10.0).abs() < 1e-3);
        assert!((axis.x_of(20_000.0) - 310.0).abs() < 1e-3);
        assert!((axis.hz_of(axis.x_of(1234.0)) - 1234.0).abs() < 0.1);
        assert_eq!(axis.y_of(0.0), 20.0);
        assert_eq!(axis.y_of(-90.0), 120.0);
        assert_eq!(axis.pos(1000.0, -200.0).y, 120.0);
    }
}
