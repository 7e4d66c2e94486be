//! The differences between EnKash's pages and the spec that are decisions, not drift: the
//! table "Differences the docs check accepts" at the end of `spec/CURATION.md`. Each row names
//! the operation (or `*`), the finding's fields (comma-separated; a trailing `*` matches a
//! prefix), its kind (or `*`) and, in words, the curation row or spec note that explains it.

pub const HEADING: &str = "## Differences the docs check accepts";

#[derive(Debug, Clone)]
pub struct Rule {
    pub operation: String,
    pub fields: Vec<String>,
    pub kind: String,
    pub because: String,
    /// Line in CURATION.md, for the reader of a finding.
    pub line: usize,
}

#[derive(Debug, Default)]
pub struct Curation {
    pub rules: Vec<Rule>,
}

impl Curation {
    /// Reads the table; a row that does not have four cells is an error naming its line.
    pub fn parse(text: &str) -> Result<Curation, String> {
        let mut rules = Vec::new();
        let mut in_table = false;
        for (i, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.starts_with("## ") {
                in_table = line == HEADING;
                continue;
            }
            if !in_table || !line.starts_with('|') {
                continue;
            }
            let cells: Vec<String> = line
                .trim_matches('|')
                .split(" | ")
                .map(|c| c.trim().to_owned())
                .collect();
            if cells
                .first()
                .is_some_and(|c| c == "operation" || c.starts_with("---"))
            {
                continue;
            }
            let [operation, field, kind, because] = <[String; 4]>::try_from(cells).map_err(|c| {
                format!(
                    "spec/CURATION.md:{}: a row of \"{}\" needs 4 cells (operation | field | kind | because), found {}",
                    i + 1,
                    &HEADING[3..],
                    c.len()
                )
            })?;
            let unquote = |c: &str| c.trim().trim_matches('`').to_owned();
            rules.push(Rule {
                operation: unquote(&operation),
                fields: field
                    .split(',')
                    .map(unquote)
                    .filter(|f| !f.is_empty())
                    .collect(),
                kind: unquote(&kind),
                because,
                line: i + 1,
            });
        }
        Ok(Curation { rules })
    }

    pub fn explain(&self, operation: Option<&str>, field: &str, kind: &str) -> Option<&Rule> {
        self.rules.iter().find(|r| {
            (r.operation == "*" || Some(r.operation.as_str()) == operation)
                && (r.kind == "*" || r.kind == kind)
                && r.fields.iter().any(|f| match f.strip_suffix('*') {
                    Some(prefix) => field.starts_with(prefix),
                    None => f == field,
                })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_match_by_operation_field_prefix_and_kind() {
        let text = format!(
            "# x\n\n{HEADING}\n\n| operation | field | kind | because |\n|---|---|---|---|\n\
             | `*` | `request.header.Cookie` | header_mismatch | a browser cookie |\n\
             | `createCard` | `response.200.body.payload.*` | required_mismatch | examples decide |\n\
             | `x` | `request.body.a`, `request.body.b` | * | two fields |\n\n## next\n| a | b |\n"
        );
        let c = Curation::parse(&text).unwrap();
        assert_eq!(c.rules.len(), 3);
        assert!(
            c.explain(Some("x"), "request.body.b", "type_mismatch")
                .is_some()
        );
        assert!(
            c.explain(Some("x"), "request.body.c", "type_mismatch")
                .is_none()
        );
        assert!(
            c.explain(Some("x"), "request.header.Cookie", "header_mismatch")
                .is_some()
        );
        assert!(
            c.explain(Some("x"), "request.header.Cookie", "type_mismatch")
                .is_none()
        );
        assert!(
            c.explain(
                Some("createCard"),
                "response.200.body.payload.pan",
                "required_mismatch"
            )
            .is_some()
        );
        assert!(
            c.explain(
                Some("other"),
                "response.200.body.payload.pan",
                "required_mismatch"
            )
            .is_none()
        );
    }

    #[test]
    fn a_short_row_names_its_line() {
        let text = format!("{HEADING}\n| `*` | field | kind |\n");
        let e = Curation::parse(&text).unwrap_err();
        assert!(e.contains("CURATION.md:2"), "{e}");
    }
}
