//! When a failed attempt is tried again, and how long the client waits first.
//!
//! Every call here may move money, so the policy is built around one rule: **a request
//! that might have reached the server is resent only if resending it cannot change the
//! server's state twice.** Each [`OperationRequest`](crate::request::OperationRequest)
//! carries a [`RetryClass`] chosen by the generator from the spec:
//!
//! | failure of an attempt                                | `Idempotent` | `KeyedWrite` | `NonIdempotent` |
//! |------------------------------------------------------|:------------:|:------------:|:---------------:|
//! | connection refused, DNS failure, TLS handshake failed (nothing was sent) | retried | retried | retried |
//! | the attempt timed out                                | retried      | **never**¹   | **never**       |
//! | the connection broke while sending or reading        | retried      | **never**¹   | **never**       |
//! | HTTP 429, 502, 503, 504                              | retried      | **never**¹   | **never**       |
//! | any other status (4xx, 500, 501, …), any decode error | never       | never        | never           |
//!
//! `Idempotent` covers reads and the token call. `KeyedWrite` is a write whose body
//! carries a caller-chosen key (`requestId`, `uniqueReferenceNum`). EnKash documents **no**
//! de-duplication by that key, so by default a keyed write is never resent once it may
//! have reached the server. ¹ A caller who has confirmed with EnKash that the key
//! de-duplicates can opt in, per client with
//! [`ClientBuilder::resend_keyed_writes`](crate::ClientBuilder::resend_keyed_writes) or per
//! call with the builders' `resend_keyed_write(true)`; a keyed write is then retried like
//! an `Idempotent` call. A retry always resends the identical bytes of the first attempt.
//!
//! A write (`KeyedWrite` or `NonIdempotent`) whose outcome is unknown when the client
//! gives up fails with [`Error::OutcomeUnknown`](crate::Error::OutcomeUnknown), which names
//! the key it carried and the operation that can look it up.
//!
//! Waiting: attempt *n* (counting retries from 0) sleeps a uniformly random time in
//! `[0, min(max_delay, base_delay × 2ⁿ)]` ("full jitter", so many clients failing together
//! do not retry in lock-step). A `Retry-After` header on a 429/503 (in seconds or as an
//! HTTP date) replaces that delay; if it asks for longer than
//! [`RetryPolicy::max_retry_after`] the client gives up at once and returns the error
//! rather than stalling the caller. An error answered with one says how long, whether or
//! not the client retried: [`Error::retry_after`](crate::Error::retry_after).
//!
//! The number of retries is bounded by [`RetryPolicy::max_retries`] (default 2, so at most
//! three attempts), or per call by
//! [`RequestOptions::max_retries`](crate::request::RequestOptions::max_retries).
//!
//! Retries also draw on a budget the client's calls share
//! ([`RetryPolicy::with_retry_budget`], default 100 retries): a retry takes one from it, a
//! retry after a timeout two, and a call answered at its first attempt gives a fifth of
//! one back, a call answered after retries all that they took. While the server fails
//! most attempts the budget runs out and calls stop retrying, so a struggling server sees
//! about one attempt per call instead of three; as answers come back, so do retries.

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, SystemTime};

use reqwest::StatusCode;
use reqwest::header::{HeaderMap, RETRY_AFTER};

use crate::request::RetryClass;

/// How often, and how patiently, the client retries a failed attempt.
///
/// Which failures are retried at all is decided by each request's [`RetryClass`]; see the
/// [module documentation](self).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    max_retries: u32,
    base_delay: Duration,
    max_delay: Duration,
    max_retry_after: Duration,
    /// The client-wide budget, in retries.
    retry_budget: u32,
}

impl Default for RetryPolicy {
    /// Two retries, backoff from 200 ms capped at 5 s with full jitter, `Retry-After`
    /// honoured up to 60 s, a budget of 100 retries shared by the client's calls.
    fn default() -> Self {
        Self {
            max_retries: 2,
            base_delay: Duration::from_millis(200),
            max_delay: Duration::from_secs(5),
            max_retry_after: Duration::from_secs(60),
            retry_budget: 100,
        }
    }
}

impl RetryPolicy {
    /// Never retry: every call makes exactly one attempt.
    pub fn none() -> Self {
        Self {
            max_retries: 0,
            ..Self::default()
        }
    }

