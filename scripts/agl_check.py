#!/usr/bin/env python3
"""Agent Lightning trains on agentrace traces, unchanged: run by `.ci/run` against a real
`agl store` (agentlightning 0.3.0), with the Python of the venv that holds it.

1. Creates two rollouts in the store through Agent Lightning's own client (the store accepts
   spans only for rollouts and attempts it knows).
2. Runs the Rust agent (`examples/agl_agent.rs`) with their ids; it exports over OTLP/HTTP
   to the store's /v1/traces (`AGENTRACE_AGENT_LIGHTNING`).
3. Reads each rollout back through the client: every span in its own rollout and attempt,
   each with its parent among them; runs `TracerTraceToTriplet(llm_call_match=r"^chat ")`:
   one triplet per rollout with prompt and response token ids, text and the reward, and
   `agent_match` finding the agent (and a wrong `agent_match` finding nothing).
4. Runs the agent again into agentrace's own SQLite store and checks
   `agentrace export --format agentlightning` with the real pydantic `Span` model, and that
   `agentrace export --format triplets` gives what the adapter gives on those spans.

Usage: agl_check.py --store URL --agent PATH --cli PATH --work DIR
"""

import argparse
import asyncio
import json
import os
import subprocess
import sys

os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")

from agentlightning import TracerTraceToTriplet  # noqa: E402
from agentlightning.store.client_server import LightningStoreClient  # noqa: E402
from agentlightning.types import Span  # noqa: E402


def fail(message):
    print(f"agl check FAILED: {message}", file=sys.stderr)
    sys.exit(1)


def expect(condition, message):
    if not condition:
        fail(message)


def tokenize(text):
    """The agent's mock tokenizer: one id per word, its length * 1000 + its first byte."""
    return [len(word) * 1000 + ord(word[0]) for word in text.split()]


QUESTIONS = ["what is 2 + 2?", "2 + 2, briefly?"]
ANSWERS = ["two plus two is 4", "two plus two is four"]
REWARDS = [1.0, 0.5]


def run_agent(agent, ids, env):
    result = subprocess.run([agent, *ids], env={**os.environ, **env}, capture_output=True, text=True, timeout=120)
    print(result.stdout, end="")
    if result.returncode != 0:
        fail(f"the agent exited with {result.returncode}: {result.stderr}")
    return result.stdout


def check_rollout(spans, rollout_id, attempt_id, index):
    names = sorted(span.name for span in spans)
    expected = ["chat mock-tutor", "execute_tool check", "invoke_agent math-tutor", "agentlightning.annotation"]
    if index == 1:
        expected += ["agentlightning.message"]
    expect(names == sorted(expected), f"rollout {index + 1}: spans {names}, expected {sorted(expected)}")
    ids = {span.span_id for span in spans}
    for span in spans:
        expect(span.rollout_id == rollout_id and span.attempt_id == attempt_id,
               f"span {span.name} filed under {span.rollout_id}/{span.attempt_id}")
        expect(span.attributes.get("agentlightning.rollout_id") == rollout_id, f"{span.name}: no rollout id attribute")
        if span.name == "invoke_agent math-tutor":
            expect(span.parent_id is None, "the agent span is not the root")
        else:
            expect(span.parent_id in ids, f"{span.name}: its parent {span.parent_id} is not in the rollout")
    agent = next(span for span in spans if span.name == "invoke_agent math-tutor")
    expect(agent.attributes.get("agent.name") == "math-tutor", "no agent.name on the agent span")

    triplets = TracerTraceToTriplet(llm_call_match=r"^chat ").adapt(spans)
    expect(len(triplets) == 1, f"rollout {index + 1}: {len(triplets)} triplets, expected 1")
    triplet = triplets[0]
    expect(triplet.prompt["token_ids"] == tokenize(QUESTIONS[index]),
           f"prompt token ids {triplet.prompt['token_ids']}, expected {tokenize(QUESTIONS[index])}")
    expect(triplet.response["token_ids"] == tokenize(ANSWERS[index]),
           f"response token ids {triplet.response['token_ids']}, expected {tokenize(ANSWERS[index])}")
    prompt = triplet.prompt["raw_content"]
    expect(isinstance(prompt, list) and prompt[-1] == {"role": "user", "content": QUESTIONS[index]},
           f"prompt text {prompt}")
    completion = triplet.response["raw_content"]
    expect(isinstance(completion, list) and completion[0] == {"role": "assistant", "content": ANSWERS[index]},
           f"completion text {completion}")
    expect(triplet.reward == REWARDS[index], f"reward {triplet.reward}, expected {REWARDS[index]}")
    expect(triplet.metadata["agent_name"] == "math-tutor", f"agent {triplet.metadata['agent_name']}")
    if index == 0:
        expect(triplet.response.get("logprobs") == [{"logprob": -0.25}] * 5, f"logprobs {triplet.response.get('logprobs')}")

    matched = TracerTraceToTriplet(llm_call_match=r"^chat ", agent_match=r"^math-tutor$").adapt(spans)
    expect(len(matched) == 1 and matched[0].metadata["agent_name"] == "math-tutor", "agent_match did not find the agent")
    unmatched = TracerTraceToTriplet(llm_call_match=r"^chat ", agent_match=r"^someone-else$").adapt(spans)
    expect(unmatched == [], "agent_match of another agent found calls")
    return triplets


