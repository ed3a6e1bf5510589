//! The book's translations: one gettext PO file per language in `po/` (`po/es.po`), kept in step
//! with the English chapters the way Comprehensive Rust does it, with mdbook-i18n-helpers.
//!
//! - the template (every English message of the book, with the chapter lines it comes from) is
//!   extracted by mdbook's `xgettext` renderer;
//! - [`merge`] brings a PO file up to date with a new template, keeping its translations (what
//!   GNU `msgmerge` does, in Rust, since CI has no gettext);
//! - [`gaps`] lists the messages a PO file does not translate yet: `cargo xtask check` fails on
//!   any, so every change to a chapter comes with its translation.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use anyhow::{Context, Result, anyhow, bail};
use polib::catalog::Catalog;
use polib::message::{Message, MessageMutView, MessageView};
use polib::po_file;

use crate::process;

pub mod links;

/// A language the book is translated into.
#[derive(Debug)]
pub struct Language {
    /// ISO 639 code: the PO file is `po/{code}.po`, the book is built into `docs/book/{code}`.
    pub code: &'static str,
    /// The book's title in that language (titles live in book.toml, not in the PO file).
    pub title: &'static str,
    pub description: &'static str,
}

pub const LANGUAGES: [Language; 1] = [Language {
    code: "es",
    title: "Paralelismo sin dolor de cabeza",
    description: "Concurrencia y paralelismo en Rust, enseñados como los enseña \
                  concurrent.futures de Python.",
}];

/// The installer of `mdbook-xgettext` and `mdbook-gettext`.
pub const INSTALL: &str = "cargo install mdbook-i18n-helpers --locked --version ^0.4";

/// Extracting the template or building one edition never takes longer than this.
const MDBOOK_LIMIT: Duration = Duration::from_secs(10 * 60);

/// How many untranslated messages an error names (the count says how many there are in all).
const SHOWN: usize = 5;

pub fn language(code: &str) -> Result<&'static Language> {
    LANGUAGES
        .iter()
        .find(|language| language.code == code)
        .ok_or_else(|| {
            let known: Vec<&str> = LANGUAGES.iter().map(|language| language.code).collect();
            anyhow!(
                "the book has no `{code}` translation; it has: {} (and English, the default)",
                known.join(", ")
            )
        })
}

/// The PO file of `language` in the course at `root`.
pub fn po_path(root: &Path, language: &Language) -> PathBuf {
    root.join("po").join(format!("{}.po", language.code))
}

/// True if mdbook-i18n-helpers is installed: its preprocessor answers mdbook's question, and its
/// renderer (which only reads a book on its input, and fails on an empty one) can be started.
pub fn helpers_available() -> bool {
    let gettext = Command::new("mdbook-gettext")
        .args(["supports", "html"])
        .output()
        .is_ok_and(|out| out.status.success());
    let xgettext = Command::new("mdbook-xgettext")
        .stdin(std::process::Stdio::null())
        .output()
        .is_ok();
    gettext && xgettext
}

pub fn require_helpers() -> Result<()> {
    if !helpers_available() {
        bail!(
            "mdbook-i18n-helpers (mdbook-xgettext, mdbook-gettext) is not installed: run `{INSTALL}` \
             (about a minute and a half), then try again"
        );
    }
    Ok(())
}

/// Extracts the template of the book in `docs` (every English message) with mdbook's `xgettext`
/// renderer, into `scratch` (created, and removed afterwards).
pub fn template(docs: &Path, scratch: &Path) -> Result<Catalog> {
    require_helpers()?;
    let _ = std::fs::remove_dir_all(scratch);
    let mut command = Command::new("mdbook");
    command
        .arg("build")
        .arg(docs)
        .arg("--dest-dir")
        .arg(scratch)
        // Only the xgettext renderer: it writes `messages.pot`, nothing else is built.
        .env(
            "MDBOOK_OUTPUT",
            r#"{"xgettext": {"pot-file": "messages.pot"}}"#,
        )
        .env_remove("MDBOOK_BOOK__LANGUAGE");
    let outcome = process::run(command, MDBOOK_LIMIT, process::NO_CAP)?;
    if !outcome.success() {
        bail!(
            "extracting the book's messages (mdbook-xgettext) failed:\n{}",
            process::tail(&outcome.combined(), 30)
        );
    }
    let pot = scratch.join("messages.pot");
    let catalog = read(&pot);
    let _ = std::fs::remove_dir_all(scratch);
    catalog
}

