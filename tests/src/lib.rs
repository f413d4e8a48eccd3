//! Harness for the integration tests: starts the real `trust-console` release binary on a free
//! loopback port with a fresh data directory, and talks to it over HTTP.
//!
//! The binary is `$TRUST_CONSOLE_BIN`, or `target/release/trust-console` (built by
//! `scripts/build`, with the site embedded). It is started from inside its data directory, so
//! anything that only works from the repository checkout fails here.

use std::{
    io::{BufRead, BufReader},
    path::{Path, PathBuf},
    process::{Child, Command, ExitStatus, Stdio},
    sync::{Arc, Mutex, mpsc},
    time::{Duration, Instant},
};

use tempfile::TempDir;

pub mod balancer;
pub mod https;

/// The PostgreSQL server the suite runs against instead of SQLite, when
/// `TRUST_CONSOLE_TEST_POSTGRES` names one (`postgres://user@host:port`, no database, with
/// connection parameters after `?` — `scripts/test` gives `?sslmode=require`): every
/// data directory then gets a database of its own on it, created on first start. Unset, every
/// console runs on the SQLite file in its data directory.
pub fn postgres_server() -> Option<String> {
    std::env::var("TRUST_CONSOLE_TEST_POSTGRES")
        .ok()
        .filter(|url| !url.is_empty())
        .map(|url| url.trim_end_matches('/').to_owned())
}

/// Whether the suite runs on PostgreSQL. Tests of what only SQLite has (its file, its lock file,
/// an upgrade from an old SQLite database) return early there, saying so.
pub fn on_postgres() -> bool {
    postgres_server().is_some()
}

/// Skips the calling test on PostgreSQL with a note; `true` when it should return.
pub fn sqlite_only(what: &str) -> bool {
    if on_postgres() {
        eprintln!("skipped on PostgreSQL: {what} is SQLite's alone");
        return true;
    }
    false
}

/// The URL of database `name` on the server [`postgres_server`] names, keeping its parameters.
fn postgres_database_url(server: &str, name: &str) -> String {
    match server.split_once('?') {
        Some((base, parameters)) => format!("{}/{name}?{parameters}", base.trim_end_matches('/')),
        None => format!("{server}/{name}"),
    }
}

/// The database URL of the console on `data_dir` when the suite runs on PostgreSQL (its
/// database created when missing); `None` on SQLite.
///
/// # Panics
/// When the database cannot be created.
pub fn database_url_for(data_dir: &Path) -> Option<String> {
    let server = postgres_server()?;
    // One database per data directory, so that a console restarted on the same directory finds
    // its data again, as it would in its SQLite file.
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in data_dir.as_os_str().as_encoded_bytes() {
        hash = (hash ^ u64::from(*byte)).wrapping_mul(0x0100_0000_01b3);
    }
    let name = format!("tc_{hash:016x}");
    // Created once per test process (this is called on every start and CLI call).
    static CREATED: Mutex<Vec<String>> = Mutex::new(Vec::new());
    let mut created = CREATED
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if !created.contains(&name) {
        let output = Command::new("psql")
            .arg(postgres_database_url(&server, "postgres"))
            .args(["-v", "ON_ERROR_STOP=1", "-qc"])
            .arg(format!("CREATE DATABASE {name}"))
            .output()
            .expect("run psql");
        // Consoles started together on one directory get here one after the other (the lock).
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            output.status.success() || stderr.contains("already exists"),
            "create database {name}: {stderr}"
        );
        created.push(name.clone());
    }
    drop(created);
    Some(postgres_database_url(&server, &name))
}

/// The binary as a command working on the console of `data_dir` (its database on PostgreSQL;
/// the caller passes `--data-dir` as a user would).
pub fn command_on(data_dir: &Path) -> Command {
    let mut command = Command::new(binary());
    use_database_of(&mut command, data_dir);
    command
}

/// Points `command` at the database of `data_dir`: its PostgreSQL database when the suite runs
/// on PostgreSQL (nothing to do on SQLite, where `--data-dir` finds the file).
pub fn use_database_of(command: &mut Command, data_dir: &Path) {
    if let Some(url) = database_url_for(data_dir) {
        command.env("DATABASE_URL", url);
    }
}

