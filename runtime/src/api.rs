//! What the runtime knows about the API it calls, given as data by the generated crate.
//!
//! The runtime never imports generated code: a generated crate describes its API in one
//! constant of this type (its token call, its secret member names, its default user agent)
//! and passes it to [`ClientBuilder::new`](crate::ClientBuilder::new). Public for generated
//! code, not for callers: it may change in any release.

pub use crate::auth::{FormValue, TokenEndpoint};

/// The description of one API, as its generated crate gives it.
#[doc(hidden)]
#[derive(Debug, Clone, Copy)]
pub struct Api {
    /// The user agent sent unless the caller sets one (`name/version` of the generated crate).
    pub user_agent: &'static str,
    /// The spec's token call (`x-token-endpoint`), which a client configured with
    /// credentials makes by itself; `None` when the spec names none.
    pub token_endpoint: Option<TokenEndpoint>,
    /// Wire names of every member the spec marks secret (`format: password`): their values
    /// are masked wherever the client quotes a body.
    pub secret_fields: &'static [&'static str],
}

/// An API like EnKash's, for the runtime's own tests: a token call with a form of
/// credentials, and a secret member the runtime does not know by itself.
#[cfg(test)]
pub(crate) const TEST_API: Api = Api {
    user_agent: "enkash-rewards-runtime-tests/0",
    token_endpoint: Some(TokenEndpoint {
        operation_id: "createAccessToken",
        path: "/oauth/token",
        form: &[
            ("username", FormValue::Username),
            ("password", FormValue::Password),
            ("grant_type", FormValue::Constant("password")),
            ("clientId", FormValue::ClientId),
        ],
        token: &["access_token", "accessToken"],
        expires_in: &["expires_in", "expiresIn"],
    }),
    secret_fields: &["voucherCode"],
};
