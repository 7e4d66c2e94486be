//! The enkash-rewards code generator: an OpenAPI 3.0 description in, the Rust sources of
//! a typed client out.
//!
//! The pipeline is four plain steps:
//! 1. [`load`] parses YAML or JSON into `openapiv3` types;
//! 2. [`lower`] resolves `$ref`s and turns the spec into the [`model`](mod@model): schemas
//!    (`lower::schemas`), operations (`lower::operations`), the token endpoint ([`token`])
//!    and the analysis passes that need every type (`lower::passes`), naming everything
//!    with [`naming`] (the one place identifiers are made) and reporting every unsupported
//!    construct as a [`diagnostics`] entry at its JSON pointer;
//! 3. [`emit_types`], [`emit_ops`], [`emit_testing`], [`emit_mod`] and [`emit_index`] write
//!    the model as Rust tokens, one file each, listed once in `emit_files`'s table;
//! 4. [`emit`] formats them with `prettyplease` behind a do-not-edit header.
//!
//! Besides `types.rs`, `operations.rs`, `testing.rs` (the `testing` feature's operation
//! catalogue) and `mod.rs`, the output has `schema_index.rs` for the tests crate (the type
//! at every schema position, for checking examples), never published
//! ([`generate_partial_client`] leaves it out). Generated
//! code relies on the client runtime's `request.rs` (the request seam) and
//! `serde_helpers.rs` (exact decimals in containers, optional nullable fields), which are
//! hand-written because they do not depend on the spec.
//!
//! Output depends only on the spec text: no clocks, no hash-map iteration order, no
//! environment, so the same spec gives byte-identical files everywhere.

pub mod changes;
pub mod diagnostics;
pub mod emit;
pub mod emit_index;
pub mod emit_mod;
pub mod emit_ops;
pub mod emit_testing;
pub mod emit_types;
pub mod load;
pub mod lower;
pub mod model;
pub mod naming;
pub mod resolve;
pub mod token;

pub use diagnostics::{Diagnostic, Diagnostics, Kind};

/// Which crate a generated file belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Destination {
    /// The published client: `generated-client/src/generated/`.
    Client,
    /// Test support, never published: `tests/src/generated/`.
    Tests,
}

/// One generated file, with its path relative to its destination's `generated/` folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedFile {
    pub destination: Destination,
    pub path: &'static str,
    pub contents: String,
}

/// Parses and lowers `spec_text` into the API model; any problem is an error, what the
/// reader would tolerate included.
pub fn model(spec_text: &str) -> Result<model::Api, Diagnostics> {
    let (spec, tolerated) = load::parse(spec_text)?;
    if !tolerated.is_empty() {
        return Err(tolerated);
    }
    lower::lower(&spec)
}

/// Generates every file of `src/generated/` from a spec's text; any problem is an error
/// (`--strict`).
pub fn generate(spec_text: &str) -> Result<Vec<GeneratedFile>, Diagnostics> {
    emit_files(&model(spec_text)?, ALL)
}

/// What [`generate_partial`] produced: the files, and what it left out.
#[derive(Debug, Clone)]
pub struct Partial {
    pub files: Vec<GeneratedFile>,
    pub skipped: lower::partial::Skipped,
    pub operations: usize,
}

/// Generates what the spec can express: an operation or type with a problem is left out,
/// with a warning at its pointer, and the rest is generated. `Err` only for problems that
/// leave nothing sensible to generate (unreadable document, broken `servers`).
pub fn generate_partial(spec_text: &str) -> Result<Partial, Diagnostics> {
    partial(spec_text, ALL)
}

/// [`generate_partial`] for the client's files alone ([`Destination::Client`]), without the
/// tests crate's: what a client built from the spec needs.
pub fn generate_partial_client(spec_text: &str) -> Result<Partial, Diagnostics> {
    partial(spec_text, &[Destination::Client])
}

fn partial(spec_text: &str, destinations: &[Destination]) -> Result<Partial, Diagnostics> {
    let (spec, tolerated) = load::parse(spec_text)?;
    let (api, mut skipped) = lower::lower_with(&spec, true)?;
    // What the reader tolerated is told, not left out: it generates.
    tolerated.iter().for_each(|d| {
        skipped
            .warnings
            .push(d.kind, d.pointer.clone(), d.message.clone())
    });
    Ok(Partial {
        files: emit_files(&api, destinations)?,
        skipped,
        operations: api.operations.len(),
    })
}

/// Both destinations: the client's files and the tests crate's.
const ALL: &[Destination] = &[Destination::Client, Destination::Tests];

/// What a panic in emission said (an internal invariant that did not hold), for the
/// internal problem that reports it.
fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    let said = panic
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| panic.downcast_ref::<&str>().copied())
        .unwrap_or("no message");
    format!("emission stopped: {said}")
}

/// What emits a file: code alone, or pieces (code, and text already formatted).
#[derive(Clone, Copy)]
enum Emit {
    Code(fn(&model::Api) -> proc_macro2::TokenStream),
    Pieces(fn(&model::Api) -> Vec<emit::Piece<'_>>),
}

impl Emit {
    fn pieces(self, api: &model::Api) -> Vec<emit::Piece<'_>> {
        match self {
            Emit::Code(make) => vec![emit::Piece::Code(make(api))],
            Emit::Pieces(make) => make(api),
        }
    }
}

