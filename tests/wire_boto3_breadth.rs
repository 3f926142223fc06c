//! boto3 against `hubsim serve`, breadth first: every operation hubsim implements is called
//! at least once from one python process, its answer checked against the seeded state, and
//! the main error cases checked as the client sees them (error code and HTTP status). The
//! script prints the operations it exercised; the test compares that list with the registry,
//! so an operation registered without a wire test fails here.

mod wire_support;

use std::collections::BTreeSet;

use serde_json::{json, Value};
use wire_support::{boto_printing, have_boto3, start};

const SCENARIO: &str = r#"{
  "format": 1,
  "name": "wire-breadth",
  "description": "Two regions, the management account of its organization, Config 1-click and Security Hub on in eu-west-1 only.",
  "era": "2022",
  "account": {
    "id": "123456789012",
    "regions": ["eu-west-1", "us-west-2"],
    "home_region": "eu-west-1",
    "organization": {"id": "o-a1b2c3d4e5", "management_account_id": "123456789012", "management_account_email": "root@example.com"}
  },
  "baseline": {
    "preset": "fresh-account",
    "root": {"login_profile": true, "mfa": "none"},
    "config_one_click": {"regions": ["eu-west-1"], "include_global_resource_types": true},
    "security_hub": {"regions": ["eu-west-1"], "standards": ["aws-foundational-security-best-practices/v/1.0.0", "cis-aws-foundations-benchmark/v/1.2.0"]}
  }
}"#;

/// Every (service, operation) boto3 can send (hubsim's own `hubsim:*` operations are not AWS's).
fn registered() -> BTreeSet<String> {
    hubsim_simulator::operations()
        .filter(|o| o.service != "hubsim")
        .map(|o| format!("{}:{}", o.service, o.operation))
        .collect()
}

/// Asserts that `e` is a ClientError with `code` and `status`.
#[track_caller]
fn client_error(e: &Value, code: &str, status: u16) {
    assert_eq!(e["Code"], code, "{e}");
    assert_eq!(e["Status"], status, "{e}");
}

const SCRIPT: &str = r#"
import datetime
R = "eu-west-1"          # the home region: Security Hub and Config are on
OTHER = "us-west-2"      # the account's other region: no hub, no Config
ACCT = "123456789012"
EXERCISED = set()
UNROUTED = {"InvalidAction", "UnknownOperationException", "UnknownOperation", "NotImplemented",
            "InternalFailure", "InternalError", "InvalidClientTokenId"}
def track(name, c):
    def hook(http_response, parsed, model, **kw):
        code = (parsed or {}).get("Error", {}).get("Code")
        if http_response.status_code < 500 and code not in UNROUTED:
            EXERCISED.add(f"{name}:{model.name}")
    c.meta.events.register("after-call", hook)
    return c
def C(name, region=R, url=None):
    c = client(name, region) if url is None else boto3.client(name, endpoint_url=url, region_name=region,
        aws_access_key_id="AKIDHUBSIMTEST", aws_secret_access_key="secret",
        config=Config(retries={"max_attempts": 1, "mode": "standard"}))
    return track(name, c)
def policy(*statements):
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})
def trust(service):
    return policy({"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"})

# ---------- STS ----------
sts = C("sts")
OUT["sts_me"] = sts.get_caller_identity()
OUT["sts_assume_missing"] = err(sts.assume_role, RoleArn=f"arn:aws:iam::{ACCT}:role/wire-breadth-role", RoleSessionName="s1")

