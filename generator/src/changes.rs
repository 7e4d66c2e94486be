//! What a spec change does to consumers: two models compared, every difference classed for
//! users of the Rust crate (breaking, behaviour change, compatible) and for the wire (does
//! a client built from the old spec still work against a server that follows the new?),
//! the semver bump that implies, and a CHANGELOG entry.
//!
//! The classes follow from what the generator emits, which is why they live here and not
//! in a generic OpenAPI differ: a type no caller builds (`built_by_callers` false: only
//! decoded, or a body built from a builder's setters) is `#[non_exhaustive]` so a new field
//! is compatible, while a type callers build takes a struct literal, so any new field breaks
//! them; enums are `#[non_exhaustive]` with an `Unknown`
//! variant, unions are not; a required input is a typestate slot, so adding one breaks every
//! call site; a retry class is behaviour even when no type changes, and so is the type an
//! error answer's body is documented as (code that decodes it as the old type still
//! compiles).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use crate::model::{
    AnswerMedia, Api, Field, Input, InputKind, Operation, RetryKind, Security, TypeDef, TypeKind,
    TypeRef,
};

/// For users of the Rust crate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum RustImpact {
    /// Code that compiled still compiles and means the same.
    Compatible,
    /// Code still compiles, but a call behaves differently (retries, path, auth, envelope).
    Behaviour,
    /// Some code that compiled no longer does, or silently means something else.
    Breaking,
}

/// For the wire: would a client generated from the old spec still work against a server
/// that follows the new one?
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum WireImpact {
    Compatible,
    Breaking,
}

/// What a change is about.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Item {
    Operation(String),
    Type(String),
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Change {
    pub item: Item,
    pub rust: RustImpact,
    pub wire: WireImpact,
    /// One sentence, e.g. "body field `email` is now required".
    pub what: String,
}

/// Every difference between two models, in a stable order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChangeReport {
    pub changes: Vec<Change>,
}

/// The semver step a report implies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Bump {
    None,
    Patch,
    Minor,
    Major,
}

/// Compares the model of the old spec (`base`) with the new one (`head`).
pub fn compare(base: &Api, head: &Api) -> ChangeReport {
    let mut out = Vec::new();
    compare_operations(base, head, &mut out);
    compare_types(base, head, &mut out);
    out.sort();
    out.dedup();
    ChangeReport { changes: out }
}

impl ChangeReport {
    /// The worst impact for Rust users, if anything changed.
    pub fn worst(&self) -> Option<RustImpact> {
        self.changes.iter().map(|c| c.rust).max()
    }

    /// The step from `version` (`MAJOR.MINOR.PATCH`) and the version it leads to. In 0.x
    /// the minor number is the breaking one (Cargo's rule): a breaking or behaviour change
    /// bumps it, anything else the patch number. From 1.0: breaking → major, behaviour or
    /// an addition → minor.
    pub fn bump(&self, version: &str) -> (Bump, String) {
        let parts: Vec<u64> = version
            .split(['.', '-', '+'])
            .take(3)
            .map(|p| p.parse().unwrap_or(0))
            .collect();
        let (major, minor, patch) = (
            parts.first().copied().unwrap_or(0),
            parts.get(1).copied().unwrap_or(0),
            parts.get(2).copied().unwrap_or(0),
        );
        let bump = match (self.worst(), major) {
            (None, _) => Bump::None,
            (Some(RustImpact::Breaking), 0) => Bump::Minor,
            (Some(RustImpact::Breaking), _) => Bump::Major,
            (Some(RustImpact::Behaviour), _) => Bump::Minor,
            (Some(RustImpact::Compatible), 0) => Bump::Patch,
            (Some(RustImpact::Compatible), _) => Bump::Minor,
        };
        let next = match bump {
            Bump::None => format!("{major}.{minor}.{patch}"),
            Bump::Patch => format!("{major}.{minor}.{}", patch + 1),
            Bump::Minor => format!("{major}.{}.0", minor + 1),
            Bump::Major => format!("{}.0.0", major + 1),
        };
        (bump, next)
    }

