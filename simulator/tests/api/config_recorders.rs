//! AWS Config: the configuration recorder (Put/Describe/Delete) and its validation.

use hubsim_simulator::model::config;
use hubsim_simulator::testing::{fresh_account, ACCOUNT};
use hubsim_simulator::{AwsApi, Era, Simulator};
use serde_json::json;

const REGION: &str = "ap-northeast-1";

fn slr_arn() -> String {
    format!("arn:aws:iam::{ACCOUNT}:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig")
}

/// Creates Config's service-linked role once IAM is simulated (until then Config accepts any
/// well-formed role ARN of the account).
fn with_slr(sim: &Simulator) -> String {
    if hubsim_simulator::operation_exists("iam", "CreateServiceLinkedRole") {
        sim.call_json(REGION, "iam", "CreateServiceLinkedRole", json!({"AWSServiceName": "config.amazonaws.com"}))
            .unwrap();
    }
    slr_arn()
}

fn code<T: std::fmt::Debug>(r: Result<T, hubsim_simulator::AwsError>) -> String {
    r.unwrap_err().code
}

fn put(sim: &Simulator, recorder: config::ConfigurationRecorder) -> Result<(), hubsim_simulator::AwsError> {
    sim.call::<config::PutConfigurationRecorder>(
        REGION,
        config::PutConfigurationRecorderRequest { configuration_recorder: recorder, ..Default::default() },
    )
    .map(|_| ())
}

fn describe(sim: &Simulator) -> Vec<config::ConfigurationRecorder> {
    sim.call::<config::DescribeConfigurationRecorders>(REGION, Default::default())
        .unwrap()
        .configuration_recorders
        .unwrap()
}

fn group(all: Option<bool>, global: Option<bool>, types: &[&str], strategy: Option<&str>) -> config::RecordingGroup {
    config::RecordingGroup {
        all_supported: all,
        include_global_resource_types: global,
        resource_types: (!types.is_empty()).then(|| types.iter().map(|t| t.to_string()).collect()),
        exclusion_by_resource_types: None,
        recording_strategy: strategy.map(|s| config::RecordingStrategy { use_only: Some(s.into()) }),
    }
}

#[test]
fn fresh_account_has_no_recorder() {
    let sim = fresh_account(Era::Current, &[REGION]);
    assert_eq!(describe(&sim), vec![]);
    let status = sim.call::<config::DescribeConfigurationRecorderStatus>(REGION, Default::default()).unwrap();
    assert_eq!(status.configuration_recorders_status, Some(vec![]));
    let named = config::DescribeConfigurationRecordersRequest {
        configuration_recorder_names: Some(vec!["default".into()]),
        ..Default::default()
    };
    assert_eq!(
        code(sim.call::<config::DescribeConfigurationRecorders>(REGION, named)),
        "NoSuchConfigurationRecorderException"
    );
}

#[test]
fn put_fills_in_defaults() {
    let sim = fresh_account(Era::Current, &[REGION, "us-east-1"]);
    let role = with_slr(&sim);
    put(&sim, config::ConfigurationRecorder { role_arn: Some(role.clone()), ..Default::default() }).unwrap();
    let recorders = describe(&sim);
    assert_eq!(recorders.len(), 1);
    let r = &recorders[0];
    assert_eq!(r.name.as_deref(), Some("default"));
    assert_eq!(r.role_arn.as_deref(), Some(role.as_str()));
    let arn = r.arn.clone().unwrap();
    let prefix = format!("arn:aws:config:{REGION}:{ACCOUNT}:configuration-recorder/default/");
    assert!(arn.starts_with(&prefix), "{arn}");
    assert_eq!(arn.len(), prefix.len() + 16);
    let g = r.recording_group.clone().unwrap();
    assert_eq!(g.all_supported, Some(true));
    assert_eq!(g.include_global_resource_types, Some(false));
    assert_eq!(g.resource_types, Some(vec![]));
    assert_eq!(g.exclusion_by_resource_types.unwrap().resource_types, Some(vec![]));
    assert_eq!(g.recording_strategy.unwrap().use_only.as_deref(), Some("ALL_SUPPORTED_RESOURCE_TYPES"));
    assert_eq!(r.recording_mode.as_ref().unwrap().recording_frequency, "CONTINUOUS");
    // Not recording until started.
    let status = sim.call::<config::DescribeConfigurationRecorderStatus>(REGION, Default::default()).unwrap();
    let s = &status.configuration_recorders_status.unwrap()[0];
    assert_eq!((s.name.as_deref(), s.recording, s.last_status.as_deref()), (Some("default"), Some(false), None));
    assert_eq!(s.arn.as_deref(), Some(arn.as_str()));
    // Regional: the other region has none.
    let other = sim.call::<config::DescribeConfigurationRecorders>("us-east-1", Default::default()).unwrap();
    assert_eq!(other.configuration_recorders, Some(vec![]));
    // Filters by name and by ARN find it.
    let by_arn = config::DescribeConfigurationRecordersRequest { arn: Some(arn.clone()), ..Default::default() };
    let found = sim.call::<config::DescribeConfigurationRecorders>(REGION, by_arn).unwrap();
    assert_eq!(found.configuration_recorders.unwrap().len(), 1);
    let bad_arn = config::DescribeConfigurationRecordersRequest { arn: Some(format!("{arn}x")), ..Default::default() };
    assert_eq!(
        code(sim.call::<config::DescribeConfigurationRecorders>(REGION, bad_arn)),
        "NoSuchConfigurationRecorderException"
    );
}

