//! Lowering: the parsed spec in, the [`Api`] model out.
//!
//! This is where every spec construct gets its meaning: `$ref`s are followed, `allOf`s
//! merged, inline schemas named after where they sit, and every construct the generator
//! cannot express faithfully is reported at its JSON pointer instead of being guessed at.
//!
//! One job per module: this one holds the `Lowerer`'s state, the entry point, component
//! indexing and servers; `schemas` lowers schemas to types; `operations` lowers
//! operations; `passes` runs the analyses that need every type (recursion, decode-only
//! types, alias cycles).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use openapiv3::{
    APIKeyLocation, AdditionalProperties, IntegerFormat, NumberFormat, OpenAPI, Parameter,
    ParameterSchemaOrContent, QueryStyle, ReferenceOr, Schema, SchemaKind, SecurityScheme,
    StatusCode, StringFormat, Type, VariantOrUnknownOrEmpty,
};
use serde_json::Value;

use crate::diagnostics::{Diagnostics, Kind, Pointer};
use crate::model::*;
use crate::naming::{self, Scope};
use crate::resolve::{self, SchemaRef};

mod operations;
pub mod partial;
mod passes;
mod schemas;

/// Names the generated code uses unqualified: `operations`' imports and the std prelude
/// (a schema named `String` or `Option` must not shadow the real ones); types and
/// builders named like these get a `2` suffix.
const RESERVED_TYPE_NAMES: &[&str] = &[
    "Client",
    "Error",
    "Response",
    "Set",
    "Required", // generated code
    "String",
    "Option",
    "Some",
    "None",
    "Vec",
    "Box",
    "Result",
    "Ok",
    "Err",
    "From",
    "Into",
    "Default",
    "ToString",
    "ToOwned",
    "Clone",
    "Copy",
    "Send",
    "Sync",
    "Sized",
    "Drop",
    "Fn",
    "FnMut",
    "FnOnce",
    "Iterator",
    "IntoIterator",
    "Extend",
    "PartialEq",
    "Eq",
    "PartialOrd",
    "Ord",
    "AsRef",
    "AsMut",
    "TryFrom",
    "TryInto",
    "FromIterator",
    "DoubleEndedIterator",
    "ExactSizeIterator",
    "Unpin",
    "Debug",
    "Hash",
];
/// The other names `operations` uses unqualified beside its builders: a builder named like
/// one of these gets a `2` suffix.
const RESERVED_BUILDER_NAMES: &[&str] = &["Builder", "Envelope", "Fill", "Filled"];
/// `Client` methods that generated operations must not shadow.
const RESERVED_CLIENT_FNS: &[&str] = &[
    "builder",
    "execute",
    "execute_streaming",
    "config",
    "clone",
    "base_url",
];
/// Builder methods every operation has, the locals of `into_request` and of the
/// `Client` method, and the runtime functions an operation's module imports (a local would
/// shadow them): an input with one of these names gets a `_2` suffix.
const RESERVED_BUILDER_FNS: &[&str] = &[
    "take",
    "check_string",
    "push_present",
    "push_object",
    "builder",
    "send",
    "send_with_response",
    "send_streaming",
    "timeout",
    "operation_timeout",
    "max_retries",
    "max_response_size",
    "header",
    "accept",
    "resend_keyed_write",
    "request",
    "idempotency_key",
    "new",
    "client",
    "options",
    "query",
    "headers",
    "body",
    "parts",
    "typestate",
    "into_state",
];

/// The model of `spec`; any problem is an error.
pub fn lower(spec: &OpenAPI) -> Result<Api, Diagnostics> {
    lower_with(spec, false).map(|(api, _)| api)
}

