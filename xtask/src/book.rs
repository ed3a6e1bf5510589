//! `cargo xtask book [--serve] [--lang es] [--update-po]`: regenerate the book's timelines, then
//! build (or serve) the mdBook in `docs/`, in English or in a translation (`translation.rs`).
//! Also what `cargo xtask check` asks of the book's pictures: the timelines are not stale, and
//! every image of every page renders in a real (headless) Chromium.

mod translation;

pub use translation::{run_translated, translated_command, translated_dir, update_po};

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use anyhow::{Context, Result, bail};

use crate::{process, workspace};

/// The command that installs the mdBook version the book is written for.
pub const INSTALL: &str = "cargo install mdbook --locked --version ^0.5";

/// Where the book's timelines live, from the workspace root.
pub const TIMELINES: &str = "docs/src/timelines";

/// The longest the timelines' generator may take (building it included).
const GENERATE_LIMIT: Duration = Duration::from_secs(15 * 60);

/// Chromium processes at a time.
const BROWSERS: usize = 3;

/// The longest Chromium may take to load and report on one page.
const PAGE_LIMIT: Duration = Duration::from_secs(60);

/// True if an `mdbook` binary can be run.
pub fn mdbook_available() -> bool {
    Command::new("mdbook")
        .arg("--version")
        .output()
        .is_ok_and(|out| out.status.success())
}

fn require_mdbook() -> Result<()> {
    if !mdbook_available() {
        bail!("mdbook is not installed: run `{INSTALL}` (about 3 minutes), then try again");
    }
    Ok(())
}

pub fn run(root: &Path, serve: bool) -> Result<()> {
    require_mdbook()?;
    println!("Recording the timelines into {TIMELINES}/ ...");
    generate_timelines(root, &root.join(TIMELINES))?;
    let docs = root.join("docs");
    let status = Command::new("mdbook")
        .arg(if serve { "serve" } else { "build" })
        .arg(&docs)
        .status()
        .context("could not run mdbook")?;
    if !status.success() {
        bail!("mdbook failed ({status}): see its messages above");
    }
    if !serve {
        println!(
            "The book is in {}",
            docs.join("book").join("index.html").display()
        );
    }
    Ok(())
}

/// Runs `core/examples/timelines.rs`, which records every scenario and writes its chart to `out`.
pub fn generate_timelines(root: &Path, out: &Path) -> Result<()> {
    let mut command = workspace::cargo_command();
    command
        .args([
            "run",
            "-q",
            "-p",
            "concurrent",
            "--example",
            "timelines",
            "--",
            "--out",
        ])
        .arg(out)
        .current_dir(root);
    let outcome = process::run(command, GENERATE_LIMIT, process::NO_CAP)?;
    if !outcome.success() {
        bail!(
            "`cargo run -p concurrent --example timelines` failed{}:\n{}",
            if outcome.timed_out() {
                " (timed out)"
            } else {
                ""
            },
            process::tail(&outcome.combined(), 20)
        );
    }
    Ok(())
}

/// What a chart shows that does not depend on timing: its title and how many bars of each
/// outcome. (The rows are left out: which thread runs which task is the scheduler's choice, and
/// a CPU pool of 32 threads may use 31 of them in one run and 32 in the next.)
#[derive(Debug, PartialEq, Eq)]
pub struct ChartShape {
    pub title: String,
    pub bars: BTreeMap<String, usize>,
}

impl ChartShape {
    /// Reads the shape of an SVG written by `concurrent::timeline` (its own, known markup).
    pub fn of(svg: &str) -> ChartShape {
        let title = svg
            .split_once(r#"class="title""#)
            .and_then(|(_, rest)| rest.split_once('>'))
            .and_then(|(_, rest)| rest.split_once("</text>"))
            .map(|(title, _)| title.to_owned())
            .unwrap_or_default();
        let mut bars = BTreeMap::new();
        for piece in svg.split(r#"class="bar "#).skip(1) {
            let outcome = piece.split('"').next().unwrap_or_default();
            *bars.entry(outcome.to_owned()).or_default() += 1;
        }
        ChartShape { title, bars }
    }
}

impl std::fmt::Display for ChartShape {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "\"{}\" with bars {:?}", self.title, self.bars)
    }
}

