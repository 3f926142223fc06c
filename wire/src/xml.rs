//! XML bodies of the rest-xml protocol, walked by the model: a small element tree read with
//! quick-xml, turned into hubsim's JSON by the shapes, and the reverse writer. The member
//! naming rules are botocore's (`RestXMLParser`, `RestXMLSerializer`):
//! - a member's element is its reference's `locationName`, else the member name;
//! - a flattened list (`flattened` on the reference or the list shape) is one element per item,
//!   named by the list member's `locationName` when it has one, else as the member;
//! - a wrapped list has one element for the member and one per item inside it, named by the
//!   list member's `locationName` or `member`; maps use `entry`/`key`/`value` likewise;
//! - `xmlAttribute` members are attributes of their structure's element (`xsi:type`), and a
//!   shape's `xmlNamespace` is declared on its element (`xmlns:xsi=...`).

use hubsim_model::service_model::{ServiceModel, ShapeModel, ShapeRef};
use quick_xml::escape::{escape, partial_escape, unescape};
use quick_xml::events::Event;
use quick_xml::Reader;
use serde_json::{Map, Value};

use crate::scalar::{is_bound, scalar, scalar_text};
use crate::xml_chars;
use crate::WireError;

/// One element: its local name (prefix dropped), attributes as written, children and text.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Element {
    pub name: String,
    pub attrs: Vec<(String, String)>,
    pub children: Vec<Element>,
    pub text: String,
}

impl Element {
    fn children_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Element> + 'a {
        self.children.iter().filter(move |c| c.name == name)
    }

    fn attr(&self, name: &str) -> Option<&str> {
        let local = name.rsplit(':').next().unwrap_or(name);
        self.attrs
            .iter()
            .find(|(k, _)| k == name)
            .or_else(|| self.attrs.iter().find(|(k, _)| k.rsplit(':').next() == Some(local) && !k.starts_with("xmlns")))
            .map(|(_, v)| v.as_str())
    }
}

fn local(name: &[u8]) -> String {
    let name = String::from_utf8_lossy(name);
    match name.rsplit_once(':') {
        Some((_, l)) => l.to_string(),
        None => name.into_owned(),
    }
}

/// How deep a request document may nest elements. The deepest shape of the committed models
/// nests about ten; a deeper body cannot match any of them, and a tree as deep as a client
/// cares to send would overflow the stack when it is dropped (a 0.9 MB body nested 130,000
/// deep crashed the server).
pub const MAX_DEPTH: usize = 64;

/// Parses a document into its root element; `Err` when it is not well-formed or nests
/// deeper than [`MAX_DEPTH`].
pub fn parse(body: &[u8]) -> Result<Element, String> {
    let text = std::str::from_utf8(body).map_err(|e| format!("not UTF-8: {e}"))?;
    let mut reader = Reader::from_str(text);
    reader.config_mut().check_end_names = true;
    let mut stack: Vec<Element> = Vec::new();
    let mut root: Option<Element> = None;
    loop {
        let event = reader.read_event().map_err(|e| e.to_string())?;
        match event {
            Event::Start(e) | Event::Empty(e) if root.is_some() => {
                return Err(format!("content after the root element: <{}>", local(e.name().as_ref())))
            }
            Event::Start(_) if stack.len() >= MAX_DEPTH => {
                return Err(format!("elements nested deeper than {MAX_DEPTH}"));
            }
            Event::Start(e) => stack.push(open(&e)?),
            Event::Empty(e) => {
                let el = open(&e)?;
                attach(&mut stack, &mut root, el);
            }
            Event::End(_) => {
                let el = stack.pop().ok_or("unbalanced end tag")?;
                attach(&mut stack, &mut root, el);
            }
            Event::Text(t) => {
                let raw = t.decode().map_err(|e| e.to_string())?;
                let txt = unescape(&raw).map_err(|e| e.to_string())?;
                match stack.last_mut() {
                    Some(top) => top.text.push_str(&txt),
                    None if txt.trim().is_empty() => {}
                    None => return Err("text outside the root element".into()),
                }
            }
            Event::CData(c) => {
                let txt = c.decode().map_err(|e| e.to_string())?;
                stack.last_mut().ok_or("CDATA outside the root element")?.text.push_str(&txt);
            }
            Event::GeneralRef(r) => {
                let resolved = match r.resolve_char_ref().map_err(|e| e.to_string())? {
                    Some(c) => c.to_string(),
                    None => match r.decode().map_err(|e| e.to_string())?.as_ref() {
                        "amp" => "&".into(),
                        "lt" => "<".into(),
                        "gt" => ">".into(),
                        "quot" => "\"".into(),
                        "apos" => "'".into(),
                        other => return Err(format!("unknown entity &{other};")),
                    },
                };
                stack.last_mut().ok_or("entity outside the root element")?.text.push_str(&resolved);
            }
            Event::Eof => break,
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) | Event::DocType(_) => {}
        }
    }
    if !stack.is_empty() {
        return Err("unclosed element".into());
    }
    root.ok_or_else(|| "no root element".into())
}