    /// The report for a terminal: one line per change, grouped by item.
    pub fn render(&self, version: &str) -> String {
        if self.changes.is_empty() {
            return "no change to the API\n".to_owned();
        }
        let mut text = String::new();
        let mut last: Option<&Item> = None;
        for c in &self.changes {
            if last != Some(&c.item) {
                let _ = match &c.item {
                    Item::Operation(id) => writeln!(text, "operation {id}"),
                    Item::Type(name) => writeln!(text, "type {name}"),
                };
                last = Some(&c.item);
            }
            let _ = writeln!(
                text,
                "  {:<10} wire {:<10} {}",
                rust_label(c.rust),
                wire_label(c.wire),
                c.what
            );
        }
        let (bump, next) = self.bump(version);
        let _ = writeln!(text, "semver: {version} -> {next} ({})", bump_label(bump));
        text
    }

    /// A CHANGELOG entry in the repository's format (Keep a Changelog), for `next`.
    pub fn changelog_entry(&self, next: &str, date: &str) -> String {
        let mut text = format!("## [{next}] - {date}\n");
        let sections = [
            (RustImpact::Breaking, "Changed (breaking)"),
            (RustImpact::Behaviour, "Changed (behaviour)"),
            (RustImpact::Compatible, "Added or compatible"),
        ];
        for (impact, title) in sections {
            let lines: Vec<String> = self
                .changes
                .iter()
                .filter(|c| c.rust == impact)
                .map(|c| {
                    let item = match &c.item {
                        Item::Operation(id) => format!("`{id}`"),
                        Item::Type(name) => format!("`types::{name}`"),
                    };
                    let wire = match c.wire {
                        WireImpact::Breaking => " (an older client breaks against this API)",
                        WireImpact::Compatible => "",
                    };
                    format!("- {item}: {}{wire}.\n", c.what)
                })
                .collect();
            if !lines.is_empty() {
                let _ = write!(text, "\n### {title}\n{}", lines.concat());
            }
        }
        text
    }

    /// The report as JSON for tooling.
    pub fn to_json(&self, version: &str) -> serde_json::Value {
        let (bump, next) = self.bump(version);
        let changes: Vec<serde_json::Value> = self
            .changes
            .iter()
            .map(|c| {
                let (kind, name) = match &c.item {
                    Item::Operation(id) => ("operation", id),
                    Item::Type(n) => ("type", n),
                };
                serde_json::json!({
                    "item": kind, "name": name, "rust": rust_label(c.rust),
                    "wire": wire_label(c.wire), "what": c.what,
                })
            })
            .collect();
        serde_json::json!({
            "version": version, "next": next, "bump": bump_label(bump), "changes": changes,
        })
    }
}

fn rust_label(i: RustImpact) -> &'static str {
    match i {
        RustImpact::Compatible => "compatible",
        RustImpact::Behaviour => "behaviour",
        RustImpact::Breaking => "breaking",
    }
}

fn wire_label(i: WireImpact) -> &'static str {
    match i {
        WireImpact::Compatible => "compatible",
        WireImpact::Breaking => "breaking",
    }
}

fn bump_label(b: Bump) -> &'static str {
    match b {
        Bump::None => "no change",
        Bump::Patch => "patch",
        Bump::Minor => "minor",
        Bump::Major => "major",
    }
}

struct Push<'a> {
    out: &'a mut Vec<Change>,
    item: Item,
}

impl Push<'_> {
    fn add(&mut self, rust: RustImpact, wire: WireImpact, what: String) {
        self.out.push(Change {
            item: self.item.clone(),
            rust,
            wire,
            what,
        });
    }
}

use RustImpact::{Behaviour, Breaking as RBreak, Compatible as RCompat};
use WireImpact::{Breaking as WBreak, Compatible as WCompat};

fn compare_operations(base: &Api, head: &Api, out: &mut Vec<Change>) {
    let old: BTreeMap<&str, &Operation> =
        base.operations.iter().map(|o| (o.id.as_str(), o)).collect();
    let new: BTreeMap<&str, &Operation> =
        head.operations.iter().map(|o| (o.id.as_str(), o)).collect();
    for (id, o) in &old {
        let mut p = Push {
            out: &mut *out,
            item: Item::Operation((*id).to_owned()),
        };
        match new.get(id) {
            None => p.add(
                RBreak,
                WBreak,
                format!("removed (`Client::{}` is gone)", o.fn_name),
            ),
            Some(n) => compare_operation(o, n, &mut p),
        }
    }
    for (id, n) in &new {
        if !old.contains_key(id) {
            Push {
                out: &mut *out,
                item: Item::Operation((*id).to_owned()),
            }
            .add(
                RCompat,
                WCompat,
                format!("added: `{} {}`", n.method.to_uppercase(), n.path),
            );
        }
    }
}

