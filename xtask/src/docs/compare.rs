//! A page held against the spec: every difference at its place, classed.

use std::collections::BTreeSet;

use serde_json::Value;

use super::curation::Curation;
use super::page::{Example, Field, Location, Page};
use super::spec::{Operation, Spec, SpecField, escape};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    Drift,
    Curated,
    Cosmetic,
    CannotTell,
}

impl Class {
    pub fn as_str(self) -> &'static str {
        match self {
            Class::Drift => "drift",
            Class::Curated => "curated",
            Class::Cosmetic => "cosmetic",
            Class::CannotTell => "cannot_tell",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Finding {
    pub page: String,
    pub operation: Option<String>,
    pub field: String,
    pub pointer: Option<String>,
    pub kind: &'static str,
    pub class: Class,
    pub docs: Option<String>,
    pub spec: Option<String>,
    /// For `curated`: the rule or spec note that explains it; for `cannot_tell`: why.
    pub reason: Option<String>,
}

struct Ctx<'a> {
    page_name: &'a str,
    spec: &'a Spec,
    curation: &'a Curation,
    operation: Option<String>,
    out: Vec<Finding>,
}

impl Ctx<'_> {
    fn push(
        &mut self,
        field: String,
        pointer: Option<String>,
        kind: &'static str,
        docs: Option<String>,
        spec: Option<String>,
    ) {
        let (class, reason) = match kind {
            "description_changed" => (Class::Cosmetic, None),
            "cannot_tell" => (Class::CannotTell, None),
            _ => match self
                .curation
                .explain(self.operation.as_deref(), &field, kind)
            {
                Some(rule) => (
                    Class::Curated,
                    Some(format!("spec/CURATION.md:{}: {}", rule.line, rule.because)),
                ),
                None => (Class::Drift, None),
            },
        };
        self.out.push(Finding {
            page: self.page_name.to_owned(),
            operation: self.operation.clone(),
            field,
            pointer,
            kind,
            class,
            docs,
            spec,
            reason,
        });
    }

    fn curated(
        &mut self,
        field: String,
        pointer: Option<String>,
        kind: &'static str,
        docs: Option<String>,
        spec: Option<String>,
        reason: String,
    ) {
        self.out.push(Finding {
            page: self.page_name.to_owned(),
            operation: self.operation.clone(),
            field,
            pointer,
            kind,
            class: Class::Curated,
            docs,
            spec,
            reason: Some(reason),
        });
    }

    fn cannot_tell(&mut self, field: String, pointer: Option<String>, why: String) {
        self.out.push(Finding {
            page: self.page_name.to_owned(),
            operation: self.operation.clone(),
            field,
            pointer,
            kind: "cannot_tell",
            class: Class::CannotTell,
            docs: None,
            spec: None,
            reason: Some(why),
        });
    }
}

/// Every difference between one page and the spec.
pub fn check(
    page_name: &str,
    page: &Page,
    spec: &Spec,
    curation: &Curation,
) -> (Option<String>, Vec<Finding>) {
    let mut cx = Ctx {
        page_name,
        spec,
        curation,
        operation: None,
        out: Vec::new(),
    };
    let op = match (&page.method, &page.path) {
        (Some(method), Some(path)) => match spec.operation(method, path) {
            Some(op) => op,
            None => {
                let methods = spec.methods_at(path);
                let pointer = Some(format!("#/paths/{}", escape(path)));
                if methods.is_empty() {
                    cx.push(
                        "path".to_owned(),
                        Some("#/paths".to_owned()),
                        "path_mismatch",
                        Some(format!("{method} {path}")),
                        None,
                    );
                } else {
                    cx.push(
                        "method".to_owned(),
                        pointer,
                        "method_mismatch",
                        Some(method.clone()),
                        Some(methods.join(", ")),
                    );
                }
                return (None, cx.out);
            }
        },
        _ => match guide_operation(page, spec) {
            Some(op) => op,
            None => {
                cx.cannot_tell(
                    "path".to_owned(),
                    None,
                    "a guide names no method and path, and none of its examples is a request body of one operation".to_owned(),
                );
                return (None, cx.out);
            }
        },
    };
    cx.operation = op.id.map(str::to_owned);
    if page.method.is_some() {
        compare_heading(&mut cx, page, &op);
        compare_params(&mut cx, page, &op);
    }
    compare_body(&mut cx, page, &op);
    compare_responses(&mut cx, page, &op);
    if page.cut && page.method.is_some() {
        cx.cannot_tell(
            "response".to_owned(),
            None,
            "the page is cut off ([...]): what follows the cut was not compared".to_owned(),
        );
    }
    (cx.operation, cx.out)
}

