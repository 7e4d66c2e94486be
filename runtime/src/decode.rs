//! Reading a server's answer: the envelope unwrapped, the payload decoded with exact
//! decimals, a failure named by its field's path, secrets masked in any quoted body.
//!
//! | answer | result |
//! |--------|--------|
//! | envelope with `code` 0, HTTP 2xx | the envelope's payload, decoded into `T` |
//! | envelope with a non-zero `code`, any HTTP status | [`Error::Api`] |
//! | envelope with `code` 0 on a non-2xx status | [`Error::Http`]: the status contradicts the body, so neither is trusted as a success |
//! | non-2xx with no EnKash error code (an HTML 502 page) | [`Error::Http`] |
//! | 2xx that is not valid JSON, lacks the envelope, or has a field of the wrong type | [`Error::Decode`] naming the failing field, e.g. `payload.cardStatus.name` |
//! | 2xx of an operation answering text or bytes ([`AnswerFormat`]) | the body as a `String` (not UTF-8: [`Error::Decode`]) or as [`Binary`](crate::values::Binary), never parsed |
//! | 2xx of an operation answering in several media types | a [`Negotiated`](crate::values::Negotiated): the variant the answer's `Content-Type` names (JSON decoded as above, without an envelope) |
//!
//! Amounts are read from their own JSON text (`RawValue`), so they are never rounded
//! through `f64` on the way to `rust_decimal`.

use std::collections::BTreeMap;

use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use serde::de::DeserializeOwned;
use serde_json::value::RawValue;

use crate::error::{Error, ErrorBody};
use crate::request::{AnswerFormat, Envelope, Response};

/// How many characters of a body an error quotes.
const SNIPPET_CHARS: usize = 512;

/// How much of a body its snippet is made from: room for [`SNIPPET_CHARS`] characters
/// after masking, however long the body (`max_response_size` allows 32 MiB, whose masking
/// took 150 ms of an executor thread for each such error).
const SNIPPET_SOURCE_BYTES: usize = 64 * 1024;

/// Everything a server answered, before it is interpreted.
pub(crate) struct Raw {
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    /// The body, or its start when it was longer than the client reads (`cut`).
    pub(crate) body: Vec<u8>,
    pub(crate) cut: bool,
}

/// Decodes an answer exactly as the client decodes an operation's: the envelope unwrapped
/// (a non-zero code is [`Error::Api`] whatever the status), the payload decoded as `T` with
/// exact decimals, a failure named by the field's path ([`Error::Decode`]). For answers
/// that reach you by another way (a queue, a stored response), and for benchmarks.
///
/// `operation` names the answer in errors. Payload encryption is not undone here.
pub fn decode_answer<T: serde::de::DeserializeOwned>(
    operation: &'static str,
    envelope: Option<Envelope>,
    status: reqwest::StatusCode,
    body: &[u8],
) -> Result<T, Error> {
    decode_payload(operation, envelope, AnswerFormat::Json, status, body)
}

/// Interprets a server's answer; see the table in the [module documentation](self).
pub(crate) fn decode_response<T: DeserializeOwned>(
    operation: &'static str,
    envelope: Option<Envelope>,
    format: AnswerFormat,
    raw: Raw,
) -> Result<Response<T>, Error> {
    let Raw {
        status,
        headers,
        body,
        cut,
    } = raw;
    if cut && status.is_success() {
        return Err(decode_error(
            operation,
            status,
            &body,
            ".".to_owned(),
            "is longer than this client reads (ClientBuilder::max_response_size); only its start was read".to_owned(),
        ));
    }
    let payload = match format {
        AnswerFormat::Negotiated { .. } if status.is_success() => {
            negotiated::decode(operation, &headers, status, &body)?
        }
        _ => decode_payload(operation, envelope, format, status, &body).map_err(|mut error| {
            if let Error::Http {
                body: kept,
                retry_after,
                ..
            } = &mut error
            {
                // Only the body's start was read: it is not the error document.
                if cut {
                    *kept = ErrorBody::new(operation, status, &body, true);
                }
                *retry_after = crate::retry::retry_after(&headers, std::time::SystemTime::now());
            }
            error
        })?,
    };
    Ok(Response {
        status,
        headers,
        payload,
    })
}

