//! `multipart/form-data` bodies: text fields, JSON fields and files, encoded once into
//! bytes (RFC 7578), so a resend sends exactly the same body.
//!
//! Each part has a `Content-Disposition: form-data; name="…"` header (and `filename="…"`
//! for a file); a JSON field says `Content-Type: application/json`, a file its media type
//! (`application/octet-stream` unless told). Names and file names are quoted with `"` and
//! `\` escaped and line breaks refused, so a value can never add a header or a part. The
//! boundary is the first of a fixed set that occurs in no part.

use std::fmt;

use crate::request::{InvalidInput, RequestBody};

/// A file sent in a `multipart/form-data` body: its bytes, and the file name and media
/// type the server is told.
///
/// ```
/// # use enkash_rewards_runtime::UploadFile;
/// let file = UploadFile::new(b"id,amount\n1,100\n".to_vec())
///     .file_name("payouts.csv")
///     .content_type("text/csv");
/// assert_eq!(file.len(), 16);
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct UploadFile {
    bytes: Vec<u8>,
    file_name: Option<String>,
    content_type: Option<String>,
}

impl UploadFile {
    /// The file's bytes, sent as `application/octet-stream` with no file name unless told.
    pub fn new(bytes: impl Into<Vec<u8>>) -> Self {
        Self {
            bytes: bytes.into(),
            file_name: None,
            content_type: None,
        }
    }

    /// The file name the server is told (`filename="…"`).
    pub fn file_name(mut self, name: impl Into<String>) -> Self {
        self.file_name = Some(name.into());
        self
    }

    /// The file's media type, e.g. `image/png`.
    pub fn content_type(mut self, media_type: impl Into<String>) -> Self {
        self.content_type = Some(media_type.into());
        self
    }

    /// The number of bytes.
    pub fn len(&self) -> usize {
        self.bytes.len()
    }

    /// Whether the file is empty.
    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }
}

impl From<Vec<u8>> for UploadFile {
    fn from(bytes: Vec<u8>) -> Self {
        Self::new(bytes)
    }
}

impl From<&[u8]> for UploadFile {
    fn from(bytes: &[u8]) -> Self {
        Self::new(bytes)
    }
}

/// Its name, type and length; never its bytes.
impl fmt::Debug for UploadFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UploadFile")
            .field("file_name", &self.file_name)
            .field("content_type", &self.content_type)
            .field("len", &self.bytes.len())
            .finish()
    }
}

/// A `multipart/form-data` body under construction (generated code builds one for an
/// operation whose body is multipart, part by part, in the spec's field order).
#[doc(hidden)]
#[derive(Default)]
pub struct Multipart {
    parts: Vec<Part>,
}

/// The parts' number; never their contents.
impl fmt::Debug for Multipart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Multipart")
            .field("parts", &self.parts.len())
            .finish()
    }
}

struct Part {
    /// The part's headers, each line ended by CRLF.
    head: String,
    body: Vec<u8>,
}

/// Boundaries tried in turn; the first that occurs in no part is used. (Static, because a
/// body's media type is: `multipart/form-data; boundary=…`.)
const BOUNDARIES: &[(&str, &str)] = &[
    (
        "enkash-rewards-9f2c1e7a5b3d8046",
        "multipart/form-data; boundary=enkash-rewards-9f2c1e7a5b3d8046",
    ),
    (
        "enkash-rewards-4a8d0b6e2c9f1357",
        "multipart/form-data; boundary=enkash-rewards-4a8d0b6e2c9f1357",
    ),
    (
        "enkash-rewards-e1b7c3f9a5d20864",
        "multipart/form-data; boundary=enkash-rewards-e1b7c3f9a5d20864",
    ),
];

impl Multipart {
    pub fn new() -> Self {
        Self::default()
    }

    /// A text field.
    pub fn text(&mut self, name: &str, value: impl Into<String>) -> Result<(), InvalidInput> {
        let head = disposition(name, None)?;
        self.parts.push(Part {
            head,
            body: value.into().into_bytes(),
        });
        Ok(())
    }

    /// A field holding `value` as JSON (`Content-Type: application/json`).
    pub fn json<T: serde::Serialize>(&mut self, name: &str, value: &T) -> Result<(), InvalidInput> {
        let body = serde_json::to_vec(value).map_err(|e| InvalidInput {
            field: name.to_owned(),
            reason: format!("could not be encoded as JSON: {e}"),
        })?;
        let head = format!(
            "{}Content-Type: application/json\r\n",
            disposition(name, None)?
        );
        self.parts.push(Part { head, body });
        Ok(())
    }

