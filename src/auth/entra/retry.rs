//! Asking a managed identity endpoint again while it is busy, on Microsoft's schedules as MSAL
//! implements them (`AzureAD/microsoft-authentication-library-for-dotnet`,
//! `src/client/Microsoft.Identity.Client/Http/Retry/ImdsRetryPolicy.cs`, `DefaultRetryPolicy.cs`
//! and `docs/imds_retry_based_on_errors.md`; `azure-identity` for Python retries the same IMDS
//! status codes in `_credentials/imds.py`, and 408/429/5xx elsewhere through azure-core):
//!
//! - IMDS: 404, 408, 429 and 5xx are retried 3 times after 1, 2 and 4 seconds; 410 ("IMDS is
//!   being updated") 7 times, 10 seconds apart, so for the 70 seconds the IMDS documentation
//!   asks for. The first answer decides the number of retries, so one request waits at most
//!   70 seconds in all, over at most 8 attempts.
//! - The other hosts' endpoints (App Service, Azure Arc, Cloud Shell): 404, 408, 429, 500, 503
//!   and 504 are retried 3 times, a second apart.
//!
//! Each attempt is bounded by the client's timeout. Network errors are not retried: these
//! endpoints are on the machine itself (or link-local) and answer at once when they are there.

use std::time::Duration;

use anyhow::Result;
use reqwest::blocking::RequestBuilder;
use url::Url;

use super::http::{self, Reply};
use crate::ui;

/// Which endpoint is asked, and so which schedule applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Schedule {
    Imds,
    Host,
}

/// The IMDS exponential schedule's retries (404, 408, 429, 5xx), and the hosts' retries.
const RETRIES: u32 = 3;
/// The 410 schedule's retries, [`GONE_DELAY`] apart.
const GONE_RETRIES: u32 = 7;
/// Seconds between retries of a 410.
const GONE_DELAY: u64 = 10;

/// Whether an answer is worth asking again.
pub fn retryable(schedule: Schedule, status: u16) -> bool {
    match schedule {
        Schedule::Imds => matches!(status, 404 | 408 | 410 | 429 | 500..=599),
        Schedule::Host => matches!(status, 404 | 408 | 429 | 500 | 503 | 504),
    }
}

/// The wait before retry number `retry` (0 for the first) after `status`, when the first
/// answer was `first`; `None` when it is time to give up. In seconds of the schedule.
pub fn backoff(schedule: Schedule, first: u16, status: u16, retry: u32) -> Option<u64> {
    let retries = if schedule == Schedule::Imds && first == 410 {
        GONE_RETRIES
    } else {
        RETRIES
    };
    if !retryable(schedule, status) || retry >= retries {
        return None;
    }
    Some(match schedule {
        Schedule::Imds if status == 410 => GONE_DELAY,
        Schedule::Imds => 1 << retry.min(2),
        Schedule::Host => 1,
    })
}

/// Sends the request `build` makes until the endpoint gives an answer that is not worth
/// retrying or the schedule ends; returns the last answer and how many were asked. `second`
/// is how long a second of the schedule lasts (shorter only in tests).
pub fn send(
    schedule: Schedule,
    build: impl Fn() -> Result<RequestBuilder>,
    what: &str,
    url: &Url,
    second: Duration,
) -> Result<(Reply, u32)> {
    let mut reply = http::send(build()?, what, url)?;
    let first = reply.status;
    let mut asked = 1;
    while let Some(wait) = backoff(schedule, first, reply.status, asked - 1) {
        let said = format!(
            "{what} answered HTTP {}; asking again in {wait} s",
            reply.status
        );
        // A long wait (IMDS being updated) is said, so nobody takes it for a hang.
        if wait >= GONE_DELAY {
            ui::note(format!(
                "{said} (for at most {} s in all)",
                GONE_DELAY * u64::from(GONE_RETRIES)
            ));
        } else {
            ui::debug(format!("entra: {said}"));
        }
        std::thread::sleep(second * wait as u32);
        reply = http::send(build()?, what, url)?;
        asked += 1;
    }
    Ok((reply, asked))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schedule(schedule: Schedule, first: u16) -> Vec<u64> {
        (0..)
            .map_while(|n| backoff(schedule, first, first, n))
            .collect()
    }

    #[test]
    fn the_schedules_are_microsofts() {
        use Schedule::{Host, Imds};
        assert_eq!(schedule(Imds, 404), [1, 2, 4]);
        assert_eq!(schedule(Imds, 429), [1, 2, 4]);
        assert_eq!(schedule(Imds, 503), [1, 2, 4]);
        assert_eq!(schedule(Imds, 410), [10; 7]);
        assert_eq!(schedule(Imds, 410).iter().sum::<u64>(), 70);
        assert_eq!(schedule(Host, 503), [1, 1, 1]);
        assert!(schedule(Host, 410).is_empty());
        assert!(schedule(Host, 502).is_empty());
        for final_answer in [200, 400, 401, 403] {
            assert_eq!(backoff(Imds, final_answer, final_answer, 0), None);
            assert_eq!(backoff(Host, final_answer, final_answer, 0), None);
        }
        // A 410 later in an exponential run waits 10 s but does not extend the run.
        assert_eq!(backoff(Imds, 404, 410, 2), Some(10));
        assert_eq!(backoff(Imds, 404, 410, 3), None);
    }
}
