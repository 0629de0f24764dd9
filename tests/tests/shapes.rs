//! One behaviour test per function shape: the span's name, parent, status, captured input
//! and output, and that it ends only after the work it covers.

use std::pin::Pin;
use std::time::Duration;

use agentrace::record::StatusCode;
use agentrace::testing::{capture, capture_async, children, span};
use agentrace::{trace, trace_agent, trace_llm, trace_tool, SpanRecord};
use futures::stream::{self, BoxStream, Stream, StreamExt};

#[trace_tool]
fn add(a: i32, b: i32) -> i32 {
    inner_step(a) + b
}

#[trace]
fn inner_step(x: i32) -> i32 {
    x
}

fn assert_child_of(spans: &[SpanRecord], child: &str, parent: &str) {
    let parent = span(spans, parent);
    let child = span(spans, child);
    assert_eq!(
        child.parent_id.as_deref(),
        Some(parent.span_id.as_str()),
        "{} under {}",
        child.name,
        parent.name
    );
    assert_eq!(child.trace_id, parent.trace_id);
}

#[test]
fn sync_fn_records_name_input_output_and_ok() {
    let (sum, spans) = capture(|| add(2, 3));
    assert_eq!(sum, 5);
    assert_eq!(spans.len(), 2);
    let tool = span(&spans, "execute_tool add");
    assert_eq!(tool.status.status_code, StatusCode::Ok);
    assert_eq!(tool.attr_str("input.value"), Some(r#"{"a":2,"b":3}"#));
    assert_eq!(tool.attr_str("output.value"), Some("5"));
    assert_eq!(tool.attr_str("gen_ai.operation.name"), Some("execute_tool"));
    assert_eq!(tool.attr_str("gen_ai.tool.name"), Some("add"));
    assert_eq!(tool.attr_str("code.function.name"), Some("shapes::add"));
    assert!(tool.is_root());
    assert_child_of(&spans, "inner_step", "execute_tool add");
    let inner = span(&spans, "inner_step");
    assert!(inner.end_time <= tool.end_time && inner.start_time >= tool.start_time);
}

#[trace_llm(provider = "mock", model = "m1")]
async fn ask(prompt: String) -> Result<String, std::io::Error> {
    tokio::time::sleep(Duration::from_millis(5)).await;
    let answer = lookup_tool(&prompt).await?;
    Ok(answer)
}

#[trace_tool(name = "lookup")]
async fn lookup_tool(query: &str) -> Result<String, std::io::Error> {
    tokio::task::yield_now().await;
    if query.is_empty() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "empty query",
        ));
    }
    Ok(format!("found {query}"))
}

#[tokio::test]
async fn async_fn_span_covers_awaits_and_nests_children() {
    let (answer, spans) = capture_async(ask("rust".into())).await;
    assert_eq!(answer.unwrap(), "found rust");
    let llm = span(&spans, "chat m1");
    assert_eq!(llm.kind, agentrace::record::RecordKind::Client);
    assert_eq!(llm.attr_str("gen_ai.provider.name"), Some("mock"));
    assert_eq!(llm.attr_str("gen_ai.request.model"), Some("m1"));
    assert_eq!(llm.attr_str("output.value"), Some("\"found rust\""));
    assert!(
        llm.duration_nanos() >= 5_000_000,
        "covers the sleep: {}",
        llm.duration_nanos()
    );
    assert_child_of(&spans, "execute_tool lookup", "chat m1");
}

#[allow(clippy::manual_async_fn)] // the shape under test: a fn returning `impl Future`
fn delayed_double(x: u64) -> impl std::future::Future<Output = u64> {
    async move {
        tokio::time::sleep(Duration::from_millis(20)).await;
        x * 2
    }
}

#[trace]
#[allow(clippy::manual_async_fn)]
fn returns_future(x: u64) -> impl std::future::Future<Output = u64> {
    delayed_double(x)
}

