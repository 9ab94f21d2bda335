use dsp_core::filter::analog_prototype::AnalogPrototype;
use dsp_core::filter::eq_design::design;
use dsp_core::filter::eq_shape::*;

fn logspace(a: f64, b: f64, n: usize) -> Vec<f64> {
    (0..n).map(|i| a * (b / a).powf(i as f64 / (n - 1) as f64)).collect()
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let fs: f64 = args.get(1).map(|s| s.parse().unwrap()).unwrap_or(44100.0);
    let f_hi = if fs < 45000.0 { 20000.0f64.min(0.4536 * fs) } else { 0.45 * fs };
    let f0_hi = 18000.0f64.min(0.4082 * fs);
    let evals = logspace(20.0, f_hi, 300);
    let f0s = logspace(20.0, f0_hi, 40);
    let qs = logspace(0.025, 40.0, 25);
    let gains: Vec<f64> = (-12..=12).filter(|&g| g != 0).map(|g| g as f64 * 2.5).collect();
    for shape in EqShape::ALL {
        let mut worst = (0.0f64, 0.0, 0.0, 0.0, 0.0, CutSlope::Db12);
        let slopes: Vec<CutSlope> = if shape.is_cut() { CutSlope::ALL.to_vec() } else { vec![CutSlope::Db12] };
        let gl: Vec<f64> = if shape.uses_gain() { gains.clone() } else { vec![0.0] };
        for &slope in &slopes { for &f0 in &f0s { for &g in &gl { for &q in &qs {
            let s = EqShapeSettings { shape, frequency_hz: f0, gain_db: g, q, slope };
            let c = design(&s, fs);
            let p = AnalogPrototype::new(&s, fs);
            for &f in &evals {
                let pa = p.magnitude_db(f);
                if pa < -30.0 { continue; }
                let e = (c.magnitude_db(f, fs) - pa).abs();
                if !(e <= worst.0) { worst = (e, f0, g, q, f, slope); }
            }
        }}}}
        println!("{:?} fs={} worst {:.4} dB at f0={:.0} g={} q={:.3} f={:.0} slope={:?}", shape, fs, worst.0, worst.1, worst.2, worst.3, worst.4, worst.5);
    }
}
