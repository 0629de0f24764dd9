//! Traced functions whose body is one expression, in every shape and with every macro, written
//! on one line as users write them (rustc's `unused_braces` looks at one-line blocks only, so
//! rustfmt must leave this file alone): the crates that include it deny every rustc warning
//! and every default clippy lint, so an expansion that warns on the user's line fails their
//! build. The tests below check that each function still makes its span.

use std::future::Future;
use std::pin::Pin;

use agentrace::{trace, trace_agent, trace_embedding, trace_format, trace_llm, trace_tool};
use futures::stream::{self, Stream};

#[trace]
pub fn sync_value(x: u8) -> u8 { x }

#[trace]
pub fn sync_unit(_x: u8) {}

#[trace]
pub fn constant() -> u8 { 5 }

#[trace]
pub fn optional(x: Option<u8>) -> Option<u8> { x }

#[trace_llm(provider = "mock", model = "m")]
pub async fn async_value(prompt: &str) -> String { format!("re: {prompt}") }

#[trace]
pub async fn unit_async() {}

#[trace_tool]
pub fn fallible(x: u32) -> Result<u32, String> { x.checked_sub(1).ok_or_else(|| "underflow".to_owned()) }

#[trace]
pub fn generic<T: std::fmt::Debug + Clone>(value: &T) -> T { value.clone() }

#[trace]
pub fn with_where<T>(value: T) -> T
where
    T: Clone + std::fmt::Debug,
{ value }

#[trace]
pub fn counting(n: u32) -> impl Iterator<Item = u32> { 0..n }

#[trace]
pub fn boxed_iter(n: u32) -> Box<dyn Iterator<Item = u32> + Send> { Box::new(0..n) }

#[trace]
pub fn fallible_iter(n: u32) -> Result<impl Iterator<Item = u32>, String> { Ok(0..n) }

#[trace_llm(model = "m", stream)]
pub fn streaming(n: u32) -> impl Stream<Item = u32> { stream::iter(0..n) }

#[trace]
pub fn pinned_stream(n: u32) -> Pin<Box<dyn Stream<Item = u32> + Send>> { Box::pin(stream::iter(0..n)) }

#[trace]
pub fn returns_future(x: u8) -> impl Future<Output = u8> { async move { x } }

#[trace_embedding(model = "e")]
pub async fn embed(text: &str) -> Vec<f32> { vec![text.len() as f32] }

#[trace_format(target = "openai")]
pub fn format_messages(messages: &[String]) -> usize { messages.len() }

/// An agent with traced methods.
pub struct Agent {
    /// Its name.
    pub name: String,
}

impl Agent {
    /// One turn.
    #[trace_agent]
    pub async fn turn(&self, question: &str) -> String { format!("{}: {question}", self.name) }

    /// Its name.
    #[trace]
    pub fn name(&self) -> &str { &self.name }

    /// Consumes the agent.
    #[trace]
    pub fn into_name(self) -> String { self.name }
}

/// A plain trait.
pub trait Tool {
    /// Runs the tool.
    fn call(&self, input: u32) -> u32;
}

impl Tool for Agent {
    #[trace_tool(name = "double")]
    fn call(&self, input: u32) -> u32 { input * 2 }
}

/// An `#[async_trait]` trait.
#[async_trait::async_trait]
pub trait AsyncTool {
    /// Runs the tool.
    async fn run(&self, input: u32) -> u32;
}

#[async_trait::async_trait]
impl AsyncTool for Agent {
    #[trace_tool(name = "triple")]
    async fn run(&self, input: u32) -> u32 { input * 3 }
}

/// A trait with native `async fn` and `impl Future` methods.
pub trait NativeAsync {
    /// The answer, later.
    fn answer(&self) -> impl Future<Output = u32> + Send;
    /// The length of a question, later.
    fn ask(&self, question: &str) -> impl Future<Output = usize> + Send;
}

impl NativeAsync for Agent {
    #[trace]
    fn answer(&self) -> impl Future<Output = u32> + Send { async { 42 } }

    #[trace_agent(name = "asker")]
    async fn ask(&self, question: &str) -> usize { question.len() }
}

#[cfg(test)]
mod tests {
    use super::*;
    use agentrace::testing::{capture, capture_async};
    use futures::StreamExt;

    fn names(spans: &[agentrace::SpanRecord]) -> Vec<&str> {
        spans.iter().map(|span| span.name.as_str()).collect()
    }

    #[test]
    fn every_sync_shape_records_its_span() {
        let agent = Agent {
            name: "a".to_owned(),
        };
        let (total, spans) = capture(|| {
            sync_unit(1);
            let items: u32 = counting(3).sum::<u32>()
                + boxed_iter(2).sum::<u32>()
                + fallible_iter(3).map(|it| it.sum()).unwrap_or(0);
            u32::from(sync_value(2))
                + u32::from(constant())
                + u32::from(optional(Some(1)).unwrap_or(0))
                + fallible(2).unwrap_or(0)
                + generic(&3u32)
                + with_where(2u32)
                + items
                + format_messages(&["hi".to_owned()]) as u32
                + agent.call(4)
                + agent.name().len() as u32
                + Agent {
                    name: "c".to_owned(),
                }
                .into_name()
                .len() as u32
        });
        assert_eq!(total, 2 + 5 + 1 + 1 + 3 + 2 + (3 + 1 + 3) + 1 + 8 + 1 + 1);
        assert_eq!(spans.len(), 14, "{:?}", names(&spans));
    }

    #[test]
    fn every_async_shape_records_its_span() {
        let agent = Agent {
            name: "a".to_owned(),
        };
        let (out, spans) = futures::executor::block_on(capture_async(async {
            unit_async().await;
            let mut total = async_value("hi").await.len() as u32;
            total += streaming(2).count().await as u32;
            total += pinned_stream(3).count().await as u32;
            total += u32::from(returns_future(4).await);
            total += embed("abc").await.len() as u32;
            total += agent.turn("q").await.len() as u32;
            total += agent.run(1).await;
            total += agent.answer().await;
            total += agent.ask("why").await as u32;
            total
        }));
        assert_eq!(out, 6 + 2 + 3 + 4 + 1 + 4 + 3 + 42 + 3);
        assert_eq!(spans.len(), 10, "{:?}", names(&spans));
    }
}
