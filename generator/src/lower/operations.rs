//! Lowering operations: names, parameters, bodies, responses, security, retry class,
//! idempotency keys, outcome lookups and the token endpoint.

use super::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum ParamLocation {
    Path,
    Query,
    Header,
}

/// A parameter as lowering reads it, before it becomes one of the operation's
/// [`Input`]s (the model's one list of what the builder takes).
#[derive(Debug, Clone)]
struct Param {
    wire: String,
    rust: String,
    location: ParamLocation,
    ty: TypeRef,
    required: bool,
    /// How a query parameter is written ([`QueryEncoding::Scalar`] for path and header).
    query: QueryEncoding,
    doc: Option<String>,
    constraints: Constraints,
    deprecated: bool,
}

impl<'a> Lowerer<'a> {
    /// The operation marked `x-token-endpoint`, checked against its body and answer; at most
    /// one may be.
    pub(super) fn token_endpoint(&mut self, operations: &[Operation]) -> Option<TokenEndpoint> {
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
                    self.diags.push(
                        Kind::Extension,
                        at.as_str(),
                        "only one operation can be the token endpoint",
                    );
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
    pub(super) fn check_outcome_lookups(&mut self, operations: &[Operation]) {
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
                    Kind::Extension,
                    ptr.as_str(),
                    format!("`{lookup}` is not the operationId of an operation in this spec"),
                );
            }
        }
    }

    pub(super) fn lower_operations(&mut self) -> Vec<Operation> {
        let reserved = [RESERVED_TYPE_NAMES, RESERVED_BUILDER_NAMES].concat();
        let mut builders = Scope::with_reserved(&reserved);
        let mut fns = Scope::with_reserved(RESERVED_CLIENT_FNS);
        let mut ops = Vec::new();
        for (path, item) in self.spec.paths.iter() {
            let item_ptr = Pointer::root().key("paths").key(path);
            let item = match item {
                ReferenceOr::Item(item) => item,
                ReferenceOr::Reference { .. } => {
                    self.diags.push(
                        Kind::Unsupported,
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

    pub(super) fn operation(&mut self, o: LowerOp<'a, 'a>) -> Operation {
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
        let (path_params, other_params) =
            self.parameters(&builder, params, path, &op_ptr, &mut names);
        let body = self.body(&builder, op, &op_ptr, &mut names);
        let response = self.response(&builder, op, &op_ptr);
        let security = self.security(op, &op_ptr);
        let idempotency_key = self.idempotency_key(op, &op_ptr, body.as_ref());
        let retry = self.retry_kind(op, method, &op_ptr, idempotency_key.is_some());
        let outcome_lookup = self.outcome_lookup(op, &op_ptr);
        let path_parts = path_parts(path, &path_params);
        let inputs = inputs(&path_params, &other_params, body.as_ref(), &self.types);
        Operation {
            id,
            fn_name,
            builder,
            method: method.to_owned(),
            path: path.to_owned(),
            summary: op.summary.clone(),
            description: op.description.as_deref().and_then(public_doc),
            deprecated: op.deprecated,
            path_parts,
            body,
            response,
            security,
            retry,
            idempotency_key,
            outcome_lookup,
            inputs,
        }
    }

    /// An operation's parameters (path-level ones first, overridden by operation-level ones
    /// with the same name and place), named in the builder's scope: path parameters in the
    /// order the path has them, then the others. Every path placeholder must have its
    /// parameter and every path parameter its placeholder.
    fn parameters(
        &mut self,
        builder: &str,
        params: Vec<(&'a ReferenceOr<Parameter>, Pointer)>,
        path: &str,
        op_ptr: &Pointer,
        names: &mut Scope,
    ) -> (Vec<Param>, Vec<Param>) {
        let mut path_params: Vec<Param> = Vec::new();
        let mut other_params: Vec<Param> = Vec::new();
        let mut seen: BTreeMap<(String, &'static str), usize> = BTreeMap::new();
        for (param, at) in params {
            let Some(p) = self.parameter(builder, param, at) else {
                continue;
            };
            let key = (p.wire.clone(), location_name(p.location));
            let list = if p.location == ParamLocation::Path {
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
        let placeholders = placeholders(path);
        for placeholder in &placeholders {
            if !path_params.iter().any(|p| &p.wire == placeholder) {
                self.diags.push(
                    Kind::Invalid,
                    op_ptr.key("parameters").as_str(),
                    format!(
                        "the path has `{{{placeholder}}}` but no path parameter `{placeholder}`"
                    ),
                );
            }
        }
        for p in &path_params {
            if !placeholders.contains(&p.wire) {
                self.diags.push(
                    Kind::Invalid,
                    op_ptr.key("parameters").as_str(),
                    format!("path parameter `{}` does not appear in the path", p.wire),
                );
            }
        }
        // Path parameters are positional, in the order they appear in the path.
        path_params.sort_by_key(|p| placeholders.iter().position(|w| *w == p.wire));
        (path_params, other_params)
    }

    /// One parameter, unnamed yet; `None` (with a diagnostic where it is a problem) when it
    /// is a cookie, a header OpenAPI says to ignore, or described by `content`.
    fn parameter(
        &mut self,
        builder: &str,
        param: &'a ReferenceOr<Parameter>,
        at: Pointer,
    ) -> Option<Param> {
        let (param, at) = self.follow(param, at, "parameters", |c| &c.parameters)?;
        let (data, location) = match param {
            Parameter::Path { parameter_data, .. } => (parameter_data, ParamLocation::Path),
            Parameter::Query { parameter_data, .. } => (parameter_data, ParamLocation::Query),
            Parameter::Header { parameter_data, .. } => (parameter_data, ParamLocation::Header),
            Parameter::Cookie { .. } => {
                self.diags.push(
                    Kind::Unsupported,
                    at.as_str(),
                    "cookie parameters are not supported",
                );
                return None;
            }
        };
        // OpenAPI: these three headers are described elsewhere and must be ignored here.
        if location == ParamLocation::Header
            && ["accept", "content-type", "authorization"]
                .contains(&data.name.to_ascii_lowercase().as_str())
        {
            return None;
        }
        let schema = match &data.format {
            ParameterSchemaOrContent::Schema(s) => s,
            ParameterSchemaOrContent::Content(_) => {
                self.diags.push(
                    Kind::Unsupported,
                    at.key("content").as_str(),
                    "parameters described by `content` are not supported; use `schema`",
                );
                return None;
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
            // One value or several of the same (`oneOf: [X, {type: array, items: X}]`) is
            // in a query the same as a list: `name=a` or `name=a&name=b`.
            _ if location == ParamLocation::Query => self.one_or_many(&ty).unwrap_or(ty),
            _ => ty,
        };
        let query = match param {
            Parameter::Query {
                parameter_data,
                style,
                ..
            } => self.query_encoding(style, parameter_data.explode, &ty, &at)?,
            _ => {
                self.check_scalar_param(&ty, location, &at);
                QueryEncoding::Scalar
            }
        };
        Some(Param {
            wire: data.name.clone(),
            rust: String::new(),
            location,
            ty,
            required: data.required || location == ParamLocation::Path,
            query,
            doc: data.description.as_deref().and_then(public_doc),
            constraints,
            deprecated: data.deprecated == Some(true),
        })
    }

    /// Whether the runtime may resend the operation: reads and declared `x-idempotent`
    /// operations may; a keyed write only on the caller's opt-in; any other write never.
    fn retry_kind(
        &mut self,
        op: &openapiv3::Operation,
        method: &str,
        op_ptr: &Pointer,
        keyed: bool,
    ) -> RetryKind {
        let declared_idempotent = match op.extensions.get("x-idempotent") {
            None => false,
            Some(Value::Bool(b)) => *b,
            Some(_) => {
                self.diags.push(
                    Kind::Extension,
                    op_ptr.key("x-idempotent").as_str(),
                    "`x-idempotent` must be true or false",
                );
                false
            }
        };
        if matches!(method, "get" | "head" | "options") || declared_idempotent {
            RetryKind::Idempotent
        } else if keyed {
            RetryKind::KeyedWrite
        } else {
            RetryKind::NonIdempotent
        }
    }

    /// `x-outcome-lookup`: the operationId that tells whether a lost write happened
    /// (checked against the spec's operations once all are lowered).
    fn outcome_lookup(&mut self, op: &openapiv3::Operation, op_ptr: &Pointer) -> Option<String> {
        match op.extensions.get("x-outcome-lookup")? {
            Value::String(id) => Some(id.clone()),
            _ => {
                self.diags.push(
                    Kind::Extension,
                    op_ptr.key("x-outcome-lookup").as_str(),
                    "`x-outcome-lookup` must be an operationId",
                );
                None
            }
        }
    }

    /// `x-idempotency-key`: it must name a required field of the body struct.
    pub(super) fn idempotency_key(
        &mut self,
        op: &openapiv3::Operation,
        op_ptr: &Pointer,
        body: Option<&Body>,
    ) -> Option<IdempotencyKeyField> {
        let ptr = op_ptr.key("x-idempotency-key");
        let key = match op.extensions.get("x-idempotency-key")? {
            Value::String(key) => key,
            _ => {
                self.diags.push(
                    Kind::Extension,
                    ptr.as_str(),
                    "`x-idempotency-key` must name a body field",
                );
                return None;
            }
        };
        let known = body
            .and_then(|b| b.setters(&self.types))
            .and_then(|fields| fields.into_iter().find(|(_, f)| &f.wire == key))
            .map(|(setter, f)| (setter.to_owned(), f.required));
        match known {
            Some((setter, true)) => Some(IdempotencyKeyField {
                wire: key.clone(),
                setter,
            }),
            Some(_) => {
                self.diags.push(Kind::Extension, ptr.as_str(), format!("`{key}` must be a required body field: an optional key cannot identify a write"));
                None
            }
            None => {
                self.diags.push(
                    Kind::Extension,
                    ptr.as_str(),
                    format!("`{key}` is not a field of the request body"),
                );
                None
            }
        }
    }

    /// `ty` with named aliases followed.
    pub(super) fn resolve_alias(&self, ty: &TypeRef) -> TypeRef {
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

    /// Whether a form field of type `ty` can be written by the form encoder (the runtime's
    /// `form.rs`): anything JSON can hold (nested objects in the bracket style, lists as
    /// repeated or indexed pairs, decimals as written), but not binary data.
    pub(super) fn form_value(&self, ty: &TypeRef) -> Result<(), &'static str> {
        match self.resolve_alias(ty) {
            TypeRef::Bytes => Err("binary data (a form-urlencoded body carries text)"),
            TypeRef::Nullable(t) | TypeRef::Array(t) | TypeRef::Map(t) => self.form_value(&t),
            _ => Ok(()),
        }
    }

    /// `Array(X)` when `ty` is a union of exactly `X` and an array of `X`.
    fn one_or_many(&self, ty: &TypeRef) -> Option<TypeRef> {
        let TypeRef::Named(n) = ty else {
            return None;
        };
        let Some(TypeKind::Union(variants)) =
            self.types.iter().find(|t| &t.name == n).map(|t| &t.kind)
        else {
            return None;
        };
        let [a, b] = variants.as_slice() else {
            return None;
        };
        let (one, many) = match (self.resolve_alias(&a.ty), self.resolve_alias(&b.ty)) {
            (TypeRef::Array(item), other) | (other, TypeRef::Array(item)) => (other, *item),
            _ => return None,
        };
        (one == many).then(|| TypeRef::Array(Box::new(one)))
    }

    /// Parameters are written with `Display`: scalars, enums and unions of them, and
    /// (outside the path) arrays of those.
    pub(super) fn check_scalar_param(
        &mut self,
        ty: &TypeRef,
        location: ParamLocation,
        at: &Pointer,
    ) {
        let scalar = |ty: &TypeRef| super::passes::displayable(&self.types, ty);
        let ok = match ty {
            TypeRef::Array(item) if location != ParamLocation::Path => scalar(item),
            TypeRef::Array(_) => {
                self.diags.push(
                    Kind::Unsupported,
                    at.key("schema").as_str(),
                    "array-valued path parameters are not supported",
                );
                return;
            }
            other => scalar(other),
        };
        if !ok {
            let what = self.param_shape(ty);
            self.diags.push(
                Kind::Unsupported,
                at.key("schema").as_str(),
                format!(
                    "{} parameters that are {what} are not supported",
                    location_name(location)
                ),
            );
        }
    }

    /// How the query parameter at `at` of type `ty` is written, from its `style` and
    /// `explode` (OpenAPI 3.0's serialization table); `None`, with a diagnostic, for what
    /// the table does not define.
    fn query_encoding(
        &mut self,
        style: &QueryStyle,
        explode: Option<bool>,
        ty: &TypeRef,
        at: &Pointer,
    ) -> Option<QueryEncoding> {
        let scalar = |ty: &TypeRef| super::passes::displayable(&self.types, ty);
        let explode = explode.unwrap_or(matches!(style, QueryStyle::Form));
        let encoding = match (style, ty) {
            // Lists too, indexed (`name[0]=…`): OpenAPI leaves them undefined, Stripe
            // writes its `expand` lists so.
            (QueryStyle::DeepObject, ty) if self.form_value(ty).is_ok() => {
                Some(QueryEncoding::DeepObject)
            }
            // A list of objects or lists in `form` style: OpenAPI leaves it undefined; as
            // JSON text, as Box reads its `mdfilters`.
            (QueryStyle::Form, TypeRef::Array(item))
                if !scalar(item.as_ref()) && self.form_value(ty).is_ok() =>
            {
                Some(QueryEncoding::JsonText)
            }
            (_, TypeRef::Array(item)) if !scalar(item.as_ref()) => None,
            (_, TypeRef::Array(_)) if explode => Some(QueryEncoding::Repeated),
            (QueryStyle::Form, TypeRef::Array(_)) => Some(QueryEncoding::Joined(",")),
            (QueryStyle::SpaceDelimited, TypeRef::Array(_)) => Some(QueryEncoding::Joined(" ")),
            (QueryStyle::PipeDelimited, TypeRef::Array(_)) => Some(QueryEncoding::Joined("|")),
            (QueryStyle::Form, ty) if scalar(ty) => Some(QueryEncoding::Scalar),
            // Objects, and unions with an object member: written from their JSON.
            (QueryStyle::Form, ty) if self.form_value(ty).is_ok() => Some(if explode {
                QueryEncoding::ExplodedObject
            } else {
                QueryEncoding::JoinedObject
            }),
            _ => None,
        };
        if encoding.is_none() {
            let what = match (style, ty) {
                (QueryStyle::Form | QueryStyle::DeepObject, _) => self.param_shape(ty),
                _ => "not lists (`spaceDelimited` and `pipeDelimited` are for lists)",
            };
            self.diags.push(
                Kind::Unsupported,
                at.key("schema").as_str(),
                format!(
                    "query parameters in style `{}` that are {what} are not supported",
                    style_name(style)
                ),
            );
        }
        encoding
    }

    /// What a parameter type that has no text form is, in words, for the diagnostic: a
    /// union with an array member is not an object, and saying so sends the maintainer to
    /// the right place.
    fn param_shape(&self, ty: &TypeRef) -> &'static str {
        let named = match ty {
            TypeRef::Named(n) => self.types.iter().find(|t| &t.name == n),
            _ => None,
        };
        match named.map(|t| &t.kind) {
            Some(TypeKind::Union(variants))
                if variants.iter().any(|v| matches!(v.ty, TypeRef::Array(_))) =>
            {
                "a `oneOf`/`anyOf` of a scalar and an array"
            }
            Some(TypeKind::Union(_)) => "a `oneOf`/`anyOf` with an object member",
            _ if matches!(ty, TypeRef::Array(_)) => "arrays of arrays or of objects",
            _ if matches!(ty, TypeRef::Any) => "free-form JSON",
            _ => "objects",
        }
    }

    pub(super) fn body(
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
        // JSON or a form if the spec offers one, else a body sent as given.
        let chosen = body
            .content
            .iter()
            .find_map(|(m, c)| media_encoding(m).map(|e| (m, c, e)))
            .or_else(|| {
                body.content
                    .iter()
                    .find(|(m, _)| is_raw_media(m))
                    .map(|(m, c)| (m, c, BodyEncoding::Raw))
            });
        let Some((media, content, encoding)) = chosen else {
            let found: Vec<&str> = body.content.keys().map(String::as_str).collect();
            self.diags.push(Kind::Unsupported, at.key("content").as_str(), format!("no supported media type (JSON, form-urlencoded, multipart/form-data, or one sent as given such as application/octet-stream or text/plain) among: {}", found.join(", ")));
            return None;
        };
        let media_ptr = at.key("content").key(media);
        let ty = if encoding == BodyEncoding::Raw {
            // The schema (`type: string, format: binary`, or none) only says "the bytes".
            if media.to_ascii_lowercase().starts_with("text/") {
                TypeRef::String
            } else {
                TypeRef::Bytes
            }
        } else {
            self.media_type(content, &media_ptr, &format!("{builder}Request"))
        };
        let example = media_example(self.spec, content);
        let shape = match &ty {
            TypeRef::Named(n) => match self.types.iter().find(|t| &t.name == n).map(|t| &t.kind) {
                Some(TypeKind::Struct(s)) => BodyShape::Spread {
                    name: n.clone(),
                    // Setter names share the builder's namespace with parameters.
                    setters: s.fields.iter().map(|f| names.claim(&f.rust)).collect(),
                },
                _ => BodyShape::Whole,
            },
            _ => BodyShape::Whole,
        };
        // (`body`, the whole-body setter's name, is reserved for it.)
        if encoding == BodyEncoding::Form {
            self.check_form(&ty, &shape, &media_ptr);
        }
        let parts = match (&shape, encoding) {
            (BodyShape::Spread { name, .. }, BodyEncoding::Multipart) => {
                let fields = self.struct_fields(name);
                fields.iter().map(|f| self.part_kind(&f.ty)).collect()
            }
            (BodyShape::Whole, BodyEncoding::Multipart) => {
                self.diags.push(
                    Kind::Unsupported,
                    media_ptr.key("schema").as_str(),
                    "a multipart/form-data body must be an object schema with properties",
                );
                Vec::new()
            }
            _ => Vec::new(),
        };
        Some(Body {
            encoding,
            media: media.clone(),
            required: body.required,
            ty,
            shape,
            example,
            parts,
        })
    }

    /// The fields of the struct named `name` (none when it is not a struct), copied: the
    /// caller goes on to report problems about them.
    fn struct_fields(&self, name: &str) -> Vec<Field> {
        struct_named(&self.types, name).map_or_else(Vec::new, |s| s.fields.clone())
    }

    /// Reports the fields of a form-urlencoded body that a form cannot carry; a body that
    /// is not an object (nor a free-form map, sent as given) is reported whole.
    fn check_form(&mut self, ty: &TypeRef, shape: &BodyShape, media_ptr: &Pointer) {
        match shape {
            // A free-form map (`type: object` with no properties) is sent as given.
            BodyShape::Whole if matches!(self.resolve_alias(ty), TypeRef::Map(_)) => {}
            BodyShape::Whole => self.diags.push(
                Kind::Unsupported,
                media_ptr.key("schema").as_str(),
                "a form-urlencoded body must be an object schema",
            ),
            BodyShape::Spread { name, .. } => {
                let schema_ptr = self
                    .types
                    .iter()
                    .find(|t| &t.name == name)
                    .map(|t| t.source.clone())
                    .unwrap_or_else(|| media_ptr.key("schema").to_string());
                for f in self.struct_fields(name) {
                    if let Err(why) = self.form_value(&f.ty) {
                        let at = Pointer::from_ref(&schema_ptr)
                            .unwrap_or_else(Pointer::root)
                            .key("properties")
                            .key(&f.wire);
                        self.diags.push(
                            Kind::Unsupported,
                            at.as_str(),
                            format!("form field `{}` is {why}", f.wire),
                        );
                    }
                }
            }
        }
    }

    /// How a multipart body's field of type `ty` is written: binary data as a file, a
    /// scalar as text, anything else as JSON (OpenAPI's default for objects and lists).
    fn part_kind(&self, ty: &TypeRef) -> PartKind {
        let scalar = |ty: &TypeRef| super::passes::displayable(&self.types, ty);
        match self.resolve_alias(ty) {
            TypeRef::Bytes => PartKind::File,
            TypeRef::Secret => PartKind::Text,
            TypeRef::Array(item) if *item == TypeRef::Bytes => PartKind::Files,
            TypeRef::Array(item) if scalar(&item) => PartKind::Texts,
            ty if scalar(&ty) => PartKind::Text,
            _ => PartKind::Json,
        }
    }

    pub(super) fn response(
        &mut self,
        builder: &str,
        op: &'a openapiv3::Operation,
        op_ptr: &Pointer,
    ) -> ResponseSpec {
        let mut success = None;
        let mut answer = AnswerMedia::Json;
        let mut accept = None;
        let mut errors: Vec<ErrorAnswer> = Vec::new();
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
            let this = self.answer(response, &at, &format!("{builder}{suffix}"));
            if is_success && success.is_none() {
                success = Some((this.ty, this.example));
                answer = this.media;
                accept = this.accept;
            } else if !is_success && this.media == AnswerMedia::Json {
                note_error_answer(&mut errors, code, this.ty);
            }
        }
        let (ty, example) = success.unwrap_or((TypeRef::Unit, None));
        let envelope = match &ty {
            // The runtime reads an envelope from JSON answers only.
            _ if answer == AnswerMedia::Negotiated => None,
            TypeRef::Named(n) => {
                self.types
                    .iter()
                    .find(|t| &t.name == n)
                    .and_then(|t| match &t.kind {
                        TypeKind::Struct(s) => s.envelope.clone().map(|env| {
                            // The first spelling the schema types is the payload's type.
                            let payload = env
                                .payload
                                .iter()
                                .find_map(|p| s.fields.iter().find(|f| &f.wire == p))
                                .map(|f| f.ty.clone())
                                .unwrap_or(TypeRef::Any);
                            (env, payload)
                        }),
                        _ => None,
                    })
            }
            _ => None,
        };
        // What `send()` returns of the example: the first payload spelling it has.
        let payload_example = match (&envelope, &example) {
            (Some((env, _)), Some(Value::Object(members))) => env
                .payload
                .iter()
                .find_map(|name| members.get(name))
                .cloned(),
            (Some(_), _) => None,
            (None, _) => example.clone(),
        };
        ResponseSpec {
            ty,
            envelope,
            example,
            payload_example,
            media: answer,
            accept,
            // Settled once what is emitted is known (`settle_error_answers`).
            errors,
        }
    }

    /// One answer's type, what it is, and (when it comes in media types of more than one
    /// kind) the `Accept` header listing them. JSON is decoded into the type its schema
    /// names, text and bytes are handed over as a `String` and as bytes; an answer in
    /// JSON and, say, a PDF answers in the one the server sent.
    fn answer(&mut self, response: &'a openapiv3::Response, at: &Pointer, name: &str) -> Answer {
        let kind = |media: &str| match media_encoding(media) {
            Some(BodyEncoding::Json) => AnswerMedia::Json,
            _ if essence(media).starts_with("text/") => AnswerMedia::Text,
            _ => AnswerMedia::Binary,
        };
        let mut kinds: Vec<AnswerMedia> = response.content.keys().map(|m| kind(m)).collect();
        kinds.dedup();
        let json = response
            .content
            .iter()
            .find(|(m, _)| media_encoding(m) == Some(BodyEncoding::Json))
            .map(|(media, content)| {
                let ty = self.media_type(content, &at.key("content").key(media), name);
                (ty, media_example(self.spec, content))
            });
        let (ty, example) = json.unwrap_or((TypeRef::Unit, None));
        let (ty, media, accept) = match kinds.as_slice() {
            [] | [AnswerMedia::Json] => (ty, AnswerMedia::Json, None),
            [AnswerMedia::Text] => (TypeRef::String, AnswerMedia::Text, None),
            [AnswerMedia::Binary] => (TypeRef::Bytes, AnswerMedia::Binary, None),
            _ => {
                let all: Vec<&str> = response.content.keys().map(String::as_str).collect();
                (ty, AnswerMedia::Negotiated, Some(all.join(", ")))
            }
        };
        Answer {
            ty,
            example,
            media,
            accept,
        }
    }

    pub(super) fn security(
        &mut self,
        op: &'a openapiv3::Operation,
        op_ptr: &Pointer,
    ) -> Vec<Security> {
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
                Some(ReferenceOr::Item(_)) => self.diags.push(Kind::Unsupported, at.key(0).key(name).as_str(), format!("security scheme `{name}` is not supported: use http bearer/basic, oauth2, or an apiKey in a header")),
                Some(ReferenceOr::Reference { .. }) => self.diags.push(Kind::Unsupported, at.key(0).key(name).as_str(), "security scheme `$ref`s are not supported"),
                None => self.diags.push(Kind::Invalid, at.key(0).key(name).as_str(), format!("`{name}` is not in #/components/securitySchemes")),
            }
        }
        out
    }
}

pub(super) struct LowerOp<'a, 'p> {
    id: String,
    builder: String,
    fn_name: String,
    method: &'a str,
    path: &'a str,
    op: &'a openapiv3::Operation,
    op_ptr: Pointer,
    params: Vec<(&'p ReferenceOr<Parameter>, Pointer)>,
}

pub(super) fn location_name(l: ParamLocation) -> &'static str {
    match l {
        ParamLocation::Path => "path",
        ParamLocation::Query => "query",
        ParamLocation::Header => "header",
    }
}

/// One answer as lowering reads it: its type and example, what it is, and for an answer
/// in media types of several kinds the `Accept` header listing them.
struct Answer {
    ty: TypeRef,
    example: Option<Value>,
    media: AnswerMedia,
    accept: Option<String>,
}

/// A media type's essence: `Application/JSON; charset=utf-8` → `application/json`.
fn essence(media: &str) -> String {
    media
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

/// A media type whose body is sent as given: anything but JSON, forms and multipart.
fn is_raw_media(media: &str) -> bool {
    let essence = essence(media);
    !essence.starts_with("multipart/")
        && media_encoding(&essence).is_none()
        && essence.contains('/')
}

pub(super) fn media_encoding(media: &str) -> Option<BodyEncoding> {
    let essence = essence(media);
    if essence == "application/json" || essence.ends_with("+json") {
        Some(BodyEncoding::Json)
    } else if essence == "application/x-www-form-urlencoded" {
        Some(BodyEncoding::Form)
    } else if essence == "multipart/form-data" {
        Some(BodyEncoding::Multipart)
    } else {
        None
    }
}

/// The media type's example: `example`, or the first of `examples` (following `$ref`s).
pub(super) fn media_example(spec: &OpenAPI, content: &openapiv3::MediaType) -> Option<Value> {
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

pub(super) fn placeholders(path: &str) -> Vec<String> {
    path.split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(name, _)| name.to_owned()))
        .collect()
}

/// `path` in pieces: the text between placeholders, and each placeholder as the index of its
/// parameter in `path_params` (one without, already reported, is left out).
fn path_parts(path: &str, path_params: &[Param]) -> Vec<PathPart> {
    let mut parts = Vec::new();
    let mut rest = path;
    while let Some(start) = rest.find('{') {
        let Some(len) = rest[start..].find('}') else {
            break;
        };
        if start > 0 {
            parts.push(PathPart::Text(rest[..start].to_owned()));
        }
        let name = &rest[start + 1..start + len];
        if let Some(n) = path_params.iter().position(|p| p.wire == name) {
            parts.push(PathPart::Param(n));
        }
        rest = &rest[start + len + 1..];
    }
    if !rest.is_empty() {
        parts.push(PathPart::Text(rest.to_owned()));
    }
    parts
}

/// The builder's inputs, in order: path parameters, the other parameters, then the body's
/// fields (with the body example's member as their example) or the whole body.
fn inputs(
    path_params: &[Param],
    other_params: &[Param],
    body: Option<&Body>,
    types: &[TypeDef],
) -> Vec<Input> {
    let mut inputs: Vec<Input> = path_params
        .iter()
        .chain(other_params)
        .map(|p| Input {
            name: p.rust.clone(),
            wire: p.wire.clone(),
            kind: match p.location {
                ParamLocation::Path => InputKind::Path,
                ParamLocation::Query => InputKind::Query,
                ParamLocation::Header => InputKind::Header,
            },
            ty: p.ty.clone(),
            required: p.required,
            query: p.query,
            doc: p.doc.clone(),
            constraints: p.constraints.clone(),
            example: None,
            body_field: None,
            part: None,
            deprecated: p.deprecated,
        })
        .collect();
    let Some(body) = body else { return inputs };
    match body.setters(types) {
        Some(fields) => inputs.extend(fields.into_iter().enumerate().map(|(k, (setter, f))| {
            let part = body.parts.get(k).copied();
            Input {
                name: setter.to_owned(),
                wire: f.wire.clone(),
                kind: InputKind::BodyField,
                // A file part carries a file name and media type beside its bytes.
                ty: match part {
                    Some(PartKind::File) => TypeRef::File,
                    Some(PartKind::Files) => TypeRef::Array(Box::new(TypeRef::File)),
                    _ => f.ty.clone(),
                },
                required: f.required,
                query: QueryEncoding::Scalar,
                doc: f.doc.clone(),
                constraints: f.constraints.clone(),
                example: body
                    .example
                    .as_ref()
                    .and_then(|e| e.get(&f.wire))
                    .or(f.example.as_ref())
                    .cloned(),
                body_field: Some(k),
                part,
                deprecated: f.deprecated,
            }
        })),
        None => inputs.push(Input {
            name: "body".to_owned(),
            wire: "body".to_owned(),
            kind: InputKind::WholeBody,
            ty: body.ty.clone(),
            required: body.required,
            query: QueryEncoding::Scalar,
            doc: None,
            constraints: Constraints::default(),
            example: body.example.clone(),
            body_field: None,
            part: None,
            deprecated: false,
        }),
    }
    inputs
}

/// Records that the error answer with `status` has a body of `ty`, beside the statuses of
/// the same type; a body of no named type has nothing to read it as.
fn note_error_answer(errors: &mut Vec<ErrorAnswer>, status: String, ty: TypeRef) {
    let TypeRef::Named(type_name) = ty else {
        return;
    };
    match errors.iter_mut().find(|e| e.type_name == type_name) {
        Some(same) => same.statuses.push(status),
        None => errors.push(ErrorAnswer {
            statuses: vec![status],
            type_name,
        }),
    }
}

/// A query parameter's `style` as the spec writes it.
fn style_name(style: &QueryStyle) -> &'static str {
    match style {
        QueryStyle::Form => "form",
        QueryStyle::SpaceDelimited => "spaceDelimited",
        QueryStyle::PipeDelimited => "pipeDelimited",
        QueryStyle::DeepObject => "deepObject",
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::lower_yaml;
    use crate::model::*;

    fn with_paths(paths: &str) -> String {
        format!(
            "openapi: 3.0.3\ninfo: {{title: T, version: '1'}}\npaths:\n{paths}components:\n  schemas:\n    Pay:\n      type: object\n      required: [ref]\n      properties:\n        ref: {{type: string}}\n        note: {{type: string}}\n"
        )
    }

    const BODY: &str = "      requestBody:\n        required: true\n        content:\n          application/json:\n            schema: {$ref: '#/components/schemas/Pay'}\n      responses:\n        '204': {description: ok}\n";

    #[test]
    fn a_path_is_cut_into_text_and_its_parameters_once_in_lowering() {
        let api = lower_yaml(&with_paths(
            "  /a/{second}/b/{first}.json:\n    get:\n      operationId: getIt\n      parameters:\n        - {name: first, in: path, required: true, schema: {type: string}}\n        - {name: second, in: path, required: true, schema: {type: string}}\n      responses:\n        '204': {description: ok}\n",
        ))
        .expect("valid");
        let op = &api.operations[0];
        assert_eq!(
            op.path_parts,
            [
                PathPart::Text("/a/".to_owned()),
                PathPart::Param(0),
                PathPart::Text("/b/".to_owned()),
                PathPart::Param(1),
                PathPart::Text(".json".to_owned()),
            ]
        );
        assert_eq!(op.inputs[0].wire, "second", "in the path's order");
    }

    #[test]
    fn path_parameters_follow_the_path_and_operation_level_ones_win() {
        let api = lower_yaml(&with_paths(
            "  /a/{second}/b/{first}:\n    parameters:\n      - {name: first, in: path, required: true, schema: {type: integer}}\n    get:\n      operationId: getIt\n      parameters:\n        - {name: second, in: path, required: true, schema: {type: string}}\n        - {name: first, in: path, required: true, schema: {type: string}}\n      responses:\n        '204': {description: ok}\n",
        ))
        .expect("valid");
        let op = &api.operations[0];
        let wires: Vec<&str> = op.inputs.iter().map(|i| i.wire.as_str()).collect();
        assert_eq!(wires, ["second", "first"]);
        assert_eq!(op.inputs[1].ty, TypeRef::String, "the operation's own wins");
    }

    /// The error answers described with a JSON body of a type are recorded once per type,
    /// in the spec's order; a body that is not JSON is not, and an enveloped answer's
    /// failures (an `Error::Api`) record none.
    #[test]
    fn error_answers_are_recorded_by_type_unless_the_answer_is_enveloped() {
        let problem =
            "content: {application/json: {schema: {$ref: '#/components/schemas/Problem'}}}";
        let spec = format!(
            "openapi: 3.0.3\ninfo: {{title: T, version: '1'}}\npaths:\n  /plain:\n    get:\n      operationId: plain\n      responses:\n        '200': {{description: ok, content: {{application/json: {{schema: {{type: string}}}}}}}}\n        '404': {{description: no, {problem}}}\n        '502': {{description: gateway, content: {{text/html: {{schema: {{type: string}}}}}}}}\n        '5XX': {{description: down, content: {{application/json: {{schema: {{type: object, properties: {{retry: {{type: integer}}}}}}}}}}}}\n        default: {{description: other, {problem}}}\n  /wrapped:\n    get:\n      operationId: wrapped\n      responses:\n        '200': {{description: ok, content: {{application/json: {{schema: {{$ref: '#/components/schemas/Envelope'}}}}}}}}\n        '400': {{description: no, {problem}}}\ncomponents:\n  schemas:\n    Problem: {{type: object, properties: {{message: {{type: string}}}}}}\n    Envelope:\n      type: object\n      x-envelope: {{code: code, message: message, payload: payload}}\n      properties:\n        code: {{type: integer}}\n        message: {{type: string}}\n        payload: {{type: string}}\n"
        );
        let api = lower_yaml(&spec).expect("valid");
        let errors = |id: &str| {
            let op = api.operations.iter().find(|o| o.id == id).expect("lowered");
            op.response
                .errors
                .iter()
                .map(|e| (e.type_name.clone(), e.statuses.join(" ")))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            errors("plain"),
            [
                ("Problem".to_owned(), "404 default".to_owned()),
                ("PlainResponseV5xx".to_owned(), "5XX".to_owned()),
            ]
        );
        assert_eq!(errors("wrapped"), []);
    }

    #[test]
    fn writes_are_classed_by_their_key_and_reads_are_idempotent() {
        let keyed = format!(
            "  /pay:\n    post:\n      operationId: pay\n      x-idempotency-key: ref\n{BODY}"
        );
        let api = lower_yaml(&with_paths(&keyed)).expect("valid");
        assert_eq!(api.operations[0].retry, RetryKind::KeyedWrite);
        assert_eq!(
            api.operations[0]
                .idempotency_key
                .as_ref()
                .map(|k| k.wire.as_str()),
            Some("ref")
        );
        let plain = format!("  /pay:\n    post:\n      operationId: pay\n{BODY}");
        assert_eq!(
            lower_yaml(&with_paths(&plain)).expect("valid").operations[0].retry,
            RetryKind::NonIdempotent
        );
    }

    #[test]
    fn bad_keys_and_lookups_are_reported_at_their_pointers() {
        let bad = format!(
            "  /pay:\n    post:\n      operationId: pay\n      x-idempotency-key: note\n      x-outcome-lookup: findPayment\n{BODY}"
        );
        let errors = lower_yaml(&with_paths(&bad))
            .expect_err("invalid")
            .to_string();
        assert!(
            errors.contains(
                "#/paths/~1pay/post/x-idempotency-key: `note` must be a required body field"
            ),
            "{errors}"
        );
        assert!(
            errors.contains(
                "#/paths/~1pay/post/x-outcome-lookup: `findPayment` is not the operationId"
            ),
            "{errors}"
        );
    }
}
