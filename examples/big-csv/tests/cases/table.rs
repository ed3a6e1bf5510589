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
    // Names of every length up to 17 bytes, some alike in their first or last 8 bytes, and more
    // than the 128 the short table holds. (`category-001` and `category-018` start their search
    // in the same slot.)
    let names: Vec<String> = (0..20)
        .map(|i| format!("category-{i:03}"))
        .chain((0..12).map(|i| format!("{i:02}-category")))
        .chain((1..=17).map(|len| "a".repeat(len)))
        .chain(["b".repeat(17), "é".repeat(5)])
        .chain((0..150).map(|i| format!("c{i}")))
        .collect();
    // Each name in turn, so that every lookup finds a table with names in it.
    for round in 0..names.len() {
        for (i, name) in names.iter().enumerate().skip(round) {
            table.entry(name.as_bytes()).unwrap().push(i as f64);
        }
    }
    table.entry(b"").unwrap().push(1.0);
    assert!(
        table.entry(b"\xff\xfe").is_none(),
        "a new name that is not UTF-8"
    );
    let map = table.into_map();
    assert_eq!(map.len(), names.len() + 1);
    for (i, name) in names.iter().enumerate() {
        assert_eq!(map[name].count, i as u64 + 1, "{name}");
        assert_eq!(map[name].mean(), i as f64, "{name}");
    }
    assert_eq!(map[""].count, 1);
}
