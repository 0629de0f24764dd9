use std::future::Future;

use agentrace::{trace, trace_agent, trace_tool};
use async_trait::async_trait;

fn assert_send<T: Send>(_: T) {}

async fn pause() {}

#[trace]
async fn count(value: u32) -> u32 {
    let text = value.to_string();
    pause().await;
    text.len() as u32
}

#[async_trait]
trait Agent {
    async fn answer(&self, question: String) -> String;
}

struct Echo;

#[async_trait]
impl Agent for Echo {
    #[trace_agent]
    async fn answer(&self, question: String) -> String {
        pause().await;
        question
    }
}

trait Tool {
    fn run(&self, input: String) -> impl Future<Output = String> + Send;
}

struct Upper;

impl Tool for Upper {
    #[trace_tool]
    fn run(&self, input: String) -> impl Future<Output = String> + Send {
        async move {
            pause().await;
            input.to_uppercase()
        }
    }
}

fn main() {
    assert_send(count(1));
    assert_send(Echo.answer("hi".to_owned()));
    assert_send(Upper.run("hi".to_owned()));
}