fn compare_operation(o: &Operation, n: &Operation, p: &mut Push<'_>) {
    if o.method != n.method || o.path != n.path {
        p.add(
            Behaviour,
            WBreak,
            format!(
                "now `{} {}` (was `{} {}`)",
                n.method.to_uppercase(),
                n.path,
                o.method.to_uppercase(),
                o.path
            ),
        );
    }
    if o.fn_name != n.fn_name {
        p.add(
            RBreak,
            WCompat,
            format!("`Client::{}` is now `Client::{}`", o.fn_name, n.fn_name),
        );
    }
    if o.security != n.security {
        // A scheme the old client does not send is refused by the new server.
        let added = n.security.iter().any(|s| !o.security.contains(s));
        p.add(
            Behaviour,
            if added { WBreak } else { WCompat },
            format!(
                "authentication is now {} (was {})",
                schemes(&n.security),
                schemes(&o.security)
            ),
        );
    }
    if o.retry != n.retry {
        p.add(
            Behaviour,
            WCompat,
            format!(
                "retry class is now {} (was {})",
                retry(n.retry),
                retry(o.retry)
            ),
        );
    }
    if o.idempotency_key != n.idempotency_key {
        let key = |k: &Option<crate::model::IdempotencyKeyField>| {
            k.as_ref()
                .map_or("none".to_owned(), |k| format!("`{}`", k.wire))
        };
        p.add(
            Behaviour,
            WCompat,
            format!(
                "idempotency key is now {} (was {})",
                key(&n.idempotency_key),
                key(&o.idempotency_key)
            ),
        );
    }
    if o.outcome_lookup != n.outcome_lookup {
        p.add(
            Behaviour,
            WCompat,
            format!(
                "outcome lookup is now {:?} (was {:?})",
                n.outcome_lookup, o.outcome_lookup
            ),
        );
    }
    compare_answers(o, n, p);
    compare_error_answers(o, n, p);
    if !o.deprecated && n.deprecated {
        p.add(RCompat, WCompat, "deprecated".to_owned());
    }
    compare_inputs(o, n, p);
}

/// What changed in an operation's success answer: its envelope, its type, its media.
fn compare_answers(o: &Operation, n: &Operation, p: &mut Push<'_>) {
    let envelope = |op: &Operation| op.response.envelope.as_ref().map(|(e, _)| e.clone());
    if envelope(o) != envelope(n) {
        p.add(
            Behaviour,
            WBreak,
            "the response envelope changed (result code, message or payload members)".to_owned(),
        );
    }
    if o.response.payload() != n.response.payload() {
        p.add(
            RBreak,
            WBreak,
            format!(
                "`send()` now returns {} (was {})",
                shown(n.response.payload()),
                shown(o.response.payload())
            ),
        );
    }
    if o.response.media != n.response.media {
        let words = |media| match media {
            AnswerMedia::Json => "JSON",
            AnswerMedia::Text => "text",
            AnswerMedia::Binary => "bytes",
            AnswerMedia::Negotiated => "the media type the server sent",
        };
        let (now, was) = (words(n.response.media), words(o.response.media));
        p.add(
            RBreak,
            WCompat,
            format!("`send()` now answers in {now} (was {was})"),
        );
    } else if o.response.accept != n.response.accept {
        p.add(
            Behaviour,
            WCompat,
            format!(
                "the answer's media types asked for are now `{}` (was `{}`)",
                n.response.accept.as_deref().unwrap_or_default(),
                o.response.accept.as_deref().unwrap_or_default()
            ),
        );
    }
}

