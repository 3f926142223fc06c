//! `${name.Path[0].Member}` references: parsing, and resolution against captured outputs.

use hubsim_model::validate::PathStep;
use serde_json::{Map, Value};

/// A parsed reference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference {
    /// The captured name (or a built-in: `account_id`, `home_region`, `region`).
    pub name: String,
    /// The path into the captured output.
    pub path: Vec<PathStep>,
    /// The text as written, `${...}` included.
    pub text: String,
}

/// Names every scenario can use without capturing them.
pub const BUILT_INS: &[&str] = &["account_id", "home_region", "region"];

/// One piece of a string: literal text or a reference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece {
    /// Literal text.
    Text(String),
    /// A reference.
    Ref(Reference),
}

/// Splits a string into text and references. `$${` is a literal `${`.
pub fn pieces(s: &str) -> Result<Vec<Piece>, String> {
    let mut out = Vec::new();
    let mut text = String::new();
    let mut rest = s;
    while let Some(pos) = rest.find("${") {
        if rest[..pos].ends_with('$') {
            text.push_str(&rest[..pos - 1]);
            text.push_str("${");
            rest = &rest[pos + 2..];
            continue;
        }
        text.push_str(&rest[..pos]);
        let after = &rest[pos + 2..];
        let end = after.find('}').ok_or_else(|| format!("unterminated reference in {s:?}"))?;
        let inner = &after[..end];
        if !text.is_empty() {
            out.push(Piece::Text(std::mem::take(&mut text)));
        }
        out.push(Piece::Ref(parse_reference(inner)?));
        rest = &after[end + 1..];
    }
    text.push_str(rest);
    if !text.is_empty() {
        out.push(Piece::Text(text));
    }
    Ok(out)
}

fn parse_reference(inner: &str) -> Result<Reference, String> {
    let text = format!("${{{inner}}}");
    let bytes = inner.as_bytes();
    let mut i = 0;
    while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_' || bytes[i] == b'-') {
        i += 1;
    }
    let name = &inner[..i];
    if name.is_empty() || !name.as_bytes()[0].is_ascii_alphabetic() && name.as_bytes()[0] != b'_' {
        return Err(format!("{text}: a reference starts with a captured name"));
    }
    let mut path = Vec::new();
    while i < bytes.len() {
        match bytes[i] {
            b'.' => {
                let start = i + 1;
                i = start;
                while i < bytes.len() && bytes[i] != b'.' && bytes[i] != b'[' {
                    i += 1;
                }
                let member = &inner[start..i];
                if member.is_empty() {
                    return Err(format!("{text}: empty member name"));
                }
                path.push(PathStep::Member(member.to_string()));
            }
            b'[' => {
                let close = inner[i..].find(']').ok_or_else(|| format!("{text}: unclosed ["))? + i;
                let index: usize = inner[i + 1..close]
                    .parse()
                    .map_err(|_| format!("{text}: [{}] is not an index", &inner[i + 1..close]))?;
                path.push(PathStep::Index(index));
                i = close + 1;
            }
            _ => return Err(format!("{text}: unexpected {:?}", bytes[i] as char)),
        }
    }
    Ok(Reference { name: name.to_string(), path, text })
}

/// The references in a JSON value, each with the JSON path (relative) where it stands.
pub fn references_in(value: &Value, path: &str, out: &mut Vec<(String, Result<Reference, String>)>) {
    references_below(value, &mut path.to_string(), out);
}

/// [`references_in`] with the path in one buffer, grown and cut back as the walk goes down and
/// up: a path is copied out only where a reference stands (most values hold none).
fn references_below(value: &Value, path: &mut String, out: &mut Vec<(String, Result<Reference, String>)>) {
    match value {
        Value::String(s) if s.contains("${") => match pieces(s) {
            Ok(ps) => {
                for p in ps {
                    if let Piece::Ref(r) = p {
                        out.push((path.clone(), Ok(r)));
                    }
                }
            }
            Err(e) => out.push((path.clone(), Err(e))),
        },
        Value::Array(items) => {
            let len = path.len();
            for (i, item) in items.iter().enumerate() {
                use std::fmt::Write;
                let _ = write!(path, "[{i}]");
                references_below(item, path, out);
                path.truncate(len);
            }
        }
        Value::Object(map) => {
            let len = path.len();
            for (k, v) in map {
                path.push('.');
                path.push_str(k);
                references_below(v, path, out);
                path.truncate(len);
            }
        }
        _ => {}
    }
}

/// Whether `value` is a string that is exactly one reference.
pub fn is_whole_reference(value: &Value) -> bool {
    match value {
        Value::String(s) => matches!(pieces(s).as_deref(), Ok([Piece::Ref(_)])),
        _ => false,
    }
}