/// A guide page names no operation: its request example is matched to the one operation whose
/// request body has every member the example sends.
fn guide_operation<'s>(page: &Page, spec: &'s Spec) -> Option<Operation<'s>> {
    let example = page.request_examples.first()?;
    let keys: Vec<&String> = example.value.as_object()?.keys().collect();
    let mut matches = spec.operations().into_iter().filter(|(_, _, op)| {
        let fields = body_fields(spec, op);
        !fields.is_empty()
            && keys.iter().all(|k| {
                fields
                    .iter()
                    .any(|f| &f.name == *k || f.aliases.contains(k))
            })
    });
    let first = matches.next()?;
    matches.next().is_none().then_some(first.2)
}

fn body_schema<'s>(spec: &'s Spec, op: &'s Operation<'_>) -> Option<(&'s Value, String, String)> {
    let (body, pointer) = spec.request_body(op)?;
    let (media, content) = body.get("content")?.as_object()?.iter().next()?;
    let schema = content.get("schema")?;
    Some((
        schema,
        format!("{pointer}/content/{}/schema", escape(media)),
        media.clone(),
    ))
}

fn body_fields(spec: &Spec, op: &Operation<'_>) -> Vec<SpecField> {
    body_schema(spec, op)
        .map(|(schema, pointer, _)| spec.fields(schema, &pointer))
        .unwrap_or_default()
}

fn compare_heading(cx: &mut Ctx<'_>, page: &Page, op: &Operation<'_>) {
    let recorded = op.value.get("x-docs-title").and_then(Value::as_str);
    if let (Some(title), Some(recorded)) = (&page.title, recorded)
        && title != recorded
    {
        cx.push(
            "title".to_owned(),
            Some(format!("{}/x-docs-title", op.pointer)),
            "description_changed",
            Some(title.clone()),
            Some(recorded.to_owned()),
        );
    }
    let deprecated = op
        .value
        .get("deprecated")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    if page.deprecated != deprecated {
        cx.push(
            "deprecated".to_owned(),
            Some(format!("{}/deprecated", op.pointer)),
            "deprecation_mismatch",
            Some(page.deprecated.to_string()),
            Some(deprecated.to_string()),
        );
    }
    for curl in &page.curls {
        if let Some(m) = &curl.method
            && Some(m) != page.method.as_ref()
        {
            cx.push(
                "method".to_owned(),
                Some(op.pointer.clone()),
                "method_mismatch",
                Some(format!("curl: {m}")),
                page.method.clone(),
            );
        }
        let after_host = curl
            .url
            .split("://")
            .nth(1)
            .map(|r| r.find('/').map_or("", |i| &r[i..]))
            .unwrap_or(&curl.url);
        let (path, query) = after_host.split_once('?').unwrap_or((after_host, ""));
        if !path.is_empty() && Some(path) != page.path.as_deref() && !path.contains('{') {
            let same_shape = page.path.as_deref().is_some_and(|p| {
                p.split('/').count() == path.split('/').count() && p.contains('{')
            });
            if !same_shape {
                cx.push(
                    "path".to_owned(),
                    Some(op.pointer.clone()),
                    "path_mismatch",
                    Some(format!("curl: {path}")),
                    page.path.clone(),
                );
            }
        }
        let spec_query: Vec<String> = cx
            .spec
            .parameters(op)
            .iter()
            .filter(|(p, _)| p.get("in").and_then(Value::as_str) == Some("query"))
            .filter_map(|(p, _)| p.get("name").and_then(Value::as_str).map(str::to_owned))
            .collect();
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            let name = pair.split('=').next().unwrap_or(pair);
            if !spec_query.iter().any(|q| q == name) {
                cx.push(
                    format!("request.query.{name}"),
                    Some(format!("{}/parameters", op.pointer)),
                    "field_only_in_docs",
                    Some(format!("curl: {pair}")),
                    None,
                );
            }
        }
    }
}

