//! [`Carrier`]: where propagation headers are read from and written to, with the impls for
//! string maps and (feature `http`) `http::HeaderMap`.

use std::collections::{BTreeMap, HashMap};
use std::hash::BuildHasher;

/// A message that can carry propagation headers (`traceparent`, `tracestate`, `baggage`).
///
/// Implemented for `HashMap<String, String>`, `BTreeMap<String, String>` and, with the
/// `http` feature, `http::HeaderMap`. For your own message type, implement it by hand or
/// derive it: `#[derive(Carrier)]` either delegates to one field marked
/// `#[agentrace(carrier)]` (a map or anything else that is a `Carrier`), or reads and
/// writes fields named `traceparent`, `tracestate` and `baggage` of type `Option<String>`
/// (only `traceparent` is required).
///
/// ```
/// use agentrace::propagation::{self, Carrier};
///
/// #[derive(Default, Carrier)]
/// struct Message {
///     text: String,
///     traceparent: Option<String>,
///     baggage: Option<String>,
/// }
///
/// #[agentrace::trace_agent(name = "writer")]
/// fn write() -> Message {
///     let mut message = Message { text: "hi".into(), ..Default::default() };
///     propagation::inject(&mut message);
///     message
/// }
///
/// let (message, _) = agentrace::testing::capture(write);
/// assert!(message.traceparent.unwrap().starts_with("00-"));
/// assert_eq!(message.text, "hi");
/// ```
pub trait Carrier {
    /// The value stored under `key` (a lowercase header name), if any.
    fn get(&self, key: &str) -> Option<&str>;

    /// Stores `value` under `key` (a lowercase header name), replacing what was there.
    fn set(&mut self, key: &str, value: String);
}

impl<S: BuildHasher> Carrier for HashMap<String, String, S> {
    /// The entry named `key`, or else the first one whose name equals it ignoring ASCII case.
    fn get(&self, key: &str) -> Option<&str> {
        HashMap::get(self, key)
            .or_else(|| {
                self.iter()
                    .find(|(name, _)| name.eq_ignore_ascii_case(key))
                    .map(|(_, value)| value)
            })
            .map(String::as_str)
    }

    fn set(&mut self, key: &str, value: String) {
        self.insert(key.to_owned(), value);
    }
}

impl Carrier for BTreeMap<String, String> {
    /// The entry named `key`, or else the first one whose name equals it ignoring ASCII case.
    fn get(&self, key: &str) -> Option<&str> {
        BTreeMap::get(self, key)
            .or_else(|| {
                self.iter()
                    .find(|(name, _)| name.eq_ignore_ascii_case(key))
                    .map(|(_, value)| value)
            })
            .map(String::as_str)
    }

    fn set(&mut self, key: &str, value: String) {
        self.insert(key.to_owned(), value);
    }
}

impl<C: Carrier + ?Sized> Carrier for &mut C {
    fn get(&self, key: &str) -> Option<&str> {
        (**self).get(key)
    }

    fn set(&mut self, key: &str, value: String) {
        (**self).set(key, value);
    }
}

#[cfg(feature = "http")]
impl Carrier for http::HeaderMap {
    /// The first header named `key` whose value is visible ASCII; other values are ignored.
    fn get(&self, key: &str) -> Option<&str> {
        http::HeaderMap::get(self, key).and_then(|value| value.to_str().ok())
    }

    /// Sets the header; a value that is not a valid header value is not written.
    fn set(&mut self, key: &str, value: String) {
        let (Ok(name), Ok(value)) = (
            http::HeaderName::from_bytes(key.as_bytes()),
            http::HeaderValue::from_str(&value),
        ) else {
            return;
        };
        self.insert(name, value);
    }
}
