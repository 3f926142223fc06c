//! What a request says about its signature (the Signature Version 4 `Authorization` header):
//! the credential scope that routes it, or why its `Authorization` header is malformed.
//!
//! Here signatures are not verified (any key is accepted; `serve --verify-signatures` adds
//! [`crate::signature`]); only the header's shape is checked, as AWS checks it before anything
//! else:
//!
//! * no `Authorization` header and no `X-Amz-Credential` query parameter → unsigned (routed by
//!   sniffing, as before);
//! * `AWS4-HMAC-SHA256 Credential=<key>/<date>/<region>/<service>/aws4_request,
//!   SignedHeaders=..., Signature=...` → the scope routes the request;
//! * a presigned URL's `X-Amz-Credential=` query parameter → the same scope (only the credential
//!   is checked; the other `X-Amz-*` parameters are not required);
//! * `AWS <key>:<signature>` (SigV2, which old S3 clients still send) → accepted, unscoped;
//! * anything else → [`Malformed`]: S3 answers `InvalidArgument` (an unknown scheme or a SigV2
//!   header without `:`) or `AuthorizationHeaderMalformed`; every other service
//!   `IncompleteSignature`, all 400.
//!
//! Deliberately lenient: a missing `X-Amz-Date`/`Date` header alone does not make a request
//! malformed (AWS would refuse it); it is only named in the message of a header that is malformed
//! anyway.

use hubsim_simulator::AwsError;

use crate::protocol::Request;

/// The SigV4 algorithm name.
const ALGORITHM: &str = "AWS4-HMAC-SHA256";

/// The last element of a credential scope.
const TERMINATOR: &str = "aws4_request";

/// The `<region>/<service>` part of a SigV4 credential scope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scope {
    /// The region whose state answers.
    pub region: String,
    /// The signing name (`s3`, `iam`, `monitoring`, ...).
    pub service: String,
}

/// How a well-formed request is signed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Signing {
    /// No `Authorization` header and no presigned query.
    Unsigned,
    /// SigV2 (`AWS <key>:<signature>`): no scope.
    V2,
    /// SigV4, header or presigned query.
    V4(Scope),
}

/// What is wrong with a request's signature.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Flaw {
    /// The scheme is neither `AWS4-HMAC-SHA256` nor `AWS`.
    #[error("unsupported authorization type")]
    UnsupportedType,
    /// `AWS <something without a colon>`.
    #[error("a SigV2 header without '<key>:<signature>'")]
    MalformedV2,
    /// A SigV4 header without some of its three components.
    #[error("a SigV4 header without Credential, SignedHeaders or Signature")]
    MissingComponents {
        /// `Credential=` is missing.
        credential: bool,
        /// `SignedHeaders=` is missing.
        signed_headers: bool,
        /// `Signature=` is missing.
        signature: bool,
    },
    /// The credential does not have 5 `/`-separated elements, or one is empty.
    #[error("a credential without 5 non-empty elements")]
    CredentialParts,
    /// The credential's last element is not `aws4_request`.
    #[error("a credential scope that does not end in aws4_request")]
    Terminator(String),
}

/// A request whose signature is malformed: it is refused before anything else happens.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("malformed authorization ({flaw}): {value}")]
pub struct Malformed {
    /// What is wrong.
    pub flaw: Flaw,
    /// The header (or the `X-Amz-Credential` parameter) as sent.
    pub value: String,
    /// Whether it came from a presigned URL's query string.
    pub presigned: bool,
    /// The credential as sent, when there is one.
    pub credential: Option<String>,
    /// Whether the request has an `X-Amz-Date` or `Date` header.
    pub dated: bool,
    /// The scope the credential seems to name despite its flaw (to shape the error as that
    /// service would).
    pub hint: Option<Scope>,
}

