//! A small synchronous Chrome DevTools Protocol client for the browser
//! tests: it launches headless Chromium (/usr/bin/chromium), opens pages,
//! types, clicks, waits, reads the DOM, downloads files and collects the
//! console errors and failed requests.
//!
//! Include it from an integration test with
//!
//! ```ignore
//! #[path = "support/cdp.rs"]
//! mod cdp;
//! ```
//!
//! and gate the test like the other browser tests (`build.rs` sets
//! `chromium_missing` when there is no Chromium, outside CI):
//! `#[cfg_attr(chromium_missing, ignore = "needs headless Chromium ...")]`.
//!
//! One websocket to the browser carries every session (flattened
//! sessions: each message names its `sessionId`). Every event read is kept
//! in one log, in order, so nothing that arrives while a command waits for
//! its reply is lost; a page's waits and reports read that log. Every read
//! has a deadline on the socket, so a hung browser fails a test instead of
//! hanging it. Failures panic with what was expected and what was seen.
#![allow(dead_code)] // each test uses part of the client

use serde_json::{json, Value};
use std::cell::RefCell;
use std::io::ErrorKind::{TimedOut, WouldBlock};
use std::io::{BufRead, BufReader};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{mpsc, Arc, Mutex};
use std::time::{Duration, Instant};
use tungstenite::{Message, WebSocket};

type Res<T> = Result<T, String>;

const CHROMIUM: &str = "/usr/bin/chromium";
/// Without the background-networking ones, this machine's closed network
/// refuses Chromium's connections.
const FLAGS: &str = "--headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --disable-dev-shm-usage --remote-debugging-port=0 --window-size=1280,900";
/// The longest a command may wait for its reply.
const COMMAND_TIMEOUT: Duration = Duration::from_secs(30);
const LAUNCH_TIMEOUT: Duration = Duration::from_secs(20);
const LOAD_TIMEOUT: Duration = Duration::from_secs(30);

/// A headless Chromium with its own throwaway profile; killed on drop.
pub struct Browser {
    child: Child,
    conn: RefCell<Conn>,
    _profile: tempfile::TempDir,
}

struct Conn {
    ws: WebSocket<TcpStream>,
    next_id: u64,
    /// Every event received, in order.
    events: Vec<Value>,
}

impl Conn {
    /// One message, or `None` when `deadline` passes first.
    fn read_one(&mut self, deadline: Instant) -> Res<Option<Value>> {
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Ok(None);
            }
            let timeout = Some(left.max(Duration::from_millis(1)));
            let socket = self.ws.get_ref();
            socket
                .set_read_timeout(timeout)
                .map_err(|e| e.to_string())?;
            match self.ws.read() {
                Ok(Message::Text(text)) => {
                    return serde_json::from_str(text.as_str())
                        .map(Some)
                        .map_err(|e| format!("DevTools sent bad JSON ({e}): {text}"));
                }
                Ok(Message::Close(_)) => return Err("the browser closed DevTools".into()),
                Ok(_) => continue,
                Err(tungstenite::Error::Io(e)) if matches!(e.kind(), WouldBlock | TimedOut) => {
                    return Ok(None)
                }
                Err(e) => return Err(format!("DevTools connection: {e}")),
            }
        }
    }

    fn call(&mut self, session: Option<&str>, method: &str, params: Value) -> Res<Value> {
        self.next_id += 1;
        let id = self.next_id;
        let mut msg = json!({ "id": id, "method": method, "params": params });
        if let Some(session) = session {
            msg["sessionId"] = session.into();
        }
        self.ws
            .send(Message::text(msg.to_string()))
            .map_err(|e| format!("sending {method}: {e}"))?;
        let deadline = Instant::now() + COMMAND_TIMEOUT;
        loop {
            let Some(reply) = self.read_one(deadline)? else {
                return Err(format!("no reply to {method} within {COMMAND_TIMEOUT:?}"));
            };
            if reply["id"] == id {
                if let Some(error) = reply.get("error") {
                    return Err(format!("{method}: {error}"));
                }
                return Ok(reply["result"].clone());
            }
            if reply.get("method").is_some() {
                self.events.push(reply);
            }
        }
    }

    /// Keep the events that arrive until `deadline`.
    fn pump(&mut self, deadline: Instant) -> Res<()> {
        while let Some(msg) = self.read_one(deadline)? {
            if msg.get("method").is_some() {
                self.events.push(msg);
            }
        }
        Ok(())
    }
}

