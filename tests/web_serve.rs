//! `strikesim serve` as a process: beyond this machine it will not start
//! without a token, and says how to give one; with a token, a request
//! over the socket without it is refused and one with it answered.

#[path = "support/server.rs"]
mod server;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::Duration;

#[test]
fn serving_beyond_this_machine_needs_a_token() {
    let data = tempfile::tempdir().expect("tempdir");
    let out = Command::new(server::BIN)
        .args(["serve", "--host", "0.0.0.0", "--port", "0", "--data"])
        .arg(data.path())
        .env_remove("STRIKESIM_TOKEN")
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("--host 0.0.0.0")
            && stderr.contains("--token")
            && stderr.contains("STRIKESIM_TOKEN"),
        "{stderr}"
    );
    assert!(
        out.stdout.is_empty(),
        "it printed an address: {:?}",
        out.stdout
    );
}

/// GET `path` with these extra header lines; the status code.
fn status(addr: &str, path: &str, headers: &str) -> u16 {
    let mut stream = TcpStream::connect(addr).expect("connects");
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .expect("timeout");
    let request =
        format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n{headers}\r\n");
    stream.write_all(request.as_bytes()).expect("writes");
    let mut answer = String::new();
    stream.read_to_string(&mut answer).expect("reads");
    answer
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0)
}

#[test]
fn with_a_token_every_request_must_carry_it() {
    let data = tempfile::tempdir().expect("tempdir");
    let mut child = Command::new(server::BIN)
        .args(["serve", "--port", "0", "--data"])
        .arg(data.path())
        .env("STRIKESIM_TOKEN", "s3cret-token")
        .stdout(Stdio::piped())
        .spawn()
        .expect("starts");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("prints its address");
    // The printed address carries the token, once.
    assert!(line.trim_end().ends_with("/?token=s3cret-token"), "{line}");
    let addr = line
        .split("http://")
        .nth(1)
        .and_then(|r| r.split('/').next())
        .expect("an address")
        .to_string();
    let codes = [
        status(&addr, "/api/home", ""),
        status(&addr, "/api/home", "Authorization: Bearer wrong\r\n"),
        status(&addr, "/api/home", "Authorization: Bearer s3cret-token\r\n"),
        status(&addr, "/?token=s3cret-token", ""),
        status(&addr, "/", "Cookie: strikesim_token=s3cret-token\r\n"),
    ];
    let _ = child.kill();
    let _ = child.wait();
    assert_eq!(codes, [401, 401, 200, 303, 200]);
}
