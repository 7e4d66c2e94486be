//! Answers read as they arrive: [`ByteStream`], the body an operation answering with a
//! file hands over through its builder's `send_streaming()`, however long it is.

use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll, ready};
use std::time::Duration;

use bytes::Bytes;
use futures_core::Stream as _;
use http_body::Body as _;

use crate::error::Error;

/// An answer's body, read chunk by chunk as the server sends it, never held whole: what
/// `send_streaming()` gives for an operation answering with a file. The client's
/// `max_response_size` does not apply; what you keep of it is yours to bound.
///
/// The call's timeout (`timeout`, cut to what `operation_timeout` leaves) runs until the
/// last byte has arrived, so a server that stalls mid-file ends the stream with
/// [`Error::Timeout`]; raise both on the builder for a file that takes long to send. A
/// connection that breaks off ends it with [`Error::Transport`]. Either way the server
/// answered with success (the error's [`status`](Error::status) says which): the
/// operation took place, only its answer is incomplete. After an error the stream ends.
///
/// Read it with [`chunk`](Self::chunk), or as a [`futures_core::Stream`] of
/// `Result<Bytes, Error>`:
///
/// ```no_run
/// # async fn save(mut file: enkash_rewards_runtime::ByteStream) -> Result<(), enkash_rewards_runtime::Error> {
/// let mut length = 0;
/// while let Some(chunk) = file.chunk().await? {
///     length += chunk.len(); // write it to disk, a socket, a hasher…
/// }
/// # Ok(())
/// # }
/// ```
pub struct ByteStream {
    body: reqwest::Body,
    /// The operation called, for errors.
    operation: &'static str,
    /// The timeout the body is read under, for [`Error::Timeout`].
    timeout: Duration,
    /// The answer's status, for errors.
    status: reqwest::StatusCode,
    /// Set by an error or the body's end: nothing more is read.
    done: bool,
}

impl ByteStream {
    /// The body of `operation`'s answer (with `status`), read under `timeout`.
    pub(crate) fn new(
        body: reqwest::Body,
        operation: &'static str,
        status: reqwest::StatusCode,
        timeout: Duration,
    ) -> Self {
        Self {
            body,
            operation,
            timeout,
            status,
            done: false,
        }
    }

    /// A stream of `bytes` already in memory, as one chunk: for test doubles of code that
    /// reads a [`ByteStream`].
    pub fn from_bytes(bytes: impl Into<Bytes>) -> Self {
        Self::new(
            reqwest::Body::from(bytes.into()),
            "ByteStream",
            reqwest::StatusCode::OK,
            Duration::ZERO,
        )
    }

    /// The next chunk of the body, `None` once it has all arrived.
    pub async fn chunk(&mut self) -> Result<Option<Bytes>, Error> {
        std::future::poll_fn(|cx| Pin::new(&mut *self).poll_next(cx))
            .await
            .transpose()
    }

    /// The error a failed read of the body means.
    fn error(&self, error: reqwest::Error) -> Error {
        if error.is_timeout() {
            Error::Timeout {
                operation: self.operation,
                after: self.timeout,
                connecting: false,
                answered: Some(self.status),
            }
        } else {
            Error::Transport {
                operation: self.operation,
                source: error.without_url(),
                answered: Some(self.status),
            }
        }
    }
}

impl futures_core::Stream for ByteStream {
    type Item = Result<Bytes, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        while !self.done {
            match ready!(Pin::new(&mut self.body).poll_frame(cx)) {
                // Trailers, or an empty chunk: nothing to hand over.
                Some(Ok(frame)) => match frame.into_data() {
                    Ok(data) if !data.is_empty() => return Poll::Ready(Some(Ok(data))),
                    _ => {}
                },
                Some(Err(error)) => {
                    self.done = true;
                    return Poll::Ready(Some(Err(self.error(error))));
                }
                None => self.done = true,
            }
        }
        Poll::Ready(None)
    }
}

/// The operation, never the bytes.
impl fmt::Debug for ByteStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ByteStream")
            .field("operation", &self.operation)
            .field("done", &self.done)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn bytes_in_memory_come_as_one_chunk_then_the_end() {
        let mut stream = ByteStream::from_bytes(&b"%PDF-1.7"[..]);
        assert_eq!(
            stream.chunk().await.unwrap().as_deref(),
            Some(&b"%PDF-1.7"[..])
        );
        assert_eq!(stream.chunk().await.unwrap(), None);
        assert_eq!(stream.chunk().await.unwrap(), None, "the end stays the end");
        let mut empty = ByteStream::from_bytes(Vec::new());
        assert_eq!(empty.chunk().await.unwrap(), None, "no empty chunk");
    }
}
