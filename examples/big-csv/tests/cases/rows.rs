//! Reading rows: the hand-cut common rows and the csv crate's parser read every line the same
//! way as the `csv` crate's ordinary reader does.

use big_csv::lines::Lines;
use big_csv::row::RowParser;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

use crate::support::COLUMNS;

/// One row's outcome, comparable: the category's bytes and the value's bits, or an error (its
/// message only matters for a quoted field spanning lines).
#[derive(Debug, PartialEq)]
enum Outcome {
    Row(Vec<u8>, u64),
    Bad,
    SpansLines,
}

/// What `csv::Reader` reads in `text`, up to the first quoted field holding a newline.
fn read_with_csv(text: &str) -> Vec<Outcome> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut outcomes = Vec::new();
    for record in reader.byte_records() {
        let record = record.expect("csv reads any bytes");
        if record.iter().any(|field| field.contains(&b'\n')) {
            outcomes.push(Outcome::SpansLines);
            break;
        }
        if record.len() != COLUMNS.count {
            outcomes.push(Outcome::Bad);
            continue;
        }
        let value = std::str::from_utf8(&record[COLUMNS.value])
            .ok()
            .and_then(|text| text.trim().parse::<f64>().ok())
            .filter(|value| value.is_finite());
        outcomes.push(match value {
            Some(value) => Outcome::Row(record[COLUMNS.category].to_vec(), value.to_bits()),
            None => Outcome::Bad,
        });
    }
    outcomes
}

/// A reader that hands out at most `step` bytes per read: lines and words of 8 bytes then end
/// in the middle of reads, as they do at the end of every block of a big file.
struct Trickle<'a> {
    bytes: &'a [u8],
    step: usize,
}

impl std::io::Read for Trickle<'_> {
    fn read(&mut self, buffer: &mut [u8]) -> std::io::Result<usize> {
        let n = self.step.min(buffer.len()).min(self.bytes.len());
        buffer[..n].copy_from_slice(&self.bytes[..n]);
        self.bytes = &self.bytes[n..];
        Ok(n)
    }
}

/// What the example's tasks read in `text`, given `step` bytes per read, up to the first quoted
/// field spanning lines.
fn read_like_a_task(text: &str, step: usize) -> Vec<Outcome> {
    let mut lines = Lines::new(Trickle {
        bytes: text.as_bytes(),
        step,
    });
    let mut parser = RowParser::new(COLUMNS);
    let mut outcomes = Vec::new();
    while let Some(line) = lines.next_line().expect("reading memory") {
        parser.parse(&line, |row| {
            outcomes.push(match row {
                Ok((category, value)) => Outcome::Row(category.to_vec(), value.to_bits()),
                Err(reason) if reason.contains("spans lines") => Outcome::SpansLines,
                Err(_) => Outcome::Bad,
            })
        });
        if outcomes.last() == Some(&Outcome::SpansLines) {
            break;
        }
    }
    outcomes
}

/// Lines that are mostly rows, in all the shapes the two readers must agree on.
fn line() -> impl Strategy<Value = String> {
    let category = prop_oneof![
        Just("books"),
        Just("\"tools, hardware\""),
        Just("\"say \"\"hi\"\"\""),
        Just("\"open"),
        Just("a\"b"),
        Just("\"x\"y"),
        Just("home & garden"),
        Just("été"),
        Just(""),
        Just("sixteen-bytes-ab"),
        Just("seventeen-bytes-a"),
    ];
    let value = prop_oneof![
        Just("12.5".to_owned()),
        Just("-3".to_owned()),
        Just("1e3".to_owned()),
        Just(" 4.5 ".to_owned()),
        Just("\"7.25\"".to_owned()),
        Just(".5".to_owned()),
        Just("5.".to_owned()),
        Just("-0.0".to_owned()),
        Just("1234567890.1234567".to_owned()),
        Just("inf".to_owned()),
        Just("x".to_owned()),
        Just("".to_owned()),
        (-1e6..1e6f64).prop_map(|x| format!("{x:.3}")),
    ];
    let row =
        (0u32..1_000_000, category, value, 0..9u8).prop_map(|(id, category, value, shape)| {
            match shape {
                0 => format!("{id},{category},{value},extra"),
                1 => format!("{id},{category}"),
                2 => format!("{id},{category},{value}\r"),
                3 => format!("{id},{category},{value}\r{id},{category},{value}"),
                4 => format!("{id},{category}\r,{value}"),
                _ => format!("{id},{category},{value}"),
            }
        });
    prop_oneof![
        8 => row,
        1 => "[0-9a,\". \r-]{0,10}",
    ]
}

#[course_testing::test]
fn every_line_is_read_as_the_csv_crate_reads_it() {
    let mut runner = TestRunner::new(Config {
        cases: 500,
        failure_persistence: None,
        ..Config::default()
    });
    runner
        .run(
            &(prop::collection::vec(line(), 0..30), 1..12usize),
            |(lines, step)| {
                let mut text = lines.join("\n");
                text.push('\n');
                let expected = read_with_csv(&text);
                prop_assert_eq!(&read_like_a_task(&text, 1 << 20), &expected, "{:?}", text);
                prop_assert_eq!(
                    &read_like_a_task(&text, step),
                    &expected,
                    "{:?} read {} bytes at a time",
                    text,
                    step
                );
                Ok(())
            },
        )
        .unwrap_or_else(|failure| panic!("{failure}"));
}

#[course_testing::test]
fn a_line_longer_than_a_read_block_is_read_whole() {
    let long = "c".repeat(700_000);
    let text = format!("1,a,1.5\n2,{long},2.5\n3,a,3.5");
    let mut lines = Lines::new(Trickle {
        bytes: text.as_bytes(),
        step: 100_000,
    });
    let (mut got, mut category) = (Vec::new(), Vec::new());
    let mut parser = RowParser::new(COLUMNS);
    while let Some(line) = lines.next_line().unwrap() {
        got.push((line.number, line.text.len()));
        parser.parse(&line, |row| {
            if line.number == 2 {
                category = row.expect("a good row").0.to_vec();
            }
        });
    }
    assert_eq!(got, [(1, 7), (2, long.len() + 6), (3, 7)]);
    assert_eq!(category, long.as_bytes());
}
