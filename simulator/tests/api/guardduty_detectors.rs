//! GuardDuty: detectors, their features and tags, and the calls scanners make around them.

use std::collections::BTreeMap;

use hubsim_simulator::baseline::BaselineSpec;
use hubsim_simulator::model::guardduty;
use hubsim_simulator::testing::{fresh_account, initialize, settings, ACCOUNT};
use hubsim_simulator::{AwsApi, AwsError, Era, Simulator};
use serde_json::json;

const REGION: &str = "ap-northeast-1";
const NOT_OWNED: &str = "The request is rejected because the input detectorId is not owned by the current account.";

fn err<T: std::fmt::Debug>(r: Result<T, AwsError>) -> AwsError {
    r.unwrap_err()
}

fn create(sim: &Simulator, input: guardduty::CreateDetectorRequest) -> Result<String, AwsError> {
    sim.call::<guardduty::CreateDetector>(REGION, input).map(|o| o.detector_id.unwrap())
}

fn get(sim: &Simulator, id: &str) -> Result<guardduty::GetDetectorResponse, AwsError> {
    sim.call::<guardduty::GetDetector>(REGION, guardduty::GetDetectorRequest { detector_id: id.into() })
}

fn list(sim: &Simulator, region: &str) -> Vec<String> {
    sim.call::<guardduty::ListDetectors>(region, Default::default()).unwrap().detector_ids
}

fn feature<'a>(d: &'a guardduty::GetDetectorResponse, name: &str) -> &'a guardduty::DetectorFeatureConfigurationResult {
    d.features.as_ref().unwrap().iter().find(|f| f.name.as_deref() == Some(name)).unwrap()
}

fn enable() -> guardduty::CreateDetectorRequest {
    guardduty::CreateDetectorRequest { enable: true, ..Default::default() }
}

#[test]
fn fresh_account_has_no_detector() {
    let sim = fresh_account(Era::Current, &[REGION]);
    assert_eq!(list(&sim, REGION), Vec::<String>::new());
    let e = err(get(&sim, "12abc34d567e8fa901bc2d34e56789f0"));
    assert_eq!((e.code.as_str(), e.status, e.message.as_str()), ("BadRequestException", 400, NOT_OWNED));
}

#[test]
fn create_and_get_detector() {
    let sim = fresh_account(Era::Current, &[REGION, "us-east-1"]);
    let id = create(&sim, enable()).unwrap();
    assert_eq!(id.len(), 32);
    assert!(id.bytes().all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase()), "{id}");
    assert_eq!(list(&sim, REGION), vec![id.clone()]);
    assert_eq!(list(&sim, "us-east-1"), Vec::<String>::new(), "detectors are regional");
    let d = get(&sim, &id).unwrap();
    assert_eq!(d.status, "ENABLED");
    assert_eq!(d.finding_publishing_frequency.as_deref(), Some("SIX_HOURS"));
    assert_eq!(
        d.service_role,
        format!(
            "arn:aws:iam::{ACCOUNT}:role/aws-service-role/guardduty.amazonaws.com/AWSServiceRoleForAmazonGuardDuty"
        )
    );
    let created = d.created_at.clone().unwrap();
    assert!(created.starts_with("20") && created.ends_with('Z'), "{created}");
    assert_eq!(d.updated_at, d.created_at);
    assert_eq!(d.tags, Some(BTreeMap::new()));
    let names: Vec<&str> = d.features.as_ref().unwrap().iter().map(|f| f.name.as_deref().unwrap()).collect();
    assert_eq!(
        names,
        [
            "FLOW_LOGS",
            "CLOUD_TRAIL",
            "DNS_LOGS",
            "S3_DATA_EVENTS",
            "EKS_AUDIT_LOGS",
            "EBS_MALWARE_PROTECTION",
            "RDS_LOGIN_EVENTS",
            "LAMBDA_NETWORK_LOGS",
            "EKS_RUNTIME_MONITORING",
            "RUNTIME_MONITORING"
        ]
    );
    // CreateDetector without Features: every optional plan on except the runtime ones
    // (https://docs.aws.amazon.com/guardduty/latest/APIReference/API_CreateDetector.html).
    let statuses: Vec<(&str, &str)> = d
        .features
        .as_ref()
        .unwrap()
        .iter()
        .map(|f| (f.name.as_deref().unwrap(), f.status.as_deref().unwrap()))
        .collect();
    let expected: Vec<(&str, &str)> =
        names.iter().map(|n| (*n, if n.ends_with("RUNTIME_MONITORING") { "DISABLED" } else { "ENABLED" })).collect();
    assert_eq!(statuses, expected);
    let runtime = feature(&d, "RUNTIME_MONITORING").additional_configuration.clone().unwrap();
    assert_eq!(runtime.len(), 3);
    assert!(runtime.iter().all(|a| a.status.as_deref() == Some("DISABLED")), "{runtime:?}");
    let ds = d.data_sources.unwrap();
    assert_eq!((ds.cloud_trail.status.as_str(), ds.s3_logs.status.as_str()), ("ENABLED", "ENABLED"));
    assert_eq!(ds.kubernetes.unwrap().audit_logs.status, "ENABLED");

    // One detector per region.
    let e = err(create(&sim, enable()));
    assert_eq!(e.code, "BadRequestException");
    assert_eq!(e.message, "The request is rejected because a detector already exists for the current account.");
    assert_eq!(list(&sim, REGION).len(), 1);
    // A second region gets its own.
    let other = sim.call::<guardduty::CreateDetector>("us-east-1", enable()).unwrap().detector_id.unwrap();
    assert_ne!(other, id);
    assert_eq!(err(get(&sim, &other)).code, "BadRequestException", "another region's detector is not visible");
}

