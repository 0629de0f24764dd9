//! [`ToAttribute`]: values that become span attributes as they are (numbers, booleans,
//! strings), rather than as JSON text.

use std::borrow::Cow;
use std::sync::Arc;

use opentelemetry::Value;

/// A value that is written to a span attribute as it is.
///
/// Used for `attributes(key = expr)`, `model = expr`, `id = expr` and `call_id = expr`
/// options and by [`CurrentSpan::set_attribute`](crate::CurrentSpan::set_attribute); in the
/// options, values of other types are written as their JSON text (or `Debug` text). `None`
/// leaves the attribute out; a list of strings, integers, floats or booleans is an array
/// attribute.
///
/// ```
/// use agentrace::ToAttribute;
/// use opentelemetry::{Array, Value};
/// assert_eq!(42u32.to_attribute(), Some(Value::I64(42)));
/// assert_eq!(None::<&str>.to_attribute(), None);
/// assert_eq!(vec![1, 2].to_attribute(), Some(Value::Array(Array::I64(vec![1, 2]))));
/// assert_eq!(Vec::<bool>::new().to_attribute(), None);
/// ```
pub trait ToAttribute {
    /// The attribute value, or `None` to leave the attribute out.
    fn to_attribute(&self) -> Option<Value>;
}

impl<T: ToAttribute + ?Sized> ToAttribute for &T {
    fn to_attribute(&self) -> Option<Value> {
        (**self).to_attribute()
    }
}

impl<T: ToAttribute> ToAttribute for Option<T> {
    fn to_attribute(&self) -> Option<Value> {
        self.as_ref().and_then(ToAttribute::to_attribute)
    }
}

impl ToAttribute for str {
    fn to_attribute(&self) -> Option<Value> {
        Some(Value::from(self.to_owned()))
    }
}

macro_rules! to_attribute_as {
    ($via:ty => $($t:ty),*) => {$(
        impl ToAttribute for $t {
            fn to_attribute(&self) -> Option<Value> {
                Some(Value::from(<$via>::from(self.clone())))
            }
        }
    )*};
}

to_attribute_as!(i64 => i8, i16, i32, i64, u8, u16, u32);
to_attribute_as!(f64 => f64);
to_attribute_as!(bool => bool);

impl ToAttribute for f32 {
    fn to_attribute(&self) -> Option<Value> {
        Some(Value::F64(f32_as_written(*self)))
    }
}

/// Lists of strings, integers, floats or booleans: an array attribute (`None` elements are
/// left out; an empty list is no attribute).
macro_rules! to_attribute_lists {
    ($($t:ty),*) => {$(
        impl ToAttribute for [$t] {
            fn to_attribute(&self) -> Option<Value> {
                array_of(self.iter().filter_map(ToAttribute::to_attribute).collect())
            }
        }
        impl ToAttribute for Vec<$t> {
            fn to_attribute(&self) -> Option<Value> {
                self.as_slice().to_attribute()
            }
        }
        impl<const N: usize> ToAttribute for [$t; N] {
            fn to_attribute(&self) -> Option<Value> {
                self.as_slice().to_attribute()
            }
        }
    )*};
}

to_attribute_lists!(
    &str,
    String,
    Box<str>,
    Arc<str>,
    Cow<'_, str>,
    bool,
    f32,
    f64,
    i8,
    i16,
    i32,
    i64,
    u8,
    u16,
    u32,
    u64,
    usize,
    isize,
    Option<&str>,
    Option<String>,
    Option<i64>,
    Option<u64>,
    Option<f64>,
    Option<bool>
);

/// One array attribute from values of one type: strings, integers, floats (integers among
/// floats count as floats) or booleans; `None` for an empty list or one of other values.
fn array_of(values: Vec<Value>) -> Option<Value> {
    use opentelemetry::Array;
    let strings = || {
        values.iter().map(|value| match value {
            Value::String(text) => Some(text.clone()),
            _ => None,
        })
    };
    let array = match values.first()? {
        Value::String(_) => strings().collect::<Option<Vec<_>>>().map(Array::String),
        Value::Bool(_) => values
            .iter()
            .map(|value| match value {
                Value::Bool(flag) => Some(*flag),
                _ => None,
            })
            .collect::<Option<Vec<_>>>()
            .map(Array::Bool),
        Value::I64(_) if values.iter().all(|value| matches!(value, Value::I64(_))) => values
            .iter()
            .map(|value| match value {
                Value::I64(n) => Some(*n),
                _ => None,
            })
            .collect::<Option<Vec<_>>>()
            .map(Array::I64),
        Value::I64(_) | Value::F64(_) => values
            .iter()
            .map(|value| match value {
                Value::I64(n) => Some(*n as f64),
                Value::F64(x) => Some(*x),
                _ => None,
            })
            .collect::<Option<Vec<_>>>()
            .map(Array::F64),
        _ => None,
    };
    array.map(Value::Array)
}

/// The `f64` whose shortest decimal is that of `value`: `0.2_f32` becomes `0.2`, not the
/// `0.20000000298023224` a plain conversion gives.
///
/// ```
/// # use agentrace::ToAttribute;
/// assert_eq!(0.2_f32.to_attribute(), Some(opentelemetry::Value::F64(0.2)));
/// ```
pub(crate) fn f32_as_written(value: f32) -> f64 {
    if value.is_finite() {
        value.to_string().parse().unwrap_or(f64::from(value))
    } else {
        f64::from(value)
    }
}

/// An attribute from a value's JSON text: a string as itself; a list of strings, integers,
/// floats or booleans as an array attribute (backends filter on those); an empty list as
/// no attribute; anything else (objects, mixed or nested lists) as its JSON text.
pub(crate) fn from_json_text(text: String) -> Option<Value> {
    use serde_json::Value as Json;
    if !text.starts_with(['"', '[']) {
        return Some(Value::from(text));
    }
    let items = match serde_json::from_str::<Json>(&text) {
        Ok(Json::String(string)) => return Some(Value::from(string)),
        Ok(Json::Array(items)) => items,
        _ => return Some(Value::from(text)),
    };
    if items.is_empty() {
        return None;
    }
    let values: Option<Vec<Value>> = items
        .iter()
        .map(|item| match item {
            Json::String(string) => Some(Value::from(string.clone())),
            Json::Bool(flag) => Some(Value::Bool(*flag)),
            Json::Number(number) => number
                .as_i64()
                .map(Value::I64)
                .or_else(|| number.as_f64().map(Value::F64)),
            _ => None,
        })
        .collect();
    Some(
        values
            .and_then(array_of)
            .unwrap_or_else(|| Value::from(text)),
    )
}
to_attribute_as!(String => String, Box<str>, Cow<'_, str>);

impl ToAttribute for Arc<str> {
    fn to_attribute(&self) -> Option<Value> {
        Some(Value::from(self.clone()))
    }
}

macro_rules! to_attribute_wide_int {
    ($($t:ty),*) => {$(
        impl ToAttribute for $t {
            fn to_attribute(&self) -> Option<Value> {
                Some(match i64::try_from(*self) {
                    Ok(fits) => Value::I64(fits),
                    Err(_) => Value::from(self.to_string()),
                })
            }
        }
    )*};
}

to_attribute_wide_int!(u64, usize, isize, i128, u128);