fn compare_params(cx: &mut Ctx<'_>, page: &Page, op: &Operation<'_>) {
    let spec_params = cx.spec.parameters(op);
    for param in &page.params {
        let f = &param.field;
        let loc = param.location.as_str();
        let found = spec_params.iter().find(|(p, _)| {
            p.get("in").and_then(Value::as_str) == Some(loc)
                && p.get("name").and_then(Value::as_str).is_some_and(|n| {
                    // Header names are case-insensitive.
                    n == f.name
                        || (param.location == Location::Header && n.eq_ignore_ascii_case(&f.name))
                })
        });
        match found {
            Some((p, pointer)) => {
                compare_param(cx, &format!("request.{loc}.{}", f.name), f, p, pointer)
            }
            None => param_only_in_docs(cx, param.location, f, op),
        }
    }
    params_only_in_spec(cx, page, &spec_params);
}

/// A documented parameter the spec has: its requirement and type.
fn compare_param(cx: &mut Ctx<'_>, field: &str, f: &Field, p: &Value, pointer: &str) {
    let required = p.get("required").and_then(Value::as_bool).unwrap_or(false);
    if let Some(doc_required) = f.required
        && doc_required != required
    {
        cx.push(
            field.to_owned(),
            Some(format!("{pointer}/required")),
            "required_mismatch",
            Some(req(doc_required)),
            Some(req(required)),
        );
    }
    let spec_ty = p
        .get("schema")
        .map(|s| cx.spec.resolve(s, String::new()).0)
        .and_then(|s| s.get("type"))
        .and_then(Value::as_str);
    if let Some(spec_ty) = spec_ty
        && spec_ty != f.ty
    {
        cx.push(
            field.to_owned(),
            Some(format!("{pointer}/schema")),
            "type_mismatch",
            Some(f.ty.clone()),
            Some(spec_ty.to_owned()),
        );
    }
}

/// A documented parameter the spec has not: a header the spec sends otherwise (a security
/// scheme, the body's media type) is no difference.
fn param_only_in_docs(cx: &mut Ctx<'_>, location: Location, f: &Field, op: &Operation<'_>) {
    let field = format!("request.{}.{}", location.as_str(), f.name);
    let parameters = Some(format!("{}/parameters", op.pointer));
    if location != Location::Header {
        cx.push(
            field,
            parameters,
            "field_only_in_docs",
            Some(describe(f)),
            None,
        );
        return;
    }
    if cx
        .spec
        .security_headers(op)
        .iter()
        .any(|s| s.eq_ignore_ascii_case(&f.name))
    {
        return;
    }
    if f.name.eq_ignore_ascii_case("content-type") {
        let media = body_schema(cx.spec, op).map(|(_, _, m)| m);
        let documented = f.example.as_deref();
        if documented.is_some() && documented != media.as_deref() {
            let body = Some(format!("{}/requestBody", op.pointer));
            cx.push(
                field,
                body,
                "header_mismatch",
                documented.map(str::to_owned),
                media,
            );
        }
        return;
    }
    cx.push(
        field,
        parameters,
        "header_mismatch",
        Some(describe(f)),
        None,
    );
}

/// Parameters the spec has and a list the page shows does not (cannot tell when the page
/// renders that list empty).
fn params_only_in_spec(cx: &mut Ctx<'_>, page: &Page, spec_params: &[(&Value, String)]) {
    for (p, pointer) in spec_params {
        let (Some(loc), Some(name)) = (
            p.get("in").and_then(Value::as_str),
            p.get("name").and_then(Value::as_str),
        ) else {
            continue;
        };
        let field = format!("request.{loc}.{name}");
        let mut shown = page
            .params
            .iter()
            .filter(|q| q.location.as_str() == loc)
            .peekable();
        if shown.peek().is_none() {
            if page.unseen.iter().any(|u| u == &format!("request.{loc}")) {
                let why = format!("the page renders its {loc} parameter list empty");
                cx.cannot_tell(field, Some(pointer.clone()), why);
            }
            continue;
        }
        if !shown.any(|q| q.field.name.eq_ignore_ascii_case(name)) {
            let kind = if loc == "header" {
                "header_mismatch"
            } else {
                "field_only_in_spec"
            };
            cx.push(
                field,
                Some(pointer.clone()),
                kind,
                None,
                Some(name.to_owned()),
            );
        }
    }
}

