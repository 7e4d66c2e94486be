//! Rust names for spec names: types, fields, variants and functions.
//!
//! Every name the spec gives is turned into an idiomatic Rust identifier with `heck`,
//! made legal (keywords, leading digits, empty names, characters Rust identifiers cannot
//! hold) and made unique within its scope. The wire name is always kept beside it, so serde
//! renames back exactly. This module is the one place identifiers are made: whatever string
//! comes in (`x-rust-name: "foo bar"`, a property `x²`, an empty operationId), what comes
//! out is a valid identifier, and nothing here panics.

use std::collections::BTreeSet;

use heck::{ToSnakeCase, ToUpperCamelCase};

/// Words that cannot be used as identifiers; raw identifiers (`r#type`) fix most of them.
const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern",
    "false", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut",
    "pub", "ref", "return", "self", "Self", "static", "struct", "super", "trait", "true", "type",
    "unsafe", "use", "where", "while", "abstract", "become", "box", "do", "final", "macro",
    "override", "priv", "try", "typeof", "unsized", "virtual", "yield",
];

/// Keywords that cannot be raw identifiers; these get a trailing underscore instead.
const NOT_RAW: &[&str] = &["self", "Self", "super", "crate", "extern", "_"];

/// `snake_case` for fields, parameters and functions. Keywords come back as raw
/// identifiers (`r#type`) or with a trailing underscore (`self_`).
pub fn field_name(wire: &str) -> String {
    let snake = wire.to_snake_case();
    legal(
        if snake.is_empty() {
            "field".to_owned()
        } else {
            snake
        },
        "field_",
    )
}

/// `SCREAMING_SNAKE_CASE` for constants (servers, envelope shapes).
pub fn const_name(label: &str) -> String {
    field_name(label)
        .trim_start_matches("r#")
        .to_ascii_uppercase()
}

/// `UpperCamelCase` for types and enum variants.
pub fn type_name(wire: &str) -> String {
    let camel = wire.to_upper_camel_case();
    legal(
        if camel.is_empty() {
            "Empty".to_owned()
        } else {
            camel
        },
        "V",
    )
}

/// A name the caller chose (`x-rust-name`) made legal the same way, keeping its case.
pub fn chosen_field_name(wanted: &str) -> String {
    let legal_text = legal(wanted.trim().to_owned(), "field_");
    if bare(&legal_text).trim_matches('_').is_empty() {
        field_name(wanted)
    } else {
        legal_text
    }
}

/// Whether `name` is already a valid identifier (raw `r#` prefix allowed).
pub fn is_ident(name: &str) -> bool {
    let body = bare(name);
    let mut chars = body.chars();
    chars
        .next()
        .is_some_and(|c| c == '_' || unicode_ident::is_xid_start(c))
        && chars.all(unicode_ident::is_xid_continue)
        && body != "_"
        && !(name.starts_with("r#") && NOT_RAW.contains(&body))
}

fn legal(name: String, digit_prefix: &str) -> String {
    // Characters an identifier cannot hold (spaces, punctuation, `²`) become `_`; runs of
    // them collapse, and they are trimmed from both ends.
    let mut mapped = String::with_capacity(name.len());
    for c in name.chars() {
        let c = if c == '_' || unicode_ident::is_xid_continue(c) {
            c
        } else {
            '_'
        };
        if !(c == '_' && mapped.ends_with('_')) {
            mapped.push(c);
        }
    }
    let trimmed = mapped.trim_matches('_');
    let name = if trimmed.is_empty() {
        // Nothing usable: the prefix alone names it (`field`, `V`).
        digit_prefix.trim_end_matches('_').to_owned()
    } else if trimmed.starts_with(|c: char| !unicode_ident::is_xid_start(c)) {
        // A digit, or another character that may continue but not start an identifier.
        format!("{digit_prefix}{trimmed}")
    } else {
        trimmed.to_owned()
    };
    if NOT_RAW.contains(&name.as_str()) {
        format!("{name}_")
    } else if KEYWORDS.contains(&name.as_str()) {
        format!("r#{name}")
    } else {
        name
    }
}

