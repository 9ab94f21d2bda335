//! The assistant's decisions on synthesised programmes: nothing on flat material, the stated
//! rule's move on each planted problem, moves that do what their text says, the same plan every
//! time.

mod common;

use common::{band_noise, mix, pink, sine};
use dsp_core::eq::DynamicEq;
use dsp_core::filter::eq_shape::EqShape;
use dsp_core::{ProcessSpec, Processor};
use vernis_assistant::decisions::MoveStage;
use vernis_assistant::{analyse, propose, AssistantTarget, MasteringPlan, Programme};

const FS: f64 = 48_000.0;
const TARGET: AssistantTarget = AssistantTarget {
    lufs: -14.0,
    ceiling_dbtp: -1.0,
};

fn plan(x: &[f32]) -> (Programme, MasteringPlan) {
    let p = Programme::new(vec![x.to_vec(), x.to_vec()], FS, None).unwrap();
    let plan = propose(&p, &analyse(&p), TARGET);
    (p, plan)
}

fn texts(plan: &MasteringPlan) -> String {
    plan.moves
        .iter()
        .map(|m| format!("{:?}: {} — {}\n", m.stage, m.action, m.reason))
        .collect()
}

#[test]
fn a_flat_programme_gets_no_eq_or_multiband_move() {
    let (_, plan) = plan(&pink(0.1, (20.0 * FS) as usize, 4));
    assert!(
        plan.chain.eq.is_none() && plan.chain.multiband.is_none(),
        "{}",
        texts(&plan)
    );
    assert_eq!(plan.moves.len(), 1, "{}", texts(&plan));
    assert_eq!(plan.moves[0].stage, MoveStage::Limiter);
    let limiter = plan.chain.limiter.unwrap();
    assert_eq!(limiter.ceiling_dbtp, -1.0);
}

#[test]
fn rumble_gets_a_low_cut_with_its_reason() {
    let frames = (20.0 * FS) as usize;
    let mut x = pink(0.1, frames, 3);
    mix(&mut x, &sine(0.1, 16.0, FS, frames));
    let (_, plan) = plan(&x);
    let eq = plan.chain.eq.expect("an EQ");
    let band = eq.bands[0];
    assert!(band.used && band.filter.shape == EqShape::LowCut && band.filter.frequency_hz == 30.0);
    assert!(!band.dynamics.enabled);
    let m = &plan.moves[0];
    assert!(
        m.action.starts_with("low cut at 30 Hz") && m.reason.contains("rumble"),
        "{m:?}"
    );
}

#[test]
fn sibilance_gets_a_dynamic_cut_that_tames_it() {
    let frames = (20.0 * FS) as usize;
    let mut x = pink(0.1, frames, 11);
    let burst = band_noise(0.2, 5_500.0, 8_500.0, FS, (0.15 * FS) as usize);
    for second in 0..20 {
        mix(&mut x[(second as f64 * FS + 0.3 * FS) as usize..], &burst);
    }
    let (p, plan) = plan(&x);
    let eq = plan.chain.eq.expect("an EQ");
    let band = eq.bands.iter().find(|b| b.used).unwrap();
    assert_eq!(band.filter.frequency_hz, 7_000.0, "{}", texts(&plan));
    let d = band.dynamics;
    assert!(d.enabled && d.ratio == 3.0 && d.range_db < 0.0 && d.range_db >= -6.0);
    assert!(d.threshold_db < 0.0 && d.threshold_db > -60.0, "{d:?}");
    let m = plan
        .moves
        .iter()
        .find(|m| m.stage == MoveStage::Eq)
        .unwrap();
    assert!(
        m.action.starts_with("cut 7.0 kHz by up to") && m.reason.contains("sibilance"),
        "{m:?}"
    );
    // Played through the proposed EQ, the bursts stand out less.
    let mut processed = p.channels().to_vec();
    let mut eq_processor = DynamicEq::new();
    eq_processor.set_settings(eq);
    eq_processor.prepare(&ProcessSpec::new(FS, 512, 2));
    let (l, r) = processed.split_at_mut(1);
    for (a, b) in l[0].chunks_mut(512).zip(r[0].chunks_mut(512)) {
        eq_processor.process(&mut [a, b]);
    }
    // Played through the proposed EQ, the bursts (the loud sections) lose level around 7 kHz
    // and keep it at 1 kHz.
    let tonal = |p: &Programme| analyse(p).tonal_balance;
    let (before, after) = (
        tonal(&p),
        tonal(&Programme::new(processed, FS, None).unwrap()),
    );
    let at = |t: &vernis_assistant::analysis::TonalBalance, hz: f64| {
        let k = t.centres_hz.iter().position(|&c| c >= hz).unwrap();
        t.mid_db[k]
    };
    let (cut, kept) = (
        at(&before, 7_000.0) - at(&after, 7_000.0),
        at(&before, 1_000.0) - at(&after, 1_000.0),
    );
    eprintln!("loud sections: 7 kHz down {cut:.1} dB, 1 kHz {kept:.2} dB");
    assert!(cut > 2.0 && kept.abs() < 0.3, "{cut} {kept}");
}

#[test]
fn a_band_that_swells_gets_gentle_control_and_steady_ones_do_not() {
    // Pink noise with a bass line that swells by 12 dB every other 2 s.
    let frames = (20.0 * FS) as usize;
    let mut x = pink(0.05, frames, 21);
    let bass = sine(0.2, 70.0, FS, frames);
    for (i, (v, b)) in x.iter_mut().zip(&bass).enumerate() {
        let loud = (i / (2 * FS as usize)).is_multiple_of(2);
        *v += if loud { *b } else { 0.25 * *b };
    }
    let (_, plan) = plan(&x);
    let mb = plan.chain.multiband.expect("a multiband");
    assert_eq!(mb.band[0].ratio, 1.5, "{}", texts(&plan));
    for band in &mb.band[1..mb.bands] {
        assert_eq!(band.ratio, 1.0, "{}", texts(&plan));
    }
    let m = plan
        .moves
        .iter()
        .find(|m| m.stage == MoveStage::Multiband)
        .unwrap();
    assert!(
        m.action.starts_with("band 1 (below 120 Hz): 1.5:1 above"),
        "{m:?}"
    );
}

#[test]
fn the_limiter_style_follows_the_material_and_the_plan_is_reproducible() {
    let frames = (20.0 * FS) as usize;
    let mut bassy = sine(0.5, 55.0, FS, frames);
    mix(&mut bassy, &pink(0.02, frames, 5));
    let (_, plan_a) = plan(&bassy);
    let limiter = plan_a.chain.limiter.unwrap();
    assert_eq!(limiter.style, dsp_core::dynamics::LimiterStyle::Transparent);
    assert!(
        plan_a.moves.last().unwrap().reason.contains("below 120 Hz"),
        "{}",
        texts(&plan_a)
    );
    // Clicks on quiet noise: peaks far above the loudness, little bass.
    let mut clicky = pink(0.01, frames, 6);
    for k in 0..80 {
        let at = k * frames / 80;
        for (j, v) in clicky[at..at + 200].iter_mut().enumerate() {
            *v += 0.9 * (-(j as f32) / 30.0).exp() * if j % 2 == 0 { 1.0 } else { -1.0 };
        }
    }
    let (_, plan_b) = plan(&clicky);
    let style = plan_b.chain.limiter.unwrap().style;
    assert_eq!(
        style,
        dsp_core::dynamics::LimiterStyle::Punchy,
        "{}",
        texts(&plan_b)
    );
    assert_eq!(plan(&bassy).1, plan_a);
}
