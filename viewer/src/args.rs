//! The command line: `agentrace [--db PATH] <command> [options]`, parsed by hand.

use std::path::PathBuf;
use std::time::Duration;

use agentrace_store::Retention;

use crate::Failure;

/// The help text.
pub const USAGE: &str = "\
agentrace: list, show and export the traces of the agentrace span store

usage:
  agentrace traces [--limit N]                 recent traces, newest first (default 20)
  agentrace show <trace id | rollout id>       the span tree of a trace or rollout
  agentrace export [--format json|otlp-json|html] [--output FILE] [<trace id | rollout id>]
                                               one trace or rollout (default: the newest trace)
  agentrace prune [--older-than AGE] [--max-bytes SIZE] [--dry-run]
                                               remove the oldest rollouts and traces, whole:
                                               those older than AGE (7d, 12h), then more
                                               until the store fits SIZE (500MB, 1GiB);
                                               default: $AGENTRACE_STORE_RETENTION and
                                               $AGENTRACE_STORE_MAX_BYTES, else 30d and 1GiB
  agentrace help

options:
  --db PATH   the store to read (default: $AGENTRACE_STORE, else .agentrace/traces.db in the
              current folder or the nearest parent that has one); a URL such as
              postgres://user@host:5432/db reads a PostgreSQL store (feature `postgres`)
";

/// An export format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// The store's span records as a JSON array.
    Json,
    /// OTLP JSON (`TracesData`).
    OtlpJson,
    /// One self-contained HTML page with a waterfall.
    Html,
}

/// What to do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command {
    /// Print the help text.
    Help,
    /// List recent traces.
    Traces {
        /// How many at most.
        limit: usize,
    },
    /// Print the span tree of a trace or rollout.
    Show {
        /// A trace id or rollout id.
        id: String,
    },
    /// Remove the oldest rollouts and traces past a bound.
    Prune {
        /// `--older-than`, if given.
        older_than: Option<Duration>,
        /// `--max-bytes`, if given.
        max_bytes: Option<u64>,
        /// `--dry-run`: say what would go, remove nothing.
        dry_run: bool,
    },
    /// Export a trace or rollout.
    Export {
        /// The format.
        format: Format,
        /// A trace id or rollout id; `None`: the newest trace.
        id: Option<String>,
        /// Where to write; `None`: stdout.
        output: Option<PathBuf>,
    },
}

/// A parsed command line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Invocation {
    /// `--db PATH`, if given.
    pub db: Option<PathBuf>,
    /// The command.
    pub command: Command,
}

fn usage(message: impl Into<String>) -> Failure {
    Failure {
        message: format!("{} (see `agentrace help`)", message.into()),
        code: 2,
    }
}

/// Parses the arguments (without the program name).
pub(crate) fn parse(args: &[String]) -> Result<Invocation, Failure> {
    let mut db = None;
    let mut limit = None;
    let mut format = None;
    let mut output = None;
    let mut older_than = None;
    let mut max_bytes = None;
    let mut dry_run = false;
    let mut words: Vec<&str> = Vec::new();
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        let mut value = |flag: &str| {
            rest.next()
                .cloned()
                .ok_or_else(|| usage(format!("{flag} needs a value")))
        };
        match arg.as_str() {
            "--db" => db = Some(PathBuf::from(value("--db")?)),
            "--limit" | "-n" => {
                let text = value("--limit")?;
                limit = Some(
                    text.parse::<usize>()
                        .map_err(|_| usage(format!("--limit {text:?} is not a number")))?,
                );
            }
            "--format" | "-f" => {
                format = Some(match value("--format")?.as_str() {
                    "json" => Format::Json,
                    "otlp-json" => Format::OtlpJson,
                    "html" => Format::Html,
                    other => {
                        return Err(usage(format!(
                            "unknown format {other:?}: use json, otlp-json or html"
                        )))
                    }
                });
            }
            "--output" | "-o" => output = Some(PathBuf::from(value("--output")?)),
            "--older-than" => {
                let text = value("--older-than")?;
                older_than = Retention::parse_age(&text)
                    .map_err(|why| usage(format!("--older-than {text:?}: {why}")))?;
            }
            "--max-bytes" => {
                let text = value("--max-bytes")?;
                max_bytes = Retention::parse_bytes(&text)
                    .map_err(|why| usage(format!("--max-bytes {text:?}: {why}")))?;
            }
            "--dry-run" => dry_run = true,
            "--help" | "-h" => words.insert(0, "help"),
            flag if flag.starts_with('-') && flag.len() > 1 => {
                return Err(usage(format!("unknown option {flag}")))
            }
            word => words.push(word),
        }
    }
    let command = match words.as_slice() {
        [] | ["help", ..] => Command::Help,
        ["traces"] => Command::Traces {
            limit: limit.unwrap_or(20),
        },
        ["show", id] => Command::Show {
            id: (*id).to_owned(),
        },
        ["show"] => return Err(usage("show needs a trace id or rollout id")),
        ["export"] | ["export", _] => Command::Export {
            format: format.unwrap_or(Format::Json),
            id: words.get(1).map(|id| (*id).to_owned()),
            output,
        },
        ["prune"] => Command::Prune {
            older_than,
            max_bytes,
            dry_run,
        },
        [command, ..] if ["traces", "show", "export", "prune"].contains(command) => {
            return Err(usage(format!("too many arguments for {command}")))
        }
        [command, ..] => return Err(usage(format!("unknown command {command:?}"))),
    };
    Ok(Invocation { db, command })
}