def wait_for_store(url, seconds=180):
    """The store imports for a while before it listens: wait for its health endpoint."""
    import time
    import urllib.request

    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(f"{url}/v1/agl/health", timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        if time.monotonic() > deadline:
            fail(f"the store at {url} did not answer within {seconds} s")
        time.sleep(0.5)


async def check_store(args):
    wait_for_store(args.store)
    client = LightningStoreClient(args.store)
    try:
        rollouts = [await client.start_rollout(input={"question": q}) for q in QUESTIONS]
        ids = []
        for rollout in rollouts:
            ids += [rollout.rollout_id, rollout.attempt.attempt_id]
        run_agent(args.agent, ids, {"AGENTRACE_AGENT_LIGHTNING": args.store})
        seen = set()
        for index, rollout in enumerate(rollouts):
            spans = list(await client.query_spans(rollout.rollout_id, rollout.attempt.attempt_id))
            check_rollout(spans, rollout.rollout_id, rollout.attempt.attempt_id, index)
            span_ids = {span.span_id for span in spans}
            expect(not (span_ids & seen), "a span is in two rollouts")
            seen |= span_ids
            print(f"rollout {rollout.rollout_id}: {len(spans)} spans, triplet ok")
    finally:
        await client.close()


def check_exports(args):
    db = os.path.join(args.work, "agl-traces.db")
    if os.path.exists(db):
        os.remove(db)
    env = {"AGENTRACE_STORE": db, "OTEL_TRACES_EXPORTER": "store"}
    run_agent(args.agent, ["ro-local-1", "at-1", "ro-local-2", "at-1"], env)
    for index, rollout in enumerate(["ro-local-1", "ro-local-2"]):
        exported = subprocess.run([args.cli, "--db", db, "export", "--format", "agentlightning", rollout],
                                  capture_output=True, text=True, check=True).stdout
        spans = [Span.model_validate(json.loads(line)) for line in exported.splitlines()]
        expect(len(spans) == 4 + index, f"{rollout}: {len(spans)} exported spans, expected {4 + index}")
        for span in spans:
            expect(isinstance(span.start_time, float) and span.context is not None, f"{span.name}: times or context")
            expect(span.resource.schema_url is not None, "no schema url")
            expect((span.parent is None) == (span.parent_id is None), f"{span.name}: parent context")
        ours = subprocess.run([args.cli, "--db", db, "export", "--format", "triplets", rollout],
                              capture_output=True, text=True, check=True).stdout
        ours = [json.loads(line) for line in ours.splitlines()]
        theirs = TracerTraceToTriplet(llm_call_match=r"^chat ").adapt(spans)
        expect(len(ours) == len(theirs) == 1, f"{rollout}: {len(ours)} triplets from agentrace, {len(theirs)} from the adapter")
        for mine, their in zip(ours, theirs):
            for side in ("prompt", "response"):
                expect(mine[side]["token_ids"] == their.__getattribute__(side)["token_ids"], f"{rollout}: {side} token ids differ")
                # Without the preset there are no flattened gen_ai.prompt/completion attributes:
                # the adapter has no text, agentrace reads it from the GenAI messages.
                their_text = their.__getattribute__(side)["raw_content"]
                expect(their_text is None or mine[side]["raw_content"] == their_text, f"{rollout}: {side} text differs")
                expect(bool(mine[side]["raw_content"]), f"{rollout}: no {side} text")
            expect(mine["reward"] == their.reward == REWARDS[index], f"{rollout}: rewards {mine['reward']} / {their.reward}")
            expect(mine["metadata"]["response_id"] == their.metadata["response_id"], f"{rollout}: response ids differ")
        print(f"{rollout}: export validates as Agent Lightning's Span; triplets match its adapter")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--store", required=True)
    parser.add_argument("--agent", required=True)
    parser.add_argument("--cli", required=True)
    parser.add_argument("--work", required=True)
    args = parser.parse_args()
    asyncio.run(check_store(args))
    check_exports(args)
    print("agl check ok")


if __name__ == "__main__":
    main()
