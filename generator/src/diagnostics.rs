//! Located problems in a spec. The generator collects every problem it finds and
//! reports them together, each at its JSON pointer, so a maintainer fixes a broken spec in
//! one pass instead of one error per run.

use std::fmt;

/// What kind of problem a diagnostic reports. The kind decides the fix hint, so hints are
/// written once, in [`Kind::hint`], not at every call site.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// The document cannot be read: YAML or JSON syntax, not OpenAPI 3.0, a wrong shape.
    Syntax,
    /// A `$ref` that points at nothing, outside the document, or around in a cycle.
    Reference,
    /// Valid OpenAPI this generator does not support (yet).
    Unsupported,
    /// The spec contradicts itself or OpenAPI (an enum value against its type, a path
    /// placeholder without its parameter, a `required` name that is not a property…).
    Invalid,
    /// One of this generator's `x-…` extensions is malformed or names something absent.
    Extension,
    /// The generator produced Rust that does not parse: a bug in the generator.
    Internal,
}

impl Kind {
    /// What to do about a problem of this kind.
    pub fn hint(self) -> &'static str {
        match self {
            Kind::Syntax => {
                "fix the document at the place shown; it must be OpenAPI 3.0.x in YAML or JSON"
            }
            Kind::Reference => {
                "point the `$ref` at a schema, parameter, body or response under `#/components` of the same document, and put an object, array or map in any cycle"
            }
            Kind::Unsupported => {
                "rewrite the construct in a form the generator supports (the message says which), or leave it out"
            }
            Kind::Invalid => {
                "make the spec agree with itself and with OpenAPI 3.0 at the place shown"
            }
            Kind::Extension => {
                "fix the `x-…` extension as its message says; it must name things that exist in the spec"
            }
            Kind::Internal => "this is a generator bug: report it with the spec that triggers it",
        }
    }
}

/// One problem, located by a JSON pointer into the spec (RFC 6901, with a leading `#`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub kind: Kind,
    pub pointer: String,
    pub message: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.pointer, self.message)
    }
}

/// Every problem found in a spec; generation produces nothing while any is present.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    /// Records a problem of `kind` at `pointer`, once: the same problem at the same place
    /// (a path-level parameter every operation of the path inherits, say) is listed once.
    pub fn push(&mut self, kind: Kind, pointer: impl Into<String>, message: impl Into<String>) {
        let diagnostic = Diagnostic {
            kind,
            pointer: pointer.into(),
            message: message.into(),
        };
        if !self.0.contains(&diagnostic) {
            self.0.push(diagnostic);
        }
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter()
    }
}

/// The one rendering of diagnostics: every problem at its pointer, then one hint for each
/// kind of problem found.
impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.0.len();
        writeln!(
            f,
            "the spec has {n} problem{}:",
            if n == 1 { "" } else { "s" }
        )?;
        for d in &self.0 {
            writeln!(f, "  {d}")?;
        }
        let kinds: std::collections::BTreeSet<Kind> = self.0.iter().map(|d| d.kind).collect();
        if !kinds.is_empty() {
            writeln!(f, "how to fix:")?;
            for kind in kinds {
                writeln!(f, "  {kind:?}: {}", kind.hint())?;
            }
        }
        Ok(())
    }
}

impl std::error::Error for Diagnostics {}

/// A JSON pointer under construction: `Pointer::root().key("paths").key("/pets")`
/// renders as `#/paths/~1pets`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Pointer(String);

impl Pointer {
    pub fn root() -> Self {
        Pointer("#".to_owned())
    }

    /// Parses a local `$ref` target such as `#/components/schemas/Pet`.
    pub fn from_ref(reference: &str) -> Option<Self> {
        reference
            .starts_with("#/")
            .then(|| Pointer(reference.to_owned()))
    }

    pub fn key(&self, segment: impl fmt::Display) -> Self {
        let escaped = segment.to_string().replace('~', "~0").replace('/', "~1");
        Pointer(format!("{}/{}", self.0, escaped))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The unescaped segments after `#`.
    pub fn segments(&self) -> Vec<String> {
        self.0
            .trim_start_matches('#')
            .split('/')
            .skip(1)
            .map(|s| s.replace("~1", "/").replace("~0", "~"))
            .collect()
    }
}

impl fmt::Display for Pointer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn problems_are_listed_then_one_hint_per_kind() {
        let mut diags = Diagnostics::default();
        diags.push(
            Kind::Unsupported,
            "#/a",
            "cookie parameters are not supported",
        );
        diags.push(Kind::Reference, "#/b", "`#/x` points at nothing");
        diags.push(Kind::Unsupported, "#/c", "`not` schemas are not supported");
        diags.push(
            Kind::Unsupported,
            "#/a",
            "cookie parameters are not supported",
        );
        let text = diags.to_string();
        assert!(
            text.starts_with("the spec has 3 problems:\n  #/a: cookie parameters"),
            "{text}"
        );
        assert_eq!(
            text.matches("Unsupported: ").count(),
            1,
            "one hint per kind: {text}"
        );
        assert!(text.contains("Reference: point the `$ref`"), "{text}");
    }

    #[test]
    fn each_problem_carries_its_kind() {
        let spec = "openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths:\n  /a:\n    get:\n      parameters:\n        - {name: c, in: cookie, schema: {type: string}}\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {$ref: '#/components/schemas/Missing'}\n";
        let diags = crate::model(spec).expect_err("two problems");
        let kinds: Vec<Kind> = diags.iter().map(|d| d.kind).collect();
        assert!(kinds.contains(&Kind::Unsupported), "{diags}");
        assert!(kinds.contains(&Kind::Reference), "{diags}");
    }
}
