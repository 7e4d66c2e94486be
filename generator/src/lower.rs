//! Lowering: the parsed spec in, the [`Api`] model out.
//!
//! This is where every spec construct gets its meaning: `$ref`s are followed, `allOf`s
//! merged, inline schemas named after where they sit, and every construct the generator
//! cannot express faithfully is reported at its JSON pointer instead of being guessed at.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use openapiv3::{
    APIKeyLocation, AdditionalProperties, IntegerFormat, NumberFormat, OpenAPI, Parameter,
    ParameterSchemaOrContent, ReferenceOr, Schema, SchemaKind, SecurityScheme, StatusCode,
    StringFormat, Type, VariantOrUnknownOrEmpty,
};
use serde_json::Value;

use crate::diagnostics::{Diagnostics, Pointer};
use crate::model::*;
use crate::naming::{self, Scope};
use crate::resolve::{self, SchemaRef};

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
/// `Client` methods that generated operations must not shadow.
const RESERVED_CLIENT_FNS: &[&str] = &["builder", "execute", "config", "clone", "base_url"];
/// Builder methods every operation has, and the builder's own fields and the locals its
/// `send` uses: an input with one of these names gets a `_2` suffix.
const RESERVED_BUILDER_FNS: &[&str] = &[
    "send",
    "send_with_response",
    "timeout",
    "max_retries",
    "resend_keyed_write",
    "request",
    "idempotency_key",
    "new",
    "client",
    "options",
    "query",
    "headers",
    "body",
];

