use agentrace::trace;

#[trace(skip(x))]
fn double(value: i32) -> i32 {
    value * 2
}

fn main() {}
