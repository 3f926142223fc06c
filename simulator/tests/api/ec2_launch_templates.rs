//! Launch templates and their versions (EC2.25, EC2.170), and Spot Fleet requests (EC2.173).

use hubsim_simulator::model::ec2;
use hubsim_simulator::testing::{fresh_account, ACCOUNT};
use hubsim_simulator::{AwsApi, AwsError, Era, Simulator};
use serde_json::{json, Value};

const REGION: &str = "ap-northeast-1";

fn call(sim: &Simulator, op: &str, input: Value) -> Result<Value, AwsError> {
    sim.call_json(REGION, "ec2", op, input)
}

fn code(r: Result<Value, AwsError>) -> String {
    r.unwrap_err().code
}

fn public_ip_data() -> Value {
    json!({"ImageId": "ami-12345678", "NetworkInterfaces": [{"DeviceIndex": 0, "AssociatePublicIpAddress": true}]})
}

fn create(sim: &Simulator, name: &str) -> String {
    let out =
        call(sim, "CreateLaunchTemplate", json!({"LaunchTemplateName": name, "LaunchTemplateData": public_ip_data()}))
            .unwrap();
    out["LaunchTemplate"]["LaunchTemplateId"].as_str().unwrap().to_string()
}

fn versions(sim: &Simulator, id: &str) -> Vec<Value> {
    call(sim, "DescribeLaunchTemplateVersions", json!({"LaunchTemplateId": id})).unwrap()["LaunchTemplateVersions"]
        .as_array()
        .unwrap()
        .clone()
}

fn templates(sim: &Simulator) -> Vec<Value> {
    call(sim, "DescribeLaunchTemplates", json!({})).unwrap()["LaunchTemplates"].as_array().unwrap().clone()
}

