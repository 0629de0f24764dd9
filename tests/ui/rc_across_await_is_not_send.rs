use std::rc::Rc;

use agentrace::trace;

async fn pause() {}

#[trace]
async fn count(value: u32) -> u32 {
    let shared = Rc::new(value);
    pause().await;
    *shared
}

fn assert_send<T: Send>(_: T) {}

fn main() {
    assert_send(count(1));
}
