//! The API as the generator understands it: every `$ref` resolved, every name chosen,
//! every type either a named Rust type or a primitive. Emission reads only this model,
//! never the raw spec, so what a spec construct *means* is decided in one place
//! (`lower`) and how it is *written* in another (`emit_*`).

use serde_json::Value;

/// The whole API.
#[derive(Debug, Clone)]
pub struct Api {
    /// The Rust crate the client is published as (`info.x-rust-crate`, else the title in
    /// snake case): doc examples name it, since doctests compile outside the crate.
    pub crate_name: String,
    pub title: String,
    pub version: String,
    pub description: Option<String>,
    pub servers: Vec<Server>,
    /// Every named type, in spec order: component schemas first, then inline schemas in
    /// the order they were met.
    pub types: Vec<TypeDef>,
    pub operations: Vec<Operation>,
    /// Where each schema, media type and parameter of the spec lands in Rust, so tests can
    /// check every example in the spec against the type the client uses for it.
    pub schema_index: Vec<(String, TypeRef)>,
    /// The operation marked `x-token-endpoint`: the call a client configured with
    /// credentials makes by itself.
    pub token_endpoint: Option<TokenEndpoint>,
    /// Type name → its position in `types` (ordered, so iteration is deterministic).
    pub by_name: std::collections::BTreeMap<String, usize>,
    /// Each envelope shape the operations' answers use, once, as the constant they share.
    pub envelopes: Vec<SharedEnvelope>,
}

/// An envelope shape that operations' answers share: emitted once, as a constant named
/// after the first type (in spec order) that declares it.
#[derive(Debug, Clone)]
pub struct SharedEnvelope {
    /// The constant's name, e.g. `COINS_ENVELOPE`.
    pub const_name: String,
    /// An emitted type that declares it, which its doc comment links.
    pub type_name: Option<String>,
    pub fields: EnvelopeFields,
}

/// Questions emission asks about a type reference, each answered from facts lowering
/// recorded on the types (see [`TypeFacts`]): no table is built and nothing is resolved
/// during emission.
impl Api {
    /// The constant an answer enveloped as `fields` refers to.
    pub fn envelope_const(&self, fields: &EnvelopeFields) -> Option<&str> {
        self.envelopes
            .iter()
            .find(|e| &e.fields == fields)
            .map(|e| e.const_name.as_str())
    }

    /// The wire name of every property the spec marks secret, in order, once each: the
    /// runtime masks them wherever it quotes a body.
    pub fn secret_wire_names(&self) -> std::collections::BTreeSet<&str> {
        self.types
            .iter()
            .filter_map(|t| match &t.kind {
                TypeKind::Struct(s) => Some(s.fields.iter()),
                _ => None,
            })
            .flatten()
            .filter(|f| f.secret)
            .map(|f| f.wire.as_str())
            .collect()
    }

    /// The named type `name`.
    pub fn get(&self, name: &str) -> Option<&TypeDef> {
        self.by_name.get(name).map(|&i| &self.types[i])
    }

    /// `ty`, or what the alias it names stands for.
    pub fn resolve<'t>(&'t self, ty: &'t TypeRef) -> &'t TypeRef {
        match ty {
            TypeRef::Named(n) => self
                .get(n)
                .and_then(|t| t.facts.alias_of.as_ref())
                .unwrap_or(ty),
            _ => ty,
        }
    }

    /// Whether a value of `ty` can derive `Eq` and `Hash` (everything but floats can).
    pub fn is_eq(&self, ty: &TypeRef) -> bool {
        match ty {
            TypeRef::F32 | TypeRef::F64 => false,
            TypeRef::Named(n) => self.get(n).is_none_or(|t| t.facts.eq),
            TypeRef::Array(t) | TypeRef::Map(t) | TypeRef::Nullable(t) => self.is_eq(t),
            _ => true,
        }
    }

