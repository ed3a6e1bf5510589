//! Worked example 1: a folder of images blurred in parallel, one image per task on the CPU pool.
//!
//! [`blur::gaussian_blur`] is a Gaussian blur built from box blurs, as Pillow's `GaussianBlur`
//! (the `image` crate's `imageops::blur` is an exact Gaussian, and it and `fast_blur` are 5 to
//! 6 times slower at sigma 5: see the chapter's table). [`blur_file`] decodes, blurs and writes
//! one PNG, to a temporary name renamed when complete; [`blur_all`] does a list of them on an
//! executor.

pub mod blur;
pub mod generate;

use std::path::{Path, PathBuf};

use concurrent::Executor;
use image::ImageEncoder;
use image::codecs::png::{CompressionType, FilterType, PngEncoder};

/// Why an image could not be blurred.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Reading, decoding or writing failed.
    #[error("{}: {reason}", path.display())]
    File {
        /// The file.
        path: PathBuf,
        /// What went wrong.
        reason: String,
    },
    /// The task could not run (the pool was shut down, or it panicked).
    #[error("{}: the task failed: {source}", path.display())]
    Task {
        /// The input file.
        path: PathBuf,
        /// What the executor said.
        source: concurrent::Error,
    },
}

fn file_error(path: &Path, reason: impl ToString) -> Error {
    Error::File {
        path: path.to_owned(),
        reason: reason.to_string(),
    }
}

// ANCHOR: file
/// Reads the image at `input` (PNG or JPEG), blurs it with a Gaussian of standard deviation
/// `sigma`, and writes it to `output` as a PNG. The PNG is written to a temporary file in the
/// output's folder and renamed: a failure (or a crash) leaves no half-written image behind.
pub fn blur_file(input: &Path, output: &Path, sigma: f32) -> Result<(), Error> {
    let decoded = image::ImageReader::open(input)
        .map_err(|e| file_error(input, e))?
        .with_guessed_format()
        .map_err(|e| file_error(input, e))?
        .decode()
        .map_err(|e| file_error(input, format!("not a PNG or JPEG image we can read: {e}")))?;
    let blurred = blur::gaussian_blur(&decoded.into_rgb8(), sigma);
    write_png(output, &blurred)
}
// ANCHOR_END: file

/// Writes `image` as a PNG with fast compression (a blurred photo compresses little better at
/// the slow levels), to a temporary name renamed when complete.
pub fn write_png(output: &Path, image: &image::RgbImage) -> Result<(), Error> {
    let dir = match output.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let mut temp = tempfile::Builder::new()
        .prefix(".blur-")
        .suffix(".png.part")
        .tempfile_in(dir)
        .map_err(|e| {
            file_error(
                output,
                format!("cannot create a file in {}: {e}", dir.display()),
            )
        })?;
    let writer = std::io::BufWriter::new(temp.as_file_mut());
    PngEncoder::new_with_quality(writer, CompressionType::Fast, FilterType::Adaptive)
        .write_image(
            image.as_raw(),
            image.width(),
            image.height(),
            image::ExtendedColorType::Rgb8,
        )
        .map_err(|e| file_error(output, e))?;
    temp.persist(output)
        .map_err(|e| file_error(output, e.error))?;
    Ok(())
}

/// Where the blurred copy of `input` goes: the same file name in `out_dir`, as a `.png`.
pub fn output_path(input: &Path, out_dir: &Path) -> PathBuf {
    let stem = input.file_stem().unwrap_or(input.as_os_str());
    out_dir.join(Path::new(stem).with_extension("png"))
}

// ANCHOR: all
/// Blurs every file of `inputs` into `out_dir`, one task per image on `executor`, and returns
/// each image's outcome in input order, calling `progress()` as each one is done. A bad image
/// fails alone: the others are still blurred.
pub fn blur_all<E: Executor>(
    executor: &E,
    inputs: &[PathBuf],
    out_dir: &Path,
    sigma: f32,
    mut progress: impl FnMut(),
) -> Vec<Result<PathBuf, Error>> {
    let jobs = inputs
        .iter()
        .map(|input| (input.clone(), output_path(input, out_dir)));
    let outcomes = executor.map(
        move |(input, output): (PathBuf, PathBuf)| {
            blur_file(&input, &output, sigma).map(|()| output)
        },
        jobs,
    );
    inputs
        .iter()
        .zip(outcomes)
        .map(|(input, outcome)| {
            progress();
            outcome.unwrap_or_else(|source| {
                Err(Error::Task {
                    path: input.clone(),
                    source,
                })
            })
        })
        .collect()
}
// ANCHOR_END: all

/// The same work on this thread, one image after the other: the sequential baseline.
pub fn blur_all_here(
    inputs: &[PathBuf],
    out_dir: &Path,
    sigma: f32,
    mut progress: impl FnMut(),
) -> Vec<Result<PathBuf, Error>> {
    inputs
        .iter()
        .map(|input| {
            let output = output_path(input, out_dir);
            let outcome = blur_file(input, &output, sigma).map(|()| output);
            progress();
            outcome
        })
        .collect()
}

/// The PNG and JPEG files of `dir`, sorted by name.
pub fn images_in(dir: &Path) -> Result<Vec<PathBuf>, Error> {
    let entries = std::fs::read_dir(dir).map_err(|e| file_error(dir, e))?;
    let mut images = Vec::new();
    for entry in entries {
        let path = entry.map_err(|e| file_error(dir, e))?.path();
        let extension = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        if matches!(extension.as_deref(), Some("png" | "jpg" | "jpeg")) && path.is_file() {
            images.push(path);
        }
    }
    images.sort();
    Ok(images)
}
