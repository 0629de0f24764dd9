//! Messages in the OpenTelemetry GenAI shape: a `role` and `parts` (text, reasoning,
//! tool_call, tool_call_response, uri, blob), written as JSON text to
//! `gen_ai.input.messages` and `gen_ai.output.messages`.

use serde::{Deserialize, Serialize};

/// One chat message in the GenAI shape.
///
/// ```
/// use agentrace::genai::{Message, Part};
/// let message = Message::text("user", "What is the weather?");
/// let json = serde_json::to_string(&message).unwrap();
/// assert_eq!(json, r#"{"role":"user","parts":[{"type":"text","content":"What is the weather?"}]}"#);
/// assert_eq!(message.parts[0], Part::Text { content: "What is the weather?".into() });
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Message {
    /// `system`, `user`, `assistant` or `tool`.
    pub role: String,
    /// The message's content, in order.
    pub parts: Vec<Part>,
    /// The participant's name, when the API carries one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Why the model stopped, on output messages.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub finish_reason: Option<String>,
}

impl Message {
    /// A message with one text part.
    pub fn text(role: impl Into<String>, content: impl Into<String>) -> Self {
        Message {
            role: role.into(),
            parts: vec![Part::Text {
                content: content.into(),
            }],
            name: None,
            finish_reason: None,
        }
    }

    /// The same message with a finish reason.
    pub fn with_finish_reason(mut self, reason: impl Into<String>) -> Self {
        self.finish_reason = Some(reason.into());
        self
    }
}

/// One part of a [`Message`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Part {
    /// Plain text.
    Text {
        /// The text.
        content: String,
    },
    /// The model's reasoning, when the API returns it.
    Reasoning {
        /// The reasoning text.
        content: String,
    },
    /// A call of a tool requested by the model.
    ToolCall {
        /// The call id.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        id: Option<String>,
        /// The tool's name.
        name: String,
        /// The arguments, as JSON.
        #[serde(default)]
        arguments: serde_json::Value,
    },
    /// The result of a tool call, sent back to the model.
    ToolCallResponse {
        /// The call id it answers.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        id: Option<String>,
        /// The result, as JSON.
        response: serde_json::Value,
    },
    /// Content referenced by URI.
    Uri {
        /// `image`, `video` or `audio`.
        modality: String,
        /// The URI.
        uri: String,
        /// Its MIME type, when known.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        mime_type: Option<String>,
    },
    /// Inline binary content, base64 encoded.
    Blob {
        /// `image`, `video` or `audio`.
        modality: String,
        /// Its MIME type, when known.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        mime_type: Option<String>,
        /// The content, base64 encoded.
        content: String,
    },
}

/// A value that is one chat message: implement it for your own message type, or derive it
/// with `#[derive(ChatMessage)]` (fields marked `#[agentrace(role)]` and
/// `#[agentrace(content)]`).
pub trait ToMessage {
    /// The message in the GenAI shape.
    fn to_message(&self) -> Message;
}

impl ToMessage for Message {
    fn to_message(&self) -> Message {
        self.clone()
    }
}

impl<T: ToMessage + ?Sized> ToMessage for &T {
    fn to_message(&self) -> Message {
        (**self).to_message()
    }
}

/// A value that holds chat messages: a message, a slice or `Vec` of them, or an `Option`.
pub trait ToMessages {
    /// The messages in the GenAI shape.
    fn to_messages(&self) -> Vec<Message>;
}

impl<T: ToMessage> ToMessages for [T] {
    fn to_messages(&self) -> Vec<Message> {
        self.iter().map(ToMessage::to_message).collect()
    }
}

impl<T: ToMessage> ToMessages for Vec<T> {
    fn to_messages(&self) -> Vec<Message> {
        self.as_slice().to_messages()
    }
}

impl<T: ToMessages> ToMessages for Option<T> {
    fn to_messages(&self) -> Vec<Message> {
        self.as_ref()
            .map(ToMessages::to_messages)
            .unwrap_or_default()
    }
}

impl<T: ToMessages + ?Sized> ToMessages for &T {
    fn to_messages(&self) -> Vec<Message> {
        (**self).to_messages()
    }
}

impl ToMessages for Message {
    fn to_messages(&self) -> Vec<Message> {
        vec![self.clone()]
    }
}
