//! Documents as OpenAPI tooling at large reads them. Some published specs break OpenAPI
//! 3.0 in ways other tools read anyway; the generator reads them the same way and says
//! so, one warning at the exact place of each:
//!
//! - an integer beyond 64 bits (`maximum: 18446744073709552000`, an example's id): read as
//!   the nearest `f64`, as JSON readers do;
//! - a bound the generated type cannot express: an integer schema's `maximum`/`minimum`
//!   beyond 64 bits (no 64-bit integer can cross it: no bound) or fractional (the nearest
//!   whole number inside it), a count (`maxLength`…) that is negative, fractional or beyond
//!   64 bits (dropped);
//! - `null` where a list or map is meant: `security: [{api_key: null}]` is no scopes,
//!   `required: null` or `parameters: null` is the member left out.
//!
//! Example, default and `x-…` values are data: nothing in them is changed.

use std::cell::RefCell;

use serde::de::{self, DeserializeSeed, Visitor};
use serde_yaml::{Mapping, Number, Value};

use crate::diagnostics::{Diagnostics, Kind, Pointer};

/// YAML text to a value, integers beyond 64 bits read as `f64` with a warning each;
/// otherwise what `serde_yaml` reads (duplicate keys are an error here too).
pub(super) fn read_yaml(text: &str) -> Result<(Value, Diagnostics), serde_yaml::Error> {
    let found = RefCell::new(Diagnostics::default());
    let deserializer = serde_yaml::Deserializer::from_str(text);
    let value = Seed {
        at: Pointer::root(),
        found: &found,
    }
    .deserialize(deserializer)?;
    Ok((value, found.into_inner()))
}

/// Reads one value at `at`, recording what it tolerated in `found`.
struct Seed<'a> {
    at: Pointer,
    found: &'a RefCell<Diagnostics>,
}

impl Seed<'_> {
    fn at(&self, key: impl std::fmt::Display) -> Self {
        Seed {
            at: self.at.key(key),
            found: self.found,
        }
    }

    fn beyond_64_bits(self, approximate: f64, exact: String) -> Value {
        self.found.borrow_mut().push(
            Kind::Invalid,
            self.at.as_str(),
            format!(
                "the integer {exact} does not fit in 64 bits: read as {approximate:e}, as JSON readers do"
            ),
        );
        Value::Number(Number::from(approximate))
    }
}

impl<'de> DeserializeSeed<'de> for Seed<'_> {
    type Value = Value;

    fn deserialize<D: de::Deserializer<'de>>(self, input: D) -> Result<Value, D::Error> {
        input.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Seed<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("any YAML value")
    }

    fn visit_bool<E>(self, b: bool) -> Result<Value, E> {
        Ok(Value::Bool(b))
    }

    fn visit_i64<E>(self, i: i64) -> Result<Value, E> {
        Ok(Value::Number(i.into()))
    }

    fn visit_u64<E>(self, u: u64) -> Result<Value, E> {
        Ok(Value::Number(u.into()))
    }

    fn visit_i128<E>(self, i: i128) -> Result<Value, E> {
        Ok(self.beyond_64_bits(i as f64, i.to_string()))
    }

    fn visit_u128<E>(self, u: u128) -> Result<Value, E> {
        Ok(self.beyond_64_bits(u as f64, u.to_string()))
    }

    fn visit_f64<E>(self, f: f64) -> Result<Value, E> {
        Ok(Value::Number(f.into()))
    }

    fn visit_str<E>(self, s: &str) -> Result<Value, E> {
        Ok(Value::String(s.to_owned()))
    }

    fn visit_string<E>(self, s: String) -> Result<Value, E> {
        Ok(Value::String(s))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_some<D: de::Deserializer<'de>>(self, input: D) -> Result<Value, D::Error> {
        input.deserialize_any(self)
    }

    fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(self.at(items.len()))? {
            items.push(item);
        }
        Ok(Value::Sequence(items))
    }

    fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut members = Mapping::new();
        while let Some(key) = map.next_key::<Value>()? {
            let name = key_text(&key);
            if members.contains_key(&key) {
                return Err(de::Error::custom(format!(
                    "duplicate entry with key {name:?}"
                )));
            }
            let value = map.next_value_seed(self.at(&name))?;
            members.insert(key, value);
        }
        Ok(Value::Mapping(members))
    }

    fn visit_enum<A: de::EnumAccess<'de>>(self, data: A) -> Result<Value, A::Error> {
        use de::VariantAccess as _;
        let (tag, variant) = data.variant::<String>()?;
        let value = variant.newtype_variant_seed(self)?;
        Ok(Value::Tagged(Box::new(serde_yaml::value::TaggedValue {
            tag: serde_yaml::value::Tag::new(tag),
            value,
        })))
    }
}

/// A mapping key as a pointer segment: YAML allows `200:` unquoted.
fn key_text(key: &Value) -> String {
    match key {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        other => serde_yaml::to_string(other)
            .map(|s| s.trim_end().to_owned())
            .unwrap_or_default(),
    }
}