#[tokio::test]
async fn impl_future_span_covers_the_future_not_its_construction() {
    let (value, spans) = capture_async(async {
        let future = returns_future(4);
        tokio::time::sleep(Duration::from_millis(1)).await;
        future.await
    })
    .await;
    assert_eq!(value, 8);
    let traced = span(&spans, "returns_future");
    assert!(traced.duration_nanos() >= 20_000_000);
    assert_eq!(traced.attr_str("output.value"), Some("8"));
    assert_eq!(traced.attr_str("input.value"), Some(r#"{"x":4}"#));
}

#[trace(name = "chunks")]
fn numbers(n: u32) -> impl Stream<Item = u32> {
    stream::iter(0..n).then(|i| async move {
        inner_step(i as i32);
        i
    })
}

#[tokio::test]
async fn stream_span_stays_open_until_the_last_item_and_nests_children() {
    let (items, spans) = capture_async(async { numbers(3).collect::<Vec<_>>().await }).await;
    assert_eq!(items, vec![0, 1, 2]);
    let stream_span = span(&spans, "chunks");
    assert_eq!(stream_span.attr_i64("agentrace.stream.items"), Some(3));
    assert_eq!(stream_span.attr_str("output.value"), Some("[0,1,2]"));
    assert!(stream_span
        .attr_f64("gen_ai.response.time_to_first_chunk")
        .is_some());
    assert_eq!(stream_span.status.status_code, StatusCode::Ok);
    let kids = children(&spans, stream_span);
    assert_eq!(kids.len(), 3);
    assert!(kids.iter().all(|kid| kid.end_time <= stream_span.end_time));
}

#[trace]
fn boxed(n: u32) -> BoxStream<'static, Result<u32, String>> {
    stream::iter((0..n).map(|i| {
        if i == 1 {
            Err("bad chunk".to_owned())
        } else {
            Ok(i)
        }
    }))
    .boxed()
}

#[trace]
fn pinned(n: u32) -> Pin<Box<dyn Stream<Item = u32> + Send>> {
    Box::pin(stream::iter(0..n))
}

#[tokio::test]
async fn boxed_streams_are_followed_and_err_items_mark_errors() {
    let (items, spans) = capture_async(async {
        let a: Vec<_> = boxed(3).collect().await;
        let b: Vec<_> = pinned(2).collect().await;
        (a, b)
    })
    .await;
    assert_eq!(items.0.len(), 3);
    assert_eq!(items.1, vec![0, 1]);
    let errored = span(&spans, "boxed");
    assert_eq!(errored.status.status_code, StatusCode::Error);
    assert_eq!(errored.status.description.as_deref(), Some("bad chunk"));
    assert_eq!(
        errored.attr_str("error.type"),
        Some("alloc::string::String")
    );
    assert_eq!(
        span(&spans, "pinned").attr_i64("agentrace.stream.items"),
        Some(2)
    );
}

#[trace]
fn evens(limit: u32) -> impl Iterator<Item = u32> {
    (0..limit).filter(|i| i % 2 == 0).inspect(|i| {
        inner_step(*i as i32);
    })
}

#[test]
fn iterator_span_follows_iteration() {
    let (items, spans) = capture(|| evens(6).collect::<Vec<_>>());
    assert_eq!(items, vec![0, 2, 4]);
    let iter_span = span(&spans, "evens");
    assert_eq!(iter_span.attr_i64("agentrace.stream.items"), Some(3));
    assert_eq!(children(&spans, iter_span).len(), 3);
}

#[trace_llm(stream, model = "streamer")]
async fn stream_chat(prompt: &str) -> Result<impl Stream<Item = String>, std::io::Error> {
    tokio::time::sleep(Duration::from_millis(2)).await;
    if prompt.is_empty() {
        return Err(std::io::Error::other("no prompt"));
    }
    let words: Vec<String> = prompt.split(' ').map(str::to_owned).collect();
    Ok(stream::iter(words))
}

#[tokio::test]
async fn async_fn_returning_result_of_stream_covers_request_and_stream() {
    let (words, spans) = capture_async(async {
        let stream = stream_chat("hello there").await.unwrap();
        tokio::time::sleep(Duration::from_millis(10)).await;
        stream.collect::<Vec<_>>().await
    })
    .await;
    assert_eq!(words, vec!["hello", "there"]);
    let chat = span(&spans, "chat streamer");
    assert!(chat.duration_nanos() >= 12_000_000);
    assert_eq!(chat.attr_str("output.value"), Some(r#"["hello","there"]"#));
    let ttfc = chat
        .attr_f64("gen_ai.response.time_to_first_chunk")
        .unwrap();
    assert!(ttfc >= 0.002, "{ttfc}");

    let (failed, spans) = capture_async(stream_chat("")).await;
    assert!(failed.is_err());
    let chat = span(&spans, "chat streamer");
    assert_eq!(chat.status.status_code, StatusCode::Error);
    assert_eq!(chat.status.description.as_deref(), Some("no prompt"));
}

struct Planner {
    steps: u32,
}

impl Planner {
    #[trace_agent]
    fn plan(&self, goal: &str) -> Vec<String> {
        (0..self.steps).map(|i| format!("{goal} {i}")).collect()
    }

    #[trace]
    fn bump(&mut self) -> u32 {
        self.steps += 1;
        self.steps
    }

    #[trace]
    fn into_steps(self) -> u32 {
        self.steps
    }
}

#[test]
fn methods_are_named_after_self() {
    let mut planner = Planner { steps: 1 };
    let (_, spans) = capture(|| {
        planner.plan("go");
        planner.bump();
        planner.into_steps()
    });
    let agent = span(&spans, "invoke_agent Planner");
    assert_eq!(agent.attr_str("gen_ai.agent.name"), Some("Planner"));
    assert_eq!(
        agent.attr_str("code.function.name"),
        Some("shapes::Planner::plan")
    );
    assert_eq!(agent.attr_str("input.value"), Some(r#"{"goal":"go"}"#));
    assert_eq!(span(&spans, "bump").attr_str("output.value"), Some("2"));
    assert_eq!(
        span(&spans, "into_steps").attr_str("output.value"),
        Some("2")
    );
}

#[trace]
fn generic<T: std::fmt::Debug + Clone, U>(value: T, _other: U) -> Vec<T>
where
    U: Into<u8>,
{
    vec![value.clone(), value]
}

#[trace]
fn longest<'a>(a: &'a str, b: &'a str) -> &'a str {
    if a.len() >= b.len() {
        return a;
    }
    b
}

#[trace]
fn first_word(text: &str) -> &str {
    text.split(' ').next().unwrap_or("")
}

#[trace]
fn pattern_args((a, b): (i32, i32), Wrapper { inner }: Wrapper) -> i32 {
    a + b + inner
}

struct Wrapper {
    inner: i32,
}

#[trace]
fn impl_args(items: impl IntoIterator<Item = u8>) -> impl Iterator<Item = u8> {
    items.into_iter().collect::<Vec<_>>().into_iter()
}

#[trace]
fn parse_twice(a: &str, b: &str) -> Result<i32, std::num::ParseIntError> {
    let a: i32 = a.parse()?;
    let b: i32 = b.parse()?;
    Ok(a + b)
}

#[trace]
fn factorial(n: u64) -> u64 {
    if n <= 1 {
        return 1;
    }
    n * factorial(n - 1)
}

#[test]
fn generics_lifetimes_patterns_early_returns_and_recursion() {
    let (_, spans) = capture(|| {
        assert_eq!(generic("x", 1u8), vec!["x", "x"]);
        assert_eq!(longest("abc", "de"), "abc");
        assert_eq!(first_word("hello world"), "hello");
        assert_eq!(pattern_args((1, 2), Wrapper { inner: 3 }), 6);
        assert_eq!(impl_args(vec![1, 2]).collect::<Vec<_>>(), vec![1, 2]);
        assert_eq!(parse_twice("1", "2"), Ok(3));
        assert!(parse_twice("1", "x").is_err());
        assert_eq!(factorial(4), 24);
    });
    assert_eq!(
        span(&spans, "generic").attr_str("input.value"),
        Some(r#"{"value":"\"x\"","_other":"u8"}"#)
    );
    assert_eq!(
        span(&spans, "longest").attr_str("output.value"),
        Some("\"abc\"")
    );
    assert_eq!(
        span(&spans, "pattern_args").attr_str("input.value"),
        Some(r#"{"a":1,"b":2,"inner":3}"#)
    );
    let parses: Vec<_> = spans.iter().filter(|s| s.name == "parse_twice").collect();
    assert_eq!(parses.len(), 2);
    assert_eq!(parses[1].status.status_code, StatusCode::Error);
    assert_eq!(
        parses[1].attr_str("error.type"),
        Some("core::num::error::ParseIntError")
    );
    let facts: Vec<_> = spans.iter().filter(|s| s.name == "factorial").collect();
    assert_eq!(facts.len(), 4);
    let outer = facts
        .iter()
        .find(|s| s.attr_str("input.value") == Some(r#"{"n":4}"#))
        .unwrap();
    assert!(outer.is_root());
    assert_eq!(outer.attr_str("output.value"), Some("24"));
}
