//! Worked example 2: a web scraper. Many URLs are fetched on a `ThreadPoolExecutor`; each result is
//! taken as soon as it is ready with `as_completed` and matched back to its URL, Python's
//! `future_to_url` pattern; then the status codes, sizes and times are summarised.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::time::{Duration, Instant};

use concurrent::{Executor, as_completed};

/// What one GET brought back: the HTTP status (any status is a value, not an error) and the size
/// of the body read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fetched {
    /// The HTTP status code.
    pub status: u16,
    /// The bytes of the body.
    pub bytes: u64,
}

/// One URL's outcome: what was fetched, or why nothing was (a refused connection, a timeout, a
/// broken body, a task that panicked), and how long it took.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    /// The URL, as given.
    pub url: String,
    /// The response, or the reason there is none.
    pub outcome: Result<Fetched, String>,
    /// From the start of the request to the end of the body.
    pub elapsed: Duration,
}

/// A blocking HTTP client for the scraper: `timeout` bounds each request as a whole, and error
/// statuses (404, 500) are responses to count, not errors.
pub fn agent(timeout: Duration) -> ureq::Agent {
    ureq::Agent::config_builder()
        .timeout_global(Some(timeout))
        .http_status_as_error(false)
        .build()
        .into()
}

// ANCHOR: fetch
/// GETs `url` and reads its body to the end, counting the bytes (the body itself is not kept).
pub fn fetch(agent: &ureq::Agent, url: &str) -> (Result<Fetched, String>, Duration) {
    let start = Instant::now();
    let outcome = agent
        .get(url)
        .call()
        .map_err(|error| error.to_string())
        .and_then(|response| {
            let status = response.status().as_u16();
            let mut body = response.into_body().into_reader();
            let bytes = std::io::copy(&mut body, &mut std::io::sink())
                .map_err(|error| format!("status {status}, body cut: {error}"))?;
            Ok(Fetched { status, bytes })
        });
    (outcome, start.elapsed())
}
// ANCHOR_END: fetch

/// Fetches every URL one after the other: the baseline the parallel version is timed against.
pub fn scrape_sequential(agent: &ureq::Agent, urls: &[String]) -> Vec<Page> {
    urls.iter()
        .map(|url| {
            let (outcome, elapsed) = fetch(agent, url);
            let url = url.clone();
            Page {
                url,
                outcome,
                elapsed,
            }
        })
        .collect()
}

/// Fetches every URL on `pool` and returns one [`Page`] per URL **in completion order**, calling
/// `on_page` with each as soon as it is ready (the demo moves its progress bar there). A URL whose
/// task could not be submitted or panicked still gets its page, with the reason.
pub fn scrape<E: Executor>(
    pool: &E,
    agent: &ureq::Agent,
    urls: &[String],
    mut on_page: impl FnMut(&Page),
) -> Vec<Page> {
    let mut pages = Vec::with_capacity(urls.len());
    let mut report = |page: Page| {
        on_page(&page);
        pages.push(page);
    };

    // ANCHOR: future_to_url
    // Python: future_to_url = {executor.submit(fetch, url): url for url in urls}
    // A Future is not a dictionary key in Rust (it is neither Hash nor Copy), so each task gets
    // an id, the map goes from id to URL, and the id travels next to its future in a pair:
    // as_completed hands back the very pairs it was given.
    let mut future_to_url: HashMap<usize, &str> = HashMap::new();
    let mut futures = Vec::with_capacity(urls.len());
    for (id, url) in urls.iter().enumerate() {
        let (agent, task_url) = (agent.clone(), url.clone());
        match pool.submit(move || fetch(&agent, &task_url)) {
            Ok(future) => {
                future_to_url.insert(id, url);
                futures.push((id, future));
            }
            Err(error) => report(Page {
                url: url.clone(),
                outcome: Err(format!("not submitted: {error}")),
                elapsed: Duration::ZERO,
            }),
        }
    }
    // ANCHOR_END: future_to_url

    // ANCHOR: as_completed
    // Without a deadline as_completed never yields Err, so `flatten` loses nothing.
    for (id, future) in as_completed(futures, None).flatten() {
        let url = future_to_url[&id].to_owned();
        let page = match future.result() {
            Ok((outcome, elapsed)) => Page {
                url,
                outcome,
                elapsed,
            },
            // The task itself panicked: the worker survived, the URL is reported.
            Err(error) => Page {
                url,
                outcome: Err(error.to_string()),
                elapsed: Duration::ZERO,
            },
        };
        report(page);
    }
    // ANCHOR_END: as_completed
    pages
}

/// Counts per status code, failures, bytes and times of a scrape.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    /// How many pages got each status code.
    pub by_status: BTreeMap<u16, usize>,
    /// Pages without a response (connection refused, timeout, cut body...).
    pub failed: usize,
    /// The bytes of every body read.
    pub bytes: u64,
    /// The fastest and slowest page, and the mean time of all.
    pub fastest: Duration,
    /// The slowest page.
    pub slowest: Duration,
    /// The mean time per page.
    pub mean: Duration,
}

impl Summary {
    /// Summarises `pages` (in any order).
    pub fn of(pages: &[Page]) -> Self {
        let mut summary = Summary::default();
        let mut total = Duration::ZERO;
        for (n, page) in pages.iter().enumerate() {
            match &page.outcome {
                Ok(fetched) => {
                    *summary.by_status.entry(fetched.status).or_default() += 1;
                    summary.bytes += fetched.bytes;
                }
                Err(_) => summary.failed += 1,
            }
            total += page.elapsed;
            summary.fastest = if n == 0 {
                page.elapsed
            } else {
                summary.fastest.min(page.elapsed)
            };
            summary.slowest = summary.slowest.max(page.elapsed);
        }
        if let Ok(count) = u32::try_from(pages.len())
            && count > 0
        {
            summary.mean = total / count;
        }
        summary
    }
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let statuses: Vec<String> = self
            .by_status
            .iter()
            .map(|(status, count)| format!("{status}: {count}"))
            .collect();
        writeln!(f, "status codes: {}", statuses.join(", "))?;
        writeln!(f, "failed (no response): {}", self.failed)?;
        writeln!(f, "bytes: {}", self.bytes)?;
        write!(
            f,
            "time per page: fastest {} ms, mean {} ms, slowest {} ms",
            self.fastest.as_millis(),
            self.mean.as_millis(),
            self.slowest.as_millis()
        )
    }
}