/// Members whose value is a list or a map in OpenAPI 3.0; `null` there means empty.
const LISTS_OR_MAPS: &[&str] = &[
    "allOf",
    "anyOf",
    "callbacks",
    "content",
    "encoding",
    "enum",
    "examples",
    "headers",
    "links",
    "mapping",
    "oneOf",
    "parameters",
    "properties",
    "required",
    "requestBodies",
    "responses",
    "schemas",
    "scopes",
    "security",
    "securitySchemes",
    "servers",
    "tags",
    "variables",
];

/// Members whose value is a map from names the spec chose to objects: their keys are
/// names, not OpenAPI's words.
const NAMED: &[&str] = &[
    "callbacks",
    "content",
    "encoding",
    "headers",
    "links",
    "mapping",
    "parameters",
    "paths",
    "properties",
    "requestBodies",
    "responses",
    "schemas",
    "scopes",
    "securitySchemes",
    "variables",
];

/// Members whose value is data, left as written.
const DATA: &[&str] = &["default", "enum", "example", "examples"];

/// Counts: a whole number from 0 up, in OpenAPI and in the reader.
const COUNTS: &[&str] = &[
    "maxItems",
    "maxLength",
    "maxProperties",
    "minItems",
    "minLength",
    "minProperties",
];

#[derive(Clone, Copy, PartialEq)]
enum Place {
    /// An OpenAPI object: its keys are OpenAPI's words.
    Object,
    /// A map whose keys are names (`properties`, `paths`…).
    Names,
    /// Example, default or extension data.
    Data,
}

/// Rewrites what [the module](self) tolerates, in place, with a warning at each place.
pub(super) fn repair(document: &mut Value, found: &mut Diagnostics) {
    walk(document, &Pointer::root(), Place::Object, found);
}

fn walk(value: &mut Value, at: &Pointer, place: Place, found: &mut Diagnostics) {
    match value {
        Value::Mapping(members) if place == Place::Names => {
            for (key, member) in members.iter_mut() {
                walk(member, &at.key(key_text(key)), Place::Object, found);
            }
        }
        Value::Mapping(members) if place == Place::Object => {
            nulls(members, at, found);
            security_scopes(members, at, found);
            bounds(members, at, found);
            for (key, member) in members.iter_mut() {
                let name = key_text(key);
                let place = if name.starts_with("x-") || DATA.contains(&name.as_str()) {
                    Place::Data
                } else if NAMED.contains(&name.as_str()) {
                    Place::Names
                } else {
                    Place::Object
                };
                walk(member, &at.key(&name), place, found);
            }
        }
        Value::Sequence(items) if place != Place::Data => {
            for (i, item) in items.iter_mut().enumerate() {
                walk(item, &at.key(i), Place::Object, found);
            }
        }
        _ => {}
    }
}

/// `required: null` and the like: the member left out.
fn nulls(members: &mut Mapping, at: &Pointer, found: &mut Diagnostics) {
    let empty: Vec<String> = members
        .iter()
        .filter(|(key, value)| {
            value.is_null() && key.as_str().is_some_and(|k| LISTS_OR_MAPS.contains(&k))
        })
        .map(|(key, _)| key_text(key))
        .collect();
    for name in empty {
        members.remove(name.as_str());
        found.push(
            Kind::Invalid,
            at.key(&name).as_str(),
            format!("`{name}: null` where a list or map is meant: read as left out (empty)"),
        );
    }
}

/// `security: [{api_key: null}]`: no scopes.
fn security_scopes(members: &mut Mapping, at: &Pointer, found: &mut Diagnostics) {
    let Some(Value::Sequence(requirements)) = members.get_mut("security") else {
        return;
    };
    for (i, requirement) in requirements.iter_mut().enumerate() {
        let Value::Mapping(schemes) = requirement else {
            continue;
        };
        for (scheme, scopes) in schemes.iter_mut().filter(|(_, s)| s.is_null()) {
            let scheme = key_text(scheme);
            *scopes = Value::Sequence(Vec::new());
            found.push(
                Kind::Invalid,
                at.key("security").key(i).key(&scheme).as_str(),
                format!(
                    "`{scheme}: null` where a list of scopes is meant: read as no scopes (`[]`)"
                ),
            );
        }
    }
}

/// Bounds the reader's types cannot hold: see [the module](self).
fn bounds(members: &mut Mapping, at: &Pointer, found: &mut Diagnostics) {
    if members.get("type").and_then(Value::as_str) == Some("integer") {
        integer_bound(members, "maximum", f64::floor, at, found);
        integer_bound(members, "minimum", f64::ceil, at, found);
        drop_unless(members, "multipleOf", at, found, |n| {
            n.as_i64().is_some_and(|m| m > 0)
        });
    }
    for name in COUNTS {
        drop_unless(members, name, at, found, |n| n.as_u64().is_some());
    }
}

