//! Saving and loading plugin state as a DAW does with projects and presets.

#[macro_use]
mod common;

use common::{check_output, for_each_case, instance_with_random_params, values_match};
use host_tests::signal;
use host_tests::{AudioConfig, PluginHost};

/// save → load into a fresh instance → save again gives identical bytes and identical parameter
/// values; loading the default state back restores the defaults exactly.
#[test]
fn state_round_trip_is_byte_identical() {
    for_each_case(|case| {
        let mut a = instance_with_random_params(case, 5)?;
        let params = a.params()?;
        let saved = a.save_state()?;
        ensure!(!saved.is_empty(), "saved state is empty");
        let values_a = a.param_values()?;

        let mut b = PluginHost::for_case(case)?;
        let defaults = b.save_state()?;
        let default_values = b.param_values()?;
        ensure!(
            values_a != default_values,
            "random parameter values did not change anything (events ignored?)"
        );
        let rescans_before = b.notifications().params_rescanned;
        b.load_state(&saved)?;
        let rescans = b.notifications().params_rescanned - rescans_before;
        ensure!(
            rescans > 0,
            "after a state load the plugin did not ask the host to rescan parameter values"
        );
        let resaved = b.save_state()?;
        ensure!(
            resaved == saved,
            "state changed in a round trip: {} bytes saved, {} bytes after load+save\n saved:   {}\n resaved: {}",
            saved.len(),
            resaved.len(),
            String::from_utf8_lossy(&saved),
            String::from_utf8_lossy(&resaved)
        );
        values_match(&params, &values_a, &b.param_values()?)
            .map_err(|e| format!("values after load differ: {e}"))?;

        // Loading the defaults back undoes everything.
        b.load_state(&defaults)?;
        values_match(&params, &default_values, &b.param_values()?)
            .map_err(|e| format!("values after loading the default state: {e}"))?;
        ensure!(
            b.save_state()? == defaults,
            "default state does not round-trip"
        );

        // The reloaded instance processes like the original.
        b.activate(AudioConfig::new(48_000.0, 512))?;
        let channels = b.port_layout()?.main_input_channels();
        let input = signal::noise(channels, 9600, 0.5, 6);
        let output = b.process_signal(&input, &[512], &[])?;
        check_output(case, &input, &output, "after state load")?;
        Ok(())
    });
}

/// A preset loaded while the plugin is active (a DAW switching presets during playback) takes
/// effect, and processing continues cleanly.
#[test]
fn state_load_while_active() {
    for_each_case(|case| {
        let mut source = instance_with_random_params(case, 17)?;
        let preset = source.save_state()?;
        let preset_values = source.param_values()?;
        let params = source.params()?;

        let mut host = PluginHost::for_case(case)?;
        host.activate(AudioConfig::new(44_100.0, 256))?;
        let channels = host.port_layout()?.main_input_channels();
        let input = signal::noise(channels, 8820, 0.5, 18);
        let sizes = signal::random_block_sizes(8820, 256, 18);
        let output = host.process_signal(&input, &sizes, &[])?;
        check_output(case, &input, &output, "before preset load")?;
        host.load_state(&preset)?;
        let output = host.process_signal(&input, &sizes, &[])?;
        check_output(case, &input, &output, "after preset load")?;
        values_match(&params, &preset_values, &host.param_values()?)
            .map_err(|e| format!("values after loading while active: {e}"))?;
        ensure!(
            host.save_state()? == preset,
            "state saved after an active load differs"
        );
        Ok(())
    });
}

/// Empty, truncated and garbage state is refused without a crash: a fresh instance keeps its
/// defaults; an instance with settings keeps them when `load` returns an error (a load that
/// claims success may only fall back to the defaults); the instance keeps processing.
#[test]
fn bad_state_is_rejected_without_crash() {
    for_each_case(|case| {
        let mut source = instance_with_random_params(case, 23)?;
        let good = source.save_state()?;
        drop(source);

        let mut rng_bytes = Vec::new();
        {
            use rand::Rng;
            let mut rng = signal::rng(24);
            rng_bytes.extend((0..4096).map(|_| rng.gen::<u8>()));
        }
        let mut huge_length = (u64::MAX / 2).to_le_bytes().to_vec();
        huge_length.extend_from_slice(b"{}");
        // The whole valid JSON, but a length prefix that covers only half of it.
        let body = &good[8.min(good.len())..];
        let mut short_length = ((body.len() / 2) as u64).to_le_bytes().to_vec();
        short_length.extend_from_slice(body);
        let mut not_json = 16u64.to_le_bytes().to_vec();
        not_json.extend_from_slice(b"this is not JSON");
        let mut wrong_json = 18u64.to_le_bytes().to_vec();
        wrong_json.extend_from_slice(b"[1, 2, 3, \"four\"]");
        let bad: Vec<(&str, Vec<u8>)> = vec![
            ("empty", Vec::new()),
            ("one byte", vec![0x42]),
            ("seven bytes", vec![0; 7]),
            ("4 KiB random", rng_bytes),
            ("truncated to half", good[..good.len() / 2].to_vec()),
            ("length prefix only", good[..8.min(good.len())].to_vec()),
            ("huge length prefix", huge_length),
            ("length prefix shorter than the JSON", short_length),
            ("not JSON", not_json),
            ("JSON of the wrong shape", wrong_json),
        ];

        // A fresh instance keeps its defaults.
        let mut fresh = PluginHost::for_case(case)?;
        let params = fresh.params()?;
        let defaults = fresh.save_state()?;
        let default_values = fresh.param_values()?;
        let mut accepted = Vec::new();
        for (what, bytes) in &bad {
            if fresh.load_state(bytes).is_ok() {
                accepted.push(*what);
            }
            values_match(&params, &default_values, &fresh.param_values()?).map_err(|e| {
                format!("loading {what} state into a fresh instance changed a parameter: {e}")
            })?;
            ensure!(
                fresh.save_state()? == defaults,
                "loading {what} state into a fresh instance changed its saved state"
            );
        }
        drop(fresh);

        // An instance with settings: a refused load (error) must change nothing; a load that
        // claims success may only have fallen back to the defaults.
        let mut host = PluginHost::for_case(case)?;
        host.load_state(&good)?;
        let good_values = host.param_values()?;
        for (what, bytes) in &bad {
            let result = host.load_state(bytes);
            let values = host.param_values()?;
            let state = host.save_state()?;
            let unchanged = values_match(&params, &good_values, &values).is_ok() && state == good;
            let at_defaults =
                values_match(&params, &default_values, &values).is_ok() && state == defaults;
            match result {
                Err(_) => ensure!(
                    unchanged,
                    "load of {what} state failed but changed the instance: {}",
                    values_match(&params, &good_values, &values)
                        .err()
                        .unwrap_or_default()
                ),
                Ok(()) => {
                    ensure!(
                        unchanged || at_defaults,
                        "load of {what} state claimed success and left a mixed state: {}",
                        String::from_utf8_lossy(&state)
                    );
                    if !accepted.contains(what) {
                        accepted.push(*what);
                    }
                    host.load_state(&good)?;
                }
            }
        }
        if !accepted.is_empty() {
            eprintln!("   note: load() returned success for bad state: {accepted:?}");
        }
        host.activate(AudioConfig::new(48_000.0, 512))?;
        let channels = host.port_layout()?.main_input_channels();
        let input = signal::noise(channels, 4800, 0.5, 25);
        let output = host.process_signal(&input, &[100], &[])?;
        check_output(case, &input, &output, "after bad state loads")?;
        Ok(())
    });
}
