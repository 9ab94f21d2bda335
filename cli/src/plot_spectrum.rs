//! PNG plot of the loud sections' spectra the assistant measured: the input, the master and the
//! reference, mid and side, each drawn relative to its own mean over 60 Hz–12 kHz so the shapes
//! compare whatever the loudness.

use std::path::{Path, PathBuf};

use plotters::prelude::*;
use vernis_assistant::analysis::TonalBalance;

use crate::plot::{ensure_font, PLOT_WIDTH_PX};

/// Height of the spectrum plot in pixels.
pub const SPECTRUM_PLOT_HEIGHT_PX: u32 = 800;

/// The spectrum plot's file next to the master plot `plot` (`p.png` -> `p-spectrum.png`).
pub fn spectrum_plot_path(plot: &Path) -> PathBuf {
    let stem = plot
        .file_stem()
        .map_or("plot".into(), |s| s.to_string_lossy());
    plot.with_file_name(format!("{stem}-spectrum.png"))
}

/// `levels` less their mean over 60 Hz–12 kHz, as (Hz, dB) points (non-finite ones dropped).
fn relative(centres: &[f64], levels: &[f64]) -> Vec<(f64, f64)> {
    let in_range: Vec<f64> = centres
        .iter()
        .zip(levels)
        .filter(|(f, l)| (60.0..=12_000.0).contains(*f) && l.is_finite())
        .map(|(_, l)| *l)
        .collect();
    if in_range.is_empty() {
        return Vec::new();
    }
    let mean = in_range.iter().sum::<f64>() / in_range.len() as f64;
    centres
        .iter()
        .zip(levels)
        .filter(|(_, l)| l.is_finite())
        .map(|(f, l)| (*f, l - mean))
        .collect()
}

/// Draws mid (upper panel) and side (lower) of `before`, `after` and `reference` to `out`.
pub fn write_spectrum_plot(
    before: &TonalBalance,
    after: &TonalBalance,
    reference: Option<&TonalBalance>,
    out: &Path,
) -> Result<(), String> {
    ensure_font()?;
    let draw = || -> Result<(), Box<dyn std::error::Error>> {
        let root =
            BitMapBackend::new(out, (PLOT_WIDTH_PX, SPECTRUM_PLOT_HEIGHT_PX)).into_drawing_area();
        root.fill(&WHITE)?;
        let (upper, lower) = root.split_vertically(SPECTRUM_PLOT_HEIGHT_PX / 2);
        let curves = [
            (Some(before), "input", RGBColor(120, 120, 120)),
            (Some(after), "master", RGBColor(20, 90, 200)),
            (reference, "reference", RGBColor(220, 110, 20)),
        ];
        for (area, side) in [(&upper, false), (&lower, true)] {
            let name = if side { "side" } else { "mid" };
            let mut chart = ChartBuilder::on(area)
                .caption(
                    format!("Loud sections, {name}: 1/6-octave levels, each relative to its 60 Hz–12 kHz mean"),
                    ("sans-serif", 18),
                )
                .margin(12)
                .x_label_area_size(32)
                .y_label_area_size(48)
                .build_cartesian_2d((20f64..20_000f64).log_scale(), -30f64..15f64)?;
            chart
                .configure_mesh()
                .x_desc("Hz")
                .y_desc("dB")
                .x_label_formatter(&|f| {
                    if *f >= 1000.0 {
                        format!("{:.0}k", f / 1000.0)
                    } else {
                        format!("{f:.0}")
                    }
                })
                .draw()?;
            for (balance, label, colour) in curves {
                let Some(b) = balance else { continue };
                let levels = if side { &b.side_db } else { &b.mid_db };
                let points: Vec<(f64, f64)> = relative(&b.centres_hz, levels)
                    .into_iter()
                    .map(|(f, l)| (f, l.clamp(-30.0, 15.0)))
                    .collect();
                if points.is_empty() {
                    continue;
                }
                chart
                    .draw_series(LineSeries::new(points, colour.stroke_width(2)))?
                    .label(label)
                    .legend(move |(x, y)| {
                        PathElement::new(vec![(x, y), (x + 20, y)], colour.stroke_width(2))
                    });
            }
            chart
                .configure_series_labels()
                .background_style(WHITE.mix(0.8))
                .border_style(BLACK)
                .draw()?;
        }
        root.present()?;
        Ok(())
    };
    draw().map_err(|e| format!("cannot draw plot: {e}"))
}
