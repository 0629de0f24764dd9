//! Behaviour, UI and end-to-end tests of agentrace. The tests live in `tests/tests/`, one
//! file per behaviour; the trybuild cases in `tests/ui/`.

pub mod otlp_receiver;
pub mod postgres_server;
