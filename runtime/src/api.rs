//! What the runtime knows about the API it calls, given as data by the generated crate.
//!
//! The runtime never imports generated code: a generated crate describes its API in one
//! constant of this type (its token call, its secret member names, its default user agent)
//! and passes it to [`ClientBuilder::new`](crate::ClientBuilder::new). Public for generated
//! code, not for callers: it may change in any release.

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

/// The token call as the spec describes it (`x-token-endpoint`), given by the generated
/// crate in its [`Api`], so nothing about the API's token call is written here.
#[doc(hidden)]
#[derive(Debug, Clone, Copy)]
pub struct TokenEndpoint {
    /// The token call's operationId, named in errors and traces.
    pub operation_id: &'static str,
    /// Its path, appended to the base URL.
    pub path: &'static str,
    /// Every form field, in the spec's order, and what fills it.
    pub form: &'static [(&'static str, FormValue)],
    /// The answer's member holding the token: its wire name, then its aliases.
    pub token: &'static [&'static str],
    /// The answer's member holding the lifetime in seconds, if the spec names one.
    pub expires_in: &'static [&'static str],
}

/// What fills one form field of the token call.
#[doc(hidden)]
#[derive(Debug, Clone, Copy)]
pub enum FormValue {
    /// `Credentials`' user name.
    Username,
    /// `Credentials`' password.
    Password,
    /// `Credentials`' client id.
    ClientId,
    /// `Credentials`' client secret.
    ClientSecret,
    /// A value the spec fixes (e.g. `grant_type=password`).
    Constant(&'static str),
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
