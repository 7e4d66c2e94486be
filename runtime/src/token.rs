//! The managed bearer token: a token *source* (the HTTP exchange with the spec's token
//! endpoint, in `auth.rs`) apart from this token *cache*, a state machine that decides, for
//! each caller and at each instant, whether to use the cached token, start a refresh, wait
//! for the one in flight, or fail.
//!
//! What it guarantees under load:
//!
//! * **One refresh at a time** (single flight), run off the callers' path: a caller holding
//!   a token that is still good to send uses it at once, even while the refresh is in
//!   flight; only callers with no usable token wait for it, each bounded by its deadline.
//!   No lock is held across the token request, nor while a log event is written.
//! * **A failing token endpoint is not hammered.** After a transient failure (a 5xx, a
//!   timeout, a dropped connection) the next token request waits a backoff (1 s, doubling
//!   to 30 s; longer when the endpoint's `Retry-After` asks, up to
//!   [`MAX_REQUESTED_BACKOFF`]) whatever the number of callers; meanwhile callers with a
//!   usable token use it and callers without one fail at once with the reason.
//! * **A rejected login does not throw away a good token.** A refresh answered 400/401/403
//!   (or with an EnKash failure code) is not retried for [`REJECTED_LOGIN_MEMORY`], but the
//!   token still held is used until it expires.
//! * **The client does not make the login that locks the account.** EnKash locks an
//!   account after three failed logins in a row; after [`MAX_REJECTED_LOGINS`] rejected in
//!   a row (with no login taken between) the client sends no more, and calls without a
//!   usable token fail at once saying so, until the credentials are replaced
//!   (`Client::replace_credentials`) or a client is built anew. It counts its own logins
//!   only: other processes' are not seen.
//! * **Replaced credentials take over at once, and only they count.** A token request
//!   made with credentials since replaced has its outcome discarded (its token is not
//!   used, its rejection is not counted against the new ones); a token issued to another
//!   user or integration is dropped, one issued to the same is kept.
//! * **A token is not sent within [`send_margin`] of its expiry**, so it cannot expire on
//!   its way to the server.
//! * **A server rejecting tokens does not make every call a login.** A 401 drops the token
//!   it answered, but no sooner than a backoff (1 s, doubling to 30 s) after the last drop;
//!   meanwhile the token is kept (the 401 may be one operation's), and a drop a minute
//!   after the last starts again at 1 s.
//!
//! The state machine reads no clock: every step is given `now`, so the tests drive it on
//! virtual time.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use reqwest::StatusCode;
use reqwest::header::HeaderValue;
use tokio::sync::Notify;

use crate::error::Error;
use crate::time::{Clock, TokioClock, later};

/// How long a rejected login is remembered (and not resent).
pub(crate) const REJECTED_LOGIN_MEMORY: Duration = Duration::from_secs(30);

/// Logins rejected in a row after which no more are sent: one fewer than the three failed
/// logins after which EnKash locks the account, so that the one that would lock it is
/// never this client's.
pub(crate) const MAX_REJECTED_LOGINS: u32 = 2;

/// The first wait after a failed token request; it doubles with each failure in a row.
const FIRST_BACKOFF: Duration = Duration::from_secs(1);
/// The longest wait between two failing token requests.
const MAX_BACKOFF: Duration = Duration::from_secs(30);
/// The longest wait after a failed token request whose `Retry-After` asked for more than
/// the backoff: a wrong header (a day, say) must not keep a service without a token for
/// as long.
pub(crate) const MAX_REQUESTED_BACKOFF: Duration = Duration::from_secs(300);

/// How long before expiry a token is refreshed: 10% of its lifetime or 30 s, whichever
/// is more, but never more than half the lifetime (so a very short-lived token is still
/// used for a while instead of being refetched for every call).
pub(crate) fn refresh_margin(lifetime: Duration) -> Duration {
    (lifetime / 10)
        .max(Duration::from_secs(30))
        .min(lifetime / 2)
}

/// How long before expiry a token is no longer sent: 10 s, but at most a quarter of its
/// lifetime. A call started later waits for the refresh instead.
pub(crate) fn send_margin(lifetime: Duration) -> Duration {
    Duration::from_secs(10).min(lifetime / 4)
}

/// The wait before the next token request after `failures` failed ones in a row.
fn backoff(failures: u32) -> Duration {
    let doublings = failures.saturating_sub(1).min(16);
    FIRST_BACKOFF
        .saturating_mul(1 << doublings)
        .min(MAX_BACKOFF)
}

/// A bearer header to send, and how to invalidate it if the server rejects it.
#[derive(Debug, Clone)]
pub(crate) struct BearerGrant {
    pub(crate) header: HeaderValue,
    /// `Some(generation)` for a managed token.
    pub(crate) generation: Option<u64>,
}

/// A token in the cache.
#[derive(Debug)]
struct CachedToken {
    header: HeaderValue,
    generation: u64,
    /// From here on a refresh is started (the token is still sent).
    refresh_at: Instant,
    /// From here on the token is no longer sent.
    send_until: Instant,
}

impl CachedToken {
    fn grant(&self) -> BearerGrant {
        BearerGrant {
            header: self.header.clone(),
            generation: Some(self.generation),
        }
    }
}

/// Tokens dropped because the server answered 401 to them: when the last was dropped, and
/// how many were in a row (each within [`DROP_SERIES`] of the one before).
#[derive(Debug, Clone, Copy)]
struct Drops {
    last: Instant,
    in_a_row: u32,
}

/// A 401 that drops a token more than this after the last drop starts a new series.
const DROP_SERIES: Duration = Duration::from_secs(60);

