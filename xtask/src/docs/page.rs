//! The reader of EnKash doc page text: what a browser copies from a page of EnKash's developer
//! portal (sidebar and page chrome included), read into the operation as the page states it.
//!
//! The pages come in several layouts (the portal has changed over the years) and the copy loses
//! things: indentation (a field's children follow it unindented), spaces (`stringÂ`, a path
//! glued to the next word), and sometimes the end of the page (`[...]`). The reader never
//! guesses silently: what it could not see is recorded in [`Page::unseen`], so a comparison
//! says "cannot tell" rather than "removed".

use serde_json::Value;

/// One page, as read.
#[derive(Debug, Default)]
pub struct Page {
    pub title: Option<String>,
    pub method: Option<String>,
    pub path: Option<String>,
    pub deprecated: bool,
    /// Prose between the operation's heading and its request.
    pub description: Vec<String>,
    /// Path, query and header parameters, in page order.
    pub params: Vec<Param>,
    /// The request body's media type and fields (dotted names, parents first).
    pub body_media: Option<String>,
    pub body_fields: Vec<Field>,
    pub request_examples: Vec<Example>,
    pub curls: Vec<Curl>,
    pub responses: Vec<Response>,
    /// Field tables of a guide page (`Field | Description`), each under its section heading.
    pub tables: Vec<Table>,
    /// The page stops mid-way (`[...]`): nothing after the cut can be compared.
    pub cut: bool,
    /// Parts the page shows as a heading with nothing under it (e.g. "Body Params" in the newest
    /// layout, which renders parameter lists empty). Named as a finding's field.
    pub unseen: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Location {
    Path,
    Query,
    Header,
}

impl Location {
    pub fn as_str(self) -> &'static str {
        match self {
            Location::Path => "path",
            Location::Query => "query",
            Location::Header => "header",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Param {
    pub location: Location,
    pub field: Field,
}

/// A documented field or parameter.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Field {
    /// Dotted from the list's root (`payload.cardStatus`).
    pub name: String,
    /// `string`, `integer`, `number`, `boolean`, `object`, `array` (as drawn, without damage).
    pub ty: String,
    pub required: Option<bool>,
    pub description: Vec<String>,
    pub example: Option<String>,
    pub pattern: Option<String>,
    /// The values of an enum drawn as an object with one required child per value.
    pub enum_values: Vec<String>,
    /// A map (free keys) drawn as an object whose child is a key placeholder
    /// (`additionalProperties`, `additionalProp1`, `{key}`, `<key>`).
    pub map: bool,
}

#[derive(Debug, Clone)]
pub struct Example {
    pub value: Value,
    /// Part of it was not shown: the page is cut inside it, or it elides members with `...`.
    pub partial: bool,
    /// Drawn from the schema by the portal (`"string"`, `"stringstri"` for every value): its
    /// member names are evidence, its values are not.
    pub placeholder: bool,
}

#[derive(Debug, Clone, Default)]
pub struct Curl {
    pub method: Option<String>,
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub data: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct Response {
    pub status: String,
    /// The dotted root of the field list: empty for the whole body, `payload` when the page
    /// lists the payload's fields alone under an enveloped example.
    pub root: String,
    pub fields: Vec<Field>,
    pub examples: Vec<Example>,
}

#[derive(Debug, Clone)]
pub struct Table {
    pub heading: String,
    pub rows: Vec<(String, String)>,
}

/// Why a text is not a page this reader can use.
#[derive(Debug, PartialEq, Eq)]
pub enum NotAPage {
    Empty,
    Binary,
    /// Neither an operation heading (method and path) nor a guide's field tables and examples.
    NoOperation,
    /// Two operation headings: two pages pasted together.
    TwoOperations {
        first: String,
        second: String,
    },
}

impl std::fmt::Display for NotAPage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NotAPage::Empty => write!(f, "the file is empty"),
            NotAPage::Binary => write!(f, "the file is not text (binary or not UTF-8)"),
            NotAPage::NoOperation => write!(
                f,
                "no EnKash operation found: no method and path heading, and no guide with field tables or examples"
            ),
            NotAPage::TwoOperations { first, second } => write!(
                f,
                "two operations in one file ({first} and {second}): two pages pasted together? Save each page to its own file"
            ),
        }
    }
}

