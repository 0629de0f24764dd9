//! A local OpenAI-compatible server for the integration tests and the `openai_agent`
//! example: `POST /v1/chat/completions` with plain answers, tool calls, SSE streaming (usage
//! in the last chunk) and an error status, on 127.0.0.1 only.
//!
//! What it answers, from the request alone:
//!
//! - model `error-model`: status 400 with an OpenAI error body;
//! - tools offered and no tool result yet: a call of the first tool with
//!   `{"city":"Paris"}` (finish reason `tool_calls`);
//! - otherwise: the text `It is sunny in Paris.` (finish reason `stop`).
//!
//! Usage is 21 input tokens, and 7 output tokens for a tool call or 9 for text. With
//! `"stream": true` the same answer comes as `chat.completion.chunk` events, the text or the
//! tool call's arguments in pieces, then a last chunk with no choices and the usage, then
//! `[DONE]`.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use serde_json::{json, Value};

/// The model whose requests fail with status 400.
pub const ERROR_MODEL: &str = "error-model";
/// The text of a plain answer.
pub const ANSWER: &str = "It is sunny in Paris.";
/// Input tokens of every answer.
pub const INPUT_TOKENS: i64 = 21;
/// Output tokens of a tool call.
pub const TOOL_CALL_OUTPUT_TOKENS: i64 = 7;
/// Output tokens of a text answer.
pub const TEXT_OUTPUT_TOKENS: i64 = 9;

/// A running server; stopped when dropped.
pub struct MockOpenAi {
    /// `http://127.0.0.1:{port}/v1`: the base URL clients are given.
    pub base_url: String,
    requests: Arc<Mutex<Vec<Value>>>,
    task: tokio::task::JoinHandle<()>,
}

impl MockOpenAi {
    /// Starts the server on a free port of 127.0.0.1, on the current tokio runtime.
    pub async fn start() -> std::io::Result<Self> {
        Self::start_on(SocketAddr::from(([127, 0, 0, 1], 0))).await
    }

    /// Starts the server on `addr` (a loopback address).
    pub async fn start_on(addr: SocketAddr) -> std::io::Result<Self> {
        let requests = Arc::new(Mutex::new(Vec::new()));
        let app = Router::new()
            .route("/v1/chat/completions", post(chat))
            .with_state(requests.clone());
        let listener = tokio::net::TcpListener::bind(addr).await?;
        let base_url = format!("http://{}/v1", listener.local_addr()?);
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Ok(MockOpenAi {
            base_url,
            requests,
            task,
        })
    }

    /// The JSON bodies of the requests received so far.
    pub fn requests(&self) -> Vec<Value> {
        self.requests.lock().map(|r| r.clone()).unwrap_or_default()
    }
}

impl Drop for MockOpenAi {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn chat(State(requests): State<Arc<Mutex<Vec<Value>>>>, Json(body): Json<Value>) -> Response {
    if let Ok(mut requests) = requests.lock() {
        requests.push(body.clone());
    }
    let model = body["model"].as_str().unwrap_or("unknown").to_owned();
    if model == ERROR_MODEL {
        let error = json!({"error": {
            "message": format!("The model `{model}` does not exist"),
            "type": "invalid_request_error", "param": "model", "code": "model_not_found"
        }});
        return (StatusCode::BAD_REQUEST, Json(error)).into_response();
    }
    let answered = body["messages"]
        .as_array()
        .is_some_and(|messages| messages.iter().any(|m| m["role"] == "tool"));
    let tool = body["tools"]
        .as_array()
        .and_then(|tools| tools.first())
        .and_then(|tool| tool["function"]["name"].as_str())
        .filter(|_| !answered)
        .map(str::to_owned);
    if body["stream"].as_bool() == Some(true) {
        stream(&model, tool.as_deref())
    } else {
        Json(complete(&model, tool.as_deref())).into_response()
    }
}

fn usage(tool: Option<&str>) -> Value {
    let output = if tool.is_some() {
        TOOL_CALL_OUTPUT_TOKENS
    } else {
        TEXT_OUTPUT_TOKENS
    };
    json!({"prompt_tokens": INPUT_TOKENS, "completion_tokens": output,
           "total_tokens": INPUT_TOKENS + output})
}

fn complete(model: &str, tool: Option<&str>) -> Value {
    let (message, finish) = match tool {
        Some(name) => (
            json!({"role": "assistant", "content": null, "tool_calls": [{
                "id": "call_1", "type": "function",
                "function": {"name": name, "arguments": "{\"city\":\"Paris\"}"}
            }]}),
            "tool_calls",
        ),
        None => (json!({"role": "assistant", "content": ANSWER}), "stop"),
    };
    json!({
        "id": "chatcmpl-mock", "object": "chat.completion", "created": 1_700_000_000,
        "model": model,
        "choices": [{"index": 0, "message": message, "finish_reason": finish, "logprobs": null}],
        "usage": usage(tool),
    })
}

fn stream(model: &str, tool: Option<&str>) -> Response {
    let chunk = |delta: Value, finish: Option<&str>| {
        json!({
            "id": "chatcmpl-mock", "object": "chat.completion.chunk", "created": 1_700_000_000,
            "model": model,
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish, "logprobs": null}],
        })
    };
    let mut chunks = vec![chunk(json!({"role": "assistant", "content": ""}), None)];
    match tool {
        Some(name) => {
            chunks.push(chunk(
                json!({"tool_calls": [{"index": 0, "id": "call_1", "type": "function",
                    "function": {"name": name, "arguments": ""}}]}),
                None,
            ));
            for piece in ["{\"city\":", "\"Paris\"}"] {
                chunks.push(chunk(
                    json!({"tool_calls": [{"index": 0, "function": {"arguments": piece}}]}),
                    None,
                ));
            }
            chunks.push(chunk(json!({}), Some("tool_calls")));
        }
        None => {
            for piece in ["It is ", "sunny in Paris."] {
                chunks.push(chunk(json!({"content": piece}), None));
            }
            chunks.push(chunk(json!({}), Some("stop")));
        }
    }
    chunks.push(json!({
        "id": "chatcmpl-mock", "object": "chat.completion.chunk", "created": 1_700_000_000,
        "model": model, "choices": [], "usage": usage(tool),
    }));
    let mut body = String::new();
    for chunk in chunks {
        body.push_str(&format!("data: {chunk}\n\n"));
    }
    body.push_str("data: [DONE]\n\n");
    ([(header::CONTENT_TYPE, "text/event-stream")], body).into_response()
}
