//! The Langfuse preset on the wire, against the in-process receiver over TLS (trusted with
//! the builder's `ca_certificate`): spans are posted to `/api/public/otel/v1/traces` with
//! Basic auth from the public and secret keys and `x-langfuse-ingestion-version: 4`, and
//! every span of a conversation scope carries `session.id` and `user.id`, the attributes
//! Langfuse files under sessions and users.

mod tls;

use agentrace::conversation::Conversation;
use agentrace_tests::otlp_receiver::{agent, child, Receiver, Wire};
use tls::Authority;

const NAME: &str = "langfuse_preset_posts_to_its_path_with_its_headers_and_ids";

#[test]
fn langfuse_preset_posts_to_its_path_with_its_headers_and_ids() {
    if child::is_child(NAME) {
        let host = std::env::var("TEST_LANGFUSE_HOST").unwrap();
        let ca = std::env::var("TEST_LANGFUSE_CA").unwrap();
        let guard = agentrace::builder()
            .langfuse(host, "pk-lf-test", "sk-lf-test")
            .ca_certificate(ca)
            .init()
            .expect("init");
        let answer = Conversation::new("conv-1")
            .session("sess-9")
            .user("ada")
            .run(|| agent::turn("weather in Paris?"));
        assert!(answer.is_ok());
        drop(guard);
        return;
    }
    let authority = Authority::new("agentrace test CA");
    let dir = tls::dir(NAME);
    let ca = tls::write(&dir, "ca.pem", &authority.pem);
    let receiver = Receiver::start_tls(Wire::Http, authority.server(&["127.0.0.1"], false));
    let host = receiver.endpoint();
    let output = child::run(
        NAME,
        &[("TEST_LANGFUSE_HOST", &host), ("TEST_LANGFUSE_CA", &ca)],
    );
    assert!(output.status.success(), "{}", child::describe(&output));
    let requests = receiver.requests();
    assert!(!requests.is_empty(), "{}", child::describe(&output));
    for request in &requests {
        let header = |name: &str| request.headers.get(name).map(String::as_str);
        assert_eq!(header(":path"), Some("/api/public/otel/v1/traces"));
        // base64("pk-lf-test:sk-lf-test")
        assert_eq!(
            header("authorization"),
            Some("Basic cGstbGYtdGVzdDpzay1sZi10ZXN0")
        );
        assert_eq!(header("x-langfuse-ingestion-version"), Some("4"));
    }
    let spans = receiver.spans();
    assert_eq!(spans.len(), 4);
    for span in &spans {
        assert_eq!(
            span.attr("session.id").as_deref(),
            Some("sess-9"),
            "{}",
            span.name()
        );
        assert_eq!(
            span.attr("user.id").as_deref(),
            Some("ada"),
            "{}",
            span.name()
        );
    }
}
