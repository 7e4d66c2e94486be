//! Lowering schemas: each schema's shape (object, enum, union, plain), its name, its
//! fields with their optionality, nullability and constraints, `allOf` merging, and the
//! schema index of every position an example can sit at.

use super::*;

impl<'a> Lowerer<'a> {
    /// Defines the named type `name` for `schema`.
    pub(super) fn define(&mut self, name: String, schema: &'a Schema, pointer: &Pointer) {
        let data = &schema.schema_data;
        // A title that only restates the type's name (`AccountSettings` for
        // `account_settings`) says nothing its name does not.
        let title = data.title.as_deref().filter(|t| !restates(t, &name));
        let doc = doc_of(title, data.description.as_deref());
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

    pub(super) fn shape(&mut self, schema: &Schema) -> Shape {
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
    pub(super) fn type_ref(
        &mut self,
        at: SchemaRef<'a>,
        context: &str,
        pointer: &Pointer,
    ) -> TypeRef {
        let ty = self.type_ref_inner(at, context, pointer);
        // A nullable position holds `null` too (the field or item around it is an `Option`).
        let indexed = self.maybe_null(at, ty.clone());
        self.index.push((pointer.to_string(), indexed));
        ty
    }

    pub(super) fn type_ref_inner(
        &mut self,
        at: SchemaRef<'a>,
        context: &str,
        pointer: &Pointer,
    ) -> TypeRef {
        let schema = match at {
            SchemaRef::Ref(reference) => {
                return match resolve::component_name(reference, "schemas") {
                    Ok(key) => match self.components.get(key) {
                        Some(name) => TypeRef::Named(name.clone()),
                        None => {
                            self.diags.push(
                                Kind::Reference,
                                pointer.as_str(),
                                format!("`{reference}` points at nothing: no schema named `{key}`"),
                            );
                            TypeRef::Any
                        }
                    },
                    Err(e) => {
                        self.diags.push(Kind::Reference, pointer.as_str(), e);
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
    pub(super) fn is_nullable(&self, at: SchemaRef<'a>) -> bool {
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
            let Some((_, _, member)) = wrapped(schema) else {
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
    pub(super) fn maybe_null(&self, at: SchemaRef<'a>, ty: TypeRef) -> TypeRef {
        if self.is_nullable(at) && ty != TypeRef::Any {
            TypeRef::Nullable(Box::new(ty))
        } else {
            ty
        }
    }

    /// Primitives, arrays, maps and free-form values.
    pub(super) fn plain(
        &mut self,
        context: &str,
        schema: &'a Schema,
        pointer: &Pointer,
    ) -> TypeRef {
        if let SchemaKind::Any(a) = &schema.schema_kind {
            self.check_enum_values(a.typ.as_deref(), &a.enumeration, pointer);
        }
        match &schema.schema_kind {
            // Binary data: a file in a multipart body; anywhere JSON or a form carries it,
            // `check_binary_fields` reports it.
            SchemaKind::Type(Type::String(s))
                if s.format == VariantOrUnknownOrEmpty::Item(StringFormat::Binary) =>
            {
                TypeRef::Bytes
            }
            SchemaKind::Type(Type::String(_)) => TypeRef::String,
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
            SchemaKind::Type(Type::Array(a)) => {
                match self.list_of(context, a.items.as_ref(), pointer) {
                    Some(list) => list,
                    None => {
                        self.diags
                            .push(Kind::Invalid, pointer.as_str(), "an array needs `items`");
                        TypeRef::Array(Box::new(TypeRef::Any))
                    }
                }
            }
            SchemaKind::Type(Type::Object(o)) => {
                self.map_of(context, o.additional_properties.as_ref(), pointer)
            }
            // (`shape` sends a union of several members to a named type.)
            SchemaKind::AllOf { .. } | SchemaKind::OneOf { .. } | SchemaKind::AnyOf { .. } => {
                self.wrapper(context, schema, pointer)
            }
            SchemaKind::Not { .. } => {
                self.diags.push(
                    Kind::Unsupported,
                    pointer.as_str(),
                    "`not` schemas are not supported: Rust types cannot express exclusion",
                );
                TypeRef::Any
            }
            SchemaKind::Any(a) => self.plain_any(context, schema, a, pointer),
        }
    }

    /// A list of `items`' type; `None` without `items`.
    fn list_of(
        &mut self,
        context: &str,
        items: Option<&'a ReferenceOr<Box<Schema>>>,
        pointer: &Pointer,
    ) -> Option<TypeRef> {
        let items = items?;
        let item = self.type_ref(
            items.into(),
            &format!("{context}Item"),
            &pointer.key("items"),
        );
        Some(TypeRef::Array(Box::new(
            self.maybe_null(items.into(), item),
        )))
    }

    /// A schema that wraps one real member ([`wrapped`]) is that member's type; an `allOf`
    /// that wraps none is `Any`. An `allOf`'s annotation members are indexed either way.
    fn wrapper(&mut self, context: &str, schema: &'a Schema, pointer: &Pointer) -> TypeRef {
        let ty = match wrapped(schema) {
            Some((key, i, member)) => {
                self.type_ref(member.as_ref_schema(), context, &pointer.key(key).key(i))
            }
            None => TypeRef::Any,
        };
        let all_of = match &schema.schema_kind {
            SchemaKind::AllOf { all_of } => all_of.as_slice(),
            SchemaKind::Any(a) => a.all_of.as_slice(),
            _ => &[],
        };
        self.index_annotations(all_of, pointer, &ty);
        ty
    }

    /// [`plain`](Self::plain) for a schema `openapiv3` read as its `Any` kind (a `type`
    /// it could not pair with the rest): the same types, by the `type` written.
    fn plain_any(
        &mut self,
        context: &str,
        schema: &'a Schema,
        a: &'a openapiv3::AnySchema,
        pointer: &Pointer,
    ) -> TypeRef {
        match a.typ.as_deref() {
            Some("string") => TypeRef::String,
            Some("boolean") => TypeRef::Boolean,
            Some("integer") if a.format.as_deref() == Some("int32") => TypeRef::I32,
            Some("integer") => TypeRef::I64,
            Some("number") => match a.format.as_deref() {
                Some("float") => TypeRef::F32,
                Some("double") => TypeRef::F64,
                _ => TypeRef::Decimal,
            },
            Some("array") => self
                .list_of(context, a.items.as_ref(), pointer)
                .unwrap_or_else(|| TypeRef::Array(Box::new(TypeRef::Any))),
            Some("object") => self.map_of(context, a.additional_properties.as_ref(), pointer),
            Some(other) => {
                self.diags.push(
                    Kind::Invalid,
                    pointer.key("type").as_str(),
                    format!("unknown type `{other}`"),
                );
                TypeRef::Any
            }
            None => self.wrapper(context, schema, pointer),
        }
    }

    /// `openapiv3` reads a schema as its `Any` kind when an `enum` value does not fit the
    /// declared `type` (`type: integer` listing `"ACTIVE"`). Such an enum would otherwise be
    /// dropped without a word, so each value that contradicts the type is reported.
    pub(super) fn check_enum_values(
        &mut self,
        typ: Option<&str>,
        values: &[Value],
        pointer: &Pointer,
    ) {
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
                    .push(Kind::Invalid, pointer.key("enum").key(i).as_str(), message);
            }
        }
    }

    /// An annotation-only `allOf` member (say, one carrying the `example`) stands for the
    /// wrapper's type in the schema index.
    pub(super) fn index_annotations(
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

    pub(super) fn map_of(
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
    pub(super) fn collect(
        &mut self,
        schema: &'a Schema,
        pointer: &Pointer,
        parts: &mut ObjectParts<'a>,
        depth: usize,
    ) {
        if depth > 16 {
            self.diags.push(
                Kind::Reference,
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
                None => self.diags.push(Kind::Extension,
                    pointer.key("x-envelope").as_str(),
                    "`x-envelope` must be an object whose `code`, `message` and `payload` are each a member name or a list of them",
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
                    self.diags.push(Kind::Unsupported, pointer.as_str(), "an object that is also a `oneOf`/`anyOf` is not supported");
                }
                members = &a.all_of;
            }
            _ => self.diags.push(Kind::Unsupported,
                pointer.as_str(),
                "an `allOf` member must be an object schema; mixing objects with strings, arrays or unions is not supported",
            ),
        }
        for (i, member) in members.iter().enumerate() {
            let at = pointer.key("allOf").key(i);
            match resolve::schema(self.spec, member.into(), &at) {
                Ok((member, member_ptr)) => self.collect(member, &member_ptr, parts, depth + 1),
                Err(e) => self.diags.push(Kind::Reference, at.as_str(), e),
            }
        }
    }

    pub(super) fn object(&mut self, name: &str, schema: &'a Schema, pointer: &Pointer) -> Struct {
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
                        Kind::Extension,
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
        // A required name that is not a property is valid JSON Schema: it requires an
        // additional property, which lands in the catch-all map. Only a closed object
        // (`additionalProperties: false`) makes it impossible to satisfy.
        let closed = matches!(
            parts.additional,
            Some((AdditionalProperties::Any(false), _))
        );
        for missing in parts
            .required
            .iter()
            .filter(|r| closed && !parts.props.iter().any(|(w, _, _)| w == *r))
        {
            self.diags.push(
                Kind::Invalid,
                pointer.key("required").as_str(),
                format!(
                    "`{missing}` is required but is not a property, and `additionalProperties: false` forbids any other"
                ),
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
        let envelope = self.envelope(parts.envelope.take(), &parts.props);
        Struct {
            fields,
            extra,
            envelope,
        }
    }

    /// An object's envelope (`x-envelope`), when every member it names is a property;
    /// otherwise none, and an error at the extension.
    fn envelope(
        &mut self,
        envelope: Option<(EnvelopeFields, Pointer)>,
        props: &[(String, SchemaRef<'a>, Pointer)],
    ) -> Option<EnvelopeFields> {
        envelope.and_then(|(env, at)| {
            let known = |f: &str| props.iter().any(|(w, _, _)| w == f);
            let missing: Vec<&str> = [&env.code, &env.message, &env.payload]
                .into_iter()
                .flatten()
                .map(String::as_str)
                .filter(|f| !known(f))
                .collect();
            if missing.is_empty() {
                Some(env)
            } else {
                self.diags.push(
                    Kind::Invalid,
                    at.as_str(),
                    format!(
                        "names fields the schema does not have: {}",
                        missing.join(", ")
                    ),
                );
                None
            }
        })
    }

    pub(super) fn field(
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
                    Kind::Extension,
                    pointer.key("x-aliases").as_str(),
                    "`x-aliases` must be a list of strings",
                );
                Vec::new()
            }
        };
        let secret = schema.is_some_and(is_password);
        // A secret string is held in a type that never prints it.
        let ty = match ty {
            TypeRef::String if secret => TypeRef::Secret,
            ty => ty,
        };
        Field {
            rust,
            wire,
            aliases,
            ty,
            required,
            nullable: data.is_some_and(|d| d.nullable),
            secret,
            boxed: false,
            // Decided once nullability and aliases are known (passes::decide_optionality).
            optionality: Optionality::Required,
            doc: data.and_then(|d| doc_of(d.title.as_deref(), d.description.as_deref())),
            example: data.and_then(|d| d.example.clone()),
            deprecated: data.is_some_and(|d| d.deprecated),
            constraints: schema
                .map(|s| self.constraints(s, pointer))
                .unwrap_or_default(),
        }
    }

    pub(super) fn constraints(&mut self, schema: &Schema, pointer: &Pointer) -> Constraints {
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
                    Kind::Invalid,
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

    pub(super) fn union(
        &mut self,
        name: &str,
        schema: &'a Schema,
        pointer: &Pointer,
    ) -> Vec<UnionVariant> {
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
                    boxed: false, // decided by `decide_type_facts`
                }
            })
            .collect()
    }
}

pub(super) trait AsRefSchema {
    fn as_ref_schema(&self) -> SchemaRef<'_>;
}

impl AsRefSchema for ReferenceOr<Schema> {
    fn as_ref_schema(&self) -> SchemaRef<'_> {
        self.into()
    }
}

/// An `allOf` member that only annotates (a description, an example, `nullable`): it adds
/// no structure, so `allOf: [{$ref: X}, {example: …}]` is just `X`.
pub(super) fn is_annotation_item(schema: &Schema) -> bool {
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

/// The one real member of a schema that only wraps it, with the member's keyword and
/// index: an `allOf` whose other members only annotate (the usual way to annotate a
/// `$ref`), or a `oneOf`/`anyOf` of a single member (Stripe writes
/// `anyOf: [{$ref: X}]` beside `nullable: true`): a value of the wrapper is a value of
/// the member, so its type is the member's, not a union of one variant.
pub(super) fn wrapped(schema: &Schema) -> Option<(&'static str, usize, &ReferenceOr<Schema>)> {
    let (all_of, one_of, any_of) = match &schema.schema_kind {
        SchemaKind::AllOf { all_of } => (all_of.as_slice(), &[][..], &[][..]),
        SchemaKind::OneOf { one_of } => (&[][..], one_of.as_slice(), &[][..]),
        SchemaKind::AnyOf { any_of } => (&[][..], &[][..], any_of.as_slice()),
        SchemaKind::Any(a)
            if a.typ.is_none()
                && a.properties.is_empty()
                && a.required.is_empty()
                && a.items.is_none()
                && a.additional_properties.is_none()
                && a.enumeration.is_empty() =>
        {
            (
                a.all_of.as_slice(),
                a.one_of.as_slice(),
                a.any_of.as_slice(),
            )
        }
        _ => return None,
    };
    match (all_of, one_of, any_of) {
        ([], [one], []) => Some(("oneOf", 0, one)),
        ([], [], [one]) => Some(("anyOf", 0, one)),
        (members, [], []) => {
            let mut real = members
                .iter()
                .enumerate()
                .filter(|(_, m)| !matches!(m, ReferenceOr::Item(s) if is_annotation_item(s)));
            match (real.next(), real.next()) {
                (Some((i, one)), None) => Some(("allOf", i, one)),
                _ => None,
            }
        }
        _ => None,
    }
}

/// `x-envelope`: each of `code`, `message` and `payload` is a member name or a non-empty
/// list of them (alternative spellings, the first present wins).
pub(super) fn envelope_fields(v: &Value) -> Option<EnvelopeFields> {
    let field = |k: &str| -> Option<Vec<String>> {
        match v.get(k)? {
            Value::String(name) => Some(vec![name.clone()]),
            Value::Array(names) if !names.is_empty() => names
                .iter()
                .map(|n| n.as_str().map(str::to_owned))
                .collect(),
            _ => None,
        }
    };
    Some(EnvelopeFields {
        code: field("code")?,
        message: field("message")?,
        payload: field("payload")?,
    })
}

pub(super) fn is_password(schema: &Schema) -> bool {
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(s)) => matches!(
            s.format,
            VariantOrUnknownOrEmpty::Item(StringFormat::Password)
        ),
        SchemaKind::Any(a) => a.format.as_deref() == Some("password"),
        _ => false,
    }
}

pub(super) fn string_variants(schema: &Schema) -> Vec<Variant<String>> {
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

pub(super) fn int_variants(schema: &Schema) -> Vec<Variant<i64>> {
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

pub(super) fn variant_name(ty: &TypeRef) -> String {
    match ty {
        TypeRef::Named(n) => n.clone(),
        TypeRef::String | TypeRef::Secret => "String".into(),
        TypeRef::Boolean => "Boolean".into(),
        TypeRef::I32 | TypeRef::I64 => "Integer".into(),
        TypeRef::F32 | TypeRef::F64 | TypeRef::Decimal => "Number".into(),
        TypeRef::Any => "Any".into(),
        TypeRef::Array(_) => "Array".into(),
        TypeRef::Map(_) => "Map".into(),
        TypeRef::Nullable(t) => variant_name(t),
        TypeRef::Unit => "Null".into(),
        TypeRef::Bytes => "Bytes".into(),
        TypeRef::File => "File".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::lower_yaml;
    use crate::model::*;

    fn spec(schemas: &str) -> String {
        format!(
            "openapi: 3.0.3\ninfo: {{title: T, version: '1'}}\npaths: {{}}\ncomponents:\n  schemas:\n{schemas}"
        )
    }

    fn struct_of<'a>(api: &'a Api, name: &str) -> &'a Struct {
        match &api
            .types
            .iter()
            .find(|t| t.name == name)
            .expect("the type")
            .kind
        {
            TypeKind::Struct(s) => s,
            other => panic!("{name} is {other:?}"),
        }
    }

    #[test]
    fn fields_carry_required_nullable_secret_and_exact_decimal_facts() {
        let api = lower_yaml(&spec(
            "    Card:\n      type: object\n      required: [id, amount]\n      properties:\n        id: {type: string}\n        amount: {type: number}\n        rate: {type: number, format: double}\n        note: {type: string, nullable: true}\n        pin: {type: string, format: password}\n",
        ))
        .expect("valid");
        let card = struct_of(&api, "Card");
        let field = |wire: &str| card.fields.iter().find(|f| f.wire == wire).expect(wire);
        assert!(field("id").required && !field("note").required);
        assert_eq!(field("amount").ty, TypeRef::Decimal);
        assert_eq!(field("rate").ty, TypeRef::F64);
        assert!(field("note").nullable);
        assert!(field("pin").secret);
        assert!(card.extra.is_some(), "unknown members are kept");
    }

    #[test]
    fn all_of_members_merge_into_one_struct() {
        let api = lower_yaml(&spec(
            "    Base:\n      type: object\n      required: [id]\n      properties:\n        id: {type: string}\n    Child:\n      allOf:\n        - $ref: '#/components/schemas/Base'\n        - type: object\n          properties:\n            name: {type: string}\n",
        ))
        .expect("valid");
        let child = struct_of(&api, "Child");
        let wires: Vec<&str> = child.fields.iter().map(|f| f.wire.as_str()).collect();
        assert_eq!(wires, ["id", "name"]);
        assert!(child.fields[0].required);
    }

    /// A `oneOf`/`anyOf` of one member is that member (nullable beside it, the field is),
    /// not a union of one variant; two members are still a union, and a field through
    /// which a type contains itself is still boxed.
    #[test]
    fn a_union_of_one_member_is_that_member() {
        let api = lower_yaml(&spec(
            "    Fee:\n      type: object\n      properties:\n        treasury:\n          anyOf:\n            - $ref: '#/components/schemas/Treasury'\n          nullable: true\n        next:\n          oneOf:\n            - $ref: '#/components/schemas/Fee'\n        either:\n          oneOf:\n            - $ref: '#/components/schemas/Treasury'\n            - type: string\n    Treasury:\n      type: object\n      properties:\n        id: {type: string}\n    Alias:\n      anyOf:\n        - $ref: '#/components/schemas/Treasury'\n",
        ))
        .expect("valid");
        let fee = struct_of(&api, "Fee");
        let field = |wire: &str| fee.fields.iter().find(|f| f.wire == wire).expect(wire);
        assert_eq!(field("treasury").ty, TypeRef::Named("Treasury".to_owned()));
        assert!(field("treasury").nullable);
        assert_eq!(field("next").ty, TypeRef::Named("Fee".to_owned()));
        assert!(field("next").boxed, "Fee contains itself");
        assert!(matches!(&field("either").ty, TypeRef::Named(n) if n != "Treasury"));
        let alias = api.types.iter().find(|t| t.name == "Alias").expect("Alias");
        assert!(
            matches!(&alias.kind, TypeKind::Alias(TypeRef::Named(n)) if n == "Treasury"),
            "{:?}",
            alias.kind
        );
        let unions = api
            .types
            .iter()
            .filter(|t| matches!(t.kind, TypeKind::Union(_)));
        assert_eq!(unions.count(), 1, "only `either` is a union");
    }

    #[test]
    fn enum_values_become_variants_and_contradictions_are_located() {
        let api = lower_yaml(&spec(
            "    Status:\n      type: string\n      enum: [ACTIVE, on-hold]\n",
        ))
        .expect("valid");
        let TypeKind::StringEnum(variants) = &api.types[0].kind else {
            panic!("not an enum")
        };
        let names: Vec<&str> = variants.iter().map(|v| v.rust.as_str()).collect();
        assert_eq!(names, ["Active", "OnHold"]);
        let errors = lower_yaml(&spec(
            "    Bad:\n      type: integer\n      enum: [ACTIVE]\n",
        ))
        .expect_err("a string value in an integer enum")
        .to_string();
        assert!(
            errors.contains("#/components/schemas/Bad/enum/0"),
            "{errors}"
        );
    }
}