    /// Whether `ty` holds an exact decimal outside any named struct (which handles its
    /// own): `Decimal`, or a `Vec`, map or `Option` of one, through aliases. Such a value
    /// needs the runtime's exact adapters to be written as a JSON number.
    pub fn contains_decimal(&self, ty: &TypeRef) -> bool {
        match self.resolve(ty) {
            TypeRef::Decimal => true,
            TypeRef::Array(t) | TypeRef::Map(t) | TypeRef::Nullable(t) => self.contains_decimal(t),
            _ => false,
        }
    }

    /// Whether a value of `ty` has a text form (see [`TypeFacts::displayable`]).
    pub fn is_displayable(&self, ty: &TypeRef) -> bool {
        match ty {
            TypeRef::Named(n) => self.get(n).is_some_and(|t| t.facts.displayable),
            other => is_displayable_scalar(other),
        }
    }

    /// Whether `ty` is free-form JSON, through aliases.
    pub fn is_any(&self, ty: &TypeRef) -> bool {
        matches!(self.resolve(ty), TypeRef::Any)
    }

    /// Whether `ty` is a string, through aliases.
    pub fn is_string(&self, ty: &TypeRef) -> bool {
        matches!(self.resolve(ty), TypeRef::String)
    }
}

/// Facts about a named type, decided once by lowering's passes.
#[derive(Debug, Clone, Default)]
pub struct TypeFacts {
    /// It can derive `Eq` and `Hash`: nothing in it, at any depth, is a float.
    pub eq: bool,
    /// For an alias: what it finally stands for (aliases of aliases followed).
    pub alias_of: Option<TypeRef>,
    /// It has a text form (`Display`), as a path, query or header parameter needs: enums,
    /// aliases of scalars, and unions whose every member has one.
    pub displayable: bool,
    /// For an answer's envelope that nothing but the answers it wraps uses: the payload's
    /// type. The client hands callers the payload, so the envelope type is not emitted.
    pub unwrapped_to: Option<TypeRef>,
}

/// The token call, as the runtime's token cache makes it.
#[derive(Debug, Clone)]
pub struct TokenEndpoint {
    pub operation_id: String,
    pub path: String,
    /// Every form field sent, in spec order, and what fills it.
    pub form: Vec<(String, FormValue)>,
    /// The answer's member holding the bearer token.
    pub token: TokenField,
    /// The answer's member holding the token's lifetime in seconds.
    pub expires_in: Option<TokenField>,
}

/// What fills one form field of the token call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FormValue {
    Credential(CredentialPart),
    /// A one-value enum field, e.g. `grant_type: password`.
    Constant(String),
}

/// A part of the caller's credentials.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CredentialPart {
    Username,
    Password,
    ClientId,
    ClientSecret,
}

/// A member of the token answer, under its wire name or an alias.
#[derive(Debug, Clone)]
pub struct TokenField {
    pub wire: String,
    pub aliases: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct Server {
    /// A constant name such as `SANDBOX`, from `x-name` or the description.
    pub const_name: String,
    pub url: String,
    pub description: Option<String>,
}

/// A reference to a Rust type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TypeRef {
    String,
    /// A `format: password` string member: held in the runtime's `Secret`, which never
    /// prints its value.
    Secret,
    Boolean,
    I32,
    I64,
    F32,
    F64,
    /// `type: number` without a float format: an exact decimal, written as a JSON number.
    Decimal,
    /// A schema that allows anything: `serde_json::Value`.
    Any,
    /// A named type from `types`.
    Named(String),
    Array(Box<TypeRef>),
    /// `additionalProperties`: a string-keyed map, ordered for deterministic output.
    Map(Box<TypeRef>),
    /// A `nullable` array item or map value: `Option<T>`. (Nullable *fields* are marked on
    /// the [`Field`] instead, so that absent and `null` can be told apart.)
    Nullable(Box<TypeRef>),
    /// No body at all (e.g. a 204 answer).
    Unit,
    /// Raw bytes: a binary request body (`Vec<u8>`).
    Bytes,
    /// A file in a `multipart/form-data` body: bytes with a file name and media type.
    File,
}