/// The header fields polib 0.2 needs: it panics when one is missing, so they are looked for first.
const HEADER_FIELDS: [&str; 9] = [
    "Project-Id-Version",
    "POT-Creation-Date",
    "PO-Revision-Date",
    "Language-Team",
    "MIME-Version",
    "Content-Type",
    "Content-Transfer-Encoding",
    "Language",
    "Plural-Forms",
];

pub fn read(path: &Path) -> Result<Catalog> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    // The header is the first entry, up to the first blank line.
    let header = text.split("\n\n").next().unwrap_or_default();
    let missing: Vec<&str> = HEADER_FIELDS
        .into_iter()
        .filter(|field| !header.contains(&format!("\"{field}:")))
        .collect();
    if !missing.is_empty() {
        bail!(
            "{} is not a valid PO file: its header (the first entry, `msgid \"\"`) lacks {}",
            path.display(),
            missing.join(", ")
        );
    }
    po_file::parse(path)
        .map_err(|error| anyhow!("{error}"))
        .with_context(|| format!("{} is not a valid PO file", path.display()))
}

/// Writes `catalog` to a temporary name beside `path`, then renames it: a crash leaves no half file.
pub fn write(catalog: &Catalog, path: &Path) -> Result<()> {
    let temporary = path.with_extension("po.tmp");
    po_file::write(catalog, &temporary)
        .and_then(|()| std::fs::rename(&temporary, path))
        .with_context(|| format!("cannot write {}", path.display()))
}

/// What [`merge`] did, for the message `--update-po` prints.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct MergeCounts {
    /// Messages whose translation was kept as it was.
    pub kept: usize,
    /// Changed messages: the translation of the old text at the same place, marked fuzzy.
    pub fuzzy: usize,
    /// New messages, without a translation.
    pub new: usize,
    /// Translated messages no longer in the book, dropped.
    pub dropped: usize,
}

/// `old` brought up to date with `template`, as `msgmerge` does: the template's messages in its
/// order, with their translations from `old`. A message whose text changed gets the translation
/// that the old text at the same place (same first source line) had, marked fuzzy for a translator
/// to review; a new one is untranslated. Messages no longer in the book are dropped.
pub fn merge(template: &Catalog, mut old: Catalog) -> (Catalog, MergeCounts) {
    let mut counts = MergeCounts::default();
    let mut by_place: HashMap<String, (String, String)> = HashMap::new();
    for message in old.messages() {
        let in_book = template
            .find_message(context(message), message.msgid(), None)
            .is_some();
        if !in_book && message.is_translated() {
            counts.dropped += 1;
            if let Some(place) = first_source(message.source()) {
                by_place.insert(
                    place.to_owned(),
                    (message.msgid().to_owned(), translation(message).to_owned()),
                );
            }
        }
    }
    let mut merged = Catalog::new(std::mem::take(&mut old.metadata));
    merged.metadata.pot_creation_date = template.metadata.pot_creation_date.clone();
    for message in template.messages() {
        let mut builder = Message::build_singular();
        builder
            .with_source(message.source().to_owned())
            .with_comments(message.comments().to_owned())
            .with_msgid(message.msgid().to_owned());
        if !message.msgctxt().is_empty() {
            builder.with_msgctxt(message.msgctxt().to_owned());
        }
        let mut new = builder.done();
        let previous = old.find_message(context(message), message.msgid(), None);
        if let Some(previous) = previous.filter(|previous| previous.is_translated()) {
            let _ = new.set_msgstr(translation(previous).to_owned());
            if previous.is_fuzzy() {
                new.flags_mut().add_flag("fuzzy");
            }
            counts.kept += 1;
        } else if let Some((_, text)) =
            first_source(message.source()).and_then(|place| by_place.get(place))
        {
            let _ = new.set_msgstr(text.clone());
            new.flags_mut().add_flag("fuzzy");
            counts.fuzzy += 1;
        } else {
            counts.new += 1;
        }
        merged.append_or_update(new);
    }
    (merged, counts)
}

