//! A scrolling history of a dynamics processor: level traces (e.g. input and output peak) filled
//! from the bottom on a dB scale, and the gain reduction hanging from the top on its own scale.

use egui::{Align2, Color32, Mesh, Pos2, Rect, Response, Shape, Stroke, Ui, Vec2, Widget};

use super::graph::{label_font, x_of_age, GraphFrame};
use super::paint_widget;
use crate::theme;

/// One level trace of a [`GainReductionGraph`]: a column of the history points, in dB.
#[derive(Debug, Clone, Copy)]
pub struct LevelTrace<'a> {
    /// Index into each point (`0..W`).
    pub index: usize,
    /// Legend name.
    pub name: &'a str,
    /// Colour of the line; the area under it is a translucent version.
    pub color: Color32,
}

/// A gain-reduction history: `W`-wide points at a fixed rate, newest at the right edge.
///
/// * level traces (dB, left scale) are filled from the bottom; `-inf` is silence;
/// * the gain reduction (positive dB, right scale, 0 at the top) hangs from the top edge;
/// * with more points than pixels, each pixel column shows the highest value it covers (the
///   loudest level, the deepest reduction), so no peak disappears when zoomed out;
/// * an optional dashed ceiling line on the level scale.
pub struct GainReductionGraph<'a, const W: usize> {
    points: &'a [[f32; W]],
    rate_hz: f32,
    span_seconds: f32,
    min_db: f32,
    max_db: f32,
    level_step_db: f32,
    reduction_index: Option<usize>,
    reduction_range_db: f32,
    reduction_step_db: f32,
    levels: Vec<LevelTrace<'a>>,
    ceiling_db: Option<f32>,
    min_size: Vec2,
}

/// One drawn column: its x position and the values of the points it covers.
struct Column<const W: usize> {
    x: f32,
    values: [f32; W],
}

impl<'a, const W: usize> GainReductionGraph<'a, W> {
    /// A graph of `points` recorded at `rate_hz` points per second, oldest first.
    pub fn new(points: &'a [[f32; W]], rate_hz: f32) -> Self {
        Self {
            points,
            rate_hz: rate_hz.max(f32::MIN_POSITIVE),
            span_seconds: 10.0,
            min_db: -36.0,
            max_db: 6.0,
            level_step_db: 6.0,
            reduction_index: None,
            reduction_range_db: 12.0,
            reduction_step_db: 3.0,
            levels: Vec::new(),
            ceiling_db: None,
            min_size: Vec2::new(240.0, 120.0),
        }
    }

    /// Visible time span in seconds (default 10).
    pub fn span_seconds(mut self, span: f32) -> Self {
        self.span_seconds = span.max(1.0);
        self
    }

    /// Range of the level scale in dB and the spacing of its grid (default −36 … +6, every 6).
    pub fn level_range(mut self, min_db: f32, max_db: f32, step_db: f32) -> Self {
        self.min_db = min_db;
        self.max_db = max_db.max(min_db + 1.0);
        self.level_step_db = step_db.max(0.5);
        self
    }

    /// The column holding the gain reduction (positive dB), the deepest reduction on the scale
    /// and the spacing of its labels (e.g. 12 dB, every 3).
    pub fn reduction(mut self, index: usize, range_db: f32, step_db: f32) -> Self {
        if index < W {
            self.reduction_index = Some(index);
        }
        self.reduction_range_db = range_db.max(1.0);
        self.reduction_step_db = step_db.max(0.5);
        self
    }

    /// Adds a level trace (drawn in the order added: add the most important last).
    pub fn level(mut self, trace: LevelTrace<'a>) -> Self {
        if trace.index < W {
            self.levels.push(trace);
        }
        self
    }

    /// A dashed ceiling line on the level scale.
    pub fn ceiling(mut self, ceiling_db: Option<f32>) -> Self {
        self.ceiling_db = ceiling_db;
        self
    }

    /// Smallest size of the graph.
    pub fn min_size(mut self, min_size: Vec2) -> Self {
        self.min_size = min_size;
        self
    }

