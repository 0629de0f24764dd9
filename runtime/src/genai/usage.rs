//! [`Usage`]: token counts, as a response or a stream chunk reports them.

use super::values::CountValue;

/// Token counts written by a [`TokenUsage`](super::TokenUsage) implementation.
///
/// ```
/// use agentrace::genai::{TokenUsage, Usage};
///
/// struct ApiUsage { prompt_tokens: u32, completion_tokens: u32 }
///
/// impl TokenUsage for ApiUsage {
///     fn extract_usage(&self, out: &mut Usage) {
///         out.input_tokens(&self.prompt_tokens);
///         out.output_tokens(&self.completion_tokens);
///     }
/// }
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Usage {
    /// Input (prompt) tokens.
    pub input: Option<i64>,
    /// Output (completion) tokens.
    pub output: Option<i64>,
    /// Input tokens served from a cache.
    pub cache_read_input: Option<i64>,
    /// Input tokens written to a cache.
    pub cache_creation_input: Option<i64>,
    /// Output tokens spent on reasoning.
    pub reasoning_output: Option<i64>,
}

impl Usage {
    /// Input (prompt) tokens.
    pub fn input_tokens(&mut self, tokens: &(impl CountValue + ?Sized)) {
        self.input = tokens.count().or(self.input);
    }

    /// Output (completion) tokens.
    pub fn output_tokens(&mut self, tokens: &(impl CountValue + ?Sized)) {
        self.output = tokens.count().or(self.output);
    }

    /// Input tokens served from a cache.
    pub fn cache_read_input_tokens(&mut self, tokens: &(impl CountValue + ?Sized)) {
        self.cache_read_input = tokens.count().or(self.cache_read_input);
    }

    /// Input tokens written to a cache.
    pub fn cache_creation_input_tokens(&mut self, tokens: &(impl CountValue + ?Sized)) {
        self.cache_creation_input = tokens.count().or(self.cache_creation_input);
    }

    /// Output tokens spent on reasoning.
    pub fn reasoning_output_tokens(&mut self, tokens: &(impl CountValue + ?Sized)) {
        self.reasoning_output = tokens.count().or(self.reasoning_output);
    }

    /// Keeps every count `later` has, and the rest from `self`.
    pub(crate) fn merge(&mut self, later: Usage) {
        self.input = later.input.or(self.input);
        self.output = later.output.or(self.output);
        self.cache_read_input = later.cache_read_input.or(self.cache_read_input);
        self.cache_creation_input = later.cache_creation_input.or(self.cache_creation_input);
        self.reasoning_output = later.reasoning_output.or(self.reasoning_output);
    }
}
