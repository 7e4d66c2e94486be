//! The client under load on loopback, with a managed token: what a token refresh, a failing
//! token endpoint, an API refusing every token and a stalled server do to 64 concurrent
//! callers, and the client's throughput against hand-written reqwest at 1, 16, 64 and 256
//! callers.
//!
//!   token_load               measure; prints Markdown tables for BENCHMARKS.md
//!   token_load --test        every scenario once, short, as CI runs it
//!   token_load --throughput  the throughput table alone (about 30 s)
//!
//! One loopback server answers the token endpoint (after a delay it is told, or with the
//! status it is told) and Get Balance (or 401, or nothing), counting token requests. Every loop is bounded in
//! time; nothing leaves 127.0.0.1.

use std::sync::Arc;
use std::sync::atomic::{AtomicU16, AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use enkash_rewards::{Client, Credentials, RetryPolicy};
use enkash_rewards_benchmarks::{BALANCE_ANSWER, serve};

/// What the token endpoint does now; changed while the callers run.
#[derive(Default)]
struct TokenEndpoint {
    requests: AtomicUsize,
    /// The answer's status: 200 gives a token.
    status: AtomicU16,
    delay_ms: AtomicU64,
    /// The lifetime of the tokens it gives, in seconds.
    lifetime_s: AtomicU64,
}

impl TokenEndpoint {
    fn set(&self, status: u16, delay: Duration, lifetime: Duration) {
        self.status.store(status, Ordering::SeqCst);
        self.delay_ms.store(
            u64::try_from(delay.as_millis()).unwrap_or(u64::MAX),
            Ordering::SeqCst,
        );
        self.lifetime_s.store(lifetime.as_secs(), Ordering::SeqCst);
    }

    async fn answer(&self) -> Vec<u8> {
        let n = self.requests.fetch_add(1, Ordering::SeqCst);
        tokio::time::sleep(Duration::from_millis(self.delay_ms.load(Ordering::SeqCst))).await;
        let status = self.status.load(Ordering::SeqCst);
        let body = if status == 200 {
            format!(
                r#"{{"access_token":"token-{n}","token_type":"bearer","expires_in":{}}}"#,
                self.lifetime_s.load(Ordering::SeqCst)
            )
        } else {
            r#"{"error":"unavailable"}"#.to_owned()
        };
        response(status, &body)
    }
}

fn response(status: u16, body: &str) -> Vec<u8> {
    format!(
        "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

/// What the API (everything but the token endpoint) does.
#[derive(Clone, Copy, PartialEq)]
enum Api {
    /// Get Balance's answer.
    Answers,
    /// Nothing at all: a stalled server.
    Stalls,
    /// 401 to every call: a server refusing every token.
    Rejects,
}

/// A loopback server: `/oauth/token` as `token` says, anything else as `api` says.
async fn server(token: Arc<TokenEndpoint>, api: Api) -> String {
    let balance: Arc<[u8]> =
        response(200, std::str::from_utf8(BALANCE_ANSWER).expect("utf-8")).into();
    let rejected: Arc<[u8]> = response(401, r#"{"error":"invalid_token"}"#).into();
    serve(move |head: String| {
        let (token, balance, rejected) = (token.clone(), balance.clone(), rejected.clone());
        async move {
            if head.contains(" /oauth/token") {
                return Some(token.answer().await.into());
            }
            match api {
                Api::Answers => Some(balance),
                Api::Stalls => None,
                Api::Rejects => Some(rejected),
            }
        }
    })
    .await
}

fn client(url: &str) -> Client {
    Client::builder()
        .base_url(url)
        .credentials(Credentials::new(
            "CID",
            "secret",
            "user@example.com",
            "pass",
        ))
        .retry_policy(RetryPolicy::none())
        .build()
        .expect("a client")
}

/// What `callers` concurrent callers saw over `run`: every call's latency, and the errors.
struct Load {
    latencies: Vec<Duration>,
    errors: usize,
}

impl Load {
    fn calls(&self) -> usize {
        self.latencies.len() + self.errors
    }

    fn p99(&self) -> Duration {
        let mut sorted = self.latencies.clone();
        sorted.sort();
        sorted
            .get(sorted.len().saturating_sub(1) * 99 / 100)
            .copied()
            .unwrap_or_default()
    }
}

/// `callers` tasks calling Get Balance back to back until `run` is over.
async fn load(client: &Client, callers: usize, run: Duration) -> Load {
    let until = Instant::now() + run;
    let tasks: Vec<_> = (0..callers)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move {
                let (mut latencies, mut errors) = (Vec::new(), 0);
                while Instant::now() < until {
                    let started = Instant::now();
                    match client.get_coin_balance().user_id("EK6CYE6K").send().await {
                        Ok(_) => latencies.push(started.elapsed()),
                        Err(_) => errors += 1,
                    }
                }
                (latencies, errors)
            })
        })
        .collect();
    let mut all = Load {
        latencies: Vec::new(),
        errors: 0,
    };
    for task in tasks {
        let (latencies, errors) = task.await.expect("a caller");
        all.latencies.extend(latencies);
        all.errors += errors;
    }
    all
}

/// 64 callers with a valid token while it is refreshed (the token endpoint taking
/// `delay`), against the same callers with no refresh: p99 of each, and the token
/// requests the refresh made.
async fn refresh_under_load(delay: Duration, scale: u32) -> (Load, Load, usize) {
    let token = Arc::new(TokenEndpoint::default());
    // No refresh during the run: an hour-long token.
    token.set(200, Duration::ZERO, Duration::from_secs(3_600));
    let url = server(token.clone(), Api::Answers).await;
    let calm = client(&url);
    calm.get_coin_balance()
        .user_id("warm-up")
        .send()
        .await
        .expect("a token");
    let baseline = load(&calm, 64, Duration::from_millis(u64::from(1_500 / scale))).await;

    // An 8 s token: refreshed from 4 s, sent until 6 s; the refresh takes `delay`.
    token.set(200, delay, Duration::from_secs(8));
    let refreshing = client(&url);
    refreshing
        .get_coin_balance()
        .user_id("warm-up")
        .send()
        .await
        .expect("a token");
    let before = token.requests.load(Ordering::SeqCst);
    // Idle until just before the refresh is due, then load across it.
    tokio::time::sleep(Duration::from_millis(3_800)).await;
    let during = load(&refreshing, 64, delay + Duration::from_millis(500)).await;
    let refreshes = token.requests.load(Ordering::SeqCst) - before;
    (baseline, during, refreshes)
}

/// 64 callers holding a valid token while the token endpoint fails, 500 for the first
/// half of `window`, 401 for the second: token requests made, errors seen.
async fn failing_token_endpoint(window: Duration) -> (usize, Load) {
    let token = Arc::new(TokenEndpoint::default());
    token.set(200, Duration::ZERO, Duration::from_secs(8));
    let url = server(token.clone(), Api::Answers).await;
    let client = client(&url);
    client
        .get_coin_balance()
        .user_id("warm-up")
        .send()
        .await
        .expect("a token");
    tokio::time::sleep(Duration::from_millis(3_900)).await;
    let before = token.requests.load(Ordering::SeqCst);
    token.set(500, Duration::ZERO, Duration::from_secs(8));
    let switch = {
        let token = token.clone();
        tokio::spawn(async move {
            tokio::time::sleep(window / 2).await;
            token.set(401, Duration::ZERO, Duration::from_secs(8));
        })
    };
    let seen = load(&client, 64, window).await;
    switch.await.expect("switched");
    (token.requests.load(Ordering::SeqCst) - before, seen)
}

/// 64 callers calling an API that answers 401 to every token for `window`: the token
/// requests made (a 401 drops the token it answered, at most once per backoff) and the
/// calls.
async fn rejecting_api(window: Duration) -> (usize, usize) {
    let token = Arc::new(TokenEndpoint::default());
    token.set(200, Duration::ZERO, Duration::from_secs(3_600));
    let url = server(token.clone(), Api::Rejects).await;
    let seen = load(&client(&url), 64, window).await;
    (token.requests.load(Ordering::SeqCst), seen.calls())
}

/// One call to a server that never answers, with the client's defaults (or `deadline`):
/// how long until it ends.
async fn stalled_call(deadline: Option<Duration>) -> Duration {
    let token = Arc::new(TokenEndpoint::default());
    token.set(200, Duration::ZERO, Duration::from_secs(3_600));
    let url = server(token, Api::Stalls).await;
    let mut builder = Client::builder().base_url(&url).bearer_token("t");
    if let Some(deadline) = deadline {
        builder = builder.operation_timeout(deadline);
    }
    let client = builder.build().expect("a client");
    let started = Instant::now();
    let ended = client.get_coin_balance().user_id("EK6CYE6K").send().await;
    assert!(ended.is_err(), "a stalled server cannot answer");
    started.elapsed()
}

/// Calls per second at `callers` callers: the client's and hand-written reqwest's (the
/// same request, a static token), each against a loopback server of its own, in `rounds`
/// interleaved rounds of `run` each (the order alternating), so a slow moment of this
/// machine falls on both. Returns the median round of each and the median of the rounds'
/// ratios (hand-written / client).
async fn throughput(callers: usize, run: Duration, rounds: usize) -> (f64, f64, f64) {
    let ours_url = enkash_rewards_benchmarks::loopback(BALANCE_ANSWER.to_vec()).await;
    let theirs_url = enkash_rewards_benchmarks::loopback(BALANCE_ANSWER.to_vec()).await;
    let ours = Client::builder()
        .base_url(&ours_url)
        .bearer_token("bench-token")
        .retry_policy(RetryPolicy::none())
        .build()
        .expect("a client");
    let http = reqwest::Client::new();
    let target = format!("{theirs_url}/api/v0/coins/balance?userId=EK6CYE6K");
    let per_second = |calls: usize| calls as f64 / run.as_secs_f64();
    let (mut ours_rates, mut theirs_rates, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
    for round in 0..rounds {
        let (o, t) = if round % 2 == 0 {
            let o = client_load(&ours, callers, run).await;
            (o, hand_written_load(&http, &target, callers, run).await)
        } else {
            let t = hand_written_load(&http, &target, callers, run).await;
            (client_load(&ours, callers, run).await, t)
        };
        ours_rates.push(per_second(o));
        theirs_rates.push(per_second(t));
        ratios.push(per_second(t) / per_second(o).max(1e-9));
    }
    (median(ours_rates), median(theirs_rates), median(ratios))
}

/// `callers` tasks calling Get Balance through the client back to back until `run` is
/// over: the calls made. Shaped as [`hand_written_load`] is (no latency recorded), so the
/// two loops differ only in the call.
async fn client_load(client: &Client, callers: usize, run: Duration) -> usize {
    let until = Instant::now() + run;
    let tasks: Vec<_> = (0..callers)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move {
                let mut calls = 0_usize;
                while Instant::now() < until {
                    let answer = client.get_coin_balance().user_id("EK6CYE6K").send().await;
                    std::hint::black_box(answer.expect("answers"));
                    calls += 1;
                }
                calls
            })
        })
        .collect();
    let mut calls = 0;
    for task in tasks {
        calls += task.await.expect("a caller");
    }
    calls
}

