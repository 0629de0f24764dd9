//! Propagation through carriers: a context injected into a `HashMap`, an `http::HeaderMap`
//! or a derived message type and extracted on the other side continues the same trace under
//! the sender's span, with trace state and baggage; malformed or hostile headers are
//! ignored (a new root), counted, and never panic.

use std::collections::HashMap;

use agentrace::propagation::{self, extract, inject, rejected_headers, Carrier};
use agentrace::testing::capture;
use agentrace::SpanRecord;
use opentelemetry::baggage::BaggageExt;
use opentelemetry::trace::TraceContextExt;
use opentelemetry::KeyValue;
use reqwest::header::HeaderMap;

#[agentrace::trace_agent(name = "sender")]
fn send<C: Carrier + Default>() -> C {
    let mut carrier = C::default();
    inject(&mut carrier);
    carrier
}

#[agentrace::trace_agent(name = "receiver")]
fn receive() -> u8 {
    7
}

/// Sends from a fresh scope and receives in another: the two sides share nothing but the
/// carrier.
fn round_trip<C: Carrier + Default>() -> (SpanRecord, SpanRecord, C) {
    let (carrier, sent) = capture(send::<C>);
    let (_, received) = capture(|| {
        let _remote = extract(&carrier).attach();
        receive()
    });
    (sent[0].clone(), received[0].clone(), carrier)
}

fn assert_continues(sender: &SpanRecord, receiver: &SpanRecord) {
    assert_eq!(receiver.trace_id, sender.trace_id);
    assert_eq!(receiver.parent_id.as_deref(), Some(sender.span_id.as_str()));
}

#[test]
fn a_hash_map_carries_the_trace_to_the_receiver() {
    let (sender, receiver, map) = round_trip::<HashMap<String, String>>();
    assert_continues(&sender, &receiver);
    assert_eq!(
        map["traceparent"],
        format!("00-{}-{}-01", sender.trace_id, sender.span_id)
    );
}

#[test]
fn a_header_map_carries_the_trace_to_the_receiver() {
    let (sender, receiver, headers) = round_trip::<HeaderMap>();
    assert_continues(&sender, &receiver);
    assert!(headers.contains_key("traceparent"));
}

#[test]
fn header_names_are_matched_ignoring_case_in_maps() {
    let (map, sent) = capture(send::<HashMap<String, String>>);
    let shouting: HashMap<String, String> = map
        .into_iter()
        .map(|(key, value)| (key.to_uppercase(), value))
        .collect();
    let (_, received) = capture(|| {
        let _remote = extract(&shouting).attach();
        receive()
    });
    assert_continues(&sent[0], &received[0]);
}

#[derive(Default, Carrier)]
struct Envelope {
    body: String,
    traceparent: Option<String>,
    tracestate: Option<String>,
    baggage: Option<String>,
}

#[derive(Default, Carrier)]
struct Wrapped {
    payload: Vec<u8>,
    #[agentrace(carrier)]
    meta: HashMap<String, String>,
}

#[test]
fn a_derived_message_with_header_fields_carries_the_trace() {
    let (sender, receiver, envelope) = round_trip::<Envelope>();
    assert_continues(&sender, &receiver);
    assert!(envelope.body.is_empty() && envelope.tracestate.is_none());
    assert!(envelope.traceparent.is_some());
}

#[test]
fn a_derived_message_delegating_to_a_map_carries_the_trace() {
    let (sender, receiver, wrapped) = round_trip::<Wrapped>();
    assert_continues(&sender, &receiver);
    assert!(wrapped.payload.is_empty());
    assert!(wrapped.meta.contains_key("traceparent"));
}

#[test]
fn trace_state_and_baggage_travel_with_the_trace() {
    let mut incoming = HashMap::new();
    incoming.insert(
        "traceparent".to_owned(),
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01".to_owned(),
    );
    incoming.insert("tracestate".to_owned(), "vendor=abc,other=x1".to_owned());
    incoming.insert(
        "baggage".to_owned(),
        "tenant=acme,plan=pro%20plus".to_owned(),
    );
    let cx = extract(&incoming);
    assert_eq!(cx.baggage().get("plan").unwrap().as_str(), "pro plus");
    let mut outgoing = HashMap::new();
    propagation::inject_context(&cx, &mut outgoing);
    assert_eq!(outgoing["traceparent"], incoming["traceparent"]);
    assert_eq!(outgoing["tracestate"], "vendor=abc,other=x1");
    let mut members: Vec<&str> = outgoing["baggage"].split(',').collect();
    members.sort_unstable();
    assert_eq!(members, ["plan=pro%20plus", "tenant=acme"]);
}

#[test]
fn baggage_set_in_the_context_is_injected() {
    let cx = opentelemetry::Context::current_with_baggage([KeyValue::new("team", "blue")]);
    let _attached = cx.attach();
    let mut map = HashMap::new();
    inject(&mut map);
    assert_eq!(map.get("baggage").map(String::as_str), Some("team=blue"));
    assert!(!map.contains_key("traceparent"), "no span, no traceparent");
}

const VALID_TRACE: &str = "4bf92f3577b34da6a3ce929d0e0e4736";

