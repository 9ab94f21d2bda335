//! A scrolling history graph of loudness (or any dB-like) series with a target line and grid.

use egui::{Color32, Pos2, Rect, Response, Shape, Stroke, Ui, Vec2, Widget};

use super::graph::{x_of_age, GraphFrame};
use super::paint_widget;
use crate::theme;

/// How one column of a history point is drawn.
#[derive(Debug, Clone, Copy)]
pub struct Series<'a> {
    /// Index into each point (`0..W`).
    pub index: usize,
    /// Legend name.
    pub name: &'a str,
    /// Line colour.
    pub color: Color32,
    /// Line width in points.
    pub width: f32,
}

/// A history graph: `W`-wide points at a fixed rate, newest at the right edge.
///
/// * values under the range are pinned to the bottom; non-finite values (`-inf`) break the line;
/// * with more points than pixels, each pixel column shows the highest value it covers;
/// * a horizontal grid every [`grid_step`](Self::grid_step) with labels, a time grid at the bottom;
/// * an optional dashed target line with a tolerance band.
pub struct HistoryGraph<'a, const W: usize> {
    points: &'a [[f32; W]],
    rate_hz: f32,
    span_seconds: Option<f32>,
    min: f32,
    max: f32,
    grid_step: f32,
    unit: &'a str,
    series: Vec<Series<'a>>,
    target: Option<(f32, &'a str)>,
    tolerance: f32,
    min_size: Vec2,
}

impl<'a, const W: usize> HistoryGraph<'a, W> {
    /// A graph of `points` recorded at `rate_hz` points per second, oldest first.
    pub fn new(points: &'a [[f32; W]], rate_hz: f32) -> Self {
        Self {
            points,
            rate_hz: rate_hz.max(f32::MIN_POSITIVE),
            span_seconds: Some(60.0),
            min: -48.0,
            max: 0.0,
            grid_step: 6.0,
            unit: "LUFS",
            series: Vec::new(),
            target: None,
            tolerance: 1.0,
            min_size: Vec2::new(240.0, 120.0),
        }
    }

    /// Visible time span in seconds; `None` fits the whole history (at least 10 s) to the width.
    pub fn span_seconds(mut self, span: Option<f32>) -> Self {
        self.span_seconds = span;
        self
    }

    /// Value range of the vertical axis.
    pub fn range(mut self, min: f32, max: f32) -> Self {
        self.min = min;
        self.max = max.max(min + 1.0);
        self
    }

    /// Spacing of the horizontal grid lines (default 6).
    pub fn grid_step(mut self, step: f32) -> Self {
        self.grid_step = step.max(0.5);
        self
    }

    /// Unit written at the top of the value axis (default `LUFS`).
    pub fn unit(mut self, unit: &'a str) -> Self {
        self.unit = unit;
        self
    }

    /// Adds a series (drawn in the order added, so add the most important last).
    pub fn series(mut self, series: Series<'a>) -> Self {
        if series.index < W {
            self.series.push(series);
        }
        self
    }

    /// A dashed target line at `value`, with its legend text.
    pub fn target(mut self, target: Option<(f32, &'a str)>) -> Self {
        self.target = target;
        self
    }

    /// Half-width of the shaded band around the target (default 1; 0 for none).
    pub fn tolerance(mut self, tolerance: f32) -> Self {
        self.tolerance = tolerance.max(0.0);
        self
    }

    /// Smallest size of the graph.
    pub fn min_size(mut self, min_size: Vec2) -> Self {
        self.min_size = min_size;
        self
    }

    fn paint(&self, ui: &Ui, rect: Rect) {
        let Some(frame) = GraphFrame::begin(ui, rect, 8.0) else {
            return;
        };
        let (painter, plot) = (&frame.painter, frame.plot);
        let y_of = |v: f32| -> f32 {
            let f = ((v - self.min) / (self.max - self.min)).clamp(0.0, 1.0);
            plot.bottom() - f * plot.height()
        };
        frame.value_grid((self.min, self.max, self.grid_step), y_of, self.unit);

        // Time axis.
        let duration = self.points.len() as f32 / self.rate_hz;
        let span = self.span_seconds.unwrap_or(duration.max(10.0)).max(1.0);
        let x_of_age = |age_s: f32| x_of_age(plot, span, age_s);
        frame.time_grid(span);

        // Target band and line.
        if let Some((target, _)) = self.target {
            if self.tolerance > 0.0 {
                let band = Rect::from_x_y_ranges(
                    plot.x_range(),
                    y_of(target + self.tolerance)..=y_of(target - self.tolerance),
                );
                painter.rect_filled(band, 0.0, theme::TARGET.linear_multiply(0.07));
            }
            frame.dashed_hline(y_of(target), theme::TARGET);
        }

        // Series, decimated to at most one vertex per pixel column.
        let plot_painter = painter.with_clip_rect(plot.expand(2.0));
        let columns = plot.width().max(1.0) as usize;
        let visible = ((span * self.rate_hz).ceil() as usize).min(self.points.len());
        let points = &self.points[self.points.len() - visible..];
        for series in &self.series {
            let mut line: Vec<Pos2> = Vec::new();
            let flush = |line: &mut Vec<Pos2>| {
                match line.len() {
                    0 => {}
                    1 => {
                        plot_painter.circle_filled(line[0], series.width * 0.5, series.color);
                    }
                    _ => {
                        plot_painter.add(Shape::line(
                            std::mem::take(line),
                            Stroke::new(series.width, series.color),
                        ));
                    }
                }
                line.clear();
            };
            if points.len() <= columns {
                for (i, p) in points.iter().enumerate() {
                    let age = (points.len() - 1 - i) as f32 / self.rate_hz;
                    let v = p[series.index];
                    if v.is_finite() {
                        line.push(Pos2::new(x_of_age(age), y_of(v)));
                    } else {
                        flush(&mut line);
                    }
                }
            } else {
                // Bucket by pixel column (oldest to newest) and keep the highest value.
                let per_column = points.len() as f32 / columns as f32;
                for c in 0..columns {
                    let start = (c as f32 * per_column) as usize;
                    let end =
                        (((c + 1) as f32 * per_column) as usize).clamp(start + 1, points.len());
                    let best = points[start..end]
                        .iter()
                        .map(|p| p[series.index])
                        .filter(|v| v.is_finite())
                        .fold(f32::NEG_INFINITY, f32::max);
                    if best.is_finite() {
                        let age = (points.len() - end) as f32 / self.rate_hz;
                        line.push(Pos2::new(x_of_age(age), y_of(best)));
                    } else {
                        flush(&mut line);
                    }
                }
            }
            flush(&mut line);
        }

        // Legend.
        let mut legend = frame.legend();
        for series in &self.series {
            legend.line(series.name, series.color, series.width.max(2.0));
        }
        if let Some((_, label)) = self.target {
            legend.dashed(label, theme::TARGET);
        }
        frame.border();
    }
}

impl<const W: usize> Widget for HistoryGraph<'_, W> {
    fn ui(self, ui: &mut Ui) -> Response {
        paint_widget(ui, self.min_size, |ui, rect| self.paint(ui, rect))
    }
}
