//! `cargo xtask`: nice-plug's bundler plus the project tasks `demo` and `test`.

use std::process::Command;

use anyhow::{bail, Context, Result};

/// Every plugin package of the suite, bundled by `demo` and `test`.
const PLUGIN_PACKAGES: &[&str] = &["loudness-meter", "limiter", "multiband", "dynamic-eq"];

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("demo") => demo(),
        Some("test") => test(),
        Some("bundle-all") => bundle_all(&args[1..]),
        _ => nice_plug_xtask::main_with_args("cargo xtask", args),
    }
}

fn run(program: &str, args: &[&str]) -> Result<()> {
    eprintln!("==> {program} {}", args.join(" "));
    let status = Command::new(program)
        .args(args)
        .status()
        .with_context(|| format!("could not start {program}"))?;
    if !status.success() {
        bail!("`{program} {}` failed ({status})", args.join(" "));
    }
    Ok(())
}

fn bundle_all(extra: &[String]) -> Result<()> {
    let mut args = vec!["bundle".to_string()];
    for package in PLUGIN_PACKAGES {
        args.push("-p".to_string());
        args.push(package.to_string());
    }
    args.extend(extra.iter().cloned());
    eprintln!("==> cargo xtask {}", args.join(" "));
    nice_plug_xtask::main_with_args("cargo xtask", args)
}

/// Builds release bundles and renders the demo programme through the chain into `target/demo/`.
fn demo() -> Result<()> {
    nice_plug_xtask::chdir_workspace_root()?;
    bundle_all(&["--release".to_string()])?;
    run(
        "cargo",
        &[
            "run",
            "--quiet",
            "--release",
            "-p",
            "vernis-cli",
            "--",
            "demo",
            "target/demo",
        ],
    )?;
    println!("\nPlugin bundles: target/bundled/ (see README for installing them)");
    println!("Demo files:     target/demo/");
    Ok(())
}

/// Everything CI checks: formatting, clippy, debug bundles with the allocation check, all tests,
/// and the VST3 bundles in a second host (pedalboard).
fn test() -> Result<()> {
    nice_plug_xtask::chdir_workspace_root()?;
    run("cargo", &["fmt", "--all", "--", "--check"])?;
    run(
        "cargo",
        &[
            "clippy",
            "--workspace",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ],
    )?;
    // Debug-assertion bundles: nice-plug's `assert_process_allocs` aborts on any allocation in process().
    bundle_all(&[])?;
    run("cargo", &["test", "--workspace", "--no-fail-fast"])?;
    vst3_host_check()
}

/// The second host: every `.vst3` bundle in pedalboard (JUCE's VST3 hosting), see
/// `tests/vst3/pedalboard_host.py`, then a `.vstpreset` made by vernis-presets loaded into the
/// limiter there (`tests/vst3/pedalboard_preset.py`), then the three presets `vernis master
/// --presets` writes played in series there against the CLI's master
/// (`tests/vst3/pedalboard_handover.py`). Uses `VERNIS_VST3_HOST_PYTHON` when set (`.ci/run` sets it),
/// else creates the venv itself with `tests/vst3/venv.sh`.
fn vst3_host_check() -> Result<()> {
    let python = match std::env::var("VERNIS_VST3_HOST_PYTHON") {
        Ok(python) if !python.is_empty() => python,
        _ => {
            eprintln!("==> tests/vst3/venv.sh");
            let out = Command::new("bash")
                .arg("tests/vst3/venv.sh")
                .output()
                .context("could not start tests/vst3/venv.sh")?;
            if !out.status.success() {
                bail!(
                    "tests/vst3/venv.sh failed ({}): {}",
                    out.status,
                    String::from_utf8_lossy(&out.stderr)
                );
            }
            String::from_utf8(out.stdout)
                .context("venv path is not UTF-8")?
                .trim()
                .to_string()
        }
    };
    let target = std::env::var("CARGO_TARGET_DIR").unwrap_or_else(|_| "target".to_string());
    let bundled = format!("{target}/bundled");
    run(&python, &["tests/vst3/pedalboard_host.py", &bundled])?;
    run(&python, &["tests/vst3/pedalboard_preset.py", &bundled])?;
    run(&python, &["tests/vst3/pedalboard_handover.py", &bundled])
}