/// What changed in the bodies the spec documents for an operation's error answers: what
/// `Error::http_body()` reads as. One line per old and new type, its statuses sorted.
fn compare_error_answers(o: &Operation, n: &Operation, p: &mut Push<'_>) {
    let by_status = |op: &Operation| -> BTreeMap<String, String> {
        let answers = op.response.errors.iter();
        answers
            .flat_map(|e| e.statuses.iter().map(|s| (s.clone(), e.type_name.clone())))
            .collect()
    };
    let (old, new) = (by_status(o), by_status(n));
    let mut groups: BTreeMap<(Option<&str>, Option<&str>), Vec<&str>> = BTreeMap::new();
    let statuses: BTreeSet<&String> = old.keys().chain(new.keys()).collect();
    for status in statuses {
        let (was, now) = (old.get(status), new.get(status));
        if was != now {
            let key = (was.map(String::as_str), now.map(String::as_str));
            groups.entry(key).or_default().push(status);
        }
    }
    for ((was, now), statuses) in groups {
        let statuses = statuses
            .iter()
            .map(|s| format!("`{s}`"))
            .collect::<Vec<_>>()
            .join(", ");
        match (was, now) {
            (None, Some(now)) => p.add(
                RCompat,
                WCompat,
                format!("error answers {statuses} now documented with a body of `{now}`"),
            ),
            // Code that reads these bodies as the old type may fail to decode them.
            (Some(was), None) => p.add(
                Behaviour,
                WCompat,
                format!("error answers {statuses} no longer documented with a body (was `{was}`)"),
            ),
            (Some(was), Some(now)) => p.add(
                Behaviour,
                WBreak,
                format!("error answers {statuses} now have a body of `{now}` (was `{was}`)"),
            ),
            (None, None) => {}
        }
    }
}

fn compare_inputs(o: &Operation, n: &Operation, p: &mut Push<'_>) {
    let by_wire = |op: &'_ Operation| -> BTreeMap<(String, u8), Input> {
        op.inputs
            .iter()
            .map(|i| ((i.wire.clone(), kind_rank(i.kind)), i.clone()))
            .collect()
    };
    let (old, new) = (by_wire(o), by_wire(n));
    for (key, i) in &old {
        let place = place(i);
        match new.get(key) {
            None => p.add(
                RBreak,
                if i.required { WBreak } else { WCompat },
                format!("{place} removed (setter `{}`)", i.name),
            ),
            Some(j) => {
                if i.required != j.required {
                    if j.required {
                        p.add(RBreak, WBreak, format!("{place} is now required"));
                    } else {
                        p.add(RCompat, WCompat, format!("{place} is now optional"));
                    }
                }
                // Named types are compared by name: a change inside one is reported on it.
                if i.ty != j.ty {
                    p.add(
                        RBreak,
                        WBreak,
                        format!("{place} is now {} (was {})", shown(&j.ty), shown(&i.ty)),
                    );
                }
                if i.name != j.name {
                    p.add(
                        RBreak,
                        WCompat,
                        format!("{place}: setter `{}` is now `{}`", i.name, j.name),
                    );
                }
                if !i.deprecated && j.deprecated {
                    p.add(
                        RCompat,
                        WCompat,
                        format!("{place} deprecated (setter `{}`)", j.name),
                    );
                }
            }
        }
    }
    for (key, j) in &new {
        if !old.contains_key(key) {
            let place = place(j);
            if j.required {
                p.add(RBreak, WBreak, format!("new required {place}"));
            } else {
                p.add(RCompat, WCompat, format!("new optional {place}"));
            }
        }
    }
}

fn kind_rank(k: InputKind) -> u8 {
    match k {
        InputKind::Path => 0,
        InputKind::Query => 1,
        InputKind::Header => 2,
        InputKind::BodyField => 3,
        InputKind::WholeBody => 4,
    }
}

fn place(i: &Input) -> String {
    match i.kind {
        InputKind::Path => format!("path parameter `{}`", i.wire),
        InputKind::Query => format!("query parameter `{}`", i.wire),
        InputKind::Header => format!("header `{}`", i.wire),
        InputKind::BodyField => format!("body field `{}`", i.wire),
        InputKind::WholeBody => "the request body".to_owned(),
    }
}

fn schemes(s: &[Security]) -> String {
    if s.is_empty() {
        return "none".to_owned();
    }
    s.iter()
        .map(|s| match s {
            Security::Bearer => "bearer".to_owned(),
            Security::Basic => "basic".to_owned(),
            Security::ApiKeyHeader(h) => format!("`{h}` header"),
        })
        .collect::<Vec<_>>()
        .join(" + ")
}