    /// The points to draw, one per point or (when there are more points than pixels) one per
    /// pixel column holding the maximum of each value.
    fn columns(&self, plot: Rect) -> Vec<Column<W>> {
        let visible =
            ((self.span_seconds * self.rate_hz).ceil() as usize + 1).min(self.points.len());
        let points = &self.points[self.points.len() - visible..];
        let x_of = |i: usize| {
            let age = (points.len() - 1 - i) as f32 / self.rate_hz;
            x_of_age(plot, self.span_seconds, age)
        };
        let pixels = plot.width().max(1.0) as usize;
        if points.len() <= pixels {
            return points
                .iter()
                .enumerate()
                .map(|(i, p)| Column {
                    x: x_of(i),
                    values: *p,
                })
                .collect();
        }
        let mut columns: Vec<Column<W>> = Vec::with_capacity(pixels + 1);
        for (i, p) in points.iter().enumerate() {
            let x = x_of(i).floor();
            match columns.last_mut() {
                Some(column) if column.x == x => {
                    for (v, &n) in column.values.iter_mut().zip(p) {
                        *v = max_ignoring_nan(*v, n);
                    }
                }
                _ => columns.push(Column { x, values: *p }),
            }
        }
        columns
    }

    fn paint(&self, ui: &Ui, rect: Rect) {
        let Some(frame) = GraphFrame::begin(ui, rect, 30.0) else {
            return;
        };
        let (painter, plot) = (&frame.painter, frame.plot);
        let font = label_font();
        let y_level = |db: f32| {
            let f = ((db - self.min_db) / (self.max_db - self.min_db)).clamp(0.0, 1.0);
            plot.bottom() - f * plot.height()
        };
        let y_reduction = |db: f32| {
            let f = (db / self.reduction_range_db).clamp(0.0, 1.0);
            plot.top() + f * plot.height()
        };

        // Level grid and scale (left).
        frame.value_grid(
            (self.min_db, self.max_db, self.level_step_db),
            y_level,
            "dB",
        );

        // Reduction scale (right).
        if self.reduction_index.is_some() {
            let steps = (self.reduction_range_db / self.reduction_step_db).floor() as i32;
            for k in 0..=steps {
                let v = k as f32 * self.reduction_step_db;
                let y = y_reduction(v);
                painter.hline(
                    plot.right()..=(plot.right() + 3.0),
                    y,
                    Stroke::new(1.0, theme::GAIN_REDUCTION.linear_multiply(0.7)),
                );
                painter.text(
                    Pos2::new(plot.right() + 5.0, y),
                    Align2::LEFT_CENTER,
                    if v == 0.0 {
                        "0".to_owned()
                    } else {
                        format!("-{v:.0}")
                    },
                    font.clone(),
                    theme::GAIN_REDUCTION.linear_multiply(0.9),
                );
            }
            painter.text(
                Pos2::new(rect.right() - 6.0, rect.top() + 6.0),
                Align2::RIGHT_TOP,
                "GR",
                font,
                theme::GAIN_REDUCTION.linear_multiply(0.9),
            );
        }

        // Time grid.
        frame.time_grid(self.span_seconds);

        // Traces: the reduction's area at the back, the levels' areas over it, then the reduction's
        // line and the level lines on top (a level peak is often one point wide, at the same x as
        // the reduction's attack).
        let columns = self.columns(plot);
        let plot_painter = painter.with_clip_rect(plot);
        let reduction_edge: Option<Vec<Pos2>> = self.reduction_index.map(|index| {
            columns
                .iter()
                .map(|c| {
                    let v = c.values[index];
                    let v = if v.is_finite() { v.max(0.0) } else { 0.0 };
                    Pos2::new(c.x, y_reduction(v))
                })
                .collect()
        });
        if let Some(edge) = &reduction_edge {
            fill_between(
                &plot_painter,
                edge,
                plot.top(),
                theme::GAIN_REDUCTION.linear_multiply(0.4),
            );
        }
        let level_edges: Vec<Vec<Pos2>> = self
            .levels
            .iter()
            .map(|trace| {
                columns
                    .iter()
                    .map(|c| {
                        let v = c.values[trace.index];
                        let y = if v.is_nan() {
                            plot.bottom()
                        } else {
                            y_level(v)
                        };
                        Pos2::new(c.x, y)
                    })
                    .collect()
            })
            .collect();
        for (trace, edge) in self.levels.iter().zip(&level_edges) {
            fill_between(
                &plot_painter,
                edge,
                plot.bottom(),
                trace.color.linear_multiply(0.2),
            );
        }
        if let Some(edge) = reduction_edge.filter(|e| e.len() >= 2) {
            plot_painter.add(Shape::line(edge, Stroke::new(1.5, theme::GAIN_REDUCTION)));
        }
        for (trace, edge) in self.levels.iter().zip(level_edges) {
            if edge.len() >= 2 {
                plot_painter.add(Shape::line(edge, Stroke::new(1.2, trace.color)));
            }
        }
        if let Some(ceiling) = self.ceiling_db {
            frame.dashed_hline(y_level(ceiling), theme::WARN);
        }

        // Legend.
        let mut legend = frame.legend();
        for trace in &self.levels {
            legend.line(trace.name, trace.color, 2.0);
        }
        if self.reduction_index.is_some() {
            legend.line("Gain reduction", theme::GAIN_REDUCTION, 2.0);
        }
        if self.ceiling_db.is_some() {
            legend.dashed("Ceiling", theme::WARN);
        }
        frame.border();
    }
}