const METHODS: [&str; 7] = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];

/// Reads one page's text.
pub fn read(bytes: &[u8]) -> Result<Page, NotAPage> {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return Err(NotAPage::Binary);
    };
    if text.contains('\0') {
        return Err(NotAPage::Binary);
    }
    if text.trim().is_empty() {
        return Err(NotAPage::Empty);
    }
    let lines: Vec<String> = text.lines().map(clean).collect();
    let headings: Vec<usize> = (0..lines.len())
        .filter(|&i| heading_at(&lines, i).is_some())
        .collect();
    if headings.len() > 1 {
        let name = |i: usize| {
            let (method, path, _) = heading_at(&lines, i).unwrap_or_default();
            format!("{method} {path}")
        };
        let (first, second) = (name(headings[0]), name(headings[1]));
        if first != second {
            return Err(NotAPage::TwoOperations { first, second });
        }
    }
    let mut page = Page::default();
    let body_start = match headings.first() {
        Some(&i) => {
            let (method, path, rest) = heading_at(&lines, i).unwrap_or_default();
            page.method = Some(method);
            page.path = Some(path);
            page.title = title_before(&lines, i);
            page.deprecated = lines[i.saturating_sub(3)..i]
                .iter()
                .any(|l| l.eq_ignore_ascii_case("deprecated"));
            if !rest.is_empty() && rest != "Request" {
                page.description.push(rest);
            }
            i + 2
        }
        None => {
            page.title = guide_title(&lines);
            0
        }
    };
    Reader {
        lines: &lines,
        at: body_start,
        page: &mut page,
    }
    .read_body();
    restore_nesting(&mut page);
    if page.method.is_none() && page.tables.is_empty() && page.request_examples.is_empty() {
        return Err(NotAPage::NoOperation);
    }
    Ok(page)
}

/// Undoes the copy's damage to one line: `Â` before a non-breaking space, the non-breaking
/// space itself, and trailing blanks.
fn clean(line: &str) -> String {
    line.replace('\u{a0}', " ")
        .replace('Â', "")
        .trim_end()
        .to_owned()
}

/// The operation heading at line `i`: a method (alone, or glued to a badge such as
/// `DevelopingPOST`) followed by a line starting with the path. Returns the method, the path and
/// what the copy glued to the path's line.
fn heading_at(lines: &[String], i: usize) -> Option<(String, String, String)> {
    let line = lines[i].trim();
    let method = METHODS.iter().find(|m| {
        line == **m
            || (line.ends_with(*m)
                && line.len() > m.len()
                && line[..line.len() - m.len()].eq_ignore_ascii_case("developing"))
    })?;
    let next = lines.get(i + 1)?.trim();
    if !next.starts_with('/') {
        return None;
    }
    let end = next
        .find(|c: char| !(c.is_ascii_alphanumeric() || "/{}_-.".contains(c)))
        .unwrap_or(next.len());
    let mut path = next[..end].trim_end_matches(['-', '.']).to_owned();
    let mut rest = next[path.len()..].trim().to_owned();
    // `…/getRequest`: the path's line swallowed the "Request" heading that follows it.
    if rest.is_empty() && path.ends_with("Request") && path.len() > "/Request".len() {
        path.truncate(path.len() - "Request".len());
        rest = "Request".to_owned();
    }
    // `/oauth/token- Get userName…`: a description list glued to the path.
    let rest = rest.trim_start_matches('-').trim().to_owned();
    Some(((*method).to_owned(), path, rest))
}

fn title_before(lines: &[String], i: usize) -> Option<String> {
    lines[..i]
        .iter()
        .rev()
        .map(|l| l.trim())
        .find(|l| {
            !l.is_empty()
                && !l.eq_ignore_ascii_case("developing")
                && !l.eq_ignore_ascii_case("deprecated")
        })
        .map(str::to_owned)
}