fn retry(r: RetryKind) -> &'static str {
    match r {
        RetryKind::Idempotent => "idempotent (resent after a timeout or 5xx)",
        RetryKind::KeyedWrite => "keyed write (resent only on opt-in)",
        RetryKind::NonIdempotent => "non-idempotent (never resent once it may have arrived)",
    }
}

/// A type reference as a reader would write it.
fn shown(ty: &TypeRef) -> String {
    match ty {
        TypeRef::String => "`String`".to_owned(),
        TypeRef::Secret => "`Secret`".to_owned(),
        TypeRef::Boolean => "`bool`".to_owned(),
        TypeRef::I32 => "`i32`".to_owned(),
        TypeRef::I64 => "`i64`".to_owned(),
        TypeRef::F32 => "`f32`".to_owned(),
        TypeRef::F64 => "`f64`".to_owned(),
        TypeRef::Decimal => "`Decimal`".to_owned(),
        TypeRef::Any => "raw JSON".to_owned(),
        TypeRef::Named(n) => format!("`{n}`"),
        TypeRef::Array(t) => format!("a list of {}", shown(t)),
        TypeRef::Map(t) => format!("a map of {}", shown(t)),
        TypeRef::Nullable(t) => format!("{} or null", shown(t)),
        TypeRef::Unit => "nothing".to_owned(),
        TypeRef::Bytes => "bytes".to_owned(),
        TypeRef::File => "a file".to_owned(),
    }
}

/// The types a response can carry, success or error answer, at any depth (following named
/// types).
fn response_types(api: &Api) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut todo: Vec<TypeRef> = api
        .operations
        .iter()
        .flat_map(|o| {
            let mut roots = vec![o.response.ty.clone()];
            if let Some((_, payload)) = &o.response.envelope {
                roots.push(payload.clone());
            }
            // An error answer's body is received too: callers decode it.
            let errors = o.response.errors.iter();
            roots.extend(errors.map(|e| TypeRef::Named(e.type_name.clone())));
            roots
        })
        .collect();
    while let Some(ty) = todo.pop() {
        match ty {
            TypeRef::Named(n) => {
                if seen.insert(n.clone())
                    && let Some(t) = api.get(&n)
                {
                    todo.extend(refs_of(t));
                }
            }
            TypeRef::Array(t) | TypeRef::Map(t) | TypeRef::Nullable(t) => todo.push(*t),
            _ => {}
        }
    }
    seen
}

fn refs_of(t: &TypeDef) -> Vec<TypeRef> {
    match &t.kind {
        TypeKind::Struct(s) => s
            .fields
            .iter()
            .map(|f| f.ty.clone())
            .chain(s.extra.iter().map(|(_, ty)| ty.clone()))
            .collect(),
        TypeKind::Union(vs) => vs.iter().map(|v| v.ty.clone()).collect(),
        TypeKind::Alias(ty) | TypeKind::Newtype(ty) => vec![ty.clone()],
        TypeKind::StringEnum(_) | TypeKind::IntEnum(_) => Vec::new(),
    }
}

/// How a type is used, for the wire classes: sent and/or received.
#[derive(Clone, Copy)]
struct Use {
    sent: bool,
    received: bool,
}

