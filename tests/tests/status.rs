//! Status and end: `Err` results, panics and cancellation each end the span once, with the
//! right status, `error.type` and `exception` event, and leave the return value untouched.

use std::collections::HashSet;
use std::fmt;
use std::time::Duration;

use agentrace::record::StatusCode;
use agentrace::testing::{capture, capture_async, span};
use agentrace::{trace, trace_llm, trace_tool, ErrorType, SpanRecord};
use futures::stream::{self, Stream, StreamExt};

#[derive(Debug, PartialEq)]
enum ModelError {
    Timeout,
    RateLimited(u32),
}

impl fmt::Display for ModelError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ModelError::Timeout => f.write_str("the model timed out"),
            ModelError::RateLimited(after) => write!(f, "rate limited, retry after {after}s"),
        }
    }
}

impl std::error::Error for ModelError {}

impl ErrorType for ModelError {
    fn error_type(&self) -> &str {
        match self {
            ModelError::Timeout => "timeout",
            ModelError::RateLimited(_) => "rate_limited",
        }
    }
}

#[trace_llm(model = "m")]
fn call_model(fail: Option<ModelError>) -> Result<u32, ModelError> {
    match fail {
        Some(error) => Err(error),
        None => Ok(7),
    }
}

fn assert_each_span_once(spans: &[SpanRecord]) {
    let ids: HashSet<&str> = spans.iter().map(|s| s.span_id.as_str()).collect();
    assert_eq!(
        ids.len(),
        spans.len(),
        "a span was delivered twice: {spans:#?}"
    );
}

#[test]
fn err_sets_error_status_type_and_exception_event_and_returns_the_error_untouched() {
    let (result, spans) = capture(|| call_model(Some(ModelError::RateLimited(3))));
    assert_eq!(result, Err(ModelError::RateLimited(3)));
    let llm = span(&spans, "chat m");
    assert_eq!(llm.status.status_code, StatusCode::Error);
    assert_eq!(
        llm.status.description.as_deref(),
        Some("rate limited, retry after 3s")
    );
    assert_eq!(llm.attr_str("error.type"), Some("rate_limited"));
    let event = llm.event("exception").expect("an exception event");
    assert_eq!(event.attributes["exception.type"], "rate_limited");
    assert_eq!(
        event.attributes["exception.message"],
        "rate limited, retry after 3s"
    );
    assert!(
        llm.attr("output.value").is_none(),
        "an error has no output value"
    );

    let (result, spans) = capture(|| call_model(Some(ModelError::Timeout)));
    assert_eq!(result, Err(ModelError::Timeout));
    assert_eq!(
        span(&spans, "chat m").attr_str("error.type"),
        Some("timeout")
    );

    let (result, spans) = capture(|| call_model(None));
    assert_eq!(result, Ok(7));
    let llm = span(&spans, "chat m");
    assert_eq!(llm.status.status_code, StatusCode::Ok);
    assert!(llm.attr("error.type").is_none());
    assert_eq!(llm.attr_str("output.value"), Some("7"));
}

struct Opaque;

#[trace]
fn fails_with_opaque_error() -> Result<(), Opaque> {
    Err(Opaque)
}

#[derive(Debug)]
struct DebugOnly {
    code: u8,
}

#[trace]
fn fails_with_debug_error() -> Result<(), DebugOnly> {
    Err(DebugOnly { code: 4 })
}

#[test]
fn errors_without_display_use_debug_then_the_type_name() {
    let (_, spans) = capture(|| {
        let _ = fails_with_opaque_error();
        assert_eq!(fails_with_debug_error().unwrap_err().code, 4);
    });
    let opaque = span(&spans, "fails_with_opaque_error");
    assert_eq!(opaque.status.status_code, StatusCode::Error);
    assert_eq!(opaque.attr_str("error.type"), Some("status::Opaque"));
    assert_eq!(opaque.status.description.as_deref(), Some("status::Opaque"));
    let debug = span(&spans, "fails_with_debug_error");
    assert_eq!(
        debug.status.description.as_deref(),
        Some("DebugOnly { code: 4 }")
    );
    assert_eq!(debug.attr_str("error.type"), Some("status::DebugOnly"));
}

#[trace_tool]
fn explodes(trigger: bool) -> u8 {
    if trigger {
        panic!("boom");
    }
    1
}

#[test]
fn a_panic_ends_the_span_with_panic_and_keeps_unwinding() {
    let (outcome, spans) = capture(|| std::panic::catch_unwind(|| explodes(true)));
    assert!(outcome.is_err(), "the panic still unwinds to the caller");
    let tool = span(&spans, "execute_tool explodes");
    assert_eq!(tool.status.status_code, StatusCode::Error);
    assert_eq!(tool.attr_str("error.type"), Some("panic"));
    assert_each_span_once(&spans);
}

#[trace]
async fn panics_while_polled() -> u8 {
    tokio::task::yield_now().await;
    panic!("async boom")
}

#[tokio::test]
async fn a_panic_inside_a_polled_future_ends_its_span_with_panic() {
    let (joined, spans) = capture_async(async {
        use opentelemetry::context::FutureExt as _;
        tokio::spawn(panics_while_polled().with_current_context()).await
    })
    .await;
    assert!(joined.unwrap_err().is_panic());
    let traced = span(&spans, "panics_while_polled");
    assert_eq!(traced.attr_str("error.type"), Some("panic"));
    assert_each_span_once(&spans);
}

#[trace]
async fn slow(ms: u64) -> u64 {
    tokio::time::sleep(Duration::from_millis(ms)).await;
    ms
}