#[test]
fn create_honours_features_data_sources_and_tags() {
    let sim = fresh_account(Era::Current, &[REGION]);
    let feature_req = |name: &str, status: &str| guardduty::DetectorFeatureConfiguration {
        name: Some(name.into()),
        status: Some(status.into()),
        additional_configuration: None,
    };
    let input = guardduty::CreateDetectorRequest {
        enable: false,
        finding_publishing_frequency: Some("FIFTEEN_MINUTES".into()),
        data_sources: Some(guardduty::DataSourceConfigurations {
            s3_logs: Some(guardduty::S3LogsConfiguration { enable: true }),
            kubernetes: Some(guardduty::KubernetesConfiguration {
                audit_logs: guardduty::KubernetesAuditLogsConfiguration { enable: true },
            }),
            ..Default::default()
        }),
        features: Some(vec![
            feature_req("EKS_AUDIT_LOGS", "DISABLED"),
            feature_req("RDS_LOGIN_EVENTS", "ENABLED"),
            guardduty::DetectorFeatureConfiguration {
                name: Some("RUNTIME_MONITORING".into()),
                status: Some("ENABLED".into()),
                additional_configuration: Some(vec![guardduty::DetectorAdditionalConfiguration {
                    name: Some("EC2_AGENT_MANAGEMENT".into()),
                    status: Some("ENABLED".into()),
                }]),
            },
        ]),
        tags: Some(BTreeMap::from([("team".to_string(), "security".to_string())])),
        ..Default::default()
    };
    let id = create(&sim, input).unwrap();
    let d = get(&sim, &id).unwrap();
    assert_eq!(d.status, "DISABLED");
    assert_eq!(d.finding_publishing_frequency.as_deref(), Some("FIFTEEN_MINUTES"));
    assert_eq!(feature(&d, "S3_DATA_EVENTS").status.as_deref(), Some("ENABLED"));
    assert_eq!(feature(&d, "EKS_AUDIT_LOGS").status.as_deref(), Some("DISABLED"), "features override data sources");
    assert_eq!(feature(&d, "RDS_LOGIN_EVENTS").status.as_deref(), Some("ENABLED"));
    let runtime = feature(&d, "RUNTIME_MONITORING");
    assert_eq!(runtime.status.as_deref(), Some("ENABLED"));
    let ec2 = runtime
        .additional_configuration
        .as_ref()
        .unwrap()
        .iter()
        .find(|a| a.name.as_deref() == Some("EC2_AGENT_MANAGEMENT"))
        .unwrap();
    assert_eq!(ec2.status.as_deref(), Some("ENABLED"));
    assert_eq!(d.data_sources.unwrap().s3_logs.status, "ENABLED");
    let arn = format!("arn:aws:guardduty:{REGION}:{ACCOUNT}:detector/{id}");
    let tags = sim
        .call::<guardduty::ListTagsForResource>(REGION, guardduty::ListTagsForResourceRequest { resource_arn: arn })
        .unwrap();
    assert_eq!(tags.tags.unwrap().get("team").map(String::as_str), Some("security"));
}