    /// Sets how many times a failed attempt may be retried (0 disables retries).
    #[must_use]
    pub fn with_max_retries(mut self, max_retries: u32) -> Self {
        self.max_retries = max_retries;
        self
    }

    /// Sets the backoff before the first retry; it doubles for every further retry.
    #[must_use]
    pub fn with_base_delay(mut self, base_delay: Duration) -> Self {
        self.base_delay = base_delay;
        self
    }

    /// Sets the longest computed backoff (before jitter).
    #[must_use]
    pub fn with_max_delay(mut self, max_delay: Duration) -> Self {
        self.max_delay = max_delay;
        self
    }

    /// Sets the longest `Retry-After` the client will wait for; a server asking for more
    /// makes the call fail at once with the error it answered.
    #[must_use]
    pub fn with_max_retry_after(mut self, max_retry_after: Duration) -> Self {
        self.max_retry_after = max_retry_after;
        self
    }

    /// Sets the budget of retries the client's calls share (default 100): a retry takes
    /// one, a retry after a timeout two; a call answered at its first attempt gives a
    /// fifth of one back, a call answered after retries what they took. Once it is spent,
    /// calls make one attempt each until answers refill it. `u32::MAX` is as good as no
    /// budget; 0 never retries.
    #[must_use]
    pub fn with_retry_budget(mut self, retries: u32) -> Self {
        self.retry_budget = retries;
        self
    }

    /// How many retries a call may make after its first attempt.
    pub fn max_retries(&self) -> u32 {
        self.max_retries
    }

    /// The backoff before the first retry.
    pub fn base_delay(&self) -> Duration {
        self.base_delay
    }

    /// The cap on the computed backoff.
    pub fn max_delay(&self) -> Duration {
        self.max_delay
    }

    /// The longest `Retry-After` the client honours.
    pub fn max_retry_after(&self) -> Duration {
        self.max_retry_after
    }

    /// The budget of retries the client's calls share.
    pub fn retry_budget(&self) -> u32 {
        self.retry_budget
    }

    /// The jittered backoff before retry number `retry` (0 for the first retry).
    pub(crate) fn backoff(&self, retry: u32) -> Duration {
        let ceiling = backoff_ceiling(self.base_delay, self.max_delay, retry);
        let ceiling_ms = u64::try_from(ceiling.as_millis()).unwrap_or(u64::MAX);
        if ceiling_ms == 0 {
            return Duration::ZERO;
        }
        Duration::from_millis(fastrand::u64(0..=ceiling_ms))
    }
}

/// `min(max_delay, base × 2^retry)`, without overflowing for large `retry`.
fn backoff_ceiling(base: Duration, max_delay: Duration, retry: u32) -> Duration {
    let factor = 1u32.checked_shl(retry).unwrap_or(u32::MAX);
    base.checked_mul(factor).unwrap_or(max_delay).min(max_delay)
}

/// How one attempt failed: the one classification both verdicts are read from, whether
/// the request may be sent again ([`is_retryable`]) and whether the server may have acted
/// on it ([`Failure::may_have_acted`], behind `Error::outcome_unknown`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Failure {
    /// The connection could not be established (refused, DNS, TLS handshake): the
    /// request certainly never reached the server.
    Connect,
    /// The attempt ran out of time; the server may or may not have acted on it.
    Timeout,
    /// The connection failed after the request may have been sent.
    Interrupted,
    /// The request could not be sent at all (the client could not build it, or the call's
    /// deadline had passed): nothing reached the server, and resending cannot help.
    Unsendable,
    /// The server answered with a redirect, which the client never follows (a POST would
    /// turn into a GET, or a payment go elsewhere). It received the request.
    Redirected,
    /// The server answered with this status.
    Status(StatusCode),
}

impl Failure {
    /// The class of a failure of the HTTP client: the only place its flags are read.
    pub(crate) fn of_transport(error: &reqwest::Error) -> Failure {
        if error.is_connect() {
            Failure::Connect
        } else if error.is_timeout() {
            Failure::Timeout
        } else if error.is_builder() {
            Failure::Unsendable
        } else if error.is_redirect() {
            Failure::Redirected
        } else {
            Failure::Interrupted
        }
    }

