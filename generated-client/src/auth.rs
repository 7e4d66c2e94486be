//! Credentials, and turning an operation's `security` list into headers.
//!
//! EnKash issues bearer tokens from `POST /oauth/token` (a password grant authenticated
//! with HTTP Basic). A [`Client`](crate::Client) configured with [`Credentials`] fetches a
//! token when it first needs one, caches it, and refreshes it shortly before it expires.
//! Three details matter for money-moving integrations:
//!
//! * **One refresh at a time.** Concurrent calls that find the token missing or stale
//!   wait for a single token request instead of each sending their own.
//! * **Never hammer a rejected login.** After three failed logins EnKash locks the account.
//!   A token request answered with 400/401/403 is never retried, and the failure is
//!   remembered for [`REJECTED_LOGIN_MEMORY`]: calls in that window get the same error
//!   without a request being sent.
//! * **A 401 drops the cached token**, so the next call fetches a fresh one. The call that
//!   got the 401 is not resent (it might be a write).

use std::fmt;
use std::time::{Duration, Instant};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use reqwest::header::{HeaderName, HeaderValue};
use reqwest::{Method, StatusCode};
use tokio::sync::Mutex;

use crate::error::Error;
use crate::request::{OperationRequest, RequestBody, RequestOptions, RetryClass, Security};
use crate::transport::{Transport, header_value};

/// How long a rejected login is remembered (and not resent).
pub(crate) const REJECTED_LOGIN_MEMORY: Duration = Duration::from_secs(30);

/// Lifetime assumed for a token whose response has no `expires_in` (the documented 5 minutes).
const DEFAULT_TOKEN_LIFETIME: Duration = Duration::from_secs(300);

/// The token call as the spec describes it (`x-token-endpoint`); generated into
/// `generated::TOKEN_ENDPOINT`, so nothing about the API's token call is written here.
#[derive(Debug, Clone, Copy)]
pub(crate) struct TokenEndpoint {
    pub(crate) operation_id: &'static str,
    pub(crate) path: &'static str,
    /// Every form field, in the spec's order, and what fills it.
    pub(crate) form: &'static [(&'static str, FormValue)],
    /// The answer's member holding the token: its wire name, then its aliases.
    pub(crate) token: &'static [&'static str],
    /// The answer's member holding the lifetime in seconds, if the spec names one.
    pub(crate) expires_in: &'static [&'static str],
}

/// What fills one form field of the token call.
#[derive(Debug, Clone, Copy)]
pub(crate) enum FormValue {
    Username,
    Password,
    ClientId,
    // Which credentials a spec maps is the spec's choice; EnKash's maps no client secret.
    #[allow(dead_code)]
    ClientSecret,
    Constant(&'static str),
}

/// A string that must never be printed: a token, a client secret or a password.
///
/// `Debug` and `Display` show `Secret(<redacted>)`; read the value with
/// [`Secret::expose`] only where it is sent.
#[derive(Clone)]
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
            return Err(Error::Config {
                reason: "the client_id must not contain `:` (it is sent as HTTP Basic)".to_owned(),
            });
        }
        let raw = format!("{}:{}", self.client_id, self.client_secret.expose());
        let mut value =
            HeaderValue::from_str(&format!("Basic {}", BASE64.encode(raw))).map_err(|_| {
                Error::Config {
                    reason: "the credentials could not be encoded as a Basic header".to_owned(),
                }
            })?;
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
    Static(HeaderValue),
    Managed(Box<TokenCache>),
}

/// Everything the client can authenticate with, checked once when the client is built.
pub(crate) struct Auth {
    pub(crate) bearer: BearerSource,
    /// The Basic header, when credentials were given.
    pub(crate) basic: Option<HeaderValue>,
    /// API-key headers by name, e.g. `partnerId`.
    pub(crate) api_keys: Vec<(HeaderName, HeaderValue)>,
}

/// A bearer header to send, and how to invalidate it if the server rejects it.
pub(crate) struct BearerGrant {
    pub(crate) header: HeaderValue,
    /// `Some(generation)` for a managed token.
    pub(crate) generation: Option<u64>,
}

/// The headers one call's security requirements resolve to.
pub(crate) struct ResolvedAuth {
    pub(crate) headers: Vec<(HeaderName, HeaderValue)>,
    pub(crate) bearer_generation: Option<u64>,
}

