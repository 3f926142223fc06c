//! Configuration items built from the simulated state, shaped as AWS Config records them
//! (https://docs.aws.amazon.com/config/latest/developerguide/config-concepts.html#config-items):
//! `configuration` is the resource's description as its service's API gives it, its member
//! names in lower camel case (Config's Java SDK form: `groupId`, `ipPermissions`,
//! `kmsMasterKeyID`); `supplementaryConfiguration` holds what the service keeps beside it (an S3
//! bucket's versioning, lifecycle, policy, ...); `tags` is a map.
//!
//! The configurations are read through the services' own read operations (the same answers a
//! client gets), so an item changes exactly when what AWS would show changes.

use std::collections::BTreeMap;

use hubsim_model::{config, Timestamp};
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use crate::error::AwsError;
use crate::services::s3::Bucket;
use crate::Ctx;

/// The resource types hubsim records, with the store kinds' service prefix whose changes can
/// change them.
pub const TYPES: &[(&str, &str)] = &[
    ("AWS::S3::Bucket", "s3:"),
    ("AWS::EC2::SecurityGroup", "ec2:"),
    ("AWS::IAM::User", "iam:"),
    ("AWS::IAM::Role", "iam:"),
    ("AWS::IAM::Policy", "iam:"),
    ("AWS::KMS::Key", "kms:"),
    ("AWS::SQS::Queue", "sqs:"),
    ("AWS::SNS::Topic", "sns:"),
];

/// IAM's types: global, recorded in one region only where the recorder includes global types
/// (https://docs.aws.amazon.com/config/latest/developerguide/select-resources.html).
pub const GLOBAL_TYPES: &[&str] = &["AWS::IAM::User", "AWS::IAM::Role", "AWS::IAM::Policy"];

/// One resource's configuration as Config records it, without the recording's own fields
/// (status, capture time, state id), which [`super::record`] adds.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Item {
    /// `AWS::S3::Bucket`, ...
    pub resource_type: String,
    /// The resource's id (a bucket's name, a group's `sg-` id, a role's `AROA` id, ...).
    pub resource_id: String,
    /// Its name, where it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_name: Option<String>,
    /// Its ARN.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arn: Option<String>,
    /// When it was created, where the service says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created: Option<Timestamp>,
    /// `configuration`.
    pub configuration: Value,
    /// `supplementaryConfiguration`, its values as objects.
    #[serde(default)]
    pub supplementary: Map<String, Value>,
    /// `tags`.
    #[serde(default)]
    pub tags: BTreeMap<String, String>,
    /// `relationships`.
    #[serde(default)]
    pub relationships: Vec<config::Relationship>,
}

/// `IpPermissions` → `ipPermissions`, `KMSMasterKeyID` → `kmsMasterKeyID`, `ARN` → `arn`: a
/// leading run of capitals is lowered, but for the last one when a lower-case letter follows.
pub fn lower_camel(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    let run = chars.iter().take_while(|c| c.is_ascii_uppercase()).count();
    let lower_to = if run > 1 && run < chars.len() && chars[run].is_ascii_lowercase() { run - 1 } else { run };
    chars.iter().enumerate().map(|(i, c)| if i < lower_to { c.to_ascii_lowercase() } else { *c }).collect()
}

/// `value` with every object member renamed by [`lower_camel`]. The values are the services'
/// own answers (a few levels deep); deeper than 64 levels they are left as they are.
pub fn camel(value: Value) -> Value {
    fn go(value: Value, depth: usize) -> Value {
        if depth > 64 {
            return value;
        }
        match value {
            Value::Object(m) => {
                Value::Object(m.into_iter().map(|(k, v)| (lower_camel(&k), go(v, depth + 1))).collect())
            }
            Value::Array(a) => Value::Array(a.into_iter().map(|v| go(v, depth + 1)).collect()),
            other => other,
        }
    }
    go(value, 0)
}

/// Calls the read operation `service`:`name` of the simulator with a JSON input.
fn call(ctx: &mut Ctx<'_>, service: &str, name: &str, input: Value) -> Result<Value, AwsError> {
    let entry = crate::registry::registry()
        .get(service, name)
        .ok_or_else(|| AwsError::internal(format!("{service}:{name} is not registered")))?;
    entry.call_json(ctx, input)
}

