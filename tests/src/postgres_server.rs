//! PostgreSQL for the tests: a fresh database per test, on the server that
//! `$AGENTRACE_TEST_POSTGRES_URL` names (`.ci/run` starts one and sets it), or else on a
//! throwaway server this process starts from Debian's binaries (`/usr/lib/postgresql/*/bin`):
//! `initdb` in a temporary folder, listening on 127.0.0.1 only on a free port, stopped when
//! the test process ends (a watcher process stops it even after a crash or SIGKILL).
//! `initdb` refuses to run as root: as root, the server runs as the `postgres` user that
//! Debian's package creates.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;
use std::time::Duration;

/// The variable naming a server to test against: a URL whose user may create databases.
pub const URL_ENV: &str = "AGENTRACE_TEST_POSTGRES_URL";

/// What to install when neither a server nor the binaries are there.
const INSTALL_HINT: &str = "install Debian's `postgresql` package (apt-get install postgresql), \
    or set AGENTRACE_TEST_POSTGRES_URL to a server where the user may create databases";

/// A PostgreSQL server this process started; stopped (and its folder removed) on drop.
#[derive(Debug)]
pub struct PgServer {
    bin: PathBuf,
    dir: PathBuf,
    port: u16,
    as_postgres: bool,
}

static SHARED: OnceLock<Result<String, String>> = OnceLock::new();
static NEXT: AtomicUsize = AtomicUsize::new(0);

/// The URL of a new, empty database for the test `case`. Panics with what to install when
/// no server can be had.
pub fn fresh_database(case: &str) -> String {
    let admin = admin_url().unwrap_or_else(|why| panic!("no PostgreSQL for the tests: {why}"));
    let name: String = format!(
        "agentrace_{}_{}_{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed),
        case
    )
    .chars()
    .map(|c| {
        if c.is_ascii_alphanumeric() {
            c.to_ascii_lowercase()
        } else {
            '_'
        }
    })
    .take(63)
    .collect();
    let mut client = postgres::Client::connect(&admin, postgres::NoTls)
        .unwrap_or_else(|e| panic!("cannot connect to the test server: {e}"));
    client
        .batch_execute(&format!("CREATE DATABASE \"{name}\""))
        .unwrap_or_else(|e| panic!("cannot create database {name}: {e}"));
    with_database(&admin, &name)
}

/// The administrative URL of the shared test server: `$AGENTRACE_TEST_POSTGRES_URL`, else a
/// server started once for this process.
pub fn admin_url() -> Result<String, String> {
    SHARED
        .get_or_init(|| match std::env::var(URL_ENV) {
            Ok(url) if !url.is_empty() => Ok(url),
            _ => PgServer::start().map(|server| {
                let url = server.url("postgres");
                // Stopped by its watcher when this process ends: statics are never dropped.
                std::mem::forget(server);
                url
            }),
        })
        .clone()
}

/// `url` with its database replaced by `database`.
pub fn with_database(url: &str, database: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, format!("?{query}")),
        None => (url, String::new()),
    };
    let authority_start = base.find("://").map_or(0, |i| i + 3);
    let base = match base[authority_start..].find('/') {
        Some(slash) => &base[..authority_start + slash],
        None => base,
    };
    format!("{base}/{database}{query}")
}

/// Debian's PostgreSQL binaries, the newest version first.
fn binaries() -> Result<PathBuf, String> {
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .map_err(|_| format!("no /usr/lib/postgresql: {INSTALL_HINT}"))?
        .filter_map(|entry| {
            let entry = entry.ok()?;
            let version = entry.file_name().to_str()?.parse().ok()?;
            let bin = entry.path().join("bin");
            bin.join("initdb").is_file().then_some((version, bin))
        })
        .collect();
    versions.sort();
    versions
        .pop()
        .map(|(_, bin)| bin)
        .ok_or_else(|| format!("no initdb under /usr/lib/postgresql/*/bin: {INSTALL_HINT}"))
}

fn is_root() -> bool {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0)
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|addr| addr.port())
        .unwrap_or(25432)
}