/// The `.svg` files of `dir`, by name.
fn charts(dir: &Path) -> Result<BTreeMap<String, PathBuf>> {
    let entries =
        std::fs::read_dir(dir).with_context(|| format!("cannot list {}", dir.display()))?;
    Ok(entries
        .filter_map(|entry| entry.ok())
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "svg"))
        .filter_map(|path| Some((path.file_name()?.to_string_lossy().into_owned(), path)))
        .collect())
}

/// Regenerates the timelines into a temporary folder and compares them with the committed
/// ones: the same files, each with the same title and the same bars per outcome.
pub fn check_timelines(root: &Path) -> Result<String> {
    let fresh = std::env::temp_dir().join(format!("xtask-timelines-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&fresh);
    let generated = generate_timelines(root, &fresh);
    let compared = generated.and_then(|()| compare_charts(&root.join(TIMELINES), &fresh));
    let _ = std::fs::remove_dir_all(&fresh);
    compared
}

fn compare_charts(committed: &Path, fresh: &Path) -> Result<String> {
    let (old, new) = (charts(committed)?, charts(fresh)?);
    let mut stale = Vec::new();
    for (name, path) in &new {
        let Some(old_path) = old.get(name) else {
            stale.push(format!("{name} is missing from {TIMELINES}/"));
            continue;
        };
        let read = |path: &Path| {
            std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))
        };
        let (was, is) = (
            ChartShape::of(&read(old_path)?),
            ChartShape::of(&read(path)?),
        );
        if was != is {
            stale.push(format!("{name}: committed {was}, now {is}"));
        }
    }
    stale.extend(
        old.keys()
            .filter(|name| !new.contains_key(*name))
            .map(|name| format!("{name} is no longer generated: delete it")),
    );
    if !stale.is_empty() {
        bail!(
            "the book's timelines are stale (fix: `cargo xtask book`, then commit {TIMELINES}/):\n{}",
            stale.join("\n")
        );
    }
    Ok(format!("{} charts", new.len()))
}

/// The Chromium binary: `$CHROMIUM`, else the first of the usual names found on `PATH`.
fn chromium() -> Option<String> {
    if let Ok(path) = std::env::var("CHROMIUM") {
        return Some(path);
    }
    [
        "chromium",
        "chromium-browser",
        "google-chrome",
        "google-chrome-stable",
    ]
    .into_iter()
    .find(|name| {
        Command::new(name)
            .arg("--version")
            .output()
            .is_ok_and(|out| out.status.success())
    })
    .map(str::to_owned)
}

/// One image as the page's `render-check.js` saw it after `load`.
#[derive(Debug, serde::Deserialize)]
struct Rendered {
    src: String,
    complete: bool,
    #[serde(rename = "naturalWidth")]
    natural_width: f64,
    #[serde(rename = "naturalHeight")]
    natural_height: f64,
    width: f64,
    height: f64,
}

/// True if a page of the built book in `book` shows an image (a translation of a book without
/// pictures has nothing for [`check_pictures_in`] to open).
pub fn has_pictures(book: &Path) -> Result<bool> {
    Ok(html_pages(book)?
        .iter()
        .any(|page| std::fs::read_to_string(page).is_ok_and(|html| html.contains("<img"))))
}

/// [`check_pictures_in`] the built English book, `docs/book`.
pub fn check_pictures(root: &Path) -> Result<String> {
    check_pictures_in(&root.join("docs/book"))
}

