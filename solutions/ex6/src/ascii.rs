//! The tokenizer's fast path for ASCII text (most of most corpora): the same words as the
//! general rule (runs of letters and digits, lowercased), found without a branch per byte.
//!
//! A byte-by-byte loop waits on every byte for the previous one's test, and mispredicts the
//! branch at every word's end. Instead, 64 bytes at a time become a bitmask (one bit per byte:
//! letter or digit?) with integer arithmetic on 8 bytes at once; the word starts are the bits
//! whose byte before is not set; and each word is read from a 16-byte window at its start, which
//! gives both its length and its lowercased bytes packed in a `u128`. The words of a block do
//! not depend on each other, so the processor works on several at once.

/// A word of ASCII text, as [`for_each_word`] finds it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AsciiWord<'a> {
    /// A word of at most [`PACKED`] bytes, lowercased and packed by [`pack`].
    Packed(u128),
    /// A longer word, not lowercased yet.
    Long(&'a [u8]),
}

/// Words of at most this many bytes are packed into a `u128`.
pub(crate) const PACKED: usize = 16;

/// A word of at most [`PACKED`] bytes as an integer: its bytes, little-endian, zero-padded. No
/// word holds a 0 byte, so the padding says where the word ends: packing is one-to-one.
pub(crate) fn pack(bytes: impl Iterator<Item = u8>) -> u128 {
    // A shift per byte rather than a copy of a variable length, which becomes a `memcpy` call.
    bytes.enumerate().fold(0, |key, (index, byte)| {
        key | u128::from(byte) << (8 * index)
    })
}

/// Calls `f` with every word of `bytes`, which must all be ASCII (a byte of 0x80 or more would be
/// read as a separator).
pub(crate) fn for_each_word<'a>(bytes: &'a [u8], mut f: impl FnMut(AsciiWord<'a>)) {
    let (blocks, _) = bytes.as_chunks::<64>();
    // 1 when the byte before the block is a letter or digit: the block's first byte then
    // continues a word, and starts none.
    let mut before = 0;
    for (index, block) in blocks.iter().enumerate() {
        let alnum = block_mask(block);
        let mut starts = alnum & !(alnum << 1 | before);
        before = alnum >> 63;
        while starts != 0 {
            let start = index * 64 + starts.trailing_zeros() as usize;
            starts &= starts - 1;
            f(word_at(bytes, start).0);
        }
    }
    // The last bytes, fewer than 64, one by one, after the end of a word already counted.
    let mut at = blocks.len() * 64;
    if before == 1 {
        at += bytes[at..]
            .iter()
            .position(|&byte| !byte.is_ascii_alphanumeric())
            .unwrap_or(bytes.len() - at);
    }
    while at < bytes.len() {
        if bytes[at].is_ascii_alphanumeric() {
            let (word, end) = word_at(bytes, at);
            f(word);
            at = end;
        } else {
            at += 1;
        }
    }
}

/// The word that starts at byte `start` of `bytes`, and where it ends.
#[inline]
fn word_at(bytes: &[u8], start: usize) -> (AsciiWord<'_>, usize) {
    if let Some(window) = bytes.get(start..start + PACKED)
        && let Ok(window) = <[u8; PACKED]>::try_from(window)
    {
        let window = u128::from_le_bytes(window);
        // The word's length: the first byte of the window that is not a letter or digit.
        let len = (!alnum_high_bits(window) & HIGH).trailing_zeros() as usize / 8;
        if len < PACKED {
            let keep = u128::MAX >> (8 * (PACKED - len));
            return (AsciiWord::Packed((window | LOWER) & keep), start + len);
        }
    }
    // A long word, or too near the end for a whole window: byte by byte.
    let len = bytes[start..]
        .iter()
        .position(|&byte| !byte.is_ascii_alphanumeric())
        .unwrap_or(bytes.len() - start);
    let word = &bytes[start..start + len];
    let found = if len <= PACKED {
        AsciiWord::Packed(pack(word.iter().map(|&byte| byte | 0x20)))
    } else {
        AsciiWord::Long(word)
    };
    (found, start + len)
}

/// `byte` in every byte of an integer.
const fn splat(byte: u8) -> u128 {
    u128::from_le_bytes([byte; 16])
}

/// The high bit of every byte.
const HIGH: u128 = splat(0x80);

/// OR-ed into an ASCII letter or digit, lowercases it (a digit already has that bit).
const LOWER: u128 = splat(0x20);

/// The high bit of each byte of `bytes` (all ASCII) set where the byte is a letter or digit.
/// `byte + (0x80 - low)` reaches the high bit when `byte >= low`, `byte + (0x7f - high)` when
/// `byte > high`; both stay below 0x100 for ASCII bytes, so no byte carries into the next.
#[inline]
fn alnum_high_bits(bytes: u128) -> u128 {
    let digit = bytes.wrapping_add(splat(0x80 - b'0')) & !bytes.wrapping_add(splat(0x7f - b'9'));
    let folded = bytes | LOWER;
    let letter = folded.wrapping_add(splat(0x80 - b'a')) & !folded.wrapping_add(splat(0x7f - b'z'));
    (digit | letter) & HIGH
}

/// One bit per byte of `block`: bit `i` is set when byte `i` is a letter or digit.
#[inline]
fn block_mask(block: &[u8; 64]) -> u64 {
    let (lanes, _) = block.as_chunks::<8>();
    lanes.iter().enumerate().fold(0, |mask, (index, lane)| {
        let high = alnum_high_bits(u128::from(u64::from_le_bytes(*lane))) as u64;
        // Gathers the 8 high bits into the top byte: each lands on its own bit, no carries.
        let bits = (high >> 7).wrapping_mul(0x0102_0408_1020_4080) >> 56;
        mask | bits << (8 * index)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The words the simple rule finds, packed or long, for comparison.
    fn simple(bytes: &[u8]) -> Vec<AsciiWord<'_>> {
        bytes
            .split(|byte| !byte.is_ascii_alphanumeric())
            .filter(|word| !word.is_empty())
            .map(|word| {
                if word.len() <= PACKED {
                    AsciiWord::Packed(pack(word.iter().map(u8::to_ascii_lowercase)))
                } else {
                    AsciiWord::Long(word)
                }
            })
            .collect()
    }

    #[test]
    fn finds_the_words_of_the_simple_rule_at_every_offset() {
        // Every ASCII byte, words of every length around 8, 16 and the 64-byte blocks.
        let mut text: Vec<u8> = (0..=127).collect();
        for len in [1, 7, 8, 9, 15, 16, 17, 63, 64, 65, 130] {
            text.extend((0..len).map(|i| b"aZ9m"[i % 4]));
            text.push(if len % 2 == 0 { b' ' } else { b'@' });
        }
        let text = text.repeat(3);
        for offset in 0..130 {
            for end in [text.len(), text.len() - 1, text.len() - 70] {
                let bytes = &text[offset..end];
                let mut found = Vec::new();
                for_each_word(bytes, |word| found.push(word));
                assert_eq!(found, simple(bytes), "offset {offset}, end {end}");
            }
        }
    }
}
