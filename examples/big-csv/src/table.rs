//! [`Table`]: statistics per category, looked up once per row, so the lookup must be cheap.

use std::collections::{BTreeMap, HashMap};

use crate::Stats;

/// Names of at most 16 bytes are found by a key of two integers read straight from the
/// bytes, in a small open-addressing table: usually one multiplication and one comparison, no
/// hashing of bytes, no copy, no allocation. Longer names, or more than 128 short ones,
/// go to a `HashMap`. Names are checked to be UTF-8 once, when first seen.
#[derive(Debug)]
pub struct Table {
    /// The short names and their statistics, in the order first seen.
    short: Vec<(Key, Box<str>, Stats)>,
    /// Index + 1 into `short`, at the key's hash (then the next slots); 0 when free.
    slots: Box<[u8; SLOTS]>,
    long: HashMap<Box<str>, Stats>,
}

/// Slots of the short names' table: at most half of them are used, so probes stay short.
const SLOTS: usize = 256;
/// Past this many short names, the others go to the `HashMap`.
const SHORT_MAX: usize = SLOTS / 2;

impl Default for Table {
    fn default() -> Table {
        Table {
            short: Vec::new(),
            slots: Box::new([0; SLOTS]),
            long: HashMap::new(),
        }
    }
}

/// A name of at most 16 bytes as two integers and its length: the first and the last 8 bytes
/// (4 bytes, or 3 single bytes for shorter names), which overlap and so hold every byte.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Key {
    head: u64,
    tail: u64,
    len: usize,
}

impl Key {
    fn of(name: &[u8]) -> Option<Key> {
        let len = name.len();
        let word = |at: usize| u64::from_le_bytes(name[at..at + 8].try_into().expect("8 bytes"));
        let half = |at: usize| u32::from_le_bytes(name[at..at + 4].try_into().expect("4 bytes"));
        let (head, tail) = match len {
            0 => (0, 0),
            1..=3 => {
                let byte = |at: usize| u64::from(name[at]);
                (byte(0) | byte(len / 2) << 8 | byte(len - 1) << 16, 0)
            }
            4..=7 => (u64::from(half(0)), u64::from(half(len - 4))),
            8..=16 => (word(0), word(len - 8)),
            _ => return None,
        };
        Some(Key { head, tail, len })
    }

    /// The first slot to look at.
    fn slot(self) -> usize {
        let mixed = (self.head ^ self.tail.rotate_left(32) ^ self.len as u64)
            .wrapping_mul(0x9E37_79B9_7F4A_7C15);
        (mixed >> 56) as usize % SLOTS
    }
}

impl Table {
    /// The statistics of `name`, created empty on first use; `None` if `name` is new and not
    /// UTF-8 text.
    #[inline]
    pub fn entry(&mut self, name: &[u8]) -> Option<&mut Stats> {
        if let Some(key) = Key::of(name) {
            let mut slot = key.slot();
            while let Some(index) = usize::from(self.slots[slot]).checked_sub(1) {
                if self.short[index].0 == key {
                    return Some(&mut self.short[index].2);
                }
                slot = (slot + 1) % SLOTS;
            }
        }
        self.insert(name)
    }

    /// The statistics of a name not among the short ones: a new short one, or a long one.
    #[cold]
    fn insert(&mut self, name: &[u8]) -> Option<&mut Stats> {
        let name = std::str::from_utf8(name).ok()?;
        if let Some(key) = Key::of(name.as_bytes())
            && self.short.len() < SHORT_MAX
        {
            let mut slot = key.slot();
            while self.slots[slot] != 0 {
                slot = (slot + 1) % SLOTS;
            }
            self.short.push((key, name.into(), Stats::default()));
            self.slots[slot] = u8::try_from(self.short.len()).expect("at most 128 names");
            return self.short.last_mut().map(|(_, _, stats)| stats);
        }
        if !self.long.contains_key(name) {
            self.long.insert(name.into(), Stats::default());
        }
        self.long.get_mut(name)
    }

    /// The statistics by name.
    pub fn into_map(self) -> BTreeMap<String, Stats> {
        let short = self.short.into_iter().map(|(_, name, stats)| (name, stats));
        let mut map = BTreeMap::new();
        for (name, stats) in short.chain(self.long) {
            map.entry(name.into())
                .or_insert_with(Stats::default)
                .merge(&stats);
        }
        map
    }
}

/// Parses a decimal number such as `-12.345` the fast way, exactly as `str::parse::<f64>`
/// would: up to 15 digits form an integer `m` held exactly by an `f64`, and `m / 10^k` with
/// `k <= 15` is one correctly rounded division (Clinger's fast path). Anything else (exponents,
/// more digits, `inf`, spaces) returns `None`, for `str::parse` to decide.
pub fn parse_decimal(text: &[u8]) -> Option<f64> {
    const POWERS: [f64; 16] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
    ];
    let (negative, digits) = match text.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, text),
    };
    if digits.len() > 16 {
        return None; // more than 15 digits and a point
    }
    let (mut mantissa, mut point, mut points) = (0u64, 0, 0);
    for (at, &byte) in digits.iter().enumerate() {
        let digit = byte.wrapping_sub(b'0');
        if digit < 10 {
            mantissa = mantissa * 10 + u64::from(digit);
        } else if byte == b'.' {
            (point, points) = (at, points + 1);
        } else {
            return None;
        }
    }
    let count = digits.len() - points;
    if points > 1 || count == 0 || count > 15 {
        return None;
    }
    let decimals = if points == 1 { count - point } else { 0 };
    let value = mantissa as f64 / POWERS[decimals];
    Some(if negative { -value } else { value })
}