fn open(e: &quick_xml::events::BytesStart<'_>) -> Result<Element, String> {
    let mut attrs = Vec::new();
    for a in e.attributes() {
        let a = a.map_err(|e| e.to_string())?;
        let key = String::from_utf8_lossy(a.key.as_ref()).into_owned();
        let value = a.unescape_value().map_err(|e| e.to_string())?.into_owned();
        attrs.push((key, value));
    }
    Ok(Element { name: local(e.name().as_ref()), attrs, ..Default::default() })
}

fn attach(stack: &mut [Element], root: &mut Option<Element>, el: Element) {
    match stack.last_mut() {
        Some(parent) => parent.children.push(el),
        None => *root = Some(el),
    }
}

/// Whether a list or map is flattened at this place.
fn flattened(r: &ShapeRef, shape: &ShapeModel) -> bool {
    r.flattened.or(shape.flattened).unwrap_or(false)
}

/// The element name of a structure member (see the module documentation).
fn member_element<'a>(model: &'a ServiceModel, r: &'a ShapeRef, name: &'a str) -> &'a str {
    if let Some(shape) = model.shape(&r.shape) {
        if shape.kind == "list" && flattened(r, shape) {
            if let Some(n) = shape.member.as_ref().and_then(|m| m.location_name.as_deref()) {
                return n;
            }
        }
    }
    r.location_name.as_deref().unwrap_or(name)
}

/// The body members of `shape` read from `node` (the structure's element).
pub fn read_structure(
    model: &ServiceModel,
    shape: &ShapeModel,
    node: &Element,
    malformed: &str,
) -> Result<Map<String, Value>, WireError> {
    let mut out = Map::new();
    for (name, r) in shape.members.iter() {
        if is_bound(r) {
            continue;
        }
        let Some(target) = model.shape(&r.shape) else { continue };
        if r.xml_attribute.unwrap_or(false) {
            let attr = r.location_name.as_deref().unwrap_or(name);
            if let Some(v) = node.attr(attr) {
                out.insert(name.clone(), scalar(target, v, malformed, attr)?);
            }
            continue;
        }
        let wire = member_element(model, r, name);
        let value = if flattened(r, target) && matches!(target.kind.as_str(), "list" | "map") {
            let items: Vec<&Element> = node.children_named(wire).collect();
            if items.is_empty() {
                None
            } else if target.kind == "list" {
                Some(read_list_items(model, target, &items, malformed)?)
            } else {
                Some(read_map_entries(model, target, &items, malformed)?)
            }
        } else {
            match node.children_named(wire).next() {
                Some(child) => Some(read_value(model, r, target, child, malformed)?),
                None => None,
            }
        };
        if let Some(v) = value {
            out.insert(name.clone(), v);
        }
    }
    Ok(out)
}

/// The value of one element under `r`.
pub fn read_value(
    model: &ServiceModel,
    r: &ShapeRef,
    shape: &ShapeModel,
    node: &Element,
    malformed: &str,
) -> Result<Value, WireError> {
    match shape.kind.as_str() {
        "structure" => Ok(Value::Object(read_structure(model, shape, node, malformed)?)),
        "list" => {
            let item = shape.member.as_ref().and_then(|m| m.location_name.as_deref()).unwrap_or("member");
            let items: Vec<&Element> = node.children_named(item).collect();
            read_list_items(model, shape, &items, malformed)
        }
        "map" => {
            let entries: Vec<&Element> = node.children_named("entry").collect();
            read_map_entries(model, shape, &entries, malformed)
        }
        _ => {
            let wire = r.location_name.as_deref().unwrap_or(&node.name);
            scalar(shape, scalar_text_of(node, &shape.kind, malformed)?, malformed, wire)
        }
    }
}

