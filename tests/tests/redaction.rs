//! Redaction corpus: secrets in keys, free text, nested values, `Debug`-only types, argument
//! names, stream items and error messages never reach an exported span; benign values (token
//! counts, authors, prose) are captured unchanged.

use std::collections::BTreeMap;

use agentrace::testing::{capture, span};
use agentrace::{trace, trace_tool, SpanRecord};
use serde_json::{json, Value};

#[trace_tool]
fn echo(args: &Value) -> Value {
    args.clone()
}

#[trace]
fn say(text: &str) -> String {
    text.to_owned()
}

#[trace]
fn inspect<T: std::fmt::Debug>(value: T) -> usize {
    format!("{value:?}").len()
}

#[trace]
fn fail(message: &str) -> Result<(), String> {
    Err(message.to_owned())
}

#[trace]
fn login(user: &str, password: &str) -> bool {
    !user.is_empty() && !password.is_empty()
}

#[trace]
fn call(api_key: String) -> usize {
    api_key.len()
}

#[trace]
fn chunks(items: Vec<&'static str>) -> impl Iterator<Item = &'static str> {
    items.into_iter()
}

/// Everything the span would export: its JSON record, plus each attribute's text unescaped.
fn exported(span: &SpanRecord) -> String {
    let mut text = serde_json::to_string(span).unwrap();
    for value in span.attributes.values() {
        if let Some(inner) = value.as_str() {
            text.push('\n');
            text.push_str(inner);
        }
    }
    for event in &span.events {
        text.push_str(&serde_json::to_string(&event.attributes).unwrap());
    }
    text
}

fn assert_hidden(span: &SpanRecord, secrets: &[&str], case: &str) {
    let text = exported(span);
    for secret in secrets {
        assert!(
            !text.contains(secret),
            "case {case}: {secret:?} leaked in {text}"
        );
    }
}

fn redacted_paths(span: &SpanRecord) -> Vec<String> {
    span.attributes
        .get("agentrace.redacted")
        .and_then(Value::as_array)
        .map(|paths| {
            paths
                .iter()
                .filter_map(|p| p.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

/// (case, JSON value holding the secret, the secret substrings).
fn json_corpus() -> Vec<(&'static str, Value, Vec<&'static str>)> {
    vec![
        (
            "password",
            json!({"password": "Tr0ub4dor&3"}),
            vec!["Tr0ub4dor&3"],
        ),
        (
            "passwd",
            json!({"passwd": "opensesame99"}),
            vec!["opensesame99"],
        ),
        (
            "mysql_pwd",
            json!({"mysql_pwd": "mysqlpw-4471"}),
            vec!["mysqlpw-4471"],
        ),
        (
            "client_secret",
            json!({"client_secret": "cs-9f8e7d6c"}),
            vec!["cs-9f8e7d6c"],
        ),
        (
            "authorization",
            json!({"Authorization": "Basic dXNlcjpwYXNzd29yZA=="}),
            vec!["dXNlcjpwYXNzd29yZA"],
        ),
        (
            "auth_token",
            json!({"auth_token": "plainauthvalue"}),
            vec!["plainauthvalue"],
        ),
        (
            "credentials object",
            json!({"credentials": {"user": "bob", "pass": "bobpass123"}}),
            vec!["bobpass123"],
        ),
        (
            "private_key",
            json!({"private_key": "pk-material-0001"}),
            vec!["pk-material-0001"],
        ),
        (
            "apiKey",
            json!({"apiKey": "kq-1234-abcd"}),
            vec!["kq-1234-abcd"],
        ),
        (
            "API-KEY",
            json!({"API-KEY": "zz-9876-yxwv"}),
            vec!["zz-9876-yxwv"],
        ),
        (
            "x-api-key",
            json!({"x-api-key": "hdr-5555-key"}),
            vec!["hdr-5555-key"],
        ),
        (
            "session_id",
            json!({"session_id": "sess-42-abcdef"}),
            vec!["sess-42-abcdef"],
        ),
        (
            "cookie",
            json!({"cookie": "sid=abc123def456"}),
            vec!["abc123def456"],
        ),
        (
            "social security",
            json!({"social_security_number": "078-05-1120"}),
            vec!["078-05-1120"],
        ),
        (
            "credit_card key",
            json!({"credit_card": "ccnum-placeholder-77"}),
            vec!["ccnum-placeholder-77"],
        ),
        (
            "csrf",
            json!({"csrf": "csrf-val-889900"}),
            vec!["csrf-val-889900"],
        ),
        (
            "xsrf",
            json!({"X-XSRF-TOKEN": "xsrf-val-112233"}),
            vec!["xsrf-val-112233"],
        ),
        (
            "jwt key",
            json!({"jwt": "jwtvalue-plain-445566"}),
            vec!["jwtvalue-plain-445566"],
        ),
        ("ssn", json!({"ssn": "219-09-9999"}), vec!["219-09-9999"]),
        (
            "access_token",
            json!({"access_token": "at-opaque-778899"}),
            vec!["at-opaque-778899"],
        ),
        (
            "refreshToken",
            json!({"refreshToken": "rt-opaque-665544"}),
            vec!["rt-opaque-665544"],
        ),
        (
            "nested",
            json!({"config": {"db": {"password": "nested-pw-3141"}}}),
            vec!["nested-pw-3141"],
        ),
        (
            "in array",
            json!({"users": [{"name": "a", "password": "arr-pw-2718"}]}),
            vec!["arr-pw-2718"],
        ),
        (
            "header map",
            json!({"headers": {"Cookie": "theme=dark; sid=s3cr3tsid"}}),
            vec!["s3cr3tsid"],
        ),
        (
            "env name",
            json!({"OPENAI_API_KEY": "envvalue-00112233"}),
            vec!["envvalue-00112233"],
        ),
        (
            "openai key in text",
            json!({"note": "use sk-proj-AbCdEfGhIjKlMnOpQrStUv0123 please"}),
            vec!["AbCdEfGhIjKlMnOpQrStUv0123"],
        ),
        (
            "anthropic key",
            json!(["anthropic sk-ant-api03-ZyXwVuTsRqPoNmLk987654321"]),
            vec!["ZyXwVuTsRqPoNmLk987654321"],
        ),
        (
            "bearer",
            json!({"msg": "header Authorization: Bearer 9f86d081884c7d659a2feaa0c55ad015"}),
            vec!["9f86d081884c7d659a2feaa0c55ad015"],
        ),
        (
            "jwt in text",
            json!({"t": "token eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U."}),
            vec![
                "dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
                "eyJzdWIiOiIxMjM0NTY3ODkwIn0",
            ],
        ),
        (
            "aws akia",
            json!({"log": "aws key AKIAIOSFODNN7EXAMPLE in config"}),
            vec!["AKIAIOSFODNN7EXAMPLE"],
        ),
        (
            "aws asia",
            json!(["ASIAY34FZKBOKMUTVV7A"]),
            vec!["ASIAY34FZKBOKMUTVV7A"],
        ),
        (
            "github ghp",
            json!({"env": "GH=ghp_1234567890abcdefghijABCDEFGHIJ123456"}),
            vec!["1234567890abcdefghijABCDEFGHIJ123456"],
        ),
        (
            "github pat",
            json!({"x": "github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOP"}),
            vec!["abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOP"],
        ),
        (
            "github oauth",
            json!({"x": "gho_16C7e42F292c6912E7710c838347Ae178B4a"}),
            vec!["16C7e42F292c6912E7710c838347Ae178B4a"],
        ),
        (
            "pem rsa",
            json!({"file": "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo\n4lgOEePzNm0tRgeLezV6ffAt0gunVTLw7onLRnrq0\n-----END RSA PRIVATE KEY-----\n"}),
            vec![
                "MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo",
                "4lgOEePzNm0tRgeLezV6ffAt0gunVTLw7onLRnrq0",
            ],
        ),
        (
            "pem ec",
            json!({"k": "key: -----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIBkg4LVWM9nuwNSk3yByxZpYRTBn\n-----END EC PRIVATE KEY-----"}),
            vec!["MHcCAQEEIBkg4LVWM9nuwNSk3yByxZpYRTBn"],
        ),
        (
            "visa spaced",
            json!({"msg": "card 4111 1111 1111 1111 exp 12/27"}),
            vec!["4111 1111 1111 1111"],
        ),
        (
            "mastercard dashed",
            json!({"msg": "pay with 5500-0000-0000-0004."}),
            vec!["5500-0000-0000-0004"],
        ),
        (
            "amex",
            json!({"msg": "amex 378282246310005"}),
            vec!["378282246310005"],
        ),
        (
            "discover",
            json!(["6011111111111117"]),
            vec!["6011111111111117"],
        ),
        (
            "card as number",
            json!({"amount": 5, "number": 4242424242424242u64}),
            vec!["4242424242424242"],
        ),
        (
            "kv in text",
            json!({"cmd": "connect with password=hunter2now"}),
            vec!["hunter2now"],
        ),
        (
            "query string",
            json!({"url": "GET /cb?code=1&api_key=qs-abc-123&x=1"}),
            vec!["qs-abc-123"],
        ),
        (
            "json in a string",
            json!({"body": "{\"api_key\": \"embedded-key-001\"}"}),
            vec!["embedded-key-001"],
        ),
        (
            "google key",
            json!({"k": "AIzaSyA-1234567890abcdefghijklmnopqrstu"}),
            vec!["1234567890abcdefghijklmnopqrstu"],
        ),
        (
            "slack",
            json!({"k": "xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx"}),
            vec!["AbCdEfGhIjKlMnOpQrStUvWx"],
        ),
        (
            "huggingface",
            json!({"k": "hf_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789"}),
            vec!["AbCdEfGhIjKlMnOpQrStUvWxYz0123456789"],
        ),
        (
            "stripe",
            json!({"k": "sk_live_51Habcdefghijklmnopqrstuv"}),
            vec!["51Habcdefghijklmnopqrstuv"],
        ),
        (
            "lowercase bearer",
            json!({"h": "authorization: bearer abcDEF123456ghiJKL"}),
            vec!["abcDEF123456ghiJKL"],
        ),
        (
            "secret as map key",
            json!({"sk-proj-KeyAsMapKey0123456789": 1}),
            vec!["KeyAsMapKey0123456789"],
        ),
    ]
}

#[test]
fn secrets_in_json_values_never_reach_the_span() {
    let corpus = json_corpus();
    assert!(corpus.len() >= 50);
    for (case, value, secrets) in &corpus {
        let (_, spans) = capture(|| echo(value));
        let tool = span(&spans, "execute_tool echo");
        assert_hidden(tool, secrets, case);
        let paths = redacted_paths(tool);
        assert!(
            paths.iter().any(|p| p.starts_with("input.value.args")),
            "case {case}: {paths:?}"
        );
        assert!(
            paths.iter().any(|p| p.starts_with("output.value")),
            "case {case}: {paths:?}"
        );
        serde_json::from_str::<Value>(tool.attr_str("input.value").unwrap()).expect("valid JSON");
    }
}

#[test]
fn redacted_paths_name_the_json_path_and_markers_name_the_rule() {
    let value = json!({"request": {"api_key": "kq-1234-abcd", "messages": [{"content": "Bearer abcDEF123456ghiJKL"}]}});
    let (_, spans) = capture(|| echo(&value));
    let tool = span(&spans, "execute_tool echo");
    let input = tool.attr_json("input.value").unwrap();
    assert_eq!(input["args"]["request"]["api_key"], "[REDACTED:api_key]");
    assert_eq!(
        input["args"]["request"]["messages"][0]["content"],
        "Bearer [REDACTED:bearer_token]"
    );
    let paths = redacted_paths(tool);
    assert!(
        paths.contains(&"input.value.args.request.api_key".to_owned()),
        "{paths:?}"
    );
    assert!(
        paths.contains(&"input.value.args.request.messages[0].content".to_owned()),
        "{paths:?}"
    );
    assert!(
        paths.contains(&"output.value.request.api_key".to_owned()),
        "{paths:?}"
    );
}

#[derive(Debug)]
#[allow(dead_code)]
struct Login {
    user: &'static str,
    password: &'static str,
}

#[derive(Debug)]
#[allow(dead_code)]
struct ApiConfig {
    endpoint: &'static str,
    api_key: String,
}

#[derive(Debug)]
#[allow(dead_code)]
struct Holder {
    map: BTreeMap<&'static str, &'static str>,
}

#[derive(Debug)]
#[allow(dead_code)]
struct Tokens {
    access_token: Option<&'static str>,
}

/// A case: its name, the traced call, and the secret that must not be exported.
type DebugCase = (&'static str, Box<dyn FnOnce() -> usize>, &'static str);

#[test]
fn secrets_in_debug_only_types_never_reach_the_span() {
    let cases: Vec<DebugCase> = vec![
        (
            "login",
            Box::new(|| {
                inspect(Login {
                    user: "ann",
                    password: "dbg-pw-8080",
                })
            }),
            "dbg-pw-8080",
        ),
        (
            "config",
            Box::new(|| {
                inspect(ApiConfig {
                    endpoint: "https://x",
                    api_key: "dbg-key-9090".into(),
                })
            }),
            "dbg-key-9090",
        ),
        (
            "option",
            Box::new(|| inspect(Some("sk-dbg-ABCDEFGHIJKLMNOP1234"))),
            "ABCDEFGHIJKLMNOP1234",
        ),
        (
            "map",
            Box::new(|| {
                inspect(Holder {
                    map: BTreeMap::from([("client_secret", "dbg-cs-7070")]),
                })
            }),
            "dbg-cs-7070",
        ),
        (
            "some token",
            Box::new(|| {
                inspect(Tokens {
                    access_token: Some("dbg-at-6060"),
                })
            }),
            "dbg-at-6060",
        ),
    ];
    for (case, run, secret) in cases {
        let (_, spans) = capture(run);
        let traced = span(&spans, "inspect");
        assert_hidden(traced, &[secret], case);
        assert!(!redacted_paths(traced).is_empty(), "case {case}");
    }
}

#[derive(Debug)]
#[allow(dead_code)]
struct AuthError {
    api_key: &'static str,
}

#[trace]
fn fail_debug() -> Result<(), AuthError> {
    Err(AuthError {
        api_key: "err-dbg-4040",
    })
}

#[test]
fn secrets_in_error_messages_never_reach_status_or_events() {
    for (message, secret) in [
        ("login failed: password=err-pw-5050", "err-pw-5050"),
        (
            "upstream said: invalid key sk-proj-ErrErrErrErr123456789",
            "ErrErrErrErr123456789",
        ),
        (
            "request had Authorization: Bearer errTok123456789ABC",
            "errTok123456789ABC",
        ),
        (
            "bad token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJlcnIifQ.c2lnbmF0dXJlLWVycg",
            "c2lnbmF0dXJlLWVycg",
        ),
    ] {
        let (_, spans) = capture(|| fail(message));
        let traced = span(&spans, "fail");
        assert_hidden(traced, &[secret], message);
        assert!(
            traced
                .status
                .description
                .as_deref()
                .unwrap_or("")
                .contains("[REDACTED:"),
            "{message}"
        );
    }
    let (_, spans) = capture(fail_debug);
    assert_hidden(span(&spans, "fail_debug"), &["err-dbg-4040"], "debug error");
}

#[test]
fn arguments_named_like_secrets_and_stream_items_are_hidden() {
    let (_, spans) = capture(|| login("ann", "argpw-3030"));
    let traced = span(&spans, "login");
    assert_hidden(traced, &["argpw-3030"], "password argument");
    assert_eq!(
        traced.attr_str("input.value"),
        Some(r#"{"user":"ann","password":"[REDACTED:password]"}"#)
    );
    assert_eq!(redacted_paths(traced), ["input.value.password"]);

    let (_, spans) = capture(|| call("argkey-2020".to_owned()));
    assert_hidden(span(&spans, "call"), &["argkey-2020"], "api_key argument");

    let (_, spans) = capture(|| chunks(vec!["fine", "sk-stream-ABCDEFGHIJKLMNOPQ12345"]).count());
    let traced = span(&spans, "chunks");
    assert_hidden(traced, &["ABCDEFGHIJKLMNOPQ12345"], "stream item");
    assert!(redacted_paths(traced).contains(&"output.value[1]".to_owned()));
}

fn benign_corpus() -> Vec<Value> {
    let mut corpus = vec![
        json!({"max_tokens": 512}),
        json!({"input_tokens": 10, "output_tokens": 20, "total_tokens": 30}),
        json!({"usage": {"prompt_tokens": 11, "completion_tokens": 7, "reasoning_tokens": 3}}),
        json!({"tokenizer": "cl100k_base"}),
        json!({"author": "Jane Austen"}),
        json!({"authors": ["Ada Lovelace", "Charles Babbage"]}),
        json!({"authority": "IANA"}),
        json!({"authored_by": "bot-7"}),
        json!({"model": "gpt-4o-mini", "temperature": 0.7, "top_p": 0.9}),
        json!({"role": "user", "content": "Hello, how are you today?"}),
        json!({"role": "assistant", "content": "The weather in Paris is sunny, 24°C."}),
        json!({"stop": ["\n\n", "END"], "seed": 42, "stream": true}),
        json!({"label": "Enter your password"}),
        json!({"hint": "api_key must be set in the environment"}),
        json!({"text": "secret: the garden was overgrown"}),
        json!({"text": "the session: we talked for an hour"}),
        json!({"finish_reason": "stop", "id": "chatcmpl-123"}),
        json!({"uuid": "550e8400-e29b-41d4-a716-446655440000"}),
        json!({"sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"}),
        json!({"url": "https://example.com/search?query=rust&page=2"}),
        json!({"time": "12:30:45", "ratio": "3:2"}),
        json!({"phone": "Call me at 555-123-4567"}),
        json!({"order": "Order 1234567890123 shipped"}),
        json!({"ts": 1700000000000u64}),
        json!({"big": 1234567890123456789u64}),
        json!({"price": 19.99, "qty": 3, "in_stock": false, "discount": null}),
        json!({"matrix": [[1, 2], [3, 4]]}),
        json!({"text": "日本語のテキストと絵文字 🎉"}),
        json!({"library": "sk-learn is a Python library"}),
        json!({"note": "A bearer instrument is payable to whoever holds it"}),
        json!({"note": "Basic arithmetic comes first"}),
        json!({"greeting": "eyJ is how base64 JSON starts"}),
        json!({"code": "AKIA is a prefix"}),
        json!({"branch": "ghp_short"}),
        json!({"key": "value", "keyboard": "qwerty"}),
        json!({"tokens": ["Hello", " world"]}),
        json!({"token_count": 17}),
        json!({"messages": [{"role": "system", "content": "You are helpful."}]}),
        json!({"tool_calls": [{"id": "call_abc123", "function": {"name": "weather", "arguments": "{\"city\":\"Paris\"}"}}]}),
        json!({"description": "Authentication is documented elsewhere"}),
        json!({"possessive": "the author's authority"}),
        json!({"equation": "x = y + 2"}),
        json!({"email": "ann@example.com"}),
        json!({"path": "/usr/local/bin/agentrace"}),
        json!({"version": "1.2.3-beta.4"}),
        json!({"empty": "", "list": [], "map": {}}),
        json!("plain prose without anything special in it at all"),
        json!(12345),
        json!([true, false, null]),
        json!({"embedding": [0.1, -0.2, 0.3]}),
        json!({"dimensions": 768, "encoding_format": "float"}),
        json!({"quote": "She said: \"never\" and left."}),
    ];
    corpus.push(json!({"long": "word ".repeat(200)}));
    corpus
}

#[test]
fn benign_values_are_captured_unchanged() {
    let corpus = benign_corpus();
    assert!(corpus.len() >= 50);
    for value in &corpus {
        let (_, spans) = capture(|| echo(value));
        let tool = span(&spans, "execute_tool echo");
        let expected = serde_json::to_string(value).unwrap();
        assert_eq!(tool.attr_str("output.value"), Some(expected.as_str()));
        assert_eq!(
            tool.attr_str("input.value"),
            Some(format!("{{\"args\":{expected}}}").as_str())
        );
        assert!(tool.attr("agentrace.redacted").is_none(), "{value}");
    }
    for text in [
        "max_tokens=512",
        "author: Jane",
        "tokenizer: cl100k",
        "The quick brown fox.",
    ] {
        let (_, spans) = capture(|| say(text));
        assert_eq!(
            span(&spans, "say").attr_str("output.value"),
            Some(serde_json::to_string(text).unwrap().as_str())
        );
    }
}
