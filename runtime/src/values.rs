//! Values the spec does not document: enum values and object members.
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
    #[doc(hidden)]
    pub fn new(value: T) -> Self {
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

/// A generated string enum's `undocumented(..)`: `value`'s variant when the spec documents
/// it, else `unknown` of it.
#[doc(hidden)]
pub fn undocumented<E>(
    value: String,
    known: fn(&str) -> Option<E>,
    unknown: fn(UnknownValue<String>) -> E,
) -> E {
    known(&value).unwrap_or_else(|| unknown(UnknownValue::new(value)))
}

/// A generated string enum's `FromStr`: `value`'s variant, or the error listing `expected`.
#[doc(hidden)]
pub fn parse<E>(
    value: &str,
    known: fn(&str) -> Option<E>,
    type_name: &'static str,
    expected: &'static [&'static str],
) -> Result<E, UnknownEnumValue> {
    known(value).ok_or_else(|| UnknownEnumValue::new(type_name, value, expected))
}

/// A generated string enum's `Deserialize`: a documented value is matched on the borrowed
/// text, so only an unknown one is copied.
#[doc(hidden)]
pub fn deserialize_str<'de, E, D: serde::Deserializer<'de>>(
    input: D,
    known: fn(&str) -> Option<E>,
    unknown: fn(UnknownValue<String>) -> E,
) -> Result<E, D::Error> {
    struct Text<E> {
        known: fn(&str) -> Option<E>,
        unknown: fn(UnknownValue<String>) -> E,
    }
    impl<E> serde::de::Visitor<'_> for Text<E> {
        type Value = E;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a string")
        }

        fn visit_str<Er: serde::de::Error>(self, value: &str) -> Result<E, Er> {
            Ok((self.known)(value)
                .unwrap_or_else(|| (self.unknown)(UnknownValue::new(value.to_owned()))))
        }

        fn visit_string<Er: serde::de::Error>(self, value: String) -> Result<E, Er> {
            Ok(undocumented(value, self.known, self.unknown))
        }
    }
    input.deserialize_str(Text { known, unknown })
}

/// A value given to an enum's `FromStr`/`TryFrom` that the spec does not document.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct UnknownEnumValue {
    /// The enum's name, e.g. `"TransactionType"`.
    pub type_name: &'static str,
    /// The value that was given.
    pub value: String,
    /// The documented values, as on the wire.
    pub expected: &'static [&'static str],
}

impl UnknownEnumValue {
    /// `value`, given to the enum `type_name`, is none of `expected`.
    #[doc(hidden)]
    pub fn new(
        type_name: &'static str,
        value: impl ToString,
        expected: &'static [&'static str],
    ) -> Self {
        Self {
            type_name,
            value: value.to_string(),
            expected,
        }
    }
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

/// A JSON value kept exactly as it was sent: the members of an object that the spec does
/// not list (the `extra` map of every generated struct), and payloads the spec leaves
/// untyped because EnKash never documented them.
///
/// It holds the value's text, so numbers keep every digit (`212110981360666.62` stays
/// that, `1.50` stays `1.50`) and encoding it again writes the same text. Equality compares
/// that text. Read it with [`get`](Self::get), [`to_value`](Self::to_value), or decode it
/// into a type with [`decode`](Self::decode).
#[derive(Clone)]
pub struct RawJson(Box<serde_json::value::RawValue>);

impl RawJson {
    /// Parses `text` as one JSON value, keeping it as written.
    pub fn from_text(text: impl Into<String>) -> Result<Self, serde_json::Error> {
        serde_json::value::RawValue::from_string(text.into()).map(Self)
    }

    /// The value as JSON text, exactly as it was received.
    pub fn get(&self) -> &str {
        self.0.get()
    }

    /// The value as a `serde_json::Value` (numbers as `serde_json` holds them).
    pub fn to_value(&self) -> serde_json::Value {
        serde_json::from_str(self.0.get()).unwrap_or(serde_json::Value::Null)
    }

    /// Decodes the value's text as `T` (exact decimals stay exact).
    pub fn decode<T: serde::de::DeserializeOwned>(&self) -> Result<T, serde_json::Error> {
        serde_json::from_str(self.0.get())
    }
}

/// The text with the values of secret members (tokens, passwords, voucher numbers and PINs)
/// masked: a payload the spec does not type can still carry one. [`get`](RawJson::get)
/// gives the exact text.
impl fmt::Debug for RawJson {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&crate::redact::redact_text(self.get()))
    }
}

