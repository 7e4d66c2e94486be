//! EnKash payload encryption: AES-128 in ECB mode, PKCS#7 padding, Base64, wrapped as
//! `{"request": "<ciphertext>"}`.
//!
//! EnKash's integration guides ask partners to encrypt request payloads and decrypt
//! response payloads with a key EnKash shares per partner. Switch it on with
//! [`ClientBuilder::payload_encryption`](crate::ClientBuilder::payload_encryption); it is
//! **off by default**, because the sandbox and the documented examples are plain JSON.
//!
//! ```
//! use enkash_rewards_runtime::{PayloadEncryption, PayloadKey};
//!
//! // The key derivation EnKash's documented example uses: SHA-256 of the secret, first 16
//! // bytes. If EnKash gave you a raw 16-byte key, use `PayloadKey::from_bytes`.
//! let encryption = PayloadEncryption::new(PayloadKey::sha256_of_secret("client-secret"));
//! // Then: `Client::builder()…payload_encryption(encryption).build()`.
//! # let _ = encryption;
//! ```
//!
//! # What is and is not encrypted
//!
//! | part of a call | encrypted? |
//! |---|---|
//! | a JSON request body | yes: sent as `{"request":"<Base64 ciphertext>"}`, still `application/json` |
//! | a response body `{"request":"<Base64>"}` | decrypted before the envelope is read |
//! | the token call (`POST /oauth/token`, a form body) and its answer | no: EnKash exempts it |
//! | the path, query string and headers (`userId` in `GET /api/v0/coins/balance`, `partnerId`) | no |
//! | GET requests | have no body; their answers are decrypted when wrapped |
//!
//! A response that arrives **unwrapped** while encryption is on (a plain JSON envelope, a
//! proxy's HTML error page) is read as it is, exactly as with encryption off. EnKash and
//! the proxies in front of it answer some failures without encryption, and refusing a plain
//! success would turn a write that happened into an error. Since ECB carries no integrity
//! check, accepting a plain answer gives up no protection the scheme offered.
//!
//! # What ECB does not protect
//!
//! This is EnKash's scheme, implemented exactly, not a recommendation. ECB encrypts every
//! 16-byte block on its own: equal blocks give equal ciphertext, so patterns in a payload
//! show through, and blocks can be cut, reordered or replayed without detection. There is
//! no authentication tag: a tampered ciphertext that still has valid padding decrypts to
//! altered JSON. The same payload always encrypts to the same ciphertext. Rely on TLS for
//! confidentiality and integrity in transit; treat this layer as EnKash's access check.
//!
//! The key is held in [`PayloadKey`], which never prints its bytes and zeroes them when
//! dropped. Decryption errors ([`DecryptionError`]) carry neither plaintext nor key.

use std::fmt;

use aes::cipher::block_padding::Pkcs7;
use aes::cipher::{BlockModeDecrypt, BlockModeEncrypt, KeyInit};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use sha2::Digest as _;
use zeroize::Zeroizing;

type Aes128EcbEnc = ecb::Encryptor<aes::Aes128>;
type Aes128EcbDec = ecb::Decryptor<aes::Aes128>;

/// The field that holds the ciphertext, in requests and in responses alike.
const WRAPPER_FIELD: &str = "request";

/// A 16-byte AES-128 key. Never printed (`Debug` shows `PayloadKey(<redacted>)`), zeroed
/// when dropped.
#[derive(Clone)]
pub struct PayloadKey(Zeroizing<[u8; 16]>);

impl PayloadKey {
    /// The key as EnKash's documented example derives it: the first 16 bytes of the
    /// SHA-256 digest of `secret` (its UTF-8 bytes). EnKash shares the key logic per
    /// partner; confirm that this is yours.
    pub fn sha256_of_secret(secret: &str) -> Self {
        let digest = Zeroizing::new(sha2::Sha256::digest(secret.as_bytes()));
        let mut key = Zeroizing::new([0u8; 16]);
        key.copy_from_slice(&digest[..16]);
        Self(key)
    }

    /// A raw 16-byte key, as given.
    pub fn from_bytes(key: [u8; 16]) -> Self {
        Self(Zeroizing::new(key))
    }

    /// A raw key from a slice, which must be exactly 16 bytes long.
    pub fn from_slice(key: &[u8]) -> Result<Self, InvalidKeyLength> {
        let bytes: [u8; 16] = key.try_into().map_err(|_| InvalidKeyLength(key.len()))?;
        Ok(Self::from_bytes(bytes))
    }
}

impl fmt::Debug for PayloadKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PayloadKey(<redacted>)")
    }
}

/// A key of the wrong length was given to [`PayloadKey::from_slice`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InvalidKeyLength(pub usize);

impl fmt::Display for InvalidKeyLength {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "an AES-128 key is 16 bytes long, this one is {} bytes",
            self.0
        )
    }
}

impl std::error::Error for InvalidKeyLength {}

/// Why a ciphertext could not be decrypted. Carries no plaintext and no key material.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum DecryptionError {
    /// The ciphertext is not valid Base64 (standard alphabet, padded).
    Base64,
    /// The decoded ciphertext is empty or not a multiple of the 16-byte block size.
    Length,
    /// The padding is wrong after decryption: almost always the wrong key, or a
    /// corrupted ciphertext.
    Padding,
    /// The decrypted bytes are not UTF-8 text (a wrong key whose padding happened to
    /// check out).
    NotUtf8,
}

