//! The metric filter pattern grammar, checked as CloudWatch Logs checks it before it stores a
//! filter (<https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntax.html>).
//!
//! Three forms:
//! - JSON: `{ <condition> }`, conditions joined by `&&` / `||` and grouped by parentheses; a
//!   condition is a selector (`$.a.b`, `$.list[0]`, `$.list[*]`) with `=` / `!=` and a value
//!   (quoted string, bare word with `*` wildcards, number, `%regex%`), `<` `<=` `>` `>=` and a
//!   number, or `IS NULL`, `NOT EXISTS`, `IS TRUE`, `IS FALSE`.
//! - space-delimited: `[field, field = value, ..., field > 5 && field < 9]`.
//! - text: terms (`ERROR`, `"two words"`, `?ERROR ?WARN`, `-INFO`, `%regex%`); the empty
//!   pattern matches every event.
//!
//! Everything is read left to right with a counter for parentheses: nothing recurses or
//! backtracks, whatever a client sends (the model already bounds the pattern to 1,024
//! characters).

/// Why a pattern is refused, as CloudWatch Logs words it (`Invalid metric filter pattern`),
/// with where.
pub(super) fn check(pattern: &str) -> Result<(), String> {
    let t = pattern.trim();
    let result = if let Some(body) = t.strip_prefix('{') {
        match body.strip_suffix('}') {
            Some(inner) => json(inner),
            None => Err("a JSON pattern must end with '}'".to_string()),
        }
    } else if let Some(body) = t.strip_prefix('[') {
        match body.strip_suffix(']') {
            Some(inner) => space_delimited(inner),
            None => Err("a space-delimited pattern must end with ']'".to_string()),
        }
    } else {
        text(t)
    };
    result.map_err(|why| format!("Invalid metric filter pattern: {why}"))
}

/// One token of a JSON or space-delimited condition.
#[derive(Debug, Clone, PartialEq)]
enum Token<'a> {
    Open,
    Close,
    And,
    Or,
    /// `=`, `!=`, `<`, `<=`, `>`, `>=`.
    Op(&'a str),
    /// A quoted string (quotes included).
    Quoted,
    /// `%...%`.
    Regex,
    /// Anything else: selectors, keywords, bare values.
    Word(&'a str),
}

/// Splits `s` into tokens; an unterminated string or regex, or a lone `&` / `|`, is refused.
fn tokens(s: &str) -> Result<Vec<Token<'_>>, String> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        match c {
            b' ' | b'\t' | b'\n' | b'\r' => i += 1,
            b'(' => {
                out.push(Token::Open);
                i += 1;
            }
            b')' => {
                out.push(Token::Close);
                i += 1;
            }
            b'&' | b'|' => {
                if b.get(i + 1) != Some(&c) {
                    return Err(format!("'{}' at {i} must be doubled", c as char));
                }
                out.push(if c == b'&' { Token::And } else { Token::Or });
                i += 2;
            }
            b'=' => {
                out.push(Token::Op("="));
                i += 1;
            }
            b'!' | b'<' | b'>' => {
                let two = b.get(i + 1) == Some(&b'=');
                if c == b'!' && !two {
                    return Err(format!("'!' at {i} must be followed by '='"));
                }
                let end = if two { i + 2 } else { i + 1 };
                out.push(Token::Op(&s[i..end]));
                i = end;
            }
            b'"' => {
                out.push(Token::Quoted);
                i = closing_quote(b, i)? + 1;
            }
            b'%' => {
                let end = s[i + 1..].find('%').ok_or_else(|| format!("the regex opened at {i} is not closed"))?;
                if end == 0 {
                    return Err(format!("the regex at {i} is empty"));
                }
                out.push(Token::Regex);
                i += end + 2;
            }
            _ => {
                let start = i;
                while i < b.len() && !b" \t\n\r()&|=!<>\"%".contains(&b[i]) {
                    i += 1;
                }
                out.push(Token::Word(&s[start..i]));
            }
        }
    }
    Ok(out)
}

/// Whether `w` is a JSON selector: `$` then `.name`, `[n]` or `[*]` steps.
fn selector(w: &str) -> bool {
    let Some(mut rest) = w.strip_prefix('$') else { return false };
    if rest.is_empty() {
        return false;
    }
    while !rest.is_empty() {
        if let Some(r) = rest.strip_prefix('.') {
            let end = r.find(['.', '[']).unwrap_or(r.len());
            let name = &r[..end];
            if name.is_empty() || !name.chars().all(|c| c.is_alphanumeric() || "_-@:$".contains(c)) {
                return false;
            }
            rest = &r[end..];
        } else if let Some(r) = rest.strip_prefix('[') {
            let Some(end) = r.find(']') else { return false };
            let index = &r[..end];
            if !(index == "*" || (!index.is_empty() && index.bytes().all(|c| c.is_ascii_digit()))) {
                return false;
            }
            rest = &r[end + 1..];
        } else {
            return false;
        }
    }
    true
}