/// Masked as [`Debug`](fmt::Debug) is, so that printing or logging a payload never shows a
/// secret; [`get`](RawJson::get) gives the exact text.
impl fmt::Display for RawJson {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&crate::redact::redact_text(self.get()))
    }
}

impl PartialEq for RawJson {
    fn eq(&self, other: &Self) -> bool {
        self.get() == other.get()
    }
}

impl Eq for RawJson {}

impl std::hash::Hash for RawJson {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.get().hash(state);
    }
}

impl From<serde_json::Value> for RawJson {
    fn from(value: serde_json::Value) -> Self {
        // A `Value` always prints as valid JSON.
        Self::from_text(value.to_string())
            .unwrap_or_else(|_| Self::from_text("null").expect("null is JSON"))
    }
}

impl serde::Serialize for RawJson {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(serializer)
    }
}

impl<'de> serde::Deserialize<'de> for RawJson {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Box::<serde_json::value::RawValue>::deserialize(deserializer).map(Self)
    }
}

/// An answer that is not JSON (a file, an image, a PDF): its bytes exactly as sent. The
/// media type the server named is in the [`Response`](crate::Response)'s headers.
#[derive(Clone, PartialEq, Eq, Hash, Default)]
pub struct Binary(pub Vec<u8>);

impl Binary {
    /// The bytes.
    pub fn into_vec(self) -> Vec<u8> {
        self.0
    }
}

impl std::ops::Deref for Binary {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        &self.0
    }
}

impl AsRef<[u8]> for Binary {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

impl From<Vec<u8>> for Binary {
    fn from(bytes: Vec<u8>) -> Self {
        Self(bytes)
    }
}

/// The length, not the bytes: a file can be large, and can hold anything.
impl fmt::Debug for Binary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Binary({} bytes)", self.0.len())
    }
}

/// Read from bytes (how the runtime hands over a binary answer) or a string.
impl<'de> serde::Deserialize<'de> for Binary {
    fn deserialize<D: serde::Deserializer<'de>>(input: D) -> Result<Self, D::Error> {
        struct Bytes;
        impl serde::de::Visitor<'_> for Bytes {
            type Value = Binary;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("bytes")
            }
            fn visit_bytes<E>(self, bytes: &[u8]) -> Result<Binary, E> {
                Ok(Binary(bytes.to_vec()))
            }
            fn visit_byte_buf<E>(self, bytes: Vec<u8>) -> Result<Binary, E> {
                Ok(Binary(bytes))
            }
            fn visit_str<E>(self, text: &str) -> Result<Binary, E> {
                Ok(Binary(text.as_bytes().to_vec()))
            }
        }
        input.deserialize_byte_buf(Bytes)
    }
}

/// An answer offered in several media types (JSON or a PDF, say), as the server sent it:
/// the variant its `Content-Type` names. An operation answering this way has
/// `.accept(media_type)` on its builder to ask for one of them; without it, the request
/// accepts any of those its documentation lists.
#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
#[non_exhaustive]
pub enum Negotiated<T> {
    /// JSON (`application/json`, `…+json`), decoded.
    Json(T),
    /// Text (`text/*`), as sent.
    Text(String),
    /// Any other media type: the bytes as sent. Which one is in the
    /// [`Response`](crate::Response)'s headers (`send_with_response()`).
    Binary(Binary),
}