#[test]
fn malformed_traceparents_start_a_new_root_and_are_counted() {
    let hostile = [
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-011",
        "00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01",
        "00-4bf92f3577b34da6a3ce929d0e0e47zz-00f067aa0ba902b7-01",
        "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
        "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
        "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        "0x-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        "",
        "\u{0}\u{1}garbage",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01\u{e9}",
        &"0".repeat(100_000),
    ];
    for header in hostile {
        let map = HashMap::from([("traceparent".to_owned(), header.to_owned())]);
        let before = rejected_headers();
        let (_, spans) = capture(|| {
            let cx = extract(&map);
            assert!(!cx.has_active_span(), "{header:?} gave a parent");
            let _remote = cx.attach();
            receive()
        });
        assert!(rejected_headers() > before, "{header:?} was not counted");
        assert!(spans[0].parent_id.is_none(), "{header:?}: not a new root");
        assert_ne!(spans[0].trace_id, VALID_TRACE);
    }
}

#[test]
fn bad_trace_state_is_dropped_but_the_parent_kept() {
    let map = HashMap::from([
        (
            "traceparent".to_owned(),
            format!("00-{VALID_TRACE}-00f067aa0ba902b7-01"),
        ),
        ("tracestate".to_owned(), "no equals sign here,,=".to_owned()),
    ]);
    let before = rejected_headers();
    let cx = extract(&map);
    assert!(rejected_headers() > before);
    let span = cx.span();
    assert_eq!(span.span_context().trace_id().to_string(), VALID_TRACE);
    assert_eq!(span.span_context().trace_state().header(), "");
}

#[test]
fn oversized_baggage_is_refused_whole_and_counted() {
    let huge = (0..2000)
        .map(|i| format!("k{i}=v{i}"))
        .collect::<Vec<_>>()
        .join(",");
    assert!(huge.len() > 8192);
    let map = HashMap::from([("baggage".to_owned(), huge)]);
    let before = rejected_headers();
    let cx = extract(&map);
    assert!(rejected_headers() > before);
    assert_eq!(cx.baggage().len(), 0);
}

#[test]
fn malformed_baggage_members_are_dropped_and_the_rest_kept() {
    let map = HashMap::from([(
        "baggage".to_owned(),
        "ok=1,broken,sp ace=2,bad=%G1,also=fine".to_owned(),
    )]);
    let before = rejected_headers();
    let cx = extract(&map);
    assert!(rejected_headers() > before);
    let baggage = cx.baggage();
    assert_eq!(baggage.len(), 2);
    assert_eq!(baggage.get("also").unwrap().as_str(), "fine");
}

/// The headers a process sends on after continuing `incoming`, through a traced call.
fn continued(incoming: &HashMap<String, String>) -> HashMap<String, String> {
    let (outgoing, _) = capture(|| {
        let _remote = extract(incoming).attach();
        send::<HashMap<String, String>>()
    });
    outgoing
}

fn headers(pairs: &[(&str, &str)]) -> HashMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[test]
fn a_baggage_value_that_is_not_utf8_is_kept_with_replacement_characters() {
    let cx = extract(&headers(&[("baggage", "name=caf%C3%A9%FF%FE,plain=ok")]));
    assert_eq!(
        cx.baggage().get("name").unwrap().as_str(),
        "café\u{fffd}\u{fffd}"
    );
    assert_eq!(cx.baggage().get("plain").unwrap().as_str(), "ok");
}

#[test]
fn a_long_tracestate_is_truncated_as_w3c_trace_context_says_not_dropped() {
    let traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    // 600 characters: one member of 140 characters, then short members.
    let long = format!("big={}", "x".repeat(136));
    let mut members = vec!["first=1".to_owned(), long.clone()];
    members.extend((0..25).map(|i| format!("k{i:02}={}", "v".repeat(13))));
    let state = members.join(",");
    assert!(state.len() > 512, "{}", state.len());
    let outgoing = continued(&headers(&[
        ("traceparent", traceparent),
        ("tracestate", &state),
    ]));
    let kept = &outgoing["tracestate"];
    assert!(kept.len() <= 512, "{} characters kept", kept.len());
    assert!(
        !kept.contains("big="),
        "the member over 128 characters goes first: {kept}"
    );
    assert!(
        kept.starts_with("first=1,k00="),
        "members are kept from the start: {kept}"
    );
    // Without the long member it fits: everything else is kept.
    let expected: Vec<&str> = members
        .iter()
        .map(String::as_str)
        .filter(|m| *m != long)
        .collect();
    assert_eq!(kept, &expected.join(","));

    // Still too long after that: members go from the end.
    let many: Vec<String> = (0..40)
        .map(|i| format!("m{i:02}={}", "w".repeat(20)))
        .collect();
    let outgoing = continued(&headers(&[
        ("traceparent", traceparent),
        ("tracestate", &many.join(",")),
    ]));
    let kept: Vec<&str> = outgoing["tracestate"].split(',').collect();
    assert!(outgoing["tracestate"].len() <= 512);
    assert_eq!(
        kept,
        many[..kept.len()]
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>()
    );
    assert!(kept.len() >= 20, "{} members kept", kept.len());
}

#[test]
fn trace_flags_the_spec_defines_are_kept_when_the_trace_is_continued() {
    let incoming = headers(&[(
        "traceparent",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-03",
    )]);
    let outgoing = continued(&incoming);
    let flags = outgoing["traceparent"].rsplit('-').next().unwrap();
    assert_eq!(
        flags, "03",
        "sampled and random: {}",
        outgoing["traceparent"]
    );
    assert!(outgoing["traceparent"].starts_with("00-4bf92f3577b34da6a3ce929d0e0e4736-"));
}
