//! IAM credentials for the property tests: users with console passwords, MFA devices and
//! access keys of chosen ages and uses, and root access keys; and what of them the account
//! holds, read back through the API, so that (d) can prove no user, key or login profile is
//! deleted and (b) can check the credential justifications' preconditions.

use std::collections::BTreeMap;

use hubsim_scenario::Step;
use hubsim_simulator::Simulator;
use proptest::prelude::*;
use serde_json::{json, Value};

/// A failed expectation, as text (as in `state.rs`; this file stands alone so that the
/// evaluation bench, which includes the generator by path, can include it too).
pub type R<T> = Result<T, String>;

fn call(sim: &Simulator, region: &str, service: &str, op: &str, input: Value) -> R<Value> {
    sim.call_json(region, service, op, input.clone())
        .map_err(|e| format!("{service}:{op} {input} in {region} failed: {}: {}", e.code, e.message))
}

/// One access key of a generated user.
#[derive(Debug, Clone)]
pub struct KeyPlan {
    /// Left active, or made inactive.
    pub active: bool,
    /// Signs a request after the clock moved (a recent use).
    pub used_recently: bool,
    /// Signed a request before the clock moved.
    pub used_early: bool,
}

/// One generated IAM user.
#[derive(Debug, Clone)]
pub struct UserPlan {
    /// Has a console password.
    pub password: bool,
    /// Has a virtual MFA device.
    pub mfa: bool,
    /// Signed in with the password after the clock moved.
    pub signed_in_recently: bool,
    /// Its access keys (at most two).
    pub keys: Vec<KeyPlan>,
}

/// The credentials of a generated account.
#[derive(Debug, Clone)]
pub struct CredentialsPlan {
    /// IAM users.
    pub users: Vec<UserPlan>,
    /// Root access keys (0–2).
    pub root_keys: usize,
    /// Days the clock moves after the credentials are made: below, at and past IAM.3's and
    /// IAM.8's 90 days.
    pub days: i64,
}

/// A password that meets every policy the generator sets (16 characters or more, all four
/// character types).
const PASSWORD: &str = "Correct-Horse-Battery-9";

/// The strategy.
pub fn plan() -> impl Strategy<Value = CredentialsPlan> {
    let key = (any::<bool>(), any::<bool>(), any::<bool>()).prop_map(|(active, used_recently, used_early)| KeyPlan {
        active,
        used_recently,
        used_early,
    });
    let user = (any::<bool>(), any::<bool>(), any::<bool>(), prop::collection::vec(key, 0..=2))
        .prop_map(|(password, mfa, signed_in_recently, keys)| UserPlan { password, mfa, signed_in_recently, keys });
    (prop::collection::vec(user, 0..=3), 0usize..=2, prop::sample::select(vec![0i64, 89, 91, 120]))
        .prop_map(|(users, root_keys, days)| CredentialsPlan { users, root_keys, days })
}

fn step(call: &str, region: &str, input: Value, capture: Option<String>) -> Step {
    Step { call: call.into(), region: Some(region.to_string()), input, capture, expect_error: None, note: None }
}

impl CredentialsPlan {
    /// The steps that make these credentials, signed in `home`; they run last, since they move
    /// the clock.
    pub fn steps(&self, home: &str) -> Vec<Step> {
        let mut out = Vec::new();
        for i in 0..self.root_keys {
            out.push(step("hubsim:CreateRootAccessKey", home, json!({}), Some(format!("rootkey{i}"))));
        }
        for (u, user) in self.users.iter().enumerate() {
            let name = format!("user{u}");
            out.push(step("iam:CreateUser", home, json!({"UserName": name}), None));
            if user.password {
                out.push(step("iam:CreateLoginProfile", home, json!({"UserName": name, "Password": PASSWORD}), None));
            }
            if user.mfa {
                out.push(step(
                    "iam:CreateVirtualMFADevice",
                    home,
                    json!({"VirtualMFADeviceName": format!("{name}-mfa")}),
                    Some(format!("mfa{u}")),
                ));
                out.push(step(
                    "iam:EnableMFADevice",
                    home,
                    json!({"UserName": name, "SerialNumber": format!("${{mfa{u}.VirtualMFADevice.SerialNumber}}"),
                           "AuthenticationCode1": "123456", "AuthenticationCode2": "654321"}),
                    None,
                ));
            }
            for (k, key) in user.keys.iter().enumerate() {
                out.push(step("iam:CreateAccessKey", home, json!({"UserName": name}), Some(format!("key{u}x{k}"))));
                if key.used_early {
                    out.push(self.key_use(home, u, k));
                }
                if !key.active {
                    out.push(step(
                        "iam:UpdateAccessKey",
                        home,
                        json!({"UserName": name, "AccessKeyId": format!("${{key{u}x{k}.AccessKey.AccessKeyId}}"),
                               "Status": "Inactive"}),
                        None,
                    ));
                }
            }
        }
        if self.days > 0 && !(self.users.is_empty() && self.root_keys == 0) {
            out.push(step("hubsim:AdvanceClock", home, json!({"Days": self.days}), None));
        }
        for (u, user) in self.users.iter().enumerate() {
            if user.password && user.signed_in_recently {
                out.push(step("hubsim:RecordPasswordUse", home, json!({"UserName": format!("user{u}")}), None));
            }
            for (k, key) in user.keys.iter().enumerate() {
                if key.active && key.used_recently {
                    out.push(self.key_use(home, u, k));
                }
            }
        }
        out
    }

