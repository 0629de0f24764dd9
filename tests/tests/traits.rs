//! Trait methods: `#[async_trait]` (the boxed inner future is what gets traced), native
//! `async fn` in traits and impls, and `-> impl Future + Send` in traits; spans cover the
//! awaited work and keep `Send`.

use std::future::Future;
use std::time::Duration;

use agentrace::record::StatusCode;
use agentrace::testing::{capture_async, children, span};
use agentrace::{trace_agent, trace_tool};
use async_trait::async_trait;

#[async_trait]
trait Tool {
    async fn call(&self, input: &str) -> Result<String, String>;
}

struct Echo;

#[async_trait]
impl Tool for Echo {
    #[trace_tool(name = "echo", description = "Repeats its input")]
    async fn call(&self, input: &str) -> Result<String, String> {
        tokio::time::sleep(Duration::from_millis(5)).await;
        nested().await;
        if input.is_empty() {
            return Err("nothing to echo".into());
        }
        Ok(input.repeat(2))
    }
}

#[trace_tool]
async fn nested() {}

fn assert_send<T: Send>(value: T) -> T {
    value
}

#[tokio::test]
async fn async_trait_methods_trace_the_inner_future() {
    let (out, spans) = capture_async(async {
        let tool: Box<dyn Tool + Send + Sync> = Box::new(Echo);
        let ok = assert_send(tool.call("ab")).await;
        let err = tool.call("").await;
        (ok, err)
    })
    .await;
    assert_eq!(out.0.as_deref(), Ok("abab"));
    assert!(out.1.is_err());
    let echoes: Vec<_> = spans
        .iter()
        .filter(|s| s.name == "execute_tool echo")
        .collect();
    assert_eq!(echoes.len(), 2);
    let ok = echoes
        .iter()
        .find(|s| s.status.status_code == StatusCode::Ok)
        .unwrap();
    assert!(ok.duration_nanos() >= 5_000_000, "covers the awaited work");
    assert_eq!(ok.attr_str("input.value"), Some(r#"{"input":"ab"}"#));
    assert_eq!(ok.attr_str("output.value"), Some("\"abab\""));
    assert_eq!(
        ok.attr_str("gen_ai.tool.description"),
        Some("Repeats its input")
    );
    assert_eq!(
        ok.attr_str("code.function.name"),
        Some("traits::Echo::call")
    );
    assert_eq!(
        children(&spans, ok).len(),
        1,
        "the nested tool hangs under it"
    );
    let err = echoes
        .iter()
        .find(|s| s.status.status_code == StatusCode::Error)
        .unwrap();
    assert_eq!(err.status.description.as_deref(), Some("nothing to echo"));
}

trait Agent {
    async fn reply(&self, message: &str) -> String;
    fn reply_send(&self, message: String) -> impl Future<Output = String> + Send;
}

struct Assistant {
    id: u32,
}

impl Agent for Assistant {
    #[trace_agent(id = self.id)]
    async fn reply(&self, message: &str) -> String {
        tokio::task::yield_now().await;
        nested().await;
        format!("re: {message}")
    }

    #[trace_agent(name = "sender")]
    fn reply_send(&self, message: String) -> impl Future<Output = String> + Send {
        async move {
            tokio::time::sleep(Duration::from_millis(3)).await;
            message
        }
    }
}

#[tokio::test]
async fn native_async_fn_in_traits_and_impl_future_send() {
    let assistant = Assistant { id: 9 };
    let (out, spans) = capture_async(async {
        let a = assert_send(assistant.reply("hi")).await;
        let b = assert_send(assistant.reply_send("yo".into())).await;
        (a, b)
    })
    .await;
    assert_eq!(out, ("re: hi".to_owned(), "yo".to_owned()));
    let agent = span(&spans, "invoke_agent Assistant");
    assert_eq!(agent.attr_i64("gen_ai.agent.id"), Some(9));
    assert_eq!(children(&spans, agent).len(), 1);
    let sender = span(&spans, "invoke_agent sender");
    assert!(sender.duration_nanos() >= 3_000_000);
    assert_eq!(sender.attr_str("output.value"), Some("\"yo\""));
}

#[trace_agent(name = "native")]
async fn native_call(input: &str) -> String {
    input.to_uppercase()
}

#[tokio::test]
async fn async_trait_and_native_async_fn_both_start_their_span_at_the_first_poll() {
    let tool = Echo;
    // Made outside the scope, awaited inside it: both forms are traced where they run.
    let boxed = tool.call("ab");
    let native = native_call("ab");
    let (out, spans) = capture_async(async { (boxed.await, native.await) }).await;
    assert_eq!(out, (Ok("abab".to_owned()), "AB".to_owned()));
    let names: Vec<&str> = spans.iter().map(|s| s.name.as_str()).collect();
    assert!(names.contains(&"execute_tool echo"), "{names:?}");
    assert!(names.contains(&"invoke_agent native"), "{names:?}");

    // A future made inside a scope but never polled makes no span, in either form.
    let (_, spans) = capture_async(async {
        drop(tool.call("never"));
        drop(native_call("never"));
    })
    .await;
    assert!(spans.is_empty(), "{spans:?}");

    // The span starts at the first poll, not when the future is made.
    let made = tool.call("ab");
    tokio::time::sleep(Duration::from_millis(2)).await;
    let first_poll = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64;
    let (_, spans) = capture_async(made).await;
    let echo = span(&spans, "execute_tool echo");
    assert!(
        echo.start_time >= first_poll,
        "started at {} ns, before its first poll at {first_poll} ns",
        echo.start_time
    );
}
