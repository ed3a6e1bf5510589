//! # Exercise 2, reference solution: a concurrent email validator
//!
//! The same public API as the starter (`exercises/ex2/src/lib.rs`), fully implemented. The given
//! resolver code and the given types (`given.rs`) are the starter's own files, included here.
//! Beyond the starter: [`going_further`], the same batch on tokio (the chapter's optional part),
//! and the `compare-async` program that measures both side by side.

use std::{
    borrow::Borrow,
    collections::HashMap,
    fmt,
    hash::Hash,
    net::IpAddr,
    panic::{self, AssertUnwindSafe},
    path::Path,
    sync::{
        Arc,
        mpsc::{self, RecvTimeoutError},
    },
    thread,
    time::Duration,
};

use concurrent::{Error, Executor, Future, ThreadPoolExecutor};

#[path = "../../../exercises/ex2/src/given.rs"]
mod given;
#[path = "../../../exercises/ex2/src/resolver.rs"]
mod resolver;

pub mod going_further;

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
    bytes
        .split(|&b| b == b'\n')
        .map(String::from_utf8_lossy)
        .map(|line| line.trim().to_owned())
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .collect()
}

/// Step 1. [`parse_emails`] of the file at `path`; an error names the file.
pub fn read_emails(path: &Path) -> Result<Vec<String>, ReadError> {
    std::fs::read(path)
        .map(|bytes| parse_emails(&bytes))
        .map_err(|source| ReadError {
            path: path.to_owned(),
            source,
        })
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

/// The characters of RFC 5322's `atext`, besides letters and digits.
const LOCAL_SPECIALS: &str = "!#$%&'*+-/=?^_`{|}~";

/// Step 1. Checks the syntax of `email` (the rules of the starter's documentation); the error is
/// a reason a person can read.
pub fn check_syntax(email: &str) -> Result<Address, String> {
    let mut parts = email.split('@');
    let (Some(local), Some(domain), None) = (parts.next(), parts.next(), parts.next()) else {
        return Err(format!(
            "an address has exactly one '@', {email:?} has {}",
            email.matches('@').count()
        ));
    };
    if local.is_empty() {
        return Err("the local part (before '@') is empty".into());
    }
    if local.len() > 64 {
        return Err("the local part is longer than 64 characters".into());
    }
    if let Some(c) = local
        .chars()
        .find(|&c| !(c.is_ascii_alphanumeric() || c == '.' || LOCAL_SPECIALS.contains(c)))
    {
        return Err(format!("the local part has a character not allowed: {c:?}"));
    }
    if local.starts_with('.') || local.ends_with('.') || local.contains("..") {
        return Err("the local part has a dot at its start, its end, or twice in a row".into());
    }
    let domain = domain_to_ascii(domain)?;
    Ok(Address {
        local: local.to_owned(),
        domain,
    })
}

/// The ASCII form of `domain` (IDNA, UTS 46), checked label by label.
fn domain_to_ascii(domain: &str) -> Result<String, String> {
    if domain.is_empty() {
        return Err("the domain (after '@') is empty".into());
    }
    let ascii = idna::domain_to_ascii_strict(domain)
        .map_err(|_| format!("the domain {domain:?} is not a valid (IDNA) domain name"))?;
    let ascii = ascii.strip_suffix('.').unwrap_or(&ascii).to_owned();
    if ascii.len() > 253 {
        return Err("the domain is longer than 253 characters".into());
    }
    let labels: Vec<&str> = ascii.split('.').collect();
    if labels.len() < 2 {
        return Err(format!(
            "the domain {domain:?} has no dot: a mail domain has at least two labels"
        ));
    }
    for label in labels {
        let valid = (1..=63).contains(&label.len())
            && label
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-')
            && !label.starts_with('-')
            && !label.ends_with('-');
        if !valid {
            return Err(format!("the domain label {label:?} is not valid"));
        }
    }
    Ok(ascii.to_ascii_lowercase())
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

impl Outcome {
    fn new(verdict: Verdict, reason: impl Into<String>) -> Self {
        Self {
            verdict,
            reason: reason.into(),
        }
    }
}

/// Step 2. The verdict on `domain` (ASCII, from [`check_syntax`]), from its MX records.
pub fn classify_domain(resolver: &dyn MxResolver, domain: &str, implicit_mx: bool) -> Outcome {
    outcome_of_mx(resolver.mx(domain), implicit_mx)
        .unwrap_or_else(|| outcome_of_addresses(resolver.addresses(domain)))
}

/// The verdict an MX answer gives; `None` when implicit MX asks for the addresses next. Shared
/// with the async version (`going_further`), so both give the same verdicts and reasons.
fn outcome_of_mx(mx: Result<Vec<Mx>, LookupError>, implicit_mx: bool) -> Option<Outcome> {
    use Verdict::{Invalid, Valid};
    Some(match mx {
        Ok(mx) if mx.iter().any(|m| m.exchange.is_empty()) => Outcome::new(
            Invalid,
            "null MX: the domain says it accepts no mail (RFC 7505)",
        ),
        Ok(mx) => match mx.iter().min() {
            Some(best) => Outcome::new(
                Valid,
                format!("MX {} (preference {})", best.exchange, best.preference),
            ),
            None => Outcome::new(Invalid, "no MX record"),
        },
        Err(LookupError::NoRecords) if !implicit_mx => Outcome::new(Invalid, "no MX record"),
        Err(LookupError::NoRecords) => return None,
        Err(e) => lookup_failed(e),
    })
}

/// The verdict of RFC 5321's implicit MX, from the domain's addresses.
fn outcome_of_addresses(ips: Result<Vec<IpAddr>, LookupError>) -> Outcome {
    match ips {
        Ok(ips) if !ips.is_empty() => Outcome::new(
            Verdict::Valid,
            format!("no MX, implicit MX: address {}", ips[0]),
        ),
        Ok(_) | Err(LookupError::NoRecords | LookupError::NxDomain) => Outcome::new(
            Verdict::Invalid,
            "no MX record and no address (implicit MX)",
        ),
        Err(e) => lookup_failed(e),
    }
}

/// A lookup that gave no records: the name does not exist (or is no name), or DNS could not say.
fn lookup_failed(e: LookupError) -> Outcome {
    match e {
        LookupError::NxDomain | LookupError::BadName(_) => {
            Outcome::new(Verdict::Invalid, e.to_string())
        }
        other => Outcome::new(Verdict::Unverifiable, other.to_string()),
    }
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

/// Step 3. Validates `emails` on `executor`: the syntax first, then one lookup per distinct
/// domain, in parallel; one report per email, in the input's order.
pub fn validate_emails<E: Executor>(
    executor: &E,
    resolver: Arc<dyn MxResolver>,
    emails: &[String],
    implicit_mx: bool,
) -> Result<Vec<Report>, Error> {
    let checked: Vec<Result<Address, String>> = emails.iter().map(|e| check_syntax(e)).collect();
    // The seed's `future_to_url`, keyed by domain: one future per distinct domain.
    let mut lookups: HashMap<&str, Future<Outcome>> = HashMap::new();
    for address in checked.iter().flatten() {
        if !lookups.contains_key(address.domain.as_str()) {
            let (resolver, domain) = (Arc::clone(&resolver), address.domain.clone());
            let future = executor
                .submit(move || classify_domain(resolver.as_ref(), &domain, implicit_mx))?;
            lookups.insert(&address.domain, future);
        }
    }
    let mut outcomes: HashMap<&str, Outcome> = HashMap::with_capacity(lookups.len());
    for (domain, future) in lookups {
        outcomes.insert(domain, future.result()?);
    }
    Ok(reports(emails, &checked, &outcomes))
}

/// One report per email, in order: bad syntax, or the outcome of its domain. Shared with the async
/// version (`going_further`).
fn reports<K: Borrow<str> + Hash + Eq>(
    emails: &[String],
    checked: &[Result<Address, String>],
    outcomes: &HashMap<K, Outcome>,
) -> Vec<Report> {
    emails
        .iter()
        .zip(checked)
        .map(|(email, checked)| {
            let outcome = match checked {
                Ok(address) => outcomes
                    .get(address.domain.as_str())
                    .cloned()
                    .unwrap_or_else(|| {
                        Outcome::new(Verdict::Unverifiable, "the lookup gave no result")
                    }),
                Err(reason) => Outcome::new(Verdict::Invalid, format!("bad syntax: {reason}")),
            };
            Report {
                email: email.clone(),
                verdict: outcome.verdict,
                reason: outcome.reason,
            }
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Step 4: options, the whole file, the summary
// ---------------------------------------------------------------------------------------------

/// Step 4. How a run is done.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Options {
    /// Threads of the pool (default 20: lookups mostly wait, so many more than the cores).
    pub workers: usize,
    /// The longest a lookup may take (default 5 s); the resolver is built with it.
    pub timeout: Duration,
    /// Fall back to A/AAAA when a domain has no MX (RFC 5321's implicit MX; default off).
    pub implicit_mx: bool,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            workers: 20,
            timeout: Duration::from_secs(5),
            implicit_mx: false,
        }
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
        let mut summary = Self {
            emails: reports.len(),
            ..Self::default()
        };
        for report in reports {
            *match report.verdict {
                Verdict::Valid => &mut summary.valid,
                Verdict::Invalid => &mut summary.invalid,
                Verdict::Unverifiable => &mut summary.unverifiable,
            } += 1;
        }
        summary
    }
}

/// Step 4. Gives each lookup of `inner` at most `timeout`, whatever the resolver's own timeout.
///
/// A blocking call cannot be cancelled: the lookup runs on a thread of its own and the caller stops
/// *waiting* for it after `timeout` (`recv_timeout`). The abandoned thread ends when the resolver's
/// own timeout does; its late answer is dropped. (The async version cancels for real: see
/// `going_further`.)
#[derive(Debug)]
struct WithTimeout {
    inner: Arc<dyn MxResolver>,
    timeout: Duration,
}

impl WithTimeout {
    fn within<T: Send + 'static>(
        &self,
        domain: &str,
        lookup: fn(&dyn MxResolver, &str) -> Result<T, LookupError>,
    ) -> Result<T, LookupError> {
        let (sender, receiver) = mpsc::channel();
        let (inner, domain) = (Arc::clone(&self.inner), domain.to_owned());
        thread::Builder::new()
            .name("lookup".into())
            .spawn(move || {
                // A panicking resolver is passed on to the caller, as if it had run there.
                let result =
                    panic::catch_unwind(AssertUnwindSafe(|| lookup(inner.as_ref(), &domain)));
                let _ = sender.send(result); // the caller may have stopped waiting
            })
            .map_err(|e| LookupError::Network(format!("cannot start a lookup thread: {e}")))?;
        match receiver.recv_timeout(self.timeout) {
            Ok(Ok(result)) => result,
            Ok(Err(panic)) => panic::resume_unwind(panic),
            Err(RecvTimeoutError::Timeout) => Err(LookupError::Timeout),
            Err(RecvTimeoutError::Disconnected) => Err(LookupError::Network(
                "the lookup thread ended without an answer".into(),
            )),
        }
    }
}

impl MxResolver for WithTimeout {
    fn mx(&self, domain: &str) -> Result<Vec<Mx>, LookupError> {
        self.within(domain, |resolver, domain| resolver.mx(domain))
    }
    fn addresses(&self, domain: &str) -> Result<Vec<IpAddr>, LookupError> {
        self.within(domain, |resolver, domain| resolver.addresses(domain))
    }
}

/// Step 4. Reads the list at `path` and validates it on a new pool of `options.workers` threads,
/// each lookup given at most `options.timeout`.
pub fn validate_file(
    path: &Path,
    resolver: Arc<dyn MxResolver>,
    options: &Options,
) -> Result<(Vec<Report>, Summary), RunError> {
    let emails = read_emails(path).map_err(RunError::Read)?;
    let pool = ThreadPoolExecutor::new(options.workers.max(1));
    let resolver = Arc::new(WithTimeout {
        inner: resolver,
        timeout: options.timeout,
    });
    let reports = validate_emails(&pool, resolver, &emails, options.implicit_mx)
        .map_err(RunError::Executor)?;
    let summary = Summary::of(&reports);
    Ok((reports, summary))
}
