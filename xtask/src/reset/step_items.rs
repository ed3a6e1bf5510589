//! The items of a source file that belong to a step, for `cargo xtask reset exN --step N`.
//!
//! The starters document each item a student writes with the step it belongs to, as the first
//! line of its documentation: `/// Step 3. ...` (or `/// Steps 4 and 5. ...`). A method or an
//! associated item without a line of its own belongs to the step of its `impl` block, or else of
//! the type it implements (so `impl Source for SysinfoCpu` goes with `/// Step 1.` on
//! `SysinfoCpu`). Items are matched between the starter and the student's file by kind, name and
//! `impl` header, and replaced as text: the rest of the student's file is left as it is.

use std::collections::HashMap;
use std::ops::Range;

use anyhow::{Context, Result};
use quote::ToTokens;
use syn::spanned::Spanned;

/// One item of a file: where it is, and the steps it belongs to.
#[derive(Debug)]
pub struct Item {
    /// What matches it with the same item of another version of the file.
    key: String,
    /// How it is named to the student.
    pub label: String,
    steps: Vec<usize>,
    range: Range<usize>,
    /// Inside a trait `impl`: cannot be added back on its own if the student removed it.
    in_trait_impl: bool,
}

/// The items of `text` that belong to `step`.
pub fn items_of_step(text: &str, step: usize) -> Result<Vec<Item>> {
    Ok(items(text)?
        .into_iter()
        .filter(|item| item.steps.contains(&step))
        .collect())
}

/// `student` with the starter's items of `step` in place of the student's; the names of the
/// items put back.
pub fn put_back(starter: &str, student: &str, step: usize) -> Result<(String, Vec<String>)> {
    let wanted = items_of_step(starter, step)?;
    if wanted.is_empty() {
        return Ok((student.to_owned(), Vec::new()));
    }
    let theirs = items(student).context(
        "your file does not parse as Rust, so its items cannot be told apart: fix it, or reset \
         the whole exercise (without --step)",
    )?;
    let mut replacements: Vec<(Range<usize>, &str)> = Vec::new();
    let mut appended = String::new();
    let mut names = Vec::new();
    for item in &wanted {
        let text = &starter[item.range.clone()];
        match theirs.iter().find(|their| their.key == item.key) {
            Some(their) => {
                replacements.push((their.range.clone(), text));
                names.push(item.label.clone());
            }
            None if item.in_trait_impl => names.push(format!(
                "{} (missing from your file: copy it from the starter by hand)",
                item.label
            )),
            None => {
                appended.push_str("\n\n");
                appended.push_str(text);
                appended.push('\n');
                names.push(format!("{} (added at the end: it was missing)", item.label));
            }
        }
    }
    replacements.sort_by_key(|(range, _)| std::cmp::Reverse(range.start));
    let mut out = student.to_owned();
    for (range, text) in replacements {
        out.replace_range(range, text);
    }
    if !appended.is_empty() {
        out.truncate(out.trim_end().len());
        out.push_str(&appended);
    }
    Ok((out, names))
}

/// Every item of `text` the steps may concern, with its steps (possibly none).
fn items(text: &str) -> Result<Vec<Item>> {
    let file = syn::parse_file(text).map_err(|error| {
        let at = error.span().start();
        anyhow::anyhow!("line {}: {error}", at.line)
    })?;
    // First the steps of the types, for the `impl` blocks that have none of their own.
    let mut type_steps: HashMap<String, Vec<usize>> = HashMap::new();
    for item in &file.items {
        let (name, attrs) = match item {
            syn::Item::Struct(item) => (item.ident.to_string(), &item.attrs),
            syn::Item::Enum(item) => (item.ident.to_string(), &item.attrs),
            syn::Item::Type(item) => (item.ident.to_string(), &item.attrs),
            _ => continue,
        };
        type_steps.insert(name, steps_of(attrs));
    }
    let mut items = Vec::new();
    for item in &file.items {
        let (kind, name, attrs) = match item {
            syn::Item::Fn(item) => ("fn", item.sig.ident.to_string(), &item.attrs),
            syn::Item::Struct(item) => ("struct", item.ident.to_string(), &item.attrs),
            syn::Item::Enum(item) => ("enum", item.ident.to_string(), &item.attrs),
            syn::Item::Const(item) => ("const", item.ident.to_string(), &item.attrs),
            syn::Item::Static(item) => ("static", item.ident.to_string(), &item.attrs),
            syn::Item::Type(item) => ("type", item.ident.to_string(), &item.attrs),
            syn::Item::Trait(item) => ("trait", item.ident.to_string(), &item.attrs),
            syn::Item::Impl(block) => {
                impl_items(block, &type_steps, &mut items);
                continue;
            }
            _ => continue,
        };
        let label = match kind {
            "fn" | "const" | "static" => name.clone(),
            _ => format!("{kind} {name}"),
        };
        items.push(Item {
            key: format!("{kind} {name}"),
            label,
            steps: steps_of(attrs),
            range: item.span().byte_range(),
            in_trait_impl: false,
        });
    }
    Ok(items)
}

