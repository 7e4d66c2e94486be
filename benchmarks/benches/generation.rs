//! Generation, text to the client's formatted files: ours against progenitor 0.15.1 on
//! each spec both handle in full, and our phases on our own spec.

use criterion::{Criterion, criterion_group, criterion_main};
use enkash_rewards_benchmarks::{ours, progenitor, specs};

fn generation(c: &mut Criterion) {
    for (name, text) in specs() {
        let json = name.ends_with(".json");
        let theirs = progenitor(&text, json).is_some();
        let mine = ours(&text).is_some();
        let mut group = c.benchmark_group(format!("generate/{name}"));
        if mine {
            group.bench_function("ours", |b| b.iter(|| ours(std::hint::black_box(&text))));
        }
        if theirs {
            group.bench_function("progenitor", |b| {
                b.iter(|| progenitor(std::hint::black_box(&text), json))
            });
        }
        group.finish();
    }
    let text =
        std::fs::read_to_string(enkash_rewards_benchmarks::root().join("spec/enkash-rewards.yaml"))
            .expect("our spec");
    let mut group = c.benchmark_group("phases/enkash-rewards.yaml");
    group.bench_function("parse", |b| {
        b.iter(|| enkash_rewards_generator::load::parse(std::hint::black_box(&text)))
    });
    let spec = enkash_rewards_generator::load::parse(&text).expect("parses");
    group.bench_function("lower", |b| {
        b.iter(|| enkash_rewards_generator::lower::lower(std::hint::black_box(&spec)))
    });
    group.bench_function("everything", |b| {
        b.iter(|| ours(std::hint::black_box(&text)))
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20).measurement_time(std::time::Duration::from_secs(3));
    targets = generation
}
criterion_main!(benches);