/// A login the server rejected, replayed instead of re-sent.
#[derive(Debug)]
struct RejectedLogin {
    at: Instant,
    /// Logins rejected since the last one taken, this one included.
    in_a_row: u32,
    error: Error,
}

impl RejectedLogin {
    /// No more logins are sent: the next rejected one could lock the account.
    fn stops_logins(&self) -> bool {
        self.in_a_row >= MAX_REJECTED_LOGINS
    }

    /// How long until the next login may be sent, from `now`; `None` when none will be.
    fn retry_in(&self, now: Instant) -> Option<Duration> {
        (!self.stops_logins())
            .then(|| REJECTED_LOGIN_MEMORY.saturating_sub(now.saturating_duration_since(self.at)))
    }

    /// What a call of `operation` with no usable token fails with at `now`: the rejection
    /// itself while another login is to come; once none is, why, and what ends it.
    fn failure(&self, operation: &'static str, now: Instant) -> Error {
        match self.retry_in(now) {
            Some(retry_in) => self.error.replay().unwrap_or_else(|| {
                unavailable(operation, "the last login was rejected", Some(retry_in))
            }),
            None => unavailable(
                operation,
                &format!(
                    "{} logins in a row were rejected, the last: {}; no more are sent, as \
                     EnKash locks an account after three failed logins: correct the \
                     credentials (`replace_credentials`, or a new client)",
                    self.in_a_row, self.error
                ),
                None,
            ),
        }
    }
}

/// A token request that failed for a reason that may pass (a 5xx, a timeout), replayed
/// instead of re-sent until its backoff ends.
#[derive(Debug)]
struct FailedRequest {
    /// No token request before this.
    retry_at: Instant,
    error: Error,
}

impl FailedRequest {
    /// What a call of `operation` with no usable token fails with at `now`.
    fn replay(&self, operation: &'static str, now: Instant) -> Error {
        let left = self.retry_at.saturating_duration_since(now);
        let mut error = self.error.replay().unwrap_or_else(|| {
            unavailable(
                operation,
                &format!("the last token request failed: {}", self.error),
                Some(left),
            )
        });
        // A wait the endpoint asked for ran from its answer: what is left of it is the
        // time until the next token request.
        if let Error::Http {
            retry_after: Some(wait),
            ..
        } = &mut error
        {
            *wait = left;
        }
        error
    }
}

/// Whether `error` says the credentials are wrong (rather than "try later").
fn is_rejected_login(error: &Error) -> bool {
    let credentials_status = |status: &StatusCode| matches!(status.as_u16(), 400 | 401 | 403);
    match error {
        // An envelope with a non-zero code on a 2xx is the server refusing the login.
        Error::Api { status, .. } => credentials_status(status) || status.is_success(),
        Error::Http { status, .. } => credentials_status(status),
        _ => false,
    }
}

/// What one caller does next, as the cache decides it.
#[derive(Debug)]
pub(crate) enum Next {
    /// Send with this token.
    Use(BearerGrant),
    /// Send with this token, and start the refresh (this caller was the first to see it due).
    UseAndRefresh(BearerGrant),
    /// No usable token and nothing in flight: start the refresh and wait for it.
    Refresh,
    /// No usable token; a refresh is in flight: wait for it.
    Wait,
    /// No usable token, and none is to be had now.
    Fail(Error),
}

/// What a transition of the cache's state has to tell the logs. The state only records
/// it; the cache emits it once the state's lock is released, so a slow log writer never
/// holds up the callers reading a token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TokenEvent {
    /// A call found no usable token, and no login is sent: the last was rejected.
    LoginNotResent,
    /// Logins were rejected `in_a_row`: no more are sent.
    LoginsStopped { in_a_row: u32 },
    /// A token request failed, the `failures`th in a row; the next waits `backoff`.
    RequestFailed { failures: u32, backoff: Duration },
    /// A 401 came within the backoff of the last drop, one of `drops_in_a_row`: the
    /// token is kept for now.
    DropDeferred { drops_in_a_row: u32 },
    /// A 401 dropped the token; the next call fetches another.
    Dropped,
    /// The credentials were replaced; the token held was kept (same user and
    /// integration) or dropped.
    CredentialsReplaced { token_kept: bool },
    /// A token request made with credentials since replaced ended; its outcome was
    /// discarded.
    OutcomeDiscarded,
}

impl TokenEvent {
    fn emit(self) {
        match self {
            TokenEvent::LoginNotResent => {
                tracing::debug!("token request not resent: the last login was rejected");
            }
            TokenEvent::LoginsStopped { in_a_row } => tracing::warn!(
                rejected_in_a_row = in_a_row,
                "token requests stopped: logins rejected in a row; a third would lock the account"
            ),
            TokenEvent::RequestFailed { failures, backoff } => tracing::debug!(
                failures,
                backoff_ms = u64::try_from(backoff.as_millis()).unwrap_or(u64::MAX),
                "token request failed; the next waits"
            ),
            TokenEvent::DropDeferred { drops_in_a_row } => tracing::debug!(
                drops_in_a_row,
                "bearer token rejected with 401 soon after the last was; it is kept for now"
            ),
            TokenEvent::Dropped => {
                tracing::debug!("bearer token rejected with 401; it will be fetched again");
            }
            TokenEvent::CredentialsReplaced { token_kept } => {
                tracing::info!(token_kept, "credentials replaced; the next login uses them")
            }
            TokenEvent::OutcomeDiscarded => tracing::debug!(
                "token request made with replaced credentials ended; its outcome is discarded"
            ),
        }
    }
}

