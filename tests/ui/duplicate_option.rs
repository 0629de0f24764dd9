use agentrace::trace;

#[trace(name = "load", name = "fetch")]
fn load() {}

fn main() {}
