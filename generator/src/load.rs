//! Reading a spec: YAML or JSON text in, a typed `openapiv3::OpenAPI` out.
//!
//! Structural errors (a wrong type, a missing `responses`) are reported at their JSON
//! pointer, found with `serde_path_to_error`, rather than as serde's bare message. What
//! OpenAPI tooling at large reads although OpenAPI does not allow it (a `null` where a
//! list is meant, integers beyond 64 bits) is read the same way, with a warning at its
//! place (the `tolerate` module).

mod tolerate;

use openapiv3::OpenAPI;
use serde::Deserialize as _;

use crate::diagnostics::{Diagnostics, Kind, Pointer};

/// Parses `text` (YAML or JSON) as an OpenAPI 3.0.x document; with it, a warning for each
/// thing read as other tools read it although OpenAPI does not allow it (see the
/// `tolerate` module).
pub fn parse(text: &str) -> Result<(OpenAPI, Diagnostics), Diagnostics> {
    if text.trim_start().starts_with('{') {
        parse_json(text)
    } else {
        parse_yaml(text)
    }
}

/// JSON is read by `serde_json` (a pass that only checks member names, then the `Value`):
/// the YAML parser is several times slower on it and rejects some valid JSON, such as a
/// surrogate-pair escape (`"\ud83d\udc4d"`).
fn parse_json(text: &str) -> Result<(OpenAPI, Diagnostics), Diagnostics> {
    let read = serde_json::from_str::<UniqueKeys>(text)
        .and_then(|_| serde_json::from_str::<serde_json::Value>(text));
    let mut json = match read {
        Ok(json) => json,
        Err(e) => {
            let mut diags = Diagnostics::default();
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
    };
    check_version(
        json.get("openapi").map(|v| v.as_str()),
        json.get("swagger").is_some(),
    )?;
    normalize_numbers(&mut json);
    if let Some(Ok(spec)) = unpanicked(|| OpenAPI::deserialize(&json)) {
        return Ok((spec, Diagnostics::default()));
    }
    // A document that does not match: the YAML route places every problem. JSON text
    // written by `serde_json` (characters literal) is YAML its parser accepts.
    parse_yaml(&serde_json::to_string(&json).expect("a JSON value always serializes"))
}

/// A JSON document whose objects name no member twice. `serde_json` keeps the last of two
/// members with the same name, which would drop the first silently (a second `/a` under
/// `paths` would replace the first); the YAML parser rejects them, and so does this.
/// Only checks: the document is read again as a `Value`.
struct UniqueKeys;

impl<'de> serde::Deserialize<'de> for UniqueKeys {
    fn deserialize<D: serde::Deserializer<'de>>(input: D) -> Result<Self, D::Error> {
        input.deserialize_any(UniqueKeys)
    }
}

impl<'de> serde::de::Visitor<'de> for UniqueKeys {
    type Value = UniqueKeys;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Self, A::Error> {
        let mut seen = std::collections::HashSet::new();
        while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
            if seen.contains(&key) {
                return Err(serde::de::Error::custom(format!(
                    "duplicate member {key:?}"
                )));
            }
            map.next_value::<UniqueKeys>()?;
            seen.insert(key);
        }
        Ok(self)
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self, A::Error> {
        while seq.next_element::<UniqueKeys>()?.is_some() {}
        Ok(self)
    }

    fn visit_bool<E>(self, _: bool) -> Result<Self, E> {
        Ok(self)
    }

    fn visit_i64<E>(self, _: i64) -> Result<Self, E> {
        Ok(self)
    }

    fn visit_u64<E>(self, _: u64) -> Result<Self, E> {
        Ok(self)
    }

    fn visit_f64<E>(self, _: f64) -> Result<Self, E> {
        Ok(self)
    }

    fn visit_str<E>(self, _: &str) -> Result<Self, E> {
        Ok(self)
    }

    fn visit_unit<E>(self) -> Result<Self, E> {
        Ok(self)
    }
}

/// Numbers as one value, whatever their spelling (`1.50` is `1.5`) and whether or not
/// `serde_json` keeps the digits as written (its `arbitrary_precision` feature, which
/// another crate in the build can switch on): the generated code must not depend on
/// either. YAML numbers reach `serde_json::Value` in this form already.
fn normalize_numbers(value: &mut serde_json::Value) {
    use serde_json::{Number, Value};
    match value {
        Value::Number(n) => {
            let normal = if let Some(i) = n.as_u64() {
                Some(Number::from(i))
            } else if let Some(i) = n.as_i64() {
                Some(Number::from(i))
            } else {
                n.as_f64().and_then(Number::from_f64)
            };
            if let Some(normal) = normal {
                *n = normal;
            }
        }
        Value::Array(items) => items.iter_mut().for_each(normalize_numbers),
        Value::Object(members) => members.values_mut().for_each(normalize_numbers),
        Value::Null | Value::Bool(_) | Value::String(_) => {}
    }
}

