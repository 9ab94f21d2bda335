//! The text and JSON reports of an [`Analysis`].

use std::fmt::Write as _;

use dsp_core::targets::{Platform, PLATFORMS};
use serde::Serialize;

use crate::analyze::Analysis;
use crate::layout::channel_label;

/// One channel in the JSON report.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct JsonChannel {
    /// Speaker of the channel in the layout used (`FL`, `SL`, `TBR` ...; `ch<N>` when unplaced).
    pub channel: String,
    /// BS.1770-4 weight the channel got (1.41 at the sides, 0 for the LFE).
    pub weight: f64,
    /// Highest true peak of the channel, dBTP.
    pub true_peak_dbtp: Option<f64>,
}

/// One platform in the JSON report.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct JsonPlatform {
    /// Display name of the platform.
    pub name: &'static str,
    /// Integrated loudness it normalises to, LUFS.
    pub target_lufs: f64,
    /// True-peak ceiling that applies to this master, dBTP.
    pub ceiling_dbtp: f64,
    /// Gain the platform's normalisation applies, dB; `null` when the loudness is undefined.
    pub playback_gain_db: Option<f64>,
    /// Whether the true peak is at or under the ceiling.
    pub true_peak_ok: bool,
}

/// The JSON report of one file: exactly these fields, undefined values (`-inf`, NaN) as `null`.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct JsonReport {
    /// The file as named on the command line.
    pub file: String,
    /// Sample rate, Hz.
    pub sample_rate_hz: u32,
    /// Channel count.
    pub channels: usize,
    /// Layout the channels were weighed as (`7.1.4`, `5.1`, or the channel labels).
    pub layout: String,
    /// Whether that layout was assumed from the channel count (no `--layout`, no usable channel mask).
    pub layout_assumed: bool,
    /// Each channel's speaker, weight and true peak, in file order.
    pub channel_true_peaks: Vec<JsonChannel>,
    /// Length of the audio, seconds.
    pub duration_s: f64,
    /// Integrated (programme) loudness, LUFS.
    pub integrated_lufs: Option<f64>,
    /// Loudness range, LU.
    pub loudness_range_lu: Option<f64>,
    /// Highest momentary loudness, LUFS.
    pub momentary_max_lufs: Option<f64>,
    /// Highest short-term loudness, LUFS.
    pub short_term_max_lufs: Option<f64>,
    /// Highest true peak over all channels, dBTP.
    pub true_peak_dbtp: Option<f64>,
    /// Highest sample peak over all channels, dBFS.
    pub sample_peak_dbfs: Option<f64>,
    /// Peak-to-loudness ratio, dB.
    pub plr_db: Option<f64>,
    /// The eight platforms of `dsp_core::targets::PLATFORMS`, in order.
    pub platforms: Vec<JsonPlatform>,
}

/// `Some(x)` rounded to `decimals` places when finite, `None` for `-inf`, `+inf` and NaN.
fn finite(x: f64, decimals: i32) -> Option<f64> {
    if x.is_finite() {
        let scale = 10f64.powi(decimals);
        let rounded = (x * scale).round() / scale;
        // Avoid printing -0.0.
        Some(if rounded == 0.0 { 0.0 } else { rounded })
    } else {
        None
    }
}

