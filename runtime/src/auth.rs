//! Credentials, and turning an operation's `security` list into headers.
//!
//! EnKash issues bearer tokens from `POST /oauth/token` (a password grant authenticated
//! with HTTP Basic). A [`Client`](crate::Client) configured with [`Credentials`] fetches a
//! token when it first needs one, caches it, and refreshes it shortly before it expires.
//! The cache and its guarantees under load (one refresh at a time, off the callers' path;
//! backoff after a failure; a good token kept through a rejected login) are in
//! `token.rs`; this module is the token *source*, the HTTP exchange itself, and the
//! headers each call's security list resolves to. A 401 on a call drops that call's
//! token, so the next call fetches a fresh one (within limits, see `token.rs`); the call
//! that got the 401 is not resent (it might be a write).

use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use reqwest::Method;
use reqwest::header::{HeaderName, HeaderValue};

use crate::api::{FormValue, TokenEndpoint};
use crate::error::Error;
use crate::request::{OperationRequest, RequestBody, RequestOptions, RetryClass, Security};
use crate::time::{Clock, later};
use crate::token::{BearerGrant, TokenCache, TokenSource};
use crate::transport::{
    Authenticate, Authenticated, FixedHeaders, Prepared, Transport, header_value,
};

/// Lifetime assumed for a token whose response has no `expires_in` (the documented 5 minutes).
const DEFAULT_TOKEN_LIFETIME: Duration = Duration::from_secs(300);

/// A string that must never be printed: a token, a client secret or a password, and
/// every member the API marks secret (`format: password`), in requests and answers.
///
/// `Debug` and `Display` show `Secret(<redacted>)`; read the value with
/// [`Secret::expose`] only where it is sent. It is written to and read from JSON as the
/// plain string: serializing a value that holds one writes the secret.
/// Equality and hashing compare the values (never printed).
#[derive(Clone, Default, PartialEq, Eq, Hash)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The secret value itself. Call it only to hand the value to something that needs it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Self(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Self(value.to_owned())
    }
}

impl serde::Serialize for Secret {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> serde::Deserialize<'de> for Secret {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Self)
    }
}

/// What the client needs to obtain bearer tokens itself (and to answer HTTP Basic).
///
/// `client_id`/`client_secret` authenticate the integration (the Basic header of the
/// token call); `username` (registered mobile number or email) and `password` identify
/// the user the token is issued to.
#[derive(Clone)]
#[non_exhaustive]
pub struct Credentials {
    /// The integration's client id, e.g. `CEK1GZBO6A` (the user half of HTTP Basic).
    pub client_id: String,
    /// The integration's client secret (the password half of HTTP Basic).
    pub client_secret: Secret,
    /// The registered user's mobile number or email address.
    pub username: String,
    /// The registered user's password.
    pub password: Secret,
}

impl Credentials {
    /// Credentials from their four parts.
    pub fn new(
        client_id: impl Into<String>,
        client_secret: impl Into<Secret>,
        username: impl Into<String>,
        password: impl Into<Secret>,
    ) -> Self {
        Self {
            client_id: client_id.into(),
            client_secret: client_secret.into(),
            username: username.into(),
            password: password.into(),
        }
    }

    /// `Basic base64(client_id:client_secret)`, marked sensitive so HTTP/2 never indexes it.
    fn basic_header(&self) -> Result<HeaderValue, Error> {
        // RFC 7617: the user-id half cannot contain a colon; the server would split there.
        if self.client_id.contains(':') {
            return Err(Error::config(
                "the client_id must not contain `:` (it is sent as HTTP Basic)",
            ));
        }
        let raw = format!("{}:{}", self.client_id, self.client_secret.expose());
        let mut value = HeaderValue::from_str(&format!("Basic {}", BASE64.encode(raw)))
            .map_err(|_| Error::config("the credentials could not be encoded as a Basic header"))?;
        value.set_sensitive(true);
        Ok(value)
    }
}

impl fmt::Debug for Credentials {
    // The username is a mobile number or an email address: personal data.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("client_id", &self.client_id)
            .field("client_secret", &self.client_secret)
            .field("username", &"<redacted>")
            .field("password", &self.password)
            .finish()
    }
}

