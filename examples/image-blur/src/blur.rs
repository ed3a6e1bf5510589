//! A Gaussian blur as three box blurs per axis, the way Pillow's `GaussianBlur` does it, with
//! the same meaning of the radius: the Gaussian's standard deviation.

use image::RgbImage;

/// Box blurs per axis: three give a curve within a few percent of a Gaussian.
pub const PASSES: u32 = 3;

/// Fixed point of the weights: a weight of 1.0 is `1 << SHIFT`.
const SHIFT: u32 = 24;

// ANCHOR: radius
/// The radius of each of `passes` box blurs whose succession has the variance of a Gaussian of
/// standard deviation `sigma` (Pillow's `_gaussian_blur_radius`). It is fractional: a box of
/// radius 4.45 takes 9 pixels whole and 0.45 of the next one on each side. Three boxes of an
/// odd whole width cannot hit every variance; the fractional edge can.
pub fn box_radius(sigma: f32, passes: u32) -> f32 {
    let variance = sigma * sigma / passes as f32; // variances add up over the passes
    let whole_width = (12.0 * variance + 1.0).sqrt();
    let whole = ((whole_width - 1.0) / 2.0).floor();
    let edge = (2.0 * whole + 1.0) * (whole * (whole + 1.0) - 3.0 * variance)
        / (6.0 * (variance - (whole + 1.0) * (whole + 1.0)));
    whole + edge
}
// ANCHOR_END: radius

/// The weights of one box blur of radius `radius` (>= 0) in fixed point: `(whole, inner, edge)`,
/// with `(2 * whole + 1) * inner + 2 * edge == 1 << SHIFT`, so a flat image stays flat.
fn weights(radius: f32) -> (usize, u32, u32) {
    let whole = radius.max(0.0).floor() as usize;
    let inner = ((1u64 << SHIFT) as f64 / (radius.max(0.0) as f64 * 2.0 + 1.0)) as u32;
    let edge = ((1u32 << SHIFT) - (2 * whole as u32 + 1) * inner) / 2;
    (whole, inner, edge)
}

// ANCHOR: blur
/// Blurs `image` with a Gaussian of standard deviation `sigma` pixels (Pillow's
/// `GaussianBlur(radius=sigma)`): [`PASSES`] box blurs along the rows, then as many down the
/// columns. Pixels past the border repeat the border pixel, so the edges do not darken.
pub fn gaussian_blur(image: &RgbImage, sigma: f32) -> RgbImage {
    let (width, height) = image.dimensions();
    if sigma <= 0.0 || width == 0 || height == 0 {
        return image.clone();
    }
    let (whole, inner, edge) = weights(box_radius(sigma, PASSES));
    let mut pixels = image.as_raw().clone();
    let mut scratch = vec![0u8; pixels.len()];
    let row_len = width as usize * 3;
    let mut padded = Vec::with_capacity(row_len + 6 * (whole + 1));
    for _ in 0..PASSES {
        for (row, out) in pixels
            .chunks_exact(row_len)
            .zip(scratch.chunks_exact_mut(row_len))
        {
            blur_row(row, out, whole, inner, edge, &mut padded);
        }
        std::mem::swap(&mut pixels, &mut scratch);
    }
    for _ in 0..PASSES {
        blur_columns(&pixels, &mut scratch, row_len, whole, inner, edge);
        std::mem::swap(&mut pixels, &mut scratch);
    }
    RgbImage::from_raw(width, height, pixels).expect("the buffer keeps the image's size")
}
// ANCHOR_END: blur

/// `value` fixed-point-weighted to a byte, rounded. The weights add up to `1 << SHIFT`, so the
/// sums of 8-bit pixels stay below 2^32 (255 * 2^24 + 2^23).
fn to_byte(acc: u32) -> u8 {
    ((acc + (1 << (SHIFT - 1))) >> SHIFT) as u8
}

/// One box blur along an RGB row: a sliding sum per channel, `O(1)` per pixel whatever the
/// radius. `padded` is scratch space: the row with its end pixels repeated `whole + 1` times.
fn blur_row(row: &[u8], out: &mut [u8], whole: usize, inner: u32, edge: u32, padded: &mut Vec<u8>) {
    let n = row.len() / 3;
    let pad = whole + 1;
    padded.clear();
    for _ in 0..pad {
        padded.extend_from_slice(&row[..3]);
    }
    padded.extend_from_slice(row);
    for _ in 0..pad {
        padded.extend_from_slice(&row[row.len() - 3..]);
    }
    // Pixel x of the row is padded pixel x + pad: its window is x + 1 ..= x + 2 * whole + 1, its
    // fractional edges x and x + 2 * whole + 2. The three channels slide together, in one pass.
    let span = 2 * whole + 1;
    let mut sum = [0u32; 3];
    for pixel in padded[3..3 * (span + 1)].chunks_exact(3) {
        for c in 0..3 {
            sum[c] += u32::from(pixel[c]);
        }
    }
    for (x, out) in out[..3 * n].chunks_exact_mut(3).enumerate() {
        let near = &padded[3 * x..3 * x + 6]; // the near edge, then the pixel leaving the window
        let far = &padded[3 * (x + span + 1)..3 * (x + span + 2)];
        for c in 0..3 {
            let (edge_near, leaving, far) = (
                u32::from(near[c]),
                u32::from(near[3 + c]),
                u32::from(far[c]),
            );
            out[c] = to_byte(sum[c] * inner + (edge_near + far) * edge);
            sum[c] = sum[c] + far - leaving;
        }
    }
}

/// One box blur down the columns, a whole row at a time: the sliding sums of every column move
/// down together, so memory is read in order (and the loop vectorises).
fn blur_columns(
    pixels: &[u8],
    out: &mut [u8],
    row_len: usize,
    whole: usize,
    inner: u32,
    edge: u32,
) {
    let rows = pixels.len() / row_len;
    let last = rows as isize - 1;
    let row = |y: isize| {
        let y = y.clamp(0, last) as usize;
        &pixels[y * row_len..(y + 1) * row_len]
    };
    let r = whole as isize;
    let mut sums = vec![0u32; row_len];
    for y in -r..=r {
        for (sum, &p) in sums.iter_mut().zip(row(y)) {
            *sum += u32::from(p);
        }
    }
    for (y, out_row) in out.chunks_exact_mut(row_len).enumerate() {
        let y = y as isize;
        let (above, below) = (row(y - r - 1), row(y + r + 1));
        for (i, out) in out_row.iter_mut().enumerate() {
            let edges = u32::from(above[i]) + u32::from(below[i]);
            *out = to_byte(sums[i] * inner + edges * edge);
        }
        let leaving = row(y - r);
        for ((sum, &add), &remove) in sums.iter_mut().zip(below).zip(leaving) {
            *sum = *sum + u32::from(add) - u32::from(remove);
        }
    }
}