pub fn lower(spec: &OpenAPI) -> Result<Api, Diagnostics> {
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
    let operations = l.lower_operations();
    l.check_outcome_lookups(&operations);
    l.mark_recursive_fields();
    l.mark_decode_only(&operations);
    let token_endpoint = l.token_endpoint(&operations);
    l.break_alias_cycles();
    let servers = l.lower_servers();
    if !l.diags.is_empty() {
        return Err(l.diags);
    }
    Ok(Api {
        crate_name: crate_name(&spec.info),
        title: spec.info.title.clone(),
        version: spec.info.version.clone(),
        description: spec.info.description.clone(),
        servers,
        types: l.types,
        operations,
        schema_index: l.index,
        token_endpoint,
    })
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
    // ----- components -------------------------------------------------------------

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
        found.map_err(|e| self.diags.push(at.as_str(), e)).ok()
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
            decode_only: false,
        });
    }

    // ----- schemas -----------------------------------------------------------------

    /// Defines the named type `name` for `schema`.
    fn define(&mut self, name: String, schema: &'a Schema, pointer: &Pointer) {
        let data = &schema.schema_data;
        let doc = doc_of(data.title.as_deref(), data.description.as_deref());
        let example = data.example.clone();
        let kind = match self.shape(schema) {
            Shape::Object => TypeKind::Struct(self.object(&name, schema, pointer)),
            Shape::StringEnum => TypeKind::StringEnum(string_variants(schema)),
            Shape::IntEnum => TypeKind::IntEnum(int_variants(schema)),
            Shape::Union => TypeKind::Union(self.union(&name, schema, pointer)),
            Shape::Plain => TypeKind::Alias(self.plain(&name, schema, pointer)),
        };
        self.push_type(name, pointer, doc, example, data.deprecated, kind);
    }

    fn shape(&mut self, schema: &Schema) -> Shape {
        match &schema.schema_kind {
            SchemaKind::Type(Type::Object(o)) if !o.properties.is_empty() => Shape::Object,
            SchemaKind::Type(Type::String(s)) if s.enumeration.iter().any(Option::is_some) => {
                Shape::StringEnum
            }
            SchemaKind::Type(Type::Integer(i)) if i.enumeration.iter().any(Option::is_some) => {
                Shape::IntEnum
            }
            _ if wrapped(schema).is_some() => Shape::Plain,
            // Nothing but annotations: free-form.
            SchemaKind::AllOf { all_of }
                if all_of
                    .iter()
                    .all(|m| matches!(m, ReferenceOr::Item(s) if is_annotation_item(s))) =>
            {
                Shape::Plain
            }
            SchemaKind::AllOf { .. } => Shape::Object,
            SchemaKind::Any(a)
                if !a.all_of.is_empty()
                    && a.typ.is_none()
                    && a.properties.is_empty()
                    && a.all_of
                        .iter()
                        .all(|m| matches!(m, ReferenceOr::Item(s) if is_annotation_item(s))) =>
            {
                Shape::Plain
            }
            // `type: object` beside an `allOf`: the members are the object's parts.
            SchemaKind::Any(a)
                if !a.all_of.is_empty()
                    && matches!(a.typ.as_deref(), None | Some("object"))
                    && a.one_of.is_empty()
                    && a.any_of.is_empty() =>
            {
                Shape::Object
            }
            SchemaKind::OneOf { .. } | SchemaKind::AnyOf { .. } => Shape::Union,
            SchemaKind::Any(a)
                if a.all_of.len() > 1 || (!a.all_of.is_empty() && !a.properties.is_empty()) =>
            {
                Shape::Object
            }
            SchemaKind::Any(a) if !a.one_of.is_empty() || !a.any_of.is_empty() => Shape::Union,
            SchemaKind::Any(a) if !a.properties.is_empty() => Shape::Object,
            SchemaKind::Any(a)
                if !a.enumeration.is_empty()
                    && matches!(a.typ.as_deref(), None | Some("string"))
                    && a.enumeration.iter().all(|v| v.is_string() || v.is_null()) =>
            {
                Shape::StringEnum
            }
            _ => Shape::Plain,
        }
    }

    /// The type of a schema position, defining a named type for it when it needs one.
    /// `context` names that type (e.g. `RewardCardCardStatus`).
    fn type_ref(&mut self, at: SchemaRef<'a>, context: &str, pointer: &Pointer) -> TypeRef {
        let ty = self.type_ref_inner(at, context, pointer);
        // A nullable position holds `null` too (the field or item around it is an `Option`).
        let indexed = self.maybe_null(at, ty.clone());
        self.index.push((pointer.to_string(), indexed));
        ty
    }

    fn type_ref_inner(&mut self, at: SchemaRef<'a>, context: &str, pointer: &Pointer) -> TypeRef {
        let schema = match at {
            SchemaRef::Ref(reference) => {
                return match resolve::component_name(reference, "schemas") {
                    Ok(key) => match self.components.get(key) {
                        Some(name) => TypeRef::Named(name.clone()),
                        None => {
                            self.diags.push(
                                pointer.as_str(),
                                format!("`{reference}` points at nothing: no schema named `{key}`"),
                            );
                            TypeRef::Any
                        }
                    },
                    Err(e) => {
                        self.diags.push(pointer.as_str(), e);
                        TypeRef::Any
                    }
                };
            }
            SchemaRef::Inline(schema) => schema,
        };
        if let Some(known) = self.memo.get(pointer) {
            return known.clone();
        }
        let ty = match self.shape(schema) {
            Shape::Plain => self.plain(context, schema, pointer),
            _ => {
                let name = self.type_scope.claim(&naming::type_name(context));
                self.define(name.clone(), schema, pointer);
                TypeRef::Named(name)
            }
        };
        self.memo.insert(pointer.clone(), ty.clone());
        ty
    }

    /// Whether `null` is a valid value at a schema position: `nullable: true` on the
    /// schema, on the schema a `$ref` points at, or on an `allOf` wrapper's one real
    /// member (`allOf: [$ref]`) or annotation members, followed through any chain.
    fn is_nullable(&self, at: SchemaRef<'a>) -> bool {
        let mut at = at;
        for _ in 0..32 {
            let schema = match at {
                SchemaRef::Inline(s) => s,
                SchemaRef::Ref(r) => match self
                    .spec
                    .components
                    .as_ref()
                    .map(|c| resolve::follow(&c.schemas, "schemas", r))
                {
                    Some(Ok((s, _))) => s,
                    _ => return false,
                },
            };
            if schema.schema_data.nullable {
                return true;
            }
            let Some((_, member)) = wrapped(schema) else {
                return false;
            };
            // `allOf: [{$ref: X}, {nullable: true}]`: an annotation member can say it too.
            let members = match &schema.schema_kind {
                SchemaKind::AllOf { all_of } => all_of.as_slice(),
                SchemaKind::Any(a) => a.all_of.as_slice(),
                _ => &[],
            };
            if members.iter().any(|m| matches!(m, ReferenceOr::Item(m) if is_annotation_item(m) && m.schema_data.nullable)) {
                return true;
            }
            at = member.as_ref_schema();
        }
        false
    }

    /// `ty` as an `Option` when the schema at `at` is nullable (for array items and map
    /// values; fields record nullability themselves).
    fn maybe_null(&self, at: SchemaRef<'a>, ty: TypeRef) -> TypeRef {
        if self.is_nullable(at) && ty != TypeRef::Any {
            TypeRef::Nullable(Box::new(ty))
        } else {
            ty
        }
    }

    /// Primitives, arrays, maps and free-form values.
    fn plain(&mut self, context: &str, schema: &'a Schema, pointer: &Pointer) -> TypeRef {
        if let SchemaKind::Any(a) = &schema.schema_kind {
            self.check_enum_values(a.typ.as_deref(), &a.enumeration, pointer);
        }
        match &schema.schema_kind {
            SchemaKind::Type(Type::String(s)) => {
                if let VariantOrUnknownOrEmpty::Item(StringFormat::Binary) = s.format {
                    self.diags.push(
                        pointer.as_str(),
                        "`format: binary` strings are not supported: only JSON and form bodies are generated",
                    );
                }
                TypeRef::String
            }
            SchemaKind::Type(Type::Boolean(_)) => TypeRef::Boolean,
            SchemaKind::Type(Type::Integer(i)) => match i.format {
                VariantOrUnknownOrEmpty::Item(IntegerFormat::Int32) => TypeRef::I32,
                _ => TypeRef::I64,
            },
            SchemaKind::Type(Type::Number(n)) => match n.format {
                VariantOrUnknownOrEmpty::Item(NumberFormat::Float) => TypeRef::F32,
                VariantOrUnknownOrEmpty::Item(NumberFormat::Double) => TypeRef::F64,
                _ => TypeRef::Decimal,
            },
            SchemaKind::Type(Type::Array(a)) => match &a.items {
                Some(items) => {
                    let item = self.type_ref(
                        items.into(),
                        &format!("{context}Item"),
                        &pointer.key("items"),
                    );
                    TypeRef::Array(Box::new(self.maybe_null(items.into(), item)))
                }
                None => {
                    self.diags.push(pointer.as_str(), "an array needs `items`");
                    TypeRef::Array(Box::new(TypeRef::Any))
                }
            },
            SchemaKind::Type(Type::Object(o)) => {
                self.map_of(context, o.additional_properties.as_ref(), pointer)
            }
            SchemaKind::AllOf { all_of } => match wrapped(schema) {
                // An allOf with one real member is the usual way to annotate a `$ref`.
                Some((i, member)) => {
                    let ty = self.type_ref(
                        member.as_ref_schema(),
                        context,
                        &pointer.key("allOf").key(i),
                    );
                    self.index_annotations(all_of, pointer, &ty);
                    ty
                }
                None => {
                    self.index_annotations(all_of, pointer, &TypeRef::Any);
                    TypeRef::Any
                }
            },
            SchemaKind::Not { .. } => {
                self.diags.push(
                    pointer.as_str(),
                    "`not` schemas are not supported: Rust types cannot express exclusion",
                );
                TypeRef::Any
            }
            SchemaKind::Any(a) => match a.typ.as_deref() {
                Some("string") => TypeRef::String,
                Some("boolean") => TypeRef::Boolean,
                Some("integer") if a.format.as_deref() == Some("int32") => TypeRef::I32,
                Some("integer") => TypeRef::I64,
                Some("number") => match a.format.as_deref() {
                    Some("float") => TypeRef::F32,
                    Some("double") => TypeRef::F64,
                    _ => TypeRef::Decimal,
                },
                Some("array") => match &a.items {
                    Some(items) => {
                        let item = self.type_ref(
                            items.into(),
                            &format!("{context}Item"),
                            &pointer.key("items"),
                        );
                        TypeRef::Array(Box::new(self.maybe_null(items.into(), item)))
                    }
                    None => TypeRef::Array(Box::new(TypeRef::Any)),
                },
                Some("object") => self.map_of(context, a.additional_properties.as_ref(), pointer),
                Some(other) => {
                    self.diags.push(
                        pointer.key("type").as_str(),
                        format!("unknown type `{other}`"),
                    );
                    TypeRef::Any
                }
                None if wrapped(schema).is_some() => {
                    let (i, member) = wrapped(schema).expect("checked");
                    let ty = self.type_ref(
                        member.as_ref_schema(),
                        context,
                        &pointer.key("allOf").key(i),
                    );
                    self.index_annotations(&a.all_of, pointer, &ty);
                    ty
                }
                None => {
                    self.index_annotations(&a.all_of, pointer, &TypeRef::Any);
                    TypeRef::Any
                }
            },
            // `shape` sends every other kind to a named type.
            _ => TypeRef::Any,
        }
    }

    /// `openapiv3` reads a schema as its `Any` kind when an `enum` value does not fit the
    /// declared `type` (`type: integer` listing `"ACTIVE"`). Such an enum would otherwise be
    /// dropped without a word, so each value that contradicts the type is reported.
    fn check_enum_values(&mut self, typ: Option<&str>, values: &[Value], pointer: &Pointer) {
        let fits = |v: &Value| match typ {
            Some("string") => v.is_string(),
            Some("integer") => v.is_i64() || v.is_u64(),
            Some("number") => v.is_number(),
            Some("boolean") => v.is_boolean(),
            // No type: only an all-string enum has a Rust type (a string enum).
            None => v.is_string(),
            Some(_) => true,
        };
        for (i, v) in values.iter().enumerate() {
            if !v.is_null() && !fits(v) {
                let message = match typ {
                    Some(t) => format!("enum value {v} does not match `type: {t}`"),
                    None => format!(
                        "enum value {v} is not a string; an enum without `type` must list strings, so add the `type` its values have"
                    ),
                };
                self.diags
                    .push(pointer.key("enum").key(i).as_str(), message);
            }
        }
    }

    /// An annotation-only `allOf` member (say, one carrying the `example`) stands for the
    /// wrapper's type in the schema index.
    fn index_annotations(
        &mut self,
        members: &[ReferenceOr<Schema>],
        pointer: &Pointer,
        ty: &TypeRef,
    ) {
        for (j, m) in members.iter().enumerate() {
            if matches!(m, ReferenceOr::Item(s) if is_annotation_item(s)) {
                self.index
                    .push((pointer.key("allOf").key(j).to_string(), ty.clone()));
            }
        }
    }

    fn map_of(
        &mut self,
        context: &str,
        additional: Option<&'a AdditionalProperties>,
        pointer: &Pointer,
    ) -> TypeRef {
        match additional {
            Some(AdditionalProperties::Schema(s)) => {
                let value = self.type_ref(
                    s.as_ref().into(),
                    &format!("{context}Value"),
                    &pointer.key("additionalProperties"),
                );
                TypeRef::Map(Box::new(self.maybe_null(s.as_ref().into(), value)))
            }
            _ => TypeRef::Map(Box::new(TypeRef::Any)),
        }
    }

    /// Collects properties, required names, extras and the envelope through `allOf`.
    fn collect(
        &mut self,
        schema: &'a Schema,
        pointer: &Pointer,
        parts: &mut ObjectParts<'a>,
        depth: usize,
    ) {
        if depth > 16 {
            self.diags.push(
                pointer.as_str(),
                "`allOf` nests more than 16 levels deep; is it circular?",
            );
            return;
        }
        let data = &schema.schema_data;
        if let Some(doc) = data.description.as_deref().and_then(public_doc) {
            parts.docs.push(doc);
        }
        if let Some(envelope) = data.extensions.get("x-envelope") {
            match envelope_fields(envelope) {
                Some(fields) => parts.envelope = Some((fields, pointer.key("x-envelope"))),
                None => self.diags.push(
                    pointer.key("x-envelope").as_str(),
                    "`x-envelope` must be an object with string fields `code`, `message` and `payload`",
                ),
            }
        }
        let add_props = |parts: &mut ObjectParts<'a>,
                         props: &'a indexmap::IndexMap<String, ReferenceOr<Box<Schema>>>,
                         required: &[String]| {
            for (wire, prop) in props {
                let at = pointer.key("properties").key(wire);
                match parts.props.iter_mut().find(|(w, _, _)| w == wire) {
                    // A later allOf member refines an earlier one's property.
                    Some(slot) => {
                        let earlier = std::mem::replace(slot, (wire.clone(), prop.into(), at));
                        parts.overridden.push((earlier.1, earlier.2));
                    }
                    None => parts.props.push((wire.clone(), prop.into(), at)),
                }
            }
            parts.required.extend(required.iter().cloned());
        };
        let mut members: &'a [ReferenceOr<Schema>] = &[];
        match &schema.schema_kind {
            SchemaKind::Type(Type::Object(o)) => {
                add_props(parts, &o.properties, &o.required);
                if let Some(ap) = &o.additional_properties {
                    parts.additional = Some((ap, pointer.key("additionalProperties")));
                }
            }
            SchemaKind::AllOf { all_of } => members = all_of,
            SchemaKind::Any(a) => {
                add_props(parts, &a.properties, &a.required);
                if let Some(ap) = &a.additional_properties {
                    parts.additional = Some((ap, pointer.key("additionalProperties")));
                }
                if !a.one_of.is_empty() || !a.any_of.is_empty() {
                    self.diags.push(pointer.as_str(), "an object that is also a `oneOf`/`anyOf` is not supported");
                }
                members = &a.all_of;
            }
            _ => self.diags.push(
                pointer.as_str(),
                "an `allOf` member must be an object schema; mixing objects with strings, arrays or unions is not supported",
            ),
        }
        for (i, member) in members.iter().enumerate() {
            let at = pointer.key("allOf").key(i);
            match resolve::schema(self.spec, member.into(), &at) {
                Ok((member, member_ptr)) => self.collect(member, &member_ptr, parts, depth + 1),
                Err(e) => self.diags.push(at.as_str(), e),
            }
        }
    }

    fn object(&mut self, name: &str, schema: &'a Schema, pointer: &Pointer) -> Struct {
        let mut parts = ObjectParts::default();
        self.collect(schema, pointer, &mut parts, 0);
        let mut scope = Scope::new();
        let mut fields = Vec::new();
        for (wire, at, prop_ptr) in &parts.props {
            let (prop_schema, rust_override) = match at {
                SchemaRef::Inline(s) => (Some(*s), s.schema_data.extensions.get("x-rust-name")),
                SchemaRef::Ref(_) => (None, None),
            };
            let rust = match rust_override {
                Some(Value::String(n)) => scope.claim(&naming::chosen_field_name(n)),
                Some(_) => {
                    self.diags.push(
                        prop_ptr.key("x-rust-name").as_str(),
                        "`x-rust-name` must be a string",
                    );
                    scope.claim(&naming::field_name(wire))
                }
                None => scope.claim(&naming::field_name(wire)),
            };
            let context = format!("{name}{}", naming::type_name(wire));
            let ty = self.type_ref(*at, &context, prop_ptr);
            let mut field = self.field(
                rust,
                wire.clone(),
                ty,
                parts.required.contains(wire),
                prop_schema,
                prop_ptr,
            );
            field.nullable = self.is_nullable(*at);
            fields.push(field);
        }
        // Index a redefined property's earlier schema too, when that needs no new type.
        for (at, prop_ptr) in &parts.overridden {
            let needs_type = match at {
                SchemaRef::Inline(s) => !matches!(self.shape(s), Shape::Plain),
                SchemaRef::Ref(_) => false,
            };
            if !needs_type {
                self.type_ref(*at, name, prop_ptr);
            }
        }
        for missing in parts
            .required
            .iter()
            .filter(|r| !parts.props.iter().any(|(w, _, _)| w == *r))
        {
            self.diags.push(
                pointer.key("required").as_str(),
                format!("`{missing}` is required but is not a property"),
            );
        }
        // `additionalProperties: false` still gets a free-form catch-all: the spec promises
        // no other properties *today*, and a newer server's answer must still round-trip.
        let extra = match parts.additional {
            Some((AdditionalProperties::Schema(s), at)) => {
                let ty = self.type_ref(s.as_ref().into(), &format!("{name}Value"), &at);
                let ty = self.maybe_null(s.as_ref().into(), ty);
                Some((scope.claim("extra"), ty))
            }
            _ => Some((scope.claim("extra"), TypeRef::Any)),
        };
        let envelope = parts.envelope.and_then(|(env, at)| {
            let known = |f: &str| parts.props.iter().any(|(w, _, _)| w == f);
            let missing: Vec<&str> = [&env.code, &env.message, &env.payload]
                .into_iter()
                .map(String::as_str)
                .filter(|f| !known(f))
                .collect();
            if missing.is_empty() {
                Some(env)
            } else {
                self.diags.push(
                    at.as_str(),
                    format!(
                        "names fields the schema does not have: {}",
                        missing.join(", ")
                    ),
                );
                None
            }
        });
        Struct {
            fields,
            extra,
            envelope,
        }
    }

    fn field(
        &mut self,
        rust: String,
        wire: String,
        ty: TypeRef,
        required: bool,
        schema: Option<&'a Schema>,
        pointer: &Pointer,
    ) -> Field {
        let data = schema.map(|s| &s.schema_data);
        let aliases = match data.and_then(|d| d.extensions.get("x-aliases")) {
            None => Vec::new(),
            Some(Value::Array(items)) if items.iter().all(Value::is_string) => items
                .iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect(),
            Some(_) => {
                self.diags.push(
                    pointer.key("x-aliases").as_str(),
                    "`x-aliases` must be a list of strings",
                );
                Vec::new()
            }
        };
        let secret = schema.is_some_and(is_password);
        Field {
            rust,
            wire,
            aliases,
            ty,
            required,
            nullable: data.is_some_and(|d| d.nullable),
            secret,
            boxed: false,
            doc: data.and_then(|d| doc_of(d.title.as_deref(), d.description.as_deref())),
            example: data.and_then(|d| d.example.clone()),
            deprecated: data.is_some_and(|d| d.deprecated),
            constraints: schema
                .map(|s| self.constraints(s, pointer))
                .unwrap_or_default(),
        }
    }

    fn constraints(&mut self, schema: &Schema, pointer: &Pointer) -> Constraints {
        let SchemaKind::Type(Type::String(s)) = &schema.schema_kind else {
            return Constraints::default();
        };
        let mut pattern_unchecked = None;
        if let Some(p) = &s.pattern
            && let Err(e) = regex_lite::Regex::new(p)
        {
            let text = e.to_string();
            // Valid ECMA-262 the client's regex engine cannot run (look-around,
            // backreferences, Unicode classes): documented, left to the server.
            if let Some(feature) = text
                .strip_suffix(" is not supported")
                .or_else(|| text.strip_suffix(" are not supported"))
            {
                pattern_unchecked = Some(format!(
                    "{feature} is beyond the client's regex engine (regex-lite)"
                ));
            } else {
                self.diags.push(
                    pointer.key("pattern").as_str(),
                    format!("pattern is not a valid regular expression: {text}"),
                );
            }
        }
        Constraints {
            pattern: s.pattern.clone(),
            pattern_unchecked,
            min_length: s.min_length,
            max_length: s.max_length,
        }
    }

    fn union(&mut self, name: &str, schema: &'a Schema, pointer: &Pointer) -> Vec<UnionVariant> {
        let (members, key): (&'a [ReferenceOr<Schema>], &str) = match &schema.schema_kind {
            SchemaKind::OneOf { one_of } => (one_of, "oneOf"),
            SchemaKind::AnyOf { any_of } => (any_of, "anyOf"),
            SchemaKind::Any(a) if !a.one_of.is_empty() => (&a.one_of, "oneOf"),
            SchemaKind::Any(a) => (&a.any_of, "anyOf"),
            _ => (&[], "oneOf"),
        };
        let mut scope = Scope::new();
        members
            .iter()
            .enumerate()
            .map(|(i, member)| {
                let ty = self.type_ref(
                    member.into(),
                    &format!("{name}Variant{}", i + 1),
                    &pointer.key(key).key(i),
                );
                // An inline member's `title` names its variant (`title: id` → `Id`).
                let title = match member {
                    ReferenceOr::Item(s) => s.schema_data.title.as_deref().map(naming::type_name),
                    ReferenceOr::Reference { .. } => None,
                };
                UnionVariant {
                    rust: scope.claim(&title.unwrap_or_else(|| variant_name(&ty))),
                    ty,
                }
            })
            .collect()
    }

    /// Boxes fields through which a type contains itself, so it has a finite size.
    /// Marks the types no request reaches (see [`TypeDef::decode_only`]).
    fn mark_decode_only(&mut self, operations: &[Operation]) {
        let index: HashMap<&str, usize> = self
            .types
            .iter()
            .enumerate()
            .map(|(i, t)| (t.name.as_str(), i))
            .collect();
        let reach = |roots: Vec<&TypeRef>| -> BTreeSet<usize> {
            let mut seen = BTreeSet::new();
            let mut todo: Vec<&str> = Vec::new();
            for root in roots {
                named_in(root, &mut todo);
            }
            while let Some(name) = todo.pop() {
                if let Some(&i) = index.get(name)
                    && seen.insert(i)
                {
                    for ty in type_refs(&self.types[i].kind) {
                        named_in(ty, &mut todo);
                    }
                }
            }
            seen
        };
        let requests = reach(
            operations
                .iter()
                .flat_map(|op| {
                    let params = op.path_params.iter().chain(&op.params).map(|p| &p.ty);
                    params.chain(op.body.iter().map(|b| &b.ty))
                })
                .collect(),
        );
        for (i, t) in self.types.iter_mut().enumerate() {
            t.decode_only = !requests.contains(&i);
        }
    }

    fn mark_recursive_fields(&mut self) {
        let index: HashMap<String, usize> = self
            .types
            .iter()
            .enumerate()
            .map(|(i, t)| (t.name.clone(), i))
            .collect();
        let edges: Vec<Vec<usize>> = self
            .types
            .iter()
            .map(|t| {
                direct_refs(&t.kind)
                    .iter()
                    .filter_map(|n| index.get(*n).copied())
                    .collect()
            })
            .collect();
        let component = strongly_connected(&edges);
        for (i, t) in self.types.iter_mut().enumerate() {
            if let TypeKind::Struct(s) = &mut t.kind {
                for f in &mut s.fields {
                    if let TypeRef::Named(n) = &f.ty
                        && let Some(&j) = index.get(n)
                    {
                        f.boxed = component[i] == component[j];
                    }
                }
            }
        }
    }

    /// A type alias that contains itself (through arrays or maps) is illegal Rust; such
    /// aliases become transparent newtypes. One that *is* itself, with no container in
    /// between (`A: {$ref: A}`), has no meaning and is reported.
    fn break_alias_cycles(&mut self) {
        fn named_in<'t>(ty: &'t TypeRef, out: &mut Vec<(&'t str, bool)>, contained: bool) {
            match ty {
                TypeRef::Named(n) => out.push((n, contained)),
                TypeRef::Array(t) | TypeRef::Map(t) | TypeRef::Nullable(t) => {
                    named_in(t, out, true)
                }
                _ => {}
            }
        }
        let aliases: HashMap<&str, &TypeRef> = self
            .types
            .iter()
            .filter_map(|t| {
                if let TypeKind::Alias(target) = &t.kind {
                    Some((t.name.as_str(), target))
                } else {
                    None
                }
            })
            .collect();
        let mut newtypes = Vec::new();
        for (&name, &target) in &aliases {
            // Depth-first through aliases only: does `name` reach itself, and through a container?
            let mut stack = Vec::new();
            named_in(target, &mut stack, false);
            let mut seen = BTreeSet::new();
            while let Some((n, contained)) = stack.pop() {
                if n == name {
                    newtypes.push((name.to_owned(), contained));
                    break;
                }
                if seen.insert((n, contained))
                    && let Some(next) = aliases.get(n)
                {
                    let mut more = Vec::new();
                    named_in(next, &mut more, contained);
                    stack.extend(more);
                }
            }
        }
        newtypes.sort();
        for (name, contained) in newtypes {
            let Some(t) = self.types.iter_mut().find(|t| t.name == name) else {
                continue;
            };
            if contained {
                if let TypeKind::Alias(target) = &t.kind {
                    t.kind = TypeKind::Newtype(target.clone());
                }
            } else {
                let source = t.source.clone();
                self.diags.push(source, "this schema is only a reference to itself (a `$ref`/`allOf` cycle with no object, array or map in it)");
            }
        }
    }

    // ----- operations ----------------------------------------------------------------

    /// The operation marked `x-token-endpoint`, checked against its body and answer; at most
    /// one may be.
    fn token_endpoint(&mut self, operations: &[Operation]) -> Option<TokenEndpoint> {
        let mut found = None;
        for (path, item) in self.spec.paths.iter() {
            let ReferenceOr::Item(item) = item else {
                continue;
            };
            for (method, op) in item.iter() {
                let Some(extension) = op.extensions.get("x-token-endpoint") else {
                    continue;
                };
                let at = Pointer::root()
                    .key("paths")
                    .key(path)
                    .key(method)
                    .key("x-token-endpoint");
                let Some(lowered) = operations
                    .iter()
                    .find(|o| o.path == *path && o.method == method)
                else {
                    continue;
                };
                if found.is_some() {
                    self.diags
                        .push(at.as_str(), "only one operation can be the token endpoint");
                    continue;
                }
                found = crate::token::token_endpoint(
                    lowered,
                    extension,
                    &self.types,
                    &at,
                    &mut self.diags,
                );
            }
        }
        found
    }

    /// Every `x-outcome-lookup` must name an operation of the spec.
    fn check_outcome_lookups(&mut self, operations: &[Operation]) {
        for op in operations {
            let Some(lookup) = &op.outcome_lookup else {
                continue;
            };
            if !operations.iter().any(|o| &o.id == lookup) {
                let ptr = Pointer::root()
                    .key("paths")
                    .key(&op.path)
                    .key(&op.method)
                    .key("x-outcome-lookup");
                self.diags.push(
                    ptr.as_str(),
                    format!("`{lookup}` is not the operationId of an operation in this spec"),
                );
            }
        }
    }

    fn lower_operations(&mut self) -> Vec<Operation> {
        let mut builders = Scope::with_reserved(RESERVED_TYPE_NAMES);
        let mut fns = Scope::with_reserved(RESERVED_CLIENT_FNS);
        let mut ops = Vec::new();
        for (path, item) in self.spec.paths.iter() {
            let item_ptr = Pointer::root().key("paths").key(path);
            let item = match item {
                ReferenceOr::Item(item) => item,
                ReferenceOr::Reference { .. } => {
                    self.diags.push(
                        item_ptr.as_str(),
                        "path item `$ref`s are not supported; inline the path item",
                    );
                    continue;
                }
            };
            for (method, op) in item.iter() {
                let op_ptr = item_ptr.key(method);
                let id = op
                    .operation_id
                    .clone()
                    .unwrap_or_else(|| format!("{method}_{path}"));
                let builder = builders.claim(&naming::type_name(&id));
                let fn_name = fns.claim(&naming::field_name(&id));
                let mut params = Vec::new();
                for (i, p) in item.parameters.iter().enumerate() {
                    params.push((p, item_ptr.key("parameters").key(i)));
                }
                for (i, p) in op.parameters.iter().enumerate() {
                    params.push((p, op_ptr.key("parameters").key(i)));
                }
                let lowered = self.operation(LowerOp {
                    id,
                    builder,
                    fn_name,
                    method,
                    path,
                    op,
                    op_ptr,
                    params,
                });
                ops.push(lowered);
            }
        }
        ops
    }

    fn operation(&mut self, o: LowerOp<'a, 'a>) -> Operation {
        let LowerOp {
            id,
            builder,
            fn_name,
            method,
            path,
            op,
            op_ptr,
            params,
        } = o;
        let mut names = Scope::with_reserved(RESERVED_BUILDER_FNS);
        let mut path_params: Vec<Param> = Vec::new();
        let mut other_params: Vec<Param> = Vec::new();
        // Operation-level parameters override path-level ones with the same name and place.
        let mut seen: BTreeMap<(String, &'static str), usize> = BTreeMap::new();
        for (param, at) in params {
            let Some((param, at)) = self.follow(param, at, "parameters", |c| &c.parameters) else {
                continue;
            };
            let (data, location) = match param {
                Parameter::Path { parameter_data, .. } => (parameter_data, ParamLocation::Path),
                Parameter::Query { parameter_data, .. } => (parameter_data, ParamLocation::Query),
                Parameter::Header { parameter_data, .. } => (parameter_data, ParamLocation::Header),
                Parameter::Cookie { .. } => {
                    self.diags
                        .push(at.as_str(), "cookie parameters are not supported");
                    continue;
                }
            };
            // OpenAPI: these three headers are described elsewhere and must be ignored here.
            if location == ParamLocation::Header
                && ["accept", "content-type", "authorization"]
                    .contains(&data.name.to_ascii_lowercase().as_str())
            {
                continue;
            }
            let schema = match &data.format {
                ParameterSchemaOrContent::Schema(s) => s,
                ParameterSchemaOrContent::Content(_) => {
                    self.diags.push(
                        at.key("content").as_str(),
                        "parameters described by `content` are not supported; use `schema`",
                    );
                    continue;
                }
            };
            let context = format!("{builder}{}", naming::type_name(&data.name));
            let ty = self.type_ref(schema.into(), &context, &at.key("schema"));
            self.index.push((at.to_string(), ty.clone()));
            let constraints = match resolve::schema(self.spec, schema.into(), &at.key("schema")) {
                Ok((s, p)) => self.constraints(s, &p),
                Err(_) => Constraints::default(),
            };
            // Parameters travel as text: an alias to an array is used as the array (so it
            // is written item by item), and `null` items have no text form.
            let ty = match self.resolve_alias(&ty) {
                TypeRef::Array(item) => match *item {
                    TypeRef::Nullable(inner) => TypeRef::Array(inner),
                    item => TypeRef::Array(Box::new(item)),
                },
                _ => ty,
            };
            self.check_scalar_param(&ty, location, &at);
            let explode = match param {
                Parameter::Query { parameter_data, .. } => parameter_data.explode.unwrap_or(true),
                _ => false,
            };
            let p = Param {
                wire: data.name.clone(),
                rust: String::new(),
                location,
                ty,
                required: data.required || location == ParamLocation::Path,
                explode,
                doc: data.description.as_deref().and_then(public_doc),
                constraints,
            };
            let key = (data.name.clone(), location_name(location));
            let list = if location == ParamLocation::Path {
                &mut path_params
            } else {
                &mut other_params
            };
            match seen.get(&key) {
                Some(&i) if i < list.len() && list[i].wire == p.wire => list[i] = p,
                _ => {
                    seen.insert(key, list.len());
                    list.push(p);
                }
            }
        }
        for p in path_params.iter_mut().chain(other_params.iter_mut()) {
            p.rust = names.claim(&naming::field_name(&p.wire));
        }
        for placeholder in placeholders(path) {
            if !path_params.iter().any(|p| p.wire == placeholder) {
                self.diags.push(
                    op_ptr.key("parameters").as_str(),
                    format!(
                        "the path has `{{{placeholder}}}` but no path parameter `{placeholder}`"
                    ),
                );
            }
        }
        let placeholders = placeholders(path);
        for p in &path_params {
            if !placeholders.contains(&p.wire) {
                self.diags.push(
                    op_ptr.key("parameters").as_str(),
                    format!("path parameter `{}` does not appear in the path", p.wire),
                );
            }
        }
        // Path parameters are positional, in the order they appear in the path.
        path_params.sort_by_key(|p| placeholders.iter().position(|w| *w == p.wire));

        let body = self.body(&builder, op, &op_ptr, &mut names);
        let response = self.response(&builder, op, &op_ptr);
        let security = self.security(op, &op_ptr);
        let idempotency_key = self.idempotency_key(op, &op_ptr, body.as_ref());
        let declared_idempotent = match op.extensions.get("x-idempotent") {
            None => false,
            Some(Value::Bool(b)) => *b,
            Some(_) => {
                self.diags.push(
                    op_ptr.key("x-idempotent").as_str(),
                    "`x-idempotent` must be true or false",
                );
                false
            }
        };
        let retry = if matches!(method, "get" | "head" | "options") || declared_idempotent {
            RetryKind::Idempotent
        } else if idempotency_key.is_some() {
            RetryKind::KeyedWrite
        } else {
            RetryKind::NonIdempotent
        };
        let outcome_lookup = match op.extensions.get("x-outcome-lookup") {
            None => None,
            Some(Value::String(id)) => Some(id.clone()),
            Some(_) => {
                self.diags.push(
                    op_ptr.key("x-outcome-lookup").as_str(),
                    "`x-outcome-lookup` must be an operationId",
                );
                None
            }
        };
        Operation {
            id,
            fn_name,
            builder,
            method: method.to_owned(),
            path: path.to_owned(),
            summary: op.summary.clone(),
            description: op.description.as_deref().and_then(public_doc),
            deprecated: op.deprecated,
            path_params,
            params: other_params,
            body,
            response,
            security,
            retry,
            idempotency_key,
            outcome_lookup,
        }
    }

    /// `x-idempotency-key`: it must name a required field of the body struct.
    fn idempotency_key(
        &mut self,
        op: &openapiv3::Operation,
        op_ptr: &Pointer,
        body: Option<&Body>,
    ) -> Option<IdempotencyKeyField> {
        let ptr = op_ptr.key("x-idempotency-key");
        let key = match op.extensions.get("x-idempotency-key")? {
            Value::String(key) => key,
            _ => {
                self.diags
                    .push(ptr.as_str(), "`x-idempotency-key` must name a body field");
                return None;
            }
        };
        let known = body
            .and_then(|b| b.fields.as_ref())
            .and_then(|f| f.iter().find(|(_, f)| &f.wire == key));
        match known {
            Some((setter, f)) if f.required => Some(IdempotencyKeyField {
                wire: key.clone(),
                setter: setter.clone(),
            }),
            Some(_) => {
                self.diags.push(ptr.as_str(), format!("`{key}` must be a required body field: an optional key cannot identify a write"));
                None
            }
            None => {
                self.diags.push(
                    ptr.as_str(),
                    format!("`{key}` is not a field of the request body"),
                );
                None
            }
        }
    }

    /// `ty` with named aliases followed.
    fn resolve_alias(&self, ty: &TypeRef) -> TypeRef {
        let mut ty = ty.clone();
        for _ in 0..=self.types.len() {
            match &ty {
                TypeRef::Named(n) => {
                    match self.types.iter().find(|t| &t.name == n).map(|t| &t.kind) {
                        Some(TypeKind::Alias(target)) => ty = target.clone(),
                        _ => return ty,
                    }
                }
                _ => return ty,
            }
        }
        ty
    }

    /// Whether a form field of type `ty` can be written by the form encoder
    /// (`serde_urlencoded`): scalars only, and not exact decimals, which serialise as a
    /// `serde_json` number token the form encoder does not know.
    fn form_value(&self, ty: &TypeRef) -> Result<(), &'static str> {
        match self.resolve_alias(ty) {
            TypeRef::String
            | TypeRef::Boolean
            | TypeRef::I32
            | TypeRef::I64
            | TypeRef::F32
            | TypeRef::F64 => Ok(()),
            TypeRef::Decimal => Err(
                "an exact decimal (`type: number` without a float `format`), which the form encoder cannot write yet; give it `format: double` or make it a string",
            ),
            TypeRef::Nullable(t) => self.form_value(&t),
            TypeRef::Array(_) => {
                Err("an array (exploded or delimited form arrays are not supported)")
            }
            TypeRef::Map(_) | TypeRef::Any => {
                Err("a free-form object (`deepObject` form encoding is not supported)")
            }
            TypeRef::Named(n) => match self.types.iter().find(|t| t.name == n).map(|t| &t.kind) {
                Some(TypeKind::StringEnum(_) | TypeKind::IntEnum(_)) => Ok(()),
                Some(TypeKind::Union(_)) => Err("a `oneOf`/`anyOf`"),
                _ => Err("an object (`deepObject` form encoding is not supported)"),
            },
            TypeRef::Unit => Err("empty"),
        }
    }

    /// Parameters are written with `Display`: scalars, enums and unions of them, and
    /// (outside the path) arrays of those.
    fn check_scalar_param(&mut self, ty: &TypeRef, location: ParamLocation, at: &Pointer) {
        let scalar = |ty: &TypeRef| is_displayable(&self.types, ty);
        let ok = match ty {
            TypeRef::Array(item) if location != ParamLocation::Path => scalar(item),
            TypeRef::Array(_) => {
                self.diags.push(
                    at.key("schema").as_str(),
                    "array-valued path parameters are not supported",
                );
                return;
            }
            other => scalar(other),
        };
        if !ok {
            self.diags.push(
                at.key("schema").as_str(),
                format!(
                    "object-valued {} parameters are not supported",
                    location_name(location)
                ),
            );
        }
    }

    fn body(
        &mut self,
        builder: &str,
        op: &'a openapiv3::Operation,
        op_ptr: &Pointer,
        names: &mut Scope,
    ) -> Option<Body> {
        let at = op_ptr.key("requestBody");
        let (body, at) = self.follow(op.request_body.as_ref()?, at, "requestBodies", |c| {
            &c.request_bodies
        })?;
        let Some((media, content, encoding)) = body
            .content
            .iter()
            .find_map(|(m, c)| media_encoding(m).map(|e| (m, c, e)))
        else {
            let found: Vec<&str> = body.content.keys().map(String::as_str).collect();
            self.diags.push(at.key("content").as_str(), format!("no supported media type (application/json or application/x-www-form-urlencoded) among: {}", found.join(", ")));
            return None;
        };
        let media_ptr = at.key("content").key(media);
        let ty = self.media_type(content, &media_ptr, &format!("{builder}Request"));
        let example = media_example(self.spec, content);
        let (fields, struct_name, extra_field) = match &ty {
            TypeRef::Named(n) => match self.types.iter().find(|t| &t.name == n).map(|t| &t.kind) {
                Some(TypeKind::Struct(s)) => {
                    // Setter names share the builder's namespace with parameters.
                    let fields = s.fields.iter().map(|f| (names.claim(&f.rust), f.clone()));
                    (
                        Some(fields.collect::<Vec<_>>()),
                        Some(n.clone()),
                        s.extra.as_ref().map(|(n, _)| n.clone()),
                    )
                }
                _ => (None, None, None),
            },
            _ => (None, None, None),
        };
        // (`body`, the whole-body setter's name, is reserved for it.)
        if encoding == BodyEncoding::Form {
            match &fields {
                // A free-form map (`type: object` with no properties) is sent as given.
                None if matches!(self.resolve_alias(&ty), TypeRef::Map(_)) => {}
                None => self.diags.push(
                    media_ptr.key("schema").as_str(),
                    "a form-urlencoded body must be an object schema",
                ),
                Some(fields) => {
                    let schema_ptr = self
                        .types
                        .iter()
                        .find(|t| Some(&t.name) == struct_name.as_ref())
                        .map(|t| t.source.clone())
                        .unwrap_or_else(|| media_ptr.key("schema").to_string());
                    for (_, f) in fields {
                        if let Err(why) = self.form_value(&f.ty) {
                            let at = Pointer::from_ref(&schema_ptr)
                                .unwrap_or_else(Pointer::root)
                                .key("properties")
                                .key(&f.wire);
                            self.diags.push(at.as_str(), format!("form field `{}` is {why}; a form-urlencoded body can only carry strings, integers, booleans, floats and enums", f.wire));
                        }
                    }
                }
            }
        }
        Some(Body {
            encoding,
            required: body.required,
            ty,
            fields,
            example,
            struct_name,
            extra_field,
        })
    }

    fn response(
        &mut self,
        builder: &str,
        op: &'a openapiv3::Operation,
        op_ptr: &Pointer,
    ) -> ResponseSpec {
        let mut success = None;
        let responses = op
            .responses
            .responses
            .iter()
            .map(|(code, r)| (code.to_string(), Some(code), r));
        let default = op
            .responses
            .default
            .iter()
            .map(|r| ("default".to_owned(), None, r));
        for (code, status, response) in responses.chain(default) {
            let at = op_ptr.key("responses").key(&code);
            let Some((response, at)) = self.follow(response, at, "responses", |c| &c.responses)
            else {
                continue;
            };
            let is_success = matches!(
                status,
                Some(StatusCode::Code(200..=299)) | Some(StatusCode::Range(2))
            );
            let suffix = if is_success {
                "Response".to_owned()
            } else {
                format!("Response{}", naming::type_name(&code))
            };
            let json = response
                .content
                .iter()
                .find(|(m, _)| media_encoding(m) == Some(BodyEncoding::Json));
            let ty = match json {
                Some((media, content)) => {
                    let media_ptr = at.key("content").key(media);
                    let ty = self.media_type(content, &media_ptr, &format!("{builder}{suffix}"));
                    Some((ty, media_example(self.spec, content)))
                }
                None if response.content.is_empty() => Some((TypeRef::Unit, None)),
                None => {
                    if is_success && success.is_none() {
                        let found: Vec<&str> =
                            response.content.keys().map(String::as_str).collect();
                        self.diags.push(
                            at.key("content").as_str(),
                            format!(
                                "no JSON media type among: {}; only JSON answers are supported",
                                found.join(", ")
                            ),
                        );
                    }
                    None
                }
            };
            if is_success && success.is_none() {
                success = ty;
            }
        }
        let (ty, example) = success.unwrap_or((TypeRef::Unit, None));
        let envelope = match &ty {
            TypeRef::Named(n) => {
                self.types
                    .iter()
                    .find(|t| &t.name == n)
                    .and_then(|t| match &t.kind {
                        TypeKind::Struct(s) => s.envelope.clone().map(|env| {
                            let payload = s
                                .fields
                                .iter()
                                .find(|f| f.wire == env.payload)
                                .map(|f| f.ty.clone())
                                .unwrap_or(TypeRef::Any);
                            (env, payload)
                        }),
                        _ => None,
                    })
            }
            _ => None,
        };
        ResponseSpec {
            ty,
            envelope,
            example,
        }
    }

    fn security(&mut self, op: &'a openapiv3::Operation, op_ptr: &Pointer) -> Vec<Security> {
        let (requirements, at) = match &op.security {
            Some(s) => (s, op_ptr.key("security")),
            None => match &self.spec.security {
                Some(s) => (s, Pointer::root().key("security")),
                None => return Vec::new(),
            },
        };
        // The first alternative is the one the client satisfies.
        let Some(first) = requirements.first() else {
            return Vec::new();
        };
        let schemes = self.spec.components.as_ref().map(|c| &c.security_schemes);
        let mut out = Vec::new();
        for name in first.keys() {
            let scheme = schemes.and_then(|s| s.get(name));
            match scheme {
                Some(ReferenceOr::Item(SecurityScheme::HTTP { scheme, .. })) if scheme.eq_ignore_ascii_case("bearer") => out.push(Security::Bearer),
                Some(ReferenceOr::Item(SecurityScheme::HTTP { scheme, .. })) if scheme.eq_ignore_ascii_case("basic") => out.push(Security::Basic),
                Some(ReferenceOr::Item(SecurityScheme::APIKey { location: APIKeyLocation::Header, name, .. })) => out.push(Security::ApiKeyHeader(name.clone())),
                Some(ReferenceOr::Item(SecurityScheme::OAuth2 { .. } | SecurityScheme::OpenIDConnect { .. })) => out.push(Security::Bearer),
                Some(ReferenceOr::Item(_)) => self.diags.push(at.key(0).key(name).as_str(), format!("security scheme `{name}` is not supported: use http bearer/basic, oauth2, or an apiKey in a header")),
                Some(ReferenceOr::Reference { .. }) => self.diags.push(at.key(0).key(name).as_str(), "security scheme `$ref`s are not supported"),
                None => self.diags.push(at.key(0).key(name).as_str(), format!("`{name}` is not in #/components/securitySchemes")),
            }
        }
        out
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
                let name = naming::field_name(&label)
                    .trim_start_matches("r#")
                    .to_ascii_uppercase();
                Server {
                    const_name: scope.claim(&name),
                    url: s.url.clone(),
                    description: s.description.as_deref().and_then(public_doc),
                }
            })
            .collect()
    }
}

