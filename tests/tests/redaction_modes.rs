//! Redaction modes and custom rules, on real spans. The settings are process-wide, so this
//! file is one test that walks through them in order.

use agentrace::capture::{Mode, Redaction};
use agentrace::testing::{capture, span};
use agentrace::trace_tool;
use serde_json::{json, Value};

#[trace_tool]
fn echo(args: &Value) -> Value {
    args.clone()
}

fn captured(value: &Value) -> Value {
    let (_, spans) = capture(|| echo(value));
    span(&spans, "execute_tool echo")
        .attr_json("output.value")
        .unwrap()
}

#[test]
fn modes_custom_rules_and_switching_off() {
    let value =
        json!({"api_key": "kq-1234-abcd-5678", "note": "sk-proj-AbCdEfGhIjKlMnOpQrStUv0123"});

    let tracing = agentrace::builder()
        .no_export()
        .redaction(Redaction::default())
        .init()
        .expect("tracing starts once per test binary");
    assert_eq!(
        captured(&value),
        json!({"api_key": "[REDACTED:api_key]", "note": "[REDACTED:api_key]"})
    );

    tracing.set_redaction(Redaction::default().mode(Mode::Hash));
    let first = captured(&value);
    let again = captured(&json!({"other": "sk-proj-AbCdEfGhIjKlMnOpQrStUv0123"}));
    let marker = first["note"].as_str().unwrap();
    assert!(
        marker.starts_with("[REDACTED:api_key:hash=")
            && marker.len() == "[REDACTED:api_key:hash=]".len() + 8,
        "{marker}"
    );
    assert_eq!(again["other"], first["note"], "equal secrets correlate");
    assert_ne!(first["api_key"], first["note"], "different secrets differ");
    assert!(!first.to_string().contains("AbCdEf"));

    tracing.set_redaction(Redaction::default().mode(Mode::Partial));
    assert_eq!(
        captured(&value),
        json!({"api_key": "[REDACTED:api_key:...5678]", "note": "[REDACTED:api_key:...0123]"})
    );

    let custom = Redaction::default()
        .key_pattern("tenant_id")
        .value_prefix("acme_", 12, "acme_key")
        .value_literal("correct horse battery")
        .callback(|text| text.contains("INTERNAL").then(|| "internal".to_owned()));
    tracing.set_redaction(custom.clone());
    assert_eq!(
        captured(&json!({
            "TenantId": "t-1",
            "k": "use acme_0123456789 now",
            "s": "my correct horse battery staple",
            "i": "INTERNAL roadmap",
            "max_tokens": 5
        })),
        json!({
            "TenantId": "[REDACTED:tenant_id]",
            "k": "use [REDACTED:acme_key] now",
            "s": "my [REDACTED:custom] staple",
            "i": "[REDACTED:internal]",
            "max_tokens": 5
        })
    );

    tracing.set_redaction(custom.clone().enabled(false));
    assert_eq!(
        captured(&value),
        value,
        "switched off, values pass unchanged"
    );
    let (_, spans) = capture(|| echo(&value));
    assert!(span(&spans, "execute_tool echo")
        .attr("agentrace.redacted")
        .is_none());
    tracing.set_redaction(custom.enabled(true));
    assert_eq!(
        captured(&value)["api_key"],
        "[REDACTED:tenant_id]".replace("tenant_id", "api_key")
    );
    tracing.set_redaction(Redaction::default());
}
