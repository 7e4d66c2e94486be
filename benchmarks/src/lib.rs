//! What the benchmarks share: the specs, the two generators as plain functions, a loopback
//! HTTP server, and the hand-written alternatives the client is measured against.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

/// The repository root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("benchmarks/ sits in the repository")
        .to_path_buf()
}

/// The specs measured: ours, then the public ones (from `tests/corpus/`) both generators
/// handle in full (a spec progenitor refuses or panics on is not compared).
pub fn specs() -> Vec<(String, String)> {
    let mut out = vec![(
        "enkash-rewards.yaml".to_owned(),
        std::fs::read_to_string(root().join("spec/enkash-rewards.yaml")).expect("our spec"),
    )];
    for name in [
        "oai-uspto.yaml",
        "oai-link-example.yaml",
        "oai-petstore-expanded.yaml",
        "progenitor-keeper.json",
        "progenitor-buildomat.json",
        "spotify.yaml",
        "progenitor-nexus.json",
    ] {
        let path = root().join("tests/corpus").join(name);
        let text =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        out.push((name.to_owned(), text));
    }
    out
}

/// Ours: text to the client's formatted files (as progenitor's output is a client: our
/// tests crate's schema index is not made), partially where it must. Returns the client's
/// lines and the operations generated.
pub fn ours(text: &str) -> Option<(usize, usize)> {
    let (files, operations) = ours_files(text)?;
    let lines = files.iter().map(|f| f.contents.lines().count()).sum();
    Some((lines, operations))
}

/// As [`ours`], the client's formatted files themselves.
pub fn ours_files(text: &str) -> Option<(Vec<enkash_rewards_generator::GeneratedFile>, usize)> {
    let partial = enkash_rewards_generator::generate_partial_client(text).ok()?;
    if !partial.skipped.operations.is_empty() {
        return None;
    }
    Some((partial.files, partial.operations))
}

/// A generated file's lines by kind. Documentation is every line of a doc comment (`///`,
/// `//!`, or a `/** .. */` or `/*! .. */` block, as progenitor writes them) and plain
/// comments; examples are the documentation lines from a code fence to its end, both
/// included.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct LineKinds {
    /// Lines that are neither documentation nor blank.
    pub code: usize,
    /// Documentation and comment lines, examples included.
    pub docs: usize,
    /// The documentation lines that are examples.
    pub examples: usize,
    /// Empty lines (or only spaces).
    pub blank: usize,
}

impl LineKinds {
    /// The kinds of `text`'s lines.
    pub fn of(text: &str) -> Self {
        let mut kinds = Self::default();
        let mut in_block = false; // inside a `/* .. */` comment
        let mut in_example = false; // inside a code fence of a doc comment
        for line in text.lines() {
            let line = line.trim();
            if in_block {
                kinds.docs += 1;
                in_block = !line.contains("*/");
                continue;
            }
            if line.is_empty() {
                kinds.blank += 1;
            } else if line.starts_with("/*") {
                kinds.docs += 1;
                in_block = !line.contains("*/");
            } else if let Some(comment) = line.strip_prefix("//") {
                kinds.docs += 1;
                let doc = comment.strip_prefix(['/', '!']).unwrap_or(comment).trim();
                let fence = doc.starts_with("```");
                if in_example || fence {
                    kinds.examples += 1;
                }
                if fence {
                    in_example = !in_example;
                }
            } else {
                kinds.code += 1;
            }
        }
        kinds
    }
}

impl std::ops::Add for LineKinds {
    type Output = Self;

    fn add(self, other: Self) -> Self {
        Self {
            code: self.code + other.code,
            docs: self.docs + other.docs,
            examples: self.examples + other.examples,
            blank: self.blank + other.blank,
        }
    }
}

/// The floor under our generation time: only the formatting of its output (syn parsing the
/// tokens, prettyplease printing them, item by item as the generator does), on as many
/// threads as the generator uses. Each thread holds its share of the files as tokens (read
/// back from our formatted output, largest file first, to whichever thread has the least):
/// tokens cannot cross threads, and reading them is not part of formatting.
pub struct FormattingAlone {
    starts: Vec<std::sync::mpsc::Sender<()>>,
    finished: std::sync::mpsc::Receiver<usize>,
}