impl PgServer {
    /// Starts a throwaway server: initdb in a temporary folder, 127.0.0.1 only, a free port,
    /// trust authentication for the user `agentrace` (loopback only).
    pub fn start() -> Result<PgServer, String> {
        let bin = binaries()?;
        let as_postgres = is_root();
        if as_postgres
            && !Command::new("id")
                .arg("postgres")
                .stdout(Stdio::null())
                .status()
                .is_ok_and(|s| s.success())
        {
            return Err(format!(
                "initdb refuses to run as root and there is no `postgres` user: {INSTALL_HINT}"
            ));
        }
        let dir = std::env::temp_dir().join(format!(
            "agentrace-pg-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        let mut server = PgServer {
            bin,
            dir,
            port: free_port(),
            as_postgres,
        };
        if as_postgres {
            run(Command::new("chown").args(["-R", "postgres:", server.dir.to_str().unwrap()]))?;
        }
        let data = server.data();
        run(server
            .command("initdb")
            .args(["-D", &data, "-U", "agentrace", "--auth=trust", "-E", "UTF8"])
            .args(["--locale=C", "--no-sync"]))?;
        server.start_again()?;
        server.watch();
        Ok(server)
    }

    fn data(&self) -> String {
        self.dir.join("data").display().to_string()
    }

    /// A command of the server's binaries, run as `postgres` when this process is root.
    fn command(&self, program: &str) -> Command {
        let path = self.bin.join(program);
        if self.as_postgres {
            let mut command = Command::new("runuser");
            command.args(["-u", "postgres", "--"]).arg(path);
            command
        } else {
            Command::new(path)
        }
    }

    /// Starts the server (again, after [`stop`](Self::stop)), on the same port and data.
    pub fn start_again(&mut self) -> Result<(), String> {
        let options = format!(
            "-c listen_addresses=127.0.0.1 -p {} -k {} -c fsync=off -c max_connections=200",
            self.port,
            self.dir.display()
        );
        let log = self.dir.join("server.log").display().to_string();
        run(self.command("pg_ctl").args([
            "-D",
            &self.data(),
            "-l",
            &log,
            "-w",
            "-t",
            "60",
            "-o",
            &options,
            "start",
        ]))
    }

    /// Stops the server now (fast shutdown: open connections are closed).
    pub fn stop(&self) -> Result<(), String> {
        run(self
            .command("pg_ctl")
            .args(["-D", &self.data(), "-w", "-m", "fast", "stop"]))
    }

    /// The URL of `database` on this server.
    pub fn url(&self, database: &str) -> String {
        format!("postgres://agentrace@127.0.0.1:{}/{database}", self.port)
    }

    /// A process that stops the server and removes its folder once this process is gone,
    /// however it ends.
    fn watch(&self) {
        let stop = format!(
            "while kill -0 {pid} 2>/dev/null; do sleep 0.5; done; {runas}{pg_ctl} -D {data} -m immediate stop >/dev/null 2>&1; rm -rf {dir}",
            pid = std::process::id(),
            runas = if self.as_postgres { "runuser -u postgres -- " } else { "" },
            pg_ctl = self.bin.join("pg_ctl").display(),
            data = self.data(),
            dir = self.dir.display(),
        );
        let _ = Command::new("sh")
            .args(["-c", &stop])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn();
    }

    /// The server's folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }
}

impl Drop for PgServer {
    fn drop(&mut self) {
        let _ = self.stop();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn run(command: &mut Command) -> Result<(), String> {
    let output = command
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("cannot run {command:?}: {e} ({INSTALL_HINT})"))?;
    if output.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{command:?} failed: {}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        ))
    }
}

/// Waits until `url` accepts connections, at most `timeout`.
pub fn wait_ready(url: &str, timeout: Duration) -> bool {
    let deadline = std::time::Instant::now() + timeout;
    while std::time::Instant::now() < deadline {
        if postgres::Client::connect(url, postgres::NoTls).is_ok() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    false
}
