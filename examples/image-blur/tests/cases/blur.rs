//! The blur itself, on images small enough for a debug build.

use image::{Rgb, RgbImage};
use image_blur::blur::{PASSES, box_radius, gaussian_blur};

/// A black `size` x `size` image with one white pixel in the middle.
fn dot(size: u32) -> RgbImage {
    let mut image = RgbImage::new(size, size);
    image.put_pixel(size / 2, size / 2, Rgb([255, 255, 255]));
    image
}

#[course_testing::test]
fn the_radius_means_what_pillow_means() {
    // Pillow's GaussianBlur(5): three boxes of radius 4.45 (9 pixels and 0.45 of one each side).
    assert!(
        (box_radius(5.0, PASSES) - 4.45).abs() < 1e-3,
        "{}",
        box_radius(5.0, PASSES)
    );
    // Whatever sigma, three boxes of that radius have the Gaussian's variance.
    for sigma in [0.5f32, 1.0, 2.0, 5.0, 12.5] {
        let r = box_radius(sigma, PASSES);
        let (l, a) = (r.floor(), r - r.floor());
        let width = 2.0 * l + 1.0 + 2.0 * a;
        let box_variance =
            ((2.0 * l + 1.0) * l * (l + 1.0) / 3.0 + 2.0 * a * (l + 1.0).powi(2)) / width;
        let total = PASSES as f32 * box_variance;
        assert!(
            (total - sigma * sigma).abs() < 1e-3 * sigma * sigma,
            "sigma {sigma}: variance {total}"
        );
    }
}

#[course_testing::test]
fn a_white_dot_spreads_symmetrically_like_a_gaussian_and_keeps_its_brightness() {
    let sigma = 2.0;
    let blurred = gaussian_blur(&dot(31), sigma);
    assert_eq!(blurred.dimensions(), (31, 31));
    let at = |x: u32, y: u32| blurred.get_pixel(x, y).0[0];
    for y in 0..31 {
        for x in 0..31 {
            let pixel = blurred.get_pixel(x, y).0;
            assert!(
                pixel[0] == pixel[1] && pixel[1] == pixel[2],
                "grey stays grey at ({x}, {y})"
            );
            assert_eq!(at(x, y), at(30 - x, y), "left-right symmetry at ({x}, {y})");
            assert_eq!(at(x, y), at(x, 30 - y), "top-bottom symmetry at ({x}, {y})");
            // Each pass rounds to bytes, rows first: transposed pixels may differ by that rounding.
            assert!(
                at(x, y).abs_diff(at(y, x)) <= 1,
                "rows and columns blur alike at ({x}, {y})"
            );
        }
    }
    // A 2-D Gaussian of sigma 2 puts 1 / (2 pi sigma^2) of the dot on the centre: 10.1 of 255.
    let centre = at(15, 15);
    assert!(
        (9..=12).contains(&centre),
        "the centre should be about 10, got {centre}"
    );
    for x in 15..30 {
        assert!(
            at(x, 15) >= at(x + 1, 15),
            "brightness falls away from the centre (x = {x})"
        );
    }
    assert_eq!(at(0, 0), 0, "sigma 2 does not reach 15 pixels away");
    let total: u32 = blurred.pixels().map(|p| u32::from(p.0[0])).sum();
    assert!(
        (230..=280).contains(&total),
        "the dot's brightness (255) is kept up to rounding: {total}"
    );
}

#[course_testing::test]
fn a_flat_image_stays_flat_to_the_edges() {
    let flat = RgbImage::from_pixel(13, 7, Rgb([200, 10, 255]));
    assert_eq!(
        gaussian_blur(&flat, 5.0),
        flat,
        "edge pixels repeat, weights add up to one"
    );
}

#[course_testing::test]
fn sizes_are_kept_even_for_slivers_and_no_blur_is_the_identity() {
    let image = image_blur::generate::picture(9, 4, 3);
    for (w, h) in [(1, 1), (1, 17), (17, 1), (9, 4)] {
        let small = RgbImage::from_fn(w, h, |x, y| *image.get_pixel(x % 9, y % 4));
        assert_eq!(gaussian_blur(&small, 5.0).dimensions(), (w, h));
    }
    assert_eq!(gaussian_blur(&image, 0.0), image);
    assert_ne!(
        gaussian_blur(&image, 1.0),
        image,
        "a blur changes a noisy picture"
    );
}