#[test]
fn create_describe_and_version_a_template() {
    let sim = fresh_account(Era::Current, &[REGION]);
    assert_eq!(templates(&sim), Vec::<Value>::new());
    let out = call(
        &sim,
        "CreateLaunchTemplate",
        json!({
            "LaunchTemplateName": "web(v1)/a_b.c-d",
            "VersionDescription": "first",
            "LaunchTemplateData": public_ip_data(),
            "TagSpecifications": [{"ResourceType": "launch-template", "Tags": [{"Key": "team", "Value": "web"}]}]
        }),
    )
    .unwrap();
    let t = &out["LaunchTemplate"];
    let id = t["LaunchTemplateId"].as_str().unwrap().to_string();
    assert!(id.starts_with("lt-") && id.len() == 20, "{id}");
    assert_eq!((t["DefaultVersionNumber"].as_i64(), t["LatestVersionNumber"].as_i64()), (Some(1), Some(1)));
    assert_eq!(t["CreatedBy"], format!("arn:aws:iam::{ACCOUNT}:root"));
    assert_eq!(t["Tags"], json!([{"Key": "team", "Value": "web"}]));

    // A new version from version 1 keeps what it does not replace.
    let v2 = call(
        &sim,
        "CreateLaunchTemplateVersion",
        json!({"LaunchTemplateId": id, "SourceVersion": "1",
               "LaunchTemplateData": {"MetadataOptions": {"HttpTokens": "required"}}}),
    )
    .unwrap();
    let v2 = &v2["LaunchTemplateVersion"];
    assert_eq!(v2["VersionNumber"], 2);
    assert_eq!(v2["DefaultVersion"], false);
    assert_eq!(v2["LaunchTemplateData"]["ImageId"], "ami-12345678");
    assert_eq!(v2["LaunchTemplateData"]["NetworkInterfaces"][0]["AssociatePublicIpAddress"], true);
    assert_eq!(v2["LaunchTemplateData"]["MetadataOptions"]["HttpTokens"], "required");
    // Without a source, the version holds only what it is given.
    let v3 = call(
        &sim,
        "CreateLaunchTemplateVersion",
        json!({"LaunchTemplateName": "web(v1)/a_b.c-d", "LaunchTemplateData": {"ImageId": "ami-87654321"}}),
    )
    .unwrap();
    assert_eq!(v3["LaunchTemplateVersion"]["VersionNumber"], 3);
    assert!(v3["LaunchTemplateVersion"]["LaunchTemplateData"].get("NetworkInterfaces").is_none());

    let all = versions(&sim, &id);
    assert_eq!(all.iter().map(|v| v["VersionNumber"].as_i64().unwrap()).collect::<Vec<_>>(), [1, 2, 3]);
    assert_eq!(all.iter().map(|v| v["DefaultVersion"].as_bool().unwrap()).collect::<Vec<_>>(), [true, false, false]);
    let pick = |versions: Value| {
        call(&sim, "DescribeLaunchTemplateVersions", json!({"LaunchTemplateId": id, "Versions": versions})).unwrap()
            ["LaunchTemplateVersions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v["VersionNumber"].as_i64().unwrap())
            .collect::<Vec<_>>()
    };
    assert_eq!(pick(json!(["$Latest"])), [3]);
    assert_eq!(pick(json!(["$Default", "2"])), [1, 2]);
    let ranged = call(&sim, "DescribeLaunchTemplateVersions", json!({"LaunchTemplateId": id, "MinVersion": "2"}))
        .unwrap()["LaunchTemplateVersions"]
        .as_array()
        .unwrap()
        .len();
    assert_eq!(ranged, 2);

    // The default moves with ModifyLaunchTemplate.
    let m = call(&sim, "ModifyLaunchTemplate", json!({"LaunchTemplateId": id, "DefaultVersion": "2"})).unwrap();
    assert_eq!(m["LaunchTemplate"]["DefaultVersionNumber"], 2);
    assert_eq!(pick(json!(["$Default"])), [2]);
    let defaults = call(
        &sim,
        "DescribeLaunchTemplateVersions",
        json!({"LaunchTemplateId": id, "Filters": [{"Name": "is-default-version", "Values": ["true"]}]}),
    )
    .unwrap();
    assert_eq!(defaults["LaunchTemplateVersions"][0]["VersionNumber"], 2);
    let listed = templates(&sim);
    assert_eq!(listed.len(), 1);
    assert_eq!(
        (listed[0]["DefaultVersionNumber"].as_i64(), listed[0]["LatestVersionNumber"].as_i64()),
        (Some(2), Some(3))
    );
    // Across templates, only the aliases may be asked for.
    let latest = call(&sim, "DescribeLaunchTemplateVersions", json!({"Versions": ["$Latest"]})).unwrap();
    assert_eq!(latest["LaunchTemplateVersions"][0]["VersionNumber"], 3);
    assert_eq!(code(call(&sim, "DescribeLaunchTemplateVersions", json!({"Versions": ["1"]}))), "MissingParameter");

    // Delete removes the template and all its versions.
    let d = call(&sim, "DeleteLaunchTemplate", json!({"LaunchTemplateName": "web(v1)/a_b.c-d"})).unwrap();
    assert_eq!(d["LaunchTemplate"]["LaunchTemplateId"], id.as_str());
    assert_eq!(templates(&sim), Vec::<Value>::new());
    assert_eq!(
        code(call(&sim, "DescribeLaunchTemplateVersions", json!({"LaunchTemplateId": id}))),
        "InvalidLaunchTemplateId.NotFound"
    );
}

#[test]
fn bad_template_requests_are_refused_and_change_nothing() {
    let sim = fresh_account(Era::Current, &[REGION]);
    let id = create(&sim, "app");
    let before = (templates(&sim), versions(&sim, &id));
    let data = public_ip_data();
    let cases: Vec<(&str, Value, &str)> = vec![
        (
            "CreateLaunchTemplate",
            json!({"LaunchTemplateName": "app", "LaunchTemplateData": data}),
            "InvalidLaunchTemplateName.AlreadyExistsException",
        ),
        (
            "CreateLaunchTemplate",
            json!({"LaunchTemplateName": "bad name!", "LaunchTemplateData": data}),
            "InvalidLaunchTemplateName.MalformedException",
        ),
        // The model's length bound (3) is checked before the handler.
        (
            "CreateLaunchTemplate",
            json!({"LaunchTemplateName": "ok", "LaunchTemplateData": data}),
            "InvalidParameterValue",
        ),
        (
            "CreateLaunchTemplate",
            json!({"LaunchTemplateName": "hops", "LaunchTemplateData":
            {"MetadataOptions": {"HttpPutResponseHopLimit": 65}}}),
            "InvalidParameterValue",
        ),
        (
            "CreateLaunchTemplate",
            json!({"LaunchTemplateName": "twice", "LaunchTemplateData":
            {"NetworkInterfaces": [{"DeviceIndex": 0}, {"DeviceIndex": 0}]}}),
            "InvalidParameterValue",
        ),
        (
            "CreateLaunchTemplate",
            json!({"LaunchTemplateName": "tagged", "LaunchTemplateData": {},
            "TagSpecifications": [{"ResourceType": "instance", "Tags": [{"Key": "k", "Value": "v"}]}]}),
            "InvalidParameterValue",
        ),
        (
            "CreateLaunchTemplateVersion",
            json!({"LaunchTemplateId": id, "SourceVersion": "9", "LaunchTemplateData": {}}),
            "InvalidLaunchTemplateId.VersionNotFound",
        ),
        (
            "CreateLaunchTemplateVersion",
            json!({"LaunchTemplateId": "lt-nope", "LaunchTemplateData": {}}),
            "InvalidLaunchTemplateId.Malformed",
        ),
        (
            "CreateLaunchTemplateVersion",
            json!({"LaunchTemplateId": "lt-0123456789abcdef0", "LaunchTemplateData": {}}),
            "InvalidLaunchTemplateId.NotFound",
        ),
        (
            "CreateLaunchTemplateVersion",
            json!({"LaunchTemplateName": "other", "LaunchTemplateData": {}}),
            "InvalidLaunchTemplateName.NotFoundException",
        ),
        ("CreateLaunchTemplateVersion", json!({"LaunchTemplateData": {}}), "MissingParameter"),
        (
            "CreateLaunchTemplateVersion",
            json!({"LaunchTemplateId": id, "LaunchTemplateName": "app", "LaunchTemplateData": {}}),
            "InvalidParameterCombination",
        ),
        (
            "ModifyLaunchTemplate",
            json!({"LaunchTemplateId": id, "DefaultVersion": "2"}),
            "InvalidLaunchTemplateId.VersionNotFound",
        ),
        ("ModifyLaunchTemplate", json!({"LaunchTemplateId": id, "DefaultVersion": "$Latest"}), "InvalidParameterValue"),
        ("ModifyLaunchTemplate", json!({"LaunchTemplateId": id, "DefaultVersion": "one"}), "InvalidParameterValue"),
        ("DeleteLaunchTemplate", json!({"LaunchTemplateName": "other"}), "InvalidLaunchTemplateName.NotFoundException"),
        (
            "DescribeLaunchTemplates",
            json!({"LaunchTemplateIds": ["lt-0123456789abcdef0"]}),
            "InvalidLaunchTemplateId.NotFound",
        ),
        (
            "DescribeLaunchTemplates",
            json!({"Filters": [{"Name": "image-id", "Values": ["x"]}]}),
            "InvalidParameterValue",
        ),
        ("DeleteLaunchTemplate", json!({"LaunchTemplateId": id, "DryRun": true}), "DryRunOperation"),
    ];
    for (op, input, expected) in cases {
        assert_eq!(code(call(&sim, op, input.clone())), expected, "{op} {input}");
    }
    assert_eq!((templates(&sim), versions(&sim, &id)), before, "refused calls change nothing");
}

#[test]
fn typed_calls_round_trip_metadata_options() {
    let sim = fresh_account(Era::Current, &[REGION]);
    let out = sim
        .call::<ec2::CreateLaunchTemplate>(
            REGION,
            ec2::CreateLaunchTemplateRequest {
                launch_template_name: "imds".into(),
                launch_template_data: ec2::RequestLaunchTemplateData {
                    metadata_options: Some(ec2::LaunchTemplateInstanceMetadataOptionsRequest {
                        http_tokens: Some("optional".into()),
                        ..Default::default()
                    }),
                    ..Default::default()
                },
                ..Default::default()
            },
        )
        .unwrap();
    let id = out.launch_template.unwrap().launch_template_id.unwrap();
    let v = sim
        .call::<ec2::DescribeLaunchTemplateVersions>(
            REGION,
            ec2::DescribeLaunchTemplateVersionsRequest {
                launch_template_id: Some(id),
                versions: Some(vec!["$Default".into()]),
                ..Default::default()
            },
        )
        .unwrap();
    let data = v.launch_template_versions.unwrap()[0].launch_template_data.clone().unwrap();
    assert_eq!(data.metadata_options.unwrap().http_tokens.as_deref(), Some("optional"));
}

fn fleet_config(encrypted: Option<bool>) -> Value {
    let mut ebs = json!({"VolumeSize": 8});
    if let Some(e) = encrypted {
        ebs["Encrypted"] = json!(e);
    }
    json!({
        "IamFleetRole": format!("arn:aws:iam::{ACCOUNT}:role/aws-ec2-spot-fleet-tagging-role"),
        "TargetCapacity": 1,
        "LaunchSpecifications": [{"ImageId": "ami-12345678", "InstanceType": "t3.micro",
            "BlockDeviceMappings": [{"DeviceName": "/dev/xvda", "Ebs": ebs}]}]
    })
}

fn fleets(sim: &Simulator) -> Vec<Value> {
    call(sim, "DescribeSpotFleetRequests", json!({})).unwrap()["SpotFleetRequestConfigs"].as_array().unwrap().clone()
}

#[test]
fn spot_fleet_requests_keep_their_block_device_mappings() {
    let sim = fresh_account(Era::Current, &[REGION]);
    let out = call(&sim, "RequestSpotFleet", json!({"SpotFleetRequestConfig": fleet_config(Some(false))})).unwrap();
    let id = out["SpotFleetRequestId"].as_str().unwrap().to_string();
    assert!(id.starts_with("sfr-") && id.len() == 40, "{id}");
    let all = fleets(&sim);
    assert_eq!(all.len(), 1);
    assert_eq!(all[0]["SpotFleetRequestState"], "active");
    let ebs = &all[0]["SpotFleetRequestConfig"]["LaunchSpecifications"][0]["BlockDeviceMappings"][0]["Ebs"];
    assert_eq!(ebs["Encrypted"], false);
    assert_eq!(all[0]["SpotFleetRequestConfig"]["Type"], "maintain");
    // Cancel: one succeeds, the unknown and the malformed are reported, not raised.
    let unknown = "sfr-00000000-0000-0000-0000-000000000000";
    let c = call(
        &sim,
        "CancelSpotFleetRequests",
        json!({"SpotFleetRequestIds": [id, unknown, "sfr-bad"], "TerminateInstances": true}),
    )
    .unwrap();
    assert_eq!(c["SuccessfulFleetRequests"][0]["CurrentSpotFleetRequestState"], "cancelled_terminating");
    assert_eq!(c["SuccessfulFleetRequests"][0]["PreviousSpotFleetRequestState"], "active");
    let codes: Vec<&str> = c["UnsuccessfulFleetRequests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["Error"]["Code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["fleetRequestIdDoesNotExist", "fleetRequestIdMalformed"]);
    assert_eq!(fleets(&sim)[0]["SpotFleetRequestState"], "cancelled_terminating");
    let again =
        call(&sim, "CancelSpotFleetRequests", json!({"SpotFleetRequestIds": [id], "TerminateInstances": false}))
            .unwrap();
    assert_eq!(again["UnsuccessfulFleetRequests"][0]["Error"]["Code"], "fleetRequestNotInCancellableState");
    assert_eq!(
        code(call(&sim, "DescribeSpotFleetRequests", json!({"SpotFleetRequestIds": [unknown]}))),
        "InvalidSpotFleetRequestId.NotFound"
    );
}

#[test]
fn bad_spot_fleet_requests_are_refused_and_change_nothing() {
    let sim = fresh_account(Era::Current, &[REGION]);
    let mut other_role = fleet_config(None);
    other_role["IamFleetRole"] = json!("arn:aws:iam::999999999999:role/x");
    let mut both = fleet_config(None);
    both["LaunchTemplateConfigs"] =
        json!([{"LaunchTemplateSpecification": {"LaunchTemplateId": "lt-0123456789abcdef0", "Version": "1"}}]);
    let mut neither = fleet_config(None);
    neither.as_object_mut().unwrap().remove("LaunchSpecifications");
    let mut no_image = fleet_config(None);
    no_image["LaunchSpecifications"][0].as_object_mut().unwrap().remove("ImageId");
    let mut key_unencrypted = fleet_config(Some(false));
    key_unencrypted["LaunchSpecifications"][0]["BlockDeviceMappings"][0]["Ebs"]["KmsKeyId"] = json!("alias/aws/ebs");
    let mut negative = fleet_config(None);
    negative["TargetCapacity"] = json!(-1);
    for config in [other_role, both, neither, no_image, key_unencrypted, negative] {
        let r = call(&sim, "RequestSpotFleet", json!({"SpotFleetRequestConfig": config.clone()}));
        assert_eq!(code(r), "InvalidSpotFleetRequestConfig", "{config}");
    }
    assert_eq!(
        code(call(&sim, "RequestSpotFleet", json!({"SpotFleetRequestConfig": fleet_config(None), "DryRun": true}))),
        "DryRunOperation"
    );
    assert_eq!(fleets(&sim), Vec::<Value>::new());
}
