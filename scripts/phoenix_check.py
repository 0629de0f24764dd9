#!/usr/bin/env python3
"""Reads the trace of examples/phoenix_agent.rs (or, with --quickstart, of examples/quickstart.rs) back from Arize Phoenix's REST API and checks
it: span kinds (AGENT, LLM, TOOL), parent links, token counts and the failed tool's status.

    phoenix_check.py --base http://127.0.0.1:6006 --project NAME [--timeout 90]
    phoenix_check.py --base https://127.0.0.1:6006 --ca ca.pem [--cert client.pem --key client-key.pem] ...

Over https it trusts the CA file given (and presents the client certificate when Phoenix
verifies clients).

Ingestion is asynchronous, so it polls until the four spans are there or the timeout passes,
then fails with a message saying what is missing or wrong. Standard library only.
"""
import argparse
import json
import ssl
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


TLS = None  # the ssl context for an https base, set from the arguments


def fetch(base, project):
    url = f"{base}/v1/projects/{urllib.parse.quote(project)}/spans?limit=100"
    try:
        with urllib.request.urlopen(url, timeout=10, context=TLS) as response:
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


QS_AGENT = "invoke_agent weather-assistant"
QS_LLM = "chat mock-small"
QS_TOOL = "execute_tool weather"


def check_quickstart(spans):
    """The trace of examples/quickstart.rs: two agent turns, each with a planning LLM call
    (12 prompt and 5 completion tokens), a weather tool call and a streamed reply; the
    second turn's tool fails. Returns a list of problems (empty when all is well)."""
    problems = []
    by_name = {}
    for span in spans:
        by_name.setdefault(span["name"], []).append(span)
    counts = {QS_AGENT: 2, QS_LLM: 4, QS_TOOL: 2}
    for name, count in counts.items():
        if len(by_name.get(name, [])) != count:
            problems.append(f"expected {count} spans named {name!r}, found {len(by_name.get(name, []))}")
    if problems:
        return problems
    kinds = {QS_AGENT: "AGENT", QS_LLM: "LLM", QS_TOOL: "TOOL"}
    agents = {agent["context"]["span_id"]: agent for agent in by_name[QS_AGENT]}
    for agent in agents.values():
        if agent.get("parent_id") is not None:
            problems.append(f"{QS_AGENT}: expected a root span, parent_id is {agent.get('parent_id')!r}")
    for name, kind in kinds.items():
        for span in by_name[name]:
            if span.get("span_kind") != kind:
                problems.append(f"{name}: span_kind {span.get('span_kind')!r}, expected {kind!r}")
            if name != QS_AGENT:
                parent = agents.get(span.get("parent_id"))
                if parent is None:
                    problems.append(f"{name}: parent_id {span.get('parent_id')!r} is no agent span")
                elif parent["context"]["trace_id"] != span["context"]["trace_id"]:
                    problems.append(f"{name}: in another trace than its agent")
    planned = [span for span in by_name[QS_LLM] if span.get("attributes", {}).get("llm.token_count.prompt") is not None]
    if len(planned) != 2:
        problems.append(f"{QS_LLM}: expected 2 spans with token counts, found {len(planned)}")
    for span in planned:
        attributes = span.get("attributes", {})
        for key, value in {"llm.token_count.prompt": 12, "llm.token_count.completion": 5, "llm.token_count.total": 17}.items():
            if attributes.get(key) != value:
                problems.append(f"{QS_LLM}: {key} is {attributes.get(key)!r}, expected {value}")
    statuses = sorted(span.get("status_code") for span in by_name[QS_TOOL])
    if statuses != ["ERROR", "OK"]:
        problems.append(f"{QS_TOOL}: status codes {statuses}, expected one ERROR and one OK")
    failed = [span for span in by_name[QS_TOOL] if span.get("status_code") == "ERROR"]
    if failed and "no weather station in Atlantis" not in (failed[0].get("status_message") or ""):
        problems.append(f"{QS_TOOL}: status_message {failed[0].get('status_message')!r}")
    return problems


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="http://127.0.0.1:6006")
    parser.add_argument("--project", required=True)
    parser.add_argument("--timeout", type=float, default=90.0)
    parser.add_argument("--quickstart", action="store_true",
                        help="check the trace of examples/quickstart.rs instead of examples/phoenix_agent.rs")
    parser.add_argument("--ca", help="CA file to trust for an https base")
    parser.add_argument("--cert", help="client certificate, when Phoenix verifies clients")
    parser.add_argument("--key", help="the client certificate's key")
    args = parser.parse_args()
    global TLS
    if args.base.startswith("https://"):
        TLS = ssl.create_default_context(cafile=args.ca)
        if args.cert:
            TLS.load_cert_chain(args.cert, args.key)
    checker = check_quickstart if args.quickstart else check
    deadline = time.monotonic() + args.timeout
    while True:
        spans, error = fetch(args.base, args.project)
        problems = checker(spans) if spans else [error or "no spans yet"]
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
