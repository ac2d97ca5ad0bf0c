//! What every request passes before a handler sees it, and what every
//! response carries:
//!
//! - the token, when the server has one (`--token`, or beyond this
//!   machine): a `token` query on the first page sets a cookie; requests
//!   then carry the cookie or an `Authorization: Bearer` header;
//! - the Host header, when serving this machine only: a page from another
//!   site that resolves its own name to 127.0.0.1 (DNS rebinding) is
//!   refused;
//! - POST, PUT and DELETE from the same origin only (the `Origin` and
//!   `Sec-Fetch-Site` headers a browser sends), so another site cannot
//!   start or cancel runs;
//! - a content security policy and the headers that stop sniffing and
//!   framing by others.

use super::api::AppState;
use super::WebError;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use std::sync::Arc;

/// The page's policy: nothing from elsewhere, no inline script or style.
pub const CSP: &str = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; \
     connect-src 'self'; frame-src 'self'; frame-ancestors 'self'; base-uri 'none'; form-action 'self'; object-src 'none'";
/// The report's policy: its own inline styles and embedded images only.
pub const REPORT_CSP: &str =
    "default-src 'none'; img-src data:; style-src 'unsafe-inline'; frame-ancestors 'self'; base-uri 'none'";
/// The cookie that carries the token.
const COOKIE: &str = "strikesim_token";

/// The checks, then the handler, then the headers.
pub async fn guard(State(state): State<Arc<AppState>>, request: Request, next: Next) -> Response {
    if let Err(e) = check_host(&state, request.headers()) {
        return e.into_response();
    }
    if let Some(token) = state.token.as_deref() {
        match check_token(token, &request) {
            Ok(None) => {}
            Ok(Some(redirect)) => return redirect,
            Err(e) => return e.into_response(),
        }
    }
    if !matches!(request.method(), &Method::GET | &Method::HEAD) {
        if let Err(e) = check_origin(request.headers()) {
            return e.into_response();
        }
    }
    let api = request.uri().path().starts_with("/api/");
    let mut response = next.run(request).await;
    let h = response.headers_mut();
    if !h.contains_key(header::CONTENT_SECURITY_POLICY) {
        h.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CSP),
        );
    }
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    h.insert(
        "cross-origin-resource-policy",
        HeaderValue::from_static("same-origin"),
    );
    if api {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}

/// Serving this machine only: the Host must name this machine.
fn check_host(state: &AppState, headers: &HeaderMap) -> Result<(), WebError> {
    if !state.local_only {
        return Ok(());
    }
    let Some(host) = headers.get(header::HOST).and_then(|h| h.to_str().ok()) else {
        return Ok(());
    };
    let name = match host.strip_prefix('[') {
        Some(rest) => rest.split(']').next().unwrap_or(""),
        None => host.rsplit_once(':').map_or(host, |(n, _)| n),
    };
    // An address must be one: "127.evil.example" starts like one.
    let loopback = name
        .parse::<std::net::IpAddr>()
        .is_ok_and(|ip| ip.is_loopback());
    if name.eq_ignore_ascii_case("localhost") || loopback {
        Ok(())
    } else {
        Err(WebError::Forbidden(format!(
            "Host \"{}\": this server answers requests for this machine only (localhost, 127.0.0.1); to serve others start it with --host and --token",
            crate::scenario::clip(host)
        )))
    }
}

/// The token check: Ok(None) to go on, Ok(Some) to set the cookie from a
/// `?token=` and come back without it.
fn check_token(token: &str, request: &Request) -> Result<Option<Response>, WebError> {
    let headers = request.headers();
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    let cookie = headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|c| {
            c.trim()
                .strip_prefix(&format!("{COOKIE}="))
                .map(str::to_string)
        })
        .next();
    if bearer.is_some_and(|b| same(b, token)) || cookie.is_some_and(|c| same(&c, token)) {
        return Ok(None);
    }
    let query = request
        .uri()
        .query()
        .unwrap_or("")
        .split('&')
        .find_map(|kv| kv.strip_prefix("token="));
    if request.method() == Method::GET && query.is_some_and(|q| same(q, token)) {
        // Back to the same page, on this server: "//host/..." would be another site.
        let path = request.uri().path();
        let back = if path.starts_with("//") || path.starts_with("/\\") {
            "/"
        } else {
            path
        };
        let mut response = Redirect::to(back).into_response();
        let cookie = format!("{COOKIE}={token}; HttpOnly; SameSite=Strict; Path=/");
        if let Ok(v) = HeaderValue::from_str(&cookie) {
            response.headers_mut().insert(header::SET_COOKIE, v);
        }
        return Ok(Some(response));
    }
    Err(WebError::Unauthorized(
        "this server needs its token: open the address it printed (with ?token=...) or send Authorization: Bearer TOKEN".into(),
    ))
}

/// Compare without stopping at the first difference.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// A change must come from a page of this server.
fn check_origin(headers: &HeaderMap) -> Result<(), WebError> {
    let fetch_site = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok());
    if let Some(site) = fetch_site {
        if !matches!(site, "same-origin" | "none") {
            return Err(WebError::Forbidden(format!(
                "a change from another site ({site}) is refused: use the workbench's own pages"
            )));
        }
    }
    let Some(origin) = headers.get(header::ORIGIN) else {
        return Ok(());
    };
    let origin = origin.to_str().unwrap_or("");
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("");
    let expected = [format!("http://{host}"), format!("https://{host}")];
    if expected.iter().any(|e| e == origin) {
        Ok(())
    } else {
        Err(WebError::Forbidden(format!(
            "Origin \"{}\" is not this server ({host}): a change must come from the workbench's own pages",
            crate::scenario::clip(origin)
        )))
    }
}
