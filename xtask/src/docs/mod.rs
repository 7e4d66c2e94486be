//! `cargo xtask docs check|import`: EnKash's doc pages read and held against the spec.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

pub mod compare;
pub mod curation;
pub mod import;
pub mod page;
pub mod spec;
#[cfg(test)]
mod tests;

use compare::{Class, Finding};

/// Where the pages the spec is curated from are kept, one file per page.
pub const PAGES: &str = "spec/pages";

pub const USAGE: &str = "usage: cargo xtask docs check [--json] [--spec PATH] [PAGE...]
       cargo xtask docs import [--spec PATH] PAGE

  docs check       hold each page (default: every spec/pages/*.txt) against the spec and print
                   every difference at its place, classed drift, curated (with the reason),
                   cosmetic or cannot_tell; exit 1 if there is drift or a page cannot be read
  docs import      for a page whose operation is not in the spec, print a spec fragment (path
                   item and component schemas, YAML) to paste and curate
  --json           one JSON object per finding and line: page, operation, field, pointer, kind,
                   class, docs, spec, reason
  --spec PATH      another spec (relative to the workspace root)

  XTASK_DOCS_DEBUG=1 prints each page as the reader understood it (to stderr).";

pub fn main(root: &Path, args: &[&str]) -> ExitCode {
    let mut json = false;
    let mut spec_path = root.join(crate::codegen::SPEC);
    let mut pages: Vec<PathBuf> = Vec::new();
    let Some((&task, rest)) = args.split_first() else {
        println!("{USAGE}");
        return ExitCode::from(2);
    };
    let mut rest = rest.iter();
    while let Some(&arg) = rest.next() {
        match arg {
            "--json" => json = true,
            "--spec" => match rest.next() {
                Some(p) => spec_path = root.join(p),
                None => return usage("--spec needs a path"),
            },
            "-h" | "--help" => {
                println!("{USAGE}");
                return ExitCode::SUCCESS;
            }
            a if a.starts_with("--") => return usage(&format!("unknown option `{a}`")),
            page => pages.push(PathBuf::from(page)),
        }
    }
    let spec = match std::fs::read_to_string(&spec_path)
        .map_err(|e| format!("cannot read {}: {e}", spec_path.display()))
        .and_then(|t| spec::Spec::parse(&t))
    {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    match task {
        "check" => {
            if pages.is_empty() {
                match default_pages(root) {
                    Ok(p) => pages = p,
                    Err(e) => {
                        eprintln!("{e}");
                        return ExitCode::FAILURE;
                    }
                }
            }
            let curation_path = spec_path.with_file_name("CURATION.md");
            let curation = match std::fs::read_to_string(&curation_path)
                .map_err(|e| format!("cannot read {}: {e}", curation_path.display()))
                .and_then(|t| curation::Curation::parse(&t))
            {
                Ok(c) => c,
                Err(e) => {
                    eprintln!("{e}");
                    return ExitCode::FAILURE;
                }
            };
            check(root, &pages, &spec, &curation, json)
        }
        "import" => {
            let [page] = pages.as_slice() else {
                return usage("docs import takes one PAGE");
            };
            import_one(page, &spec)
        }
        other => usage(&format!("unknown docs task `{other}`")),
    }
}

fn usage(message: &str) -> ExitCode {
    eprintln!("{message}\n\n{USAGE}");
    ExitCode::from(2)
}

fn default_pages(root: &Path) -> Result<Vec<PathBuf>, String> {
    let dir = root.join(PAGES);
    let mut pages: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map_err(|e| format!("cannot read {}: {e}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    pages.sort();
    Ok(pages)
}

fn check(
    root: &Path,
    pages: &[PathBuf],
    spec: &spec::Spec,
    curation: &curation::Curation,
    json: bool,
) -> ExitCode {
    let mut findings: Vec<Finding> = Vec::new();
    let mut unreadable = 0;
    for path in pages {
        let shown = path
            .strip_prefix(root)
            .unwrap_or(path)
            .display()
            .to_string();
        let page = std::fs::read(path)
            .map_err(|e| format!("cannot read it: {e}"))
            .and_then(|bytes| page::read(&bytes).map_err(|e| e.to_string()));
        match page {
            Ok(page) => {
                if std::env::var_os("XTASK_DOCS_DEBUG").is_some() {
                    eprintln!("{page:#?}");
                }
                let (operation, found) = compare::check(&shown, &page, spec, curation);
                if !json {
                    print_page(&shown, &page, operation.as_deref(), &found);
                }
                findings.extend(found);
            }
            Err(e) => {
                unreadable += 1;
                eprintln!("{shown}: {e}");
            }
        }
    }
    let count = |c: Class| findings.iter().filter(|f| f.class == c).count();
    let drift = count(Class::Drift);
    if json {
        for f in &findings {
            println!("{}", to_json(f));
        }
    } else {
        println!(
            "{} page(s): {drift} drift, {} curated, {} cosmetic, {} cannot tell{}",
            pages.len(),
            count(Class::Curated),
            count(Class::Cosmetic),
            count(Class::CannotTell),
            if unreadable > 0 {
                format!(", {unreadable} unreadable")
            } else {
                String::new()
            }
        );
    }
    if drift > 0 || unreadable > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

fn print_page(shown: &str, page: &page::Page, operation: Option<&str>, findings: &[Finding]) {
    let what = match (&page.method, &page.path) {
        (Some(m), Some(p)) => format!("{m} {p}"),
        _ => "guide".to_owned(),
    };
    let op = operation.map(|o| format!(" ({o})")).unwrap_or_default();
    let title = page.title.as_deref().unwrap_or("(untitled)");
    println!(
        "{shown}: \"{title}\", {what}{op}: {} finding(s)",
        findings.len()
    );
    for f in findings {
        let at = f
            .pointer
            .as_deref()
            .map(|p| format!(" at {p}"))
            .unwrap_or_default();
        println!("  {:<11} {} ({}){at}", f.class.as_str(), f.field, f.kind);
        if f.docs.is_some() || f.spec.is_some() {
            println!(
                "              docs: {}  |  spec: {}",
                f.docs.as_deref().unwrap_or("(nothing)"),
                f.spec.as_deref().unwrap_or("(nothing)")
            );
        }
        if let Some(r) = &f.reason {
            println!(
                "              {}: {r}",
                if f.class == Class::CannotTell {
                    "why"
                } else {
                    "because"
                }
            );
        }
    }
}

pub fn to_json(f: &Finding) -> String {
    let s = |v: &Option<String>| {
        v.as_ref()
            .map_or(serde_json::Value::Null, |v| v.clone().into())
    };
    // Members in the documented order (serde_json's map would sort them).
    let members = [
        ("page", serde_json::Value::from(f.page.clone())),
        ("operation", s(&f.operation)),
        ("field", f.field.clone().into()),
        ("pointer", s(&f.pointer)),
        ("kind", f.kind.into()),
        ("class", f.class.as_str().into()),
        ("docs", s(&f.docs)),
        ("spec", s(&f.spec)),
        ("reason", s(&f.reason)),
    ];
    let body: Vec<String> = members
        .iter()
        .map(|(k, v)| format!("\"{k}\":{}", serde_json::to_string(v).unwrap_or_default()))
        .collect();
    format!("{{{}}}", body.join(","))
}

fn import_one(path: &Path, spec: &spec::Spec) -> ExitCode {
    let page = match std::fs::read(path)
        .map_err(|e| format!("cannot read it: {e}"))
        .and_then(|b| page::read(&b).map_err(|e| e.to_string()))
    {
        Ok(p) => p,
        Err(e) => {
            eprintln!("{}: {e}", path.display());
            return ExitCode::FAILURE;
        }
    };
    match import::fragment(&page, spec) {
        Ok(yaml) => {
            print!("{yaml}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{}: {e}", path.display());
            ExitCode::FAILURE
        }
    }
}
