//! `application/x-www-form-urlencoded` bodies, nested values included.
//!
//! A body is first written as JSON (so exact decimals and raw JSON keep their text), then
//! flattened into pairs: an object's members are `name=value`; a member that is itself an
//! object is written in the bracket style (`metadata[order]=6735`, `card[address][city]=…`);
//! a top-level list repeats its name (`events=a&events=b`, OpenAPI's default for forms), a
//! nested one is indexed (`items[0][price]=…`); `null` is left out. The pairs keep the
//! body's member order and are percent-encoded by `form_urlencoded`.

use std::borrow::Cow;
use std::fmt;

use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use serde_json::value::RawValue;

/// The pairs of the JSON object `json`, in order.
pub(crate) fn pairs(json: &str) -> Result<Vec<(String, String)>, String> {
    let members: Members<'_> =
        serde_json::from_str(json).map_err(|_| "a form body must be an object".to_owned())?;
    let mut out = Vec::new();
    for (name, value) in members.0 {
        flatten(&name, value, true, &mut out)?;
    }
    Ok(out)
}

/// Encodes the JSON object `json` as `application/x-www-form-urlencoded`.
pub(crate) fn encode(json: &str) -> Result<String, String> {
    let mut serializer = form_urlencoded::Serializer::new(String::new());
    for (key, value) in pairs(json)? {
        serializer.append_pair(&key, &value);
    }
    Ok(serializer.finish())
}

/// How an object-valued query parameter is written: OpenAPI 3.0's `style` and `explode`.
/// Members that are objects or lists nest in brackets (`name[a][b]=…`, `name[list][0]=…`),
/// as form bodies do; `null` members are left out. A value that is not an object (a union
/// with a scalar member) is written `name=value`; a list in `deepObject` style, which
/// OpenAPI leaves undefined, is indexed (`name[0]=…`), as Stripe reads it.
#[doc(hidden)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueryObject {
    /// `deepObject`: `name[member]=value` (a list: `name[0]=item`).
    Deep,
    /// `form`, exploded: each member a pair of its own, `member=value`.
    Exploded,
    /// `form`, not exploded: one pair, members and values joined by commas,
    /// `name=m1,v1,m2,v2` (members must be scalars).
    Joined,
    /// One pair holding the value as JSON text, `name=[{"a":1}]`: a list of objects or
    /// lists in `form` style, which OpenAPI leaves undefined.
    Json,
}

/// The pairs of the query parameter `name` holding the JSON value `json`, written as
/// `style` says (see [`QueryObject`]).
pub(crate) fn query_pairs(
    name: &str,
    json: &str,
    style: QueryObject,
) -> Result<Vec<(String, String)>, String> {
    let value: &RawValue = serde_json::from_str(json).map_err(|e| e.to_string())?;
    let object = value.get().trim_start().starts_with('{');
    let mut out = Vec::new();
    match style {
        QueryObject::Json => out.push((name.to_owned(), value.get().to_owned())),
        QueryObject::Exploded if object => out = pairs(json)?,
        QueryObject::Joined if object => {
            let members: Members<'_> = serde_json::from_str(json).map_err(|e| e.to_string())?;
            let mut joined = Vec::new();
            for (member, v) in members.0 {
                let mut scalar = Vec::new();
                flatten(&member, v, false, &mut scalar)?;
                match scalar.as_slice() {
                    [] => {}
                    [(key, text)] if *key == member => {
                        joined.push(member.into_owned());
                        joined.push(text.clone());
                    }
                    _ => {
                        return Err(format!(
                            "member `{member}` is not a scalar, which `form` style without `explode` cannot write"
                        ));
                    }
                }
            }
            out.push((name.to_owned(), joined.join(",")));
        }
        // A list in `deepObject` style is indexed (`name[0]=…`), as nested lists are.
        QueryObject::Deep => flatten(name, value, false, &mut out)?,
        // A value that is not an object (a union's scalar member).
        _ => flatten(name, value, true, &mut out)?,
    }
    Ok(out)
}

