//! `$ref` resolution. Only local references (`#/components/...`) are supported; a chain
//! of references is followed to its end, with cycles and dangling targets reported.

use indexmap::IndexMap;
use openapiv3::{OpenAPI, ReferenceOr, Schema};

use crate::diagnostics::Pointer;

/// A schema position: either a reference to follow or the schema itself.
#[derive(Debug, Clone, Copy)]
pub enum SchemaRef<'a> {
    Ref(&'a str),
    Inline(&'a Schema),
}

impl<'a> From<&'a ReferenceOr<Schema>> for SchemaRef<'a> {
    fn from(r: &'a ReferenceOr<Schema>) -> Self {
        match r {
            ReferenceOr::Reference { reference } => SchemaRef::Ref(reference),
            ReferenceOr::Item(s) => SchemaRef::Inline(s),
        }
    }
}

impl<'a> From<&'a ReferenceOr<Box<Schema>>> for SchemaRef<'a> {
    fn from(r: &'a ReferenceOr<Box<Schema>>) -> Self {
        match r {
            ReferenceOr::Reference { reference } => SchemaRef::Ref(reference),
            ReferenceOr::Item(s) => SchemaRef::Inline(s),
        }
    }
}

/// The component name a local reference of `kind` (e.g. `schemas`) points at.
pub fn component_name<'r>(reference: &'r str, kind: &str) -> Result<&'r str, String> {
    let prefix = format!("#/components/{kind}/");
    match reference.strip_prefix(&prefix) {
        Some(name) if !name.contains('/') => Ok(name),
        _ if !reference.starts_with('#') => Err(format!(
            "external reference `{reference}` is not supported; inline it into the spec"
        )),
        _ => Err(format!(
            "`{reference}` does not point at #/components/{kind}/<name>"
        )),
    }
}

/// Follows a reference into `components.<kind>`, through any chain, to the item.
/// Returns the item and its pointer.
pub fn follow<'a, T>(
    map: &'a IndexMap<String, ReferenceOr<T>>,
    kind: &str,
    reference: &str,
) -> Result<(&'a T, Pointer), String> {
    let mut reference = reference.to_owned();
    // A chain longer than the map itself must loop.
    for _ in 0..=map.len() {
        let name = component_name(&reference, kind)?;
        match map.get(name) {
            None => {
                return Err(format!(
                    "`{reference}` points at nothing: no #/components/{kind}/{name}"
                ));
            }
            Some(ReferenceOr::Item(item)) => {
                return Ok((item, Pointer::root().key("components").key(kind).key(name)));
            }
            Some(ReferenceOr::Reference { reference: next }) => reference = next.clone(),
        }
    }
    Err(format!("`{reference}` is part of a reference cycle"))
}

/// Resolves a schema position to the schema and its pointer.
pub fn schema<'a>(
    spec: &'a OpenAPI,
    at: SchemaRef<'a>,
    pointer: &Pointer,
) -> Result<(&'a Schema, Pointer), String> {
    match at {
        SchemaRef::Inline(s) => Ok((s, pointer.clone())),
        SchemaRef::Ref(r) => match spec.components.as_ref() {
            Some(components) => follow(&components.schemas, "schemas", r),
            None => Err(format!(
                "`{r}` points at nothing: the spec has no components"
            )),
        },
    }
}