/// The payload of an answer, or the error it means; see the table in the
/// [module documentation](self).
pub(crate) fn decode_payload<T: DeserializeOwned>(
    operation: &'static str,
    envelope: Option<Envelope>,
    format: AnswerFormat,
    status: StatusCode,
    body: &[u8],
) -> Result<T, Error> {
    match envelope {
        // Text and bytes have no envelope to read.
        _ if status.is_success() && format != AnswerFormat::Json => {
            decode_not_json(operation, format, status, body)
        }
        Some(envelope) => decode_enveloped(operation, envelope, status, body),
        None if status.is_success() => decode_bytes(operation, status, body),
        None => Err(http_error(operation, status, body)),
    }
}

/// [`Error::Http`] for `operation`'s non-2xx answer with no EnKash error code.
fn http_error(operation: &'static str, status: StatusCode, body: &[u8]) -> Error {
    Error::Http {
        operation,
        status,
        body_snippet: snippet(body),
        body: ErrorBody::new(operation, status, body, false),
        // Read from the answer's headers by `decode_response`.
        retry_after: None,
    }
}

impl ErrorBody {
    /// The body decoded as JSON into `T`, as an answer is (exact decimals; an empty body is
    /// `null`). A body that does not match is [`Error::Decode`] naming the failing field;
    /// one that was not kept is [`Error::Decode`] saying why.
    pub fn decode<T: DeserializeOwned>(&self) -> Result<T, Error> {
        let parts = self.parts();
        match &parts.bytes {
            Some(bytes) => decode_bytes(parts.operation, parts.status, bytes),
            None => Err(decode_error(
                parts.operation,
                parts.status,
                b"",
                ".".to_owned(),
                self.not_kept(),
            )),
        }
    }
}

/// [`Error::Decode`] for `body`, naming the field at `path` (`.` for the whole body).
fn decode_error(
    operation: &'static str,
    status: StatusCode,
    body: &[u8],
    path: String,
    message: String,
) -> Error {
    Error::Decode {
        operation,
        status,
        path,
        message,
        body_snippet: snippet(body),
    }
}

/// The body as `T`, with the path of the field that failed. An empty body decodes as
/// JSON `null`, so operations answering nothing can use `()` or `Option<_>`.
fn decode_bytes<T: DeserializeOwned>(
    operation: &'static str,
    status: StatusCode,
    body: &[u8],
) -> Result<T, Error> {
    let decode_error = |path, message| decode_error(operation, status, body, path, message);
    if body.iter().all(u8::is_ascii_whitespace) {
        // Read from the text `null`, as every other body is: decoding from a
        // `serde_json::Value` would compile each type's decoder once more.
        return decode_text(b"null").map_err(|(path, message)| {
            let message = message.trim_end_matches(" at line 1 column 4");
            decode_error(path, format!("empty body: {message}"))
        });
    }
    decode_text(body).map_err(|(path, message)| decode_error(path, message))
}

/// A text or binary answer as `T` (a `String`, a [`Binary`](crate::values::Binary)):
/// handed over as a string or as bytes, never parsed.
fn decode_not_json<T: DeserializeOwned>(
    operation: &'static str,
    format: AnswerFormat,
    status: StatusCode,
    body: &[u8],
) -> Result<T, Error> {
    use serde::de::value::{BytesDeserializer, Error as ValueError, StrDeserializer};
    let decoded = if format == AnswerFormat::Text {
        let text = std::str::from_utf8(body).map_err(|e| {
            decode_error(
                operation,
                status,
                body,
                ".".to_owned(),
                format!("text that is not UTF-8: {e}"),
            )
        })?;
        T::deserialize(StrDeserializer::<ValueError>::new(text))
    } else {
        T::deserialize(BytesDeserializer::<ValueError>::new(body))
    };
    decoded.map_err(|e| decode_error(operation, status, body, ".".to_owned(), e.to_string()))
}

/// `text` as `T` in one pass; only when that fails is it read again, tracking the path of
/// the failing field, so a success pays nothing for error reporting.
fn decode_text<T: DeserializeOwned>(text: &[u8]) -> Result<T, (String, String)> {
    let error = match serde_json::from_slice::<T>(text) {
        Ok(value) => return Ok(value),
        Err(error) => error,
    };
    let mut deserializer = serde_json::Deserializer::from_slice(text);
    match serde_path_to_error::deserialize::<_, T>(&mut deserializer) {
        Err(e) => Err((e.path().to_string(), e.inner().to_string())),
        // Trailing characters after a valid value: the first error said so.
        Ok(_) => Err((".".to_owned(), error.to_string())),
    }
}

