//! Where the client's settings come from, as the AWS CLI and SDKs read them
//! (https://docs.aws.amazon.com/sdkref/latest/guide/settings-reference.html):
//! - credentials: an explicitly named profile; else `AWS_ACCESS_KEY_ID` /
//!   `AWS_SECRET_ACCESS_KEY` / `AWS_SESSION_TOKEN`; else the profile `AWS_PROFILE` names, or
//!   `default`, from the shared credentials file (`AWS_SHARED_CREDENTIALS_FILE`, else
//!   `~/.aws/credentials`) then the config file (`AWS_CONFIG_FILE`, else `~/.aws/config`);
//! - region: the caller's, else `AWS_REGION`, `AWS_DEFAULT_REGION`, the profile's `region`;
//! - endpoint: the caller's, else `AWS_ENDPOINT_URL_<SERVICE>` (the model's `serviceId`,
//!   upper-cased, spaces as `_`), `AWS_ENDPOINT_URL`, the profile's `endpoint_url`, else AWS's
//!   own host for the service and region
//!   (https://docs.aws.amazon.com/sdkref/latest/guide/feature-ss-endpoints.html).
//!
//! Only static keys are read: a profile that gets its credentials another way (`role_arn`,
//! `sso_session`, `credential_process`) is refused by name rather than sent unsigned.
//!
//! The files are read by a small parser of their own (below): AWS's shared files are INI with
//! their own rules (`[profile name]` in the config file but `[name]` in the credentials file,
//! indented sub-properties under `s3 =`, `services` sections), which generic INI crates do not
//! know, and the parser is thirty lines.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use thiserror::Error;

/// Why the client could not be configured.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum ConfigError {
    /// No credentials anywhere the client looks.
    #[error("no AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or name a profile with static keys (--profile, AWS_PROFILE) in {0}")]
    NoCredentials(String),
    /// The profile named does not exist in either file.
    #[error("profile {profile:?} is in neither {credentials} nor {config}")]
    NoProfile {
        /// The profile.
        profile: String,
        /// The credentials file looked at.
        credentials: String,
        /// The config file looked at.
        config: String,
    },
    /// The profile gets credentials in a way this client does not implement.
    #[error("profile {profile:?} gets its credentials through `{key}`, which hubsim does not support: export static keys (aws configure export-credentials --profile {profile} --format env)")]
    UnsupportedProfile {
        /// The profile.
        profile: String,
        /// The setting (`role_arn`, `sso_session`, ...).
        key: String,
    },
    /// A profile with only half a key pair.
    #[error("profile {0:?} has aws_access_key_id or aws_secret_access_key but not both")]
    HalfKey(String),
    /// A file that exists but cannot be read.
    #[error("{path}: {message}")]
    Unreadable {
        /// The file.
        path: String,
        /// Why.
        message: String,
    },
    /// An endpoint URL that is not `http://` or `https://`.
    #[error("endpoint {0:?} is not an http:// or https:// URL")]
    BadEndpoint(String),
}

/// Static AWS credentials.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    /// Access key id.
    pub access_key_id: String,
    /// Secret access key (never printed: `Debug` hides it).
    pub secret_access_key: String,
    /// Session token, for temporary credentials.
    pub session_token: Option<String>,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials").field("access_key_id", &self.access_key_id).finish_non_exhaustive()
    }
}

/// Where settings are read from: the environment and the two shared files. A value of this
/// type is what tests build by hand instead of touching the process environment.
#[derive(Debug, Clone, Default)]
pub struct Sources {
    /// Environment variables.
    pub env: BTreeMap<String, String>,
    /// The shared credentials file's profiles.
    pub credentials: BTreeMap<String, BTreeMap<String, String>>,
    /// The shared config file's profiles (`[profile x]` read as `x`).
    pub config: BTreeMap<String, BTreeMap<String, String>>,
    /// The files' paths, for messages.
    pub paths: (String, String),
}

