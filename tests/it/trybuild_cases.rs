//! Compile-time guarantees of the generated builders, checked with `trybuild`: for every
//! operation, leaving out a required input does not compile and the error names it; using
//! every setter in any order does.

#[test]
fn builders_check_required_inputs_at_compile_time() {
    let cases = trybuild::TestCases::new();
    cases.pass("trybuild/pass/*.rs");
    cases.compile_fail("trybuild/fail/*.rs");
}