fn describe(f: &Field) -> String {
    let mut s = f.ty.clone();
    if let Some(r) = f.required {
        s.push_str(if r { ", required" } else { ", optional" });
    }
    if let Some(e) = &f.example {
        s.push_str(&format!(", example {e}"));
    }
    s
}

fn req(required: bool) -> String {
    if required { "required" } else { "optional" }.to_owned()
}

/// A documented field: from the page's field list, or only from its example.
struct DocField {
    name: String,
    ty: Option<String>,
    required: Option<bool>,
    enum_values: Vec<String>,
    map: bool,
    listed: bool,
    /// Where the page shows it, when not in its field list.
    shown_in: &'static str,
    table: Option<String>,
}

fn doc_fields(list: &[Field], root: &str, examples: &[&Example]) -> Vec<DocField> {
    let mut out: Vec<DocField> = list
        .iter()
        .map(|f| DocField {
            name: if root.is_empty() {
                f.name.clone()
            } else {
                format!("{root}.{}", f.name)
            },
            ty: Some(f.ty.clone()),
            required: f.required,
            enum_values: f.enum_values.clone(),
            map: f.map,
            listed: true,
            shown_in: "the field list",
            table: None,
        })
        .collect();
    for example in examples {
        let mut leaves = Vec::new();
        members(&example.value, "", &mut leaves);
        for (name, value) in leaves {
            if out.iter().any(|f| f.name == name) {
                continue;
            }
            out.push(DocField {
                name,
                ty: if example.placeholder {
                    None
                } else {
                    json_type(value)
                },
                required: None,
                enum_values: Vec::new(),
                map: false,
                listed: false,
                shown_in: "the example",
                table: None,
            });
        }
    }
    out
}

/// Every member of an example, dotted, objects recursed (arrays by their first element).
fn members<'v>(value: &'v Value, prefix: &str, out: &mut Vec<(String, &'v Value)>) {
    let value = match value {
        Value::Array(a) => match a.first() {
            Some(v) => v,
            None => return,
        },
        v => v,
    };
    if let Value::Object(m) = value {
        for (k, v) in m {
            let name = if prefix.is_empty() {
                k.clone()
            } else {
                format!("{prefix}.{k}")
            };
            out.push((name.clone(), v));
            members(v, &name, out);
        }
    }
}

fn json_type(v: &Value) -> Option<String> {
    Some(
        match v {
            Value::String(_) => "string",
            Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
            Value::Number(_) => "number",
            Value::Bool(_) => "boolean",
            Value::Object(_) => "object",
            Value::Array(_) => "array",
            Value::Null => return None,
        }
        .to_owned(),
    )
}

