//! Where a span store is, and opening it: the one place that turns a location (a file path
//! or a database URL, from `AGENTRACE_STORE`, `--db` or code) into a store. Everything that
//! names a store (the embedded store's exporter, the builder, the viewer's commands) goes
//! through [`open`] / [`open_location`], so a backend added here is everywhere at once.
//!
//! A location with a URL scheme (`name://...`) is never taken as a file path: a scheme this
//! build has no backend for is an error naming the scheme and the cargo feature that adds it.
//! Passwords in URLs never appear in errors, logs or `Debug` output (see [`StoreLocation`]).

use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;

use crate::retention::Retention;
use crate::{SpanStore, StoreError};

/// The environment variable naming the default store: a file path (SQLite) or a
/// `postgres://` URL.
pub const STORE_ENV: &str = "AGENTRACE_STORE";

/// Where a span store is.
///
/// ```
/// use agentrace_store::StoreLocation;
///
/// # #[cfg(feature = "sqlite")] {
/// let file = StoreLocation::parse("traces/run.db").unwrap();
/// assert!(matches!(file, StoreLocation::File(_)));
/// # }
/// let pg = StoreLocation::parse("postgres://trainer:s3cret@db.internal:5432/traces").unwrap_or_else(|e| {
///     // without the `postgres` feature the URL is refused, never taken as a file name
///     assert!(e.to_string().contains("feature `postgres`"));
///     StoreLocation::File("unused".into())
/// });
/// // the password is never shown
/// assert!(!format!("{pg} {pg:?}").contains("s3cret"));
/// assert!(StoreLocation::parse("mysql://host/db").unwrap_err().to_string().contains("mysql"));
/// ```
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum StoreLocation {
    /// A SQLite file (feature `sqlite`).
    File(PathBuf),
    /// A PostgreSQL database (feature `postgres`): the URL as given, `postgres://` or
    /// `postgresql://`. Shown with its password replaced by `***`.
    Postgres(String),
}

/// The URL schemes this crate knows, with the feature that adds each.
const SCHEMES: &[(&str, &str)] = &[("postgres", "postgres"), ("postgresql", "postgres")];

impl StoreLocation {
    /// Parses a location: a URL (`postgres://user:password@host:5432/db`) or else a file
    /// path. A URL whose scheme this build has no backend for is an error naming the scheme
    /// and the feature that adds it; so is a file path without the `sqlite` feature.
    pub fn parse(text: &str) -> Result<Self, StoreError> {
        let Some(scheme) = scheme_of(text) else {
            if text.is_empty() {
                return Err(StoreError::Invalid("empty store location".into()));
            }
            if !cfg!(feature = "sqlite") {
                return Err(StoreError::Invalid(format!(
                    "{}: a span store file needs the SQLite backend; enable feature `sqlite` of agentrace (or agentrace-store)",
                    text
                )));
            }
            return Ok(StoreLocation::File(PathBuf::from(text)));
        };
        let lower = scheme.to_ascii_lowercase();
        match SCHEMES.iter().find(|(known, _)| *known == lower) {
            Some((_, feature)) if !cfg!(feature = "postgres") => Err(StoreError::Invalid(format!(
                "{}: this agentrace was built without the PostgreSQL span store; enable feature `{feature}` of agentrace (or agentrace-store) for {scheme}:// locations",
                redact_url(text)
            ))),
            Some(_) => Ok(StoreLocation::Postgres(text.to_owned())),
            None => Err(StoreError::Invalid(format!(
                "{}: no span store backend for the URL scheme `{scheme}` (use a file path for SQLite, feature `sqlite`, or postgres:// for PostgreSQL, feature `postgres`)",
                redact_url(text)
            ))),
        }
    }

    /// The default store: `$AGENTRACE_STORE` when set and not empty, else
    /// `.agentrace/traces.db` under the current directory. An invalid value is an error
    /// naming the variable (its password hidden).
    pub fn from_env() -> Result<Self, StoreError> {
        match std::env::var_os(STORE_ENV) {
            Some(value) if !value.is_empty() => {
                let text = value.to_string_lossy();
                StoreLocation::parse(&text).map_err(|e| match e {
                    StoreError::Invalid(why) => StoreError::Invalid(format!("{STORE_ENV}={why}")),
                    other => other,
                })
            }
            _ => Ok(StoreLocation::File(
                PathBuf::from(".agentrace").join("traces.db"),
            )),
        }
    }