/// Where `Authorization: Bearer` comes from.
pub(crate) enum BearerSource {
    None,
    /// The caller's token, which [`Auth::replace_bearer_token`] replaces while the client
    /// runs.
    Static(Mutex<HeaderValue>),
    Managed {
        login: Mutex<Login>,
        cache: Arc<TokenCache>,
    },
}

/// The credentials a client with a managed token logs in with, which
/// [`Auth::replace_credentials`] replaces while the client runs.
pub(crate) struct Login {
    /// 0, then one more at each replacement: the token cache takes the outcome of a login
    /// with the current generation only.
    generation: u64,
    credentials: Credentials,
    /// Their HTTP Basic header.
    basic: HeaderValue,
}

/// Everything the client can authenticate with, checked when the client is built (and the
/// credentials again when they are replaced).
pub(crate) struct Auth {
    pub(crate) bearer: BearerSource,
    /// API-key headers by name, e.g. `partnerId`.
    pub(crate) api_keys: Vec<(HeaderName, HeaderValue)>,
    /// The API's token call, if its spec names one.
    token_endpoint: Option<TokenEndpoint>,
}

impl Auth {
    pub(crate) fn new(
        clock: Arc<dyn Clock>,
        token_endpoint: Option<TokenEndpoint>,
        bearer_token: Option<Secret>,
        credentials: Option<Credentials>,
        api_keys: Vec<(String, Secret)>,
    ) -> Result<Self, Error> {
        let bearer = match (bearer_token, credentials) {
            (Some(_), Some(_)) => {
                return Err(Error::config(
                    "set either bearer_token or credentials, not both",
                ));
            }
            (Some(token), None) => BearerSource::Static(Mutex::new(static_bearer(&token)?)),
            (None, Some(credentials)) => BearerSource::Managed {
                login: Mutex::new(Login {
                    generation: 0,
                    basic: credentials.basic_header()?,
                    credentials,
                }),
                cache: Arc::new(TokenCache::new(clock)),
            },
            (None, None) => BearerSource::None,
        };
        let mut keys: Vec<(HeaderName, HeaderValue)> = Vec::with_capacity(api_keys.len());
        for (name, value) in api_keys {
            let header_name = HeaderName::from_bytes(name.as_bytes()).map_err(|_| {
                Error::config(format!("`{name}` is not a valid API-key header name"))
            })?;
            let mut header = header_value(value.expose())
                .map_err(|reason| Error::config(format!("the `{name}` API key {reason}")))?;
            header.set_sensitive(true);
            // A later `api_key` call for the same header replaces the earlier one.
            keys.retain(|(existing, _)| existing != header_name);
            keys.push((header_name, header));
        }
        Ok(Self {
            bearer,
            api_keys: keys,
            token_endpoint,
        })
    }

    /// Replaces the credentials logins are made with; see
    /// [`Client::replace_credentials`](crate::Client::replace_credentials).
    pub(crate) fn replace_credentials(&self, credentials: Credentials) -> Result<(), Error> {
        let BearerSource::Managed { login, cache } = &self.bearer else {
            return Err(Error::config(
                "replace_credentials: the client was built without credentials (it does not log in)",
            ));
        };
        let basic = credentials.basic_header()?;
        // Swapped while the cache's state is locked: a token source of the new generation
        // (made under the login's lock, in `bearer`) cannot report before the cache knows
        // the generation. The login's lock is never taken the other way round.
        cache.replace_credentials(|| {
            let mut login = lock(login);
            let same_identity = login.credentials.client_id == credentials.client_id
                && login.credentials.username == credentials.username;
            login.generation += 1;
            login.credentials = credentials;
            login.basic = basic;
            (login.generation, same_identity)
        });
        Ok(())
    }

    /// Replaces the caller's bearer token; a call that resolved its headers keeps the one
    /// it has.
    pub(crate) fn replace_bearer_token(&self, token: Secret) -> Result<(), Error> {
        let header = match &self.bearer {
            BearerSource::Static(header) => header,
            BearerSource::Managed { .. } => {
                return Err(Error::config(
                    "replace_bearer_token: the client gets its tokens with credentials (replace those with replace_credentials)",
                ));
            }
            BearerSource::None => {
                return Err(Error::config(
                    "replace_bearer_token: the client was built without a bearer token",
                ));
            }
        };
        let value = static_bearer(&token)?;
        *lock(header) = value;
        Ok(())
    }

