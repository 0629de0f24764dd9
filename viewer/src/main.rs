//! The `agentrace` command (work in progress).
fn main() {}