#[derive(Debug, Clone)]
pub struct TypeDef {
    pub name: String,
    /// JSON pointer of the schema the type comes from.
    pub source: String,
    pub doc: Option<String>,
    pub example: Option<Value>,
    pub deprecated: bool,
    pub kind: TypeKind,
    /// Facts emission reads (equality, alias target, text form), decided by lowering.
    pub facts: TypeFacts,
    /// Reached from a request: the client encodes it (as a parameter, a body or a body's
    /// member). Decided by lowering's usage pass.
    pub sent: bool,
    /// Built by callers: reached from an input they give (a parameter, a whole body, or a
    /// member of a body the builder spreads into setters), so it has `new` (or `Default`).
    /// A type no caller builds (a response type, a shared schema no operation sends, a body
    /// built from the setters' values) is `#[non_exhaustive]`: the next field the server
    /// adds is not a breaking change. Decided by lowering's usage pass.
    pub built_by_callers: bool,
}

#[derive(Debug, Clone)]
pub enum TypeKind {
    Struct(Struct),
    /// A string enum; it always decodes unknown values into an `Unknown(String)` variant.
    StringEnum(Vec<Variant<String>>),
    /// An integer enum; unknown values decode into `Unknown(i64)`.
    IntEnum(Vec<Variant<i64>>),
    /// `oneOf`/`anyOf`: an untagged enum, tried in order.
    Union(Vec<UnionVariant>),
    /// A named schema that is a primitive, array or map: `pub type Name = …;`.
    Alias(TypeRef),
    /// An array or map schema that contains itself (`Tree: {type: array, items: {$ref:
    /// Tree}}`): a type alias cannot, so it becomes `pub struct Name(pub Vec<Name>);`,
    /// transparent on the wire.
    Newtype(TypeRef),
}

#[derive(Debug, Clone)]
pub struct Struct {
    pub fields: Vec<Field>,
    /// The catch-all field for properties the spec does not list, and its value type
    /// (`Any` for free-form extras, a typed map for `additionalProperties: {schema}`).
    /// Present even for `additionalProperties: false`: a newer server may add a property,
    /// and decoding then re-encoding must not drop it.
    pub extra: Option<(String, TypeRef)>,
    /// From `x-envelope`: which fields carry the result code, message and payload.
    pub envelope: Option<EnvelopeFields>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvelopeFields {
    /// The member names that may carry each part, in order of preference: a server that
    /// spells the payload `paylod` on one page (`payload: [payload, paylod]`).
    pub code: Vec<String>,
    pub message: Vec<String>,
    pub payload: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct Field {
    pub rust: String,
    pub wire: String,
    /// Other wire names accepted when decoding (`x-aliases`).
    pub aliases: Vec<String>,
    pub ty: TypeRef,
    pub required: bool,
    pub nullable: bool,
    /// `format: password`: redacted in `Debug` output.
    pub secret: bool,
    /// Boxed because the type contains itself through this field.
    pub boxed: bool,
    /// How many `Option` layers the field has; decided by lowering's passes.
    pub optionality: Optionality,
    pub doc: Option<String>,
    pub example: Option<Value>,
    pub deprecated: bool,
    pub constraints: Constraints,
}

/// How many `Option` layers a field has: none when required, one when optional *or*
/// nullable, two when optional *and* nullable (absent, `null` and a value all differ). A
/// free-form value (`serde_json::Value`) holds `null` itself, so `nullable` adds no layer
/// there.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Optionality {
    #[default]
    Required,
    Optional,
    OptionalNullable,
}

impl Optionality {
    /// The layers for a field that is `required` or not, and `nullable` (and not free-form).
    pub fn of(required: bool, nullable: bool) -> Self {
        match (required, nullable) {
            (true, false) => Optionality::Required,
            (true, true) | (false, false) => Optionality::Optional,
            (false, true) => Optionality::OptionalNullable,
        }
    }
}

/// Checks the client runs before sending, from the spec's validation keywords.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Constraints {
    pub pattern: Option<String>,
    /// Why `pattern` cannot be checked by the client (`regex-lite` has no
    /// look-around or backreferences); it is then documented but not checked, and the
    /// server remains the judge.
    pub pattern_unchecked: Option<String>,
    pub min_length: Option<usize>,
    pub max_length: Option<usize>,
}

