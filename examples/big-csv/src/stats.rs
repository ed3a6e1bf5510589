//! [`Stats`]: count, sum, mean and spread of one category, built one value at a time (Welford)
//! and merged exactly with Chan et al.'s parallel algorithm.

/// Running statistics of a set of numbers.
///
/// `mean` and `m2` (the sum of squared distances from the mean) are kept instead of sums of
/// squares: `sum(x²)/n - mean²` subtracts two large, nearly equal numbers and loses every digit
/// when the spread is small next to the mean. Welford's update and Chan's merge never do.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Stats {
    /// How many values.
    pub count: u64,
    /// Their sum.
    pub sum: f64,
    mean: f64,
    m2: f64,
}

impl Stats {
    /// Adds one value (Welford's update).
    ///
    /// ```
    /// let mut stats = big_csv::Stats::default();
    /// for x in [2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0] {
    ///     stats.push(x);
    /// }
    /// assert_eq!((stats.count, stats.mean()), (8, 5.0));
    /// assert!((stats.std_dev() - 2.138).abs() < 1e-3);
    /// ```
    pub fn push(&mut self, x: f64) {
        self.count += 1;
        self.sum += x;
        let delta = x - self.mean;
        self.mean += delta / self.count as f64;
        self.m2 += delta * (x - self.mean);
    }

    // ANCHOR: merge
    /// Merges the statistics of another, disjoint set of values into these (Chan, Golub and
    /// LeVeque, 1979). The result is the statistics of the union, as if every value had been
    /// pushed here: not an average of averages, which would weigh a chunk of 3 rows like one of
    /// 3 million and forget the spread between the chunks' means.
    ///
    /// ```
    /// use big_csv::Stats;
    /// let (mut left, mut right, mut all) = (Stats::default(), Stats::default(), Stats::default());
    /// for x in [1.0, 2.0, 3.0] { left.push(x); all.push(x); }
    /// for x in [10.0, 20.0] { right.push(x); all.push(x); }
    /// left.merge(&right);
    /// assert_eq!(left.count, all.count);
    /// assert!((left.mean() - all.mean()).abs() < 1e-12);
    /// assert!((left.std_dev() - all.std_dev()).abs() < 1e-12);
    /// ```
    pub fn merge(&mut self, other: &Stats) {
        if other.count == 0 {
            return;
        }
        if self.count == 0 {
            *self = *other;
            return;
        }
        let (na, nb) = (self.count as f64, other.count as f64);
        let n = na + nb;
        let delta = other.mean - self.mean;
        self.mean += delta * nb / n;
        // The spread between the two means adds to the spread within each part.
        self.m2 += other.m2 + delta * delta * na * nb / n;
        self.count += other.count;
        self.sum += other.sum;
    }
    // ANCHOR_END: merge

    /// The mean (NaN with no values).
    pub fn mean(&self) -> f64 {
        if self.count == 0 { f64::NAN } else { self.mean }
    }

    /// The sample variance, divided by `count - 1` as pandas' `var()` (NaN below two values).
    pub fn variance(&self) -> f64 {
        if self.count < 2 {
            f64::NAN
        } else {
            self.m2 / (self.count - 1) as f64
        }
    }

    /// The sample standard deviation, as pandas' `std()` (NaN below two values).
    pub fn std_dev(&self) -> f64 {
        self.variance().sqrt()
    }
}