/// Every output file: where it goes, its name, what emits it, and whether it is large
/// enough for the workers to share.
const FILES: [(Destination, &str, Emit, bool); 5] = {
    use Destination::{Client, Tests};
    [
        (Client, "mod.rs", Emit::Code(emit_mod::mod_file), false),
        (
            Client,
            "types.rs",
            Emit::Pieces(emit_types::types_file),
            true,
        ),
        (
            Client,
            "operations.rs",
            Emit::Pieces(emit_ops::operations_file),
            true,
        ),
        (
            Client,
            "testing.rs",
            Emit::Code(emit_testing::testing_file),
            false,
        ),
        (
            Tests,
            "schema_index.rs",
            Emit::Code(emit_index::schema_index_file),
            false,
        ),
    ]
};

/// How many workers generation uses: one per core this process may use. Asked once per
/// process, since the answer reads the cgroup files anew each time (about 20 µs, a
/// hundredth of a small spec's generation).
fn workers() -> usize {
    static WORKERS: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    *WORKERS.get_or_init(|| std::thread::available_parallelism().map_or(1, usize::from))
}

/// Every file, emitted and formatted by one worker per core: formatting is most of
/// generation's time, and the files share nothing but the (read-only) model.
///
/// The work is cut into passes, largest file first: each large file gets a pass per worker
/// (tokens cannot cross threads, so each pass makes the code the file's items share), and
/// the passes on a file claim its items, operations and types one at a time from a
/// counter they share, so a worker that drew cheap ones takes more; each small file is
/// one pass. Each worker takes the next pass nobody has taken. The output depends neither
/// on which worker finishes first nor on how many there are: every item keeps its place.
fn emit_files(
    api: &model::Api,
    destinations: &[Destination],
) -> Result<Vec<GeneratedFile>, Diagnostics> {
    use emit::Share;
    use std::sync::Mutex;
    use std::sync::atomic::{AtomicUsize, Ordering};
    let files = FILES;
    // Largest first: types, operations, the schema index, testing, mod.
    const LARGEST_FIRST: [usize; 5] = [1, 2, 4, 3, 0];
    let wanted = |i: usize| destinations.contains(&files[i].0);
    let workers = workers();
    let claims: Vec<AtomicUsize> = files.iter().map(|_| AtomicUsize::new(0)).collect();
    let units: Vec<(usize, Share)> = LARGEST_FIRST
        .into_iter()
        .filter(|&i| wanted(i))
        .flat_map(|i| {
            let (passes, share) = if files[i].3 {
                (workers, Share::Claimed(&claims[i]))
            } else {
                (1, Share::Whole)
            };
            std::iter::repeat_n((i, share), passes)
        })
        .collect();
    let header = &emit::header(api);
    let taken = AtomicUsize::new(0);
    type Formatted = Result<Vec<(emit::Place, String)>, String>;
    let results: Vec<Mutex<Option<Formatted>>> = units.iter().map(|_| Mutex::new(None)).collect();
    let worker = || {
        loop {
            let unit = taken.fetch_add(1, Ordering::Relaxed);
            let Some(&(i, share)) = units.get(unit) else {
                break;
            };
            let pieces = || files[i].2.pieces(api);
            let result = std::panic::catch_unwind(|| emit::format_pieces(pieces(), share))
                .unwrap_or_else(|panic| Err(panic_message(panic.as_ref())));
            *results[unit].lock().unwrap_or_else(|e| e.into_inner()) = Some(result);
        }
    };
    std::thread::scope(|scope| {
        for _ in 1..workers.min(units.len()) {
            scope.spawn(worker);
        }
        worker();
    });
    let mut formatted: Vec<Option<Formatted>> = files.iter().map(|_| None).collect();
    for (&(i, _), slot) in units.iter().zip(results) {
        let result = slot
            .into_inner()
            .unwrap_or_else(|e| e.into_inner())
            .unwrap_or_else(|| Err("not emitted".to_owned()));
        let items = formatted[i].get_or_insert_with(|| Ok(Vec::new()));
        match (items, result) {
            (Ok(items), Ok(more)) => items.extend(more),
            (items @ Ok(_), Err(e)) => *items = Err(e),
            (Err(_), _) => {}
        }
    }
    let mut out = Vec::new();
    let mut problems = Diagnostics::default();
    for (i, ((destination, path, _, _), items)) in files.into_iter().zip(formatted).enumerate() {
        match items.filter(|_| wanted(i)) {
            None => {}
            Some(Ok(items)) => out.push(GeneratedFile {
                destination,
                path,
                contents: emit::assemble(header, items),
            }),
            Some(Err(e)) => problems.push(
                Kind::Internal,
                "#",
                format!("{path}: {e} (a generator bug: please report it with the spec)"),
            ),
        }
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(problems)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A name in the model that is not an identifier (a generator bug) is reported as an
    /// internal problem naming it, never renamed into code that disagrees with the model.
    #[test]
    fn an_illegal_name_in_the_model_is_an_internal_problem_not_a_rename() {
        let spec = "openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    Pet: {type: object, properties: {name: {type: string}}}\n";
        let mut api = model(spec).expect("valid");
        api.types[0].name = "Pet Shop".to_owned();
        let problems = emit_files(&api, ALL).expect_err("not emitted");
        let text = problems.to_string();
        assert!(
            text.contains("`Pet Shop` is not a Rust identifier"),
            "{text}"
        );
        assert!(text.contains("types.rs"), "{text}");
    }

    /// The client's files alone are exactly the client's files of a full generation.
    #[test]
    fn the_client_alone_is_the_full_output_without_the_tests_files() {
        let spec = include_str!("../../spec/enkash-rewards.yaml");
        let all = generate_partial(spec).expect("our spec generates").files;
        let client = generate_partial_client(spec)
            .expect("our spec generates")
            .files;
        assert!(all.iter().any(|f| f.destination == Destination::Tests));
        let expected: Vec<_> = all
            .into_iter()
            .filter(|f| f.destination == Destination::Client)
            .collect();
        assert_eq!(client, expected);
    }
}