    /// `true` for a database URL, `false` for a file.
    pub fn is_url(&self) -> bool {
        !matches!(self, StoreLocation::File(_))
    }
}

impl fmt::Display for StoreLocation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StoreLocation::File(path) => write!(f, "{}", path.display()),
            StoreLocation::Postgres(url) => f.write_str(&redact_url(url)),
        }
    }
}

impl fmt::Debug for StoreLocation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StoreLocation::File(path) => f.debug_tuple("File").field(path).finish(),
            StoreLocation::Postgres(_) => {
                f.debug_tuple("Postgres").field(&self.to_string()).finish()
            }
        }
    }
}

/// The scheme of `text` when it starts like a URL (`letters://`).
fn scheme_of(text: &str) -> Option<&str> {
    let (scheme, _) = text.split_once("://")?;
    let mut chars = scheme.chars();
    let first = chars.next()?;
    (first.is_ascii_alphabetic()
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.')))
    .then_some(scheme)
}

/// `url` with the password of its user part, and any `password=` parameter, replaced by
/// `***`.
///
/// ```
/// use agentrace_store::redact_url;
/// assert_eq!(redact_url("postgres://me:pw@h/db"), "postgres://me:***@h/db");
/// assert_eq!(redact_url("postgres://h/db?user=me&password=pw&x=1"), "postgres://h/db?user=me&password=***&x=1");
/// assert_eq!(redact_url("postgres://me@h/db"), "postgres://me@h/db");
/// ```
pub fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    // The user part ends at the last `@`, so that a password holding `/`, `?` or `@` is
    // hidden whole (at worst more than the password is hidden, never less).
    let rest = match rest.rfind('@') {
        Some(at) => match rest[..at].find(':') {
            Some(colon) if !rest[..colon].contains(['/', '?']) => {
                format!("{}:***@{}", &rest[..colon], &rest[at + 1..])
            }
            _ => rest.to_owned(),
        },
        None => rest.to_owned(),
    };
    let rest = match rest.split_once('?') {
        Some((path, query)) => {
            let params: Vec<String> = query
                .split('&')
                .map(|pair| match pair.split_once('=') {
                    Some((key, _)) if key.eq_ignore_ascii_case("password") => {
                        format!("{key}=***")
                    }
                    _ => pair.to_owned(),
                })
                .collect();
            format!("{path}?{}", params.join("&"))
        }
        None => rest,
    };
    format!("{scheme}://{rest}")
}

/// How [`open_location`] opens a store.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct OpenOptions {
    /// Create the store when missing (a SQLite file; a PostgreSQL database's tables). When
    /// `false`, a missing store is an error ("no span store at ...").
    pub create: bool,
    /// The retention the store's writer keeps it within (see each backend for what applies).
    pub retention: Option<Retention>,
}

impl OpenOptions {
    /// Create when missing, no retention.
    pub fn create() -> Self {
        OpenOptions {
            create: true,
            retention: None,
        }
    }

    /// Only an existing store (readers such as the viewer), no retention.
    pub fn existing() -> Self {
        OpenOptions {
            create: false,
            retention: None,
        }
    }

    /// Sets the retention.
    pub fn retention(mut self, retention: Retention) -> Self {
        self.retention = Some(retention);
        self
    }
}

/// Opens the store at `location` (a file path or a `postgres://` URL), creating it when
/// missing. The one function that turns a store's name into a store.
///
/// ```
/// # let dir = std::env::temp_dir().join(format!("agentrace-open-doc-{}", std::process::id()));
/// # #[cfg(feature = "sqlite")] {
/// let store = agentrace_store::open(dir.join("traces.db").to_str().unwrap()).unwrap();
/// assert_eq!(store.query(&agentrace_store::Query::all()).unwrap().total, 0);
/// # }
/// let error = agentrace_store::open("redis://cache:6379").unwrap_err();
/// assert!(error.to_string().contains("`redis`"));
/// # let _ = std::fs::remove_dir_all(dir);
/// ```
pub fn open(location: &str) -> Result<Arc<dyn SpanStore>, StoreError> {
    open_location(&StoreLocation::parse(location)?, OpenOptions::create())
}

