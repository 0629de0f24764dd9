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
to_attribute_as!(f64 => f32, f64);
to_attribute_as!(bool => bool);
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
