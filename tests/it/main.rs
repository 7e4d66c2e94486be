//! The workspace's integration tests, as one binary: the client and the generator link
//! once, and every module shares one build (as cargo's own `tests/testsuite` does).
//!
//! Tests that need a tool from outside the Rust toolchain are `#[ignore = "needs …"]`,
//! with the command that runs them; `bash .ci/run` runs them all with `--include-ignored`.

mod architecture;
mod change_report;
mod compile_time;
mod consumer_safety;
mod contract;
mod corpus;
mod decimal;
mod encryption;
mod flows;
mod forward_compat;
mod fuzz_answers;
mod fuzz_specs;
mod keyed_writes;
mod proptest_types;
mod roundtrip_examples;
mod runtime_auth;
mod runtime_retry;
mod runtime_tracing;
mod runtime_transport;
mod snapshots;
mod wire_operations;
mod wire_reward_apis;
