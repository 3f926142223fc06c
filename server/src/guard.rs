//! Who may talk to hubsim: the checks that keep web pages away from the simulated account,
//! made on a request's headers before its body is read and before anything runs.
//!
//! A browser lets any page send a "simple" cross-site request (a form POST, an `<img>` GET)
//! without asking the server first, and a page on a name that is later re-pointed at 127.0.0.1
//! (DNS rebinding) can even read the answers. AWS clients (the aws CLI, boto3, the SDKs) send
//! neither an `Origin` nor a `Sec-Fetch-Site` header, so these checks leave them alone:
//!
//! * **Origin.** A request with an `Origin` header is refused unless that origin was allowed
//!   (`serve --allow-origin`). A request without one that a browser marks as
//!   `Sec-Fetch-Site: cross-site` or `same-site` (what browsers send on a cross-site `<img>` or
//!   link GET, which carries no `Origin`) is refused too.
//! * **Host.** The `Host` header (and an absolute-form target's authority) must name a loopback
//!   name (`localhost`, `*.localhost`, 127.0.0.0/8, `[::1]`), the address hubsim is bound to
//!   (any IP address when it is bound to 0.0.0.0 or `::`: a rebinding page always sends its own
//!   DNS name, never an address), or a name allowed with `serve --allow-host` — or a subdomain of
//!   one of these, as S3's virtual-hosted-style requests use `bucket.localhost:4566`. A request
//!   without `Host` (HTTP/1.0) or with an empty one is accepted: every browser sends the name it
//!   connected to, so such a request does not come from a rebound page.
//! * **Admin routes.** A `/_hubsim/` request other than `GET`/`HEAD`/`OPTIONS` must say
//!   `Content-Type: application/json`: a form cannot send that type, and a script can only after
//!   a CORS preflight, which hubsim grants to allowed origins only (`http.rs` answers it).
//!
//! How browsers mark requests: <https://fetch.spec.whatwg.org/#origin-header>,
//! <https://www.w3.org/TR/fetch-metadata/#sec-fetch-site-header>; DNS rebinding:
//! <https://en.wikipedia.org/wiki/DNS_rebinding>.

use std::net::IpAddr;

use crate::protocol::Request;

/// What may reach the simulated account, besides loopback clients without an `Origin`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Guard {
    origins: Vec<String>,
    hosts: Vec<String>,
    bound: Option<IpAddr>,
}

/// Why a request was refused before anything ran.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// The `Origin` header names an origin that was not allowed.
    #[error(
        "hubsim refuses requests from the web page origin '{0}' (a web page may not change the simulated account); \
         start hubsim with --allow-origin {0} to allow it"
    )]
    Origin(String),
    /// A browser marked the request as sent by another site (`Sec-Fetch-Site`).
    #[error(
        "hubsim refuses requests a browser marks as sent by another site (Sec-Fetch-Site: {0}); \
         a web page that should reach hubsim must send its Origin and be allowed with --allow-origin"
    )]
    CrossSite(String),
    /// The `Host` header names neither a loopback name, the bound address nor an allowed name.
    #[error(
        "hubsim refuses requests for the host '{0}': it answers loopback names (localhost, 127.0.0.1, [::1]), \
         the address it listens on, and the names given with --allow-host (start hubsim with --allow-host {1} \
         to allow this one)"
    )]
    Host(String, String),
    /// A state-changing admin request without `Content-Type: application/json`.
    #[error(
        "{0} /_hubsim/ routes need the header 'Content-Type: application/json' (a web form cannot send it), \
         not {1}"
    )]
    AdminContentType(String, String),
}

impl Refusal {
    /// The HTTP status: 415 for an admin request's content type, 403 for everything else.
    pub fn status(&self) -> u16 {
        match self {
            Refusal::AdminContentType(..) => 415,
            _ => 403,
        }
    }
}

/// Why an `--allow-origin` or `--allow-host` value cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BadAllowance {
    /// Not `scheme://host[:port]`.
    #[error("--allow-origin {0}: an origin is http:// or https:// and a host with an optional port, nothing after it (like http://localhost:3000)")]
    Origin(String),
    /// `null` is the origin of sandboxed frames and local files, which any page can produce.
    #[error(
        "--allow-origin null would allow every web page (any page can send the origin 'null' from a sandboxed frame)"
    )]
    NullOrigin,
    /// Not a host name.
    #[error("--allow-host {0}: give a host name without scheme, port or path (like hubsim or hubsim.internal)")]
    Host(String),
}