#[test]
fn invalid_features_are_rejected_and_change_nothing() {
    let sim = fresh_account(Era::Current, &[REGION]);
    let with = |f: guardduty::DetectorFeatureConfiguration| guardduty::CreateDetectorRequest {
        features: Some(vec![f]),
        ..enable()
    };
    let bad = [
        // Foundational sources are not configurable.
        guardduty::DetectorFeatureConfiguration {
            name: Some("CLOUD_TRAIL".into()),
            status: Some("DISABLED".into()),
            ..Default::default()
        },
        guardduty::DetectorFeatureConfiguration { name: None, status: Some("ENABLED".into()), ..Default::default() },
        guardduty::DetectorFeatureConfiguration {
            name: Some("S3_DATA_EVENTS".into()),
            status: None,
            ..Default::default()
        },
        // EC2 agent management belongs to RUNTIME_MONITORING only.
        guardduty::DetectorFeatureConfiguration {
            name: Some("EKS_RUNTIME_MONITORING".into()),
            status: Some("ENABLED".into()),
            additional_configuration: Some(vec![guardduty::DetectorAdditionalConfiguration {
                name: Some("EC2_AGENT_MANAGEMENT".into()),
                status: Some("ENABLED".into()),
            }]),
        },
    ];
    for f in bad {
        let e = err(create(&sim, with(f.clone())));
        assert_eq!(e.code, "BadRequestException", "{f:?}");
    }
    let twice = guardduty::CreateDetectorRequest {
        features: Some(vec![
            guardduty::DetectorFeatureConfiguration {
                name: Some("S3_DATA_EVENTS".into()),
                status: Some("ENABLED".into()),
                ..Default::default()
            };
            2
        ]),
        ..enable()
    };
    assert_eq!(err(create(&sim, twice)).code, "BadRequestException");
    assert_eq!(list(&sim, REGION), Vec::<String>::new());
}

