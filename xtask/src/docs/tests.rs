//! The reader and the comparison on text cut from EnKash's real pages (`spec/pages/`), one
//! quirk per test.

use serde_json::json;

use super::compare::{Class, Finding, check};
use super::curation::Curation;
use super::page::{Location, NotAPage, Page, read};
use super::spec::Spec;

fn page(text: &str) -> Page {
    read(text.as_bytes()).expect("a page")
}

fn names(fields: &[super::page::Field]) -> Vec<&str> {
    fields.iter().map(|f| f.name.as_str()).collect()
}

/// From 002 (Allocate Coins): the sidebar lists other operations with their method glued on;
/// only the heading followed by a path is the page's operation.
#[test]
fn sidebar_entries_with_methods_are_chrome() {
    let p = page(
        "- Webhook Send Purchase Order RequestPOST\n- Get BillerTypesGET\n- Update BeneficiaryPUT\n\
         - Verification Suite\nAllocate Coins\nDeveloping\nPOST\n/api/v0/enkash-coins/allocate-coin\nRequest\n",
    );
    assert_eq!(p.title.as_deref(), Some("Allocate Coins"));
    assert_eq!(p.method.as_deref(), Some("POST"));
    assert_eq!(
        p.path.as_deref(),
        Some("/api/v0/enkash-coins/allocate-coin")
    );
}

/// From 13012983 (the newest layout): a numbered breadcrumb and bulleted sidebar whose
/// methods sit on lines of their own, under the bullet.
#[test]
fn the_newest_layouts_bullets_are_chrome_too() {
    let p = page(
        "Enkash Developer Portal\nHome\nLogin\n  1. Non Reloadable Gift Cards\n  • Non Reloadable Gift Cards\n    • Auth Token\n      POST\n\
         Home\n  1. Non Reloadable Gift Cards\n\nCreate Non Reloadable Gift Card\n\nPOST\n/api/v0/partner/enKashCard\n📌\n\
         This API allows you to create new gift cards. A load amount is mandatory to create a gift card.\n\nRequest\n\nHeader Params\n\nBody Params application/json\n\nExample\n{\n    \"loadAmount\": \"string\"\n}\n",
    );
    assert_eq!(p.title.as_deref(), Some("Create Non Reloadable Gift Card"));
    assert_eq!(p.path.as_deref(), Some("/api/v0/partner/enKashCard"));
    assert!(
        p.description
            .iter()
            .any(|d| d.contains("load amount is mandatory")),
        "{:?}",
        p.description
    );
    // Parameter lists rendered empty: unseen, not "no parameters".
    assert!(p.params.is_empty() && p.body_fields.is_empty());
    assert_eq!(p.unseen, ["request.header", "request.body"]);
    assert!(
        p.request_examples[0].placeholder,
        "every value is a type name"
    );
}

/// From 9796909: `DevelopingPOST`, and the path's line swallowed the "Request" heading.
#[test]
fn a_badge_glued_to_the_method_and_a_heading_glued_to_the_path() {
    let p = page(
        "Reward Get Card Account Details\nDevelopingPOST\n/api/v0/partner/enKashCard/cardAccount/getRequest\nHeader Params\npartnerId\nstring\nrequired\n",
    );
    assert_eq!(p.method.as_deref(), Some("POST"));
    assert_eq!(
        p.path.as_deref(),
        Some("/api/v0/partner/enKashCard/cardAccount/get")
    );
    assert_eq!(p.params[0].location, Location::Header);
    assert_eq!(p.params[0].field.name, "partnerId");
}

/// From 9820863: the description list starts on the path's line.
#[test]
fn a_description_glued_to_the_path() {
    let p = page(
        "Client Authentication\nPOST\n/oauth/token- Get userName and password from enkash\n- Call auth token Api\nRequest\n",
    );
    assert_eq!(p.path.as_deref(), Some("/oauth/token"));
    assert_eq!(p.description[0], "Get userName and password from enkash");
}

/// From 004 (Create Card): `stringÂ`, and a non-breaking space, are damage from the copy.
#[test]
fn copy_damage_after_a_type_is_removed() {
    let p = page(
        "Create\nPOST\n/api/v0/partner/enKashCard\nRequest\nBody Params application/json\nuserId\nstring\u{c2}\noptional\nmobile\nstring\u{a0}\noptional\n>= 10 characters<= 10 characters\nMatch pattern:\n^\\d{10}$\nphysicalCard\nboolean\u{c2}\noptional\n",
    );
    let f = &p.body_fields;
    assert_eq!(names(f), ["userId", "mobile", "physicalCard"]);
    assert_eq!(f[0].ty, "string");
    assert_eq!(f[1].pattern.as_deref(), Some("^\\d{10}$"));
    assert_eq!(f[2].ty, "boolean");
    assert_eq!(f[0].required, Some(false));
}

