//! Worst |digital − analogue| magnitude per (f0, Q) for one shape: `cargo run --release -p dsp-core
//! --example eq_error_map -- bell|ls|hs|lc|hc|tilt [fs_hz] [gain_db] [slope_index]`.

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
    let shape = match args[1].as_str() {
        "bell" => EqShape::Bell,
        "ls" => EqShape::LowShelf,
        "hs" => EqShape::HighShelf,
        "lc" => EqShape::LowCut,
        "hc" => EqShape::HighCut,
        _ => EqShape::TiltShelf,
    };
    let fs: f64 = args.get(2).map(|s| s.parse().unwrap()).unwrap_or(44100.0);
    let g: f64 = args.get(3).map(|s| s.parse().unwrap()).unwrap_or(30.0);
    let slope = CutSlope::ALL[args.get(4).map(|s| s.parse().unwrap()).unwrap_or(1)];
    let f_hi = if fs < 45000.0 {
        20000.0f64.min(0.4536 * fs)
    } else {
        0.45 * fs
    };
    let evals = logspace(20.0, f_hi, 400);
    let f0s = logspace(20.0, 18000f64.min(0.4082 * fs), 12);
    let qs = logspace(0.025, 40.0, 13);
    print!("f0\\q    ");
    for q in &qs {
        print!("{:7.3}", q);
    }
    println!();
    for &f0 in &f0s {
        print!("{:7.0} ", f0);
        for &q in &qs {
            let s = EqShapeSettings {
                shape,
                frequency_hz: f0,
                gain_db: g,
                q,
                slope,
            };
            let c = design(&s, fs);
            let p = AnalogPrototype::new(&s, fs);
            let mut w = 0.0f64;
            for &f in &evals {
                let pa = p.magnitude_db(f);
                if pa < -30.0 {
                    continue;
                }
                let e = (c.magnitude_db(f, fs) - pa).abs();
                if e > w || e.is_nan() {
                    w = e;
                }
            }
            print!("{:7.3}", w);
        }
        println!();
    }
}
