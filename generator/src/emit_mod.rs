//! `mod.rs` of the generated folder: the modules, the API's facts the runtime reads
//! (token call, secret names, user agent), the `Client` newtype and the spec's servers.

use proc_macro2::TokenStream;
use quote::quote;

use crate::emit::ident;
use crate::model::{Api, FormValue, TokenEndpoint, TokenField};

pub fn mod_file(api: &Api) -> TokenStream {
    let title = format!(
        " Generated from \"{}\", version {}.",
        api.title, api.version
    );
    let version = &api.version;
    let servers = api.servers.iter().map(|s| {
        let name = ident(&s.const_name);
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
