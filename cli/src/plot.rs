//! PNG plot of momentary and short-term loudness over time, with the integrated loudness and
//! a platform target drawn as horizontal lines.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use dsp_core::targets::Platform;
use plotters::prelude::*;

use crate::analyze::{Analysis, HistoryPoint, HISTORY_RATE_HZ};

/// Width of the plot in pixels.
pub const PLOT_WIDTH_PX: u32 = 1200;

/// Height of the plot in pixels.
pub const PLOT_HEIGHT_PX: u32 = 500;

/// Registers the bundled TTF font with plotters once; the error text on failure.
pub(crate) fn ensure_font() -> Result<(), String> {
    static REGISTERED: OnceLock<Result<(), String>> = OnceLock::new();
    REGISTERED
        .get_or_init(|| {
            plotters::style::register_font(
                "sans-serif",
                FontStyle::Normal,
                epaint_default_fonts::UBUNTU_LIGHT,
            )
            .map_err(|_| "the bundled plot font could not be loaded".to_string())
        })
        .clone()
}

/// The file a plot goes to: `out` itself for a single input, otherwise `out` with the input's
/// file stem appended (`loud.png` + `a.wav` -> `loud-a.png`). `taken` holds the names already
/// used in this run; a repeated stem gets a counter (`loud-a-2.png`).
pub fn plot_path_for(out: &Path, input: &Path, several: bool, taken: &mut Vec<PathBuf>) -> PathBuf {
    if !several {
        return out.to_path_buf();
    }
    let out_stem = out
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "plot".into());
    let in_stem = input
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "input".into());
    let ext = out
        .extension()
        .map(|e| e.to_string_lossy().into_owned())
        .unwrap_or_else(|| "png".into());
    let mut candidate = out.with_file_name(format!("{out_stem}-{in_stem}.{ext}"));
    let mut n = 2;
    while taken.contains(&candidate) {
        candidate = out.with_file_name(format!("{out_stem}-{in_stem}-{n}.{ext}"));
        n += 1;
    }
    taken.push(candidate.clone());
    candidate
}

/// The loudness axis range: from the quietest short-term value (within 60 dB of the top) to
/// a little above the loudest momentary value, in multiples of 3 dB.
fn loudness_range(a: &Analysis, target_lufs: f64) -> (f64, f64) {
    let finite = |x: f64| x.is_finite().then_some(x);
    let highest = a
        .history
        .iter()
        .filter_map(|p| finite(p.momentary_lufs))
        .chain(finite(a.reading.integrated_lufs))
        .chain([target_lufs])
        .fold(f64::NEG_INFINITY, f64::max);
    // The 5th percentile of short-term loudness, so that the first second (while the 3 s window
    // fills) does not stretch the axis.
    let mut short_term: Vec<f64> = a
        .history
        .iter()
        .filter_map(|p| finite(p.short_term_lufs))
        .collect();
    short_term.sort_by(f64::total_cmp);
    let lowest = short_term
        .get(short_term.len() / 20)
        .copied()
        .into_iter()
        .chain(finite(a.reading.integrated_lufs))
        .chain([target_lufs])
        .fold(f64::INFINITY, f64::min);
    let top = ((highest + 2.0) / 3.0).ceil() * 3.0;
    let bottom = (((lowest - 6.0) / 3.0).floor() * 3.0).clamp(top - 60.0, top - 18.0);
    (bottom, top)
}

/// Runs of consecutive finite values of one series, clamped to the bottom of the axis.
fn finite_runs(
    history: &[HistoryPoint],
    value: impl Fn(&HistoryPoint) -> f64,
    bottom: f64,
) -> Vec<Vec<(f64, f64)>> {
    let mut runs: Vec<Vec<(f64, f64)>> = Vec::new();
    let mut current: Vec<(f64, f64)> = Vec::new();
    for p in history {
        let v = value(p);
        if v.is_finite() {
            current.push((p.time_s, v.max(bottom)));
        } else if !current.is_empty() {
            runs.push(std::mem::take(&mut current));
        }
    }
    if !current.is_empty() {
        runs.push(current);
    }
    runs
}

/// Axis label for a time: whole seconds unless the programme is very short.
fn format_seconds(t: f64, x_max: f64) -> String {
    if x_max >= 5.0 {
        format!("{t:.0}")
    } else {
        format!("{t:.1}")
    }
}

/// A loudness target line: its label and level.
struct TargetLine<'a> {
    label: &'a str,
    lufs: f64,
}

/// The file name of an analysed file, for captions.
fn short_name(a: &Analysis) -> String {
    Path::new(&a.file)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| a.file.clone())
}

