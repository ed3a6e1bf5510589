//! The scraper's default target: a site on the loopback HTTP server of `course-testing`, with
//! varied, seeded delays, sizes and statuses, so the demo runs offline and the same every time.

use std::io;

use course_testing::http::{Delay, HttpServer, Route};

/// Replies wait between these many milliseconds, by a seeded hash of the path.
pub const DELAY_MS: (u64, u64) = (20, 300);

/// Starts a server with `pages` pages under `/page/N` and returns it with their URLs. Most pages
/// are `200` with a body of 1 to 64 KiB; every seventh answers `500`; every tenth is not served
/// (`404`). Delays and sizes depend only on `seed` and the path.
pub fn start(pages: usize, seed: u64) -> io::Result<(HttpServer, Vec<String>)> {
    let mut builder = HttpServer::builder().delay(Delay {
        seed,
        min_ms: DELAY_MS.0,
        max_ms: DELAY_MS.1,
    });
    for n in 0..pages {
        let route = if n % 7 == 6 {
            Route::status(500)
        } else {
            Route::generated(seed ^ n as u64, page_size(seed, n))
        };
        if n % 10 != 9 {
            builder = builder.route(&path(n), route);
        }
    }
    let server = builder.start()?;
    let urls = (0..pages).map(|n| server.url(&path(n))).collect();
    Ok((server, urls))
}

/// The expected status of page `n`: what the smoke test checks the scraper reports.
pub fn status_of(n: usize) -> u16 {
    match n {
        n if n % 10 == 9 => 404,
        n if n % 7 == 6 => 500,
        _ => 200,
    }
}

/// The body size of page `n` when it is a `200`: 1 to 64 KiB.
pub fn page_size(seed: u64, n: usize) -> u64 {
    let mixed =
        (seed ^ (n as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    1024 * (1 + (mixed >> 40) % 64)
}

fn path(n: usize) -> String {
    format!("/page/{n}")
}