/// `a.max(b)` where a `NaN` on either side loses.
fn max_ignoring_nan(a: f32, b: f32) -> f32 {
    if a.is_nan() {
        b
    } else {
        a.max(b)
    }
}

/// Fills the area between the polyline `edge` (x increasing) and the horizontal line `base_y`.
fn fill_between(painter: &egui::Painter, edge: &[Pos2], base_y: f32, color: Color32) {
    if edge.len() < 2 {
        return;
    }
    let mut mesh = Mesh::default();
    for p in edge {
        mesh.colored_vertex(*p, color);
        mesh.colored_vertex(Pos2::new(p.x, base_y), color);
    }
    for i in 0..edge.len() as u32 - 1 {
        let (a, b, c, d) = (2 * i, 2 * i + 1, 2 * i + 2, 2 * i + 3);
        mesh.add_triangle(a, b, c);
        mesh.add_triangle(b, d, c);
    }
    painter.add(Shape::mesh(mesh));
}

impl<const W: usize> Widget for GainReductionGraph<'_, W> {
    fn ui(self, ui: &mut Ui) -> Response {
        paint_widget(ui, self.min_size, |ui, rect| self.paint(ui, rect))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_keep_the_maximum() {
        let points: Vec<[f32; 2]> = (0..1000)
            .map(|i| [-((i % 5) as f32), (i % 3) as f32])
            .collect();
        let graph = GainReductionGraph::new(&points, 100.0).span_seconds(10.0);
        let plot = Rect::from_min_size(Pos2::ZERO, Vec2::new(100.0, 50.0));
        let columns = graph.columns(plot);
        assert!(
            columns.len() <= 101 && columns.len() >= 99,
            "{}",
            columns.len()
        );
        assert!(columns.windows(2).all(|w| w[0].x < w[1].x));
        // Every full column (about 10 points) holds the maxima of both values.
        let inner = &columns[1..columns.len() - 1];
        assert!(
            inner.iter().all(|c| c.values == [0.0, 2.0]),
            "{:?}",
            inner.iter().map(|c| c.values).collect::<Vec<_>>()
        );

        let few = &points[..20];
        let graph = GainReductionGraph::new(few, 100.0).span_seconds(10.0);
        let columns = graph.columns(plot);
        assert_eq!(columns.len(), 20);
        assert_eq!(columns.last().unwrap().x, 100.0);
    }
}