/// Builds the JSON report of an analysis (values rounded to 0.001).
pub fn json_report(a: &Analysis) -> JsonReport {
    let r = &a.reading;
    let platforms = PLATFORMS
        .iter()
        .map(|p| JsonPlatform {
            name: p.name,
            target_lufs: p.target_lufs,
            ceiling_dbtp: p.effective_ceiling_dbtp(r.integrated_lufs),
            playback_gain_db: p
                .playback_gain_db(r.integrated_lufs, r.true_peak_dbtp)
                .and_then(|g| finite(g, 3)),
            true_peak_ok: p.true_peak_ok(r.integrated_lufs, r.true_peak_dbtp),
        })
        .collect();
    JsonReport {
        file: a.file.clone(),
        sample_rate_hz: a.info.sample_rate_hz,
        channels: a.info.channels,
        layout: a.layout.name(),
        layout_assumed: a.layout.assumed(),
        channel_true_peaks: (0..a.info.channels)
            .map(|ch| JsonChannel {
                channel: channel_label(&a.layout.layout, ch),
                weight: a.layout.layout.weights().get(ch).copied().unwrap_or(1.0),
                true_peak_dbtp: r
                    .channel_true_peak_dbtp
                    .get(ch)
                    .and_then(|&tp| finite(tp, 3)),
            })
            .collect(),
        duration_s: finite(a.duration_s(), 6).unwrap_or(0.0),
        integrated_lufs: finite(r.integrated_lufs, 3),
        loudness_range_lu: finite(r.loudness_range_lu, 3),
        momentary_max_lufs: finite(r.momentary_max_lufs, 3),
        short_term_max_lufs: finite(r.short_term_max_lufs, 3),
        true_peak_dbtp: finite(r.true_peak_dbtp, 3),
        sample_peak_dbfs: finite(r.sample_peak_dbfs, 3),
        plr_db: finite(r.plr_db, 3),
        platforms,
    }
}

/// Channels per line of the text report's true-peak table.
const CHANNELS_PER_ROW: usize = 4;

/// Formats a number, or `-inf`/`n/a` when undefined.
fn number(x: f64, decimals: usize) -> String {
    if x.is_finite() {
        format!("{x:.decimals$}")
    } else if x == f64::NEG_INFINITY {
        "-inf".to_string()
    } else {
        "n/a".to_string()
    }
}

/// Formats a value with its unit, or `-inf`/`n/a` when undefined.
fn value(x: f64, decimals: usize, unit: &str) -> String {
    match number(x, decimals).as_str() {
        "n/a" => "n/a".to_string(),
        n => format!("{n} {unit}"),
    }
}

/// Formats a gain with its sign, e.g. `+1.5 dB`.
fn signed_db(x: f64) -> String {
    if x.abs() < 0.05 {
        "0.0 dB".to_string()
    } else {
        format!("{x:+.1} dB")
    }
}

/// Formats seconds as `m:ss.s`.
fn clock(seconds: f64) -> String {
    let minutes = (seconds / 60.0).floor();
    format!("{}:{:04.1}", minutes as u64, seconds - minutes * 60.0)
}

