//! Signature Version 4 verification (`serve --verify-signatures`): the request's signature is
//! computed again from the secret of its access key, as AWS does, and a request whose
//! signature differs, whose key is unknown or that is not signed is refused before anything
//! runs. Off by default (then [`crate::auth`] only reads the credential scope).
//!
//! The algorithm is AWS's ("Create a signed AWS API request",
//! <https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html>):
//!
//! * the canonical request is the method, the path, the query, the signed headers, their names
//!   and the payload's hash. The path is taken as sent for S3 (and S3 Control, whose signing
//!   name is `s3` too); every other service normalizes it (dot segments, repeated `/`) and
//!   URI-encodes it once more, so `%3A` is signed as `%253A`. Query parameters are decoded,
//!   encoded again the RFC 3986 way and sorted; a presigned URL's `X-Amz-Signature` is left out;
//! * the payload's hash is the `x-amz-content-sha256` header when there is one (S3 always sends
//!   it; `UNSIGNED-PAYLOAD` and `STREAMING-UNSIGNED-PAYLOAD-TRAILER` stand for themselves, a
//!   hash must then match the body, else S3's `XAmzContentSHA256Mismatch`), `UNSIGNED-PAYLOAD`
//!   for a presigned S3 URL, and else the SHA-256 of the body. Bodies whose chunks are signed
//!   one by one (`STREAMING-AWS4-HMAC-SHA256-PAYLOAD...`, what the Java and Go SDKs may send;
//!   botocore only sends aws-chunked bodies over HTTPS, with an unsigned trailer) are refused
//!   as not implemented rather than half-checked;
//! * the signature is HMAC-SHA256 of the string to sign under the key derived from the secret,
//!   the date, the region and the service, compared in constant time.
//!
//! Not checked: the request's time (no clock skew or presigned-URL expiry), session tokens
//! (`x-amz-security-token` is signed like any header but not looked up), and SigV2, which is
//! refused while verification is on.

use std::collections::HashMap;

use hmac::{Hmac, Mac};
use hubsim_simulator::AwsError;
use sha2::{Digest, Sha256};

use crate::protocol::Request;

type HmacSha256 = Hmac<Sha256>;

/// The only SigV4 algorithm hubsim verifies.
const ALGORITHM: &str = "AWS4-HMAC-SHA256";

/// Access keys and their secrets: who may call when signatures are verified.
#[derive(Clone, Default)]
pub struct Keys {
    secrets: HashMap<String, String>,
}

impl std::fmt::Debug for Keys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print a secret.
        f.debug_struct("Keys").field("access_keys", &self.secrets.keys().collect::<Vec<_>>()).finish()
    }
}

/// Why a shared-credentials file cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeysError {
    /// A profile names one half of a key pair only.
    #[error("profile [{profile}] has {has} but no {missing}")]
    HalfPair {
        /// The profile's name.
        profile: String,
        /// The member it has.
        has: &'static str,
        /// The member it lacks.
        missing: &'static str,
    },
    /// A line that is neither a section, a `name = value` pair, a comment nor blank.
    #[error("line {line} is not '[profile]', 'name = value' or a comment: {text}")]
    Syntax {
        /// 1-based line number.
        line: usize,
        /// The line.
        text: String,
    },
}

impl Keys {
    /// No keys.
    pub fn new() -> Keys {
        Keys::default()
    }

    /// Accepts `access_key` signed with `secret`.
    pub fn insert(&mut self, access_key: &str, secret: &str) {
        self.secrets.insert(access_key.trim().to_string(), secret.trim().to_string());
    }

    /// How many access keys are accepted.
    pub fn len(&self) -> usize {
        self.secrets.len()
    }

    /// Whether no key is accepted.
    pub fn is_empty(&self) -> bool {
        self.secrets.is_empty()
    }