impl Constraints {
    pub fn is_empty(&self) -> bool {
        self.pattern.is_none() && self.min_length.is_none() && self.max_length.is_none()
    }
}

#[derive(Debug, Clone)]
pub struct Variant<T> {
    pub rust: String,
    pub wire: T,
}

#[derive(Debug, Clone)]
pub struct UnionVariant {
    pub rust: String,
    pub ty: TypeRef,
    /// Held in a `Box`: a struct member, so the union stays as small as its largest
    /// scalar member (clippy's `large_enum_variant`) and can contain itself.
    pub boxed: bool,
}

/// A piece of a path template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathPart {
    /// Sent as written.
    Text(String),
    /// Filled by the `n`th path input (the operation's first inputs are its path
    /// parameters, in the path's order), encoded.
    Param(usize),
}

#[derive(Debug, Clone)]
pub struct Operation {
    /// The spec's `operationId`, or one made from the method and path.
    pub id: String,
    /// `snake_case` method name on `Client`.
    pub fn_name: String,
    /// `UpperCamelCase` builder type name; also the snake name of its marker module.
    pub builder: String,
    pub method: String,
    pub path: String,
    pub summary: Option<String>,
    pub description: Option<String>,
    pub deprecated: bool,
    /// `path` in pieces, as the request's path is made from it.
    pub path_parts: Vec<PathPart>,
    pub body: Option<Body>,
    pub response: ResponseSpec,
    pub security: Vec<Security>,
    /// Whether the runtime may resend the request; see [`RetryKind`].
    pub retry: RetryKind,
    /// `x-idempotency-key`: the required body field whose value identifies a write.
    pub idempotency_key: Option<IdempotencyKeyField>,
    /// `x-outcome-lookup`: the `operationId` that tells whether a write whose answer was
    /// lost happened; validated to name an operation of the spec.
    pub outcome_lookup: Option<String>,
    /// Everything the builder collects, in order: path parameters (positional), query and
    /// header parameters, then the body's fields (or the whole body).
    pub inputs: Vec<Input>,
}

/// Where an input goes in the request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputKind {
    Path,
    Query,
    Header,
    /// A field of the body struct.
    BodyField,
    /// The whole body, set at once.
    WholeBody,
}

/// One input an operation's builder collects.
#[derive(Debug, Clone)]
pub struct Input {
    /// The setter's (and builder field's) name.
    pub name: String,
    pub wire: String,
    pub kind: InputKind,
    pub ty: TypeRef,
    pub required: bool,
    /// How a query parameter is written ([`QueryEncoding::Scalar`] for any other input).
    pub query: QueryEncoding,
    pub doc: Option<String>,
    pub constraints: Constraints,
    /// An example value for doc examples: the body example's member, else the field's.
    pub example: Option<Value>,
    /// For a body field: its index in the operation's `body.fields`.
    pub body_field: Option<usize>,
    /// For a field of a `multipart/form-data` body: how it is written as a part.
    pub part: Option<PartKind>,
    /// The spec marks the parameter or body member deprecated: its setter is
    /// `#[deprecated]`, so a caller who sets it hears of it.
    pub deprecated: bool,
}