/// A guide's title: the first line that is not page chrome (sidebar entries start with `-`,
/// `•` or a number; "Home", "Login" and the portal's name are chrome).
fn guide_title(lines: &[String]) -> Option<String> {
    lines
        .iter()
        .map(|l| l.trim())
        .find(|l| {
            !l.is_empty()
                && !l.starts_with(['-', '•'])
                && !["Home", "Login", "Enkash Developer Portal"].contains(l)
        })
        .map(str::to_owned)
}

fn type_word(line: &str) -> Option<String> {
    let line = line.trim();
    let base = line.split(['[', '<', ' ']).next().unwrap_or("");
    [
        "string", "integer", "number", "boolean", "object", "array", "null",
    ]
    .contains(&base)
    .then(|| base.to_owned())
}

fn is_section(line: &str) -> bool {
    let line = line.trim();
    [
        "Request",
        "Authorization",
        "Path Params",
        "Query Params",
        "Header Params",
        "Cookie Params",
        "Example",
        "Request samples",
        "Request Code Samples",
        "Responses",
        "Body",
        "Data Schema",
    ]
    .contains(&line)
        || line.starts_with("Body Params")
        || status_of(line).is_some()
        || is_end(line)
}

fn is_end(line: &str) -> bool {
    let line = line.trim();
    line == "[...]" || line.starts_with("Modified at ") || line.starts_with("Last modified:")
}

/// `🟢200Success`, `Success(200)`, `HTTP Code: 200`, `🟠400Bad Request`.
fn status_of(line: &str) -> Option<String> {
    let line = line.trim();
    if let Some(rest) = line.strip_prefix("HTTP Code:") {
        return Some(rest.trim().to_owned());
    }
    let digits_in = |s: &str| -> Option<String> {
        let d: String = s.chars().filter(char::is_ascii_digit).collect();
        (d.len() == 3).then_some(d)
    };
    if let Some(open) = line.find('(')
        && line.ends_with(')')
        && line[..open].chars().all(|c| c.is_alphabetic() || c == ' ')
    {
        return digits_in(&line[open + 1..line.len() - 1]);
    }
    let start = line.find(|c: char| c.is_ascii_digit())?;
    let lead = &line[..start];
    if !lead.is_empty() && lead.chars().all(|c| !c.is_ascii()) {
        let digits: String = line[start..]
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        if digits.len() == 3 {
            return Some(digits);
        }
    }
    None
}

/// A map's key drawn as a field name.
fn key_placeholder(name: &str) -> bool {
    name == "additionalProperties"
        || name
            .strip_prefix("additionalProp")
            .is_some_and(|n| n.chars().all(|c| c.is_ascii_digit()))
        || (name.len() > 2
            && ((name.starts_with('{') && name.ends_with('}'))
                || (name.starts_with('<') && name.ends_with('>'))
                || (name.starts_with('[') && name.ends_with(']'))))
}

fn enum_like(name: &str) -> bool {
    name.len() > 1
        && name
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
        && name.chars().next().is_some_and(|c| c.is_ascii_uppercase())
}

struct Reader<'a> {
    lines: &'a [String],
    at: usize,
    page: &'a mut Page,
}

enum Lists {
    Params,
    Body,
    Response,
}

