//! What the server answers on one path: a [`Route`] (status, body, headers) and the [`Fault`]s
//! that replace or spoil some of its responses.
use std::{sync::Arc, time::Duration};

use super::{Gate, GeneratedBody};

/// A response body: bytes in memory, or generated on the fly from a seed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Body {
    /// Fixed bytes.
    Bytes(Arc<[u8]>),
    /// Any size, never held in memory.
    Generated(GeneratedBody),
}

impl Body {
    /// The body's length in bytes.
    pub fn len(&self) -> u64 {
        match self {
            Body::Bytes(b) => b.len() as u64,
            Body::Generated(g) => g.len,
        }
    }
    /// True for an empty body.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// Fills `buf` with the bytes from `offset` (the caller keeps within `len`).
    pub(crate) fn fill(&self, offset: u64, buf: &mut [u8]) {
        match self {
            Body::Bytes(b) => {
                let start = offset as usize;
                buf.copy_from_slice(&b[start..start + buf.len()]);
            }
            Body::Generated(g) => g.fill(offset, buf),
        }
    }
    /// A strong validator derived from the content (fixed bytes) or from seed and length.
    fn default_etag(&self) -> String {
        match self {
            Body::Bytes(b) => {
                let mut h: u64 = 0xcbf2_9ce4_8422_2325;
                for byte in b.iter() {
                    h = (h ^ u64::from(*byte)).wrapping_mul(0x0100_0000_01b3);
                }
                format!("\"b-{h:016x}-{:x}\"", b.len())
            }
            Body::Generated(g) => format!("\"g-{:x}-{:x}\"", g.seed, g.len),
        }
    }
}

/// Something that goes wrong with one response (see [`Route::failing_first`], [`Route::always`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fault {
    /// Answers this status with a short text body instead of the route's response.
    Status(u16),
    /// Answers `429 Too Many Requests` with `Retry-After: <secs>`.
    RetryAfter(u64),
    /// Sends nothing for this long, then the route's response: longer than the client's timeout,
    /// it is a slow server.
    DelayHeaders(Duration),
    /// Sends the headers and `after` body bytes, pauses for `delay`, then sends the rest.
    DelayBody {
        /// Body bytes sent before the pause.
        after: u64,
        /// The pause.
        delay: Duration,
    },
    /// Sends the headers (with the full `Content-Length`) and this many body bytes, then closes
    /// the connection: the client sees the body end early.
    DropAfter(u64),
}

/// The response for one path, with optional faults. Build it with [`Route::ok`],
/// [`Route::generated`] or [`Route::status`] and the methods that follow.
#[derive(Clone, Debug)]
pub struct Route {
    pub(crate) status: u16,
    pub(crate) body: Body,
    pub(crate) content_type: String,
    pub(crate) etag: Option<String>,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) first: Vec<Fault>,
    pub(crate) always: Option<Fault>,
    pub(crate) rate: Option<u64>,
    pub(crate) gate: Option<Arc<Gate>>,
}

impl Route {
    /// `200 OK` with this body (with an `ETag`, and `Range` requests answered `206`).
    pub fn ok(body: impl Into<Vec<u8>>) -> Self {
        Self::with_body(200, Body::Bytes(body.into().into()))
    }

    /// `200 OK` with `len` bytes generated from `seed` as they are sent (see [`GeneratedBody`]).
    pub fn generated(seed: u64, len: u64) -> Self {
        Self::with_body(200, Body::Generated(GeneratedBody::new(seed, len)))
    }

    /// Always this status, with its reason phrase as a short text body (`Route::status(404)`,
    /// `Route::status(500)`).
    pub fn status(code: u16) -> Self {
        let body = format!("{code} {}\n", reason(code));
        let mut route = Self::with_body(code, Body::Bytes(body.into_bytes().into()));
        route.etag = None;
        route
    }

    /// Always `429 Too Many Requests` with `Retry-After: <secs>`.
    pub fn retry_after(secs: u64) -> Self {
        Self::status(429).header("Retry-After", &secs.to_string())
    }

    /// Fails `failures` times with `status` (500, 503...), then answers `200` with `body`.
    pub fn flaky(failures: usize, status: u16, body: impl Into<Vec<u8>>) -> Self {
        Self::ok(body).failing_first(failures, Fault::Status(status))
    }

    fn with_body(status: u16, body: Body) -> Self {
        Self {
            status,
            etag: Some(body.default_etag()),
            body,
            content_type: "application/octet-stream".to_owned(),
            headers: Vec::new(),
            first: Vec::new(),
            always: None,
            rate: None,
            gate: None,
        }
    }

    /// The next `n` requests of this route get `fault`, after any faults added before: chain
    /// calls for a sequence (`.failing_first(1, Fault::Status(503)).failing_first(1,
    /// Fault::RetryAfter(1))`).
    pub fn failing_first(mut self, n: usize, fault: Fault) -> Self {
        self.first.extend(std::iter::repeat_n(fault, n));
        self
    }

    /// Every request after those of [`Route::failing_first`] gets `fault`.
    pub fn always(mut self, fault: Fault) -> Self {
        self.always = Some(fault);
        self
    }

    /// Adds a response header.
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    /// The `Content-Type` (default `application/octet-stream`).
    pub fn content_type(mut self, value: &str) -> Self {
        self.content_type = value.to_owned();
        self
    }

    /// Sends `ETag: "<tag>"` instead of the one derived from the content (`None`: no `ETag`,
    /// so `If-Range` never matches). Change it with [`super::HttpServer::set_route`] to play a
    /// file that changed between a dropped download and its resumption.
    pub fn etag(mut self, tag: Option<&str>) -> Self {
        self.etag = tag.map(|t| format!("\"{}\"", t.trim_matches('"')));
        self
    }

    /// Sends the body at about `bytes_per_sec` (for demos with progress bars; never for tests).
    pub fn rate(mut self, bytes_per_sec: u64) -> Self {
        self.rate = Some(bytes_per_sec.max(1));
        self
    }

    /// Holds this route's responses at `gate` (instead of the server's gate, if any).
    pub fn gate(mut self, gate: Arc<Gate>) -> Self {
        self.gate = Some(gate);
        self
    }

    /// The `ETag` header value sent for this route, quotes included, if any.
    pub fn etag_value(&self) -> Option<&str> {
        self.etag.as_deref()
    }

    /// The body sent with `200 OK`.
    pub fn body(&self) -> &Body {
        &self.body
    }

    /// The fault of the route's `n`-th request (from 0), if any.
    pub(crate) fn fault_for(&self, n: usize) -> Option<Fault> {
        self.first.get(n).copied().or(self.always)
    }
}

/// The reason phrase of the statuses tests use.
pub(crate) fn reason(code: u16) -> &'static str {
    match code {
        200 => "OK",
        206 => "Partial Content",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        410 => "Gone",
        416 => "Range Not Satisfiable",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Status",
    }
}
