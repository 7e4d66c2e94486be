//! Reading a spec: YAML or JSON text in, a typed `openapiv3::OpenAPI` out.
//!
//! Structural errors (a wrong type, a missing `responses`) are reported at their JSON
//! pointer, found with `serde_path_to_error`, rather than as serde's bare message.

use openapiv3::OpenAPI;

use crate::diagnostics::{Diagnostics, Kind, Pointer};

/// Parses `text` (YAML or JSON) as an OpenAPI 3.0.x document.
pub fn parse(text: &str) -> Result<OpenAPI, Diagnostics> {
    let mut diags = Diagnostics::default();
    // JSON is read as JSON first: the YAML parser rejects some valid JSON, such as a
    // surrogate-pair escape (`"\ud83d\udc4d"`). Re-written by `serde_json` (characters
    // literal, numbers as written), it is YAML the parser accepts.
    let normalized;
    let text = if text.trim_start().starts_with('{') {
        match serde_json::from_str::<serde_json::Value>(text) {
            Ok(json) => {
                normalized = serde_json::to_string(&json).expect("a JSON value always serializes");
                normalized.as_str()
            }
            Err(e) => {
                diags.push(
                    Kind::Syntax,
                    "#",
                    format!(
                        "not valid JSON (line {}, column {}): {e}",
                        e.line(),
                        e.column()
                    ),
                );
                return Err(diags);
            }
        }
    } else {
        text
    };
    let value: serde_yaml::Value = match serde_yaml::from_str(text) {
        Ok(v) => v,
        Err(e) => {
            let place = e
                .location()
                .map(|l| format!(" (line {}, column {})", l.line(), l.column()))
                .unwrap_or_default();
            diags.push(
                Kind::Syntax,
                "#",
                format!("not valid YAML or JSON{place}: {e}"),
            );
            return Err(diags);
        }
    };
    match value.get("openapi").and_then(|v| v.as_str()) {
        Some(v) if v.starts_with("3.0.") => {}
        Some(v) => {
            diags.push(
                Kind::Syntax,
                "#/openapi",
                format!("version {v} is not supported: the generator reads OpenAPI 3.0.x"),
            );
            return Err(diags);
        }
        None if value.get("swagger").is_some() => {
            diags.push(
                Kind::Syntax,
                "#/swagger",
                "Swagger 2.0 is not supported: convert the spec to OpenAPI 3.0.x",
            );
            return Err(diags);
        }
        None => {
            diags.push(
                Kind::Syntax,
                "#/openapi",
                "missing `openapi: 3.0.x`; is this an OpenAPI document?",
            );
            return Err(diags);
        }
    }
    let whole = serde_path_to_error::deserialize(value.clone());
    match whole {
        Ok(spec) => Ok(spec),
        Err(e) => {
            // openapiv3 flattens extension maps into most objects, which hides the path of
            // an error inside them; re-check each part on its own to place every problem.
            narrow::document(&value, &mut diags);
            if diags.is_empty() {
                diags.push(
                    Kind::Syntax,
                    pointer_of(e.path(), &Pointer::root()).as_str(),
                    format!("does not match OpenAPI 3.0: {}", e.inner()),
                );
            }
            Err(diags)
        }
    }
}

fn pointer_of(path: &serde_path_to_error::Path, base: &Pointer) -> Pointer {
    path.iter().fold(base.clone(), |p, segment| {
        use serde_path_to_error::Segment;
        match segment {
            Segment::Seq { index } => p.key(index),
            Segment::Map { key } => p.key(key),
            Segment::Enum { variant } => p.key(variant),
            Segment::Unknown => p,
        }
    })
}

/// Structural checks of a spec's parts, each against its `openapiv3` type, descending to
/// the smallest part that fails so the pointer says exactly where the problem is.
mod narrow {
    use openapiv3::{Operation, Parameter, ReferenceOr, RequestBody, Response, Responses, Schema};
    use serde::de::DeserializeOwned;
    use serde_yaml::Value;

    use super::pointer_of;
    use crate::diagnostics::{Diagnostics, Kind, Pointer};

    const METHODS: &[&str] = &[
        "get", "put", "post", "delete", "options", "head", "patch", "trace",
    ];

    /// The error of reading `value` as `T`, if any, at the deepest pointer serde knows.
    fn fails<T: DeserializeOwned>(value: &Value, at: &Pointer) -> Option<(Pointer, String)> {
        serde_path_to_error::deserialize::<_, T>(value.clone())
            .err()
            .map(|e| (pointer_of(e.path(), at), e.inner().to_string()))
    }