impl Guard {
    /// Loopback clients only (what a new [`crate::State`] has).
    pub fn new() -> Guard {
        Guard::default()
    }

    /// The address the server is bound to: requests naming it (or, for 0.0.0.0 and `::`, any IP
    /// address) pass the Host check.
    pub fn bound_to(mut self, ip: IpAddr) -> Guard {
        self.bound = Some(ip);
        self
    }

    /// Allows requests whose `Origin` is `origin` (`http://localhost:3000`).
    pub fn allow_origin(mut self, origin: &str) -> Result<Guard, BadAllowance> {
        self.origins.push(normalize_origin(origin)?);
        Ok(self)
    }

    /// Allows requests whose `Host` is `name` or a subdomain of it.
    pub fn allow_host(mut self, name: &str) -> Result<Guard, BadAllowance> {
        let bare = name.trim().trim_end_matches('.').to_ascii_lowercase();
        let valid = !bare.is_empty()
            && bare.split('.').all(|label| {
                !label.is_empty() && label.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
            });
        if !valid {
            return Err(BadAllowance::Host(name.to_string()));
        }
        self.hosts.push(bare);
        Ok(self)
    }

    /// Checks a request's `Origin`, `Sec-Fetch-Site` and `Host` headers and, for an admin route,
    /// its content type. `authority` is an absolute-form target's `host[:port]`.
    pub fn check(&self, req: &Request, authority: Option<&str>) -> Result<(), Refusal> {
        let mut origins = headers(req, "origin").peekable();
        if origins.peek().is_some() {
            for origin in origins {
                let lower = origin.trim().trim_end_matches('/').to_ascii_lowercase();
                if !self.origins.contains(&lower) {
                    return Err(Refusal::Origin(origin.trim().to_string()));
                }
            }
        } else if let Some(site) = headers(req, "sec-fetch-site").find(|s| {
            let s = s.trim();
            s.eq_ignore_ascii_case("cross-site") || s.eq_ignore_ascii_case("same-site")
        }) {
            return Err(Refusal::CrossSite(site.trim().to_string()));
        }
        for host in headers(req, "host").chain(authority) {
            if let Some(name) = host_name(host) {
                if !self.host_allowed(&name) {
                    return Err(Refusal::Host(host.trim().to_string(), name));
                }
            }
        }
        if req.path.starts_with(crate::admin::PREFIX) && !matches!(req.method.as_str(), "GET" | "HEAD" | "OPTIONS") {
            let content_type = req.header("content-type").unwrap_or("");
            let media = content_type.split(';').next().unwrap_or("").trim();
            if !media.eq_ignore_ascii_case("application/json") {
                let sent =
                    if content_type.is_empty() { "no Content-Type".to_string() } else { format!("'{content_type}'") };
                return Err(Refusal::AdminContentType(req.method.clone(), sent));
            }
        }
        Ok(())
    }

    fn host_allowed(&self, name: &str) -> bool {
        if let Some(ip) = address_of(name) {
            let ip = ip.to_canonical();
            return ip.is_loopback()
                || self.bound.is_some_and(|bound| bound.is_unspecified() || bound.to_canonical() == ip)
                || self.hosts.iter().any(|h| h.parse::<IpAddr>().is_ok_and(|allowed| allowed.to_canonical() == ip));
        }
        let under = |allowed: &str| name == allowed || name.strip_suffix(allowed).is_some_and(|s| s.ends_with('.'));
        // AWS's own endpoint names (a client pointed at hubsim through /etc/hosts or a proxy):
        // nobody but AWS can re-point them.
        under("localhost") || under("amazonaws.com") || self.hosts.iter().any(|h| under(h))
    }
}

fn headers<'a>(req: &'a Request, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
    req.headers.iter().filter(move |(k, _)| k == name).map(|(_, v)| v.as_str())
}

