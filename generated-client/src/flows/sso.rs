//! Single sign-on redirects: the URL that takes a reward-card holder (or a company admin)
//! straight to EnKash's redemption pages with a token from `createSsoToken`, no login or
//! OTP.
//!
//! ```
//! use enkash_rewards::sso::{SsoHost, SsoRedirect};
//! let url = SsoRedirect::employee("aF5V6hPScEd9mCowJmbZFKk5Xg", "hrms").url(SsoHost::Sandbox);
//! assert_eq!(url, "https://invoice-uat.enkash.in/sso/aF5V6hPScEd9mCowJmbZFKk5Xg/employee_rewards/hrms");
//! ```
//!
//! The token and the partner name are percent-encoded as single path segments, so a `/`
//! or `?` in either can never change the page addressed. The URL carries a credential:
//! hand it to the user's browser, do not log it ([`SsoRedirect`]'s `Debug` masks the
//! token).

use std::fmt;

use crate::request::encode_path_segment;
use crate::{RawJson, Secret};

/// The host of EnKash's redemption pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum SsoHost {
    /// `https://invoice-uat.enkash.in`, the sandbox (UAT).
    Sandbox,
    /// `https://home.enkash.com`, production.
    Production,
}

impl SsoHost {
    /// The host's origin, without a trailing slash.
    pub fn origin(self) -> &'static str {
        match self {
            Self::Sandbox => "https://invoice-uat.enkash.in",
            Self::Production => "https://home.enkash.com",
        }
    }
}

/// Whose page the redirect opens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum SsoAudience {
    /// A reward-card holder's rewards page (`employee_rewards`).
    Employee,
    /// The HR / company admin's reward account page (`reward_account`); the SSO token is
    /// requested with the card id issued at the company's onboarding.
    Admin,
}

impl SsoAudience {
    fn segment(self) -> &'static str {
        match self {
            Self::Employee => "employee_rewards",
            Self::Admin => "reward_account",
        }
    }
}

/// An SSO redirect: `{host}/sso/{token}/{employee_rewards|reward_account}/{partner}`.
#[derive(Clone, PartialEq, Eq)]
pub struct SsoRedirect {
    token: Secret,
    partner: String,
    audience: SsoAudience,
}

impl SsoRedirect {
    /// A card holder's redirect. `partner` is your partner name at EnKash, e.g. `hrms`.
    pub fn employee(token: impl Into<Secret>, partner: impl Into<String>) -> Self {
        Self::new(token, partner, SsoAudience::Employee)
    }

    /// A company admin's redirect.
    pub fn admin(token: impl Into<Secret>, partner: impl Into<String>) -> Self {
        Self::new(token, partner, SsoAudience::Admin)
    }

    /// A redirect for `audience`.
    pub fn new(
        token: impl Into<Secret>,
        partner: impl Into<String>,
        audience: SsoAudience,
    ) -> Self {
        Self {
            token: token.into(),
            partner: partner.into(),
            audience,
        }
    }

    /// The URL on `host`, every segment percent-encoded.
    pub fn url(&self, host: SsoHost) -> String {
        format!(
            "{}/sso/{}/{}/{}",
            host.origin(),
            encode_path_segment(self.token.expose()),
            self.audience.segment(),
            encode_path_segment(&self.partner)
        )
    }
}

impl fmt::Debug for SsoRedirect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SsoRedirect")
            .field("token", &"<redacted>")
            .field("partner", &self.partner)
            .field("audience", &self.audience)
            .finish()
    }
}

/// The token in a `createSsoToken` payload.
///
/// EnKash has not documented that answer's shape, so this reads the shapes such answers
/// take: the payload itself as a string, or the first string member of an object named
/// `token`, `ssoToken`, `sso_token`, `access_token` or `accessToken`. `None` for anything
/// else: read the payload yourself then. The token is a [`Secret`]: it never prints.
pub fn token_from_payload(payload: &RawJson) -> Option<Secret> {
    const NAMES: [&str; 5] = [
        "token",
        "ssoToken",
        "sso_token",
        "access_token",
        "accessToken",
    ];
    match payload.to_value() {
        serde_json::Value::String(token) if !token.is_empty() => Some(Secret::new(token)),
        serde_json::Value::Object(members) => NAMES.iter().find_map(|name| {
            members
                .get(*name)
                .and_then(serde_json::Value::as_str)
                .filter(|t| !t.is_empty())
                .map(Secret::new)
        }),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documented_urls() {
        let token = "aF5V6hPScEd9mCowJmbZFKk5Xg";
        assert_eq!(
            SsoRedirect::employee(token, "hrms").url(SsoHost::Sandbox),
            "https://invoice-uat.enkash.in/sso/aF5V6hPScEd9mCowJmbZFKk5Xg/employee_rewards/hrms"
        );
        assert_eq!(
            SsoRedirect::admin(token, "hrms").url(SsoHost::Production),
            "https://home.enkash.com/sso/aF5V6hPScEd9mCowJmbZFKk5Xg/reward_account/hrms"
        );
    }

    #[test]
    fn segments_cannot_walk_the_path() {
        let url = SsoRedirect::employee("a/b?c#d", "../x y").url(SsoHost::Sandbox);
        assert_eq!(
            url,
            "https://invoice-uat.enkash.in/sso/a%2Fb%3Fc%23d/employee_rewards/..%2Fx%20y"
        );
        let dots = SsoRedirect::employee("..", ".").url(SsoHost::Sandbox);
        assert_eq!(
            dots,
            "https://invoice-uat.enkash.in/sso/%2E%2E/employee_rewards/%2E"
        );
    }

    #[test]
    fn debug_masks_the_token() {
        let shown = format!("{:?}", SsoRedirect::employee("secret-token", "hrms"));
        assert!(!shown.contains("secret-token"), "{shown}");
        assert!(shown.contains("hrms"), "{shown}");
    }

    #[test]
    fn tokens_are_read_from_the_likely_shapes() {
        let read = |text: &str| {
            token_from_payload(&RawJson::from_text(text).unwrap()).map(|t| t.expose().to_owned())
        };
        assert_eq!(read(r#""abc""#).as_deref(), Some("abc"));
        assert_eq!(read(r#"{"token":"abc"}"#).as_deref(), Some("abc"));
        assert_eq!(read(r#"{"ssoToken":"abc","x":1}"#).as_deref(), Some("abc"));
        assert_eq!(read(r#"{"access_token":"abc"}"#).as_deref(), Some("abc"));
        assert_eq!(read(r#"{"other":"abc"}"#), None);
        assert_eq!(read(r#""""#), None);
        assert_eq!(read("42"), None);
    }

    /// Every member `token_from_payload` reads is masked wherever the answer is printed.
    #[test]
    fn the_sso_answer_never_prints_its_token() {
        for name in [
            "token",
            "ssoToken",
            "sso_token",
            "access_token",
            "accessToken",
        ] {
            let payload =
                RawJson::from_text(format!(r#"{{"{name}":"sso-SECRET","x":1}}"#)).unwrap();
            for shown in [format!("{payload:?}"), format!("{payload}")] {
                assert!(!shown.contains("sso-SECRET"), "{name}: {shown}");
                assert!(shown.contains("\"x\":1"), "{name}: {shown}");
            }
            let token = token_from_payload(&payload).expect("a token");
            assert_eq!(token.expose(), "sso-SECRET");
            assert!(!format!("{token:?} {token}").contains("sso-SECRET"));
        }
    }
}
