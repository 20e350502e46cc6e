//! The files in `../shared/hostile/` once made the CLI hang, abort on memory, lose data or
//! accept nonsense. Each must now end with a clear error or a correct result: exit 0, 1 or 2,
//! no panic, bounded time and memory, and `fmt` never dropping content. Named regressions
//! follow the whole-folder run.

use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// The hostile folder, beside the project.
fn folder() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/hostile")
}

/// Wall-clock limit per case. The issue asks for 20 s with a release build; the tests run the
/// debug build, which parses and simulates several times slower, so it gets more room.
const LIMIT: Duration = if cfg!(debug_assertions) {
    Duration::from_secs(90)
} else {
    Duration::from_secs(20)
};

/// Address space per case (bash `ulimit -v`, in KiB): 3 GiB, so 2 GB of data plus code,
/// thread stacks and allocator slack fit, and a runaway allocation aborts instead of
/// swapping.
const MEMORY_KIB: u64 = 3 << 20;

/// Runs `procmap args` in `dir` under the memory limit; kills it at the time limit.
fn run_bounded(dir: &Path, args: &[String]) -> (Option<Output>, Duration) {
    let started = Instant::now();
    let mut child = Command::new("bash")
        .arg("-c")
        .arg(format!("ulimit -v {MEMORY_KIB}; exec \"$0\" \"$@\""))
        .arg(env!("CARGO_BIN_EXE_procmap"))
        .args(args)
        .current_dir(dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start procmap");
    // Drain the pipes on threads so a chatty child never blocks on a full pipe.
    let mut stdout = child.stdout.take().expect("stdout");
    let mut stderr = child.stderr.take().expect("stderr");
    let out = std::thread::spawn(move || {
        let mut buffer = Vec::new();
        let _ = stdout.read_to_end(&mut buffer);
        buffer
    });
    let err = std::thread::spawn(move || {
        let mut buffer = Vec::new();
        let _ = stderr.read_to_end(&mut buffer);
        buffer
    });
    loop {
        if let Ok(Some(status)) = child.try_wait() {
            let output = Output {
                status,
                stdout: out.join().unwrap_or_default(),
                stderr: err.join().unwrap_or_default(),
            };
            return (Some(output), started.elapsed());
        }
        if started.elapsed() > LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            return (None, started.elapsed());
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Copies (and un-gzips) a hostile file into `dir`; returns its path there.
fn unpack(file: &str, dir: &Path) -> PathBuf {
    let source = folder().join(file);
    if let Some(name) = file.strip_suffix(".gz") {
        let target = dir.join(name);
        let output = Command::new("gzip")
            .arg("-dc")
            .arg(&source)
            .output()
            .expect("gzip");
        assert!(output.status.success(), "gzip -dc {file}");
        std::fs::write(&target, output.stdout).expect("write unpacked file");
        target
    } else {
        let target = dir.join(file);
        std::fs::copy(&source, &target).expect("copy hostile file");
        target
    }
}

#[derive(serde::Deserialize)]
struct Case {
    file: String,
    args: Vec<String>,
    kind: String,
    what: String,
}

fn cases() -> Vec<Case> {
    let text = std::fs::read_to_string(folder().join("cases.json")).expect("cases.json");
    serde_json::from_str(&text).expect("cases.json is a list of cases")
}

/// What one case did wrong, if anything.
fn check_case(case: &Case) -> Option<String> {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = unpack(&case.file, dir.path());
    let args: Vec<String> = case
        .args
        .iter()
        .map(|a| a.replace("FILE", &file.to_string_lossy()))
        .collect();
    let before = std::fs::read_to_string(&file).unwrap_or_default();
    let (output, took) = run_bounded(dir.path(), &args);
    let name = format!("{} ({}: {})", case.file, case.kind, case.what);
    let Some(output) = output else {
        return Some(format!("{name}: still running after {took:?}"));
    };
    let code = output.status.code();
    let stderr = String::from_utf8_lossy(&output.stderr);
    if !matches!(code, Some(0..=2)) {
        return Some(format!("{name}: exit {code:?} after {took:?}: {stderr}"));
    }
    if stderr.contains("panicked") {
        return Some(format!("{name}: panic: {stderr}"));
    }
    if case.args.first().is_some_and(|a| a == "fmt") {
        // Whatever fmt did, every quoted string of the input is still in the file.
        let after = std::fs::read_to_string(&file).unwrap_or_default();
        for piece in before.split('"').skip(1).step_by(2) {
            if !after.contains(piece) {
                return Some(format!("{name}: fmt dropped {piece:?}"));
            }
        }
    }
    if case.args.first().is_some_and(|a| a == "check") {
        // Every line of the report names the file (no forged lines).
        let stdout = String::from_utf8_lossy(&output.stdout);
        let path = file.to_string_lossy();
        for line in stdout.lines().chain(stderr.lines()) {
            let summary = line.contains(" checked: ");
            if !line.starts_with(path.as_ref()) && !summary {
                return Some(format!("{name}: a line without the file name: {line:?}"));
            }
        }
    }
    if case.kind == "silently-accepted" && code == Some(0) {
        return Some(format!("{name}: still accepted without a word"));
    }
    None
}

#[test]
fn every_hostile_file_ends_cleanly() {
    let all = cases();
    assert!(all.len() >= 40, "the hostile folder was not found");
    // Two at a time: the machine has two cores and several cases are heavy.
    let (tx, rx) = std::sync::mpsc::channel();
    let queue = std::sync::Arc::new(std::sync::Mutex::new(all));
    let workers: Vec<_> = (0..2)
        .map(|_| {
            let queue = std::sync::Arc::clone(&queue);
            let tx = tx.clone();
            std::thread::spawn(move || {
                loop {
                    let case = queue.lock().ok().and_then(|mut q| q.pop());
                    let Some(case) = case else {
                        break;
                    };
                    let _ = tx.send(check_case(&case));
                }
            })
        })
        .collect();
    drop(tx);
    let failures: Vec<String> = rx.iter().flatten().collect();
    for worker in workers {
        let _ = worker.join();
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

fn procmap(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_procmap"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run procmap")
}

#[cfg(unix)]
#[test]
fn fmt_keeps_the_mode_and_writes_through_symlinks() {
    use std::os::unix::fs::PermissionsExt as _;
    let dir = tempfile::tempdir().expect("temp dir");
    let private = unpack("atomic-3dfea0ebb9.ron", dir.path());
    std::fs::set_permissions(&private, std::fs::Permissions::from_mode(0o600)).expect("chmod");
    let output = procmap(dir.path(), &["fmt", &private.to_string_lossy()]);
    assert!(output.status.code().is_some_and(|c| c <= 1), "{output:?}");
    let mode = std::fs::metadata(&private)
        .expect("stat")
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600, "the private map stays private");

    let real = unpack("atomic-7ae56a1273.ron", dir.path());
    let link = dir.path().join("link.ron");
    std::os::unix::fs::symlink(&real, &link).expect("symlink");
    let before = std::fs::read_to_string(&real).expect("read");
    let output = procmap(dir.path(), &["fmt", &link.to_string_lossy()]);
    assert!(output.status.success(), "{output:?}");
    let meta = std::fs::symlink_metadata(&link).expect("lstat");
    assert!(meta.file_type().is_symlink(), "the link stays a link");
    let after = std::fs::read_to_string(&real).expect("read");
    let check = procmap(dir.path(), &["fmt", "--check", &real.to_string_lossy()]);
    assert!(check.status.success(), "the real file is canonical now");
    assert!(before != after || check.status.success());
}

#[test]
fn duplicate_ids_are_errors_naming_both_lines() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = unpack("data-loss-83e472868e.ron", dir.path());
    let before = std::fs::read_to_string(&file).expect("read");
    let output = procmap(dir.path(), &["fmt", &file.to_string_lossy()]);
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let message = String::from_utf8_lossy(&output.stdout).into_owned()
        + &String::from_utf8_lossy(&output.stderr);
    assert!(message.contains("is used twice"), "{message}");
    assert!(message.contains("entries on lines "), "{message}");
    assert_eq!(
        std::fs::read_to_string(&file).expect("read"),
        before,
        "nothing written"
    );
}

#[test]
fn a_byte_order_mark_is_no_error_and_format_0_is() {
    let dir = tempfile::tempdir().expect("temp dir");
    let bom = unpack("contract-f67b0c520d.ron", dir.path());
    let output = procmap(dir.path(), &["check", &bom.to_string_lossy()]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        !stdout.contains("1:1"),
        "the mark is not a syntax error: {stdout}"
    );
    let zero = unpack("silently-accepted-0d6cba0489.ron", dir.path());
    let output = procmap(dir.path(), &["check", &zero.to_string_lossy()]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&output.stdout).contains("format 0 is not a Procmap format"),
        "{output:?}"
    );
}

#[test]
fn exclusive_branches_into_a_join_and_rework_into_one_branch_are_errors() {
    for file in [
        "silently-accepted-a5530ae11e.ron",
        "silently-accepted-872ec5c5c4.ron",
    ] {
        let text = std::fs::read_to_string(folder().join(file)).expect("read");
        let map = super::parse(&text);
        let problems = procmap::model::validate(&map);
        assert!(
            problems
                .iter()
                .any(|p| p.message.contains("can wait forever")
                    && p.subject == procmap::model::Subject::Node("e_join".into())),
            "{file}: {problems:?}"
        );
    }
    // A loop around the whole parallel block (back to a merge before the split) is fine.
    let text = std::fs::read_to_string(folder().join("silently-accepted-872ec5c5c4.ron"))
        .expect("read")
        .replace(
            "Flow(from: \"a_in\", to: \"b_fork\"),",
            "Flow(from: \"a_in\", to: \"a_merge\"), Flow(from: \"a_merge\", to: \"b_fork\"),",
        )
        .replace(
            "Flow(from: \"f_d\", to: \"c_x\", probability: 0.5)",
            "Flow(from: \"f_d\", to: \"a_merge\", probability: 0.5)",
        )
        .replace(
            "\"b_fork\": Parallel",
            "\"a_merge\": Decision(name: \"Again\", at: (50, 0)),\n        \"b_fork\": Parallel",
        );
    let map = super::parse(&text);
    assert!(map.nodes.contains_key("a_merge"), "{text}");
    let problems = procmap::model::validate(&map);
    assert!(!procmap::model::has_errors(&problems), "{problems:?}");
}

#[test]
fn a_split_that_feeds_itself_is_an_error_not_a_hang() {
    // p sends a branch back to w, which returns to p: every pass makes one more branch.
    let map = super::parse(
        r#"ProcessMap(
            format: 1,
            title: "Runaway",
            nodes: {
                "in": Start(name: "In", arrivals: Exponential(mean: "1h")),
                "w": Step(name: "W", work: Fixed("1m")),
                "p": Parallel(name: "Split"),
                "r1": Step(name: "R1", work: Fixed("1m")),
                "r2": Step(name: "R2", work: Fixed("1m")),
                "j": Parallel(name: "Join"),
                "out": End(name: "Out"),
            },
            flows: [
                Flow(from: "in", to: "w"), Flow(from: "w", to: "p"), Flow(from: "p", to: "w"),
                Flow(from: "p", to: "r1"), Flow(from: "p", to: "r2"),
                Flow(from: "r1", to: "j"), Flow(from: "r2", to: "j"), Flow(from: "j", to: "out"),
            ],
        )"#,
    );
    let started = Instant::now();
    let problems = procmap::model::validate(&map);
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    assert!(
        problems.iter().any(|p| p.message.contains("without end")),
        "{problems:?}"
    );
}

