//! The demo's images: 1080p pictures of soft shapes over gradients, generated from a seed.

use std::path::{Path, PathBuf};

use concurrent::Executor;
use image::RgbImage;
use rand::rngs::Xoshiro256PlusPlus;
use rand::{RngExt, SeedableRng};

/// One image: a gradient, a few discs and bars, and a little grain (so the blur has edges and
/// noise to smooth). The same seed gives the same pixels on every platform.
pub fn picture(width: u32, height: u32, seed: u64) -> RgbImage {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let colour =
        |rng: &mut Xoshiro256PlusPlus| -> [u8; 3] { std::array::from_fn(|_| rng.random()) };
    let (top, bottom) = (colour(&mut rng), colour(&mut rng));
    let mut image = RgbImage::from_fn(width, height, |_, y| {
        let t = y as f32 / height.max(1) as f32;
        image::Rgb(std::array::from_fn(|c| {
            (top[c] as f32 * (1.0 - t) + bottom[c] as f32 * t) as u8
        }))
    });
    for _ in 0..12 {
        let fill = colour(&mut rng);
        let (cx, cy) = (
            rng.random_range(0..width.max(1)),
            rng.random_range(0..height.max(1)),
        );
        let size = rng.random_range(1..=(width.min(height) / 4).max(1));
        let disc = rng.random_bool(0.5);
        for y in cy.saturating_sub(size)..(cy + size).min(height) {
            for x in cx.saturating_sub(size)..(cx + size).min(width) {
                let (dx, dy) = (x as i64 - cx as i64, y as i64 - cy as i64);
                if !disc || dx * dx + dy * dy <= (size as i64).pow(2) {
                    image.put_pixel(x, y, image::Rgb(fill));
                }
            }
        }
    }
    for pixel in image.pixels_mut() {
        let grain = rng.random_range(-8i16..=8);
        for c in &mut pixel.0 {
            *c = (*c as i16 + grain).clamp(0, 255) as u8;
        }
    }
    image
}

/// Writes `count` pictures `image-000.png`... to `dir` (created if needed), in parallel on
/// `executor`; picture `i` uses the seed `seed + i`.
pub fn write_pictures<E: Executor>(
    executor: &E,
    dir: &Path,
    count: usize,
    (width, height): (u32, u32),
    seed: u64,
) -> Result<Vec<PathBuf>, crate::Error> {
    std::fs::create_dir_all(dir).map_err(|e| crate::file_error(dir, e))?;
    let dir = dir.to_owned();
    executor
        .map(
            move |i: usize| {
                let path = dir.join(format!("image-{i:03}.png"));
                crate::write_png(&path, &picture(width, height, seed + i as u64)).map(|()| path)
            },
            0..count,
        )
        .map(|outcome| {
            outcome.unwrap_or_else(|source| {
                Err(crate::Error::Task {
                    path: PathBuf::from("a generated picture"),
                    source,
                })
            })
        })
        .collect()
}
