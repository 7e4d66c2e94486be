//! Serde adapters for the places where serde's defaults would change what is on the wire.
//!
//! * [`exact`]: exact decimals, alone or inside `Option`, `Vec` and maps. `rust_decimal`
//!   writes a `Decimal` as a JSON *string* by default; these write it as the JSON number it
//!   was (`500.50` stays `500.50`), at any depth, and read it from JSON text or from a
//!   `serde_json::Value` without passing through `f64`.
//! * [`nullable`] and [`nullable_exact`]: optional *and* nullable fields, typed
//!   `Option<Option<T>>`. An absent field is `None`, an explicit `null` is `Some(None)`,
//!   a value is `Some(Some(v))`, and each is written back as it was read.
//! * [`present`]: optional free-form fields, where an explicit `null` is a value.
//!
//! Used by the generated types through `#[serde(with = "…")]`. Hand-written runtime, not
//! generated: the adapters do not depend on the spec, so they live here once.

use std::collections::BTreeMap;

use serde::de::{Deserialize, Deserializer};
use serde::ser::{Serialize, Serializer};

/// A type that holds exact decimals and knows how to write them as JSON numbers.
pub trait Exact: Sized {
    /// Writes `self`, decimals as exact JSON numbers.
    fn serialize_exact<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error>;
    /// Reads a value, decimals from JSON numbers (or strings) without passing through `f64`.
    fn deserialize_exact<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error>;
}

impl Exact for rust_decimal::Decimal {
    fn serialize_exact<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        rust_decimal::serde::arbitrary_precision::serialize(self, serializer)
    }

    fn deserialize_exact<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(DecimalVisitor)
    }
}

/// `rust_decimal`'s visitor, plus the 128-bit integers `serde_json::Value` hands out for
/// integers beyond `u64` (`rust_decimal`'s own visitor rejects those).
struct DecimalVisitor;

impl<'de> serde::de::Visitor<'de> for DecimalVisitor {
    type Value = rust_decimal::Decimal;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("an exact decimal number")
    }

    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(v.into())
    }

    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(v.into())
    }

    fn visit_i128<E: serde::de::Error>(self, v: i128) -> Result<Self::Value, E> {
        rust_decimal::Decimal::try_from_i128_with_scale(v, 0)
            .map_err(|_| E::custom(format_args!("{v} does not fit in a decimal")))
    }

    fn visit_u128<E: serde::de::Error>(self, v: u128) -> Result<Self::Value, E> {
        let v = i128::try_from(v)
            .map_err(|_| E::custom(format_args!("{v} does not fit in a decimal")))?;
        self.visit_i128(v)
    }

    /// A `serde_json::Value` hands out a number as `f64` when its text is exactly the
    /// shortest float form (`1.0`, `2.5`, `1e-7`), else as its text (`500.50`). The text is
    /// rebuilt here: an integral float was written `X.0` (below 1e16; larger ones use an
    /// exponent, which a decimal writes out in full), anything else as Rust prints it.
    /// Where two equally short texts name the same `f64` (`212110981360666.62` and
    /// `…666.63`), which one was sent is lost before this point: the client decodes
    /// answers from their text, so only a caller's own `Value` can reach this.
    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Self::Value, E> {
        if v.is_finite() && v.fract() == 0.0 && v.abs() < 1e16 {
            self.visit_str(&format!("{v:.1}"))
        } else {
            self.visit_str(&v.to_string())
        }
    }

    /// A number sent as a string is accepted (and written back as a number).
    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Self::Value, E> {
        use std::str::FromStr;
        rust_decimal::Decimal::from_str(v)
            .or_else(|_| rust_decimal::Decimal::from_scientific(v))
            .map_err(|_| E::custom(format_args!("{v:?} is not a decimal number")))
    }

    /// `serde_json`'s `arbitrary_precision` number token: the number's exact text.
    fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        rust_decimal::serde::arbitrary_precision::deserialize(
            serde::de::value::MapAccessDeserializer::new(map),
        )
    }
}