    fn key_use(&self, home: &str, u: usize, k: usize) -> Step {
        step(
            "hubsim:RecordAccessKeyUse",
            home,
            json!({"AccessKeyId": format!("${{key{u}x{k}.AccessKey.AccessKeyId}}"), "ServiceName": "s3", "Region": home}),
            None,
        )
    }
}

/// One user's credentials as the account holds them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UserCredentials {
    /// Has a console password.
    pub password: bool,
    /// Has an MFA device.
    pub mfa: bool,
    /// Access key id → status.
    pub keys: BTreeMap<String, String>,
}

/// The account's IAM credentials.
#[derive(Debug, Clone, Default)]
pub struct Credentials {
    /// User ARN → credentials.
    pub users: BTreeMap<String, UserCredentials>,
    /// Whether root has an access key (GetAccountSummary).
    pub root_keys: bool,
    /// Whether root has a password (GetLoginProfile without a user name).
    pub root_password: bool,
}

fn strings(v: &Value, key: &str) -> Vec<Value> {
    v.get(key).and_then(Value::as_array).cloned().unwrap_or_default()
}

/// Reads the credentials through the API.
pub fn read(sim: &Simulator, home: &str) -> R<Credentials> {
    let mut out = Credentials::default();
    for u in strings(&call(sim, home, "iam", "ListUsers", json!({}))?, "Users") {
        let name = u.get("UserName").and_then(Value::as_str).unwrap_or_default().to_string();
        let arn = u.get("Arn").and_then(Value::as_str).unwrap_or_default().to_string();
        let password = sim.call_json(home, "iam", "GetLoginProfile", json!({"UserName": name})).is_ok();
        let mfa =
            !strings(&call(sim, home, "iam", "ListMFADevices", json!({"UserName": name}))?, "MFADevices").is_empty();
        let keys = strings(&call(sim, home, "iam", "ListAccessKeys", json!({"UserName": name}))?, "AccessKeyMetadata")
            .iter()
            .map(|k| {
                let text = |f: &str| k.get(f).and_then(Value::as_str).unwrap_or_default().to_string();
                (text("AccessKeyId"), text("Status"))
            })
            .collect();
        out.users.insert(arn, UserCredentials { password, mfa, keys });
    }
    let summary = call(sim, home, "iam", "GetAccountSummary", json!({}))?;
    out.root_keys = summary["SummaryMap"]["AccountAccessKeysPresent"].as_i64().unwrap_or(0) > 0;
    out.root_password = sim.call_json(home, "iam", "GetLoginProfile", json!({})).is_ok();
    Ok(out)
}

/// (d) for credentials: no user, login profile or access key is gone, and no key changed
/// status (hubsim's fixes never touch a credential).
pub fn check_kept(before: &Credentials, after: &Credentials) -> R<()> {
    for (arn, was) in &before.users {
        let Some(now) = after.users.get(arn) else { return Err(format!("user {arn} was deleted")) };
        if was.password && !now.password {
            return Err(format!("user {arn}: login profile deleted"));
        }
        if was.mfa && !now.mfa {
            return Err(format!("user {arn}: MFA device removed"));
        }
        if was.keys != now.keys {
            return Err(format!("user {arn}: access keys {:?} became {:?}", was.keys, now.keys));
        }
    }
    if before.root_keys && !after.root_keys {
        return Err("the root user's access keys were deleted".into());
    }
    Ok(())
}