/// `callers` tasks making the hand-written call back to back until `run` is over: the
/// calls made.
async fn hand_written_load(
    http: &reqwest::Client,
    target: &str,
    callers: usize,
    run: Duration,
) -> usize {
    let until = Instant::now() + run;
    let tasks: Vec<_> = (0..callers)
        .map(|_| {
            let (http, target) = (http.clone(), target.to_owned());
            tokio::spawn(async move {
                let mut calls = 0_usize;
                while Instant::now() < until {
                    let answer = http
                        .get(&target)
                        .bearer_auth("bench-token")
                        .header("user-agent", "enkash-rewards/0.1.0")
                        .timeout(Duration::from_secs(30))
                        .send()
                        .await
                        .expect("answers");
                    let body = answer.bytes().await.expect("a body");
                    let envelope: serde_json::Value =
                        serde_json::from_slice(&body).expect("decodes");
                    std::hint::black_box(envelope);
                    calls += 1;
                }
                calls
            })
        })
        .collect();
    let mut calls = 0;
    for task in tasks {
        calls += task.await.expect("a caller");
    }
    calls
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values.get(values.len() / 2).copied().unwrap_or_default()
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1e3)
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let test = std::env::args().nth(1).as_deref() == Some("--test");
    let throughput_only = std::env::args().nth(1).as_deref() == Some("--throughput");
    let (delay, scale, run, rounds) = if test {
        (
            Duration::from_millis(300),
            10,
            Duration::from_millis(100),
            1,
        )
    } else {
        (
            Duration::from_millis(1_500),
            1,
            Duration::from_millis(400),
            15,
        )
    };

    if throughput_only {
        throughput_table(run, rounds).await;
        return;
    }
    let (baseline, during, refreshes) = refresh_under_load(delay, scale).await;
    println!("| scenario (64 callers on loopback) | measured | target |");
    println!("|---|---|---|");
    println!(
        "| p99 of calls with a valid token, token endpoint taking {} to refresh / no refresh | {} / {} = {:.2}× ({} errors in {} calls) | ≤ 2× |",
        ms(delay),
        ms(during.p99()),
        ms(baseline.p99()),
        during.p99().as_secs_f64() / baseline.p99().as_secs_f64().max(1e-9),
        during.errors,
        during.calls(),
    );
    println!("| token requests for that refresh | {refreshes} | 1 |");

    let (requests, seen) = failing_token_endpoint(Duration::from_secs(2)).await;
    println!(
        "| token endpoint failing 2 s (500, then 401) under load: token requests / errors seen by callers holding a valid token | {requests} / {} (of {} calls) | ≤ 5 / 0 |",
        seen.errors,
        seen.calls()
    );

    let (requests, calls) = rejecting_api(Duration::from_secs(2)).await;
    println!(
        "| API answering 401 to every token for 2 s under load: token requests (of {calls} calls) | {requests} | ≤ 5 |"
    );

    // With the defaults the stalled call takes the whole 60 s operation timeout; the
    // smoke run sets 1 s to stay short.
    let deadline = test.then_some(Duration::from_secs(1));
    let took = stalled_call(deadline).await;
    println!(
        "| one call to a stalled server, {} | ended after {:.1} s | ≤ {} s |",
        if test {
            "operation timeout 1 s"
        } else {
            "default settings"
        },
        took.as_secs_f64(),
        if test { 1 } else { 60 }
    );

    println!();
    throughput_table(run, rounds).await;
}

/// Calls per second, the client's and hand-written reqwest's, at 1 to 256 callers.
async fn throughput_table(run: Duration, rounds: usize) {
    println!(
        "| callers | client calls/s | hand-written reqwest calls/s | ratio (hand-written / client), median of {rounds} interleaved rounds of {} |",
        ms(run)
    );
    println!("|---:|---:|---:|---:|");
    for callers in [1, 16, 64, 256] {
        let (ours, theirs, ratio) = throughput(callers, run, rounds).await;
        println!("| {callers} | {ours:.0} | {theirs:.0} | {ratio:.2}× |");
    }
}