struct LowerOp<'a, 'p> {
    id: String,
    builder: String,
    fn_name: String,
    method: &'a str,
    path: &'a str,
    op: &'a openapiv3::Operation,
    op_ptr: Pointer,
    params: Vec<(&'p ReferenceOr<Parameter>, Pointer)>,
}

trait AsRefSchema {
    fn as_ref_schema(&self) -> SchemaRef<'_>;
}

impl AsRefSchema for ReferenceOr<Schema> {
    fn as_ref_schema(&self) -> SchemaRef<'_> {
        self.into()
    }
}

fn location_name(l: ParamLocation) -> &'static str {
    match l {
        ParamLocation::Path => "path",
        ParamLocation::Query => "query",
        ParamLocation::Header => "header",
    }
}

fn media_encoding(media: &str) -> Option<BodyEncoding> {
    let essence = media
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    if essence == "application/json" || essence.ends_with("+json") {
        Some(BodyEncoding::Json)
    } else if essence == "application/x-www-form-urlencoded" {
        Some(BodyEncoding::Form)
    } else {
        None
    }
}

/// The media type's example: `example`, or the first of `examples` (following `$ref`s).
fn media_example(spec: &OpenAPI, content: &openapiv3::MediaType) -> Option<Value> {
    if let Some(e) = &content.example {
        return Some(e.clone());
    }
    let first = content.examples.values().next()?;
    match first {
        ReferenceOr::Item(e) => e.value.clone(),
        ReferenceOr::Reference { reference } => {
            let components = spec.components.as_ref()?;
            resolve::follow(&components.examples, "examples", reference)
                .ok()
                .and_then(|(e, _)| e.value.clone())
        }
    }
}

