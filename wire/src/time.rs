//! Timestamps on the REST wire: ISO-8601 (XML bodies, query strings), RFC 1123 (headers) and
//! epoch seconds (JSON bodies by default). Inside hubsim a timestamp is an ISO-8601 string.

use hubsim_model::service_model::{ShapeModel, ShapeRef};
use hubsim_model::Timestamp;
use serde_json::Value;

const WEEKDAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/// The wire format of a timestamp at a place: the reference's `timestampFormat`, else the
/// shape's, else `default`.
pub fn format_of<'a>(r: &'a ShapeRef, shape: &'a ShapeModel, default: &'a str) -> &'a str {
    r.timestamp_format.as_deref().or(shape.timestamp_format.as_deref()).unwrap_or(default)
}

/// Reads a timestamp in any of the wire forms: ISO-8601, RFC 1123, epoch seconds (number or
/// numeric string).
pub fn read(value: &Value) -> Option<Timestamp> {
    match value {
        Value::Number(n) => n.as_f64().map(|secs| Timestamp((secs * 1000.0).round() as i64)),
        Value::String(s) => read_str(s),
        _ => None,
    }
}

/// [`read`] for text.
pub fn read_str(text: &str) -> Option<Timestamp> {
    let text = text.trim();
    if let Some(ts) = Timestamp::parse_iso8601(text) {
        return Some(ts);
    }
    if let Some(ts) = parse_rfc1123(text) {
        return Some(ts);
    }
    text.parse::<f64>().ok().filter(|f| f.is_finite()).map(|secs| Timestamp((secs * 1000.0).round() as i64))
}

/// The timestamp `ts` in wire format `format` (`iso8601`, `rfc822`, `unixTimestamp`).
pub fn write(ts: Timestamp, format: &str) -> Value {
    match format {
        "rfc822" => Value::String(rfc1123(ts)),
        "unixTimestamp" => {
            if ts.0.rem_euclid(1000) == 0 {
                Value::from(ts.epoch_seconds())
            } else {
                Value::from(ts.0 as f64 / 1000.0)
            }
        }
        _ => Value::String(ts.to_iso8601()),
    }
}

/// The timestamp `ts` as text in wire format `format`.
pub fn write_text(ts: Timestamp, format: &str) -> String {
    match write(ts, format) {
        Value::String(s) => s,
        other => other.to_string(),
    }
}

/// `Sun, 06 Nov 1994 08:49:37 GMT`.
fn rfc1123(ts: Timestamp) -> String {
    let iso = Timestamp(ts.epoch_seconds() * 1000).to_iso8601();
    // iso is `YYYY-MM-DDTHH:MM:SSZ`.
    let year = iso.get(0..4).unwrap_or("1970");
    let month: usize = iso.get(5..7).and_then(|m| m.parse().ok()).unwrap_or(1);
    let day = iso.get(8..10).unwrap_or("01");
    let clock = iso.get(11..19).unwrap_or("00:00:00");
    let weekday = (ts.epoch_seconds().div_euclid(86_400) + 4).rem_euclid(7) as usize;
    format!("{}, {day} {} {year} {clock} GMT", WEEKDAYS[weekday % 7], MONTHS[month.saturating_sub(1) % 12])
}

/// Parses `Sun, 06 Nov 1994 08:49:37 GMT` (the weekday is optional and not checked).
fn parse_rfc1123(text: &str) -> Option<Timestamp> {
    let rest = match text.split_once(',') {
        Some((_, rest)) => rest,
        None => text,
    };
    let parts: Vec<&str> = rest.split_whitespace().collect();
    let [day, month, year, clock, zone] = parts.as_slice() else {
        return None;
    };
    if !matches!(*zone, "GMT" | "UTC" | "Z" | "+0000") {
        return None;
    }
    let month = MONTHS.iter().position(|m| m.eq_ignore_ascii_case(month))? + 1;
    let day: u32 = day.parse().ok()?;
    let year: u32 = year.parse().ok()?;
    Timestamp::parse_iso8601(&format!("{year:04}-{month:02}-{day:02}T{clock}Z"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc1123_round_trips() {
        let ts = Timestamp::parse_iso8601("1994-11-06T08:49:37Z");
        let ts = ts.unwrap_or_default();
        assert_eq!(rfc1123(ts), "Sun, 06 Nov 1994 08:49:37 GMT");
        assert_eq!(parse_rfc1123("Sun, 06 Nov 1994 08:49:37 GMT"), Some(ts));
        assert_eq!(read_str("784111777"), Some(ts));
        assert_eq!(write(ts, "unixTimestamp"), Value::from(784_111_777));
    }
}