/// From 001 (Create Event): the answer's members follow `payload` unindented; the example
/// says which are the payload's.
#[test]
fn nesting_lost_in_the_copy_is_restored_from_the_example() {
    let p = page(
        "Create Event\nPOST\n/api/v0/enkash-coins/create-coins-config\nRequest\nResponses\n🟢200Success\napplication/json\nBody\n\
         payload\nobject\nrequired\ncoinConfigId\nstring\nrequired\namount\ninteger\nrequired\nresponse_code\ninteger\nrequired\n\
         Example\n{\"payload\":{\"coinConfigId\":\"WCC817428\",\"amount\":6},\"response_code\":0}",
    );
    let r = &p.responses[0];
    assert_eq!(r.status, "200");
    assert_eq!(
        names(&r.fields),
        [
            "payload",
            "payload.coinConfigId",
            "payload.amount",
            "response_code"
        ]
    );
}

/// From 000 (Update Event): `configuration` is drawn as an object with one required child per
/// enum value; the next field is its sibling again.
#[test]
fn an_enum_drawn_as_an_object_with_a_child_per_value() {
    let p = page(
        "Update Event\nPATCH\n/api/v0/enkash-coins/{coinConfigId}\nRequest\nBody Params application/json\n\
         amount\ninteger\noptional\nconfiguration\nobject\noptional\nCUSTOM\nstring\nrequired\ncompanyId\nstring\noptional\n\
         Example\n{\n\"amount\": 10,\n\"configuration\" : \"DEFAULT\"\n}\n",
    );
    assert_eq!(
        names(&p.body_fields),
        ["amount", "configuration", "companyId"]
    );
    assert_eq!(p.body_fields[1].enum_values, ["CUSTOM"]);
}

/// From 004: `cardStatus` and `kycStatus` are objects drawn without children; `pan`, which no
/// example shows, is still the payload's.
#[test]
fn objects_drawn_without_children_close_at_once() {
    let p = page(
        "Create\nPOST\n/x\nRequest\nResponses\n🟢200OK\napplication/json\nBody\ncode\ninteger\nrequired\npayload\nobject\nrequired\n\
         enKashCardId\nstring\nrequired\ncardStatus\nobject\nrequired\nkycStatus\nobject\nrequired\npan\nstring\nrequired\n\
         Example\n{\"code\":0,\"payload\":{\"enKashCardId\":\"E\",\"cardStatus\":{\"name\":\"UL\"},\"kycStatus\":{\"name\":\"V\"}}}",
    );
    assert_eq!(
        names(&p.responses[0].fields),
        [
            "code",
            "payload",
            "payload.enKashCardId",
            "payload.cardStatus",
            "payload.kycStatus",
            "payload.pan"
        ]
    );
}

/// Of our own making (none of the stored pages has a map): a map drawn as an object whose
/// child is the key placeholder.
#[test]
fn map_keys_drawn_as_fields_make_a_map() {
    let p = page(
        "Coins By Event\nGET\n/coins\nResponses\n🟢200Success\nBody\ncoins\nobject\nrequired\nadditionalProp1\ninteger\noptional\ntotal\ninteger\nrequired\n",
    );
    let f = &p.responses[0].fields;
    assert_eq!(names(f), ["coins", "total"]);
    assert!(f[0].map);
}

/// From 9796909: the "Data Schema" lists the payload's members alone, under an enveloped
/// example; and the page is cut inside the example.
#[test]
fn a_payload_listed_alone_and_an_example_cut_by_the_page() {
    let p = page(
        "Reward Get Card Account Details\nDevelopingPOST\n/a/getRequest\nResponses\nSuccess(200)\nHTTP Code: 200\nContent Type : JSONapplication/json\nData Schema\n\
         availableBalance\nnumber\nrequired\ntotalCards\nnumber\nrequired\nExample\nSuccess\n{\n\"response_code\": 0,\n\"payload\": {\n\"availableBalance\": 898138,\n\"primaryEnKashCard\": {\n\"enKashCardId\": \"EKCQMY9BQ0\",\n\"expiryMonth\": \"08\"\n[...]",
    );
    let r = &p.responses[0];
    assert_eq!(r.status, "200");
    assert_eq!(r.root, "payload");
    assert_eq!(names(&r.fields), ["availableBalance", "totalCards"]);
    let e = &r.examples[0];
    assert!(e.partial && p.cut);
    assert_eq!(
        e.value["payload"]["primaryEnKashCard"]["expiryMonth"], "08",
        "closed after its last complete member"
    );
}

