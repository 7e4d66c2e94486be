//! Order Search, all pages: [`OrderPages`], a [`Stream`] of pages that stops at the end.
//!
//! ```no_run
//! # async fn demo(client: enkash_rewards::Client) -> Result<(), enkash_rewards::Error> {
//! let mut pages = client
//!     .order_pages(50)
//!     .filter(|search| search.company_id("CEK1PU9AOO").direction("DESC"));
//! while let Some(page) = pages.next_page().await {
//!     let page = page?;
//!     println!("{} orders from offset {}", page.len.unwrap_or(0), page.offset);
//! }
//! # Ok(()) }
//! ```
//!
//! EnKash has not documented the search's answer, so a page's payload is kept as
//! [`RawJson`] and its length is read from the shapes such answers take (see
//! [`OrderPage::len`]). The pages end at the first page shorter than the page size, an
//! empty one, one whose length cannot be read (it is still yielded), the first error
//! (yielded), or after [`max_pages`](OrderPages::max_pages) pages (10 000 by default), so
//! the walk always ends.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

pub use futures_core::Stream;

use crate::Error;
use crate::operations::SearchOrders;
use crate::{Client, RawJson};

type Filter = Arc<dyn Fn(SearchOrders) -> SearchOrders + Send + Sync>;
type Pending = Pin<Box<dyn Future<Output = Result<RawJson, Error>> + Send>>;

/// One page of an order search.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct OrderPage {
    /// The `offset` the page was asked for.
    pub offset: i32,
    /// How many orders the page holds: the payload's length when it is an array, else the
    /// length of its array member named `data`, `content`, `orders`, `records` or `items`,
    /// else of its only array member; `None` when none of these applies.
    pub len: Option<usize>,
    /// The page as EnKash sent it.
    pub payload: RawJson,
}

/// The pages of an order search; see the [module documentation](self).
#[must_use = "streams do nothing unless polled"]
pub struct OrderPages {
    client: Client,
    filter: Filter,
    page_size: i32,
    next_offset: i32,
    pages_left: u32,
    done: bool,
    pending: Option<Pending>,
}

impl Client {
    /// All pages of `searchOrders`, `page_size` orders each (at least 1), from offset 0.
    pub fn order_pages(&self, page_size: u16) -> OrderPages {
        OrderPages {
            client: self.clone(),
            filter: Arc::new(|search| search),
            page_size: i32::from(page_size.max(1)),
            next_offset: 0,
            pages_left: 10_000,
            done: false,
            pending: None,
        }
    }
}

impl OrderPages {
    /// Sets the search's filter: `search_orders`' optional setters, applied to every page's
    /// request (`limit` and `offset` are set by the stream).
    pub fn filter(
        mut self,
        filter: impl Fn(SearchOrders) -> SearchOrders + Send + Sync + 'static,
    ) -> Self {
        self.filter = Arc::new(filter);
        self
    }

    /// Stops after `pages` pages at most.
    pub fn max_pages(mut self, pages: u32) -> Self {
        self.pages_left = pages;
        self
    }

    /// The next page, or `None` at the end: [`Stream::poll_next`] as an `async fn`.
    pub async fn next_page(&mut self) -> Option<Result<OrderPage, Error>> {
        std::future::poll_fn(|cx| Pin::new(&mut *self).poll_next(cx)).await
    }

    fn request(&self) -> Pending {
        let search = (self.filter)(self.client.search_orders())
            .limit(self.page_size)
            .offset(self.next_offset);
        Box::pin(search.send())
    }

    /// Records a page and decides whether another follows.
    fn advance(&mut self, payload: RawJson) -> OrderPage {
        let len = page_len(&payload);
        let offset = self.next_offset;
        self.pages_left = self.pages_left.saturating_sub(1);
        let full = len.is_some_and(|n| i32::try_from(n).is_ok_and(|n| n >= self.page_size));
        match self.next_offset.checked_add(self.page_size) {
            Some(next) if full && self.pages_left > 0 => self.next_offset = next,
            _ => self.done = true,
        }
        OrderPage {
            offset,
            len,
            payload,
        }
    }
}

impl Stream for OrderPages {
    type Item = Result<OrderPage, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        if this.done || this.pages_left == 0 {
            return Poll::Ready(None);
        }
        let pending = match &mut this.pending {
            Some(pending) => pending,
            None => this.pending.insert(this.request()),
        };
        let result = match pending.as_mut().poll(cx) {
            Poll::Pending => return Poll::Pending,
            Poll::Ready(result) => result,
        };
        this.pending = None;
        Poll::Ready(Some(match result {
            Ok(payload) => Ok(this.advance(payload)),
            Err(error) => {
                this.done = true;
                Err(error)
            }
        }))
    }
}

impl fmt::Debug for OrderPages {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OrderPages")
            .field("page_size", &self.page_size)
            .field("next_offset", &self.next_offset)
            .field("pages_left", &self.pages_left)
            .field("done", &self.done)
            .finish_non_exhaustive()
    }
}

/// The number of orders in a page payload; see [`OrderPage::len`].
fn page_len(payload: &RawJson) -> Option<usize> {
    use serde_json::Value;
    const NAMES: [&str; 5] = ["data", "content", "orders", "records", "items"];
    match payload.to_value() {
        Value::Array(items) => Some(items.len()),
        Value::Null => Some(0),
        Value::Object(members) => {
            let named = NAMES
                .iter()
                .find_map(|name| members.get(*name).and_then(Value::as_array));
            let arrays: Vec<&Vec<Value>> = members.values().filter_map(Value::as_array).collect();
            match (named, arrays.as_slice()) {
                (Some(items), _) => Some(items.len()),
                (None, [only]) => Some(only.len()),
                _ => None,
            }
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_lengths_from_the_likely_shapes() {
        let len = |text: &str| page_len(&RawJson::from_text(text).unwrap());
        assert_eq!(len("[1,2,3]"), Some(3));
        assert_eq!(len("null"), Some(0));
        assert_eq!(len(r#"{"recordsCount":2,"data":[{},{}]}"#), Some(2));
        assert_eq!(len(r#"{"total":2,"content":[{}],"sort":[]}"#), Some(1));
        assert_eq!(len(r#"{"total":2,"rows":[{},{}]}"#), Some(2));
        assert_eq!(len(r#"{"a":[1],"b":[2]}"#), None);
        assert_eq!(len(r#""no orders""#), None);
    }
}
