//! Lines of a submission an instructor should read: code that could imitate the test runner or
//! reach outside the exercise. Flagged, never failed: honest code does some of these things too.

use std::collections::HashSet;
use std::io::Read;
use std::path::Path;

/// What is looked for, and what the report says about it.
const PATTERNS: [(&str, &str); 12] = [
    (
        "stdout()",
        "writes to stdout directly (not captured by the test runner: could imitate its report)",
    ),
    (
        "process::exit",
        "calls std::process::exit (ends the test before the runner reports)",
    ),
    ("env::var", "reads environment variables"),
    (
        "env::args",
        "reads the command line (the runner's own arguments)",
    ),
    ("env!(", "reads a build-time environment variable"),
    (
        "/proc",
        "reads /proc (other processes, its own file descriptors)",
    ),
    ("include!(", "includes a file"),
    ("include_str!(", "includes a file"),
    ("include_bytes!(", "includes a file"),
    ("#[path", "takes a module from another path"),
    ("Command::new", "starts other programs"),
    ("libc::", "calls the C library directly"),
];

/// Source files larger than this are not scanned (they are flagged as such).
const SCAN_CAP: u64 = 1 << 20;

/// The flags of the exercise folder `src` (the staging copy: regular files only), with the file,
/// the line and why. Includes of files inside `src/` are fine; any other is flagged. Lines the
/// course's own `starter` folder has in the same file are the course's, not the student's.
pub fn scan(src: &Path, starter: &Path) -> Vec<String> {
    let mut flags = Vec::new();
    scan_folder(src, starter, Path::new("src"), &mut flags);
    flags
}

fn scan_folder(dir: &Path, starter: &Path, shown: &Path, flags: &mut Vec<String>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = entries.filter_map(|entry| entry.ok()).collect();
    entries.sort_by_key(|entry| entry.file_name());
    for entry in entries {
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        let shown = shown.join(entry.file_name());
        let starter = starter.join(entry.file_name());
        if kind.is_dir() {
            scan_folder(&entry.path(), &starter, &shown, flags);
        } else if kind.is_file() && shown.extension().is_some_and(|ext| ext == "rs") {
            let mut text = String::new();
            let read = std::fs::File::open(entry.path())
                .and_then(|file| file.take(SCAN_CAP).read_to_string(&mut text));
            if read.is_err() {
                flags.push(format!("{}: not UTF-8 text (not scanned)", shown.display()));
                continue;
            }
            let mut course = String::new();
            if let Ok(file) = std::fs::File::open(&starter) {
                let _ = file.take(SCAN_CAP).read_to_string(&mut course);
            }
            let course: HashSet<&str> = course.lines().collect();
            let added: String = text
                .lines()
                .map(|line| if course.contains(line) { "" } else { line })
                .collect::<Vec<_>>()
                .join("\n");
            scan_text(&added, &shown, flags);
        }
    }
}

fn scan_text(text: &str, shown: &Path, flags: &mut Vec<String>) {
    for (number, line) in text.lines().enumerate() {
        let compact: String = line.chars().filter(|c| !c.is_whitespace()).collect();
        for (pattern, why) in PATTERNS {
            if compact.contains(pattern) && !is_inside_src(&compact, pattern) {
                flags.push(format!("{}:{}: {why}", shown.display(), number + 1));
            }
        }
    }
}

/// An include or `#[path]` of a plain relative path that stays inside `src/` is ordinary code.
fn is_inside_src(compact: &str, pattern: &str) -> bool {
    let is_file_reference = pattern.starts_with("include") || pattern == "#[path";
    if !is_file_reference {
        return false;
    }
    let Some(start) = compact.find(pattern) else {
        return false;
    };
    let rest = &compact[start + pattern.len()..];
    let rest = rest.trim_start_matches('=');
    let Some(literal) = rest.strip_prefix('"') else {
        // `concat!`, `env!`...: a computed path.
        return false;
    };
    let path = literal.split('"').next().unwrap_or_default();
    !path.starts_with('/') && !path.split(['/', '\\']).any(|part| part == "..")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flags(text: &str) -> Vec<String> {
        let mut flags = Vec::new();
        scan_text(text, Path::new("src/lib.rs"), &mut flags);
        flags
    }

    #[test]
    fn honest_code_is_not_flagged() {
        let honest = "mod util;\n#[path = \"helpers/x.rs\"]\nmod x;\nconst T: &str = \
                      include_str!(\"table.txt\");\npub fn f() { println!(\"hi\"); }\n";
        assert_eq!(flags(honest), Vec::<String>::new());
    }

    #[test]
    fn what_could_forge_or_escape_is_flagged_with_its_line() {
        assert_eq!(
            flags("use std::io::Write;\nfn f() { std::io::stdout().flush(); }"),
            [
                "src/lib.rs:2: writes to stdout directly (not captured by the test runner: could \
              imitate its report)"
            ]
        );
        assert_eq!(flags("std::process::exit(0)").len(), 1);
        assert_eq!(
            flags("#[path = \"/course/solutions/ex3/src/lib.rs\"]").len(),
            1
        );
        assert_eq!(flags("#[path = \"../../x.rs\"]").len(), 1);
        assert_eq!(
            flags("include!(concat!(env!(\"CARGO_MANIFEST_DIR\"), \"/x\"));").len(),
            2,
            "a computed include and the build-time variable"
        );
        assert_eq!(flags("std::fs::read_dir(\"/proc\")").len(), 1);
    }
}
