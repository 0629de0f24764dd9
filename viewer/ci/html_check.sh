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
  # --virtual-time-budget lets timers and image errors fire before the DOM is dumped.
  timeout 120 chromium --headless --no-sandbox --disable-gpu --disable-background-networking \
    --disable-component-update --disable-sync --no-first-run --user-data-dir="$work/profile-$2" \
    --virtual-time-budget=3000 --dump-dom "$1" 2>"$work/chromium-$2.log"
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
# Hostile text in every field a user can see (span names, attributes, status messages, event
# names and attributes, the resource): script and HTML payloads must stay text and run nothing.
mapfile -t hostile < <("$bin/hostile_store" "$work/hostile.db")
[ "${#hostile[@]}" -eq 2 ] || fail "hostile_store printed no ids"
AGENTRACE_STORE="$work/hostile.db" "$bin/agentrace_cli" export --format html \
  --output "$work/hostile.html" "${hostile[0]}"
render "file://$work/hostile.html" hostile >"$work/hostile-dom.html" || fail "chromium failed"
render "file://$work/hostile.html#span=${hostile[1]}" hostile-clicked >"$work/hostile-clicked.html" \
  || fail "chromium failed"
for dom in hostile-dom hostile-clicked; do
  file="$work/$dom.html"
  grep -aq 'data-pwned' "$file" && fail "a payload ran in $dom"
  # An element made from the payload is serialized with quoted attributes; the payload as
  # text is `&lt;img src=x` on the page and `<img src=x` inside the JSON data block.
  grep -aqi '<img src="x"' "$file" && fail "a payload became an element in $dom"
  [ "$(grep -ao '</script>' "$file" | wc -l)" -eq 2 ] || fail "a payload closed or added a script in $dom"
  grep -aq 'invoke_agent evil' "$file" || fail "the hostile span is not shown in $dom"
done
hostile_rows=$(grep -ao '<div class="row" data-span-id="[0-9a-f]*"' "$work/hostile-dom.html" | wc -l)
[ "$hostile_rows" -eq 2 ] || fail "expected 2 rows for the hostile trace, found $hostile_rows"
grep -aq '&lt;img src=x onerror=' "$work/hostile-dom.html" || fail "the payload is not shown as text"
grep -aq 'class="row selected"' "$work/hostile-clicked.html" || fail "the hostile span was not selected"
# The opened span's fields, read as one text (the payload's NUL removed: grep -z splits on it).
tr -d '\000' <"$work/hostile-clicked.html" >"$work/clicked.txt"
grep -aqz '<td>output.value</td><td><pre>output [^<]*&lt;/script&gt;&lt;script&gt;' "$work/clicked.txt" \
  || fail "the hostile attribute is not shown as text"
grep -aqz '<td>event 1: exception [^<]*</td><td><pre>{[^<]*event message [^<]*&lt;img src=x' "$work/clicked.txt" \
  || fail "the hostile event is not shown as text"
grep -aqz '<td>status</td><td><pre>ERROR: model failed [^<]*&lt;img src=x' "$work/clicked.txt" \
  || fail "the hostile status message is not shown as text"

# Rewards: the Agent Lightning example's spans in a store of their own; its reward span's row
# carries the reward mark.
AGENTRACE_STORE="$work/agl.db" OTEL_TRACES_EXPORTER=store "$bin/examples/agl_agent" \
  ro-html at-1 ro-html-2 at-1 >/dev/null
AGENTRACE_STORE="$work/agl.db" "$bin/agentrace_cli" export --format html --output "$work/agl.html" ro-html
render "file://$work/agl.html" agl >"$work/agl-dom.html" || fail "chromium failed"
grep -q '<span class="name">agentlightning.annotation</span><span class="kind">internal</span><span class="reward">reward 1</span>' \
  "$work/agl-dom.html" || fail "the reward span has no reward mark"
[ "$(grep -o '<span class="reward">' "$work/agl-dom.html" | wc -l)" -eq 1 ] || fail "a span other than the reward is marked"

echo "html check ok: $rows rows rendered for $(echo "$ids" | wc -l) traces, attributes shown on click"