/// How a field of a `multipart/form-data` body is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PartKind {
    /// A text part: a string, or a scalar's text form.
    Text,
    /// One text part per item of a list of scalars.
    Texts,
    /// A part holding the value as JSON (`Content-Type: application/json`): objects, and
    /// lists of them.
    Json,
    /// A file part.
    File,
    /// One file part per file of a list.
    Files,
}

impl Input {
    /// Whether the builder can track the input in its typestate: required and not
    /// positional (see [`Operation::typestate_slots`]).
    pub fn in_typestate(&self) -> bool {
        self.required && self.kind != InputKind::Path
    }
}

/// How many required inputs a builder's state tracks: the runtime's `typestate::Fill` is
/// implemented for state tuples up to this length. A required input beyond it is checked
/// when the request is built instead (`Error::InvalidRequest` naming it).
pub const TYPESTATE_SLOTS: usize = 24;

impl Operation {
    /// For each input, in order, its slot in the builder's state tuple: the required,
    /// non-positional inputs numbered from 0, up to [`TYPESTATE_SLOTS`] of them.
    pub fn typestate_slots(&self) -> Vec<Option<usize>> {
        let mut slots = 0..TYPESTATE_SLOTS;
        self.inputs
            .iter()
            .map(|i| if i.in_typestate() { slots.next() } else { None })
            .collect()
    }
}

/// The body field named by `x-idempotency-key`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdempotencyKeyField {
    pub wire: String,
    /// The builder setter (and input) holding it.
    pub setter: String,
}

/// How the runtime may resend an operation (`crate::request::RetryClass` in the client).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RetryKind {
    /// GET/HEAD/OPTIONS, or declared `x-idempotent: true` (the token call).
    Idempotent,
    /// A write with an `x-idempotency-key`: resent only when the caller opts in, since
    /// the key's de-duplication is the server's promise, not ours.
    KeyedWrite,
    /// Any other write: never resent once it may have reached the server.
    NonIdempotent,
}

/// How a query parameter is written: OpenAPI 3.0's serialization table for its `style`,
/// `explode` and type, decided in lowering.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueryEncoding {
    /// `name=value`.
    Scalar,
    /// A list, one `name=item` pair per item (`form`, exploded).
    Repeated,
    /// A list in one pair, its items joined by the separator: `,` (`form`), ` `
    /// (`spaceDelimited`), `|` (`pipeDelimited`).
    Joined(&'static str),
    /// An object (or a union with one): `name[member]=value` (`deepObject`); a list,
    /// which OpenAPI leaves undefined there, as `name[0]=item`.
    DeepObject,
    /// An object: `member=value`, one pair each (`form`, exploded).
    ExplodedObject,
    /// An object: `name=member,value,…` (`form`, not exploded).
    JoinedObject,
    /// A list of objects or lists in `form` style, which OpenAPI leaves undefined:
    /// `name=<the list as JSON>`.
    JsonText,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyEncoding {
    Json,
    Form,
    /// `multipart/form-data`: one part per field.
    Multipart,
    /// Sent as given, with the media type the spec names (`application/octet-stream`,
    /// `image/jpeg`, `text/plain`): bytes, or a string for `text/*`.
    Raw,
}

#[derive(Debug, Clone)]
pub struct Body {
    pub encoding: BodyEncoding,
    /// The media type sent as `Content-Type`, e.g. `application/json`.
    pub media: String,
    pub required: bool,
    pub ty: TypeRef,
    /// How the builder takes it: its members as setters, or whole.
    pub shape: BodyShape,
    pub example: Option<Value>,
    /// For a `multipart/form-data` body: how each spread member is written, in their order.
    pub parts: Vec<PartKind>,
}

/// How a builder takes its request body.
#[derive(Debug, Clone)]
pub enum BodyShape {
    /// A named struct (`name`, a type of the model) whose fields are the builder's
    /// setters, `setters[k]` naming the setter of its `k`th field; the client builds the
    /// struct from them, its catch-all (`extra`) empty.
    Spread { name: String, setters: Vec<String> },
    /// One `body` setter for the whole value.
    Whole,
}

/// The struct named `name` among `types` (`None` when that type is not a struct).
pub fn struct_named<'a>(types: &'a [TypeDef], name: &str) -> Option<&'a Struct> {
    match types.iter().find(|t| t.name == name).map(|t| &t.kind) {
        Some(TypeKind::Struct(s)) => Some(s),
        _ => None,
    }
}