/// Every page of a list operation: the items of `list` across pages, following `marker_in`
/// (input) from `marker_out` (output).
fn all_pages(
    ctx: &mut Ctx<'_>,
    (service, name): (&str, &str),
    input: Value,
    (marker_in, marker_out): (&str, &str),
    list: &str,
) -> Result<Vec<Value>, AwsError> {
    let mut out = Vec::new();
    let mut marker: Option<Value> = None;
    loop {
        let mut page_input = input.clone();
        if let (Some(m), Some(obj)) = (&marker, page_input.as_object_mut()) {
            obj.insert(marker_in.to_string(), m.clone());
        }
        let page = call(ctx, service, name, page_input)?;
        if let Some(items) = page.get(list).and_then(Value::as_array) {
            out.extend(items.iter().cloned());
        }
        let next = page.get(marker_out).filter(|m| m.as_str().is_some_and(|s| !s.is_empty())).cloned();
        let truncated = page.get("IsTruncated").and_then(Value::as_bool);
        match next {
            Some(m) if truncated != Some(false) && marker.as_ref() != Some(&m) => marker = Some(m),
            _ => return Ok(out),
        }
    }
}

fn str_of(v: &Value, key: &str) -> Option<String> {
    v.get(key).and_then(Value::as_str).map(str::to_string)
}

fn tags_of(list: Option<&Value>, key: &str, value: &str) -> BTreeMap<String, String> {
    list.and_then(Value::as_array)
        .map(|a| a.iter().filter_map(|t| Some((str_of(t, key)?, str_of(t, value).unwrap_or_default()))).collect())
        .unwrap_or_default()
}

fn relationship(ty: &str, id: &str, name: &str) -> config::Relationship {
    config::Relationship {
        resource_type: Some(ty.into()),
        resource_id: Some(id.into()),
        resource_name: None,
        relationship_name: Some(name.into()),
    }
}

/// The current items of resource type `ty` in the call's region.
pub fn items(ctx: &mut Ctx<'_>, ty: &str) -> Result<Vec<Item>, AwsError> {
    match ty {
        "AWS::S3::Bucket" => buckets(ctx),
        "AWS::EC2::SecurityGroup" => security_groups(ctx),
        "AWS::IAM::User" => iam_users(ctx),
        "AWS::IAM::Role" => iam_roles(ctx),
        "AWS::IAM::Policy" => iam_policies(ctx),
        "AWS::KMS::Key" => kms_keys(ctx),
        "AWS::SQS::Queue" => sqs_queues(ctx),
        "AWS::SNS::Topic" => sns_topics(ctx),
        _ => Ok(Vec::new()),
    }
}

fn to_value<T: Serialize>(v: &T) -> Value {
    camel(serde_json::to_value(v).unwrap_or(Value::Null))
}

/// S3 buckets whose home is the call's region. Supplementary configuration as Config names it
/// (https://docs.aws.amazon.com/config/latest/developerguide/s3-bucket-versioning-enabled.html
/// reads `BucketVersioningConfiguration`).
fn buckets(ctx: &mut Ctx<'_>) -> Result<Vec<Item>, AwsError> {
    let region = ctx.region().to_string();
    let owner = crate::services::s3::canonical_user_id(ctx.account());
    let mut out = Vec::new();
    for (_, b) in ctx.list::<Bucket>()? {
        if b.region != region {
            continue;
        }
        let mut sup = Map::new();
        let versioning = b.versioning.as_ref();
        let status = versioning.and_then(|v| v.status.clone()).unwrap_or_else(|| "Off".into());
        let mfa = versioning.and_then(|v| v.mfa_delete.as_deref()).map(|m| Value::Bool(m == "Enabled"));
        sup.insert(
            "BucketVersioningConfiguration".into(),
            json!({"status": status, "isMfaDeleteEnabled": mfa.unwrap_or(Value::Null)}),
        );
        if let Some(rules) = &b.lifecycle {
            sup.insert("BucketLifecycleConfiguration".into(), json!({"rules": to_value(rules)}));
        }
        sup.insert("BucketPolicy".into(), json!({"policyText": b.policy}));
        let logging = b.logging.as_ref();
        sup.insert(
            "BucketLoggingConfiguration".into(),
            json!({"destinationBucketName": logging.map(|l| l.target_bucket.clone()),
                   "logFilePrefix": logging.map(|l| l.target_prefix.clone())}),
        );
        if let Some(enc) = &b.encryption {
            sup.insert("ServerSideEncryptionConfiguration".into(), json!({"rules": to_value(&enc.rules)}));
        }
        if let Some(pab) = &b.public_access_block {
            sup.insert("PublicAccessBlockConfiguration".into(), to_value(pab));
        }
        sup.insert("AccessControlList".into(), json!({"owner": {"id": owner}, "grantList": to_value(&b.grants)}));
        if let Some(o) = &b.ownership {
            sup.insert("BucketOwnershipControls".into(), json!({"ownershipControls": to_value(o)}));
        }
        if b.object_lock_enabled {
            sup.insert(
                "ObjectLockConfiguration".into(),
                json!({"objectLockEnabled": "Enabled", "rule": b.object_lock_rule.as_ref().map(to_value)}),
            );
        }
        sup.insert("IsRequesterPaysEnabled".into(), Value::Bool(false));
        let tags: BTreeMap<String, String> =
            b.tags.iter().flatten().map(|t| (t.key.clone(), t.value.clone())).collect();
        if !tags.is_empty() {
            sup.insert("BucketTaggingConfiguration".into(), json!({"tagSets": [{"tags": tags}]}));
        }
        out.push(Item {
            resource_type: "AWS::S3::Bucket".into(),
            resource_id: b.name.clone(),
            resource_name: Some(b.name.clone()),
            arn: Some(format!("arn:aws:s3:::{}", b.name)),
            created: Some(b.created),
            configuration: json!({"name": b.name, "owner": {"id": owner}, "creationDate": b.created}),
            supplementary: sup,
            tags,
            relationships: Vec::new(),
        });
    }
    Ok(out)
}

