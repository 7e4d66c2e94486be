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
use std::pin::Pin;
use std::time::{Duration, Instant};

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
