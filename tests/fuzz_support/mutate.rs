//! Structure-aware mutations: the seed corpus of real requests (botocore's, from
//! `tools/fuzz/corpus.py`) and JSON documents, and the edits the fuzz targets make to them —
//! bytes flipped, inserted, deleted or repeated; JSON nodes, form pairs and XML elements
//! replaced, dropped, duplicated or nested deep; huge numbers, odd UTF-8, long strings.

use std::sync::OnceLock;

use hubsim_server::protocol::Request;
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::select;
use serde_json::Value;

/// One request of the corpus, as botocore serialized and signed it.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct Seed {
    /// The botocore service name.
    pub service: String,
    /// The operation.
    pub operation: String,
    method: String,
    path: String,
    query: String,
    headers: Vec<(String, String)>,
    body: String,
}

impl Seed {
    /// The seed as the server sees a request.
    pub fn request(&self) -> Request {
        Request {
            method: self.method.clone(),
            path: self.path.clone(),
            query: self.query.clone(),
            headers: self.headers.clone(),
            body: self.body.as_bytes().to_vec(),
        }
    }
}

/// The request corpus (`tests/fuzz_support/corpus.json`).
pub fn corpus() -> &'static [Seed] {
    static CORPUS: OnceLock<Vec<Seed>> = OnceLock::new();
    CORPUS.get_or_init(|| {
        let text = include_str!("corpus.json");
        serde_json::from_str(text).unwrap_or_else(|e| panic!("tests/fuzz_support/corpus.json: {e}"))
    })
}

/// Values that break parsers: empty, signs, huge and special numbers, escapes of every format
/// the codecs read, NUL and noncharacters, case-folding surprises, dates that do not exist.
pub const NASTY: &[&str] = &[
    "",
    " ",
    "-1",
    "0",
    "-0",
    "1e309",
    "-1e309",
    "NaN",
    "Infinity",
    "99999999999999999999999999999999",
    "18446744073709551616",
    "9223372036854775808",
    "-9223372036854775809",
    "2147483648",
    "0x10",
    "1.5",
    "1e10",
    ".",
    "..",
    "/",
    "//",
    "%",
    "%zz",
    "%00",
    "%C0%AF",
    "%FF%FE",
    "+",
    "&",
    "=",
    "?",
    "#",
    "\0",
    "\u{1}",
    "\u{FFFE}",
    "\u{FFFF}",
    "\u{10FFFF}",
    "\u{FEFF}",
    "\u{202E}",
    "e\u{301}",
    "İ",
    "ß",
    "ﬃ",
    "💥",
    "<",
    ">",
    "&amp;",
    "&lt;",
    "&#0;",
    "&#x110000;",
    "&#xD800;",
    "&unknown;",
    "<![CDATA[x]]>",
    "]]>",
    "<!--",
    "<?xml version=\"1.0\"?>",
    "<!DOCTYPE a [<!ENTITY e \"x\">]>",
    "{",
    "}",
    "[",
    "\"",
    "\\",
    "\\u0000",
    "\\ud800",
    "true",
    "null",
    "[]",
    "{}",
    "2026-13-45T99:99:99Z",
    "1970-01-01T00:00:00Z",
    "9999-12-31T23:59:59.999999999Z",
    "-62135596800",
    "253402300800",
    "Thu, 31 Feb 2026 25:61:61 GMT",
    "arn:aws:iam::123456789012:role/x",
    "arn:::::",
    "arn:aws:s3:::*",
    "*",
    "**?*?*",
    "member",
    "member.0",
    "member.-1",
    "member.99999999999999999999",
    "AWS4-HMAC-SHA256",
    "AWS4-HMAC-SHA256 Credential=",
    "AWS4-HMAC-SHA256 Credential=A/B/C/D/E, SignedHeaders=, Signature=",
    "AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/s3/aws4_request/extra, SignedHeaders=host, Signature=0",
    "AWS4-HMAC-SHA256 Credential=AKID/20260101/\u{0}/iam/aws4_request, SignedHeaders=host, Signature=0",
    "AWS AKID:",
    "AWS :sig",
    "Bearer x",
];

/// Bytes that are not UTF-8 at all.
pub const NOT_UTF8: &[&[u8]] = &[b"\xff", b"\xc0\xaf", b"\xed\xa0\x80", b"\xf4\x90\x80\x80", b"\x80", b"\xe2\x82"];