impl Body {
    /// When the builder spreads the body: the struct it builds (looked up in `types`),
    /// whose fields, in its order, the setters named in [`BodyShape::Spread`] fill.
    pub fn spread<'a>(&self, types: &'a [TypeDef]) -> Option<&'a Struct> {
        let BodyShape::Spread { name, .. } = &self.shape else {
            return None;
        };
        struct_named(types, name)
    }

    /// The spread body's fields, each with its setter's name, in the struct's order.
    pub fn setters<'a>(&'a self, types: &'a [TypeDef]) -> Option<Vec<(&'a str, &'a Field)>> {
        let (BodyShape::Spread { setters, .. }, Some(s)) = (&self.shape, self.spread(types)) else {
            return None;
        };
        Some(setters.iter().map(String::as_str).zip(&s.fields).collect())
    }
}

#[derive(Debug, Clone)]
pub struct ResponseSpec {
    /// The type of the whole success body.
    pub ty: TypeRef,
    /// When the body is an envelope, the fields and the payload's type.
    pub envelope: Option<(EnvelopeFields, TypeRef)>,
    /// The spec's example of the whole success body.
    pub example: Option<Value>,
    /// The example of what `send()` returns: the envelope's payload member, else the
    /// whole example.
    pub payload_example: Option<Value>,
    /// What the success answer is: JSON, or handed over as text or bytes, or any of
    /// those as the server chose.
    pub media: AnswerMedia,
    /// For a [`AnswerMedia::Negotiated`] answer: the `Accept` header, every media type
    /// the spec lists for it, in its order.
    pub accept: Option<String>,
    /// The error answers the spec describes with a JSON body of an emitted named type,
    /// for an answer without an envelope (an enveloped failure is an `Error::Api`): what
    /// the body of an `Error::Http` reads as. In the spec's order, one entry per type.
    pub errors: Vec<ErrorAnswer>,
}

/// Error answers that share a body type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorAnswer {
    /// The statuses, as the spec writes them (`404`, `4XX`, `default`).
    pub statuses: Vec<String>,
    /// The body's type.
    pub type_name: String,
}

/// What a success answer is, from its media type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AnswerMedia {
    /// `application/json`, `…+json`: decoded into [`ResponseSpec::ty`].
    Json,
    /// `text/*`: a `String`.
    Text,
    /// Any other (`application/octet-stream`, `application/pdf`, `image/*`…): the bytes.
    Binary,
    /// Media types of more than one of those kinds (JSON or a PDF): the one the server
    /// sent, JSON decoded into [`ResponseSpec::ty`] (`Unit` when none is JSON).
    Negotiated,
}

impl ResponseSpec {
    /// What `send()` returns: the payload when enveloped, else the whole body.
    pub fn payload(&self) -> &TypeRef {
        self.envelope.as_ref().map(|(_, ty)| ty).unwrap_or(&self.ty)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Security {
    Bearer,
    Basic,
    ApiKeyHeader(String),
}

/// Whether a scalar type has a text form (named types carry the fact in [`TypeFacts`]).
pub fn is_displayable_scalar(ty: &TypeRef) -> bool {
    matches!(
        ty,
        TypeRef::String
            | TypeRef::Boolean
            | TypeRef::I32
            | TypeRef::I64
            | TypeRef::F32
            | TypeRef::F64
            | TypeRef::Decimal
    )
}
