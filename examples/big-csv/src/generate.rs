//! The demo's data: rows of `id,category,value`, generated from a seed.

use std::io::{self, BufWriter, Write};
use std::path::Path;

use rand::rngs::Xoshiro256PlusPlus;
use rand::{RngExt, SeedableRng};

/// The categories, each with its own mean and spread; one has a comma, so it is quoted.
pub const CATEGORIES: [(&str, f64, f64); 8] = [
    ("books", 12.0, 4.0),
    ("games", 45.0, 20.0),
    ("garden", 30.0, 12.5),
    ("music", 9.5, 2.0),
    ("office", 22.0, 8.0),
    ("toys", 18.0, 6.0),
    ("\"tools, hardware\"", 60.0, 25.0),
    ("video", 15.0, 5.0),
];

/// Writes the header and `rows` rows to `path`: the same seed gives the same bytes on every
/// platform. Written to a temporary file in the same folder and renamed, so an interrupted run
/// never leaves a half-written file under the final name.
pub fn write_file(path: &Path, rows: u64, seed: u64) -> io::Result<()> {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let mut temp = tempfile::NamedTempFile::new_in(dir)?;
    write_rows(
        BufWriter::with_capacity(1 << 20, temp.as_file_mut()),
        rows,
        seed,
    )?;
    temp.persist(path).map_err(|error| error.error)?;
    Ok(())
}

/// Writes the header and `rows` rows to `out`.
pub fn write_rows(mut out: impl Write, rows: u64, seed: u64) -> io::Result<()> {
    // A named generator, not `StdRng` (whose algorithm may change between releases of rand).
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    writeln!(out, "id,category,value")?;
    for id in 0..rows {
        let (name, mean, spread) = CATEGORIES[rng.random_range(0..CATEGORIES.len())];
        // Box-Muller: a normal deviate from two uniform ones.
        let (u1, u2): (f64, f64) = (1.0 - rng.random::<f64>(), rng.random());
        let normal = (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos();
        writeln!(out, "{id},{name},{:.3}", mean + spread * normal)?;
    }
    out.flush()
}
