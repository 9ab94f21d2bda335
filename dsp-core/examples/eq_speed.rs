//! Design cost (ns per coefficient set) and per-sample cost of the EQ shapes.
//! Run: `cargo run --release -p dsp-core --example eq_speed`.

use std::hint::black_box;
use std::time::Instant;

use dsp_core::filter::eq_design::design;
use dsp_core::filter::eq_section::EqFilter;
use dsp_core::filter::eq_shape::{CutSlope, EqShape, EqShapeSettings};

fn main() {
    let fs = 48_000.0;
    println!("shape        slope  sections  design_ns  ns/sample");
    for shape in EqShape::ALL {
        let slopes: &[CutSlope] = if shape.is_cut() {
            &[CutSlope::Db12, CutSlope::Db48, CutSlope::Db96]
        } else {
            &[CutSlope::Db12]
        };
        for &slope in slopes {
            // Sweep frequency, gain and Q so every branch of the design is exercised.
            let n = 20_000;
            let settings: Vec<EqShapeSettings> = (0..n)
                .map(|i| {
                    let t = i as f64 / n as f64;
                    EqShapeSettings {
                        shape,
                        frequency_hz: 20.0 * 900f64.powf(t),
                        gain_db: -30.0 + 60.0 * ((i * 7919) % n) as f64 / n as f64 + 0.01,
                        q: 0.1 * 100f64.powf(((i * 104_729) % n) as f64 / n as f64),
                        slope,
                    }
                })
                .collect();
            let t0 = Instant::now();
            let mut sections = 0usize;
            for s in &settings {
                sections += black_box(design(black_box(s), fs)).sections().len();
            }
            let design_ns = t0.elapsed().as_nanos() as f64 / n as f64;
            let c = design(&settings[n / 2], fs);
            let mut f = EqFilter::new(&c);
            let source: Vec<f32> = (0..512u32)
                .map(|i| (i.wrapping_mul(2_654_435_761) >> 8) as f32 / 16_777_216.0 - 0.5)
                .collect();
            let mut block = source.clone();
            let reps = 4_000;
            let t1 = Instant::now();
            for _ in 0..reps {
                // Fresh noise every block: in-place re-filtering would decay into subnormals.
                block.copy_from_slice(&source);
                f.process(black_box(&mut block));
            }
            let per_sample = t1.elapsed().as_nanos() as f64 / (reps * 512) as f64;
            println!(
                "{:<12} {:>5} {:>9.2} {:>10.0} {:>10.2}",
                format!("{shape:?}"),
                slope.db_per_octave(),
                sections as f64 / n as f64,
                design_ns,
                per_sample
            );
        }
    }
}
