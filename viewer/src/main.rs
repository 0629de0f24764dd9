//! The `agentrace` command: `agentrace traces`, `agentrace show <id>`, `agentrace export`.
//! Everything it does is in the library (`agentrace_viewer`).

fn main() {
    std::process::exit(agentrace_viewer::main_with(std::env::args()));
}