/// The cache's state; every transition takes the time it happens at.
#[derive(Debug, Default)]
pub(crate) struct TokenState {
    current: Option<CachedToken>,
    rejected: Option<RejectedLogin>,
    /// Transient failures in a row, and the last one, replayed during its backoff.
    failures: u32,
    last_failure: Option<FailedRequest>,
    refreshing: bool,
    next_generation: u64,
    /// Tokens lately dropped for a 401: the next drop waits a backoff after the last.
    drops: Option<Drops>,
    /// The generation of the credentials logins are made with: 0, then one more at each
    /// replacement. Only the outcome of a login with the current ones is taken.
    credentials_generation: u64,
    /// What the last transition has to tell, for the cache to emit.
    told: Option<TokenEvent>,
}

impl TokenState {
    /// What the caller `operation` does at `now`.
    pub(crate) fn next(&mut self, operation: &'static str, now: Instant) -> Next {
        let usable = self.current.as_ref().filter(|t| now < t.send_until);
        let login_blocked = self
            .rejected
            .as_ref()
            .filter(|r| r.retry_in(now) != Some(Duration::ZERO));
        let backing_off = self.last_failure.as_ref().filter(|f| now < f.retry_at);
        let may_start = !self.refreshing && login_blocked.is_none() && backing_off.is_none();
        match usable {
            Some(token) if now >= token.refresh_at && may_start => {
                let grant = token.grant();
                self.refreshing = true;
                Next::UseAndRefresh(grant)
            }
            Some(token) => Next::Use(token.grant()),
            None if self.refreshing => Next::Wait,
            None => match (login_blocked, backing_off) {
                (Some(rejected), _) => {
                    let error = rejected.failure(operation, now);
                    self.told = Some(TokenEvent::LoginNotResent);
                    Next::Fail(error)
                }
                (None, Some(failed)) => Next::Fail(failed.replay(operation, now)),
                (None, None) => {
                    self.refreshing = true;
                    Next::Refresh
                }
            },
        }
    }

    /// The refresh started by [`Next::UseAndRefresh`] or [`Next::Refresh`], with
    /// credentials of generation `generation`, ended at `now` with `result`. When the
    /// credentials have been replaced since, the outcome is theirs, not the current
    /// ones': a token issued to them is not used, a rejection is not counted.
    pub(crate) fn finished(
        &mut self,
        generation: u64,
        result: Result<(HeaderValue, Duration), Error>,
        now: Instant,
    ) {
        match result {
            _ if generation != self.credentials_generation => {
                self.refreshing = false;
                self.told = Some(TokenEvent::OutcomeDiscarded);
            }
            Ok((header, lifetime)) => self.succeeded(header, lifetime, now),
            Err(error) => self.failed(error, now),
        }
    }

    /// The credentials were replaced by those of generation `generation`: logins are
    /// counted afresh, as for a new client, and may be sent at once. The token held is
    /// kept when `same_identity` (the same user and integration), else dropped.
    pub(crate) fn credentials_replaced(&mut self, generation: u64, same_identity: bool) {
        self.credentials_generation = generation;
        self.rejected = None;
        if !same_identity {
            self.current = None;
            self.drops = None;
        }
        self.told = Some(TokenEvent::CredentialsReplaced {
            token_kept: same_identity && self.current.is_some(),
        });
    }

    /// The refresh got a token living `lifetime` from `now`.
    pub(crate) fn succeeded(&mut self, header: HeaderValue, lifetime: Duration, now: Instant) {
        let generation = self.next_generation;
        self.next_generation += 1;
        self.current = Some(CachedToken {
            header,
            generation,
            refresh_at: later(now, lifetime.saturating_sub(refresh_margin(lifetime))),
            send_until: later(now, lifetime.saturating_sub(send_margin(lifetime))),
        });
        self.refreshing = false;
        self.rejected = None;
        self.failures = 0;
        self.last_failure = None;
    }

    /// The refresh failed at `now` with `error`. A token still held is kept either way.
    pub(crate) fn failed(&mut self, error: Error, now: Instant) {
        self.refreshing = false;
        if is_rejected_login(&error) {
            let in_a_row = self.rejected.as_ref().map_or(0, |r| r.in_a_row) + 1;
            let rejected = RejectedLogin {
                at: now,
                in_a_row,
                error,
            };
            if rejected.stops_logins() {
                self.told = Some(TokenEvent::LoginsStopped { in_a_row });
            }
            self.rejected = Some(rejected);
            return;
        }
        self.failures = self.failures.saturating_add(1);
        // The endpoint's own ask (`Retry-After` on a 429 or 503), when it is longer.
        let requested = error.retry_after().unwrap_or_default();
        let wait = backoff(self.failures).max(requested.min(MAX_REQUESTED_BACKOFF));
        self.told = Some(TokenEvent::RequestFailed {
            failures: self.failures,
            backoff: wait,
        });
        self.last_failure = Some(FailedRequest {
            retry_at: later(now, wait),
            error,
        });
    }

    /// The server answered 401 at `now` to token `generation`: it is dropped if still
    /// current, so the next call fetches a new one; but not within a backoff (1 s,
    /// doubling to 30 s) of the last drop. A server that rejects every token, or only on
    /// one operation, would otherwise make every call a login; meanwhile the token is
    /// kept, and the server says on each call whether it takes it.
    pub(crate) fn rejected_by_server(&mut self, generation: u64, now: Instant) {
        if self
            .current
            .as_ref()
            .is_none_or(|t| t.generation != generation)
        {
            return;
        }
        if let Some(drops) = self.drops
            && now < later(drops.last, backoff(drops.in_a_row))
        {
            self.told = Some(TokenEvent::DropDeferred {
                drops_in_a_row: drops.in_a_row,
            });
            return;
        }
        let in_a_row = match self.drops {
            Some(drops) if now < later(drops.last, DROP_SERIES) => drops.in_a_row.saturating_add(1),
            _ => 1,
        };
        self.told = Some(TokenEvent::Dropped);
        self.drops = Some(Drops {
            last: now,
            in_a_row,
        });
        self.current = None;
    }
}

