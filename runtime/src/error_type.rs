//! [`ErrorType`]: how an error names its class in `error.type`.

/// Gives an error a low-cardinality class for the span's `error.type` attribute.
///
/// By default a traced function that returns `Err(e)` records the type name of `e` as
/// `error.type`. Implement this trait to record a class of your own instead (a variant name,
/// `timeout`, `rate_limited`): keep the set of values small, and put details in the message.
///
/// ```
/// use agentrace::ErrorType;
///
/// #[derive(Debug)]
/// enum ModelError { Timeout, RateLimited { retry_after: u64 } }
///
/// impl ErrorType for ModelError {
///     fn error_type(&self) -> &str {
///         match self {
///             ModelError::Timeout => "timeout",
///             ModelError::RateLimited { .. } => "rate_limited",
///         }
///     }
/// }
/// assert_eq!(ModelError::RateLimited { retry_after: 3 }.error_type(), "rate_limited");
/// ```
pub trait ErrorType {
    /// The class written to `error.type`.
    fn error_type(&self) -> &str;
}