impl Sources {
    /// The process environment and the shared files it points at (missing files are empty).
    pub fn from_environment() -> Result<Sources, ConfigError> {
        let env: BTreeMap<String, String> = std::env::vars().filter(|(k, _)| k.starts_with("AWS_")).collect();
        let home = std::env::var_os("HOME").map(PathBuf::from).unwrap_or_default();
        let credentials_path =
            env.get("AWS_SHARED_CREDENTIALS_FILE").map(PathBuf::from).unwrap_or_else(|| home.join(".aws/credentials"));
        let config_path = env.get("AWS_CONFIG_FILE").map(PathBuf::from).unwrap_or_else(|| home.join(".aws/config"));
        Ok(Sources {
            credentials: read_profiles(&credentials_path, false)?,
            config: read_profiles(&config_path, true)?,
            paths: (credentials_path.display().to_string(), config_path.display().to_string()),
            env,
        })
    }

    /// The profile to read: `explicit`, else `AWS_PROFILE`, else `default`.
    fn profile_name(&self, explicit: Option<&str>) -> String {
        explicit
            .map(str::to_string)
            .or_else(|| self.env.get("AWS_PROFILE").cloned())
            .unwrap_or_else(|| "default".into())
    }

    /// A setting of the profile: the credentials file first, then the config file.
    fn profile_value(&self, profile: &str, key: &str) -> Option<&str> {
        [&self.credentials, &self.config]
            .into_iter()
            .find_map(|file| file.get(profile).and_then(|p| p.get(key)))
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }

    fn has_profile(&self, profile: &str) -> bool {
        self.credentials.contains_key(profile) || self.config.contains_key(profile)
    }

    /// The credentials to sign with (see the module documentation for the order).
    pub fn credentials(&self, explicit_profile: Option<&str>) -> Result<Credentials, ConfigError> {
        if explicit_profile.is_none() {
            if let (Some(id), Some(secret)) = (self.env.get("AWS_ACCESS_KEY_ID"), self.env.get("AWS_SECRET_ACCESS_KEY"))
            {
                return Ok(Credentials {
                    access_key_id: id.clone(),
                    secret_access_key: secret.clone(),
                    session_token: self.env.get("AWS_SESSION_TOKEN").cloned(),
                });
            }
        }
        let profile = self.profile_name(explicit_profile);
        if !self.has_profile(&profile) {
            if explicit_profile.is_some() || self.env.contains_key("AWS_PROFILE") {
                return Err(ConfigError::NoProfile {
                    profile,
                    credentials: self.paths.0.clone(),
                    config: self.paths.1.clone(),
                });
            }
            return Err(ConfigError::NoCredentials(format!("{} or {}", self.paths.0, self.paths.1)));
        }
        let id = self.profile_value(&profile, "aws_access_key_id");
        let secret = self.profile_value(&profile, "aws_secret_access_key");
        match (id, secret) {
            (Some(id), Some(secret)) => Ok(Credentials {
                access_key_id: id.to_string(),
                secret_access_key: secret.to_string(),
                session_token: self.profile_value(&profile, "aws_session_token").map(str::to_string),
            }),
            (None, None) => {
                for key in ["role_arn", "sso_session", "sso_start_url", "credential_process", "web_identity_token_file"]
                {
                    if self.profile_value(&profile, key).is_some() {
                        return Err(ConfigError::UnsupportedProfile { profile, key: key.into() });
                    }
                }
                Err(ConfigError::NoCredentials(format!("profile {profile:?} of {} or {}", self.paths.0, self.paths.1)))
            }
            _ => Err(ConfigError::HalfKey(profile)),
        }
    }

    /// The region: `explicit`, else `AWS_REGION`, `AWS_DEFAULT_REGION`, the profile's `region`.
    pub fn region(&self, explicit: Option<&str>, profile: Option<&str>) -> Option<String> {
        explicit
            .map(str::to_string)
            .or_else(|| self.env.get("AWS_REGION").cloned())
            .or_else(|| self.env.get("AWS_DEFAULT_REGION").cloned())
            .or_else(|| self.profile_value(&self.profile_name(profile), "region").map(str::to_string))
            .filter(|r| !r.is_empty())
    }

