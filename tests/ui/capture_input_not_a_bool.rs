use agentrace::trace;

#[trace(capture_input = "yes")]
fn step(value: i32) -> i32 {
    value
}

fn main() {}
