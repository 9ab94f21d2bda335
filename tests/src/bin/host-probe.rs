//! `host-probe <scenario> <clap id or package>`: runs one allocation-guard scenario of
//! [`host_tests::alloc_guard`] in its own process, so that nice-plug's abort on an allocation in
//! `process()` kills only this process. Prints [`host_tests::alloc_guard::COMPLETED_MARKER`] and
//! exits 0 when the scenario completes; exits 2 on a harness error.

use std::process::ExitCode;

use host_tests::alloc_guard::{run_scenario, COMPLETED_MARKER, SCENARIOS};
use host_tests::cases::find_case;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [scenario, name] = args.as_slice() else {
        eprintln!("usage: host-probe <scenario> <clap id or package>; scenarios: {SCENARIOS:?}");
        return ExitCode::from(2);
    };
    let Some(case) = find_case(name) else {
        eprintln!("host-probe: no plugin case `{name}` in host_tests::cases::PLUGIN_CASES");
        return ExitCode::from(2);
    };
    match run_scenario(scenario, case) {
        Ok(summary) => {
            println!("{COMPLETED_MARKER}: {summary}");
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("host-probe: {scenario} on {}: {err}", case.clap_id);
            ExitCode::from(2)
        }
    }
}