/// The human-readable report: file, format, loudness, peaks and a platform table.
/// `target` is marked with `>` in the table.
pub fn text_report(a: &Analysis, target: &Platform) -> String {
    let r = &a.reading;
    let mut s = String::new();
    let _ = writeln!(s, "File        {}", a.file);
    let _ = writeln!(s, "Format      {}", a.info.describe());
    let _ = writeln!(s, "Layout      {}", a.layout.describe());
    let _ = writeln!(
        s,
        "Duration    {} ({:.3} s, {} frames)",
        clock(a.duration_s()),
        a.duration_s(),
        a.frames()
    );
    let _ = writeln!(s);
    let rows = [
        ("Integrated loudness", number(r.integrated_lufs, 1), "LUFS"),
        ("Loudness range", number(r.loudness_range_lu, 1), "LU"),
        ("Momentary max", number(r.momentary_max_lufs, 1), "LUFS"),
        ("Short-term max", number(r.short_term_max_lufs, 1), "LUFS"),
        ("True peak", number(r.true_peak_dbtp, 2), "dBTP"),
        ("Sample peak", number(r.sample_peak_dbfs, 2), "dBFS"),
        ("PLR", number(r.plr_db, 1), "dB"),
    ];
    for (label, num, unit) in rows {
        let _ = writeln!(s, "{label:<20} {num:>8} {unit}");
    }
    let _ = writeln!(s, "True peak per channel (dBTP)");
    let channels: Vec<usize> = (0..a.info.channels).collect();
    for row in channels.chunks(CHANNELS_PER_ROW) {
        let cells: Vec<String> = row
            .iter()
            .map(|&ch| {
                let tp = r.channel_true_peak_dbtp.get(ch).copied();
                format!(
                    "{:<4} {:>7}",
                    channel_label(&a.layout.layout, ch),
                    number(tp.unwrap_or(f64::NAN), 2)
                )
            })
            .collect();
        let _ = writeln!(s, "  {}", cells.join("   "));
    }
    let _ = writeln!(s);
    let _ = writeln!(
        s,
        "  {:<14} {:>10} {:>10} {:>14}  True peak",
        "Platform", "Target", "Ceiling", "Playback gain"
    );
    for p in PLATFORMS.iter() {
        let mark = if p.id == target.id { '>' } else { ' ' };
        let ceiling = p.effective_ceiling_dbtp(r.integrated_lufs);
        let gain = match p.playback_gain_db(r.integrated_lufs, r.true_peak_dbtp) {
            Some(g) if g.is_finite() => signed_db(g),
            _ => "n/a".to_string(),
        };
        let tp = if p.true_peak_ok(r.integrated_lufs, r.true_peak_dbtp) {
            "ok".to_string()
        } else {
            format!("OVER by {:.2} dB", r.true_peak_dbtp - ceiling)
        };
        let _ = writeln!(
            s,
            "{mark} {:<14} {:>10} {:>10} {:>14}  {tp}",
            p.name,
            value(p.target_lufs, 1, "LUFS"),
            value(ceiling, 1, "dBTP"),
            gain
        );
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audio_io::{AudioInfo, Codec, Container, SampleKind};
    use crate::layout::{LayoutSource, ResolvedLayout};
    use dsp_core::layout::ChannelLayout;
    use dsp_core::meter::LoudnessReading;

    fn analysis(integrated_lufs: f64, true_peak_dbtp: f64) -> Analysis {
        Analysis {
            file: "x.wav".into(),
            info: AudioInfo {
                container: Container::Wav,
                codec: Codec::Pcm,
                sample_rate_hz: 48_000,
                channels: 2,
                channel_mask: None,
                bits_per_sample: Some(24),
                sample_kind: SampleKind::Int,
                total_frames: Some(480_000),
            },
            layout: ResolvedLayout {
                layout: ChannelLayout::from_name("stereo").unwrap(),
                source: LayoutSource::FormatOrder,
            },
            reading: LoudnessReading {
                momentary_lufs: -20.0,
                short_term_lufs: -20.0,
                integrated_lufs,
                loudness_range_lu: 0.0,
                momentary_max_lufs: integrated_lufs + 3.0,
                short_term_max_lufs: integrated_lufs + 1.0,
                sample_peak_dbfs: true_peak_dbtp - 0.3,
                true_peak_dbtp,
                channel_true_peak_dbtp: [true_peak_dbtp; 16],
                plr_db: true_peak_dbtp - integrated_lufs,
                frames: 480_000,
            },
            history: Vec::new(),
        }
    }

    #[test]
    fn json_maps_undefined_to_null() {
        let inf = f64::NEG_INFINITY;
        let mut a = analysis(inf, inf);
        a.reading.plr_db = f64::NAN;
        let json = serde_json::to_value(json_report(&a)).unwrap();
        assert!(json["integrated_lufs"].is_null());
        assert!(json["true_peak_dbtp"].is_null());
        assert!(json["plr_db"].is_null());
        assert_eq!(json["duration_s"], 10.0);
        let platforms = json["platforms"].as_array().unwrap();
        assert_eq!(platforms.len(), 8);
        assert!(platforms[0]["playback_gain_db"].is_null());
        assert_eq!(platforms[0]["true_peak_ok"], true);
    }

    #[test]
    fn text_flags_peaks_over_the_ceiling() {
        let spotify = dsp_core::targets::platform_by_id("spotify").unwrap();
        let text = text_report(&analysis(-9.0, -0.5), spotify);
        // Louder than −14 LUFS: Spotify asks −2 dBTP, so −0.5 is 1.5 dB over.
        assert!(text.contains("OVER by 1.50 dB"), "{text}");
        assert!(text.contains("> Spotify"), "{text}");
        assert!(text.contains("-9.0 LUFS"), "{text}");
        let quiet = text_report(&analysis(-20.0, -5.0), spotify);
        assert!(quiet.contains("+4.0 dB"), "{quiet}");
    }
}
