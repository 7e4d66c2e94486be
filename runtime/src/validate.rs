//! Checks generated builders run on their inputs before anything is sent, from the
//! spec's `pattern`, `minLength` and `maxLength`.

use std::collections::HashMap;
use std::sync::{LazyLock, Mutex};

use regex_lite::Regex;

use crate::request::InvalidInput;

/// Checks a string input against its documented constraints.
///
/// Lengths count characters, as JSON Schema does. Patterns are matched like the spec's
/// ECMAScript regexes: unanchored unless they anchor themselves, and `\d`/`\w` mean ASCII
/// digits and word characters (`regex-lite` has ASCII classes only).
pub fn check_string(
    field: &str,
    value: &str,
    pattern: Option<&'static str>,
    min_length: Option<usize>,
    max_length: Option<usize>,
) -> Result<(), InvalidInput> {
    let len = value.chars().count();
    if let Some(min) = min_length
        && len < min
    {
        return Err(invalid(
            field,
            format!("must be at least {min} characters long (got {len})"),
        ));
    }
    if let Some(max) = max_length
        && len > max
    {
        return Err(invalid(
            field,
            format!("must be at most {max} characters long (got {len})"),
        ));
    }
    if let Some(pattern) = pattern
        && !compiled(pattern)
            .map_err(|e| invalid(field, e))?
            .is_match(value)
    {
        return Err(invalid(
            field,
            format!("must match the pattern `{pattern}`"),
        ));
    }
    Ok(())
}

fn invalid(field: &str, reason: String) -> InvalidInput {
    InvalidInput {
        field: field.to_owned(),
        reason,
    }
}

/// Compiles each pattern once per process.
fn compiled(pattern: &'static str) -> Result<Regex, String> {
    static CACHE: LazyLock<Mutex<HashMap<&'static str, Regex>>> = LazyLock::new(Default::default);
    let mut cache = CACHE
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some(re) = cache.get(pattern) {
        return Ok(re.clone());
    }
    let re =
        Regex::new(pattern).map_err(|e| format!("has a pattern the client cannot compile: {e}"))?;
    cache.insert(pattern, re.clone());
    Ok(re)
}

#[cfg(test)]
mod tests {
    use super::*;

    const MOBILE: &str = r"^\d{10}$";
    const EMAIL: &str = r"^[a-zA-Z0-9._%+-]+@[a-zA-Z0-9.-]+\.[a-zA-Z]{2,}$";

    #[test]
    fn documented_mobile_and_email_rules() {
        assert!(check_string("mobile", "9600098867", Some(MOBILE), Some(10), Some(10)).is_ok());
        // Arabic-Indic digits are Unicode digits but not what the spec means by \d.
        let err = check_string("mobile", "٩٦٠٠٠٩٨٨٦٧", Some(MOBILE), None, None).unwrap_err();
        assert_eq!(err.field, "mobile");
        let err =
            check_string("mobile", "960009886", Some(MOBILE), Some(10), Some(10)).unwrap_err();
        assert!(err.reason.contains("at least 10"), "{err:?}");
        assert!(check_string("email", "xyz2@gmail.com", Some(EMAIL), None, None).is_ok());
        let err = check_string("email", "not-an-email", Some(EMAIL), None, None).unwrap_err();
        assert!(
            err.field == "email" && err.reason.contains(EMAIL),
            "{err:?}"
        );
    }
}
