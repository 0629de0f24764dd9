//! The field types extractor roles accept: text, numbers, booleans, lists of text, with
//! `Option` and references of each. A field of another type marked with a role is a compile
//! error on that field, saying what the role expects.

use std::borrow::Cow;
use std::sync::Arc;

/// Text for a role such as `model`, `id` or `finish_reason`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be used as text for this role",
    label = "expected `String`, `&str` or an `Option` of one"
)]
pub trait TextValue {
    /// The text, or `None` when absent.
    fn text(&self) -> Option<Cow<'_, str>>;
}

impl TextValue for str {
    fn text(&self) -> Option<Cow<'_, str>> {
        Some(Cow::Borrowed(self))
    }
}
impl TextValue for String {
    fn text(&self) -> Option<Cow<'_, str>> {
        Some(Cow::Borrowed(self))
    }
}
impl TextValue for Box<str> {
    fn text(&self) -> Option<Cow<'_, str>> {
        Some(Cow::Borrowed(self))
    }
}
impl TextValue for Arc<str> {
    fn text(&self) -> Option<Cow<'_, str>> {
        Some(Cow::Borrowed(self))
    }
}
impl TextValue for Cow<'_, str> {
    fn text(&self) -> Option<Cow<'_, str>> {
        Some(Cow::Borrowed(self))
    }
}
impl<T: TextValue + ?Sized> TextValue for &T {
    fn text(&self) -> Option<Cow<'_, str>> {
        (**self).text()
    }
}
impl<T: TextValue> TextValue for Option<T> {
    fn text(&self) -> Option<Cow<'_, str>> {
        self.as_ref().and_then(TextValue::text)
    }
}

/// A number for a role such as `temperature` or `top_p`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be used as a number for this role",
    label = "expected a float or integer, or an `Option` of one"
)]
pub trait NumberValue {
    /// The number, or `None` when absent.
    fn number(&self) -> Option<f64>;
}

/// A count for a role such as `max_tokens`, `seed` or `input_tokens`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be used as a count for this role",
    label = "expected an integer or an `Option` of one"
)]
pub trait CountValue {
    /// The count, or `None` when absent.
    fn count(&self) -> Option<i64>;
}

macro_rules! numbers {
    ($($t:ty),*) => {$(
        impl NumberValue for $t {
            fn number(&self) -> Option<f64> {
                Some(*self as f64)
            }
        }
    )*};
}
numbers!(f64, i8, i16, i32, i64, u8, u16, u32, u64, usize, isize);

impl NumberValue for f32 {
    fn number(&self) -> Option<f64> {
        Some(crate::attribute::f32_as_written(*self))
    }
}

macro_rules! counts {
    ($($t:ty),*) => {$(
        impl CountValue for $t {
            fn count(&self) -> Option<i64> {
                i64::try_from(*self).ok()
            }
        }
    )*};
}
counts!(i8, i16, i32, i64, u8, u16, u32, u64, usize, isize);

impl<T: NumberValue + ?Sized> NumberValue for &T {
    fn number(&self) -> Option<f64> {
        (**self).number()
    }
}
impl<T: NumberValue> NumberValue for Option<T> {
    fn number(&self) -> Option<f64> {
        self.as_ref().and_then(NumberValue::number)
    }
}
impl<T: CountValue + ?Sized> CountValue for &T {
    fn count(&self) -> Option<i64> {
        (**self).count()
    }
}
impl<T: CountValue> CountValue for Option<T> {
    fn count(&self) -> Option<i64> {
        self.as_ref().and_then(CountValue::count)
    }
}

/// A flag for a role such as `stream` or `is_error`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be used as a flag for this role",
    label = "expected `bool` or `Option<bool>`"
)]
pub trait FlagValue {
    /// The flag, or `None` when absent.
    fn flag(&self) -> Option<bool>;
}

impl FlagValue for bool {
    fn flag(&self) -> Option<bool> {
        Some(*self)
    }
}
impl<T: FlagValue + ?Sized> FlagValue for &T {
    fn flag(&self) -> Option<bool> {
        (**self).flag()
    }
}
impl<T: FlagValue> FlagValue for Option<T> {
    fn flag(&self) -> Option<bool> {
        self.as_ref().and_then(FlagValue::flag)
    }
}

/// A list of text for a role such as `stop_sequences` or `finish_reasons`. One text value
/// counts as a list of one.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be used as a list of text for this role",
    label = "expected `Vec<String>`, `&[&str]`, one `String`, or an `Option` of one"
)]
pub trait TextListValue {
    /// The texts, empty when absent.
    fn texts(&self) -> Vec<String>;
}

