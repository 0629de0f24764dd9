//! The `tracing` bridge set up by `init()`: `builder().tracing_subscriber()` installs the
//! global subscriber, the provider is agentrace's, and the content switch applies to the
//! message content of library spans.

use agentrace::testing::{capture, span};

#[test]
fn init_installs_the_bridge_and_the_content_switch_applies() {
    let tracing = agentrace::builder()
        .no_export()
        .capture_content(false)
        .tracing_subscriber()
        .init()
        .unwrap();
    assert!(tracing.provider().is_some());
    let (_, spans) = capture(|| {
        let chat = tracing::info_span!(
            "chat",
            "gen_ai.operation.name" = "chat",
            "gen_ai.request.model" = "m",
            "gen_ai.input.messages" = r#"[{"role":"user","content":"secret plans"}]"#,
            "gen_ai.usage.input_tokens" = 3u64,
        );
        chat.in_scope(|| ());
    });
    let chat = span(&spans, "chat m");
    assert_eq!(chat.attr_str("gen_ai.input.messages"), None);
    assert_eq!(chat.attr_i64("gen_ai.usage.input_tokens"), Some(3));

    // A second subscriber cannot be installed: the error names the setting.
    let again = agentrace::builder()
        .no_export()
        .tracing_subscriber()
        .init()
        .unwrap_err();
    assert!(
        again.to_string().contains("builder.tracing_subscriber"),
        "{again}"
    );
    tracing.shutdown().unwrap();
}