/// From doc-1039425 (a guide): field tables, an example glued to the sentence before it, and
/// members elided with `...`.
#[test]
fn a_guide_with_tables_a_glued_example_and_an_elision() {
    let p = page(
        "Allocating Rewards Using EnKash APIs\n3. Topup Existing Reward Account\nField | Description |\n---|---|---|\nenkashCardId | Unique card ID |\nemail / mobile | (Optional) |\n\
         5. Validate the Response\nin the response matches your uniqueReferenceNumber\n.{\n\"code\": 0,\n\"payload\": {\n\"pgReferenceNumber\": \"TEST234236\",\n\"otbBalance\": 11,\n...\n}\n}\nReference Number Ma\n[...]",
    );
    assert!(p.method.is_none());
    assert_eq!(p.tables[0].heading, "3. Topup Existing Reward Account");
    assert_eq!(p.tables[0].rows[1].0, "email / mobile");
    let answer = &p.responses[0].examples[0];
    assert!(answer.partial, "`...` elides members");
    assert_eq!(answer.value["payload"]["pgReferenceNumber"], "TEST234236");
}

#[test]
fn a_curl_is_read_as_a_shell_would() {
    let p = page(
        "Allocate Coins\nPOST\n/api/v0/enkash-coins/allocate-coin\nRequest Request Example\nShell\ncurl --location --request POST 'https://test.your-api-server.com/api/v0/enkash-coins/allocate-coin?x=1' \\\n--header 'authorization: Bearer oBP' \\\n--data-raw '{ \"companyId\": \"CEK0TCW2W8\"}'\nResponses\n",
    );
    let c = &p.curls[0];
    assert_eq!(c.method.as_deref(), Some("POST"));
    assert_eq!(
        c.url,
        "https://test.your-api-server.com/api/v0/enkash-coins/allocate-coin?x=1"
    );
    assert_eq!(
        c.headers,
        [("authorization".to_owned(), "Bearer oBP".to_owned())]
    );
    assert_eq!(c.data.as_deref(), Some("{ \"companyId\": \"CEK0TCW2W8\"}"));
}

#[test]
fn what_is_not_a_page_says_why() {
    assert_eq!(read(b"").unwrap_err(), NotAPage::Empty);
    assert_eq!(read(b"  \n\n").unwrap_err(), NotAPage::Empty);
    assert_eq!(
        read(&[0x89, b'P', b'N', b'G', 0, 0xff]).unwrap_err(),
        NotAPage::Binary
    );
    assert_eq!(
        read(b"Dear team,\nplease find the invoice attached.\n").unwrap_err(),
        NotAPage::NoOperation
    );
    let two = "Create Event\nPOST\n/api/v0/enkash-coins/create-coins-config\nRequest\nAllocate Coins\nPOST\n/api/v0/enkash-coins/allocate-coin\nRequest\n";
    match read(two.as_bytes()).unwrap_err() {
        NotAPage::TwoOperations { first, second } => {
            assert_eq!(first, "POST /api/v0/enkash-coins/create-coins-config");
            assert_eq!(second, "POST /api/v0/enkash-coins/allocate-coin");
        }
        other => panic!("{other:?}"),
    }
}

// ---- the comparison ----------------------------------------------------------------------

const SPEC: &str = r#"
openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /users/{id}:
    post:
      operationId: createUser
      x-docs-title: Create User
      parameters:
        - {name: id, in: path, required: true, schema: {type: string}}
      requestBody:
        content:
          application/json:
            schema: {$ref: '#/components/schemas/User'}
            example: {"email": "a@example.com", "amount": 100, "coins": {"x": 1}}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/User'}
components:
  schemas:
    User:
      type: object
      required: [email]
      properties:
        email: {type: string}
        amount: {type: number}
        coins: {type: object, additionalProperties: {type: integer}}
"#;

fn findings(text: &str) -> Vec<Finding> {
    let spec = Spec::parse(SPEC).unwrap();
    check("p.txt", &page(text), &spec, &Curation::default()).1
}

const PAGE_HEAD: &str = "Create User\nPOST\n/users/{id}\nRequest\nPath Params\nid\nstring\nrequired\nBody Params application/json\n\
     email\nstring\nrequired\namount\nnumber\noptional\ncoins\nobject\noptional\nadditionalProp1\ninteger\noptional\n";