    /// Whether the server may have acted on a request that failed this way: then a write's
    /// outcome is unknown. A 2xx answer the client could not read, a 5xx, a redirect, a
    /// timeout or a connection broken after sending may have acted; a request that never
    /// left, or a 4xx (a definite refusal), did not.
    pub(crate) fn may_have_acted(self) -> bool {
        match self {
            Failure::Connect | Failure::Unsendable => false,
            Failure::Timeout | Failure::Interrupted | Failure::Redirected => true,
            Failure::Status(status) => status.is_success() || status.is_server_error(),
        }
    }
}

/// What a retry takes from the [`RetryBudget`], in fifths of a retry; one after a timeout
/// (a server too slow to answer) takes twice as much.
const RETRY_COST: u32 = 5;
const TIMEOUT_RETRY_COST: u32 = 10;
/// What a call answered at its first attempt gives back.
const ANSWERED_REFUND: u32 = 1;

/// The retries a client's calls may still make, shared by all of them (a token bucket):
/// spent by retries, refilled by answers, never above the policy's budget.
#[derive(Debug)]
pub(crate) struct RetryBudget {
    /// In fifths of a retry.
    available: AtomicU32,
    capacity: u32,
}

impl RetryBudget {
    /// A full budget of `retries`.
    pub(crate) fn new(retries: u32) -> Self {
        let capacity = retries.saturating_mul(RETRY_COST);
        Self {
            available: AtomicU32::new(capacity),
            capacity,
        }
    }

    /// Takes the cost of a retry after `failure`, and returns it; `None`, taking nothing,
    /// when the budget cannot pay it.
    pub(crate) fn spend(&self, failure: Failure) -> Option<u32> {
        let cost = if failure == Failure::Timeout {
            TIMEOUT_RETRY_COST
        } else {
            RETRY_COST
        };
        self.available
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |available| {
                available.checked_sub(cost)
            })
            .ok()
            .map(|_| cost)
    }

    /// A call was answered after its retries took `spent`: that much comes back, or, with
    /// no retry, [`ANSWERED_REFUND`]; never above the capacity. A full budget is only
    /// read, so calls to a healthy server do not contend for it.
    pub(crate) fn answered(&self, spent: u32) {
        if self.available.load(Ordering::Relaxed) >= self.capacity {
            return;
        }
        let refund = if spent == 0 { ANSWERED_REFUND } else { spent };
        let capacity = self.capacity;
        // Never fails: the closure always returns a value.
        let _ = self
            .available
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |available| {
                Some(available.saturating_add(refund).min(capacity))
            });
    }
}

/// Whether an attempt that failed this way may be sent again. `resend_keyed` is the
/// caller's opt-in for [`RetryClass::KeyedWrite`]. Pure, so it is unit-tested
/// exhaustively below; see the table in the [module documentation](self).
pub(crate) fn is_retryable(class: RetryClass, resend_keyed: bool, failure: Failure) -> bool {
    let safe_to_resend = match class {
        RetryClass::Idempotent => true,
        RetryClass::KeyedWrite => resend_keyed,
        RetryClass::NonIdempotent => false,
    };
    match failure {
        // Nothing reached the server: resending cannot act twice.
        Failure::Connect => true,
        Failure::Unsendable | Failure::Redirected => false,
        Failure::Timeout | Failure::Interrupted => safe_to_resend,
        Failure::Status(status) => safe_to_resend && is_transient_status(status),
    }
}

/// Statuses that mean "try again later" rather than "this request is wrong".
fn is_transient_status(status: StatusCode) -> bool {
    matches!(
        status,
        StatusCode::TOO_MANY_REQUESTS
            | StatusCode::BAD_GATEWAY
            | StatusCode::SERVICE_UNAVAILABLE
            | StatusCode::GATEWAY_TIMEOUT
    )
}

/// What to do after a retryable failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Wait {
    /// Sleep this long, then retry.
    Retry(Duration),
    /// The server asked to wait longer than the policy allows: fail now.
    GiveUp,
}