/// An `allOf` member that only annotates (a description, an example, `nullable`): it adds
/// no structure, so `allOf: [{$ref: X}, {example: …}]` is just `X`.
fn is_annotation_item(schema: &Schema) -> bool {
    match &schema.schema_kind {
        SchemaKind::Any(a) => {
            a.typ.is_none()
                && a.properties.is_empty()
                && a.required.is_empty()
                && a.additional_properties.is_none()
                && a.items.is_none()
                && a.enumeration.is_empty()
                && a.all_of.is_empty()
                && a.one_of.is_empty()
                && a.any_of.is_empty()
                && a.not.is_none()
        }
        _ => false,
    }
}

/// The one real member (and its index) of an `allOf` that wraps a single schema with
/// annotations, if `schema` is such a wrapper.
fn wrapped(schema: &Schema) -> Option<(usize, &ReferenceOr<Schema>)> {
    let members = match &schema.schema_kind {
        SchemaKind::AllOf { all_of } => all_of,
        SchemaKind::Any(a)
            if a.typ.is_none()
                && a.properties.is_empty()
                && a.required.is_empty()
                && a.one_of.is_empty()
                && a.any_of.is_empty()
                && a.items.is_none()
                && a.additional_properties.is_none()
                && a.enumeration.is_empty() =>
        {
            &a.all_of
        }
        _ => return None,
    };
    let mut real = members
        .iter()
        .enumerate()
        .filter(|(_, m)| !matches!(m, ReferenceOr::Item(s) if is_annotation_item(s)));
    match (real.next(), real.next()) {
        (Some(one), None) => Some(one),
        _ => None,
    }
}

