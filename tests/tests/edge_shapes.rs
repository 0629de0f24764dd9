//! Less common signatures keep compiling and behaving the same with a span around them.

use std::fmt::Display;

use agentrace::record::StatusCode;
use agentrace::testing::{capture, capture_async, span};
use agentrace::trace;

#[trace]
fn displayable(n: u8) -> impl Display {
    format!("n={n}")
}

#[trace]
fn boxed_error(fail: bool) -> Result<u8, Box<dyn std::error::Error + Send + Sync>> {
    if fail {
        return Err("boxed failure".into());
    }
    Ok(1)
}

#[trace]
unsafe fn unsafe_read(pointer: *const u8) -> u8 {
    *pointer
}

#[trace]
async fn unit_async(flag: &mut bool) {
    *flag = true;
}

#[trace]
fn returns_closure(k: u32) -> impl Fn(u32) -> u32 {
    move |x| x + k
}

#[trace]
fn multiple_returns_coerce(choice: u8) -> Box<dyn Display> {
    if choice == 0 {
        return Box::new(0u8);
    }
    Box::new("text")
}

#[trace]
fn nested_question_marks(input: &str) -> Result<u32, Box<dyn std::error::Error>> {
    let n: u32 = input.trim().parse()?;
    let doubled = n.checked_mul(2).ok_or("overflow")?;
    Ok(doubled)
}

#[test]
fn unusual_signatures() {
    let (_, spans) = capture(|| {
        assert_eq!(displayable(3).to_string(), "n=3");
        assert!(boxed_error(true).is_err());
        let value = 7u8;
        assert_eq!(unsafe { unsafe_read(&value) }, 7);
        assert_eq!(returns_closure(2)(3), 5);
        assert_eq!(multiple_returns_coerce(0).to_string(), "0");
        assert_eq!(multiple_returns_coerce(1).to_string(), "text");
        assert_eq!(nested_question_marks(" 21 ").unwrap(), 42);
        assert!(nested_question_marks("x").is_err());
    });
    assert_eq!(
        span(&spans, "displayable").attr_str("output.value"),
        Some("\"n=3\"")
    );
    let boxed = span(&spans, "boxed_error");
    assert_eq!(boxed.status.status_code, StatusCode::Error);
    assert_eq!(boxed.status.description.as_deref(), Some("boxed failure"));
    assert_eq!(
        span(&spans, "unsafe_read").attr_str("output.value"),
        Some("7")
    );
    let parses: Vec<_> = spans
        .iter()
        .filter(|s| s.name == "nested_question_marks")
        .collect();
    assert_eq!(
        parses
            .iter()
            .filter(|s| s.status.status_code == StatusCode::Error)
            .count(),
        1
    );
}

#[tokio::test]
async fn unit_async_fn_records_no_output() {
    let mut flag = false;
    let (_, spans) = capture_async(unit_async(&mut flag)).await;
    assert!(flag);
    let traced = span(&spans, "unit_async");
    assert!(traced.attr("output.value").is_none());
    assert_eq!(traced.status.status_code, StatusCode::Ok);
    assert_eq!(traced.attr_str("input.value"), Some(r#"{"flag":false}"#));
}