impl Auth {
    pub(crate) fn new(
        bearer_token: Option<Secret>,
        credentials: Option<Credentials>,
        api_keys: Vec<(String, Secret)>,
    ) -> Result<Self, Error> {
        let basic = credentials
            .as_ref()
            .map(Credentials::basic_header)
            .transpose()?;
        let bearer = match (bearer_token, credentials) {
            (Some(_), Some(_)) => {
                return Err(Error::Config {
                    reason: "set either bearer_token or credentials, not both".to_owned(),
                });
            }
            (Some(token), None) => {
                BearerSource::Static(bearer_header(token.expose()).map_err(|reason| {
                    Error::Config {
                        reason: format!("the bearer token {reason}"),
                    }
                })?)
            }
            (None, Some(credentials)) => {
                BearerSource::Managed(Box::new(TokenCache::new(credentials)))
            }
            (None, None) => BearerSource::None,
        };
        let mut keys: Vec<(HeaderName, HeaderValue)> = Vec::with_capacity(api_keys.len());
        for (name, value) in api_keys {
            let header_name =
                HeaderName::from_bytes(name.as_bytes()).map_err(|_| Error::Config {
                    reason: format!("`{name}` is not a valid API-key header name"),
                })?;
            let mut header = header_value(value.expose()).map_err(|reason| Error::Config {
                reason: format!("the `{name}` API key {reason}"),
            })?;
            header.set_sensitive(true);
            // A later `api_key` call for the same header replaces the earlier one.
            keys.retain(|(existing, _)| existing != header_name);
            keys.push((header_name, header));
        }
        Ok(Self {
            bearer,
            basic,
            api_keys: keys,
        })
    }

