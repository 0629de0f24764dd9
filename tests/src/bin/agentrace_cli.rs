//! The `agentrace` command, built inside the tests crate so that the viewer tests can run it
//! as a process (`CARGO_BIN_EXE_agentrace_cli`): the same code as the `agentrace` binary.

fn main() {
    std::process::exit(agentrace_viewer::main_with(std::env::args()));
}
