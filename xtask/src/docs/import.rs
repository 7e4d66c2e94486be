//! `cargo xtask docs import PAGE`: a spec fragment drafted from a page whose operation the spec
//! does not have, to paste and curate. What the page does not state is marked `# guessed`.

use std::fmt::Write;

use heck::{ToLowerCamelCase, ToUpperCamelCase};
use serde_json::Value;

use super::page::{Field, Location, Page};
use super::spec::Spec;

pub fn fragment(page: &Page, spec: &Spec) -> Result<String, String> {
    let (Some(method), Some(path)) = (&page.method, &page.path) else {
        return Err("a guide names no method and path: nothing to import (docs check compares its examples)".to_owned());
    };
    if let Some(op) = spec.operation(method, path) {
        return Err(format!(
            "{method} {path} is already in the spec ({}): run `cargo xtask docs check` on the page",
            op.id.unwrap_or("no operationId")
        ));
    }
    let title = page
        .title
        .clone()
        .unwrap_or_else(|| format!("{method} {path}"));
    let op_id = title.to_lower_camel_case();
    let type_name = title.to_upper_camel_case();
    let mut y = String::new();
    let _ = writeln!(
        y,
        "# Drafted by `cargo xtask docs import` from the page \"{title}\". Paste the path item under"
    );
    let _ = writeln!(
        y,
        "# `paths:` and the schemas under `components: schemas:`, then curate (spec/CURATION.md)."
    );
    let _ = writeln!(y, "# `# guessed` marks what the page does not state.");
    if page.cut {
        let _ = writeln!(
            y,
            "# The page is cut off ([...]): what followed the cut is missing here."
        );
    }
    let _ = writeln!(y, "paths:\n  {path}:\n    {}:", method.to_ascii_lowercase());
    let _ = writeln!(y, "      operationId: {op_id}  # guessed: from the title");
    let _ = writeln!(y, "      x-docs-title: {}", quote(&title));
    let _ = writeln!(y, "      summary: {}", quote(&title));
    if !page.description.is_empty() {
        let _ = writeln!(y, "      description: >-");
        for line in &page.description {
            let _ = writeln!(y, "        {line}");
        }
    }
    write_parameters(&mut y, page);
    let mut schemas: Vec<(String, String)> = Vec::new();
    write_body(&mut y, page, &type_name, &mut schemas);
    write_responses(&mut y, page, &type_name, &mut schemas);
    let _ = writeln!(y, "components:\n  schemas:");
    for (name, body) in schemas {
        let _ = writeln!(y, "    {name}:\n{body}");
    }
    Ok(y)
}

/// The security guess and the path and query parameters.
fn write_parameters(y: &mut String, page: &Page) {
    let headers: Vec<&Field> = page
        .params
        .iter()
        .filter(|p| p.location == Location::Header)
        .map(|p| &p.field)
        .collect();
    if !headers.is_empty() {
        let names: Vec<&str> = headers.iter().map(|f| f.name.as_str()).collect();
        let _ = writeln!(
            y,
            "      # The page lists the headers {}: credentials belong in `security`, Content-Type in the body's media type.",
            names.join(", ")
        );
        let _ = writeln!(
            y,
            "      security:\n        - bearerAuth: []  # guessed: from an authorization header"
        );
    }
    let params: Vec<_> = page
        .params
        .iter()
        .filter(|p| p.location != Location::Header)
        .collect();
    if !params.is_empty() {
        let _ = writeln!(y, "      parameters:");
        for p in params {
            let f = &p.field;
            let _ = writeln!(
                y,
                "        - name: {}\n          in: {}",
                f.name,
                p.location.as_str()
            );
            let required = p.location == Location::Path || f.required == Some(true);
            let _ = writeln!(y, "          required: {required}");
            let _ = writeln!(y, "          schema:\n            type: {}", f.ty);
            if let Some(e) = &f.example {
                let _ = writeln!(y, "          example: {}", quote(e));
            }
        }
    }
}

/// The request body: a schema for it (added to `schemas`) and the page's example, unless it
/// is a placeholder drawn from the schema.
fn write_body(y: &mut String, page: &Page, type_name: &str, schemas: &mut Vec<(String, String)>) {
    let example = page
        .request_examples
        .iter()
        .find(|e| !e.placeholder)
        .or(page.request_examples.first());
    if !page.body_fields.is_empty() || example.is_some() {
        let media = page
            .body_media
            .clone()
            .unwrap_or_else(|| "application/json".to_owned());
        let name = format!("{type_name}Request");
        let _ = writeln!(
            y,
            "      requestBody:\n        required: true\n        content:\n          {media}:"
        );
        let _ = writeln!(
            y,
            "            schema:\n              $ref: '#/components/schemas/{name}'"
        );
        if let Some(e) = example.filter(|e| !e.placeholder) {
            let _ = writeln!(y, "            example: {}", flow(&e.value));
        }
        schemas.push((
            name,
            schema(
                &page.body_fields,
                example.map(|e| &e.value),
                example.is_some_and(|e| e.placeholder),
            ),
        ));
    }
}

