//! Autoref specialization: the generated code picks behaviour by which traits a value's type
//! implements, at the call site, without adding any bound to the user's function.
//!
//! Each question is a method name implemented by several traits at different reference
//! depths of [`Wrap`]; method resolution takes the most specific one whose bounds hold:
//!
//! - capture: `Serialize`, else `Debug`, else the type name (`(&&&Wrap(&v))`);
//! - attribute value: a primitive or string, else like capture (`(&&&&Wrap(&v))`);
//! - result split: a `Result` is split into its `Ok` and `Err` parts (`(&&Wrap(&v))`);
//! - error class: [`ErrorType`](crate::ErrorType), else the type name (`(&&Wrap(e))`);
//! - error message: `Display`, else `Debug`, else the type name (`(&&&Wrap(e))`).

use std::borrow::Cow;
use std::fmt::{Debug, Display};

use opentelemetry::Value;
use serde::Serialize;

use crate::attribute::ToAttribute;
use crate::capture::{self, Capture};
use crate::ErrorType;

/// The wrapper the specialized methods are implemented on.
pub struct Wrap<T>(pub T);

/// Capture through `Serialize`.
pub trait CaptureSerialize {
    /// Writes the value as JSON.
    fn __agentrace_capture(&self, out: &mut Capture);
}
impl<T: Serialize + ?Sized> CaptureSerialize for &&Wrap<&T> {
    fn __agentrace_capture(&self, out: &mut Capture) {
        capture::write_serialize(out, self.0);
    }
}

/// Capture through `Debug`.
pub trait CaptureDebug {
    /// Writes the value's `Debug` text as a JSON string.
    fn __agentrace_capture(&self, out: &mut Capture);
}
impl<T: Debug + ?Sized> CaptureDebug for &Wrap<&T> {
    fn __agentrace_capture(&self, out: &mut Capture) {
        capture::write_debug(out, self.0);
    }
}

/// Capture of the type name only.
pub trait CaptureTypeName {
    /// Writes the value's type name as a JSON string.
    fn __agentrace_capture(&self, out: &mut Capture);
}
impl<T: ?Sized> CaptureTypeName for Wrap<&T> {
    fn __agentrace_capture(&self, out: &mut Capture) {
        capture::write_type_name::<T>(out);
    }
}

/// Attribute value of a primitive or string.
pub trait AttributePrimitive {
    /// The value as a span attribute; `None` leaves the attribute out.
    fn __agentrace_attribute(&self) -> Option<Value>;
}
impl<T: ToAttribute + ?Sized> AttributePrimitive for &&&Wrap<&T> {
    fn __agentrace_attribute(&self) -> Option<Value> {
        self.0.to_attribute()
    }
}

/// Attribute value through `Serialize`: the bare string for a string, an array for a list of
/// strings, numbers or booleans, else the JSON text.
pub trait AttributeSerialize {
    /// The value as a span attribute.
    fn __agentrace_attribute(&self) -> Option<Value>;
}
impl<T: Serialize + ?Sized> AttributeSerialize for &&Wrap<&T> {
    fn __agentrace_attribute(&self) -> Option<Value> {
        let mut out = Vec::new();
        capture::write_serialize(&mut out, self.0);
        crate::attribute::from_json_text(capture::into_string(out))
    }
}

/// Attribute value through `Debug`.
pub trait AttributeDebug {
    /// The value as a span attribute.
    fn __agentrace_attribute(&self) -> Option<Value>;
}
impl<T: Debug + ?Sized> AttributeDebug for &Wrap<&T> {
    fn __agentrace_attribute(&self) -> Option<Value> {
        let mut out = Vec::new();
        capture::write_debug(&mut out, self.0);
        let text = capture::into_string(out);
        Some(Value::from(
            serde_json::from_str::<String>(&text).unwrap_or(text),
        ))
    }
}

/// Attribute value of the type name.
pub trait AttributeTypeName {
    /// The value's type name.
    fn __agentrace_attribute(&self) -> Option<Value>;
}
impl<T: ?Sized> AttributeTypeName for Wrap<&T> {
    fn __agentrace_attribute(&self) -> Option<Value> {
        Some(Value::from(std::any::type_name::<T>()))
    }
}

/// Splits a `Result` into its parts.
pub trait SplitResult<'a> {
    /// The success value.
    type Ok: ?Sized;
    /// The error value.
    type Err: ?Sized;
    /// `(Some(ok), None)` or `(None, Some(err))`.
    fn __agentrace_split(&self) -> (Option<&'a Self::Ok>, Option<&'a Self::Err>);
}
impl<'a, T, E> SplitResult<'a> for &Wrap<&'a Result<T, E>> {
    type Ok = T;
    type Err = E;
    fn __agentrace_split(&self) -> (Option<&'a T>, Option<&'a E>) {
        match self.0 {
            Ok(ok) => (Some(ok), None),
            Err(err) => (None, Some(err)),
        }
    }
}

/// Any value that is not a `Result` is a success.
pub trait SplitValue<'a> {
    /// The value itself.
    type Ok: ?Sized;
    /// Never produced.
    type Err: ?Sized;
    /// `(Some(value), None)`.
    fn __agentrace_split(&self) -> (Option<&'a Self::Ok>, Option<&'a Self::Err>);
}
impl<'a, T: ?Sized> SplitValue<'a> for Wrap<&'a T> {
    type Ok = T;
    type Err = NotAnError;
    fn __agentrace_split(&self) -> (Option<&'a T>, Option<&'a NotAnError>) {
        (Some(self.0), None)
    }
}

/// The error type of values that cannot fail; it has no values.
#[derive(Debug)]
pub enum NotAnError {}

/// Error class from [`ErrorType`].
pub trait ErrorTypeOwn {
    /// The low-cardinality class written to `error.type`.
    fn __agentrace_error_type(&self) -> Cow<'static, str>;
}
impl<E: ErrorType + ?Sized> ErrorTypeOwn for &Wrap<&E> {
    fn __agentrace_error_type(&self) -> Cow<'static, str> {
        Cow::Owned(self.0.error_type().to_owned())
    }
}

/// Error class from the type name.
pub trait ErrorTypeName {
    /// The error's type name.
    fn __agentrace_error_type(&self) -> Cow<'static, str>;
}
impl<E: ?Sized> ErrorTypeName for Wrap<&E> {
    fn __agentrace_error_type(&self) -> Cow<'static, str> {
        Cow::Borrowed(std::any::type_name::<E>())
    }
}

/// Error message from `Display`.
pub trait ErrorMessageDisplay {
    /// The error message.
    fn __agentrace_error_message(&self) -> String;
}
impl<E: Display + ?Sized> ErrorMessageDisplay for &&Wrap<&E> {
    fn __agentrace_error_message(&self) -> String {
        self.0.to_string()
    }
}

/// Error message from `Debug`.
pub trait ErrorMessageDebug {
    /// The error message.
    fn __agentrace_error_message(&self) -> String;
}
impl<E: Debug + ?Sized> ErrorMessageDebug for &Wrap<&E> {
    fn __agentrace_error_message(&self) -> String {
        format!("{:?}", self.0)
    }
}

/// Error message from the type name.
pub trait ErrorMessageTypeName {
    /// The error's type name.
    fn __agentrace_error_message(&self) -> String;
}
impl<E: ?Sized> ErrorMessageTypeName for Wrap<&E> {
    fn __agentrace_error_message(&self) -> String {
        std::any::type_name::<E>().to_owned()
    }
}