impl Reader<'_> {
    fn line(&self) -> Option<&str> {
        self.lines.get(self.at).map(|l| l.trim())
    }

    fn read_body(&mut self) {
        let mut in_responses = false;
        let mut heading = String::new();
        while let Some(line) = self.line() {
            let line = line.to_owned();
            if is_end(&line) {
                self.page.cut |= line == "[...]";
                if line == "[...]" {
                    self.mark_cut_parts(in_responses);
                }
                self.at += 1;
                continue;
            }
            if let Some(media) = line.strip_prefix("Body Params") {
                self.read_body_params(media);
                continue;
            }
            let location = match line.as_str() {
                "Path Params" => Some(Location::Path),
                "Query Params" => Some(Location::Query),
                "Header Params" | "Cookie Params" => Some(Location::Header),
                _ => None,
            };
            if let Some(location) = location {
                self.read_params(location);
                continue;
            }
            if line == "Authorization" && !in_responses {
                self.skip_authorization_box();
                continue;
            }
            if line == "Responses" {
                in_responses = true;
                self.at += 1;
                continue;
            }
            if in_responses && self.read_response_part(&line) {
                continue;
            }
            if line.starts_with("curl ") {
                let curl = self.read_curl();
                self.page.curls.push(curl);
                continue;
            }
            // A guide can glue an example to the sentence before it (`… uniqueReferenceNumber\n.{`).
            let glued =
                line.ends_with('{') && line.len() > 1 && !line.contains('"') && !line.contains(':');
            if line.starts_with('{') || line.starts_with('[') || glued {
                self.read_example(in_responses);
                continue;
            }
            if line.starts_with("Field |") || line.starts_with("Field|") {
                self.at += 1;
                let rows = self.read_table();
                self.page.tables.push(Table {
                    heading: heading.clone(),
                    rows,
                });
                continue;
            }
            if line.chars().next().is_some_and(|c| c.is_ascii_digit()) && line.contains(". ") {
                heading = line.clone();
            }
            if self.page.method.is_some()
                && !in_responses
                && self.page.params.is_empty()
                && self.page.body_fields.is_empty()
                && !is_section(&line)
                && !line.starts_with(['📌', '#'])
                && line != "Request"
                && !line.is_empty()
            {
                self.page.description.push(line.clone());
            }
            self.at += 1;
        }
        if self.page.cut && self.page.responses.is_empty() && self.page.method.is_some() {
            self.page.unseen.push("response".to_owned());
        }
    }

    /// `Body Params <media>` and its field list (none shown: the list is unseen).
    fn read_body_params(&mut self, media: &str) {
        self.page.body_media = Some(media.trim().to_owned()).filter(|m| !m.is_empty());
        self.at += 1;
        let fields = self.read_fields(Lists::Body);
        if fields.is_empty() {
            self.page.unseen.push("request.body".to_owned());
        }
        self.page.body_fields = fields;
    }

    /// A parameter list's heading and its fields (none shown: the list is unseen).
    fn read_params(&mut self, location: Location) {
        self.at += 1;
        let fields = self.read_fields(Lists::Params);
        if fields.is_empty() {
            self.page
                .unseen
                .push(format!("request.{}", location.as_str()));
        }
        let params = fields.into_iter().map(|field| Param { location, field });
        self.page.params.extend(params);
    }

    /// The portal's "provide your bearer token" box: the security scheme, drawn.
    fn skip_authorization_box(&mut self) {
        self.at += 1;
        while self
            .line()
            .is_some_and(|l| !is_section(l) || l == "Authorization")
        {
            self.at += 1;
        }
    }

    /// A status line or a body field list of the answers; `false` for any other line.
    fn read_response_part(&mut self, line: &str) -> bool {
        if let Some(status) = status_of(line) {
            if self
                .page
                .responses
                .last()
                .is_none_or(|r| r.status != status)
            {
                self.page.responses.push(Response {
                    status,
                    ..Response::default()
                });
            }
            self.at += 1;
            return true;
        }
        if line == "Body" || line == "Data Schema" {
            self.at += 1;
            let fields = self.read_fields(Lists::Response);
            if let Some(r) = self.page.responses.last_mut() {
                r.fields = fields;
            }
            return true;
        }
        false
    }

    /// A JSON example: an answer's under "Responses" (or, on a guide, one with an envelope),
    /// a request's otherwise.
    fn read_example(&mut self, in_responses: bool) {
        let example = self.read_json();
        let is_answer = example.value.get("payload").is_some()
            && (example.value.get("code").is_some()
                || example.value.get("response_code").is_some());
        if !in_responses && (self.page.method.is_some() || !is_answer) {
            self.page.request_examples.push(example);
            return;
        }
        match self.page.responses.last_mut() {
            Some(r) if in_responses => r.examples.push(example),
            _ => self.page.responses.push(Response {
                status: "200".to_owned(),
                examples: vec![example],
                ..Response::default()
            }),
        }
    }

    /// The page stops here: the part being read when it stopped cannot be compared whole.
    fn mark_cut_parts(&mut self, in_responses: bool) {
        if in_responses
            && let Some(r) = self.page.responses.last()
            && r.examples.is_empty()
        {
            self.page
                .unseen
                .push(format!("response.{}.example", r.status));
        }
    }

    /// A list of fields: `name`, a type line, then optionally `required`/`optional`, and lines
    /// for the description, `Example:`, `Match pattern:` and length bounds. Nesting is lost in
    /// the copy; [`nest`] restores it from the examples once they are read.
    fn read_fields(&mut self, list: Lists) -> Vec<Field> {
        let mut fields: Vec<Field> = Vec::new();
        while let Some(line) = self.line() {
            if is_section(line) || line.starts_with("curl ") {
                break;
            }
            let next_is_type = self.lines.get(self.at + 1).and_then(|l| type_word(l));
            if let Some(ty) = next_is_type.filter(|_| !line.is_empty() && !line.contains(' ')) {
                fields.push(Field {
                    name: line.to_owned(),
                    ty,
                    ..Field::default()
                });
                self.at += 2;
                continue;
            }
            let Some(field) = fields.last_mut() else {
                // Chrome between a heading and its list (e.g. `application/json`).
                self.at += 1;
                continue;
            };
            match line {
                "required" => field.required = Some(true),
                "optional" => field.required = Some(false),
                "Example:" => {
                    field.example = self.lines.get(self.at + 1).map(|l| l.trim().to_owned());
                    self.at += 1;
                }
                "Match pattern:" => {
                    field.pattern = self.lines.get(self.at + 1).map(|l| l.trim().to_owned());
                    self.at += 1;
                }
                l if l.starts_with(">=") || l.starts_with("<=") || l.is_empty() => {}
                l if matches!(list, Lists::Response) && l.starts_with("application/") => {}
                l => field.description.push(l.to_owned()),
            }
            self.at += 1;
        }
        fields
    }

    fn read_table(&mut self) -> Vec<(String, String)> {
        let mut rows = Vec::new();
        while let Some(line) = self.line() {
            if line.starts_with("---") {
                self.at += 1;
                continue;
            }
            let cells: Vec<&str> = line.split('|').map(str::trim).collect();
            if cells.len() < 2 {
                break;
            }
            rows.push((cells[0].to_owned(), cells[1].to_owned()));
            self.at += 1;
        }
        rows
    }

    /// A JSON example from its first line to where its brackets balance. A page cut inside it,
    /// or members elided with `...`, make it partial: what it shows is kept.
    fn read_json(&mut self) -> Example {
        let mut text = String::new();
        let mut depth = 0i32;
        let mut in_string = false;
        let mut escaped = false;
        let mut partial = false;
        let mut first = true;
        while let Some(line) = self.lines.get(self.at) {
            let line = match line.find(['{', '[']) {
                Some(start) if first => &line[start..],
                _ => line.as_str(),
            };
            first = false;
            let trimmed = line.trim();
            if trimmed == "[...]" {
                partial = true;
                self.page.cut = true;
                break;
            }
            self.at += 1;
            if trimmed == "..." || trimmed == "…" {
                partial = true;
                continue;
            }
            let mut end = None;
            for (i, c) in line.char_indices() {
                if in_string {
                    match (escaped, c) {
                        (true, _) => escaped = false,
                        (false, '\\') => escaped = true,
                        (false, '"') => in_string = false,
                        _ => {}
                    }
                    continue;
                }
                match c {
                    '"' => in_string = true,
                    '{' | '[' => depth += 1,
                    '}' | ']' => {
                        depth -= 1;
                        if depth == 0 {
                            end = Some(i + 1);
                            break;
                        }
                    }
                    _ => {}
                }
            }
            match end {
                Some(end) => {
                    text.push_str(&line[..end]);
                    // What follows the closing bracket on the same line (`}=====`, a next
                    // heading) is not part of the example.
                    break;
                }
                None => {
                    text.push_str(line);
                    text.push('\n');
                }
            }
        }
        let value = parse_lenient(&text, &mut partial);
        let placeholder = is_placeholder(&value);
        Example {
            value,
            partial,
            placeholder,
        }
    }

    fn read_curl(&mut self) -> Curl {
        let mut text = String::new();
        let mut quote_open = false;
        while let Some(line) = self.lines.get(self.at) {
            self.at += 1;
            quote_open ^= line.matches('\'').count() % 2 == 1;
            text.push_str(line);
            text.push('\n');
            if !quote_open && !line.trim_end().ends_with('\\') {
                break;
            }
        }
        parse_curl(&text)
    }
}

