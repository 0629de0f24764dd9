//! [`ToAttribute`]: values that become span attributes as they are (numbers, booleans,
//! strings), rather than as JSON text.

use std::borrow::Cow;
use std::sync::Arc;

use opentelemetry::Value;

/// A value that is written to a span attribute as it is.
///
/// Used for `attributes(key = expr)`, `model = expr`, `id = expr` and `call_id = expr`
/// options; values of other types are written as their JSON text (or `Debug` text).
/// `None` leaves the attribute out.
///
/// ```
/// use agentrace::ToAttribute;
/// assert_eq!(42u32.to_attribute(), Some(opentelemetry::Value::I64(42)));
/// assert_eq!(None::<&str>.to_attribute(), None);
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
    use opentelemetry::{Array, StringValue};
    use serde_json::Value as Json;
    if !text.starts_with(['"', '[']) {
        return Some(Value::from(text));
    }
    let items = match serde_json::from_str::<Json>(&text) {
        Ok(Json::String(string)) => return Some(Value::from(string)),
        Ok(Json::Array(items)) => items,
        _ => return Some(Value::from(text)),
    };
    let array = match items.first() {
        None => return None,
        Some(Json::String(_)) => items
            .iter()
            .map(|item| item.as_str().map(|s| StringValue::from(s.to_owned())))
            .collect::<Option<Vec<_>>>()
            .map(Array::String),
        Some(Json::Bool(_)) => items
            .iter()
            .map(Json::as_bool)
            .collect::<Option<Vec<_>>>()
            .map(Array::Bool),
        Some(Json::Number(_)) if items.iter().all(|item| item.is_i64()) => items
            .iter()
            .map(Json::as_i64)
            .collect::<Option<Vec<_>>>()
            .map(Array::I64),
        Some(Json::Number(_)) => items
            .iter()
            .map(Json::as_f64)
            .collect::<Option<Vec<_>>>()
            .map(Array::F64),
        Some(_) => None,
    };
    Some(array.map_or_else(|| Value::from(text), Value::Array))
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