/// A value to put where a field was.
#[derive(Debug, Clone)]
pub enum Nasty {
    /// One of [`NASTY`].
    Listed(&'static str),
    /// A character repeated (a long name, a deep path).
    Long(char, u32),
    /// A text repeated.
    Repeat(&'static str, u32),
    /// A number.
    Integer(i128),
    /// A float.
    Float(f64),
    /// Any string.
    Text(String),
}

impl Nasty {
    /// The text of the value.
    pub fn text(&self) -> String {
        match self {
            Nasty::Listed(s) => (*s).to_string(),
            Nasty::Long(c, n) => std::iter::repeat_n(*c, *n as usize).collect(),
            Nasty::Repeat(s, n) => s.repeat(*n as usize),
            Nasty::Integer(i) => i.to_string(),
            Nasty::Float(f) => f.to_string(),
            Nasty::Text(s) => s.clone(),
        }
    }

    /// The value as JSON: numbers as numbers (a huge one as its literal), the rest as strings.
    pub fn json(&self) -> String {
        match self {
            Nasty::Integer(i) => i.to_string(),
            Nasty::Float(f) if f.is_finite() => f.to_string(),
            Nasty::Listed(s) if s.parse::<f64>().is_ok_and(f64::is_finite) && !s.starts_with('.') => (*s).to_string(),
            other => serde_json::to_string(&other.text()).unwrap_or_default(),
        }
    }
}

/// A strategy for [`Nasty`].
pub fn nasty() -> impl Strategy<Value = Nasty> {
    prop_oneof![
        6 => select(NASTY).prop_map(Nasty::Listed),
        1 => (select(vec!['a', '.', '/', '%', '[', '{', '<', '&', '*', 'é', '💥']), 100u32..70_000).prop_map(|(c, n)| Nasty::Long(c, n)),
        1 => (select(vec!["member.1.", "a/", "../", "%2F", "[1]", "{\"a\":", "<a>", "*a", "&amp;"]), 10u32..5_000)
            .prop_map(|(s, n)| Nasty::Repeat(s, n)),
        2 => any::<i128>().prop_map(Nasty::Integer),
        1 => any::<f64>().prop_map(Nasty::Float),
        2 => any::<String>().prop_map(Nasty::Text),
    ]
}

/// Which part of a request an edit works on.
#[derive(Debug, Clone, Copy)]
pub enum Part {
    /// The method.
    Method,
    /// The path.
    Path,
    /// The query string.
    Query,
    /// The body.
    Body,
    /// A header's value (index modulo the header count).
    Header(usize),
}

/// A change to bytes.
#[derive(Debug, Clone)]
pub enum ByteEdit {
    /// Flip one bit at (position modulo length).
    Flip(usize, u8),
    /// Insert bytes.
    Insert(usize, Vec<u8>),
    /// Insert a nasty value.
    InsertNasty(usize, Nasty),
    /// Insert bytes that are not UTF-8.
    InsertInvalid(usize, &'static [u8]),
    /// Delete up to `len` bytes.
    Delete(usize, usize),
    /// Repeat a slice `times` times.
    Repeat(usize, usize, u16),
    /// Cut the rest off.
    Truncate(usize),
    /// Replace everything.
    Replace(Nasty),
}

impl ByteEdit {
    fn apply(&self, bytes: &mut Vec<u8>) {
        let at = |p: usize, len: usize| if len == 0 { 0 } else { p % (len + 1) };
        match self {
            ByteEdit::Flip(p, bit) => {
                if !bytes.is_empty() {
                    let i = p % bytes.len();
                    bytes[i] ^= 1 << (bit % 8);
                }
            }
            ByteEdit::Insert(p, new) => {
                let i = at(*p, bytes.len());
                bytes.splice(i..i, new.iter().copied());
            }
            ByteEdit::InsertNasty(p, nasty) => {
                let i = at(*p, bytes.len());
                bytes.splice(i..i, nasty.text().into_bytes());
            }
            ByteEdit::InsertInvalid(p, new) => {
                let i = at(*p, bytes.len());
                bytes.splice(i..i, new.iter().copied());
            }
            ByteEdit::Delete(p, n) => {
                let i = at(*p, bytes.len());
                let end = (i + n).min(bytes.len());
                bytes.drain(i..end);
            }
            ByteEdit::Repeat(p, n, times) => {
                let i = at(*p, bytes.len());
                let end = (i + n).min(bytes.len());
                let slice = bytes[i..end].to_vec();
                let copies: Vec<u8> = slice.iter().copied().cycle().take(slice.len() * usize::from(*times)).collect();
                bytes.splice(end..end, copies);
            }
            ByteEdit::Truncate(p) => {
                let i = at(*p, bytes.len());
                bytes.truncate(i);
            }
            ByteEdit::Replace(nasty) => *bytes = nasty.text().into_bytes(),
        }
    }
}

fn byte_edit() -> impl Strategy<Value = ByteEdit> {
    prop_oneof![
        3 => (any::<usize>(), any::<u8>()).prop_map(|(p, b)| ByteEdit::Flip(p, b)),
        2 => (any::<usize>(), vec(any::<u8>(), 1..16)).prop_map(|(p, b)| ByteEdit::Insert(p, b)),
        3 => (any::<usize>(), nasty()).prop_map(|(p, n)| ByteEdit::InsertNasty(p, n)),
        1 => (any::<usize>(), select(NOT_UTF8)).prop_map(|(p, b)| ByteEdit::InsertInvalid(p, b)),
        2 => (any::<usize>(), 1usize..64).prop_map(|(p, n)| ByteEdit::Delete(p, n)),
        1 => (any::<usize>(), 1usize..64, 1u16..2_000).prop_map(|(p, n, t)| ByteEdit::Repeat(p, n, t)),
        1 => any::<usize>().prop_map(ByteEdit::Truncate),
        1 => nasty().prop_map(ByteEdit::Replace),
    ]
}

/// A change to a JSON document, at the node a walk reaches (each step picks a child, modulo
/// the child count; the walk stops at a leaf).
#[derive(Debug, Clone)]
pub enum JsonEdit {
    /// Replace the node by a nasty value.
    Replace(Vec<u16>, Nasty),
    /// Replace the node by a value of another type.
    Retype(Vec<u16>, u8),
    /// Remove the node from its parent.
    Drop(Vec<u16>),
    /// Repeat the node in its parent (an array element twice; an object member written twice).
    Duplicate(Vec<u16>),
    /// Wrap the node in `depth` arrays or objects.
    Nest(Vec<u16>, u32, bool),
    /// Add a member with a nasty name.
    AddMember(Vec<u16>, Nasty, Nasty),
}

fn walk() -> impl Strategy<Value = Vec<u16>> {
    vec(any::<u16>(), 0..8)
}

/// A strategy for [`JsonEdit`].
pub fn json_edit() -> impl Strategy<Value = JsonEdit> {
    prop_oneof![
        4 => (walk(), nasty()).prop_map(|(w, n)| JsonEdit::Replace(w, n)),
        2 => (walk(), any::<u8>()).prop_map(|(w, t)| JsonEdit::Retype(w, t)),
        2 => walk().prop_map(JsonEdit::Drop),
        2 => walk().prop_map(JsonEdit::Duplicate),
        1 => (walk(), 1u32..3_000, any::<bool>()).prop_map(|(w, d, a)| JsonEdit::Nest(w, d, a)),
        2 => (walk(), nasty(), nasty()).prop_map(|(w, k, v)| JsonEdit::AddMember(w, k, v)),
    ]
}

/// A marker the edited node is replaced by before the document is written, so that an edit
/// can produce text serde_json's `Value` cannot hold (a duplicate key, a huge literal).
const HOLE: &str = "\u{0}fuzz-hole\u{0}";

fn node_at<'v>(node: &'v mut Value, walk: &[u16]) -> &'v mut Value {
    let Some((step, rest)) = walk.split_first() else { return node };
    let len = match node {
        Value::Array(a) => a.len(),
        Value::Object(o) => o.len(),
        _ => 0,
    };
    if len == 0 {
        return node;
    }
    let i = usize::from(*step) % len;
    match node {
        Value::Array(a) => node_at(&mut a[i], rest),
        Value::Object(o) => node_at(o.values_mut().nth(i).expect("an index below the length"), rest),
        other => other,
    }
}

impl JsonEdit {
    /// The document `text` with the edit made; `text` itself when it is not JSON.
    pub fn apply(&self, text: &[u8]) -> Vec<u8> {
        let Ok(mut doc) = serde_json::from_slice::<Value>(text) else { return text.to_vec() };
        let (walk, replacement): (&[u16], String) = match self {
            JsonEdit::Replace(w, n) => (w, n.json()),
            JsonEdit::Retype(w, t) => (
                w,
                match t % 6 {
                    0 => "null".into(),
                    1 => "true".into(),
                    2 => "[]".into(),
                    3 => "{}".into(),
                    4 => "1".into(),
                    _ => "\"\"".into(),
                },
            ),
            JsonEdit::Nest(w, depth, array) => {
                let node = node_at(&mut doc, w);
                let inner = node.to_string();
                let depth = *depth as usize;
                let (open, close) = if *array { ("[", "]") } else { ("{\"a\":", "}") };
                (w, format!("{}{inner}{}", open.repeat(depth), close.repeat(depth)))
            }
            JsonEdit::AddMember(w, k, v) => {
                let node = node_at(&mut doc, w);
                if let Value::Object(o) = node {
                    o.insert(k.text(), Value::String(v.text()));
                } else if let Value::Array(a) = node {
                    a.push(Value::String(v.text()));
                }
                return doc.to_string().into_bytes();
            }
            JsonEdit::Drop(w) => {
                drop_at(&mut doc, w);
                return doc.to_string().into_bytes();
            }
            JsonEdit::Duplicate(w) => {
                let node = node_at(&mut doc, w);
                let copy = node.to_string();
                *node = Value::String(HOLE.into());
                let text = doc.to_string();
                let hole = serde_json::to_string(HOLE).unwrap_or_default();
                // Inside an object the member is written twice (`"k":v,"k":v`); elsewhere the
                // element twice.
                return match text.find(&hole) {
                    Some(at) => {
                        let before = &text[..at];
                        let key_start = before
                            .trim_end_matches(':')
                            .rfind(",\"")
                            .map(|i| i + 1)
                            .or_else(|| before.rfind("{\"").map(|i| i + 1));
                        let duplicated = match key_start.filter(|_| before.ends_with(':')) {
                            Some(k) => format!("{copy},{}{copy}", &text[k..at]),
                            None => format!("{copy},{copy}"),
                        };
                        format!("{}{duplicated}{}", &text[..at], &text[at + hole.len()..]).into_bytes()
                    }
                    None => text.into_bytes(),
                };
            }
        };
        let node = node_at(&mut doc, walk);
        *node = Value::String(HOLE.into());
        let hole = serde_json::to_string(HOLE).unwrap_or_default();
        doc.to_string().replacen(&hole, &replacement, 1).into_bytes()
    }
}

fn drop_at(doc: &mut Value, walk: &[u16]) {
    if walk.is_empty() {
        return;
    }
    let parent = node_at(doc, &walk[..walk.len() - 1]);
    let step = usize::from(walk[walk.len() - 1]);
    match parent {
        Value::Array(a) if !a.is_empty() => {
            let i = step % a.len();
            a.remove(i);
        }
        Value::Object(o) if !o.is_empty() => {
            let i = step % o.len();
            if let Some(key) = o.keys().nth(i).cloned() {
                o.shift_remove(&key);
            }
        }
        _ => {}
    }
}

/// A change to `k=v&k=v` text (a form body or a query string). An edit whose result would
/// pass [`MAX_BODY`] is not made.
#[derive(Debug, Clone)]
pub enum FormEdit {
    /// Replace a pair's value.
    Value(usize, Nasty),
    /// Replace a pair's key.
    Key(usize, Nasty),
    /// Write a pair twice (same key, another value).
    Duplicate(usize, Nasty),
    /// Remove a pair.
    Drop(usize),
    /// Replace the numbers in a key (`Filter.1.Value.2` → `Filter.<n>.Value.<n>`).
    Index(usize, Nasty),
    /// Nest a key `depth` times (`A.member.1` → `A.member.1.A.member.1…`).
    Nest(usize, u16),
    /// Add a pair.
    Add(Nasty, Nasty),
}

/// A strategy for [`FormEdit`].
pub fn form_edit() -> impl Strategy<Value = FormEdit> {
    prop_oneof![
        4 => (any::<usize>(), nasty()).prop_map(|(i, n)| FormEdit::Value(i, n)),
        1 => (any::<usize>(), nasty()).prop_map(|(i, n)| FormEdit::Key(i, n)),
        2 => (any::<usize>(), nasty()).prop_map(|(i, n)| FormEdit::Duplicate(i, n)),
        2 => any::<usize>().prop_map(FormEdit::Drop),
        3 => (any::<usize>(), nasty()).prop_map(|(i, n)| FormEdit::Index(i, n)),
        1 => (any::<usize>(), 1u16..2_000).prop_map(|(i, d)| FormEdit::Nest(i, d)),
        1 => (nasty(), nasty()).prop_map(|(k, v)| FormEdit::Add(k, v)),
    ]
}

fn encode(text: &str) -> String {
    form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

impl FormEdit {
    /// `text` with the edit made (pairs are edited encoded, values inserted percent-encoded).
    pub fn apply(&self, text: &[u8]) -> Vec<u8> {
        let text = String::from_utf8_lossy(text);
        let mut pairs: Vec<(String, String)> = text
            .split('&')
            .filter(|p| !p.is_empty())
            .map(|p| match p.split_once('=') {
                Some((k, v)) => (k.to_string(), v.to_string()),
                None => (p.to_string(), String::new()),
            })
            .collect();
        let pick = |i: usize, n: usize| if n == 0 { None } else { Some(i % n) };
        match self {
            FormEdit::Value(i, v) => {
                if let Some(i) = pick(*i, pairs.len()) {
                    pairs[i].1 = encode(&v.text());
                }
            }
            FormEdit::Key(i, k) => {
                if let Some(i) = pick(*i, pairs.len()) {
                    pairs[i].0 = encode(&k.text());
                }
            }
            FormEdit::Duplicate(i, v) => {
                if let Some(i) = pick(*i, pairs.len()) {
                    let key = pairs[i].0.clone();
                    pairs.insert(i + 1, (key, encode(&v.text())));
                }
            }
            FormEdit::Drop(i) => {
                if let Some(i) = pick(*i, pairs.len()) {
                    pairs.remove(i);
                }
            }
            FormEdit::Index(i, n) => {
                if let Some(i) = pick(*i, pairs.len()) {
                    let index = encode(&n.text());
                    if pairs[i].0.split('.').count() * index.len() > MAX_BODY {
                        return text.as_bytes().to_vec();
                    }
                    pairs[i].0 = pairs[i]
                        .0
                        .split('.')
                        .map(
                            |s| if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) { index.as_str() } else { s },
                        )
                        .collect::<Vec<_>>()
                        .join(".");
                }
            }
            FormEdit::Nest(i, depth) => {
                if let Some(i) = pick(*i, pairs.len()) {
                    let key = pairs[i].0.clone();
                    if (key.len() + 1) * usize::from(*depth) > MAX_BODY {
                        return text.as_bytes().to_vec();
                    }
                    pairs[i].0 = vec![key; usize::from(*depth)].join(".");
                }
            }
            FormEdit::Add(k, v) => pairs.push((encode(&k.text()), encode(&v.text()))),
        }
        pairs.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("&").into_bytes()
    }
}

/// A change to an XML document, at an element (index modulo the element count, in document
/// order).
#[derive(Debug, Clone)]
pub enum XmlEdit {
    /// Write the element twice.
    Duplicate(usize),
    /// Remove the element.
    Drop(usize),
    /// Wrap the element in `depth` copies of its own start and end tags.
    Nest(usize, u32),
    /// Replace the element's content by a value (escaped or raw).
    Text(usize, Nasty, bool),
    /// Insert markup before the element.
    Markup(usize, &'static str),
}

/// Markup a document rarely holds.
const MARKUP: &[&str] = &[
    "<!DOCTYPE x [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;\">]>",
    "<!DOCTYPE x SYSTEM \"file:///etc/passwd\">",
    "&b;",
    "&xxe;",
    "<![CDATA[<Evil/>]]>",
    "<!-- comment -->",
    "<?pi data?>",
    "<x:Prefixed xmlns:x=\"urn:x\">v</x:Prefixed>",
    "<Unclosed>",
    "</Stray>",
    "<A a=\"1\" a=\"2\"/>",
    "<?xml version=\"1.0\" encoding=\"UTF-16\"?>",
    "\u{FEFF}",
    "<a>&#0;</a>",
    "<a>&#xFFFE;</a>",
];

/// A strategy for [`XmlEdit`].
pub fn xml_edit() -> impl Strategy<Value = XmlEdit> {
    prop_oneof![
        2 => any::<usize>().prop_map(XmlEdit::Duplicate),
        2 => any::<usize>().prop_map(XmlEdit::Drop),
        1 => (any::<usize>(), 1u32..400).prop_map(|(i, d)| XmlEdit::Nest(i, d)),
        4 => (any::<usize>(), nasty(), any::<bool>()).prop_map(|(i, n, raw)| XmlEdit::Text(i, n, raw)),
        2 => (any::<usize>(), select(MARKUP)).prop_map(|(i, m)| XmlEdit::Markup(i, m)),
    ]
}

/// The elements of a document as (start of the start tag, end of the start tag, start of the
/// end tag, end of the end tag), in document order; empty when the document is not XML.
fn elements(text: &[u8]) -> Vec<(usize, usize, usize, usize)> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_reader(text);
    let mut open: Vec<(usize, usize, usize)> = Vec::new();
    let mut spans = Vec::new();
    let mut buf = Vec::new();
    loop {
        let before = reader.buffer_position() as usize;
        let event = reader.read_event_into(&mut buf);
        let after = reader.buffer_position() as usize;
        match event {
            Ok(Event::Start(_)) => open.push((spans.len(), before, after)),
            Ok(Event::End(_)) => {
                if let Some((slot, start, start_end)) = open.pop() {
                    spans.insert(slot.min(spans.len()), (start, start_end, before, after));
                }
            }
            Ok(Event::Empty(_)) => spans.push((before, after, after, after)),
            Ok(Event::Eof) | Err(_) => break,
            Ok(_) => {}
        }
        buf.clear();
    }
    spans
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

impl XmlEdit {
    /// `text` with the edit made; `text` itself when it holds no element.
    pub fn apply(&self, text: &[u8]) -> Vec<u8> {
        let spans = elements(text);
        let index = match self {
            XmlEdit::Duplicate(i)
            | XmlEdit::Drop(i)
            | XmlEdit::Nest(i, _)
            | XmlEdit::Text(i, _, _)
            | XmlEdit::Markup(i, _) => *i,
        };
        if spans.is_empty() {
            return text.to_vec();
        }
        let (start, start_end, end_start, end) = spans[index % spans.len()];
        let mut out = Vec::with_capacity(text.len() + 64);
        match self {
            XmlEdit::Duplicate(_) => {
                out.extend_from_slice(&text[..end]);
                out.extend_from_slice(&text[start..end]);
                out.extend_from_slice(&text[end..]);
            }
            XmlEdit::Drop(_) => {
                out.extend_from_slice(&text[..start]);
                out.extend_from_slice(&text[end..]);
            }
            XmlEdit::Nest(_, depth) => {
                let open = &text[start..start_end];
                let close = if end_start < end { &text[end_start..end] } else { &b""[..] };
                let (open, close) = if close.is_empty() {
                    // An empty element `<A/>`: nest `<A>` … `</A>`.
                    let name: Vec<u8> = open.iter().skip(1).take_while(|b| !b" />".contains(b)).copied().collect();
                    ([b"<", &name[..], b">"].concat(), [b"</", &name[..], b">"].concat())
                } else {
                    (open.to_vec(), close.to_vec())
                };
                if (open.len() + close.len()) * (*depth as usize) > MAX_BODY {
                    return text.to_vec();
                }
                out.extend_from_slice(&text[..start]);
                for _ in 0..*depth {
                    out.extend_from_slice(&open);
                }
                out.extend_from_slice(&text[start..end]);
                for _ in 0..*depth {
                    out.extend_from_slice(&close);
                }
                out.extend_from_slice(&text[end..]);
            }
            XmlEdit::Text(_, value, raw) => {
                let value = if *raw { value.text() } else { escape(&value.text()) };
                if end_start > start_end {
                    out.extend_from_slice(&text[..start_end]);
                    out.extend_from_slice(value.as_bytes());
                    out.extend_from_slice(&text[end_start..]);
                } else {
                    out.extend_from_slice(&text[..end]);
                    out.extend_from_slice(value.as_bytes());
                    out.extend_from_slice(&text[end..]);
                }
            }
            XmlEdit::Markup(_, markup) => {
                out.extend_from_slice(&text[..start]);
                out.extend_from_slice(markup.as_bytes());
                out.extend_from_slice(&text[start..]);
            }
        }
        out
    }
}

/// Headers worth adding to a request: the ones routing, auth and the codecs read.
pub const HEADER_NAMES: &[&str] = &[
    "host",
    "authorization",
    "x-amz-target",
    "content-type",
    "x-amz-date",
    "x-amz-content-sha256",
    "x-amz-account-id",
    "x-amzn-query-mode",
    "x-amz-security-token",
    "content-md5",
    "content-length",
    "x-amz-acl",
    "x-amz-grant-full-control",
    "x-amz-server-side-encryption",
    "x-amz-expected-bucket-owner",
    "x-amz-mfa",
    "x-amz-bucket-object-lock-enabled",
    "x-amz-object-ownership",
    "x-amz-confirm-remove-self-bucket-access",
    "x-amz-checksum-algorithm",
    "x-amz-sdk-checksum-algorithm",
    "expect",
];

/// One change to a request.
#[derive(Debug, Clone)]
pub enum Edit {
    /// Bytes of one part.
    Bytes(Part, ByteEdit),
    /// A JSON body.
    Json(JsonEdit),
    /// A form body or query string (`true`: the query string).
    Form(bool, FormEdit),
    /// An XML body.
    Xml(XmlEdit),
    /// A header added (or written a second time).
    AddHeader(&'static str, Nasty),
    /// A header removed (index modulo the header count).
    DropHeader(usize),
    /// The method replaced.
    Method(&'static str),
}

const METHODS: &[&str] = &["GET", "PUT", "POST", "DELETE", "HEAD", "PATCH", "OPTIONS", "get", "", "G\u{0}T", "💥"];

fn part() -> impl Strategy<Value = Part> {
    prop_oneof![
        1 => Just(Part::Method),
        3 => Just(Part::Path),
        3 => Just(Part::Query),
        6 => Just(Part::Body),
        3 => any::<usize>().prop_map(Part::Header),
    ]
}

/// A strategy for one [`Edit`].
pub fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        6 => (part(), byte_edit()).prop_map(|(p, e)| Edit::Bytes(p, e)),
        5 => json_edit().prop_map(Edit::Json),
        4 => (any::<bool>(), form_edit()).prop_map(|(q, e)| Edit::Form(q, e)),
        4 => xml_edit().prop_map(Edit::Xml),
        2 => (select(HEADER_NAMES), nasty()).prop_map(|(h, v)| Edit::AddHeader(h, v)),
        1 => any::<usize>().prop_map(Edit::DropHeader),
        1 => select(METHODS).prop_map(Edit::Method),
    ]
}

fn edit_text(text: &mut String, edit: &ByteEdit) {
    let mut bytes = std::mem::take(text).into_bytes();
    edit.apply(&mut bytes);
    // Method, path, query and header values reach the server as text (hyper hands them over as
    // UTF-8 or refuses them), so a mutation that breaks UTF-8 is read as lossy text.
    *text = String::from_utf8_lossy(&bytes).into_owned();
}

impl Edit {
    /// Makes the edit on `req`.
    pub fn apply(&self, req: &mut Request) {
        match self {
            Edit::Bytes(Part::Method, e) => edit_text(&mut req.method, e),
            Edit::Bytes(Part::Path, e) => edit_text(&mut req.path, e),
            Edit::Bytes(Part::Query, e) => edit_text(&mut req.query, e),
            Edit::Bytes(Part::Body, e) => e.apply(&mut req.body),
            Edit::Bytes(Part::Header(i), e) => {
                if !req.headers.is_empty() {
                    let n = req.headers.len();
                    edit_text(&mut req.headers[i % n].1, e);
                }
            }
            Edit::Json(e) => req.body = e.apply(&req.body),
            Edit::Form(false, e) => req.body = e.apply(&req.body),
            Edit::Form(true, e) => req.query = String::from_utf8_lossy(&e.apply(req.query.as_bytes())).into_owned(),
            Edit::Xml(e) => req.body = e.apply(&req.body),
            Edit::AddHeader(name, value) => req.headers.push(((*name).to_string(), value.text())),
            Edit::DropHeader(i) => {
                if !req.headers.is_empty() {
                    let n = req.headers.len();
                    req.headers.remove(i % n);
                }
            }
            Edit::Method(m) => req.method = (*m).to_string(),
        }
    }
}

/// A request to fuzz with: a corpus request with edits, or one made of random parts.
#[derive(Debug, Clone)]
pub enum Input {
    /// Corpus request number `seed` (of the target's slice of the corpus), edited.
    Mutated {
        /// Index into the target's seeds.
        seed: usize,
        /// The edits, in order.
        edits: Vec<Edit>,
    },
    /// A request from random parts.
    Random {
        /// Method.
        method: String,
        /// Path.
        path: String,
        /// Query string.
        query: String,
        /// Headers.
        headers: Vec<(&'static str, Nasty)>,
        /// Body.
        body: Vec<u8>,
    },
}

/// Inputs built on `seeds` (nine in ten) or from random parts.
pub fn input(seeds: usize) -> impl Strategy<Value = Input> {
    let mutated = (0..seeds.max(1), vec(edit(), 0..6)).prop_map(|(seed, edits)| Input::Mutated { seed, edits });
    let random = (
        prop_oneof![select(METHODS).prop_map(str::to_string), any::<String>()],
        prop_oneof![any::<String>().prop_map(|p| format!("/{p}")), any::<String>()],
        any::<String>(),
        vec((select(HEADER_NAMES), nasty()), 0..6),
        vec(any::<u8>(), 0..512),
    )
        .prop_map(|(method, path, query, headers, body)| Input::Random { method, path, query, headers, body });
    prop_oneof![9 => mutated, 1 => random]
}

/// The largest body an edit may leave (edits compound: a nested key nested again grows
/// geometrically); an edit that would make it larger is skipped. The server refuses bodies over
/// 20 MiB before any codec sees them.
pub const MAX_BODY: usize = 4 << 20;

/// The largest method, path, query string or header value an edit may leave (hyper refuses
/// request heads over ~400 KiB).
pub const MAX_TEXT: usize = 256 << 10;

fn within_limits(req: &Request) -> bool {
    req.body.len() <= MAX_BODY
        && req.method.len() + req.path.len() + req.query.len() <= MAX_TEXT
        && req.headers.iter().map(|(k, v)| k.len() + v.len()).sum::<usize>() <= MAX_TEXT
}

impl Input {
    /// The request, built on `seeds`.
    pub fn request(&self, seeds: &[&Seed]) -> Request {
        match self {
            Input::Mutated { seed, edits } => {
                let mut req = seeds.get(*seed).map(|s| s.request()).unwrap_or_default();
                for edit in edits {
                    let before = req.clone();
                    edit.apply(&mut req);
                    if !within_limits(&req) {
                        req = before;
                    }
                }
                req
            }
            Input::Random { method, path, query, headers, body } => Request {
                method: method.clone(),
                path: path.clone(),
                query: query.clone(),
                headers: headers.iter().map(|(k, v)| ((*k).to_string(), v.text())).collect(),
                body: body.clone(),
            },
        }
    }
}

/// A JSON document to fuzz with: a seed document edited, or random text.
#[derive(Debug, Clone)]
pub enum DocumentInput {
    /// Document number `seed`, edited: structure first, then bytes.
    Mutated {
        /// Index into the seeds.
        seed: usize,
        /// Structural edits.
        edits: Vec<JsonEdit>,
        /// Byte edits after them.
        bytes: Vec<ByteEdit>,
    },
    /// Random text.
    Random(String),
}

/// Documents built on `seeds` documents (nine in ten) or random.
pub fn document_input(seeds: usize) -> impl Strategy<Value = DocumentInput> {
    let mutated = (0..seeds.max(1), vec(json_edit(), 0..6), vec(byte_edit(), 0..2))
        .prop_map(|(seed, edits, bytes)| DocumentInput::Mutated { seed, edits, bytes });
    prop_oneof![9 => mutated, 1 => any::<String>().prop_map(DocumentInput::Random)]
}

impl DocumentInput {
    /// The document's bytes, built on `seeds`.
    pub fn bytes(&self, seeds: &[String]) -> Vec<u8> {
        match self {
            DocumentInput::Mutated { seed, edits, bytes } => {
                let mut text = seeds.get(*seed).map(|s| s.as_bytes().to_vec()).unwrap_or_default();
                for edit in edits {
                    let edited = edit.apply(&text);
                    if edited.len() <= MAX_BODY {
                        text = edited;
                    }
                }
                for edit in bytes {
                    let before = text.clone();
                    edit.apply(&mut text);
                    if text.len() > MAX_BODY {
                        text = before;
                    }
                }
                text
            }
            DocumentInput::Random(text) => text.as_bytes().to_vec(),
        }
    }
}
