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
  agentrace export [--format json|otlp-json|html|agentlightning|triplets] [--output FILE]
                   [<trace id | rollout id>]   one trace or rollout (default: the newest trace)
                                               agentlightning: a JSON line per span, in Agent
                                               Lightning's Span model; triplets: a JSON line per
                                               LLM call (prompt, response, token ids, reward),
                                               matched as its TracerTraceToTriplet adapter does,
                                               calls by --llm-call-match REGEX (default ^chat ),
                                               agents by --agent-match REGEX (default: any)
  agentrace stats [--since AGE]                calls, errors, tokens in/out and latency
                                               percentiles (p50/p90/p99) per GenAI operation
                                               and model (tool or agent name for tools and
                                               agents) of the spans started in the last AGE
                                               (30m, 1h, 7d, or all; default 24h)
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
    /// A JSON line per span in Agent Lightning's `Span` model.
    AgentLightning,
    /// A JSON line per LLM call: prompt, response, token ids and reward, as Agent Lightning's
    /// triplet adapter finds them.
    Triplets,
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
    /// Sum up the GenAI operations of a time window.
    Stats {
        /// How far back the window reaches; `None`: everything stored.
        since: Option<Duration>,
        /// The window as given (`1h`), for the heading.
        window: String,
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
        /// `--llm-call-match`: the pattern of LLM call span names, for `triplets`.
        llm_call_match: Option<String>,
        /// `--agent-match`: the pattern of agent names, for `triplets`.
        agent_match: Option<String>,
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
    let mut llm_call_match = None;
    let mut agent_match = None;
    let mut since = None;
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
                    "agentlightning" => Format::AgentLightning,
                    "triplets" => Format::Triplets,
                    other => {
                        return Err(usage(format!(
                            "unknown format {other:?}: use json, otlp-json, html, agentlightning or triplets"
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
            "--llm-call-match" => llm_call_match = Some(value("--llm-call-match")?),
            "--agent-match" => agent_match = Some(value("--agent-match")?),
            "--since" => {
                let text = value("--since")?;
                let age = match text.trim() {
                    "all" => None,
                    age => Some(Retention::parse_age(age).ok().flatten().ok_or_else(|| {
                        usage(format!(
                            "--since {text:?}: expected an age such as 30m, 1h or 7d, or all"
                        ))
                    })?),
                };
                since = Some((age, text));
            }
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
            llm_call_match,
            agent_match,
        },
        ["stats"] => {
            let (since, window) =
                since.unwrap_or((Some(Duration::from_secs(86_400)), "24h".to_owned()));
            Command::Stats { since, window }
        }
        ["prune"] => Command::Prune {
            older_than,
            max_bytes,
            dry_run,
        },
        [command, ..] if ["traces", "show", "export", "prune", "stats"].contains(command) => {
            return Err(usage(format!("too many arguments for {command}")))
        }
        [command, ..] => return Err(usage(format!("unknown command {command:?}"))),
    };
    Ok(Invocation { db, command })
}