/// Everything the console's database holds, as `(name, bytes)`: on SQLite the database files
/// (main file, WAL, shared memory) of `data_dir`, on PostgreSQL a `pg_dump` of its database.
///
/// # Panics
/// When `pg_dump` fails.
pub fn database_contents(data_dir: &Path) -> Vec<(String, Vec<u8>)> {
    if let Some(url) = database_url_for(data_dir) {
        let output = Command::new("pg_dump")
            .args(["--data-only", "--inserts"])
            .arg(&url)
            .output()
            .expect("run pg_dump");
        assert!(
            output.status.success(),
            "pg_dump: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        return vec![("pg_dump".to_owned(), output.stdout)];
    }
    ["", "-wal", "-shm"]
        .iter()
        .filter_map(|suffix| {
            let name = format!("trust-console.db{suffix}");
            std::fs::read(data_dir.join(&name)).ok().map(|b| (name, b))
        })
        .collect()
}

/// The admin password every test console starts with.
pub const ADMIN_PASSWORD: &str = "integration-admin-password";

/// The binary under test.
///
/// # Panics
/// When it has not been built.
pub fn binary() -> PathBuf {
    let path = std::env::var_os("TRUST_CONSOLE_BIN").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/release/trust-console"),
        PathBuf::from,
    );
    assert!(
        path.is_file(),
        "{} is missing: run scripts/build first",
        path.display()
    );
    path
}

/// Runs the CLI with `args`; returns the exit code and stdout parsed as JSON.
///
/// # Panics
/// When the binary cannot run or stdout is not JSON.
pub fn run_cli(args: &[&str]) -> (Option<i32>, serde_json::Value) {
    let mut command = Command::new(binary());
    command.args(args);
    // On PostgreSQL, a command given `--data-dir` works on that directory's database.
    if let Some(dir) = args
        .windows(2)
        .find(|pair| pair[0] == "--data-dir")
        .map(|pair| pair[1])
    {
        use_database_of(&mut command, Path::new(dir));
    }
    let output = command.output().expect("run trust-console");
    let json = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "{args:?}: stdout is not JSON ({e}): {}\nstderr: {}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    });
    (output.status.code(), json)
}

/// The `secure-settings.yml` that `trust-console export --draft --include-secrets` writes into
/// `out` for the console that `source` names (`--data-dir D`, or `--database-url U
/// --master-key-file K`).
///
/// # Panics
/// When the export fails or writes no secure settings.
pub fn exported_secure_settings(source: &[&str], out: &Path) -> String {
    let out_text = out.to_str().expect("UTF-8 path");
    let args = ["export", "--draft", "--include-secrets", "--out", out_text];
    let (code, report) = run_cli(&[&args[..], source].concat());
    assert_eq!(code, Some(0), "{report}");
    std::fs::read_to_string(out.join("secure-settings.yml")).expect("secure-settings.yml")
}

/// A running console. Killed when dropped unless stopped first.
pub struct Console {
    child: Option<Child>,
    /// `http://127.0.0.1:<port>`.
    pub base: String,
    /// How long from spawning the process until it listened.
    pub startup: Duration,
    logs: Arc<Mutex<String>>,
    data_dir: Arc<TempDir>,
}

impl Console {
    /// Starts a console on a new, empty data directory.
    pub fn start() -> Self {
        Self::start_in(Arc::new(TempDir::new().expect("temp dir")))
    }

    /// Starts a console on `data_dir` (kept alive by the returned console).
    ///
    /// # Panics
    /// When the server does not report a listening address within 60 seconds.
    pub fn start_in(data_dir: Arc<TempDir>) -> Self {
        Self::start_with(data_dir, &[])
    }

