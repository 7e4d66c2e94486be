//! Running the example programs of `generated-client/examples/` as a user would: built
//! once, run as processes with a chosen environment, every wait bounded.

use std::io::Read as _;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::workspace_root;

/// One example program run.
const EXAMPLE_TIMEOUT: Duration = Duration::from_secs(60);
/// Building the examples (a no-op when `.ci/run` built them already).
const BUILD_TIMEOUT: Duration = Duration::from_secs(900);

/// Builds the examples once (`cargo build -p enkash-rewards --examples`, bounded) and
/// returns where each binary is.
pub fn example_binaries() -> &'static Vec<(String, PathBuf)> {
    static BINARIES: OnceLock<Vec<(String, PathBuf)>> = OnceLock::new();
    BINARIES.get_or_init(|| {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
        let mut child = Command::new(cargo)
            .args([
                "build",
                "--quiet",
                "-p",
                "enkash-rewards",
                "--examples",
                "--message-format=json",
            ])
            .current_dir(workspace_root())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("cargo runs");
        let mut stdout = child.stdout.take().expect("piped");
        let reader = std::thread::spawn(move || {
            let mut text = String::new();
            stdout.read_to_string(&mut text).map(|_| text)
        });
        let status = wait_bounded(&mut child, BUILD_TIMEOUT, "cargo build --examples");
        assert!(
            status.success(),
            "cargo build -p enkash-rewards --examples failed"
        );
        let text = reader
            .join()
            .expect("reader thread")
            .expect("cargo's output is UTF-8");
        let mut binaries = Vec::new();
        for line in text.lines() {
            let Ok(message) = serde_json::from_str::<Value>(line) else {
                continue;
            };
            let is_example = message["target"]["kind"]
                .as_array()
                .is_some_and(|k| k.iter().any(|k| k == "example"));
            if let (true, Some(exe)) = (is_example, message["executable"].as_str()) {
                let name = message["target"]["name"]
                    .as_str()
                    .expect("target name")
                    .to_owned();
                binaries.push((name, PathBuf::from(exe)));
            }
        }
        binaries
    })
}

/// Waits for `child`, killing it (by its handle) when it outlives `limit`.
pub fn wait_bounded(
    child: &mut std::process::Child,
    limit: Duration,
    what: &str,
) -> std::process::ExitStatus {
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait().expect("try_wait") {
            return status;
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{what} did not finish within {limit:?}; killed");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// What an example program did.
#[derive(Debug)]
pub struct Run {
    pub success: bool,
    pub stdout: String,
    pub stderr: String,
}

/// Runs example `name` with the given environment (and no inherited `ENKASH_*`), bounded.
pub fn run_example(name: &str, env: &[(&str, &str)]) -> Run {
    let binaries = example_binaries();
    let (_, exe) = binaries
        .iter()
        .find(|(n, _)| n == name)
        .unwrap_or_else(|| panic!("no example binary `{name}` among {binaries:?}"));
    let mut command = Command::new(exe);
    for (key, _) in std::env::vars() {
        if key.starts_with("ENKASH_") {
            command.env_remove(key);
        }
    }
    command.envs(env.iter().copied()).stdin(Stdio::null());
    let out_path = std::env::temp_dir().join(format!(
        "enkash-example-{name}-{}-{}.out",
        std::process::id(),
        unique()
    ));
    let err_path = out_path.with_extension("err");
    let out = std::fs::File::create(&out_path).expect("temp file");
    let err = std::fs::File::create(&err_path).expect("temp file");
    let mut child = command
        .stdout(out)
        .stderr(err)
        .spawn()
        .unwrap_or_else(|e| panic!("run {}: {e}", exe.display()));
    let status = wait_bounded(&mut child, EXAMPLE_TIMEOUT, &format!("example {name}"));
    let stdout = std::fs::read_to_string(&out_path).unwrap_or_default();
    let stderr = std::fs::read_to_string(&err_path).unwrap_or_default();
    let _ = std::fs::remove_file(&out_path);
    let _ = std::fs::remove_file(&err_path);
    Run {
        success: status.success(),
        stdout,
        stderr,
    }
}

fn unique() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

/// Asserts that the run succeeded and printed every `expected` text.
pub fn assert_example_ok(name: &str, run: &Run, expected: &[&str]) {
    assert!(
        run.success,
        "example {name} failed.\nstdout:\n{}\nstderr:\n{}",
        run.stdout, run.stderr
    );
    for text in expected {
        assert!(
            run.stdout.contains(text),
            "example {name} should print {text:?}; it printed:\n{}",
            run.stdout
        );
    }
}
