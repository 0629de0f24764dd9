#!/usr/bin/env bash
# Renders `agentrace export --format html` in headless Chromium and checks the rendered page:
# one waterfall row per span, the span names, the bar kinds, and a span's attributes opened
# the way a click opens them (through the page's #span= link). Run by .ci/run; needs
# Debian's `chromium`. Not a cargo test, so that a missing browser can never pass silently.
set -euo pipefail
cd "$(dirname "$0")/../.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

fail() { echo "html check FAILED: $*" >&2; exit 1; }
command -v chromium >/dev/null || fail "chromium is not installed"

# The binaries of the README's test command (`cargo test --workspace --all-features`): after
# that command this build does nothing, where `cargo run` of each would compile the dependency
# tree again with other features. `agentrace_cli` is the `agentrace` command's code
# (`agentrace_viewer::main_with`) built in the tests crate.
cargo test -q --workspace --all-features --no-run >"$work/build.log" 2>&1 \
  || { cat "$work/build.log" >&2; fail "the test binaries did not build"; }
bin="${CARGO_TARGET_DIR:-target}/debug"
agentrace() { "$bin/agentrace_cli" "$@"; }

export AGENTRACE_STORE="$work/traces.db"
ids=$("$bin/fill_store")
chat_span=$(agentrace export --format json rollout-1 \
  | grep -B4 '"name": "chat tiny-1"' | grep -m1 '"span_id"' | sed 's/.*"span_id": "\([0-9a-f]*\)".*/\1/')
[ -n "$chat_span" ] || fail "no chat span in the export"
agentrace export --format html --output "$work/trace.html" rollout-1

render() {
  timeout 120 chromium --headless --no-sandbox --disable-gpu --disable-background-networking \
    --disable-component-update --disable-sync --no-first-run --user-data-dir="$work/profile-$2" \
    --dump-dom "$1" 2>"$work/chromium-$2.log"
}
render "file://$work/trace.html" plain >"$work/dom.html" || { cat "$work/chromium-plain.log" >&2; fail "chromium failed"; }
render "file://$work/trace.html#span=$chat_span" clicked >"$work/clicked.html" || fail "chromium failed"

rows=$(grep -o '<div class="row" data-span-id="[0-9a-f]*"' "$work/dom.html" | wc -l)
[ "$rows" -eq 7 ] || fail "expected 7 rendered rows (two attempts of rollout-1), found $rows"
for name in "invoke_agent assistant" "chat tiny-1" "execute_tool weather" "stream reply"; do
  grep -q "<span class=\"name\">$name</span>" "$work/dom.html" || fail "no row named $name"
done
clients=$(grep -o '<div class="bar client"' "$work/dom.html" | wc -l)
[ "$clients" -eq 2 ] || fail "expected 2 client (model) bars, found $clients"
errors=$(grep -o '<div class="bar internal error"' "$work/dom.html" | wc -l)
[ "$errors" -eq 2 ] || fail "expected 2 error bars (failed tool and agent), found $errors"
grep -q 'class="row selected"' "$work/clicked.html" || fail "the linked span was not selected"
grep -q '<td>gen_ai.request.model</td><td><pre>tiny-1</pre></td>' "$work/clicked.html" \
  || fail "the linked span's attributes are not shown"
echo "html check ok: $rows rows rendered for $(echo "$ids" | wc -l) traces, attributes shown on click"
