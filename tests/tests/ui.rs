//! Misuse of the tracing macros is a compile error pointing at the user's own tokens
//! (`ui/*.rs`, each with the `.stderr` a user sees), and tracing never changes whether an
//! async fn's future is `Send` (`ui/rc_across_await_is_not_send.rs`, `ui/pass/`).

#[test]
fn ui() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("ui/*.rs");
    cases.pass("ui/pass/*.rs");
}
