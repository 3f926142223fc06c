//! The scalar types that the generated shapes use beyond Rust's own: timestamps, blobs and
//! documents. Their JSON form is the one hubsim uses everywhere inside (scenario files, the
//! in-process API): timestamps as ISO-8601 UTC strings, blobs as base64 strings.

use std::fmt;

use base64::Engine;
use serde::{de, Deserialize, Deserializer, Serialize, Serializer};

/// A free-form JSON document member.
pub type Document = serde_json::Value;

/// A point in time, in milliseconds since the Unix epoch (UTC).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(pub i64);

impl Timestamp {
    /// Whole seconds since the epoch.
    pub fn epoch_seconds(self) -> i64 {
        self.0.div_euclid(1000)
    }

    /// `2026-11-28T21:19:00Z`, with `.123` milliseconds when they are not zero.
    pub fn to_iso8601(self) -> String {
        let secs = self.0.div_euclid(1000);
        let millis = self.0.rem_euclid(1000);
        let days = secs.div_euclid(86_400);
        let rem = secs.rem_euclid(86_400);
        let (y, m, d) = civil_from_days(days);
        let (hh, mm, ss) = (rem / 3600, (rem % 3600) / 60, rem % 60);
        if !(0..=9999).contains(&y) {
            // Outside four-digit years (only a client's odd epoch value gets here).
            return if millis == 0 {
                format!("{y:04}-{m:02}-{d:02}T{hh:02}:{mm:02}:{ss:02}Z")
            } else {
                format!("{y:04}-{m:02}-{d:02}T{hh:02}:{mm:02}:{ss:02}.{millis:03}Z")
            };
        }
        // Written digit by digit: every finding and every journal entry carries timestamps,
        // and `format!` costs about ten times as much.
        let mut out = String::with_capacity(24);
        let mut field = |n: i64, width: u32, then: char| {
            for i in (0..width).rev() {
                out.push(char::from(b'0' + (n / 10i64.pow(i) % 10) as u8));
            }
            out.push(then);
        };
        field(y, 4, '-');
        field(m, 2, '-');
        field(d, 2, 'T');
        field(hh, 2, ':');
        field(mm, 2, ':');
        if millis == 0 {
            field(ss, 2, 'Z');
        } else {
            field(ss, 2, '.');
            field(millis, 3, 'Z');
        }
        out
    }

    /// Parses `YYYY-MM-DDTHH:MM:SS[.fff](Z|±HH:MM)`, the forms AWS and botocore use.
    pub fn parse_iso8601(text: &str) -> Option<Timestamp> {
        let b = text.as_bytes();
        if b.len() < 19 || b[4] != b'-' || b[7] != b'-' || !(b[10] == b'T' || b[10] == b' ') {
            return None;
        }
        let num = |r: std::ops::Range<usize>| -> Option<i64> {
            let s = text.get(r)?;
            if !s.bytes().all(|c| c.is_ascii_digit()) {
                return None;
            }
            s.parse().ok()
        };
        let (y, mo, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
        if b[13] != b':' || b[16] != b':' {
            return None;
        }
        let (h, mi, s) = (num(11..13)?, num(14..16)?, num(17..19)?);
        if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || s > 60 {
            return None;
        }
        let mut rest = &text[19..];
        let mut millis = 0i64;
        if let Some(frac) = rest.strip_prefix('.') {
            let digits: String = frac.chars().take_while(|c| c.is_ascii_digit()).collect();
            if digits.is_empty() {
                return None;
            }
            let mut padded = digits.clone();
            padded.truncate(3);
            while padded.len() < 3 {
                padded.push('0');
            }
            millis = padded.parse().ok()?;
            rest = &frac[digits.len()..];
        }
        let offset_secs = match rest {
            "" | "Z" | "z" => 0,
            _ => {
                let sign = match rest.as_bytes()[0] {
                    b'+' => 1,
                    b'-' => -1,
                    _ => return None,
                };
                let hm = rest[1..].replace(':', "");
                if hm.len() != 4 || !hm.bytes().all(|c| c.is_ascii_digit()) {
                    return None;
                }
                let oh: i64 = hm[0..2].parse().ok()?;
                let om: i64 = hm[2..4].parse().ok()?;
                sign * (oh * 3600 + om * 60)
            }
        };
        let days = days_from_civil(y, mo, d);
        let secs = days * 86_400 + h * 3600 + mi * 60 + s - offset_secs;
        Some(Timestamp(secs * 1000 + millis))
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_iso8601())
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_iso8601())
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl de::Visitor<'_> for V {
            type Value = Timestamp;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an ISO-8601 timestamp or epoch seconds")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Timestamp, E> {
                Timestamp::parse_iso8601(v).ok_or_else(|| E::custom(format!("invalid timestamp {v:?}")))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Timestamp, E> {
                Ok(Timestamp(v.saturating_mul(1000)))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Timestamp, E> {
                Ok(Timestamp(i64::try_from(v).unwrap_or(i64::MAX / 1000).saturating_mul(1000)))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Timestamp, E> {
                Ok(Timestamp((v * 1000.0).round() as i64))
            }
        }
        d.deserialize_any(V)
    }
}

/// Binary data; base64 in JSON.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Blob(pub Vec<u8>);

impl Serialize for Blob {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&base64::engine::general_purpose::STANDARD.encode(&self.0))
    }
}

impl<'de> Deserialize<'de> for Blob {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        base64::engine::general_purpose::STANDARD
            .decode(text.as_bytes())
            .map(Blob)
            .map_err(|e| de::Error::custom(format!("invalid base64: {e}")))
    }
}

// Howard Hinnant's days-from-civil algorithms (public domain).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso8601_round_trips() {
        for text in ["1970-01-01T00:00:00Z", "2022-06-01T09:30:15Z", "2026-11-28T21:19:00.250Z"] {
            let ts = Timestamp::parse_iso8601(text).unwrap();
            assert_eq!(ts.to_iso8601(), text);
        }
        assert_eq!(Timestamp::parse_iso8601("2022-06-01T09:30:15Z").unwrap().epoch_seconds(), 1_654_075_815);
        assert_eq!(Timestamp(1_000).to_iso8601(), "1970-01-01T00:00:01Z");
        assert_eq!(Timestamp(253_402_300_799_999).to_iso8601(), "9999-12-31T23:59:59.999Z");
        assert_eq!(Timestamp(253_402_300_800_000).to_iso8601(), "10000-01-01T00:00:00Z");
        assert_eq!(Timestamp(-1_000).to_iso8601(), "1969-12-31T23:59:59Z");
    }

    #[test]
    fn offsets_and_garbage() {
        assert_eq!(
            Timestamp::parse_iso8601("2022-06-01T18:30:15+09:00"),
            Timestamp::parse_iso8601("2022-06-01T09:30:15Z")
        );
        for bad in ["", "2022-13-01T00:00:00Z", "2022-06-01", "yesterday", "2022-06-01T00:00:00Q"] {
            assert_eq!(Timestamp::parse_iso8601(bad), None, "{bad}");
        }
    }

    #[test]
    fn json_forms() {
        let ts: Timestamp = serde_json::from_str("1654075815").unwrap();
        assert_eq!(ts.to_iso8601(), "2022-06-01T09:30:15Z");
        let blob: Blob = serde_json::from_str("\"aGVsbG8=\"").unwrap();
        assert_eq!(blob.0, b"hello");
        assert!(serde_json::from_str::<Blob>("\"***\"").is_err());
    }
}