#[test]
fn update_and_delete_detector() {
    let sim = fresh_account(Era::Current, &[REGION]);
    let off = |name: &str| guardduty::DetectorFeatureConfiguration {
        name: Some(name.into()),
        status: Some("DISABLED".into()),
        additional_configuration: None,
    };
    let input = guardduty::CreateDetectorRequest {
        enable: false,
        features: Some(vec![off("LAMBDA_NETWORK_LOGS"), off("EBS_MALWARE_PROTECTION")]),
        ..Default::default()
    };
    let id = create(&sim, input).unwrap();
    let d = get(&sim, &id).unwrap();
    assert_eq!(feature(&d, "LAMBDA_NETWORK_LOGS").status.as_deref(), Some("DISABLED"));
    // A feature the request leaves out is enabled by default.
    assert_eq!(feature(&d, "RDS_LOGIN_EVENTS").status.as_deref(), Some("ENABLED"));
    let created = d.created_at;
    let update = |input: guardduty::UpdateDetectorRequest| sim.call::<guardduty::UpdateDetector>(REGION, input);
    update(guardduty::UpdateDetectorRequest {
        detector_id: id.clone(),
        enable: Some(true),
        finding_publishing_frequency: Some("ONE_HOUR".into()),
        features: Some(vec![guardduty::DetectorFeatureConfiguration {
            name: Some("LAMBDA_NETWORK_LOGS".into()),
            status: Some("ENABLED".into()),
            ..Default::default()
        }]),
        ..Default::default()
    })
    .unwrap();
    let d = get(&sim, &id).unwrap();
    assert_eq!((d.status.as_str(), d.finding_publishing_frequency.as_deref()), ("ENABLED", Some("ONE_HOUR")));
    assert_eq!(d.created_at, created);
    assert_ne!(d.updated_at, created);
    let lambda = feature(&d, "LAMBDA_NETWORK_LOGS");
    assert_eq!(lambda.status.as_deref(), Some("ENABLED"));
    assert_ne!(lambda.updated_at, feature(&d, "RDS_LOGIN_EVENTS").updated_at);
    // Only what the update names changes.
    update(guardduty::UpdateDetectorRequest {
        detector_id: id.clone(),
        data_sources: Some(guardduty::DataSourceConfigurations {
            malware_protection: Some(guardduty::MalwareProtectionConfiguration {
                scan_ec2_instance_with_findings: Some(guardduty::ScanEc2InstanceWithFindings {
                    ebs_volumes: Some(true),
                }),
            }),
            ..Default::default()
        }),
        ..Default::default()
    })
    .unwrap();
    let d = get(&sim, &id).unwrap();
    assert_eq!(d.status, "ENABLED");
    assert_eq!(feature(&d, "EBS_MALWARE_PROTECTION").status.as_deref(), Some("ENABLED"));
    assert_eq!(feature(&d, "LAMBDA_NETWORK_LOGS").status.as_deref(), Some("ENABLED"));
    let ebs = d.data_sources.unwrap().malware_protection.unwrap().scan_ec2_instance_with_findings.unwrap();
    assert_eq!(ebs.ebs_volumes.unwrap().status.as_deref(), Some("ENABLED"));
    // A bad update changes nothing.
    let bad = update(guardduty::UpdateDetectorRequest {
        detector_id: id.clone(),
        enable: Some(false),
        features: Some(vec![guardduty::DetectorFeatureConfiguration {
            name: Some("DNS_LOGS".into()),
            status: Some("DISABLED".into()),
            ..Default::default()
        }]),
        ..Default::default()
    });
    assert_eq!(err(bad).code, "BadRequestException");
    assert_eq!(get(&sim, &id).unwrap().status, "ENABLED");
    let unknown = update(guardduty::UpdateDetectorRequest { detector_id: "0".repeat(32), ..Default::default() });
    assert_eq!(err(unknown).message, NOT_OWNED);

    let delete = |id: &str| {
        sim.call::<guardduty::DeleteDetector>(REGION, guardduty::DeleteDetectorRequest { detector_id: id.into() })
    };
    assert_eq!(err(delete("nope")).code, "BadRequestException");
    delete(&id).unwrap();
    assert_eq!(list(&sim, REGION), Vec::<String>::new());
    assert_eq!(err(get(&sim, &id)).code, "BadRequestException");
    // With it gone, a new one may be created.
    create(&sim, enable()).unwrap();
}

fn runtime(name: &str, additional: &[&str]) -> guardduty::DetectorFeatureConfiguration {
    guardduty::DetectorFeatureConfiguration {
        name: Some(name.into()),
        status: Some("ENABLED".into()),
        additional_configuration: Some(
            additional
                .iter()
                .map(|a| guardduty::DetectorAdditionalConfiguration {
                    name: Some((*a).into()),
                    status: Some("ENABLED".into()),
                })
                .collect(),
        ),
    }
}