    /// Resolves every scheme `operation` lists, fetching a token if needed.
    pub(crate) async fn resolve(
        &self,
        operation: &'static str,
        security: &[Security],
        transport: &Transport,
        deadline: tokio::time::Instant,
    ) -> Result<Authenticated, Error> {
        let mut resolved = Authenticated {
            headers: Vec::new(),
            bearer_generation: None,
        };
        for scheme in security {
            match scheme {
                Security::Bearer => {
                    let grant = self.bearer(operation, transport, deadline).await?;
                    resolved.bearer_generation = grant.generation;
                    resolved
                        .headers
                        .push((reqwest::header::AUTHORIZATION, grant.header));
                }
                Security::Basic => {
                    let BearerSource::Managed { login, .. } = &self.bearer else {
                        return Err(Error::config_of(
                            operation,
                            "needs HTTP Basic client credentials: call ClientBuilder::credentials",
                        ));
                    };
                    let basic = lock(login).basic.clone();
                    resolved
                        .headers
                        .push((reqwest::header::AUTHORIZATION, basic));
                }
                Security::ApiKeyHeader(name) => {
                    let (header, value) = self
                        .api_keys
                        .iter()
                        .find(|(header, _)| header.as_str().eq_ignore_ascii_case(name))
                        .cloned()
                        .ok_or_else(|| missing_api_key(operation, name))?;
                    resolved.headers.push((header, value));
                }
            }
        }
        Ok(resolved)
    }

    async fn bearer(
        &self,
        operation: &'static str,
        transport: &Transport,
        deadline: tokio::time::Instant,
    ) -> Result<BearerGrant, Error> {
        match &self.bearer {
            BearerSource::Static(header) => Ok(BearerGrant {
                header: lock(header).clone(),
                generation: None,
            }),
            BearerSource::Managed { login, cache } => {
                let Some(endpoint) = self.token_endpoint else {
                    return Err(Error::config_of(
                        operation,
                        "needs a bearer token, and the API description names no token endpoint (x-token-endpoint) to get one with the credentials: call ClientBuilder::bearer_token",
                    ));
                };
                // A caller waits for a token no longer than one attempt may take, and not
                // past its own deadline.
                let deadline = deadline.min(later(tokio::time::Instant::now(), transport.timeout));
                let source = || {
                    let login = lock(login);
                    HttpTokenSource {
                        endpoint,
                        credentials: login.credentials.clone(),
                        basic: login.basic.clone(),
                        generation: login.generation,
                        transport: transport.clone(),
                    }
                };
                cache.get(source, operation, deadline).await
            }
            BearerSource::None => Err(Error::config_of(
                operation,
                "needs a bearer token: call ClientBuilder::bearer_token or ClientBuilder::credentials",
            )),
        }
    }

    /// The pipeline's hook for an operation of a client with this authentication.
    pub(crate) fn for_calls<'a>(&'a self, transport: &'a Transport) -> CallAuth<'a> {
        CallAuth {
            auth: self,
            transport,
        }
    }

    /// A short description for `Debug`, naming no secret.
    pub(crate) fn describe(&self) -> String {
        let bearer = match &self.bearer {
            BearerSource::None => "none",
            BearerSource::Static(_) => "static bearer token",
            BearerSource::Managed { .. } => "credentials (managed token)",
        };
        let keys: Vec<&str> = self
            .api_keys
            .iter()
            .map(|(name, _)| name.as_str())
            .collect();
        format!("bearer: {bearer}; api keys: {keys:?}")
    }
}

/// The lock of the login or of the caller's token. A panic while holding it cannot leave
/// either half-replaced (the login's fields are checked before any is written; a token is
/// swapped whole), so a poisoned lock is used as it is.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

fn missing_api_key(operation: &'static str, name: &str) -> Error {
    let how = if name.eq_ignore_ascii_case("partnerId") {
        "ClientBuilder::partner_id".to_owned()
    } else {
        format!("ClientBuilder::api_key(\"{name}\", ..)")
    };
    Error::config_of(operation, format!("needs a {name} header: call {how}"))
}

/// The header for a token the caller gives.
fn static_bearer(token: &Secret) -> Result<HeaderValue, Error> {
    bearer_header(token.expose())
        .map_err(|reason| Error::config(format!("the bearer token {reason}")))
}

