//! Finding the store: `--db`, else `$AGENTRACE_STORE`, else `.agentrace/traces.db` in the
//! current folder or the nearest parent that has one.

use std::path::{Path, PathBuf};

use agentrace_store::{default_store_path, STORE_PATH_ENV};

use crate::Failure;

/// The database to read.
pub(crate) fn database(given: Option<&Path>) -> Result<PathBuf, Failure> {
    if let Some(path) = given {
        return exists(path.to_path_buf());
    }
    let default = default_store_path();
    if std::env::var_os(STORE_PATH_ENV).is_some_and(|v| !v.is_empty()) || default.is_absolute() {
        return exists(default);
    }
    let cwd =
        std::env::current_dir().map_err(|e| Failure::new(format!("no current folder: {e}")))?;
    cwd.ancestors()
        .map(|folder| folder.join(&default))
        .find(|candidate| candidate.is_file())
        .ok_or_else(|| {
            Failure::new(format!(
                "no span store found: {} does not exist here or in a parent folder (set --db or ${STORE_PATH_ENV})",
                default.display()
            ))
        })
}

fn exists(path: PathBuf) -> Result<PathBuf, Failure> {
    if path.is_file() {
        Ok(path)
    } else {
        Err(Failure::new(format!("no span store at {}", path.display())))
    }
}
