//! Rust names for spec names: types, fields, variants and functions.
//!
//! Every name the spec gives is turned into an idiomatic Rust identifier with `heck`,
//! made legal (keywords, leading digits, empty names) and made unique within its scope.
//! The wire name is always kept beside it, so serde renames back exactly.

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

fn legal(name: String, digit_prefix: &str) -> String {
    let name: String = name
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let name = if name.starts_with(|c: char| c.is_ascii_digit()) {
        format!("{digit_prefix}{name}")
    } else {
        name
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