fn compare_types(base: &Api, head: &Api, out: &mut Vec<Change>) {
    let received = response_types(base);
    let received_new = response_types(head);
    // An envelope the client unwraps is no type of the crate: its changes show on the
    // operations it wraps (their envelope and payload).
    let emitted = |t: &&TypeDef| t.facts.unwrapped_to.is_none();
    for t in base.types.iter().filter(emitted) {
        let mut p = Push {
            out: &mut *out,
            item: Item::Type(t.name.clone()),
        };
        let Some(n) = head.get(&t.name).filter(emitted) else {
            p.add(RBreak, WCompat, "removed".to_owned());
            continue;
        };
        let used = Use {
            sent: t.sent || n.sent,
            received: received.contains(&t.name) || received_new.contains(&t.name),
        };
        match (&t.kind, &n.kind) {
            (TypeKind::Struct(a), TypeKind::Struct(b)) => {
                compare_fields(&a.fields, &b.fields, t, n, used, &mut p)
            }
            (TypeKind::StringEnum(a), TypeKind::StringEnum(b)) => {
                let (a, b) = (
                    a.iter().map(|v| v.wire.clone()).collect(),
                    b.iter().map(|v| v.wire.clone()).collect(),
                );
                compare_variants(a, b, used, &mut p)
            }
            (TypeKind::IntEnum(a), TypeKind::IntEnum(b)) => {
                let (a, b) = (
                    a.iter().map(|v| v.wire.to_string()).collect(),
                    b.iter().map(|v| v.wire.to_string()).collect(),
                );
                compare_variants(a, b, used, &mut p)
            }
            (TypeKind::Union(a), TypeKind::Union(b)) => {
                let names = |vs: &[crate::model::UnionVariant]| -> BTreeSet<String> {
                    vs.iter().map(|v| v.rust.clone()).collect()
                };
                let (a, b) = (names(a), names(b));
                for gone in a.difference(&b) {
                    p.add(RBreak, WBreak, format!("union member `{gone}` removed"));
                }
                for new in b.difference(&a) {
                    // Unions are exhaustive enums; an old client cannot decode the new shape.
                    let wire = if used.received { WBreak } else { WCompat };
                    p.add(RBreak, wire, format!("new union member `{new}`"));
                }
            }
            (TypeKind::Alias(a), TypeKind::Alias(b))
            | (TypeKind::Newtype(a), TypeKind::Newtype(b))
                if a != b =>
            {
                p.add(
                    RBreak,
                    WBreak,
                    format!("now {} (was {})", shown(b), shown(a)),
                );
            }
            (a, b) if std::mem::discriminant(a) != std::mem::discriminant(b) => {
                p.add(
                    RBreak,
                    WBreak,
                    format!("now {} (was {})", kind_name(b), kind_name(a)),
                );
            }
            _ => {}
        }
        if !t.built_by_callers && n.built_by_callers {
            p.add(
                RCompat,
                WCompat,
                "now built by callers (a request input): no longer `#[non_exhaustive]`, so later new fields break struct literals".to_owned(),
            );
        }
        if t.built_by_callers && !n.built_by_callers {
            p.add(
                RBreak,
                WCompat,
                "no longer built by callers: `#[non_exhaustive]`, so struct literals no longer compile"
                    .to_owned(),
            );
        }
    }
    for n in head.types.iter().filter(emitted) {
        if base.get(&n.name).filter(emitted).is_none() {
            Push {
                out: &mut *out,
                item: Item::Type(n.name.clone()),
            }
            .add(RCompat, WCompat, "added".to_owned());
        }
    }
}

fn kind_name(k: &TypeKind) -> &'static str {
    match k {
        TypeKind::Struct(_) => "a struct",
        TypeKind::StringEnum(_) => "a string enum",
        TypeKind::IntEnum(_) => "an integer enum",
        TypeKind::Union(_) => "a union",
        TypeKind::Alias(_) => "an alias",
        TypeKind::Newtype(_) => "a newtype",
    }
}

fn compare_variants(a: BTreeSet<String>, b: BTreeSet<String>, used: Use, p: &mut Push<'_>) {
    for gone in a.difference(&b) {
        // An old client may still send the value; the new server refuses it.
        let wire = if used.sent { WBreak } else { WCompat };
        p.add(RBreak, wire, format!("enum value `{gone}` removed"));
    }
    for new in b.difference(&a) {
        // `#[non_exhaustive]` with `Unknown`: old code compiles, old clients decode it.
        p.add(RCompat, WCompat, format!("new enum value `{new}`"));
    }
}

