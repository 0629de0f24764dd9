//! `agentrace export --format triplets`: the (prompt, response, token ids, reward) triplets of
//! each attempt, one JSON line each, found with the rules of Agent Lightning's
//! `TracerTraceToTriplet` adapter (version 0.3) with its defaults: the span tree (a virtual
//! root over several roots) with its hierarchy repaired, LLM calls by a regular expression
//! on span names (`^chat ` here) inside agent subtrees, none under a reward span, nested or
//! repeated calls (same `gen_ai.response.id`) counted once, and each reward given to the
//! latest call that ended before it started (`first_occurrence`).
//!
//! Two additions for spans written without the Agent Lightning preset: the agent is read
//! from `gen_ai.agent.name` when `agent.name` is absent, and the prompt and response text
//! from `gen_ai.input.messages` / `gen_ai.output.messages` when the flattened
//! `gen_ai.prompt.*` / `gen_ai.completion.*` are absent.

use std::collections::{HashMap, HashSet};

use agentrace_store::SpanRecord;
use regex::Regex;
use serde_json::{json, Map, Value};

/// The name of Agent Lightning's reward (annotation) spans.
pub(crate) const REWARD_SPAN_NAME: &str = "agentlightning.annotation";

/// The default LLM call pattern: agentrace names an LLM span `chat {model}`.
pub const DEFAULT_LLM_CALL_MATCH: &str = "^chat ";

/// Which LLM calls and agents to take.
#[derive(Clone, Debug)]
pub(crate) struct Matching {
    pub(crate) llm_call: Regex,
    pub(crate) agent: Option<Regex>,
}

/// One node of the span tree: a span, or a virtual node for a parent not among the spans.
struct Node<'a> {
    span: Option<&'a SpanRecord>,
    start: u64,
    end: u64,
    children: Vec<usize>,
}

struct Tree<'a> {
    nodes: Vec<Node<'a>>,
    root: usize,
}

/// The triplets of `spans` (any number of rollouts and attempts), as JSON lines.
pub(crate) fn triplets(spans: &[SpanRecord], matching: &Matching) -> serde_json::Result<String> {
    let mut groups: Vec<(&Option<String>, &Option<String>, Vec<SpanRecord>)> = Vec::new();
    for span in spans {
        match groups
            .iter_mut()
            .find(|(r, a, _)| **r == span.rollout_id && **a == span.attempt_id)
        {
            Some((_, _, group)) => group.push(span.clone()),
            None => groups.push((&span.rollout_id, &span.attempt_id, vec![span.clone()])),
        }
    }
    let mut out = String::new();
    for (rollout, attempt, group) in groups {
        for mut triplet in attempt_triplets(&group, matching) {
            triplet["metadata"]["rollout_id"] = json!(rollout);
            triplet["metadata"]["attempt_id"] = json!(attempt);
            out.push_str(&serde_json::to_string(&triplet)?);
            out.push('\n');
        }
    }
    Ok(out)
}

/// The triplets of one attempt's spans, in call order.
pub(crate) fn attempt_triplets(spans: &[SpanRecord], matching: &Matching) -> Vec<Value> {
    if spans.is_empty() {
        return Vec::new();
    }
    let mut tree = Tree::from_spans(spans);
    tree.repair_hierarchy(tree.root);
    let mut calls = Vec::new();
    let mut seen = HashSet::new();
    let start_subtree = if matching.agent.is_none() {
        Some("*".to_owned())
    } else {
        None
    };
    tree.find_llm_calls(
        tree.root,
        matching,
        start_subtree,
        false,
        false,
        &mut seen,
        &mut calls,
    );
    let rewards = tree.match_rewards(&calls.iter().map(|(n, _)| *n).collect::<Vec<_>>());
    calls
        .iter()
        .map(|(node, agent)| {
            let span = tree.nodes[*node].span.expect("LLM calls are spans");
            let mut triplet = span_to_triplet(span, agent);
            triplet["reward"] = json!(rewards.get(node));
            triplet
        })
        .collect()
}