#[test]
fn one_recorder_per_region_and_updates_replace_settings() {
    let sim = fresh_account(Era::Current, &[REGION]);
    let role = with_slr(&sim);
    let rec = |name: &str, g: Option<config::RecordingGroup>| config::ConfigurationRecorder {
        name: Some(name.into()),
        role_arn: Some(role.clone()),
        recording_group: g,
        ..Default::default()
    };
    put(&sim, rec("main", None)).unwrap();
    let arn = describe(&sim)[0].arn.clone();
    assert_eq!(code(put(&sim, rec("second", None))), "MaxNumberOfConfigurationRecordersExceededException");
    assert_eq!(describe(&sim).len(), 1);
    put(&sim, rec("main", Some(group(Some(true), Some(true), &[], None)))).unwrap();
    let after = describe(&sim);
    assert_eq!(after.len(), 1);
    assert_eq!(after[0].arn, arn, "an update keeps the recorder's ARN");
    assert_eq!(after[0].recording_group.as_ref().unwrap().include_global_resource_types, Some(true));
    // Inclusion by resource type.
    put(&sim, rec("main", Some(group(Some(false), None, &["AWS::EC2::VPC", "AWS::S3::Bucket"], None)))).unwrap();
    let g = describe(&sim)[0].recording_group.clone().unwrap();
    assert_eq!(g.recording_strategy.unwrap().use_only.as_deref(), Some("INCLUSION_BY_RESOURCE_TYPES"));
    assert_eq!(g.resource_types.unwrap().len(), 2);
    assert_eq!(g.all_supported, Some(false));
    // Exclusion needs the strategy spelled out.
    let mut excl = group(Some(false), None, &[], Some("EXCLUSION_BY_RESOURCE_TYPES"));
    excl.exclusion_by_resource_types =
        Some(config::ExclusionByResourceTypes { resource_types: Some(vec!["AWS::EC2::Instance".into()]) });
    put(&sim, rec("main", Some(excl))).unwrap();
    let g = describe(&sim)[0].recording_group.clone().unwrap();
    assert_eq!(g.recording_strategy.unwrap().use_only.as_deref(), Some("EXCLUSION_BY_RESOURCE_TYPES"));
    // After deleting, another name may be created.
    sim.call::<config::DeleteConfigurationRecorder>(
        REGION,
        config::DeleteConfigurationRecorderRequest { configuration_recorder_name: "main".into() },
    )
    .unwrap();
    assert_eq!(describe(&sim), vec![]);
    put(&sim, rec("second", None)).unwrap();
    assert_eq!(describe(&sim)[0].name.as_deref(), Some("second"));
}

#[test]
fn role_is_checked() {
    let sim = fresh_account(Era::Current, &[REGION]);
    with_slr(&sim);
    let with_role =
        |role: Option<&str>| config::ConfigurationRecorder { role_arn: role.map(str::to_string), ..Default::default() };
    assert_eq!(code(put(&sim, with_role(None))), "InvalidRoleException");
    assert_eq!(code(put(&sim, with_role(Some("")))), "InvalidRoleException");
    assert_eq!(code(put(&sim, with_role(Some("not-an-arn")))), "InvalidRoleException");
    assert_eq!(code(put(&sim, with_role(Some("arn:aws:iam::210987654321:role/ConfigRole")))), "InvalidRoleException");
    assert_eq!(code(put(&sim, with_role(Some(&format!("arn:aws:iam::{ACCOUNT}:user/bob"))))), "InvalidRoleException");
    if hubsim_simulator::operation_exists("iam", "GetRole") {
        // Only once IAM is simulated can Config tell that a role does not exist.
        let missing = format!("arn:aws:iam::{ACCOUNT}:role/NoSuchRole");
        assert_eq!(code(put(&sim, with_role(Some(&missing)))), "InvalidRoleException");
    }
    assert_eq!(describe(&sim), vec![]);
}

