//! [`CratesIo`]: a loopback stand-in for crates.io's sparse index (the value of
//! `FEEDCTL_TEST_CRATES_IO_URL`), knowing only the names a test gives it.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use tiny_http::{Response, Server};

use super::demo_crate::sparse_index_path;

/// A running stand-in; stops when dropped.
pub struct CratesIo {
    server: Arc<Server>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
    base: String,
    /// Every path asked, with whether an `Authorization` header came along.
    log: Arc<Mutex<Vec<(String, bool)>>>,
}

impl CratesIo {
    /// crates.io with crates of these names (one version each).
    pub fn start(names: &[&str]) -> CratesIo {
        let server = Arc::new(Server::http("127.0.0.1:0").expect("bind the crates.io stand-in"));
        let port = server.server_addr().to_ip().expect("TCP").port();
        let known: Vec<String> = names.iter().map(|n| sparse_index_path(n)).collect();
        let stop = Arc::new(AtomicBool::new(false));
        let log = Arc::new(Mutex::new(Vec::new()));
        let thread = {
            let (server, stop, log) = (server.clone(), stop.clone(), log.clone());
            std::thread::spawn(move || {
                while !stop.load(Ordering::SeqCst) {
                    let Ok(request) = server.recv() else { continue };
                    let path = request.url().trim_start_matches('/').to_owned();
                    let auth = request
                        .headers()
                        .iter()
                        .any(|h| h.field.equiv("Authorization"));
                    log.lock().unwrap().push((path.clone(), auth));
                    let status = if known.contains(&path) { 200 } else { 404 };
                    let _ = request.respond(Response::from_string("{}\n").with_status_code(status));
                }
            })
        };
        CratesIo {
            server,
            stop,
            thread: Some(thread),
            base: format!("http://127.0.0.1:{port}"),
            log,
        }
    }

    pub fn url(&self) -> &str {
        &self.base
    }

    /// The paths asked so far, each with whether a token came along.
    pub fn requests(&self) -> Vec<(String, bool)> {
        self.log.lock().unwrap().clone()
    }
}

impl Drop for CratesIo {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        self.server.unblock();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
