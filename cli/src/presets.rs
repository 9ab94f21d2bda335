//! The chain as preset files: one `.vstpreset` per plugin (`vernis master --presets DIR`, the
//! demo).

use std::path::{Path, PathBuf};

use dsp_core::chain::ChainSettings;

/// Writes the chain's presets into `dir` (`dynamic-eq.vstpreset`, `multiband.vstpreset`,
/// `limiter.vstpreset` for the stages in the chain); the files written, or a one-line reason.
pub fn write_presets(dir: &Path, chain: &ChainSettings) -> Result<Vec<PathBuf>, String> {
    let presets = vernis_presets::chain::chain_presets(chain).map_err(|e| e.to_string())?;
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create directory: {e}"))?;
    let mut files = Vec::new();
    for (info, preset) in presets {
        let slug = info.clap_id.rsplit('.').next().unwrap_or(info.name);
        let path = dir.join(format!("{slug}.vstpreset"));
        preset.write(&path).map_err(|e| e.to_string())?;
        files.push(path);
    }
    Ok(files)
}