fn impl_items(
    block: &syn::ItemImpl,
    type_steps: &HashMap<String, Vec<usize>>,
    items: &mut Vec<Item>,
) {
    let self_type = block.self_ty.to_token_stream().to_string();
    let trait_name = block
        .trait_
        .as_ref()
        .map(|(_, path, _)| path.to_token_stream().to_string());
    let header = match &trait_name {
        Some(name) => format!("impl {name} for {self_type}"),
        None => format!("impl {self_type}"),
    };
    let type_name = type_name(&block.self_ty);
    let mut block_steps = steps_of(&block.attrs);
    if block_steps.is_empty() {
        block_steps = type_name
            .as_ref()
            .and_then(|name| type_steps.get(name))
            .cloned()
            .unwrap_or_default();
    }
    for item in &block.items {
        let (name, attrs) = match item {
            syn::ImplItem::Fn(item) => (item.sig.ident.to_string(), &item.attrs),
            syn::ImplItem::Const(item) => (item.ident.to_string(), &item.attrs),
            syn::ImplItem::Type(item) => (item.ident.to_string(), &item.attrs),
            _ => continue,
        };
        let mut steps = steps_of(attrs);
        if steps.is_empty() {
            steps = block_steps.clone();
        }
        let owner = type_name.clone().unwrap_or_else(|| self_type.clone());
        items.push(Item {
            key: format!("{header} :: {name}"),
            label: format!("{owner}::{name}"),
            steps,
            range: item.span().byte_range(),
            in_trait_impl: trait_name.is_some(),
        });
    }
}

/// The last name of a path type (`Store` for `crate::Store<T>`).
fn type_name(ty: &syn::Type) -> Option<String> {
    match ty {
        syn::Type::Path(path) => path.path.segments.last().map(|s| s.ident.to_string()),
        _ => None,
    }
}

/// The steps named by the first line of the documentation: `Step 3.` or `Steps 4 and 5.`.
fn steps_of(attrs: &[syn::Attribute]) -> Vec<usize> {
    let Some(first) = attrs.iter().find_map(doc_text) else {
        return Vec::new();
    };
    let first = first.trim();
    let Some(rest) = first
        .strip_prefix("Steps ")
        .or_else(|| first.strip_prefix("Step "))
    else {
        return Vec::new();
    };
    let heading = rest.split('.').next().unwrap_or_default();
    heading
        .split(|c: char| !c.is_ascii_digit())
        .filter_map(|number| number.parse().ok())
        .collect()
}