fn flatten(
    key: &str,
    value: &RawValue,
    top: bool,
    out: &mut Vec<(String, String)>,
) -> Result<(), String> {
    let text = value.get().trim_start();
    match text.as_bytes().first() {
        Some(b'{') => {
            let members: Members<'_> =
                serde_json::from_str(value.get()).map_err(|e| format!("`{key}`: {e}"))?;
            for (name, v) in members.0 {
                flatten(&format!("{key}[{name}]"), v, false, out)?;
            }
        }
        Some(b'[') => {
            let items: Vec<&RawValue> =
                serde_json::from_str(value.get()).map_err(|e| format!("`{key}`: {e}"))?;
            for (i, item) in items.into_iter().enumerate() {
                let scalar = !matches!(
                    item.get().trim_start().as_bytes().first(),
                    Some(b'{' | b'[')
                );
                if top && scalar {
                    flatten(key, item, false, out)?;
                } else {
                    flatten(&format!("{key}[{i}]"), item, false, out)?;
                }
            }
        }
        Some(b'"') => {
            let s: String =
                serde_json::from_str(value.get()).map_err(|e| format!("`{key}`: {e}"))?;
            out.push((key.to_owned(), s));
        }
        Some(b'n') => {} // null: left out
        // Numbers and booleans as written (`500.50` stays `500.50`).
        _ => out.push((key.to_owned(), text.trim_end().to_owned())),
    }
    Ok(())
}

/// An object's members in document order, each value kept as raw JSON.
struct Members<'a>(Vec<(Cow<'a, str>, &'a RawValue)>);

impl<'de: 'a, 'a> Deserialize<'de> for Members<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Ordered<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for Ordered<'a> {
            type Value = Members<'a>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut members = Vec::new();
                while let Some(entry) = map.next_entry::<Cow<'a, str>, &'a RawValue>()? {
                    members.push(entry);
                }
                Ok(Members(members))
            }
        }
        deserializer.deserialize_map(Ordered(std::marker::PhantomData))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flat_bodies_are_plain_pairs_in_order() {
        assert_eq!(
            encode(r#"{"username":"a b","password":"p&q=","grant_type":"password","n":null}"#)
                .unwrap(),
            "username=a+b&password=p%26q%3D&grant_type=password"
        );
    }

    #[test]
    fn numbers_keep_their_text_and_nesting_uses_brackets() {
        let body = r#"{"MaxPrice":500.50,"Events":["initiated","ringing"],"Parameter":{"a":"1","b":{"c":true}},"items":[{"price":"p1","qty":2}]}"#;
        assert_eq!(
            pairs(body).unwrap(),
            [
                ("MaxPrice", "500.50"),
                ("Events", "initiated"),
                ("Events", "ringing"),
                ("Parameter[a]", "1"),
                ("Parameter[b][c]", "true"),
                ("items[0][price]", "p1"),
                ("items[0][qty]", "2"),
            ]
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
        );
    }

    /// OpenAPI 3.0's serialization table, the object rows (`color` = {R: 100, G: 200,
    /// B: 150}), and what nests.
    #[test]
    fn object_query_parameters_follow_the_serialization_table() {
        let pairs = |json: &str, style| {
            query_pairs("color", json, style)
                .unwrap()
                .into_iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join("&")
        };
        let color = r#"{"R":100,"G":200,"B":150}"#;
        assert_eq!(
            pairs(color, QueryObject::Deep),
            "color[R]=100&color[G]=200&color[B]=150"
        );
        assert_eq!(pairs(color, QueryObject::Exploded), "R=100&G=200&B=150");
        assert_eq!(pairs(color, QueryObject::Joined), "color=R,100,G,200,B,150");
        let nested = r#"{"gte":"2024-01-01","tags":["a","b"],"card":{"brand":"visa"},"skip":null}"#;
        assert_eq!(
            pairs(nested, QueryObject::Deep),
            "color[gte]=2024-01-01&color[tags][0]=a&color[tags][1]=b&color[card][brand]=visa"
        );
        // A union's scalar member, and a list, in any style.
        for style in [
            QueryObject::Deep,
            QueryObject::Exploded,
            QueryObject::Joined,
        ] {
            assert_eq!(pairs("1700000000", style), "color=1700000000");
            assert_eq!(pairs("null", style), "");
        }
        // Lists: OpenAPI leaves `deepObject` lists undefined; indexed, as Stripe reads them.
        assert_eq!(
            pairs(r#"["a","b"]"#, QueryObject::Deep),
            "color[0]=a&color[1]=b"
        );
        assert_eq!(
            pairs(
                r#"[{"scope":"enterprise","filters":[{"a":1}]}]"#,
                QueryObject::Json
            ),
            r#"color=[{"scope":"enterprise","filters":[{"a":1}]}]"#
        );
        // A list of lists, which no row of the table covers either: JSON text too.
        assert_eq!(pairs("[[1,2],[3]]", QueryObject::Json), "color=[[1,2],[3]]");
        let error = query_pairs("color", r#"{"card":{"brand":"visa"}}"#, QueryObject::Joined)
            .expect_err("nested without explode");
        assert!(error.contains("`card` is not a scalar"), "{error}");
    }

    #[test]
    fn a_body_that_is_not_an_object_is_refused() {
        assert!(pairs("[1,2]").is_err());
        assert!(pairs("\"x\"").is_err());
    }
}