fn compare_fields(a: &[Field], b: &[Field], t: &TypeDef, n: &TypeDef, used: Use, p: &mut Push<'_>) {
    let old: BTreeMap<&str, &Field> = a.iter().map(|f| (f.wire.as_str(), f)).collect();
    let new: BTreeMap<&str, &Field> = b.iter().map(|f| (f.wire.as_str(), f)).collect();
    // Callers build a type that is sent with a struct literal; one only received is
    // `#[non_exhaustive]`.
    let literal = t.built_by_callers && n.built_by_callers;
    for (wire, f) in &old {
        match new.get(wire) {
            None => {
                // An old client requires a field the new server no longer sends, or sends one
                // the new (closed) schema no longer knows.
                let wire_break = f.required && (used.received || used.sent);
                p.add(
                    RBreak,
                    if wire_break { WBreak } else { WCompat },
                    format!("field `{wire}` removed"),
                );
            }
            Some(g) => {
                if f.optionality != g.optionality {
                    let (now, was) = (optionality(g), optionality(f));
                    // Response: an old client requires what may now be absent. Request: an
                    // old client may omit what is now required.
                    let wire_break = (used.received && f.required && !g.required)
                        || (used.sent && g.required && !f.required);
                    p.add(
                        RBreak,
                        if wire_break { WBreak } else { WCompat },
                        format!("field `{wire}` is now {now} (was {was})"),
                    );
                }
                if f.ty != g.ty {
                    p.add(
                        RBreak,
                        WBreak,
                        format!(
                            "field `{wire}` is now {} (was {})",
                            shown(&g.ty),
                            shown(&f.ty)
                        ),
                    );
                }
                if f.rust != g.rust {
                    p.add(
                        RBreak,
                        WCompat,
                        format!(
                            "field `{wire}` is now `{}` in Rust (was `{}`)",
                            g.rust, f.rust
                        ),
                    );
                }
                if !f.deprecated && g.deprecated {
                    p.add(RCompat, WCompat, format!("field `{wire}` deprecated"));
                }
                if f.secret != g.secret {
                    p.add(
                        Behaviour,
                        WCompat,
                        format!(
                            "field `{wire}` is {} in Debug output and logs",
                            if g.secret {
                                "now masked"
                            } else {
                                "no longer masked"
                            }
                        ),
                    );
                }
            }
        }
    }
    for (wire, g) in &new {
        if old.contains_key(wire) {
            continue;
        }
        let kind = if g.required { "required" } else { "optional" };
        let wire_break = used.sent && g.required;
        if literal {
            p.add(
                RBreak,
                if wire_break { WBreak } else { WCompat },
                format!("new {kind} field `{wire}` (the type is built with struct literals, which must now name it)"),
            );
        } else {
            p.add(
                RCompat,
                if wire_break { WBreak } else { WCompat },
                format!("new {kind} field `{wire}` (the type is `#[non_exhaustive]`)"),
            );
        }
    }
}