/// `Bearer <token>`, marked sensitive.
fn bearer_header(token: &str) -> Result<HeaderValue, String> {
    let mut value = header_value(&format!("Bearer {token}"))?;
    value.set_sensitive(true);
    Ok(value)
}

/// The token endpoint's answer as raw members: the spec says which hold the token and its
/// lifetime (under any of their names); the runtime depends on no generated type.
type TokenWire = std::collections::BTreeMap<String, Box<serde_json::value::RawValue>>;

/// The first of `names` present in `wire`, with the name it was found under.
fn member<'w>(wire: &'w TokenWire, names: &[&'static str]) -> Option<(&'static str, &'w str)> {
    names
        .iter()
        .find_map(|name| wire.get(*name).map(|raw| (*name, raw.get())))
}

/// A failure answered as an envelope even here (`code`/`response_code` non-zero): no
/// spec documents the token call's failure body, so both common spellings are checked.
fn envelope_failure(wire: &TokenWire) -> Option<(i64, String)> {
    let (_, code) = member(wire, &["code", "response_code"])?;
    let code: i64 = serde_json::from_str(code).ok().filter(|c| *c != 0)?;
    let message = member(wire, &["message", "response_message"])
        .and_then(|(_, m)| serde_json::from_str::<String>(m).ok())
        .unwrap_or_default();
    Some((code, message))
}

/// How an operation is authenticated in the pipeline: its security requirements resolved
/// (a managed token fetched if none is usable) before the first attempt; a 401 answer to a
/// managed token drops that token so the next call fetches a new one. The call itself is
/// not resent: it may have been a write.
pub(crate) struct CallAuth<'a> {
    auth: &'a Auth,
    transport: &'a Transport,
}

impl Authenticate for CallAuth<'_> {
    async fn headers(&self, prepared: &Prepared) -> Result<Authenticated, Error> {
        self.auth
            .resolve(
                prepared.operation(),
                prepared.security(),
                self.transport,
                prepared.deadline(),
            )
            .await
    }

    fn answered(&self, status: Option<reqwest::StatusCode>, authenticated: &Authenticated) {
        if let (
            Some(reqwest::StatusCode::UNAUTHORIZED),
            Some(generation),
            BearerSource::Managed { cache, .. },
        ) = (status, authenticated.bearer_generation, &self.auth.bearer)
        {
            cache.rejected_by_server(generation);
        }
    }
}

/// The token source: one token request, as the spec's token endpoint describes it, sent
/// through the client's transport (so its timeouts and retries apply).
pub(crate) struct HttpTokenSource {
    endpoint: TokenEndpoint,
    credentials: Credentials,
    /// Their HTTP Basic header, made when they were given.
    basic: HeaderValue,
    /// Which generation of the client's credentials these are.
    generation: u64,
    transport: Transport,
}

impl TokenSource for HttpTokenSource {
    async fn fetch(&self) -> Result<(HeaderValue, Duration), Error> {
        // Boxed: the token call is a whole request, and its future would otherwise make
        // the refresh task that much larger.
        Box::pin(self.request()).await
    }

    fn credentials_generation(&self) -> u64 {
        self.generation
    }
}

impl HttpTokenSource {
    /// The token request's form: each member the endpoint names, with its value from the
    /// credentials or the endpoint's constant.
    fn form(&self, endpoint: &TokenEndpoint) -> Vec<(&'static str, &str)> {
        let credentials = &self.credentials;
        endpoint
            .form
            .iter()
            .map(|(name, value)| {
                let value = match value {
                    FormValue::Username => credentials.username.as_str(),
                    FormValue::Password => credentials.password.expose(),
                    FormValue::ClientId => credentials.client_id.as_str(),
                    FormValue::ClientSecret => credentials.client_secret.expose(),
                    FormValue::Constant(constant) => constant,
                };
                (*name, value)
            })
            .collect()
    }