fn unavailable(operation: &'static str, reason: &str, retry_in: Option<Duration>) -> Error {
    Error::TokenUnavailable {
        operation,
        reason: reason.to_owned(),
        retry_in,
    }
}

/// What fetches a token: the HTTP exchange, or a stand-in in tests. Returns the bearer
/// header and the token's lifetime.
pub(crate) trait TokenSource: Send + Sync + 'static {
    fn fetch(
        &self,
    ) -> impl std::future::Future<Output = Result<(HeaderValue, Duration), Error>> + Send;

    /// The generation of the credentials it logs in with (see
    /// [`TokenCache::replace_credentials`]); 0 for a source whose credentials are never
    /// replaced.
    fn credentials_generation(&self) -> u64 {
        0
    }
}

/// The shared cache: the state behind a lock never held across an `.await`, and a signal
/// for callers waiting on the refresh in flight.
#[derive(Debug)]
pub(crate) struct TokenCache {
    state: Mutex<TokenState>,
    refreshed: Notify,
    clock: Arc<dyn Clock>,
}

impl Default for TokenCache {
    fn default() -> Self {
        Self::new(Arc::new(TokioClock))
    }
}

impl TokenCache {
    /// An empty cache that reads `clock`.
    pub(crate) fn new(clock: Arc<dyn Clock>) -> Self {
        Self {
            state: Mutex::default(),
            refreshed: Notify::new(),
            clock,
        }
    }

    fn state(&self) -> MutexGuard<'_, TokenState> {
        // A panic while holding the lock cannot leave the state half-changed: every
        // transition is a few assignments. So a poisoned lock is used as it is.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Runs one transition under the state's lock, then, with the lock released, emits
    /// what it has to tell.
    fn transition<R>(&self, step: impl FnOnce(&mut TokenState) -> R) -> R {
        let (result, told) = {
            let mut state = self.state();
            let result = step(&mut state);
            (result, state.told.take())
        };
        if let Some(event) = told {
            event.emit();
        }
        result
    }

    /// A token for the call `operation`, waiting at most until `deadline` for a refresh.
    /// `source` makes the token source when a refresh is due; the refresh runs as a task of
    /// its own, so a caller that gives up does not stop it. Token times are the cache's
    /// clock's; waiting is bounded by tokio's timer.
    pub(crate) async fn get<S: TokenSource>(
        self: &Arc<Self>,
        source: impl Fn() -> S,
        operation: &'static str,
        deadline: tokio::time::Instant,
    ) -> Result<BearerGrant, Error> {
        let started = tokio::time::Instant::now();
        loop {
            let now = self.clock.now();
            let next = self.transition(|state| state.next(operation, now));
            match next {
                Next::Use(grant) => return Ok(grant),
                Next::UseAndRefresh(grant) => {
                    if let Some(refresh) = self.start_refresh(source()) {
                        refresh.await;
                    }
                    return Ok(grant);
                }
                Next::Fail(error) => return Err(error),
                Next::Refresh => {
                    if let Some(refresh) = self.start_refresh(source()) {
                        refresh.await;
                    }
                }
                Next::Wait => {}
            }
            // Only a caller with no usable token gets here (a call with one registers nothing
            // on its way). Registered, then the refresh checked to be still in flight, so one
            // that ends in between still wakes this caller.
            let mut refreshed = std::pin::pin!(self.refreshed.notified());
            refreshed.as_mut().enable();
            if !self.state().refreshing {
                continue;
            }
            if tokio::time::timeout_at(deadline, refreshed).await.is_err() {
                return Err(unavailable(
                    operation,
                    &format!(
                        "waited {:?} for the token request in flight",
                        started.elapsed()
                    ),
                    Some(Duration::ZERO),
                ));
            }
        }
    }

    /// Starts one refresh as a task of its own on the current Tokio runtime. Outside one
    /// (the client always runs inside one: reqwest needs it) it is handed back, for the
    /// caller to run before going on.
    ///
    /// Boxed: held inline, the token request would make every call's future (the ones that
    /// only read a cached token too) that much larger.
    fn start_refresh<S: TokenSource>(
        self: &Arc<Self>,
        source: S,
    ) -> Option<Pin<Box<impl Future<Output = ()> + use<S>>>> {
        let cache = Arc::clone(self);
        let refresh = Box::pin(async move { cache.refresh(&source).await });
        match tokio::runtime::Handle::try_current() {
            Ok(runtime) => {
                drop(runtime.spawn(refresh));
                None
            }
            Err(_) => Some(refresh),
        }
    }

    async fn refresh<S: TokenSource>(&self, source: &S) {
        // Should the refresh end without an answer (its task aborted at the runtime's
        // shutdown, or a panic), the guard lets the next caller start another.
        let mut guard = RefreshGuard(Some(self));
        let result = source.fetch().await;
        let now = self.clock.now();
        self.transition(|state| state.finished(source.credentials_generation(), result, now));
        guard.0 = None;
        self.refreshed.notify_waiters();
    }