impl FormattingAlone {
    /// Our client's files for `text`, shared out; `None` where [`ours`] is.
    pub fn new(text: &str) -> Option<Self> {
        let partial = enkash_rewards_generator::generate_partial_client(text).ok()?;
        if !partial.skipped.operations.is_empty() {
            return None;
        }
        let mut files: Vec<String> = partial.files.into_iter().map(|f| f.contents).collect();
        files.sort_by_key(|contents| std::cmp::Reverse(contents.len()));
        let workers = std::thread::available_parallelism().map_or(1, usize::from);
        let mut shares: Vec<Vec<String>> = vec![Vec::new(); workers.min(files.len())];
        for file in files {
            let least = shares
                .iter_mut()
                .min_by_key(|share| share.iter().map(String::len).sum::<usize>())
                .expect("at least one share");
            least.push(file);
        }
        let (done, finished) = std::sync::mpsc::channel();
        let starts = shares
            .into_iter()
            .map(|share| {
                let (start, started) = std::sync::mpsc::channel::<()>();
                let done = done.clone();
                // Ends when `start` is dropped with this value.
                std::thread::spawn(move || {
                    let tokens: Vec<proc_macro2::TokenStream> = share
                        .iter()
                        .map(|contents| contents.parse().expect("our output lexes"))
                        .collect();
                    while started.recv().is_ok() {
                        let lines = tokens
                            .iter()
                            .map(|tokens| {
                                enkash_rewards_generator::emit::format_file("", tokens.clone())
                                    .expect("our output formats")
                                    .lines()
                                    .count()
                            })
                            .sum();
                        if done.send(lines).is_err() {
                            return;
                        }
                    }
                });
                start
            })
            .collect();
        Some(Self { starts, finished })
    }

    /// Formats every file once, all threads at once; returns the lines printed.
    pub fn run(&self) -> usize {
        for start in &self.starts {
            start.send(()).expect("a formatting thread");
        }
        (0..self.starts.len())
            .map(|_| self.finished.recv().expect("a formatting thread"))
            .sum()
    }
}

/// progenitor's two interfaces. Positional (its default, one method per operation taking
/// every input as an argument) is the anchor issue 14 set; Builder (a builder per
/// operation, required inputs checked when it is sent) is the one like ours, which checks
/// them at compile time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Interface {
    Positional,
    Builder,
}

/// progenitor 0.15.1: text to one formatted file's lines. `None` when it refuses or
/// panics on the spec.
pub fn progenitor(text: &str, json: bool, interface: Interface) -> Option<usize> {
    progenitor_file(text, json, interface).map(|file| file.lines().count())
}

/// progenitor 0.15.1: text to one formatted file, as its `generate_tokens` and
/// prettyplease make it. `None` when it refuses or panics on the spec.
pub fn progenitor_file(text: &str, json: bool, interface: Interface) -> Option<String> {
    let tokens = progenitor_tokens(text, json, interface)?;
    catch_unwind(AssertUnwindSafe(|| progenitor_formatting(tokens)))
        .ok()
        .flatten()
}

/// progenitor 0.15.1: text to the tokens it formats. `None` when it refuses or panics on
/// the spec.
pub fn progenitor_tokens(
    text: &str,
    json: bool,
    interface: Interface,
) -> Option<proc_macro2::TokenStream> {
    catch_unwind(AssertUnwindSafe(|| {
        let spec: openapiv3::OpenAPI = if json {
            serde_json::from_str(text).ok()?
        } else {
            serde_yaml::from_str(text).ok()?
        };
        let mut settings = progenitor_impl::GenerationSettings::default();
        settings.with_interface(match interface {
            Interface::Positional => progenitor_impl::InterfaceStyle::Positional,
            Interface::Builder => progenitor_impl::InterfaceStyle::Builder,
        });
        let mut generator = progenitor_impl::Generator::new(&settings);
        generator.generate_tokens(&spec).ok()
    }))
    .ok()
    .flatten()
}

/// The formatting step of progenitor's generation: its tokens parsed by syn 2, printed by
/// prettyplease 0.2.
pub fn progenitor_formatting(tokens: proc_macro2::TokenStream) -> Option<String> {
    let file: syn2::File = syn2::parse2(tokens).ok()?;
    Some(prettyplease2::unparse(&file))
}

