//! [`Table`]: statistics per category, looked up once per row, so the lookup must be cheap.

use std::collections::{BTreeMap, HashMap};

use crate::Stats;

/// Categories of at most 16 bytes are kept as a `u128` key with their length and found by a
/// linear scan (a dozen integer comparisons beat hashing the name and comparing bytes); longer
/// names, or more than [`SCAN_MAX`] categories, go to a `HashMap`.
#[derive(Debug, Default)]
pub struct Table {
    short: Vec<(u128, usize, Stats)>,
    long: HashMap<Box<[u8]>, Stats>,
}

/// Past this many short categories, the scan would cost more than a hash.
const SCAN_MAX: usize = 32;

impl Table {
    /// The statistics of `name`, created empty on first use.
    pub fn entry(&mut self, name: &[u8]) -> &mut Stats {
        if name.len() <= 16 {
            let mut bytes = [0u8; 16];
            bytes[..name.len()].copy_from_slice(name);
            let key = u128::from_le_bytes(bytes);
            let found = self
                .short
                .iter()
                .position(|&(k, len, _)| k == key && len == name.len());
            if let Some(at) = found {
                return &mut self.short[at].2;
            }
            if self.short.len() < SCAN_MAX {
                self.short.push((key, name.len(), Stats::default()));
                return &mut self.short.last_mut().expect("just pushed").2;
            }
        }
        self.long.entry(name.into()).or_default()
    }

    /// The statistics by name (names are UTF-8: checked when they were first seen).
    pub fn into_map(self) -> BTreeMap<String, Stats> {
        let short = self.short.into_iter().map(|(key, len, stats)| {
            let bytes = key.to_le_bytes();
            (String::from_utf8_lossy(&bytes[..len]).into_owned(), stats)
        });
        let long = self
            .long
            .into_iter()
            .map(|(name, stats)| (String::from_utf8_lossy(&name).into_owned(), stats));
        let mut map = BTreeMap::new();
        for (name, stats) in short.chain(long) {
            map.entry(name).or_insert_with(Stats::default).merge(&stats);
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
    let (mut mantissa, mut count, mut decimals, mut point) = (0u64, 0usize, 0usize, false);
    for &byte in digits {
        match byte {
            b'0'..=b'9' if count == 15 => return None,
            b'0'..=b'9' => {
                mantissa = mantissa * 10 + u64::from(byte - b'0');
                count += 1;
                decimals += usize::from(point);
            }
            b'.' if !point => point = true,
            _ => return None,
        }
    }
    if count == 0 {
        return None;
    }
    let value = mantissa as f64 / POWERS[decimals];
    Some(if negative { -value } else { value })
}