fn compare_body(cx: &mut Ctx<'_>, page: &Page, op: &Operation<'_>) {
    let spec = cx.spec;
    let Some((schema, schema_pointer, media)) = body_schema(spec, op) else {
        if !page.body_fields.is_empty() || !page.request_examples.is_empty() {
            cx.push(
                "request.body".to_owned(),
                Some(op.pointer.clone()),
                "field_only_in_docs",
                Some("a request body".to_owned()),
                None,
            );
        }
        return;
    };
    if let Some(docs_media) = &page.body_media
        && docs_media != &media
    {
        cx.push(
            "request.header.Content-Type".to_owned(),
            Some(format!("{}/requestBody/content", op.pointer)),
            "header_mismatch",
            Some(docs_media.clone()),
            Some(media.clone()),
        );
    }
    let list_seen = !page.unseen.iter().any(|u| u == "request.body");
    if !list_seen {
        cx.cannot_tell(
            "request.body".to_owned(),
            Some(schema_pointer.clone()),
            "the page renders its body parameter list empty: only its example's member names were compared".to_owned(),
        );
    }
    let examples: Vec<&Example> = page.request_examples.iter().collect();
    let mut docs = doc_fields(&page.body_fields, "", &examples);
    // A guide's field tables name body members (`email / mobile` is two); credentials in them
    // are the security schemes.
    let security = spec.security_headers(op);
    for (table, (cell, _)) in page
        .tables
        .iter()
        .flat_map(|t| t.rows.iter().map(move |r| (t, r)))
    {
        for name in cell.split('/').map(str::trim).filter(|n| !n.is_empty()) {
            if docs.iter().any(|d| d.name == name)
                || security.iter().any(|s| s.eq_ignore_ascii_case(name))
            {
                continue;
            }
            docs.push(DocField {
                name: name.to_owned(),
                ty: None,
                required: None,
                enum_values: Vec::new(),
                map: false,
                listed: false,
                shown_in: "a field table",
                table: Some(table.heading.clone()),
            });
        }
    }
    let spec_fields = spec.fields(schema, &schema_pointer);
    let (root_schema, root_pointer) = spec.resolve(schema, schema_pointer.clone());
    let _ = root_schema;
    compare_fields(
        cx,
        "request.body",
        &docs,
        &spec_fields,
        &root_pointer,
        list_seen && !page.body_fields.is_empty(),
        "",
    );
    let spec_example = spec.request_body(op).and_then(|(b, p)| {
        b.pointer(&format!("/content/{}/example", escape(&media)))
            .map(|e| (e, format!("{p}/content/{}/example", escape(&media))))
    });
    for example in page.request_examples.iter().filter(|e| !e.placeholder) {
        compare_example(cx, "request.example", example, spec_example.as_ref());
    }
}

fn compare_responses(cx: &mut Ctx<'_>, page: &Page, op: &Operation<'_>) {
    let spec = cx.spec;
    for r in &page.responses {
        let Some((response, pointer)) = spec.response(op, &r.status) else {
            cx.push(
                format!("response.{}", r.status),
                Some(format!("{}/responses", op.pointer)),
                "field_only_in_docs",
                Some(format!("HTTP {}", r.status)),
                None,
            );
            continue;
        };
        let content = response
            .get("content")
            .and_then(Value::as_object)
            .and_then(|c| c.iter().next());
        let Some((media, content)) = content else {
            if !r.fields.is_empty() || !r.examples.is_empty() {
                cx.push(
                    format!("response.{}.body", r.status),
                    Some(pointer),
                    "field_only_in_docs",
                    Some("a body".to_owned()),
                    None,
                );
            }
            continue;
        };
        let content_pointer = format!("{pointer}/content/{}", escape(media));
        let examples: Vec<&Example> = r.examples.iter().collect();
        let docs = doc_fields(&r.fields, &r.root, &examples);
        if let Some(schema) = content.get("schema") {
            let schema_pointer = format!("{content_pointer}/schema");
            let spec_fields = spec.fields(schema, &schema_pointer);
            let (_, root_pointer) = spec.resolve(schema, schema_pointer);
            let complete = !r.fields.is_empty() && !r.examples.iter().any(|e| e.partial);
            compare_fields(
                cx,
                &format!("response.{}.body", r.status),
                &docs,
                &spec_fields,
                &root_pointer,
                complete,
                &r.root,
            );
        }
        let spec_example = content
            .get("example")
            .map(|e| (e, format!("{content_pointer}/example")));
        for example in r.examples.iter().filter(|e| !e.placeholder) {
            compare_example(
                cx,
                &format!("response.{}.example", r.status),
                example,
                spec_example.as_ref(),
            );
        }
    }
}