/// Each answer the page shows, with a schema (added to `schemas`) and its example.
fn write_responses(
    y: &mut String,
    page: &Page,
    type_name: &str,
    schemas: &mut Vec<(String, String)>,
) {
    let _ = writeln!(y, "      responses:");
    if page.responses.is_empty() {
        let _ = writeln!(
            y,
            "        '200':  # guessed: the page shows no answer\n          description: Success"
        );
    }
    for r in &page.responses {
        let name = format!("{type_name}Response");
        let _ = writeln!(
            y,
            "        '{}':\n          description: Success  # guessed\n          content:\n            application/json:",
            r.status
        );
        let _ = writeln!(
            y,
            "              schema:\n                $ref: '#/components/schemas/{name}'"
        );
        let example = r.examples.first();
        if let Some(e) = example {
            let _ = writeln!(y, "              example: {}", flow(&e.value));
        }
        let fields: Vec<Field> = r
            .fields
            .iter()
            .cloned()
            .map(|mut f| {
                if !r.root.is_empty() {
                    f.name = format!("{}.{}", r.root, f.name);
                }
                f
            })
            .collect();
        schemas.push((name, schema(&fields, example.map(|e| &e.value), false)));
    }
}

/// An object schema from a field list (dotted names) and an example; members only the example
/// shows are marked guessed.
fn schema(fields: &[Field], example: Option<&Value>, placeholder: bool) -> String {
    let mut out = String::new();
    object(&mut out, 6, "", fields, example, placeholder);
    out.trim_end().to_owned()
}

fn object(
    out: &mut String,
    indent: usize,
    prefix: &str,
    fields: &[Field],
    example: Option<&Value>,
    placeholder: bool,
) {
    let pad = " ".repeat(indent);
    let direct: Vec<&Field> = fields
        .iter()
        .filter(|f| match f.name.strip_prefix(prefix) {
            Some(rest) => !rest.is_empty() && !rest.contains('.'),
            None => false,
        })
        .collect();
    let _ = writeln!(out, "{pad}type: object");
    let required: Vec<&str> = direct
        .iter()
        .filter(|f| f.required == Some(true))
        .map(|f| &f.name[prefix.len()..])
        .collect();
    if !required.is_empty() {
        let _ = writeln!(out, "{pad}required: [{}]", required.join(", "));
    }
    let _ = writeln!(out, "{pad}properties:");
    let mut names: Vec<String> = Vec::new();
    for f in &direct {
        let name = &f.name[prefix.len()..];
        names.push(name.to_owned());
        let _ = writeln!(out, "{pad}  {name}:");
        if !f.enum_values.is_empty() {
            let _ = writeln!(
                out,
                "{pad}    type: string\n{pad}    enum: [{}]  # drawn as an object with one child per value",
                f.enum_values.join(", ")
            );
            continue;
        }
        if f.ty == "object" {
            object(
                out,
                indent + 4,
                &format!("{}.", f.name),
                fields,
                example.and_then(|e| e.get(name)),
                placeholder,
            );
        } else {
            let _ = writeln!(out, "{pad}    type: {}", f.ty);
        }
        if let Some(p) = &f.pattern {
            let _ = writeln!(out, "{pad}    pattern: {}", quote(p));
        }
        if !f.description.is_empty() {
            let _ = writeln!(
                out,
                "{pad}    description: {}",
                quote(&f.description.join(" "))
            );
        }
    }
    for (name, value) in example.and_then(Value::as_object).into_iter().flatten() {
        if names.contains(name) {
            continue;
        }
        let ty = match value {
            _ if placeholder => {
                "string  # guessed: the page's example is a placeholder; the type is not stated"
            }
            Value::String(_) => "string  # guessed: only in the example",
            Value::Number(n) if n.is_i64() || n.is_u64() => {
                "number  # guessed: only in the example (a whole number; amounts are `number`)"
            }
            Value::Number(_) => "number  # guessed: only in the example",
            Value::Bool(_) => "boolean  # guessed: only in the example",
            Value::Array(_) => "array  # guessed: only in the example; items unknown",
            Value::Object(_) => "object  # guessed: only in the example",
            Value::Null => "string  # guessed: null in the example",
        };
        let _ = writeln!(out, "{pad}  {name}:\n{pad}    type: {ty}");
    }
}

fn quote(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_default()
}

fn flow(v: &Value) -> String {
    serde_json::to_string(v).unwrap_or_default()
}