fn placeholders(path: &str) -> Vec<String> {
    path.split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(name, _)| name.to_owned()))
        .collect()
}

fn envelope_fields(v: &Value) -> Option<EnvelopeFields> {
    let field = |k: &str| v.get(k).and_then(Value::as_str).map(str::to_owned);
    Some(EnvelopeFields {
        code: field("code")?,
        message: field("message")?,
        payload: field("payload")?,
    })
}

fn is_password(schema: &Schema) -> bool {
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(s)) => matches!(
            s.format,
            VariantOrUnknownOrEmpty::Item(StringFormat::Password)
        ),
        SchemaKind::Any(a) => a.format.as_deref() == Some("password"),
        _ => false,
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

fn string_variants(schema: &Schema) -> Vec<Variant<String>> {
    let values: Vec<String> = match &schema.schema_kind {
        SchemaKind::Type(Type::String(s)) => s.enumeration.iter().flatten().cloned().collect(),
        SchemaKind::Any(a) => a
            .enumeration
            .iter()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect(),
        _ => Vec::new(),
    };
    let mut scope = Scope::with_reserved(&["Unknown"]);
    let mut seen = BTreeSet::new();
    values
        .into_iter()
        .filter(|v| seen.insert(v.clone()))
        .map(|v| Variant {
            rust: scope.claim(&naming::type_name(&v)),
            wire: v,
        })
        .collect()
}