    /// The endpoint configured for a service whose model's `serviceId` is `service_id`, if any
    /// (`AWS_ENDPOINT_URL_<SERVICE>`, `AWS_ENDPOINT_URL`, the profile's `endpoint_url`).
    pub fn endpoint(&self, service_id: &str, profile: Option<&str>) -> Result<Option<String>, ConfigError> {
        let specific = format!("AWS_ENDPOINT_URL_{}", service_id.to_ascii_uppercase().replace([' ', '-'], "_"));
        let url = self
            .env
            .get(&specific)
            .or_else(|| self.env.get("AWS_ENDPOINT_URL"))
            .map(String::as_str)
            .or_else(|| self.profile_value(&self.profile_name(profile), "endpoint_url"));
        url.map(checked_endpoint).transpose()
    }
}

/// `url` without a trailing `/`, if it is an http(s) URL.
pub fn checked_endpoint(url: &str) -> Result<String, ConfigError> {
    let trimmed = url.trim().trim_end_matches('/');
    let rest = trimmed.strip_prefix("http://").or_else(|| trimmed.strip_prefix("https://"));
    match rest {
        Some(host) if !host.is_empty() && !host.contains(char::is_whitespace) => Ok(trimmed.to_string()),
        _ => Err(ConfigError::BadEndpoint(url.to_string())),
    }
}

