//! Where student code runs: inside `bwrap` (bubblewrap) when it works on this machine, else as an
//! ordinary child process in a process group of its own (the fallback, announced once).
//!
//! In the sandbox a command sees the system's programs and libraries read-only, the folders it is
//! given and nothing else of this machine: not the course, not the other students, not the
//! grader's outputs, not the grader's process (its own PID namespace), and no network. Killing the
//! sandbox kills every process started in it (`--die-with-parent`, and the PID namespace dies with
//! its first process).

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// Set to `off` to force the fallback (for tests, and machines whose `bwrap` misbehaves).
pub const ENV_SANDBOX: &str = "XTASK_GRADE_SANDBOX";

/// The user tests run as when the grader runs as root: the kernel exempts root from the process
/// limit, and an unprivileged user cannot read root's files outside the sandbox's folders.
const NOBODY: u32 = 65534;

/// Per test: address space, processes (threads included) and size of any file written.
pub const MEMORY_LIMIT_BYTES: u64 = 4 << 30;
pub const PROCESS_LIMIT: u64 = 512;
pub const FILE_SIZE_LIMIT_BYTES: u64 = 256 << 20;
/// The private `/tmp` of a sandboxed test, in memory.
const SCRATCH_BYTES: u64 = 256 << 20;

/// System folders a sandboxed command sees read-only (those that exist).
const SYSTEM: [&str; 6] = ["/usr", "/bin", "/sbin", "/lib", "/lib64", "/lib32"];
/// What of `/etc` a compiler and a test need: the linker's alternatives, the loader's cache, names.
const ETC: [&str; 9] = [
    "/etc/alternatives",
    "/etc/ld.so.cache",
    "/etc/ld.so.conf",
    "/etc/ld.so.conf.d",
    "/etc/hosts",
    "/etc/passwd",
    "/etc/group",
    "/etc/nsswitch.conf",
    "/etc/localtime",
];

#[derive(Debug, Clone)]
pub enum Sandbox {
    Bwrap { bwrap: PathBuf, run_as_nobody: bool },
    Fallback { reason: String },
}

/// A folder of the host shown inside the sandbox at `inside` (in the fallback, at its own path).
#[derive(Debug, Clone)]
pub struct Bind {
    pub host: PathBuf,
    pub inside: PathBuf,
    pub writable: bool,
}

/// What a sandboxed command is given.
#[derive(Debug, Clone, Default)]
pub struct View {
    pub binds: Vec<Bind>,
    /// Environment variables, on top of a minimal `PATH`/`HOME` (everything else is cleared).
    pub env: Vec<(String, OsString)>,
    /// The working folder, as seen inside.
    pub cwd: PathBuf,
    /// Per-test limits (memory, processes, file size) and an unprivileged user when root: for
    /// student code. The build runs the compiler only, under the build time limit.
    pub limited: bool,
}