fn doc_text(attr: &syn::Attribute) -> Option<String> {
    if !attr.path().is_ident("doc") {
        return None;
    }
    let syn::Meta::NameValue(meta) = &attr.meta else {
        return None;
    };
    match &meta.value {
        syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Str(text),
            ..
        }) => Some(text.value()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const STARTER: &str = "\
//! The exercise.

/// Step 1. Is it prime?
pub fn is_prime(n: u64) -> bool {
    todo!(\"step 1: {n}\")
}

/// Step 2. The window.
pub struct Store {
    count: usize,
}

impl Store {
    /// Step 2. An empty one.
    pub fn new() -> Store {
        todo!(\"step 2\")
    }
}

impl Default for Store {
    fn default() -> Store {
        todo!(\"step 2: from new\")
    }
}

/// Steps 2 and 3. Both.
pub fn both() {
    todo!()
}

/// Given: not a step's.
pub fn given() -> u8 {
    7
}
";

    const STUDENT: &str = "\
//! The exercise.
use std::sync::Mutex;

/// Step 1. Is it prime?
pub fn is_prime(n: u64) -> bool {
    n > 1 && (2..n).all(|d| n % d != 0) // '{' and \"}\" in a comment
}

/// Step 2. The window.
pub struct Store {
    count: Mutex<usize>,
    extra: Vec<u8>,
}

impl Store {
    /// Step 2. An empty one.
    pub fn new() -> Store {
        Store { count: Mutex::new(0), extra: vec![b'{'] }
    }

    fn helper(&self) {}
}

impl Default for Store {
    fn default() -> Store {
        Store::new()
    }
}

/// Given: not a step's.
pub fn given() -> u8 {
    7
}
";

    #[test]
    fn reads_the_steps_of_each_item() {
        let items = items(STARTER).unwrap();
        let steps: Vec<(&str, Vec<usize>)> = items
            .iter()
            .map(|item| (item.label.as_str(), item.steps.clone()))
            .collect();
        assert_eq!(
            steps,
            [
                ("is_prime", vec![1]),
                ("struct Store", vec![2]),
                ("Store::new", vec![2]),
                ("Store::default", vec![2]),
                ("both", vec![2, 3]),
                ("given", vec![]),
            ]
        );
    }

    #[test]
    fn puts_back_one_steps_items_and_keeps_the_rest() {
        let (text, names) = put_back(STARTER, STUDENT, 2).unwrap();
        assert_eq!(
            names,
            [
                "struct Store",
                "Store::new",
                "Store::default",
                "both (added at the end: it was missing)"
            ]
        );
        assert!(
            text.contains("n > 1 && (2..n).all"),
            "step 1 is kept:\n{text}"
        );
        assert!(text.contains("use std::sync::Mutex;"), "{text}");
        assert!(text.contains("fn helper(&self) {}"), "{text}");
        assert!(text.contains("    count: usize,\n}"), "{text}");
        assert!(!text.contains("extra"), "{text}");
        assert!(text.contains("todo!(\"step 2: from new\")"), "{text}");
        assert!(
            text.trim_end().ends_with("pub fn both() {\n    todo!()\n}"),
            "{text}"
        );
        syn::parse_file(&text).expect("the result is still Rust");
    }

    #[test]
    fn a_step_with_no_items_changes_nothing() {
        let (text, names) = put_back(STARTER, STUDENT, 4).unwrap();
        assert_eq!(text, STUDENT);
        assert!(names.is_empty());
    }

    #[test]
    fn a_file_that_does_not_parse_is_an_error_that_says_what_to_do() {
        let error = put_back(STARTER, "fn broken( {", 1).unwrap_err();
        assert!(format!("{error:#}").contains("without --step"), "{error:#}");
    }

    /// Every `todo!()` of every starter sits in an item that names its step: otherwise
    /// `reset --step` could not put it back.
    #[test]
    fn every_todo_of_the_starters_belongs_to_a_step() {
        let root = crate::workspace::root().unwrap();
        for name in crate::workspace::exercise_names(&root).unwrap() {
            let Ok(files) = super::super::starter_files(&root, &name) else {
                continue;
            };
            for (path, bytes) in files {
                let text = String::from_utf8_lossy(&bytes);
                if path.extension().is_none_or(|ext| ext != "rs") || path.ends_with("main.rs") {
                    continue;
                }
                for item in items(&text).unwrap() {
                    let body = &text[item.range.clone()];
                    assert!(
                        !body.contains("todo!(") || !item.steps.is_empty(),
                        "{name}/src/{}: `{}` has a todo!() but no `/// Step N.` line",
                        path.display(),
                        item.label
                    );
                }
            }
        }
    }
}
