//! Capture never fails: any value, however odd its `Serialize` impl, becomes valid JSON in
//! `input.value` / `output.value`, and the traced call goes on.

use std::collections::{BTreeMap, HashMap};

use agentrace::testing::{capture, span};
use agentrace::trace;
use proptest::prelude::*;
use serde::ser::{Error as _, SerializeSeq, Serializer};
use serde::Serialize;
use serde_json::Value;

#[trace]
fn take<T: Serialize>(value: &T) -> usize {
    std::mem::size_of_val(value)
}

#[trace]
fn give<T: Serialize>(value: T) -> T {
    value
}

fn captured_input<T: Serialize>(value: &T) -> Value {
    let (_, spans) = capture(|| take(value));
    let text = span(&spans, "take")
        .attr_str("input.value")
        .expect("input.value")
        .to_owned();
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("invalid JSON {text:?}: {e}"))
}

/// Generated values, including what JSON cannot hold as is: non-finite floats, bytes, maps
/// with compound keys, and values whose `Serialize` fails at once or half-way.
#[derive(Clone, Debug)]
enum Gen {
    Null,
    Bool(bool),
    Int(i64),
    Big(u128),
    Float(f64),
    Text(String),
    Bytes(Vec<u8>),
    Seq(Vec<Gen>),
    Map(Vec<(Gen, Gen)>),
    Fails,
    FailsHalfway(Vec<Gen>),
}

impl Serialize for Gen {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Gen::Null => serializer.serialize_unit(),
            Gen::Bool(value) => serializer.serialize_bool(*value),
            Gen::Int(value) => serializer.serialize_i64(*value),
            Gen::Big(value) => serializer.serialize_u128(*value),
            Gen::Float(value) => serializer.serialize_f64(*value),
            Gen::Text(value) => serializer.serialize_str(value),
            Gen::Bytes(value) => serializer.serialize_bytes(value),
            Gen::Seq(items) => items.serialize(serializer),
            Gen::Map(entries) => serializer.collect_map(entries.iter().map(|(k, v)| (k, v))),
            Gen::Fails => Err(S::Error::custom("this value refuses")),
            Gen::FailsHalfway(items) => {
                let mut seq = serializer.serialize_seq(None)?;
                for item in items {
                    seq.serialize_element(item)?;
                }
                Err(S::Error::custom("gave up half-way"))
            }
        }
    }
}

fn generated() -> impl Strategy<Value = Gen> {
    let leaf = prop_oneof![
        Just(Gen::Null),
        any::<bool>().prop_map(Gen::Bool),
        any::<i64>().prop_map(Gen::Int),
        any::<u128>().prop_map(Gen::Big),
        prop_oneof![
            any::<f64>(),
            Just(f64::NAN),
            Just(f64::INFINITY),
            Just(f64::NEG_INFINITY)
        ]
        .prop_map(Gen::Float),
        any::<String>().prop_map(Gen::Text),
        "(sk-|password=|Bearer |eyJ)[A-Za-z0-9._-]{0,40}".prop_map(Gen::Text),
        prop::collection::vec(any::<u8>(), 0..8).prop_map(Gen::Bytes),
        Just(Gen::Fails),
    ];
    leaf.prop_recursive(6, 64, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..8).prop_map(Gen::Seq),
            prop::collection::vec((inner.clone(), inner.clone()), 0..6).prop_map(Gen::Map),
            prop::collection::vec(inner, 0..4).prop_map(Gen::FailsHalfway),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn any_generated_value_is_captured_as_valid_json(value in generated()) {
        let (_, spans) = capture(|| give(value.clone()));
        let traced = span(&spans, "give");
        for key in ["input.value", "output.value"] {
            let text = traced.attr_str(key).expect("captured");
            prop_assert!(serde_json::from_str::<Value>(text).is_ok(), "{key} invalid: {text:?}");
        }
    }

    #[test]
    fn any_json_value_is_captured_as_valid_json(text in any::<String>(), numbers in prop::collection::vec(any::<f64>(), 0..5)) {
        let value = serde_json::json!({"text": text, "numbers": numbers.iter().filter(|n| n.is_finite()).collect::<Vec<_>>()});
        let input = captured_input(&value);
        prop_assert!(input.is_object());
    }
}

#[test]
fn maps_with_non_string_keys_get_stringified_keys() {
    let tuples = HashMap::from([((1, 2), "pair")]);
    assert_eq!(
        captured_input(&tuples),
        serde_json::json!({"value": {"[1,2]": "pair"}})
    );
    let numbers = BTreeMap::from([(1, "one"), (2, "two")]);
    assert_eq!(
        captured_input(&numbers),
        serde_json::json!({"value": {"1": "one", "2": "two"}})
    );
    let flags = BTreeMap::from([(true, 1)]);
    assert_eq!(
        captured_input(&flags),
        serde_json::json!({"value": {"true": 1}})
    );
}

#[test]
fn non_finite_floats_are_named() {
    let floats = vec![1.5, f64::NAN, f64::INFINITY, f64::NEG_INFINITY];
    assert_eq!(
        captured_input(&floats),
        serde_json::json!({"value": [1.5, "NaN", "inf", "-inf"]})
    );
}

#[test]
fn a_failing_field_is_replaced_and_its_siblings_kept() {
    #[derive(Serialize)]
    struct Partly {
        a: i32,
        b: Gen,
        c: Gen,
        d: i32,
    }
    let value = Partly {
        a: 1,
        b: Gen::Fails,
        c: Gen::FailsHalfway(vec![Gen::Int(7)]),
        d: 4,
    };
    assert_eq!(
        captured_input(&value),
        serde_json::json!({"value": {
            "a": 1,
            "b": "<unserializable: this value refuses>",
            "c": "<unserializable: gave up half-way>",
            "d": 4
        }})
    );
}

/// Nested `depth` arrays deep without holding them in memory.
struct Deep(usize);

impl Serialize for Deep {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(1))?;
        if self.0 > 0 {
            seq.serialize_element(&Deep(self.0 - 1))?;
        }
        seq.end()
    }
}

#[test]
fn deep_nesting_is_cut_at_the_depth_limit_instead_of_overflowing() {
    let (_, spans) = capture(|| take(&Deep(1_000_000)));
    let traced = span(&spans, "take");
    let text = traced.attr_str("input.value").unwrap();
    let value: Value = serde_json::from_str(text).unwrap();
    let mut depth = 0;
    let mut node = &value["value"];
    while let Some(inner) = node.get(0) {
        depth += 1;
        node = inner;
    }
    assert_eq!(node, "…[depth limit]");
    assert_eq!(depth, agentrace::capture::DEFAULT_MAX_CAPTURE_DEPTH);
    assert_eq!(
        traced.attr("agentrace.truncated"),
        Some(&serde_json::json!(["input.value"]))
    );
}

#[test]
fn a_panicking_serialize_impl_leaves_a_marker_and_the_call_goes_on() {
    struct Panics;
    impl Serialize for Panics {
        fn serialize<S: Serializer>(&self, _: S) -> Result<S::Ok, S::Error> {
            panic!("serialize panicked")
        }
    }
    let (size, spans) = capture(|| take(&Panics));
    assert_eq!(size, 0);
    assert_eq!(
        span(&spans, "take").attr_str("input.value"),
        Some(r#"{"value":"<unserializable: panicked>"}"#)
    );
}
