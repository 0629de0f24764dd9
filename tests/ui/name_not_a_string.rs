use agentrace::trace;

#[trace(name = 5)]
fn step() {}

fn main() {}