/// Security groups, from `DescribeSecurityGroups`; Config also lists each rule's IPv4 ranges
/// as plain strings (`ipRanges`) beside `ipv4Ranges`.
fn security_groups(ctx: &mut Ctx<'_>) -> Result<Vec<Item>, AwsError> {
    let groups =
        all_pages(ctx, ("ec2", "DescribeSecurityGroups"), json!({}), ("NextToken", "NextToken"), "SecurityGroups")?;
    let (account, region) = (ctx.account().to_string(), ctx.region().to_string());
    Ok(groups
        .into_iter()
        .filter_map(|g| {
            let id = str_of(&g, "GroupId")?;
            let tags = tags_of(g.get("Tags"), "Key", "Value");
            let vpc = str_of(&g, "VpcId");
            let mut conf = camel(g.clone());
            for member in ["ipPermissions", "ipPermissionsEgress"] {
                if let Some(perms) = conf.get_mut(member).and_then(Value::as_array_mut) {
                    for p in perms {
                        let ranges: Vec<Value> = p
                            .get("ipRanges")
                            .and_then(Value::as_array)
                            .map(|r| r.iter().filter_map(|x| x.get("cidrIp").cloned()).collect())
                            .unwrap_or_default();
                        if let Some(obj) = p.as_object_mut() {
                            if let Some(v4) = obj.remove("ipRanges") {
                                obj.insert("ipv4Ranges".into(), v4);
                            }
                            obj.insert("ipRanges".into(), Value::Array(ranges));
                        }
                    }
                }
            }
            let relationships = vpc.iter().map(|v| relationship("AWS::EC2::VPC", v, "Is contained in Vpc")).collect();
            Some(Item {
                resource_type: "AWS::EC2::SecurityGroup".into(),
                arn: Some(format!("arn:aws:ec2:{region}:{account}:security-group/{id}")),
                resource_name: str_of(&g, "GroupName"),
                resource_id: id,
                created: None,
                configuration: conf,
                supplementary: Map::new(),
                tags,
                relationships,
            })
        })
        .collect())
}

/// The names of a principal's managed policies as Config lists them (`attachedManagedPolicies`).
fn attached(ctx: &mut Ctx<'_>, op: &str, key: &str, name: &str) -> Result<Value, AwsError> {
    let list = all_pages(ctx, ("iam", op), json!({key: name}), ("Marker", "Marker"), "AttachedPolicies")?;
    Ok(camel(Value::Array(list)))
}

/// A principal's inline policies (`userPolicyList` / `rolePolicyList`): names and documents.
fn inline(ctx: &mut Ctx<'_>, (list_op, get_op): (&str, &str), key: &str, name: &str) -> Result<Value, AwsError> {
    let names = all_pages(ctx, ("iam", list_op), json!({key: name}), ("Marker", "Marker"), "PolicyNames")?;
    let mut out = Vec::new();
    for n in names {
        let doc = call(ctx, "iam", get_op, json!({key: name, "PolicyName": n}))?;
        out.push(json!({"policyName": n, "policyDocument": doc.get("PolicyDocument")}));
    }
    Ok(Value::Array(out))
}