/// The lower-case name or address of a `Host` value without its port and brackets; `None` for
/// an empty value.
fn host_name(host: &str) -> Option<String> {
    let host = host.trim();
    if host.is_empty() {
        return None;
    }
    let name = if let Some(i) = host.find(']') {
        // `[::1]:4566` or S3's `bucket.[::1]:4566`: the address keeps its brackets.
        &host[..=i]
    } else {
        match host.rsplit_once(':') {
            Some((name, port)) if port.bytes().all(|b| b.is_ascii_digit()) => name,
            _ => host,
        }
    };
    Some(name.trim_end_matches('.').to_ascii_lowercase())
}

/// The IP address a host name is, or ends in (S3's virtual-hosted `bucket.127.0.0.1` and
/// `bucket.[::1]`): no DNS name can end in a numeric label or a bracket, so the address decides.
fn address_of(name: &str) -> Option<IpAddr> {
    if let Ok(ip) = name.parse::<IpAddr>() {
        return Some(ip);
    }
    if let Some(i) = name.find('[') {
        return name[i + 1..].strip_suffix(']')?.parse().ok();
    }
    let labels: Vec<&str> = name.rsplitn(5, '.').collect();
    match labels.as_slice() {
        [d, c, b, a, _] => format!("{a}.{b}.{c}.{d}").parse().ok(),
        _ => None,
    }
}

