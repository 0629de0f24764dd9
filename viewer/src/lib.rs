//! The `agentrace` command as a library: list, show and export the traces of a span store,
//! and sum up its GenAI calls ([`stats`]).
//!
//! The binary (`src/main.rs`) only calls [`main_with`]; tests call [`run`] in process or run
//! the binary. The command lives in its own crate so that the `agentrace` library carries no
//! command-line dependencies.
//!
//! ```
//! let mut out = Vec::new();
//! let mut err = Vec::new();
//! let code = agentrace_viewer::run(&["help".to_string()], &mut out, &mut err, false);
//! assert_eq!(code, 0);
//! assert!(String::from_utf8(out).unwrap().contains("agentrace show"));
//! ```
#![warn(missing_docs)]

mod args;
mod export;
mod html;
mod lightning;
mod list;
mod locate;
mod show;
mod stats;
mod style;
mod terminal;
mod triplets;

use std::io::Write;

use agentrace_store::SpanRecord;
use agentrace_store::{OpenOptions, Query, SpanStore};

pub use args::{Command, Format, Invocation, USAGE};
pub use stats::{stats, Stats, StatsRow};

/// A failure of the command: its one-line message and exit code.
#[derive(Debug)]
pub struct Failure {
    /// The message, printed after `agentrace: `.
    pub message: String,
    /// The process exit code (2 for usage errors, 1 otherwise).
    pub code: i32,
}

impl Failure {
    pub(crate) fn new(message: impl Into<String>) -> Self {
        Failure {
            message: message.into(),
            code: 1,
        }
    }
}

/// Runs the command with `args` (without the program name), writing to `out` and `err`, with
/// ANSI colour when `color`; returns the exit code. Never panics on bad input.
pub fn run(args: &[String], out: &mut dyn Write, err: &mut dyn Write, color: bool) -> i32 {
    match args::parse(args).and_then(|invocation| execute(&invocation, out, color)) {
        Ok(()) => 0,
        Err(failure) => {
            let line = failure
                .message
                .lines()
                .next()
                .unwrap_or("failed")
                .to_owned();
            let _ = writeln!(err, "agentrace: {line}");
            failure.code
        }
    }
}

/// Runs the command with the process's arguments and streams; colour when stdout is a
/// terminal. Returns the exit code for `std::process::exit`.
pub fn main_with(args: impl IntoIterator<Item = String>) -> i32 {
    use std::io::IsTerminal;
    let args: Vec<String> = args.into_iter().skip(1).collect();
    let stdout = std::io::stdout();
    let color = stdout.is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let code = run(&args, &mut out, &mut std::io::stderr(), color);
    let _ = out.flush();
    code
}

fn execute(invocation: &Invocation, out: &mut dyn Write, color: bool) -> Result<(), Failure> {
    if invocation.command == Command::Help {
        return emit(out, USAGE);
    }
    let location = locate::database(invocation.db.as_deref())?;
    // The one function that opens a store by its location: a SQLite file or, with feature
    // `postgres`, a PostgreSQL database.
    let store = agentrace_store::open_location(&location, OpenOptions::existing())
        .map_err(|e| Failure::new(format!("cannot read {location}: {e}")))?;
    let store = store.as_ref();
    match &invocation.command {
        Command::Help => Ok(()),
        Command::Traces { limit } => {
            let traces = store.traces(*limit).map_err(store_failure)?;
            let size = store.size().map_err(store_failure)?;
            let rewards = traces
                .iter()
                .map(|trace| last_reward(store, &trace.trace_id))
                .collect::<Result<Vec<_>, _>>()?;
            let mut text = list::render(&traces, &rewards, color);
            text.push_str(&list::footer(&location, size));
            emit(out, &text)
        }
        Command::Prune {
            older_than,
            max_bytes,
            dry_run,
        } => {
            let retention = prune_bounds(*older_than, *max_bytes)?;
            let now = std::time::SystemTime::now();
            let report = if *dry_run {
                store.prune_dry_run(&retention, now)
            } else {
                store.prune(&retention, now)
            }
            .map_err(store_failure)?;
            emit(out, &format!("{report}\n"))
        }
        Command::Stats { since, window } => {
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap_or_default();
            let from = since.map(|age| now.saturating_sub(age).as_nanos() as u64);
            let figures = stats::stats(store, from).map_err(store_failure)?;
            emit(out, &stats::render(&figures, window, color))
        }
        Command::Show { id } => {
            let spans = spans_of(store, id)?;
            emit(out, &show::render(&spans, color))
        }
        Command::Export {
            format,
            id,
            output,
            llm_call_match,
            agent_match,
        } => {
            let spans = match id {
                Some(id) => spans_of(store, id)?,
                None => latest_trace(store)?,
            };
            let text = match format {
                Format::Json => export::json(&spans).map(terminal::json_escaped),
                Format::OtlpJson => export::otlp_json(&spans).map(terminal::json_escaped),
                Format::Html => html::page(&spans),
                Format::AgentLightning => lightning::spans(&spans).map(terminal::json_escaped),
                Format::Triplets => {
                    let matching = matching(llm_call_match.as_deref(), agent_match.as_deref())?;
                    triplets::triplets(&spans, &matching).map(terminal::json_escaped)
                }
            }
            .map_err(|e| Failure::new(format!("cannot export: {e}")))?;
            match output {
                Some(file) => std::fs::write(file, text)
                    .map_err(|e| Failure::new(format!("cannot write {}: {e}", file.display()))),
                None => emit(out, &text),
            }
        }
    }
}

