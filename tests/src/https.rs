//! An HTTPS server on loopback (Python's `http.server` behind a certificate openssl makes
//! for 127.0.0.1, signed by a test CA at `<dir>/cert.pem`), for JWK set fetches.

use std::{
    io::{BufRead, BufReader},
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
};

const SERVER: &str = r#"
import functools, http.server, ssl, sys
directory, cert, key = sys.argv[1:4]
context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
context.load_cert_chain(cert, key)
handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=directory)
server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
server.socket = context.wrap_socket(server.socket, server_side=True)
print(server.server_address[1], flush=True)
server.serve_forever()
"#;

/// A Python HTTPS file server on loopback; killed when dropped.
pub struct Https {
    child: Child,
    /// Its port.
    pub port: u16,
    site: PathBuf,
    log: PathBuf,
}

impl Drop for Https {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Https {
    /// Starts a server for 127.0.0.1 in `dir` (certificates there, files under `dir/site`),
    /// serving `files`.
    ///
    /// # Panics
    /// When openssl or python3 fail.
    pub fn start(dir: &Path, files: &[(&str, &[u8])]) -> Self {
        // A CA, and a server certificate for 127.0.0.1 it signs (webpki refuses a CA
        // certificate used as the server's own).
        let openssl = |args: &[&str]| {
            let status = Command::new("openssl")
                .args(args)
                .current_dir(dir)
                .stderr(Stdio::null())
                .status()
                .expect("run openssl");
            assert!(status.success(), "openssl {args:?} failed");
        };
        openssl(&[
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=test CA",
            "-keyout",
            "ca.key",
            "-out",
            "cert.pem",
        ]);
        openssl(&[
            "req",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-subj",
            "/CN=127.0.0.1",
            "-keyout",
            "key.pem",
            "-out",
            "server.csr",
        ]);
        std::fs::write(
            dir.join("san.ext"),
            "subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\n",
        )
        .unwrap();
        openssl(&[
            "x509",
            "-req",
            "-in",
            "server.csr",
            "-CA",
            "cert.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-days",
            "1",
            "-extfile",
            "san.ext",
            "-out",
            "server.pem",
        ]);
        let site = dir.join("site");
        std::fs::create_dir_all(&site).unwrap();
        for (name, content) in files {
            std::fs::write(site.join(name), content).unwrap();
        }
        let mut child = Command::new("python3")
            .args(["-c", SERVER])
            .arg(&site)
            .arg(dir.join("server.pem"))
            .arg(dir.join("key.pem"))
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(dir.join("access.log")).expect("access log"))
            .spawn()
            .expect("run python3");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let port = line.trim().parse().expect("port");
        Self {
            child,
            port,
            site,
            log: dir.join("access.log"),
        }
    }

    /// How many requests reached the server so far (from its access log).
    pub fn requests(&self) -> usize {
        std::fs::read_to_string(&self.log)
            .unwrap_or_default()
            .lines()
            .filter(|line| line.contains("\"GET "))
            .count()
    }

    /// `https://127.0.0.1:<port>/<name>`.
    pub fn url(&self, name: &str) -> String {
        format!("https://127.0.0.1:{}/{name}", self.port)
    }

    /// Replaces what `name` serves (the server reads files on every request).
    ///
    /// # Panics
    /// When the file cannot be written.
    pub fn serve(&self, name: &str, content: &[u8]) {
        std::fs::write(self.site.join(name), content).unwrap();
    }
}