fn int_variants(schema: &Schema) -> Vec<Variant<i64>> {
    let SchemaKind::Type(Type::Integer(i)) = &schema.schema_kind else {
        return Vec::new();
    };
    let mut scope = Scope::with_reserved(&["Unknown"]);
    let mut seen = BTreeSet::new();
    i.enumeration
        .iter()
        .flatten()
        .filter(|v| seen.insert(**v))
        .map(|&v| {
            let name = if v < 0 {
                format!("Minus{}", v.unsigned_abs())
            } else {
                format!("V{v}")
            };
            Variant {
                rust: scope.claim(&name),
                wire: v,
            }
        })
        .collect()
}

fn variant_name(ty: &TypeRef) -> String {
    match ty {
        TypeRef::Named(n) => n.clone(),
        TypeRef::String => "String".into(),
        TypeRef::Boolean => "Boolean".into(),
        TypeRef::I32 | TypeRef::I64 => "Integer".into(),
        TypeRef::F32 | TypeRef::F64 | TypeRef::Decimal => "Number".into(),
        TypeRef::Any => "Any".into(),
        TypeRef::Array(_) => "Array".into(),
        TypeRef::Map(_) => "Map".into(),
        TypeRef::Nullable(t) => variant_name(t),
        TypeRef::Unit => "Null".into(),
    }
}