    /// Adds every profile's `aws_access_key_id` / `aws_secret_access_key` of an AWS shared
    /// credentials file (INI: `[profile]` sections, `name = value` lines, `#` and `;` comments;
    /// <https://docs.aws.amazon.com/sdkref/latest/guide/file-format.html>). Profiles without
    /// either member (SSO, role profiles) are skipped.
    pub fn add_shared_credentials(&mut self, text: &str) -> Result<usize, KeysError> {
        let mut profiles: Vec<(String, Option<String>, Option<String>)> = Vec::new();
        for (i, raw) in text.lines().enumerate() {
            let line = raw.trim();
            if line.is_empty() || line.starts_with('#') || line.starts_with(';') {
                continue;
            }
            if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
                profiles.push((name.trim().to_string(), None, None));
                continue;
            }
            let Some((name, value)) = line.split_once('=') else {
                return Err(KeysError::Syntax { line: i + 1, text: raw.to_string() });
            };
            let Some(profile) = profiles.last_mut() else {
                return Err(KeysError::Syntax { line: i + 1, text: raw.to_string() });
            };
            match name.trim().to_ascii_lowercase().as_str() {
                "aws_access_key_id" => profile.1 = Some(value.trim().to_string()),
                "aws_secret_access_key" => profile.2 = Some(value.trim().to_string()),
                _ => {}
            }
        }
        let mut added = 0;
        for (profile, key, secret) in profiles {
            match (key, secret) {
                (Some(key), Some(secret)) => {
                    self.insert(&key, &secret);
                    added += 1;
                }
                (Some(_), None) => {
                    return Err(KeysError::HalfPair {
                        profile,
                        has: "aws_access_key_id",
                        missing: "aws_secret_access_key",
                    })
                }
                (None, Some(_)) => {
                    return Err(KeysError::HalfPair {
                        profile,
                        has: "aws_secret_access_key",
                        missing: "aws_access_key_id",
                    })
                }
                (None, None) => {}
            }
        }
        Ok(added)
    }

    fn secret(&self, access_key: &str) -> Option<&str> {
        self.secrets.get(access_key).map(String::as_str)
    }
}

/// Why a request's signature was not accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unverified {
    /// No `Authorization` header and no presigned query.
    Missing,
    /// A way of signing hubsim does not verify (SigV2, signed aws-chunked bodies).
    Unsupported(String),
    /// The signature cannot be checked: a header or parameter it needs is missing or malformed.
    Incomplete(String),
    /// The access key is not one of the accepted keys.
    UnknownKey(String),
    /// The signature differs from the one computed with the key's secret.
    Mismatch {
        /// The access key.
        key: String,
        /// The canonical request hubsim computed.
        canonical_request: String,
        /// The string to sign hubsim computed.
        string_to_sign: String,
        /// The signature the request carries.
        provided: String,
    },
    /// The signature is right, but the body is not the one whose hash was signed.
    BodyHash {
        /// The hash the request declared (`x-amz-content-sha256`).
        declared: String,
        /// The hash of the body received.
        computed: String,
    },
}

/// How a request says it is signed.
struct Signed {
    key: String,
    date: String,
    region: String,
    service: String,
    signed_headers: Vec<String>,
    signature: String,
    timestamp: String,
    presigned: bool,
}