/// Draws the loudness-over-time plot of `a` to the PNG file `out` ([`PLOT_WIDTH_PX`] x [`PLOT_HEIGHT_PX`]).
pub fn write_loudness_plot(a: &Analysis, target: &Platform, out: &Path) -> Result<(), String> {
    ensure_font()?;
    let label = format!("Target {} {:.0} LUFS", target.name, target.target_lufs);
    let target = TargetLine {
        label: &label,
        lufs: target.target_lufs,
    };
    let draw = || -> Result<(), Box<dyn std::error::Error>> {
        let root = BitMapBackend::new(out, (PLOT_WIDTH_PX, PLOT_HEIGHT_PX)).into_drawing_area();
        root.fill(&WHITE)?;
        let range = loudness_range(a, target.lufs);
        let caption = format!("{}: loudness over time", short_name(a));
        draw_loudness_panel(&root, a, &caption, &target, range, a.duration_s().max(0.1))?;
        root.present()?;
        Ok(())
    };
    draw().map_err(|e| format!("cannot draw plot: {e}"))
}

/// Height of the before/after plot in pixels.
pub const MASTER_PLOT_HEIGHT_PX: u32 = 1000;

/// Draws the before/after plot of a master to the PNG file `out`: the input's and the output's
/// momentary and short-term loudness in two panels on the same scale, then the gain reduction
/// (deepest per 100 ms) over time.
pub fn write_master_plot(
    before: &Analysis,
    after: &Analysis,
    gain_reduction_db: &[f32],
    target_name: &str,
    target_lufs: f64,
    out: &Path,
) -> Result<(), String> {
    ensure_font()?;
    let label = format!("Target {target_name} {target_lufs:.1} LUFS");
    let target = TargetLine {
        label: &label,
        lufs: target_lufs,
    };
    let draw = || -> Result<(), Box<dyn std::error::Error>> {
        let root =
            BitMapBackend::new(out, (PLOT_WIDTH_PX, MASTER_PLOT_HEIGHT_PX)).into_drawing_area();
        root.fill(&WHITE)?;
        let (b0, t0) = loudness_range(before, target_lufs);
        let (b1, t1) = loudness_range(after, target_lufs);
        let top = t0.max(t1);
        let range = (b0.min(b1).max(top - 60.0), top);
        let x_max = before.duration_s().max(after.duration_s()).max(0.1);
        let gr_height = (MASTER_PLOT_HEIGHT_PX as f64 * 0.2) as u32;
        let panel_height = (MASTER_PLOT_HEIGHT_PX - gr_height) / 2;
        let (upper, rest) = root.split_vertically(panel_height);
        let (middle, lower) = rest.split_vertically(panel_height);
        draw_loudness_panel(
            &upper,
            before,
            &format!("Before: {}", short_name(before)),
            &target,
            range,
            x_max,
        )?;
        draw_loudness_panel(
            &middle,
            after,
            &format!("After: {}", short_name(after)),
            &target,
            range,
            x_max,
        )?;
        draw_gain_reduction_panel(&lower, gain_reduction_db, x_max)?;
        root.present()?;
        Ok(())
    };
    draw().map_err(|e| format!("cannot draw plot: {e}"))
}

fn draw_gain_reduction_panel(
    area: &DrawingArea<BitMapBackend<'_>, plotters::coord::Shift>,
    gain_reduction_db: &[f32],
    x_max: f64,
) -> Result<(), Box<dyn std::error::Error>> {
    let deepest = gain_reduction_db.iter().copied().fold(0.0f32, f32::max);
    let depth = (f64::from(deepest) + 1.0).ceil().max(3.0);
    let mut chart = ChartBuilder::on(area)
        .margin(16)
        .x_label_area_size(40)
        .y_label_area_size(64)
        .build_cartesian_2d(0.0..x_max, -depth..0.5)?;
    chart
        .configure_mesh()
        .x_desc("Time (s)")
        .y_desc("Gain reduction (dB)")
        .label_style(("sans-serif", 15))
        .axis_desc_style(("sans-serif", 17))
        .x_label_formatter(&|t| format_seconds(*t, x_max))
        .y_label_formatter(&|l| format!("{l:.0}"))
        .y_labels(4)
        .light_line_style(RGBColor(235, 235, 235))
        .bold_line_style(RGBColor(200, 200, 200))
        .draw()?;
    let colour = RGBColor(200, 110, 20);
    let step = 1.0 / HISTORY_RATE_HZ;
    let points: Vec<(f64, f64)> = std::iter::once((0.0, 0.0))
        .chain(
            gain_reduction_db
                .iter()
                .enumerate()
                .map(|(i, &g)| (((i + 1) as f64 * step).min(x_max), -f64::from(g))),
        )
        .collect();
    let mut outline = points.clone();
    outline.push((points.last().map_or(0.0, |p| p.0), 0.0));
    chart.draw_series(std::iter::once(Polygon::new(
        outline,
        colour.mix(0.35).filled(),
    )))?;
    chart
        .draw_series(LineSeries::new(points, colour.stroke_width(1)))?
        .label(format!("Gain reduction (max {deepest:.1} dB)"))
        .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 24, y)], colour.stroke_width(2)));
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::LowerLeft)
        .label_font(("sans-serif", 15))
        .background_style(WHITE.mix(0.85))
        .border_style(RGBColor(160, 160, 160))
        .draw()?;
    Ok(())
}

