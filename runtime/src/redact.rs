//! Masking secret values wherever a body is quoted (error snippets, error payloads).
//!
//! Which JSON members are secret comes from the spec: every property marked
//! `format: password` (the token, the card token, voucher numbers and pins), which the
//! generated crate lists in its API description ([`Api::secret_fields`](crate::api::Api)) and
//! which is registered here when a client of that API is configured; plus the members the
//! runtime itself reads and names secrets commonly have, masked from the start. The value of
//! such a member is replaced by `"<redacted>"` at any depth, whatever its type, before the
//! body is cut to a snippet.
//!
//! The registry only grows (several APIs in one process add up): a name masked once stays
//! masked, so masking never depends on which client printed the body.
//!
//! Quoted bodies are often not valid JSON (an HTML page, a body cut short, JSON inside a
//! string, a form echoed back), so masking works on the text itself: it finds members by
//! their names, reads each secret's value as far as JSON strings and nesting say, keeps
//! every other byte as it was and never fails.

use std::borrow::Cow;

/// Token members the runtime and the flows read (the token response's, and the SSO token),
/// and the names secrets commonly have: masked even if a spec forgot them, and before any
/// client registered its API's list.
const RUNTIME_SECRETS: &[&str] = &[
    "access_token",
    "refresh_token",
    "accessToken",
    "refreshToken",
    "token",
    "ssoToken",
    "sso_token",
    "password",
    "pin",
    "cvv",
    "cardNumber",
    "client_secret",
    "clientSecret",
];

/// The secret member lists of every API a client was configured for.
static REGISTERED: std::sync::RwLock<Vec<&'static [&'static str]>> =
    std::sync::RwLock::new(Vec::new());

/// Adds an API's secret member names (its spec's `format: password` properties).
pub(crate) fn register(fields: &'static [&'static str]) {
    let known = REGISTERED
        .read()
        .map(|lists| lists.iter().any(|l| std::ptr::eq(*l, fields)))
        .unwrap_or(false);
    if !known {
        // A poisoned lock still holds a usable list: a panic cannot leave it half-written.
        let mut lists = REGISTERED.write().unwrap_or_else(|e| e.into_inner());
        if !lists.iter().any(|l| std::ptr::eq(*l, fields)) {
            lists.push(fields);
        }
    }
}

const MASK: &str = "\"<redacted>\"";

/// Whether a member named `key` holds a secret.
fn is_secret(key: &str) -> bool {
    RUNTIME_SECRETS.contains(&key)
        || REGISTERED
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
            .any(|fields| fields.contains(&key))
}

/// `body` as text with every secret member's value replaced by `"<redacted>"`.
///
/// Members are found by their names, not by counting quotes: a secret's name as a whole
/// word, then its closing quote if any, then `:` or `=`. So a body with a quote lost or
/// added (cut, mangled) is not read inside out from there on, and JSON-like text (single
/// quotes, bare keys) and form text (`password=…&`) are masked too. In valid JSON only a
/// key is followed by `":`; prose inside a value that reads `token=…` is masked as well,
/// which can only hide more.
pub(crate) fn redact_text(body: &str) -> Cow<'_, str> {
    let bytes = body.as_bytes();
    let mut out = String::new();
    let mut copied = 0; // bytes of `body` already handled
    let mut i = 0;
    while i < bytes.len() {
        if !is_word_byte(bytes[i]) {
            i += 1;
            continue;
        }
        let word = i;
        while i < bytes.len() && is_word_byte(bytes[i]) {
            i += 1;
        }
        // Word bytes are ASCII, so the slice is on character boundaries.
        let Some(start) = value_after_name(bytes, i).filter(|_| is_secret(&body[word..i])) else {
            continue;
        };
        let stop = value_end(bytes, start);
        out.push_str(&body[copied..start]);
        out.push_str(MASK);
        copied = stop;
        i = stop;
    }
    if copied == 0 {
        return Cow::Borrowed(body);
    }
    out.push_str(&body[copied..]);
    Cow::Owned(out)
}

/// A byte of a member name as secrets are named (`access_token`, `sso-token`).
fn is_word_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || matches!(byte, b'_' | b'-')
}

/// Where the value of a member starts, if the word ending at `end` names one: its closing
/// quote if any, then `:` or `=`.
fn value_after_name(bytes: &[u8], end: usize) -> Option<usize> {
    let mut at = end;
    // JSON inside a JSON string (`"{\"token\":\"…\"}"`) escapes the quote.
    if bytes.get(at) == Some(&b'\\') {
        at += 1;
    }
    if matches!(bytes.get(at), Some(b'"' | b'\'')) {
        at += 1;
    }
    at = skip_space(bytes, at);
    matches!(bytes.get(at), Some(b':' | b'=')).then(|| skip_space(bytes, at + 1))
}

/// Masks secret members of a decoded value in place.
pub(crate) fn redact_value(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Object(members) => {
            for (key, member) in members.iter_mut() {
                if is_secret(key) {
                    *member = serde_json::Value::String("<redacted>".to_owned());
                } else {
                    redact_value(member);
                }
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(redact_value),
        _ => {}
    }
}

/// The index just past the string that starts at `start` (a `"`, or a `'` in JSON-like
/// text), or the end of input.
fn string_end(bytes: &[u8], start: usize) -> usize {
    let quote = bytes.get(start).copied().unwrap_or(b'"');
    let mut i = start + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b if b == quote => return i + 1,
            _ => i += 1,
        }
    }
    bytes.len()
}

