//! The extraction path under generated input: arbitrary and mutated `traceparent`,
//! `tracestate` and `baggage` values never panic; a context comes back either with the
//! exact ids of a valid header or with no remote parent; valid headers round-trip.
//! Runs a bounded number of cases inside `cargo test`.

use std::collections::HashMap;

use agentrace::propagation::{extract_with_context, inject_context};
use opentelemetry::baggage::BaggageExt;
use opentelemetry::trace::TraceContextExt;
use opentelemetry::Context;
use proptest::prelude::*;

fn carrier(traceparent: &str, tracestate: &str, baggage: &str) -> HashMap<String, String> {
    HashMap::from([
        ("traceparent".to_owned(), traceparent.to_owned()),
        ("tracestate".to_owned(), tracestate.to_owned()),
        ("baggage".to_owned(), baggage.to_owned()),
    ])
}

/// A syntactically valid `traceparent` with non-zero ids.
fn valid_traceparent() -> impl Strategy<Value = String> {
    ("[0-9a-f]{32}", "[0-9a-f]{16}", 0u8..=255)
        .prop_filter("ids must not be all zero", |(trace, span, _)| {
            trace.bytes().any(|b| b != b'0') && span.bytes().any(|b| b != b'0')
        })
        .prop_map(|(trace, span, flags)| format!("00-{trace}-{span}-{flags:02x}"))
}

/// Text close to a header: its characters, separators, hex and a few hostile bytes.
fn near_header() -> impl Strategy<Value = String> {
    proptest::string::string_regex("[0-9a-fA-FxX\\-=,;% \t\u{0}\u{e9}]{0,80}").unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_headers_never_panic_and_give_a_valid_or_no_parent(
        traceparent in any::<String>(),
        tracestate in any::<String>(),
        baggage in any::<String>(),
    ) {
        let cx = extract_with_context(&Context::new(), &carrier(&traceparent, &tracestate, &baggage));
        if cx.has_active_span() {
            prop_assert!(cx.span().span_context().is_valid());
        }
        prop_assert!(cx.baggage().len() <= 64);
    }

    #[test]
    fn near_miss_headers_never_panic(
        traceparent in near_header(),
        tracestate in near_header(),
        baggage in near_header(),
    ) {
        let cx = extract_with_context(&Context::new(), &carrier(&traceparent, &tracestate, &baggage));
        let span = cx.span();
        let context = span.span_context();
        if context.is_valid() {
            // Only a well-formed header gives a parent: its ids are in it, in lowercase.
            prop_assert!(traceparent.contains(&context.trace_id().to_string()));
            prop_assert!(traceparent.contains(&context.span_id().to_string()));
        }
    }

    #[test]
    fn valid_traceparents_round_trip(header in valid_traceparent()) {
        let cx = extract_with_context(&Context::new(), &carrier(&header, "", ""));
        prop_assert!(cx.has_active_span());
        let mut out = HashMap::new();
        inject_context(&cx, &mut out);
        // The flags W3C defines (sampled, and Level 2's random) are propagated; the rest of
        // the flags byte is reserved.
        let flags = u8::from_str_radix(&header[53..], 16).unwrap() & 0b11;
        prop_assert_eq!(&out["traceparent"][..53], &header[..53]);
        prop_assert_eq!(&out["traceparent"][53..], format!("{flags:02x}"));
    }

    #[test]
    fn one_byte_mutations_of_a_valid_header_parse_exactly_or_not_at_all(
        header in valid_traceparent(),
        at in 0usize..55,
        byte in any::<u8>(),
    ) {
        let mut bytes = header.clone().into_bytes();
        bytes[at] = byte;
        let mutated = String::from_utf8_lossy(&bytes).into_owned();
        let cx = extract_with_context(&Context::new(), &carrier(&mutated, "", ""));
        if cx.has_active_span() {
            let span = cx.span();
            let context = span.span_context();
            let expected = format!("{}-{}", context.trace_id(), context.span_id());
            prop_assert_eq!(&mutated[3..52], expected.as_str());
        }
    }

    #[test]
    fn baggage_values_round_trip(entries in proptest::collection::btree_map("[a-z][a-z0-9_.]{0,12}", any::<String>(), 0..10)) {
        let cx = Context::new().with_baggage(
            entries.iter().map(|(k, v)| opentelemetry::KeyValue::new(k.clone(), v.clone())),
        );
        let mut out = HashMap::new();
        inject_context(&cx, &mut out);
        let back = extract_with_context(&Context::new(), &out);
        for (key, value) in &entries {
            if let Some(kept) = cx.baggage().get(key.as_str()) {
                prop_assert_eq!(back.baggage().get(key.as_str()).map(|v| v.as_str()), Some(kept.as_str()));
                prop_assert_eq!(kept.as_str(), value.as_str());
            }
        }
    }
}
