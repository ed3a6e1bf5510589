//! The links of a built book: every link between its pages must reach a page and, with a
//! `#fragment`, a heading of it, and every image must exist. A translation is where this breaks:
//! mdbook makes a heading's id from its text, so `page.html#english-id` finds nothing once the
//! heading is translated, unless the translation keeps the id (`Título {#english-id}`).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

/// Pages mdbook writes whose links are not the chapters' own (the print page repeats them all).
const SKIPPED: [&str; 3] = ["print.html", "toc.html", "404.html"];

/// The broken links and images of the book built in `book`, as `page: what`.
pub fn broken(book: &Path) -> Result<Vec<String>> {
    let mut pages = BTreeMap::new();
    for path in html_files(book)? {
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        let relative = path.strip_prefix(book).unwrap_or(&path).to_path_buf();
        pages.insert(relative, text);
    }
    let ids: BTreeMap<&Path, BTreeSet<&str>> = pages
        .iter()
        .map(|(page, text)| {
            (
                page.as_path(),
                attribute_values(text, "id").into_iter().collect(),
            )
        })
        .collect();
    let mut problems = Vec::new();
    for (page, text) in &pages {
        if SKIPPED.iter().any(|skipped| page == Path::new(skipped)) {
            continue;
        }
        let dir = page.parent().unwrap_or(Path::new(""));
        // The chapter itself: the menus around it are mdbook's.
        let main = text
            .split_once("<main>")
            .and_then(|(_, rest)| rest.split_once("</main>"))
            .map_or(text.as_str(), |(main, _)| main);
        for href in attribute_values(main, "href") {
            if href.contains("://") || href.starts_with("mailto:") {
                continue;
            }
            let (file, fragment) = href.split_once('#').unwrap_or((href, ""));
            let target = if file.is_empty() {
                page.clone()
            } else {
                normalize(&dir.join(file))
            };
            match ids.get(target.as_path()) {
                None if !book.join(&target).exists() => {
                    problems.push(format!("{}: link to a missing page {href}", page.display()));
                }
                Some(found) if !fragment.is_empty() && !found.contains(fragment) => {
                    problems.push(format!(
                        "{}: link to {href}, but {} has no heading with the id `{fragment}` (a \
                         translated heading keeps it with `{{#{fragment}}}` after its text)",
                        page.display(),
                        target.display()
                    ));
                }
                _ => {}
            }
        }
        for src in attribute_values(main, "src") {
            if !src.contains("://") && !book.join(normalize(&dir.join(src))).is_file() {
                problems.push(format!("{}: missing image {src}", page.display()));
            }
        }
    }
    Ok(problems)
}

/// The values of every `name="..."` attribute in `html`.
fn attribute_values<'a>(html: &'a str, name: &str) -> Vec<&'a str> {
    let opening = format!(" {name}=\"");
    html.match_indices(&opening)
        .filter_map(|(at, _)| {
            let rest = &html[at + opening.len()..];
            rest.find('"').map(|end| &rest[..end])
        })
        .collect()
}

/// `a/../b.html` as `b.html`, without touching the file system.
fn normalize(path: &Path) -> PathBuf {
    let mut parts: Vec<&std::ffi::OsStr> = Vec::new();
    for component in path.components() {
        match component {
            std::path::Component::ParentDir => {
                parts.pop();
            }
            std::path::Component::Normal(part) => parts.push(part),
            _ => {}
        }
    }
    parts.iter().collect()
}

fn html_files(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).with_context(|| format!("cannot list {}", dir.display()))? {
        let path = entry?.path();
        if path.is_dir() {
            files.extend(html_files(&path)?);
        } else if path.extension().is_some_and(|ext| ext == "html") {
            files.push(path);
        }
    }
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_missing_pages_headings_and_images_but_not_good_links() {
        let book = std::env::temp_dir().join(format!("xtask-links-{}", std::process::id()));
        std::fs::create_dir_all(book.join("exercises")).unwrap();
        std::fs::write(book.join("exercises/plot.svg"), "<svg/>").unwrap();
        std::fs::write(
            book.join("a.html"),
            r##"<nav><a href="gone.html">menus are not checked</a></nav><main>
            <h2 id="titulo">Título</h2>
            <a href="exercises/b.html#kept">ok</a> <a href="#titulo">ok</a>
            <a href="https://example.com/x">ok</a> <img src="exercises/plot.svg">
            <a href="exercises/b.html#english-id">broken</a> <a href="missing.html">broken</a>
            <img src="exercises/none.png"></main>"##,
        )
        .unwrap();
        std::fs::write(
            book.join("exercises/b.html"),
            r#"<main><h2 id="kept">K</h2><a href="../a.html#titulo">ok</a></main>"#,
        )
        .unwrap();
        let problems = broken(&book).unwrap();
        std::fs::remove_dir_all(&book).unwrap();
        assert_eq!(problems.len(), 3, "{problems:#?}");
        assert!(
            problems[0].contains("no heading with the id `english-id`"),
            "{problems:#?}"
        );
        assert!(
            problems[1].contains("missing page missing.html"),
            "{problems:#?}"
        );
        assert!(
            problems[2].contains("missing image exercises/none.png"),
            "{problems:#?}"
        );
    }
}