    /// One token request, as the spec's token endpoint describes it (a form POST
    /// authenticated with HTTP Basic).
    async fn request(&self) -> Result<(HeaderValue, Duration), Error> {
        let endpoint = self.endpoint;
        let form = self.form(&endpoint);
        let request = OperationRequest {
            operation_id: endpoint.operation_id,
            method: Method::POST,
            path_template: endpoint.path,
            path: endpoint.path.to_owned(),
            query: Vec::new(),
            query_objects: Vec::new(),
            headers: Vec::new(),
            body: Some(RequestBody::form_pairs(form.iter().copied())),
            security: &[Security::Basic],
            retry: RetryClass::Idempotent,
            idempotency_key: None,
            outcome_lookup: None,
            answer: crate::request::AnswerFormat::Json,
            envelope: None,
            options: RequestOptions::default(),
        };
        // Basic auth only: resolving it never needs a token, so this cannot recurse.
        let response = self
            .transport
            .send::<TokenWire>(
                request,
                &FixedHeaders(vec![(reqwest::header::AUTHORIZATION, self.basic.clone())]),
            )
            .await?;
        let status = response.status;
        let wire = response.payload;
        let decode_error = |path: &str, message: &str| Error::Decode {
            operation: endpoint.operation_id,
            status,
            path: path.to_owned(),
            message: message.to_owned(),
            // The body is not quoted: it holds a token.
            body_snippet: String::new(),
        };
        if let Some((code, message)) = envelope_failure(&wire) {
            return Err(Error::Api {
                operation: endpoint.operation_id,
                code,
                message,
                status,
                payload: serde_json::Value::Null,
            });
        }
        let token_name = endpoint.token.first().copied().unwrap_or("token");
        let (token_name, token) = member(&wire, endpoint.token)
            .ok_or_else(|| decode_error(token_name, "is missing from the token response"))?;
        let token: String = serde_json::from_str(token)
            .ok()
            .filter(|t: &String| !t.is_empty())
            .ok_or_else(|| decode_error(token_name, "is not a non-empty string"))?;
        let header = bearer_header(&token).map_err(|reason| decode_error(token_name, &reason))?;
        let lifetime = match member(&wire, endpoint.expires_in) {
            None => DEFAULT_TOKEN_LIFETIME,
            Some((name, seconds)) => match serde_json::from_str::<u64>(seconds) {
                // Never sendable: taken as a failed token request (with its backoff), not
                // as a token to fetch again at once.
                Ok(0) => return Err(decode_error(name, "is 0: the token has expired already")),
                Ok(seconds) => Duration::from_secs(seconds),
                Err(_) => return Err(decode_error(name, "is not a whole number of seconds")),
            },
        };
        Ok((header, lifetime))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_never_print() {
        let secret = Secret::new("hunter2");
        assert_eq!(format!("{secret:?}"), "Secret(<redacted>)");
        assert_eq!(format!("{secret}"), "Secret(<redacted>)");
        assert_eq!(secret.expose(), "hunter2");
        let credentials = Credentials::new("CID", "client-secret", "user@example.com", "pa55");
        let debug = format!("{credentials:?}");
        for leaked in ["client-secret", "user@example.com", "pa55"] {
            assert!(!debug.contains(leaked), "{debug}");
        }
    }

    #[test]
    fn basic_header_encodes_client_id_and_secret() {
        let credentials = Credentials::new("id", "secret", "u", "p");
        let header = credentials
            .basic_header()
            .expect("ascii credentials encode");
        assert_eq!(header.to_str().expect("ascii"), "Basic aWQ6c2VjcmV0");
        assert!(header.is_sensitive());
        let colon = Credentials::new("a:b", "secret", "u", "p");
        assert!(matches!(colon.basic_header(), Err(Error::Config { .. })));
    }

    #[test]
    fn token_members_are_found_under_any_of_their_names() {
        let names = &["access_token", "accessToken"];
        let snake: TokenWire =
            serde_json::from_str(r#"{"access_token":"a","expires_in":86399}"#).expect("json");
        assert_eq!(member(&snake, names), Some(("access_token", "\"a\"")));
        let camel: TokenWire =
            serde_json::from_str(r#"{"accessToken":"b","expiresIn":300}"#).expect("json");
        assert_eq!(member(&camel, names), Some(("accessToken", "\"b\"")));
        assert_eq!(member(&camel, &["token"]), None);
        let failed: TokenWire =
            serde_json::from_str(r#"{"response_code":1,"response_message":"Locked"}"#)
                .expect("json");
        assert_eq!(envelope_failure(&failed), Some((1, "Locked".to_owned())));
        let ok: TokenWire = serde_json::from_str(r#"{"code":0}"#).expect("json");
        assert_eq!(envelope_failure(&ok), None);
    }
}