/// Looks `path` up in `value`.
pub fn lookup<'v>(value: &'v Value, path: &[PathStep]) -> Result<&'v Value, String> {
    let mut cur = value;
    for step in path {
        cur = match (step, cur) {
            (PathStep::Member(m), Value::Object(map)) => {
                map.get(m).ok_or_else(|| format!("the output has no {m} here"))?
            }
            (PathStep::Index(i), Value::Array(items)) => items
                .get(*i)
                .ok_or_else(|| format!("index [{i}] is out of range: the list has {} item(s)", items.len()))?,
            (PathStep::Member(m), _) => return Err(format!("cannot read .{m} here")),
            (PathStep::Index(i), _) => return Err(format!("cannot index [{i}] here")),
        };
    }
    Ok(cur)
}

/// Replaces every reference in `value` using `captures` (and the built-ins in it).
pub fn resolve(value: &Value, captures: &Map<String, Value>) -> Result<Value, String> {
    Ok(match value {
        Value::String(s) if s.contains("${") => {
            let ps = pieces(s)?;
            if let [Piece::Ref(r)] = ps.as_slice() {
                return resolve_one(r, captures).cloned();
            }
            let mut out = String::new();
            for p in &ps {
                match p {
                    Piece::Text(t) => out.push_str(t),
                    Piece::Ref(r) => match resolve_one(r, captures)? {
                        Value::String(s) => out.push_str(s),
                        Value::Number(n) => out.push_str(&n.to_string()),
                        Value::Bool(b) => out.push_str(&b.to_string()),
                        _ => return Err(format!("{} is not text and cannot be embedded in a string", r.text)),
                    },
                }
            }
            Value::String(out)
        }
        Value::Array(items) => Value::Array(items.iter().map(|i| resolve(i, captures)).collect::<Result<_, _>>()?),
        Value::Object(map) => {
            let mut out = Map::new();
            for (k, v) in map {
                out.insert(k.clone(), resolve(v, captures)?);
            }
            Value::Object(out)
        }
        other => other.clone(),
    })
}

fn resolve_one<'v>(r: &Reference, captures: &'v Map<String, Value>) -> Result<&'v Value, String> {
    let base = captures.get(&r.name).ok_or_else(|| format!("{}: nothing was captured as {}", r.text, r.name))?;
    lookup(base, &r.path).map_err(|e| format!("{}: {e}", r.text))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn parses_paths() {
        let ps = pieces("${sg.SecurityGroups[0].GroupId}").unwrap();
        let [Piece::Ref(r)] = ps.as_slice() else { panic!("{ps:?}") };
        assert_eq!(r.name, "sg");
        assert_eq!(
            r.path,
            vec![PathStep::Member("SecurityGroups".into()), PathStep::Index(0), PathStep::Member("GroupId".into())]
        );
        assert!(pieces("${unterminated").is_err());
        assert!(pieces("${x[a]}").is_err());
        assert!(pieces("${.x}").is_err());
        assert_eq!(pieces("cost $${x}").unwrap(), vec![Piece::Text("cost ${x}".into())]);
    }

    #[test]
    fn references_are_found_with_their_paths() {
        let v = json!({
            "A": "${a}",
            "List": ["plain", {"B": "x-${b.C[1]}"}, ["${c}", "${bad"]],
            "Next": {"D": "${d}"}
        });
        let mut out = Vec::new();
        references_in(&v, "steps[2].input", &mut out);
        let found: Vec<(&str, Option<&str>)> =
            out.iter().map(|(path, r)| (path.as_str(), r.as_ref().ok().map(|r| r.name.as_str()))).collect();
        assert_eq!(
            found,
            [
                ("steps[2].input.A", Some("a")),
                ("steps[2].input.List[1].B", Some("b")),
                ("steps[2].input.List[2][0]", Some("c")),
                ("steps[2].input.List[2][1]", None),
                ("steps[2].input.Next.D", Some("d")),
            ]
        );
    }

    #[test]
    fn resolves_whole_and_embedded() {
        let mut caps = Map::new();
        caps.insert("vpc".into(), json!({"Vpcs": [{"VpcId": "vpc-1", "Cidr": ["a"]}]}));
        caps.insert("account_id".into(), json!("123456789012"));
        let v = json!({"Id": "${vpc.Vpcs[0].VpcId}", "L": "${vpc.Vpcs[0].Cidr}", "Name": "logs-${account_id}"});
        assert_eq!(resolve(&v, &caps).unwrap(), json!({"Id": "vpc-1", "L": ["a"], "Name": "logs-123456789012"}));
        let err = resolve(&json!("${vpc.Vpcs[3].VpcId}"), &caps).unwrap_err();
        assert!(err.contains("out of range"), "{err}");
        assert!(resolve(&json!("x-${vpc.Vpcs}"), &caps).is_err());
        assert!(resolve(&json!("${nope}"), &caps).is_err());
    }
}