#[test]
fn a_page_that_agrees_with_the_spec_has_no_finding() {
    let f = findings(&format!(
        "{PAGE_HEAD}Example\n{{\"email\": \"a@example.com\", \"amount\": 100, \"coins\": {{\"x\": 1}}}}\n"
    ));
    assert!(f.is_empty(), "{f:#?}");
}

/// `100` and `100.00` are one value; an e-mail the portal obfuscated matches any e-mail.
#[test]
fn numbers_compare_by_value_and_obfuscated_emails_match() {
    let f = findings(&format!(
        "{PAGE_HEAD}Example\n{{\"email\": \"[email protected]\", \"amount\": 100.00, \"coins\": {{\"x\": 1}}}}\n"
    ));
    assert!(f.is_empty(), "{f:#?}");
    let f = findings(&format!(
        "{PAGE_HEAD}Example\n{{\"email\": \"a@example.com\", \"amount\": 100.5, \"coins\": {{\"x\": 1}}}}\n"
    ));
    assert_eq!(f.len(), 1, "{f:#?}");
    assert_eq!(
        (f[0].field.as_str(), f[0].kind, f[0].class),
        ("request.example.amount", "example_mismatch", Class::Drift)
    );
    assert_eq!(f[0].docs.as_deref(), Some("100.5"));
    assert_eq!(
        f[0].pointer.as_deref(),
        Some("#/paths/~1users~1{id}/post/requestBody/content/application~1json/example/amount")
    );
}

/// A cut example says nothing about what it does not show: no member is "removed".
#[test]
fn a_cut_page_is_cannot_tell_never_removed() {
    let f = findings(&format!(
        "{PAGE_HEAD}Example\n{{\"email\": \"a@example.com\",\n\"amount\": 100,\n[...]"
    ));
    assert!(f.iter().all(|f| f.class == Class::CannotTell), "{f:#?}");
    assert!(!f.is_empty());
}

#[test]
fn each_kind_of_change_is_found_at_its_place_and_nothing_else() {
    let cases = [
        (
            "email\nstring\nrequired\n",
            "email\nstring\noptional\n",
            "request.body.email",
            "required_mismatch",
            "#/components/schemas/User/properties/email",
        ),
        (
            "amount\nnumber\n",
            "amount\nstring\n",
            "request.body.amount",
            "type_mismatch",
            "#/components/schemas/User/properties/amount",
        ),
        (
            "coins\nobject\noptional\n",
            "note\nstring\noptional\ncoins\nobject\noptional\n",
            "request.body.note",
            "field_only_in_docs",
            "#/components/schemas/User/properties",
        ),
        (
            "additionalProp1\ninteger\noptional\n",
            "x\ninteger\noptional\n",
            "request.body.coins",
            "type_mismatch",
            "#/components/schemas/User/properties/coins",
        ),
        (
            "Create User\nPOST",
            "Create A User\nPOST",
            "title",
            "description_changed",
            "#/paths/~1users~1{id}/post/x-docs-title",
        ),
    ];
    for (from, to, field, kind, pointer) in cases {
        let text = PAGE_HEAD.replace(from, to);
        assert_ne!(text, PAGE_HEAD, "{from}");
        let f = findings(&text);
        assert_eq!(f.len(), 1, "{to}: {f:#?}");
        assert_eq!(
            (f[0].field.as_str(), f[0].kind, f[0].pointer.as_deref()),
            (field, kind, Some(pointer))
        );
        let class = if kind == "description_changed" {
            Class::Cosmetic
        } else {
            Class::Drift
        };
        assert_eq!(f[0].class, class);
    }
    let f = findings("Create User\nGET\n/users/{id}\nRequest\n");
    assert_eq!(
        (f[0].field.as_str(), f[0].kind),
        ("method", "method_mismatch")
    );
    let f = findings("Delete Everything\nDELETE\n/everything\nRequest\n");
    assert_eq!(
        (f[0].field.as_str(), f[0].kind, f[0].operation.as_deref()),
        ("path", "path_mismatch", None)
    );
}

#[test]
fn a_curation_row_makes_a_difference_curated_and_names_itself() {
    let spec = Spec::parse(SPEC).unwrap();
    let curation = Curation::parse(
        "## Differences the docs check accepts\n| operation | field | kind | because |\n|---|---|---|---|\n| `createUser` | `request.body.email` | required_mismatch | we decided |\n",
    )
    .unwrap();
    let text = PAGE_HEAD.replace("email\nstring\nrequired\n", "email\nstring\noptional\n");
    let (op, f) = check("p.txt", &page(&text), &spec, &curation);
    assert_eq!(op.as_deref(), Some("createUser"));
    assert_eq!(f[0].class, Class::Curated);
    assert_eq!(
        f[0].reason.as_deref(),
        Some("spec/CURATION.md:4: we decided")
    );
    let line = super::to_json(&f[0]);
    let v: serde_json::Value = serde_json::from_str(&line).unwrap();
    assert_eq!(
        v,
        json!({"page": "p.txt", "operation": "createUser", "field": "request.body.email",
               "pointer": "#/components/schemas/User/properties/email", "kind": "required_mismatch",
               "class": "curated", "docs": "optional", "spec": "required",
               "reason": "spec/CURATION.md:4: we decided"})
    );
    assert!(
        line.starts_with("{\"page\":"),
        "members in the documented order: {line}"
    );
}

