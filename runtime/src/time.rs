//! The sleep the client waits with between attempts: tokio's timer by default, or one a test
//! gives ([`ClientBuilder::sleep_impl`](crate::ClientBuilder::sleep_impl)) to see the delays
//! the retry policy chose and skip them, so retries and backoff are tested without waiting.
//!
//! Deadlines and the token cache read tokio's clock, which a test pauses and advances
//! (`tokio::time::pause`).

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

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
