//! `schema_index.rs`, for the tests crate (never published): for every schema, media type
//! and parameter position in the spec, a check that decodes a JSON value as the Rust type
//! the client uses there and encodes it back. Tests walk the spec's examples and check
//! each one through it.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::emit::{doc_text, rust_type};
use crate::model::{Api, EnvelopeFields, Struct, TypeKind, TypeRef};
use crate::naming;

pub fn schema_index_file(api: &Api) -> TokenStream {
    let mut seen = BTreeSet::new();
    let mut used = Used::default();
    let mut envelopes = BTreeMap::new();
    let arms: Vec<_> = api
        .schema_index
        .iter()
        .filter(|(p, ty)| *ty != TypeRef::Unit && seen.insert(p.clone()))
        .map(|(pointer, ty)| {
            // An envelope the client unwraps has no type: its payload is checked in place.
            if let Some((name, check)) = unwrapped_envelope(api, ty, &mut used) {
                envelopes.insert(name.clone(), check);
                let name = format_ident!("{}", name);
                return quote!(#pointer => #name,);
            }
            let check = used.check(api, ty);
            quote!(#pointer => #check,)
        })
        .collect();
    let shared = used.shared_checks();
    let enveloped = (!envelopes.is_empty()).then(|| {
        let envelopes = envelopes.values();
        let shared = enveloped_check();
        quote!(#(#envelopes)* #shared)
    });
    quote! {
        //! Test support: the Rust type behind every schema position of the spec, for
        //! checking the spec's examples against the generated types. Compiled in the tests
        //! crate (which re-exports the client's `types` and `serde_helpers` as its own), never
        //! in the published client.

        use serde_json::Value;

        /// Decodes `value` as the type used at `pointer` and encodes it back; `None` when
        /// the pointer is not a schema position the generator saw. Decodes from the JSON
        /// text, as the client does: a `Value` can hand a number out as an `f64`.
        pub fn round_trip_at(pointer: &str, value: &Value) -> Option<Result<Value, String>> {
            let check: fn(&Value) -> Result<Value, String> = match pointer {
                #(#arms)*
                _ => return None,
            };
            Some(check(value))
        }

        #shared

        #enveloped
    }
}

/// Which of the two shared checks the file uses: each is written only when used, so the
/// file compiles without dead-code warnings.
#[derive(Default)]
struct Used {
    plain: bool,
    exact: bool,
}

impl Used {
    /// The check of a value of `ty`: decimals outside a struct need the exact one.
    fn check(&mut self, api: &Api, ty: &TypeRef) -> TokenStream {
        let rust = rust_type(ty);
        if api.contains_decimal(ty) {
            self.exact = true;
            quote!(round_trip_exact::<#rust>)
        } else {
            self.plain = true;
            quote!(round_trip::<#rust>)
        }
    }

    fn shared_checks(&self) -> TokenStream {
        let round_trip = self.plain.then(|| {
            quote! {
            fn round_trip<T: serde::Serialize + serde::de::DeserializeOwned>(value: &Value) -> Result<Value, String> {
                let text = value.to_string();
                let decoded: T = serde_path_to_error::deserialize(&mut serde_json::Deserializer::from_str(&text)).map_err(|e| format!("decode at `{}`: {}", e.path(), e.inner()))?;
                serde_json::to_value(&decoded).map_err(|e| format!("encode: {e}"))
            }
            }
        });
        let round_trip_exact = self.exact.then(|| {
            quote! {
            /// For decimals outside a struct (a bare number, a list of amounts): exact both ways.
            fn round_trip_exact<T: crate::serde_helpers::Exact>(value: &Value) -> Result<Value, String> {
                use crate::serde_helpers::{AsExact, FromExact};
                let text = value.to_string();
                let FromExact(decoded) = serde_path_to_error::deserialize::<_, FromExact<T>>(&mut serde_json::Deserializer::from_str(&text)).map_err(|e| format!("decode at `{}`: {}", e.path(), e.inner()))?;
                serde_json::to_value(AsExact(&decoded)).map_err(|e| format!("encode: {e}"))
            }
            }
        });
        quote!(#round_trip #round_trip_exact)
    }
}

/// The check every unwrapped envelope's check calls.
fn enveloped_check() -> TokenStream {
    quote! {
    /// Checks an enveloped answer as the client reads it: the result code (the first
    /// of its spellings present) a number or a numeric string, the message (when
    /// present) a string, and the payload through `payload`; the other members are
    /// kept as they are.
    fn enveloped(value: &Value, code: &[&str], message: &[&str], payload: &[&str], check: fn(&Value) -> Result<Value, String>) -> Result<Value, String> {
        let Value::Object(members) = value else {
            return Err("an enveloped answer is a JSON object".to_owned());
        };
        let first = |names: &[&str]| names.iter().find_map(|n| members.get_key_value(*n));
        match first(code) {
            Some((_, Value::Number(n))) if n.is_i64() || n.is_u64() => {}
            Some((_, Value::String(s))) if s.parse::<i64>().is_ok() => {}
            Some((name, other)) => return Err(format!("result code `{name}` is not a whole number: {other}")),
            None => return Err(format!("no result code among {code:?}")),
        }
        if let Some((name, other)) = first(message).filter(|(_, v)| !v.is_string()) {
            return Err(format!("message `{name}` is not a string: {other}"));
        }
        let Some((name, inner)) = first(payload) else {
            return Err(format!("no payload among {payload:?}"));
        };
        let mut out = members.clone();
        out.insert(name.clone(), check(inner).map_err(|e| format!("payload `{name}`: {e}"))?);
        Ok(Value::Object(out))
    }
    }
}

/// For a position whose type is an envelope the client unwraps: a check named after the
/// type, which checks the envelope's members and the payload as its own type.
fn unwrapped_envelope(api: &Api, ty: &TypeRef, used: &mut Used) -> Option<(String, TokenStream)> {
    let TypeRef::Named(n) = ty else {
        return None;
    };
    let t = api.get(n)?;
    let payload = t.facts.unwrapped_to.as_ref()?;
    let TypeKind::Struct(Struct {
        envelope: Some(fields),
        ..
    }) = &t.kind
    else {
        return None;
    };
    let name = format!(
        "enveloped_{}",
        naming::field_name(n).trim_start_matches("r#")
    );
    let fn_name = format_ident!("{}", name);
    let payload_check = used.check(api, payload);
    let EnvelopeFields {
        code,
        message,
        payload,
    } = fields;
    let doc = doc_text(&format!(
        " `{n}`: an envelope the client unwraps, its payload checked as what `send()` returns."
    ));
    let helper = quote! {
        #[doc = #doc]
        fn #fn_name(value: &Value) -> Result<Value, String> {
            enveloped(value, &[#(#code),*], &[#(#message),*], &[#(#payload),*], #payload_check)
        }
    };
    Some((name, helper))
}
