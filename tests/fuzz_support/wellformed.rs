//! What every answer must be, whatever the request: a body the protocol's clients can parse
//! (XML that is well-formed, JSON that parses) and, for an error, the protocol's error shape
//! with a code.

use hubsim_server::protocol::Response;

/// The header `name` (case-insensitive).
pub fn header<'r>(response: &'r Response, name: &str) -> Option<&'r str> {
    response.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
}

/// Whether `body` is one well-formed XML document; `Err` says why not.
pub fn xml(body: &[u8]) -> Result<(), String> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_reader(body);
    reader.config_mut().check_end_names = true;
    let mut buf = Vec::new();
    let mut depth = 0usize;
    let mut roots = 0usize;
    loop {
        match reader.read_event_into(&mut buf) {
            Ok(Event::Start(_)) => {
                if depth == 0 {
                    roots += 1;
                }
                depth += 1;
            }
            Ok(Event::End(_)) => depth = depth.saturating_sub(1),
            Ok(Event::Empty(_)) if depth == 0 => roots += 1,
            Ok(Event::Text(t)) => {
                let text = t.decode().map_err(|e| format!("text is not UTF-8: {e}"))?;
                if text.chars().any(|c| !xml_char(c)) {
                    return Err(format!("a character XML cannot carry in {text:?}"));
                }
                if depth == 0 && !text.trim().is_empty() {
                    return Err(format!("text outside the root element: {text:?}"));
                }
            }
            Ok(Event::Eof) => break,
            Ok(_) => {}
            Err(e) => return Err(format!("not well-formed at byte {}: {e}", reader.buffer_position())),
        }
        buf.clear();
    }
    if depth != 0 {
        return Err("an element is not closed".into());
    }
    if roots != 1 {
        return Err(format!("{roots} root elements"));
    }
    Ok(())
}

fn xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// The text of the first `<name>` element of a well-formed XML body.
pub fn xml_element(body: &[u8], name: &str) -> Option<String> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_reader(body);
    let mut buf = Vec::new();
    let mut inside = false;
    let mut text = String::new();
    loop {
        match reader.read_event_into(&mut buf) {
            Ok(Event::Start(e)) if e.local_name().as_ref() == name.as_bytes() => inside = true,
            Ok(Event::Text(t)) if inside => text.push_str(&t.decode().ok()?),
            Ok(Event::GeneralRef(r)) if inside => text.push_str(&format!("&{};", String::from_utf8_lossy(&r))),
            Ok(Event::End(e)) if inside && e.local_name().as_ref() == name.as_bytes() => return Some(text),
            Ok(Event::Eof) | Err(_) => return None,
            _ => {}
        }
        buf.clear();
    }
}

/// Checks `response` against `protocol` (`query`, `ec2`, `json`, `rest-json`, `rest-xml`):
/// a known status, a body its clients parse, and for an error its code where its clients look.
/// `head`: the request was a HEAD (no body ever).
pub fn check(response: &Response, protocol: &str, head: bool) -> Result<(), String> {
    if !(200..600).contains(&response.status) {
        return Err(format!("status {}", response.status));
    }
    for (k, v) in &response.headers {
        if k.is_empty() || k.bytes().any(|b| b <= b' ' || b >= 0x7f || b == b':') {
            return Err(format!("header name {k:?} is not a token"));
        }
        if v.bytes().any(|b| b == b'\r' || b == b'\n' || b == 0) {
            return Err(format!("header {k} carries a line break or NUL: {v:?}"));
        }
    }
    if head {
        return if response.body.is_empty() { Ok(()) } else { Err("a HEAD answer has a body".into()) };
    }
    let error = response.status >= 400;
    let body = &response.body;
    let content_type = header(response, "content-type").unwrap_or("");
    let json_body = protocol == "json" || protocol == "rest-json" || content_type.contains("json");
    if body.is_empty() {
        return if error { Err(format!("an error ({}) without a body", response.status)) } else { Ok(()) };
    }
    if json_body && !content_type.contains("xml") {
        let value: serde_json::Value = serde_json::from_slice(body)
            .map_err(|e| format!("the JSON body does not parse: {e}: {}", String::from_utf8_lossy(body)))?;
        if error {
            let code = value.get("__type").and_then(|t| t.as_str()).unwrap_or("");
            if code.is_empty() {
                return Err(format!("a JSON error without __type: {value}"));
            }
            if protocol == "rest-json" && header(response, "x-amzn-errortype").is_none_or(str::is_empty) {
                return Err("a REST-JSON error without X-Amzn-ErrorType".into());
            }
        }
        return Ok(());
    }
    if !error && content_type.is_empty() && !body.starts_with(b"<") {
        // A raw payload (an S3 object's bytes).
        return Ok(());
    }
    xml(body).map_err(|e| format!("{e}: {}", String::from_utf8_lossy(body)))?;
    if error {
        let code = xml_element(body, "Code").unwrap_or_default();
        if code.trim().is_empty() {
            return Err(format!("an XML error without a Code: {}", String::from_utf8_lossy(body)));
        }
        let root = match protocol {
            "query" => "<ErrorResponse",
            "ec2" => "<Response><Errors><Error>",
            _ => "<Error",
        };
        if !String::from_utf8_lossy(body).contains(root) {
            return Err(format!("an error not shaped as {root}: {}", String::from_utf8_lossy(body)));
        }
    }
    Ok(())
}