/// Reads the request's signature: how it is signed, or why that is malformed.
pub fn inspect(req: &Request) -> Result<Signing, Box<Malformed>> {
    if let Some(header) = req.header("authorization") {
        return inspect_header(req, header);
    }
    // Presigned URL: `X-Amz-Credential` in the query string (parameter names are case-sensitive).
    if req.query.contains("X-Amz-Credential=") {
        let credential = form_urlencoded::parse(req.query.as_bytes())
            .find(|(k, _)| k == "X-Amz-Credential")
            .map(|(_, v)| v.into_owned())
            .unwrap_or_default();
        return scope_of(&credential).map(Signing::V4).map_err(|flaw| {
            Box::new(Malformed {
                flaw,
                value: credential.clone(),
                presigned: true,
                hint: hint_of(&credential),
                credential: Some(credential),
                dated: dated(req),
            })
        });
    }
    Ok(Signing::Unsigned)
}

fn dated(req: &Request) -> bool {
    req.header("x-amz-date").is_some() || req.header("date").is_some()
}

fn inspect_header(req: &Request, header: &str) -> Result<Signing, Box<Malformed>> {
    let trimmed = header.trim();
    let fail = |flaw, credential: Option<&str>| {
        Box::new(Malformed {
            flaw,
            value: header.to_string(),
            presigned: false,
            credential: credential.map(str::to_string),
            dated: dated(req),
            hint: credential.and_then(hint_of),
        })
    };
    let (scheme, rest) = trimmed.split_once(' ').unwrap_or((trimmed, ""));
    if scheme == "AWS" {
        // SigV2: `AWS <key>:<signature>`.
        return match rest.trim().split_once(':') {
            Some((key, sig)) if !key.is_empty() && !sig.is_empty() => Ok(Signing::V2),
            _ => Err(fail(Flaw::MalformedV2, None)),
        };
    }
    if scheme != ALGORITHM {
        return Err(fail(Flaw::UnsupportedType, None));
    }
    let mut credential = None;
    let mut signed_headers = false;
    let mut signature = false;
    for part in rest.split(',').map(str::trim) {
        let Some((name, value)) = part.split_once('=') else { continue };
        match name.trim() {
            "Credential" => credential = Some(value.trim()),
            "SignedHeaders" => signed_headers = !value.trim().is_empty(),
            "Signature" => signature = !value.trim().is_empty(),
            _ => {}
        }
    }
    if credential.is_none() || !signed_headers || !signature {
        let flaw = Flaw::MissingComponents {
            credential: credential.is_none(),
            signed_headers: !signed_headers,
            signature: !signature,
        };
        return Err(fail(flaw, credential));
    }
    let credential = credential.unwrap_or_default();
    scope_of(credential).map(Signing::V4).map_err(|flaw| fail(flaw, Some(credential)))
}

/// The scope of `<key>/<date>/<region>/<service>/aws4_request`.
fn scope_of(credential: &str) -> Result<Scope, Flaw> {
    let parts: Vec<&str> = credential.split('/').collect();
    let [key, date, region, service, terminator] = parts.as_slice() else { return Err(Flaw::CredentialParts) };
    if [key, date, region, service].iter().any(|p| p.trim().is_empty()) {
        return Err(Flaw::CredentialParts);
    }
    if *terminator != TERMINATOR {
        return Err(Flaw::Terminator(terminator.to_string()));
    }
    Ok(Scope { region: region.to_string(), service: service.to_string() })
}

/// The region and service a flawed credential seems to name (its 3rd and 4th elements).
fn hint_of(credential: &str) -> Option<Scope> {
    let mut parts = credential.split('/').skip(2);
    let (region, service) = (parts.next()?, parts.next()?);
    (!region.is_empty() && !service.is_empty())
        .then(|| Scope { region: region.to_string(), service: service.to_string() })
}

/// The S3 `Credential` format, as S3 quotes it.
const S3_CREDENTIAL_FORMAT: &str = "expecting \"<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request\".";