/// Working time a file could abuse: thousands of shifts or closed dates, absurd rates, a
/// calendar open one minute a week under hours of work, a rate profile almost never firing.
/// Each is refused by validation or simulates to a clean end (with a guard's warning).
#[test]
fn working_time_past_its_bounds_ends_cleanly() {
    use procmap::model::{self, Simulation};
    let base = |calendars: &str, owner: &str, start: &str, work: &str| {
        format!(
            r#"ProcessMap(format: 1, title: "hostile working time",
                calendars: {{ {calendars} }},
                owners: {{"team": Owner(name: "Team", {owner})}},
                nodes: {{
                    "in": Start(name: "In", {start}),
                    "work": Step(name: "Work", owner: "team", work: {work}),
                    "out": End(name: "Out"),
                }},
                flows: [Flow(from: "in", to: "work"), Flow(from: "work", to: "out")],
            )"#
        )
    };
    let many_shifts: String = (0..1_500)
        .map(|i| {
            format!(
                r#"Shift(days: "Mon", from: "{:02}:{:02}", to: "{:02}:{:02}")"#,
                i / 60 % 24,
                i % 60,
                i / 60 % 24,
                i % 60 + 1 - (i % 60 + 1) / 60
            )
        })
        .collect::<Vec<_>>()
        .join(", ");
    let many_dates: String = (0..12_000)
        .map(|d| format!("\"{}\"", model::Date::from_days(20_000 + d)))
        .collect::<Vec<_>>()
        .join(", ");
    let refused = [
        (
            base(
                &format!(r#""c": Calendar(name: "C", week: [{many_shifts}])"#),
                r#"calendar: "c""#,
                "",
                r#"Fixed("1m")"#,
            ),
            "at most 1000 shifts",
        ),
        (
            base(
                &format!(
                    r#""c": Calendar(name: "C", week: [Shift(days: "Mon", from: "09:00", to: "17:00")], closed: [{many_dates}])"#
                ),
                r#"calendar: "c""#,
                "",
                r#"Fixed("1m")"#,
            ),
            "10000 closed dates",
        ),
        (
            base(
                "",
                "",
                r#"rates: [Rate(days: "Mon", from: "09:00", to: "10:00", per_hour: 1e12)]"#,
                r#"Fixed("1m")"#,
            ),
            "rate 1 must be between 0 and 1000000 per hour",
        ),
        (
            base(
                "",
                "",
                r#"rates: [Rate(days: "Mon", from: "09:00", to: "10:00", per_hour: 0.0)]"#,
                r#"Fixed("1m")"#,
            ),
            "no case would ever arrive",
        ),
    ];
    for (text, expected) in refused {
        let map = super::parse(&text);
        let problems: Vec<String> = model::validate(&map)
            .iter()
            .map(ToString::to_string)
            .collect();
        assert!(
            problems.iter().any(|p| p.contains(expected)),
            "expected {expected:?} in {problems:?}"
        );
    }
    // Valid but extreme: the run ends (a guard may stop it) without hanging or panicking.
    let extreme = [
        base(
            r#""c": Calendar(name: "C", week: [Shift(days: "Sun", from: "23:59", to: "24:00")])"#,
            r#"calendar: "c""#,
            r#"arrivals: Exponential(mean: "1h")"#,
            r#"Fixed("100h")"#,
        ),
        base(
            "",
            "capacity: 10",
            r#"rates: [Rate(days: "Mon", from: "00:00", to: "00:01", per_hour: 0.000001)]"#,
            r#"Fixed("1m")"#,
        ),
    ];
    for text in extreme {
        let map = super::parse(&text);
        assert!(
            !model::has_errors(&model::validate(&map)),
            "{:?}",
            model::validate(&map)
        );
        let settings = Simulation {
            cases: 1_000,
            warmup: 0,
            replications: 1,
            seed: 1,
            outages: true,
            start: None,
        };
        let started = std::time::Instant::now();
        let result =
            procmap::sim::simulate(&map, &settings, Some(1), &procmap::sim::Control::default())
                .unwrap_or_else(|e| panic!("{e}"));
        assert!(
            started.elapsed().as_secs() < 60,
            "took {:?}",
            started.elapsed()
        );
        assert!(
            result.truncated || result.cases_measured > 0 || !result.warnings.is_empty(),
            "{:?}",
            result.warnings
        );
    }
}