fn draw_loudness_panel(
    area: &DrawingArea<BitMapBackend<'_>, plotters::coord::Shift>,
    a: &Analysis,
    caption: &str,
    target: &TargetLine<'_>,
    (bottom, top): (f64, f64),
    x_max: f64,
) -> Result<(), Box<dyn std::error::Error>> {
    let mut chart = ChartBuilder::on(area)
        .caption(caption, ("sans-serif", 24))
        .margin(16)
        .x_label_area_size(48)
        .y_label_area_size(64)
        .build_cartesian_2d(0.0..x_max, bottom..top)?;
    chart
        .configure_mesh()
        .x_desc("Time (s)")
        .y_desc("Loudness (LUFS)")
        .label_style(("sans-serif", 15))
        .axis_desc_style(("sans-serif", 17))
        .x_label_formatter(&|t| format_seconds(*t, x_max))
        .y_label_formatter(&|l| format!("{l:.0}"))
        .light_line_style(RGBColor(235, 235, 235))
        .bold_line_style(RGBColor(200, 200, 200))
        .draw()?;

    let momentary = RGBColor(120, 170, 230);
    let short_term = RGBColor(20, 60, 160);
    let integrated = RGBColor(200, 30, 30);
    let target_colour = RGBColor(20, 140, 60);

    let mut labelled = false;
    for run in finite_runs(&a.history, |p| p.momentary_lufs, bottom) {
        let series = chart.draw_series(LineSeries::new(run, momentary.stroke_width(1)))?;
        if !labelled {
            series.label("Momentary (400 ms)").legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 24, y)], momentary.stroke_width(2))
            });
            labelled = true;
        }
    }
    let mut labelled = false;
    for run in finite_runs(&a.history, |p| p.short_term_lufs, bottom) {
        let series = chart.draw_series(LineSeries::new(run, short_term.stroke_width(2)))?;
        if !labelled {
            series.label("Short-term (3 s)").legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 24, y)], short_term.stroke_width(2))
            });
            labelled = true;
        }
    }
    let i = a.reading.integrated_lufs;
    if i.is_finite() {
        chart
            .draw_series(DashedLineSeries::new(
                [(0.0, i), (x_max, i)],
                10,
                6,
                integrated.stroke_width(2),
            ))?
            .label(format!("Integrated {i:.1} LUFS"))
            .legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 24, y)], integrated.stroke_width(2))
            });
    }
    let t = target.lufs;
    chart
        .draw_series(DashedLineSeries::new(
            [(0.0, t), (x_max, t)],
            4,
            4,
            target_colour.stroke_width(2),
        ))?
        .label(target.label)
        .legend(move |(x, y)| {
            PathElement::new(vec![(x, y), (x + 24, y)], target_colour.stroke_width(2))
        });

    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::LowerRight)
        .label_font(("sans-serif", 15))
        .background_style(WHITE.mix(0.85))
        .border_style(RGBColor(160, 160, 160))
        .draw()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn several_inputs_get_their_stem_appended() {
        let mut taken = Vec::new();
        let out = Path::new("plots/loud.png");
        assert_eq!(
            plot_path_for(out, Path::new("a/song.wav"), false, &mut taken),
            PathBuf::from("plots/loud.png")
        );
        assert_eq!(
            plot_path_for(out, Path::new("a/song.wav"), true, &mut taken),
            PathBuf::from("plots/loud-song.png")
        );
        assert_eq!(
            plot_path_for(out, Path::new("b/song.flac"), true, &mut taken),
            PathBuf::from("plots/loud-song-2.png")
        );
    }

    #[test]
    fn runs_break_at_silence() {
        let p = |t: f64, m: f64| HistoryPoint {
            time_s: t,
            momentary_lufs: m,
            short_term_lufs: m,
        };
        let h = [
            p(0.1, -20.0),
            p(0.2, f64::NEG_INFINITY),
            p(0.3, -90.0),
            p(0.4, -21.0),
        ];
        let runs = finite_runs(&h, |q| q.momentary_lufs, -60.0);
        assert_eq!(
            runs,
            vec![vec![(0.1, -20.0)], vec![(0.3, -60.0), (0.4, -21.0)]]
        );
    }
}