/// Opens the store at `location` with `options`.
pub fn open_location(
    location: &StoreLocation,
    options: OpenOptions,
) -> Result<Arc<dyn SpanStore>, StoreError> {
    match location {
        #[cfg(feature = "sqlite")]
        StoreLocation::File(path) => {
            let store = if options.create {
                crate::SqliteStore::open(path)?
            } else {
                crate::SqliteStore::open_existing(path)?
            };
            Ok(Arc::new(match options.retention {
                Some(retention) => store.with_retention(retention),
                None => store,
            }))
        }
        #[cfg(feature = "postgres")]
        StoreLocation::Postgres(url) => {
            let store = if options.create {
                crate::PostgresStore::connect(url)?
            } else {
                crate::PostgresStore::connect_existing(url)?
            };
            Ok(Arc::new(match options.retention {
                Some(retention) => store.with_retention(retention),
                None => store,
            }))
        }
        #[allow(unreachable_patterns)]
        other => {
            let _ = options;
            Err(StoreError::Invalid(format!(
                "{other}: this build has no backend for it (features `sqlite`, `postgres`)"
            )))
        }
    }
}

impl crate::StoreWriter {
    /// Opens the store at `location` (a file path or a `postgres://` URL, see [`open`]) and
    /// starts a writer to it: what a rollout scope takes to write elsewhere than the default
    /// store (`RolloutScope::store(StoreWriter::open("postgres://...")?)`).
    ///
    /// ```
    /// let error = agentrace_store::StoreWriter::open("redis://cache:6379").unwrap_err();
    /// assert!(error.to_string().contains("`redis`"));
    /// ```
    pub fn open(location: &str) -> Result<Arc<crate::StoreWriter>, StoreError> {
        crate::StoreWriter::spawn(open(location)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_never_file_paths_and_passwords_never_shown() {
        for url in [
            "postgres://u:hunter2@h:5432/db",
            "postgresql://u:hunter2@h/db",
            "POSTGRES://u:hunter2@h/db",
        ] {
            let parsed = StoreLocation::parse(url);
            assert_eq!(parsed.is_ok(), cfg!(feature = "postgres"), "{url}");
            match parsed {
                Ok(location) => {
                    assert!(location.is_url());
                    let shown = format!("{location} {location:?}");
                    assert!(!shown.contains("hunter2"), "{shown}");
                    assert!(shown.contains("***"), "{shown}");
                }
                Err(e) => {
                    let text = e.to_string();
                    assert!(text.contains("feature `postgres`"), "{text}");
                    assert!(!text.contains("hunter2"), "{text}");
                }
            }
        }
        let error = StoreLocation::parse("mongodb://u:hunter2@h/db")
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("`mongodb`") && !error.contains("hunter2"),
            "{error}"
        );
        assert!(matches!(
            StoreLocation::parse(""),
            Err(StoreError::Invalid(_))
        ));
    }

    #[test]
    fn paths_stay_paths() {
        if cfg!(feature = "sqlite") {
            for path in ["traces.db", "/tmp/a:b/traces.db", "./x//y.db", "C:\\t.db"] {
                assert_eq!(
                    StoreLocation::parse(path).unwrap(),
                    StoreLocation::File(path.into())
                );
            }
        }
    }

    #[test]
    fn redaction_covers_user_part_and_parameters() {
        assert_eq!(
            redact_url("postgresql://a:b:c@h/db?password=x"),
            "postgresql://a:***@h/db?password=***"
        );
        assert_eq!(
            redact_url("postgres:///db?host=/run"),
            "postgres:///db?host=/run"
        );
        // `@`, `/` or `?` in a (badly encoded) password: the last `@` ends the user part.
        assert_eq!(
            redact_url("postgres://a:p@ss@h/db"),
            "postgres://a:***@h/db"
        );
        assert_eq!(
            redact_url("postgres://a:p/s?s@h/db"),
            "postgres://a:***@h/db"
        );
    }
}
