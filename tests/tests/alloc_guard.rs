//! nice-plug's `assert_process_allocs` aborts the process on an allocation inside `process()`, so
//! these tests run their scenarios in a child process (the `host-probe` binary) and judge its
//! exit status. See `host_tests::alloc_guard`.

#[macro_use]
mod common;

use std::os::unix::process::ExitStatusExt;
use std::path::Path;
use std::process::Output;

use common::for_each_case;
use host_tests::alloc_guard::{run_in_child, COMPLETED_MARKER};
use host_tests::bundle::bundle_path;

const PROBE: &str = env!("CARGO_BIN_EXE_host-probe");

fn describe(output: &Output) -> String {
    let stderr = String::from_utf8_lossy(&output.stderr);
    let tail: Vec<&str> = stderr.lines().rev().take(15).collect();
    let tail: Vec<&str> = tail.into_iter().rev().collect();
    format!(
        "exit status {:?}, signal {:?}\n--- stdout ---\n{}--- stderr (last lines) ---\n{}",
        output.status.code(),
        output.status.signal(),
        String::from_utf8_lossy(&output.stdout),
        tail.join("\n")
    )
}

/// The DAW-like workload (random blocks at two rates, automation, transport, reset, NaN/Inf/
/// denormal input, preset loads while active) runs to completion under the allocation guard.
#[test]
fn process_does_not_allocate_under_daw_workload() {
    for_each_case(|case| {
        bundle_path(case)?;
        let output = run_in_child(Path::new(PROBE), "realtime-stress", case)?;
        let stdout = String::from_utf8_lossy(&output.stdout);
        if output.status.signal() == Some(libc_sigabrt()) {
            return Err(format!(
                "the plugin ALLOCATED inside process(): the allocation guard aborted the host \
                 (SIGABRT)\n{}",
                describe(&output)
            )
            .into());
        }
        ensure!(
            output.status.success() && stdout.contains(COMPLETED_MARKER),
            "realtime-stress scenario failed: {}",
            describe(&output)
        );
        eprintln!("   {}", stdout.trim());
        Ok(())
    });
}

/// Just over an hour of audio at 44.1 kHz (hour-long histories fill and wrap) runs to completion
/// under the allocation guard, with correct output throughout.
#[test]
fn hour_of_audio_does_not_allocate() {
    for_each_case(|case| {
        bundle_path(case)?;
        let started = std::time::Instant::now();
        let output = run_in_child(Path::new(PROBE), "long-run", case)?;
        let stdout = String::from_utf8_lossy(&output.stdout);
        if output.status.signal() == Some(libc_sigabrt()) {
            return Err(format!(
                "the plugin ALLOCATED inside process() during the hour-long run (SIGABRT)\n{}",
                describe(&output)
            )
            .into());
        }
        ensure!(
            output.status.success() && stdout.contains(COMPLETED_MARKER),
            "long-run scenario failed: {}",
            describe(&output)
        );
        eprintln!("   {} ({:.1?})", stdout.trim(), started.elapsed());
        Ok(())
    });
}

/// Control case: the bundle really has the guard. The host makes the plugin run allocating code
/// inside `process()` (a re-entrant `value_to_text` call from the input-event callback); a debug
/// bundle with `assert_process_allocs` must abort with SIGABRT and nice-plug's message.
#[test]
fn allocation_guard_is_live_in_bundle() {
    for_each_case(|case| {
        bundle_path(case)?;
        let output = run_in_child(Path::new(PROBE), "allocation-trap", case)?;
        let stderr = String::from_utf8_lossy(&output.stderr);
        ensure!(
            !output.status.success(),
            "the plugin allocated inside process() and survived: the bundle has no live \
             allocation guard. Rebuild a debug bundle with `cargo xtask bundle {}` (no --release; \
             nice-plug needs the `assert_process_allocs` feature and debug assertions).\n{}",
            case.package,
            describe(&output)
        );
        ensure!(
            output.status.signal() == Some(libc_sigabrt())
                && stderr.contains("memory allocation of"),
            "expected an abort (SIGABRT) with \"memory allocation of N bytes failed\"; got {}",
            describe(&output)
        );
        Ok(())
    });
}

/// SIGABRT on Linux and macOS.
fn libc_sigabrt() -> i32 {
    6
}