#[tokio::test]
async fn a_future_dropped_in_select_ends_cancelled() {
    let (winner, spans) = capture_async(async {
        tokio::select! {
            fast = slow(1) => fast,
            never = slow(10_000) => never,
        }
    })
    .await;
    assert_eq!(winner, 1);
    assert_eq!(spans.len(), 2);
    assert_each_span_once(&spans);
    let fast = spans
        .iter()
        .find(|s| s.attr_str("output.value") == Some("1"))
        .unwrap();
    assert_eq!(fast.status.status_code, StatusCode::Ok);
    let lost = spans
        .iter()
        .find(|s| s.status.status_code == StatusCode::Error)
        .unwrap();
    assert_eq!(lost.attr_str("error.type"), Some("cancelled"));
    assert_eq!(lost.attr_str("input.value"), Some(r#"{"ms":10000}"#));
}

#[trace(name = "ticker")]
fn ticker() -> impl Stream<Item = u32> + Send {
    stream::iter(0..1_000)
}

#[tokio::test]
async fn a_stream_dropped_after_one_item_ends_cancelled_with_its_count() {
    let (first, spans) = capture_async(async {
        let mut stream = Box::pin(ticker());
        stream.next().await
    })
    .await;
    assert_eq!(first, Some(0));
    let ticker = span(&spans, "ticker");
    assert_eq!(ticker.status.status_code, StatusCode::Error);
    assert_eq!(ticker.attr_str("error.type"), Some("cancelled"));
    assert_eq!(ticker.attr_i64("agentrace.stream.items"), Some(1));
    assert_eq!(ticker.attr_str("output.value"), Some("[0]"));
    assert_each_span_once(&spans);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stream_dropped_from_another_task_ends_cancelled_once() {
    let (consumed, spans) = capture_async(async {
        let mut stream = Box::pin(ticker());
        let first = stream.next().await;
        let second = stream.next().await;
        tokio::spawn(async move { drop(stream) }).await.unwrap();
        (first, second)
    })
    .await;
    assert_eq!(consumed, (Some(0), Some(1)));
    assert_eq!(spans.len(), 1);
    let ticker = span(&spans, "ticker");
    assert_eq!(ticker.attr_str("error.type"), Some("cancelled"));
    assert_eq!(ticker.attr_i64("agentrace.stream.items"), Some(2));
}

#[tokio::test]
async fn a_stream_consumed_to_the_end_is_ok_and_ends_once() {
    let (count, spans) = capture_async(async { ticker().count().await }).await;
    assert_eq!(count, 1_000);
    let ticker = span(&spans, "ticker");
    assert_eq!(ticker.status.status_code, StatusCode::Ok);
    assert_eq!(ticker.attr_i64("agentrace.stream.items"), Some(1_000));
    assert_each_span_once(&spans);
}

#[trace]
fn finite(n: u32) -> impl Iterator<Item = u32> {
    0..n
}

#[test]
fn an_iterator_dropped_early_ends_cancelled() {
    let (taken, spans) = capture(|| finite(10).take(2).collect::<Vec<_>>());
    assert_eq!(taken, vec![0, 1]);
    let finite = span(&spans, "finite");
    assert_eq!(finite.attr_str("error.type"), Some("cancelled"));
    assert_eq!(finite.attr_i64("agentrace.stream.items"), Some(2));
}

#[trace(name = "answers")]
fn answers() -> impl Stream<Item = Result<u32, ModelError>> + Send {
    stream::iter(vec![Ok(1), Err(ModelError::RateLimited(7)), Ok(3)])
}

#[tokio::test]
async fn a_stream_stopped_at_its_error_ends_with_that_error_not_cancelled() {
    use futures::TryStreamExt;
    let (collected, spans) =
        capture_async(async { answers().try_collect::<Vec<u32>>().await }).await;
    assert_eq!(collected, Err(ModelError::RateLimited(7)));
    let answers = span(&spans, "answers");
    assert_eq!(answers.status.status_code, StatusCode::Error);
    assert_eq!(answers.attr_str("error.type"), Some("rate_limited"));
    assert_eq!(
        answers.status.description.as_deref(),
        Some("rate limited, retry after 7s")
    );
    let exception = answers.event("exception").expect("an exception event");
    assert_eq!(
        exception.attributes["exception.message"],
        "rate limited, retry after 7s"
    );
    assert_eq!(answers.attr_i64("agentrace.stream.items"), Some(2));
    assert_each_span_once(&spans);
}

#[trace(name = "parsed")]
fn parsed(
    inputs: &'static [&'static str],
) -> impl Iterator<Item = Result<u32, std::num::ParseIntError>> {
    inputs.iter().map(|text| text.parse::<u32>())
}

#[test]
fn an_iterator_stopped_at_its_error_by_collect_ends_with_that_error() {
    let (collected, spans) = capture(|| parsed(&["1", "x", "3"]).collect::<Result<Vec<u32>, _>>());
    assert!(collected.is_err());
    let parsed = span(&spans, "parsed");
    assert_eq!(parsed.status.status_code, StatusCode::Error);
    assert_eq!(
        parsed.attr_str("error.type"),
        Some("core::num::error::ParseIntError")
    );
    assert_eq!(
        parsed.status.description.as_deref(),
        Some("invalid digit found in string")
    );
    assert!(parsed.event("exception").is_some());
}

#[test]
fn an_iterator_dropped_early_without_an_error_still_ends_cancelled() {
    let (first, spans) = capture(|| parsed(&["1", "2"]).next());
    assert_eq!(first, Some(Ok(1)));
    assert_eq!(
        span(&spans, "parsed").attr_str("error.type"),
        Some("cancelled")
    );
}