#[test]
fn a_capacity_range_past_its_bounds_is_refused() {
    use procmap::model;
    let map_with = |range: &str| {
        super::parse(&format!(
            r#"ProcessMap(format: 1,
                owners: {{"team": Owner(name: "Team", capacity: 2, capacity_range: {range})}},
                nodes: {{
                    "in": Start(name: "In"),
                    "work": Step(name: "Work", owner: "team", work: Fixed("1m")),
                    "out": End(name: "Out"),
                }},
                flows: [Flow(from: "in", to: "work"), Flow(from: "work", to: "out")],
            )"#
        ))
    };
    for range in ["(0, 3)", "(5, 4)", "(1, 4000000000)"] {
        let problems: Vec<String> = model::validate(&map_with(range))
            .iter()
            .map(ToString::to_string)
            .collect();
        assert!(
            problems.iter().any(|p| p.contains("capacity_range")),
            "{range}: {problems:?}"
        );
    }
    assert!(!model::has_errors(&model::validate(&map_with(
        "(1, 100000)"
    ))));
}

/// Every hostile file read as an event log (`procmap discover`, compressed ones as they are:
/// the reader detects gzip) ends with a clear error or a map, in bounded time and memory.
#[test]
fn every_hostile_file_read_as_an_event_log_ends_cleanly() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut files: Vec<PathBuf> = std::fs::read_dir(folder())
        .expect("the hostile folder")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .collect();
    files.sort();
    assert!(files.len() >= 40, "the hostile folder was not found");
    for file in files {
        let args = vec!["discover".to_owned(), file.to_string_lossy().into_owned()];
        let (output, took) = run_bounded(dir.path(), &args);
        let output = output.unwrap_or_else(|| panic!("{}: no end after {took:?}", file.display()));
        let code = output.status.code();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            matches!(code, Some(0..=2)) && !stderr.contains("panicked"),
            "{}: exit {code:?}: {stderr}",
            file.display()
        );
        if code != Some(0) {
            assert!(stderr.contains("error"), "{}: {stderr}", file.display());
        }
    }
}