// ---- mutated pages -----------------------------------------------------------------------

/// A page damaged any way a copy can be (lines dropped, doubled, swapped, cut short, bytes
/// changed, words that mean something to the reader put in) is read, compared with the spec
/// and drafted into a fragment without a panic: it is an error or findings, never a crash.
/// Every page of `spec/pages/`, 400 mutations each from a fixed seed, so a failure names
/// the page and the mutation that make it again.
#[test]
fn mutated_pages_never_panic() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the workspace");
    let read_text = |p: &str| std::fs::read_to_string(root.join(p)).expect("a file");
    let spec = Spec::parse(&read_text(crate::codegen::SPEC)).expect("the spec");
    let curation = Curation::parse(&read_text("spec/CURATION.md")).expect("the curation");
    let mut pages: Vec<_> = std::fs::read_dir(root.join(super::PAGES))
        .expect("the pages")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    pages.sort();
    assert!(pages.len() >= 9, "{pages:?}");
    let mut rng = XorShift(0x9e37_79b9_7f4a_7c15);
    let mut read_as_pages = 0;
    for path in &pages {
        let original = std::fs::read(path).expect("a page");
        for round in 0..400 {
            let mutated = mutate(&original, &mut rng);
            let outcome = std::panic::catch_unwind(|| {
                let Ok(page) = read(&mutated) else {
                    return false;
                };
                let _ = check("p.txt", &page, &spec, &curation);
                let _ = super::import::fragment(&page, &spec);
                true
            });
            match outcome {
                Ok(was_page) => read_as_pages += usize::from(was_page),
                Err(_) => panic!(
                    "{} mutation {round} panicked; its text:\n{}",
                    path.display(),
                    String::from_utf8_lossy(&mutated)
                ),
            }
        }
    }
    // Most mutations leave a page that is still read as one, so the comparison runs too.
    assert!(read_as_pages > pages.len() * 200, "{read_as_pages}");
}

/// A small deterministic generator (xorshift64), enough to pick mutations.
struct XorShift(u64);

impl XorShift {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n.max(1) as u64) as usize
    }
}

/// One to three damages to `page`, each of a kind a copy of a web page suffers.
fn mutate(page: &[u8], rng: &mut XorShift) -> Vec<u8> {
    const WORDS: &[&str] = &[
        "{",
        "}",
        "[",
        "]",
        "\"",
        ":",
        ",",
        "POST",
        "GET",
        "/api/v0/x/{id}",
        "Request",
        "Response",
        "200",
        "Body Params",
        "required",
        "optional",
        "string",
        "object",
        "array of objects",
        "[...]",
        "...",
        "curl",
        "--data '{",
        "\\",
        "'",
        "é",
        "₹",
        "\u{feff}",
        "Example",
        "-",
        "•",
        "1.",
        "null",
        "1e999",
        "-0.0",
    ];
    let mut lines: Vec<Vec<u8>> = page.split(|&b| b == b'\n').map(<[u8]>::to_vec).collect();
    for _ in 0..=rng.below(3) {
        let n = lines.len();
        let at = rng.below(n);
        match rng.below(7) {
            0 if n > 1 => {
                lines.remove(at);
            }
            1 => {
                let copy = lines[at].clone();
                lines.insert(at, copy);
            }
            2 => lines.swap(at, rng.below(n)),
            3 => lines.truncate(at + 1),
            4 => {
                let line = &mut lines[at];
                let cut = rng.below(line.len() + 1);
                line.truncate(cut);
            }
            5 => {
                let line = &mut lines[at];
                if !line.is_empty() {
                    let i = rng.below(line.len());
                    line[i] = rng.below(256) as u8;
                }
            }
            _ => {
                let word = WORDS[rng.below(WORDS.len())].as_bytes();
                let line = &mut lines[at];
                let i = rng.below(line.len() + 1);
                line.splice(i..i, word.iter().copied());
            }
        }
    }
    lines.join(&b'\n')
}