/// Unwraps an EnKash envelope: a non-zero code is an [`Error::Api`] whatever the status.
///
/// The envelope is read as raw JSON fields and the payload decoded from its own text,
/// never from a `serde_json::Value`: a `Value` hands out a number such as
/// `212110981360666.62` as an `f64`, from which the decimal it was cannot be told apart
/// from `…666.63` (both are shortest spellings of that `f64`).
fn decode_enveloped<T: DeserializeOwned>(
    operation: &'static str,
    envelope: Envelope,
    status: StatusCode,
    body: &[u8],
) -> Result<T, Error> {
    if status.is_success()
        && let Some(payload) = success_in_one_pass(envelope, body)
    {
        return Ok(payload);
    }
    decode_enveloped_in_two_passes(operation, envelope, status, body)
}

/// [`decode_enveloped`] for every answer: the envelope's members first, then the payload
/// from its own text, so that whatever the answer is can be said exactly.
fn decode_enveloped_in_two_passes<T: DeserializeOwned>(
    operation: &'static str,
    envelope: Envelope,
    status: StatusCode,
    body: &[u8],
) -> Result<T, Error> {
    let decode_error = |path, message| decode_error(operation, status, body, path, message);
    let http_error = || http_error(operation, status, body);
    let value_of = |raw: &RawValue| serde_json::from_str::<serde_json::Value>(raw.get()).ok();

    // The members borrowed from the body: nothing is copied; the payload is decoded below
    // from its own text. The owned, path-tracking decode runs only to describe a failure.
    type Members<'b> = BTreeMap<std::borrow::Cow<'b, str>, &'b RawValue>;
    let parsed = serde_json::from_slice::<Members<'_>>(body).map_err(|_| {
        // Describe the failure as the owned decode does (empty body, path, position).
        match decode_bytes::<BTreeMap<String, Box<RawValue>>>(operation, status, body) {
            Err(error) => error,
            Ok(_) => decode_error(".".to_owned(), "is not a readable JSON object".to_owned()),
        }
    });
    let fields: Members<'_> = match parsed {
        Ok(fields) => fields,
        Err(_) if !status.is_success() => return Err(http_error()),
        // Well-formed JSON, but not an object: name what was expected.
        Err(_) if serde_json::from_slice::<serde::de::IgnoredAny>(body).is_ok() => {
            return Err(decode_error(
                ".".to_owned(),
                "expected the EnKash response envelope (a JSON object)".to_owned(),
            ));
        }
        Err(error) => return Err(error),
    };
    let code = Envelope::pick(envelope.code, &fields)
        .map(|(name, raw)| (name, value_of(raw).as_ref().and_then(envelope_code)));
    let code = match code {
        Some((_, Some(code))) => code,
        Some((name, None)) if status.is_success() => {
            return Err(decode_error(
                name.to_owned(),
                "is not an integer".to_owned(),
            ));
        }
        None if status.is_success() => {
            return Err(decode_error(
                envelope.code.join(" or "),
                "is missing: expected the EnKash response envelope".to_owned(),
            ));
        }
        Some((_, None)) | None => return Err(http_error()),
    };
    if code != 0 {
        return Err(api_failure(operation, envelope, &fields, code, status));
    }
    let payload_member = Envelope::pick(envelope.payload, &fields);
    if !status.is_success() {
        return Err(http_error());
    }
    // An envelope with no payload member names (a hand-built `Envelope`) reads as `null`.
    let (name, payload) = payload_member.map_or(
        (
            envelope.payload.first().copied().unwrap_or("payload"),
            "null",
        ),
        |(name, raw)| (name, raw.get()),
    );
    decode_text(payload.as_bytes())
        .map_err(|(path, message)| decode_error(prefixed_path(name, &path), message))
}