/// The identifier without a raw prefix, for building other names from it.
pub fn bare(ident: &str) -> &str {
    ident.strip_prefix("r#").unwrap_or(ident)
}

/// Hands out names unique within one scope: a struct's fields, a module's types.
/// The first claimant of a name keeps it; later ones get `_2`, `_3`… (or `2`, `3`… for
/// types), in spec order, so the result is deterministic.
#[derive(Debug, Default)]
pub struct Scope {
    taken: BTreeSet<String>,
}

impl Scope {
    pub fn new() -> Self {
        Self::default()
    }

    /// A scope where `reserved` names are already taken.
    pub fn with_reserved(reserved: &[&str]) -> Self {
        Scope {
            taken: reserved.iter().map(|s| s.to_string()).collect(),
        }
    }

    pub fn claim(&mut self, wanted: &str) -> String {
        if self.taken.insert(bare(wanted).to_owned()) {
            return wanted.to_owned();
        }
        // `card_id` → `card_id_2`, `self_` → `self_2` (not `self__2`), `Client` → `Client2`.
        let sep = if wanted.starts_with(|c: char| c.is_uppercase()) || wanted.ends_with('_') {
            ""
        } else {
            "_"
        };
        (2..)
            .map(|n| format!("{}{sep}{n}", bare(wanted)))
            .find(|candidate| self.taken.insert(candidate.clone()))
            .expect("an unbounded range always yields a free name")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_snake_case_and_legal() {
        assert_eq!(field_name("coinConfigId"), "coin_config_id");
        assert_eq!(field_name("response_code"), "response_code");
        assert_eq!(field_name("type"), "r#type");
        assert_eq!(field_name("self"), "self_");
        assert_eq!(field_name("2fa"), "field_2fa");
        assert_eq!(field_name("card-id"), "card_id");
        assert_eq!(field_name("$"), "field");
        assert_eq!(field_name("cKycEnabled"), "c_kyc_enabled");
    }

    #[test]
    fn types_are_upper_camel_case_and_legal() {
        assert_eq!(type_name("reward_card"), "RewardCard");
        assert_eq!(type_name("UL"), "Ul");
        assert_eq!(type_name("2XX"), "V2xx");
        assert_eq!(type_name(""), "Empty");
        assert_eq!(type_name("Self"), "Self_");
    }

    #[test]
    fn any_string_gives_a_valid_identifier() {
        for wanted in [
            "foo bar",
            "x²",
            "²",
            "",
            " ",
            "-",
            "__",
            "1st",
            "٣",
            "a-b",
            "A B",
            "Self",
            "self",
            "super",
            "crate",
            "_",
            "r#type",
            "gen",
            "async",
            "try",
            "ünïcode",
            "e\u{301}",
            "💳",
            "$ref",
            "a\u{0}b",
            "_private",
        ] {
            for name in [
                field_name(wanted),
                type_name(wanted),
                chosen_field_name(wanted),
            ] {
                assert!(is_ident(&name), "{wanted:?} gave {name:?}");
            }
        }
        assert_eq!(chosen_field_name("foo bar"), "foo_bar");
        assert_eq!(field_name("x²"), "x");
        assert_eq!(field_name("²"), "field");
        assert_eq!(type_name("²"), "V");
        assert_eq!(field_name("gen"), "r#gen");
        assert_eq!(chosen_field_name("  "), "field");
    }

    #[test]
    fn scopes_deduplicate_in_order() {
        let mut scope = Scope::new();
        assert_eq!(scope.claim("card_id"), "card_id");
        assert_eq!(scope.claim("card_id"), "card_id_2");
        assert_eq!(scope.claim("card_id"), "card_id_3");
        let mut types = Scope::with_reserved(&["Client"]);
        assert_eq!(types.claim("Client"), "Client2");
        let mut raw = Scope::new();
        assert_eq!(raw.claim("r#type"), "r#type");
        assert_eq!(raw.claim("r#type"), "type_2");
        let mut underscored = Scope::new();
        assert_eq!(underscored.claim("self_"), "self_");
        assert_eq!(underscored.claim("self_"), "self_2");
    }
}