/// The model of `spec`, or with `partial` the model of what it can express: operations and
/// types with problems are left out and reported as warnings (see [`partial`]).
pub fn lower_with(spec: &OpenAPI, partial: bool) -> Result<(Api, partial::Skipped), Diagnostics> {
    let mut l = Lowerer {
        spec,
        diags: Diagnostics::default(),
        types: Vec::new(),
        type_scope: Scope::with_reserved(RESERVED_TYPE_NAMES),
        components: HashMap::new(),
        memo: HashMap::new(),
        index: Vec::new(),
    };
    l.lower_components();
    let mut operations = l.lower_operations();
    l.check_outcome_lookups(&operations);
    l.mark_recursive_fields();
    l.check_binary_fields(&operations);
    let token_endpoint = l.token_endpoint(&operations);
    l.break_alias_cycles();
    let servers = l.lower_servers();
    let mut skipped = partial::Skipped::default();
    if !l.diags.is_empty() {
        if !partial {
            return Err(l.diags);
        }
        let problems = std::mem::take(&mut l.diags);
        skipped = partial::leave_out(problems, &mut l.types, &mut operations, &mut l.index)?;
    }
    // The facts emission reads, decided on what is emitted: a type only a left-out
    // operation sent is not `sent`.
    l.mark_usage(&operations);
    l.decide_type_facts();
    l.decide_optionality();
    l.mark_unwrapped_envelopes(&operations);
    l.settle_error_answers(&mut operations);
    let by_name = l
        .types
        .iter()
        .enumerate()
        .map(|(i, t)| (t.name.clone(), i))
        .collect();
    let envelopes = shared_envelopes(&l.types, &operations);
    Ok((
        Api {
            crate_name: crate_name(&spec.info),
            title: spec.info.title.clone(),
            version: spec.info.version.clone(),
            description: spec.info.description.clone(),
            servers,
            types: l.types,
            operations,
            schema_index: l.index,
            token_endpoint,
            by_name,
            envelopes,
        },
        skipped,
    ))
}

/// The envelope shapes the operations use, in the order they are first used, each named
/// after the first type that declares it (`CoinsEnvelope` → `COINS_ENVELOPE`), which its
/// docs link when that type is emitted (else the first emitted one that declares it).
fn shared_envelopes(types: &[TypeDef], operations: &[Operation]) -> Vec<SharedEnvelope> {
    let mut scope = Scope::new();
    let mut out: Vec<SharedEnvelope> = Vec::new();
    for (fields, _) in operations
        .iter()
        .filter_map(|op| op.response.envelope.as_ref())
    {
        if out.iter().any(|e| &e.fields == fields) {
            continue;
        }
        let declaring = |t: &&TypeDef| match &t.kind {
            TypeKind::Struct(s) => s.envelope.as_ref() == Some(fields),
            _ => false,
        };
        // Named after the first type declaring it; its docs link the first one emitted.
        let first = types.iter().find(declaring).map(|t| t.name.as_str());
        let type_name = types
            .iter()
            .filter(declaring)
            .find(|t| t.facts.unwrapped_to.is_none())
            .map(|t| t.name.clone());
        let mut name = naming::const_name(first.unwrap_or("Answer"));
        if !name.ends_with("ENVELOPE") {
            name.push_str("_ENVELOPE");
        }
        out.push(SharedEnvelope {
            const_name: scope.claim(&name),
            type_name,
            fields: fields.clone(),
        });
    }
    out
}

/// `info.x-rust-crate` when it is a valid crate name in snake case, else the title's.
fn crate_name(info: &openapiv3::Info) -> String {
    let declared = info.extensions.get("x-rust-crate").and_then(Value::as_str);
    let name = naming::field_name(declared.unwrap_or(&info.title).trim_start_matches("r#"));
    name.trim_start_matches("r#")
        .trim_end_matches('_')
        .to_owned()
}

struct Lowerer<'a> {
    spec: &'a OpenAPI,
    diags: Diagnostics,
    types: Vec<TypeDef>,
    type_scope: Scope,
    /// Component schema name → Rust type name.
    components: HashMap<String, String>,
    /// Inline schema pointer → the type made for it, so a schema reached twice (through
    /// a component response, say) is defined once.
    memo: HashMap<Pointer, TypeRef>,
    index: Vec<(String, TypeRef)>,
}

