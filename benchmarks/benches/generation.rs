//! Generation, text to the client's formatted files: ours against progenitor 0.15.1 on
//! each spec both handle in full (its default positional interface, the anchor, and its
//! builder interface, the one like ours), the formatting alone of both outputs, and our
//! phases on our own spec.

use criterion::{Criterion, criterion_group, criterion_main};
use enkash_rewards_benchmarks::{
    FormattingAlone, Interface, ours, progenitor, progenitor_formatting, progenitor_tokens, specs,
};

fn generation(c: &mut Criterion) {
    for (name, text) in specs() {
        let json = name.ends_with(".json");
        let theirs = progenitor(&text, json, Interface::Positional).is_some();
        let mine = ours(&text).is_some();
        let mut group = c.benchmark_group(format!("generate/{name}"));
        if mine {
            group.bench_function("ours", |b| b.iter(|| ours(std::hint::black_box(&text))));
            // How much of that no change to our emission can remove, for the same output.
            let formatting = FormattingAlone::new(&text).expect("ours generates it");
            group.bench_function("ours, formatting alone", |b| b.iter(|| formatting.run()));
        }
        if theirs {
            group.bench_function("progenitor", |b| {
                b.iter(|| progenitor(std::hint::black_box(&text), json, Interface::Positional))
            });
            group.bench_function("progenitor, builder interface", |b| {
                b.iter(|| progenitor(std::hint::black_box(&text), json, Interface::Builder))
            });
            let tokens = progenitor_tokens(&text, json, Interface::Positional)
                .expect("progenitor generates it");
            group.bench_function("progenitor, formatting alone", |b| {
                b.iter(|| progenitor_formatting(std::hint::black_box(tokens.clone())))
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
    let (spec, _) = enkash_rewards_generator::load::parse(&text).expect("parses");
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
