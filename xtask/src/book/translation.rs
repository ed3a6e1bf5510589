//! The book in another language: `cargo xtask book --lang CODE` builds it from `po/CODE.po`
//! (mdbook-gettext), and `--update-po` keeps the translations in step with the chapters.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};

use super::require_mdbook;
use crate::i18n::{self, Language};

/// Where the edition in `language` is built: `docs/book/{code}`. (An English build empties
/// `docs/book`, so build the translation after it.)
pub fn translated_dir(root: &Path, language: &Language) -> PathBuf {
    root.join("docs").join("book").join(language.code)
}

/// `mdbook build|serve docs` with the book's language set to `language`: mdbook-gettext then
/// translates every chapter from `po/{code}.po`, and the pages say `lang="{code}"`.
pub fn translated_command(root: &Path, language: &Language, serve: bool) -> Command {
    let mut command = Command::new("mdbook");
    command
        .arg(if serve { "serve" } else { "build" })
        .arg(root.join("docs"))
        .arg("--dest-dir")
        .arg(translated_dir(root, language))
        .env("MDBOOK_BOOK__LANGUAGE", language.code)
        .env("MDBOOK_BOOK__TITLE", language.title)
        .env("MDBOOK_BOOK__DESCRIPTION", language.description);
    command
}

/// `cargo xtask book --lang CODE [--serve]`.
pub fn run_translated(root: &Path, code: &str, serve: bool) -> Result<()> {
    let language = i18n::language(code)?;
    require_mdbook()?;
    i18n::require_helpers()?;
    let po = i18n::po_path(root, language);
    if !po.is_file() {
        bail!(
            "{} is missing: the book has no translation to build",
            po.display()
        );
    }
    let status = translated_command(root, language, serve)
        .status()
        .context("could not run mdbook")?;
    if !status.success() {
        bail!("mdbook failed ({status}): see its messages above");
    }
    if !serve {
        let book = translated_dir(root, language);
        for problem in i18n::links::broken(&book)? {
            println!("warning: {problem}");
        }
        println!(
            "The book ({}) is in {}",
            language.code,
            translated_dir(root, language).join("index.html").display()
        );
    }
    Ok(())
}

/// `cargo xtask book --update-po`: extracts the English messages of the chapters and merges them
/// into every `po/*.po`, keeping the translations; new and changed messages are left for the
/// translators (untranslated, or fuzzy with the old translation).
pub fn update_po(root: &Path) -> Result<()> {
    require_mdbook()?;
    let scratch = root.join("target").join("xtask").join("pot");
    let template = i18n::template(&root.join("docs"), &scratch)?;
    for language in &i18n::LANGUAGES {
        let path = i18n::po_path(root, language);
        let old = i18n::read(&path)?;
        let (merged, counts) = i18n::merge(&template, old);
        i18n::write(&merged, &path)?;
        let todo = i18n::gaps(&template, &merged).len();
        println!(
            "{}: {} messages kept, {} changed (fuzzy), {} new, {} dropped; {todo} to translate",
            path.strip_prefix(root).unwrap_or(&path).display(),
            counts.kept,
            counts.fuzzy,
            counts.new,
            counts.dropped
        );
    }
    Ok(())
}