/// Checks `req`'s SigV4 signature against `keys`.
pub fn verify(keys: &Keys, req: &Request) -> Result<(), Unverified> {
    let signed = signed(req)?;
    let Some(secret) = keys.secret(&signed.key) else { return Err(Unverified::UnknownKey(signed.key)) };
    let s3 = signed.service == "s3";
    let declared = req.header("x-amz-content-sha256").map(str::trim);
    let payload_hash = match declared {
        Some(literal @ ("UNSIGNED-PAYLOAD" | "STREAMING-UNSIGNED-PAYLOAD-TRAILER")) => literal.to_string(),
        Some(streaming) if streaming.starts_with("STREAMING-") => {
            return Err(Unverified::Unsupported(format!(
                "hubsim does not verify bodies signed chunk by chunk (x-amz-content-sha256: {streaming}); sign the \
                 whole payload instead (botocore does over http)"
            )))
        }
        Some(hash) => hash.to_ascii_lowercase(),
        None if s3 && signed.presigned => "UNSIGNED-PAYLOAD".to_string(),
        None => sha256_hex(&req.body),
    };
    let canonical_request = canonical_request(req, &signed, s3, &payload_hash);
    let scope = format!("{}/{}/{}/aws4_request", signed.date, signed.region, signed.service);
    let string_to_sign =
        format!("{ALGORITHM}\n{}\n{scope}\n{}", signed.timestamp, sha256_hex(canonical_request.as_bytes()));
    let mut key = hmac(format!("AWS4{secret}").as_bytes(), signed.date.as_bytes());
    for part in [signed.region.as_str(), signed.service.as_str(), "aws4_request"] {
        key = hmac(&key, part.as_bytes());
    }
    let matches = from_hex(&signed.signature).is_some_and(|provided| {
        HmacSha256::new_from_slice(&key).is_ok_and(|mut mac| {
            mac.update(string_to_sign.as_bytes());
            mac.verify_slice(&provided).is_ok()
        })
    });
    if !matches {
        return Err(Unverified::Mismatch {
            key: signed.key,
            canonical_request,
            string_to_sign,
            provided: signed.signature,
        });
    }
    if let Some(declared) = declared.filter(|d| !d.starts_with("UNSIGNED") && !d.starts_with("STREAMING-")) {
        let computed = sha256_hex(&req.body);
        if !declared.eq_ignore_ascii_case(&computed) {
            return Err(Unverified::BodyHash { declared: declared.to_string(), computed });
        }
    }
    Ok(())
}

/// The request's signature as it states it, header or presigned query.
fn signed(req: &Request) -> Result<Signed, Unverified> {
    if let Some(header) = req.header("authorization") {
        let header = header.trim();
        let (scheme, rest) = header.split_once(' ').unwrap_or((header, ""));
        if scheme != ALGORITHM {
            return Err(Unverified::Unsupported(format!(
                "the authorization mechanism '{scheme}' is not supported while hubsim verifies signatures; use {ALGORITHM}"
            )));
        }
        let mut credential = "";
        let mut signed_headers = "";
        let mut signature = "";
        for part in rest.split(',').map(str::trim) {
            match part.split_once('=') {
                Some(("Credential", v)) => credential = v.trim(),
                Some(("SignedHeaders", v)) => signed_headers = v.trim(),
                Some(("Signature", v)) => signature = v.trim(),
                _ => {}
            }
        }
        let timestamp = req
            .header("x-amz-date")
            .ok_or_else(|| Unverified::Incomplete("a signed request needs an X-Amz-Date header".into()))?;
        return parts(credential, signed_headers, signature, timestamp, false);
    }
    if req.query.contains("X-Amz-Credential=") {
        let params: HashMap<String, String> = form_urlencoded::parse(req.query.as_bytes())
            .filter(|(k, _)| k.starts_with("X-Amz-"))
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        let param = |name: &str| params.get(name).map(String::as_str).unwrap_or("");
        if param("X-Amz-Algorithm") != ALGORITHM {
            return Err(Unverified::Incomplete(format!("a presigned URL needs X-Amz-Algorithm={ALGORITHM}")));
        }
        return parts(
            param("X-Amz-Credential"),
            param("X-Amz-SignedHeaders"),
            param("X-Amz-Signature"),
            param("X-Amz-Date"),
            true,
        );
    }
    if req.query.split('&').any(|p| p.starts_with("AWSAccessKeyId=")) {
        return Err(Unverified::Unsupported(
            "SigV2 presigned URLs (AWSAccessKeyId=, Signature=) are not accepted while hubsim verifies signatures; \
             presign with Signature Version 4 (botocore: Config(signature_version='s3v4'))"
                .into(),
        ));
    }
    Err(Unverified::Missing)
}