/// The methods and trait impls of a generated string enum, whose documented variants are
/// listed with their wire values; the enum itself (with its docs and its
/// `Unknown(UnknownValue<String>)` variant) is written out beside the call.
///
/// ```
/// use enkash_rewards_runtime::values::{UnknownValue, string_enum};
///
/// #[derive(Debug, Clone, PartialEq, Eq, Hash)]
/// pub enum TransactionType {
///     Cr,
///     Dr,
///     Unknown(UnknownValue<String>),
/// }
///
/// string_enum!(TransactionType { Cr = "CR", Dr = "DR" });
///
/// let read: Vec<TransactionType> = serde_json::from_str(r#"["DR", "XX"]"#).unwrap();
/// assert_eq!(read[0], TransactionType::Dr);
/// assert_eq!(serde_json::to_string(&read).unwrap(), r#"["DR","XX"]"#);
/// ```
#[doc(hidden)]
#[macro_export]
macro_rules! __string_enum {
    ($ty:ident { $($variant:ident = $wire:literal),* $(,)? }) => {
        impl $ty {
            /// The documented values, as written on the wire.
            pub const VALUES: &'static [&'static str] = &[$($wire),*];

            /// The value as written on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$variant => $wire,)*
                    Self::Unknown(other) => other.get(),
                }
            }

            /// A value the spec does not document, sent exactly as given: only for a value
            /// the API provider has announced and this version does not know yet. A
            /// documented value gives its own variant.
            pub fn undocumented(value: impl ::std::convert::Into<::std::string::String>) -> Self {
                $crate::values::undocumented(value.into(), Self::known, Self::Unknown)
            }

            fn known(value: &str) -> ::std::option::Option<Self> {
                match value {
                    $($wire => ::std::option::Option::Some(Self::$variant),)*
                    _ => ::std::option::Option::None,
                }
            }
        }

        impl ::std::fmt::Display for $ty {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::std::str::FromStr for $ty {
            type Err = $crate::values::UnknownEnumValue;

            /// A documented value; anything else is an error (see
            /// [`undocumented`](Self::undocumented)).
            fn from_str(value: &str) -> ::std::result::Result<Self, Self::Err> {
                $crate::values::parse(value, Self::known, ::std::stringify!($ty), Self::VALUES)
            }
        }

        impl $crate::serde_helpers::serde::Serialize for $ty {
            fn serialize<S: $crate::serde_helpers::serde::Serializer>(
                &self,
                serializer: S,
            ) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> $crate::serde_helpers::serde::Deserialize<'de> for $ty {
            fn deserialize<D: $crate::serde_helpers::serde::Deserializer<'de>>(
                input: D,
            ) -> ::std::result::Result<Self, D::Error> {
                $crate::values::deserialize_str(input, Self::known, Self::Unknown)
            }
        }
    };
}

pub use crate::__string_enum as string_enum;

/// The methods and trait impls of a generated integer enum, whose documented variants are
/// listed with their wire values (as numbers, then as text); the enum itself (`Copy`, with
/// its `Unknown(UnknownValue<i64>)` variant) is written out beside the call.
///
/// ```
/// use enkash_rewards_runtime::values::{UnknownValue, int_enum};
///
/// #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
/// pub enum Priority {
///     Low,
///     High,
///     Unknown(UnknownValue<i64>),
/// }
///
/// int_enum!(Priority { Low = 1 "1", High = 2 "2" });
///
/// let read: Vec<Priority> = serde_json::from_str("[2, 7]").unwrap();
/// assert_eq!(read[0], Priority::High);
/// assert_eq!(serde_json::to_string(&read).unwrap(), "[2,7]");
/// ```
#[doc(hidden)]
#[macro_export]
macro_rules! __int_enum {
    ($ty:ident { $($variant:ident = $wire:literal $text:literal),* $(,)? }) => {
        impl $ty {
            /// The documented values, as written on the wire.
            pub const VALUES: &'static [&'static str] = &[$($text),*];

            /// The value as written on the wire.
            pub fn value(self) -> i64 {
                match self {
                    $(Self::$variant => $wire,)*
                    Self::Unknown(other) => other.into_inner(),
                }
            }

            /// A value the spec does not document, sent exactly as given: only for a value
            /// the API provider has announced and this version does not know yet. A
            /// documented value gives its own variant.
            pub fn undocumented(value: i64) -> Self {
                match value {
                    $($wire => Self::$variant,)*
                    other => Self::Unknown($crate::values::UnknownValue::new(other)),
                }
            }
        }

        impl ::std::convert::TryFrom<i64> for $ty {
            type Error = $crate::values::UnknownEnumValue;

            /// A documented value; anything else is an error (see
            /// [`undocumented`](Self::undocumented)).
            fn try_from(value: i64) -> ::std::result::Result<Self, Self::Error> {
                match Self::undocumented(value) {
                    Self::Unknown(_) => ::std::result::Result::Err(
                        $crate::values::UnknownEnumValue::new(
                            ::std::stringify!($ty),
                            value,
                            Self::VALUES,
                        ),
                    ),
                    known => ::std::result::Result::Ok(known),
                }
            }
        }

        impl ::std::fmt::Display for $ty {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                ::std::write!(f, "{}", self.value())
            }
        }

        impl $crate::serde_helpers::serde::Serialize for $ty {
            fn serialize<S: $crate::serde_helpers::serde::Serializer>(
                &self,
                serializer: S,
            ) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_i64(self.value())
            }
        }

        impl<'de> $crate::serde_helpers::serde::Deserialize<'de> for $ty {
            fn deserialize<D: $crate::serde_helpers::serde::Deserializer<'de>>(
                input: D,
            ) -> ::std::result::Result<Self, D::Error> {
                <i64 as $crate::serde_helpers::serde::Deserialize>::deserialize(input)
                    .map(Self::undocumented)
            }
        }
    };
}

pub use crate::__int_enum as int_enum;