/// Field by field. `complete`: the page's list is whole, so a field only the spec has is a
/// difference (unless the page's example shows it). `within`: only spec fields under this
/// dotted root are the page's business (`payload` when the page lists the payload alone).
fn compare_fields(
    cx: &mut Ctx<'_>,
    at: &str,
    docs: &[DocField],
    spec: &[SpecField],
    root_pointer: &str,
    complete: bool,
    within: &str,
) {
    for d in docs {
        match spec_field_for(d, spec) {
            Some(s) => compare_field(cx, &format!("{at}.{}", d.name), d, s),
            None => only_in_docs(cx, at, d, docs, spec, root_pointer),
        }
    }
    if complete {
        only_in_spec(cx, at, docs, spec, within);
    }
}

/// The spec's field for a documented one: by wire name (the last definition wins: an
/// `allOf` part that narrows a member comes after the base), else by an `x-aliases` name
/// under the same parent.
fn spec_field_for<'s>(d: &DocField, spec: &'s [SpecField]) -> Option<&'s SpecField> {
    spec.iter().rfind(|s| s.name == d.name).or_else(|| {
        let (parent, last) = d.name.rsplit_once('.').unwrap_or(("", d.name.as_str()));
        spec.iter().find(|s| {
            s.aliases.iter().any(|a| a == last)
                && s.name.rsplit_once('.').map_or("", |(p, _)| p) == parent
        })
    })
}

/// A documented field the spec has: its name, requirement, shape, enum values and type.
fn compare_field(cx: &mut Ctx<'_>, field: &str, d: &DocField, s: &SpecField) {
    if s.name != d.name {
        cx.curated(
            field.to_owned(),
            Some(s.pointer.clone()),
            "field_only_in_docs",
            Some(d.name.clone()),
            Some(s.name.clone()),
            format!(
                "the spec sends `{}` and accepts `{}` as an alias (x-aliases at {})",
                s.name,
                d.name.rsplit('.').next().unwrap_or(&d.name),
                s.pointer
            ),
        );
    }
    let mut push = |kind, docs: String, spec: String| {
        cx.push(
            field.to_owned(),
            Some(s.pointer.clone()),
            kind,
            Some(docs),
            Some(spec),
        );
    };
    if let Some(r) = d.required.filter(|_| d.listed)
        && r != s.required
    {
        push("required_mismatch", req(r), req(s.required));
    }
    if d.listed && d.map != s.map && d.ty.as_deref() == Some("object") {
        let shape = |m: bool| if m { "map" } else { "object" }.to_owned();
        push("type_mismatch", shape(d.map), shape(s.map));
    } else if !d.enum_values.is_empty() {
        let a: BTreeSet<&String> = d.enum_values.iter().collect();
        let b: BTreeSet<&String> = s.enum_values.iter().collect();
        if a != b {
            push(
                "enum_mismatch",
                d.enum_values.join(", "),
                s.enum_values.join(", "),
            );
        }
    } else if let (Some(dt), Some(st)) = (&d.ty, &s.ty) {
        // An example's whole number is a valid `number`.
        let compatible = dt == st || (!d.listed && dt == "integer" && st == "number");
        if !compatible {
            push("type_mismatch", dt.clone(), st.clone());
        }
    }
}

/// A documented field the spec lacks, reported where it would go; nothing under a member
/// the spec leaves open (no properties, a map, a non-object).
fn only_in_docs(
    cx: &mut Ctx<'_>,
    at: &str,
    d: &DocField,
    docs: &[DocField],
    spec: &[SpecField],
    root_pointer: &str,
) {
    let pointer = match d.name.rsplit_once('.') {
        None => format!("{root_pointer}/properties"),
        Some((p, _)) => {
            let Some(parent) = spec.iter().rfind(|s| s.name == p) else {
                return;
            };
            let open = parent.map
                || docs.iter().any(|o| o.name == p && o.map)
                || parent.ty.as_deref().is_some_and(|t| t != "object");
            if open {
                return;
            }
            format!("{}/properties", parent.schema_pointer)
        }
    };
    let place = match &d.table {
        Some(heading) => format!("in the field table under \"{heading}\""),
        None => format!("in {}", d.shown_in),
    };
    let words = match (&d.ty, d.listed) {
        (Some(t), true) => format!(
            "{t}{}",
            d.required
                .map_or(String::new(), |r| format!(", {}", req(r)))
        ),
        (Some(t), false) => format!("{t}, {place}"),
        (None, _) => place,
    };
    cx.push(
        format!("{at}.{}", d.name),
        Some(pointer),
        "field_only_in_docs",
        Some(words),
        None,
    );
}

