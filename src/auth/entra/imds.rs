//! The Azure Instance Metadata Service (VMs and scale sets): when to ask it, and how long to
//! keep asking while it answers that it is busy.
//!
//! The retry schedule follows Microsoft's IMDS guidance as MSAL implements it
//! (`AzureAD/microsoft-authentication-library-for-dotnet`,
//! `src/client/Microsoft.Identity.Client/Http/Retry/ImdsRetryPolicy.cs` and
//! `docs/imds_retry_based_on_errors.md`; `azure-identity` for Python retries the same status
//! codes in `_credentials/imds.py`): 404, 408, 429 and 5xx are retried 3 times after 1, 2 and
//! 4 seconds; 410 ("IMDS is being updated") is retried 7 times, 10 seconds apart, so for the
//! 70 seconds the documentation asks for. The first answer decides which schedule applies, so
//! a request waits at most 70 seconds in all, over at most 8 attempts (each bounded by the
//! client's timeout). Network errors are not retried: IMDS answers at once on an Azure VM.

use std::time::Duration;

use anyhow::Result;
use url::Url;

use super::http::{self, Reply};
use crate::ui;

/// The exponential schedule's retries (404, 408, 429, 5xx).
const EXPONENTIAL_RETRIES: u32 = 3;
/// The 410 schedule's retries, [`GONE_DELAY`] apart.
const GONE_RETRIES: u32 = 7;
/// Seconds between retries of a 410.
const GONE_DELAY: u64 = 10;

/// Test-only: how many milliseconds one second of the schedule lasts. Honoured only together
/// with the loopback `FEEDCTL_TEST_IMDS_ENDPOINT`, so the real IMDS always gets the real
/// schedule.
pub const TEST_SECOND_VAR: &str = "FEEDCTL_TEST_IMDS_SECOND_MS";

/// Whether an IMDS answer is worth asking again.
pub fn retryable(status: u16) -> bool {
    matches!(status, 404 | 408 | 410 | 429 | 500..=599)
}

/// The wait before retry number `retry` (0 for the first) after `status`, when the first
/// answer was `first`; `None` when it is time to give up. In seconds of the schedule.
pub fn backoff(first: u16, status: u16, retry: u32) -> Option<u64> {
    let retries = if first == 410 {
        GONE_RETRIES
    } else {
        EXPONENTIAL_RETRIES
    };
    if !retryable(status) || retry >= retries {
        return None;
    }
    Some(if status == 410 {
        GONE_DELAY
    } else {
        1 << retry.min(2)
    })
}

/// Sends the request `build` makes until IMDS gives an answer that is not worth retrying or
/// the schedule ends; returns the last answer and how many were asked.
pub fn send_with_retries(
    build: impl Fn() -> Result<reqwest::blocking::RequestBuilder>,
    url: &Url,
    second: Duration,
) -> Result<(Reply, u32)> {
    let what = "the Instance Metadata Service";
    let mut reply = http::send(build()?, what, url)?;
    let first = reply.status;
    let mut asked = 1;
    while let Some(wait) = backoff(first, reply.status, asked - 1) {
        ui::debug(format!(
            "entra: IMDS answered HTTP {}; asking again in {wait} s",
            reply.status
        ));
        std::thread::sleep(second * wait as u32);
        reply = http::send(build()?, what, url)?;
        asked += 1;
    }
    Ok((reply, asked))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schedule(first: u16) -> Vec<u64> {
        (0..).map_while(|n| backoff(first, first, n)).collect()
    }

    #[test]
    fn the_schedule_is_microsofts() {
        assert_eq!(schedule(404), [1, 2, 4]);
        assert_eq!(schedule(429), [1, 2, 4]);
        assert_eq!(schedule(503), [1, 2, 4]);
        assert_eq!(schedule(410), [10; 7]);
        assert_eq!(schedule(410).iter().sum::<u64>(), 70);
        for final_answer in [200, 400, 401, 403] {
            assert_eq!(backoff(final_answer, final_answer, 0), None);
        }
        // A 410 later in an exponential run waits 10 s but does not extend the run.
        assert_eq!(backoff(404, 410, 2), Some(10));
        assert_eq!(backoff(404, 410, 3), None);
    }
}
