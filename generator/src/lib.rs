//! The enkash-rewards code generator: an OpenAPI 3.0 description in, the Rust sources of
//! a typed client out.
//!
//! The pipeline is four plain steps:
//! 1. [`load`] parses YAML or JSON into `openapiv3` types;
//! 2. [`lower`] resolves `$ref`s and turns the spec into the [`model`](mod@model): schemas
//!    (`lower::schemas`), operations (`lower::operations`), the token endpoint ([`token`])
//!    and the analysis passes that need every type (`lower::passes`), naming everything
//!    with [`naming`] (the one place identifiers are made) and reporting every unsupported
//!    construct as a [`diagnostics`] entry at its JSON pointer;
//! 3. [`emit_types`], [`emit_ops`] and [`emit_testing`] write the model as Rust tokens;
//! 4. [`emit`] formats them with `prettyplease` behind a do-not-edit header.
//!
//! Besides `types.rs`, `operations.rs`, `testing.rs` (the `testing` feature's operation
//! catalogue) and `mod.rs`, the output has `schema_index.rs` for the tests crate (the type
//! at every schema position, for checking examples), never published
//! ([`generate_partial_client`] leaves it out). Generated
//! code relies on the client runtime's `request.rs` (the request seam) and
//! `serde_helpers.rs` (exact decimals in containers, optional nullable fields), which are
//! hand-written because they do not depend on the spec.
//!
//! Output depends only on the spec text: no clocks, no hash-map iteration order, no
//! environment, so the same spec gives byte-identical files everywhere.

pub mod changes;
pub mod diagnostics;
pub mod emit;
pub mod emit_ops;
pub mod emit_testing;
pub mod emit_types;
pub mod load;
pub mod lower;
pub mod model;
pub mod naming;
pub mod resolve;
pub mod token;

use quote::{format_ident, quote};

pub use diagnostics::{Diagnostic, Diagnostics, Kind};

/// Which crate a generated file belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Destination {
    /// The published client: `generated-client/src/generated/`.
    Client,
    /// Test support, never published: `tests/src/generated/`.
    Tests,
}

/// One generated file, with its path relative to its destination's `generated/` folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedFile {
    pub destination: Destination,
    pub path: &'static str,
    pub contents: String,
}

/// Parses and lowers `spec_text` into the API model; any problem is an error, what the
/// reader would tolerate included.
pub fn model(spec_text: &str) -> Result<model::Api, Diagnostics> {
    let (spec, tolerated) = load::parse(spec_text)?;
    if !tolerated.is_empty() {
        return Err(tolerated);
    }
    lower::lower(&spec)
}

/// Generates every file of `src/generated/` from a spec's text; any problem is an error
/// (`--strict`).
pub fn generate(spec_text: &str) -> Result<Vec<GeneratedFile>, Diagnostics> {
    emit_files(&model(spec_text)?, ALL)
}

/// What [`generate_partial`] produced: the files, and what it left out.
#[derive(Debug, Clone)]
pub struct Partial {
    pub files: Vec<GeneratedFile>,
    pub skipped: lower::partial::Skipped,
    pub operations: usize,
}

/// Generates what the spec can express: an operation or type with a problem is left out,
/// with a warning at its pointer, and the rest is generated. `Err` only for problems that
/// leave nothing sensible to generate (unreadable document, broken `servers`).
pub fn generate_partial(spec_text: &str) -> Result<Partial, Diagnostics> {
    partial(spec_text, ALL)
}

/// [`generate_partial`] for the client's files alone ([`Destination::Client`]), without the
/// tests crate's: what a client built from the spec needs.
pub fn generate_partial_client(spec_text: &str) -> Result<Partial, Diagnostics> {
    partial(spec_text, &[Destination::Client])
}

fn partial(spec_text: &str, destinations: &[Destination]) -> Result<Partial, Diagnostics> {
    let (spec, tolerated) = load::parse(spec_text)?;
    let (api, mut skipped) = lower::lower_with(&spec, true)?;
    // What the reader tolerated is told, not left out: it generates.
    tolerated.iter().for_each(|d| {
        skipped
            .warnings
            .push(d.kind, d.pointer.clone(), d.message.clone())
    });
    Ok(Partial {
        files: emit_files(&api, destinations)?,
        skipped,
        operations: api.operations.len(),
    })
}

