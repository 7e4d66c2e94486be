//! The change report of `cargo xtask codegen`: the spec as committed (`HEAD`, or `--base
//! REV`) against the working tree's, compared as models (see
//! `enkash_rewards_generator::changes`). It prints the report and the semver bump, and
//! writes a CHANGELOG entry and the JSON report under `target/change-report/` for the
//! maintainer to edit and paste: nothing is committed or changed in the sources.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use enkash_rewards_generator::changes::{self, ChangeReport};
use enkash_rewards_generator::model;

/// Where the CHANGELOG entry and the JSON report are written (git-ignored).
pub const OUT_DIR: &str = "target/change-report";

pub struct Written {
    pub report: ChangeReport,
    pub text: String,
    pub entry: PathBuf,
    pub json: PathBuf,
}

/// Compares `spec` as of git revision `base` with its current text. `Ok(None)` when the
/// spec is not in git at `base` (a new file, or outside the repository).
pub fn report(root: &Path, spec: &Path, base: &str) -> Result<Option<Written>, String> {
    let relative = spec
        .strip_prefix(root)
        .map_err(|_| format!("{} is outside the repository", spec.display()))?;
    let output = Command::new("git")
        .arg("show")
        .arg(format!("{base}:{}", relative.display()))
        .current_dir(root)
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if !output.status.success() {
        return Ok(None);
    }
    let before = String::from_utf8(output.stdout)
        .map_err(|_| format!("{base}:{} is not UTF-8", relative.display()))?;
    let after =
        fs::read_to_string(spec).map_err(|e| format!("cannot read {}: {e}", spec.display()))?;
    let base_model = model(&before).map_err(|d| {
        format!("the spec at {base} does not lower, so there is nothing to compare: {d}")
    })?;
    let head_model = model(&after).map_err(|d| d.to_string())?;
    let report = changes::compare(&base_model, &head_model);

    let version = crate_version(root)?;
    let (_, next) = report.bump(&version);
    let text = report.render(&version);
    let dir = root.join(OUT_DIR);
    fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let entry = dir.join("CHANGELOG-entry.md");
    let json = dir.join("report.json");
    fs::write(&entry, report.changelog_entry(&next, &today()))
        .map_err(|e| format!("cannot write {}: {e}", entry.display()))?;
    let json_text = serde_json::to_string_pretty(&report.to_json(&version)).unwrap_or_default();
    fs::write(&json, json_text).map_err(|e| format!("cannot write {}: {e}", json.display()))?;
    Ok(Some(Written {
        report,
        text,
        entry,
        json,
    }))
}

/// The published crate's version, from `generated-client/Cargo.toml`.
fn crate_version(root: &Path) -> Result<String, String> {
    let manifest = fs::read_to_string(root.join("generated-client/Cargo.toml"))
        .map_err(|e| format!("cannot read generated-client/Cargo.toml: {e}"))?;
    manifest
        .lines()
        .find_map(|l| {
            let value = l.strip_prefix("version")?.trim_start().strip_prefix('=')?;
            Some(value.trim().trim_matches('"').to_owned())
        })
        .ok_or_else(|| "generated-client/Cargo.toml has no version".to_owned())
}

/// Today's date (UTC) as `YYYY-MM-DD`, for the CHANGELOG entry's heading.
fn today() -> String {
    let days = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() / 86_400)
        .unwrap_or(0) as i64;
    // Howard Hinnant's civil-from-days algorithm.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}