/// Spec fields (under `within`) that neither the page's list nor its example shows; a child
/// of a field the page does not show is reported through its parent.
fn only_in_spec(cx: &mut Ctx<'_>, at: &str, docs: &[DocField], spec: &[SpecField], within: &str) {
    for s in spec {
        if !within.is_empty() && !s.name.starts_with(&format!("{within}.")) {
            continue;
        }
        let shown = docs.iter().any(|d| {
            d.name == s.name
                || s.aliases
                    .iter()
                    .any(|a| d.name.rsplit('.').next() == Some(a))
        });
        let parent_shown = s
            .name
            .rsplit_once('.')
            .is_none_or(|(p, _)| p == within || docs.iter().any(|d| d.name == p));
        if !shown && parent_shown {
            let required = if s.required { "required" } else { "optional" };
            cx.push(
                format!("{at}.{}", s.name),
                Some(s.pointer.clone()),
                "field_only_in_spec",
                None,
                Some(format!("{}, {required}", s.ty.clone().unwrap_or_default())),
            );
        }
    }
}

/// Member by member; numbers compare by value (`100` = `100.00`), an obfuscated e-mail
/// (`[email protected]`) matches any text.
fn compare_example(
    cx: &mut Ctx<'_>,
    at: &str,
    example: &Example,
    spec_example: Option<&(&Value, String)>,
) {
    let Some(&(spec_value, ref pointer)) = spec_example else {
        cx.push(
            at.to_owned(),
            None,
            "example_only_in_docs",
            Some(compact(&example.value)),
            None,
        );
        return;
    };
    let mut docs = Vec::new();
    leaves(&example.value, "", &mut docs);
    let mut theirs = Vec::new();
    leaves(spec_value, "", &mut theirs);
    // One finding per member that differs, at its pointer in the spec's example.
    let mut differs = |name: &str, docs: Option<&Value>, spec: Option<&Value>| {
        let leaf = name.split('.').map(escape).collect::<Vec<_>>().join("/");
        cx.push(
            format!("{at}.{name}"),
            Some(format!("{pointer}/{leaf}")),
            "example_mismatch",
            docs.map(compact),
            spec.map(compact),
        );
    };
    for (name, value) in &docs {
        let spec_leaf = theirs.iter().find(|(n, _)| n == name).map(|(_, v)| *v);
        if !spec_leaf.is_some_and(|s| same_value(value, s)) {
            differs(name, Some(value), spec_leaf);
        }
    }
    // A partial example says nothing of the members it does not show.
    if !example.partial {
        for (name, value) in &theirs {
            if !docs.iter().any(|(n, _)| n == name) {
                differs(name, None, Some(value));
            }
        }
    }
}

fn leaves<'v>(value: &'v Value, prefix: &str, out: &mut Vec<(String, &'v Value)>) {
    match value {
        Value::Object(m) if !m.is_empty() => {
            for (k, v) in m {
                leaves(
                    v,
                    &if prefix.is_empty() {
                        k.clone()
                    } else {
                        format!("{prefix}.{k}")
                    },
                    out,
                );
            }
        }
        Value::Array(a) if !a.is_empty() => {
            for (i, v) in a.iter().enumerate() {
                leaves(
                    v,
                    &if prefix.is_empty() {
                        i.to_string()
                    } else {
                        format!("{prefix}.{i}")
                    },
                    out,
                );
            }
        }
        v => out.push((prefix.to_owned(), v)),
    }
}

fn same_value(docs: &Value, spec: &Value) -> bool {
    match (docs, spec) {
        (Value::Number(a), Value::Number(b)) => a.as_f64() == b.as_f64(),
        (Value::String(a), Value::String(_))
            if a.contains("[email") && a.contains("protected]") =>
        {
            true
        }
        (a, b) => a == b,
    }
}

fn compact(v: &Value) -> String {
    serde_json::to_string(v).unwrap_or_default()
}
