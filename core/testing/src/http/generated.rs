//! Bodies of any size generated from a seed: the server streams them, the test checks them, and
//! nobody holds them in memory.
use std::{
    io::{self, Read},
    sync::OnceLock,
};

/// `len` pseudo-random bytes fixed by `seed`: byte `i` is the same on every run and platform, and
/// any range of it is computed directly (for `Range` requests), without generating what precedes
/// it. Not cryptographic: random-looking bytes that make every misplaced byte change the MD5.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct GeneratedBody {
    /// Another seed gives other bytes.
    pub seed: u64,
    /// The body's length in bytes.
    pub len: u64,
}

/// SplitMix64 at position `index` of the stream `seed`.
fn word(seed: u64, index: u64) -> u64 {
    let mut z = seed.wrapping_add(index.wrapping_add(1).wrapping_mul(0x9e37_79b9_7f4a_7c15));
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// The body is made of blocks of this size.
const BLOCK: usize = 64 * 1024;

/// One block of random bytes, stored twice in a row so that any rotation of it is one slice.
fn table() -> &'static [u8] {
    static TABLE: OnceLock<Vec<u8>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let block: Vec<u8> = (0..BLOCK as u64 / 8)
            .flat_map(|i| word(0x005e_ed0f_b10c, i).to_le_bytes())
            .collect();
        [block.as_slice(), block.as_slice()].concat()
    })
}

impl GeneratedBody {
    /// The body of `len` bytes generated from `seed`.
    pub fn new(seed: u64, len: u64) -> Self {
        Self { seed, len }
    }

    /// Fills `buf` with the bytes at `offset..offset + buf.len()` (the generator does not stop at
    /// `len`: callers cut there).
    pub fn fill(&self, offset: u64, buf: &mut [u8]) {
        // Block `b` is a fixed random block rotated by an amount drawn from (seed, b): every block
        // differs from its neighbours (a lost, repeated or swapped block changes the MD5), and
        // filling is one copy per block, fast even in debug builds (hundreds of MB per test).
        let table = table();
        let mut pos = offset;
        let mut rest = buf;
        while !rest.is_empty() {
            let block = pos / BLOCK as u64;
            let within = (pos % BLOCK as u64) as usize;
            let rotation = (word(self.seed, block) % BLOCK as u64) as usize;
            let n = (BLOCK - within).min(rest.len());
            let from = rotation + within;
            rest[..n].copy_from_slice(&table[from..from + n]);
            rest = &mut rest[n..];
            pos += n as u64;
        }
    }

    /// The whole body as a reader.
    pub fn reader(&self) -> GeneratedReader {
        self.reader_from(0)
    }

    /// The body from byte `offset` to its end as a reader.
    pub fn reader_from(&self, offset: u64) -> GeneratedReader {
        GeneratedReader {
            body: *self,
            pos: offset.min(self.len),
        }
    }

    /// The body's MD5, lower-case hex, computed by streaming it (about 1.5 s per GB: MD5 itself
    /// is the cost).
    pub fn md5_hex(&self) -> String {
        use md5::{Digest, Md5};
        let mut hasher = Md5::new();
        let mut buf = vec![0u8; 1 << 16];
        let mut reader = self.reader();
        loop {
            let n = reader.read(&mut buf).unwrap_or(0);
            if n == 0 {
                break;
            }
            hasher.update(&buf[..n]);
        }
        hasher
            .finalize()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    /// The bytes `range` of the body, in memory: for small bodies and for checks of a slice.
    pub fn bytes(&self, range: std::ops::Range<u64>) -> Vec<u8> {
        let end = range.end.min(self.len);
        let start = range.start.min(end);
        let mut buf = vec![0u8; (end - start) as usize];
        self.fill(start, &mut buf);
        buf
    }
}

/// Reads a [`GeneratedBody`] from some offset to its end.
#[derive(Clone, Debug)]
pub struct GeneratedReader {
    body: GeneratedBody,
    pos: u64,
}

impl Read for GeneratedReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let left = self.body.len - self.pos;
        let n = (buf.len() as u64).min(left) as usize;
        self.body.fill(self.pos, &mut buf[..n]);
        self.pos += n as u64;
        Ok(n)
    }
}
