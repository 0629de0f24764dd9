//! The `agentrace` command on a store filled by the quickstart agent (`fill_store`): the trace
//! list, the span tree (plain in a pipe, coloured on request), the three export formats, store
//! discovery, and one-line errors with a non-zero exit for every bad input.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

const CLI: &str = env!("CARGO_BIN_EXE_agentrace_cli");
const FILL: &str = env!("CARGO_BIN_EXE_fill_store");

/// The filled store, made once: its folder, and the trace ids fill_store printed.
fn filled() -> &'static (PathBuf, Vec<String>) {
    static FILLED: OnceLock<(PathBuf, Vec<String>)> = OnceLock::new();
    FILLED.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("agentrace-viewer-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("project/sub")).unwrap();
        let out = Command::new(FILL)
            .current_dir(dir.join("project"))
            .env_remove("AGENTRACE_STORE")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let ids = String::from_utf8(out.stdout)
            .unwrap()
            .lines()
            .map(|l| l[..32].to_owned())
            .collect();
        (dir, ids)
    })
}

fn db() -> PathBuf {
    filled().0.join("project/.agentrace/traces.db")
}

fn cli(args: &[&str], cwd: Option<&Path>) -> Output {
    let mut command = Command::new(CLI);
    command.args(args).env_remove("AGENTRACE_STORE");
    command.current_dir(cwd.unwrap_or(&filled().0));
    command.output().unwrap()
}