/// An origin as browsers serialize it: lower case, no default port, no trailing `/`.
fn normalize_origin(origin: &str) -> Result<String, BadAllowance> {
    let lower = origin.trim().trim_end_matches('/').to_ascii_lowercase();
    if lower == "null" {
        return Err(BadAllowance::NullOrigin);
    }
    let bad = || BadAllowance::Origin(origin.to_string());
    let (scheme, authority) = lower.split_once("://").ok_or_else(bad)?;
    let default_port = match scheme {
        "http" => ":80",
        "https" => ":443",
        _ => return Err(bad()),
    };
    if authority.is_empty() || authority.contains(['/', '?', '#', '@', ' ']) {
        return Err(bad());
    }
    let authority = authority.strip_suffix(default_port).unwrap_or(authority);
    Ok(format!("{scheme}://{authority}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(method: &str, path: &str, headers: &[(&str, &str)]) -> Request {
        Request {
            method: method.into(),
            path: path.into(),
            headers: headers.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
            ..Default::default()
        }
    }

    fn post(headers: &[(&str, &str)]) -> Request {
        req("POST", "/", headers)
    }

    #[test]
    fn origins_must_be_allowed_and_cross_site_fetches_are_refused() {
        let guard = Guard::new();
        assert_eq!(guard.check(&post(&[("host", "127.0.0.1:4566")]), None), Ok(()));
        assert_eq!(
            guard.check(&post(&[("host", "127.0.0.1:4566"), ("origin", "http://evil.example")]), None),
            Err(Refusal::Origin("http://evil.example".into()))
        );
        assert!(matches!(guard.check(&post(&[("origin", "null")]), None), Err(Refusal::Origin(_))));
        assert_eq!(
            guard.check(&req("GET", "/", &[("sec-fetch-site", "cross-site")]), None),
            Err(Refusal::CrossSite("cross-site".into()))
        );
        assert!(guard.check(&req("GET", "/", &[("sec-fetch-site", "same-site")]), None).is_err());
        assert_eq!(guard.check(&req("GET", "/", &[("sec-fetch-site", "none")]), None), Ok(()));

        let guard = Guard::new().allow_origin("HTTP://LocalHost:3000/").expect("origin");
        assert_eq!(
            guard.check(&post(&[("origin", "http://localhost:3000"), ("sec-fetch-site", "same-site")]), None),
            Ok(())
        );
        assert!(guard.check(&post(&[("origin", "http://localhost:3001")]), None).is_err());
        // Every Origin header must be allowed.
        assert!(guard
            .check(&post(&[("origin", "http://localhost:3000"), ("origin", "http://evil.example")]), None)
            .is_err());
        let guard = Guard::new().allow_origin("https://tools.example:443").expect("origin");
        assert_eq!(guard.check(&post(&[("origin", "https://tools.example")]), None), Ok(()));
    }

    #[test]
    fn bad_allowances_are_refused() {
        for bad in ["localhost:3000", "ftp://x", "http://", "http://a/path", "http://u@a", "null", "NULL"] {
            assert!(Guard::new().allow_origin(bad).is_err(), "{bad}");
        }
        assert_eq!(Guard::new().allow_origin("null"), Err(BadAllowance::NullOrigin));
        for bad in ["", "http://hubsim", "hubsim:4566", "a..b", "a/b"] {
            assert!(Guard::new().allow_host(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn hosts_must_be_loopback_bound_or_allowed() {
        let guard = Guard::new().bound_to("127.0.0.1".parse().expect("ip"));
        let host = |h: &str| guard.check(&post(&[("host", h)]), None);
        for ok in [
            "127.0.0.1:4566",
            "127.3.4.5",
            "localhost",
            "LOCALHOST:4566",
            "localhost.",
            "my-bucket.localhost:4566",
            "[::1]:4566",
            "[::ffff:127.0.0.1]:80",
            "b1.127.0.0.1:4566",
            "b1.[::1]:4566",
            "bucket.s3.amazonaws.com",
            "",
        ] {
            assert_eq!(host(ok), Ok(()), "{ok}");
        }
        for bad in [
            "evil.example",
            "evil.example:4566",
            "localhost.evil.example",
            "evillocalhost",
            "10.0.0.1",
            "[fe80::1]",
            "b1.10.0.0.1",
            "127.0.0.1.evil.example",
            "amazonaws.com.evil.example",
        ] {
            assert!(matches!(host(bad), Err(Refusal::Host(..))), "{bad}");
        }
        assert_eq!(
            host("rebound.evil.example:4566"),
            Err(Refusal::Host("rebound.evil.example:4566".into(), "rebound.evil.example".into()))
        );
        // An absolute-form target's authority is checked too.
        assert!(guard.check(&post(&[("host", "127.0.0.1")]), Some("evil.example:4566")).is_err());
        assert_eq!(guard.check(&post(&[]), None), Ok(()));

        let guard = Guard::new().allow_host("HubSim").expect("host");
        assert_eq!(guard.check(&post(&[("host", "hubsim:4566")]), None), Ok(()));
        assert_eq!(guard.check(&post(&[("host", "bucket.hubsim:4566")]), None), Ok(()));
        assert!(guard.check(&post(&[("host", "nothubsim:4566")]), None).is_err());

        // An address can be allowed by name too (a port forwarded to a loopback-bound hubsim).
        let forwarded = Guard::new().allow_host("10.0.0.7").expect("address");
        assert_eq!(forwarded.check(&post(&[("host", "10.0.0.7:4566")]), None), Ok(()));
        assert!(forwarded.check(&post(&[("host", "10.0.0.8:4566")]), None).is_err());

        let lan: IpAddr = "192.168.1.5".parse().expect("ip");
        let guard = Guard::new().bound_to(lan);
        assert_eq!(guard.check(&post(&[("host", "192.168.1.5:4566")]), None), Ok(()));
        assert!(guard.check(&post(&[("host", "192.168.1.6:4566")]), None).is_err());
        let any = Guard::new().bound_to("0.0.0.0".parse().expect("ip"));
        assert_eq!(any.check(&post(&[("host", "192.168.1.6:4566")]), None), Ok(()));
        assert!(any.check(&post(&[("host", "evil.example:4566")]), None).is_err());
    }

    #[test]
    fn admin_writes_need_a_json_content_type() {
        let guard = Guard::new();
        let admin = |method: &str, ct: Option<&str>| {
            let headers: Vec<(&str, &str)> = ct.map(|c| vec![("content-type", c)]).unwrap_or_default();
            guard.check(&req(method, "/_hubsim/reset", &headers), None)
        };
        assert_eq!(admin("POST", Some("application/json")), Ok(()));
        assert_eq!(admin("POST", Some("Application/JSON; charset=utf-8")), Ok(()));
        assert_eq!(admin("GET", None), Ok(()));
        assert_eq!(admin("HEAD", None), Ok(()));
        assert_eq!(admin("OPTIONS", None), Ok(()));
        for bad in [None, Some("application/x-www-form-urlencoded"), Some("text/plain"), Some("multipart/form-data")] {
            let refusal = admin("POST", bad).expect_err("refused");
            assert_eq!(refusal.status(), 415, "{bad:?}");
        }
        assert!(admin("DELETE", Some("text/plain")).is_err());
        // AWS routes are not concerned.
        assert_eq!(guard.check(&post(&[("content-type", "application/x-www-form-urlencoded")]), None), Ok(()));
    }
}