#[test]
fn recording_group_is_validated() {
    let sim = fresh_account(Era::Current, &[REGION]);
    let role = with_slr(&sim);
    let with_group = |g: config::RecordingGroup| config::ConfigurationRecorder {
        role_arn: Some(role.clone()),
        recording_group: Some(g),
        ..Default::default()
    };
    let mut excluded_with_all = group(Some(true), None, &[], None);
    excluded_with_all.exclusion_by_resource_types =
        Some(config::ExclusionByResourceTypes { resource_types: Some(vec!["AWS::EC2::Instance".into()]) });
    let mut excluded_without_strategy = group(Some(false), None, &[], None);
    excluded_without_strategy.exclusion_by_resource_types = excluded_with_all.exclusion_by_resource_types.clone();
    let bad = [
        ("all + types", group(Some(true), None, &["AWS::EC2::VPC"], None)),
        ("all + exclusions", excluded_with_all),
        ("global without all", group(Some(false), Some(true), &["AWS::EC2::VPC"], None)),
        ("global, all absent", group(None, Some(true), &[], None)),
        ("all + exclusion strategy", group(Some(true), None, &[], Some("EXCLUSION_BY_RESOURCE_TYPES"))),
        ("all + inclusion strategy", group(Some(true), None, &[], Some("INCLUSION_BY_RESOURCE_TYPES"))),
        ("types + all strategy", group(Some(false), None, &["AWS::EC2::VPC"], Some("ALL_SUPPORTED_RESOURCE_TYPES"))),
        ("inclusion without types", group(Some(false), None, &[], Some("INCLUSION_BY_RESOURCE_TYPES"))),
        ("exclusion without strategy", excluded_without_strategy),
        ("everything empty", group(Some(false), Some(false), &[], None)),
        ("nothing at all", config::RecordingGroup::default()),
    ];
    for (why, g) in bad {
        assert_eq!(code(put(&sim, with_group(g))), "InvalidRecordingGroupException", "{why}");
    }
    // Resource types and strategies outside the model's enums fail validation.
    let bad_type = group(Some(false), None, &["EC2 VPC"], None);
    assert_eq!(code(put(&sim, with_group(bad_type))), "ValidationException");
    let odd_strategy = group(Some(true), None, &[], Some("SOMETIMES"));
    assert_eq!(code(put(&sim, with_group(odd_strategy))), "ValidationException");
    let daily = config::ConfigurationRecorder {
        role_arn: Some(role.clone()),
        recording_mode: Some(config::RecordingMode { recording_frequency: "HOURLY".into(), ..Default::default() }),
        ..Default::default()
    };
    assert_eq!(code(put(&sim, daily)), "ValidationException");
    let reserved = config::ConfigurationRecorder {
        name: Some("AWSConfigurationRecorderForSecurityHub".into()),
        role_arn: Some(role.clone()),
        ..Default::default()
    };
    assert_eq!(code(put(&sim, reserved)), "InvalidConfigurationRecorderNameException");
    assert_eq!(describe(&sim), vec![]);
    // The 1-click shape is accepted, with daily recording.
    let ok = config::ConfigurationRecorder {
        role_arn: Some(role),
        recording_group: Some(group(Some(true), Some(true), &[], Some("ALL_SUPPORTED_RESOURCE_TYPES"))),
        recording_mode: Some(config::RecordingMode { recording_frequency: "DAILY".into(), ..Default::default() }),
        ..Default::default()
    };
    put(&sim, ok).unwrap();
    assert_eq!(describe(&sim)[0].recording_mode.as_ref().unwrap().recording_frequency, "DAILY");
}

#[test]
fn delete_unknown_recorder_fails() {
    let sim = fresh_account(Era::Current, &[REGION]);
    let r = sim.call::<config::DeleteConfigurationRecorder>(
        REGION,
        config::DeleteConfigurationRecorderRequest { configuration_recorder_name: "default".into() },
    );
    let err = r.unwrap_err();
    assert_eq!((err.code.as_str(), err.status), ("NoSuchConfigurationRecorderException", 400));
}

#[test]
fn json_path_uses_lower_camel_members() {
    let sim = fresh_account(Era::Current, &[REGION]);
    let role = with_slr(&sim);
    sim.call_json(
        REGION,
        "config",
        "PutConfigurationRecorder",
        json!({"ConfigurationRecorder": {"name": "default", "roleARN": role,
               "recordingGroup": {"allSupported": true, "includeGlobalResourceTypes": true}}}),
    )
    .unwrap();
    let out = sim.call_json(REGION, "config", "DescribeConfigurationRecorders", json!({})).unwrap();
    let r = &out["ConfigurationRecorders"][0];
    assert_eq!(r["name"], "default");
    assert_eq!(r["roleARN"], json!(role));
    assert_eq!(r["recordingGroup"]["includeGlobalResourceTypes"], true);
    assert_eq!(r["recordingGroup"]["recordingStrategy"]["useOnly"], "ALL_SUPPORTED_RESOURCE_TYPES");
    assert_eq!(r["recordingMode"]["recordingFrequency"], "CONTINUOUS");
    // The model rejects an unknown frequency before the handler runs.
    let bad = sim.call_json(
        REGION,
        "config",
        "PutConfigurationRecorder",
        json!({"ConfigurationRecorder": {"roleARN": role, "recordingMode": {"recordingFrequency": "HOURLY"}}}),
    );
    assert_eq!(code(bad), "ValidationException");
}
