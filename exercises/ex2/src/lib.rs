//! # Exercise 2: a concurrent email validator
//!
//! Work through the steps in order; each has its tests: `cargo test -p ex2 step1`, then `step2`...
//! Stuck? `cargo xtask hint ex2`. The chapter "Exercise 2" of the book explains the ideas.
//!
//! 1. [`parse_emails`], [`read_emails`], [`check_syntax`]: the list, and the syntax of each email.
//! 2. [`classify_domain`]: one domain's verdict from its MX records, through an [`MxResolver`].
//! 3. [`validate_emails`]: the whole list on an executor, each distinct domain looked up once.
//! 4. [`Options`], [`Summary::of`], [`validate_file`]: a file on a pool of `workers` threads.
//!
//! Given (read them, do not change them): `src/given.rs`, the error types, and `src/resolver.rs`,
//! the [`MxResolver`] trait and [`HickoryResolver`], a blocking resolver over hickory-resolver
//! (async only since 0.25: it owns a small tokio runtime). Tests hand your code a resolver pointed at a DNS server of their own.
//!
//! Replace each `todo!()` with your code. Keep the signatures: the tests call them.

use std::{fmt, path::Path, sync::Arc, time::Duration};

use concurrent::{Error, Executor};

mod given;
mod resolver;

pub use given::{ReadError, RunError};
pub use hickory_resolver;
pub use resolver::{HickoryResolver, LookupError, Mx, MxResolver};

// ---------------------------------------------------------------------------------------------
// Step 1: read the list, check the syntax
// ---------------------------------------------------------------------------------------------

/// Step 1. The emails of a list: one per line, surrounding whitespace trimmed, blank lines and
/// lines starting with `#` skipped. A line that is not UTF-8 is kept, its bad bytes replaced by
/// `U+FFFD` (`String::from_utf8_lossy`), so it is reported `Invalid` instead of stopping the run.
pub fn parse_emails(bytes: &[u8]) -> Vec<String> {
    todo!(
        "step 1: split the {} bytes into lines, trim them, skip blanks and # comments",
        bytes.len()
    )
}

/// Step 1. [`parse_emails`] of the file at `path`; an error names the file.
pub fn read_emails(path: &Path) -> Result<Vec<String>, ReadError> {
    todo!(
        "step 1: read {} and parse its lines; an error names the file",
        path.display()
    )
}

/// Step 1. An address whose syntax is right: the local part as written, the domain in its ASCII
/// (IDNA) form, lower case.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Address {
    /// Before the `@`.
    pub local: String,
    /// After the `@`: ASCII, lower case, no final dot.
    pub domain: String,
}

/// Step 1. Checks the syntax of `email`; the error is a reason a person can read. The rules (a
/// practical subset of RFC 5321/5322, without quoted local parts or comments):
///
/// - exactly one `@`;
/// - the local part (before it): 1 to 64 characters, each an ASCII letter or digit, `.`, or one of
///   ``!#$%&'*+-/=?^_`{|}~``; no `.` at its start, at its end, or twice in a row. It is kept as
///   written;
/// - the domain (after it): converted to ASCII with IDNA (`idna::domain_to_ascii_strict`:
///   `bücher.test` becomes `xn--bcher-kva.test`), one final `.` dropped, then lower-cased. It has at
///   least two labels (`localhost` is not a mail domain), at most 253 characters, and every label
///   has 1 to 63 ASCII letters, digits or `-`, and neither starts nor ends with `-`.
pub fn check_syntax(email: &str) -> Result<Address, String> {
    todo!("step 1: check the syntax of {email:?}")
}

// ---------------------------------------------------------------------------------------------
// Step 2: one domain against a resolver
// ---------------------------------------------------------------------------------------------

/// Step 2. The three verdicts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Verdict {
    /// The domain takes mail (an MX record, or an address with implicit MX).
    Valid,
    /// Bad syntax, a domain that does not exist, or that takes no mail.
    Invalid,
    /// DNS could not say: timeout, SERVFAIL, REFUSED, network error.
    Unverifiable,
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(match self {
            Self::Valid => "valid",
            Self::Invalid => "invalid",
            Self::Unverifiable => "unverifiable",
        })
    }
}

/// Step 2. A verdict and the reason a person reads.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outcome {
    /// The verdict.
    pub verdict: Verdict,
    /// Why.
    pub reason: String,
}

