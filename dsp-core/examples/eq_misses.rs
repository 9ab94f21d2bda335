//! Lists the settings whose worst |digital − analogue| magnitude exceeds a bound, on a fine grid:
//! `cargo run --release -p dsp-core --example eq_misses -- bell|ls|hs|lc|hc|tilt|notch|bp [fs_hz]
//! [bound_db]`. Cuts, notch and band pass are measured where the prototype is above −30 dB.

use dsp_core::filter::analog_prototype::AnalogPrototype;
use dsp_core::filter::eq_design::design;
use dsp_core::filter::eq_shape::*;

fn logspace(a: f64, b: f64, n: usize) -> Vec<f64> {
    (0..n)
        .map(|i| a * (b / a).powf(i as f64 / (n - 1) as f64))
        .collect()
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let shape = match args.get(1).map(String::as_str).unwrap_or("ls") {
        "bell" => EqShape::Bell,
        "ls" => EqShape::LowShelf,
        "hs" => EqShape::HighShelf,
        "lc" => EqShape::LowCut,
        "hc" => EqShape::HighCut,
        "notch" => EqShape::Notch,
        "bp" => EqShape::BandPass,
        _ => EqShape::TiltShelf,
    };
    let fs: f64 = args.get(2).map(|s| s.parse().unwrap()).unwrap_or(44_100.0);
    let bound: f64 = args.get(3).map(|s| s.parse().unwrap()).unwrap_or(0.1);
    let top = if fs < 45_000.0 {
        20_000.0f64.min(0.4536 * fs)
    } else {
        0.45 * fs
    };
    let evals = logspace(20.0, top, 300);
    let gains: Vec<f64> = if shape.uses_gain() {
        (-12..=12)
            .filter(|&g| g != 0)
            .map(|g| g as f64 * 2.5)
            .collect()
    } else {
        vec![0.0]
    };
    let slopes: &[CutSlope] = if shape.is_cut() {
        &CutSlope::ALL
    } else {
        &[CutSlope::Db12]
    };
    let (mut worst, mut misses, mut total) = (0.0f64, 0usize, 0usize);
    for &slope in slopes {
        for f0 in logspace(20.0, 18_000f64.min(0.4082 * fs), 60) {
            for &g in &gains {
                for q in logspace(0.025, 40.0, 25) {
                    let s = EqShapeSettings {
                        shape,
                        frequency_hz: f0,
                        gain_db: g,
                        q,
                        slope,
                    };
                    let c = design(&s, fs);
                    let p = AnalogPrototype::new(&s, fs);
                    let (mut w, mut at) = (0.0f64, 0.0);
                    for &f in &evals {
                        let r = p.magnitude_db(f);
                        if !shape.uses_gain() && r < -30.0 {
                            continue;
                        }
                        let e = (c.magnitude_db(f, fs) - r).abs();
                        if e > w || e.is_nan() {
                            (w, at) = (e, f);
                        }
                    }
                    total += 1;
                    worst = worst.max(w);
                    if w > bound || w.is_nan() {
                        misses += 1;
                        println!(
                            "f0 {f0:8.1} g {g:6.1} q {q:7.3} slope {:3.0}: {w:.3} dB at {at:.0} Hz ({} sections)",
                            slope.db_per_octave(),
                            c.sections().len()
                        );
                    }
                }
            }
        }
    }
    println!("{misses} of {total} above {bound} dB; worst {worst:.3} dB");
}