/// Every leaf is a string that starts with `string`: the portal's rendering of a schema.
fn is_placeholder(value: &Value) -> bool {
    fn leaves<'v>(v: &'v Value, out: &mut Vec<&'v Value>) {
        match v {
            Value::Object(m) => m.values().for_each(|v| leaves(v, out)),
            Value::Array(a) => a.iter().for_each(|v| leaves(v, out)),
            v => out.push(v),
        }
    }
    let mut all = Vec::new();
    leaves(value, &mut all);
    !all.is_empty()
        && all
            .iter()
            .all(|v| v.as_str().is_some_and(|s| s.starts_with("string")))
}

/// Parses JSON as shown on a page; a cut or elided example is closed after its last complete
/// member (the rest is unknown, and `partial` says so).
fn parse_lenient(text: &str, partial: &mut bool) -> Value {
    if let Ok(v) = serde_json::from_str(text) {
        return v;
    }
    *partial = true;
    // Drop a dangling comma, then close what is open, innermost first; if a member is cut
    // mid-way, drop lines from the end until it parses.
    let mut lines: Vec<&str> = text.lines().collect();
    while !lines.is_empty() {
        let mut candidate = lines.join("\n");
        let trimmed = candidate.trim_end().trim_end_matches(',').to_owned();
        candidate = trimmed;
        let mut stack = Vec::new();
        let mut in_string = false;
        let mut escaped = false;
        for c in candidate.chars() {
            if in_string {
                match (escaped, c) {
                    (true, _) => escaped = false,
                    (false, '\\') => escaped = true,
                    (false, '"') => in_string = false,
                    _ => {}
                }
                continue;
            }
            match c {
                '"' => in_string = true,
                '{' => stack.push('}'),
                '[' => stack.push(']'),
                '}' | ']' => {
                    stack.pop();
                }
                _ => {}
            }
        }
        if !in_string {
            while let Some(close) = stack.pop() {
                candidate.push(close);
            }
            // `...` removed from the middle of an object can leave `,\n}`.
            let candidate = candidate.replace(",\n}", "\n}").replace(",}", "}");
            if let Ok(v) = serde_json::from_str(&candidate) {
                return v;
            }
        }
        lines.pop();
    }
    Value::Null
}

