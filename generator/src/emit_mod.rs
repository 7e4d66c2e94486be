//! `mod.rs` of the generated folder: the modules, the API's facts the runtime reads
//! (token call, secret names, user agent), the `Client` newtype (the runtime's `api_client!`)
//! and the spec's servers.

use proc_macro2::TokenStream;
use quote::quote;

use crate::emit::{doc_text, ident};
use crate::model::{Api, FormValue, TokenEndpoint, TokenField};

pub fn mod_file(api: &Api) -> TokenStream {
    let title = doc_text(&format!(
        " Generated from \"{}\", version {}.",
        api.title, api.version
    ));
    let version = &api.version;
    let servers = api.servers.iter().map(|s| {
        let name = ident(&s.const_name);
        let url = &s.url;
        let text = doc_text(&format!(
            " {}: `{url}`.",
            s.description.as_deref().unwrap_or(&s.const_name)
        ));
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

        // `Client`, the newtype whose methods start the operations, and `ClientBuilder`.
        enkash_rewards_runtime::builder::api_client!(API);

        /// Base URLs from the spec's `servers`.
        pub mod servers {
            #(#servers)*
        }
    }
}

/// The spec's token call as the runtime's `TokenEndpoint` (`None` without one).
fn token_endpoint(endpoint: Option<&TokenEndpoint>) -> TokenStream {
    let Some(t) = endpoint else {
        return quote!(None);
    };
    let (id, path) = (&t.operation_id, &t.path);
    let form = t.form.iter().map(|(wire, value)| {
        let value = match value {
            FormValue::Credential(part) => {
                let part =
                    proc_macro2::Ident::new(&format!("{part:?}"), proc_macro2::Span::call_site());
                quote!(::enkash_rewards_runtime::api::FormValue::#part)
            }
            FormValue::Constant(c) => {
                quote!(::enkash_rewards_runtime::api::FormValue::Constant(#c))
            }
        };
        quote!((#wire, #value))
    });
    let names = |f: &TokenField| {
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
