//! The demo binary on a folder of tiny pictures: it blurs every one, sequentially and in
//! parallel, draws the parallel run with `--timeline`, and reports a folder it cannot use.

use std::process::Command;
use std::time::Duration;

use concurrent::CpuPoolExecutor;
use course_testing::child;

/// A few 40x24 pictures take milliseconds, even in a debug build.
const LIMIT: Duration = Duration::from_secs(8);

fn demo(args: &[&std::ffi::OsStr]) -> child::Run {
    let mut command = Command::new(env!("CARGO_BIN_EXE_example-image-blur"));
    command.args(args);
    child::run(
        "the image-blur demo",
        command,
        LIMIT,
        "an image whose task never returns?",
    )
}

#[course_testing::test]
fn the_demo_blurs_a_folder_one_by_one_and_in_parallel() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    let out = dir.path().join("out");
    let svg = dir.path().join("timeline.svg");
    let written =
        image_blur::generate::write_pictures(&CpuPoolExecutor::new(2), &input, 3, (40, 24), 9)
            .unwrap();
    let run = demo(&[
        input.as_os_str(),
        "--out".as_ref(),
        out.as_os_str(),
        "--workers".as_ref(),
        "2".as_ref(),
        "--timeline".as_ref(),
        svg.as_os_str(),
    ]);
    run.assert_succeeded();
    let bars = course_testing::timeline::bars(&svg);
    assert!(
        bars >= 3,
        "expected the timeline to draw a bar for each of the 3 images, found {bars}"
    );
    for label in ["sequential, 1 thread", "CPU pool, 2 workers"] {
        assert!(
            run.stdout.contains(label),
            "no row `{label}` in:\n{}",
            run.stdout
        );
    }
    for input in written {
        let output = out.join(input.file_name().unwrap());
        let blurred = image::open(&output).unwrap_or_else(|e| panic!("{}: {e}", output.display()));
        assert_eq!(
            blurred.into_rgb8(),
            image_blur::blur::gaussian_blur(&image::open(&input).unwrap().into_rgb8(), 5.0)
        );
    }
}

#[course_testing::test]
fn the_demo_refuses_a_folder_without_images() {
    let dir = tempfile::tempdir().unwrap();
    let run = demo(&[dir.path().as_os_str()]);
    assert!(!run.status.success());
    assert!(
        run.stderr
            .contains("has no .png, .jpg or .jpeg file to blur"),
        "{}",
        run.stderr
    );
}