fn iam_users(ctx: &mut Ctx<'_>) -> Result<Vec<Item>, AwsError> {
    let users = all_pages(ctx, ("iam", "ListUsers"), json!({}), ("Marker", "Marker"), "Users")?;
    let mut out = Vec::new();
    for u in users {
        let Some(name) = str_of(&u, "UserName") else { continue };
        let full = call(ctx, "iam", "GetUser", json!({"UserName": name}))?;
        let user = full.get("User").cloned().unwrap_or(u);
        let groups =
            all_pages(ctx, ("iam", "ListGroupsForUser"), json!({"UserName": name}), ("Marker", "Marker"), "Groups")?;
        let mut conf = camel(user.clone());
        if let Some(obj) = conf.as_object_mut() {
            obj.insert(
                "groupList".into(),
                Value::Array(groups.iter().filter_map(|g| g.get("GroupName").cloned()).collect()),
            );
            obj.insert("attachedManagedPolicies".into(), attached(ctx, "ListAttachedUserPolicies", "UserName", &name)?);
            obj.insert("userPolicyList".into(), inline(ctx, ("ListUserPolicies", "GetUserPolicy"), "UserName", &name)?);
        }
        out.push(principal("AWS::IAM::User", "UserId", &user, conf, name));
    }
    Ok(out)
}

fn iam_roles(ctx: &mut Ctx<'_>) -> Result<Vec<Item>, AwsError> {
    let roles = all_pages(ctx, ("iam", "ListRoles"), json!({}), ("Marker", "Marker"), "Roles")?;
    let mut out = Vec::new();
    for r in roles {
        let Some(name) = str_of(&r, "RoleName") else { continue };
        let full = call(ctx, "iam", "GetRole", json!({"RoleName": name}))?;
        let role = full.get("Role").cloned().unwrap_or(r);
        let mut conf = camel(role.clone());
        if let Some(obj) = conf.as_object_mut() {
            obj.insert("attachedManagedPolicies".into(), attached(ctx, "ListAttachedRolePolicies", "RoleName", &name)?);
            obj.insert("rolePolicyList".into(), inline(ctx, ("ListRolePolicies", "GetRolePolicy"), "RoleName", &name)?);
        }
        out.push(principal("AWS::IAM::Role", "RoleId", &role, conf, name));
    }
    Ok(out)
}

fn principal(ty: &str, id_key: &str, raw: &Value, configuration: Value, name: String) -> Item {
    Item {
        resource_type: ty.into(),
        resource_id: str_of(raw, id_key).unwrap_or_else(|| name.clone()),
        resource_name: Some(name),
        arn: str_of(raw, "Arn"),
        created: raw.get("CreateDate").and_then(|d| serde_json::from_value(d.clone()).ok()),
        configuration,
        supplementary: Map::new(),
        tags: tags_of(raw.get("Tags"), "Key", "Value"),
        relationships: Vec::new(),
    }
}

/// Customer managed policies, with their versions' documents (`policyVersionList`).
fn iam_policies(ctx: &mut Ctx<'_>) -> Result<Vec<Item>, AwsError> {
    let policies =
        all_pages(ctx, ("iam", "ListPolicies"), json!({"Scope": "Local"}), ("Marker", "Marker"), "Policies")?;
    let mut out = Vec::new();
    for p in policies {
        let (Some(name), Some(arn)) = (str_of(&p, "PolicyName"), str_of(&p, "Arn")) else { continue };
        let versions =
            all_pages(ctx, ("iam", "ListPolicyVersions"), json!({"PolicyArn": arn}), ("Marker", "Marker"), "Versions")?;
        let mut list = Vec::new();
        for v in versions {
            let Some(id) = str_of(&v, "VersionId") else { continue };
            let full = call(ctx, "iam", "GetPolicyVersion", json!({"PolicyArn": arn, "VersionId": id}))?;
            list.push(camel(full.get("PolicyVersion").cloned().unwrap_or(v)));
        }
        let mut conf = camel(p.clone());
        if let Some(obj) = conf.as_object_mut() {
            obj.insert("policyVersionList".into(), Value::Array(list));
        }
        out.push(principal("AWS::IAM::Policy", "PolicyId", &p, conf, name));
    }
    Ok(out)
}

