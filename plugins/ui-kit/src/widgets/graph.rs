//! Drawing shared by the scrolling graphs ([`HistoryGraph`](super::HistoryGraph) and
//! [`GainReductionGraph`](super::GainReductionGraph)): the panel and plot area, the value grid with
//! its labels, the time grid, dashed lines, the legend and the plot's border.

use egui::{Align2, Color32, FontId, Painter, Pos2, Rect, Shape, Stroke, StrokeKind, Ui};

use crate::theme;

/// Width of the value labels left of the plot, points.
const AXIS_W: f32 = 30.0;

/// Font of the graphs' labels and legend.
pub(super) fn label_font() -> FontId {
    FontId::proportional(11.0)
}

/// A graph's panel: the painter clipped to it, its rectangle and the plot area inside.
pub(super) struct GraphFrame {
    /// Painter clipped to the panel.
    pub painter: Painter,
    /// The whole panel.
    pub rect: Rect,
    /// The plot area (value labels on the left, legend above, time labels below).
    pub plot: Rect,
}

impl GraphFrame {
    /// Paints the panel over `rect` and lays out the plot with `right_margin` points on its right,
    /// or `None` when the plot would be too small to draw.
    pub(super) fn begin(ui: &Ui, rect: Rect, right_margin: f32) -> Option<Self> {
        let painter = ui.painter_at(rect);
        painter.rect_filled(rect, theme::RADIUS, theme::PANEL);
        let plot = Rect::from_min_max(
            Pos2::new(rect.left() + AXIS_W, rect.top() + 22.0),
            Pos2::new(rect.right() - right_margin, rect.bottom() - 18.0),
        );
        (plot.width() >= 10.0 && plot.height() >= 10.0).then_some(Self {
            painter,
            rect,
            plot,
        })
    }

    /// Horizontal grid lines every `step` between `min` and `max` (at `y_of(value)`), labelled
    /// left of the plot, and `unit` in the panel's top-left corner.
    pub(super) fn value_grid(
        &self,
        (min, max, step): (f32, f32, f32),
        y_of: impl Fn(f32) -> f32,
        unit: &str,
    ) {
        value_grid(
            &self.painter,
            self.rect,
            self.plot,
            (min, max, step),
            y_of,
            unit,
        );
    }

    /// The time grid over the last `span_s` seconds.
    pub(super) fn time_grid(&self, span_s: f32) {
        time_grid(&self.painter, self.plot, span_s);
    }

    /// A dashed horizontal line across the plot at `y`.
    pub(super) fn dashed_hline(&self, y: f32, color: Color32) {
        dashed_hline(&self.painter, self.plot, y, color);
    }

    /// The legend row above the plot.
    pub(super) fn legend(&self) -> Legend<'_> {
        Legend {
            painter: &self.painter,
            x: self.plot.left() + 8.0,
            y: self.rect.top() + 11.0,
        }
    }

    /// The border around the plot, drawn last.
    pub(super) fn border(&self) {
        self.painter.rect_stroke(
            self.plot,
            0.0,
            Stroke::new(1.0, theme::GRID_STRONG),
            StrokeKind::Outside,
        );
    }
}

fn value_grid(
    painter: &Painter,
    rect: Rect,
    plot: Rect,
    (min, max, step): (f32, f32, f32),
    y_of: impl Fn(f32) -> f32,
    unit: &str,
) {
    let font = label_font();
    let first = (min / step).ceil() as i32;
    let last = (max / step).floor() as i32;
    for k in first..=last {
        let v = k as f32 * step;
        let y = y_of(v);
        painter.hline(plot.x_range(), y, Stroke::new(1.0, theme::LINE));
        painter.text(
            Pos2::new(plot.left() - 5.0, y),
            Align2::RIGHT_CENTER,
            format!("{v:.0}"),
            font.clone(),
            theme::TEXT_DIM,
        );
    }
    painter.text(
        Pos2::new(rect.left() + 6.0, rect.top() + 6.0),
        Align2::LEFT_TOP,
        unit,
        font,
        theme::TEXT_DIM,
    );
}

/// x of a point `age_s` seconds old on a plot showing the last `span_s` seconds (now at the right).
pub(super) fn x_of_age(plot: Rect, span_s: f32, age_s: f32) -> f32 {
    plot.right() - age_s / span_s * plot.width()
}

