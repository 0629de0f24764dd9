//! The per-attribute length limit: captured values past it are cut while written, the JSON
//! stays valid, the cut says how much is missing, and the span lists the cut attributes.
//! Every test here sets the same 1 KiB limit (the setting is process-wide).

use agentrace::testing::{capture, span};
use agentrace::{trace, SpanRecord};
use serde_json::{json, Value};

const LIMIT: usize = 1024;
/// How far past the limit the markers and closing brackets may go.
const SLACK: usize = 64;

fn limited() {
    static TRACING: std::sync::OnceLock<agentrace::Tracing> = std::sync::OnceLock::new();
    TRACING.get_or_init(|| {
        agentrace::builder()
            .no_export()
            .max_attribute_bytes(LIMIT)
            .init()
            .expect("tracing starts once per test binary")
    });
}

#[trace]
fn take_text(text: &str) -> usize {
    text.len()
}

#[trace]
fn numbers(count: u32) -> Vec<u32> {
    (0..count).collect()
}

#[trace]
fn many(a: &str, b: &str, c: &str) -> usize {
    a.len() + b.len() + c.len()
}

#[derive(Debug)]
struct Opaque(#[allow(dead_code)] String);

#[trace]
fn opaque(value: Opaque) -> usize {
    value.0.len()
}

#[trace]
fn stream(count: u32) -> impl Iterator<Item = String> {
    (0..count).map(|i| format!("item number {i}"))
}

fn json_of(span: &SpanRecord, key: &str) -> (String, Value) {
    let text = span
        .attr_str(key)
        .unwrap_or_else(|| panic!("no {key}"))
        .to_owned();
    let value =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{key} is not JSON ({e}): {text}"));
    (text, value)
}

/// Splits `"kept…[+N bytes]"` into the kept text and N.
fn cut_string(text: &str) -> (&str, usize) {
    let (kept, marker) = text.rsplit_once("…[+").expect("a cut marker");
    let count = marker
        .strip_suffix(" bytes]")
        .expect("bytes marker")
        .parse()
        .unwrap();
    (kept, count)
}

fn truncated(span: &SpanRecord) -> Option<&Value> {
    span.attr("agentrace.truncated")
}

#[test]
fn a_huge_string_is_cut_and_says_how_many_bytes_are_missing() {
    limited();
    let text = "é".repeat(50_000);
    let (_, spans) = capture(|| take_text(&text));
    let traced = span(&spans, "take_text");
    let (raw, input) = json_of(traced, "input.value");
    assert!(raw.len() <= LIMIT + SLACK, "{} bytes", raw.len());
    let (kept, missing) = cut_string(input["text"].as_str().unwrap());
    assert!(text.starts_with(kept));
    assert_eq!(kept.len() + missing, text.len());
    assert_eq!(truncated(traced), Some(&json!(["input.value"])));
}

#[test]
fn a_long_array_ends_with_the_count_of_items_left_out() {
    limited();
    let (_, spans) = capture(|| numbers(5_000));
    let traced = span(&spans, "numbers");
    let (raw, output) = json_of(traced, "output.value");
    assert!(raw.len() <= LIMIT + SLACK, "{} bytes", raw.len());
    let items = output.as_array().unwrap();
    let (last, kept) = items.split_last().unwrap();
    let missing: usize = last
        .as_str()
        .unwrap()
        .strip_prefix("…[+")
        .unwrap()
        .strip_suffix(" items]")
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(kept.len() + missing, 5_000);
    assert_eq!(kept[10], 10);
    assert_eq!(truncated(traced), Some(&json!(["output.value"])));
    assert!(
        traced.attr_str("input.value").is_some(),
        "the short input is whole"
    );
}

#[test]
fn arguments_past_the_limit_are_counted_in_a_last_entry() {
    limited();
    let big = "x".repeat(2 * LIMIT);
    let (_, spans) = capture(|| many(&big, &big, &big));
    let traced = span(&spans, "many");
    let (raw, input) = json_of(traced, "input.value");
    assert!(raw.len() <= LIMIT + SLACK, "{} bytes", raw.len());
    let object = input.as_object().unwrap();
    let (kept, missing) = cut_string(object["a"].as_str().unwrap());
    assert_eq!(kept.len() + missing, big.len());
    let left_out: usize = object["…"]
        .as_str()
        .unwrap()
        .strip_prefix("[+")
        .unwrap()
        .strip_suffix(" entries]")
        .unwrap()
        .parse()
        .unwrap();
    assert!(left_out >= 1);
    assert_eq!(object.len() - 1 + left_out, 3, "{object:?}");
    assert_eq!(truncated(traced), Some(&json!(["input.value"])));
}

#[test]
fn long_debug_text_is_cut_with_its_full_size_counted() {
    limited();
    let inner = "d".repeat(20_000);
    let debug_len = format!("{:?}", Opaque(inner.clone())).len();
    let (_, spans) = capture(|| opaque(Opaque(inner)));
    let traced = span(&spans, "opaque");
    let (_, input) = json_of(traced, "input.value");
    let (kept, missing) = cut_string(input["value"].as_str().unwrap());
    assert!(kept.starts_with("Opaque(\"ddd"));
    assert_eq!(kept.len() + missing, debug_len);
}

#[test]
fn stream_items_past_the_limit_are_counted_not_captured() {
    limited();
    let (count, spans) = capture(|| stream(1_000).count());
    assert_eq!(count, 1_000);
    let traced = span(&spans, "stream");
    let (raw, output) = json_of(traced, "output.value");
    assert!(raw.len() <= LIMIT + SLACK, "{} bytes", raw.len());
    let items = output.as_array().unwrap();
    let (last, kept) = items.split_last().unwrap();
    assert_eq!(kept[0], "item number 0");
    assert_eq!(
        last.as_str().unwrap(),
        format!("…[+{} items]", 1_000 - kept.len())
    );
    assert_eq!(truncated(traced), Some(&json!(["output.value"])));
    assert_eq!(traced.attr_i64("agentrace.stream.items"), Some(1_000));
}

#[test]
fn values_within_the_limit_are_whole_and_unmarked() {
    limited();
    let (_, spans) = capture(|| numbers(10));
    let traced = span(&spans, "numbers");
    assert_eq!(
        traced.attr_str("output.value"),
        Some("[0,1,2,3,4,5,6,7,8,9]")
    );
    assert!(truncated(traced).is_none());
}
