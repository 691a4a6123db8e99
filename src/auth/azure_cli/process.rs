//! Running `az` so that it can never hang its caller (cargo, through feedctl as provider).
//!
//! `az` is a wrapper: on Linux a shell script that starts Python without `exec`, on Windows
//! `az.cmd`, a batch file that starts `python.exe`. Killing the wrapper alone would leave
//! Python running and holding the output pipes, so on a timeout the whole tree is ended: on
//! Unix `az` runs in its own process group and the group gets `SIGKILL`; on Windows
//! `taskkill /T /F` ends the process and its children (taskkill ships with every Windows).
//! (Its own process group also keeps a Ctrl-C in the terminal from reaching az; az then
//! finishes or hits the timeout on its own, as feedctl has gone.)

use std::io::Read;
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// The most bytes kept of each of az's output streams.
const OUTPUT_LIMIT: u64 = 1024 * 1024;

/// What a finished `az` left behind.
pub struct Output {
    pub status: ExitStatus,
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
}

/// Why there is no [`Output`].
pub enum RunError {
    /// `az` could not be started.
    Spawn(std::io::Error),
    /// `az` did not finish in time and was ended.
    TimedOut,
}

/// Runs `program args…` with stdin closed, and ends it (and its children) after `timeout`.
pub fn run(program: &Path, args: &[&str], timeout: Duration) -> Result<Output, RunError> {
    let deadline = Instant::now() + timeout;
    let mut command = Command::new(program);
    command
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        command.process_group(0);
    }
    let mut child = command.spawn().map_err(RunError::Spawn)?;
    // Both pipes are drained on their own threads, so a chatty az never blocks on a full pipe.
    // After a timeout the threads are left behind: they end when the killed tree's pipes close.
    let (sender, receiver) = mpsc::channel();
    for (stream, pipe) in [
        (
            0,
            child
                .stdout
                .take()
                .map(|p| Box::new(p) as Box<dyn Read + Send>),
        ),
        (
            1,
            child
                .stderr
                .take()
                .map(|p| Box::new(p) as Box<dyn Read + Send>),
        ),
    ] {
        let sender = sender.clone();
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            if let Some(pipe) = pipe {
                // az's answers are a few KB; a wrapper that never stops writing is cut off
                // here (and then blocks until the timeout ends it) rather than filling memory.
                let _ = pipe.take(OUTPUT_LIMIT).read_to_end(&mut bytes);
            }
            let _ = sender.send((stream, bytes));
        });
    }
    let mut streams = [Vec::new(), Vec::new()];
    for _ in 0..2 {
        let left = deadline.saturating_duration_since(Instant::now());
        match receiver.recv_timeout(left) {
            Ok((stream, bytes)) => streams[stream] = bytes,
            Err(_) => return Err(kill_tree(child)),
        }
    }
    // Both pipes are closed, so az has (almost certainly) exited; still, never wait forever.
    loop {
        match child.try_wait() {
            Ok(Some(status)) => {
                let [stdout, stderr] = streams;
                return Ok(Output {
                    status,
                    stdout,
                    stderr,
                });
            }
            Ok(None) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(10)),
            Ok(None) => return Err(kill_tree(child)),
            Err(e) => return Err(RunError::Spawn(e)),
        }
    }
}

/// Ends `child` and everything it started; returns [`RunError::TimedOut`].
fn kill_tree(mut child: Child) -> RunError {
    #[cfg(unix)]
    if let Ok(group) = i32::try_from(child.id()) {
        // SAFETY: kill(2) with a negative pid signals the process group `az` leads.
        unsafe {
            libc::kill(-group, libc::SIGKILL);
        }
    }
    #[cfg(windows)]
    {
        let _ = Command::new("taskkill")
            .args(["/PID", &child.id().to_string(), "/T", "/F"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    }
    let _ = child.kill();
    let _ = child.wait();
    RunError::TimedOut
}