/// The wait before retry number `retry`, honouring a `Retry-After` header if present.
pub(crate) fn wait_before_retry(
    policy: &RetryPolicy,
    retry: u32,
    headers: Option<&HeaderMap>,
) -> Wait {
    match headers.and_then(|h| retry_after(h, SystemTime::now())) {
        Some(asked) if asked > policy.max_retry_after => Wait::GiveUp,
        Some(asked) => Wait::Retry(asked),
        None => Wait::Retry(policy.backoff(retry)),
    }
}

/// Parses `Retry-After` as delta-seconds or an HTTP date (relative to `now`). A date in
/// the past means "now"; anything unparsable is ignored.
pub(crate) fn retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let when = httpdate::parse_http_date(value).ok()?;
    Some(when.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    const ALL_CLASSES: [RetryClass; 3] = [
        RetryClass::Idempotent,
        RetryClass::KeyedWrite,
        RetryClass::NonIdempotent,
    ];

    #[test]
    fn connect_failures_are_retried_for_every_class() {
        for class in ALL_CLASSES {
            for opt_in in [false, true] {
                assert!(is_retryable(class, opt_in, Failure::Connect), "{class:?}");
            }
        }
    }

    fn assert_never_resent_once_it_may_have_arrived(class: RetryClass, opt_in: bool) {
        assert!(!is_retryable(class, opt_in, Failure::Timeout), "{class:?}");
        assert!(
            !is_retryable(class, opt_in, Failure::Interrupted),
            "{class:?}"
        );
        assert!(
            !is_retryable(class, opt_in, Failure::Unsendable),
            "{class:?}"
        );
        assert!(
            !is_retryable(class, opt_in, Failure::Redirected),
            "{class:?}"
        );
        for code in 100..=599u16 {
            let status = StatusCode::from_u16(code).expect("valid status range");
            assert!(
                !is_retryable(class, opt_in, Failure::Status(status)),
                "{class:?} {status}"
            );
        }
    }

    fn assert_retries_timeouts_and_transient_statuses(class: RetryClass, opt_in: bool) {
        assert!(is_retryable(class, opt_in, Failure::Timeout));
        assert!(is_retryable(class, opt_in, Failure::Interrupted));
        assert!(!is_retryable(class, opt_in, Failure::Unsendable));
        assert!(!is_retryable(class, opt_in, Failure::Redirected));
        for code in 100..=599u16 {
            let status = StatusCode::from_u16(code).expect("valid status range");
            let expected = matches!(code, 429 | 502 | 503 | 504);
            assert_eq!(
                is_retryable(class, opt_in, Failure::Status(status)),
                expected,
                "{class:?} {status}"
            );
        }
    }

    #[test]
    fn non_idempotent_requests_are_never_retried_once_they_may_have_arrived() {
        // The keyed-write opt-in does not touch unkeyed writes.
        for opt_in in [false, true] {
            assert_never_resent_once_it_may_have_arrived(RetryClass::NonIdempotent, opt_in);
        }
    }

    #[test]
    fn keyed_writes_are_resent_only_with_the_opt_in() {
        assert_never_resent_once_it_may_have_arrived(RetryClass::KeyedWrite, false);
        assert_retries_timeouts_and_transient_statuses(RetryClass::KeyedWrite, true);
    }

    #[test]
    fn idempotent_requests_retry_timeouts_and_transient_statuses_only() {
        for opt_in in [false, true] {
            assert_retries_timeouts_and_transient_statuses(RetryClass::Idempotent, opt_in);
        }
    }

    #[test]
    fn backoff_grows_exponentially_up_to_the_cap() {
        let base = Duration::from_millis(200);
        let cap = Duration::from_secs(5);
        assert_eq!(backoff_ceiling(base, cap, 0), Duration::from_millis(200));
        assert_eq!(backoff_ceiling(base, cap, 1), Duration::from_millis(400));
        assert_eq!(backoff_ceiling(base, cap, 4), Duration::from_millis(3200));
        assert_eq!(backoff_ceiling(base, cap, 5), cap);
        assert_eq!(backoff_ceiling(base, cap, 40), cap);
        assert_eq!(backoff_ceiling(base, cap, u32::MAX), cap);
    }

    #[test]
    fn jittered_backoff_stays_within_the_ceiling() {
        let policy = RetryPolicy::default();
        for retry in 0..8 {
            let ceiling = backoff_ceiling(policy.base_delay, policy.max_delay, retry);
            for _ in 0..50 {
                assert!(policy.backoff(retry) <= ceiling);
            }
        }
        assert_eq!(
            RetryPolicy::default()
                .with_base_delay(Duration::ZERO)
                .backoff(3),
            Duration::ZERO
        );
    }

    #[test]
    fn defaults_match_the_documentation() {
        let policy = RetryPolicy::default();
        assert_eq!(policy.max_retries(), 2);
        assert_eq!(policy.base_delay(), Duration::from_millis(200));
        assert_eq!(policy.max_delay(), Duration::from_secs(5));
        assert_eq!(policy.max_retry_after(), Duration::from_secs(60));
        assert_eq!(RetryPolicy::none().max_retries(), 0);
    }

    fn headers_with_retry_after(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(
            RETRY_AFTER,
            HeaderValue::from_str(value).expect("test header is valid"),
        );
        headers
    }

    #[test]
    fn retry_after_accepts_seconds_and_http_dates() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        assert_eq!(
            retry_after(&headers_with_retry_after("7"), now),
            Some(Duration::from_secs(7))
        );
        assert_eq!(
            retry_after(&headers_with_retry_after(" 0 "), now),
            Some(Duration::ZERO)
        );
        let later = httpdate::fmt_http_date(now + Duration::from_secs(30));
        assert_eq!(
            retry_after(&headers_with_retry_after(&later), now),
            Some(Duration::from_secs(30))
        );
        let earlier = httpdate::fmt_http_date(now - Duration::from_secs(30));
        assert_eq!(
            retry_after(&headers_with_retry_after(&earlier), now),
            Some(Duration::ZERO)
        );
        assert_eq!(retry_after(&headers_with_retry_after("soon"), now), None);
        assert_eq!(retry_after(&headers_with_retry_after("-5"), now), None);
        assert_eq!(retry_after(&HeaderMap::new(), now), None);
    }

    #[test]
    fn a_retry_after_beyond_the_cap_gives_up() {
        let policy = RetryPolicy::default();
        assert_eq!(
            wait_before_retry(&policy, 0, Some(&headers_with_retry_after("1"))),
            Wait::Retry(Duration::from_secs(1))
        );
        assert_eq!(
            wait_before_retry(&policy, 0, Some(&headers_with_retry_after("61"))),
            Wait::GiveUp
        );
        assert_eq!(
            wait_before_retry(&policy, 0, Some(&headers_with_retry_after("60"))),
            Wait::Retry(Duration::from_secs(60))
        );
    }

    #[test]
    fn the_retry_budget_is_spent_by_retries_and_earned_back_by_answers() {
        let unavailable = Failure::Status(StatusCode::SERVICE_UNAVAILABLE);
        let budget = RetryBudget::new(3);
        // Three retries, or one after a timeout and one more.
        assert_eq!(budget.spend(Failure::Timeout), Some(TIMEOUT_RETRY_COST));
        assert_eq!(budget.spend(unavailable), Some(RETRY_COST));
        assert_eq!(budget.spend(unavailable), None, "spent");
        assert_eq!(budget.spend(Failure::Connect), None);
        // Five calls answered at their first attempt earn one retry back.
        for _ in 0..4 {
            budget.answered(0);
            assert_eq!(budget.spend(unavailable), None, "not yet");
        }
        budget.answered(0);
        assert_eq!(budget.spend(unavailable), Some(RETRY_COST));
        // A call answered after its retries gives back what they took.
        budget.answered(RETRY_COST);
        assert_eq!(budget.spend(unavailable), Some(RETRY_COST));
        // Never above the budget.
        for _ in 0..100 {
            budget.answered(TIMEOUT_RETRY_COST);
        }
        for _ in 0..3 {
            assert!(budget.spend(unavailable).is_some());
        }
        assert_eq!(budget.spend(unavailable), None);
    }

    #[test]
    fn a_budget_too_large_to_count_is_no_limit_and_zero_never_retries() {
        let unlimited = RetryBudget::new(u32::MAX);
        for _ in 0..1_000 {
            assert!(unlimited.spend(Failure::Timeout).is_some());
        }
        unlimited.answered(0);
        assert_eq!(RetryBudget::new(0).spend(Failure::Connect), None);
    }
}