    /// A file field.
    pub fn file(&mut self, name: &str, file: UploadFile) -> Result<(), InvalidInput> {
        let media = file
            .content_type
            .as_deref()
            .unwrap_or("application/octet-stream");
        if media.contains(['\r', '\n']) {
            return Err(InvalidInput {
                field: name.to_owned(),
                reason: "the file's media type contains a line break".to_owned(),
            });
        }
        let head = format!(
            "{}Content-Type: {media}\r\n",
            disposition(name, Some(file.file_name.as_deref().unwrap_or(name)))?
        );
        self.parts.push(Part {
            head,
            body: file.bytes,
        });
        Ok(())
    }

    /// The encoded body.
    pub fn finish(self) -> Result<RequestBody, InvalidInput> {
        let (boundary, content_type) = BOUNDARIES
            .iter()
            .find(|(b, _)| !self.parts.iter().any(|p| contains(&p.body, b.as_bytes())))
            .ok_or_else(|| InvalidInput {
                field: "body".to_owned(),
                reason: "every multipart boundary this client uses occurs in a part".to_owned(),
            })?;
        let mut bytes = Vec::new();
        for part in self.parts {
            bytes.extend_from_slice(format!("--{boundary}\r\n{}\r\n", part.head).as_bytes());
            bytes.extend_from_slice(&part.body);
            bytes.extend_from_slice(b"\r\n");
        }
        bytes.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        Ok(RequestBody::raw(content_type, bytes))
    }
}

/// `Content-Disposition: form-data; name="…"[; filename="…"]` and its CRLF.
fn disposition(name: &str, file_name: Option<&str>) -> Result<String, InvalidInput> {
    let quoted = |text: &str| -> Result<String, InvalidInput> {
        if text.contains(['\r', '\n']) {
            return Err(InvalidInput {
                field: name.to_owned(),
                reason: "a part's name or file name contains a line break".to_owned(),
            });
        }
        Ok(format!(
            "\"{}\"",
            text.replace('\\', "\\\\").replace('"', "\\\"")
        ))
    };
    let file = match file_name {
        Some(f) => format!("; filename={}", quoted(f)?),
        None => String::new(),
    };
    Ok(format!(
        "Content-Disposition: form-data; name={}{file}\r\n",
        quoted(name)?
    ))
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_are_encoded_in_order_with_their_headers() {
        let mut form = Multipart::new();
        form.text("purpose", "dispute_evidence").unwrap();
        form.json("attributes", &serde_json::json!({"parent": {"id": "0"}}))
            .unwrap();
        form.file(
            "file",
            UploadFile::new(vec![0, 1, 2])
                .file_name("a \"b\".png")
                .content_type("image/png"),
        )
        .unwrap();
        let body = form.finish().unwrap();
        let b = "enkash-rewards-9f2c1e7a5b3d8046";
        assert_eq!(
            body.content_type,
            format!("multipart/form-data; boundary={b}")
        );
        let mut expected = format!(
            "--{b}\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\ndispute_evidence\r\n\
             --{b}\r\nContent-Disposition: form-data; name=\"attributes\"\r\nContent-Type: application/json\r\n\r\n{{\"parent\":{{\"id\":\"0\"}}}}\r\n\
             --{b}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a \\\"b\\\".png\"\r\nContent-Type: image/png\r\n\r\n"
        )
        .into_bytes();
        expected.extend_from_slice(&[0, 1, 2]);
        expected.extend_from_slice(format!("\r\n--{b}--\r\n").as_bytes());
        assert_eq!(body.bytes, expected);
    }

    #[test]
    fn a_part_holding_the_boundary_gets_another_and_line_breaks_are_refused() {
        let mut form = Multipart::new();
        form.text("a", "x enkash-rewards-9f2c1e7a5b3d8046 y")
            .unwrap();
        let body = form.finish().unwrap();
        assert!(
            body.content_type
                .ends_with("enkash-rewards-4a8d0b6e2c9f1357")
        );
        let mut form = Multipart::new();
        let bad = UploadFile::new(vec![1]).file_name("x\r\nContent-Type: text/html");
        assert!(form.file("f", bad).is_err());
        assert!(form.text("a\nb", "v").is_err());
    }

    #[test]
    fn a_file_shows_its_name_type_and_length_only() {
        let file = UploadFile::new(b"secret".to_vec()).file_name("k.pem");
        let shown = format!("{file:?}");
        assert!(
            shown.contains("k.pem") && shown.contains("len: 6"),
            "{shown}"
        );
        assert!(!shown.contains("secret"), "{shown}");
    }
}