/// The patterns of `export --format triplets`; a bad one is a usage error naming it.
fn matching(
    llm_call_match: Option<&str>,
    agent_match: Option<&str>,
) -> Result<triplets::Matching, Failure> {
    let compile = |flag: &str, pattern: &str| {
        regex::Regex::new(pattern).map_err(|e| Failure {
            message: format!("{flag} {pattern:?} is not a regular expression: {e}"),
            code: 2,
        })
    };
    Ok(triplets::Matching {
        llm_call: compile(
            "--llm-call-match",
            llm_call_match.unwrap_or(triplets::DEFAULT_LLM_CALL_MATCH),
        )?,
        agent: agent_match
            .map(|pattern| compile("--agent-match", pattern))
            .transpose()?,
    })
}

/// The bounds of `agentrace prune`: the options, else the variables `init()` reads, else the
/// embedded store's defaults.
fn prune_bounds(
    older_than: Option<std::time::Duration>,
    max_bytes: Option<u64>,
) -> Result<agentrace_store::Retention, Failure> {
    use agentrace_store::Retention;
    if older_than.is_some() || max_bytes.is_some() {
        let mut retention = Retention::none();
        retention.max_age = older_than;
        retention.max_bytes = max_bytes;
        return Ok(retention);
    }
    let mut retention = Retention::EMBEDDED_DEFAULT;
    let variable = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
    if let Some(value) = variable("AGENTRACE_STORE_RETENTION") {
        retention.max_age = Retention::parse_age(&value)
            .map_err(|why| Failure::new(format!("AGENTRACE_STORE_RETENTION={value:?}: {why}")))?;
    }
    if let Some(value) = variable("AGENTRACE_STORE_MAX_BYTES") {
        retention.max_bytes = Retention::parse_bytes(&value)
            .map_err(|why| Failure::new(format!("AGENTRACE_STORE_MAX_BYTES={value:?}: {why}")))?;
    }
    Ok(retention)
}

fn store_failure(error: agentrace_store::StoreError) -> Failure {
    Failure::new(error.to_string())
}

/// Writes `text`; a closed pipe (`agentrace show ... | head`) is not an error.
fn emit(out: &mut dyn Write, text: &str) -> Result<(), Failure> {
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(Failure::new(format!("cannot write output: {e}")))
        }
        _ => Ok(()),
    }
}

/// The spans of a trace id, else of a rollout id, in sequence order.
fn spans_of(store: &dyn SpanStore, id: &str) -> Result<Vec<SpanRecord>, Failure> {
    let looks_like_trace = id.len() == 32 && id.bytes().all(|b| b.is_ascii_hexdigit());
    let by_trace = || store.query(&Query::all().trace_id(id.to_ascii_lowercase()));
    let by_rollout = || store.query(&Query::rollout(id));
    let mut page = if looks_like_trace {
        by_trace()
    } else {
        by_rollout()
    }
    .map_err(store_failure)?;
    if page.spans.is_empty() && looks_like_trace {
        page = by_rollout().map_err(store_failure)?;
    }
    if page.spans.is_empty() {
        return Err(Failure::new(format!(
            "no trace or rollout with id {id:?} in the store"
        )));
    }
    Ok(page.spans)
}

/// The primary value of the trace's latest reward span, if it has one.
fn last_reward(store: &dyn SpanStore, trace_id: &str) -> Result<Option<f64>, Failure> {
    let page = store
        .query(
            &Query::all()
                .trace_id(trace_id)
                .name(triplets::REWARD_SPAN_NAME),
        )
        .map_err(store_failure)?;
    Ok(page.spans.iter().rev().find_map(triplets::reward_value))
}

fn latest_trace(store: &dyn SpanStore) -> Result<Vec<SpanRecord>, Failure> {
    let latest = store.traces(1).map_err(store_failure)?;
    let trace = latest
        .first()
        .ok_or_else(|| Failure::new("the store holds no traces"))?;
    spans_of(store, &trace.trace_id)
}
