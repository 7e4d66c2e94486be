//! The client against hand-written code: decoding the documented reward-card answer, and
//! one call on loopback (Get Balance), each on one thread.

use criterion::{Criterion, criterion_group, criterion_main};
use enkash_rewards::decode::decode_answer;
use enkash_rewards::request::Envelope;
use enkash_rewards::types::RewardCard;
use enkash_rewards_benchmarks::{BalanceCalls, hand_written, reward_card_answer};

const CARD: Envelope = Envelope {
    code: &["code"],
    message: &["message"],
    payload: &["payload"],
};

fn decoding(c: &mut Criterion) {
    let body = reward_card_answer();
    let mut group = c.benchmark_group("decode/reward-card");
    group.bench_function("client", |b| {
        b.iter(|| {
            decode_answer::<RewardCard>(
                "createAndAllocatePoints",
                Some(CARD),
                reqwest::StatusCode::OK,
                std::hint::black_box(&body),
            )
            .expect("decodes")
        })
    });
    group.bench_function("hand-written struct", |b| {
        b.iter(|| {
            serde_json::from_slice::<hand_written::Envelope<hand_written::RewardCard>>(
                std::hint::black_box(&body),
            )
            .expect("decodes")
        })
    });
    group.bench_function("serde_json::Value", |b| {
        b.iter(|| {
            serde_json::from_slice::<serde_json::Value>(std::hint::black_box(&body))
                .expect("decodes")
        })
    });
    group.finish();
}

fn per_call(c: &mut Criterion) {
    let calls = BalanceCalls::default();
    let mut group = c.benchmark_group("call/get-balance");
    group.bench_function("client", |b| b.iter(|| calls.client()));
    // The same request as the client sends (its User-Agent and its per-request timeout:
    // the client never sends without one), then the bare call with neither.
    for (name, same_request) in [
        ("hand-written reqwest", true),
        ("hand-written reqwest, bare", false),
    ] {
        group.bench_function(name, |b| b.iter(|| calls.hand_written(same_request)));
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(30).measurement_time(std::time::Duration::from_secs(3));
    targets = decoding, per_call
}
criterion_main!(benches);
