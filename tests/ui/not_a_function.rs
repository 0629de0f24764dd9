use agentrace::trace;

#[trace]
struct Config {
    retries: u32,
}

fn main() {}
