//! Points in hundredths, shared out so that they add up exactly. A step of 10 points over 7 tests
//! is 1.428571... per test; rounded one by one, seven tests make 10.01, and an exercise's tests
//! 100.07 where the platform expects 100. Here six tests get 1.43 and one 1.42 (largest remainder
//! first, ties to the earlier test), so every step, exercise and submission adds up to its points.

use super::super::model::ExerciseReport;

/// The tests of one exercise in hundredths of a point, in the report's order of tests.
#[derive(Debug, PartialEq, Eq)]
pub struct Shares {
    /// Each test's maximum.
    pub max: Vec<i64>,
    /// Each test's score: its maximum when it passed, nothing when it failed.
    pub score: Vec<i64>,
    /// Points of the exercise no test carries (a step whose module has no test), so that the
    /// report can still add up to the exercise's maximum.
    pub without_tests: i64,
}

impl Shares {
    pub fn total_score(&self) -> i64 {
        self.score.iter().sum()
    }
}

/// Hundredths of `points`, rounded.
pub fn cents(points: f64) -> i64 {
    (points * 100.0).round() as i64
}

/// A number of hundredths as the points a format writes (`143` is `1.43`).
pub fn points(cents: i64) -> f64 {
    cents as f64 / 100.0
}

pub fn shares(exercise: &ExerciseReport) -> Shares {
    let tests = &exercise.tests;
    let mut max = vec![0; tests.len()];
    let mut steps: Vec<&str> = Vec::new();
    for test in tests {
        if !steps.contains(&test.step.as_str()) {
            steps.push(&test.step);
        }
    }
    for step in steps {
        let members: Vec<usize> = (0..tests.len())
            .filter(|&i| tests[i].step == step)
            .collect();
        let exact: Vec<f64> = members
            .iter()
            .map(|&i| tests[i].max_points * 100.0)
            .collect();
        let total = exact.iter().sum::<f64>().round() as i64;
        let floors: Vec<i64> = exact.iter().map(|share| share.floor() as i64).collect();
        // At most one cent per test is left over: the shares' floors lose less than a cent each.
        let left = usize::try_from(total - floors.iter().sum::<i64>()).unwrap_or(0);
        // Largest remainder first; remainders are compared in millionths of a cent, so that the
        // noise of floating point never decides between equal shares (a stable sort keeps ties
        // in the tests' order).
        let mut order: Vec<usize> = (0..members.len()).collect();
        order.sort_by_key(|&k| {
            std::cmp::Reverse(((exact[k] - exact[k].floor()) * 1e6).round() as i64)
        });
        for (k, floor) in floors.iter().enumerate() {
            max[members[k]] = *floor;
        }
        for &k in order.iter().take(left) {
            max[members[k]] += 1;
        }
    }
    let score = tests
        .iter()
        .zip(&max)
        .map(|(test, &max)| {
            if test.max_points <= 0.0 {
                0
            } else if test.points >= test.max_points {
                max
            } else {
                (test.points / test.max_points * max as f64).round() as i64
            }
        })
        .collect();
    let without_tests = if tests.is_empty() {
        0
    } else {
        (cents(exercise.max_points) - max.iter().sum::<i64>()).max(0)
    };
    Shares {
        max,
        score,
        without_tests,
    }
}
