//! The W3C `traceparent` header: a strict parser that turns hostile input into `None`, and
//! the formatter used when injecting.

use opentelemetry::trace::{SpanContext, SpanId, TraceFlags, TraceId, TraceState};

/// The length of a version `00` header: `00-` + 32 + `-` + 16 + `-` + 2.
const LEN: usize = 55;

/// The trace flags W3C Trace Context defines: `sampled` (0x01) and, in Level 2, `random`
/// (0x02, the trace id's right part is random). Kept when a trace is continued; others are
/// cleared, as the spec asks.
const DEFINED_FLAGS: u8 = 0x01 | 0x02;

/// Parses a `traceparent` value into a remote span context, or `None` when it breaks the
/// W3C rules: wrong length, non-lowercase-hex fields, version `ff`, all-zero ids, or a
/// version `00` header with trailing data.
pub(crate) fn parse(value: &str, state: TraceState) -> Option<SpanContext> {
    let value = value.trim_matches(|c| c == ' ' || c == '\t');
    let bytes = value.as_bytes();
    if bytes.len() < LEN || !value.is_ascii() {
        return None;
    }
    let version = hex_byte(&bytes[0..2])?;
    if version == 0xff || (version == 0 && bytes.len() != LEN) {
        return None;
    }
    // A later version may append fields, after a dash.
    if bytes.len() > LEN && bytes[LEN] != b'-' {
        return None;
    }
    if bytes[2] != b'-' || bytes[35] != b'-' || bytes[52] != b'-' {
        return None;
    }
    let trace_id = lower_hex(&value[3..35])?;
    let span_id = lower_hex(&value[36..52])?;
    let flags = hex_byte(&bytes[53..55])?;
    let trace_id = TraceId::from_hex(trace_id).ok()?;
    let span_id = SpanId::from_hex(span_id).ok()?;
    if trace_id == TraceId::INVALID || span_id == SpanId::INVALID {
        return None;
    }
    let flags = TraceFlags::new(flags & DEFINED_FLAGS);
    Some(SpanContext::new(trace_id, span_id, flags, true, state))
}

/// The `traceparent` value of `context` (version `00`).
pub(crate) fn format(context: &SpanContext) -> String {
    format!(
        "00-{}-{}-{:02x}",
        context.trace_id(),
        context.span_id(),
        context.trace_flags().to_u8() & DEFINED_FLAGS
    )
}

/// `text` if every character is a lowercase hex digit.
fn lower_hex(text: &str) -> Option<&str> {
    text.bytes()
        .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        .then_some(text)
}

fn hex_byte(pair: &[u8]) -> Option<u8> {
    let text = std::str::from_utf8(pair).ok()?;
    u8::from_str_radix(lower_hex(text)?, 16).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    #[test]
    fn round_trips_a_valid_header() {
        let context = parse(GOOD, TraceState::default()).unwrap();
        assert!(context.is_remote() && context.is_sampled());
        assert_eq!(format(&context), GOOD);
    }

    #[test]
    fn rejects_what_the_spec_forbids() {
        for bad in [
            "",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra",
            "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
            "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
            "00-4bf92f3577b34da6a3ce929d0e0e473g-00f067aa0ba902b7-01",
            "00_4bf92f3577b34da6a3ce929d0e0e4736_00f067aa0ba902b7_01",
            "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01x",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-é1",
        ] {
            assert!(parse(bad, TraceState::default()).is_none(), "{bad:?}");
        }
    }

    #[test]
    fn keeps_the_flags_the_spec_defines_and_clears_the_others() {
        let random = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-03";
        let context = parse(random, TraceState::default()).unwrap();
        assert_eq!(context.trace_flags().to_u8(), 0x03);
        assert_eq!(format(&context), random);
        let unknown = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-ff";
        assert_eq!(
            parse(unknown, TraceState::default())
                .unwrap()
                .trace_flags()
                .to_u8(),
            0x03
        );
    }

    #[test]
    fn accepts_a_later_version_with_more_fields() {
        let later = "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-future";
        assert!(parse(later, TraceState::default()).is_some());
    }
}