# ---------- IAM ----------
iam = C("iam")
OUT["iam_summary"] = iam.get_account_summary()["SummaryMap"]
OUT["iam_aliases"] = iam.list_account_aliases()["AccountAliases"]
OUT["iam_pp_missing"] = err(iam.get_account_password_policy)
iam.update_account_password_policy(MinimumPasswordLength=14, RequireSymbols=True, PasswordReusePrevention=24)
OUT["iam_pp"] = iam.get_account_password_policy()["PasswordPolicy"]
iam.delete_account_password_policy()
OUT["iam_pp_deleted"] = err(iam.get_account_password_policy)
role = iam.create_role(RoleName="wire-breadth-role", AssumeRolePolicyDocument=policy({"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCT}:root"}, "Action": "sts:AssumeRole"}))["Role"]
OUT["sts_assume"] = sts.assume_role(RoleArn=role["Arn"], RoleSessionName="s1")["AssumedRoleUser"]
OUT["iam_role"] = {k: role[k] for k in ("RoleName", "Arn", "Path")}
OUT["iam_get_role"] = iam.get_role(RoleName="wire-breadth-role")["Role"]["Arn"]
OUT["iam_role_missing"] = err(iam.get_role, RoleName="nobody")
iam.put_role_policy(RoleName="wire-breadth-role", PolicyName="inline", PolicyDocument=policy({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}))
OUT["iam_role_policy"] = iam.get_role_policy(RoleName="wire-breadth-role", PolicyName="inline")["PolicyDocument"]
OUT["iam_role_policies"] = iam.list_role_policies(RoleName="wire-breadth-role")["PolicyNames"]
ro = "arn:aws:iam::aws:policy/ReadOnlyAccess"
iam.attach_role_policy(RoleName="wire-breadth-role", PolicyArn=ro)
OUT["iam_attached"] = [p["PolicyArn"] for p in iam.list_attached_role_policies(RoleName="wire-breadth-role")["AttachedPolicies"]]
OUT["iam_entities"] = [r["RoleName"] for r in iam.list_entities_for_policy(PolicyArn=ro)["PolicyRoles"]]
pol = iam.get_policy(PolicyArn=ro)["Policy"]
OUT["iam_policy"] = {k: pol[k] for k in ("PolicyName", "Arn", "DefaultVersionId")}
OUT["iam_policy_version"] = iam.get_policy_version(PolicyArn=ro, VersionId=pol["DefaultVersionId"])["PolicyVersion"]["IsDefaultVersion"]
OUT["iam_policies_local"] = iam.list_policies(Scope="Local")["Policies"]
OUT["iam_policy_missing"] = err(iam.get_policy, PolicyArn=f"arn:aws:iam::{ACCT}:policy/nope")
iam.detach_role_policy(RoleName="wire-breadth-role", PolicyArn=ro)
iam.delete_role_policy(RoleName="wire-breadth-role", PolicyName="inline")
OUT["iam_roles"] = [r["RoleName"] for r in iam.list_roles()["Roles"]]
slr = iam.create_service_linked_role(AWSServiceName="guardduty.amazonaws.com")["Role"]
OUT["iam_slr"] = slr["Arn"]
user = iam.create_user(UserName="wire-user")["User"]
OUT["iam_user"] = user["Arn"]
OUT["iam_get_user"] = iam.get_user(UserName="wire-user")["User"]["UserName"]
OUT["iam_users"] = [u["UserName"] for u in iam.list_users()["Users"]]
OUT["iam_user_policies"] = iam.list_user_policies(UserName="wire-user")["PolicyNames"]
OUT["iam_user_attached"] = iam.list_attached_user_policies(UserName="wire-user")["AttachedPolicies"]
OUT["iam_keys"] = iam.list_access_keys(UserName="wire-user")["AccessKeyMetadata"]
ak = iam.create_access_key(UserName="wire-user")["AccessKey"]
OUT["iam_key_created"] = {k: ak[k] for k in ("UserName", "Status")}
last = iam.get_access_key_last_used(AccessKeyId=ak["AccessKeyId"])
OUT["iam_key_last_used"] = {"UserName": last["UserName"], **last["AccessKeyLastUsed"]}
iam.update_access_key(UserName="wire-user", AccessKeyId=ak["AccessKeyId"], Status="Inactive")
OUT["iam_key_statuses"] = [k["Status"] for k in iam.list_access_keys(UserName="wire-user")["AccessKeyMetadata"]]
iam.delete_access_key(UserName="wire-user", AccessKeyId=ak["AccessKeyId"])
OUT["iam_key_missing"] = err(iam.delete_access_key, UserName="wire-user", AccessKeyId=ak["AccessKeyId"])
OUT["iam_groups"] = iam.list_groups()["Groups"]
OUT["iam_user_login_missing"] = err(iam.get_login_profile, UserName="wire-user")
OUT["iam_root_login"] = iam.get_login_profile()["LoginProfile"]["UserName"]
OUT["iam_login_weak"] = err(iam.create_login_profile, UserName="wire-user", Password="short")
iam.create_login_profile(UserName="wire-user", Password="Correct-Horse-Battery-9", PasswordResetRequired=True)
iam.update_login_profile(UserName="wire-user", PasswordResetRequired=False)
OUT["iam_login_reset"] = iam.get_login_profile(UserName="wire-user")["LoginProfile"]["PasswordResetRequired"]
iam.delete_login_profile(UserName="wire-user")
mfa = iam.create_virtual_mfa_device(VirtualMFADeviceName="wire-mfa")["VirtualMFADevice"]
OUT["iam_mfa_serial"] = mfa["SerialNumber"]
OUT["iam_mfa_badcode"] = err(iam.enable_mfa_device, UserName="wire-user", SerialNumber=mfa["SerialNumber"], AuthenticationCode1="12345a", AuthenticationCode2="654321")
iam.enable_mfa_device(UserName="wire-user", SerialNumber=mfa["SerialNumber"], AuthenticationCode1="123456", AuthenticationCode2="654321")
OUT["iam_mfa_list"] = [d["SerialNumber"] for d in iam.list_mfa_devices(UserName="wire-user")["MFADevices"]]
OUT["iam_virtual_mfa"] = [d["SerialNumber"] for d in iam.list_virtual_mfa_devices()["VirtualMFADevices"]]
iam.deactivate_mfa_device(UserName="wire-user", SerialNumber=mfa["SerialNumber"])
iam.delete_virtual_mfa_device(SerialNumber=mfa["SerialNumber"])
OUT["iam_report_state"] = iam.generate_credential_report()["State"]
report = iam.get_credential_report()
OUT["iam_report_head"] = report["Content"].decode().splitlines()[0].split(",")[:3]
OUT["iam_report_users"] = [l.split(",")[0] for l in report["Content"].decode().splitlines()[1:]]
OUT["iam_org_features"] = err(iam.list_organizations_features)
iam.delete_user(UserName="wire-user")
OUT["iam_user_gone"] = err(iam.get_user, UserName="wire-user")
iam.delete_role(RoleName="wire-breadth-role")
OUT["iam_delete_missing"] = err(iam.delete_role, RoleName="wire-breadth-role")
OUT["iam_malformed"] = err(iam.create_role, RoleName="bad-doc", AssumeRolePolicyDocument="{not json")
# IAM groups, customer managed policies, user and group policies (issue 14).
iam.create_user(UserName="wire-pol-user")
OUT["iam_group"] = iam.create_group(GroupName="wire-group")["Group"]["Arn"]
iam.add_user_to_group(GroupName="wire-group", UserName="wire-pol-user")
OUT["iam_group_users"] = [u["UserName"] for u in iam.get_group(GroupName="wire-group")["Users"]]
OUT["iam_groups_for_user"] = [g["GroupName"] for g in iam.list_groups_for_user(UserName="wire-pol-user")["Groups"]]
OUT["iam_group_delete_conflict"] = err(iam.delete_group, GroupName="wire-group")
s3read = policy({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"})
cp = iam.create_policy(PolicyName="wire-policy", PolicyDocument=s3read, Description="wire")["Policy"]
OUT["iam_cp"] = {k: cp[k] for k in ("PolicyName", "Arn", "DefaultVersionId", "AttachmentCount")}
for _ in range(4):
    iam.create_policy_version(PolicyArn=cp["Arn"], PolicyDocument=s3read, SetAsDefault=True)
OUT["iam_cp_sixth"] = err(iam.create_policy_version, PolicyArn=cp["Arn"], PolicyDocument=s3read)
OUT["iam_cp_versions"] = [(v["VersionId"], v["IsDefaultVersion"]) for v in iam.list_policy_versions(PolicyArn=cp["Arn"])["Versions"]]
iam.set_default_policy_version(PolicyArn=cp["Arn"], VersionId="v1")
OUT["iam_cp_delete_default"] = err(iam.delete_policy_version, PolicyArn=cp["Arn"], VersionId="v1")
for v in ("v2", "v3", "v4", "v5"):
    iam.delete_policy_version(PolicyArn=cp["Arn"], VersionId=v)
OUT["iam_cp_doc"] = iam.get_policy_version(PolicyArn=cp["Arn"], VersionId="v1")["PolicyVersion"]["Document"]
OUT["iam_cp_malformed"] = err(iam.create_policy, PolicyName="wire-bad", PolicyDocument=policy({"Effect": "Allow", "Action": "s3:*"}))
iam.attach_user_policy(UserName="wire-pol-user", PolicyArn=cp["Arn"])
iam.attach_group_policy(GroupName="wire-group", PolicyArn="arn:aws:iam::aws:policy/AWSSupportAccess")
OUT["iam_group_attached"] = [p["PolicyName"] for p in iam.list_attached_group_policies(GroupName="wire-group")["AttachedPolicies"]]
OUT["iam_support_groups"] = [g["GroupName"] for g in iam.list_entities_for_policy(PolicyArn="arn:aws:iam::aws:policy/AWSSupportAccess")["PolicyGroups"]]
OUT["iam_cp_local"] = [(p["PolicyName"], p["AttachmentCount"]) for p in iam.list_policies(Scope="Local")["Policies"]]
OUT["iam_cp_attached_delete"] = err(iam.delete_policy, PolicyArn=cp["Arn"])
iam.put_user_policy(UserName="wire-pol-user", PolicyName="inline", PolicyDocument=s3read)
OUT["iam_user_inline"] = iam.get_user_policy(UserName="wire-pol-user", PolicyName="inline")["PolicyDocument"]
iam.put_group_policy(GroupName="wire-group", PolicyName="inline", PolicyDocument=s3read)
OUT["iam_group_inline"] = iam.get_group_policy(GroupName="wire-group", PolicyName="inline")["PolicyDocument"]
OUT["iam_group_inline_names"] = iam.list_group_policies(GroupName="wire-group")["PolicyNames"]
OUT["iam_user_delete_conflict"] = err(iam.delete_user, UserName="wire-pol-user")
OUT["iam_summary_groups"] = {k: iam.get_account_summary()["SummaryMap"][k] for k in ("Groups", "Policies")}
iam.delete_user_policy(UserName="wire-pol-user", PolicyName="inline")
iam.delete_group_policy(GroupName="wire-group", PolicyName="inline")
iam.detach_user_policy(UserName="wire-pol-user", PolicyArn=cp["Arn"])
iam.detach_group_policy(GroupName="wire-group", PolicyArn="arn:aws:iam::aws:policy/AWSSupportAccess")
iam.remove_user_from_group(GroupName="wire-group", UserName="wire-pol-user")
iam.delete_group(GroupName="wire-group")
iam.delete_policy(PolicyArn=cp["Arn"])
iam.delete_user(UserName="wire-pol-user")
OUT["iam_groups_after"] = iam.list_groups()["Groups"]

# ---------- KMS ----------
kms = C("kms")
key = kms.create_key(Description="wire key", Policy=policy({"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCT}:root"}, "Action": "kms:*", "Resource": "*"}))["KeyMetadata"]
KEY = key["KeyId"]
OUT["kms_key"] = {k: key[k] for k in ("Arn", "KeyManager", "KeyState", "Enabled")}
OUT["kms_key_id"] = KEY
kms.create_alias(AliasName="alias/wire", TargetKeyId=KEY)
OUT["kms_aliases"] = [a["AliasName"] for a in kms.list_aliases()["Aliases"]]
OUT["kms_describe_alias"] = kms.describe_key(KeyId="alias/wire")["KeyMetadata"]["KeyId"]
OUT["kms_keys"] = [k["KeyId"] for k in kms.list_keys()["Keys"]]
kms.enable_key_rotation(KeyId=KEY)
OUT["kms_rotation_on"] = kms.get_key_rotation_status(KeyId=KEY)["KeyRotationEnabled"]
kms.disable_key_rotation(KeyId=KEY)
OUT["kms_rotation_off"] = kms.get_key_rotation_status(KeyId=KEY)["KeyRotationEnabled"]
kms.put_key_policy(KeyId=KEY, PolicyName="default", Policy=policy({"Sid": "Mine", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCT}:root"}, "Action": "kms:*", "Resource": "*"}))
OUT["kms_policy_sid"] = json.loads(kms.get_key_policy(KeyId=KEY, PolicyName="default")["Policy"])["Statement"][0]["Sid"]
OUT["kms_tags"] = kms.list_resource_tags(KeyId=KEY)["Tags"]
OUT["kms_missing"] = err(kms.describe_key, KeyId="alias/nope")
doomed = kms.create_key()["KeyMetadata"]["KeyId"]
OUT["kms_deletion"] = kms.schedule_key_deletion(KeyId=doomed, PendingWindowInDays=7)["KeyState"]

# ---------- SNS ----------
sns = C("sns")
topic = sns.create_topic(Name="wire-topic", Tags=[{"Key": "team", "Value": "sec"}])["TopicArn"]
OUT["sns_topic"] = topic
sns.set_topic_attributes(TopicArn=topic, AttributeName="KmsMasterKeyId", AttributeValue="alias/aws/sns")
OUT["sns_attrs"] = sns.get_topic_attributes(TopicArn=topic)["Attributes"]
OUT["sns_topics"] = [t["TopicArn"] for t in sns.list_topics()["Topics"]]
sns.tag_resource(ResourceArn=topic, Tags=[{"Key": "env", "Value": "test"}])
OUT["sns_tags"] = sorted(t["Key"] for t in sns.list_tags_for_resource(ResourceArn=topic)["Tags"])
sub = sns.subscribe(TopicArn=topic, Protocol="email", Endpoint="sec@example.com", ReturnSubscriptionArn=True)["SubscriptionArn"]
OUT["sns_sub"] = sub
OUT["sns_subs"] = [s["Endpoint"] for s in sns.list_subscriptions()["Subscriptions"]]
OUT["sns_subs_topic"] = [s["Protocol"] for s in sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"]]
OUT["sns_sub_pending"] = sns.get_subscription_attributes(SubscriptionArn=sub)["Attributes"]["PendingConfirmation"]
OUT["sns_confirm"] = sns.confirm_subscription(TopicArn=topic, Token=sub)["SubscriptionArn"]
OUT["sns_confirmed_arn"] = [s["SubscriptionArn"] for s in sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"]]
OUT["sns_bad_token"] = err(sns.confirm_subscription, TopicArn=topic, Token="not-a-token")
sns.unsubscribe(SubscriptionArn=sub)
OUT["sns_missing"] = err(sns.get_topic_attributes, TopicArn=f"arn:aws:sns:{R}:{ACCT}:nope")
OUT["sns_bad_attr"] = err(sns.set_topic_attributes, TopicArn=topic, AttributeName="NoSuchAttribute", AttributeValue="x")
gone = sns.create_topic(Name="wire-gone")["TopicArn"]
sns.delete_topic(TopicArn=gone)

# keys and queues (issue 15: KMS key states, SQS)
OUT["kms_cancel"] = kms.cancel_key_deletion(KeyId=doomed)["KeyId"]
OUT["kms_cancelled_state"] = kms.describe_key(KeyId=doomed)["KeyMetadata"]["KeyState"]
kms.enable_key(KeyId=doomed)
kms.disable_key(KeyId=doomed)
OUT["kms_disabled_state"] = kms.describe_key(KeyId=doomed)["KeyMetadata"]["KeyState"]
OUT["kms_cancel_twice"] = err(kms.cancel_key_deletion, KeyId=doomed)
kms.enable_key(KeyId=doomed)
sqs = C("sqs")
qurl = sqs.create_queue(QueueName="wire-queue", Attributes={"SqsManagedSseEnabled": "true"}, tags={"team": "sec"})["QueueUrl"]
OUT["sqs_url"] = qurl
OUT["sqs_get_url"] = sqs.get_queue_url(QueueName="wire-queue")["QueueUrl"]
OUT["sqs_list"] = sqs.list_queues(QueueNamePrefix="wire-")["QueueUrls"]
sqs.set_queue_attributes(QueueUrl=qurl, Attributes={"VisibilityTimeout": "60"})
OUT["sqs_attrs"] = sqs.get_queue_attributes(QueueUrl=qurl, AttributeNames=["VisibilityTimeout", "SqsManagedSseEnabled"])["Attributes"]
sqs.tag_queue(QueueUrl=qurl, Tags={"env": "test"})
sqs.untag_queue(QueueUrl=qurl, TagKeys=["team"])
OUT["sqs_tags"] = sqs.list_queue_tags(QueueUrl=qurl)["Tags"]
sqs.add_permission(QueueUrl=qurl, Label="partner", AWSAccountIds=["210987654321"], Actions=["SendMessage"])
sqs.remove_permission(QueueUrl=qurl, Label="partner")
OUT["sqs_missing"] = err(sqs.get_queue_url, QueueName="wire-nope")
sqs.delete_queue(QueueUrl=sqs.create_queue(QueueName="wire-gone")["QueueUrl"])

# rds
rds = C("rds")
rds_subnets = [x["SubnetId"] for x in C("ec2").describe_subnets(Filters=[{"Name": "default-for-az", "Values": ["true"]}])["Subnets"]]
rds.create_db_subnet_group(DBSubnetGroupName="wire-group", DBSubnetGroupDescription="wire", SubnetIds=rds_subnets, Tags=[{"Key": "team", "Value": "sec"}])
OUT["rds_groups"] = [g["DBSubnetGroupName"] for g in rds.describe_db_subnet_groups()["DBSubnetGroups"]]
rds_db = rds.create_db_instance(DBInstanceIdentifier="wire-db", DBInstanceClass="db.t3.micro", Engine="postgres", AllocatedStorage=20,
    MasterUsername="appadmin", MasterUserPassword="correct-horse", DBSubnetGroupName="wire-group", PubliclyAccessible=False,
    Tags=[{"Key": "team", "Value": "sec"}])["DBInstance"]
OUT["rds_create"] = {k: rds_db[k] for k in ("DBInstanceIdentifier", "DBInstanceStatus", "PubliclyAccessible", "BackupRetentionPeriod", "MultiAZ")}
OUT["rds_port"] = rds_db["Endpoint"]["Port"]
OUT["rds_create_time_is_datetime"] = isinstance(rds_db["InstanceCreateTime"], datetime.datetime)
rds.modify_db_instance(DBInstanceIdentifier="wire-db", DeletionProtection=True, MultiAZ=True, ApplyImmediately=True,
    CloudwatchLogsExportConfiguration={"EnableLogTypes": ["postgresql"]})
rds_described = rds.describe_db_instances(DBInstanceIdentifier="wire-db")["DBInstances"][0]
OUT["rds_modified"] = [rds_described["DeletionProtection"], rds_described["MultiAZ"], rds_described["EnabledCloudwatchLogsExports"]]
OUT["rds_engines"] = [d["Engine"] for d in rds.describe_db_instances(Filters=[{"Name": "engine", "Values": ["postgres"]}])["DBInstances"]]
OUT["rds_protected"] = err(rds.delete_db_instance, DBInstanceIdentifier="wire-db", SkipFinalSnapshot=True)
OUT["rds_exists"] = err(rds.create_db_instance, DBInstanceIdentifier="wire-db", DBInstanceClass="db.t3.micro", Engine="postgres",
    AllocatedStorage=20, MasterUsername="appadmin", MasterUserPassword="correct-horse")
OUT["rds_missing"] = err(rds.describe_db_instances, DBInstanceIdentifier="wire-nope")
rds_arn = rds_db["DBInstanceArn"]
rds.add_tags_to_resource(ResourceName=rds_arn, Tags=[{"Key": "env", "Value": "test"}])
rds.remove_tags_from_resource(ResourceName=rds_arn, TagKeys=["team"])
OUT["rds_tags"] = rds.list_tags_for_resource(ResourceName=rds_arn)["TagList"]
rds.create_db_snapshot(DBSnapshotIdentifier="wire-snap", DBInstanceIdentifier="wire-db")
rds.modify_db_snapshot_attribute(DBSnapshotIdentifier="wire-snap", AttributeName="restore", ValuesToAdd=["all"])
OUT["rds_snapshot_restore"] = rds.describe_db_snapshot_attributes(DBSnapshotIdentifier="wire-snap")["DBSnapshotAttributesResult"]["DBSnapshotAttributes"]
OUT["rds_snapshots"] = [x["DBSnapshotIdentifier"] for x in rds.describe_db_snapshots(DBInstanceIdentifier="wire-db")["DBSnapshots"]]
rds.delete_db_snapshot(DBSnapshotIdentifier="wire-snap")
rds.create_db_instance(DBInstanceIdentifier="wire-gone", DBInstanceClass="db.t3.micro", Engine="mysql", AllocatedStorage=20,
    MasterUsername="appadmin", MasterUserPassword="correct-horse", DBSubnetGroupName="wire-group")
rds.delete_db_instance(DBInstanceIdentifier="wire-gone", SkipFinalSnapshot=True)
rds.create_db_subnet_group(DBSubnetGroupName="wire-spare", DBSubnetGroupDescription="spare", SubnetIds=rds_subnets)
rds.delete_db_subnet_group(DBSubnetGroupName="wire-spare")
rds_topic = C("sns").create_topic(Name="wire-rds-events")["TopicArn"]
rds.create_event_subscription(SubscriptionName="wire-events", SnsTopicArn=rds_topic, SourceType="db-instance", EventCategories=["failure"])
rds.modify_event_subscription(SubscriptionName="wire-events", EventCategories=["failure", "maintenance"])
OUT["rds_events"] = [[e["CustSubscriptionId"], e["EventCategoriesList"], e["Enabled"]] for e in rds.describe_event_subscriptions()["EventSubscriptionsList"]]
OUT["rds_event_bad_category"] = err(rds.create_event_subscription, SubscriptionName="wire-bad", SnsTopicArn=rds_topic, SourceType="db-parameter-group", EventCategories=["failure"])
rds.delete_event_subscription(SubscriptionName="wire-events")
# rds clusters
rds.create_db_cluster(DBClusterIdentifier="wire-cluster", Engine="aurora-mysql", MasterUsername="wireadmin", MasterUserPassword="correct-horse",
    BacktrackWindow=3600, Tags=[{"Key": "team", "Value": "sec"}])
rds.modify_db_cluster(DBClusterIdentifier="wire-cluster", DeletionProtection=True, EnableIAMDatabaseAuthentication=True, ApplyImmediately=True,
    CloudwatchLogsExportConfiguration={"EnableLogTypes": ["audit"]})
rds_cluster = rds.describe_db_clusters(DBClusterIdentifier="wire-cluster")["DBClusters"][0]
OUT["rds_cluster"] = [rds_cluster["DBClusterArn"], rds_cluster["Engine"], rds_cluster["Port"], rds_cluster["DeletionProtection"],
    rds_cluster["IAMDatabaseAuthenticationEnabled"], rds_cluster["BacktrackWindow"], rds_cluster["EnabledCloudwatchLogsExports"], rds_cluster["MultiAZ"]]
OUT["rds_cluster_protected"] = err(rds.delete_db_cluster, DBClusterIdentifier="wire-cluster", SkipFinalSnapshot=True)
OUT["rds_cluster_exists"] = err(rds.create_db_cluster, DBClusterIdentifier="wire-cluster", Engine="aurora-mysql", MasterUsername="x1",
    MasterUserPassword="correct-horse")
OUT["rds_cluster_missing"] = err(rds.describe_db_clusters, DBClusterIdentifier="wire-nope")
rds.create_db_cluster_snapshot(DBClusterSnapshotIdentifier="wire-cluster-snap", DBClusterIdentifier="wire-cluster")
rds.modify_db_cluster_snapshot_attribute(DBClusterSnapshotIdentifier="wire-cluster-snap", AttributeName="restore", ValuesToAdd=["all"])
OUT["rds_cluster_snapshot_restore"] = rds.describe_db_cluster_snapshot_attributes(DBClusterSnapshotIdentifier="wire-cluster-snap")["DBClusterSnapshotAttributesResult"]["DBClusterSnapshotAttributes"]
OUT["rds_cluster_snapshots"] = [[x["DBClusterSnapshotIdentifier"], x["StorageEncrypted"]] for x in rds.describe_db_cluster_snapshots(DBClusterIdentifier="wire-cluster")["DBClusterSnapshots"]]
rds.delete_db_cluster_snapshot(DBClusterSnapshotIdentifier="wire-cluster-snap")
OUT["rds_cluster_snapshot_gone"] = err(rds.delete_db_cluster_snapshot, DBClusterSnapshotIdentifier="wire-cluster-snap")
rds.create_db_cluster(DBClusterIdentifier="wire-gone-cluster", Engine="postgres", DBClusterInstanceClass="db.m6gd.large", AllocatedStorage=100,
    MasterUsername="wireadmin", MasterUserPassword="correct-horse")
OUT["rds_cluster_deleted"] = rds.delete_db_cluster(DBClusterIdentifier="wire-gone-cluster", SkipFinalSnapshot=True)["DBCluster"]["Status"]
rds.create_db_parameter_group(DBParameterGroupName="wire-pg", DBParameterGroupFamily="postgres16", Description="wire")
rds.modify_db_parameter_group(DBParameterGroupName="wire-pg", Parameters=[{"ParameterName": "log_connections", "ParameterValue": "1", "ApplyMethod": "immediate"}])
OUT["rds_pg_user"] = [[x["ParameterName"], x["ParameterValue"], x["Source"]] for x in rds.describe_db_parameters(DBParameterGroupName="wire-pg", Source="user")["Parameters"]]
OUT["rds_pg_groups"] = [g["DBParameterGroupFamily"] for g in rds.describe_db_parameter_groups(DBParameterGroupName="wire-pg")["DBParameterGroups"]]
OUT["rds_pg_default_locked"] = err(rds.modify_db_parameter_group, DBParameterGroupName="default.postgres16",
    Parameters=[{"ParameterName": "rds.force_ssl", "ParameterValue": "0", "ApplyMethod": "immediate"}])
rds.modify_db_instance(DBInstanceIdentifier="wire-db", DBParameterGroupName="wire-pg", ApplyImmediately=True)
OUT["rds_pg_pending"] = rds.describe_db_instances(DBInstanceIdentifier="wire-db")["DBInstances"][0]["DBParameterGroups"]
OUT["rds_pg_rebooted"] = rds.reboot_db_instance(DBInstanceIdentifier="wire-db")["DBInstance"]["DBParameterGroups"]
rds.create_db_parameter_group(DBParameterGroupName="wire-spare-pg", DBParameterGroupFamily="mysql8.0", Description="spare")
rds.delete_db_parameter_group(DBParameterGroupName="wire-spare-pg")
OUT["rds_pg_gone"] = err(rds.describe_db_parameters, DBParameterGroupName="wire-spare-pg")

# ---------- Logs ----------
logs = C("logs")
logs.create_log_group(logGroupName="wire/group", tags={"team": "sec"})
OUT["logs_groups"] = [g["logGroupName"] for g in logs.describe_log_groups(logGroupNamePrefix="wire/")["logGroups"]]
logs.put_retention_policy(logGroupName="wire/group", retentionInDays=30)
OUT["logs_retention"] = logs.describe_log_groups(logGroupNamePrefix="wire/group")["logGroups"][0]["retentionInDays"]
OUT["logs_tags_old"] = logs.list_tags_log_group(logGroupName="wire/group")["tags"]
OUT["logs_tags"] = logs.list_tags_for_resource(resourceArn=f"arn:aws:logs:{R}:{ACCT}:log-group:wire/group")["tags"]
logs.put_metric_filter(logGroupName="wire/group", filterName="root-use", filterPattern='{ $.userIdentity.type = "Root" }',
    metricTransformations=[{"metricName": "RootUse", "metricNamespace": "CISBenchmark", "metricValue": "1"}])
OUT["logs_filters"] = [f["filterName"] for f in logs.describe_metric_filters(logGroupName="wire/group")["metricFilters"]]
OUT["logs_bad_pattern"] = err(logs.put_metric_filter, logGroupName="wire/group", filterName="root-use", filterPattern='{ $.userIdentity.type = }',
    metricTransformations=[{"metricName": "RootUse", "metricNamespace": "CISBenchmark", "metricValue": "1"}])
OUT["logs_pattern_kept"] = [f["filterPattern"] for f in logs.describe_metric_filters(logGroupName="wire/group")["metricFilters"]]
OUT["logs_events"] = logs.filter_log_events(logGroupName="wire/group")["events"]
OUT["logs_resource_policies"] = logs.describe_resource_policies()["resourcePolicies"]
logs.delete_metric_filter(logGroupName="wire/group", filterName="root-use")
OUT["logs_dup"] = err(logs.create_log_group, logGroupName="wire/group")
logs.delete_log_group(logGroupName="wire/group")
OUT["logs_missing"] = err(logs.delete_log_group, logGroupName="wire/group")

# ---------- CloudWatch ----------
cw = C("cloudwatch")
topic_for_alarm = topic
cw.put_metric_alarm(AlarmName="wire-alarm", MetricName="RootUse", Namespace="CISBenchmark", Statistic="Sum", Period=300,
    EvaluationPeriods=1, Threshold=1, ComparisonOperator="GreaterThanOrEqualToThreshold", AlarmActions=[topic_for_alarm])
OUT["cw_alarms"] = [a["AlarmName"] for a in cw.describe_alarms()["MetricAlarms"]]
OUT["cw_alarms_metric"] = [a["AlarmName"] for a in cw.describe_alarms_for_metric(MetricName="RootUse", Namespace="CISBenchmark")["MetricAlarms"]]
OUT["cw_tags"] = cw.list_tags_for_resource(ResourceARN=f"arn:aws:cloudwatch:{R}:{ACCT}:alarm:wire-alarm")["Tags"]
cw.delete_alarms(AlarmNames=["wire-alarm"])
OUT["cw_after"] = cw.describe_alarms()["MetricAlarms"]

# ---------- EC2 ----------
ec2 = C("ec2")
OUT["ec2_regions"] = sorted(r["RegionName"] for r in ec2.describe_regions()["Regions"])
OUT["ec2_azs"] = [z["ZoneName"] for z in ec2.describe_availability_zones()["AvailabilityZones"]]
dvpc = ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"][0]
OUT["ec2_default_vpc"] = {k: dvpc[k] for k in ("CidrBlock", "IsDefault")}
OUT["ec2_default_subnets"] = len(ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [dvpc["VpcId"]]}])["Subnets"])
OUT["ec2_igws"] = len(ec2.describe_internet_gateways()["InternetGateways"])
OUT["ec2_rtbs"] = len(ec2.describe_route_tables()["RouteTables"])
OUT["ec2_dhcp"] = len(ec2.describe_dhcp_options()["DhcpOptions"])
OUT["ec2_empties"] = {
    "Reservations": ec2.describe_instances()["Reservations"],
    "Addresses": ec2.describe_addresses()["Addresses"],
    "NetworkInterfaces": ec2.describe_network_interfaces()["NetworkInterfaces"],
    "Volumes": ec2.describe_volumes()["Volumes"],
    "Snapshots": ec2.describe_snapshots(OwnerIds=["self"])["Snapshots"],
    "LaunchTemplates": ec2.describe_launch_templates()["LaunchTemplates"],
    "ClientVpnEndpoints": ec2.describe_client_vpn_endpoints()["ClientVpnEndpoints"],
    "TransitGateways": ec2.describe_transit_gateways()["TransitGateways"],
    "VpnConnections": ec2.describe_vpn_connections()["VpnConnections"],
    "VpcPeeringConnections": ec2.describe_vpc_peering_connections()["VpcPeeringConnections"],
}
OUT["ec2_ebs"] = ec2.get_ebs_encryption_by_default()["EbsEncryptionByDefault"]
OUT["ec2_ebs_on"] = ec2.enable_ebs_encryption_by_default()["EbsEncryptionByDefault"]
OUT["ec2_ebs_off"] = ec2.disable_ebs_encryption_by_default()["EbsEncryptionByDefault"]
OUT["ec2_ebs_key"] = ec2.get_ebs_default_kms_key_id()["KmsKeyId"]
OUT["ec2_image_bpa"] = ec2.get_image_block_public_access_state()["ImageBlockPublicAccessState"]
OUT["ec2_snapshot_bpa"] = ec2.get_snapshot_block_public_access_state()["State"]
OUT["ec2_imds"] = ec2.get_instance_metadata_defaults()["AccountLevel"]
vpc = ec2.create_vpc(CidrBlock="10.20.0.0/16", TagSpecifications=[{"ResourceType": "vpc", "Tags": [{"Key": "Name", "Value": "wire"}]}])["Vpc"]
VPC = vpc["VpcId"]
OUT["ec2_vpc"] = {k: vpc[k] for k in ("CidrBlock", "IsDefault")}
ec2.modify_vpc_attribute(VpcId=VPC, EnableDnsHostnames={"Value": True})
OUT["ec2_vpc_dns"] = ec2.describe_vpc_attribute(VpcId=VPC, Attribute="enableDnsHostnames")["EnableDnsHostnames"]["Value"]
subnet = ec2.create_subnet(VpcId=VPC, CidrBlock="10.20.1.0/24", AvailabilityZone=f"{R}a")["Subnet"]
SUB = subnet["SubnetId"]
OUT["ec2_subnet"] = {k: subnet[k] for k in ("CidrBlock", "MapPublicIpOnLaunch", "AvailabilityZone")}
ec2.modify_subnet_attribute(SubnetId=SUB, MapPublicIpOnLaunch={"Value": True})
OUT["ec2_subnet_public"] = ec2.describe_subnets(SubnetIds=[SUB])["Subnets"][0]["MapPublicIpOnLaunch"]
OUT["ec2_subnet_overlap"] = err(ec2.create_subnet, VpcId=VPC, CidrBlock="10.20.1.0/25")
ec2.create_tags(Resources=[SUB], Tags=[{"Key": "tier", "Value": "app"}])
OUT["ec2_tags"] = [(t["ResourceId"] == SUB, t["Key"], t["Value"]) for t in ec2.describe_tags(Filters=[{"Name": "key", "Values": ["tier"]}])["Tags"]]
ec2.delete_tags(Resources=[SUB], Tags=[{"Key": "tier"}])
OUT["ec2_tags_after"] = ec2.describe_tags(Filters=[{"Name": "key", "Values": ["tier"]}])["Tags"]
sg = ec2.create_security_group(GroupName="wire-sg", Description="wire", VpcId=VPC)["GroupId"]
OUT["ec2_sg_dup"] = err(ec2.create_security_group, GroupName="wire-sg", Description="wire", VpcId=VPC)
ec2.authorize_security_group_ingress(GroupId=sg, IpPermissions=[{"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "10.20.0.0/16"}]}])
ec2.authorize_security_group_egress(GroupId=sg, IpPermissions=[{"IpProtocol": "tcp", "FromPort": 5432, "ToPort": 5432, "IpRanges": [{"CidrIp": "10.20.0.0/16"}]}])
OUT["ec2_sg_dup_rule"] = err(ec2.authorize_security_group_ingress, GroupId=sg, IpPermissions=[{"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "10.20.0.0/16"}]}])
rules = ec2.describe_security_group_rules(Filters=[{"Name": "group-id", "Values": [sg]}])["SecurityGroupRules"]
OUT["ec2_sg_rules"] = sorted((r["IsEgress"], r["IpProtocol"], r.get("FromPort"), r.get("CidrIpv4")) for r in rules)
ec2.revoke_security_group_egress(GroupId=sg, IpPermissions=[{"IpProtocol": "tcp", "FromPort": 5432, "ToPort": 5432, "IpRanges": [{"CidrIp": "10.20.0.0/16"}]}])
ec2.revoke_security_group_ingress(GroupId=sg, IpPermissions=[{"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "10.20.0.0/16"}]}])
OUT["ec2_revoke_missing"] = err(ec2.revoke_security_group_ingress, GroupId=sg, IpPermissions=[{"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "10.20.0.0/16"}]}])
OUT["ec2_sg_after"] = ec2.describe_security_groups(GroupIds=[sg])["SecurityGroups"][0]["IpPermissions"]
OUT["ec2_sg_missing"] = err(ec2.describe_security_groups, GroupIds=["sg-0123456789abcdef0"])
acl = ec2.create_network_acl(VpcId=VPC)["NetworkAcl"]
ACL = acl["NetworkAclId"]
ec2.create_network_acl_entry(NetworkAclId=ACL, RuleNumber=100, Protocol="6", RuleAction="allow", Egress=False, CidrBlock="0.0.0.0/0", PortRange={"From": 443, "To": 443})
OUT["ec2_acl_dup"] = err(ec2.create_network_acl_entry, NetworkAclId=ACL, RuleNumber=100, Protocol="6", RuleAction="allow", Egress=False, CidrBlock="0.0.0.0/0", PortRange={"From": 80, "To": 80})
ec2.replace_network_acl_entry(NetworkAclId=ACL, RuleNumber=100, Protocol="6", RuleAction="deny", Egress=False, CidrBlock="0.0.0.0/0", PortRange={"From": 22, "To": 22})
entries = ec2.describe_network_acls(NetworkAclIds=[ACL])["NetworkAcls"][0]["Entries"]
OUT["ec2_acl_100"] = [(e["RuleAction"], e["PortRange"]["From"]) for e in entries if e["RuleNumber"] == 100]
ec2.delete_network_acl_entry(NetworkAclId=ACL, RuleNumber=100, Egress=False)
OUT["ec2_acl_entry_missing"] = err(ec2.delete_network_acl_entry, NetworkAclId=ACL, RuleNumber=100, Egress=False)
assoc = ec2.describe_network_acls(Filters=[{"Name": "association.subnet-id", "Values": [SUB]}])["NetworkAcls"][0]["Associations"]
assoc_id = [a for a in assoc if a["SubnetId"] == SUB][0]["NetworkAclAssociationId"]
OUT["ec2_acl_assoc"] = ec2.replace_network_acl_association(AssociationId=assoc_id, NetworkAclId=ACL)["NewAssociationId"].startswith("aclassoc-")
OUT["ec2_acl_in_use"] = err(ec2.delete_network_acl, NetworkAclId=ACL)
OUT["ec2_endpoint_services"] = f"com.amazonaws.{R}.ec2" in ec2.describe_vpc_endpoint_services()["ServiceNames"]
ep = ec2.create_vpc_endpoint(VpcId=VPC, ServiceName=f"com.amazonaws.{R}.s3", VpcEndpointType="Gateway")["VpcEndpoint"]
OUT["ec2_endpoint"] = {k: ep[k] for k in ("VpcEndpointType", "ServiceName", "VpcId")}
OUT["ec2_endpoints"] = [e["VpcEndpointId"] == ep["VpcEndpointId"] for e in ec2.describe_vpc_endpoints(VpcEndpointIds=[ep["VpcEndpointId"]])["VpcEndpoints"]]
OUT["ec2_endpoint_delete"] = ec2.delete_vpc_endpoints(VpcEndpointIds=[ep["VpcEndpointId"]])["Unsuccessful"]
logs.create_log_group(logGroupName="wire/flow")
flow_role = iam.create_role(RoleName="wire-flow", AssumeRolePolicyDocument=trust("vpc-flow-logs.amazonaws.com"))["Role"]["Arn"]
fl = ec2.create_flow_logs(ResourceIds=[VPC], ResourceType="VPC", TrafficType="REJECT", LogDestinationType="cloud-watch-logs",
    LogGroupName="wire/flow", DeliverLogsPermissionArn=flow_role)
OUT["ec2_flow_unsuccessful"] = fl["Unsuccessful"]
FLOW = fl["FlowLogIds"][0]
OUT["ec2_flows"] = [(f["ResourceId"] == VPC, f["TrafficType"], f["LogGroupName"]) for f in ec2.describe_flow_logs(FlowLogIds=[FLOW])["FlowLogs"]]
OUT["ec2_flow_delete"] = ec2.delete_flow_logs(FlowLogIds=[FLOW])["Unsuccessful"]
ec2.delete_security_group(GroupId=sg)
ec2.delete_subnet(SubnetId=SUB)
OUT["ec2_subnet_gone"] = err(ec2.describe_subnets, SubnetIds=[SUB])
ec2.delete_network_acl(NetworkAclId=ACL)
OUT["ec2_vpc_delete"] = ec2.delete_vpc(VpcId=VPC)["ResponseMetadata"]["HTTPStatusCode"]
OUT["ec2_vpc_gone"] = err(ec2.describe_vpcs, VpcIds=[VPC])
OUT["ec2_bad_cidr"] = err(ec2.create_vpc, CidrBlock="10.0.0.0/33")
# EC2 instances, ENIs, Elastic IPs, EBS volumes and snapshots (issue 15, fsbp-instances)
ami = ec2.describe_images(Owners=["amazon"], Filters=[{"Name": "name", "Values": ["amzn2-ami-*"]}])["Images"][0]["ImageId"]
OUT["ec2i_bad_ami"] = err(ec2.run_instances, ImageId="ami-0123456789abcdef0", InstanceType="t3.micro", MinCount=1, MaxCount=1)
inst = ec2.run_instances(ImageId=ami, InstanceType="t3.micro", MinCount=1, MaxCount=1)["Instances"][0]
I = inst["InstanceId"]
OUT["ec2i_run_state"] = inst["State"]["Name"]
desc = ec2.describe_instances(Filters=[{"Name": "instance-state-name", "Values": ["running"]}])["Reservations"][0]["Instances"][0]
OUT["ec2i_desc"] = {"public": "PublicIpAddress" in desc, "tokens": desc["MetadataOptions"]["HttpTokens"],
    "root": desc["BlockDeviceMappings"][0]["DeviceName"], "enis": len(desc["NetworkInterfaces"]), "virt": desc["VirtualizationType"]}
OUT["ec2i_imds"] = ec2.modify_instance_metadata_options(InstanceId=I, HttpTokens="required")["InstanceMetadataOptions"]["HttpTokens"]
vol = ec2.create_volume(AvailabilityZone=desc["Placement"]["AvailabilityZone"], Size=4)["VolumeId"]
ec2.attach_volume(VolumeId=vol, InstanceId=I, Device="/dev/sdf")
OUT["ec2i_vol_in_use"] = err(ec2.delete_volume, VolumeId=vol)
ec2.detach_volume(VolumeId=vol)
snap = ec2.create_snapshot(VolumeId=vol)["SnapshotId"]
ec2.modify_snapshot_attribute(SnapshotId=snap, Attribute="createVolumePermission", OperationType="add", GroupNames=["all"])
OUT["ec2i_snap_perms"] = ec2.describe_snapshot_attribute(SnapshotId=snap, Attribute="createVolumePermission")["CreateVolumePermissions"]
ec2.reset_snapshot_attribute(SnapshotId=snap, Attribute="createVolumePermission")
OUT["ec2i_snap_bpa"] = ec2.enable_snapshot_block_public_access(State="block-new-sharing")["State"]
OUT["ec2i_snap_bpa_off"] = ec2.disable_snapshot_block_public_access()["State"]
ec2.delete_snapshot(SnapshotId=snap)
ec2.delete_volume(VolumeId=vol)
eni = ec2.create_network_interface(SubnetId=desc["SubnetId"])["NetworkInterface"]["NetworkInterfaceId"]
att = ec2.attach_network_interface(NetworkInterfaceId=eni, InstanceId=I, DeviceIndex=1)["AttachmentId"]
OUT["ec2i_eni_count"] = len(ec2.describe_network_interfaces(Filters=[{"Name": "attachment.instance-id", "Values": [I]}])["NetworkInterfaces"])
ec2.detach_network_interface(AttachmentId=att)
ec2.delete_network_interface(NetworkInterfaceId=eni)
alloc = ec2.allocate_address(Domain="vpc")
assoc = ec2.associate_address(AllocationId=alloc["AllocationId"], InstanceId=I)["AssociationId"]
OUT["ec2i_eip"] = ec2.describe_instances(InstanceIds=[I])["Reservations"][0]["Instances"][0]["PublicIpAddress"] == alloc["PublicIp"]
ec2.disassociate_address(AssociationId=assoc)
ec2.release_address(AllocationId=alloc["AllocationId"])
ec2.stop_instances(InstanceIds=[I])
stopped = ec2.describe_instances(InstanceIds=[I])["Reservations"][0]["Instances"][0]
OUT["ec2i_stopped"] = (stopped["State"]["Name"], stopped["StateTransitionReason"].startswith("User initiated ("))
ec2.start_instances(InstanceIds=[I])
ec2.terminate_instances(InstanceIds=[I])
OUT["ec2i_stop_terminated"] = err(ec2.stop_instances, InstanceIds=[I])
# launch templates and Spot Fleet requests (issue 15: EC2.25, EC2.170, EC2.173)
lt = ec2.create_launch_template(LaunchTemplateName="wire-lt", LaunchTemplateData={"ImageId": "ami-12345678",
    "NetworkInterfaces": [{"DeviceIndex": 0, "AssociatePublicIpAddress": True}], "MetadataOptions": {"HttpTokens": "optional"}})["LaunchTemplate"]
LT = lt["LaunchTemplateId"]
OUT["lt_created"] = {k: lt[k] for k in ("LaunchTemplateName", "DefaultVersionNumber", "LatestVersionNumber")}
OUT["lt_dup"] = err(ec2.create_launch_template, LaunchTemplateName="wire-lt", LaunchTemplateData={"ImageId": "ami-12345678"})
v2 = ec2.create_launch_template_version(LaunchTemplateId=LT, SourceVersion="1",
    LaunchTemplateData={"MetadataOptions": {"HttpTokens": "required"}})["LaunchTemplateVersion"]
OUT["lt_v2"] = [v2["VersionNumber"], v2["LaunchTemplateData"]["MetadataOptions"]["HttpTokens"],
    v2["LaunchTemplateData"]["NetworkInterfaces"][0]["AssociatePublicIpAddress"]]
OUT["lt_default"] = ec2.modify_launch_template(LaunchTemplateId=LT, DefaultVersion="2")["LaunchTemplate"]["DefaultVersionNumber"]
OUT["lt_versions"] = [[v["VersionNumber"], v["DefaultVersion"]] for v in ec2.describe_launch_template_versions(LaunchTemplateId=LT)["LaunchTemplateVersions"]]
OUT["lt_missing_version"] = err(ec2.describe_launch_template_versions, LaunchTemplateId=LT, Versions=["9"])
OUT["lt_deleted"] = ec2.delete_launch_template(LaunchTemplateName="wire-lt")["LaunchTemplate"]["LaunchTemplateId"] == LT
OUT["lt_gone"] = err(ec2.delete_launch_template, LaunchTemplateName="wire-lt")
sf = ec2.request_spot_fleet(SpotFleetRequestConfig={"IamFleetRole": f"arn:aws:iam::{ACCT}:role/spot-fleet", "TargetCapacity": 1,
    "LaunchSpecifications": [{"ImageId": "ami-12345678", "InstanceType": "t3.micro",
        "BlockDeviceMappings": [{"DeviceName": "/dev/xvda", "Ebs": {"VolumeSize": 8, "Encrypted": False}}]}]})["SpotFleetRequestId"]
fleet = ec2.describe_spot_fleet_requests(SpotFleetRequestIds=[sf])["SpotFleetRequestConfigs"][0]
OUT["sf_described"] = [fleet["SpotFleetRequestState"],
    fleet["SpotFleetRequestConfig"]["LaunchSpecifications"][0]["BlockDeviceMappings"][0]["Ebs"]["Encrypted"]]
OUT["sf_cancel"] = [c["CurrentSpotFleetRequestState"] for c in ec2.cancel_spot_fleet_requests(SpotFleetRequestIds=[sf], TerminateInstances=True)["SuccessfulFleetRequests"]]
OUT["sf_bad"] = err(ec2.request_spot_fleet, SpotFleetRequestConfig={"IamFleetRole": "nope", "TargetCapacity": 1,
    "LaunchSpecifications": [{"ImageId": "ami-12345678"}]})
# EC2 network (issue 15): VPC Block Public Access.
OUT["ec2_bpa_default"] = ec2.describe_vpc_block_public_access_options()["VpcBlockPublicAccessOptions"]["InternetGatewayBlockMode"]
OUT["ec2_bpa_set"] = ec2.modify_vpc_block_public_access_options(InternetGatewayBlockMode="block-ingress")["VpcBlockPublicAccessOptions"]["State"]
OUT["ec2_bpa_now"] = ec2.describe_vpc_block_public_access_options()["VpcBlockPublicAccessOptions"]["InternetGatewayBlockMode"]
OUT["ec2_bpa_bad"] = err(ec2.modify_vpc_block_public_access_options, InternetGatewayBlockMode="block-all")
ec2.modify_vpc_block_public_access_options(InternetGatewayBlockMode="off")
tgw = ec2.create_transit_gateway(Options={"AutoAcceptSharedAttachments": "enable"})["TransitGateway"]["TransitGatewayId"]
ec2.modify_transit_gateway(TransitGatewayId=tgw, Options={"AutoAcceptSharedAttachments": "disable"})
OUT["ec2_tgw_auto"] = [g["Options"]["AutoAcceptSharedAttachments"] for g in ec2.describe_transit_gateways(TransitGatewayIds=[tgw])["TransitGateways"]]
OUT["ec2_tgw_delete"] = ec2.delete_transit_gateway(TransitGatewayId=tgw)["TransitGateway"]["State"]
OUT["ec2_tgw_gone"] = err(ec2.modify_transit_gateway, TransitGatewayId=tgw, Options={"AutoAcceptSharedAttachments": "enable"})
cvpn = ec2.create_client_vpn_endpoint(ClientCidrBlock="10.100.0.0/22", ServerCertificateArn=f"arn:aws:acm:{R}:123456789012:certificate/wire",
    AuthenticationOptions=[{"Type": "certificate-authentication", "MutualAuthentication": {"ClientRootCertificateChainArn": f"arn:aws:acm:{R}:123456789012:certificate/root"}}],
    ConnectionLogOptions={"Enabled": False})["ClientVpnEndpointId"]
OUT["ec2_cvpn_modify"] = ec2.modify_client_vpn_endpoint(ClientVpnEndpointId=cvpn, ConnectionLogOptions={"Enabled": True, "CloudwatchLogGroup": "cvpn"})["Return"]
OUT["ec2_cvpn_log"] = [e["ConnectionLogOptions"] for e in ec2.describe_client_vpn_endpoints(ClientVpnEndpointIds=[cvpn])["ClientVpnEndpoints"]]
OUT["ec2_cvpn_delete"] = ec2.delete_client_vpn_endpoint(ClientVpnEndpointId=cvpn)["Status"]["Code"]
OUT["ec2_cvpn_bad"] = err(ec2.modify_client_vpn_endpoint, ClientVpnEndpointId=cvpn, ConnectionLogOptions={"Enabled": True, "CloudwatchLogGroup": "cvpn"})

# Site-to-Site VPN (issue 15: EC2.20, EC2.171)
cgw = ec2.create_customer_gateway(Type="ipsec.1", BgpAsn=65010, IpAddress="198.51.100.7")["CustomerGateway"]["CustomerGatewayId"]
vgw = ec2.create_vpn_gateway(Type="ipsec.1")["VpnGateway"]["VpnGatewayId"]
OUT["ec2_cgw"] = [(g["BgpAsn"], g["IpAddress"], g["State"]) for g in ec2.describe_customer_gateways(CustomerGatewayIds=[cgw])["CustomerGateways"]]
OUT["ec2_vgw"] = [(g["AmazonSideAsn"], g["State"]) for g in ec2.describe_vpn_gateways(Filters=[{"Name": "vpn-gateway-id", "Values": [vgw]}])["VpnGateways"]]
vpn = ec2.create_vpn_connection(CustomerGatewayId=cgw, VpnGatewayId=vgw, Type="ipsec.1", Options={"StaticRoutesOnly": True})["VpnConnection"]
vpn_ip = vpn["VgwTelemetry"][0]["OutsideIpAddress"]
OUT["ec2_vpn_tunnels"] = [t["Status"] for t in vpn["VgwTelemetry"]]
OUT["ec2_vpn_log"] = ec2.modify_vpn_tunnel_options(VpnConnectionId=vpn["VpnConnectionId"], VpnTunnelOutsideIpAddress=vpn_ip,
    TunnelOptions={"LogOptions": {"CloudWatchLogOptions": {"LogEnabled": True, "LogGroupArn": f"arn:aws:logs:{R}:123456789012:log-group:vpn"}}})["VpnConnection"]["Options"]["TunnelOptions"][0]["LogOptions"]["CloudWatchLogOptions"]["LogEnabled"]
OUT["ec2_vpn_static"] = len(ec2.describe_vpn_connections(Filters=[{"Name": "option.static-routes-only", "Values": ["true"]}])["VpnConnections"])
OUT["ec2_vpn_bad_tunnel"] = err(ec2.modify_vpn_tunnel_options, VpnConnectionId=vpn["VpnConnectionId"], VpnTunnelOutsideIpAddress="203.0.113.9",
    TunnelOptions={"LogOptions": {"CloudWatchLogOptions": {"LogEnabled": False}}})
OUT["ec2_cgw_in_use"] = err(ec2.delete_customer_gateway, CustomerGatewayId=cgw)
ec2.delete_vpn_connection(VpnConnectionId=vpn["VpnConnectionId"])
OUT["ec2_vpn_gone"] = [c["State"] for c in ec2.describe_vpn_connections(VpnConnectionIds=[vpn["VpnConnectionId"]])["VpnConnections"]]
ec2.delete_vpn_gateway(VpnGatewayId=vgw)
ec2.delete_customer_gateway(CustomerGatewayId=cgw)
OUT["ec2_vpn_unknown_cgw"] = err(ec2.create_vpn_connection, CustomerGatewayId="cgw-0000000000000000", VpnGatewayId=vgw, Type="ipsec.1")

# elbv2: Application and Network Load Balancers (issue 16; signed elasticloadbalancing, Version 2015-12-01)
elbv2 = C("elbv2")
zones = {}
for s_ in ec2.describe_subnets()["Subnets"]:
    if s_.get("DefaultForAz"):
        zones.setdefault(s_["AvailabilityZone"], s_["SubnetId"])
two = sorted(zones.values())[:2]
alb = elbv2.create_load_balancer(Name="wire-alb", Subnets=two, Tags=[{"Key": "team", "Value": "web"}])["LoadBalancers"][0]
ALB = alb["LoadBalancerArn"]
OUT["elbv2_alb"] = [alb["Type"], alb["Scheme"], alb["State"]["Code"], len(alb["AvailabilityZones"]), ALB.split(":")[5].split("/")[:3]]
OUT["elbv2_one_zone"] = err(elbv2.create_load_balancer, Name="wire-one", Subnets=two[:1])
OUT["elbv2_dup"] = err(elbv2.create_load_balancer, Name="wire-alb", Subnets=two[:1], Type="network")
OUT["elbv2_names"] = [l["LoadBalancerName"] for l in elbv2.describe_load_balancers(Names=["wire-alb"])["LoadBalancers"]]
tg = elbv2.create_target_group(Name="wire-tg", Protocol="HTTP", Port=80, VpcId=alb["VpcId"])["TargetGroups"][0]["TargetGroupArn"]
http = elbv2.create_listener(LoadBalancerArn=ALB, Protocol="HTTP", Port=80, DefaultActions=[{"Type": "forward", "TargetGroupArn": tg}])["Listeners"][0]
https = elbv2.create_listener(LoadBalancerArn=ALB, Protocol="HTTPS", Port=443,
    Certificates=[{"CertificateArn": f"arn:aws:acm:{R}:123456789012:certificate/wire"}],
    DefaultActions=[{"Type": "forward", "TargetGroupArn": tg}])["Listeners"][0]
OUT["elbv2_https_policy"] = https["SslPolicy"]
OUT["elbv2_redirect"] = elbv2.modify_listener(ListenerArn=http["ListenerArn"],
    DefaultActions=[{"Type": "redirect", "RedirectConfig": {"Protocol": "HTTPS", "Port": "443", "StatusCode": "HTTP_301"}}])["Listeners"][0]["DefaultActions"][0]["RedirectConfig"]
OUT["elbv2_listeners"] = sorted(l["Port"] for l in elbv2.describe_listeners(LoadBalancerArn=ALB)["Listeners"])
OUT["elbv2_tgs"] = [g["LoadBalancerArns"] == [ALB] for g in elbv2.describe_target_groups(Names=["wire-tg"])["TargetGroups"]]
OUT["elbv2_bad_policy"] = err(elbv2.modify_listener, ListenerArn=https["ListenerArn"], SslPolicy="ELBSecurityPolicy-Nope")
OUT["elbv2_attrs"] = {a["Key"]: a["Value"] for a in elbv2.modify_load_balancer_attributes(LoadBalancerArn=ALB, Attributes=[
    {"Key": "routing.http.drop_invalid_header_fields.enabled", "Value": "true"},
    {"Key": "deletion_protection.enabled", "Value": "true"}])["Attributes"]
    if a["Key"] in ("routing.http.drop_invalid_header_fields.enabled", "deletion_protection.enabled", "routing.http.desync_mitigation_mode")}
OUT["elbv2_attrs_read"] = len(elbv2.describe_load_balancer_attributes(LoadBalancerArn=ALB)["Attributes"])
OUT["elbv2_logs_denied"] = err(elbv2.modify_load_balancer_attributes, LoadBalancerArn=ALB, Attributes=[
    {"Key": "access_logs.s3.enabled", "Value": "true"}, {"Key": "access_logs.s3.bucket", "Value": "config-bucket-123456789012"}])
OUT["elbv2_protected"] = err(elbv2.delete_load_balancer, LoadBalancerArn=ALB)
elbv2.add_tags(ResourceArns=[ALB, tg], Tags=[{"Key": "env", "Value": "prod"}])
elbv2.remove_tags(ResourceArns=[ALB], TagKeys=["team"])
OUT["elbv2_tags"] = [[(t["Key"], t["Value"]) for t in d["Tags"]] for d in elbv2.describe_tags(ResourceArns=[ALB, tg])["TagDescriptions"]]
OUT["elbv2_tg_in_use"] = err(elbv2.delete_target_group, TargetGroupArn=tg)
elbv2.delete_listener(ListenerArn=https["ListenerArn"])
OUT["elbv2_listener_gone"] = err(elbv2.describe_listeners, ListenerArns=[https["ListenerArn"]])
nlb = elbv2.create_load_balancer(Name="wire-nlb", Type="network", Subnets=two[:1])["LoadBalancers"][0]["LoadBalancerArn"]
elbv2.delete_load_balancer(LoadBalancerArn=nlb)
OUT["elbv2_nlb_gone"] = err(elbv2.describe_load_balancers, LoadBalancerArns=[nlb])
elbv2.delete_listener(ListenerArn=http["ListenerArn"])
elbv2.delete_target_group(TargetGroupArn=tg)
OUT["elbv2_bad_marker"] = err(elbv2.describe_load_balancers, Marker="not-a-marker")

# elb: Classic Load Balancers (issue 16; signed elasticloadbalancing, Version 2012-06-01)
clb = C("elb")
OUT["elb_dns"] = clb.create_load_balancer(LoadBalancerName="wire-clb", Subnets=two,
    Listeners=[{"Protocol": "HTTPS", "LoadBalancerPort": 443, "InstancePort": 8080, "SSLCertificateId": f"arn:aws:acm:{R}:123456789012:certificate/wire"}],
    Tags=[{"Key": "team", "Value": "legacy"}])["DNSName"].endswith(f".{R}.elb.amazonaws.com")
clb.create_load_balancer_listeners(LoadBalancerName="wire-clb", Listeners=[{"Protocol": "HTTP", "LoadBalancerPort": 80, "InstancePort": 8080}])
OUT["elb_dup_listener"] = err(clb.create_load_balancer_listeners, LoadBalancerName="wire-clb", Listeners=[{"Protocol": "TCP", "LoadBalancerPort": 80, "InstancePort": 80}])
clb.create_load_balancer_policy(LoadBalancerName="wire-clb", PolicyName="tls12", PolicyTypeName="SSLNegotiationPolicyType",
    PolicyAttributes=[{"AttributeName": "Reference-Security-Policy", "AttributeValue": "ELBSecurityPolicy-TLS-1-2-2017-01"}])
clb.set_load_balancer_policies_of_listener(LoadBalancerName="wire-clb", LoadBalancerPort=443, PolicyNames=["tls12"])
OUT["elb_listeners"] = sorted((d["Listener"]["LoadBalancerPort"], d["PolicyNames"]) for d in clb.describe_load_balancers(LoadBalancerNames=["wire-clb"])["LoadBalancerDescriptions"][0]["ListenerDescriptions"])
OUT["elb_policies"] = sorted(p["PolicyName"] for p in clb.describe_load_balancer_policies(LoadBalancerName="wire-clb")["PolicyDescriptions"])
OUT["elb_predefined"] = "ELBSecurityPolicy-TLS-1-2-2017-01" in [p["PolicyName"] for p in clb.describe_load_balancer_policies()["PolicyDescriptions"]]
OUT["elb_bad_policy_type"] = err(clb.create_load_balancer_policy, LoadBalancerName="wire-clb", PolicyName="x", PolicyTypeName="NopePolicyType")
clb.modify_load_balancer_attributes(LoadBalancerName="wire-clb", LoadBalancerAttributes={
    "ConnectionDraining": {"Enabled": True, "Timeout": 120}, "CrossZoneLoadBalancing": {"Enabled": True},
    "AdditionalAttributes": [{"Key": "elb.http.desyncmitigationmode", "Value": "strictest"}]})
a_ = clb.describe_load_balancer_attributes(LoadBalancerName="wire-clb")["LoadBalancerAttributes"]
OUT["elb_attrs"] = [a_["ConnectionDraining"], a_["CrossZoneLoadBalancing"]["Enabled"], a_["AccessLog"]["Enabled"], a_["AdditionalAttributes"]]
OUT["elb_logs_denied"] = err(clb.modify_load_balancer_attributes, LoadBalancerName="wire-clb", LoadBalancerAttributes={"AccessLog": {"Enabled": True, "S3BucketName": "config-bucket-123456789012"}})
clb.add_tags(LoadBalancerNames=["wire-clb"], Tags=[{"Key": "env", "Value": "prod"}])
clb.remove_tags(LoadBalancerNames=["wire-clb"], Tags=[{"Key": "team"}])
OUT["elb_tags"] = clb.describe_tags(LoadBalancerNames=["wire-clb"])["TagDescriptions"][0]["Tags"]
clb.delete_load_balancer_listeners(LoadBalancerName="wire-clb", LoadBalancerPorts=[80])
clb.delete_load_balancer(LoadBalancerName="wire-clb")
OUT["elb_gone"] = err(clb.describe_load_balancers, LoadBalancerNames=["wire-clb"])

# ---------- S3 ----------
s3 = C("s3")
seeded = [b["Name"] for b in s3.list_buckets()["Buckets"]]
OUT["s3_seeded"] = seeded
B = "wire-breadth-bucket"
LB = "wire-breadth-logs"
OUT["s3_create"] = s3.create_bucket(Bucket=B, CreateBucketConfiguration={"LocationConstraint": R})["Location"]
s3.create_bucket(Bucket=LB, CreateBucketConfiguration={"LocationConstraint": R})
OUT["s3_dup"] = err(s3.create_bucket, Bucket=B, CreateBucketConfiguration={"LocationConstraint": R})
OUT["s3_head"] = s3.head_bucket(Bucket=B)["ResponseMetadata"]["HTTPStatusCode"]
OUT["s3_head_missing"] = err(s3.head_bucket, Bucket="wire-no-such-bucket")
OUT["s3_missing"] = err(s3.get_bucket_policy, Bucket="wire-no-such-bucket")
OUT["s3_location"] = s3.get_bucket_location(Bucket=B)["LocationConstraint"]
OUT["s3_enc_default"] = err(s3.get_bucket_encryption, Bucket=B)
s3.put_bucket_encryption(Bucket=B, ServerSideEncryptionConfiguration={"Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": KEY}, "BucketKeyEnabled": True}]})
OUT["s3_enc"] = s3.get_bucket_encryption(Bucket=B)["ServerSideEncryptionConfiguration"]["Rules"][0]
s3.delete_bucket_encryption(Bucket=B)
OUT["s3_enc_after_delete"] = err(s3.get_bucket_encryption, Bucket=B)
OUT["s3_policy_missing"] = err(s3.get_bucket_policy, Bucket=B)
tls = {"Sid": "TLS", "Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": [f"arn:aws:s3:::{B}", f"arn:aws:s3:::{B}/*"], "Condition": {"Bool": {"aws:SecureTransport": "false"}}}
s3.put_bucket_policy(Bucket=B, Policy=policy(tls))
OUT["s3_policy"] = json.loads(s3.get_bucket_policy(Bucket=B)["Policy"])["Statement"][0]["Sid"]
OUT["s3_policy_status"] = s3.get_bucket_policy_status(Bucket=B)["PolicyStatus"]["IsPublic"]
OUT["s3_policy_malformed"] = err(s3.put_bucket_policy, Bucket=B, Policy="{not json")
s3.delete_bucket_policy(Bucket=B)
OUT["s3_policy_deleted"] = err(s3.get_bucket_policy, Bucket=B)
pab = {"BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True, "RestrictPublicBuckets": False}
s3.put_public_access_block(Bucket=B, PublicAccessBlockConfiguration=pab)
OUT["s3_pab"] = s3.get_public_access_block(Bucket=B)["PublicAccessBlockConfiguration"]
s3.delete_public_access_block(Bucket=B)
OUT["s3_pab_missing"] = err(s3.get_public_access_block, Bucket=B)
s3.put_bucket_policy(Bucket=LB, Policy=policy({"Effect": "Allow", "Principal": {"Service": "logging.s3.amazonaws.com"}, "Action": "s3:PutObject", "Resource": f"arn:aws:s3:::{LB}/*"}))
s3.put_bucket_logging(Bucket=B, BucketLoggingStatus={"LoggingEnabled": {"TargetBucket": LB, "TargetPrefix": "b/"}})
OUT["s3_logging"] = s3.get_bucket_logging(Bucket=B)["LoggingEnabled"]
OUT["s3_logging_bad_target"] = err(s3.put_bucket_logging, Bucket=B, BucketLoggingStatus={"LoggingEnabled": {"TargetBucket": "wire-no-such-bucket", "TargetPrefix": "b/"}})
stopic = sns.create_topic(Name="wire-s3-events", Attributes={"Policy": policy({"Effect": "Allow", "Principal": {"Service": "s3.amazonaws.com"}, "Action": "SNS:Publish", "Resource": f"arn:aws:sns:{R}:{ACCT}:wire-s3-events"})})["TopicArn"]
s3.put_bucket_notification_configuration(Bucket=B, NotificationConfiguration={"TopicConfigurations": [{"Id": "n1", "TopicArn": stopic, "Events": ["s3:ObjectCreated:*"]}]})
OUT["s3_notification"] = s3.get_bucket_notification_configuration(Bucket=B)["TopicConfigurations"][0]["TopicArn"]
OUT["s3_notification_denied"] = err(s3.put_bucket_notification_configuration, Bucket=B, NotificationConfiguration={"TopicConfigurations": [{"TopicArn": topic, "Events": ["s3:ObjectCreated:*"]}]})
s3.put_bucket_lifecycle_configuration(Bucket=B, LifecycleConfiguration={"Rules": [{"ID": "t", "Status": "Enabled", "Filter": {"Prefix": ""}, "Transitions": [{"Days": 30, "StorageClass": "GLACIER"}]}]})
OUT["s3_lifecycle"] = s3.get_bucket_lifecycle_configuration(Bucket=B)["Rules"][0]["Transitions"]
s3.delete_bucket_lifecycle(Bucket=B)
OUT["s3_lifecycle_missing"] = err(s3.get_bucket_lifecycle_configuration, Bucket=B)
s3.put_bucket_versioning(Bucket=B, VersioningConfiguration={"Status": "Enabled"})
OUT["s3_versioning"] = s3.get_bucket_versioning(Bucket=B)["Status"]
s3.put_bucket_tagging(Bucket=B, Tagging={"TagSet": [{"Key": "team", "Value": "sec"}]})
OUT["s3_tags"] = s3.get_bucket_tagging(Bucket=B)["TagSet"]
s3.delete_bucket_tagging(Bucket=B)
OUT["s3_tags_missing"] = err(s3.get_bucket_tagging, Bucket=B)
OUT["s3_ownership"] = err(s3.get_bucket_ownership_controls, Bucket=B)
s3.put_bucket_ownership_controls(Bucket=B, OwnershipControls={"Rules": [{"ObjectOwnership": "BucketOwnerPreferred"}]})
OUT["s3_ownership_after"] = s3.get_bucket_ownership_controls(Bucket=B)["OwnershipControls"]["Rules"][0]["ObjectOwnership"]
s3.put_bucket_acl(Bucket=LB, ACL="public-read")
OUT["s3_acl_public"] = sorted(g["Permission"] for g in s3.get_bucket_acl(Bucket=LB)["Grants"] if "AllUsers" in g["Grantee"].get("URI", ""))
s3.put_bucket_acl(Bucket=B, ACL="private")
acl = s3.get_bucket_acl(Bucket=B)
OUT["s3_acl"] = [g["Permission"] for g in acl["Grants"]]
s3.delete_bucket_ownership_controls(Bucket=B)
OUT["s3_ownership_missing"] = err(s3.get_bucket_ownership_controls, Bucket=B)
OUT["s3_cors"] = err(s3.get_bucket_cors, Bucket=B)
OUT["s3_website"] = err(s3.get_bucket_website, Bucket=B)
OUT["s3_replication"] = err(s3.get_bucket_replication, Bucket=B)
OUT["s3_object_lock"] = err(s3.get_object_lock_configuration, Bucket=B)
EMPTY = "wire-breadth-empty"
s3.create_bucket(Bucket=EMPTY, CreateBucketConfiguration={"LocationConstraint": R})
s3.delete_bucket(Bucket=EMPTY)
OUT["s3_deleted"] = err(s3.head_bucket, Bucket=EMPTY)
OUT["s3_delete_missing"] = err(s3.delete_bucket, Bucket=EMPTY)

# ---------- S3 Control (the account label lands in the user-info) ----------
s3c = C("s3control", url=f"http://s3control@127.0.0.1:{PORT}")
OUT["s3c_missing"] = err(s3c.get_public_access_block, AccountId=ACCT)
s3c.put_public_access_block(AccountId=ACCT, PublicAccessBlockConfiguration={"BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True, "RestrictPublicBuckets": True})
OUT["s3c_pab"] = s3c.get_public_access_block(AccountId=ACCT)["PublicAccessBlockConfiguration"]
OUT["s3c_access_points"] = s3c.list_access_points(AccountId=ACCT)["AccessPointList"]
OUT["s3c_mrap"] = C("s3control", "us-west-2", url=f"http://s3control@127.0.0.1:{PORT}").list_multi_region_access_points(AccountId=ACCT)["AccessPoints"]
s3c.delete_public_access_block(AccountId=ACCT)
OUT["s3c_deleted"] = err(s3c.get_public_access_block, AccountId=ACCT)
# S3 access points, Object Lock, Multi-Region Access Points (issue 15: S3.19, S3.10, S3.24)
ap = s3c.create_access_point(AccountId=ACCT, Name="wire-ap", Bucket=B, PublicAccessBlockConfiguration={"BlockPublicAcls": False, "IgnorePublicAcls": True, "BlockPublicPolicy": True, "RestrictPublicBuckets": True})
OUT["s3c_ap_create"] = {"Arn": ap["AccessPointArn"], "AliasEnd": ap["Alias"].endswith("-s3alias")}
g = s3c.get_access_point(AccountId=ACCT, Name="wire-ap")
OUT["s3c_ap_get"] = {"Bucket": g["Bucket"], "NetworkOrigin": g["NetworkOrigin"], "Block": g["PublicAccessBlockConfiguration"], "Dated": isinstance(g["CreationDate"], datetime.datetime)}
OUT["s3c_ap_list"] = [a["Name"] for a in s3c.list_access_points(AccountId=ACCT, Bucket=B)["AccessPointList"]]
OUT["s3c_ap_dup"] = err(s3c.create_access_point, AccountId=ACCT, Name="wire-ap", Bucket=B)
s3c.delete_access_point(AccountId=ACCT, Name="wire-ap")
OUT["s3c_ap_gone"] = err(s3c.get_access_point, AccountId=ACCT, Name="wire-ap")
lock = {"ObjectLockEnabled": "Enabled", "Rule": {"DefaultRetention": {"Mode": "GOVERNANCE", "Days": 1}}}
OUT["s3_lock_unversioned"] = err(s3.put_object_lock_configuration, Bucket=LB, ObjectLockConfiguration=lock)
s3.create_bucket(Bucket="wire-breadth-locked", CreateBucketConfiguration={"LocationConstraint": R}, ObjectLockEnabledForBucket=True)
s3.put_object_lock_configuration(Bucket="wire-breadth-locked", ObjectLockConfiguration=lock)
OUT["s3_lock"] = s3.get_object_lock_configuration(Bucket="wire-breadth-locked")["ObjectLockConfiguration"]
mrc = C("s3control", "us-west-2", url=f"http://s3control@127.0.0.1:{PORT}")
tok = mrc.create_multi_region_access_point(AccountId=ACCT, ClientToken="wire-1", Details={"Name": "wire-mrap", "PublicAccessBlock": {"BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True, "RestrictPublicBuckets": False}, "Regions": [{"Bucket": B}]})["RequestTokenARN"]
OUT["s3c_mrap_op"] = mrc.describe_multi_region_access_point_operation(AccountId=ACCT, RequestTokenARN=tok)["AsyncOperation"]["RequestStatus"]
mg = mrc.get_multi_region_access_point(AccountId=ACCT, Name="wire-mrap")["AccessPoint"]
OUT["s3c_mrap_get"] = {"Status": mg["Status"], "Block": mg["PublicAccessBlock"], "Regions": mg["Regions"]}
OUT["s3c_mrap_list"] = [a["Name"] for a in mrc.list_multi_region_access_points(AccountId=ACCT)["AccessPoints"]]
OUT["s3c_mrap_elsewhere"] = err(s3c.get_multi_region_access_point, AccountId=ACCT, Name="wire-mrap")
mrc.delete_multi_region_access_point(AccountId=ACCT, ClientToken="wire-2", Details={"Name": "wire-mrap"})
OUT["s3c_mrap_gone"] = err(mrc.get_multi_region_access_point, AccountId=ACCT, Name="wire-mrap")

# ---------- CloudTrail ----------
ct = C("cloudtrail")
TB = "wire-breadth-trail"
s3.create_bucket(Bucket=TB, CreateBucketConfiguration={"LocationConstraint": R})
OUT["ct_no_policy"] = err(ct.create_trail, Name="wire-trail", S3BucketName=TB)
OUT["ct_no_bucket"] = err(ct.create_trail, Name="wire-trail", S3BucketName="wire-no-such-bucket")
s3.put_bucket_policy(Bucket=TB, Policy=policy(
    {"Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"}, "Action": "s3:GetBucketAcl", "Resource": f"arn:aws:s3:::{TB}"},
    {"Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"}, "Action": "s3:PutObject", "Resource": f"arn:aws:s3:::{TB}/AWSLogs/{ACCT}/*"}))
trail = ct.create_trail(Name="wire-trail", S3BucketName=TB, IsMultiRegionTrail=True, TagsList=[{"Key": "team", "Value": "sec"}])
OUT["ct_trail"] = {k: trail[k] for k in ("Name", "TrailARN", "IsMultiRegionTrail", "S3BucketName")}
ARN = trail["TrailARN"]
OUT["ct_status_new"] = ct.get_trail_status(Name="wire-trail")["IsLogging"]
ct.start_logging(Name=ARN)
OUT["ct_status_started"] = ct.get_trail_status(Name=ARN)["IsLogging"]
ct.stop_logging(Name="wire-trail")
OUT["ct_status_stopped"] = ct.get_trail_status(Name="wire-trail")["IsLogging"]
OUT["ct_update"] = ct.update_trail(Name="wire-trail", EnableLogFileValidation=True)["LogFileValidationEnabled"]
OUT["ct_describe"] = [t["Name"] for t in ct.describe_trails()["trailList"]]
OUT["ct_describe_other_region"] = [t["HomeRegion"] for t in C("cloudtrail", OTHER).describe_trails()["trailList"]]
OUT["ct_get"] = ct.get_trail(Name="wire-trail")["Trail"]["LogFileValidationEnabled"]
OUT["ct_list"] = [t["Name"] for t in ct.list_trails()["Trails"]]
OUT["ct_tags"] = ct.list_tags(ResourceIdList=[ARN])["ResourceTagList"][0]["TagsList"]
OUT["ct_selectors_default"] = ct.get_event_selectors(TrailName="wire-trail")["EventSelectors"]
ct.put_event_selectors(TrailName="wire-trail", EventSelectors=[{"ReadWriteType": "WriteOnly", "IncludeManagementEvents": True}])
OUT["ct_selectors"] = ct.get_event_selectors(TrailName="wire-trail")["EventSelectors"][0]["ReadWriteType"]
OUT["ct_insights"] = err(ct.get_insight_selectors, TrailName="wire-trail")
OUT["ct_events"] = type(ct.lookup_events(MaxResults=5)["Events"]).__name__
OUT["ct_missing"] = err(ct.get_trail_status, Name="nope")
ct.delete_trail(Name="wire-trail")
OUT["ct_deleted"] = err(ct.get_trail, Name="wire-trail")

# ---------- Config ----------
cfg = C("config")
OUT["cfg_recorders"] = cfg.describe_configuration_recorders()["ConfigurationRecorders"]
OUT["cfg_status"] = [s["recording"] for s in cfg.describe_configuration_recorder_status()["ConfigurationRecordersStatus"]]
OUT["cfg_channels"] = [c["s3BucketName"] for c in cfg.describe_delivery_channels()["DeliveryChannels"]]
OUT["cfg_channel_status"] = [c["name"] for c in cfg.describe_delivery_channel_status()["DeliveryChannelsStatus"]]
o = C("config", OTHER)
OUT["cfg_other_missing"] = err(o.start_configuration_recorder, ConfigurationRecorderName="default")
o.put_configuration_recorder(ConfigurationRecorder={"name": "default", "roleARN": f"arn:aws:iam::{ACCT}:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig",
    "recordingGroup": {"allSupported": True, "includeGlobalResourceTypes": True}})
OUT["cfg_no_channel"] = err(o.start_configuration_recorder, ConfigurationRecorderName="default")
CB = "wire-breadth-config"
s3.create_bucket(Bucket=CB, CreateBucketConfiguration={"LocationConstraint": R})
s3.put_bucket_policy(Bucket=CB, Policy=policy(
    {"Effect": "Allow", "Principal": {"Service": "config.amazonaws.com"}, "Action": ["s3:GetBucketAcl", "s3:ListBucket"], "Resource": f"arn:aws:s3:::{CB}"},
    {"Effect": "Allow", "Principal": {"Service": "config.amazonaws.com"}, "Action": "s3:PutObject", "Resource": f"arn:aws:s3:::{CB}/AWSLogs/{ACCT}/Config/*"}))
o.put_delivery_channel(DeliveryChannel={"name": "default", "s3BucketName": CB})
o.start_configuration_recorder(ConfigurationRecorderName="default")
OUT["cfg_other_status"] = [s["recording"] for s in o.describe_configuration_recorder_status()["ConfigurationRecordersStatus"]]
o.stop_configuration_recorder(ConfigurationRecorderName="default")
o.delete_delivery_channel(DeliveryChannelName="default")
o.delete_configuration_recorder(ConfigurationRecorderName="default")
OUT["cfg_other_after"] = o.describe_configuration_recorders()["ConfigurationRecorders"]
# Config rules and configuration items (issue 21; tests/rules_wire.rs proves their fields).
GUARD = 'rule versioned when resourceType == "AWS::S3::Bucket" { supplementaryConfiguration.BucketVersioningConfiguration.status == "Enabled" }'
cfg.put_config_rule(ConfigRule={"ConfigRuleName": "wire-guard", "Scope": {"ComplianceResourceTypes": ["AWS::S3::Bucket"]},
    "Source": {"Owner": "CUSTOM_POLICY", "SourceDetails": [{"EventSource": "aws.config", "MessageType": "ConfigurationItemChangeNotification"}],
               "CustomPolicyDetails": {"PolicyRuntime": "guard-2.x.x", "PolicyText": GUARD}}})
OUT["cfg_rules"] = [r["ConfigRuleName"] for r in cfg.describe_config_rules()["ConfigRules"]]
cfg.start_config_rules_evaluation(ConfigRuleNames=["wire-guard"])
OUT["cfg_rule_status"] = [s["ConfigRuleName"] for s in cfg.describe_config_rule_evaluation_status()["ConfigRulesEvaluationStatus"]]
OUT["cfg_by_rule"] = cfg.describe_compliance_by_config_rule()["ComplianceByConfigRules"][0]["Compliance"]["ComplianceType"]
OUT["cfg_by_resource"] = len(cfg.describe_compliance_by_resource(ResourceType="AWS::S3::Bucket")["ComplianceByResources"])
OUT["cfg_details"] = len(cfg.get_compliance_details_by_config_rule(ConfigRuleName="wire-guard")["EvaluationResults"])
OUT["cfg_details_resource"] = len(cfg.get_compliance_details_by_resource(ResourceType="AWS::S3::Bucket", ResourceId=CB)["EvaluationResults"])
OUT["cfg_bad_token"] = err(cfg.put_evaluations, ResultToken="forged", Evaluations=[])
OUT["cfg_discovered"] = len(cfg.list_discovered_resources(resourceType="AWS::S3::Bucket")["resourceIdentifiers"])
OUT["cfg_batch"] = len(cfg.batch_get_resource_config(resourceKeys=[{"resourceType": "AWS::S3::Bucket", "resourceId": CB}])["baseConfigurationItems"])
OUT["cfg_history"] = len(cfg.get_resource_config_history(resourceType="AWS::S3::Bucket", resourceId=CB)["configurationItems"])
OUT["cfg_counts"] = cfg.get_discovered_resource_counts()["totalDiscoveredResources"]
cfg.delete_config_rule(ConfigRuleName="wire-guard")

# ---------- GuardDuty ----------
gd = C("guardduty")
OUT["gd_none"] = gd.list_detectors()["DetectorIds"]
DET = gd.create_detector(Enable=True, FindingPublishingFrequency="SIX_HOURS")["DetectorId"]
OUT["gd_dup"] = err(gd.create_detector, Enable=True)
d = gd.get_detector(DetectorId=DET)
OUT["gd_detector"] = {k: d[k] for k in ("Status", "FindingPublishingFrequency")}
gd.update_detector(DetectorId=DET, Enable=False)
OUT["gd_disabled"] = gd.get_detector(DetectorId=DET)["Status"]
OUT["gd_findings"] = gd.list_findings(DetectorId=DET)["FindingIds"]
OUT["gd_members"] = gd.list_members(DetectorId=DET)["Members"]
OUT["gd_admin"] = gd.get_administrator_account(DetectorId=DET).get("Administrator")
OUT["gd_org_config"] = err(gd.describe_organization_configuration, DetectorId=DET)
OUT["gd_org_admins"] = gd.list_organization_admin_accounts()["AdminAccounts"]
OUT["gd_tags"] = gd.list_tags_for_resource(ResourceArn=f"arn:aws:guardduty:{R}:{ACCT}:detector/{DET}")["Tags"]
OUT["gd_missing"] = err(gd.get_detector, DetectorId="0123456789abcdef0123456789abcdef")
gd.delete_detector(DetectorId=DET)
OUT["gd_after"] = gd.list_detectors()["DetectorIds"]

# ---------- Organizations ----------
org = C("organizations")
OUT["org"] = org.describe_organization()["Organization"]["MasterAccountId"]
OUT["org_account"] = org.describe_account(AccountId=ACCT)["Account"]["Id"]
OUT["org_accounts"] = [a["Id"] for a in org.list_accounts()["Accounts"]]
OUT["org_policies"] = org.list_policies(Filter="SERVICE_CONTROL_POLICY")["Policies"]
OUT["org_policy_missing"] = err(org.describe_policy, PolicyId="p-abcdefgh")
OUT["org_targets_missing"] = err(org.list_targets_for_policy, PolicyId="p-abcdefgh")
OUT["org_delegated"] = org.list_delegated_administrators()["DelegatedAdministrators"]

# iam reads
# The IAM and Config reads scanners call (issue 19): tags, providers hubsim never holds (empty
# lists), service-last-accessed reports, Config aggregators (none).
iam.create_role(RoleName="wire-reads-role", AssumeRolePolicyDocument=trust("ec2.amazonaws.com"))
iam.tag_role(RoleName="wire-reads-role", Tags=[{"Key": "team", "Value": "sec"}])
iam.untag_role(RoleName="wire-reads-role", TagKeys=["nope"])
OUT["iamr_role_tags"] = iam.list_role_tags(RoleName="wire-reads-role")["Tags"]
iam.create_user(UserName="wire-reads-user")
iam.tag_user(UserName="wire-reads-user", Tags=[{"Key": "dept", "Value": "it"}])
OUT["iamr_user_tags"] = iam.list_user_tags(UserName="wire-reads-user")["Tags"]
iam.untag_user(UserName="wire-reads-user", TagKeys=["dept"])
OUT["iamr_user_untagged"] = iam.list_user_tags(UserName="wire-reads-user")["Tags"]
rp = iam.create_policy(PolicyName="wire-reads-policy", PolicyDocument=policy({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}))["Policy"]["Arn"]
iam.tag_policy(PolicyArn=rp, Tags=[{"Key": "owner", "Value": "me"}])
OUT["iamr_policy_tags"] = iam.list_policy_tags(PolicyArn=rp)["Tags"]
iam.untag_policy(PolicyArn=rp, TagKeys=["owner"])
OUT["iamr_aws_policy_tag"] = err(iam.tag_policy, PolicyArn="arn:aws:iam::aws:policy/AWSSupportAccess", Tags=[{"Key": "a", "Value": "b"}])
OUT["iamr_saml"] = iam.list_saml_providers()["SAMLProviderList"]
OUT["iamr_oidc"] = iam.list_open_id_connect_providers()["OpenIDConnectProviderList"]
OUT["iamr_certs"] = iam.list_server_certificates()["ServerCertificateMetadataList"]
OUT["iamr_creds"] = iam.list_service_specific_credentials(UserName="wire-reads-user")["ServiceSpecificCredentials"]
iam.attach_role_policy(RoleName="wire-reads-role", PolicyArn=rp)
job = iam.generate_service_last_accessed_details(Arn=f"arn:aws:iam::{ACCT}:role/wire-reads-role")["JobId"]
report = iam.get_service_last_accessed_details(JobId=job)
OUT["iamr_last_accessed"] = [report["JobStatus"], [s["ServiceNamespace"] for s in report["ServicesLastAccessed"]]]
OUT["iamr_no_job"] = err(iam.get_service_last_accessed_details, JobId="00000000-0000-0000-0000-000000000000")
cfg_reads = C("config")
OUT["cfg_aggregators"] = cfg_reads.describe_configuration_aggregators()["ConfigurationAggregators"]
OUT["cfg_aggregator_missing"] = err(cfg_reads.describe_configuration_aggregators, ConfigurationAggregatorNames=["org"])

# ssm
# Systems Manager (issue 16). Registering a managed instance is hubsim:SetSsmManaged, a scenario
# step, so over the wire no instance is managed: compliance data is refused for one.
ssm = C("ssm")
OUT["ssm_managed"] = ssm.describe_instance_information()["InstanceInformationList"]
OUT["ssm_put_unmanaged"] = err(ssm.put_compliance_items, ResourceId="i-0123456789abcdef0", ResourceType="ManagedInstance",
    ComplianceType="Patch", ExecutionSummary={"ExecutionTime": 1700000000}, Items=[{"Id": "KB1", "Severity": "HIGH", "Status": "COMPLIANT"}])
OUT["ssm_items"] = ssm.list_compliance_items()["ComplianceItems"]
OUT["ssm_summaries"] = ssm.list_resource_compliance_summaries()["ResourceComplianceSummaryItems"]
SSM_DOC = json.dumps({"schemaVersion": "2.2", "description": "wire", "mainSteps": [{"action": "aws:runShellScript", "name": "r", "inputs": {"runCommand": ["true"]}}]})
OUT["ssm_doc"] = ssm.create_document(Name="wire-doc", Content=SSM_DOC, DocumentType="Command", Tags=[{"Key": "team", "Value": "ops"}])["DocumentDescription"]["SchemaVersion"]
OUT["ssm_doc_dup"] = err(ssm.create_document, Name="wire-doc", Content=SSM_DOC)
OUT["ssm_doc_type"] = ssm.describe_document(Name="wire-doc")["Document"]["DocumentType"]
OUT["ssm_doc_content"] = ssm.get_document(Name="wire-doc")["Content"] == SSM_DOC
OUT["ssm_docs"] = [d["Name"] for d in ssm.list_documents(Filters=[{"Key": "Owner", "Values": ["Self"]}])["DocumentIdentifiers"]]
ssm.modify_document_permission(Name="wire-doc", PermissionType="Share", AccountIdsToAdd=["all"])
OUT["ssm_shared"] = ssm.describe_document_permission(Name="wire-doc", PermissionType="Share")["AccountIds"]
OUT["ssm_delete_shared"] = err(ssm.delete_document, Name="wire-doc")
ssm.modify_document_permission(Name="wire-doc", PermissionType="Share", AccountIdsToRemove=["all"])
assoc = ssm.create_association(Name="AWS-RunPatchBaseline", Targets=[{"Key": "tag:Patch", "Values": ["yes"]}],
    AssociationName="wire-patch")["AssociationDescription"]["AssociationId"]
OUT["ssm_assoc_status"] = ssm.describe_association(AssociationId=assoc)["AssociationDescription"]["Overview"]["Status"]
OUT["ssm_assoc_version"] = ssm.update_association(AssociationId=assoc, ScheduleExpression="rate(1 day)")["AssociationDescription"]["AssociationVersion"]
OUT["ssm_assocs"] = [a["AssociationName"] for a in ssm.list_associations()["Associations"]]
ssm.add_tags_to_resource(ResourceType="Association", ResourceId=assoc, Tags=[{"Key": "env", "Value": "prod"}])
ssm.remove_tags_from_resource(ResourceType="Document", ResourceId="wire-doc", TagKeys=["team"])
OUT["ssm_tags"] = ssm.list_tags_for_resource(ResourceType="Association", ResourceId=assoc)["TagList"]
ssm.delete_association(AssociationId=assoc)
OUT["ssm_assoc_gone"] = err(ssm.describe_association, AssociationId=assoc)
ssm.delete_document(Name="wire-doc")
OUT["ssm_doc_gone"] = err(ssm.describe_document, Name="wire-doc")

# ---------- Security Hub ----------
import urllib.request
# Periodic controls (IAM.6, IAM.7, ...) get findings when the admin route evaluates everything.
summary = json.load(urllib.request.urlopen(urllib.request.Request(f"http://127.0.0.1:{PORT}/_hubsim/evaluate", method="POST", headers={"Content-Type": "application/json"})))
OUT["evaluate"] = {c["id"]: c["status"] for c in summary["controls"] if c["id"] in ("IAM.6", "IAM.7", "Config.1", "S3.5")}
sh = C("securityhub")
hub = sh.describe_hub()
OUT["sh_hub"] = hub["HubArn"]
OUT["sh_no_hub"] = err(C("securityhub", OTHER).get_findings)
stds = sh.describe_standards()["Standards"]
OUT["sh_standards"] = sorted(s["StandardsArn"] for s in stds)
enabled = sh.get_enabled_standards()["StandardsSubscriptions"]
OUT["sh_enabled"] = sorted(s["StandardsArn"] for s in enabled)
fsbp_sub = [s["StandardsSubscriptionArn"] for s in enabled if "foundational" in s["StandardsArn"]][0]
ctrls = [c for page in sh.get_paginator("describe_standards_controls").paginate(StandardsSubscriptionArn=fsbp_sub) for c in page["Controls"]]
OUT["sh_std_control_count"] = len(ctrls)
iam6 = [c for c in ctrls if c["ControlId"] == "IAM.6"][0]
OUT["sh_std_control"] = {k: iam6[k] for k in ("ControlStatus", "SeverityRating")}
sh.update_standards_control(StandardsControlArn=iam6["StandardsControlArn"], ControlStatus="DISABLED", DisabledReason="no hardware MFA here")
OUT["sh_std_control_after"] = [c["ControlStatus"] for page in sh.get_paginator("describe_standards_controls").paginate(StandardsSubscriptionArn=fsbp_sub) for c in page["Controls"] if c["ControlId"] == "IAM.6"]
defs = [d for page in sh.get_paginator("list_security_control_definitions").paginate() for d in page["SecurityControlDefinitions"]]
OUT["sh_definition_count"] = len(defs)
OUT["sh_definitions_has_s3_5"] = any(d["SecurityControlId"] == "S3.5" for d in defs)
OUT["sh_controls"] = [(c["SecurityControlId"], c["SecurityControlStatus"]) for c in sh.batch_get_security_controls(SecurityControlIds=["IAM.6", "S3.5", "Nope.1"])["SecurityControls"]]
OUT["sh_controls_unprocessed"] = [u["SecurityControlId"] for u in sh.batch_get_security_controls(SecurityControlIds=["Nope.1"])["UnprocessedIds"]]
assoc = sh.list_standards_control_associations(SecurityControlId="IAM.6")["StandardsControlAssociationSummaries"]
OUT["sh_assoc"] = sorted((a["StandardsArn"].split("/")[-3] if "/v/" in a["StandardsArn"] else a["StandardsArn"], a["AssociationStatus"]) for a in assoc)
sh.update_security_control(SecurityControlId="IAM.7", Parameters={"MinimumPasswordLength": {"ValueType": "CUSTOM", "Value": {"Integer": 16}}})
OUT["sh_iam7_params"] = sh.batch_get_security_controls(SecurityControlIds=["IAM.7"])["SecurityControls"][0]["Parameters"]["MinimumPasswordLength"]
OUT["sh_products"] = sh.list_enabled_products_for_import()["ProductSubscriptions"]
OUT["sh_org_config"] = err(sh.describe_organization_configuration)
OUT["sh_org_admins"] = sh.list_organization_admin_accounts()["AdminAccounts"]
pages, ids, token = 0, [], None
while True:
    kw = {"Filters": {"RecordState": [{"Value": "ACTIVE", "Comparison": "EQUALS"}]}, "MaxResults": 50}
    if token:
        kw["NextToken"] = token
    page = sh.get_findings(**kw)
    pages += 1
    ids += [f["Id"] for f in page["Findings"]]
    token = page.get("NextToken")
    if not token:
        break
OUT["sh_pages"] = pages
OUT["sh_finding_count"] = len(ids)
OUT["sh_finding_unique"] = len(set(ids))
f = sh.get_findings(Filters={"ComplianceSecurityControlId": [{"Value": "IAM.6", "Comparison": "EQUALS"}]})["Findings"][0]
OUT["sh_iam6"] = {"status": f["Compliance"]["Status"], "resource": f["Resources"][0]["Id"], "workflow": f["Workflow"]["Status"]}
upd = sh.batch_update_findings(FindingIdentifiers=[{"Id": f["Id"], "ProductArn": f["ProductArn"]}, {"Id": "nope", "ProductArn": f["ProductArn"]}],
    Workflow={"Status": "NOTIFIED"}, Note={"Text": "looking", "UpdatedBy": "wire"})
OUT["sh_update"] = {"processed": len(upd["ProcessedFindings"]), "unprocessed": [u["FindingIdentifier"]["Id"] for u in upd["UnprocessedFindings"]]}
OUT["sh_iam6_after"] = sh.get_findings(Filters={"Id": [{"Value": f["Id"], "Comparison": "EQUALS"}]})["Findings"][0]["Workflow"]["Status"]
now = datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc).isoformat()
product = f"arn:aws:securityhub:{R}:{ACCT}:product/{ACCT}/default"
imp = sh.batch_import_findings(Findings=[{"SchemaVersion": "2018-10-08", "Id": "wire-1", "ProductArn": product, "GeneratorId": "wire",
    "AwsAccountId": ACCT, "Types": ["Software and Configuration Checks"], "CreatedAt": now, "UpdatedAt": now,
    "Severity": {"Label": "LOW"}, "Title": "wire finding", "Description": "imported over the wire",
    "Resources": [{"Type": "Other", "Id": "wire-resource"}]}])
OUT["sh_import"] = {"ok": imp["SuccessCount"], "failed": imp["FailedCount"]}
OUT["sh_imported"] = [x["Title"] for x in sh.get_findings(Filters={"Id": [{"Value": "wire-1", "Comparison": "EQUALS"}]})["Findings"]]
OUT["sh_bad_filter"] = err(sh.get_findings, Filters={"RecordState": [{"Value": "ACTIVE", "Comparison": "LOOKS_LIKE"}]})
cis = [s["StandardsSubscriptionArn"] for s in enabled if "cis-aws" in s["StandardsArn"]][0]
OUT["sh_disable_std"] = sh.batch_disable_standards(StandardsSubscriptionArns=[cis])["StandardsSubscriptions"][0]["StandardsStatus"]
cis_arn = [s["StandardsArn"] for s in enabled if "cis-aws" in s["StandardsArn"]][0]
OUT["sh_enable_std"] = sh.batch_enable_standards(StandardsSubscriptionRequests=[{"StandardsArn": cis_arn}])["StandardsSubscriptions"][0]["StandardsStatus"]
other = C("securityhub", OTHER)
other.enable_security_hub(EnableDefaultStandards=False)
OUT["sh_other_hub"] = other.describe_hub()["HubArn"]
OUT["sh_enable_twice"] = err(other.enable_security_hub)
other.disable_security_hub()
OUT["sh_other_disabled"] = err(other.describe_hub)

# lambda (issue 16): functions, resource policies, function URLs, tags
lam = C("lambda")
lrole = iam.create_role(RoleName="wire-fn-role", AssumeRolePolicyDocument=trust("lambda.amazonaws.com"))["Role"]["Arn"]
fn = lam.create_function(FunctionName="wire-fn", Runtime="python3.9", Role=lrole, Handler="app.handler",
                         Code={"ZipFile": b"hello"}, Tags={"team": "sec"})
OUT["lambda_sha"] = fn["CodeSha256"]
OUT["lambda_get"] = lam.get_function(FunctionName="wire-fn")["Configuration"]["FunctionArn"]
OUT["lambda_cfg_runtime"] = lam.get_function_configuration(FunctionName=fn["FunctionArn"])["Runtime"]
OUT["lambda_list"] = [f["FunctionName"] for f in lam.list_functions()["Functions"]]
OUT["lambda_update"] = lam.update_function_configuration(FunctionName="wire-fn", Timeout=30)["Timeout"]
OUT["lambda_add"] = json.loads(lam.add_permission(FunctionName="wire-fn", StatementId="url", Action="lambda:InvokeFunctionUrl",
                                                  Principal="*", FunctionUrlAuthType="NONE")["Statement"])["Condition"]
OUT["lambda_policy_sids"] = [s["Sid"] for s in json.loads(lam.get_policy(FunctionName="wire-fn")["Policy"])["Statement"]]
lam.remove_permission(FunctionName="wire-fn", StatementId="url")
OUT["lambda_url"] = lam.create_function_url_config(FunctionName="wire-fn", AuthType="NONE")["FunctionUrl"]
OUT["lambda_url_get"] = lam.get_function_url_config(FunctionName="wire-fn")["AuthType"]
OUT["lambda_url_update"] = lam.update_function_url_config(FunctionName="wire-fn", AuthType="AWS_IAM")["AuthType"]
OUT["lambda_url_list"] = len(lam.list_function_url_configs(FunctionName="wire-fn")["FunctionUrlConfigs"])
lam.delete_function_url_config(FunctionName="wire-fn")
lam.tag_resource(Resource=fn["FunctionArn"], Tags={"env": "test"})
lam.untag_resource(Resource=fn["FunctionArn"], TagKeys=["team"])
OUT["lambda_tags"] = lam.list_tags(Resource=fn["FunctionArn"])["Tags"]
OUT["lambda_missing"] = err(lam.get_function, FunctionName="wire-nope")
OUT["lambda_conflict"] = err(lam.create_function, FunctionName="wire-fn", Runtime="python3.9", Role=lrole, Handler="a.b", Code={"ZipFile": b"x"})
OUT["lambda_bad_role"] = err(lam.create_function, FunctionName="wire-x", Runtime="python3.9", Role=lrole.replace("wire-fn-role", "nobody"), Handler="a.b", Code={"ZipFile": b"x"})
OUT["lambda_no_policy"] = err(lam.get_policy, FunctionName="wire-fn")
lam.delete_function(FunctionName="wire-fn")

# ecr (issue 16): repositories, lifecycle policies, registry scanning, tags
ecr = C("ecr")
repo = ecr.create_repository(repositoryName="wire/app", tags=[{"Key": "team", "Value": "sec"}])["repository"]
OUT["ecr_uri"] = repo["repositoryUri"]
OUT["ecr_describe"] = [r["imageTagMutability"] for r in ecr.describe_repositories(repositoryNames=["wire/app"])["repositories"]]
OUT["ecr_scan"] = ecr.put_image_scanning_configuration(repositoryName="wire/app", imageScanningConfiguration={"scanOnPush": True})["imageScanningConfiguration"]
OUT["ecr_mut"] = ecr.put_image_tag_mutability(repositoryName="wire/app", imageTagMutability="IMMUTABLE")["imageTagMutability"]
LCP = json.dumps({"rules": [{"rulePriority": 1, "description": "expire untagged images after 14 days", "selection": {"tagStatus": "untagged", "countType": "sinceImagePushed", "countUnit": "days", "countNumber": 14}, "action": {"type": "expire"}}]})
ecr.put_lifecycle_policy(repositoryName="wire/app", lifecyclePolicyText=LCP)
OUT["ecr_lcp"] = ecr.get_lifecycle_policy(repositoryName="wire/app")["lifecyclePolicyText"] == LCP
ecr.delete_lifecycle_policy(repositoryName="wire/app")
OUT["ecr_no_lcp"] = err(ecr.get_lifecycle_policy, repositoryName="wire/app")
OUT["ecr_registry"] = ecr.get_registry_scanning_configuration()["scanningConfiguration"]["scanType"]
ecr.put_registry_scanning_configuration(scanType="ENHANCED", rules=[{"scanFrequency": "SCAN_ON_PUSH", "repositoryFilters": [{"filter": "*", "filterType": "WILDCARD"}]}])
ecr.tag_resource(resourceArn=repo["repositoryArn"], tags=[{"Key": "env", "Value": "test"}])
ecr.untag_resource(resourceArn=repo["repositoryArn"], tagKeys=["team"])
OUT["ecr_tags"] = ecr.list_tags_for_resource(resourceArn=repo["repositoryArn"])["tags"]
OUT["ecr_dup"] = err(ecr.create_repository, repositoryName="wire/app")
OUT["ecr_missing"] = err(ecr.delete_repository, repositoryName="wire/nope")
OUT["ecr_bad_lcp"] = err(ecr.put_lifecycle_policy, repositoryName="wire/app", lifecyclePolicyText=json.dumps({"rules": [{"rulePriority": 1, "description": "x" * 90, "selection": {"tagStatus": "untagged"}, "action": {"type": "expire"}}]}))
ecr.delete_repository(repositoryName="wire/app")

# DynamoDB, Application Auto Scaling and Secrets Manager (issue 16: DynamoDB.1/.2/.6, SecretsManager.1-.4)
ddb = C("dynamodb")
tdesc = ddb.create_table(TableName="wire-table", KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
    AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
    ProvisionedThroughput={"ReadCapacityUnits": 5, "WriteCapacityUnits": 5}, Tags=[{"Key": "team", "Value": "sec"}])["TableDescription"]
tarn = tdesc["TableArn"]
OUT["ddb_arn"] = tarn
OUT["ddb_status"] = ddb.describe_table(TableName="wire-table")["Table"]["TableStatus"]
OUT["ddb_list"] = ddb.list_tables()["TableNames"]
OUT["ddb_protect"] = ddb.update_table(TableName="wire-table", DeletionProtectionEnabled=True)["TableDescription"]["DeletionProtectionEnabled"]
ddb.update_continuous_backups(TableName="wire-table", PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True})
OUT["ddb_pitr"] = ddb.describe_continuous_backups(TableName="wire-table")["ContinuousBackupsDescription"]["PointInTimeRecoveryDescription"]["PointInTimeRecoveryStatus"]
ddb.tag_resource(ResourceArn=tarn, Tags=[{"Key": "env", "Value": "test"}])
ddb.untag_resource(ResourceArn=tarn, TagKeys=["team"])
OUT["ddb_tags"] = ddb.list_tags_of_resource(ResourceArn=tarn)["Tags"]
OUT["ddb_protected_delete"] = err(ddb.delete_table, TableName="wire-table")
OUT["ddb_exists"] = err(ddb.create_table, TableName="wire-table", KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
    AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}], BillingMode="PAY_PER_REQUEST")
OUT["ddb_missing"] = err(ddb.describe_table, TableName="wire-nope")
ddb.create_table(TableName="wire-gone", KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
    AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}], BillingMode="PAY_PER_REQUEST")
OUT["ddb_deleted"] = ddb.delete_table(TableName="wire-gone")["TableDescription"]["TableStatus"]
aas = C("application-autoscaling")
aas.register_scalable_target(ServiceNamespace="dynamodb", ResourceId="table/wire-table",
    ScalableDimension="dynamodb:table:ReadCapacityUnits", MinCapacity=5, MaxCapacity=50)
aas.put_scaling_policy(PolicyName="wire-read", ServiceNamespace="dynamodb", ResourceId="table/wire-table",
    ScalableDimension="dynamodb:table:ReadCapacityUnits", PolicyType="TargetTrackingScaling",
    TargetTrackingScalingPolicyConfiguration={"TargetValue": 70.0,
        "PredefinedMetricSpecification": {"PredefinedMetricType": "DynamoDBReadCapacityUtilization"}})
OUT["aas_targets"] = [t["ResourceId"] for t in aas.describe_scalable_targets(ServiceNamespace="dynamodb")["ScalableTargets"]]
OUT["aas_policies"] = [p["PolicyName"] for p in aas.describe_scaling_policies(ServiceNamespace="dynamodb")["ScalingPolicies"]]
aas.deregister_scalable_target(ServiceNamespace="dynamodb", ResourceId="table/wire-table",
    ScalableDimension="dynamodb:table:ReadCapacityUnits")
OUT["aas_missing"] = err(aas.deregister_scalable_target, ServiceNamespace="dynamodb", ResourceId="table/wire-table",
    ScalableDimension="dynamodb:table:ReadCapacityUnits")
smc = C("secretsmanager")
sarn = smc.create_secret(Name="wire/secret", SecretString="s3cr3t", Tags=[{"Key": "team", "Value": "sec"}])["ARN"]
OUT["sm_arn"] = sarn
OUT["sm_value"] = smc.get_secret_value(SecretId="wire/secret")["SecretString"]
smc.put_secret_value(SecretId=sarn, SecretString="n3w")
smc.update_secret(SecretId=sarn, Description="wire")
smc.rotate_secret(SecretId=sarn, RotationLambdaARN="arn:aws:lambda:eu-west-1:123456789012:function:rotate",
    RotationRules={"AutomaticallyAfterDays": 30})
smc.cancel_rotate_secret(SecretId=sarn)
smc.tag_resource(SecretId=sarn, Tags=[{"Key": "env", "Value": "test"}])
smc.untag_resource(SecretId=sarn, TagKeys=["team"])
smc.put_resource_policy(SecretId=sarn, ResourcePolicy=policy({"Effect": "Allow",
    "Principal": {"AWS": "arn:aws:iam::123456789012:root"}, "Action": "secretsmanager:GetSecretValue", "Resource": "*"}))
OUT["sm_policy"] = json.loads(smc.get_resource_policy(SecretId=sarn)["ResourcePolicy"])["Statement"][0]["Action"]
d = smc.describe_secret(SecretId=sarn)
OUT["sm_describe"] = {"Description": d["Description"], "RotationEnabled": d["RotationEnabled"],
    "Tags": d["Tags"], "Rotated": "LastRotatedDate" in d, "Accessed": "LastAccessedDate" in d}
OUT["sm_list"] = [e["Name"] for e in smc.list_secrets(Filters=[{"Key": "name", "Values": ["wire/"]}])["SecretList"]]
OUT["sm_deletion"] = "DeletionDate" in smc.delete_secret(SecretId=sarn, RecoveryWindowInDays=7)
OUT["sm_deleted_get"] = err(smc.get_secret_value, SecretId=sarn)
smc.restore_secret(SecretId=sarn)
OUT["sm_exists"] = err(smc.create_secret, Name="wire/secret")
OUT["sm_missing"] = err(smc.describe_secret, SecretId="wire/nope")

# ---------- malformed input, as the client sees it ----------
OUT["bad_param"] = None
try:
    ec2.describe_vpcs(VpcIds="vpc-not-a-list")
except botocore.exceptions.ParamValidationError as e:
    OUT["bad_param"] = "ParamValidationError"
OUT["bad_enum"] = err(C("sns").set_topic_attributes, TopicArn="not-an-arn", AttributeName="Policy", AttributeValue="{}")

OUT["exercised"] = sorted(EXERCISED)
print("COVERAGE " + " ".join(sorted(EXERCISED)))
"#;

#[test]
fn every_operation_over_boto3_with_its_errors() {
    if !have_boto3() {
        return;
    }
    let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("breadth-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let scenario = dir.join("scenario.json");
    std::fs::write(&scenario, SCENARIO).expect("scenario");
    let server = start("boto3-breadth", &["--scenario", scenario.to_str().expect("utf-8 path")]);
    let (o, printed) = boto_printing(server.port, SCRIPT);
    let _ = std::fs::remove_dir_all(&dir);

    // Coverage: the script exercised exactly what the registry holds.
    let line = printed.lines().find_map(|l| l.strip_prefix("COVERAGE ")).expect("a COVERAGE line");
    let exercised: BTreeSet<String> = line.split_whitespace().map(String::from).collect();
    let registry = registered();
    let missing: Vec<&String> = registry.difference(&exercised).collect();
    let unknown: Vec<&String> = exercised.difference(&registry).collect();
    assert!(missing.is_empty(), "registered operations no boto3 call exercised: {missing:?}");
    assert!(unknown.is_empty(), "operations the script answered that the registry lacks: {unknown:?}");
    assert!(registry.len() > 200, "{}", registry.len());

    // EC2 instances, ENIs, Elastic IPs, volumes and snapshots (fsbp-instances).
    client_error(&o["ec2i_bad_ami"], "InvalidAMIID.NotFound", 400);
    assert_eq!(o["ec2i_run_state"], "pending");
    assert_eq!(
        o["ec2i_desc"],
        json!({"public": true, "tokens": "optional", "root": "/dev/xvda", "enis": 1, "virt": "hvm"})
    );
    assert_eq!(o["ec2i_imds"], "required");
    client_error(&o["ec2i_vol_in_use"], "VolumeInUse", 400);
    assert_eq!(o["ec2i_snap_perms"], json!([{"Group": "all"}]));
    assert_eq!(
        (o["ec2i_snap_bpa"].clone(), o["ec2i_snap_bpa_off"].clone()),
        (json!("block-new-sharing"), json!("unblocked"))
    );
    assert_eq!(o["ec2i_eni_count"], 2);
    assert_eq!(o["ec2i_eip"], true);
    assert_eq!(o["ec2i_stopped"], json!(["stopped", true]));
    client_error(&o["ec2i_stop_terminated"], "IncorrectInstanceState", 400);

    // STS and IAM.
    assert_eq!(o["sts_me"]["Account"], "123456789012");
    client_error(&o["sts_assume_missing"], "AccessDenied", 403);
    assert_eq!(o["sts_assume"]["Arn"], "arn:aws:sts::123456789012:assumed-role/wire-breadth-role/s1");
    assert_eq!(o["iam_summary"]["AccountMFAEnabled"], 0);
    assert_eq!(o["iam_summary"]["AccountPasswordPresent"], 1);
    client_error(&o["iam_pp_missing"], "NoSuchEntity", 404);
    assert_eq!(o["iam_pp"]["MinimumPasswordLength"], 14);
    assert_eq!(o["iam_pp"]["PasswordReusePrevention"], 24);
    assert_eq!(o["iam_pp"]["RequireNumbers"], false);
    client_error(&o["iam_pp_deleted"], "NoSuchEntity", 404);
    assert_eq!(
        o["iam_role"],
        json!({"RoleName": "wire-breadth-role", "Arn": "arn:aws:iam::123456789012:role/wire-breadth-role", "Path": "/"})
    );
    assert_eq!(o["iam_get_role"], o["iam_role"]["Arn"]);
    client_error(&o["iam_role_missing"], "NoSuchEntity", 404);
    assert_eq!(o["iam_role_policy"]["Statement"][0]["Action"], "s3:GetObject");
    assert_eq!(o["iam_role_policies"], json!(["inline"]));
    assert_eq!(o["iam_attached"], json!(["arn:aws:iam::aws:policy/ReadOnlyAccess"]));
    assert_eq!(o["iam_entities"], json!(["wire-breadth-role"]));
    assert_eq!(o["iam_policy"]["PolicyName"], "ReadOnlyAccess");
    assert_eq!(o["iam_policy_version"], true);
    assert_eq!(o["iam_policies_local"], json!([]));
    client_error(&o["iam_policy_missing"], "NoSuchEntity", 404);
    // The fresh account's roles plus ours.
    for role in ["AWSServiceRoleForConfig", "OrganizationAccountAccessRole", "wire-breadth-role"] {
        assert!(o["iam_roles"].as_array().expect("roles").contains(&json!(role)), "{role}: {}", o["iam_roles"]);
    }
    assert_eq!(
        o["iam_slr"],
        "arn:aws:iam::123456789012:role/aws-service-role/guardduty.amazonaws.com/AWSServiceRoleForAmazonGuardDuty"
    );
    assert_eq!(o["iam_user"], "arn:aws:iam::123456789012:user/wire-user");
    assert_eq!(o["iam_users"], json!(["wire-user"]));
    for empty in ["iam_user_policies", "iam_user_attached", "iam_keys", "iam_groups", "iam_aliases"] {
        assert_eq!(o[empty], json!([]), "{empty}");
    }
    assert_eq!(o["iam_key_created"], json!({"UserName": "wire-user", "Status": "Active"}));
    assert_eq!(o["iam_key_statuses"], json!(["Inactive"]));
    client_error(&o["iam_key_missing"], "NoSuchEntity", 404);
    client_error(&o["iam_user_login_missing"], "NoSuchEntity", 404);
    assert_eq!(o["iam_key_last_used"], json!({"UserName": "wire-user", "ServiceName": "N/A", "Region": "N/A"}));
    client_error(&o["iam_login_weak"], "PasswordPolicyViolation", 400);
    assert_eq!(o["iam_login_reset"], json!(false));
    assert_eq!(o["iam_root_login"], "root");
    assert_eq!(o["iam_mfa_serial"], "arn:aws:iam::123456789012:mfa/wire-mfa");
    client_error(&o["iam_mfa_badcode"], "InvalidAuthenticationCode", 403);
    assert_eq!(o["iam_mfa_list"], json!([o["iam_mfa_serial"]]));
    assert_eq!(o["iam_virtual_mfa"], json!([o["iam_mfa_serial"]]));
    assert_eq!(o["iam_report_state"], "STARTED");
    assert_eq!(o["iam_report_head"], json!(["user", "arn", "user_creation_time"]));
    assert_eq!(o["iam_report_users"], json!(["<root_account>", "wire-user"]));
    client_error(&o["iam_org_features"], "ServiceAccessNotEnabledException", 400);
    client_error(&o["iam_user_gone"], "NoSuchEntity", 404);
    client_error(&o["iam_delete_missing"], "NoSuchEntity", 404);
    client_error(&o["iam_malformed"], "MalformedPolicyDocument", 400);
    // IAM groups, customer managed policies, user and group policies (issue 14).
    assert_eq!(o["iam_group"], "arn:aws:iam::123456789012:group/wire-group");
    assert_eq!(o["iam_group_users"], json!(["wire-pol-user"]));
    assert_eq!(o["iam_groups_for_user"], json!(["wire-group"]));
    client_error(&o["iam_group_delete_conflict"], "DeleteConflict", 409);
    assert_eq!(
        o["iam_cp"],
        json!({"PolicyName": "wire-policy", "Arn": "arn:aws:iam::123456789012:policy/wire-policy", "DefaultVersionId": "v1", "AttachmentCount": 0})
    );
    client_error(&o["iam_cp_sixth"], "LimitExceeded", 409);
    assert_eq!(o["iam_cp_versions"], json!([["v5", true], ["v4", false], ["v3", false], ["v2", false], ["v1", false]]));
    client_error(&o["iam_cp_delete_default"], "DeleteConflict", 409);
    assert_eq!(o["iam_cp_doc"]["Statement"][0]["Action"], "s3:GetObject");
    client_error(&o["iam_cp_malformed"], "MalformedPolicyDocument", 400);
    assert_eq!(o["iam_group_attached"], json!(["AWSSupportAccess"]));
    assert_eq!(o["iam_support_groups"], json!(["wire-group"]));
    assert_eq!(o["iam_cp_local"], json!([["wire-policy", 1]]));
    client_error(&o["iam_cp_attached_delete"], "DeleteConflict", 409);
    assert_eq!(o["iam_user_inline"]["Statement"][0]["Action"], "s3:GetObject");
    assert_eq!(o["iam_group_inline"]["Statement"][0]["Action"], "s3:GetObject");
    assert_eq!(o["iam_group_inline_names"], json!(["inline"]));
    client_error(&o["iam_user_delete_conflict"], "DeleteConflict", 409);
    assert_eq!(o["iam_summary_groups"], json!({"Groups": 1, "Policies": 1}));
    assert_eq!(o["iam_groups_after"], json!([]));

    // KMS.
    let key_id = o["kms_key_id"].as_str().expect("key id");
    assert_eq!(o["kms_key"]["Arn"], format!("arn:aws:kms:eu-west-1:123456789012:key/{key_id}"));
    assert_eq!(o["kms_key"]["KeyManager"], "CUSTOMER");
    assert_eq!(o["kms_key"]["KeyState"], "Enabled");
    assert_eq!(o["kms_aliases"], json!(["alias/wire"]));
    assert_eq!(o["kms_describe_alias"], key_id);
    assert_eq!(o["kms_keys"], json!([key_id]));
    assert_eq!((o["kms_rotation_on"].clone(), o["kms_rotation_off"].clone()), (json!(true), json!(false)));
    assert_eq!(o["kms_policy_sid"], "Mine");
    // keys and queues (issue 15)
    assert!(o["kms_cancel"].as_str().is_some_and(|a| a.starts_with("arn:aws:kms:eu-west-1:123456789012:key/")));
    assert_eq!(
        (o["kms_cancelled_state"].clone(), o["kms_disabled_state"].clone()),
        (json!("Disabled"), json!("Disabled"))
    );
    client_error(&o["kms_cancel_twice"], "KMSInvalidStateException", 400);
    assert_eq!(o["sqs_url"], "https://sqs.eu-west-1.amazonaws.com/123456789012/wire-queue");
    assert_eq!(o["sqs_get_url"], o["sqs_url"]);
    assert_eq!(o["sqs_list"], json!([o["sqs_url"]]));
    assert_eq!(o["sqs_attrs"], json!({"VisibilityTimeout": "60", "SqsManagedSseEnabled": "true"}));
    assert_eq!(o["sqs_tags"], json!({"env": "test"}));
    client_error(&o["sqs_missing"], "AWS.SimpleQueueService.NonExistentQueue", 400);
    // lambda
    assert_eq!(o["lambda_sha"], "LPJNul+wow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ=");
    assert_eq!(o["lambda_get"], "arn:aws:lambda:eu-west-1:123456789012:function:wire-fn");
    assert_eq!(o["lambda_cfg_runtime"], "python3.9");
    assert_eq!(o["lambda_list"], json!(["wire-fn"]));
    assert_eq!(o["lambda_update"], 30);
    assert_eq!(o["lambda_add"], json!({"StringEquals": {"lambda:FunctionUrlAuthType": "NONE"}}));
    assert_eq!(o["lambda_policy_sids"], json!(["url"]));
    assert!(
        o["lambda_url"].as_str().is_some_and(|u| u.ends_with(".lambda-url.eu-west-1.on.aws/")),
        "{}",
        o["lambda_url"]
    );
    assert_eq!(o["lambda_url_get"], "NONE");
    assert_eq!(o["lambda_url_update"], "AWS_IAM");
    assert_eq!(o["lambda_url_list"], 1);
    assert_eq!(o["lambda_tags"], json!({"env": "test"}));
    client_error(&o["lambda_missing"], "ResourceNotFoundException", 404);
    client_error(&o["lambda_conflict"], "ResourceConflictException", 409);
    client_error(&o["lambda_bad_role"], "InvalidParameterValueException", 400);
    client_error(&o["lambda_no_policy"], "ResourceNotFoundException", 404);
    // ecr
    assert_eq!(o["ecr_uri"], "123456789012.dkr.ecr.eu-west-1.amazonaws.com/wire/app");
    assert_eq!(o["ecr_describe"], json!(["MUTABLE"]));
    assert_eq!(o["ecr_scan"], json!({"scanOnPush": true}));
    assert_eq!(o["ecr_mut"], "IMMUTABLE");
    assert_eq!(o["ecr_lcp"], true);
    client_error(&o["ecr_no_lcp"], "LifecyclePolicyNotFoundException", 400);
    assert_eq!(o["ecr_registry"], "BASIC");
    assert_eq!(o["ecr_tags"], json!([{"Key": "env", "Value": "test"}]));
    client_error(&o["ecr_dup"], "RepositoryAlreadyExistsException", 400);
    client_error(&o["ecr_missing"], "RepositoryNotFoundException", 400);
    client_error(&o["ecr_bad_lcp"], "InvalidParameterException", 400);

    // DynamoDB, Application Auto Scaling, Secrets Manager (issue 16)
    assert_eq!(o["ddb_arn"], "arn:aws:dynamodb:eu-west-1:123456789012:table/wire-table");
    assert_eq!(o["ddb_status"], "ACTIVE");
    assert_eq!(o["ddb_list"], json!(["wire-table"]));
    assert_eq!((o["ddb_protect"].clone(), o["ddb_pitr"].clone()), (json!(true), json!("ENABLED")));
    assert_eq!(o["ddb_tags"], json!([{"Key": "env", "Value": "test"}]));
    client_error(&o["ddb_protected_delete"], "ValidationException", 400);
    client_error(&o["ddb_exists"], "ResourceInUseException", 400);
    client_error(&o["ddb_missing"], "ResourceNotFoundException", 400);
    assert_eq!(o["ddb_deleted"], "DELETING");
    assert_eq!(o["aas_targets"], json!(["table/wire-table"]));
    assert_eq!(o["aas_policies"], json!(["wire-read"]));
    client_error(&o["aas_missing"], "ObjectNotFoundException", 400);
    assert!(o["sm_arn"]
        .as_str()
        .is_some_and(|a| a.starts_with("arn:aws:secretsmanager:eu-west-1:123456789012:secret:wire/secret-")));
    assert!(o["sm_value"].as_str().is_some_and(|v| v.starts_with("hubsim:sha256:")), "{}", o["sm_value"]);
    assert_eq!(o["sm_policy"], "secretsmanager:GetSecretValue");
    assert_eq!(
        o["sm_describe"],
        json!({"Description": "wire", "RotationEnabled": false, "Tags": [{"Key": "env", "Value": "test"}], "Rotated": true, "Accessed": true})
    );
    assert_eq!(o["sm_list"], json!(["wire/secret"]));
    assert_eq!(o["sm_deletion"], json!(true));
    client_error(&o["sm_deleted_get"], "InvalidRequestException", 400);
    client_error(&o["sm_exists"], "ResourceExistsException", 400);
    client_error(&o["sm_missing"], "ResourceNotFoundException", 400);
    // RDS (issue 16)
    assert_eq!(o["rds_groups"], json!(["wire-group"]));
    assert_eq!(
        o["rds_create"],
        json!({"DBInstanceIdentifier": "wire-db", "DBInstanceStatus": "available", "PubliclyAccessible": false,
               "BackupRetentionPeriod": 1, "MultiAZ": false})
    );
    assert_eq!(o["rds_port"], 5432);
    assert_eq!(o["rds_create_time_is_datetime"], true);
    assert_eq!(o["rds_modified"], json!([true, true, ["postgresql"]]));
    assert_eq!(o["rds_engines"], json!(["postgres"]));
    client_error(&o["rds_protected"], "InvalidParameterCombination", 400);
    client_error(&o["rds_exists"], "DBInstanceAlreadyExists", 400);
    client_error(&o["rds_missing"], "DBInstanceNotFound", 404);
    assert_eq!(o["rds_tags"], json!([{"Key": "env", "Value": "test"}]));
    assert_eq!(o["rds_snapshot_restore"], json!([{"AttributeName": "restore", "AttributeValues": ["all"]}]));
    assert_eq!(o["rds_snapshots"], json!(["wire-snap"]));
    assert_eq!(o["rds_events"], json!([["wire-events", ["failure", "maintenance"], true]]));
    client_error(&o["rds_event_bad_category"], "SubscriptionCategoryNotFound", 404);
    assert_eq!(
        o["rds_cluster"],
        json!([
            "arn:aws:rds:eu-west-1:123456789012:cluster:wire-cluster",
            "aurora-mysql",
            3306,
            true,
            true,
            3600,
            ["audit"],
            false
        ])
    );
    client_error(&o["rds_cluster_protected"], "InvalidDBClusterStateFault", 400);
    client_error(&o["rds_cluster_exists"], "DBClusterAlreadyExistsFault", 400);
    client_error(&o["rds_cluster_missing"], "DBClusterNotFoundFault", 404);
    assert_eq!(o["rds_cluster_snapshot_restore"], json!([{"AttributeName": "restore", "AttributeValues": ["all"]}]));
    assert_eq!(o["rds_cluster_snapshots"], json!([["wire-cluster-snap", false]]));
    client_error(&o["rds_cluster_snapshot_gone"], "DBClusterSnapshotNotFoundFault", 404);
    assert_eq!(o["rds_cluster_deleted"], "deleting");
    assert_eq!(o["rds_pg_user"], json!([["log_connections", "1", "user"]]));
    assert_eq!(o["rds_pg_groups"], json!(["postgres16"]));
    client_error(&o["rds_pg_default_locked"], "InvalidParameterValue", 400);
    assert_eq!(
        o["rds_pg_pending"],
        json!([{"DBParameterGroupName": "wire-pg", "ParameterApplyStatus": "pending-reboot"}])
    );
    assert_eq!(o["rds_pg_rebooted"], json!([{"DBParameterGroupName": "wire-pg", "ParameterApplyStatus": "in-sync"}]));
    client_error(&o["rds_pg_gone"], "DBParameterGroupNotFound", 404);
    assert_eq!(o["kms_tags"], json!([]));
    client_error(&o["kms_missing"], "NotFoundException", 400);
    assert_eq!(o["kms_deletion"], "PendingDeletion");

    // SNS.
    assert_eq!(o["sns_topic"], "arn:aws:sns:eu-west-1:123456789012:wire-topic");
    assert_eq!(o["sns_attrs"]["KmsMasterKeyId"], "alias/aws/sns");
    assert_eq!(o["sns_attrs"]["TopicArn"], o["sns_topic"]);
    assert_eq!(o["sns_topics"], json!([o["sns_topic"]]));
    assert_eq!(o["sns_tags"], json!(["env", "team"]));
    assert!(o["sns_sub"].as_str().is_some_and(|s| s.starts_with("arn:aws:sns:eu-west-1:123456789012:wire-topic:")));
    assert_eq!(o["sns_subs"], json!(["sec@example.com"]));
    assert_eq!(o["sns_subs_topic"], json!(["email"]));
    // hubsim's confirmation token is the ARN Subscribe answered (sns/subscriptions.rs).
    assert_eq!(o["sns_sub_pending"], json!("true"));
    assert_eq!(o["sns_confirm"], o["sns_sub"]);
    assert_eq!(o["sns_confirmed_arn"], json!([o["sns_sub"].clone()]));
    client_error(&o["sns_missing"], "NotFound", 404);
    client_error(&o["sns_bad_token"], "InvalidParameter", 400);
    client_error(&o["sns_bad_attr"], "InvalidParameter", 400);

    // CloudWatch Logs and CloudWatch.
    assert_eq!(o["logs_groups"], json!(["wire/group"]));
    assert_eq!(o["logs_retention"], 30);
    assert_eq!(o["logs_tags_old"], json!({"team": "sec"}));
    assert_eq!(o["logs_tags"], json!({"team": "sec"}));
    assert_eq!(o["logs_filters"], json!(["root-use"]));
    // A pattern CloudWatch Logs refuses changes nothing.
    client_error(&o["logs_bad_pattern"], "InvalidParameterException", 400);
    assert_eq!(o["logs_pattern_kept"], json!(["{ $.userIdentity.type = \"Root\" }"]));
    assert_eq!(o["logs_events"], json!([]));
    assert_eq!(o["logs_resource_policies"], json!([]));
    client_error(&o["logs_dup"], "ResourceAlreadyExistsException", 400);
    client_error(&o["logs_missing"], "ResourceNotFoundException", 400);
    assert_eq!(o["cw_alarms"], json!(["wire-alarm"]));
    assert_eq!(o["cw_alarms_metric"], json!(["wire-alarm"]));
    assert_eq!(o["cw_tags"], json!([]));
    assert_eq!(o["cw_after"], json!([]));

    // EC2: the fresh default network, then our own.
    assert_eq!(o["ec2_regions"], json!(["eu-west-1", "us-west-2"]));
    assert_eq!(o["ec2_azs"], json!(["eu-west-1a", "eu-west-1b", "eu-west-1c"]));
    assert_eq!(o["ec2_default_vpc"], json!({"CidrBlock": "172.31.0.0/16", "IsDefault": true}));
    assert_eq!(o["ec2_default_subnets"], 3);
    assert_eq!((o["ec2_igws"].clone(), o["ec2_rtbs"].clone(), o["ec2_dhcp"].clone()), (json!(1), json!(1), json!(1)));
    for (name, list) in o["ec2_empties"].as_object().expect("empties") {
        assert_eq!(list, &json!([]), "{name}");
    }
    assert_eq!(o["ec2_ebs"], false);
    assert_eq!(o["ec2_ebs_on"], true);
    assert_eq!(o["ec2_ebs_off"], false);
    assert_eq!(o["ec2_ebs_key"], "alias/aws/ebs");
    assert_eq!(o["ec2_image_bpa"], "unblocked");
    assert_eq!(o["ec2_snapshot_bpa"], "unblocked");
    assert_eq!(o["ec2_vpc"], json!({"CidrBlock": "10.20.0.0/16", "IsDefault": false}));
    assert_eq!(o["ec2_vpc_dns"], true);
    assert_eq!(
        o["ec2_subnet"],
        json!({"CidrBlock": "10.20.1.0/24", "MapPublicIpOnLaunch": false, "AvailabilityZone": "eu-west-1a"})
    );
    assert_eq!(o["ec2_subnet_public"], true);
    client_error(&o["ec2_subnet_overlap"], "InvalidSubnet.Conflict", 400);
    assert_eq!(o["ec2_tags"], json!([[true, "tier", "app"]]));
    assert_eq!(o["ec2_tags_after"], json!([]));
    client_error(&o["ec2_sg_dup"], "InvalidGroup.Duplicate", 400);
    client_error(&o["ec2_sg_dup_rule"], "InvalidPermission.Duplicate", 400);
    assert_eq!(
        o["ec2_sg_rules"],
        json!([
            [false, "tcp", 443, "10.20.0.0/16"],
            [true, "-1", -1, "0.0.0.0/0"],
            [true, "tcp", 5432, "10.20.0.0/16"]
        ])
    );
    client_error(&o["ec2_revoke_missing"], "InvalidPermission.NotFound", 400);
    assert_eq!(o["ec2_sg_after"], json!([]));
    client_error(&o["ec2_sg_missing"], "InvalidGroup.NotFound", 400);
    client_error(&o["ec2_acl_dup"], "NetworkAclEntryAlreadyExists", 400);
    assert_eq!(o["ec2_acl_100"], json!([["deny", 22]]));
    client_error(&o["ec2_acl_entry_missing"], "InvalidNetworkAclEntry.NotFound", 400);
    assert_eq!(o["ec2_acl_assoc"], true);
    client_error(&o["ec2_acl_in_use"], "DependencyViolation", 400);
    assert_eq!(o["ec2_endpoint_services"], true);
    assert_eq!(o["ec2_endpoint"]["ServiceName"], "com.amazonaws.eu-west-1.s3");
    assert_eq!(o["ec2_endpoints"], json!([true]));
    assert_eq!(o["ec2_endpoint_delete"], json!([]));
    assert_eq!(o["ec2_flow_unsuccessful"], json!([]));
    assert_eq!(o["ec2_flows"], json!([[true, "REJECT", "wire/flow"]]));
    assert_eq!(o["ec2_flow_delete"], json!([]));
    client_error(&o["ec2_subnet_gone"], "InvalidSubnetID.NotFound", 400);
    assert_eq!(o["ec2_vpc_delete"], 200);
    client_error(&o["ec2_vpc_gone"], "InvalidVpcID.NotFound", 400);
    client_error(&o["ec2_bad_cidr"], "InvalidParameterValue", 400);
    // launch templates and Spot Fleet requests (issue 15)
    assert_eq!(
        o["lt_created"],
        json!({"LaunchTemplateName": "wire-lt", "DefaultVersionNumber": 1, "LatestVersionNumber": 1})
    );
    client_error(&o["lt_dup"], "InvalidLaunchTemplateName.AlreadyExistsException", 400);
    assert_eq!(o["lt_v2"], json!([2, "required", true]));
    assert_eq!(o["lt_default"], 2);
    assert_eq!(o["lt_versions"], json!([[1, false], [2, true]]));
    client_error(&o["lt_missing_version"], "InvalidLaunchTemplateId.VersionNotFound", 400);
    assert_eq!(o["lt_deleted"], true);
    client_error(&o["lt_gone"], "InvalidLaunchTemplateName.NotFoundException", 400);
    assert_eq!(o["sf_described"], json!(["active", false]));
    assert_eq!(o["sf_cancel"], json!(["cancelled_terminating"]));
    client_error(&o["sf_bad"], "InvalidSpotFleetRequestConfig", 400);
    // EC2 network (issue 15).
    assert_eq!(o["ec2_bpa_default"], "off");
    assert_eq!(o["ec2_bpa_set"], "update-complete");
    assert_eq!(o["ec2_bpa_now"], "block-ingress");
    client_error(&o["ec2_bpa_bad"], "InvalidParameterValue", 400);
    assert_eq!(o["ec2_tgw_auto"], json!(["disable"]));
    assert_eq!(o["ec2_tgw_delete"], "deleted");
    client_error(&o["ec2_tgw_gone"], "IncorrectState", 400);
    assert_eq!(o["ec2_cvpn_modify"], true);
    assert_eq!(o["ec2_cvpn_log"], json!([{"Enabled": true, "CloudwatchLogGroup": "cvpn"}]));
    assert_eq!(o["ec2_cvpn_delete"], "deleting");
    client_error(&o["ec2_cvpn_bad"], "InvalidClientVpnEndpointId.NotFound", 400);
    assert_eq!(o["ec2_cgw"], json!([["65010", "198.51.100.7", "available"]]));
    assert_eq!(o["ec2_vgw"], json!([[64512, "available"]]));
    assert_eq!(o["ec2_vpn_tunnels"], json!(["DOWN", "DOWN"]));
    assert_eq!(o["ec2_vpn_log"], true);
    assert_eq!(o["ec2_vpn_static"], 1);
    client_error(&o["ec2_vpn_bad_tunnel"], "InvalidParameterValue", 400);
    client_error(&o["ec2_cgw_in_use"], "IncorrectState", 400);
    assert_eq!(o["ec2_vpn_gone"], json!(["deleted"]));
    client_error(&o["ec2_vpn_unknown_cgw"], "InvalidCustomerGatewayID.NotFound", 400);

    // elbv2: routed by Version among the two elasticloadbalancing models.
    assert_eq!(
        o["elbv2_alb"],
        json!(["application", "internet-facing", "active", 2, ["loadbalancer", "app", "wire-alb"]])
    );
    client_error(&o["elbv2_one_zone"], "ValidationError", 400);
    client_error(&o["elbv2_dup"], "DuplicateLoadBalancerName", 400);
    assert_eq!(o["elbv2_names"], json!(["wire-alb"]));
    assert_eq!(o["elbv2_https_policy"], "ELBSecurityPolicy-2016-08");
    assert_eq!(o["elbv2_redirect"]["Protocol"], "HTTPS");
    assert_eq!(o["elbv2_redirect"]["StatusCode"], "HTTP_301");
    assert_eq!(o["elbv2_listeners"], json!([80, 443]));
    assert_eq!(o["elbv2_tgs"], json!([true]));
    client_error(&o["elbv2_bad_policy"], "SSLPolicyNotFound", 400);
    assert_eq!(
        o["elbv2_attrs"],
        json!({"routing.http.drop_invalid_header_fields.enabled": "true", "deletion_protection.enabled": "true", "routing.http.desync_mitigation_mode": "defensive"})
    );
    assert!(o["elbv2_attrs_read"].as_u64().is_some_and(|n| n >= 15), "{}", o["elbv2_attrs_read"]);
    client_error(&o["elbv2_logs_denied"], "InvalidConfigurationRequest", 400);
    client_error(&o["elbv2_protected"], "OperationNotPermitted", 400);
    assert_eq!(o["elbv2_tags"], json!([[["env", "prod"]], [["env", "prod"]]]));
    client_error(&o["elbv2_tg_in_use"], "ResourceInUse", 400);
    client_error(&o["elbv2_listener_gone"], "ListenerNotFound", 400);
    client_error(&o["elbv2_nlb_gone"], "LoadBalancerNotFound", 400);
    client_error(&o["elbv2_bad_marker"], "ValidationError", 400);

    // elb (Classic): the same signing name, Version 2012-06-01.
    assert_eq!(o["elb_dns"], true);
    client_error(&o["elb_dup_listener"], "DuplicateListener", 400);
    assert_eq!(o["elb_listeners"], json!([[80, []], [443, ["tls12"]]]));
    assert_eq!(o["elb_policies"], json!(["ELBSecurityPolicy-2016-08", "tls12"]));
    assert_eq!(o["elb_predefined"], true);
    client_error(&o["elb_bad_policy_type"], "PolicyTypeNotFound", 400);
    assert_eq!(
        o["elb_attrs"],
        json!([{"Enabled": true, "Timeout": 120}, true, false, [{"Key": "elb.http.desyncmitigationmode", "Value": "strictest"}]])
    );
    client_error(&o["elb_logs_denied"], "InvalidConfigurationRequest", 409);
    assert_eq!(o["elb_tags"], json!([{"Key": "env", "Value": "prod"}]));
    client_error(&o["elb_gone"], "LoadBalancerNotFound", 400);

    // S3 (era 2022: new buckets have no default encryption and no ownership controls).
    assert_eq!(o["s3_seeded"], json!(["config-bucket-123456789012"]));
    assert!(o["s3_create"].as_str().is_some_and(|l| l.contains("wire-breadth-bucket")), "{}", o["s3_create"]);
    client_error(&o["s3_dup"], "BucketAlreadyOwnedByYou", 409);
    assert_eq!(o["s3_head"], 200);
    client_error(&o["s3_head_missing"], "404", 404);
    client_error(&o["s3_missing"], "NoSuchBucket", 404);
    assert_eq!(o["s3_location"], "eu-west-1");
    client_error(&o["s3_enc_default"], "ServerSideEncryptionConfigurationNotFoundError", 404);
    assert_eq!(
        o["s3_enc"]["ApplyServerSideEncryptionByDefault"],
        json!({"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": key_id})
    );
    assert_eq!(o["s3_enc"]["BucketKeyEnabled"], true);
    client_error(&o["s3_enc_after_delete"], "ServerSideEncryptionConfigurationNotFoundError", 404);
    client_error(&o["s3_policy_missing"], "NoSuchBucketPolicy", 404);
    assert_eq!(o["s3_policy"], "TLS");
    assert_eq!(o["s3_policy_status"], false);
    client_error(&o["s3_policy_malformed"], "MalformedPolicy", 400);
    client_error(&o["s3_policy_deleted"], "NoSuchBucketPolicy", 404);
    assert_eq!(o["s3_pab"]["RestrictPublicBuckets"], false);
    assert_eq!(o["s3_pab"]["BlockPublicAcls"], true);
    client_error(&o["s3_pab_missing"], "NoSuchPublicAccessBlockConfiguration", 404);
    assert_eq!(o["s3_logging"], json!({"TargetBucket": "wire-breadth-logs", "TargetPrefix": "b/"}));
    client_error(&o["s3_logging_bad_target"], "InvalidTargetBucketForLogging", 400);
    assert_eq!(o["s3_notification"], "arn:aws:sns:eu-west-1:123456789012:wire-s3-events");
    // wire-topic's policy does not let S3 publish.
    client_error(&o["s3_notification_denied"], "InvalidArgument", 400);
    assert_eq!(o["s3_lifecycle"], json!([{"Days": 30, "StorageClass": "GLACIER"}]));
    client_error(&o["s3_lifecycle_missing"], "NoSuchLifecycleConfiguration", 404);
    assert_eq!(o["s3_versioning"], "Enabled");
    assert_eq!(o["s3_tags"], json!([{"Key": "team", "Value": "sec"}]));
    client_error(&o["s3_tags_missing"], "NoSuchTagSet", 404);
    client_error(&o["s3_ownership"], "OwnershipControlsNotFoundError", 404);
    assert_eq!(o["s3_ownership_after"], "BucketOwnerPreferred");
    assert_eq!(o["s3_acl_public"], json!(["READ"]));
    assert_eq!(o["s3_acl"], json!(["FULL_CONTROL"]));
    client_error(&o["s3_ownership_missing"], "OwnershipControlsNotFoundError", 404);
    client_error(&o["s3_cors"], "NoSuchCORSConfiguration", 404);
    client_error(&o["s3_website"], "NoSuchWebsiteConfiguration", 404);
    client_error(&o["s3_replication"], "ReplicationConfigurationNotFoundError", 404);
    client_error(&o["s3_object_lock"], "ObjectLockConfigurationNotFoundError", 404);
    client_error(&o["s3_deleted"], "404", 404);
    client_error(&o["s3_delete_missing"], "NoSuchBucket", 404);

    // S3 Control.
    client_error(&o["s3c_missing"], "NoSuchPublicAccessBlockConfiguration", 404);
    assert_eq!(
        o["s3c_pab"],
        json!({"BlockPublicAcls": true, "IgnorePublicAcls": true, "BlockPublicPolicy": true, "RestrictPublicBuckets": true})
    );
    assert_eq!(o["s3c_access_points"], json!([]));
    assert_eq!(o["s3c_mrap"], json!([]));
    client_error(&o["s3c_deleted"], "NoSuchPublicAccessBlockConfiguration", 404);
    // S3 access points and Object Lock.
    assert_eq!(
        o["s3c_ap_create"],
        json!({"Arn": "arn:aws:s3:eu-west-1:123456789012:accesspoint/wire-ap", "AliasEnd": true})
    );
    assert_eq!(
        o["s3c_ap_get"],
        json!({"Bucket": "wire-breadth-bucket", "NetworkOrigin": "Internet", "Dated": true,
               "Block": {"BlockPublicAcls": false, "IgnorePublicAcls": true, "BlockPublicPolicy": true, "RestrictPublicBuckets": true}})
    );
    assert_eq!(o["s3c_ap_list"], json!(["wire-ap"]));
    client_error(&o["s3c_ap_dup"], "AccessPointAlreadyOwnedByYou", 409);
    client_error(&o["s3c_ap_gone"], "NoSuchAccessPoint", 404);
    client_error(&o["s3_lock_unversioned"], "InvalidBucketState", 409);
    assert_eq!(o["s3c_mrap_op"], "SUCCEEDED");
    assert_eq!(
        o["s3c_mrap_get"],
        json!({"Status": "READY", "Regions": [{"Bucket": "wire-breadth-bucket", "Region": "eu-west-1"}],
               "Block": {"BlockPublicAcls": true, "IgnorePublicAcls": true, "BlockPublicPolicy": true, "RestrictPublicBuckets": false}})
    );
    assert_eq!(o["s3c_mrap_list"], json!(["wire-mrap"]));
    client_error(&o["s3c_mrap_elsewhere"], "InvalidRequest", 400);
    client_error(&o["s3c_mrap_gone"], "NoSuchMultiRegionAccessPoint", 404);
    assert_eq!(
        o["s3_lock"],
        json!({"ObjectLockEnabled": "Enabled", "Rule": {"DefaultRetention": {"Mode": "GOVERNANCE", "Days": 1}}})
    );

    // CloudTrail.
    client_error(&o["ct_no_policy"], "InsufficientS3BucketPolicyException", 400);
    client_error(&o["ct_no_bucket"], "S3BucketDoesNotExistException", 400);
    assert_eq!(o["ct_trail"]["TrailARN"], "arn:aws:cloudtrail:eu-west-1:123456789012:trail/wire-trail");
    assert_eq!(o["ct_trail"]["IsMultiRegionTrail"], true);
    assert_eq!(
        (o["ct_status_new"].clone(), o["ct_status_started"].clone(), o["ct_status_stopped"].clone()),
        (json!(false), json!(true), json!(false))
    );
    assert_eq!(o["ct_update"], true);
    assert_eq!(o["ct_get"], true);
    assert_eq!(o["ct_describe"], json!(["wire-trail"]));
    // A multi-region trail shows up in every region, homed in eu-west-1; us-west-2 is not an
    // enabled region of this account, so it shows none.
    assert!(o["ct_describe_other_region"].as_array().is_some_and(|a| a.iter().all(|h| h == "eu-west-1")));
    assert_eq!(o["ct_list"], json!(["wire-trail"]));
    assert_eq!(o["ct_tags"], json!([{"Key": "team", "Value": "sec"}]));
    assert_eq!(o["ct_selectors_default"][0]["ReadWriteType"], "All");
    assert_eq!(o["ct_selectors"], "WriteOnly");
    client_error(&o["ct_insights"], "InsightNotEnabledException", 400);
    assert_eq!(o["ct_events"], "list");
    client_error(&o["ct_missing"], "TrailNotFoundException", 400);
    client_error(&o["ct_deleted"], "TrailNotFoundException", 400);

    // Config: the 1-click recorder, then a recorder of our own in a region without one.
    assert_eq!(o["cfg_recorders"][0]["name"], "default");
    assert_eq!(o["cfg_recorders"][0]["recordingGroup"]["includeGlobalResourceTypes"], true);
    assert_eq!(o["cfg_status"], json!([true]));
    assert_eq!(o["cfg_channels"], json!(["config-bucket-123456789012"]));
    assert_eq!(o["cfg_channel_status"], json!(["default"]));
    client_error(&o["cfg_other_missing"], "NoSuchConfigurationRecorderException", 400);
    client_error(&o["cfg_no_channel"], "NoAvailableDeliveryChannelException", 400);
    assert_eq!(o["cfg_other_status"], json!([true]));
    assert_eq!(o["cfg_other_after"], json!([]));
    assert_eq!(o["cfg_rules"], json!(["wire-guard"]));
    assert_eq!(o["cfg_by_rule"], "NON_COMPLIANT");
    assert_eq!(o["cfg_details_resource"], 1);
    client_error(&o["cfg_bad_token"], "InvalidResultTokenException", 400);
    assert_eq!(o["cfg_batch"], 1);

    // GuardDuty.
    assert_eq!(o["gd_none"], json!([]));
    client_error(&o["gd_dup"], "BadRequestException", 400);
    assert_eq!(o["gd_detector"], json!({"Status": "ENABLED", "FindingPublishingFrequency": "SIX_HOURS"}));
    assert_eq!(o["gd_disabled"], "DISABLED");
    assert_eq!((o["gd_findings"].clone(), o["gd_members"].clone()), (json!([]), json!([])));
    client_error(&o["gd_org_config"], "BadRequestException", 400);
    assert_eq!(o["gd_org_admins"], json!([]));
    client_error(&o["gd_missing"], "BadRequestException", 400);
    assert_eq!(o["gd_after"], json!([]));

    // Organizations (this account is the management account).
    assert_eq!(o["org"], "123456789012");
    assert_eq!(o["org_account"], "123456789012");
    assert_eq!(o["org_accounts"], json!(["123456789012"]));
    assert_eq!(o["org_policies"], json!([]));
    client_error(&o["org_policy_missing"], "PolicyNotFoundException", 400);
    client_error(&o["org_targets_missing"], "PolicyNotFoundException", 400);
    assert_eq!(o["org_delegated"], json!([]));

    // IAM and Config reads (issue 19).
    assert_eq!(o["iamr_role_tags"], json!([{"Key": "team", "Value": "sec"}]));
    assert_eq!(o["iamr_user_tags"], json!([{"Key": "dept", "Value": "it"}]));
    assert_eq!(o["iamr_user_untagged"], json!([]));
    assert_eq!(o["iamr_policy_tags"], json!([{"Key": "owner", "Value": "me"}]));
    assert_eq!(o["iamr_aws_policy_tag"]["Code"], "InvalidInput");
    for k in ["iamr_saml", "iamr_oidc", "iamr_certs", "iamr_creds", "cfg_aggregators"] {
        assert_eq!(o[k], json!([]), "{k}");
    }
    assert_eq!(o["iamr_last_accessed"], json!(["COMPLETED", ["s3"]]));
    assert_eq!(o["iamr_no_job"]["Code"], "NoSuchEntity");
    assert_eq!(o["cfg_aggregator_missing"]["Code"], "NoSuchConfigurationAggregatorException");

    // Systems Manager (issue 16).
    assert_eq!(o["ssm_managed"], json!([]));
    assert_eq!(o["ssm_put_unmanaged"]["Code"], "InvalidResourceId");
    assert_eq!((o["ssm_items"].clone(), o["ssm_summaries"].clone()), (json!([]), json!([])));
    assert_eq!(o["ssm_doc"], "2.2");
    assert_eq!(o["ssm_doc_dup"]["Code"], "DocumentAlreadyExists");
    assert_eq!(o["ssm_doc_type"], "Command");
    assert_eq!(o["ssm_doc_content"], true);
    assert_eq!(o["ssm_docs"], json!(["wire-doc"]));
    assert_eq!(o["ssm_shared"], json!(["all"]));
    assert_eq!(o["ssm_delete_shared"]["Code"], "InvalidDocumentOperation");
    assert_eq!(o["ssm_assoc_status"], "Pending");
    assert_eq!(o["ssm_assoc_version"], "2");
    assert_eq!(o["ssm_assocs"], json!(["wire-patch"]));
    assert_eq!(o["ssm_tags"], json!([{"Key": "env", "Value": "prod"}]));
    assert_eq!(o["ssm_assoc_gone"]["Code"], "AssociationDoesNotExist");
    assert_eq!(o["ssm_doc_gone"]["Code"], "InvalidDocument");

    // Security Hub.
    assert_eq!(o["evaluate"]["IAM.6"], "FAILED");
    assert_eq!(o["evaluate"]["Config.1"], "PASSED");
    assert_eq!(o["sh_hub"], "arn:aws:securityhub:eu-west-1:123456789012:hub/default");
    client_error(&o["sh_no_hub"], "InvalidAccessException", 401);
    let standards = json!([
        "arn:aws:securityhub:::ruleset/cis-aws-foundations-benchmark/v/1.2.0",
        "arn:aws:securityhub:eu-west-1::standards/aws-foundational-security-best-practices/v/1.0.0"
    ]);
    assert_eq!(o["sh_enabled"], standards);
    assert!(o["sh_standards"].as_array().is_some_and(|a| standards
        .as_array()
        .expect("list")
        .iter()
        .all(|s| a.contains(s))));
    assert!(o["sh_std_control_count"].as_u64().is_some_and(|n| n > 100), "{}", o["sh_std_control_count"]);
    assert_eq!(o["sh_std_control"], json!({"ControlStatus": "ENABLED", "SeverityRating": "CRITICAL"}));
    assert_eq!(o["sh_std_control_after"], json!(["DISABLED"]));
    assert_eq!(o["sh_definitions_has_s3_5"], true);
    assert!(o["sh_definition_count"].as_u64().is_some_and(|n| n > 100));
    assert_eq!(o["sh_controls"], json!([["IAM.6", "ENABLED"], ["S3.5", "ENABLED"]]));
    assert_eq!(o["sh_controls_unprocessed"], json!(["Nope.1"]));
    assert_eq!(
        o["sh_assoc"],
        json!([["aws-foundational-security-best-practices", "DISABLED"], ["cis-aws-foundations-benchmark", "ENABLED"]])
    );
    assert_eq!(o["sh_iam7_params"], json!({"ValueType": "CUSTOM", "Value": {"Integer": 16}}));
    assert_eq!(o["sh_products"], json!([]));
    client_error(&o["sh_org_config"], "InvalidAccessException", 401);
    assert_eq!(o["sh_org_admins"], json!([]));
    assert!(o["sh_finding_count"].as_u64().is_some_and(|n| n > 0));
    assert_eq!(o["sh_finding_count"], o["sh_finding_unique"]);
    assert_eq!(o["sh_iam6"], json!({"status": "FAILED", "resource": "AWS::::Account:123456789012", "workflow": "NEW"}));
    assert_eq!(o["sh_update"], json!({"processed": 1, "unprocessed": ["nope"]}));
    assert_eq!(o["sh_iam6_after"], "NOTIFIED");
    assert_eq!(o["sh_import"], json!({"ok": 1, "failed": 0}));
    assert_eq!(o["sh_imported"], json!(["wire finding"]));
    client_error(&o["sh_bad_filter"], "InvalidInputException", 400);
    assert_eq!(o["sh_disable_std"], "DELETING");
    assert_eq!(o["sh_enable_std"], "READY");
    assert_eq!(o["sh_other_hub"], "arn:aws:securityhub:us-west-2:123456789012:hub/default");
    client_error(&o["sh_enable_twice"], "ResourceConflictException", 409);
    client_error(&o["sh_other_disabled"], "InvalidAccessException", 401);

    // Malformed input: botocore refuses it locally, or the server answers with the code.
    assert_eq!(o["bad_param"], "ParamValidationError");
    client_error(&o["bad_enum"], "InvalidParameter", 400);
}