/// Reads a shared file's profiles; a file that does not exist has none.
fn read_profiles(path: &Path, config_file: bool) -> Result<BTreeMap<String, BTreeMap<String, String>>, ConfigError> {
    match std::fs::read_to_string(path) {
        Ok(text) => Ok(parse_profiles(&text, config_file)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(BTreeMap::new()),
        Err(e) => Err(ConfigError::Unreadable { path: path.display().to_string(), message: e.to_string() }),
    }
}

/// Parses a shared credentials file (`config_file` false: `[name]`) or config file (`[default]`
/// and `[profile name]`; other sections such as `[sso-session x]` and `[services x]` are
/// skipped). Keys are lower-cased; indented lines are sub-properties (`s3 =` then
/// `  addressing_style = path`) and are skipped; `#` and `;` start comments.
pub fn parse_profiles(text: &str, config_file: bool) -> BTreeMap<String, BTreeMap<String, String>> {
    let mut out: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    let mut current: Option<String> = None;
    for line in text.lines() {
        let indented = line.starts_with([' ', '\t']);
        let line = line.trim();
        if line.is_empty() || line.starts_with(['#', ';']) {
            continue;
        }
        if let Some(section) = line.strip_prefix('[').and_then(|l| l.split(']').next()) {
            let section = section.trim();
            current = if !config_file || section == "default" {
                Some(section.to_string())
            } else {
                section.strip_prefix("profile").filter(|r| r.starts_with([' ', '\t'])).map(|r| r.trim().to_string())
            };
            if let Some(name) = &current {
                out.entry(name.clone()).or_default();
            }
            continue;
        }
        if indented {
            continue;
        }
        let (Some(profile), Some((key, value))) = (&current, line.split_once('=')) else { continue };
        let value = value.split(" #").next().unwrap_or_default().split(" ;").next().unwrap_or_default();
        out.entry(profile.clone()).or_default().insert(key.trim().to_ascii_lowercase(), value.trim().to_string());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sources(env: &[(&str, &str)], credentials: &str, config: &str) -> Sources {
        Sources {
            env: env.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
            credentials: parse_profiles(credentials, false),
            config: parse_profiles(config, true),
            paths: ("creds".into(), "config".into()),
        }
    }

    const CREDS: &str = "[default]\naws_access_key_id = AKIDDEFAULT\naws_secret_access_key = s1\n\n# comment\n[audit]\naws_access_key_id=AKIDAUDIT ; inline\naws_secret_access_key=s2\naws_session_token = tok\n";
    const CONFIG: &str = "[default]\nregion = eu-west-1\n[profile audit]\nregion = us-west-2\nendpoint_url = http://localhost:4566/\ns3 =\n  addressing_style = path\n[profile sso]\nsso_session = corp\n[sso-session corp]\nsso_region = us-east-1\n";

    #[test]
    fn environment_keys_win_unless_a_profile_is_named() {
        let s = sources(&[("AWS_ACCESS_KEY_ID", "AKIDENV"), ("AWS_SECRET_ACCESS_KEY", "s0")], CREDS, CONFIG);
        assert_eq!(s.credentials(None).map(|c| c.access_key_id), Ok("AKIDENV".into()));
        let audit = s.credentials(Some("audit"));
        assert_eq!(audit.as_ref().map(|c| c.access_key_id.as_str()), Ok("AKIDAUDIT"));
        assert_eq!(audit.map(|c| c.session_token), Ok(Some("tok".into())), "inline comments are dropped");
    }

    #[test]
    fn aws_profile_and_default() {
        let s = sources(&[("AWS_PROFILE", "audit")], CREDS, CONFIG);
        assert_eq!(s.credentials(None).map(|c| c.access_key_id), Ok("AKIDAUDIT".into()));
        assert_eq!(s.region(None, None).as_deref(), Some("us-west-2"));
        assert_eq!(s.endpoint("S3", None), Ok(Some("http://localhost:4566".into())));
        let s = sources(&[], CREDS, CONFIG);
        assert_eq!(s.credentials(None).map(|c| c.access_key_id), Ok("AKIDDEFAULT".into()));
        assert_eq!(s.region(None, None).as_deref(), Some("eu-west-1"));
        assert_eq!(s.region(Some("ap-south-1"), None).as_deref(), Some("ap-south-1"));
        assert_eq!(s.endpoint("S3", None), Ok(None));
    }

    #[test]
    fn service_endpoints_beat_the_global_one() {
        let s =
            sources(&[("AWS_ENDPOINT_URL", "http://all:1"), ("AWS_ENDPOINT_URL_SECURITYHUB", "http://hub:2")], "", "");
        assert_eq!(s.endpoint("SecurityHub", None), Ok(Some("http://hub:2".into())));
        assert_eq!(s.endpoint("Elastic Load Balancing v2", None), Ok(Some("http://all:1".into())));
        let s = sources(&[("AWS_ENDPOINT_URL_ELASTIC_LOAD_BALANCING_V2", "http://elb:3")], "", "");
        assert_eq!(s.endpoint("Elastic Load Balancing v2", None), Ok(Some("http://elb:3".into())));
        let s = sources(&[("AWS_ENDPOINT_URL", "ftp://x")], "", "");
        assert_eq!(s.endpoint("S3", None), Err(ConfigError::BadEndpoint("ftp://x".into())));
    }

    #[test]
    fn missing_and_unsupported_profiles_are_named() {
        let s = sources(&[], CREDS, CONFIG);
        assert!(matches!(s.credentials(Some("nope")), Err(ConfigError::NoProfile { .. })));
        assert_eq!(
            s.credentials(Some("sso")),
            Err(ConfigError::UnsupportedProfile { profile: "sso".into(), key: "sso_session".into() })
        );
        assert!(matches!(sources(&[], "", "").credentials(None), Err(ConfigError::NoCredentials(_))));
        let half = sources(&[], "[default]\naws_access_key_id = A\n", "");
        assert_eq!(half.credentials(None), Err(ConfigError::HalfKey("default".into())));
        assert!(!format!("{:?}", s.credentials(None)).contains("s1"), "Debug never shows the secret");
    }

    #[test]
    fn config_sections_that_are_not_profiles_are_skipped() {
        let parsed = parse_profiles(CONFIG, true);
        assert_eq!(parsed.keys().collect::<Vec<_>>(), ["audit", "default", "sso"]);
        assert_eq!(parsed["audit"].get("s3").map(String::as_str), Some(""), "sub-properties are not keys");
        assert!(!parsed["audit"].contains_key("addressing_style"));
    }
}