#[test]
fn both_runtime_plans_in_one_request_are_refused_and_change_nothing() {
    let sim = fresh_account(Era::Current, &[REGION]);
    let both = Some(vec![
        runtime("EKS_RUNTIME_MONITORING", &["EKS_ADDON_MANAGEMENT"]),
        runtime("RUNTIME_MONITORING", &["EC2_AGENT_MANAGEMENT"]),
    ]);
    let e = err(create(&sim, guardduty::CreateDetectorRequest { features: both.clone(), ..enable() }));
    assert_eq!((e.code.as_str(), e.status), ("BadRequestException", 400));
    assert!(e.message.contains("EKS_RUNTIME_MONITORING") && e.message.contains("RUNTIME_MONITORING"), "{}", e.message);
    assert_eq!(list(&sim, REGION), Vec::<String>::new());

    let id = create(&sim, enable()).unwrap();
    let before = get(&sim, &id).unwrap();
    let update = |features| {
        sim.call::<guardduty::UpdateDetector>(
            REGION,
            guardduty::UpdateDetectorRequest { detector_id: id.clone(), features, ..Default::default() },
        )
    };
    assert_eq!(err(update(both)).code, "BadRequestException");
    assert_eq!(get(&sim, &id).unwrap(), before, "a refused update changes nothing");
    // One plan per request is accepted, and the two may then coexist (the migration from EKS
    // Runtime Monitoring to Runtime Monitoring runs both until the old one is disabled).
    update(Some(vec![runtime("EKS_RUNTIME_MONITORING", &["EKS_ADDON_MANAGEMENT"])])).unwrap();
    update(Some(vec![runtime("RUNTIME_MONITORING", &["ECS_FARGATE_AGENT_MANAGEMENT"])])).unwrap();
    let d = get(&sim, &id).unwrap();
    assert_eq!(feature(&d, "EKS_RUNTIME_MONITORING").status.as_deref(), Some("ENABLED"));
    let rm = feature(&d, "RUNTIME_MONITORING");
    assert_eq!(rm.status.as_deref(), Some("ENABLED"));
    let status = |n: &str| {
        rm.additional_configuration
            .as_ref()
            .unwrap()
            .iter()
            .find(|a| a.name.as_deref() == Some(n))
            .unwrap()
            .status
            .clone()
    };
    assert_eq!(status("ECS_FARGATE_AGENT_MANAGEMENT").as_deref(), Some("ENABLED"));
    assert_eq!(status("EC2_AGENT_MANAGEMENT").as_deref(), Some("DISABLED"), "only what the request names changes");
}

#[test]
fn create_is_idempotent_by_client_token() {
    let sim = fresh_account(Era::Current, &[REGION]);
    let token = guardduty::CreateDetectorRequest { client_token: Some("token-1".into()), ..enable() };
    let first = create(&sim, token.clone()).unwrap();
    assert_eq!(create(&sim, token).unwrap(), first);
    let other = guardduty::CreateDetectorRequest { client_token: Some("token-2".into()), ..enable() };
    assert_eq!(err(create(&sim, other)).code, "BadRequestException");
    assert_eq!(list(&sim, REGION).len(), 1);
}

#[test]
fn list_detectors_paginates() {
    let sim = fresh_account(Era::Current, &[REGION]);
    let id = create(&sim, enable()).unwrap();
    let page = sim
        .call::<guardduty::ListDetectors>(
            REGION,
            guardduty::ListDetectorsRequest { max_results: Some(1), next_token: None },
        )
        .unwrap();
    assert_eq!((page.detector_ids, page.next_token), (vec![id], None));
    let past = sim
        .call::<guardduty::ListDetectors>(
            REGION,
            guardduty::ListDetectorsRequest { max_results: None, next_token: Some("1".into()) },
        )
        .unwrap();
    assert_eq!(past.detector_ids, Vec::<String>::new());
    let bad = sim.call::<guardduty::ListDetectors>(
        REGION,
        guardduty::ListDetectorsRequest { max_results: None, next_token: Some("garbage".into()) },
    );
    assert_eq!(err(bad).code, "BadRequestException");
}

#[test]
fn tags_need_a_known_detector_arn() {
    let sim = fresh_account(Era::Current, &[REGION, "us-east-1"]);
    let id = create(&sim, enable()).unwrap();
    let tags = |arn: String| {
        sim.call::<guardduty::ListTagsForResource>(REGION, guardduty::ListTagsForResourceRequest { resource_arn: arn })
    };
    assert_eq!(
        tags(format!("arn:aws:guardduty:{REGION}:{ACCOUNT}:detector/{id}")).unwrap().tags,
        Some(BTreeMap::new())
    );
    for bad in [
        format!("arn:aws:guardduty:{REGION}:{ACCOUNT}:detector/{}", "0".repeat(32)),
        format!("arn:aws:guardduty:us-east-1:{ACCOUNT}:detector/{id}"),
        format!("arn:aws:guardduty:{REGION}:210987654321:detector/{id}"),
        "not-an-arn".to_string(),
    ] {
        let e = err(tags(bad.clone()));
        assert_eq!((e.code.as_str(), e.status), ("BadRequestException", 400), "{bad}");
    }
}