impl<'a> Tree<'a> {
    /// Agent Lightning's `TraceTree.from_spans`.
    fn from_spans(spans: &'a [SpanRecord]) -> Self {
        let mut nodes: Vec<Node<'a>> = Vec::new();
        let mut index: HashMap<&str, usize> = HashMap::new();
        for span in spans {
            index.insert(&span.span_id, nodes.len());
            nodes.push(Node {
                span: Some(span),
                start: span.start_time,
                end: span.end_time,
                children: Vec::new(),
            });
        }
        let mut roots = Vec::new();
        let mut missing: Vec<&str> = Vec::new();
        for (i, span) in spans.iter().enumerate() {
            match span.parent_id.as_deref() {
                None => roots.push(i),
                Some(parent) => {
                    let parent_index = match index.get(parent) {
                        Some(p) => *p,
                        None => {
                            index.insert(parent, nodes.len());
                            missing.push(parent);
                            nodes.push(Node {
                                span: None,
                                start: u64::MAX,
                                end: 0,
                                children: Vec::new(),
                            });
                            nodes.len() - 1
                        }
                    };
                    nodes[parent_index].children.push(i);
                }
            }
        }
        for parent in missing {
            let virtual_node = index[parent];
            let (start, end) = nodes[virtual_node]
                .children
                .iter()
                .fold((u64::MAX, 0), |(s, e), c| {
                    (s.min(nodes[*c].start), e.max(nodes[*c].end))
                });
            nodes[virtual_node].start = start;
            nodes[virtual_node].end = end;
            roots.push(virtual_node);
        }
        let root = if roots.len() == 1 {
            roots[0]
        } else {
            let (start, end) = (nodes[roots[0]].start, nodes[roots[roots.len() - 1]].end);
            nodes.push(Node {
                span: None,
                start,
                end,
                children: roots,
            });
            nodes.len() - 1
        };
        Tree { nodes, root }
    }

    /// Depth-first, parent before children.
    fn traverse(&self, from: usize) -> Vec<usize> {
        let mut out = Vec::new();
        let mut stack = vec![from];
        while let Some(node) = stack.pop() {
            out.push(node);
            stack.extend(self.nodes[node].children.iter().rev());
        }
        out
    }

    /// Agent Lightning's `TraceTree.repair_hierarchy`: a child of `node` moves under the
    /// smallest other span that strictly envelops it in time.
    fn repair_hierarchy(&mut self, node: usize) {
        if self.nodes[node].children.len() == 1 {
            let only = self.nodes[node].children[0];
            self.repair_hierarchy(only);
            return;
        }
        for repair in self.nodes[node].children.clone() {
            if self.nodes[node].children.len() == 1 {
                break;
            }
            let (start, end) = (
                self.nodes[repair].start as i128,
                self.nodes[repair].end as i128,
            );
            let mut closest = None;
            let mut closest_delta = i128::MAX;
            for candidate in self.traverse(node) {
                if candidate == repair || candidate == node {
                    continue;
                }
                let (cs, ce) = (
                    self.nodes[candidate].start as i128,
                    self.nodes[candidate].end as i128,
                );
                if cs <= start && ce >= end {
                    let delta = ce - end + start - cs;
                    if delta > 0 && delta < closest_delta {
                        closest_delta = delta;
                        closest = Some(candidate);
                    }
                }
            }
            if let Some(parent) = closest {
                self.nodes[node].children.retain(|c| *c != repair);
                self.nodes[parent].children.push(repair);
            }
        }
    }

    /// Agent Lightning's `TraceTree.find_llm_calls` with `to_trajectory`'s defaults
    /// (`within_reward` and `within_llm_call` start `False`).
    #[allow(clippy::too_many_arguments)]
    fn find_llm_calls(
        &self,
        node: usize,
        matching: &Matching,
        mut subtree: Option<String>,
        mut within_reward: bool,
        mut within_llm_call: bool,
        seen: &mut HashSet<String>,
        calls: &mut Vec<(usize, String)>,
    ) {
        let span = self.nodes[node].span;
        let name = span.map_or("", |s| s.name.as_str());
        let mut is_call = subtree.is_some() && !within_reward && matching.llm_call.is_match(name);
        if is_call {
            let response_id = span.and_then(|s| s.attr_str("gen_ai.response.id"));
            if response_id.is_none() && within_llm_call {
                is_call = false;
            }
            if response_id.is_some_and(|id| seen.contains(id)) {
                is_call = false;
            }
            if is_call {
                calls.push((node, subtree.clone().unwrap_or_default()));
                if let Some(id) = response_id {
                    seen.insert(id.to_owned());
                }
                within_llm_call = true;
            }
        }
        if let Some(agent) = span.and_then(agent_name) {
            subtree = match &matching.agent {
                Some(pattern) if !pattern.is_match(agent) => None,
                _ => Some(agent.to_owned()),
            };
        }
        if span.is_some_and(|s| reward_value(s).is_some()) {
            within_reward = true;
        }
        for child in &self.nodes[node].children {
            self.find_llm_calls(
                *child,
                matching,
                subtree.clone(),
                within_reward,
                within_llm_call,
                seen,
                calls,
            );
        }
    }