/// Named types a type contains inline (not behind a `Vec` or map).
/// Every type reference a type's definition holds (fields, catch-all, variants, target).
fn type_refs(kind: &TypeKind) -> Vec<&TypeRef> {
    match kind {
        TypeKind::Struct(s) => s
            .fields
            .iter()
            .map(|f| &f.ty)
            .chain(s.extra.iter().map(|(_, t)| t))
            .collect(),
        TypeKind::Union(vs) => vs.iter().map(|v| &v.ty).collect(),
        TypeKind::Alias(t) | TypeKind::Newtype(t) => vec![t],
        TypeKind::StringEnum(_) | TypeKind::IntEnum(_) => Vec::new(),
    }
}

/// The names of the named types in `ty`, at any depth of arrays, maps and nullables.
fn named_in<'t>(ty: &'t TypeRef, out: &mut Vec<&'t str>) {
    match ty {
        TypeRef::Named(n) => out.push(n),
        TypeRef::Array(t) | TypeRef::Map(t) | TypeRef::Nullable(t) => named_in(t, out),
        _ => {}
    }
}

fn direct_refs(kind: &TypeKind) -> Vec<&str> {
    match kind {
        TypeKind::Struct(s) => s
            .fields
            .iter()
            .filter_map(|f| {
                if let TypeRef::Named(n) = &f.ty {
                    Some(n.as_str())
                } else {
                    None
                }
            })
            .collect(),
        TypeKind::Union(vs) => vs
            .iter()
            .filter_map(|v| {
                if let TypeRef::Named(n) = &v.ty {
                    Some(n.as_str())
                } else {
                    None
                }
            })
            .collect(),
        TypeKind::Alias(TypeRef::Named(n)) => vec![n.as_str()],
        _ => Vec::new(),
    }
}

