//! Compile-time guarantees of the generated builders. The modules below compile into this
//! binary, so a regression there fails the suite's build: every setter in any order, a
//! required setter called twice, builders that outlive the client and spawn. Leaving out
//! a required input must not compile, and the error must name it: `trybuild/fail/*.rs`,
//! checked with `trybuild` (only `cargo check`, one build for all the cases).

mod every_setter;
mod owned_and_spawnable;
mod required_setter_twice;

fn assert_send_static<T: Send + 'static>(_: &T) {}

/// A client for calls that are built and never sent.
fn unused_client() -> enkash_rewards::Client {
    enkash_rewards::Client::builder()
        .base_url("http://127.0.0.1:9")
        .build()
        .expect("a client")
}

#[test]
fn leaving_out_a_required_input_does_not_compile() {
    trybuild::TestCases::new().compile_fail("trybuild/fail/*.rs");
}