fn parts(
    credential: &str,
    signed_headers: &str,
    signature: &str,
    timestamp: &str,
    presigned: bool,
) -> Result<Signed, Unverified> {
    let fields: Vec<&str> = credential.split('/').collect();
    let [key, date, region, service, "aws4_request"] = fields.as_slice() else {
        return Err(Unverified::Incomplete(format!(
            "the credential '{credential}' is not <key>/<date>/<region>/<service>/aws4_request"
        )));
    };
    if signed_headers.is_empty() || signature.is_empty() || timestamp.trim().is_empty() {
        return Err(Unverified::Incomplete(
            "a signature needs its SignedHeaders, its Signature and the request's X-Amz-Date".into(),
        ));
    }
    Ok(Signed {
        key: key.to_string(),
        date: date.to_string(),
        region: region.to_string(),
        service: service.to_string(),
        signed_headers: signed_headers.split(';').map(|h| h.trim().to_ascii_lowercase()).collect(),
        signature: signature.to_string(),
        timestamp: timestamp.trim().to_string(),
        presigned,
    })
}

fn canonical_request(req: &Request, signed: &Signed, s3: bool, payload_hash: &str) -> String {
    let path = if req.path.is_empty() { "/" } else { req.path.as_str() };
    let uri = if s3 { path.to_string() } else { uri_encode(&normalize_path(path), false) };
    let mut query: Vec<(String, String)> = req
        .query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (uri_encode(&percent_decode(k), true), uri_encode(&percent_decode(v), true))
        })
        .filter(|(k, _)| !(signed.presigned && k == "X-Amz-Signature"))
        .collect();
    query.sort();
    let query: Vec<String> = query.into_iter().map(|(k, v)| format!("{k}={v}")).collect();
    let mut headers = String::new();
    for name in &signed.signed_headers {
        let values: Vec<String> = req
            .headers
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.split_whitespace().collect::<Vec<_>>().join(" "))
            .collect();
        headers.push_str(&format!("{name}:{}\n", values.join(",")));
    }
    format!(
        "{}\n{uri}\n{}\n{headers}\n{}\n{payload_hash}",
        req.method.to_ascii_uppercase(),
        query.join("&"),
        signed.signed_headers.join(";")
    )
}

/// A path without dot segments and empty segments, as every service but S3 signs it.
fn normalize_path(path: &str) -> String {
    let mut out: Vec<&str> = Vec::new();
    for segment in path.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                out.pop();
            }
            s => out.push(s),
        }
    }
    let mut normalized = format!("/{}", out.join("/"));
    if path.ends_with('/') && !out.is_empty() {
        normalized.push('/');
    }
    normalized
}

fn percent_decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s).decode_utf8_lossy().into_owned()
}

/// RFC 3986 encoding: everything but `A-Z a-z 0-9 - _ . ~` (and `/` in a path) as `%XX`.
fn uri_encode(s: &str, encode_slash: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') || (b == b'/' && !encode_slash) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn hmac(key: &[u8], data: &[u8]) -> Vec<u8> {
    // HMAC takes keys of any length, so this never falls back.
    HmacSha256::new_from_slice(key).map_or_else(
        |_| Vec::new(),
        |mut mac| {
            mac.update(data);
            mac.finalize().into_bytes().to_vec()
        },
    )
}

fn sha256_hex(data: &[u8]) -> String {
    hex(&Sha256::digest(data))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn from_hex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    (0..s.len()).step_by(2).map(|i| s.get(i..i + 2).and_then(|h| u8::from_str_radix(h, 16).ok())).collect()
}