/// Tarjan's algorithm: the strongly connected component of every node. Two types in one
/// component contain each other, so a field between them needs a `Box`.
fn strongly_connected(edges: &[Vec<usize>]) -> Vec<usize> {
    struct State<'e> {
        edges: &'e [Vec<usize>],
        index: Vec<Option<usize>>,
        low: Vec<usize>,
        on_stack: Vec<bool>,
        stack: Vec<usize>,
        next: usize,
        component: Vec<usize>,
        components: usize,
    }
    fn visit(s: &mut State<'_>, v: usize) {
        s.index[v] = Some(s.next);
        s.low[v] = s.next;
        s.next += 1;
        s.stack.push(v);
        s.on_stack[v] = true;
        for &w in &s.edges[v] {
            match s.index[w] {
                None => {
                    visit(s, w);
                    s.low[v] = s.low[v].min(s.low[w]);
                }
                Some(iw) if s.on_stack[w] => s.low[v] = s.low[v].min(iw),
                Some(_) => {}
            }
        }
        if Some(s.low[v]) == s.index[v] {
            while let Some(w) = s.stack.pop() {
                s.on_stack[w] = false;
                s.component[w] = s.components;
                if w == v {
                    break;
                }
            }
            s.components += 1;
        }
    }
    let n = edges.len();
    let mut s = State {
        edges,
        index: vec![None; n],
        low: vec![0; n],
        on_stack: vec![false; n],
        stack: Vec::new(),
        next: 0,
        component: vec![0; n],
        components: 0,
    };
    for v in 0..n {
        if s.index[v].is_none() {
            visit(&mut s, v);
        }
    }
    s.component
}