/// The merged view of an object schema and its `allOf` members.
#[derive(Default)]
struct ObjectParts<'a> {
    props: Vec<(String, SchemaRef<'a>, Pointer)>,
    /// Properties a later `allOf` member redefined: not fields, but still schema
    /// positions whose examples the index should cover.
    overridden: Vec<(SchemaRef<'a>, Pointer)>,
    required: BTreeSet<String>,
    additional: Option<(&'a AdditionalProperties, Pointer)>,
    envelope: Option<(EnvelopeFields, Pointer)>,
    docs: Vec<String>,
}

/// What a schema becomes in Rust, before naming.
enum Shape {
    Object,
    StringEnum,
    IntEnum,
    Union,
    /// Primitive, array, map or anything: no named type needed.
    Plain,
}

impl<'a> Lowerer<'a> {
    fn lower_components(&mut self) {
        let Some(components) = self.spec.components.as_ref() else {
            return;
        };
        for key in components.schemas.keys() {
            let name = self.type_scope.claim(&naming::type_name(key));
            self.components.insert(key.clone(), name);
        }
        for (key, schema) in &components.schemas {
            let pointer = Pointer::root().key("components").key("schemas").key(key);
            let name = self.components[key].clone();
            match schema {
                ReferenceOr::Reference { reference } => {
                    let target = self.type_ref(SchemaRef::Ref(reference), &name, &pointer);
                    self.push_type(name, &pointer, None, None, false, TypeKind::Alias(target));
                }
                ReferenceOr::Item(schema) => {
                    self.define(name.clone(), schema, &pointer);
                    let indexed = self.maybe_null(SchemaRef::Inline(schema), TypeRef::Named(name));
                    self.index.push((pointer.to_string(), indexed));
                }
            }
        }
        // Shared responses and request bodies: index their schemas once, here.
        let responses = components.responses.iter().filter_map(|(key, r)| match r {
            ReferenceOr::Item(r) => Some(("responses", key, &r.content)),
            ReferenceOr::Reference { .. } => None,
        });
        let bodies = components
            .request_bodies
            .iter()
            .filter_map(|(key, b)| match b {
                ReferenceOr::Item(b) => Some(("requestBodies", key, &b.content)),
                ReferenceOr::Reference { .. } => None,
            });
        for (kind, key, content) in responses.chain(bodies) {
            let pointer = Pointer::root().key("components").key(kind).key(key);
            for (media, content) in content {
                if let Some(schema) = &content.schema {
                    let at = pointer.key("content").key(media);
                    let ty =
                        self.type_ref(schema.into(), &naming::type_name(key), &at.key("schema"));
                    self.index.push((at.to_string(), ty));
                }
            }
        }
    }

    /// The type of a request or response media type (free-form without a schema), indexed
    /// at the media type's pointer where its examples live.
    fn media_type(
        &mut self,
        content: &'a openapiv3::MediaType,
        media_ptr: &Pointer,
        context: &str,
    ) -> TypeRef {
        let ty = match &content.schema {
            Some(s) => self.type_ref(s.into(), context, &media_ptr.key("schema")),
            None => TypeRef::Any,
        };
        self.index.push((media_ptr.to_string(), ty.clone()));
        ty
    }

    /// An inline item as it is, or a `$ref` into `components.<kind>` followed to its item;
    /// a dangling reference is recorded at `at` and gives `None`.
    fn follow<T>(
        &mut self,
        item: &'a ReferenceOr<T>,
        at: Pointer,
        kind: &str,
        section: fn(&'a openapiv3::Components) -> &'a indexmap::IndexMap<String, ReferenceOr<T>>,
    ) -> Option<(&'a T, Pointer)> {
        let reference = match item {
            ReferenceOr::Item(item) => return Some((item, at)),
            ReferenceOr::Reference { reference } => reference,
        };
        let found = match self.spec.components.as_ref() {
            Some(components) => resolve::follow(section(components), kind, reference),
            None => Err(format!(
                "`{reference}` points at nothing: the spec has no components"
            )),
        };
        found
            .map_err(|e| self.diags.push(Kind::Reference, at.as_str(), e))
            .ok()
    }

    fn push_type(
        &mut self,
        name: String,
        pointer: &Pointer,
        doc: Option<String>,
        example: Option<Value>,
        deprecated: bool,
        kind: TypeKind,
    ) {
        self.types.push(TypeDef {
            name,
            source: pointer.to_string(),
            doc,
            example,
            deprecated,
            kind,
            facts: TypeFacts::default(),
            sent: false,
            built_by_callers: false,
        });
    }

    fn lower_servers(&mut self) -> Vec<Server> {
        let mut scope = Scope::new();
        self.spec
            .servers
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let label = match s.extensions.get("x-name") {
                    Some(Value::String(n)) => n.clone(),
                    _ => s
                        .description
                        .clone()
                        .unwrap_or_else(|| format!("server {}", i + 1)),
                };
                Server {
                    const_name: scope.claim(&naming::const_name(&label)),
                    url: s.url.clone(),
                    description: s.description.as_deref().and_then(public_doc),
                }
            })
            .collect()
    }
}

/// The part of a spec description meant for the client's users: every "Curation:" note
/// (from the marker to the end of its paragraph) is for the spec's maintainers and stays
/// out of the generated docs.
fn public_doc(text: &str) -> Option<String> {
    let paragraphs: Vec<&str> = text
        .split("\n\n")
        .map(|p| p.find("Curation:").map_or(p, |at| &p[..at]).trim())
        .filter(|p| !p.is_empty())
        .collect();
    (!paragraphs.is_empty()).then(|| paragraphs.join("\n\n"))
}

/// Whether `title` is `name` spelt another way: the same letters and digits, case aside.
fn restates(title: &str, name: &str) -> bool {
    let letters = |s: &str| {
        s.chars()
            .filter(char::is_ascii_alphanumeric)
            .map(|c| c.to_ascii_lowercase())
            .collect::<String>()
    };
    letters(title) == letters(name)
}

fn doc_of(title: Option<&str>, description: Option<&str>) -> Option<String> {
    let description = description.and_then(public_doc);
    let description = description.as_deref();
    match (title, description) {
        (Some(t), Some(d)) if !d.starts_with(t) => Some(format!("{t}\n\n{d}")),
        (_, Some(d)) => Some(d.to_owned()),
        (Some(t), None) => Some(t.to_owned()),
        (None, None) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Lowers a spec written inline (YAML).
    pub(super) fn lower_yaml(text: &str) -> Result<Api, Diagnostics> {
        crate::model(text)
    }

    #[test]
    fn a_title_that_restates_the_type_name_is_not_its_doc() {
        assert!(restates("AccountSettings", "AccountSettings"));
        assert!(restates("account_settings", "AccountSettings"));
        assert!(restates("Account TOS acceptance", "AccountTosAcceptance"));
        assert!(!restates("The account's settings", "AccountSettings"));
        let api = lower_yaml(
            "openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    account_settings: {title: AccountSettings, type: object, properties: {a: {type: string}}}\n    Pet: {title: A pet we sell, type: object, properties: {a: {type: string}}}\n",
        )
        .expect("lowers");
        let doc = |name: &str| {
            api.types
                .iter()
                .find(|t| t.name == name)
                .and_then(|t| t.doc.clone())
        };
        assert_eq!(doc("AccountSettings"), None);
        assert_eq!(doc("Pet").as_deref(), Some("A pet we sell"));
    }

    #[test]
    fn the_crate_name_comes_from_x_rust_crate_or_the_title() {
        let api =
            lower_yaml("openapi: 3.0.3\ninfo: {title: My Pets API, version: '1'}\npaths: {}\n")
                .expect("valid");
        assert_eq!(api.crate_name, "my_pets_api");
        let api = lower_yaml(
            "openapi: 3.0.3\ninfo: {title: T, version: '1', x-rust-crate: pets-sdk}\npaths: {}\n",
        )
        .expect("valid");
        assert_eq!(api.crate_name, "pets_sdk");
    }

    #[test]
    fn curation_notes_never_reach_the_model() {
        assert_eq!(
            public_doc("Public part. Curation: maintainers only.\n\nSecond paragraph."),
            Some("Public part.\n\nSecond paragraph.".to_owned())
        );
        assert_eq!(public_doc("Curation: only a note."), None);
    }

    #[test]
    fn servers_get_constant_names_from_x_name_or_their_description() {
        let api = lower_yaml(
            "openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths: {}\nservers:\n  - {url: 'https://a', x-name: sandbox}\n  - {url: 'https://b', description: Live host}\n  - {url: 'https://c'}\n",
        )
        .expect("valid");
        let names: Vec<&str> = api.servers.iter().map(|s| s.const_name.as_str()).collect();
        assert_eq!(names, ["SANDBOX", "LIVE_HOST", "SERVER_3"]);
    }
}
