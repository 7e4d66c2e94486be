//! The spec as the docs check reads it: operations by method and path, and each body's fields
//! flattened to dotted names with their JSON pointers.

use serde_json::Value;

pub struct Spec {
    pub doc: Value,
}

/// An operation found in the spec.
pub struct Operation<'s> {
    pub id: Option<&'s str>,
    pub pointer: String,
    pub value: &'s Value,
}

/// One property of a body schema, flattened.
#[derive(Debug, Clone)]
pub struct SpecField {
    /// Dotted wire names from the body's root.
    pub name: String,
    pub pointer: String,
    /// Where the property's schema is, `$ref`s followed (a missing child goes there).
    pub schema_pointer: String,
    pub ty: Option<String>,
    pub required: bool,
    pub enum_values: Vec<String>,
    pub aliases: Vec<String>,
    /// Free keys (`additionalProperties`) and no named members.
    pub map: bool,
}

impl Spec {
    pub fn parse(text: &str) -> Result<Spec, String> {
        serde_yaml::from_str::<Value>(text)
            .map(|doc| Spec { doc })
            .map_err(|e| format!("the spec is not YAML: {e}"))
    }

    pub fn operation(&self, method: &str, path: &str) -> Option<Operation<'_>> {
        let method = method.to_ascii_lowercase();
        let (template, item) = self.paths().find(|(p, _)| same_path(p, path))?;
        let value = item.get(&method)?;
        Some(Operation {
            id: value.get("operationId").and_then(Value::as_str),
            pointer: format!("#/paths/{}/{method}", escape(template)),
            value,
        })
    }

    /// The methods the spec has at this path (for a method mismatch).
    pub fn methods_at(&self, path: &str) -> Vec<String> {
        self.paths()
            .filter(|(p, _)| same_path(p, path))
            .flat_map(|(_, item)| item.as_object().into_iter().flat_map(|m| m.keys()))
            .filter(|k| {
                ["get", "put", "post", "delete", "patch", "head", "options"].contains(&k.as_str())
            })
            .map(|k| k.to_ascii_uppercase())
            .collect()
    }

    pub fn operations(&self) -> Vec<(String, String, Operation<'_>)> {
        let mut out = Vec::new();
        for (path, item) in self.paths() {
            for (method, value) in item.as_object().into_iter().flatten() {
                if value.get("operationId").is_some() {
                    out.push((
                        method.to_ascii_uppercase(),
                        path.to_owned(),
                        Operation {
                            id: value.get("operationId").and_then(Value::as_str),
                            pointer: format!("#/paths/{}/{method}", escape(path)),
                            value,
                        },
                    ));
                }
            }
        }
        out
    }

    fn paths(&self) -> impl Iterator<Item = (&str, &Value)> {
        self.doc
            .get("paths")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
            .map(|(k, v)| (k.as_str(), v))
    }

    /// Follows a local `$ref` (and a chain of them) to what it names, with the pointer of
    /// what was found.
    pub fn resolve<'a>(&'a self, value: &'a Value, pointer: String) -> (&'a Value, String) {
        let mut value = value;
        let mut pointer = pointer;
        for _ in 0..16 {
            let Some(r) = value.get("$ref").and_then(Value::as_str) else {
                break;
            };
            let Some(target) = r.strip_prefix('#').and_then(|p| self.doc.pointer(p)) else {
                break;
            };
            pointer = r.to_owned();
            value = target;
        }
        (value, pointer)
    }

    /// The operation's parameters (resolved), with pointers.
    pub fn parameters<'a>(&'a self, op: &'a Operation<'_>) -> Vec<(&'a Value, String)> {
        op.value
            .get("parameters")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
            .map(|(i, p)| self.resolve(p, format!("{}/parameters/{i}", op.pointer)))
            .collect()
    }

    /// Header names the operation's security schemes put on the request.
    pub fn security_headers(&self, op: &Operation<'_>) -> Vec<String> {
        let requirements = op
            .value
            .get("security")
            .or_else(|| self.doc.get("security"))
            .and_then(Value::as_array);
        let mut names = Vec::new();
        for requirement in requirements.into_iter().flatten() {
            for scheme in requirement.as_object().into_iter().flat_map(|m| m.keys()) {
                let Some(s) = self
                    .doc
                    .pointer(&format!("/components/securitySchemes/{}", escape(scheme)))
                else {
                    continue;
                };
                match (
                    s.get("type").and_then(Value::as_str),
                    s.get("in").and_then(Value::as_str),
                ) {
                    (Some("http" | "oauth2" | "openIdConnect"), _) => {
                        names.push("Authorization".to_owned())
                    }
                    (Some("apiKey"), Some("header")) => {
                        if let Some(n) = s.get("name").and_then(Value::as_str) {
                            names.push(n.to_owned());
                        }
                    }
                    _ => {}
                }
            }
        }
        names
    }

    /// The request body's media types, and for one media type its schema and example.
    pub fn request_body<'a>(&'a self, op: &'a Operation<'_>) -> Option<(&'a Value, String)> {
        op.value
            .get("requestBody")
            .map(|b| self.resolve(b, format!("{}/requestBody", op.pointer)))
    }

    /// The response for a status (resolved), falling back to nothing: a status the spec does
    /// not declare is a finding, not `default`.
    pub fn response<'a>(
        &'a self,
        op: &'a Operation<'_>,
        status: &str,
    ) -> Option<(&'a Value, String)> {
        op.value
            .get("responses")
            .and_then(|r| r.get(status))
            .map(|r| self.resolve(r, format!("{}/responses/{status}", op.pointer)))
    }

    /// Flattens a schema's properties to dotted names (objects recursed, arrays by their
    /// items), with what the docs check compares.
    pub fn fields(&self, schema: &Value, pointer: &str) -> Vec<SpecField> {
        let mut out = Vec::new();
        self.flatten(schema, pointer.to_owned(), "", &mut out, 0);
        out
    }

    fn flatten(
        &self,
        schema: &Value,
        pointer: String,
        prefix: &str,
        out: &mut Vec<SpecField>,
        depth: usize,
    ) {
        if depth > 8 {
            return;
        }
        let (schema, pointer) = self.resolve(schema, pointer);
        let mut parts: Vec<(&Value, String)> = vec![(schema, pointer.clone())];
        if let Some(all) = schema.get("allOf").and_then(Value::as_array) {
            for (i, s) in all.iter().enumerate() {
                parts.push(self.resolve(s, format!("{pointer}/allOf/{i}")));
            }
        }
        for (part, part_pointer) in parts {
            let required: Vec<&str> = part
                .get("required")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .collect();
            for (name, prop) in part
                .get("properties")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
            {
                let prop_pointer = format!("{part_pointer}/properties/{}", escape(name));
                let (resolved, schema_pointer) = self.resolve(prop, prop_pointer.clone());
                let dotted = if prefix.is_empty() {
                    name.clone()
                } else {
                    format!("{prefix}.{name}")
                };
                out.push(SpecField {
                    name: dotted.clone(),
                    pointer: prop_pointer.clone(),
                    schema_pointer,
                    ty: type_of(self, resolved),
                    required: required.contains(&name.as_str()),
                    enum_values: resolved
                        .get("enum")
                        .and_then(Value::as_array)
                        .into_iter()
                        .flatten()
                        .filter_map(Value::as_str)
                        .map(str::to_owned)
                        .collect(),
                    map: resolved.get("properties").is_none()
                        && resolved
                            .get("additionalProperties")
                            .is_some_and(|a| a.as_bool() != Some(false)),
                    aliases: prop
                        .get("x-aliases")
                        .or_else(|| resolved.get("x-aliases"))
                        .and_then(Value::as_array)
                        .into_iter()
                        .flatten()
                        .filter_map(Value::as_str)
                        .map(str::to_owned)
                        .collect(),
                });
                let items = resolved
                    .get("items")
                    .filter(|_| type_of(self, resolved).as_deref() == Some("array"));
                match items {
                    Some(items) => self.flatten(
                        items,
                        format!("{prop_pointer}/items"),
                        &dotted,
                        out,
                        depth + 1,
                    ),
                    None => self.flatten(prop, prop_pointer, &dotted, out, depth + 1),
                }
            }
        }
    }
}

fn type_of(spec: &Spec, schema: &Value) -> Option<String> {
    if let Some(t) = schema.get("type").and_then(Value::as_str) {
        return Some(t.to_owned());
    }
    if schema.get("properties").is_some() || schema.get("additionalProperties").is_some() {
        return Some("object".to_owned());
    }
    if let Some(first) = schema
        .get("allOf")
        .and_then(Value::as_array)
        .and_then(|a| a.first())
    {
        let (first, _) = spec.resolve(first, String::new());
        return type_of(spec, first);
    }
    None
}

/// `{cardId}` and `{id}` are the same path segment.
fn same_path(template: &str, path: &str) -> bool {
    let a: Vec<&str> = template.trim_end_matches('/').split('/').collect();
    let b: Vec<&str> = path.trim_end_matches('/').split('/').collect();
    a.len() == b.len()
        && a.iter().zip(&b).all(|(x, y)| {
            x == y
                || (x.starts_with('{')
                    && x.ends_with('}')
                    && y.starts_with('{')
                    && y.ends_with('}'))
        })
}

/// JSON pointer escaping of one reference token.
pub fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}