fn ok(args: &[&str]) -> String {
    let db = db();
    let mut all = vec!["--db", db.to_str().unwrap()];
    all.extend_from_slice(args);
    let out = cli(&all, None);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn fails(args: &[&str], cwd: Option<&Path>) -> (i32, String) {
    let out = cli(args, cwd);
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(!out.status.success(), "{args:?} should fail");
    assert_eq!(stderr.lines().count(), 1, "one line: {stderr}");
    assert!(
        stderr.starts_with("agentrace: ") && !stderr.contains("panicked"),
        "{stderr}"
    );
    (out.status.code().unwrap(), stderr)
}

#[test]
fn traces_lists_each_run_with_root_spans_tokens_and_errors() {
    let list = ok(&["traces"]);
    // The table, then a blank line and the store's size and oldest span.
    let lines: Vec<&str> = list.lines().take_while(|line| !line.is_empty()).collect();
    assert_eq!(lines.len(), 4, "{list}");
    assert!(
        list.lines()
            .last()
            .unwrap()
            .contains(" spans, oldest span "),
        "{list}"
    );
    assert!(
        lines[0].starts_with("TRACE") && lines[0].contains("TOKENS IN/OUT"),
        "{list}"
    );
    let failed = lines.iter().find(|l| l.contains(&filled().1[0])).unwrap();
    assert!(
        failed.contains("invoke_agent assistant") && failed.contains("12/7"),
        "{failed}"
    );
    assert!(
        failed.contains(" 3 ") && failed.contains("rollout-1"),
        "{failed}"
    );
    let errors: Vec<&str> = failed.split_whitespace().collect();
    assert_eq!(
        errors[errors.len() - 2],
        "2",
        "tool and agent failed: {failed}"
    );
    let plain = lines.iter().find(|l| l.contains(&filled().1[2])).unwrap();
    assert!(plain.ends_with(" -"), "no rollout: {plain}");
    assert_eq!(
        ok(&["traces", "--limit", "1"])
            .lines()
            .take_while(|line| !line.is_empty())
            .count(),
        2
    );
}

#[test]
fn show_draws_the_tree_with_kinds_models_tokens_and_errors_in_plain_text() {
    let tree = ok(&["show", &filled().1[1]]);
    let lines: Vec<&str> = tree.lines().collect();
    assert!(
        lines[0].starts_with(&format!(
            "trace {}  rollout rollout-1  attempt attempt-2",
            filled().1[1]
        )),
        "{tree}"
    );
    assert!(
        lines[1].starts_with("invoke_agent assistant  [internal]  "),
        "{tree}"
    );
    assert!(
        lines[2].starts_with("├─ chat tiny-1  [client]  ")
            && lines[2].contains("model=tiny-1  tokens=12/7"),
        "{tree}"
    );
    assert!(
        lines[3].starts_with("├─ execute_tool weather  [internal]"),
        "{tree}"
    );
    assert!(
        lines[4].starts_with("└─ stream reply  [internal]"),
        "{tree}"
    );
    assert!(lines[1].contains(" ms"), "durations shown: {tree}");
    assert!(!tree.contains('\x1b'), "no colour in a pipe");
    let failed = ok(&["show", &filled().1[0]]);
    assert!(
        failed.contains("execute_tool weather  [internal]")
            && failed.contains("ERROR[fill_store::ToolError]: no city given"),
        "{failed}"
    );
}

#[test]
fn show_with_a_rollout_id_draws_every_attempt() {
    let rollout = ok(&["show", "rollout-1"]);
    assert_eq!(rollout.matches("trace ").count(), 2, "{rollout}");
    assert!(rollout.contains("attempt attempt-1") && rollout.contains("attempt attempt-2"));
}

#[test]
fn colour_is_used_only_when_asked_for() {
    let db = db();
    let args: Vec<String> = ["--db", db.to_str().unwrap(), "show", "rollout-1"]
        .map(String::from)
        .to_vec();
    let (mut out, mut err) = (Vec::new(), Vec::new());
    assert_eq!(agentrace_viewer::run(&args, &mut out, &mut err, true), 0);
    let coloured = String::from_utf8(out).unwrap();
    assert!(
        coloured.contains("\x1b[31mERROR[fill_store::ToolError]"),
        "{coloured}"
    );
}

#[test]
fn export_json_gives_the_records_in_sequence_order() {
    let json = ok(&["export", "--format", "json", "rollout-1"]);
    let spans: Vec<agentrace::SpanRecord> = serde_json::from_str(&json).unwrap();
    assert_eq!(spans.len(), 7);
    assert_eq!(
        spans.iter().map(|s| s.sequence_id).collect::<Vec<_>>(),
        (1..=7).collect::<Vec<_>>()
    );
    let newest: Vec<agentrace::SpanRecord> = serde_json::from_str(&ok(&["export"])).unwrap();
    assert!(
        newest.iter().all(|s| s.trace_id == filled().1[2]),
        "without an id: the newest trace"
    );
}

#[test]
fn export_otlp_json_has_the_standard_shape() {
    let text = ok(&["export", "--format", "otlp-json", &filled().1[1]]);
    let data: serde_json::Value = serde_json::from_str(&text).unwrap();
    let spans = &data["resourceSpans"][0]["scopeSpans"][0]["spans"];
    assert_eq!(spans.as_array().unwrap().len(), 4, "{text}");
    let chat = spans
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "chat tiny-1")
        .unwrap();
    assert_eq!(chat["traceId"], filled().1[1].as_str());
    assert_eq!(chat["kind"], 3, "SPAN_KIND_CLIENT");
    assert!(chat["startTimeUnixNano"].is_string() || chat["startTimeUnixNano"].is_number());
    let model = chat["attributes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["key"] == "gen_ai.request.model")
        .unwrap();
    assert_eq!(model["value"]["stringValue"], "tiny-1");
    let rollout = chat["attributes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["key"] == "agentrace.rollout.id")
        .unwrap();
    assert_eq!(rollout["value"]["stringValue"], "rollout-1");
}

#[test]
fn export_html_is_one_page_with_no_external_resources() {
    let out = filled().0.join("trace.html");
    ok(&[
        "export",
        "--format",
        "html",
        "--output",
        out.to_str().unwrap(),
        &filled().1[1],
    ]);
    let html = std::fs::read_to_string(out).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    for external in ["http://", "https://", " src=", "<link", "@import", "url("] {
        assert!(!html.contains(external), "external resource {external:?}");
    }
    assert!(html.contains("\"name\":\"execute_tool weather\""));
}

#[test]
fn the_store_is_found_from_the_variable_or_a_parent_folder() {
    let sub = filled().0.join("project/sub");
    let out = cli(&["traces"], Some(&sub));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = Command::new(CLI)
        .args(["traces"])
        .env("AGENTRACE_STORE", db())
        .current_dir("/")
        .output()
        .unwrap();
    assert!(out.status.success());
    let list = String::from_utf8(out.stdout).unwrap();
    assert_eq!(list.lines().take_while(|line| !line.is_empty()).count(), 4);
    assert!(
        list.contains(&format!("store {}:", db().display())),
        "{list}"
    );
}

#[test]
fn bad_inputs_give_one_line_and_a_non_zero_exit() {
    let db = db();
    let db = db.to_str().unwrap();
    let (code, message) = fails(&["traces"], Some(Path::new("/")));
    assert!(
        code == 1 && message.contains("no span store found"),
        "{message}"
    );
    let (_, message) = fails(&["--db", "/nonexistent/traces.db", "traces"], None);
    assert!(message.contains("no span store at"), "{message}");
    let (_, message) = fails(
        &["--db", db, "show", "0123456789abcdef0123456789abcdef"],
        None,
    );
    assert!(message.contains("no trace or rollout"), "{message}");
    let corrupt = filled().0.join("corrupt.db");
    std::fs::write(&corrupt, vec![0x42; 4096]).unwrap();
    let (_, message) = fails(&["--db", corrupt.to_str().unwrap(), "traces"], None);
    assert!(message.contains("not a database"), "{message}");
    let (code, _) = fails(&["--db", db, "frobnicate"], None);
    assert_eq!(code, 2);
    let (code, _) = fails(&["--db", db, "export", "--format", "pdf"], None);
    assert_eq!(code, 2);
    let (code, _) = fails(&["show"], None);
    assert_eq!(code, 2);
}
