#!/usr/bin/env python3
"""Reads the trace of examples/phoenix_agent.rs back from Arize Phoenix's REST API and checks
it: span kinds (AGENT, LLM, TOOL), parent links, token counts and the failed tool's status.

    phoenix_check.py --base http://127.0.0.1:6006 --project NAME [--timeout 90]

Ingestion is asynchronous, so it polls until the four spans are there or the timeout passes,
then fails with a message saying what is missing or wrong. Standard library only.
"""
import argparse
import json
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

AGENT = "invoke_agent weather-assistant"
LLM = "chat mock-small"
TOOL_OK = "execute_tool weather"
TOOL_FAILED = "execute_tool tides"
EXPECTED = [AGENT, LLM, TOOL_OK, TOOL_FAILED]


def fetch(base, project):
    url = f"{base}/v1/projects/{urllib.parse.quote(project)}/spans?limit=100"
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return json.load(response).get("data", []), None
    except urllib.error.HTTPError as error:
        return [], f"HTTP {error.code} from {url}"
    except (urllib.error.URLError, OSError) as error:
        return [], f"{error} from {url}"


def check(spans):
    """Returns a list of problems with the spans (empty when all is well)."""
    problems = []
    by_name = {}
    for span in spans:
        by_name.setdefault(span["name"], []).append(span)
    for name in EXPECTED:
        if len(by_name.get(name, [])) != 1:
            problems.append(f"expected one span named {name!r}, found {len(by_name.get(name, []))}")
    if problems:
        return problems
    agent, llm, ok, failed = (by_name[name][0] for name in EXPECTED)
    kinds = {AGENT: "AGENT", LLM: "LLM", TOOL_OK: "TOOL", TOOL_FAILED: "TOOL"}
    for name, kind in kinds.items():
        got = by_name[name][0].get("span_kind")
        if got != kind:
            problems.append(f"{name}: span_kind {got!r}, expected {kind!r}")
    if agent.get("parent_id") is not None:
        problems.append(f"{AGENT}: expected a root span, parent_id is {agent.get('parent_id')!r}")
    agent_id = agent["context"]["span_id"]
    for child in (llm, ok, failed):
        if child.get("parent_id") != agent_id:
            problems.append(f"{child['name']}: parent_id {child.get('parent_id')!r}, expected the agent's {agent_id!r}")
        if child["context"]["trace_id"] != agent["context"]["trace_id"]:
            problems.append(f"{child['name']}: in another trace")
    tokens = {"llm.token_count.prompt": 21, "llm.token_count.completion": 9, "llm.token_count.total": 30}
    for key, value in tokens.items():
        got = llm.get("attributes", {}).get(key)
        if got != value:
            problems.append(f"{LLM}: {key} is {got!r}, expected {value}")
    if ok.get("status_code") != "OK":
        problems.append(f"{TOOL_OK}: status_code {ok.get('status_code')!r}, expected 'OK'")
    if failed.get("status_code") != "ERROR":
        problems.append(f"{TOOL_FAILED}: status_code {failed.get('status_code')!r}, expected 'ERROR'")
    if "no tide station in Paris" not in (failed.get("status_message") or ""):
        problems.append(f"{TOOL_FAILED}: status_message {failed.get('status_message')!r}")
    return problems


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="http://127.0.0.1:6006")
    parser.add_argument("--project", required=True)
    parser.add_argument("--timeout", type=float, default=90.0)
    args = parser.parse_args()
    deadline = time.monotonic() + args.timeout
    while True:
        spans, error = fetch(args.base, args.project)
        problems = check(spans) if spans else [error or "no spans yet"]
        if not problems:
            print(f"phoenix check ok: project {args.project!r}: AGENT/LLM/TOOL kinds, parent links, "
                  f"token counts and the failed tool's ERROR status as expected")
            return 0
        if time.monotonic() >= deadline:
            print(f"phoenix check FAILED for project {args.project!r} after {args.timeout:.0f} s:", file=sys.stderr)
            for problem in problems:
                print(f"  - {problem}", file=sys.stderr)
            print(f"  spans seen: {sorted(span['name'] for span in spans)}", file=sys.stderr)
            return 1
        time.sleep(1)


if __name__ == "__main__":
    sys.exit(main())