    /// Agent Lightning's `match_rewards` with `first_occurrence`: in start order, each reward
    /// goes to the latest call not yet rewarded that ended before the reward started.
    fn match_rewards(&self, calls: &[usize]) -> HashMap<usize, f64> {
        let mut order = self.traverse(self.root);
        order.sort_by_key(|n| self.nodes[*n].start); // stable, as Python's sorted
        let mut assign_to: Vec<(usize, u64)> = Vec::new();
        let mut rewards = HashMap::new();
        for node in order {
            if calls.contains(&node) {
                assign_to.push((node, self.nodes[node].end));
            }
            let Some(value) = self.nodes[node].span.and_then(reward_value) else {
                continue;
            };
            for (call, end) in assign_to.iter().rev() {
                if *end > self.nodes[node].start || rewards.contains_key(call) {
                    continue;
                }
                rewards.insert(*call, value);
                break;
            }
        }
        rewards
    }
}

/// The agent of a span: `agent.name` (what Agent Lightning reads), else `gen_ai.agent.name`.
fn agent_name(span: &SpanRecord) -> Option<&str> {
    span.attr_str("agent.name")
        .or_else(|| span.attr_str("gen_ai.agent.name"))
}

/// The primary reward of an `agentlightning.reward.{i}` span: index 0's value.
pub(crate) fn reward_value(span: &SpanRecord) -> Option<f64> {
    span.attr_f64("agentlightning.reward.0.value")
}

/// Every reward dimension of a span, `(name, value)`, the primary first.
pub(crate) fn reward_dimensions(span: &SpanRecord) -> Vec<(String, f64)> {
    (0..)
        .map_while(|i| {
            let value = span.attr_f64(&format!("agentlightning.reward.{i}.value"))?;
            let name = span
                .attr_str(&format!("agentlightning.reward.{i}.name"))
                .unwrap_or_default();
            Some((name.to_owned(), value))
        })
        .collect()
}

fn token_ids(span: &SpanRecord, key: &str) -> Vec<i64> {
    match span.attr(key) {
        Some(Value::Array(items)) => items.iter().map_while(Value::as_i64).collect(),
        _ => Vec::new(),
    }
}

/// Agent Lightning's `span_to_triplet`.
fn span_to_triplet(span: &SpanRecord, agent: &str) -> Value {
    let mut response = json!({
        "token_ids": token_ids(span, "response_token_ids"),
        "raw_content": raw_content(span, "gen_ai.completion", "gen_ai.output.messages"),
    });
    if let Some(logprobs) = span.attr_json("logprobs.content") {
        response["logprobs"] = logprobs;
    }
    json!({
        "prompt": {
            "token_ids": token_ids(span, "prompt_token_ids"),
            "raw_content": raw_content(span, "gen_ai.prompt", "gen_ai.input.messages"),
            "image_urls": [],
        },
        "response": response,
        "reward": null,
        "metadata": {
            "response_id": span.attr_str("gen_ai.response.id"),
            "agent_name": agent,
            "span_id": span.span_id,
        },
    })
}

/// The flattened `{prefix}.{i}.{field}` attributes as a list of objects, else the GenAI
/// messages of `messages_key` as `{role, content}` objects, else `null`.
fn raw_content(span: &SpanRecord, prefix: &str, messages_key: &str) -> Value {
    let mut items: Vec<Map<String, Value>> = Vec::new();
    for (key, value) in &span.attributes {
        let Some(rest) = key.strip_prefix(prefix).and_then(|r| r.strip_prefix('.')) else {
            continue;
        };
        let Some((index, field)) = rest.split_once('.') else {
            continue;
        };
        let Ok(index) = index.parse::<usize>() else {
            continue;
        };
        if items.len() <= index {
            items.resize_with(index + 1, Map::new);
        }
        items[index].insert(field.to_owned(), value.clone());
    }
    if !items.is_empty() {
        return Value::Array(items.into_iter().map(Value::Object).collect());
    }
    let Some(Value::Array(messages)) = span.attr_json(messages_key) else {
        return Value::Null;
    };
    let flattened: Vec<Value> = messages
        .iter()
        .map(|message| {
            let text: String = message["parts"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|part| part["type"] == "text")
                .filter_map(|part| part["content"].as_str())
                .collect();
            json!({ "role": message["role"], "content": text })
        })
        .collect();
    Value::Array(flattened)
}