/// An integer schema's bound `name` that is no 64-bit integer: `round`ed to the nearest
/// whole number inside it, or dropped when beyond 64 bits.
fn integer_bound(
    members: &mut Mapping,
    name: &str,
    round: fn(f64) -> f64,
    at: &Pointer,
    found: &mut Diagnostics,
) {
    let Some(Value::Number(n)) = members.get(name) else {
        return;
    };
    if n.as_i64().is_some() {
        return;
    }
    let written = n.to_string();
    // Whole numbers of this size convert to i64 exactly.
    let whole = n.as_f64().map(round).filter(|w| w.abs() < 9.2e18);
    let why = match whole {
        Some(w) => {
            members.insert(
                Value::String(name.to_owned()),
                Value::Number((w as i64).into()),
            );
            format!(
                "an integer schema's {name} of {written}: read as {}",
                w as i64
            )
        }
        None => {
            members.remove(name);
            format!(
                "an integer schema's {name} of {written} is beyond 64 bits: no 64-bit integer crosses it, read as no {name}"
            )
        }
    };
    found.push(Kind::Invalid, at.key(name).as_str(), why);
}

/// Drops the number `name` unless `fits` it, with a warning.
fn drop_unless(
    members: &mut Mapping,
    name: &str,
    at: &Pointer,
    found: &mut Diagnostics,
    fits: impl Fn(&Number) -> bool,
) {
    let Some(Value::Number(n)) = members.get(name) else {
        return;
    };
    if fits(n) {
        return;
    }
    let written = n.to_string();
    members.remove(name);
    found.push(
        Kind::Invalid,
        at.key(name).as_str(),
        format!("{name} of {written} is not a whole number the generated code can hold: read as no {name}"),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn warnings(found: &Diagnostics) -> Vec<String> {
        found.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn integers_beyond_64_bits_are_read_as_f64_at_their_place() {
        let text = "a:\n  - {big: 18446744073709552000, small: -170141183460469231731687303715884105727}\n  - 7\n";
        let (value, found) = read_yaml(text).expect("reads");
        assert_eq!(value["a"][1], Value::Number(7.into()));
        assert_eq!(value["a"][0]["big"].as_f64(), Some(18446744073709552000.0));
        let found = warnings(&found);
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(
            found[0].starts_with("#/a/0/big: the integer 18446744073709552000 does not fit"),
            "{found:?}"
        );
        assert!(found[1].starts_with("#/a/0/small: "), "{found:?}");
    }

    #[test]
    fn the_tolerant_reader_still_refuses_a_duplicate_key() {
        let error = read_yaml("a: 1\nb: 18446744073709552000\na: 2\n").expect_err("`a` twice");
        assert!(
            error.to_string().contains("duplicate entry with key \"a\""),
            "{error}"
        );
    }

    #[test]
    fn nulls_scopes_and_bounds_are_repaired_at_their_place_and_data_is_left_alone() {
        let text = r#"
paths:
  /a:
    get:
      security: [{api_key: null}]
      parameters: null
      responses:
        "200": {description: ok}
components:
  schemas:
    N:
      type: object
      required: null
      example: {required: null, maximum: 1.5}
      x-vendor: {tags: null}
      properties:
        big: {type: integer, maximum: 1.8446744073709552e19, minimum: 0.5, multipleOf: 0.5}
        text: {type: string, maxLength: -1, minLength: 2}
        tags: {type: number, maximum: 1.5}
"#;
        let mut value: Value = serde_yaml::from_str(text).expect("YAML");
        let mut found = Diagnostics::default();
        repair(&mut value, &mut found);
        let found = warnings(&found);
        let at = |p: &str| {
            found
                .iter()
                .filter(|w| w.starts_with(&format!("{p}: ")))
                .count()
        };
        assert_eq!(at("#/paths/~1a/get/security/0/api_key"), 1, "{found:?}");
        assert_eq!(at("#/paths/~1a/get/parameters"), 1, "{found:?}");
        assert_eq!(at("#/components/schemas/N/required"), 1, "{found:?}");
        assert_eq!(
            at("#/components/schemas/N/properties/big/maximum"),
            1,
            "{found:?}"
        );
        assert_eq!(
            at("#/components/schemas/N/properties/big/minimum"),
            1,
            "{found:?}"
        );
        assert_eq!(
            at("#/components/schemas/N/properties/big/multipleOf"),
            1,
            "{found:?}"
        );
        assert_eq!(
            at("#/components/schemas/N/properties/text/maxLength"),
            1,
            "{found:?}"
        );
        assert_eq!(found.len(), 7, "{found:?}");
        let get = &value["paths"]["/a"]["get"];
        assert_eq!(get["security"][0]["api_key"], Value::Sequence(Vec::new()));
        assert!(get.get("parameters").is_none());
        let big = &value["components"]["schemas"]["N"]["properties"]["big"];
        assert!(big.get("maximum").is_none());
        assert_eq!(big["minimum"], Value::Number(1.into()));
        let schema = &value["components"]["schemas"]["N"];
        assert_eq!(
            schema["properties"]["text"]["minLength"],
            Value::Number(2.into())
        );
        assert_eq!(schema["properties"]["tags"]["maximum"].as_f64(), Some(1.5));
        assert!(
            schema["example"]["required"].is_null(),
            "example data is left alone"
        );
        assert!(
            schema["x-vendor"]["tags"].is_null(),
            "extension data is left alone"
        );
    }
}