/// The reward-card answer of Create And Allocate Points, as documented.
pub fn reward_card_answer() -> Vec<u8> {
    let spec: serde_json::Value = serde_yaml::from_str(
        &std::fs::read_to_string(root().join("spec/enkash-rewards.yaml")).expect("our spec"),
    )
    .expect("YAML");
    let example = &spec["paths"]["/api/v0/partner/enKashCard/create-allocate-points"]["post"]["responses"]
        ["200"]["content"]["application/json"]["example"];
    serde_json::to_vec(example).expect("JSON")
}

pub mod hand_written {
    //! What a careful hand-written integration would decode the same answers into: plain
    //! serde derives, amounts as `f64` (as such code usually has them).
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    pub struct Envelope<T> {
        pub code: Option<i64>,
        pub response_code: Option<i64>,
        pub message: Option<String>,
        pub response_message: Option<String>,
        pub payload: T,
    }

    #[derive(Debug, Deserialize)]
    pub struct CodeLabel {
        pub name: String,
        pub label: String,
        pub description: Option<String>,
    }

    /// The card, amounts as `Amount`: `f64`, or [`ExactAmount`] for the like-for-like row.
    #[derive(Debug, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct RewardCard<Amount = f64> {
        pub en_kash_card_id: String,
        pub user_id: String,
        pub card_account_id: String,
        pub token: String,
        pub masked_number: String,
        pub expiry_month: String,
        pub expiry_year: String,
        pub email: String,
        pub mobile: String,
        pub title: String,
        pub first_name: String,
        pub gender: String,
        pub used_mtd: Amount,
        pub used_dtd: Amount,
        pub used_ytd: Amount,
        pub otb_balance: Amount,
        pub primary_card: bool,
        pub prepaid_card: bool,
        pub physical_card: bool,
        pub deleted: bool,
        pub closed_loop_card: bool,
        pub created_on: String,
        pub modified_on: String,
        pub card_status: CodeLabel,
        pub kyc_status: CodeLabel,
        pub card_programme: String,
        pub use_account_funds: bool,
        pub block_code: String,
        pub partner_logo: String,
        pub physical_delivery_address_flag: bool,
        pub card_activated: bool,
        pub bin_type: CodeLabel,
        pub load_amount: Amount,
        pub company_id: String,
        pub card_kit_master_id: i64,
        pub ext_entity_id: String,
        pub switch_provider: String,
        pub account_balance: Amount,
        pub physical_card_allowed: bool,
        pub surcharge_amt: Amount,
        pub pan_validated: bool,
        pub used_ltd: Amount,
        #[serde(rename = "latestTnCVersionAccepted")]
        pub latest_tnc_version_accepted: bool,
        pub latest_key_fact_accepted: bool,
        #[serde(rename = "latestTnCVersionAcceptedForPrimaryCard")]
        pub latest_tnc_version_accepted_for_primary_card: bool,
        pub latest_key_fact_accepted_card_for_primary_card: bool,
        pub virtual_account_number: String,
        pub limit_allocated_ltd: Amount,
        pub pos_allowed: bool,
        pub pos_allowed_admin: bool,
        pub atm_allowed: bool,
        pub atm_allowed_admin: bool,
        pub online_allowed: bool,
        pub online_allowed_admin: bool,
        pub live_image: bool,
        #[serde(rename = "cKycEnabled")]
        pub c_kyc_enabled: bool,
        pub unallocate_fund_allowed: bool,
        pub use_parent_fund_allowed: bool,
        pub min_kyc_otp_verified: bool,
        pub en_kash_support_email: String,
        pub en_kash_support_mobile: String,
        pub company_name: String,
        #[serde(rename = "vKycAllowed")]
        pub v_kyc_allowed: bool,
        pub account_type: CodeLabel,
        pub last_allocated_amount: Amount,
        pub hold_balance: Amount,
        pub enkash_card_txn_id: String,
        pub un_allocate_hold_balance: Amount,
        #[serde(rename = "tncUnAllocateAllowed")]
        pub tnc_un_allocate_allowed: bool,
        #[serde(rename = "tncUnAllocateAccepted")]
        pub tnc_un_allocate_accepted: bool,
        pub total_rewards_received: i64,
        pub reward_points_received: Amount,
    }

    /// The card with every member the spec documents, amounts exact: what an integration
    /// written from the documentation would declare, and the members the client's type
    /// holds (the answer sends 72 of these 94; the others stay `None`).
    #[derive(Debug, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct DocumentedRewardCard {
        pub en_kash_card_id: String,
        pub user_id: String,
        pub card_account_id: String,
        pub token: Option<String>,
        pub masked_number: String,
        pub expiry_month: String,
        pub expiry_year: String,
        pub email: String,
        pub mobile: String,
        pub title: String,
        pub first_name: String,
        pub last_name: Option<String>,
        pub gender: String,
        pub special_date: Option<String>,
        pub address: Option<String>,
        pub address2: Option<String>,
        pub city: Option<String>,
        pub state: Option<String>,
        pub country: Option<String>,
        pub pincode: Option<String>,
        pub used_mtd: Option<ExactAmount>,
        pub used_dtd: Option<ExactAmount>,
        pub used_ytd: Option<ExactAmount>,
        pub otb_balance: ExactAmount,
        pub primary_card: bool,
        pub prepaid_card: bool,
        pub physical_card: bool,
        pub deleted: Option<bool>,
        pub closed_loop_card: Option<bool>,
        pub created_on: Option<String>,
        pub modified_on: Option<String>,
        pub card_status: CodeLabel,
        pub kyc_status: CodeLabel,
        pub pan: Option<String>,
        pub physical_card_request_date: Option<String>,
        pub card_programme: Option<String>,
        pub use_account_funds: Option<bool>,
        pub block_code: Option<String>,
        pub remarks: Option<String>,
        pub partner_logo: Option<String>,
        pub physical_delivery_address_flag: bool,
        pub delivery_address: Option<String>,
        pub delivery_address2: Option<String>,
        pub delivery_city: Option<String>,
        pub delivery_state: Option<String>,
        pub delivery_country: Option<String>,
        pub delivery_pincode: Option<String>,
        pub card_activated: bool,
        pub bin_type: Option<CodeLabel>,
        pub load_amount: ExactAmount,
        pub company_id: String,
        pub card_kit_master_id: Option<i64>,
        pub ext_entity_id: Option<String>,
        pub switch_provider: Option<String>,
        pub account_balance: ExactAmount,
        pub physical_card_allowed: bool,
        pub kit_type: Option<CodeLabel>,
        pub surcharge_amt: Option<ExactAmount>,
        pub pan_validated: bool,
        pub used_ltd: Option<ExactAmount>,
        pub latest_tn_c_version_accepted: Option<bool>,
        pub latest_key_fact_accepted: Option<bool>,
        pub latest_tn_c_version_accepted_for_primary_card: Option<bool>,
        pub latest_key_fact_accepted_card_for_primary_card: Option<bool>,
        pub tnc_version_master_id: Option<String>,
        pub tnc_url: Option<String>,
        pub virtual_account_number: Option<String>,
        pub limit_allocated_ltd: Option<ExactAmount>,
        pub pos_allowed: bool,
        pub pos_allowed_admin: bool,
        pub atm_allowed: bool,
        pub atm_allowed_admin: bool,
        pub online_allowed: bool,
        pub online_allowed_admin: bool,
        pub live_image: Option<bool>,
        pub c_kyc_enabled: Option<bool>,
        pub unallocate_fund_allowed: bool,
        pub use_parent_fund_allowed: Option<bool>,
        pub default_card_image: Option<String>,
        pub min_kyc_otp_verified: Option<bool>,
        pub en_kash_support_email: Option<String>,
        pub en_kash_support_mobile: Option<String>,
        pub company_name: String,
        pub v_kyc_allowed: Option<bool>,
        pub account_type: CodeLabel,
        pub last_allocated_amount: ExactAmount,
        pub hold_balance: Option<ExactAmount>,
        pub enkash_card_txn_id: String,
        pub pg_reference_number: Option<String>,
        pub un_allocate_hold_balance: Option<ExactAmount>,
        pub tnc_un_allocate_allowed: Option<bool>,
        pub tnc_un_allocate_accepted: Option<bool>,
        pub total_rewards_received: Option<i64>,
        pub reward_points_received: Option<ExactAmount>,
    }

    /// An amount read exactly, as a careful integration paying money out would: the
    /// number's own text (`RawValue`) parsed as a `Decimal`, never through `f64`.
    #[derive(Debug)]
    pub struct ExactAmount(pub enkash_rewards::Decimal);

    impl<'de> Deserialize<'de> for ExactAmount {
        fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            let raw = Box::<serde_json::value::RawValue>::deserialize(deserializer)?;
            enkash_rewards::Decimal::from_str_exact(raw.get())
                .map(ExactAmount)
                .map_err(serde::de::Error::custom)
        }
    }
}