impl Malformed {
    /// The error S3 (and S3 Control) answers, and the extra `<Error>` elements it carries.
    pub fn s3_error(&self) -> (AwsError, Vec<(&'static str, String)>) {
        let argument = || vec![("ArgumentName", "Authorization".to_string()), ("ArgumentValue", self.value.clone())];
        match &self.flaw {
            Flaw::UnsupportedType => {
                (AwsError::bad_request("InvalidArgument", "Unsupported Authorization Type"), argument())
            }
            Flaw::MalformedV2 => (
                AwsError::bad_request(
                    "InvalidArgument",
                    "AWS authorization header is invalid.  Expected AwsAccessKeyId:signature",
                ),
                argument(),
            ),
            Flaw::MissingComponents { .. } => (
                AwsError::bad_request(
                    "AuthorizationHeaderMalformed",
                    "The authorization header is malformed; the authorization header requires three components: \
                     Credential, SignedHeaders, and Signature.",
                ),
                Vec::new(),
            ),
            Flaw::CredentialParts | Flaw::Terminator(_) if self.presigned => (
                AwsError::bad_request(
                    "AuthorizationQueryParametersError",
                    format!("Error parsing the X-Amz-Credential parameter; the Credential is mal-formed; {S3_CREDENTIAL_FORMAT}"),
                ),
                Vec::new(),
            ),
            Flaw::CredentialParts | Flaw::Terminator(_) => (
                AwsError::bad_request(
                    "AuthorizationHeaderMalformed",
                    format!("The authorization header is malformed; the Credential is mal-formed; {S3_CREDENTIAL_FORMAT}"),
                ),
                Vec::new(),
            ),
        }
    }

    /// The error every service but S3 answers: 400 `IncompleteSignature`.
    pub fn error(&self) -> AwsError {
        let mut message = String::new();
        let missing = match &self.flaw {
            Flaw::UnsupportedType | Flaw::MalformedV2 => Some((true, true, true)),
            Flaw::MissingComponents { credential, signed_headers, signature } => {
                Some((*credential, *signature, *signed_headers))
            }
            Flaw::CredentialParts => {
                message.push_str(&format!(
                    "Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '{}'",
                    self.credential.as_deref().unwrap_or("")
                ));
                None
            }
            Flaw::Terminator(t) => {
                message.push_str(&format!(
                    "Credential should be scoped with a valid terminator: '{TERMINATOR}', not '{t}'."
                ));
                None
            }
        };
        if let Some((credential, signature, signed_headers)) = missing {
            for (is_missing, name) in
                [(credential, "Credential"), (signature, "Signature"), (signed_headers, "SignedHeaders")]
            {
                if is_missing {
                    message.push_str(&format!("Authorization header requires '{name}' parameter. "));
                }
            }
            if !self.dated {
                message
                    .push_str("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. ");
            }
            message.push_str(&format!("Authorization={}", self.value));
        }
        AwsError::bad_request("IncompleteSignature", message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_auth(value: &str) -> Request {
        Request {
            method: "POST".into(),
            path: "/".into(),
            headers: vec![("authorization".into(), value.into()), ("x-amz-date".into(), "20260101T000000Z".into())],
            ..Default::default()
        }
    }

    fn flaw(value: &str) -> Flaw {
        inspect(&with_auth(value)).expect_err("malformed").flaw
    }

    #[test]
    fn well_formed_headers_give_their_scope() {
        let r = with_auth(
            "AWS4-HMAC-SHA256 Credential=AKID/20260101/eu-west-1/iam/aws4_request, SignedHeaders=host;x-amz-date, Signature=ab",
        );
        assert_eq!(inspect(&r), Ok(Signing::V4(Scope { region: "eu-west-1".into(), service: "iam".into() })));
        // botocore's S3 headers have no spaces after the commas.
        let r = with_auth(
            "AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-2/s3/aws4_request,SignedHeaders=host,Signature=ab",
        );
        assert_eq!(inspect(&r), Ok(Signing::V4(Scope { region: "us-east-2".into(), service: "s3".into() })));
        assert_eq!(inspect(&with_auth("AWS AKIDEXAMPLE:c2lnbmF0dXJl")), Ok(Signing::V2));
        assert_eq!(inspect(&Request::default()), Ok(Signing::Unsigned));
    }

    #[test]
    fn presigned_queries_give_their_scope() {
        let r = Request {
            query: "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKID%2F20260101%2Fap-south-1%2Fs3%2Faws4_request&X-Amz-Signature=ab".into(),
            ..Default::default()
        };
        assert_eq!(inspect(&r), Ok(Signing::V4(Scope { region: "ap-south-1".into(), service: "s3".into() })));
        let r = Request { query: "X-Amz-Credential=AKID%2Fus-east-1".into(), ..Default::default() };
        let e = inspect(&r).expect_err("malformed");
        assert!(e.presigned);
        assert_eq!(e.s3_error().0.code, "AuthorizationQueryParametersError");
    }

    #[test]
    fn malformed_headers_say_what_is_wrong() {
        assert_eq!(flaw("garbage"), Flaw::UnsupportedType);
        assert_eq!(flaw("Bearer abc"), Flaw::UnsupportedType);
        assert_eq!(flaw("AWS AKIDONLY"), Flaw::MalformedV2);
        assert_eq!(
            flaw("AWS4-HMAC-SHA256 SignedHeaders=host, Signature=ab"),
            Flaw::MissingComponents { credential: true, signed_headers: false, signature: false }
        );
        assert_eq!(
            flaw("AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/sts/aws4_request"),
            Flaw::MissingComponents { credential: false, signed_headers: true, signature: true }
        );
        let sig = ", SignedHeaders=host, Signature=ab";
        assert_eq!(
            flaw(&format!("AWS4-HMAC-SHA256 Credential=AKID/us-east-1/sts/aws4_request{sig}")),
            Flaw::CredentialParts
        );
        assert_eq!(
            flaw(&format!("AWS4-HMAC-SHA256 Credential=AKID/20260101//sts/aws4_request{sig}")),
            Flaw::CredentialParts
        );
        assert_eq!(
            flaw(&format!("AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/sts/aws5_request{sig}")),
            Flaw::Terminator("aws5_request".into())
        );
        let e = inspect(&with_auth(&format!("AWS4-HMAC-SHA256 Credential=AKID/20260101/eu-west-1/iam/x{sig}")))
            .expect_err("malformed");
        assert_eq!(e.hint, Some(Scope { region: "eu-west-1".into(), service: "iam".into() }));
    }

    #[test]
    fn errors_are_worded_like_aws() {
        let mut garbage = Request { headers: vec![("authorization".into(), "garbage".into())], ..Default::default() };
        let e = inspect(&garbage).expect_err("malformed").error();
        assert_eq!((e.code.as_str(), e.status), ("IncompleteSignature", 400));
        assert_eq!(
            e.message,
            "Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. \
             Authorization header requires 'SignedHeaders' parameter. Authorization header requires existence of either \
             a 'X-Amz-Date' or a 'Date' header. Authorization=garbage"
        );
        garbage.headers.push(("x-amz-date".into(), "20260101T000000Z".into()));
        assert!(!inspect(&garbage).expect_err("malformed").error().message.contains("X-Amz-Date"));
        let (e, extra) = inspect(&garbage).expect_err("malformed").s3_error();
        assert_eq!((e.code.as_str(), e.message.as_str()), ("InvalidArgument", "Unsupported Authorization Type"));
        assert_eq!(extra, vec![("ArgumentName", "Authorization".into()), ("ArgumentValue", "garbage".into())]);
        let e = inspect(&with_auth("AWS4-HMAC-SHA256 Credential=AKID/x, SignedHeaders=host, Signature=ab"))
            .expect_err("malformed");
        assert_eq!(e.s3_error().0.code, "AuthorizationHeaderMalformed");
        assert!(e
            .s3_error()
            .0
            .message
            .starts_with("The authorization header is malformed; the Credential is mal-formed"));
        assert!(e.error().message.starts_with("Credential must have exactly 5 slash-delimited elements"));
    }
}