fn optionality(f: &Field) -> &'static str {
    match f.optionality {
        crate::model::Optionality::Required => "required",
        crate::model::Optionality::Optional => "optional",
        crate::model::Optionality::OptionalNullable => "optional and nullable",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api(schemas: &str, paths: &str) -> Api {
        let spec = format!(
            "openapi: 3.0.3\ninfo: {{title: T, version: '1'}}\npaths:\n{paths}components:\n  schemas:\n{schemas}"
        );
        crate::model(&spec).expect("valid spec")
    }

    const PATHS: &str = "  /pay:\n    post:\n      operationId: pay\n      requestBody:\n        required: true\n        content:\n          application/json:\n            schema: {$ref: '#/components/schemas/Pay'}\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {$ref: '#/components/schemas/Receipt'}\n";

    #[test]
    fn the_same_spec_changes_nothing() {
        let s = "    Pay: {type: object, required: [ref], properties: {ref: {type: string}}}\n    Receipt: {type: object, properties: {id: {type: string}}}\n";
        let report = compare(&api(s, PATHS), &api(s, PATHS));
        assert!(report.changes.is_empty(), "{report:?}");
        assert_eq!(report.bump("0.3.1"), (Bump::None, "0.3.1".to_owned()));
    }

    /// A PDF offered beside the JSON answer changes what `send()` returns; a third media
    /// type changes only what the request asks for.
    #[test]
    fn an_answer_in_more_media_types_is_reported() {
        let s = "    Pay: {type: object, required: [ref], properties: {ref: {type: string}}}\n    Receipt: {type: object, properties: {id: {type: string}}}\n";
        let pdf =
            "            application/pdf:\n              schema: {type: string, format: binary}\n";
        let with_pdf = format!("{PATHS}{pdf}");
        let text = "            text/plain:\n              schema: {type: string}\n";
        let with_text = format!("{with_pdf}{text}");
        let report = compare(&api(s, PATHS), &api(s, &with_pdf));
        let whats: Vec<(&str, RustImpact)> = report
            .changes
            .iter()
            .map(|c| (c.what.as_str(), c.rust))
            .collect();
        assert_eq!(
            whats,
            [(
                "`send()` now answers in the media type the server sent (was JSON)",
                RBreak
            )],
            "{report:?}"
        );
        let report = compare(&api(s, &with_pdf), &api(s, &with_text));
        assert_eq!(report.changes.len(), 1, "{report:?}");
        assert_eq!(report.changes[0].rust, Behaviour);
        assert!(
            report.changes[0]
                .what
                .contains("`application/json, application/pdf, text/plain`")
        );
    }

    /// `getOrder` with the given error answers (status, schema), each a JSON body.
    fn with_errors(errors: &[(&str, &str)]) -> String {
        let mut paths = String::from(
            "  /orders/{id}:\n    get:\n      operationId: getOrder\n      parameters:\n        - {name: id, in: path, required: true, schema: {type: string}}\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {$ref: '#/components/schemas/Receipt'}\n",
        );
        for (status, schema) in errors {
            paths.push_str(&format!("        '{status}':\n          description: no\n          content:\n            application/json:\n              schema: {{$ref: '#/components/schemas/{schema}'}}\n"));
        }
        paths
    }

    /// What `Error::http_body()` reads as is reported per operation, grouped by the old
    /// and new type; a type only error answers carry counts as received for its fields.
    #[test]
    fn error_answer_bodies_are_reported() {
        let s = "    Receipt: {type: object, properties: {id: {type: string}}}\n    Problem: {type: object, required: [code], properties: {code: {type: string}}}\n    Fault: {type: object, properties: {reason: {type: string}}}\n";
        let base = api(s, &with_errors(&[("404", "Problem"), ("409", "Problem")]));
        let head = api(
            s,
            &with_errors(&[("404", "Fault"), ("409", "Fault"), ("500", "Problem")]),
        );
        let report = compare(&base, &head);
        let lines: Vec<(&str, RustImpact, WireImpact)> = report
            .changes
            .iter()
            .map(|c| (c.what.as_str(), c.rust, c.wire))
            .collect();
        assert_eq!(
            lines,
            [
                (
                    "error answers `500` now documented with a body of `Problem`",
                    RCompat,
                    WCompat
                ),
                (
                    "error answers `404`, `409` now have a body of `Fault` (was `Problem`)",
                    Behaviour,
                    WBreak
                ),
            ],
            "{report:?}"
        );
        let report = compare(&head, &api(s, &with_errors(&[("500", "Problem")])));
        assert_eq!(
            report.changes[0].what,
            "error answers `404`, `409` no longer documented with a body (was `Fault`)"
        );
        assert_eq!(report.changes[0].rust, Behaviour);

        let dropped = s.replace("required: [code], ", "");
        let report = compare(&base, &api(&dropped, &with_errors(&[("404", "Problem")])));
        let field = report
            .changes
            .iter()
            .find(|c| c.item == Item::Type("Problem".into()));
        assert_eq!(
            field.map(|c| (c.what.as_str(), c.wire)),
            Some(("field `code` is now optional (was required)", WBreak)),
            "{report:?}"
        );
    }

    #[test]
    fn bumps_follow_cargo_rules_in_0x_and_after() {
        let change = |rust| ChangeReport {
            changes: vec![Change {
                item: Item::Type("T".into()),
                rust,
                wire: WCompat,
                what: String::new(),
            }],
        };
        assert_eq!(change(RBreak).bump("0.3.1").1, "0.4.0");
        assert_eq!(change(RBreak).bump("1.3.1").1, "2.0.0");
        assert_eq!(change(Behaviour).bump("0.3.1").1, "0.4.0");
        assert_eq!(change(Behaviour).bump("1.3.1").1, "1.4.0");
        assert_eq!(change(RCompat).bump("0.3.1").1, "0.3.2");
        assert_eq!(change(RCompat).bump("1.3.1").1, "1.4.0");
    }
}