/// A loopback HTTP/1.1 server that answers every request with `body` (JSON), keeping the
/// connection alive. Bounded: each connection ends when the client closes it, and the
/// server with the runtime that runs it.
pub async fn loopback(body: Vec<u8>) -> String {
    let head = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
        body.len()
    );
    let answer: std::sync::Arc<[u8]> = [head.as_bytes(), &body].concat().into();
    serve(move |_| {
        let answer = answer.clone();
        async move { Some(answer) }
    })
    .await
}

/// A loopback HTTP/1.1 server, one task a connection, connections kept alive; returns its
/// URL. `answer` is given each request's head, lower-cased, and returns the bytes to send
/// back, or `None` to hold the connection unanswered (a stalled server). Bounded: each
/// connection ends when the client closes it, and the server with the runtime that runs it.
pub async fn serve<F, A>(answer: F) -> String
where
    F: Fn(String) -> A + Clone + Send + 'static,
    A: std::future::Future<Output = Option<std::sync::Arc<[u8]>>> + Send,
{
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a loopback port");
    let url = format!("http://{}", listener.local_addr().expect("an address"));
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let answer = answer.clone();
            tokio::spawn(async move {
                let mut buffer = Vec::with_capacity(4096);
                let mut chunk = [0u8; 4096];
                loop {
                    let Ok(n) = socket.read(&mut chunk).await else {
                        return;
                    };
                    if n == 0 {
                        return;
                    }
                    buffer.extend_from_slice(&chunk[..n]);
                    // One request at a time: headers, then the body its length announces.
                    while let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
                        let head = String::from_utf8_lossy(&buffer[..end]).to_ascii_lowercase();
                        let length: usize = head
                            .lines()
                            .find_map(|l| l.strip_prefix("content-length:"))
                            .and_then(|v| v.trim().parse().ok())
                            .unwrap_or(0);
                        if buffer.len() < end + 4 + length {
                            break;
                        }
                        buffer.drain(..end + 4 + length);
                        let Some(bytes) = answer(head).await else {
                            // Held unanswered until the client or the runtime ends it.
                            std::future::pending::<()>().await;
                            return;
                        };
                        if socket.write_all(&bytes).await.is_err() {
                            return;
                        }
                    }
                }
            });
        }
    });
    url
}