fn is_number(w: &str) -> bool {
    !w.is_empty() && w.parse::<f64>().is_ok_and(f64::is_finite)
}

/// Reads one condition on a field from `toks[*i]` on (the field already read): an operator
/// and its value, or (`json` only) `IS NULL` / `NOT EXISTS` / `IS TRUE` / `IS FALSE`.
fn condition(toks: &[Token<'_>], i: &mut usize, field: &str, json: bool) -> Result<(), String> {
    match toks.get(*i) {
        Some(Token::Op(op)) => {
            *i += 1;
            let value = toks.get(*i).cloned();
            *i += 1;
            let numeric = matches!(*op, "<" | "<=" | ">" | ">=");
            match value {
                Some(Token::Word(w)) if numeric && is_number(w) => Ok(()),
                Some(Token::Word(w)) if !numeric && !w.is_empty() => Ok(()),
                Some(Token::Quoted) | Some(Token::Regex) if !numeric => Ok(()),
                _ if numeric => Err(format!("{field} {op} needs a number")),
                _ => Err(format!("{field} {op} needs a value")),
            }
        }
        Some(Token::Word(k1)) if json => {
            let k2 = match toks.get(*i + 1) {
                Some(Token::Word(w)) => w.to_ascii_uppercase(),
                _ => String::new(),
            };
            let ok = match k1.to_ascii_uppercase().as_str() {
                "IS" => matches!(k2.as_str(), "NULL" | "TRUE" | "FALSE"),
                "NOT" => k2 == "EXISTS",
                _ => false,
            };
            if !ok {
                return Err(format!("{field} is followed by '{k1}', not an operator"));
            }
            *i += 2;
            Ok(())
        }
        _ => Err(format!("{field} has no operator")),
    }
}

/// The body of a JSON pattern: conditions joined by `&&` / `||`, in balanced parentheses.
fn json(body: &str) -> Result<(), String> {
    let toks = tokens(body)?;
    if toks.is_empty() {
        return Err("a JSON pattern needs at least one condition".into());
    }
    let mut depth: usize = 0;
    let mut want_operand = true;
    let mut i = 0;
    while i < toks.len() {
        let t = &toks[i];
        i += 1;
        if want_operand {
            match t {
                Token::Open => depth += 1,
                Token::Word(w) if selector(w) => {
                    condition(&toks, &mut i, w, true)?;
                    want_operand = false;
                }
                Token::Word(w) => return Err(format!("'{w}' is not a selector such as $.eventName")),
                other => return Err(format!("a condition is expected, not {other:?}")),
            }
        } else {
            match t {
                Token::Close if depth > 0 => depth -= 1,
                Token::Close => return Err("')' closes nothing".into()),
                Token::And | Token::Or => want_operand = true,
                other => return Err(format!("'&&', '||' or ')' is expected, not {other:?}")),
            }
        }
    }
    if want_operand {
        return Err("the pattern ends where a condition is expected".into());
    }
    if depth > 0 {
        return Err(format!("{depth} parenthesis not closed"));
    }
    Ok(())
}

/// The body of a space-delimited pattern: comma-separated fields, each a name, `...`, or a
/// name with conditions joined by `&&` / `||`.
fn space_delimited(body: &str) -> Result<(), String> {
    // Split at commas outside quotes.
    let mut fields = Vec::new();
    let mut start = 0;
    let mut in_quote = false;
    let mut escaped = false;
    for (k, c) in body.char_indices() {
        if in_quote {
            match (escaped, c) {
                (false, '\\') => escaped = true,
                (false, '"') => in_quote = false,
                _ => escaped = false,
            }
            continue;
        }
        match c {
            '"' => in_quote = true,
            ',' => {
                fields.push(&body[start..k]);
                start = k + 1;
            }
            _ => {}
        }
    }
    fields.push(&body[start..]);
    for (n, field) in fields.iter().enumerate() {
        let f = field.trim();
        if f.is_empty() {
            return Err(format!("field {} is empty", n + 1));
        }
        if f == "..." {
            continue;
        }
        let toks = tokens(f)?;
        let mut i = 0;
        loop {
            match toks.get(i) {
                Some(Token::Word(name)) if name.chars().all(|c| c.is_alphanumeric() || c == '_') => {
                    i += 1;
                    if i == toks.len() && i == 1 {
                        break;
                    }
                    if let Some(Token::Word(_)) = toks.get(i) {
                        return Err(format!("field {} ('{f}'): fields are separated by commas", n + 1));
                    }
                    condition(&toks, &mut i, name, false)?;
                }
                _ => return Err(format!("field {} ('{f}') is not a name or a condition", n + 1)),
            }
            match toks.get(i) {
                None => break,
                Some(Token::And | Token::Or) => i += 1,
                Some(_) => return Err(format!("field {} ('{f}') has more than one condition without && or ||", n + 1)),
            }
        }
    }
    Ok(())
}

/// A text pattern: terms, quoted phrases, `?` / `-` prefixed terms and regexes.
/// The index of the quote that closes the string opened at `open` (a backslash escapes the
/// byte after it).
fn closing_quote(b: &[u8], open: usize) -> Result<usize, String> {
    let mut j = open + 1;
    loop {
        match b.get(j) {
            None => return Err(format!("the string opened at {open} is not closed")),
            Some(b'\\') => j += 2,
            Some(b'"') => return Ok(j),
            Some(_) => j += 1,
        }
    }
}

fn text(t: &str) -> Result<(), String> {
    let b = t.as_bytes();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b' ' | b'\t' | b'\n' | b'\r' => i += 1,
            b'"' => {
                i = closing_quote(b, i)? + 1;
            }
            b'%' => {
                let end = t[i + 1..].find('%').ok_or_else(|| format!("the regex opened at {i} is not closed"))?;
                if end == 0 {
                    return Err(format!("the regex at {i} is empty"));
                }
                i += end + 2;
            }
            b'{' | b'}' | b'[' | b']' => {
                return Err(format!(
                    "'{}' at {i} may only open or close a whole JSON or space-delimited pattern",
                    b[i] as char
                ))
            }
            _ => i += 1,
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::check;

    #[test]
    fn cis_patterns_and_documented_examples_are_accepted() {
        for p in [
            "",
            "ERROR",
            "\"Failed authentication\" ?WARN -INFO",
            "%ERROR|WARN%",
            "{$.userIdentity.type=\"Root\" && $.userIdentity.invokedBy NOT EXISTS && $.eventType !=\"AwsServiceEvent\"}",
            "{ ($.eventName = \"ConsoleLogin\") && ($.additionalEventData.MFAUsed != \"Yes\") && ($.userIdentity.type = \"IAMUser\") && ($.responseElements.ConsoleLogin = \"Success\") }",
            "{($.eventSource=kms.amazonaws.com) && (($.eventName=DisableKey) || ($.eventName=ScheduleKeyDeletion))}",
            "{($.errorCode=\"*UnauthorizedOperation\") || ($.errorCode=\"AccessDenied*\")}",
            "{ $.latency > 50 }",
            "{ $.list[0] = 1 && $.list[*].x IS NULL }",
            "{ $.user.id = %[0-9]+% }",
            "{ $.flag IS TRUE }",
            "[ip, user, username, timestamp, request = \"*.html*\", status_code = 4*, bytes]",
            "[..., status_code = 404, bytes > 1000 && bytes < 2000]",
        ] {
            assert_eq!(check(p), Ok(()), "{p}");
        }
    }

    #[test]
    fn malformed_patterns_are_refused_with_where() {
        for (p, why) in [
            ("{ $.a = 1", "must end with '}'"),
            ("{}", "at least one condition"),
            ("{ a = 1 }", "not a selector"),
            ("{ $.a }", "no operator"),
            ("{ $.a = }", "needs a value"),
            ("{ $.a > \"x\" }", "needs a number"),
            ("{ $.a = 1 & $.b = 2 }", "must be doubled"),
            ("{ ($.a = 1 }", "not closed"),
            ("{ $.a = 1) }", "closes nothing"),
            ("{ $.a = 1 && }", "condition is expected"),
            ("{ $.a = 1 $.b = 2 }", "'&&', '||' or ')'"),
            ("{ $.a IS MAYBE }", "not an operator"),
            ("{ $. = 1 }", "not a selector"),
            ("{ $.a = \"open }", "not closed"),
            ("[a, , b]", "field 2 is empty"),
            ("[a b]", "separated by commas"),
            ("[a = 1 b = 2]", "more than one condition"),
            ("[a, b", "must end with ']'"),
            ("ERROR \"open", "not closed"),
            ("ERROR }", "may only open or close"),
            ("%%", "empty"),
        ] {
            let got = check(p).expect_err(p);
            assert!(got.starts_with("Invalid metric filter pattern: "), "{p}: {got}");
            assert!(got.contains(why), "{p}: {got}");
        }
    }

    #[test]
    fn deep_parentheses_are_counted_not_recursed() {
        let p = format!("{{ {}$.a = 1{} }}", "(".repeat(500), ")".repeat(500));
        assert_eq!(check(&p), Ok(()));
        let p = format!("{{ {}$.a = 1{} }}", "(".repeat(500), ")".repeat(499));
        assert!(check(&p).is_err());
    }
}