impl Browser {
    /// Start Chromium and connect to it; panics (with Chromium's output)
    /// when it does not announce its DevTools address within 20 s.
    pub fn launch() -> Browser {
        let profile = tempfile::tempdir().expect("a temporary profile folder");
        let mut child = Command::new(CHROMIUM)
            .args(FLAGS.split_whitespace())
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .arg("about:blank")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {CHROMIUM} (apt-get install chromium): {e}"));
        // Chromium's stderr is read to its end (a full pipe would stall it);
        // the lines are kept for the panic messages.
        let stderr = Arc::new(Mutex::new(Vec::new()));
        let (tx, rx) = mpsc::channel();
        let pipe = child.stderr.take().expect("stderr is piped");
        let lines = Arc::clone(&stderr);
        std::thread::spawn(move || {
            for line in BufReader::new(pipe).lines().map_while(Result::ok) {
                if let Some(i) = line.find("ws://") {
                    let _ = tx.send(line[i..].trim().to_string());
                }
                lines.lock().map(|mut l| l.push(line)).ok();
            }
        });
        let url = match rx.recv_timeout(LAUNCH_TIMEOUT) {
            Ok(url) => url,
            Err(_) => {
                let _ = child.kill();
                let _ = child.wait();
                let said = stderr.lock().map(|l| l.join("\n")).unwrap_or_default();
                panic!("{CHROMIUM} did not say \"DevTools listening on ws://...\" within {LAUNCH_TIMEOUT:?}; its stderr:\n{said}");
            }
        };
        let host = url["ws://".len()..].split('/').next().unwrap_or_default();
        let stream = TcpStream::connect(host)
            .unwrap_or_else(|e| panic!("cannot connect to DevTools at {url}: {e}"));
        stream.set_nodelay(true).ok();
        stream
            .set_read_timeout(Some(COMMAND_TIMEOUT))
            .expect("a read timeout on the DevTools socket");
        let (ws, _) = tungstenite::client(url.as_str(), stream)
            .unwrap_or_else(|e| panic!("websocket handshake with {url}: {e}"));
        let conn = RefCell::new(Conn {
            ws,
            next_id: 0,
            events: vec![],
        });
        Browser {
            child,
            conn,
            _profile: profile,
        }
    }

    /// Send a command (to the browser itself when `session` is `None`).
    pub fn call(&self, session: Option<&str>, method: &str, params: Value) -> Res<Value> {
        self.conn.borrow_mut().call(session, method, params)
    }

