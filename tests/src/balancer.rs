//! A small round-robin load balancer on loopback, for multi-instance tests: each connection
//! goes to the next backend in turn, and the request's head gets the balancer's hop appended to
//! `X-Forwarded-For` (the peer's address, as nginx's `$proxy_add_x_forwarded_for` does).
//!
//! One request per connection: clients of the balancer should not keep connections alive
//! ([`crate::client_without_keepalive`]), since only the first request's head is rewritten.

use std::{
    net::SocketAddr,
    sync::{
        Arc,
        atomic::{AtomicUsize, Ordering},
    },
};

use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::{TcpListener, TcpStream},
    task::JoinHandle,
};

/// A running balancer; stops when dropped.
pub struct Balancer {
    /// `http://127.0.0.1:<port>`.
    pub base: String,
    task: JoinHandle<()>,
    served: Arc<Vec<AtomicUsize>>,
}

impl Balancer {
    /// Starts a balancer in front of `backends` (`http://host:port` bases).
    ///
    /// # Panics
    /// When no loopback port is free.
    pub async fn start(backends: &[&str]) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let base = format!("http://{}", listener.local_addr().expect("address"));
        let backends: Arc<Vec<String>> = Arc::new(
            backends
                .iter()
                .map(|b| b.trim_start_matches("http://").to_owned())
                .collect(),
        );
        let served = Arc::new(
            (0..backends.len())
                .map(|_| AtomicUsize::new(0))
                .collect::<Vec<_>>(),
        );
        let counts = Arc::clone(&served);
        let task = tokio::spawn(async move {
            let mut next = 0;
            while let Ok((client, peer)) = listener.accept().await {
                let index = next % backends.len();
                next += 1;
                counts[index].fetch_add(1, Ordering::Relaxed);
                let backend = backends[index].clone();
                tokio::spawn(forward(client, peer, backend));
            }
        });
        Self { base, task, served }
    }

    /// `http://127.0.0.1:<port><path>`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// How many connections each backend got.
    pub fn served(&self) -> Vec<usize> {
        self.served
            .iter()
            .map(|c| c.load(Ordering::Relaxed))
            .collect()
    }
}

impl Drop for Balancer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Reads the request head, appends the peer to `X-Forwarded-For`, then pipes both ways.
async fn forward(mut client: TcpStream, peer: SocketAddr, backend: String) {
    let mut head = Vec::new();
    let mut buffer = [0_u8; 4096];
    let end = loop {
        let Ok(read) = client.read(&mut buffer).await else {
            return;
        };
        if read == 0 {
            return;
        }
        head.extend_from_slice(&buffer[..read]);
        if let Some(at) = head.windows(4).position(|w| w == b"\r\n\r\n") {
            break at;
        }
        if head.len() > 64 * 1024 {
            return;
        }
    };
    let (request, body) = head.split_at(end);
    let text = String::from_utf8_lossy(request);
    let mut lines: Vec<String> = Vec::new();
    let mut forwarded = false;
    for line in text.split("\r\n") {
        match line.split_once(':') {
            Some((name, value)) if name.eq_ignore_ascii_case("x-forwarded-for") => {
                lines.push(format!("X-Forwarded-For: {}, {}", value.trim(), peer.ip()));
                forwarded = true;
            }
            _ => lines.push(line.to_owned()),
        }
    }
    if !forwarded {
        lines.push(format!("X-Forwarded-For: {}", peer.ip()));
    }
    let Ok(mut upstream) = TcpStream::connect(&backend).await else {
        return;
    };
    let mut rewritten = lines.join("\r\n").into_bytes();
    rewritten.extend_from_slice(body);
    if upstream.write_all(&rewritten).await.is_err() {
        return;
    }
    let _ = tokio::io::copy_bidirectional(&mut client, &mut upstream).await;
}