/// The text of an element the model makes a scalar; one that holds elements (`<Status><x/>
/// Enabled</Status>`) does not match the schema, which S3 answers with `MalformedXML`
/// ("The XML you provided was not well-formed or did not validate against our published
/// schema", https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html).
fn scalar_text_of<'a>(node: &'a Element, kind: &str, malformed: &str) -> Result<&'a str, WireError> {
    match node.children.first() {
        None => Ok(&node.text),
        Some(child) => Err(WireError::bad(
            malformed,
            format!(
                "The XML you provided did not validate against our published schema: <{}> is a {kind} and cannot hold the element <{}>",
                node.name, child.name
            ),
        )),
    }
}

fn read_list_items(
    model: &ServiceModel,
    shape: &ShapeModel,
    items: &[&Element],
    malformed: &str,
) -> Result<Value, WireError> {
    let Some(member) = &shape.member else { return Ok(Value::Array(Vec::new())) };
    let Some(mshape) = model.shape(&member.shape) else { return Ok(Value::Array(Vec::new())) };
    items
        .iter()
        .map(|el| read_value(model, member, mshape, el, malformed))
        .collect::<Result<Vec<_>, _>>()
        .map(Value::Array)
}

fn read_map_entries(
    model: &ServiceModel,
    shape: &ShapeModel,
    entries: &[&Element],
    malformed: &str,
) -> Result<Value, WireError> {
    let (Some(kref), Some(vref)) = (&shape.key, &shape.value) else { return Ok(Value::Object(Map::new())) };
    let (Some(vshape), kname, vname) = (
        model.shape(&vref.shape),
        kref.location_name.as_deref().unwrap_or("key"),
        vref.location_name.as_deref().unwrap_or("value"),
    ) else {
        return Ok(Value::Object(Map::new()));
    };
    let mut map = Map::new();
    for entry in entries {
        let Some(k) = entry.children_named(kname).next() else { continue };
        let key = scalar_text_of(k, "string", malformed)?.to_string();
        let v = match entry.children_named(vname).next() {
            Some(v) => read_value(model, vref, vshape, v, malformed)?,
            None => Value::Null,
        };
        map.insert(key, v);
    }
    Ok(Value::Object(map))
}

/// Namespace declarations of an element: `xmlns` / `xmlns:prefix`.
fn namespace_attr(ns: &hubsim_model::service_model::XmlNamespace) -> String {
    match &ns.prefix {
        Some(p) => format!(" xmlns:{p}=\"{}\"", escape(ns.uri.as_str())),
        None => format!(" xmlns=\"{}\"", escape(ns.uri.as_str())),
    }
}

/// Writes a structure's element `<name ...>members</name>`; `extra_ns` is a namespace the
/// element must declare beyond the shape's own (the document's default one on the root).
pub fn write_structure(
    out: &mut String,
    model: &ServiceModel,
    r: Option<&ShapeRef>,
    shape: &ShapeModel,
    name: &str,
    value: &Value,
    extra_ns: Option<&str>,
) {
    out.push('<');
    out.push_str(name);
    if let Some(uri) = extra_ns {
        out.push_str(&format!(" xmlns=\"{}\"", escape(uri)));
    }
    let shape_ns = r.and_then(|r| r.xml_namespace.as_ref()).or(shape.xml_namespace.as_ref());
    if let Some(ns) = shape_ns {
        if !(extra_ns.is_some() && ns.prefix.is_none()) {
            out.push_str(&namespace_attr(ns));
        }
    }
    let mut inner = String::new();
    for (mname, mref) in shape.members.iter() {
        if is_bound(mref) {
            continue;
        }
        let Some(v) = value.get(mname).filter(|v| !v.is_null()) else { continue };
        let Some(mshape) = model.shape(&mref.shape) else { continue };
        let wire = mref.location_name.as_deref().unwrap_or(mname);
        if mref.xml_attribute.unwrap_or(false) {
            if let Some(text) = scalar_text(mref, mshape, v, "iso8601") {
                out.push_str(&format!(" {wire}=\"{}\"", escape(xml_chars(text.as_str()))));
            }
            continue;
        }
        write_value(&mut inner, model, mref, mshape, wire, v);
    }
    if inner.is_empty() {
        out.push_str("/>");
    } else {
        out.push('>');
        out.push_str(&inner);
        out.push_str(&format!("</{name}>"));
    }
}

