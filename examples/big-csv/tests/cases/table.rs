//! The per-row shortcuts: the category table and the fast decimal parser.

use big_csv::table::{Table, parse_decimal};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

#[course_testing::test]
fn the_fast_parser_gives_the_bits_of_str_parse_or_declines() {
    let mut runner = TestRunner::new(Config {
        cases: 2_000,
        failure_persistence: None,
        ..Config::default()
    });
    let text = "-?[0-9]{0,18}(\\.[0-9]{0,18})?|[-+. 0-9eE]{0,8}|inf|NaN";
    runner
        .run(&proptest::string::string_regex(text).unwrap(), |text| {
            let std = text.trim().parse::<f64>().ok();
            if let Some(fast) = parse_decimal(text.as_bytes()) {
                prop_assert_eq!(Some(fast.to_bits()), std.map(f64::to_bits), "{:?}", text);
            }
            Ok(())
        })
        .unwrap_or_else(|failure| panic!("{failure}"));
    assert_eq!(parse_decimal(b"-12.345"), Some(-12.345));
    assert_eq!(
        parse_decimal(b"1e3"),
        None,
        "exponents are left to str::parse"
    );
}

#[course_testing::test]
fn the_table_keeps_short_long_and_many_categories_apart() {
    let mut table = Table::default();
    let names: Vec<String> = (0..40)
        .map(|i| format!("c{i}"))
        .chain(["a".repeat(16), "b".repeat(17), "a".repeat(15)])
        .collect();
    for (i, name) in names.iter().enumerate() {
        for _ in 0..=i {
            table.entry(name.as_bytes()).unwrap().push(i as f64);
        }
    }
    table.entry(b"").unwrap().push(1.0);
    let map = table.into_map();
    assert_eq!(map.len(), names.len() + 1);
    for (i, name) in names.iter().enumerate() {
        assert_eq!(map[name].count, i as u64 + 1, "{name}");
        assert_eq!(map[name].mean(), i as f64, "{name}");
    }
    assert_eq!(map[""].count, 1);
}