fn context(message: &dyn MessageView) -> Option<&str> {
    Some(message.msgctxt()).filter(|context| !context.is_empty())
}

fn translation(message: &dyn MessageView) -> &str {
    message.msgstr().unwrap_or_default()
}

/// `src/intro.md:12` from `src/intro.md:12 src/SUMMARY.md:3`.
fn first_source(source: &str) -> Option<&str> {
    source.split_whitespace().next()
}

/// A message of the book that a PO file does not translate (yet).
#[derive(Debug, PartialEq, Eq)]
pub struct Gap {
    pub fuzzy: bool,
    /// Where the English text is, e.g. `src/futures.md:12` (relative to `docs/`).
    pub source: String,
    pub msgid: String,
}

/// The messages of `template` that `po` lacks, leaves empty, or marks fuzzy (mdbook-gettext shows
/// a fuzzy message in English), in the book's order.
pub fn gaps(template: &Catalog, po: &Catalog) -> Vec<Gap> {
    template
        .messages()
        .filter_map(|message| {
            let translated = po.find_message(context(message), message.msgid(), None);
            let fuzzy = match translated {
                Some(found) if found.is_translated() && !found.is_fuzzy() => return None,
                Some(found) => found.is_translated(),
                None => false,
            };
            Some(Gap {
                fuzzy,
                source: first_source(message.source())
                    .unwrap_or("(no source)")
                    .to_owned(),
                msgid: message.msgid().to_owned(),
            })
        })
        .collect()
}

/// The error `cargo xtask check` gives for `gaps` of `po`: how many, and the first few with the
/// chapter line they come from.
pub fn describe_gaps(po: &str, gaps: &[Gap]) -> String {
    let fuzzy = gaps.iter().filter(|gap| gap.fuzzy).count();
    let untranslated = gaps.len() - fuzzy;
    let mut text = format!(
        "{po}: {untranslated} untranslated and {fuzzy} fuzzy message(s) (a fuzzy one is shown in \
         English). Fix: `cargo xtask book --update-po`, then translate them in {po} and delete \
         their `#, fuzzy` lines. The first {}:",
        gaps.len().min(SHOWN)
    );
    for gap in gaps.iter().take(SHOWN) {
        let mut excerpt: String = gap.msgid.chars().take(70).collect();
        if excerpt.len() < gap.msgid.len() {
            excerpt.push_str("...");
        }
        let state = if gap.fuzzy { "fuzzy" } else { "untranslated" };
        text.push_str(&format!("\n  docs/{} ({state}): {excerpt:?}", gap.source));
    }
    text
}

#[cfg(test)]
pub mod tests {
    use super::*;

    fn catalog(dir: &Path, name: &str, text: &str) -> Catalog {
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        read(&path).unwrap()
    }

    /// A complete header, as `msginit` writes it.
    pub const HEADER: &str = "msgid \"\"\nmsgstr \"\"\n\
        \"Project-Id-Version: Tiny\\n\"\n\"POT-Creation-Date: \\n\"\n\"PO-Revision-Date: \\n\"\n\
        \"Last-Translator: \\n\"\n\"Language-Team: \\n\"\n\"MIME-Version: 1.0\\n\"\n\
        \"Content-Type: text/plain; charset=UTF-8\\n\"\n\"Content-Transfer-Encoding: 8bit\\n\"\n\
        \"Language: es\\n\"\n\"Plural-Forms: nplurals=1; plural=0;\\n\"\n\n";