/// Opens every page of the built book in `book` that has an image in headless Chromium and
/// checks what rendered: no image is broken, each is displayed with its own aspect ratio, and
/// each SVG is drawn at the size it declares (a timeline must declare one). The pages must
/// include `docs/render-check.js` (book.toml's `additional-js`).
pub fn check_pictures_in(book: &Path) -> Result<String> {
    let Some(browser) = chromium() else {
        bail!(
            "no Chromium to open the book in: install it (`apt-get install chromium` on Debian \
             and Ubuntu) or point $CHROMIUM at a Chrome or Chromium binary"
        );
    };
    let book = book.to_path_buf();
    let pages = html_pages(&book)?
        .into_iter()
        .filter(|page| std::fs::read_to_string(page).is_ok_and(|html| html.contains("<img")))
        .collect::<Vec<_>>();
    if pages.is_empty() {
        bail!(
            "no page of {} has an image: is the book built?",
            book.display()
        );
    }
    // Chromium takes a few seconds to start: open a few pages at a time.
    let rendered: Vec<(String, Result<Vec<Rendered>>)> = std::thread::scope(|scope| {
        let workers: Vec<_> = pages
            .chunks(pages.len().div_ceil(BROWSERS))
            .map(|chunk| {
                let (browser, book) = (&browser, &book);
                scope.spawn(move || {
                    chunk
                        .iter()
                        .map(|page| {
                            let name = page.strip_prefix(book).unwrap_or(page);
                            (name.display().to_string(), render(browser, page))
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|worker| worker.join().unwrap_or_default())
            .collect()
    });
    let mut problems = Vec::new();
    let mut images = 0;
    for (name, result) in rendered {
        match result {
            Ok(page_images) => {
                images += page_images.len();
                let page = book.join(&name);
                problems.extend(
                    page_problems(&book, &page, &page_images)
                        .into_iter()
                        .map(|problem| format!("{name}: {problem}")),
                );
            }
            Err(error) => problems.push(format!("{name}: {error:#}")),
        }
    }
    if !problems.is_empty() {
        bail!(
            "pictures of the book do not render:\n{}",
            problems.join("\n")
        );
    }
    Ok(format!("{images} images on {} pages", pages.len()))
}

/// What is wrong with a page's images. mdBook shows each image twice (the picture and a hidden
/// zoomed copy for click-to-zoom), so an image must be displayed once, and be whole everywhere.
fn page_problems(book: &Path, page: &Path, images: &[Rendered]) -> Vec<String> {
    let mut problems = Vec::new();
    let mut sources: Vec<&str> = images.iter().map(|image| image.src.as_str()).collect();
    sources.sort_unstable();
    sources.dedup();
    for src in sources {
        let copies: Vec<&Rendered> = images.iter().filter(|image| image.src == src).collect();
        let shown: Vec<&&Rendered> = copies
            .iter()
            .filter(|image| image.width >= 1.0 && image.height >= 1.0)
            .collect();
        let problem = copies
            .iter()
            .find_map(|image| image_problem(book, page, image, true))
            .or_else(|| match shown.first() {
                None => Some("is not displayed (0 x 0 px)".to_owned()),
                Some(image) => image_problem(book, page, image, false),
            });
        if let Some(problem) = problem {
            problems.push(format!("{src} {problem}"));
        }
    }
    problems
}

/// Loads `page` in headless Chromium and reads the report `render-check.js` left on `<body>`.
fn render(browser: &str, page: &Path) -> Result<Vec<Rendered>> {
    let url = format!("file://{}", page.canonicalize()?.display());
    let mut command = Command::new(browser);
    command.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--hide-scrollbars",
        "--window-size=1280,900",
        "--virtual-time-budget=10000",
        "--dump-dom",
        &url,
    ]);
    let outcome = process::run(command, PAGE_LIMIT, process::NO_CAP)?;
    if !outcome.success() {
        bail!(
            "Chromium failed{}:\n{}",
            if outcome.timed_out() {
                " (timed out)"
            } else {
                ""
            },
            process::tail(&outcome.stderr, 10)
        );
    }
    let Some(report) = outcome
        .stdout
        .split_once(r#"data-render-check=""#)
        .and_then(|(_, rest)| rest.split_once('"'))
        .map(|(report, _)| unescape(report))
    else {
        bail!(
            "the page has no render report: is docs/render-check.js in book.toml's additional-js?"
        );
    };
    serde_json::from_str(&report).with_context(|| format!("unreadable render report {report}"))
}

/// What is wrong with one rendered image, if anything: with `loaded_only`, only whether it is
/// broken; else also whether it is drawn distorted or at another size than its SVG declares.
fn image_problem(book: &Path, page: &Path, image: &Rendered, loaded_only: bool) -> Option<String> {
    if !image.complete || image.natural_width == 0.0 || image.natural_height == 0.0 {
        return Some("is broken (it did not load or decode)".to_owned());
    }
    if loaded_only {
        return None;
    }
    let drawn = image.width / image.height;
    let natural = image.natural_width / image.natural_height;
    if (drawn / natural - 1.0).abs() > 0.02 {
        return Some(format!(
            "is distorted: shown {:.0} x {:.0} px, drawn {} x {}",
            image.width, image.height, image.natural_width, image.natural_height
        ));
    }
    if image.src.ends_with(".svg") {
        let file = page.parent().unwrap_or(book).join(&image.src);
        let svg = std::fs::read_to_string(&file).ok()?;
        // The size the root element declares (a browser draws an SVG without one at 300 x 150).
        let root = svg.split_once("<svg")?.1.split_once('>')?.0;
        let declared = |name: &str| -> Option<f64> {
            let (_, rest) = root.split_once(&format!(" {name}=\""))?;
            rest.split('"').next()?.parse().ok()
        };
        match (declared("width"), declared("height")) {
            (Some(width), Some(height))
                if (width - image.natural_width).abs() > 0.5
                    || (height - image.natural_height).abs() > 0.5 =>
            {
                return Some(format!(
                    "rendered at {} x {} instead of its declared {width} x {height}",
                    image.natural_width, image.natural_height
                ));
            }
            (Some(_), Some(_)) => {}
            _ if image.src.contains("timelines/") => {
                return Some("declares no width and height on its <svg> element".to_owned());
            }
            _ => {}
        }
    }
    None
}

/// Every `.html` file under `dir`.
fn html_pages(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut pages = Vec::new();
    let mut folders = vec![dir.to_path_buf()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder)
            .with_context(|| format!("cannot list {}", folder.display()))?
        {
            let path = entry?.path();
            if path.is_dir() {
                folders.push(path);
            } else if path.extension().is_some_and(|ext| ext == "html") {
                pages.push(path);
            }
        }
    }
    pages.sort();
    Ok(pages)
}

/// Undoes the HTML escaping of an attribute value.
fn unescape(text: &str) -> String {
    text.replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    use super::*;

    const CHART: &str = r##"<svg width="960" height="200"><text class="title" x="10">a &amp; b</text>
<g class="row" data-worker="0"><rect class="bar ok" data-task="0"/><rect class="bar ok" data-task="1"/></g>
<g class="row unstarted"><rect class="bar cancelled" data-task="2"/></g></svg>"##;

    #[test]
    fn reads_a_charts_shape() {
        let shape = ChartShape::of(CHART);
        assert_eq!(shape.title, "a &amp; b");
        assert_eq!(
            shape.bars,
            BTreeMap::from([("ok".to_owned(), 2), ("cancelled".to_owned(), 1)])
        );
    }

    #[test]
    fn a_chart_with_other_bars_is_stale() {
        let dir = std::env::temp_dir().join(format!("xtask-book-test-{}", std::process::id()));
        let (old, new) = (dir.join("old"), dir.join("new"));
        std::fs::create_dir_all(&old).unwrap();
        std::fs::create_dir_all(&new).unwrap();
        std::fs::write(old.join("a.svg"), CHART).unwrap();
        std::fs::write(new.join("a.svg"), CHART.replace("bar cancelled", "bar ok")).unwrap();
        let error = compare_charts(&old, &new).unwrap_err().to_string();
        assert!(error.contains("a.svg: committed"), "{error}");
        std::fs::write(new.join("a.svg"), CHART).unwrap();
        assert!(compare_charts(&old, &new).is_ok());
        std::fs::write(new.join("b.svg"), CHART).unwrap();
        let error = compare_charts(&old, &new).unwrap_err().to_string();
        assert!(error.contains("b.svg is missing"), "{error}");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_broken_distorted_or_hidden_image_is_a_problem() {
        let image = |src: &str, natural: (f64, f64), shown: (f64, f64)| Rendered {
            src: src.to_owned(),
            complete: true,
            natural_width: natural.0,
            natural_height: natural.1,
            width: shown.0,
            height: shown.1,
        };
        let (book, page) = (Path::new("/nowhere"), Path::new("/nowhere/page.html"));
        let problems = |images: &[Rendered]| page_problems(book, page, images).join("; ");
        // The picture and mdBook's hidden zoom copy.
        let fine = [
            image("a.png", (960.0, 200.0), (480.0, 100.0)),
            image("a.png", (960.0, 200.0), (0.0, 0.0)),
        ];
        assert_eq!(problems(&fine), "");
        assert!(problems(&[image("b.png", (0.0, 0.0), (16.0, 16.0))]).contains("b.png is broken"));
        assert!(problems(&[image("c.png", (960.0, 200.0), (480.0, 300.0))]).contains("distorted"));
        assert!(problems(&[image("d.png", (960.0, 200.0), (0.0, 0.0))]).contains("not displayed"));
    }
}