impl fmt::Display for DecryptionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            DecryptionError::Base64 => "the ciphertext is not valid Base64",
            DecryptionError::Length => "the ciphertext is not a whole number of 16-byte AES blocks",
            DecryptionError::Padding => {
                "the decrypted padding is invalid (wrong key or corrupted ciphertext)"
            }
            DecryptionError::NotUtf8 => {
                "the decrypted payload is not UTF-8 text (wrong key or corrupted ciphertext)"
            }
        })
    }
}

impl std::error::Error for DecryptionError {}

/// EnKash payload encryption with one key; see the [module documentation](self).
#[derive(Clone, Debug)]
pub struct PayloadEncryption {
    key: PayloadKey,
}

impl PayloadEncryption {
    /// Encryption with `key`.
    pub fn new(key: PayloadKey) -> Self {
        Self { key }
    }

    /// Encrypts `plaintext` and returns the Base64 ciphertext.
    pub fn encrypt(&self, plaintext: &[u8]) -> String {
        let ciphertext =
            Aes128EcbEnc::new(&(*self.key.0).into()).encrypt_padded_vec::<Pkcs7>(plaintext);
        BASE64.encode(ciphertext)
    }

    /// Decrypts a Base64 ciphertext. The plaintext is returned in a buffer that is zeroed
    /// when dropped.
    pub fn decrypt(&self, ciphertext_base64: &str) -> Result<Zeroizing<Vec<u8>>, DecryptionError> {
        let ciphertext = BASE64
            .decode(ciphertext_base64.trim())
            .map_err(|_| DecryptionError::Base64)?;
        if ciphertext.is_empty() || ciphertext.len() % 16 != 0 {
            return Err(DecryptionError::Length);
        }
        Aes128EcbDec::new(&(*self.key.0).into())
            .decrypt_padded_vec::<Pkcs7>(&ciphertext)
            .map(Zeroizing::new)
            .map_err(|_| DecryptionError::Padding)
    }

    /// A JSON body as it goes on the wire: `{"request":"<Base64 ciphertext>"}`.
    pub(crate) fn wrap(&self, json: &[u8]) -> Vec<u8> {
        let wrapper = serde_json::json!({ WRAPPER_FIELD: self.encrypt(json) });
        wrapper.to_string().into_bytes()
    }

    /// If `body` is a wrapper (a JSON object whose `request` member is a string, and that
    /// has no `envelope_code` member, which would make it a plain envelope), the decrypted
    /// JSON text; `Ok(None)` when the body is not wrapped.
    pub(crate) fn unwrap(
        &self,
        body: &[u8],
        envelope_code: &[&str],
    ) -> Result<Option<Vec<u8>>, DecryptionError> {
        type Members<'a> =
            std::collections::BTreeMap<std::borrow::Cow<'a, str>, &'a serde_json::value::RawValue>;
        let Ok(members) = serde_json::from_slice::<Members<'_>>(body) else {
            return Ok(None);
        };
        if envelope_code.iter().any(|code| members.contains_key(*code)) {
            return Ok(None);
        }
        let Some(Ok(ciphertext)) = members
            .get(WRAPPER_FIELD)
            .map(|raw| serde_json::from_str::<std::borrow::Cow<'_, str>>(raw.get()))
        else {
            return Ok(None);
        };
        let plaintext = self.decrypt(&ciphertext)?;
        if std::str::from_utf8(&plaintext).is_err() {
            return Err(DecryptionError::NotUtf8);
        }
        Ok(Some(plaintext.to_vec()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encryption() -> PayloadEncryption {
        PayloadEncryption::new(PayloadKey::from_bytes([7; 16]))
    }

    #[test]
    fn encrypted_bodies_round_trip_through_the_wrapper() {
        let body = br#"{"userId":"EKQZVMQK"}"#;
        let wire = encryption().wrap(body);
        let text = std::str::from_utf8(&wire).expect("utf-8");
        assert!(text.starts_with(r#"{"request":""#), "{text}");
        assert!(!text.contains("EKQZVMQK"));
        let back = encryption().unwrap(&wire, &["code"]).expect("decrypts");
        assert_eq!(back.as_deref(), Some(&body[..]));
    }

    #[test]
    fn plain_bodies_are_not_wrappers() {
        for plain in [
            &br#"{"response_code":0,"payload":"ok"}"#[..],
            br#"{"request":"x","code":0}"#,
            br#"{"request":5}"#,
            br#"["request"]"#,
            b"<html>502</html>",
            b"",
        ] {
            assert_eq!(encryption().unwrap(plain, &["code"]), Ok(None));
        }
    }

    #[test]
    fn key_material_never_prints() {
        let key = PayloadKey::sha256_of_secret("s3cr3t");
        let shown = format!("{key:?} {:?}", PayloadEncryption::new(key.clone()));
        assert!(!shown.contains("s3cr3t"));
        for byte in key.0.iter() {
            assert!(!shown.contains(&format!("{byte}, ")), "{shown}");
        }
        assert!(shown.contains("<redacted>"));
        assert_eq!(
            PayloadKey::from_slice(&[1; 15]).unwrap_err(),
            InvalidKeyLength(15)
        );
    }

    #[test]
    fn a_wrapped_garbage_ciphertext_is_a_typed_error() {
        let e = encryption();
        assert_eq!(
            e.unwrap(br#"{"request":"not base64!"}"#, &[]),
            Err(DecryptionError::Base64)
        );
        assert_eq!(
            e.unwrap(br#"{"request":"AAAA"}"#, &[]),
            Err(DecryptionError::Length)
        );
        assert_eq!(
            e.unwrap(br#"{"request":""}"#, &[]),
            Err(DecryptionError::Length)
        );
    }
}
