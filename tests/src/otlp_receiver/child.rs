//! Runs one test of the current test binary in a fresh process, with extra environment
//! variables: the way to test `init()`, which sets tracing up once per process.
//!
//! A test calls [`run`] with its own name; in the child, [`is_child`] is true and the test
//! does the traced work instead.

use std::process::{Command, Output};

const MARKER: &str = "AGENTRACE_TEST_CHILD";

/// `true` inside a process started by [`run`] for `test`.
pub fn is_child(test: &str) -> bool {
    std::env::var(MARKER).is_ok_and(|name| name == test)
}

/// Runs test `test` of this test binary in a child process with `env` added; returns its
/// output once it exits.
pub fn run(test: &str, env: &[(&str, &str)]) -> Output {
    let exe = std::env::current_exe().expect("the test binary");
    let mut command = Command::new(exe);
    command
        .args([test, "--exact", "--nocapture", "--test-threads=1"])
        .env(MARKER, test);
    for (name, value) in env {
        command.env(name, value);
    }
    command.output().expect("run the child test process")
}

/// The child's standard output and error, for assertion messages.
pub fn describe(output: &Output) -> String {
    format!(
        "status {}\n--- stdout\n{}\n--- stderr\n{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}