/// Step 2. The verdict on `domain` (ASCII, from [`check_syntax`]), from its MX records
/// (`resolver.mx(domain)`), with a reason that contains the words in quotes:
///
/// - an MX record: `Valid`, naming the preferred server (the lowest preference), e.g.
///   `"MX mx1.example.com (preference 10)"`;
/// - a null MX (RFC 7505: one MX whose exchange is `""`, the root): `Invalid`, `"null MX"`;
/// - NXDOMAIN: `Invalid`, `"NXDOMAIN"` (the [`LookupError`]'s text says it);
/// - no MX record ([`LookupError::NoRecords`]): `Invalid`, `"no MX"`; but with `implicit_mx`
///   (RFC 5321 §5.1), look up the domain's addresses: one found is `Valid` naming it, none is
///   `Invalid`;
/// - a timeout, SERVFAIL, REFUSED, a network error: `Unverifiable`, with the error's text
///   (`"timed out"`, `"SERVFAIL"`, `"REFUSED"`...): DNS could not say, the address may be fine.
pub fn classify_domain(resolver: &dyn MxResolver, domain: &str, implicit_mx: bool) -> Outcome {
    todo!("step 2: look up the MX of {domain:?} with {resolver:?} (implicit MX: {implicit_mx})")
}

// ---------------------------------------------------------------------------------------------
// Step 3: the batch, concurrent, one lookup per domain
// ---------------------------------------------------------------------------------------------

/// Step 3. The verdict on one email of the list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Report {
    /// The email, as read.
    pub email: String,
    /// The verdict.
    pub verdict: Verdict,
    /// Why.
    pub reason: String,
}

/// Step 3. Validates `emails` on `executor`: one report per email, in the input's order.
///
/// - Check the syntax of each email first: bad syntax is `Invalid` with a reason that starts with
///   `"bad syntax: "`, and no lookup.
/// - Look each *distinct* domain up once ([`classify_domain`] in a task of the executor), however
///   many emails share it: they share its outcome. Submit every lookup before you wait for any, or
///   the pool runs them one at a time.
/// - The tasks must own what they use (`Send + 'static`): clone the `Arc` of the resolver and the
///   domain into each one.
pub fn validate_emails<E: Executor>(
    executor: &E,
    resolver: Arc<dyn MxResolver>,
    emails: &[String],
    implicit_mx: bool,
) -> Result<Vec<Report>, Error> {
    todo!(
        "step 3: validate {} emails on a pool of {} workers with {resolver:?} (implicit MX: {implicit_mx})",
        emails.len(),
        executor.max_workers()
    )
}

// ---------------------------------------------------------------------------------------------
// Step 4: options, the whole file, the summary
// ---------------------------------------------------------------------------------------------

/// Step 4. How a run is done.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Options {
    /// Threads of the pool (default 20: lookups mostly wait, so many more than the cores).
    pub workers: usize,
    /// The longest a lookup may take (default 5 s): [`validate_file`] gives up on a lookup after
    /// it, whatever the resolver's own timeout.
    pub timeout: Duration,
    /// Fall back to A/AAAA when a domain has no MX (RFC 5321's implicit MX; default off).
    pub implicit_mx: bool,
}

impl Default for Options {
    fn default() -> Self {
        todo!(
            "step 4: the defaults: 20 workers, {:?} per lookup, MX only",
            Duration::from_secs(5)
        )
    }
}

/// Step 4. How many emails got each verdict, and how many domains were looked up.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    /// Emails in the list.
    pub emails: usize,
    /// `Valid` ones.
    pub valid: usize,
    /// `Invalid` ones.
    pub invalid: usize,
    /// `Unverifiable` ones.
    pub unverifiable: usize,
}

impl Summary {
    /// Counts the verdicts of `reports`.
    pub fn of(reports: &[Report]) -> Self {
        todo!("step 4: count the verdicts of {} reports", reports.len())
    }
}

/// Step 4. Reads the list at `path` ([`read_emails`]) and validates it ([`validate_emails`]) on a
/// new `ThreadPoolExecutor` of `options.workers` threads, with `options.implicit_mx`; returns the
/// reports and their [`Summary`].
///
/// Each lookup gets at most `options.timeout`, even from a resolver whose own timeout is longer:
/// one still running then is `Unverifiable`, "timed out" ([`LookupError::Timeout`]). A blocking
/// call cannot be cancelled, but you can stop waiting for it: hand `validate_emails` a resolver of
/// your own that wraps the given one, runs each lookup on a thread of its own and waits for its
/// result on a channel with `recv_timeout`.
pub fn validate_file(
    path: &Path,
    resolver: Arc<dyn MxResolver>,
    options: &Options,
) -> Result<(Vec<Report>, Summary), RunError> {
    todo!(
        "step 4: read {} and validate it with {resolver:?} and {options:?}",
        path.display()
    )
}