    /// Replaces the credentials logins are made with: `replace` swaps them and returns
    /// their generation and whether they name the same user and integration (see
    /// [`TokenState::credentials_replaced`]). It runs under the state's lock, so no login
    /// with the new ones can end before the state knows their generation; what the
    /// transition has to tell is written once both are released.
    pub(crate) fn replace_credentials(&self, replace: impl FnOnce() -> (u64, bool)) {
        self.transition(|state| {
            let (generation, same_identity) = replace();
            state.credentials_replaced(generation, same_identity);
        });
    }

    /// The server answered 401 to token `generation`.
    pub(crate) fn rejected_by_server(&self, generation: u64) {
        let now = self.clock.now();
        self.transition(|state| state.rejected_by_server(generation, now));
    }
}

/// Ends a refresh that did not finish: no longer in flight, its waiters woken.
struct RefreshGuard<'a>(Option<&'a TokenCache>);

impl Drop for RefreshGuard<'_> {
    fn drop(&mut self) {
        if let Some(cache) = self.0 {
            cache.state().refreshing = false;
            cache.refreshed.notify_waiters();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(token: &str) -> HeaderValue {
        HeaderValue::from_str(&format!("Bearer {token}")).expect("ascii")
    }

    fn http(status: u16) -> Error {
        let status = StatusCode::from_u16(status).expect("a status");
        Error::Http {
            operation: "createAccessToken",
            status,
            body_snippet: String::new(),
            body: crate::error::ErrorBody::new("createAccessToken", status, b"", false),
            retry_after: None,
        }
    }

    fn used(next: &Next) -> Option<&str> {
        match next {
            Next::Use(grant) | Next::UseAndRefresh(grant) => grant.header.to_str().ok(),
            _ => None,
        }
    }

    /// A day-long token fetched at `t0`: refreshed from 90% of its life, sent until 10 s
    /// before it expires.
    fn with_day_token(t0: Instant) -> TokenState {
        let mut state = TokenState::default();
        assert!(matches!(state.next("op", t0), Next::Refresh));
        assert!(matches!(state.next("op", t0), Next::Wait), "single flight");
        state.succeeded(header("day"), Duration::from_secs(86_400), t0);
        state
    }

    #[test]
    fn margins_follow_the_documented_rule() {
        // The documented 5-minute token: refreshed 30 s early, not sent in its last 10 s.
        assert_eq!(
            refresh_margin(Duration::from_secs(300)),
            Duration::from_secs(30)
        );
        assert_eq!(
            send_margin(Duration::from_secs(300)),
            Duration::from_secs(10)
        );
        // The example's day-long token: refreshed at 90% of its life.
        assert_eq!(
            refresh_margin(Duration::from_secs(86_400)),
            Duration::from_secs(8_640)
        );
        // A token living 20 s is used for its first half, sent until 5 s before expiry.
        assert_eq!(
            refresh_margin(Duration::from_secs(20)),
            Duration::from_secs(10)
        );
        assert_eq!(send_margin(Duration::from_secs(20)), Duration::from_secs(5));
        assert_eq!(refresh_margin(Duration::ZERO), Duration::ZERO);
        assert_eq!(send_margin(Duration::ZERO), Duration::ZERO);
    }

    #[test]
    fn backoff_doubles_to_its_cap() {
        let waits: Vec<u64> = (1..=7).map(|n| backoff(n).as_secs()).collect();
        assert_eq!(waits, [1, 2, 4, 8, 16, 30, 30]);
        assert_eq!(backoff(u32::MAX), MAX_BACKOFF);
    }

    #[test]
    fn callers_with_a_good_token_never_wait_for_the_refresh() {
        let t0 = Instant::now();
        let mut state = with_day_token(t0);
        let due = t0 + Duration::from_secs(86_400 - 8_640);
        assert!(matches!(
            state.next("op", due - Duration::from_secs(1)),
            Next::Use(_)
        ));
        // The first caller to see the refresh due starts it; it and every later caller
        // still send the current token while it is in flight.
        assert!(matches!(state.next("op", due), Next::UseAndRefresh(_)));
        for _ in 0..64 {
            assert!(matches!(state.next("op", due), Next::Use(_)));
        }
        state.succeeded(header("new"), Duration::from_secs(86_400), due);
        assert_eq!(used(&state.next("op", due)), Some("Bearer new"));
    }

    #[test]
    fn a_token_is_not_sent_in_its_last_seconds() {
        let t0 = Instant::now();
        let mut state = with_day_token(t0);
        let expiry = t0 + Duration::from_secs(86_400);
        // The refresh at 90% failed for good reasons and is backing off: the token is
        // still sent until 10 s before its expiry, then callers start a refresh and wait.
        assert!(matches!(
            state.next("op", expiry - Duration::from_secs(11)),
            Next::UseAndRefresh(_)
        ));
        state.failed(http(503), expiry - Duration::from_secs(11));
        assert!(matches!(
            state.next("op", expiry - Duration::from_secs(10)),
            Next::Refresh
        ));
        assert!(matches!(
            state.next("op", expiry - Duration::from_secs(10)),
            Next::Wait
        ));
    }

    #[test]
    fn a_failing_token_endpoint_gets_one_request_per_backoff() {
        let t0 = Instant::now();
        let mut state = TokenState::default();
        let mut requests = 0;
        // 64 callers every 10 ms for 20 s of virtual time; every request fails with 500.
        for tick in 0..2_000 {
            let now = t0 + Duration::from_millis(10 * tick);
            let mut started = false;
            for _ in 0..64 {
                match state.next("op", now) {
                    Next::Refresh => started = true,
                    Next::Wait => {}
                    Next::Fail(error) => assert!(
                        matches!(error, Error::Http { status, .. } if status == StatusCode::INTERNAL_SERVER_ERROR),
                        "{error:?}"
                    ),
                    other => panic!("no token was ever issued: {other:?}"),
                }
            }
            if started {
                requests += 1;
                state.failed(http(500), now);
            }
        }
        // At 0, 1, 3, 7, 15 s: never one request per call.
        assert_eq!(requests, 5);
    }

    /// A token endpoint that says how long to wait (`Retry-After`) is not asked again
    /// sooner; a wait it asks for beyond [`MAX_REQUESTED_BACKOFF`] is cut to it.
    #[test]
    fn a_token_endpoint_asking_to_wait_is_not_asked_sooner() {
        let t0 = Instant::now();
        for (asked, waited) in [
            (20, 20),
            (0, 1), // shorter than the backoff: the backoff
            (86_400, MAX_REQUESTED_BACKOFF.as_secs()),
        ] {
            let mut state = TokenState::default();
            assert!(matches!(state.next("op", t0), Next::Refresh));
            let mut busy = http(503);
            if let Error::Http { retry_after, .. } = &mut busy {
                *retry_after = Some(Duration::from_secs(asked));
            }
            state.failed(busy, t0);
            let before = t0 + Duration::from_secs(waited) - Duration::from_millis(1);
            match state.next("op", before) {
                Next::Fail(error) => assert_eq!(
                    error.retry_after(),
                    Some(Duration::from_millis(1)),
                    "asked {asked} s: what is left of the wait"
                ),
                other => panic!("asked {asked} s: not before {waited} s, got {other:?}"),
            }
            assert!(
                matches!(
                    state.next("op", t0 + Duration::from_secs(waited)),
                    Next::Refresh
                ),
                "asked {asked} s: at {waited} s"
            );
        }
    }

    #[test]
    fn a_rejected_refresh_keeps_the_good_token() {
        let t0 = Instant::now();
        let mut state = with_day_token(t0);
        let due = t0 + Duration::from_secs(86_400 - 8_640);
        assert!(matches!(state.next("op", due), Next::UseAndRefresh(_)));
        state.failed(http(401), due);
        // The token with hours left is still sent; no login is tried for 30 s...
        for s in [0, 10, 29] {
            assert!(
                matches!(state.next("op", due + Duration::from_secs(s)), Next::Use(_)),
                "{s}"
            );
        }
        // ...then one is.
        assert!(matches!(
            state.next("op", due + Duration::from_secs(30)),
            Next::UseAndRefresh(_)
        ));
    }

    #[test]
    fn a_rejected_first_login_is_replayed_not_resent() {
        let t0 = Instant::now();
        let mut state = TokenState::default();
        assert!(matches!(state.next("op", t0), Next::Refresh));
        state.failed(http(401), t0);
        match state.next("op", t0 + Duration::from_secs(29)) {
            Next::Fail(Error::Http { status, .. }) => assert_eq!(status, StatusCode::UNAUTHORIZED),
            other => panic!("expected the rejection replayed, got {other:?}"),
        }
        assert!(matches!(
            state.next("op", t0 + REJECTED_LOGIN_MEMORY),
            Next::Refresh
        ));
    }

    /// EnKash locks an account after three failed logins in a row: the client sends two
    /// at most, then none, and says so; a login taken between two rejections resets the
    /// count, a transient failure does not.
    #[test]
    fn two_rejected_logins_in_a_row_stop_logins() {
        let t0 = Instant::now();
        let mut state = TokenState::default();
        assert!(matches!(state.next("op", t0), Next::Refresh));
        state.failed(http(401), t0);
        let t1 = t0 + REJECTED_LOGIN_MEMORY;
        assert!(matches!(state.next("op", t1), Next::Refresh));
        state.failed(http(500), t1); // a transient failure between: the count goes on
        let t2 = t1 + MAX_BACKOFF;
        assert!(matches!(state.next("op", t2), Next::Refresh));
        state.failed(http(403), t2);
        for later in [0, 30, 3_600, 86_400 * 365] {
            match state.next("op", t2 + Duration::from_secs(later)) {
                Next::Fail(Error::TokenUnavailable {
                    operation: "op",
                    reason,
                    retry_in: None,
                }) => {
                    assert!(
                        reason.starts_with(
                            "2 logins in a row were rejected, the last: createAccessToken: HTTP 403"
                        ),
                        "{reason}"
                    );
                    assert!(
                        reason.ends_with("(`replace_credentials`, or a new client)"),
                        "{reason}"
                    );
                }
                other => panic!("{later} s on: expected no more logins, got {other:?}"),
            }
        }
        let error = match state.next("allocateCoins", t2) {
            Next::Fail(error) => error.to_string(),
            other => panic!("{other:?}"),
        };
        assert!(
            error.starts_with("allocateCoins: no bearer token, nothing was sent: 2 logins"),
            "{error}"
        );
        assert!(!error.contains("next token request"), "{error}");

        // A login taken between two rejections starts the count again.
        let mut state = TokenState::default();
        assert!(matches!(state.next("op", t0), Next::Refresh));
        state.failed(http(401), t0);
        assert!(matches!(state.next("op", t1), Next::Refresh));
        state.succeeded(header("ok"), Duration::from_secs(60), t1);
        let due = t1 + Duration::from_secs(30);
        assert!(matches!(state.next("op", due), Next::UseAndRefresh(_)));
        state.failed(http(401), due);
        assert!(
            matches!(state.next("op", due), Next::Use(_)),
            "the token is kept"
        );
        let expired = t1 + Duration::from_secs(55); // sent until 10 s before its end
        assert!(matches!(
            state.next("op", expired),
            Next::Fail(Error::Http { .. })
        ));
        assert!(matches!(
            state.next("op", due + REJECTED_LOGIN_MEMORY),
            Next::Refresh
        ));
    }

    /// Replaced credentials end the stop on logins, and their logins are counted afresh; the
    /// token held is kept for the same user and integration, dropped for others.
    #[test]
    fn replaced_credentials_log_in_afresh() {
        let t0 = Instant::now();
        let mut state = TokenState::default();
        for at in [t0, t0 + REJECTED_LOGIN_MEMORY] {
            assert!(matches!(state.next("op", at), Next::Refresh));
            state.finished(0, Err(http(401)), at);
        }
        let t1 = t0 + REJECTED_LOGIN_MEMORY;
        assert!(matches!(state.next("op", t1 + MAX_BACKOFF), Next::Fail(_)));
        state.credentials_replaced(1, true);
        assert_eq!(
            state.told.take(),
            Some(TokenEvent::CredentialsReplaced { token_kept: false })
        );
        assert!(matches!(state.next("op", t1), Next::Refresh), "at once");
        state.finished(1, Err(http(401)), t1);
        assert!(
            matches!(&state.rejected, Some(r) if r.in_a_row == 1),
            "counted afresh"
        );

        let mut state = with_day_token(t0);
        state.credentials_replaced(1, true);
        assert_eq!(used(&state.next("op", t0)), Some("Bearer day"), "kept");
        assert_eq!(
            state.told.take(),
            Some(TokenEvent::CredentialsReplaced { token_kept: true })
        );
        state.credentials_replaced(2, false);
        assert!(
            matches!(state.next("op", t0), Next::Refresh),
            "another user's token is dropped"
        );
    }

    /// A login made with credentials since replaced: its token is not used, its
    /// rejection not counted, and the next caller logs in with the new ones.
    #[test]
    fn the_outcome_of_a_login_with_replaced_credentials_is_discarded() {
        let t0 = Instant::now();
        for outcome in [
            Ok((header("old"), Duration::from_secs(86_400))),
            Err(http(401)),
        ] {
            let mut state = TokenState::default();
            assert!(matches!(state.next("op", t0), Next::Refresh));
            state.credentials_replaced(1, true);
            assert!(
                matches!(state.next("op", t0), Next::Wait),
                "still in flight"
            );
            state.finished(0, outcome, t0);
            assert_eq!(state.told.take(), Some(TokenEvent::OutcomeDiscarded));
            assert!(state.rejected.is_none() && state.current.is_none());
            assert!(matches!(state.next("op", t0), Next::Refresh));
            state.finished(1, Ok((header("new"), Duration::from_secs(60))), t0);
            assert_eq!(used(&state.next("op", t0)), Some("Bearer new"));
        }
    }

    #[test]
    fn a_401_on_a_call_drops_only_that_token() {
        let t0 = Instant::now();
        let mut state = with_day_token(t0);
        state.rejected_by_server(7, t0); // an older generation: ignored
        assert!(matches!(state.next("op", t0), Next::Use(_)));
        state.rejected_by_server(0, t0);
        assert!(matches!(state.next("op", t0), Next::Refresh));
    }

    /// A server that rejects every token: one drop (and login) per backoff, not per call.
    #[test]
    fn tokens_rejected_one_after_another_are_dropped_after_a_backoff() {
        let t0 = Instant::now();
        let mut state = with_day_token(t0);
        let mut generation = 0;
        let mut now = t0;
        // The drop at t0, then one after each backoff: 1 s, 2 s, 4 s, ... 30 s.
        for wait in [1, 2, 4, 8, 16, 30, 30] {
            state.rejected_by_server(generation, now);
            assert!(matches!(state.next("op", now), Next::Refresh), "{wait}");
            state.succeeded(header("again"), Duration::from_secs(86_400), now);
            generation += 1;
            let kept_until = now + Duration::from_secs(wait);
            for at in [now, kept_until - Duration::from_millis(1)] {
                state.rejected_by_server(generation, at);
                assert!(matches!(state.next("op", at), Next::Use(_)), "{wait}: kept");
            }
            now = kept_until;
        }
        // A minute after the last drop, the next 401 starts a new series.
        state.rejected_by_server(generation, now);
        state.succeeded(header("later"), Duration::from_secs(86_400), now);
        generation += 1;
        now += DROP_SERIES;
        state.rejected_by_server(generation, now);
        assert!(matches!(state.next("op", now), Next::Refresh));
        state.succeeded(header("series"), Duration::from_secs(86_400), now);
        state.rejected_by_server(generation + 1, now + Duration::from_secs(1));
        assert!(
            matches!(
                state.next("op", now + Duration::from_secs(1)),
                Next::Refresh
            ),
            "1 s after the first drop of a series"
        );
    }

    #[test]
    fn only_credential_failures_are_rejected_logins() {
        for code in [400, 401, 403] {
            assert!(is_rejected_login(&http(code)), "{code}");
        }
        for code in [404, 429, 500, 502, 503] {
            assert!(!is_rejected_login(&http(code)), "{code}");
        }
        let timeout = Error::Timeout {
            operation: "createAccessToken",
            after: Duration::from_secs(1),
            connecting: false,
            answered: None,
        };
        assert!(!is_rejected_login(&timeout));
    }

    /// A source whose answers the test releases one at a time.
    struct Gate {
        requests: std::sync::atomic::AtomicUsize,
        release: tokio::sync::Semaphore,
        answer: fn(usize) -> Result<(HeaderValue, Duration), Error>,
    }

    impl TokenSource for Arc<Gate> {
        async fn fetch(&self) -> Result<(HeaderValue, Duration), Error> {
            let n = self
                .requests
                .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            self.release.acquire().await.expect("open").forget();
            (self.answer)(n)
        }
    }

    #[tokio::test(start_paused = true)]
    async fn concurrent_callers_share_one_token_request() {
        let cache = Arc::new(TokenCache::default());
        let source = Arc::new(Gate {
            requests: Default::default(),
            release: tokio::sync::Semaphore::new(0),
            answer: |n| Ok((header(&format!("t{n}")), Duration::from_secs(300))),
        });
        let deadline = tokio::time::Instant::now() + Duration::from_secs(3_600);
        let callers: Vec<_> = (0..32)
            .map(|_| {
                let (cache, source) = (cache.clone(), source.clone());
                tokio::spawn(async move { cache.get(|| source.clone(), "op", deadline).await })
            })
            .collect();
        tokio::task::yield_now().await;
        source.release.add_permits(1);
        for caller in callers {
            let grant = caller.await.expect("joined").expect("a token");
            assert_eq!(grant.header.to_str().ok(), Some("Bearer t0"));
        }
        assert_eq!(source.requests.load(std::sync::atomic::Ordering::SeqCst), 1);
    }

    #[tokio::test(start_paused = true)]
    async fn a_caller_without_a_token_waits_no_longer_than_its_deadline() {
        let cache = Arc::new(TokenCache::default());
        let source = Arc::new(Gate {
            requests: Default::default(),
            release: tokio::sync::Semaphore::new(0),
            answer: |_| Ok((header("late"), Duration::from_secs(300))),
        });
        let deadline = tokio::time::Instant::now() + Duration::from_millis(50);
        let error = cache
            .get(|| source.clone(), "op", deadline)
            .await
            .expect_err("the token never came");
        assert!(
            matches!(
                &error,
                Error::TokenUnavailable {
                    operation: "op",
                    ..
                }
            ),
            "{error:?}"
        );
        assert!(!error.outcome_unknown());
        let text = error.to_string();
        assert!(
            text.starts_with("op: no bearer token, nothing was sent: waited ")
                && text.ends_with(" for the token request in flight"),
            "{text}"
        );
    }

    #[test]
    fn each_transition_tells_what_it_did() {
        let t0 = Instant::now();
        let mut state = TokenState::default();
        assert!(matches!(state.next("op", t0), Next::Refresh));
        assert_eq!(state.told.take(), None);
        state.failed(http(503), t0);
        assert_eq!(
            state.told.take(),
            Some(TokenEvent::RequestFailed {
                failures: 1,
                backoff: FIRST_BACKOFF
            })
        );
        let t1 = t0 + FIRST_BACKOFF;
        assert!(matches!(state.next("op", t1), Next::Refresh));
        state.failed(http(401), t1);
        assert_eq!(state.told.take(), None, "one rejection: logins go on");
        assert!(matches!(state.next("op", t1), Next::Fail(_)));
        assert_eq!(state.told.take(), Some(TokenEvent::LoginNotResent));
        let t2 = t1 + REJECTED_LOGIN_MEMORY;
        assert!(matches!(state.next("op", t2), Next::Refresh));
        state.failed(http(401), t2);
        assert_eq!(
            state.told.take(),
            Some(TokenEvent::LoginsStopped { in_a_row: 2 })
        );

        let mut state = with_day_token(t0);
        state.rejected_by_server(0, t0);
        assert_eq!(state.told.take(), Some(TokenEvent::Dropped));
        assert!(matches!(state.next("op", t0), Next::Refresh));
        state.succeeded(header("again"), Duration::from_secs(86_400), t0);
        state.rejected_by_server(1, t0);
        assert_eq!(
            state.told.take(),
            Some(TokenEvent::DropDeferred { drops_in_a_row: 1 })
        );
    }

    /// Records, for each event, whether the cache's lock was free when it was written.
    struct LockProbe {
        cache: Arc<TokenCache>,
        lock_free: Arc<Mutex<Vec<bool>>>,
    }

    impl tracing::Subscriber for LockProbe {
        fn enabled(&self, _: &tracing::Metadata<'_>) -> bool {
            true
        }
        fn new_span(&self, _: &tracing::span::Attributes<'_>) -> tracing::span::Id {
            tracing::span::Id::from_u64(1)
        }
        fn record(&self, _: &tracing::span::Id, _: &tracing::span::Record<'_>) {}
        fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}
        fn event(&self, _: &tracing::Event<'_>) {
            let free = self.cache.state.try_lock().is_ok();
            self.lock_free.lock().expect("not poisoned").push(free);
        }
        fn enter(&self, _: &tracing::span::Id) {}
        fn exit(&self, _: &tracing::span::Id) {}
    }

    /// A log writer that blocks (a file, a socket) must not hold up the callers reading a
    /// token: the cache writes its events with its lock released.
    #[test]
    fn events_are_written_with_the_lock_released() {
        let cache = Arc::new(TokenCache::default());
        let now = cache.clock.now();
        cache
            .state()
            .succeeded(header("day"), Duration::from_secs(86_400), now);
        let lock_free = Arc::new(Mutex::new(Vec::new()));
        let probe = LockProbe {
            cache: Arc::clone(&cache),
            lock_free: Arc::clone(&lock_free),
        };
        tracing::subscriber::with_default(probe, || {
            cache.rejected_by_server(0);
            cache.transition(|state| state.failed(http(401), now));
            cache.transition(|state| state.next("op", now));
        });
        assert_eq!(*lock_free.lock().expect("not poisoned"), [true; 2]);
    }
}
