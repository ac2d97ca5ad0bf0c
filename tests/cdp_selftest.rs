//! The CDP client of `tests/support/cdp.rs` against a tiny local HTTP
//! server (no strikesim server): typing, clicking, waiting, reading the
//! DOM, a download, a screenshot, and the console errors (a console.error
//! and a Content-Security-Policy violation) and failed requests it reports.

#[path = "support/cdp.rs"]
mod cdp;

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::time::{Duration, Instant};

const PAGE: &str = r#"<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>cdp selftest</title></head>
<body>
<input id="name"> <button id="go">Go</button>
<div id="out"></div><div id="echo"></div><div id="changed"></div>
<a id="dl" download href="/file.csv">CSV</a>
<script>document.title = 'the inline script ran';</script>
<script src="/app.js"></script>
</body></html>"#;

const APP_JS: &str = r#"
const $ = (id) => document.getElementById(id);
$('name').addEventListener('input', () => { $('echo').textContent = $('name').value; });
$('name').addEventListener('change', () => { $('changed').textContent = 'changed to ' + $('name').value; });
$('go').addEventListener('click', () => {
  const text = $('name').value;
  $('out').textContent = 'Hello, ' + text;
  if (text === 'boom') console.error('boom went', text);
});
window.appReady = true;
"#;

/// Bytes a text round trip would change: CRLF, a lone LF, UTF-8.
const CSV: &[u8] = b"plan,cancelled\r\nkeep-booked,49\r\ncaf\xc3\xa9,1\n";

/// Serve the page, its script and the CSV on 127.0.0.1 (any free port).
fn serve() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a local port");
    let port = listener.local_addr().expect("the local address").port();
    std::thread::spawn(move || {
        for stream in listener.incoming().map_while(Result::ok) {
            std::thread::spawn(move || respond(stream));
        }
    });
    port
}

fn respond(mut stream: TcpStream) {
    let mut reader = BufReader::new(stream.try_clone().expect("a second handle"));
    let mut request = String::new();
    if reader.read_line(&mut request).is_err() {
        return;
    }
    let mut header = String::new();
    while reader.read_line(&mut header).is_ok_and(|n| n > 2) {
        header.clear();
    }
    let path = request.split_whitespace().nth(1).unwrap_or("/");
    if path == "/events" {
        // A run's progress stream: two events, then the server closes it
        // a little later (the page closes its EventSource on "end").
        let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n\r\n";
        let body = "event: progress\ndata: 1\n\nevent: end\ndata: 2\n\n";
        let _ = stream
            .write_all(head.as_bytes())
            .and_then(|_| stream.write_all(body.as_bytes()));
        std::thread::sleep(Duration::from_millis(300));
        return;
    }
    let (status, kind, body): (&str, &str, &[u8]) = match path.split('?').next() {
        Some("/") => ("200 OK", "text/html; charset=utf-8", PAGE.as_bytes()),
        Some("/app.js") => ("200 OK", "text/javascript", APP_JS.as_bytes()),
        Some("/file.csv") => ("200 OK", "text/csv", CSV),
        _ => ("404 Not Found", "text/plain", b"not found"),
    };
    let head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\n\
         Content-Security-Policy: default-src 'self'\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let _ = stream
        .write_all(head.as_bytes())
        .and_then(|_| stream.write_all(body));
}

#[test]
#[cfg_attr(
    chromium_missing,
    ignore = "needs headless Chromium at /usr/bin/chromium (apt-get install chromium)"
)]
fn cdp_client_drives_a_page() {
    let started = Instant::now();
    let port = serve();
    let browser = cdp::Browser::launch();
    let page = browser.new_page();
    let wait = Duration::from_secs(10);
    page.navigate(&format!("http://127.0.0.1:{port}/"));
    page.wait_for("window.appReady", wait);
    // The CSP kept the inline script from running.
    assert_eq!(page.eval("document.title"), "cdp selftest");

    // Values come back as JSON; promises are awaited; exceptions are errors.
    assert_eq!(page.eval("1 + 2"), 3);
    assert_eq!(
        page.eval("Promise.resolve({ a: [1, 'x'] })"),
        serde_json::json!({ "a": [1, "x"] })
    );
    let thrown = page.try_eval("null.x").expect_err("a TypeError");
    assert!(thrown.contains("TypeError"), "{thrown}");

    // Typing fires input events, as a user's does; it appends.
    page.type_into("#name", "hel");
    page.type_into("#name", "lo");
    assert_eq!(page.text("#echo"), "hello");
    page.click("#go");
    page.wait_for("document.getElementById('out').textContent !== ''", wait);
    assert_eq!(page.text("#out"), "Hello, hello");

    page.set_value("#name", "boom");
    assert_eq!(page.text("#changed"), "changed to boom");
    page.click("#go");
    assert_eq!(page.text("#out"), "Hello, boom");

    // A hash route loads nothing: navigate returns without a load event.
    page.navigate(&format!("http://127.0.0.1:{port}/#/runs/x"));
    assert_eq!(page.eval("location.hash"), "#/runs/x");

    // A failed wait says what it waited for and what the page showed.
    // (The only test in this binary, so the quiet panic hook disturbs none.)
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let failed = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        page.wait_for(
            "document.querySelector('#never')",
            Duration::from_millis(300),
        )
    }));
    std::panic::set_hook(hook);
    let message = *failed
        .expect_err("a timeout")
        .downcast::<String>()
        .expect("a message");
    assert!(message.contains("#never"), "{message}");
    assert!(message.contains("Hello, boom"), "{message}");

    // Downloads land in the folder, byte for byte.
    let downloads = tempfile::tempdir().expect("a download folder");
    page.set_download_dir(downloads.path());
    page.click("#dl");
    let file = page.wait_for_download("file.csv", wait);
    assert_eq!(std::fs::read(&file).expect("the download"), CSV);

    // An EventSource the page closes at its end is no failure.
    page.eval(
        "const es = new EventSource('/events'); \
         es.addEventListener('end', () => { es.close(); window.streamEnded = true; });",
    );
    page.wait_for("window.streamEnded", wait);

    // A 404 is a network failure, not a console error.
    assert_eq!(page.eval("fetch('/missing').then(r => r.status)"), 404);
    let failures = settled(|| page.network_failures(), 1);
    assert_eq!(failures.len(), 1, "{failures:#?}");
    assert!(failures[0].contains("/missing: HTTP 404"), "{failures:#?}");

    let shot = downloads.path().join("shot.png");
    page.screenshot_png(&shot);
    let png = std::fs::read(&shot).expect("the screenshot");
    assert!(png.starts_with(b"\x89PNG"), "not a PNG");

    let errors = settled(|| page.console_errors(), 2);
    assert_eq!(errors.len(), 2, "{errors:#?}");
    assert!(
        errors.iter().any(|e| e == "console.error: boom went boom"),
        "{errors:#?}"
    );
    assert!(
        errors
            .iter()
            .any(|e| e.contains("Content Security Policy") && e.contains("inline script")),
        "{errors:#?}"
    );
    eprintln!("cdp self-test took {:?}", started.elapsed());
}

/// What `report` says once it has `count` lines (events arrive
/// asynchronously), or after 5 s.
fn settled(report: impl Fn() -> Vec<String>, count: usize) -> Vec<String> {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let lines = report();
        if lines.len() >= count || Instant::now() >= deadline {
            return lines;
        }
    }
}