/// EnKash's refusal (a non-zero code): its message, and its payload with secrets masked.
fn api_failure(
    operation: &'static str,
    envelope: Envelope,
    fields: &BTreeMap<std::borrow::Cow<'_, str>, &RawValue>,
    code: i64,
    status: StatusCode,
) -> Error {
    let value_of = |raw: &RawValue| serde_json::from_str::<serde_json::Value>(raw.get()).ok();
    let message = match Envelope::pick(envelope.message, fields).and_then(|(_, raw)| value_of(raw))
    {
        Some(serde_json::Value::String(message)) => message,
        Some(serde_json::Value::Null) | None => String::new(),
        Some(other) => other.to_string(),
    };
    let mut payload = Envelope::pick(envelope.payload, fields)
        .and_then(|(_, raw)| value_of(raw))
        .unwrap_or(serde_json::Value::Null);
    crate::redact::redact_value(&mut payload);
    Error::Api {
        operation,
        code,
        message,
        status,
        payload,
    }
}

/// The common case, a success, in one pass over `body`: the payload is decoded as `T`
/// where it stands, the code checked to be 0, everything else skipped unread. `None` for
/// anything else (a non-zero or missing code, a payload that is not a `T`, a name given
/// twice, malformed JSON): [`decode_enveloped`] then reads the body again and says what it
/// is, so only a failure pays for the second pass.
fn success_in_one_pass<T: DeserializeOwned>(envelope: Envelope, body: &[u8]) -> Option<T> {
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    let payload = serde::Deserializer::deserialize_map(
        &mut deserializer,
        one_pass::Members::<T>::new(envelope),
    )
    .ok()?;
    deserializer.end().ok()?;
    payload
}

/// The visitors of [`success_in_one_pass`].
mod one_pass {
    use std::fmt;
    use std::marker::PhantomData;

    use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};

    use crate::request::Envelope;

    /// What an envelope member is, told from its name without copying it.
    enum Member {
        Code,
        Payload,
        Other,
    }

    struct MemberName(Envelope);

    impl<'de> DeserializeSeed<'de> for MemberName {
        type Value = Member;

        fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Member, D::Error> {
            deserializer.deserialize_str(self)
        }
    }

    impl Visitor<'_> for MemberName {
        type Value = Member;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a member name")
        }

        fn visit_str<E>(self, name: &str) -> Result<Member, E> {
            Ok(if self.0.code.contains(&name) {
                Member::Code
            } else if self.0.payload.contains(&name) {
                Member::Payload
            } else {
                Member::Other
            })
        }
    }

    /// Whether an envelope code is 0, sent as a number or as a numeric string.
    struct CodeIsZero;

    impl<'de> serde::Deserialize<'de> for CodeIsZero {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            deserializer.deserialize_any(CodeIsZero)
        }
    }

    impl Visitor<'_> for CodeIsZero {
        type Value = CodeIsZero;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("the code 0")
        }

        fn visit_u64<E: serde::de::Error>(self, code: u64) -> Result<Self, E> {
            (code == 0)
                .then_some(CodeIsZero)
                .ok_or_else(|| E::custom("not 0"))
        }

        fn visit_i64<E: serde::de::Error>(self, code: i64) -> Result<Self, E> {
            (code == 0)
                .then_some(CodeIsZero)
                .ok_or_else(|| E::custom("not 0"))
        }

        fn visit_str<E: serde::de::Error>(self, code: &str) -> Result<Self, E> {
            (code.trim().parse::<i64>() == Ok(0))
                .then_some(CodeIsZero)
                .ok_or_else(|| E::custom("not 0"))
        }
    }

    /// The envelope's members: `Some(payload)` when the code is 0 and each of code and
    /// payload is given exactly once.
    pub(super) struct Members<T> {
        envelope: Envelope,
        payload: PhantomData<fn() -> T>,
    }

    impl<T> Members<T> {
        pub(super) fn new(envelope: Envelope) -> Self {
            Members {
                envelope,
                payload: PhantomData,
            }
        }
    }

    impl<'de, T: serde::Deserialize<'de>> Visitor<'de> for Members<T> {
        type Value = Option<T>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("the EnKash response envelope")
        }

        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Option<T>, A::Error> {
            let (mut codes, mut payload, mut payloads) = (0, None, 0);
            while let Some(member) = map.next_key_seed(MemberName(self.envelope))? {
                match member {
                    Member::Code => {
                        map.next_value::<CodeIsZero>()?;
                        codes += 1;
                    }
                    Member::Payload => {
                        payload = Some(map.next_value::<T>()?);
                        payloads += 1;
                    }
                    Member::Other => {
                        map.next_value::<IgnoredAny>()?;
                    }
                }
            }
            Ok(payload.filter(|_| codes == 1 && payloads == 1))
        }
    }
}