impl<T: Exact> Exact for Option<T> {
    fn serialize_exact<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Some(value) => serializer.serialize_some(&AsExact(value)),
            None => serializer.serialize_none(),
        }
    }

    fn deserialize_exact<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(Option::<FromExact<T>>::deserialize(deserializer)?.map(|v| v.0))
    }
}

impl<T: Exact> Exact for Vec<T> {
    fn serialize_exact<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.iter().map(AsExact))
    }

    fn deserialize_exact<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(Vec::<FromExact<T>>::deserialize(deserializer)?
            .into_iter()
            .map(|v| v.0)
            .collect())
    }
}

impl<T: Exact> Exact for BTreeMap<String, T> {
    fn serialize_exact<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.iter().map(|(k, v)| (k, AsExact(v))))
    }

    fn deserialize_exact<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(BTreeMap::<String, FromExact<T>>::deserialize(deserializer)?
            .into_iter()
            .map(|(k, v)| (k, v.0))
            .collect())
    }
}

/// Serializes the borrowed value with [`Exact`]: `serde_json::to_vec(&AsExact(&amounts))`.
pub struct AsExact<'a, T>(pub &'a T);

impl<T: Exact> Serialize for AsExact<'_, T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize_exact(serializer)
    }
}

/// Deserializes the wrapped value with [`Exact`].
pub struct FromExact<T>(pub T);

impl<'de, T: Exact> Deserialize<'de> for FromExact<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        T::deserialize_exact(deserializer).map(FromExact)
    }
}

/// `#[serde(with)]` module for fields holding decimals: `Decimal`, or one in an `Option`,
/// `Vec` or map.
pub mod exact {
    use super::{Deserializer, Exact, Serializer};

    pub fn serialize<T: Exact, S: Serializer>(value: &T, serializer: S) -> Result<S::Ok, S::Error> {
        value.serialize_exact(serializer)
    }

    pub fn deserialize<'de, T: Exact, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<T, D::Error> {
        T::deserialize_exact(deserializer)
    }
}

/// `#[serde(with)]` module for optional nullable fields, `Option<Option<T>>`; pair it
/// with `default` and `skip_serializing_if = "Option::is_none"`.
pub mod nullable {
    use super::{Deserialize, Deserializer, Serialize, Serializer};

    pub fn serialize<T: Serialize, S: Serializer>(
        value: &Option<Option<T>>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        match value {
            Some(Some(value)) => serializer.serialize_some(value),
            _ => serializer.serialize_none(),
        }
    }

    /// Only called when the field is present, so the result is always `Some`.
    pub fn deserialize<'de, T: Deserialize<'de>, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<Option<T>>, D::Error> {
        Option::<T>::deserialize(deserializer).map(Some)
    }
}

/// `#[serde(with)]` module for optional free-form fields, `Option<serde_json::Value>`:
/// a present `null` decodes as `Some(Value::Null)` (serde's default would make it `None`
/// and drop it on re-encoding). Pair it with `default` and `skip_serializing_if`.
pub mod present {
    use super::{Deserialize, Deserializer, Serialize, Serializer};

    pub fn serialize<T: Serialize, S: Serializer>(
        value: &Option<T>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        match value {
            Some(value) => value.serialize(serializer),
            None => serializer.serialize_none(),
        }
    }

    /// Only called when the field is present, so the result is always `Some`.
    pub fn deserialize<'de, T: Deserialize<'de>, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<T>, D::Error> {
        T::deserialize(deserializer).map(Some)
    }
}

/// [`nullable`] for values holding decimals.
pub mod nullable_exact {
    use super::{AsExact, Deserialize, Deserializer, Exact, FromExact, Serializer};

    pub fn serialize<T: Exact, S: Serializer>(
        value: &Option<Option<T>>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        match value {
            Some(Some(value)) => serializer.serialize_some(&AsExact(value)),
            _ => serializer.serialize_none(),
        }
    }

    /// Only called when the field is present, so the result is always `Some`.
    pub fn deserialize<'de, T: Exact, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<Option<T>>, D::Error> {
        Ok(Some(
            Option::<FromExact<T>>::deserialize(deserializer)?.map(|v| v.0),
        ))
    }
}
