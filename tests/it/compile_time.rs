//! Compile-time guarantees of the generated builders. The modules below compile into this
//! binary, so a regression there fails the suite's build: every setter in any order, a
//! required setter called twice, builders that outlive the client and spawn. Leaving out
//! a required input must not compile, and the error must name it: `trybuild/fail/*.rs`,
//! checked with `trybuild` (only `cargo check`, one build for all the cases).

mod every_setter;
mod owned_and_spawnable;
mod required_setter_twice;

fn assert_send_static<T: Send + 'static>(_: &T) {}

#[test]
fn leaving_out_a_required_input_does_not_compile() {
    trybuild::TestCases::new().compile_fail("trybuild/fail/*.rs");
}