    /// Open a new tab (about:blank) with Page, Runtime, Log and Network enabled.
    pub fn new_page(&self) -> Page<'_> {
        let target = self.expect(None, "Target.createTarget", json!({ "url": "about:blank" }));
        let attach = json!({ "targetId": target["targetId"], "flatten": true });
        let attached = self.expect(None, "Target.attachToTarget", attach);
        let session = str_of(&attached["sessionId"]).to_string();
        for domain in ["Page", "Runtime", "Log", "Network"] {
            self.expect(Some(&session), &format!("{domain}.enable"), json!({}));
        }
        let (download_dir, downloads_from) = (RefCell::new(None), 0.into());
        Page {
            browser: self,
            session,
            download_dir,
            downloads_from,
        }
    }

    fn expect(&self, session: Option<&str>, method: &str, params: Value) -> Value {
        self.call(session, method, params)
            .unwrap_or_else(|e| panic!("{e}"))
    }

    /// Keep the events that arrive within `wait`.
    fn pump(&self, wait: Duration) {
        let result = self.conn.borrow_mut().pump(Instant::now() + wait);
        result.unwrap_or_else(|e| panic!("{e}"));
    }

    /// The first event from index `from` on that satisfies `pred`, and its
    /// index, waiting up to `timeout` for it.
    fn wait_event(
        &self,
        from: usize,
        timeout: Duration,
        pred: impl Fn(&Value) -> bool,
    ) -> Option<(usize, Value)> {
        let deadline = Instant::now() + timeout;
        let mut seen = from;
        loop {
            {
                let conn = self.conn.borrow();
                if let Some(i) = conn.events[seen..].iter().position(&pred) {
                    return Some((seen + i, conn.events[seen + i].clone()));
                }
                seen = conn.events.len();
            }
            if Instant::now() >= deadline {
                return None;
            }
            let left = deadline.saturating_duration_since(Instant::now());
            self.pump(left.min(Duration::from_millis(50)));
        }
    }

    fn event_count(&self) -> usize {
        self.conn.borrow().events.len()
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        // Close politely (its helper processes go too), then make sure.
        if let Ok(mut conn) = self.conn.try_borrow_mut() {
            let _ = conn
                .ws
                .send(Message::text(r#"{"id":0,"method":"Browser.close"}"#));
        }
        let deadline = Instant::now() + Duration::from_secs(3);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One tab, driven through its own session.
pub struct Page<'b> {
    browser: &'b Browser,
    session: String,
    download_dir: RefCell<Option<PathBuf>>,
    /// Events before this one belong to downloads already waited for.
    downloads_from: std::cell::Cell<usize>,
}

impl Page<'_> {
    /// Send a raw CDP command to this page; panics on a protocol error.
    pub fn call(&self, method: &str, params: Value) -> Value {
        self.browser.expect(Some(&self.session), method, params)
    }

    /// Go to `url` and wait for its load event (not for a change of hash
    /// only, which loads nothing).
    pub fn navigate(&self, url: &str) {
        let from = self.browser.event_count();
        let nav = self.call("Page.navigate", json!({ "url": url }));
        if let Some(error) = nav.get("errorText") {
            panic!("navigating to {url}: {error}");
        }
        if nav.get("loaderId").is_none() {
            return; // same document
        }
        let session = self.session.as_str();
        let loaded = self.browser.wait_event(from, LOAD_TIMEOUT, |e| {
            e["sessionId"] == session && e["method"] == "Page.loadEventFired"
        });
        assert!(
            loaded.is_some(),
            "{url} did not load within {LOAD_TIMEOUT:?}"
        );
    }

    /// Evaluate `js` (a promise is awaited); the value, or the exception's text.
    pub fn try_eval(&self, js: &str) -> Res<Value> {
        let params = json!({ "expression": js, "returnByValue": true, "awaitPromise": true,
            "userGesture": true });
        let reply = self
            .browser
            .call(Some(&self.session), "Runtime.evaluate", params)?;
        if let Some(details) = reply.get("exceptionDetails") {
            return Err(format!("{js}: {}", exception(details)));
        }
        Ok(reply["result"].get("value").cloned().unwrap_or(Value::Null))
    }

    /// Evaluate `js`; panics when it throws.
    pub fn eval(&self, js: &str) -> Value {
        self.try_eval(js).unwrap_or_else(|e| panic!("{e}"))
    }

    /// Evaluate `condition` every 100 ms until it is truthy, and return its
    /// value; panics after `timeout` with the page's text.
    pub fn wait_for(&self, condition: &str, timeout: Duration) -> Value {
        let deadline = Instant::now() + timeout;
        let mut last;
        loop {
            match self.try_eval(condition) {
                Ok(v) if truthy(&v) => return v,
                Ok(v) => last = format!("last value {v}"),
                Err(e) => last = e, // e.g. a page still loading
            }
            if Instant::now() >= deadline {
                let body = self.try_eval("document.body ? document.body.innerText : ''");
                let body = body.map_or_else(|e| e, |b| str_of(&b).to_string());
                let body: String = body.trim().chars().take(2000).collect();
                panic!("timed out after {timeout:?} waiting for {condition} ({last}); the page says:\n{body}");
            }
            self.browser.pump(Duration::from_millis(100));
        }
    }

    /// Save this browser's downloads into `dir`.
    pub fn set_download_dir(&self, dir: &Path) {
        let params = json!({ "behavior": "allowAndName", "downloadPath": dir,
            "eventsEnabled": true });
        self.browser
            .expect(None, "Browser.setDownloadBehavior", params);
        *self.download_dir.borrow_mut() = Some(dir.to_path_buf());
    }

    /// Wait for the download that the page names `file_name` to finish
    /// and return its path (`file_name` in the download folder, replacing
    /// any file of that name).
    pub fn wait_for_download(&self, file_name: &str, timeout: Duration) -> PathBuf {
        let dir = self
            .download_dir
            .borrow()
            .clone()
            .expect("set_download_dir first");
        let from = self.downloads_from.get();
        let began = self.browser.wait_event(from, timeout, |e| {
            e["method"] == "Browser.downloadWillBegin"
                && e["params"]["suggestedFilename"] == file_name
        });
        let (began, event) =
            began.unwrap_or_else(|| panic!("no download of {file_name} began within {timeout:?}"));
        self.downloads_from.set(began + 1);
        let guid = &event["params"]["guid"];
        let done = self.browser.wait_event(began, timeout, |e| {
            let p = &e["params"];
            e["method"] == "Browser.downloadProgress"
                && &p["guid"] == guid
                && p["state"] != "inProgress"
        });
        let (_, done) = done.unwrap_or_else(|| {
            panic!("the download of {file_name} did not finish within {timeout:?}")
        });
        assert_eq!(
            done["params"]["state"], "completed",
            "the download of {file_name}"
        );
        let (saved, path) = (dir.join(str_of(guid)), dir.join(file_name));
        std::fs::rename(&saved, &path)
            .unwrap_or_else(|e| panic!("moving {} to {}: {e}", saved.display(), path.display()));
        path
    }

    /// A PNG of the viewport, written to `path`.
    pub fn screenshot_png(&self, path: &Path) {
        use base64::Engine;
        let shot = self.call("Page.captureScreenshot", json!({ "format": "png" }));
        let data = shot["data"].as_str().expect("screenshot data");
        let png = base64::engine::general_purpose::STANDARD.decode(data);
        let png = png.expect("the screenshot is base64");
        std::fs::write(path, png).unwrap_or_else(|e| panic!("writing {}: {e}", path.display()));
    }

    /// Every error so far: console.error and console.assert messages,
    /// uncaught exceptions, and the browser's own error entries (a blocked
    /// script or style, a Content-Security-Policy violation). Failed
    /// requests are left to `network_failures`.
    pub fn console_errors(&self) -> Vec<String> {
        self.events().iter().filter_map(console_error).collect()
    }

    /// Every request that failed: "METHOD URL: net::ERR_..." for a failed
    /// load (not one the page or a navigation aborted: a closed
    /// EventSource, a link turned into a download) and "METHOD URL: HTTP
    /// 404" for a response with an error status (not /favicon.ico, which
    /// the browser asks for by itself).
    pub fn network_failures(&self) -> Vec<String> {
        let events = self.events();
        let request = |id: &Value| {
            let sent = events.iter().find(|e| {
                e["method"] == "Network.requestWillBeSent" && &e["params"]["requestId"] == id
            });
            let r = sent.map_or(&Value::Null, |e| &e["params"]["request"]);
            format!("{} {}", str_of(&r["method"]), str_of(&r["url"]))
        };
        let failure = |e: &Value| {
            let p = &e["params"];
            match e["method"].as_str()? {
                "Network.loadingFailed"
                    if p["canceled"] != true && p["errorText"] != "net::ERR_ABORTED" =>
                {
                    let why = p["blockedReason"]
                        .as_str()
                        .map(|r| format!(" (blocked: {r})"));
                    let (request, error) = (request(&p["requestId"]), str_of(&p["errorText"]));
                    Some(format!("{request}: {error}{}", why.unwrap_or_default()))
                }
                "Network.responseReceived"
                    if p["response"]["status"].as_u64()? >= 400
                        && !str_of(&p["response"]["url"]).ends_with("/favicon.ico") =>
                {
                    let status = &p["response"]["status"];
                    Some(format!("{}: HTTP {status}", request(&p["requestId"])))
                }
                _ => None,
            }
        };
        events.iter().filter_map(failure).collect()
    }

    /// This page's events so far (those arriving within 100 ms too).
    fn events(&self) -> Vec<Value> {
        self.browser.pump(Duration::from_millis(100));
        let conn = self.browser.conn.borrow();
        let mine = conn
            .events
            .iter()
            .filter(|e| e["sessionId"] == self.session.as_str());
        mine.cloned().collect()
    }

    /// Focus the input or textarea, put the caret at its end and type
    /// `text` there as a user would (beforeinput and input events fire).
    pub fn type_into(&self, selector: &str, text: &str) {
        self.eval(&format!(
            "(() => {{ const el = {}; el.focus(); const n = el.value.length; try {{ el.setSelectionRange(n, n); }} catch {{}} }})()",
            element(selector)
        ));
        self.call("Input.insertText", json!({ "text": text }));
    }

    /// Set an input's, textarea's or select's value, then fire input and change.
    pub fn set_value(&self, selector: &str, value: &str) {
        self.eval(&format!(
            "(() => {{ const el = {}; el.value = {}; for (const t of ['input', 'change']) el.dispatchEvent(new Event(t, {{ bubbles: true }})); }})()",
            element(selector),
            json!(value)
        ));
    }

    /// Click the element (element.click()).
    pub fn click(&self, selector: &str) {
        self.eval(&format!("{}.click()", element(selector)));
    }

    /// The element's innerText.
    pub fn text(&self, selector: &str) -> String {
        let text = self.eval(&format!("{}.innerText", element(selector)));
        text.as_str().unwrap_or_default().to_string()
    }
}

/// JS for the element `selector` picks; it throws when there is none.
fn element(selector: &str) -> String {
    let s = json!(selector);
    format!("(document.querySelector({s}) || (() => {{ throw new Error('no element matches ' + {s}); }})())")
}

/// The text of a console.error or exception event, or of a browser error
/// entry other than a failed request's.
fn console_error(e: &Value) -> Option<String> {
    let p = &e["params"];
    match e["method"].as_str()? {
        "Runtime.consoleAPICalled" if p["type"] == "error" || p["type"] == "assert" => {
            let arg = |a: &Value| match (&a["value"], &a["description"]) {
                (Value::String(s), _) => s.clone(),
                (Value::Null, Value::String(d)) => d.clone(),
                (v, _) => v.to_string(),
            };
            let words: Vec<String> = p["args"].as_array()?.iter().map(arg).collect();
            Some(format!(
                "console.{}: {}",
                str_of(&p["type"]),
                words.join(" ")
            ))
        }
        "Runtime.exceptionThrown" => {
            Some(format!("exception: {}", exception(&p["exceptionDetails"])))
        }
        "Log.entryAdded" if p["entry"]["level"] == "error" && p["entry"]["source"] != "network" => {
            let entry = &p["entry"];
            Some(format!(
                "{}: {}",
                str_of(&entry["source"]),
                str_of(&entry["text"])
            ))
        }
        _ => None,
    }
}

/// The text of CDP exceptionDetails.
fn exception(details: &Value) -> &str {
    let text = details["exception"]["description"].as_str();
    text.or(details["text"].as_str()).unwrap_or("exception")
}

fn str_of(v: &Value) -> &str {
    v.as_str().unwrap_or("?")
}

fn truthy(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64() != Some(0.0),
        Value::String(s) => !s.is_empty(),
        _ => true,
    }
}