    #[test]
    fn an_incomplete_header_is_an_error_not_a_panic() {
        let dir = scratch("header");
        let path = dir.join("es.po");
        std::fs::write(
            &path,
            "msgid \"\"\nmsgstr \"\"\n\"Language: es\\n\"\n\nmsgid \"A\"\nmsgstr \"\"\n",
        )
        .unwrap();
        let error = format!("{:#}", read(&path).err().unwrap());
        std::fs::remove_dir_all(&dir).unwrap();
        assert!(error.contains("lacks Project-Id-Version"), "{error}");
    }

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("xtask-i18n-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn gaps_are_the_missing_empty_and_fuzzy_messages_with_their_source() {
        let dir = scratch("gaps");
        let template = catalog(
            &dir,
            "t.pot",
            &format!(
                "{HEADER}#: src/a.md:1\nmsgid \"One\"\nmsgstr \"\"\n\n\
                 #: src/a.md:3\nmsgid \"Two\"\nmsgstr \"\"\n\n\
                 #: src/b.md:5\nmsgid \"Three\"\nmsgstr \"\"\n\n\
                 #: src/b.md:7 src/SUMMARY.md:2\nmsgid \"Four\"\nmsgstr \"\"\n"
            ),
        );
        let po = catalog(
            &dir,
            "es.po",
            &format!(
                "{HEADER}msgid \"One\"\nmsgstr \"Uno\"\n\n\
                 msgid \"Two\"\nmsgstr \"\"\n\n\
                 #, fuzzy\nmsgid \"Three\"\nmsgstr \"Tres\"\n"
            ),
        );
        let found = gaps(&template, &po);
        std::fs::remove_dir_all(&dir).unwrap();
        let summary: Vec<(bool, &str, &str)> = found
            .iter()
            .map(|gap| (gap.fuzzy, gap.source.as_str(), gap.msgid.as_str()))
            .collect();
        assert_eq!(
            summary,
            [
                (false, "src/a.md:3", "Two"),
                (true, "src/b.md:5", "Three"),
                (false, "src/b.md:7", "Four"),
            ]
        );
        let text = describe_gaps("po/es.po", &found);
        assert!(
            text.contains("2 untranslated and 1 fuzzy")
                && text.contains("docs/src/a.md:3 (untranslated): \"Two\""),
            "{text}"
        );
    }

    #[test]
    fn merge_keeps_translations_marks_changed_text_fuzzy_and_drops_the_rest() {
        let dir = scratch("merge");
        let old = catalog(
            &dir,
            "es.po",
            &format!(
                "{HEADER}#: src/a.md:1\nmsgid \"Same\"\nmsgstr \"Igual\"\n\n\
                 #: src/a.md:3\nmsgid \"Old text\"\nmsgstr \"Texto viejo\"\n\n\
                 #: src/a.md:9\nmsgid \"Gone\"\nmsgstr \"Ido\"\n"
            ),
        );
        let template = catalog(
            &dir,
            "t.pot",
            &format!(
                "{HEADER}#: src/a.md:1\nmsgid \"Same\"\nmsgstr \"\"\n\n\
                 #: src/a.md:3\nmsgid \"New text\"\nmsgstr \"\"\n\n\
                 #: src/a.md:5\nmsgid \"Brand new\"\nmsgstr \"\"\n"
            ),
        );
        let (merged, counts) = merge(&template, old);
        let path = dir.join("merged.po");
        write(&merged, &path).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        let reread = read(&path).unwrap();
        std::fs::remove_dir_all(&dir).unwrap();
        assert_eq!(
            counts,
            MergeCounts {
                kept: 1,
                fuzzy: 1,
                new: 1,
                dropped: 2
            }
        );
        assert!(text.contains("Language: es"), "the header is kept:\n{text}");
        assert!(!text.contains("Gone"), "{text}");
        let found = gaps(&template, &reread);
        let msgids: Vec<(&str, bool)> = found
            .iter()
            .map(|gap| (gap.msgid.as_str(), gap.fuzzy))
            .collect();
        assert_eq!(msgids, [("New text", true), ("Brand new", false)]);
        let fuzzy = reread.find_message(None, "New text", None).unwrap();
        assert_eq!(fuzzy.msgstr().unwrap(), "Texto viejo");
    }
}