/// The error AWS answers, per protocol, and the extra elements S3 puts in its `<Error>`.
pub fn error(unverified: &Unverified, protocol: &str) -> (AwsError, Vec<(&'static str, String)>) {
    const TOKEN: &str = "The security token included in the request is invalid.";
    const SIGNATURE: &str = "The request signature we calculated does not match the signature you provided. \
                             Check your AWS Secret Access Key and signing method. Consult the service documentation for details.";
    // Query (IAM, STS, SNS, CloudWatch's query form): 403 with these codes
    // (https://docs.aws.amazon.com/STS/latest/APIReference/CommonErrors.html); JSON services say
    // UnrecognizedClientException / InvalidSignatureException / MissingAuthenticationTokenException
    // (400, 403 for REST-JSON); EC2 says AuthFailure (401) and, unsigned, MissingParameter
    // (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html); S3 has its own
    // (https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html).
    let json_status = if protocol == "rest-json" { 403 } else { 400 };
    match (unverified, protocol) {
        (Unverified::Missing, "rest-xml") => (AwsError::new("AccessDenied", 403, "Access Denied"), Vec::new()),
        (Unverified::Missing, "ec2") => (
            AwsError::bad_request("MissingParameter", "The request must contain the parameter AWSAccessKeyId"),
            Vec::new(),
        ),
        (Unverified::Missing, "json" | "rest-json") => {
            (AwsError::new("MissingAuthenticationTokenException", json_status, "Missing Authentication Token"), Vec::new())
        }
        (Unverified::Missing, _) => {
            (AwsError::new("MissingAuthenticationToken", 403, "Request is missing Authentication Token"), Vec::new())
        }
        (Unverified::Unsupported(message), "rest-xml") if message.starts_with("hubsim does not verify bodies") => {
            (AwsError::new("NotImplemented", 501, message.clone()), Vec::new())
        }
        (Unverified::Unsupported(message), "rest-xml") => (AwsError::bad_request("InvalidRequest", message.clone()), Vec::new()),
        (Unverified::Incomplete(message), "rest-xml") => {
            (AwsError::bad_request("AuthorizationHeaderMalformed", message.clone()), Vec::new())
        }
        (Unverified::Unsupported(message) | Unverified::Incomplete(message), _) => {
            (AwsError::bad_request("IncompleteSignature", message.clone()), Vec::new())
        }
        (Unverified::UnknownKey(key), "rest-xml") => (
            AwsError::new("InvalidAccessKeyId", 403, "The AWS Access Key Id you provided does not exist in our records."),
            vec![("AWSAccessKeyId", key.clone())],
        ),
        (Unverified::UnknownKey(_) | Unverified::Mismatch { .. }, "ec2") => {
            (AwsError::new("AuthFailure", 401, "AWS was not able to validate the provided access credentials"), Vec::new())
        }
        (Unverified::UnknownKey(_), "json" | "rest-json") => {
            (AwsError::new("UnrecognizedClientException", json_status, TOKEN), Vec::new())
        }
        (Unverified::UnknownKey(_), _) => (AwsError::new("InvalidClientTokenId", 403, TOKEN), Vec::new()),
        (Unverified::Mismatch { key, canonical_request, string_to_sign, provided }, "rest-xml") => (
            AwsError::new(
                "SignatureDoesNotMatch",
                403,
                "The request signature we calculated does not match the signature you provided. Check your key and signing method.",
            ),
            vec![
                ("AWSAccessKeyId", key.clone()),
                ("StringToSign", string_to_sign.clone()),
                ("SignatureProvided", provided.clone()),
                ("CanonicalRequest", canonical_request.clone()),
            ],
        ),
        (Unverified::Mismatch { .. }, "json" | "rest-json") => {
            (AwsError::new("InvalidSignatureException", json_status, SIGNATURE), Vec::new())
        }
        (Unverified::Mismatch { .. }, _) => (AwsError::new("SignatureDoesNotMatch", 403, SIGNATURE), Vec::new()),
        (Unverified::BodyHash { declared, computed }, "rest-xml") => (
            AwsError::bad_request(
                "XAmzContentSHA256Mismatch",
                "The provided 'x-amz-content-sha256' header does not match what was computed.",
            ),
            vec![("ClientComputedContentSHA256", declared.clone()), ("S3ComputedContentSHA256", computed.clone())],
        ),
        (Unverified::BodyHash { .. }, "json" | "rest-json") => {
            (AwsError::new("InvalidSignatureException", json_status, SIGNATURE), Vec::new())
        }
        (Unverified::BodyHash { .. }, "ec2") => {
            (AwsError::new("AuthFailure", 401, "AWS was not able to validate the provided access credentials"), Vec::new())
        }
        (Unverified::BodyHash { .. }, _) => (AwsError::new("SignatureDoesNotMatch", 403, SIGNATURE), Vec::new()),
    }
}

impl std::fmt::Display for Unverified {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Unverified::Missing => write!(f, "the request is not signed and hubsim verifies signatures"),
            Unverified::Unsupported(m) | Unverified::Incomplete(m) => write!(f, "{m}"),
            Unverified::UnknownKey(key) => write!(f, "the access key '{key}' is not one hubsim was given"),
            Unverified::Mismatch { key, .. } => write!(f, "the signature made with '{key}' does not match"),
            Unverified::BodyHash { .. } => write!(f, "the body is not the one whose hash was signed"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// AWS's worked example ("Examples of the complete Signature Version 4 signing process",
    /// IAM ListUsers, GET with a query): key AKIDEXAMPLE, secret
    /// wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY, 20150830T123600Z, us-east-1, iam.
    fn list_users(signature: &str) -> Request {
        Request {
            method: "GET".into(),
            path: "/".into(),
            query: "Action=ListUsers&Version=2010-05-08".into(),
            headers: vec![
                ("content-type".into(), "application/x-www-form-urlencoded; charset=utf-8".into()),
                ("host".into(), "iam.amazonaws.com".into()),
                ("x-amz-date".into(), "20150830T123600Z".into()),
                (
                    "authorization".into(),
                    format!(
                        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, \
                         SignedHeaders=content-type;host;x-amz-date, Signature={signature}"
                    ),
                ),
            ],
            body: Vec::new(),
        }
    }

    const EXAMPLE_SIGNATURE: &str = "5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7";

    fn example_keys() -> Keys {
        let mut keys = Keys::new();
        keys.insert("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
        keys
    }

    #[test]
    fn aws_worked_example_verifies() {
        assert_eq!(verify(&example_keys(), &list_users(EXAMPLE_SIGNATURE)), Ok(()));
        let wrong = EXAMPLE_SIGNATURE.replace('5', "6");
        let Err(Unverified::Mismatch { canonical_request, string_to_sign, .. }) =
            verify(&example_keys(), &list_users(&wrong))
        else {
            panic!("a wrong signature verified")
        };
        assert_eq!(
            canonical_request,
            "GET\n/\nAction=ListUsers&Version=2010-05-08\ncontent-type:application/x-www-form-urlencoded; charset=utf-8\n\
             host:iam.amazonaws.com\nx-amz-date:20150830T123600Z\n\ncontent-type;host;x-amz-date\n\
             e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert!(string_to_sign.ends_with("f536975d06c0309214f805bb90ccff089219ecd68b2577efef23edd43b7e1a59"));
        assert_eq!(
            verify(&Keys::new(), &list_users(EXAMPLE_SIGNATURE)),
            Err(Unverified::UnknownKey("AKIDEXAMPLE".into()))
        );
        assert_eq!(verify(&example_keys(), &Request::default()), Err(Unverified::Missing));
    }

    #[test]
    fn paths_are_encoded_again_except_for_s3() {
        assert_eq!(normalize_path("/a//b/./c/../d/"), "/a/b/d/");
        assert_eq!(normalize_path(""), "/");
        assert_eq!(uri_encode("/standards/control/arn%3Aaws", false), "/standards/control/arn%253Aaws");
        assert_eq!(uri_encode("a b+c/d~", true), "a%20b%2Bc%2Fd~");
    }

    #[test]
    fn shared_credentials_files_give_every_profile() {
        let mut keys = Keys::new();
        let added = keys
            .add_shared_credentials(
                "# team keys\n[default]\naws_access_key_id = AKIAONE\naws_secret_access_key = one\n\n\
                 [other]\r\naws_access_key_id=AKIATWO\r\naws_secret_access_key=two\r\nregion = eu-west-1\n\
                 [sso]\nsso_session = x\n",
            )
            .expect("parse");
        assert_eq!((added, keys.len()), (2, 2));
        assert_eq!(keys.secret("AKIATWO"), Some("two"));
        assert!(!format!("{keys:?}").contains("one"), "secrets are never printed");
        assert!(matches!(
            Keys::new().add_shared_credentials("[x]\naws_access_key_id = A\n"),
            Err(KeysError::HalfPair { .. })
        ));
        assert!(matches!(Keys::new().add_shared_credentials("garbage"), Err(KeysError::Syntax { line: 1, .. })));
    }
}