/// Both destinations: the client's files and the tests crate's.
const ALL: &[Destination] = &[Destination::Client, Destination::Tests];

/// Every file, emitted and formatted by one worker per core: formatting is most of
/// generation's time, and the files share nothing but the (read-only) model.
///
/// The work is cut into units, largest first: each large file is shared by all the
/// workers (each emits the file, whose tokens cannot cross threads, and formats its share
/// of the items), each small one is a unit of its own. Each worker takes the next unit
/// nobody has taken, so one large file no longer keeps one core busy while the other
/// waits. The output does not depend on which worker finishes first.
fn emit_files(
    api: &model::Api,
    destinations: &[Destination],
) -> Result<Vec<GeneratedFile>, Diagnostics> {
    use Destination::{Client, Tests};
    use emit::Share;
    use std::sync::Mutex;
    use std::sync::atomic::{AtomicUsize, Ordering};
    type Emit = fn(&model::Api) -> proc_macro2::TokenStream;
    // Each file, where it goes, what emits it, and whether it is large enough to share.
    let files: [(Destination, &str, Emit, bool); 5] = [
        (Client, "mod.rs", mod_file, false),
        (Client, "types.rs", emit_types::types_file, true),
        (Client, "operations.rs", emit_ops::operations_file, true),
        (Client, "testing.rs", emit_testing::testing_file, false),
        (Tests, "schema_index.rs", schema_index_file, false),
    ];
    // Largest first: types, operations, the schema index, testing, mod.
    const LARGEST_FIRST: [usize; 5] = [1, 2, 4, 3, 0];
    let wanted = |i: usize| destinations.contains(&files[i].0);
    let workers = std::thread::available_parallelism().map_or(1, usize::from);
    let units: Vec<(usize, Share)> = LARGEST_FIRST
        .into_iter()
        .filter(|&i| wanted(i))
        .flat_map(|i| {
            let of = if files[i].3 { workers } else { 1 };
            (0..of).map(move |index| (i, Share { index, of }))
        })
        .collect();
    let header = &emit::header(api);
    let taken = AtomicUsize::new(0);
    type Formatted = Result<Vec<(usize, String)>, String>;
    let results: Vec<Mutex<Option<Formatted>>> = units.iter().map(|_| Mutex::new(None)).collect();
    let worker = || {
        loop {
            let unit = taken.fetch_add(1, Ordering::Relaxed);
            let Some(&(i, share)) = units.get(unit) else {
                break;
            };
            let make = files[i].2;
            let result = std::panic::catch_unwind(|| emit::format_share(make(api), share))
                .unwrap_or_else(|_| Err("emission panicked".to_owned()));
            *results[unit].lock().unwrap_or_else(|e| e.into_inner()) = Some(result);
        }
    };
    std::thread::scope(|scope| {
        for _ in 1..workers.min(units.len()) {
            scope.spawn(worker);
        }
        worker();
    });
    let mut formatted: Vec<Option<Formatted>> = files.iter().map(|_| None).collect();
    for (&(i, _), slot) in units.iter().zip(results) {
        let result = slot
            .into_inner()
            .unwrap_or_else(|e| e.into_inner())
            .unwrap_or_else(|| Err("not emitted".to_owned()));
        let items = formatted[i].get_or_insert_with(|| Ok(Vec::new()));
        match (items, result) {
            (Ok(items), Ok(more)) => items.extend(more),
            (items @ Ok(_), Err(e)) => *items = Err(e),
            (Err(_), _) => {}
        }
    }
    let mut out = Vec::new();
    let mut problems = Diagnostics::default();
    for (i, ((destination, path, _, _), items)) in files.into_iter().zip(formatted).enumerate() {
        match items.filter(|_| wanted(i)) {
            None => {}
            Some(Ok(items)) => out.push(GeneratedFile {
                destination,
                path,
                contents: emit::assemble(header, items),
            }),
            Some(Err(e)) => problems.push(
                Kind::Internal,
                "#",
                format!("{path}: {e} (a generator bug: please report it with the spec)"),
            ),
        }
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(problems)
    }
}