    /// Resolves every scheme `operation` lists, fetching a token if needed.
    pub(crate) async fn resolve(
        &self,
        operation: &'static str,
        security: &[Security],
        transport: &Transport,
    ) -> Result<ResolvedAuth, Error> {
        let mut resolved = ResolvedAuth {
            headers: Vec::new(),
            bearer_generation: None,
        };
        for scheme in security {
            match scheme {
                Security::Bearer => {
                    let grant = self.bearer(operation, transport).await?;
                    resolved.bearer_generation = grant.generation;
                    resolved
                        .headers
                        .push((reqwest::header::AUTHORIZATION, grant.header));
                }
                Security::Basic => {
                    let basic = self.basic.clone().ok_or_else(|| Error::Config {
                        reason: format!(
                            "{operation} needs HTTP Basic client credentials: call ClientBuilder::credentials"
                        ),
                    })?;
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
    ) -> Result<BearerGrant, Error> {
        match &self.bearer {
            BearerSource::Static(header) => Ok(BearerGrant {
                header: header.clone(),
                generation: None,
            }),
            BearerSource::Managed(cache) => cache.get(transport).await,
            BearerSource::None => Err(Error::Config {
                reason: format!(
                    "{operation} needs a bearer token: call ClientBuilder::bearer_token or ClientBuilder::credentials"
                ),
            }),
        }
    }

    /// Called when a call authenticated with managed token `generation` got a 401.
    pub(crate) async fn token_rejected(&self, generation: u64) {
        if let BearerSource::Managed(cache) = &self.bearer {
            cache.invalidate(generation).await;
        }
    }

    /// A short description for `Debug`, naming no secret.
    pub(crate) fn describe(&self) -> String {
        let bearer = match &self.bearer {
            BearerSource::None => "none",
            BearerSource::Static(_) => "static bearer token",
            BearerSource::Managed(_) => "credentials (managed token)",
        };
        let keys: Vec<&str> = self
            .api_keys
            .iter()
            .map(|(name, _)| name.as_str())
            .collect();
        format!("bearer: {bearer}; api keys: {keys:?}")
    }
}

fn missing_api_key(operation: &str, name: &str) -> Error {
    let how = if name.eq_ignore_ascii_case("partnerId") {
        "ClientBuilder::partner_id".to_owned()
    } else {
        format!("ClientBuilder::api_key(\"{name}\", ..)")
    };
    Error::Config {
        reason: format!("{operation} needs a {name} header: call {how}"),
    }
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

/// A token in the cache.
struct CachedToken {
    header: HeaderValue,
    generation: u64,
    /// From here on the token is refreshed before use.
    refresh_at: Instant,
    /// Until here the token may still be used if a refresh fails transiently.
    expires_at: Instant,
}

/// A login the server rejected, replayed instead of re-sent.
struct RejectedLogin {
    at: Instant,
    status: StatusCode,
    kind: RejectedKind,
}

enum RejectedKind {
    Api {
        code: i64,
        message: String,
        payload: serde_json::Value,
    },
    Http {
        body_snippet: String,
    },
}

impl RejectedLogin {
    fn to_error(&self) -> Error {
        match &self.kind {
            RejectedKind::Api {
                code,
                message,
                payload,
            } => Error::Api {
                code: *code,
                message: message.clone(),
                status: self.status,
                payload: payload.clone(),
            },
            RejectedKind::Http { body_snippet } => Error::Http {
                status: self.status,
                body_snippet: body_snippet.clone(),
            },
        }
    }

    /// Remembers `error` if it says the credentials are wrong (rather than "try later").
    fn from_error(error: &Error, at: Instant) -> Option<Self> {
        let credentials_status = |status: &StatusCode| matches!(status.as_u16(), 400 | 401 | 403);
        match error {
            // An envelope with a non-zero code on a 2xx is the server refusing the login.
            Error::Api {
                code,
                message,
                status,
                payload,
            } if credentials_status(status) || status.is_success() => Some(Self {
                at,
                status: *status,
                kind: RejectedKind::Api {
                    code: *code,
                    message: message.clone(),
                    payload: payload.clone(),
                },
            }),
            Error::Http {
                status,
                body_snippet,
            } if credentials_status(status) => Some(Self {
                at,
                status: *status,
                kind: RejectedKind::Http {
                    body_snippet: body_snippet.clone(),
                },
            }),
            _ => None,
        }
    }
}

#[derive(Default)]
struct TokenState {
    current: Option<CachedToken>,
    rejected: Option<RejectedLogin>,
    next_generation: u64,
}

/// The managed bearer token: fetched on demand, shared by every clone of the client.
///
/// The mutex is held across the token request, which is what makes concurrent callers
/// share one refresh: they queue on the lock and then find the fresh token.
pub(crate) struct TokenCache {
    credentials: Credentials,
    state: Mutex<TokenState>,
}

impl TokenCache {
    fn new(credentials: Credentials) -> Self {
        Self {
            credentials,
            state: Mutex::new(TokenState::default()),
        }
    }

    async fn get(&self, transport: &Transport) -> Result<BearerGrant, Error> {
        let mut state = self.state.lock().await;
        let now = Instant::now();
        if let Some(token) = state.current.as_ref().filter(|t| now < t.refresh_at) {
            return Ok(BearerGrant {
                header: token.header.clone(),
                generation: Some(token.generation),
            });
        }
        if let Some(rejected) = state
            .rejected
            .as_ref()
            .filter(|r| now.duration_since(r.at) < REJECTED_LOGIN_MEMORY)
        {
            tracing::debug!(
                rejected_secs_ago = now.duration_since(rejected.at).as_secs(),
                "token request not resent: the last login was rejected"
            );
            return Err(rejected.to_error());
        }
        // Boxed: the token call is a whole request, and its future would otherwise make
        // every call's future (and the copies of it the runtime makes) that much larger.
        match Box::pin(self.fetch(transport)).await {
            Ok((header, lifetime)) => {
                let fetched_at = Instant::now();
                let generation = state.next_generation;
                state.next_generation += 1;
                state.rejected = None;
                state.current = Some(CachedToken {
                    header: header.clone(),
                    generation,
                    refresh_at: fetched_at + lifetime.saturating_sub(refresh_margin(lifetime)),
                    expires_at: fetched_at + lifetime,
                });
                Ok(BearerGrant {
                    header,
                    generation: Some(generation),
                })
            }
            Err(error) => {
                if let Some(rejected) = RejectedLogin::from_error(&error, Instant::now()) {
                    state.current = None;
                    state.rejected = Some(rejected);
                    return Err(error);
                }
                // A transient failure while the old token is still valid: keep using it.
                match state
                    .current
                    .as_ref()
                    .filter(|t| Instant::now() < t.expires_at)
                {
                    Some(token) => {
                        tracing::debug!(
                            "token refresh failed; using the current token until it expires"
                        );
                        Ok(BearerGrant {
                            header: token.header.clone(),
                            generation: Some(token.generation),
                        })
                    }
                    None => Err(error),
                }
            }
        }
    }

    /// Drops the cached token if it is still the one that was rejected.
    async fn invalidate(&self, generation: u64) {
        let mut state = self.state.lock().await;
        if state
            .current
            .as_ref()
            .is_some_and(|t| t.generation == generation)
        {
            tracing::debug!("bearer token rejected with 401; it will be fetched again");
            state.current = None;
        }
    }

    /// One token request, as the spec's token endpoint describes it (a form POST
    /// authenticated with HTTP Basic).
    async fn fetch(&self, transport: &Transport) -> Result<(HeaderValue, Duration), Error> {
        let Some(endpoint) = crate::generated::TOKEN_ENDPOINT else {
            return Err(Error::Config {
                reason: "the API description names no token endpoint (x-token-endpoint): pass a bearer token instead of credentials".to_owned(),
            });
        };
        let credentials = &self.credentials;
        let form: Vec<(&str, &str)> = endpoint
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
            .collect();
        let request = OperationRequest {
            operation_id: endpoint.operation_id,
            method: Method::POST,
            path_template: endpoint.path,
            path: endpoint.path.to_owned(),
            query: Vec::new(),
            headers: Vec::new(),
            body: Some(RequestBody::form_pairs(form.iter().copied())),
            security: &[Security::Basic],
            retry: RetryClass::Idempotent,
            idempotency_key: None,
            outcome_lookup: None,
            envelope: None,
            options: RequestOptions::default(),
        };
        // Basic auth only: resolving it never needs a token, so this cannot recurse.
        let basic = self.credentials.basic_header()?;
        let response = transport
            .send::<TokenWire>(request, vec![(reqwest::header::AUTHORIZATION, basic)])
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
            Some((name, seconds)) => serde_json::from_str::<u64>(seconds)
                .map(Duration::from_secs)
                .map_err(|_| decode_error(name, "is not a whole number of seconds"))?,
        };
        Ok((header, lifetime))
    }
}

/// How long before expiry a token is refreshed: 10% of its lifetime or 30 s, whichever
/// is more, but never more than half the lifetime (so a very short-lived token is still
/// used for a while instead of being refetched for every call).
pub(crate) fn refresh_margin(lifetime: Duration) -> Duration {
    (lifetime / 10)
        .max(Duration::from_secs(30))
        .min(lifetime / 2)
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
    fn refresh_margin_follows_the_documented_rule() {
        // The documented 5-minute token: refreshed 30 s early.
        assert_eq!(
            refresh_margin(Duration::from_secs(300)),
            Duration::from_secs(30)
        );
        // The example's day-long token: refreshed at 90% of its life.
        assert_eq!(
            refresh_margin(Duration::from_secs(86_400)),
            Duration::from_secs(8_640)
        );
        // A token living 20 s is used for its first half.
        assert_eq!(
            refresh_margin(Duration::from_secs(20)),
            Duration::from_secs(10)
        );
        assert_eq!(refresh_margin(Duration::ZERO), Duration::ZERO);
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

    #[test]
    fn the_token_endpoint_comes_from_the_spec() {
        let endpoint = crate::generated::TOKEN_ENDPOINT.expect("the EnKash spec names one");
        assert_eq!(endpoint.path, "/oauth/token");
        assert!(
            endpoint
                .form
                .iter()
                .any(|(n, v)| *n == "grant_type" && matches!(v, FormValue::Constant("password")))
        );
    }

    #[test]
    fn only_credential_failures_are_remembered() {
        let now = Instant::now();
        let http = |code: u16| Error::Http {
            status: StatusCode::from_u16(code).expect("valid status"),
            body_snippet: String::new(),
        };
        for code in [400, 401, 403] {
            assert!(
                RejectedLogin::from_error(&http(code), now).is_some(),
                "{code}"
            );
        }
        for code in [404, 429, 500, 502, 503] {
            assert!(
                RejectedLogin::from_error(&http(code), now).is_none(),
                "{code}"
            );
        }
        let timeout = Error::Timeout {
            operation: "createAccessToken",
            after: Duration::from_secs(1),
            connecting: false,
        };
        assert!(RejectedLogin::from_error(&timeout, now).is_none());
    }
}
