//! [`TlsFront`]: an HTTPS front for a [`FakeFeed`](super::FakeFeed) on loopback, with a
//! certificate from a private test CA (`tests/fixtures/tls/`), to check that feedctl trusts
//! exactly what cargo trusts (`http.cainfo`).
//!
//! One request per connection: the request goes to the feed with `Connection: close`, and the
//! feed's answer comes back byte for byte (so `config.json`'s `dl` still points at the plain
//! feed, which cargo does not mind on loopback).

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};

use super::FakeFeed;

/// A running HTTPS front; stops when dropped.
pub struct TlsFront {
    port: u16,
    backend: String,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

/// The private CA's certificate (PEM), for `http.cainfo`.
pub fn test_ca() -> PathBuf {
    fixtures().join("ca.pem")
}

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/tls")
}

impl TlsFront {
    pub fn start(feed: &FakeFeed) -> TlsFront {
        TlsFront::start_for(feed.server_url().trim_start_matches("http://"))
    }

    /// A front for any plain loopback server at `backend` (`127.0.0.1:PORT`).
    pub fn start_for(backend: &str) -> TlsFront {
        let certs: Vec<CertificateDer<'static>> =
            CertificateDer::pem_file_iter(fixtures().join("server.pem"))
                .expect("read server.pem")
                .collect::<Result<_, _>>()
                .expect("parse server.pem");
        let key = PrivateKeyDer::from_pem_file(fixtures().join("server.key")).expect("server.key");
        let config = rustls::ServerConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .expect("TLS versions")
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .expect("server certificate");
        let config = Arc::new(config);
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind the TLS front");
        let port = listener.local_addr().unwrap().port();
        let backend = backend.to_string();
        let stop = Arc::new(AtomicBool::new(false));
        let thread = {
            let (stop, backend) = (stop.clone(), backend.clone());
            std::thread::spawn(move || {
                for stream in listener.incoming() {
                    if stop.load(Ordering::SeqCst) {
                        break;
                    }
                    let Ok(stream) = stream else { continue };
                    let (config, backend) = (config.clone(), backend.clone());
                    std::thread::spawn(move || serve(stream, config, &backend));
                }
            })
        };
        TlsFront {
            port,
            backend,
            stop,
            thread: Some(thread),
        }
    }

    /// `https://127.0.0.1:<front port>`
    pub fn url(&self) -> String {
        format!("https://127.0.0.1:{}", self.port)
    }

    /// `feed.index_url()` with `https://127.0.0.1:<front port>` in place of the plain feed.
    pub fn index_url(&self, feed: &FakeFeed) -> String {
        feed.index_url().replace(
            &format!("http://{}", self.backend),
            &format!("https://127.0.0.1:{}", self.port),
        )
    }
}

impl Drop for TlsFront {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop so it sees the flag.
        let _ = TcpStream::connect(("127.0.0.1", self.port));
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// One connection: handshake, one request forwarded, the answer copied back. A client that
/// rejects the certificate ends the handshake; that is the point of some tests.
fn serve(stream: TcpStream, config: Arc<rustls::ServerConfig>, backend: &str) {
    let Ok(connection) = rustls::ServerConnection::new(config) else {
        return;
    };
    let mut tls = rustls::StreamOwned::new(connection, stream);
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        match tls.read(&mut byte) {
            Ok(1) => head.push(byte[0]),
            _ => return,
        }
    }
    let head = String::from_utf8_lossy(&head);
    let mut request: String = head
        .split("\r\n")
        .filter(|line| !line.is_empty() && !line.to_ascii_lowercase().starts_with("connection:"))
        .map(|line| format!("{line}\r\n"))
        .collect();
    request += "Connection: close\r\n\r\n";
    let Ok(mut upstream) = TcpStream::connect(backend) else {
        return;
    };
    let mut answer = Vec::new();
    if upstream.write_all(request.as_bytes()).is_ok() && upstream.read_to_end(&mut answer).is_ok() {
        let _ = tls.write_all(&answer);
        let _ = tls.flush();
        tls.conn.send_close_notify();
        let _ = tls.flush();
    }
}