    fn entries(value: Option<&Value>) -> Vec<(String, &Value)> {
        value
            .and_then(Value::as_mapping)
            .map(|m| {
                m.iter()
                    .filter_map(|(k, v)| k.as_str().map(|k| (k.to_owned(), v)))
                    .collect()
            })
            .unwrap_or_default()
    }

    fn report(found: Option<(Pointer, String)>, diags: &mut Diagnostics) {
        if let Some((at, message)) = found {
            diags.push(
                Kind::Syntax,
                at.as_str(),
                format!("does not match OpenAPI 3.0: {message}"),
            );
        }
    }

    pub fn document(doc: &Value, diags: &mut Diagnostics) {
        let root = Pointer::root();
        for (path, item) in entries(doc.get("paths")) {
            if path.starts_with("x-") {
                continue;
            }
            let at = root.key("paths").key(&path);
            for (key, part) in entries(Some(item)) {
                if METHODS.contains(&key.as_str()) {
                    operation(part, &at.key(&key), diags);
                } else if key == "parameters" {
                    list::<ReferenceOr<Parameter>>(part, &at.key("parameters"), diags);
                }
            }
        }
        let components = root.key("components");
        for (name, schema) in entries(doc.get("components").and_then(|c| c.get("schemas"))) {
            self::schema(schema, &components.key("schemas").key(&name), diags);
        }
        for (name, part) in entries(doc.get("components").and_then(|c| c.get("responses"))) {
            report(
                fails::<ReferenceOr<Response>>(part, &components.key("responses").key(&name)),
                diags,
            );
        }
        for (name, part) in entries(doc.get("components").and_then(|c| c.get("parameters"))) {
            report(
                fails::<ReferenceOr<Parameter>>(part, &components.key("parameters").key(&name)),
                diags,
            );
        }
        for (name, part) in entries(doc.get("components").and_then(|c| c.get("requestBodies"))) {
            report(
                fails::<ReferenceOr<RequestBody>>(
                    part,
                    &components.key("requestBodies").key(&name),
                ),
                diags,
            );
        }
    }

    fn list<T: DeserializeOwned>(value: &Value, at: &Pointer, diags: &mut Diagnostics) {
        match value.as_sequence() {
            Some(items) => items
                .iter()
                .enumerate()
                .for_each(|(i, v)| report(fails::<T>(v, &at.key(i)), diags)),
            None => diags.push(Kind::Syntax, at.as_str(), "must be a list"),
        }
    }

    fn operation(value: &Value, at: &Pointer, diags: &mut Diagnostics) {
        let Some(whole) = fails::<Operation>(value, at) else {
            return;
        };
        let before = diags.len();
        if let Some(params) = value.get("parameters") {
            list::<ReferenceOr<Parameter>>(params, &at.key("parameters"), diags);
        }
        if let Some(body) = value.get("requestBody") {
            report(
                fails::<ReferenceOr<RequestBody>>(body, &at.key("requestBody")),
                diags,
            );
        }
        match value.get("responses") {
            Some(responses) if responses.is_mapping() => {
                for (code, response) in entries(Some(responses)) {
                    report(
                        fails::<ReferenceOr<Response>>(response, &at.key("responses").key(&code)),
                        diags,
                    );
                }
                if diags.len() == before {
                    report(fails::<Responses>(responses, &at.key("responses")), diags);
                }
            }
            Some(_) => diags.push(
                Kind::Syntax,
                at.key("responses").as_str(),
                "must be an object of status codes to responses",
            ),
            None => diags.push(Kind::Syntax, at.as_str(), "an operation needs `responses`"),
        }
        if diags.len() == before {
            report(Some(whole), diags);
        }
    }

    /// Checks a schema, descending into its sub-schemas to place the error.
    fn schema(value: &Value, at: &Pointer, diags: &mut Diagnostics) {
        let Some(whole) = fails::<ReferenceOr<Schema>>(value, at) else {
            return;
        };
        let before = diags.len();
        for (name, prop) in entries(value.get("properties")) {
            schema(prop, &at.key("properties").key(&name), diags);
        }
        for key in ["items", "additionalProperties", "not"] {
            if let Some(child) = value.get(key).filter(|v| v.is_mapping()) {
                schema(child, &at.key(key), diags);
            }
        }
        for key in ["allOf", "oneOf", "anyOf"] {
            if let Some(members) = value.get(key).and_then(Value::as_sequence) {
                members
                    .iter()
                    .enumerate()
                    .for_each(|(i, m)| schema(m, &at.key(key).key(i), diags));
            }
        }
        if diags.len() == before {
            report(Some(whole), diags);
        }
    }
}
