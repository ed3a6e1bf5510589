//! Worked example 2: fetch many URLs on a thread pool, sequentially first and then in parallel,
//! and print a summary of status codes, sizes and times.
//!
//! ```sh
//! cargo run -p example-worked --bin scraper                  # 60 pages of a loopback site
//! cargo run -p example-worked --bin scraper -- --workers 32 --url http://example.org/ --url http://example.com/
//! cargo run -p example-worked --bin scraper -- --timeline scraper.svg   # draw the parallel run
//! ```
// xtask-check-args: --pages 12 --workers 6

use std::path::PathBuf;
use std::time::Duration;

use anyhow::Result;
use clap::Parser;
use concurrent::ThreadPoolExecutor;
use concurrent::timeline::{Timeline, cli};
use example_worked::scraper::{self, Page, Summary};
use example_worked::site;
use example_worked::timing::{speedup_line, timed};
use indicatif::{ProgressBar, ProgressStyle};

/// Fetch URLs sequentially, then on a thread pool, and summarise what came back.
#[derive(Debug, Parser)]
struct Args {
    /// A URL to fetch (repeat the flag for more); without any, a loopback site with seeded delays
    /// is served and scraped.
    #[arg(long = "url", value_name = "URL")]
    urls: Vec<String>,
    /// Pages of the loopback site.
    #[arg(long, default_value_t = 60)]
    pages: usize,
    /// The seed of the loopback site's delays and sizes.
    #[arg(long, default_value_t = 7)]
    seed: u64,
    /// Workers of the thread pool.
    #[arg(long, default_value_t = 16)]
    workers: usize,
    /// Timeout of each request, in seconds.
    #[arg(long, default_value_t = 10)]
    timeout: u64,
    /// Skip the sequential run.
    #[arg(long)]
    parallel_only: bool,
    /// Draw the parallel run's task timeline into this SVG file (its folder must exist).
    #[arg(long, value_name = "FILE.svg", value_parser = cli::svg_path)]
    timeline: Option<PathBuf>,
}

fn main() -> Result<()> {
    let args = Args::parse();
    let workers = args.workers.max(1);
    // The server stays alive until the end of main.
    let (_server, urls) = if args.urls.is_empty() {
        let (server, urls) = site::start(args.pages, args.seed)?;
        println!(
            "scraping {} pages of a loopback site (delays {}-{} ms)",
            urls.len(),
            site::DELAY_MS.0,
            site::DELAY_MS.1
        );
        (Some(server), urls)
    } else {
        (None, args.urls)
    };
    let agent = scraper::agent(Duration::from_secs(args.timeout));

    let sequential = if args.parallel_only {
        None
    } else {
        let (pages, took) = timed(|| scraper::scrape_sequential(&agent, &urls));
        println!(
            "sequential: {} pages in {:.2} s",
            pages.len(),
            took.as_secs_f64()
        );
        Some(took)
    };

    let pool = ThreadPoolExecutor::new(workers);
    let bar = ProgressBar::new(urls.len() as u64).with_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let on_page = |page: &Page| {
        bar.set_message(page.url.clone());
        bar.inc(1);
    };
    // Created now, so that its clock starts with the parallel run.
    let timeline = args.timeline.as_ref().map(|_| {
        Timeline::new(cli::CAP).titled(format!("{} URLs on {workers} threads", urls.len()))
    });
    let (pages, took) = timed(|| match &timeline {
        // `scrape` submits one task per URL, in order: the n-th task fetches the n-th URL.
        Some(timeline) => {
            let names = urls.clone();
            let pool = Timeline::record(timeline, &pool)
                .labelled(move |n| names.get(n).cloned().unwrap_or_else(|| format!("#{n}")));
            scraper::scrape(&pool, &agent, &urls, on_page)
        }
        None => scraper::scrape(&pool, &agent, &urls, on_page),
    });
    bar.finish_and_clear();
    println!(
        "parallel: {} pages in {:.2} s",
        pages.len(),
        took.as_secs_f64()
    );

    for page in &pages {
        match &page.outcome {
            Ok(fetched) => println!(
                "{:>4} {:>8} B {:>6} ms  {}",
                fetched.status,
                fetched.bytes,
                page.elapsed.as_millis(),
                page.url
            ),
            Err(reason) => println!("fail {reason}  {}", page.url),
        }
    }
    println!("{}", Summary::of(&pages));
    if let Some(sequential) = sequential {
        println!("{}", speedup_line(sequential, took, workers));
    }
    if let (Some(path), Some(timeline)) = (&args.timeline, &timeline) {
        cli::write_svg(timeline, path)
            .map(|said| println!("{said}"))
            .map_err(anyhow::Error::msg)?;
    }
    Ok(())
}
