//! The bytes between a pool and its worker processes, over the worker's stdin and stdout.
//!
//! Every message is a frame: a little-endian `u32` length, then that many bytes. Arguments and
//! results are postcard-encoded by the typed code on each side; the envelope around them is
//! written by hand, so a chunk of 1000 items is not encoded twice. A worker first writes
//! [`MAGIC`], because a test binary started as a worker has already printed libtest's own lines
//! on the same stdout: the parent skips everything before it.

use std::io::{self, Read, Write};

/// What a worker writes before its first frame.
pub(crate) const MAGIC: &[u8] = b"\0concurrent::process worker v1\0";

/// The largest frame either side accepts (a corrupt length must not allocate gigabytes).
pub(crate) const MAX_FRAME: usize = 1 << 30;

/// The parent's requests.
pub(crate) const RUN: u8 = 1;

/// What one call of a task gave, as the worker reports it.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// The postcard bytes of the result.
    Value(Vec<u8>),
    /// The task panicked with this message.
    Panicked(String),
    /// The argument could not be decoded or the result encoded.
    Unsendable(String),
}

/// A request frame: run task `task` on each argument in turn.
pub(crate) fn request<'a>(
    task: u32,
    arguments: impl ExactSizeIterator<Item = &'a [u8]>,
) -> Vec<u8> {
    let mut frame = vec![0; 4];
    frame.push(RUN);
    frame.extend_from_slice(&task.to_le_bytes());
    put_len(&mut frame, arguments.len());
    for argument in arguments {
        put_len(&mut frame, argument.len());
        frame.extend_from_slice(argument);
    }
    seal(frame)
}

/// The reply frame to a request: one outcome per argument, in order.
pub(crate) fn reply(outcomes: &[Outcome]) -> Vec<u8> {
    let mut frame = vec![0; 4];
    put_len(&mut frame, outcomes.len());
    for outcome in outcomes {
        let (tag, bytes) = match outcome {
            Outcome::Value(bytes) => (0, bytes.as_slice()),
            Outcome::Panicked(message) => (1, message.as_bytes()),
            Outcome::Unsendable(message) => (2, message.as_bytes()),
        };
        frame.push(tag);
        put_len(&mut frame, bytes.len());
        frame.extend_from_slice(bytes);
    }
    seal(frame)
}

/// A decoded request: the task's index and its arguments.
pub(crate) struct Request<'a> {
    pub(crate) task: u32,
    pub(crate) arguments: Vec<&'a [u8]>,
}

/// Reads a request body (the frame without its length).
pub(crate) fn parse_request(body: &[u8]) -> io::Result<Request<'_>> {
    let mut cursor = Cursor(body);
    if cursor.take(1)? != [RUN] {
        return Err(corrupt("unknown request kind"));
    }
    let task = cursor.u32()?;
    let count = cursor.u32()?;
    let mut arguments = Vec::with_capacity(count.min(1 << 16) as usize);
    for _ in 0..count {
        let len = cursor.u32()? as usize;
        arguments.push(cursor.take(len)?);
    }
    Ok(Request { task, arguments })
}

/// Reads a reply body (the frame without its length).
pub(crate) fn parse_reply(body: &[u8]) -> io::Result<Vec<Outcome>> {
    let mut cursor = Cursor(body);
    let count = cursor.u32()?;
    let mut outcomes = Vec::with_capacity(count.min(1 << 16) as usize);
    for _ in 0..count {
        let tag = cursor.take(1)?[0];
        let len = cursor.u32()? as usize;
        let bytes = cursor.take(len)?;
        let text = || String::from_utf8_lossy(bytes).into_owned();
        outcomes.push(match tag {
            0 => Outcome::Value(bytes.to_vec()),
            1 => Outcome::Panicked(text()),
            2 => Outcome::Unsendable(text()),
            _ => return Err(corrupt("unknown outcome tag")),
        });
    }
    Ok(outcomes)
}

/// Reads one frame's body from a blocking reader; `None` at a clean end of input.
pub(crate) fn read_frame(reader: &mut impl Read, body: &mut Vec<u8>) -> io::Result<Option<()>> {
    let mut len = [0; 4];
    match reader.read_exact(&mut len) {
        Ok(()) => {}
        Err(error) if error.kind() == io::ErrorKind::UnexpectedEof => return Ok(None),
        Err(error) => return Err(error),
    }
    let len = u32::from_le_bytes(len) as usize;
    if len > MAX_FRAME {
        return Err(corrupt("frame too large"));
    }
    body.clear();
    body.resize(len, 0);
    reader.read_exact(body)?;
    Ok(Some(()))
}

/// Writes a sealed frame in one call, so a frame is one `write` on a pipe.
pub(crate) fn write_frame(writer: &mut impl Write, frame: &[u8]) -> io::Result<()> {
    writer.write_all(frame)?;
    writer.flush()
}

/// The length of the frame at the start of `buffer`, once its 4-byte header is there.
pub(crate) fn frame_len(buffer: &[u8]) -> Option<usize> {
    let header: [u8; 4] = buffer.get(..4)?.try_into().ok()?;
    Some(u32::from_le_bytes(header) as usize)
}

fn put_len(frame: &mut Vec<u8>, len: usize) {
    // Frames are capped at MAX_FRAME (< 4 GiB), so a length always fits; saturate rather than wrap.
    frame.extend_from_slice(&u32::try_from(len).unwrap_or(u32::MAX).to_le_bytes());
}

/// Writes the body's length into the 4 bytes reserved at the front.
fn seal(mut frame: Vec<u8>) -> Vec<u8> {
    let body = u32::try_from(frame.len() - 4).unwrap_or(u32::MAX);
    frame[..4].copy_from_slice(&body.to_le_bytes());
    frame
}

fn corrupt(what: &str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, format!("corrupt frame: {what}"))
}

struct Cursor<'a>(&'a [u8]);

impl<'a> Cursor<'a> {
    fn take(&mut self, len: usize) -> io::Result<&'a [u8]> {
        if self.0.len() < len {
            return Err(corrupt("truncated"));
        }
        let (head, tail) = self.0.split_at(len);
        self.0 = tail;
        Ok(head)
    }

    fn u32(&mut self) -> io::Result<u32> {
        let bytes = self.take(4)?;
        Ok(u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_and_a_reply_survive_the_round_trip() {
        let arguments: [&[u8]; 3] = [b"a", b"", b"xyz"];
        let frame = request(7, arguments.iter().copied());
        assert_eq!(frame_len(&frame), Some(frame.len() - 4));
        let parsed = parse_request(&frame[4..]).unwrap();
        assert_eq!(parsed.task, 7);
        assert_eq!(parsed.arguments, arguments);

        let outcomes = vec![
            Outcome::Value(vec![1, 2]),
            Outcome::Panicked("boom".into()),
            Outcome::Unsendable("no".into()),
        ];
        let frame = reply(&outcomes);
        assert_eq!(parse_reply(&frame[4..]).unwrap(), outcomes);
        assert!(parse_reply(&frame[4..frame.len() - 1]).is_err());
    }
}
