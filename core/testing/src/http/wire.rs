//! HTTP/1.1 on the wire, as much as the test server needs: a request head in, a response head out,
//! and the `Range` header.
use std::io::{self, Read, Write};

/// The longest request head the server reads (request line and headers).
const MAX_HEAD: usize = 64 * 1024;

/// A parsed request line and headers.
#[derive(Debug)]
pub(crate) struct RequestHead {
    pub(crate) method: String,
    pub(crate) path: String,
    pub(crate) query: Option<String>,
    pub(crate) headers: Vec<(String, String)>,
}

impl RequestHead {
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

fn bad(message: &str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, message.to_owned())
}

/// Reads one request head; `Ok(None)` if the client closed before sending anything. Whatever
/// follows the head (a request body) is read along or left unread: the connection closes after
/// one response anyway.
pub(crate) fn read_head(stream: &mut impl Read) -> io::Result<Option<RequestHead>> {
    let mut buf = Vec::with_capacity(1024);
    let mut chunk = [0u8; 1024];
    let end = loop {
        let n = stream.read(&mut chunk)?;
        if n == 0 {
            if buf.is_empty() {
                return Ok(None);
            }
            return Err(bad("the connection closed in the middle of a request head"));
        }
        let from = buf.len().saturating_sub(3);
        buf.extend_from_slice(&chunk[..n]);
        if let Some(i) = buf[from..].windows(4).position(|w| w == b"\r\n\r\n") {
            break from + i;
        }
        if buf.len() > MAX_HEAD {
            return Err(bad("request head longer than 64 KiB"));
        }
    };
    let text = std::str::from_utf8(&buf[..end]).map_err(|_| bad("request head is not UTF-8"))?;
    let mut lines = text.split("\r\n");
    let mut request_line = lines.next().unwrap_or("").split(' ');
    let (Some(method), Some(target), Some(version), None) = (
        request_line.next(),
        request_line.next(),
        request_line.next(),
        request_line.next(),
    ) else {
        return Err(bad("malformed request line"));
    };
    if !version.starts_with("HTTP/1.") || method.is_empty() {
        return Err(bad("not an HTTP/1.x request"));
    }
    // The absolute form (`http://host/path`, sent to proxies) is reduced to its path.
    let target = match target.split_once("://") {
        Some((_, rest)) => rest.find('/').map_or("/", |i| &rest[i..]),
        None => target,
    };
    let (path, query) = match target.split_once('?') {
        Some((path, query)) => (path, Some(query.to_owned())),
        None => (target, None),
    };
    let headers = lines
        .map(|line| {
            line.split_once(':')
                .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
                .ok_or_else(|| bad("malformed header line"))
        })
        .collect::<io::Result<Vec<_>>>()?;
    Ok(Some(RequestHead {
        method: method.to_owned(),
        path: path.to_owned(),
        query,
        headers,
    }))
}

/// What a `Range` header asks of a body of `len` bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum RangeRequest {
    /// No usable range: the whole body, `200`. (Several ranges and syntax errors land here too:
    /// a server may always ignore `Range`.)
    Whole,
    /// Bytes `start..end` (end exclusive), `206`.
    Part(u64, u64),
    /// A range that starts past the end, `416`.
    Unsatisfiable,
}

/// Parses `bytes=a-b`, `bytes=a-` and `bytes=-n` (RFC 9110 §14.1.2), one range only.
pub(crate) fn parse_range(value: &str, len: u64) -> RangeRequest {
    let Some(spec) = value.trim().strip_prefix("bytes=") else {
        return RangeRequest::Whole;
    };
    if spec.contains(',') {
        return RangeRequest::Whole;
    }
    let Some((first, last)) = spec.trim().split_once('-') else {
        return RangeRequest::Whole;
    };
    let (first, last) = (first.trim(), last.trim());
    let number = |s: &str| s.parse::<u64>().ok();
    match (first.is_empty(), last.is_empty()) {
        // A suffix: the last n bytes.
        (true, false) => match number(last) {
            Some(0) => RangeRequest::Unsatisfiable,
            Some(_) if len == 0 => RangeRequest::Unsatisfiable,
            Some(n) => RangeRequest::Part(len - n.min(len), len),
            None => RangeRequest::Whole,
        },
        (false, _) => {
            let Some(start) = number(first) else {
                return RangeRequest::Whole;
            };
            let last = if last.is_empty() {
                None
            } else {
                match number(last) {
                    Some(l) if l >= start => Some(l),
                    // `500-100` or `5-x`: not a valid range, so no range.
                    _ => return RangeRequest::Whole,
                }
            };
            if start >= len {
                return RangeRequest::Unsatisfiable;
            }
            let end = last.map_or(len, |l| l.saturating_add(1).min(len));
            RangeRequest::Part(start, end)
        }
        (true, true) => RangeRequest::Whole,
    }
}

/// Writes a status line and headers, `Connection: close` included.
pub(crate) fn write_head(
    out: &mut impl Write,
    status: u16,
    headers: &[(&str, String)],
) -> io::Result<()> {
    let mut head = format!("HTTP/1.1 {status} {}\r\n", super::route::reason(status));
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("Connection: close\r\n\r\n");
    out.write_all(head.as_bytes())
}