    /// Starts a console on `data_dir` with extra environment variables.
    ///
    /// # Panics
    /// When the server does not report a listening address within 60 seconds.
    pub fn start_with(data_dir: Arc<TempDir>, env: &[(&str, &str)]) -> Self {
        let started = Instant::now();
        let mut command = Command::new(binary());
        command
            .args(["serve", "--address", "127.0.0.1:0", "--data-dir"])
            .arg(data_dir.path())
            .current_dir(data_dir.path())
            .env("TRUST_CONSOLE_ADMIN_PASSWORD", ADMIN_PASSWORD)
            .env("RUST_LOG", "info")
            .env_remove("DATABASE_URL")
            .env_remove("LEPTOS_SITE_ROOT");
        use_database_of(&mut command, data_dir.path());
        let mut child = command
            .envs(env.iter().copied())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn trust-console");
        let stderr = child.stderr.take().expect("stderr piped");
        let logs = Arc::new(Mutex::new(String::new()));
        let (address_tx, address_rx) = mpsc::channel();
        let sink = Arc::clone(&logs);
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if let Some(address) = line.split("listening on http://").nth(1) {
                    let address: String = address
                        .chars()
                        .take_while(|c| c.is_ascii_digit() || matches!(c, '.' | ':'))
                        .collect();
                    let _ = address_tx.send(address);
                }
                let mut logs = sink
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner);
                logs.push_str(&line);
                logs.push('\n');
            }
        });
        let address = address_rx
            .recv_timeout(Duration::from_secs(60))
            .unwrap_or_else(|_| {
                let _ = child.kill();
                panic!(
                    "trust-console did not start; log:\n{}",
                    logs.lock().map(|l| l.clone()).unwrap_or_default()
                )
            });
        Self {
            child: Some(child),
            base: format!("http://{address}"),
            startup: started.elapsed(),
            logs,
            data_dir,
        }
    }

    /// The server's process id.
    ///
    /// # Panics
    /// When it was stopped.
    pub fn pid(&self) -> u32 {
        self.child.as_ref().expect("running").id()
    }

    /// A `/proc/<pid>/status` figure of the server in KiB (`VmRSS`, `VmHWM` for the peak).
    ///
    /// # Panics
    /// When the process or the field is gone.
    pub fn memory_kib(&self, field: &str) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid()))
            .expect("read /proc status");
        status
            .lines()
            .find_map(|line| line.strip_prefix(&format!("{field}:")))
            .and_then(|rest| rest.trim().trim_end_matches(" kB").trim().parse().ok())
            .unwrap_or_else(|| panic!("no {field} in /proc status"))
    }

    /// Whether the server still answers its health check.
    pub async fn is_alive(&self) -> bool {
        reqwest::get(self.url("/api/v1/health"))
            .await
            .is_ok_and(|r| r.status().is_success())
    }

    /// The data directory, to restart a console on it.
    pub fn data_dir(&self) -> Arc<TempDir> {
        Arc::clone(&self.data_dir)
    }

    /// Absolute URL of `path`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Everything the server logged so far.
    pub fn logs(&self) -> String {
        self.logs.lock().map(|l| l.clone()).unwrap_or_default()
    }

    /// The log once a line satisfies `line` (the log is read on another thread, so a line the
    /// server just wrote may not be here yet), or after 10 seconds as it is then.
    pub fn logs_once(&self, line: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let logs = self.logs();
            if logs.lines().any(&line) || Instant::now() > deadline {
                return logs;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Sends SIGTERM and waits for a graceful exit.
    ///
    /// # Panics
    /// When the process does not exit within 20 seconds.
    pub fn stop(mut self) -> ExitStatus {
        let mut child = self.child.take().expect("running");
        let _ = Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .status();
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Some(status) = child.try_wait().expect("wait") {
                return status;
            }
            assert!(Instant::now() < deadline, "trust-console ignored SIGTERM");
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Console {
    fn drop(&mut self) {
        if let Some(child) = self.child.as_mut() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// A client that opens a new connection for every request (for [`balancer::Balancer`]).
///
/// # Panics
/// When the client cannot be built.
pub fn client_without_keepalive() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .pool_max_idle_per_host(0)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
}

/// An HTTP client that keeps cookies, like a browser, and follows no redirects.
pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
}

/// Like [`client`], but connecting from `address` (any of 127.0.0.0/8 reaches the loopback
/// server), so that a test can play several client addresses.
pub fn client_from(address: std::net::IpAddr) -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .local_address(address)
        .build()
        .expect("client")
}

/// Logs in as admin over the JSON API and returns the CSRF token.
///
/// # Panics
/// When the login is refused.
pub async fn login(client: &reqwest::Client, console: &Console, password: &str) -> String {
    let response = client
        .post(console.url("/api/v1/session"))
        .json(&serde_json::json!({"username": "admin", "password": password}))
        .send()
        .await
        .expect("login request");
    assert_eq!(response.status(), 200, "login refused");
    let body: serde_json::Value = response.json().await.expect("login body");
    body["csrf_token"].as_str().expect("csrf_token").to_owned()
}

/// Sends `PUT /api/v1/account/password` with `csrf` (when given) as the CSRF header.
///
/// # Panics
/// When the request cannot be sent.
pub async fn change_password(
    client: &reqwest::Client,
    console: &Console,
    csrf: Option<&str>,
    current: &str,
    new: &str,
) -> reqwest::Response {
    let mut request = client
        .put(console.url("/api/v1/account/password"))
        .json(&serde_json::json!({"current_password": current, "new_password": new}));
    if let Some(csrf) = csrf {
        request = request.header("x-csrf-token", csrf);
    }
    request.send().await.expect("password change request")
}

/// A logged-in JSON API client for one console.
pub struct Api<'c> {
    /// The console it talks to.
    pub console: &'c Console,
    http: reqwest::Client,
    csrf: String,
}

impl<'c> Api<'c> {
    /// Logs in as admin.
    pub async fn login(console: &'c Console) -> Self {
        let http = client();
        let csrf = login(&http, console, ADMIN_PASSWORD).await;
        Self {
            console,
            http,
            csrf,
        }
    }

    /// The underlying client (with the session cookie).
    pub fn http(&self) -> &reqwest::Client {
        &self.http
    }

    /// The session's CSRF token.
    pub fn csrf(&self) -> &str {
        &self.csrf
    }

    async fn send(&self, request: reqwest::RequestBuilder) -> (u16, serde_json::Value) {
        let response = request.send().await.expect("request");
        let status = response.status().as_u16();
        let text = response.text().await.expect("body");
        let json = if text.is_empty() {
            serde_json::Value::Null
        } else {
            serde_json::from_str(&text)
                .unwrap_or_else(|e| panic!("status {status}: body is not JSON ({e}): {text}"))
        };
        (status, json)
    }

    /// `GET path` → (status, JSON body).
    pub async fn get(&self, path: &str) -> (u16, serde_json::Value) {
        self.send(self.http.get(self.console.url(path))).await
    }

    /// `GET path` → (status, body as text), for the files the export serves.
    ///
    /// # Panics
    /// When the request fails.
    pub async fn get_text(&self, path: &str) -> (u16, String) {
        let response = self
            .http
            .get(self.console.url(path))
            .send()
            .await
            .expect("request");
        let status = response.status().as_u16();
        (status, response.text().await.expect("body"))
    }

    /// `PUT path` with a JSON body and the CSRF token.
    pub async fn put(&self, path: &str, body: &serde_json::Value) -> (u16, serde_json::Value) {
        self.send(
            self.http
                .put(self.console.url(path))
                .header("x-csrf-token", &self.csrf)
                .json(body),
        )
        .await
    }

    /// `POST path` with a JSON body and the CSRF token.
    pub async fn post_json(
        &self,
        path: &str,
        body: &serde_json::Value,
    ) -> (u16, serde_json::Value) {
        self.send(
            self.http
                .post(self.console.url(path))
                .header("x-csrf-token", &self.csrf)
                .json(body),
        )
        .await
    }

    /// `PUT path` with a raw body and content type, and the CSRF token.
    pub async fn put_raw(&self, path: &str, body: Vec<u8>) -> (u16, serde_json::Value) {
        self.send(
            self.http
                .put(self.console.url(path))
                .header("x-csrf-token", &self.csrf)
                .header("content-type", "application/json")
                .body(body),
        )
        .await
    }

    /// `DELETE path` with the CSRF token.
    pub async fn delete(&self, path: &str) -> (u16, serde_json::Value) {
        self.send(
            self.http
                .delete(self.console.url(path))
                .header("x-csrf-token", &self.csrf),
        )
        .await
    }
}
