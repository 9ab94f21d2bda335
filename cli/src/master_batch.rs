//! `vernis master FILE… --out-dir DIR [--targets …] [--jobs N] [--json-lines]`: many files, each
//! mastered on its own (one master per file, or its platform versions) on worker threads, the
//! results reported in the order given. A file that fails is reported and the others still run.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use dsp_core::targets::Platform;
use serde_json::json;

use crate::batch::{default_jobs, run_ordered};
use crate::master::{
    master_file, master_report, master_summary, rounded, MasterError, MasterOptions, MasterOutcome,
};
use crate::versions::{self, stem_of, Version};
use crate::{emit, guarded, report_error, target_platform, warn, MasterArgs};

/// What one file gave.
enum Done {
    /// One master and its report.
    Master(Box<MasterOutcome>, PathBuf, PathBuf),
    /// Its platform versions.
    Versions(Vec<Version>),
}

/// Masters one file into `dir`.
fn master_one(
    input: &Path,
    args: &MasterArgs,
    platforms: &[&'static Platform],
    opts: &MasterOptions,
    dir: &Path,
    progress: bool,
) -> Result<Done, String> {
    let why = |e: MasterError| match e {
        MasterError::Input(r) | MasterError::Output(r) => r,
        MasterError::Reference(r) => format!("--reference: {r}"),
    };
    if !platforms.is_empty() {
        return versions::master_versions(
            input,
            platforms,
            args.ceiling,
            dir,
            opts,
            args.preview,
            progress,
        )
        .map(Done::Versions)
        .map_err(why);
    }
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: cannot create: {e}", dir.display()))?;
    let stem = stem_of(input);
    let output = dir.join(format!("{stem}.wav"));
    let report_path = dir.join(format!("{stem}.json"));
    let outcome = master_file(
        input,
        &input.display().to_string(),
        &output,
        &output.display().to_string(),
        opts,
        progress,
    )
    .map_err(why)?;
    let json = serde_json::to_string_pretty(&master_report(&outcome, None))
        .map_err(|e| format!("cannot encode JSON: {e}"))?;
    std::fs::write(&report_path, json + "\n")
        .map_err(|e| format!("{}: cannot write: {e}", report_path.display()))?;
    Ok(Done::Master(Box::new(outcome), output, report_path))
}

/// Runs the batch; the exit status is 1 when a file failed, 2 for a usage error.
pub fn cmd_master_batch(args: &MasterArgs, opts: &MasterOptions, dir: &Path) -> ExitCode {
    // Two inputs with one stem would write the same files.
    let mut stems: BTreeMap<String, &PathBuf> = BTreeMap::new();
    for f in &args.files {
        if let Some(first) = stems.insert(stem_of(f), f) {
            report_error(
                "--out-dir",
                &format!(
                    "{} and {} would both be written as {}",
                    first.display(),
                    f.display(),
                    stem_of(f)
                ),
            );
            return ExitCode::from(2);
        }
    }
    let platforms: Vec<&'static Platform> =
        args.targets.iter().map(|id| target_platform(id)).collect();
    let jobs = args.jobs.map_or_else(default_jobs, usize::from);
    let progress = !args.json_lines
        && std::io::IsTerminal::is_terminal(&std::io::stdout())
        && (args.files.len() == 1 || jobs == 1);
    let mut failed = false;
    let mut first = true;
    let work =
        |input: &PathBuf| guarded(|| master_one(input, args, &platforms, opts, dir, progress));
    run_ordered(&args.files, jobs, work, |i, result| {
        let input = &args.files[i];
        let name = input.display().to_string();
        let text = match result {
            Err(reason) => {
                report_error(&name, &reason);
                failed = true;
                if !args.json_lines {
                    return true;
                }
                format!("{}\n", json!({ "file": name, "error": reason }))
            }
            Ok(done) => {
                let warnings: Vec<String> = match &done {
                    Done::Master(m, _, _) => m.warnings.clone(),
                    Done::Versions(v) => v
                        .iter()
                        .flat_map(|v| {
                            v.outcome
                                .warnings
                                .iter()
                                .map(|w| format!("{}: {w}", v.platform.name))
                        })
                        .collect(),
                };
                for w in &warnings {
                    warn(&format!("{name}: {w}"));
                }
                let summary_path = match &done {
                    Done::Versions(v) => {
                        match versions::write_summary_json(v, &platforms, dir, &stem_of(input)) {
                            Ok(p) => Some(p),
                            Err((p, reason)) => {
                                report_error(&p.display().to_string(), &reason);
                                failed = true;
                                None
                            }
                        }
                    }
                    Done::Master(..) => None,
                };
                if args.json_lines {
                    let line = match &done {
                        Done::Master(m, output, report) => json!({
                            "file": name,
                            "output": output.display().to_string(),
                            "report": report.display().to_string(),
                            "integrated_lufs": rounded(m.output.reading.integrated_lufs, 3),
                            "true_peak_dbtp": rounded(m.output.reading.true_peak_dbtp, 3),
                            "within_tolerance": m.within_tolerance,
                            "warnings": m.warnings,
                        }),
                        Done::Versions(v) => json!({
                            "file": name,
                            "versions": versions::rows(v, &platforms),
                        }),
                    };
                    format!("{line}\n")
                } else {
                    let mut text = if first { String::new() } else { "\n".into() };
                    match &done {
                        Done::Master(m, _, report) => {
                            text.push_str(&master_summary(m));
                            text.push_str(&format!("Report      {}\n", report.display()));
                        }
                        Done::Versions(v) => {
                            text.push_str(&versions::summary(input, v, &platforms));
                        }
                    }
                    if let Some(p) = summary_path {
                        text.push_str(&format!("\nSummary     {}\n", p.display()));
                    }
                    text
                }
            }
        };
        first = false;
        if emit(&text) {
            true
        } else {
            failed = true;
            false
        }
    });
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