/// Customer managed KMS keys, from `DescribeKey`.
fn kms_keys(ctx: &mut Ctx<'_>) -> Result<Vec<Item>, AwsError> {
    let keys = all_pages(ctx, ("kms", "ListKeys"), json!({}), ("Marker", "NextMarker"), "Keys")?;
    let mut out = Vec::new();
    for k in keys {
        let Some(id) = str_of(&k, "KeyId") else { continue };
        let meta = call(ctx, "kms", "DescribeKey", json!({"KeyId": id}))?;
        let Some(meta) = meta.get("KeyMetadata").cloned() else { continue };
        if str_of(&meta, "KeyManager").as_deref() == Some("AWS") {
            continue;
        }
        let tags = call(ctx, "kms", "ListResourceTags", json!({"KeyId": id}))?;
        out.push(Item {
            resource_type: "AWS::KMS::Key".into(),
            resource_id: id,
            resource_name: None,
            arn: str_of(&meta, "Arn"),
            created: meta.get("CreationDate").and_then(|d| serde_json::from_value(d.clone()).ok()),
            configuration: camel(meta),
            supplementary: Map::new(),
            tags: tags_of(tags.get("Tags"), "TagKey", "TagValue"),
            relationships: Vec::new(),
        });
    }
    Ok(out)
}

/// SQS queues: the configuration is the queue's attributes, as `GetQueueAttributes` names them.
fn sqs_queues(ctx: &mut Ctx<'_>) -> Result<Vec<Item>, AwsError> {
    let urls =
        all_pages(ctx, ("sqs", "ListQueues"), json!({"MaxResults": 1000}), ("NextToken", "NextToken"), "QueueUrls")?;
    let mut out = Vec::new();
    for url in urls {
        let Some(url) = url.as_str().map(str::to_string) else { continue };
        let attrs = call(ctx, "sqs", "GetQueueAttributes", json!({"QueueUrl": url, "AttributeNames": ["All"]}))?;
        let attrs = attrs.get("Attributes").cloned().unwrap_or_else(|| json!({}));
        let tags = call(ctx, "sqs", "ListQueueTags", json!({"QueueUrl": url}))?;
        let tags = tags
            .get("Tags")
            .and_then(Value::as_object)
            .map(|m| m.iter().map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string())).collect())
            .unwrap_or_default();
        let name = url.rsplit('/').next().unwrap_or_default().to_string();
        out.push(Item {
            resource_type: "AWS::SQS::Queue".into(),
            resource_id: url.clone(),
            resource_name: Some(name),
            arn: str_of(&attrs, "QueueArn"),
            created: None,
            configuration: attrs,
            supplementary: Map::new(),
            tags,
            relationships: Vec::new(),
        });
    }
    Ok(out)
}

/// SNS topics: the configuration is the topic's attributes, as `GetTopicAttributes` names them.
fn sns_topics(ctx: &mut Ctx<'_>) -> Result<Vec<Item>, AwsError> {
    let topics = all_pages(ctx, ("sns", "ListTopics"), json!({}), ("NextToken", "NextToken"), "Topics")?;
    let mut out = Vec::new();
    for t in topics {
        let Some(arn) = str_of(&t, "TopicArn") else { continue };
        let attrs = call(ctx, "sns", "GetTopicAttributes", json!({"TopicArn": arn}))?;
        let tags = call(ctx, "sns", "ListTagsForResource", json!({"ResourceArn": arn}))?;
        out.push(Item {
            resource_type: "AWS::SNS::Topic".into(),
            resource_id: arn.clone(),
            resource_name: arn.rsplit(':').next().map(str::to_string),
            arn: Some(arn),
            created: None,
            configuration: attrs.get("Attributes").cloned().unwrap_or_else(|| json!({})),
            supplementary: Map::new(),
            tags: tags_of(tags.get("Tags"), "Key", "Value"),
            relationships: Vec::new(),
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn member_names_become_lower_camel_case_as_config_writes_them() {
        assert_eq!(lower_camel("IpPermissions"), "ipPermissions");
        assert_eq!(lower_camel("KMSMasterKeyID"), "kmsMasterKeyID");
        assert_eq!(lower_camel("ARN"), "arn");
        assert_eq!(lower_camel("groupId"), "groupId");
        assert_eq!(
            camel(json!({"GroupId": "sg-1", "Tags": [{"Key": "a"}]})),
            json!({"groupId": "sg-1", "tags": [{"key": "a"}]})
        );
    }
}
