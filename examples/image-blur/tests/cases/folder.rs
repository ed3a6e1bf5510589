//! Folders of tiny pictures: parallel == sequential bytes, bad files fail alone, no half files.

use std::path::{Path, PathBuf};
use std::time::Duration;

use concurrent::CpuPoolExecutor;
use concurrent::testing::{AdversarialExecutor, CountingExecutor};

/// `count` generated 40x24 pictures in `dir/in`.
fn pictures(dir: &Path, count: usize) -> Vec<PathBuf> {
    image_blur::generate::write_pictures(
        &CpuPoolExecutor::new(2),
        &dir.join("in"),
        count,
        (40, 24),
        5,
    )
    .expect("write the test pictures")
}

fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[course_testing::test(hint = "an image whose task never returns?")]
fn the_parallel_run_writes_the_bytes_of_the_sequential_one() {
    let dir = tempfile::tempdir().unwrap();
    let inputs = pictures(dir.path(), 6);
    let (seq_out, par_out) = (dir.path().join("seq"), dir.path().join("par"));
    std::fs::create_dir_all(&seq_out).unwrap();
    std::fs::create_dir_all(&par_out).unwrap();
    let mut done = 0;
    let sequential = image_blur::blur_all_here(&inputs, &seq_out, 2.0, || done += 1);
    let pool = AdversarialExecutor::shuffled(CpuPoolExecutor::new(2), 11);
    let parallel = image_blur::blur_all(&pool, &inputs, &par_out, 2.0, || done += 1);
    assert_eq!(done, 12, "progress is reported once per image and run");
    for ((input, seq), par) in inputs.iter().zip(sequential).zip(parallel) {
        let (seq, par) = (seq.expect("a good picture"), par.expect("a good picture"));
        assert_eq!(
            seq.file_name(),
            input.file_name(),
            "the output keeps the input's name"
        );
        assert_eq!(
            par.file_name(),
            input.file_name(),
            "outcomes come back in input order"
        );
        let blurred = image::open(&par).unwrap().into_rgb8();
        assert_eq!(blurred.dimensions(), (40, 24));
        assert_eq!(
            std::fs::read(&seq).unwrap(),
            std::fs::read(&par).unwrap(),
            "{}",
            par.display()
        );
        let expected =
            image_blur::blur::gaussian_blur(&image::open(input).unwrap().into_rgb8(), 2.0);
        assert_eq!(blurred, expected, "the file holds the blurred pixels");
    }
}

#[course_testing::test(hint = "did the tasks wait at the gate for a second one that never ran?")]
fn images_are_blurred_by_tasks_running_at_the_same_time() {
    let dir = tempfile::tempdir().unwrap();
    let inputs = pictures(dir.path(), 4);
    let pool = CountingExecutor::new(CpuPoolExecutor::new(2)).with_gate(2, Duration::from_secs(5));
    let outcomes = image_blur::blur_all(&pool, &inputs, &dir.path().join("in"), 1.0, || {});
    assert!(outcomes.iter().all(Result::is_ok), "{outcomes:?}");
    assert_eq!(pool.submitted(), 4, "one task per image");
    assert!(
        !pool.gate_timed_out() && pool.max_in_flight() >= 2,
        "two images at once"
    );
}

#[course_testing::test]
fn a_bad_file_fails_alone_and_leaves_no_half_written_output() {
    let dir = tempfile::tempdir().unwrap();
    let mut inputs = pictures(dir.path(), 3);
    let broken = dir.path().join("in").join("broken.png");
    std::fs::write(&broken, b"\x89PNG\r\n\x1a\n but the rest is not a PNG").unwrap();
    inputs.insert(1, broken);
    inputs.push(dir.path().join("in").join("missing.png"));
    let out = dir.path().join("out");
    std::fs::create_dir_all(&out).unwrap();
    let outcomes = image_blur::blur_all(&CpuPoolExecutor::new(2), &inputs, &out, 2.0, || {});
    let errors: Vec<String> = outcomes
        .iter()
        .filter_map(|o| o.as_ref().err())
        .map(|e| e.to_string())
        .collect();
    assert_eq!(errors.len(), 2, "{outcomes:?}");
    assert!(
        errors[0].contains("broken.png: not a PNG or JPEG image we can read"),
        "{}",
        errors[0]
    );
    assert!(errors[1].contains("missing.png"), "{}", errors[1]);
    assert_eq!(
        names(&out),
        ["image-000.png", "image-001.png", "image-002.png"],
        "no partial files"
    );

    let nowhere = dir.path().join("no-such-folder");
    let error = image_blur::blur_file(&inputs[0], &nowhere.join("x.png"), 2.0).unwrap_err();
    assert!(
        error.to_string().contains("cannot create a file in"),
        "{error}"
    );
}