fn mod_file(api: &model::Api) -> proc_macro2::TokenStream {
    let title = format!(
        " Generated from \"{}\", version {}.",
        api.title, api.version
    );
    let version = &api.version;
    let servers = api.servers.iter().map(|s| {
        let name = emit::ident(&s.const_name);
        let url = &s.url;
        let text = format!(
            " {}: `{url}`.",
            s.description.as_deref().unwrap_or(&s.const_name)
        );
        quote! {
            #[doc = #text]
            pub const #name: &str = #url;
        }
    });
    // Every secret wire name, so the runtime can mask them wherever it quotes a body.
    let secrets = api.secret_wire_names().into_iter();
    let token_endpoint = token_endpoint(api.token_endpoint.as_ref());
    quote! {
        #![doc = #title]

        pub mod operations;
        #[cfg(feature = "testing")]
        pub mod testing;
        pub mod types;

        /// The version of the API description this client was generated from.
        pub const API_VERSION: &str = #version;

        /// The API as the runtime needs to know it, given as data: the spec's token call
        /// (`x-token-endpoint`), which a client configured with credentials makes by itself;
        /// the wire names of every property the spec marks secret (`format: password`),
        /// masked wherever the client quotes a body; and the default user agent.
        pub(crate) const API: ::enkash_rewards_runtime::api::Api = ::enkash_rewards_runtime::api::Api {
            user_agent: concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION")),
            token_endpoint: #token_endpoint,
            secret_fields: &[#(#secrets),*],
        };

        /// A configured connection to the API; each operation is a method that starts its
        /// request builder (see [`operations`]).
        ///
        /// Cheap to clone: clones share one connection pool and one cached bearer token.
        /// Build one with [`Client::builder`].
        #[derive(Clone, Debug)]
        pub struct Client(::enkash_rewards_runtime::Client);

        /// Configuration for a [`Client`]; see each method for its default.
        pub type ClientBuilder = ::enkash_rewards_runtime::ClientBuilder<Client>;

        impl Client {
            /// Starts configuring a client; [`ClientBuilder::base_url`] is required.
            pub fn builder() -> ClientBuilder {
                ClientBuilder::new(&API)
            }

            /// The base URL every request path is appended to.
            pub fn base_url(&self) -> &str {
                self.0.base_url()
            }

            /// Sends a hand-built request for an operation the client does not cover, and
            /// decodes its payload into `T`; see
            /// [`enkash_rewards_runtime::Client::execute`] for each step and its errors.
            pub async fn execute<T: ::serde::de::DeserializeOwned>(
                &self,
                request: ::enkash_rewards_runtime::request::OperationRequest,
            ) -> Result<
                ::enkash_rewards_runtime::request::Response<T>,
                ::enkash_rewards_runtime::Error,
            > {
                self.0.execute(request).await
            }
        }

        impl From<::enkash_rewards_runtime::Client> for Client {
            fn from(client: ::enkash_rewards_runtime::Client) -> Self {
                Self(client)
            }
        }

        impl From<Client> for ::enkash_rewards_runtime::Client {
            fn from(client: Client) -> Self {
                client.0
            }
        }

        /// Base URLs from the spec's `servers`.
        pub mod servers {
            #(#servers)*
        }
    }
}

/// The spec's token call as the runtime's `TokenEndpoint` (`None` without one).
fn token_endpoint(endpoint: Option<&model::TokenEndpoint>) -> proc_macro2::TokenStream {
    let Some(t) = endpoint else {
        return quote!(None);
    };
    let (id, path) = (&t.operation_id, &t.path);
    let form = t.form.iter().map(|(wire, value)| {
        let value = match value {
            model::FormValue::Credential(part) => {
                let part =
                    proc_macro2::Ident::new(&format!("{part:?}"), proc_macro2::Span::call_site());
                quote!(::enkash_rewards_runtime::api::FormValue::#part)
            }
            model::FormValue::Constant(c) => {
                quote!(::enkash_rewards_runtime::api::FormValue::Constant(#c))
            }
        };
        quote!((#wire, #value))
    });
    let names = |f: &model::TokenField| {
        let all = std::iter::once(&f.wire).chain(&f.aliases);
        quote!(&[#(#all),*])
    };
    let token = names(&t.token);
    let expires_in = t.expires_in.as_ref().map_or(quote!(&[]), names);
    quote!(Some(::enkash_rewards_runtime::api::TokenEndpoint {
        operation_id: #id,
        path: #path,
        form: &[#(#form),*],
        token: #token,
        expires_in: #expires_in,
    }))
}

/// `schema_index.rs`: for every schema, media type and parameter position in the spec,
/// a function that decodes a JSON value as the Rust type the client uses there and
/// encodes it back. Tests walk the spec's examples and check each one through this.
fn schema_index_file(api: &model::Api) -> proc_macro2::TokenStream {
    let mut seen = std::collections::BTreeSet::new();
    let mut helpers = std::collections::BTreeMap::new();
    let (mut plain, mut exact) = (false, false);
    let arms: Vec<_> = api
        .schema_index
        .iter()
        .filter(|(p, ty)| *ty != model::TypeRef::Unit && seen.insert(p.clone()))
        .map(|(pointer, ty)| {
            // An envelope the client unwraps has no type: its payload is checked in place.
            if let Some((name, helper, decimal)) = unwrapped_envelope(api, ty) {
                exact |= decimal;
                plain |= !decimal;
                helpers.insert(name.clone(), helper);
                let name = format_ident!("{}", name);
                return quote!(#pointer => #name,);
            }
            let rust = emit::rust_type(ty);
            let check = if api.contains_decimal(ty) {
                exact = true;
                quote!(round_trip_exact::<#rust>)
            } else {
                plain = true;
                quote!(round_trip::<#rust>)
            };
            quote!(#pointer => #check,)
        })
        .collect();
    // Each helper only when used, so the file compiles without dead-code warnings.
    let round_trip = plain.then(|| {
        quote! {
            fn round_trip<T: serde::Serialize + serde::de::DeserializeOwned>(value: &Value) -> Result<Value, String> {
                let text = value.to_string();
                let decoded: T = serde_path_to_error::deserialize(&mut serde_json::Deserializer::from_str(&text)).map_err(|e| format!("decode at `{}`: {}", e.path(), e.inner()))?;
                serde_json::to_value(&decoded).map_err(|e| format!("encode: {e}"))
            }
        }
    });
    let round_trip_exact = exact.then(|| {
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
    // The checks of unwrapped envelopes, and the helper they share, only when used.
    let enveloped = (!helpers.is_empty()).then(|| {
        let helpers = helpers.values();
        quote! {
            #(#helpers)*

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

        #round_trip

        #round_trip_exact

        #enveloped
    }
}

/// For a position whose type is an envelope the client unwraps: a check named after the
/// type, which checks the envelope's members and the payload as its own type.
fn unwrapped_envelope(
    api: &model::Api,
    ty: &model::TypeRef,
) -> Option<(String, proc_macro2::TokenStream, bool)> {
    let model::TypeRef::Named(n) = ty else {
        return None;
    };
    let t = api.get(n)?;
    let payload = t.facts.unwrapped_to.as_ref()?;
    let model::TypeKind::Struct(model::Struct {
        envelope: Some(fields),
        ..
    }) = &t.kind
    else {
        return None;
    };
    let name = format!("enveloped_{}", heck::ToSnakeCase::to_snake_case(n.as_str()));
    let fn_name = format_ident!("{}", name);
    let rust = emit::rust_type(payload);
    let decimal = api.contains_decimal(payload);
    let payload_check = if decimal {
        quote!(round_trip_exact::<#rust>)
    } else {
        quote!(round_trip::<#rust>)
    };
    let model::EnvelopeFields {
        code,
        message,
        payload,
    } = fields;
    let doc = format!(
        " `{n}`: an envelope the client unwraps, its payload checked as what `send()` returns."
    );
    let helper = quote! {
        #[doc = #doc]
        fn #fn_name(value: &Value) -> Result<Value, String> {
            enveloped(value, &[#(#code),*], &[#(#message),*], &[#(#payload),*], #payload_check)
        }
    };
    Some((name, helper, decimal))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The client's files alone are exactly the client's files of a full generation.
    #[test]
    fn the_client_alone_is_the_full_output_without_the_tests_files() {
        let spec = include_str!("../../spec/enkash-rewards.yaml");
        let all = generate_partial(spec).expect("our spec generates").files;
        let client = generate_partial_client(spec)
            .expect("our spec generates")
            .files;
        assert!(all.iter().any(|f| f.destination == Destination::Tests));
        let expected: Vec<_> = all
            .into_iter()
            .filter(|f| f.destination == Destination::Client)
            .collect();
        assert_eq!(client, expected);
    }
}