fn parse_curl(text: &str) -> Curl {
    let mut curl = Curl::default();
    let words = shell_words(text);
    let mut it = words.into_iter().skip(1);
    while let Some(w) = it.next() {
        match w.as_str() {
            "--request" | "-X" => curl.method = it.next(),
            "--header" | "-H" => {
                if let Some(h) = it.next()
                    && let Some((k, v)) = h.split_once(':')
                {
                    curl.headers
                        .push((k.trim().to_owned(), v.trim().to_owned()));
                }
            }
            "--data-raw" | "--data" | "-d" | "--data-urlencode" => curl.data = it.next(),
            "--location" | "-L" | "\\" => {}
            w if !w.starts_with('-') && curl.url.is_empty() => curl.url = w.to_owned(),
            _ => {}
        }
    }
    curl
}

/// Splits a curl command as a shell would: single and double quotes, `\` line continuations.
fn shell_words(text: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut has_word = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                has_word = true;
                for c in chars.by_ref() {
                    if c == '\'' {
                        break;
                    }
                    word.push(c);
                }
            }
            '"' => {
                has_word = true;
                while let Some(c) = chars.next() {
                    match c {
                        '"' => break,
                        '\\' => {
                            if let Some(n) = chars.next() {
                                word.push(n);
                            }
                        }
                        c => word.push(c),
                    }
                }
            }
            '\\' if chars.peek() == Some(&'\n') => {
                chars.next();
            }
            c if c.is_whitespace() => {
                if has_word {
                    words.push(std::mem::take(&mut word));
                    has_word = false;
                }
            }
            c => {
                has_word = true;
                word.push(c);
            }
        }
    }
    if has_word {
        words.push(word);
    }
    words
}