/// Writes one member value as element(s) named `name`.
pub fn write_value(
    out: &mut String,
    model: &ServiceModel,
    r: &ShapeRef,
    shape: &ShapeModel,
    name: &str,
    value: &Value,
) {
    match shape.kind.as_str() {
        "structure" => write_structure(out, model, Some(r), shape, name, value, None),
        "list" => {
            let Value::Array(items) = value else { return };
            let Some(member) = &shape.member else { return };
            let Some(mshape) = model.shape(&member.shape) else { return };
            if flattened(r, shape) {
                let item_name = member.location_name.as_deref().unwrap_or(name);
                for item in items {
                    write_value(out, model, member, mshape, item_name, item);
                }
            } else {
                let item_name = member.location_name.as_deref().unwrap_or("member");
                out.push_str(&format!("<{name}>"));
                for item in items {
                    write_value(out, model, member, mshape, item_name, item);
                }
                out.push_str(&format!("</{name}>"));
            }
        }
        "map" => {
            let Value::Object(map) = value else { return };
            let (Some(kref), Some(vref)) = (&shape.key, &shape.value) else { return };
            let (Some(kshape), Some(vshape)) = (model.shape(&kref.shape), model.shape(&vref.shape)) else { return };
            let kname = kref.location_name.as_deref().unwrap_or("key");
            let vname = vref.location_name.as_deref().unwrap_or("value");
            let flat = flattened(r, shape);
            if !flat {
                out.push_str(&format!("<{name}>"));
            }
            for (k, v) in map {
                out.push_str(if flat { "" } else { "<entry>" });
                if flat {
                    out.push_str(&format!("<{name}>"));
                }
                write_value(out, model, kref, kshape, kname, &Value::String(k.clone()));
                write_value(out, model, vref, vshape, vname, v);
                if flat {
                    out.push_str(&format!("</{name}>"));
                } else {
                    out.push_str("</entry>");
                }
            }
            if !flat {
                out.push_str(&format!("</{name}>"));
            }
        }
        _ => {
            if let Some(text) = scalar_text(r, shape, value, "iso8601") {
                out.push_str(&format!("<{name}>{}</{name}>", partial_escape(xml_chars(text.as_str()))));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_nested_elements_entities_and_attributes() {
        let doc =
            br#"<?xml version="1.0"?><a xmlns="urn:x" xmlns:xsi="urn:xsi"><b xsi:type="T">x &amp; y&#33;</b><c/></a>"#;
        let root = parse(doc).unwrap_or_default();
        assert_eq!(root.name, "a");
        assert_eq!(root.children.len(), 2);
        assert_eq!(root.children[0].text, "x & y!");
        assert_eq!(root.children[0].attr("xsi:type"), Some("T"));
        assert_eq!(root.children[1].name, "c");
    }

    #[test]
    fn rejects_malformed_documents() {
        for bad in [&b"<a><b></a>"[..], b"<a>", b"", b"not xml", b"<a/><b/>", b"<a>&bogus;</a>"] {
            assert!(parse(bad).is_err(), "{}", String::from_utf8_lossy(bad));
        }
    }

    #[test]
    fn nesting_is_bounded() {
        let nested = |depth: usize| format!("{}{}", "<a>".repeat(depth), "</a>".repeat(depth)).into_bytes();
        assert!(parse(&nested(MAX_DEPTH)).is_ok());
        assert_eq!(parse(&nested(MAX_DEPTH + 1)).err().as_deref(), Some("elements nested deeper than 64"));
        // The body that crashed the server (0.9 MB, 130,000 deep) is refused like any other
        // malformed document.
        assert!(parse(&nested(130_000)).is_err());
    }
}
