//! Checks generated builders run on their inputs before anything is sent, from the
//! spec's `pattern`, `minLength` and `maxLength`.

use std::cell::RefCell;
use std::collections::HashMap;

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
        && !matches(pattern, value).map_err(|e| invalid(field, e))?
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

/// Whether `value` matches `pattern`, or why the pattern cannot be compiled.
///
/// Each thread compiles a pattern once and keeps it (a failure too), so calls share no
/// lock: a `Regex` shared between threads would hand out its match scratch space under a
/// mutex, and a clone of one per call would allocate that space anew each time.
fn matches(pattern: &'static str, value: &str) -> Result<bool, String> {
    type Compiled = HashMap<&'static str, Result<Regex, String>>;
    thread_local! {
        static COMPILED: RefCell<Compiled> = RefCell::default();
    }
    COMPILED.with_borrow_mut(|compiled| {
        let re = compiled.entry(pattern).or_insert_with(|| {
            Regex::new(pattern).map_err(|e| format!("has a pattern the client cannot compile: {e}"))
        });
        match re {
            Ok(re) => Ok(re.is_match(value)),
            Err(e) => Err(e.clone()),
        }
    })
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

    #[test]
    fn a_pattern_that_cannot_compile_is_reported_at_every_call() {
        for _ in 0..2 {
            let err = check_string("code", "A1", Some("(unclosed"), None, None).unwrap_err();
            assert!(err.reason.contains("cannot compile"), "{err:?}");
        }
    }

    #[test]
    fn patterns_are_checked_alike_on_every_thread() {
        std::thread::scope(|scope| {
            for digits in ["9600098867", "960009886"] {
                scope.spawn(move || {
                    for _ in 0..3 {
                        let checked = check_string("mobile", digits, Some(MOBILE), None, None);
                        assert_eq!(checked.is_ok(), digits.len() == 10, "{digits}");
                    }
                });
            }
        });
    }
}
