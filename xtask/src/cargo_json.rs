//! The lines of cargo's `--message-format=json` output the tools read: what was built, where the
//! executable is, and the compiler's errors. Fields not read are left out; missing ones default.

use std::path::PathBuf;

use serde::Deserialize;

#[derive(Deserialize)]
pub struct Message {
    pub reason: String,
    #[serde(default)]
    pub executable: Option<PathBuf>,
    #[serde(default)]
    pub target: Option<Target>,
    #[serde(default)]
    pub manifest_path: Option<PathBuf>,
    #[serde(default)]
    pub profile: Option<Profile>,
    #[serde(default)]
    pub message: Option<Diagnostic>,
}

#[derive(Deserialize)]
pub struct Target {
    pub name: String,
    pub kind: Vec<String>,
}

#[derive(Deserialize)]
pub struct Profile {
    /// Built to run tests (a test binary, or a library's or binary's unit tests).
    #[serde(default)]
    pub test: bool,
}

#[derive(Deserialize)]
pub struct Diagnostic {
    pub level: String,
    pub rendered: Option<String>,
}
