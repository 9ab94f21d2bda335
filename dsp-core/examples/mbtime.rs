use dsp_core::dynamics::band_dynamics::BandDynamics;
use dsp_core::dynamics::{BandSettings, MultibandCompressor, MultibandSettings};
use dsp_core::filter::crossover::BandSplitter;
use dsp_core::filter::{CrossoverMode, CrossoverSettings};
use dsp_core::{ProcessSpec, Processor};
use std::time::Instant;
fn main() {
    let fs = 48000.0;
    let n = 48000 * 5;
    let x: Vec<f32> = (0..n).map(|i| (i as f32 * 0.01).sin() * 0.5).collect();
    let mut sp = BandSplitter::new();
    sp.prepare(fs, 256, 2);
    sp.set_settings(CrossoverSettings::default());
    sp.reset();
    let t = Instant::now();
    for c in x.chunks(256) {
        sp.split(&[c, c]);
    }
    let e = t.elapsed().as_secs_f64();
    println!("split 4 bands MP: {:.0}x", 5.0 / e);
    let mut bd = BandDynamics::new();
    bd.prepare(fs, 256);
    bd.set_settings(
        &BandSettings {
            ratio: 4.0,
            threshold_db: -40.0,
            ..Default::default()
        },
        120.0,
    );
    bd.reset();
    let mut g = vec![0.0f32; 256];
    let mag: Vec<f32> = x.iter().map(|v| v.abs()).collect();
    let t = Instant::now();
    for c in mag.chunks(256) {
        bd.process(c, c, &mut g[..c.len()]);
    }
    let e = t.elapsed().as_secs_f64();
    println!("band dynamics x1: {:.0}x", 5.0 / e);
    for mode in CrossoverMode::ALL {
        let mut s = MultibandSettings {
            mode,
            ..Default::default()
        };
        for b in &mut s.band {
            b.ratio = 4.0;
            b.threshold_db = -40.0;
        }
        let mut mb = MultibandCompressor::new();
        mb.set_settings(s);
        mb.prepare(&ProcessSpec::new(fs, 512, 2));
        let (mut l, mut r) = (x.clone(), x.clone());
        let t = Instant::now();
        for (a, b) in l.chunks_mut(512).zip(r.chunks_mut(512)) {
            mb.process(&mut [a, b]);
        }
        let e = t.elapsed().as_secs_f64();
        println!("multiband {mode:?}: {:.0}x", 5.0 / e);
    }
}