fn restore_nesting(page: &mut Page) {
    let example = page.request_examples.first().map(|e| e.value.clone());
    let fields = std::mem::take(&mut page.body_fields);
    page.body_fields = nest(fields, example.as_ref()).0;
    for r in &mut page.responses {
        let example = r.examples.first().map(|e| e.value.clone());
        let (fields, root) = nest(std::mem::take(&mut r.fields), example.as_ref());
        r.fields = fields;
        r.root = root;
    }
}

/// Restores the nesting the copy lost, from the field list's own order and the example that
/// goes with it: the portal draws a parent, then its children, then the parent's next sibling.
///
/// A name is placed under the innermost open object whose example has that member; failing
/// that, an upper-case name under an object with no other children is an enum value drawn as a
/// field; failing that, objects that got no child are closed (drawn childless) and the name is
/// a sibling of the previous field. Returns the fields with dotted names and the list's root
/// (`payload` when the list holds only the payload's members of an enveloped example).
pub fn nest(fields: Vec<Field>, example: Option<&Value>) -> (Vec<Field>, String) {
    let mut root = String::new();
    let mut root_example = example;
    if let (Some(ex), Some(first)) = (example, fields.first()) {
        let payload = ex.get("payload").filter(|p| p.is_object());
        if ex.get(&first.name).is_none() && payload.is_some_and(|p| p.get(&first.name).is_some()) {
            root = "payload".to_owned();
            root_example = payload;
        }
    }
    struct Frame<'v> {
        name: String,
        example: Option<&'v Value>,
        children: usize,
        enum_drawing: bool,
        map_drawing: bool,
    }
    let mut stack: Vec<Frame> = vec![Frame {
        name: String::new(),
        example: root_example,
        children: usize::MAX,
        enum_drawing: false,
        map_drawing: false,
    }];
    let mut out: Vec<Field> = Vec::new();
    for mut field in fields {
        let top = stack.len() - 1;
        let member_of = |f: &Frame| {
            f.example
                .and_then(|e| e.as_object())
                .is_some_and(|o| o.contains_key(&field.name))
        };
        let enum_value = top > 0
            && enum_like(&field.name)
            && (stack[top].children == 0 || stack[top].enum_drawing)
            && !member_of(&stack[top]);
        // A map's key placeholder: the parent is a map, the placeholder is no member.
        if top > 0 && key_placeholder(&field.name) {
            let parent = stack[top].name.clone();
            stack[top].children += 1;
            stack[top].map_drawing = true;
            if let Some(p) = out.iter_mut().rev().find(|f| f.name == parent) {
                p.map = true;
            }
            continue;
        }
        if enum_value {
            let frame = &mut stack[top];
            frame.children += 1;
            frame.enum_drawing = true;
            let parent = frame.name.clone();
            if let Some(p) = out.iter_mut().rev().find(|f| f.name == parent) {
                p.enum_values.push(field.name.clone());
            }
            continue;
        }
        if let Some(level) = stack.iter().rposition(member_of) {
            stack.truncate(level + 1);
        } else {
            while stack.len() > 1 {
                let f = &stack[stack.len() - 1];
                // An enum or map drawing ends at the first name that is not a value or key; an object the
                // example describes but that got no child was drawn childless. An object with
                // no example keeps what follows (the drawing is all there is).
                let closed =
                    f.enum_drawing || f.map_drawing || (f.children == 0 && f.example.is_some());
                if closed {
                    stack.pop();
                } else {
                    break;
                }
            }
        }
        let parent = stack.last_mut().expect("the root frame is never popped");
        parent.children = parent.children.saturating_add(1);
        let member_example = parent.example.and_then(|e| e.get(&field.name));
        let dotted = if parent.name.is_empty() {
            field.name.clone()
        } else {
            format!("{}.{}", parent.name, field.name)
        };
        field.name = dotted.clone();
        if field.ty == "object" {
            stack.push(Frame {
                name: dotted,
                example: member_example,
                children: 0,
                enum_drawing: false,
                map_drawing: false,
            });
        }
        out.push(field);
    }
    (out, root)
}