impl Sandbox {
    /// `bwrap` if it is installed and works here, unless `XTASK_GRADE_SANDBOX=off`.
    pub fn detect() -> Sandbox {
        if std::env::var_os(ENV_SANDBOX).is_some_and(|value| value == "off") {
            return Sandbox::Fallback {
                reason: format!("{ENV_SANDBOX}=off"),
            };
        }
        let Some(bwrap) = find_on_path("bwrap") else {
            return Sandbox::Fallback {
                reason: "bwrap (bubblewrap) is not installed".into(),
            };
        };
        let probe = Command::new(&bwrap)
            .args(base_args())
            .args(["--ro-bind", "/", "/", "true"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .output();
        match probe {
            Ok(output) if output.status.success() => Sandbox::Bwrap {
                bwrap,
                run_as_nobody: is_root(),
            },
            Ok(output) => Sandbox::Fallback {
                reason: format!(
                    "bwrap does not work here: {}",
                    String::from_utf8_lossy(&output.stderr).trim()
                ),
            },
            Err(error) => Sandbox::Fallback {
                reason: format!("bwrap does not start: {error}"),
            },
        }
    }

    pub fn sealed(&self) -> bool {
        matches!(self, Sandbox::Bwrap { .. })
    }

    /// One line for the instructor, printed once per run.
    pub fn announcement(&self) -> String {
        match self {
            Sandbox::Bwrap { .. } => "sandbox: bwrap (each student's build and tests sealed off: \
                                      no network, no course, no classmates)"
                .into(),
            Sandbox::Fallback { reason } => format!(
                "WARNING: no sandbox ({reason}): student code runs with your rights; tests are \
                 killed by process group and limited, but can read and write your files. See the \
                 instructors' chapter, \"Threat model\"."
            ),
        }
    }

    /// Where a folder given to a command appears: its fixed place in the sandbox, else its own.
    pub fn inside(&self, host: &Path, fixed: &str) -> PathBuf {
        if self.sealed() {
            PathBuf::from(fixed)
        } else {
            host.to_path_buf()
        }
    }

    /// Tests run as this user (its files must be readable by it), if not as ourselves.
    pub fn test_user(&self) -> Option<u32> {
        match self {
            Sandbox::Bwrap {
                run_as_nobody: true,
                ..
            } => Some(NOBODY),
            _ => None,
        }
    }

    /// `program args` seeing only `view`.
    pub fn command(&self, view: &View, program: &Path, args: &[OsString]) -> Command {
        let mut inner: Vec<OsString> = Vec::new();
        if view.limited
            && let Some(prlimit) = find_on_path("prlimit")
        {
            inner.push(prlimit.into());
            inner.push(format!("--as={MEMORY_LIMIT_BYTES}").into());
            inner.push(format!("--fsize={FILE_SIZE_LIMIT_BYTES}").into());
            if self.sealed() {
                // A per-user count: only meaningful for the sandbox's own user.
                inner.push(format!("--nproc={PROCESS_LIMIT}").into());
            }
            inner.push("--".into());
        }
        inner.push(program.into());
        inner.extend(args.iter().cloned());
        match self {
            Sandbox::Fallback { .. } => {
                let mut command = Command::new(&inner[0]);
                command.args(&inner[1..]).current_dir(&view.cwd);
                command.env_remove("RUSTFLAGS");
                for (key, value) in &view.env {
                    command.env(key, value);
                }
                command
            }
            Sandbox::Bwrap {
                bwrap,
                run_as_nobody,
            } => {
                let mut command = Command::new(bwrap);
                command.args(base_args());
                for dir in SYSTEM.iter().chain(&ETC) {
                    command.args(["--ro-bind-try", dir, dir]);
                }
                command.args(["--proc", "/proc", "--dev", "/dev"]);
                command.args(["--size", &SCRATCH_BYTES.to_string(), "--tmpfs", "/tmp"]);
                for bind in &view.binds {
                    let kind = if bind.writable { "--bind" } else { "--ro-bind" };
                    command.arg(kind).arg(&bind.host).arg(&bind.inside);
                }
                command.arg("--chdir").arg(&view.cwd).arg("--clearenv");
                command.args(["--setenv", "HOME", "/tmp", "--setenv", "TMPDIR", "/tmp"]);
                let path = std::env::var_os("PATH").unwrap_or_else(|| "/usr/bin:/bin".into());
                command.arg("--setenv").arg("PATH").arg(path);
                for (key, value) in &view.env {
                    command.arg("--setenv").arg(key).arg(value);
                }
                if view.limited && *run_as_nobody {
                    use std::os::unix::process::CommandExt;
                    command.uid(NOBODY).gid(NOBODY);
                }
                command.arg("--").args(inner);
                command
            }
        }
    }
}

/// Namespaces (network, PIDs, IPC, hostname, users where allowed), death with the grader, and a
/// new session (no terminal to inject keystrokes into).
fn base_args() -> [&'static str; 3] {
    ["--unshare-all", "--die-with-parent", "--new-session"]
}

fn is_root() -> bool {
    rustix::process::geteuid().is_root()
}

fn find_on_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|candidate| candidate.is_file())
}
