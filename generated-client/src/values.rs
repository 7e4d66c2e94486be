//! Enum values the spec does not document.
//!
//! Every generated enum has an `Unknown` variant, so an answer carrying a value that a newer
//! EnKash added still decodes (and re-encodes as sent). What a caller *sends* must be a
//! documented value: the generated enums have no `From<&str>`, parsing an unknown value
//! fails with [`UnknownEnumValue`], and an [`UnknownValue`] cannot be built by hand. The one
//! way to send a value the spec does not list is each enum's `undocumented(..)`
//! constructor, whose name shows up in code review.

use std::fmt;

/// A value this version of the client does not know, kept as it was sent.
///
/// Only decoding an answer, or an enum's explicit `undocumented(..)` constructor, makes
/// one. Read it with [`get`](Self::get).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct UnknownValue<T>(T);

impl<T> UnknownValue<T> {
    pub(crate) fn new(value: T) -> Self {
        Self(value)
    }

    /// The value as it appears on the wire.
    pub fn get(&self) -> &T {
        &self.0
    }

    /// The value as it appears on the wire.
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T: fmt::Display> fmt::Display for UnknownValue<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// A value given to an enum's `FromStr`/`TryFrom` that the spec does not document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownEnumValue {
    /// The enum's name, e.g. `"TransactionType"`.
    pub type_name: &'static str,
    /// The value that was given.
    pub value: String,
    /// The documented values, as on the wire.
    pub expected: &'static [&'static str],
}

impl fmt::Display for UnknownEnumValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:?} is not a documented {} value (expected one of: {})",
            self.value,
            self.type_name,
            self.expected.join(", ")
        )
    }
}

impl std::error::Error for UnknownEnumValue {}
