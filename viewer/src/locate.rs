//! Finding the store: `--db`, else `$AGENTRACE_STORE`, else `.agentrace/traces.db` in the
//! current folder or the nearest parent that has one. A location with a URL scheme
//! (`postgres://...`) is a database, never a file name.

use std::path::{Path, PathBuf};

use agentrace_store::{StoreLocation, STORE_ENV as STORE_PATH_ENV};

use crate::Failure;

/// The store to read.
pub(crate) fn database(given: Option<&Path>) -> Result<StoreLocation, Failure> {
    let given = match given {
        Some(path) => Some(path.to_string_lossy().into_owned()),
        None => std::env::var(STORE_PATH_ENV).ok().filter(|v| !v.is_empty()),
    };
    if let Some(text) = given {
        return match StoreLocation::parse(&text).map_err(|e| Failure::new(e.to_string()))? {
            StoreLocation::File(path) => exists(path).map(StoreLocation::File),
            url => Ok(url),
        };
    }
    let default = PathBuf::from(".agentrace").join("traces.db");
    let cwd =
        std::env::current_dir().map_err(|e| Failure::new(format!("no current folder: {e}")))?;
    cwd.ancestors()
        .map(|folder| folder.join(&default))
        .find(|candidate| candidate.is_file())
        .map(StoreLocation::File)
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