impl<T: TextValue> TextListValue for [T] {
    fn texts(&self) -> Vec<String> {
        self.iter()
            .filter_map(|item| item.text().map(Cow::into_owned))
            .collect()
    }
}
impl<T: TextValue, const N: usize> TextListValue for [T; N] {
    fn texts(&self) -> Vec<String> {
        self.as_slice().texts()
    }
}
impl<T: TextValue> TextListValue for Vec<T> {
    fn texts(&self) -> Vec<String> {
        self.as_slice().texts()
    }
}
impl TextListValue for String {
    fn texts(&self) -> Vec<String> {
        vec![self.clone()]
    }
}
impl TextListValue for str {
    fn texts(&self) -> Vec<String> {
        vec![self.to_owned()]
    }
}
impl<T: TextListValue + ?Sized> TextListValue for &T {
    fn texts(&self) -> Vec<String> {
        (**self).texts()
    }
}
impl<T: TextListValue> TextListValue for Option<T> {
    fn texts(&self) -> Vec<String> {
        self.as_ref().map(TextListValue::texts).unwrap_or_default()
    }
}

/// A length for a role such as an embedding's `dimensions`: an integer, or a vector whose
/// length is counted.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be used as a dimension count",
    label = "expected an integer, or a `Vec`/slice whose length is the count"
)]
pub trait LengthValue {
    /// The length, or `None` when absent.
    fn length(&self) -> Option<i64>;
}

impl<T> LengthValue for [T] {
    fn length(&self) -> Option<i64> {
        i64::try_from(self.len()).ok()
    }
}
impl<T> LengthValue for Vec<T> {
    fn length(&self) -> Option<i64> {
        self.as_slice().length()
    }
}
macro_rules! lengths {
    ($($t:ty),*) => {$(
        impl LengthValue for $t {
            fn length(&self) -> Option<i64> {
                i64::try_from(*self).ok()
            }
        }
    )*};
}
lengths!(u16, u32, u64, usize, i32, i64);
impl<T: LengthValue + ?Sized> LengthValue for &T {
    fn length(&self) -> Option<i64> {
        (**self).length()
    }
}
impl<T: LengthValue> LengthValue for Option<T> {
    fn length(&self) -> Option<i64> {
        self.as_ref().and_then(LengthValue::length)
    }
}

/// Token ids for the roles `prompt_token_ids` and `response_token_ids`: a `Vec`, slice or
/// array of integers (or an `Option` of one), written as an integer array.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be used as token ids for this role",
    label = "expected a `Vec`, slice or array of integers (`Vec<u32>`, `&[i64]`), or an `Option` of one"
)]
pub trait TokenIdsValue {
    /// The ids, or `None` when absent. An id past `i64::MAX` makes the whole list absent.
    fn token_ids(&self) -> Option<Vec<i64>>;
}

macro_rules! token_ids {
    ($($t:ty),*) => {$(
        impl TokenIdsValue for [$t] {
            fn token_ids(&self) -> Option<Vec<i64>> {
                self.iter().map(|id| i64::try_from(*id).ok()).collect()
            }
        }
    )*};
}
token_ids!(i16, i32, i64, u16, u32, u64, usize, isize);

impl<T> TokenIdsValue for Vec<T>
where
    [T]: TokenIdsValue,
{
    fn token_ids(&self) -> Option<Vec<i64>> {
        self.as_slice().token_ids()
    }
}
impl<T, const N: usize> TokenIdsValue for [T; N]
where
    [T]: TokenIdsValue,
{
    fn token_ids(&self) -> Option<Vec<i64>> {
        self.as_slice().token_ids()
    }
}
impl<T: TokenIdsValue + ?Sized> TokenIdsValue for &T {
    fn token_ids(&self) -> Option<Vec<i64>> {
        (**self).token_ids()
    }
}
impl<T: TokenIdsValue> TokenIdsValue for Option<T> {
    fn token_ids(&self) -> Option<Vec<i64>> {
        self.as_ref().and_then(TokenIdsValue::token_ids)
    }
}

/// Log-probabilities for the role `logprobs`: a `Vec`, slice or array of floats (or an
/// `Option` of one), one per response token.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be used as log-probabilities",
    label = "expected a `Vec`, slice or array of `f32` or `f64`, or an `Option` of one"
)]
pub trait LogprobsValue {
    /// The log-probabilities, or `None` when absent.
    fn logprobs(&self) -> Option<Vec<f64>>;
}

impl LogprobsValue for [f64] {
    fn logprobs(&self) -> Option<Vec<f64>> {
        Some(self.to_vec())
    }
}
impl LogprobsValue for [f32] {
    fn logprobs(&self) -> Option<Vec<f64>> {
        Some(
            self.iter()
                .map(|p| crate::attribute::f32_as_written(*p))
                .collect(),
        )
    }
}
impl<T> LogprobsValue for Vec<T>
where
    [T]: LogprobsValue,
{
    fn logprobs(&self) -> Option<Vec<f64>> {
        self.as_slice().logprobs()
    }
}
impl<T, const N: usize> LogprobsValue for [T; N]
where
    [T]: LogprobsValue,
{
    fn logprobs(&self) -> Option<Vec<f64>> {
        self.as_slice().logprobs()
    }
}
impl<T: LogprobsValue + ?Sized> LogprobsValue for &T {
    fn logprobs(&self) -> Option<Vec<f64>> {
        (**self).logprobs()
    }
}
impl<T: LogprobsValue> LogprobsValue for Option<T> {
    fn logprobs(&self) -> Option<Vec<f64>> {
        self.as_ref().and_then(LogprobsValue::logprobs)
    }
}