fn skip_space(bytes: &[u8], mut i: usize) -> usize {
    while i < bytes.len() && bytes[i].is_ascii_whitespace() {
        i += 1;
    }
    i
}

/// The index just past the JSON value starting at `start`: a string, an object or array
/// (to its matching bracket, strings skipped), or a scalar up to the next delimiter (a
/// form's `&` among them). Input cut short ends the value at the end of input.
fn value_end(bytes: &[u8], start: usize) -> usize {
    match bytes.get(start) {
        None => start,
        Some(b'"' | b'\'') => string_end(bytes, start),
        // A string inside a JSON string: to the next escaped quote.
        Some(b'\\') if bytes.get(start + 1) == Some(&b'"') => bytes
            .get(start + 2..)
            .and_then(|rest| rest.windows(2).position(|pair| pair == b"\\\""))
            .map_or(bytes.len(), |at| start + 2 + at + 2),
        Some(b'{' | b'[') => {
            let mut depth = 0usize;
            let mut i = start;
            while i < bytes.len() {
                match bytes[i] {
                    b'"' => {
                        i = string_end(bytes, i);
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth -= 1;
                        if depth == 0 {
                            return i + 1;
                        }
                    }
                    _ => {}
                }
                i += 1;
            }
            bytes.len()
        }
        Some(_) => {
            let mut i = start;
            while i < bytes.len() && !matches!(bytes[i], b',' | b'}' | b']' | b'\n' | b'\r' | b'&')
            {
                i += 1;
            }
            // Keep trailing spaces outside the mask.
            while i > start && bytes[i - 1].is_ascii_whitespace() {
                i -= 1;
            }
            i
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_members_are_masked_at_any_depth_and_of_any_type() {
        let body = r#"{"access_token" : "live-abc", "expires_in":"86399","payload":{"token":"tok-1","nested":[{"password":12345}],"pin":{"a":"b"}},"name":"x"}"#;
        let masked = redact_text(body);
        for secret in ["live-abc", "tok-1", "12345"] {
            assert!(!masked.contains(secret), "{masked}");
        }
        assert!(
            masked.contains(r#""access_token" : "<redacted>""#),
            "{masked}"
        );
        assert!(masked.contains(r#""expires_in":"86399""#), "{masked}");
        assert!(masked.contains(r#""name":"x""#), "{masked}");
        let parsed: serde_json::Value = serde_json::from_str(&masked).expect("still JSON");
        assert_eq!(parsed["payload"]["nested"][0]["password"], "<redacted>");
    }

    #[test]
    fn text_that_is_not_json_is_masked_without_failing() {
        assert_eq!(redact_text("<html>502</html>"), "<html>502</html>");
        let cut = r#"{"refresh_token":"abc\"def"#;
        assert_eq!(redact_text(cut), r#"{"refresh_token":"<redacted>""#);
        assert_eq!(redact_text(r#"{"token":"#), r#"{"token":"<redacted>""#);
        assert_eq!(
            redact_text(r#""token""#),
            r#""token""#,
            "a value, not a key"
        );
        assert_eq!(redact_text("\"unterminated"), "\"unterminated");
        // JSON inside a string is masked too.
        assert_eq!(
            redact_text(r#"{"a":"\"token\":1"}"#),
            r#"{"a":"\"token\":"<redacted>"}"#
        );
        assert_eq!(
            redact_text(r#"{"message":"{\"access_token\":\"s1\",\"b\":2}"}"#),
            r#"{"message":"{\"access_token\":"<redacted>",\"b\":2}"}"#
        );
        // Multi-byte text around and inside keys never splits a character.
        assert_eq!(
            redact_text("{\"é\":\"ü\",\"token\":\"ß\"}"),
            "{\"é\":\"ü\",\"token\":\"<redacted>\"}"
        );
        assert_eq!(redact_text("\"é\\"), "\"é\\");
    }

    /// A quote lost or added does not turn the rest of the body inside out; other
    /// notations of the same members are masked too.
    #[test]
    fn mangled_and_json_like_text_is_masked_by_member_name() {
        let cases = [
            // The quote opening `pin` was lost: it is read as the token's closing one.
            (
                r#"{"token":"s1"pin":"s2","a":1}"#,
                r#"{"token":"<redacted>"pin":"<redacted>","a":1}"#,
            ),
            // A quote too many before the key.
            (
                "{\"code\":7,\"\"password\":\"s1\"}",
                "{\"code\":7,\"\"password\":\"<redacted>\"}",
            ),
            (
                "{'token': 's1', 'a': 1}",
                "{'token': \"<redacted>\", 'a': 1}",
            ),
            ("{token: s1, a: 1}", "{token: \"<redacted>\", a: 1}"),
            (
                "grant_type=password&password=s1&username=u",
                "grant_type=password&password=\"<redacted>\"&username=u",
            ),
            // Names that only contain a secret's name are not it.
            (
                r#"{"card-token":"x","tokens":1,"tokenType":"y"}"#,
                r#"{"card-token":"x","tokens":1,"tokenType":"y"}"#,
            ),
        ];
        for (body, masked) in cases {
            assert_eq!(redact_text(body), masked, "{body}");
        }
    }

    #[test]
    fn values_are_masked_in_decoded_payloads() {
        let mut value = serde_json::json!({"payload": [{"token": "t", "masked": "XXXX"}]});
        redact_value(&mut value);
        assert_eq!(value["payload"][0]["token"], "<redacted>");
        assert_eq!(value["payload"][0]["masked"], "XXXX");
    }
}