#[test]
fn scanner_calls_answer_empty_or_refuse() {
    let sim = fresh_account(Era::Current, &[REGION]);
    let missing = "f".repeat(32);
    let findings = |id: &str| {
        sim.call::<guardduty::ListFindings>(
            REGION,
            guardduty::ListFindingsRequest { detector_id: id.into(), ..Default::default() },
        )
    };
    let members = |id: &str| {
        sim.call::<guardduty::ListMembers>(
            REGION,
            guardduty::ListMembersRequest { detector_id: id.into(), ..Default::default() },
        )
    };
    let admin = |id: &str| {
        sim.call::<guardduty::GetAdministratorAccount>(
            REGION,
            guardduty::GetAdministratorAccountRequest { detector_id: id.into() },
        )
    };
    let org_config = |id: &str| {
        sim.call::<guardduty::DescribeOrganizationConfiguration>(
            REGION,
            guardduty::DescribeOrganizationConfigurationRequest { detector_id: id.into(), ..Default::default() },
        )
    };
    assert_eq!(err(findings(&missing)).message, NOT_OWNED);
    assert_eq!(err(members(&missing)).message, NOT_OWNED);
    assert_eq!(err(admin(&missing)).message, NOT_OWNED);
    assert_eq!(err(org_config(&missing)).message, NOT_OWNED);

    let id = create(&sim, enable()).unwrap();
    assert_eq!(findings(&id).unwrap().finding_ids, Vec::<String>::new());
    assert_eq!(members(&id).unwrap().members, Some(vec![]));
    assert_eq!(admin(&id).unwrap().administrator, guardduty::Administrator::default());
    let e = err(org_config(&id));
    assert_eq!((e.code.as_str(), e.status), ("BadRequestException", 400));
    let e = err(sim.call::<guardduty::ListOrganizationAdminAccounts>(REGION, Default::default()));
    assert_eq!((e.code.as_str(), e.status), ("BadRequestException", 400));
}

#[test]
fn management_account_lists_no_delegated_admins() {
    let sim = Simulator::in_memory().unwrap();
    let mut s = settings(Era::Current, &[REGION]);
    if let Some(org) = s.account.organization.as_mut() {
        org.management_account_id = ACCOUNT.into();
    }
    initialize(&sim, s, &BaselineSpec::default()).unwrap();
    let out = sim.call::<guardduty::ListOrganizationAdminAccounts>(REGION, Default::default()).unwrap();
    assert_eq!(out.admin_accounts, Some(vec![]));
}

#[test]
fn json_path_round_trip() {
    let sim = fresh_account(Era::Current, &[REGION]);
    let out = sim
        .call_json(
            REGION,
            "guardduty",
            "CreateDetector",
            json!({"Enable": true, "Features": [{"Name": "S3_DATA_EVENTS", "Status": "ENABLED"}]}),
        )
        .unwrap();
    let id = out["DetectorId"].as_str().unwrap().to_string();
    let d = sim.call_json(REGION, "guardduty", "GetDetector", json!({"DetectorId": id})).unwrap();
    assert_eq!(d["Status"], "ENABLED");
    assert_eq!(d["DataSources"]["S3Logs"]["Status"], "ENABLED");
    assert!(d["CreatedAt"].is_string());
    let listed = sim.call_json(REGION, "guardduty", "ListDetectors", json!({})).unwrap();
    assert_eq!(listed["DetectorIds"], json!([id]));
    // The model's enums are checked before the handler runs.
    let bad = sim.call_json(
        REGION,
        "guardduty",
        "UpdateDetector",
        json!({"DetectorId": id, "FindingPublishingFrequency": "DAILY"}),
    );
    assert_eq!(err(bad).code, "BadRequestException");
}
