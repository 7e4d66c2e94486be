//! The client's time: the sleep it waits with between attempts, and the clock its token
//! cache reads (when a token is due for refresh, when it may no longer be sent, how long a
//! refused login is remembered). Tokio's by default; a test gives its own
//! ([`ClientBuilder::sleep_impl`](crate::ClientBuilder::sleep_impl),
//! [`ClientBuilder::clock_impl`](crate::ClientBuilder::clock_impl)) to see the delays the
//! retry policy chose and skip them, or to move a token's life forward, without waiting.
//!
//! A call's deadline is kept by tokio's timer, which bounds real waiting.

use std::fmt;
use std::future::Future;
use std::ops::Add;
use std::pin::Pin;
use std::time::{Duration, Instant};

/// The longest stretch the client adds to a clock reading: 30 years, tokio's own "never".
/// A longer timeout, wait or token lifetime (`Duration::MAX` for "no limit", an
/// `expires_in` of 2^64 − 1 seconds) means the same, and adding it cannot overflow.
pub(crate) const NEVER: Duration = Duration::from_secs(30 * 365 * 86_400);

/// `now + by`, `by` cut to 30 years (see [`NEVER`]): a clock reading plus a duration the
/// caller or the server chose, which `+` alone would panic on when it is too long.
pub(crate) fn later<T: Add<Duration, Output = T>>(now: T, by: Duration) -> T {
    now + by.min(NEVER)
}

/// Waits out a delay. Implement it to control time in tests; the client uses
/// [`TokioSleep`] unless told otherwise.
pub trait Sleep: Send + Sync + fmt::Debug + 'static {
    /// A future that completes once `duration` has passed (by this sleep's clock).
    fn sleep(&self, duration: Duration) -> Pin<Box<dyn Future<Output = ()> + Send>>;
}

/// `tokio::time::sleep`: the default.
#[derive(Debug, Clone, Copy, Default)]
pub struct TokioSleep;

impl Sleep for TokioSleep {
    fn sleep(&self, duration: Duration) -> Pin<Box<dyn Future<Output = ()> + Send>> {
        Box::pin(tokio::time::sleep(duration))
    }
}

/// Tells the time. Implement it to move time forward in tests; the client uses
/// [`TokioClock`] unless told otherwise.
pub trait Clock: Send + Sync + fmt::Debug + 'static {
    /// The current instant, by this clock.
    fn now(&self) -> Instant;
}

/// Tokio's clock (which a test can also pause and advance with `tokio::time::pause`): the
/// default.
#[derive(Debug, Clone, Copy, Default)]
pub struct TokioClock;

impl Clock for TokioClock {
    fn now(&self) -> Instant {
        tokio::time::Instant::now().into_std()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_duration_too_long_for_the_clock_is_cut_to_never() {
        let now = Instant::now();
        assert_eq!(
            later(now, Duration::from_secs(5)),
            now + Duration::from_secs(5)
        );
        assert_eq!(later(now, Duration::MAX), now + NEVER);
        let tokio_now = tokio::time::Instant::now();
        assert_eq!(later(tokio_now, Duration::MAX), tokio_now + NEVER);
    }
}
