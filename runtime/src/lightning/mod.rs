//! Training with Agent Lightning: what its store and trainers read from agentrace's spans.
//!
//! - Rollout scopes ([`rollout`](crate::rollout)) put `agentlightning.rollout_id` and
//!   `agentlightning.attempt_id` on every span started inside them.
//! - The emitters ([`reward`], [`rewards`], [`emit_message`], [`emit_object`],
//!   [`emit_exception`]) make Agent Lightning's own spans.
//! - Token ids: the extractor roles `prompt_token_ids`, `response_token_ids` and `logprobs`
//!   (on requests, responses and stream chunks) and
//!   [`CurrentSpan::record_token_ids`](crate::CurrentSpan::record_token_ids) write the
//!   integer arrays its triplet adapter reads.
//! - The preset [`Builder::agent_lightning`](crate::Builder::agent_lightning) sends spans to
//!   its store and adds the flattened prompt and completion attributes and `agent.name`.
//!
//! The names are in [`semconv`](crate::semconv) (`AGENTLIGHTNING_*`).

mod emit;

pub use emit::{emit_exception, emit_message, emit_object, reward, rewards};