/// Vertical time grid over the last `span_s` seconds, labelled under the plot (`now`, `-10s` ...).
fn time_grid(painter: &Painter, plot: Rect, span_s: f32) {
    let font = label_font();
    let step = nice_time_step(span_s, plot.width());
    let mut age = 0.0;
    while age <= span_s + 1e-3 {
        let x = x_of_age(plot, span_s, age);
        if age > 0.0 {
            painter.vline(
                x,
                plot.y_range(),
                Stroke::new(1.0, theme::LINE.linear_multiply(0.6)),
            );
        }
        painter.text(
            Pos2::new(x, plot.bottom() + 3.0),
            if age == 0.0 {
                Align2::RIGHT_TOP
            } else if x - plot.left() < 20.0 {
                Align2::LEFT_TOP
            } else {
                Align2::CENTER_TOP
            },
            if age == 0.0 {
                "now".to_owned()
            } else {
                format_age(age)
            },
            font.clone(),
            theme::TEXT_DIM,
        );
        age += step;
    }
}

/// A dashed horizontal line across the plot at `y` (targets, ceilings).
fn dashed_hline(painter: &Painter, plot: Rect, y: f32, color: Color32) {
    painter.extend(Shape::dashed_line(
        &[Pos2::new(plot.left(), y), Pos2::new(plot.right(), y)],
        Stroke::new(1.5, color),
        6.0,
        4.0,
    ));
}

/// The legend row above the plot: a line swatch and a name per entry, left to right.
pub(super) struct Legend<'p> {
    painter: &'p Painter,
    x: f32,
    y: f32,
}

impl Legend<'_> {
    /// An entry with a solid swatch `width` points thick.
    pub(super) fn line(&mut self, name: &str, color: Color32, width: f32) {
        self.painter.line_segment(
            [Pos2::new(self.x, self.y), Pos2::new(self.x + 14.0, self.y)],
            Stroke::new(width, color),
        );
        self.name(name);
    }

    /// An entry with a dashed swatch (for dashed lines across the plot).
    pub(super) fn dashed(&mut self, name: &str, color: Color32) {
        self.painter.extend(Shape::dashed_line(
            &[Pos2::new(self.x, self.y), Pos2::new(self.x + 14.0, self.y)],
            Stroke::new(1.5, color),
            4.0,
            3.0,
        ));
        self.name(name);
    }

    fn name(&mut self, name: &str) {
        let r = self.painter.text(
            Pos2::new(self.x + 18.0, self.y),
            Align2::LEFT_CENTER,
            name,
            label_font(),
            theme::TEXT,
        );
        self.x = r.right() + 14.0;
    }
}

/// A time-grid step (seconds) giving labels at least ~70 points apart.
pub(super) fn nice_time_step(span_s: f32, width: f32) -> f32 {
    const STEPS: [f32; 14] = [
        1.0, 2.0, 5.0, 10.0, 15.0, 30.0, 60.0, 120.0, 300.0, 600.0, 900.0, 1800.0, 3600.0, 7200.0,
    ];
    let max_labels = (width / 70.0).max(1.0);
    STEPS
        .into_iter()
        .find(|s| span_s / s <= max_labels)
        .unwrap_or(7200.0)
}

/// `-30s`, `-2m`, `-1h30m` style labels.
pub(super) fn format_age(age_s: f32) -> String {
    let s = age_s.round() as u32;
    if s < 60 {
        format!("-{s}s")
    } else if s < 3600 {
        if s.is_multiple_of(60) {
            format!("-{}m", s / 60)
        } else {
            format!("-{}m{:02}s", s / 60, s % 60)
        }
    } else if s.is_multiple_of(3600) {
        format!("-{}h", s / 3600)
    } else {
        format!("-{}h{:02}m", s / 3600, (s % 3600) / 60)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_labels() {
        assert_eq!(format_age(30.0), "-30s");
        assert_eq!(format_age(120.0), "-2m");
        assert_eq!(format_age(90.0), "-1m30s");
        assert_eq!(format_age(5400.0), "-1h30m");
        assert_eq!(nice_time_step(60.0, 700.0), 10.0);
        assert_eq!(nice_time_step(3600.0, 700.0), 600.0);
    }
}
