//! Batches: `vernis analyze` on many files with several workers gives the same output as with
//! one, in the order given; bad files are reported and the rest still run.

mod common;

use std::path::PathBuf;

use common::*;
use serde_json::Value;

/// Good files at different levels and lengths, with every bad input of the error tests between them.
fn catalogue(dir: &TempDir) -> (Vec<PathBuf>, usize) {
    let mut files = Vec::new();
    for (k, (level_db, seconds)) in [(-20.0, 3.0), (-9.0, 5.0), (-30.0, 2.0), (-14.0, 4.0)]
        .into_iter()
        .enumerate()
    {
        let tone = sine(48_000, 220.0 * (k + 1) as f64, level_db, seconds);
        let path = dir.path(&format!("good-{k}.wav"));
        write_wav(&path, &[tone.clone(), tone], 48_000, Encoding::Int24);
        files.push(path);
    }
    let bad: Vec<PathBuf> = bad_inputs(dir).into_iter().map(|(p, _)| p).collect();
    let n_bad = bad.len();
    // Interleave: good, bad, good, bad, …
    let mut mixed = Vec::new();
    let mut bad = bad.into_iter();
    for good in files {
        mixed.push(good);
        mixed.extend(bad.next());
    }
    mixed.extend(bad);
    (mixed, n_bad)
}

#[test]
fn json_lines_are_identical_with_one_and_two_workers_and_bad_files_do_not_stop_the_batch() {
    let dir = TempDir::new("batch");
    let (files, n_bad) = catalogue(&dir);
    let run = |jobs: &str| {
        let mut args = vec!["analyze", "--json-lines", "--jobs", jobs];
        args.extend(files.iter().map(|p| s(p)));
        let out = vernis(&args);
        assert_eq!(
            out.status.code(),
            Some(1),
            "bad files give a failing exit status"
        );
        (String::from_utf8(out.stdout).unwrap(), lines(&out.stderr))
    };
    let (one, one_err) = run("1");
    let (two, two_err) = run("2");
    assert_eq!(one, two, "output depends on the number of workers");
    assert_eq!(one_err.len(), n_bad, "{one_err:?}");
    assert_eq!(two_err.len(), n_bad, "{two_err:?}");

    let rows: Vec<Value> = one
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(rows.len(), files.len());
    let mut errors = 0;
    for (row, path) in rows.iter().zip(&files) {
        assert_eq!(row["file"], s(path), "in the order given");
        if row.get("error").is_some() {
            errors += 1;
        } else {
            // Each good file measured as it is alone.
            let alone = analyze_json(path);
            assert_eq!(row, &alone);
        }
    }
    assert_eq!(errors, n_bad);
}

#[test]
fn json_array_and_text_are_identical_with_one_and_two_workers() {
    let dir = TempDir::new("batch-array");
    let (files, _) = catalogue(&dir);
    for format in [Some("--json"), None] {
        let run = |jobs: &str| {
            let mut args = vec!["analyze", "--jobs", jobs];
            args.extend(format);
            args.extend(files.iter().map(|p| s(p)));
            vernis(&args).stdout
        };
        let one = run("1");
        assert!(!one.is_empty());
        assert_eq!(one, run("2"), "{format:?}");
    }
}

#[test]
fn master_batches_write_the_same_files_with_one_and_two_workers() {
    let dir = TempDir::new("batch-master");
    let programme = dsp_core::demo::demo_programme(48_000.0);
    let mut files = Vec::new();
    for (k, (seconds, gain)) in [(6usize, 1.0f32), (8, 0.3)].into_iter().enumerate() {
        let excerpt: Vec<Vec<f32>> = programme
            .iter()
            .map(|ch| {
                ch[k * 48_000..(k + seconds) * 48_000]
                    .iter()
                    .map(|x| x * gain)
                    .collect()
            })
            .collect();
        let path = dir.path(&format!("song-{k}.wav"));
        write_wav(&path, &excerpt, 48_000, Encoding::Int24);
        files.push(path);
    }
    let bad = dir.path("bad.wav");
    std::fs::write(&bad, "not audio").unwrap();
    files.insert(1, bad);

    let run = |jobs: &str| {
        let out_dir = dir.path(&format!("out-{jobs}"));
        let mut args = vec![
            "master",
            "--out-dir",
            s(&out_dir),
            "--jobs",
            jobs,
            "--json-lines",
        ];
        args.extend(files.iter().map(|p| s(p)));
        let out = vernis(&args);
        assert_eq!(
            out.status.code(),
            Some(1),
            "the bad file fails the batch's status"
        );
        let stdout = String::from_utf8(out.stdout).unwrap();
        (
            out_dir,
            stdout.replace(s(&dir.path(&format!("out-{jobs}"))), "OUT"),
        )
    };
    let (one_dir, one) = run("1");
    let (two_dir, two) = run("2");
    assert_eq!(one, two);
    let rows: Vec<Value> = one
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(rows.len(), 3);
    assert!(rows[1]["error"].is_string(), "{}", rows[1]);
    for (k, row) in [&rows[0], &rows[2]].into_iter().enumerate() {
        assert_eq!(row["within_tolerance"], true, "{row}");
        assert!((num(row, "integrated_lufs") + 14.0).abs() <= 0.1, "{row}");
        let name = format!("song-{k}.wav");
        let a = std::fs::read(one_dir.join(&name)).unwrap();
        assert!(
            a == std::fs::read(two_dir.join(&name)).unwrap(),
            "{name} differs"
        );
    }
    assert_eq!(
        dir_listing(&one_dir),
        ["song-0.json", "song-0.wav", "song-1.json", "song-1.wav"]
    );
}
