//! Digital vs analogue magnitude of one band: `cargo run --release -p dsp-core --example eq_curve --
//! shape fs f0 gain q [slope_index]` (shape as in eq_misses).

use dsp_core::filter::analog_prototype::AnalogPrototype;
use dsp_core::filter::eq_design::design;
use dsp_core::filter::eq_shape::*;

fn main() {
    let a: Vec<String> = std::env::args().collect();
    let shape = match a[1].as_str() {
        "bell" => EqShape::Bell,
        "ls" => EqShape::LowShelf,
        "hs" => EqShape::HighShelf,
        "lc" => EqShape::LowCut,
        "hc" => EqShape::HighCut,
        "notch" => EqShape::Notch,
        "bp" => EqShape::BandPass,
        _ => EqShape::TiltShelf,
    };
    let p = |i: usize| a[i].parse::<f64>().unwrap();
    let fs = p(2);
    let s = EqShapeSettings {
        shape,
        frequency_hz: p(3),
        gain_db: p(4),
        q: p(5),
        slope: CutSlope::ALL[a.get(6).map(|x| x.parse().unwrap()).unwrap_or(1)],
    };
    let c = design(&s, fs);
    for sec in c.sections() {
        println!("{:?}", sec.biquad);
    }
    let proto = AnalogPrototype::new(&s, fs);
    for i in 0..=40 {
        let f = 20.0 * (0.5 * fs / 20.0f64).powf(i as f64 / 40.0);
        let (r, d) = (proto.magnitude_db(f), c.magnitude_db(f, fs));
        println!("{f:9.1} {r:9.3} {d:9.3} {:8.3}", d - r);
    }
}
