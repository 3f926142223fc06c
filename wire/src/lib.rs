//! AWS wire-format pieces that hold in both directions, shared by the server (request → input,
//! output → response) and the HTTP client (input → request, response → output), all driven by
//! the committed service models:
//! - [`xml`]: a bounded XML element tree and botocore's rules for structures, lists and maps in
//!   XML bodies (rest-xml bodies; query and ec2 responses), read and written by shape;
//! - [`json_body`]: JSON bodies keyed by wire names (`locationName`) ⇄ hubsim's JSON keyed by
//!   member names, timestamps converted (rest-json and json);
//! - [`scalar`]: one scalar from and to its text on the wire (URI labels, query strings,
//!   headers, XML text); [`time`]: the timestamp forms AWS uses.
//!
//! Nothing here knows HTTP or the simulator.

pub mod json_body;
pub mod scalar;
pub mod time;
pub mod xml;

use std::borrow::Cow;

use hubsim_api::AwsError;

/// Why a wire message could not be turned into JSON (or back): a code in AWS's words
/// (`MalformedXML`, `SerializationException`, ...), a message, an HTTP status.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{code}: {message}")]
pub struct WireError {
    /// AWS error code (`MalformedXML`, `SerializationException`, `InvalidAction`, ...).
    pub code: String,
    /// Message.
    pub message: String,
    /// HTTP status.
    pub status: u16,
}

impl WireError {
    /// A 400 with `code`.
    pub fn bad(code: &str, message: impl Into<String>) -> Self {
        WireError { code: code.into(), message: message.into(), status: 400 }
    }
}

impl From<WireError> for AwsError {
    fn from(e: WireError) -> Self {
        AwsError::new(e.code, e.status, e.message)
    }
}

/// Whether XML 1.0 can carry `c` at all, escaped or not (its `Char` production): tab, line
/// feed, carriage return and everything from U+0020 up except U+FFFE and U+FFFF.
pub fn xml_allows(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// `text` with every character XML cannot carry (a NUL a client put in a name that an error
/// message echoes, say) replaced by U+FFFD, so that every XML body hubsim writes is
/// well-formed and the reader can parse it.
pub fn xml_chars(text: &str) -> Cow<'_, str> {
    if text.chars().all(xml_allows) {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(text.chars().map(|c| if xml_allows(c) { c } else { '\u{FFFD}' }).collect())
    }
}
