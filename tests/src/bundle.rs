//! Locating the built `.clap` bundles.
//!
//! `cargo xtask bundle <package>` writes `<target dir>/bundled/<Display Name>.clap`, where the
//! target dir is what `cargo metadata` reports (so it honours `CARGO_TARGET_DIR` and
//! `build.target-dir`). On Linux the `.clap` bundle is a single shared library file.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use crate::cases::PluginCase;
use crate::error::{HarnessError, Result};

/// Environment variable that overrides the bundle directory (the folder holding `*.clap`).
pub const BUNDLE_DIR_ENV: &str = "VERNIS_BUNDLE_DIR";

/// The workspace root, known at compile time (the parent of this package's folder).
pub fn workspace_root() -> PathBuf {
    let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest_dir
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| manifest_dir.to_path_buf())
}

/// Candidate target directories, most trustworthy first.
///
/// 1. the nearest ancestor of the running executable holding cargo's `CACHEDIR.TAG` (test and
///    helper binaries live in `<target>/debug/deps` or `<target>/<triple>/debug`, so this is the
///    target dir cargo actually used, whatever configured it);
/// 2. `CARGO_TARGET_DIR` (a relative value is taken relative to the workspace root);
/// 3. `<workspace root>/target`.
pub fn target_dir_candidates() -> Vec<PathBuf> {
    let mut candidates = Vec::new();
    if let Ok(exe) = std::env::current_exe() {
        if let Some(dir) = exe
            .ancestors()
            .skip(1)
            .find(|dir| dir.join("CACHEDIR.TAG").is_file())
        {
            candidates.push(dir.to_path_buf());
        }
    }
    if let Some(dir) = std::env::var_os("CARGO_TARGET_DIR") {
        let dir = PathBuf::from(dir);
        let dir = if dir.is_absolute() {
            dir
        } else {
            workspace_root().join(dir)
        };
        candidates.push(dir);
    }
    candidates.push(workspace_root().join("target"));
    candidates.dedup();
    candidates
}

/// Candidate `bundled/` directories: [`BUNDLE_DIR_ENV`] if set, else `<target>/bundled` for every
/// entry of [`target_dir_candidates`].
pub fn bundle_dir_candidates() -> Vec<PathBuf> {
    if let Some(dir) = std::env::var_os(BUNDLE_DIR_ENV) {
        return vec![PathBuf::from(dir)];
    }
    target_dir_candidates()
        .into_iter()
        .map(|dir| dir.join("bundled"))
        .collect()
}

/// Path of a case's `.clap` bundle, or an error that tells how to build it.
pub fn bundle_path(case: &PluginCase) -> Result<PathBuf> {
    let file_name = format!("{}.clap", case.bundle_name);
    let candidates = bundle_dir_candidates();
    for dir in &candidates {
        let path = dir.join(&file_name);
        if path.is_file() {
            warn_if_stale(&path, case);
            return Ok(path);
        }
    }
    let searched: Vec<String> = candidates
        .iter()
        .map(|dir| format!("  {}", dir.join(&file_name).display()))
        .collect();
    Err(HarnessError::new(format!(
        "bundle `{file_name}` for package `{}` not found; build it first with\n\n    cargo xtask bundle {}\n\n\
         (a debug bundle, so nice-plug's allocation assertion is live). Searched:\n{}",
        case.package,
        case.package,
        searched.join("\n")
    )))
}

/// Prints a warning when a source file of the plugin package is newer than its bundle: the
/// tests would then check yesterday's plugin.
fn warn_if_stale(bundle: &Path, case: &PluginCase) {
    static WARNED: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());
    let Ok(mut warned) = WARNED.lock() else {
        return;
    };
    if warned.iter().any(|p| p == bundle) {
        return;
    }
    warned.push(bundle.to_path_buf());
    let Ok(bundle_time) = bundle.metadata().and_then(|m| m.modified()) else {
        return;
    };
    let package_src = workspace_root()
        .join("plugins")
        .join(case.package)
        .join("src");
    if let Some(newest) = newest_mtime(&package_src) {
        if newest > bundle_time {
            eprintln!(
                "warning: {} is older than the sources in {}; rerun `cargo xtask bundle {}`",
                bundle.display(),
                package_src.display(),
                case.package
            );
        }
    }
}

fn newest_mtime(dir: &Path) -> Option<std::time::SystemTime> {
    let mut newest = None;
    for entry in std::fs::read_dir(dir).ok()?.flatten() {
        let path = entry.path();
        let time = if path.is_dir() {
            newest_mtime(&path)
        } else {
            entry.metadata().and_then(|m| m.modified()).ok()
        };
        if let Some(time) = time {
            newest = Some(newest.map_or(time, |n: std::time::SystemTime| n.max(time)));
        }
    }
    newest
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cases::LatencyExpectation;

    #[test]
    fn missing_bundle_error_says_how_to_build_it() {
        let case = PluginCase {
            package: "no-such-plugin",
            bundle_name: "No Such Plugin",
            clap_id: "audio.vernis.none",
            latency: LatencyExpectation::Zero,
            passthrough: true,
            param_names: &[],
            latency_changing_param: None,
            impulse_settings: &[],
        };
        let err = bundle_path(&case).unwrap_err();
        assert!(
            err.message().contains("cargo xtask bundle no-such-plugin"),
            "{err}"
        );
        assert!(err.message().contains("No Such Plugin.clap"), "{err}");
    }

    #[test]
    fn target_dir_is_found_from_the_running_binary() {
        let candidates = target_dir_candidates();
        assert!(
            candidates[0].join("CACHEDIR.TAG").is_file(),
            "first candidate {candidates:?} is not a cargo target dir"
        );
    }
}