/// Get Balance's answer, as the loopback server gives it in the per-call benchmarks.
pub const BALANCE_ANSWER: &[u8] =
    br#"{"response_code":0,"response_message":"Success","payload":0}"#;

/// Get Balance against a loopback server, through the client and hand-written: what the
/// per-call benchmarks share. Calls run on one thread, the server on the same runtime.
pub struct BalanceCalls {
    runtime: tokio::runtime::Runtime,
    client: enkash_rewards::Client,
    http: reqwest::Client,
    target: String,
}

impl Default for BalanceCalls {
    fn default() -> Self {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime");
        let url = runtime.block_on(loopback(BALANCE_ANSWER.to_vec()));
        let client = enkash_rewards::Client::builder()
            .base_url(&url)
            .bearer_token("bench-token")
            .retry_policy(enkash_rewards::RetryPolicy::none())
            .build()
            .expect("a client");
        Self {
            runtime,
            client,
            http: reqwest::Client::new(),
            target: format!("{url}/api/v0/coins/balance?userId=EK6CYE6K"),
        }
    }
}

impl BalanceCalls {
    /// One call through the client.
    pub fn client(&self) {
        let answer = self
            .runtime
            .block_on(self.client.get_coin_balance().user_id("EK6CYE6K").send())
            .expect("answers");
        std::hint::black_box(answer);
    }

    /// One call as careful hand-written code makes it: with the client's User-Agent and
    /// per-request timeout (the client never sends without one) when `same_request`.
    pub fn hand_written(&self, same_request: bool) {
        let payload =
            self.runtime
                .block_on(hand_written_call(&self.http, &self.target, same_request));
        std::hint::black_box(payload);
    }
}

