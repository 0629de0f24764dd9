//! Span text is untrusted: model output, tool results and error messages can carry terminal
//! escapes a prompt injection put there. `agentrace traces` and `agentrace show` print none
//! of them as they are: every control character comes out as a visible escape, coloured or
//! not, and the visible text around it is still shown.

use std::path::PathBuf;
use std::process::Command;

const CLI: &str = env!("CARGO_BIN_EXE_agentrace_cli");
const HOSTILE: &str = env!("CARGO_BIN_EXE_hostile_store");

/// A store holding the hostile trace; its path and the trace id.
fn hostile_store(name: &str) -> (PathBuf, String) {
    let dir = std::env::temp_dir().join(format!("agentrace-hostile-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let db = dir.join("traces.db");
    let out = Command::new(HOSTILE).arg(&db).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let trace_id = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .next()
        .unwrap()
        .to_owned();
    (db, trace_id)
}

/// The `agentrace` command's output, run as a process (a pipe: no colour).
fn run(db: &PathBuf, args: &[&str]) -> Vec<u8> {
    let mut command = Command::new(CLI);
    command
        .arg("--db")
        .arg(db)
        .args(args)
        .env_remove("AGENTRACE_STORE");
    let out = command.output().unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// Every byte below 0x20 but newline and tab, DEL, and every C1 code point.
fn hidden_controls(bytes: &[u8]) -> Vec<String> {
    let mut found: Vec<String> = bytes
        .iter()
        .filter(|&&b| (b < 0x20 && b != b'\n' && b != b'\t') || b == 0x7f)
        .map(|b| format!("{b:#04x}"))
        .collect();
    let text = String::from_utf8_lossy(bytes);
    found.extend(
        text.chars()
            .filter(|c| ('\u{80}'..='\u{9f}').contains(c))
            .map(|c| format!("U+{:04X}", c as u32)),
    );
    found
}

#[test]
fn show_prints_hostile_span_text_as_visible_escapes() {
    let (db, trace_id) = hostile_store("show");
    let out = run(&db, &["show", &trace_id]);
    assert_eq!(hidden_controls(&out), Vec::<String>::new());
    let text = String::from_utf8(out).expect("UTF-8 output");
    // The visible text around the escapes is still there, the escapes shown as text.
    for visible in [
        "invoke_agent evil",
        "chat evil-model",
        "agent failed",
        "model failed",
        "model",
    ] {
        assert!(text.contains(visible), "{visible:?} missing from:\n{text}");
    }
    assert!(
        text.contains(r"\u{1b}]0;pwned\u{7}"),
        "OSC title shown: {text}"
    );
    assert!(text.contains(r"\u{1b}]52;c;"), "OSC 52 shown: {text}");
    assert!(text.contains(r"\u{1b}[2J"), "CSI shown: {text}");
    assert!(
        text.contains(r"\u{0}\u{8}\u{7f}\u{9b}"),
        "NUL, BS, DEL, C1 shown: {text}"
    );
    // The span whose name is not UTF-8 and whose attributes hold a lone surrogate is read,
    // not dropped: its name starts with the bytes written, made visible.
    assert!(
        text.contains("lone bytes\u{fffd}\\u{1b}]0;x\\u{7}\\u{a}"),
        "{text}"
    );
    assert!(text.contains("ERROR["), "{text}");
}

#[test]
fn colouring_stays_the_viewers_own() {
    let (db, trace_id) = hostile_store("color");
    let args: Vec<String> = ["--db", db.to_str().unwrap(), "show", &trace_id]
        .iter()
        .map(|arg| arg.to_string())
        .collect();
    let (mut out, mut err) = (Vec::new(), Vec::new());
    assert_eq!(agentrace_viewer::run(&args, &mut out, &mut err, true), 0);
    let out = String::from_utf8(out).unwrap();
    assert!(
        out.contains("\u{1b}[1m"),
        "coloured as on a terminal: {out}"
    );
    // Only the viewer's own SGR sequences remain: every ESC starts `ESC [ <digits> m`.
    for (at, _) in out.match_indices('\u{1b}') {
        let rest = &out[at + 1..];
        let sgr = rest.strip_prefix('[').map(|r| {
            let digits = r.chars().take_while(char::is_ascii_digit).count();
            digits > 0 && r[digits..].starts_with('m')
        });
        assert_eq!(
            sgr,
            Some(true),
            "a foreign escape at {at}: {:?}",
            &out[at..at + 12.min(out.len() - at)]
        );
    }
}

#[test]
fn traces_prints_hostile_root_names_as_visible_escapes() {
    let (db, trace_id) = hostile_store("traces");
    let out = run(&db, &["traces"]);
    assert_eq!(hidden_controls(&out), Vec::<String>::new());
    let text = String::from_utf8(out).unwrap();
    assert!(text.contains(&trace_id), "{text}");
    assert!(text.contains("invoke_agent evil"), "{text}");
    assert!(text.contains(r"\u{1b}"), "{text}");
}

#[test]
fn json_exports_escape_del_and_c1_too() {
    let (db, trace_id) = hostile_store("json");
    for format in ["json", "otlp-json"] {
        let out = run(&db, &["export", "--format", format, &trace_id]);
        assert_eq!(hidden_controls(&out), Vec::<String>::new(), "{format}");
        let value: serde_json::Value = serde_json::from_slice(&out).expect("still JSON");
        assert!(
            strings(&value)
                .iter()
                .any(|text| text.contains("\u{1b}]0;pwned\u{7}\u{1b}]52;c;")),
            "{format}: the data is unchanged"
        );
    }
}

/// Every string in a JSON value, keys included.
fn strings(value: &serde_json::Value) -> Vec<String> {
    match value {
        serde_json::Value::String(text) => vec![text.clone()],
        serde_json::Value::Array(items) => items.iter().flat_map(strings).collect(),
        serde_json::Value::Object(map) => map
            .iter()
            .flat_map(|(key, value)| std::iter::once(key.clone()).chain(strings(value)))
            .collect(),
        _ => Vec::new(),
    }
}
