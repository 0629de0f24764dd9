//! The W3C `baggage` header: parsing within the spec's limits (64 entries, 8192 bytes) and
//! formatting with percent-encoded values.

use opentelemetry::baggage::Baggage;

/// The longest `baggage` header accepted, in bytes (the W3C limit).
pub(crate) const MAX_HEADER_BYTES: usize = 8192;

/// The most entries kept from one header (the W3C limit).
pub(crate) const MAX_ENTRIES: usize = 64;

/// A parsed header and whether anything in it was refused.
pub(crate) struct Parsed {
    pub(crate) baggage: Baggage,
    pub(crate) rejected: bool,
}

/// Parses a `baggage` value. An oversized header is refused whole; a malformed member (bad
/// key, missing `=`, bad percent-encoding) or one beyond the limits is dropped and the
/// header counted as rejected.
pub(crate) fn parse(value: &str) -> Parsed {
    let mut baggage = Baggage::new();
    if value.len() > MAX_HEADER_BYTES {
        return Parsed {
            baggage,
            rejected: true,
        };
    }
    let mut rejected = false;
    for member in value.split(',') {
        let member = member.trim_matches(is_ows);
        if member.is_empty() {
            continue;
        }
        let (pair, properties) = member.split_once(';').unwrap_or((member, ""));
        let Some((key, raw)) = pair.split_once('=') else {
            rejected = true;
            continue;
        };
        let key = key.trim_matches(is_ows);
        let decoded = decode(raw.trim_matches(is_ows));
        let (true, Some(value)) = (is_token(key), decoded) else {
            rejected = true;
            continue;
        };
        if baggage.len() >= MAX_ENTRIES {
            rejected = true;
            break;
        }
        let before = baggage.len();
        let properties = properties.trim_matches(is_ows).to_owned();
        let replaced = baggage
            .insert_with_metadata(key.to_owned(), value, properties)
            .is_some();
        if !replaced && baggage.len() == before {
            rejected = true;
        }
    }
    Parsed { baggage, rejected }
}

/// The `baggage` header for `baggage`, or `None` when it is empty.
pub(crate) fn format(baggage: &Baggage) -> Option<String> {
    let mut out = String::new();
    for (key, (value, metadata)) in baggage {
        if !out.is_empty() {
            out.push(',');
        }
        out.push_str(key.as_str());
        out.push('=');
        encode_into(value.as_str(), &mut out);
        if !metadata.as_str().is_empty() {
            out.push(';');
            out.push_str(metadata.as_str());
        }
    }
    (!out.is_empty()).then_some(out)
}

fn is_ows(c: char) -> bool {
    c == ' ' || c == '\t'
}

/// An RFC 7230 token: the characters a baggage key may use.
fn is_token(key: &str) -> bool {
    !key.is_empty()
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

/// A byte a baggage value may carry without percent-encoding.
fn is_value_octet(b: u8) -> bool {
    matches!(b, 0x21 | 0x23..=0x24 | 0x26..=0x2B | 0x2D..=0x3A | 0x3C..=0x5B | 0x5D..=0x7E)
}

fn encode_into(value: &str, out: &mut String) {
    for b in value.bytes() {
        if is_value_octet(b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
}

/// Percent-decodes a value; `None` for a bad escape or a raw byte outside the allowed set.
/// Decoded bytes that are not UTF-8 become U+FFFD, as the W3C Baggage spec asks.
fn decode(raw: &str) -> Option<String> {
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut at = 0;
    while at < bytes.len() {
        match bytes[at] {
            b'%' => {
                let hex = bytes.get(at + 1..at + 3)?;
                let text = std::str::from_utf8(hex).ok()?;
                if !text.bytes().all(|b| b.is_ascii_hexdigit()) {
                    return None;
                }
                out.push(u8::from_str_radix(text, 16).ok()?);
                at += 3;
            }
            b if is_value_octet(b) => {
                out.push(b);
                at += 1;
            }
            _ => return None,
        }
    }
    Some(String::from_utf8_lossy(&out).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_values_that_need_encoding() {
        let mut baggage = Baggage::new();
        baggage.insert("user.id", "ada lovelace, 100%; ok=é");
        let header = format(&baggage).unwrap();
        let parsed = parse(&header);
        assert!(!parsed.rejected);
        assert_eq!(
            parsed.baggage.get("user.id").map(|v| v.as_str().to_owned()),
            Some("ada lovelace, 100%; ok=é".to_owned())
        );
    }

    #[test]
    fn drops_bad_members_and_keeps_good_ones() {
        let parsed = parse("good=1, bad key=2, novalue, pct=%zz, fine = 3 ;prop");
        assert!(parsed.rejected);
        assert_eq!(parsed.baggage.len(), 2);
        assert_eq!(parsed.baggage.get("fine").unwrap().as_str(), "3");
    }

    #[test]
    fn refuses_oversized_headers_and_too_many_entries() {
        assert!(parse(&"k=v,".repeat(3000)).rejected);
        let many: Vec<String> = (0..100).map(|i| format!("k{i}=v")).collect();
        let parsed = parse(&many.join(","));
        assert!(parsed.rejected);
        assert_eq!(parsed.baggage.len(), MAX_ENTRIES);
    }
}