/// Get Balance as careful hand-written code makes it: reqwest, then serde into a struct.
async fn hand_written_call(http: &reqwest::Client, target: &str, same_request: bool) -> i64 {
    let mut request = http
        .get(target)
        .bearer_auth("bench-token")
        .header("accept", "application/json");
    if same_request {
        request = request
            .header("user-agent", "enkash-rewards/0.1.0")
            .timeout(std::time::Duration::from_secs(30));
    }
    let answer = request
        .send()
        .await
        .expect("answers")
        .bytes()
        .await
        .expect("a body");
    let envelope: hand_written::Envelope<i64> = serde_json::from_slice(&answer).expect("decodes");
    envelope.payload
}

/// Times `batch(side)` for every side in turn, `rounds` times, each round starting one side
/// later than the round before; returns each side's times, round by round. A drift in the
/// machine's speed (other tenants, clock frequency) then falls on every side of a round
/// alike, where back-to-back runs of a few seconds each can put it on one side only.
pub fn interleaved(
    rounds: usize,
    sides: usize,
    mut batch: impl FnMut(usize) -> std::time::Duration,
) -> Vec<Vec<std::time::Duration>> {
    let mut times = vec![Vec::with_capacity(rounds); sides];
    for round in 0..rounds {
        for turn in 0..sides {
            let side = (round + turn) % sides;
            times[side].push(batch(side));
        }
    }
    times
}

/// Ours (side 0) against each alternative (sides 1, 2, …), one warm-up batch each, then
/// `rounds` interleaved rounds: a BENCHMARKS.md table row per alternative, `what` first (it
/// names the batch), then the alternative and the middle half of the rounds' ratios, each
/// side's median time per unit, and the median of the rounds' ratios.
pub fn interleaved_rows(
    what: &str,
    alternatives: &[&str],
    rounds: usize,
    mut batch: impl FnMut(usize) -> std::time::Duration,
) -> String {
    let sides = alternatives.len() + 1;
    for side in 0..sides {
        batch(side);
    }
    let times = interleaved(rounds, sides, batch);
    let rows: Vec<String> = alternatives
        .iter()
        .zip(&times[1..])
        .map(|(alternative, theirs)| {
            let (ratio, low, high) = round_ratios(&times[0], theirs);
            format!(
                "| {what} (vs {alternative}; the rounds' middle half: {low:.2}–{high:.2}×) | {:.1} µs | {:.1} µs | {ratio:.2}× |",
                median(&times[0]).as_secs_f64() * 1e6,
                median(theirs).as_secs_f64() * 1e6,
            )
        })
        .collect();
    rows.join("\n")
}

/// The median of `times`.
pub fn median(times: &[std::time::Duration]) -> std::time::Duration {
    let mut sorted = times.to_vec();
    sorted.sort();
    sorted[sorted.len() / 2]
}

/// The rounds' ratios `ours[i] / theirs[i]`: their median, then the first and third
/// quartiles (the middle half of the rounds lies between them).
pub fn round_ratios(
    ours: &[std::time::Duration],
    theirs: &[std::time::Duration],
) -> (f64, f64, f64) {
    let mut ratios: Vec<f64> = ours
        .iter()
        .zip(theirs)
        .map(|(ours, theirs)| ours.as_secs_f64() / theirs.as_secs_f64())
        .collect();
    ratios.sort_by(f64::total_cmp);
    let quartile = |q: usize| ratios[(ratios.len() - 1) * q / 4];
    (quartile(2), quartile(1), quartile(3))
}

#[cfg(test)]
mod tests {
    use super::LineKinds;

    #[test]
    fn lines_are_sorted_by_kind() {
        let text = "\
// @generated
//! Module docs.

/// Docs.
///
/// ```no_run
/// let x = 1;
/// ```
pub struct A {
    /// Field.
    pub a: u8,
}
/**Sends a `GET` request

Arguments:
- `a`
*/
pub fn f() {}
/*! inner */
";
        let kinds = LineKinds::of(text);
        assert_eq!(
            kinds,
            LineKinds {
                code: 4,
                docs: 14,
                examples: 3,
                blank: 1,
            }
        );
        let all = kinds.code + kinds.docs + kinds.blank;
        assert_eq!(all, text.lines().count(), "every line has one kind");
    }
}