/// An envelope code sent as a number or as a numeric string.
fn envelope_code(value: &serde_json::Value) -> Option<i64> {
    match value {
        serde_json::Value::Number(number) => number.as_i64(),
        serde_json::Value::String(text) => text.trim().parse().ok(),
        _ => None,
    }
}

/// `payload` + a `serde_path_to_error` path (`.` for the root, `[0]…` for sequences).
fn prefixed_path(field: &str, path: &str) -> String {
    match path {
        "." => field.to_owned(),
        p if p.starts_with('[') => format!("{field}{p}"),
        p => format!("{field}.{p}"),
    }
}

/// The first [`SNIPPET_CHARS`] characters of a body, secrets masked
/// ([`redact`](crate::redact)), cut on a character boundary.
///
/// Only the body's first [`SNIPPET_SOURCE_BYTES`] are read. Masking them masks every byte
/// that masking the whole body would (a secret's name and separator come before its
/// value), and a value they cut short is masked to their end.
pub(crate) fn snippet(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body.get(..SNIPPET_SOURCE_BYTES).unwrap_or(body));
    crate::redact::redact_text(&text)
        .chars()
        .take(SNIPPET_CHARS)
        .collect()
}

/// An answer offered in several media types, read as the one the server sent: a
/// deserializer that hands a [`Negotiated`](crate::values::Negotiated) the variant its
/// `Content-Type` names, with the body as JSON, text or bytes.
mod negotiated {
    use reqwest::StatusCode;
    use reqwest::header::{CONTENT_TYPE, HeaderMap};
    use serde::de::value::{BytesDeserializer, Error as ValueError, StrDeserializer};
    use serde::de::{self, DeserializeOwned, DeserializeSeed, Error as _, Visitor};

    use super::decode_error;
    use crate::error::Error;

    /// The body of an answer as `T` (a `Negotiated<_>`), the variant chosen by the
    /// answer's media type: JSON (`application/json`, `…+json`), text (`text/*`) or, for
    /// anything else or no `Content-Type`, bytes.
    pub(super) fn decode<T: DeserializeOwned>(
        operation: &'static str,
        headers: &HeaderMap,
        status: StatusCode,
        body: &[u8],
    ) -> Result<T, Error> {
        let media = headers
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        let essence = media.split(';').next().unwrap_or_default().trim();
        let essence = essence.to_ascii_lowercase();
        let variant = if essence == "application/json" || essence.ends_with("+json") {
            "Json"
        } else if essence.starts_with("text/") {
            "Text"
        } else {
            "Binary"
        };
        let mut path = None;
        let body_deserializer = Body {
            variant,
            body,
            path: &mut path,
        };
        T::deserialize(body_deserializer).map_err(|e| {
            let path = path.unwrap_or_else(|| ".".to_owned());
            decode_error(operation, status, body, path, e.to_string())
        })
    }

    /// The answer as an enum: variant `variant`, holding `body`. A failing JSON field's
    /// path is left in `path`.
    struct Body<'de, 'p> {
        variant: &'static str,
        body: &'de [u8],
        path: &'p mut Option<String>,
    }

    impl<'de> de::Deserializer<'de> for Body<'de, '_> {
        type Error = ValueError;

        fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ValueError> {
            visitor.visit_enum(self)
        }

        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes
            byte_buf option unit unit_struct newtype_struct seq tuple tuple_struct map
            struct enum identifier ignored_any
        }
    }

    impl<'de> de::EnumAccess<'de> for Body<'de, '_> {
        type Error = ValueError;
        type Variant = Self;

        fn variant_seed<S: DeserializeSeed<'de>>(
            self,
            seed: S,
        ) -> Result<(S::Value, Self), ValueError> {
            let variant = seed.deserialize(StrDeserializer::<ValueError>::new(self.variant))?;
            Ok((variant, self))
        }
    }

    impl<'de> de::VariantAccess<'de> for Body<'de, '_> {
        type Error = ValueError;

        fn unit_variant(self) -> Result<(), ValueError> {
            Err(ValueError::custom("an answer is never a unit variant"))
        }

        fn newtype_variant_seed<S: DeserializeSeed<'de>>(
            self,
            seed: S,
        ) -> Result<S::Value, ValueError> {
            match self.variant {
                "Json" => {
                    let mut json = serde_json::Deserializer::from_slice(self.body);
                    let mut track = serde_path_to_error::Track::new();
                    let value = seed
                        .deserialize(serde_path_to_error::Deserializer::new(
                            &mut json, &mut track,
                        ))
                        .and_then(|value| json.end().map(|()| value));
                    value.map_err(|e| {
                        *self.path = Some(track.path().to_string());
                        ValueError::custom(e)
                    })
                }
                "Text" => {
                    let text = std::str::from_utf8(self.body)
                        .map_err(|e| ValueError::custom(format!("text that is not UTF-8: {e}")))?;
                    seed.deserialize(StrDeserializer::<ValueError>::new(text))
                }
                _ => seed.deserialize(BytesDeserializer::<ValueError>::new(self.body)),
            }
        }

        fn tuple_variant<V: Visitor<'de>>(self, _: usize, _: V) -> Result<V::Value, ValueError> {
            Err(ValueError::custom("an answer is never a tuple variant"))
        }

        fn struct_variant<V: Visitor<'de>>(
            self,
            _: &'static [&'static str],
            _: V,
        ) -> Result<V::Value, ValueError> {
            Err(ValueError::custom("an answer is never a struct variant"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    const ENVELOPE: Envelope = Envelope {
        code: &["response_code"],
        message: &["response_message"],
        payload: &["payload"],
    };

    fn raw(status: u16, body: &str) -> Raw {
        Raw {
            status: StatusCode::from_u16(status).expect("valid status"),
            headers: HeaderMap::new(),
            body: body.as_bytes().to_vec(),
            cut: false,
        }
    }

    #[derive(Debug, Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Card {
        card_status: Status,
        #[serde(with = "crate::serde_helpers::exact")]
        amount: rust_decimal::Decimal,
    }

    #[derive(Debug, Deserialize)]
    struct Status {
        name: String,
    }

    /// A non-2xx answer with no EnKash code keeps its body, to be read as the API's error
    /// document: with exact decimals, a mismatch named by its path; a body cut at the
    /// client's limit is not kept.
    #[test]
    fn an_http_error_s_body_decodes_as_the_api_s_error_document() {
        #[derive(Debug, Deserialize)]
        struct ApiError {
            error_code: String,
            #[serde(with = "crate::serde_helpers::exact")]
            limit: rust_decimal::Decimal,
        }
        let body = r#"{"error_code":"QuotaExceeded","limit":0.10,"token":"s3cr3t"}"#;
        for envelope in [None, Some(ENVELOPE)] {
            let error =
                decode_response::<Card>("getCard", envelope, AnswerFormat::Json, raw(429, body))
                    .expect_err("a 429");
            let Error::Http { body_snippet, .. } = &error else {
                panic!("expected Error::Http, got {error:?}");
            };
            assert!(!body_snippet.contains("s3cr3t"), "the snippet stays masked");
            let document = error
                .http_body()
                .expect("an HTTP error")
                .decode::<ApiError>()
                .expect("the error document");
            assert_eq!(document.error_code, "QuotaExceeded");
            assert_eq!(document.limit.to_string(), "0.10");
            // Every member a number: `error_code` is not.
            match error
                .http_body()
                .expect("kept")
                .decode::<BTreeMap<String, u32>>()
            {
                Err(Error::Decode {
                    operation,
                    path,
                    status,
                    ..
                }) => {
                    assert_eq!((operation, status.as_u16()), ("getCard", 429));
                    assert_eq!(path, "error_code");
                }
                other => panic!("expected Error::Decode, got {other:?}"),
            }
        }
        let cut = Raw {
            cut: true,
            ..raw(500, r#"{"error_code":"#)
        };
        let error =
            decode_response::<Card>("getCard", None, AnswerFormat::Json, cut).expect_err("a 500");
        match error
            .http_body()
            .expect("an HTTP error")
            .decode::<ApiError>()
        {
            Err(Error::Decode { message, .. }) => {
                assert!(message.contains("max_response_size"), "{message}");
            }
            other => panic!("expected Error::Decode, got {other:?}"),
        }
    }

    #[test]
    fn snippets_cut_on_char_boundaries() {
        let long = "é".repeat(1000);
        let cut = snippet(long.as_bytes());
        assert_eq!(cut.chars().count(), SNIPPET_CHARS);
        assert!(cut.chars().all(|c| c == 'é'));
        assert_eq!(snippet(b"short"), "short");
        let wide = "😀".repeat(600);
        assert_eq!(
            snippet(wide.as_bytes())
                .chars()
                .filter(|c| *c == '😀')
                .count(),
            SNIPPET_CHARS
        );
    }

    /// A snippet of a long body is the same as one made from the whole body, secrets
    /// masked the same; a secret value running past the part read is masked to its end.
    #[test]
    fn a_long_body_s_snippet_reads_only_its_start() {
        let whole = |body: &[u8]| -> String {
            crate::redact::redact_text(&String::from_utf8_lossy(body))
                .chars()
                .take(SNIPPET_CHARS)
                .collect()
        };
        let filler = "<p>id=1234, not here</p>\n".repeat(200_000);
        for body in [
            format!("{{\"token\":\"s3cr3t\",\"page\":\"{filler}\"}}"),
            format!("{filler}{{\"token\":\"s3cr3t\"}}"),
            format!("password=hunter2&next={filler}"),
        ] {
            assert!(body.len() > 4 * SNIPPET_SOURCE_BYTES);
            let snippet = snippet(body.as_bytes());
            assert_eq!(snippet, whole(body.as_bytes()));
            assert!(
                !snippet.contains("s3cr3t") && !snippet.contains("hunter2"),
                "{snippet}"
            );
        }
        let long_secret = format!("{{\"token\":\"{}\"}}", "A".repeat(2 * SNIPPET_SOURCE_BYTES));
        assert_eq!(snippet(long_secret.as_bytes()), "{\"token\":\"<redacted>\"");
    }

    #[test]
    fn payload_paths_are_prefixed() {
        assert_eq!(prefixed_path("payload", "."), "payload");
        assert_eq!(
            prefixed_path("payload", "cardStatus.name"),
            "payload.cardStatus.name"
        );
        assert_eq!(prefixed_path("payload", "[2].name"), "payload[2].name");
    }

    #[test]
    fn success_decodes_the_payload_exactly() {
        let body = r#"{"response_code":0,"response_message":"Success","payload":{"cardStatus":{"name":"ACTIVE"},"amount":12345678901234567.89}}"#;
        let response: Response<Card> =
            decode_response("op", Some(ENVELOPE), AnswerFormat::Json, raw(200, body))
                .expect("decodes");
        assert_eq!(response.payload.card_status.name, "ACTIVE");
        assert_eq!(response.payload.amount.to_string(), "12345678901234567.89");
    }

    /// The one-pass success path decodes exactly what the two-pass reading does, and
    /// leaves everything else to it.
    #[test]
    fn one_pass_agrees_with_two_passes() {
        let bodies = [
            (r#"{"response_code":0,"payload":{"a":[1,2.50]}}"#, true),
            (
                r#"{"payload":"first","x":{"y":[]},"response_code":"0"}"#,
                true,
            ),
            (
                r#"{"response_code":" 0 ","response_message":"ok","payload":null}"#,
                true,
            ),
            (r#"{"response_code":0,"payload":1,"payload":2}"#, false),
            (
                r#"{"response_code":0,"response_code":0,"payload":1}"#,
                false,
            ),
            (r#"{"response_code":0}"#, false),
            (r#"{"response_code":0.0,"payload":1}"#, false),
            (r#"{"response_code":1,"payload":1}"#, false),
            (r#"{"response_code":0,"payload":1} x"#, false),
            (r#"[0]"#, false),
        ];
        for (body, one_pass) in bodies {
            let fast = success_in_one_pass::<serde_json::Value>(ENVELOPE, body.as_bytes());
            assert_eq!(fast.is_some(), one_pass, "{body}");
            let slow = decode_enveloped_in_two_passes::<serde_json::Value>(
                "op",
                ENVELOPE,
                StatusCode::OK,
                body.as_bytes(),
            );
            if let Some(fast) = fast {
                assert_eq!(Some(fast), slow.ok(), "{body}");
            }
        }
    }

    #[test]
    fn non_zero_code_is_an_api_error_even_on_200() {
        let body = r#"{"response_code":1,"response_message":"Insufficient balance","payload":"Insufficient balance"}"#;
        match decode_response::<Card>("op", Some(ENVELOPE), AnswerFormat::Json, raw(200, body)) {
            Err(Error::Api {
                operation: "op",
                code: 1,
                message,
                status,
                payload,
            }) => {
                assert_eq!(message, "Insufficient balance");
                assert_eq!(status, StatusCode::OK);
                assert_eq!(payload, serde_json::json!("Insufficient balance"));
            }
            other => panic!("expected Api, got {other:?}"),
        }
        let string_code = r#"{"response_code":"7","response_message":null}"#;
        assert!(matches!(
            decode_response::<Card>(
                "op",
                Some(ENVELOPE),
                AnswerFormat::Json,
                raw(422, string_code)
            ),
            Err(Error::Api { code: 7, .. })
        ));
    }

    #[test]
    fn zero_code_on_an_error_status_is_http() {
        let body = r#"{"response_code":0,"payload":{}}"#;
        assert!(matches!(
            decode_response::<serde_json::Value>(
                "op",
                Some(ENVELOPE),
                AnswerFormat::Json,
                raw(500, body)
            ),
            Err(Error::Http { .. })
        ));
    }

    #[test]
    fn missing_envelope_on_success_is_a_decode_error() {
        match decode_response::<serde_json::Value>(
            "op",
            Some(ENVELOPE),
            AnswerFormat::Json,
            raw(200, r#"{"data":1}"#),
        ) {
            Err(Error::Decode { path, .. }) => assert_eq!(path, "response_code"),
            other => panic!("expected Decode, got {other:?}"),
        }
        assert!(matches!(
            decode_response::<serde_json::Value>(
                "op",
                Some(ENVELOPE),
                AnswerFormat::Json,
                raw(200, "[1]")
            ),
            Err(Error::Decode { .. })
        ));
    }

    #[test]
    fn wrong_types_report_the_field_path() {
        let body = r#"{"response_code":0,"payload":{"cardStatus":{"name":5},"amount":"1"}}"#;
        match decode_response::<Card>("op", Some(ENVELOPE), AnswerFormat::Json, raw(200, body)) {
            Err(Error::Decode { path, .. }) => assert_eq!(path, "payload.cardStatus.name"),
            other => panic!("expected Decode, got {other:?}"),
        }
        match decode_response::<Vec<Status>>(
            "op",
            None,
            AnswerFormat::Json,
            raw(200, r#"[{"name":"a"},{"name":false}]"#),
        ) {
            Err(Error::Decode { path, .. }) => assert_eq!(path, "[1].name"),
            other => panic!("expected Decode, got {other:?}"),
        }
    }

    #[test]
    fn bare_bodies_decode_whole_and_reject_trailing_garbage() {
        let ok: Response<Status> =
            decode_response("op", None, AnswerFormat::Json, raw(200, r#"{"name":"x"}"#))
                .expect("decodes");
        assert_eq!(ok.payload.name, "x");
        assert!(matches!(
            decode_response::<Status>(
                "op",
                None,
                AnswerFormat::Json,
                raw(200, r#"{"name":"x"} trailing"#)
            ),
            Err(Error::Decode { .. })
        ));
        let empty: Response<()> = decode_response("op", None, AnswerFormat::Json, raw(204, ""))
            .expect("empty body is null");
        assert_eq!(empty.status, StatusCode::NO_CONTENT);
        // An empty body where an object is due: said as such, with no position in it.
        match decode_response::<Status>("op", None, AnswerFormat::Json, raw(200, " ")) {
            Err(Error::Decode { path, message, .. }) => {
                assert_eq!(path, ".");
                assert_eq!(
                    message,
                    "empty body: invalid type: null, expected struct Status"
                );
            }
            other => panic!("expected Decode, got {other:?}"),
        }
        assert!(matches!(
            decode_response::<Status>(
                "op",
                None,
                AnswerFormat::Json,
                raw(401, r#"{"error":"unauthorized"}"#)
            ),
            Err(Error::Http { .. })
        ));
    }
}