fn parse_yaml(text: &str) -> Result<(OpenAPI, Diagnostics), Diagnostics> {
    let (mut value, mut tolerated) = read_yaml(text)?;
    check_version(
        value.get("openapi").map(|v| v.as_str()),
        value.get("swagger").is_some(),
    )?;
    // The common case pays nothing for error paths or repairs; a failure is read again.
    if let Some(Ok(spec)) = unpanicked(|| OpenAPI::deserialize(&value)) {
        return Ok((spec, tolerated));
    }
    let before = tolerated.len();
    tolerate::repair(&mut value, &mut tolerated);
    if tolerated.len() > before
        && let Some(Ok(spec)) = unpanicked(|| OpenAPI::deserialize(&value))
    {
        return Ok((spec, tolerated));
    }
    let read = unpanicked(|| serde_path_to_error::deserialize::<_, OpenAPI>(&value));
    match read {
        Some(Ok(spec)) => Ok((spec, tolerated)),
        None => {
            let mut diags = Diagnostics::default();
            narrow::document(&value, &mut diags);
            if diags.is_empty() {
                diags.push(
                    Kind::Syntax,
                    "#",
                    format!("does not match OpenAPI 3.0: {READER_FAILED}"),
                );
            }
            Err(diags)
        }
        Some(Err(e)) => {
            let mut diags = Diagnostics::default();
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

/// What is said where the OpenAPI reader failed instead of answering.
const READER_FAILED: &str = "the OpenAPI reader (openapiv3) failed on this part";

/// `read()`, or `None` where the OpenAPI reader panics: openapiv3 has an `expect` that a
/// malformed document reaches (when two readings of a value in a `$ref`-or-item place
/// disagree, as a number beyond 64 bits can make them). The panic is reported as a
/// problem at the part being read, never let through.
fn unpanicked<T>(read: impl FnOnce() -> T) -> Option<T> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(read)).ok()
}

/// The YAML value of `text`: `serde_yaml`'s, or where it refuses (an integer beyond 64
/// bits) the tolerant reader's, with its warnings.
fn read_yaml(text: &str) -> Result<(serde_yaml::Value, Diagnostics), Diagnostics> {
    let refused = match serde_yaml::from_str(text) {
        Ok(value) => return Ok((value, Diagnostics::default())),
        Err(e) => e,
    };
    if let Ok(read) = tolerate::read_yaml(text) {
        return Ok(read);
    }
    let place = refused
        .location()
        .map(|l| format!(" (line {}, column {})", l.line(), l.column()))
        .unwrap_or_default();
    let mut diags = Diagnostics::default();
    diags.push(
        Kind::Syntax,
        "#",
        format!("not valid YAML or JSON{place}: {refused}"),
    );
    Err(diags)
}

/// The `openapi` member: `Some(None)` when it is not a string. Only 3.0.x is read.
fn check_version(openapi: Option<Option<&str>>, swagger: bool) -> Result<(), Diagnostics> {
    let mut diags = Diagnostics::default();
    match openapi.flatten() {
        Some(v) if v.starts_with("3.0.") => return Ok(()),
        Some(v) => diags.push(
            Kind::Syntax,
            "#/openapi",
            format!("version {v} is not supported: the generator reads OpenAPI 3.0.x"),
        ),
        None if swagger => diags.push(
            Kind::Syntax,
            "#/swagger",
            "Swagger 2.0 is not supported: convert the spec to OpenAPI 3.0.x",
        ),
        None => diags.push(
            Kind::Syntax,
            "#/openapi",
            "missing `openapi: 3.0.x`; is this an OpenAPI document?",
        ),
    }
    Err(diags)
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
        // Where the OpenAPI reader panics, this part says nothing: it panics on parts that
        // are fine too, and the whole document's error is reported when no part is.
        super::unpanicked(|| serde_path_to_error::deserialize::<_, T>(value.clone()))?
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

#[cfg(test)]
mod tests {
    use super::parse;

    const YAML: &str = r#"
openapi: 3.0.3
info: {title: T, version: "1"}
paths:
  /a:
    get:
      operationId: getA
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {type: object, properties: {amount: {type: number}}}
              example: {amount: 1.50, count: 10, big: 18446744073709551615, small: -3, exp: 2.5e3}
"#;

    /// The same document as JSON and as YAML reads the same, numbers included, whether
    /// or not another crate in the build switched on `serde_json/arbitrary_precision`.
    #[test]
    fn json_and_yaml_read_the_same() {
        let json = r#"{"openapi":"3.0.3","info":{"title":"T","version":"1"},"paths":{"/a":{"get":{
            "operationId":"getA","responses":{"200":{"description":"ok","content":{"application/json":{
            "schema":{"type":"object","properties":{"amount":{"type":"number"}}},
            "example":{"amount":1.50,"count":10,"big":18446744073709551615,"small":-3,"exp":2.5e3}}}}}}}}}"#;
        let (from_yaml, _) = parse(YAML).expect("YAML reads");
        let (from_json, _) = parse(json).expect("JSON reads");
        assert_eq!(
            serde_json::to_string(&from_json).expect("serializes"),
            serde_json::to_string(&from_yaml).expect("serializes")
        );
        let example = serde_json::to_string(
            &from_json.paths.paths["/a"]
                .as_item()
                .expect("inline")
                .get
                .as_ref()
                .expect("get")
                .responses
                .responses[&openapiv3::StatusCode::Code(200)]
                .as_item()
                .expect("inline")
                .content["application/json"]
                .example,
        )
        .expect("serializes");
        assert!(example.contains(r#""amount":1.5,"#), "{example}");
    }

    /// A member named twice is an error in either form, not a silent overwrite.
    #[test]
    fn a_duplicate_member_is_an_error() {
        let json = r#"{"openapi":"3.0.3","info":{"title":"T","version":"1"},"paths":{
            "/a":{"get":{"responses":{"200":{"description":"ok"}}}},
            "/a":{"post":{"responses":{"200":{"description":"ok"}}}}}}"#;
        let text = format!("{:?}", parse(json).expect_err("`/a` twice"));
        assert!(text.contains(r#"duplicate member \"/a\""#), "{text}");
        assert!(text.contains("line 3"), "{text}");
        // A member that only looks the same (an escape) is the same member.
        let escaped = json.replacen(r#""/a":{"post""#, r#""\u002fa":{"post""#, 1);
        assert!(parse(&escaped).is_err());
        let yaml = "openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths:\n  /a: {}\n  /a: {}\n";
        let text = format!("{:?}", parse(yaml).expect_err("`/a` twice"));
        assert!(text.contains("duplicate entry"), "{text}");
    }

    const TOLERATED: &str = r##"
openapi: 3.0.3
info: {title: T, version: "1"}
components:
  securitySchemes:
    api_key: {type: apiKey, in: header, name: X-Key}
  schemas:
    Big:
      type: object
      properties:
        n: {type: integer, maximum: 18446744073709552000}
paths:
  /a:
    get:
      security: [{api_key: SCOPES}]
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Big"}
"##;

    /// As published specs write them: an integer bound beyond 64 bits and `null` scopes
    /// are read, in YAML and in JSON, each with a warning at its exact place.
    #[test]
    fn what_other_tools_read_is_read_with_a_warning_at_its_place() {
        let yaml = TOLERATED.replace("SCOPES", "null");
        let value: serde_json::Value = {
            let (value, _) = super::read_yaml(&yaml).expect("the tolerant reader");
            serde_json::to_value(value).expect("as JSON")
        };
        let json = serde_json::to_string(&value).expect("JSON text");
        for text in [yaml.as_str(), json.as_str()] {
            let (spec, tolerated) = parse(text).expect("read");
            let at: Vec<&str> = tolerated.iter().map(|d| d.pointer.as_str()).collect();
            assert!(
                at.ends_with(&[
                    "#/components/schemas/Big/properties/n/maximum",
                    "#/paths/~1a/get/security/0/api_key"
                ]),
                "{tolerated}"
            );
            let get = spec.paths.paths["/a"]
                .as_item()
                .and_then(|i| i.get.as_ref());
            let security = get.and_then(|g| g.security.as_ref()).expect("security");
            assert_eq!(security[0]["api_key"], Vec::<String>::new());
        }
    }

    /// What no tool could read is an error at its exact place, never at a parent.
    #[test]
    fn a_wrong_security_requirement_is_placed_exactly() {
        let yaml = TOLERATED.replace("SCOPES", "5");
        let diags = parse(&yaml).expect_err("scopes must be a list");
        let text = diags.to_string();
        assert!(
            text.contains("#/paths/~1a/get/security/0/api_key:"),
            "{text}"
        );
    }

    /// A JSON document that does not match OpenAPI is placed as the YAML route places it.
    #[test]
    fn a_json_mismatch_names_its_pointer() {
        let json = r#"{"openapi":"3.0.3","info":{"title":"T","version":"1"},"paths":{"/a":{"get":{"responses":5}}}}"#;
        let diags = parse(json).expect_err("responses must be an object");
        let text = format!("{diags:?}");
        assert!(text.contains("/paths/~1a/get"), "{text}");
    }
}
