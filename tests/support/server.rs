//! `strikesim serve` as a process for the tests that need a real socket
//! (the load check, the browser test): started on a free port over a data
//! folder, stopped when dropped; and one HTTP/1.1 request at a time over
//! std's TcpStream, which is all these tests need of a client.
#![allow(dead_code)] // each test uses part of it

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

pub const BIN: &str = env!("CARGO_BIN_EXE_strikesim");
pub const DEFAULT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/default.toml");
/// The tables of a run, which must be the same bytes however it was run.
pub const TABLES: [&str; 6] = [
    "summary.csv",
    "replications.csv",
    "weekly.csv",
    "by_specialty.csv",
    "by_trust.csv",
    "by_specialty_all_trusts.csv",
];

/// The server, stopped when dropped.
pub struct Server {
    child: Child,
    /// `127.0.0.1:PORT`
    pub addr: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Start `strikesim serve --port 0 --workers 2` over `data`.
pub fn serve(data: &Path) -> Server {
    let mut child = Command::new(BIN)
        .args(["serve", "--port", "0", "--workers", "2", "--data"])
        .arg(data)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("strikesim serve starts");
    let stdout = child.stdout.take().expect("stdout");
    let mut lines = BufReader::new(stdout);
    let mut line = String::new();
    lines
        .read_line(&mut line)
        .expect("the server prints its address");
    // Keep reading what it prints, so its stdout stays open.
    std::thread::spawn(move || std::io::copy(&mut lines, &mut std::io::sink()));
    let addr = line
        .split("http://")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .unwrap_or_else(|| panic!("no address in {line:?}"))
        .to_string();
    Server { child, addr }
}

/// One HTTP/1.1 request: (status, body).
pub fn request(addr: &str, method: &str, path: &str, body: Option<&str>) -> (u16, String) {
    let mut stream = TcpStream::connect(addr).expect("connects");
    stream
        .set_read_timeout(Some(Duration::from_secs(60)))
        .expect("timeout");
    let body = body.unwrap_or("");
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).expect("writes");
    stream.write_all(body.as_bytes()).expect("writes");
    let mut answer = String::new();
    stream.read_to_string(&mut answer).expect("reads");
    let status = answer
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let body = answer.split_once("\r\n\r\n").map_or("", |(_, b)| b);
    (status, body.to_string())
}

/// A string field of a JSON answer.
pub fn field(json: &str, key: &str) -> String {
    let v: serde_json::Value = serde_json::from_str(json).unwrap_or_else(|e| panic!("{e}: {json}"));
    v[key].as_str().unwrap_or_default().to_string()
}

/// `strikesim run FILE -n N --seed S --out OUT`, which must succeed.
pub fn cli_run(scenario: &str, n: u64, seed: u64, out: &Path) {
    let status = Command::new(BIN)
        .args([
            "run",
            scenario,
            "-n",
            &n.to_string(),
            "--seed",
            &seed.to_string(),
            "--out",
        ])
        .arg(out)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("strikesim run");
    assert!(status.success(), "strikesim run failed");
}
