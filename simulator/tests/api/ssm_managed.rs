//! Systems Manager through the typed API: managed instances (hubsim:SetSsmManaged), compliance
//! data, documents and their sharing, associations, tags; AWS's error codes, and that a
//! refusal changes nothing.

use hubsim_simulator::model::{ec2, hubsim, ssm};
use hubsim_simulator::testing::{fresh_account, ACCOUNT};
use hubsim_simulator::{AwsApi, AwsError, Era, Simulator};

const REGION: &str = "eu-west-1";

fn code<T: std::fmt::Debug>(r: Result<T, AwsError>) -> String {
    r.unwrap_err().code
}

fn launch(sim: &Simulator) -> String {
    let req = ec2::DescribeImagesRequest { owners: Some(vec!["amazon".into()]), ..Default::default() };
    let image = sim.call::<ec2::DescribeImages>(REGION, req).unwrap().images.unwrap()[0].image_id.clone().unwrap();
    let req = ec2::RunInstancesRequest {
        image_id: Some(image),
        instance_type: Some("t3.micro".into()),
        min_count: 1,
        max_count: 1,
        ..Default::default()
    };
    sim.call::<ec2::RunInstances>(REGION, req).unwrap().instances.unwrap()[0].instance_id.clone().unwrap()
}

fn set_managed(sim: &Simulator, id: &str, managed: bool) -> Result<(), AwsError> {
    sim.call::<hubsim::SetSsmManaged>(REGION, hubsim::SetSsmManagedInput { instance_id: id.into(), managed }).map(drop)
}

fn managed(sim: &Simulator) -> Vec<ssm::InstanceInformation> {
    sim.call::<ssm::DescribeInstanceInformation>(REGION, Default::default()).unwrap().instance_information_list.unwrap()
}

fn put_items(
    sim: &Simulator,
    id: &str,
    kind: &str,
    statuses: &[(&str, &str)],
    upload: Option<&str>,
) -> Result<(), AwsError> {
    let items = statuses
        .iter()
        .map(|(item, status)| ssm::ComplianceItemEntry {
            id: Some(item.to_string()),
            title: None,
            severity: "HIGH".into(),
            status: status.to_string(),
            details: None,
        })
        .collect();
    sim.call::<ssm::PutComplianceItems>(
        REGION,
        ssm::PutComplianceItemsRequest {
            resource_id: id.into(),
            resource_type: "ManagedInstance".into(),
            compliance_type: kind.into(),
            execution_summary: ssm::ComplianceExecutionSummary {
                execution_time: hubsim_simulator::model::Timestamp(1_700_000_000_000),
                execution_id: None,
                execution_type: None,
            },
            items,
            item_content_hash: None,
            upload_type: upload.map(str::to_string),
        },
    )
    .map(drop)
}

fn summaries(sim: &Simulator, kind: Option<&str>) -> Vec<ssm::ResourceComplianceSummaryItem> {
    let filters = kind.map(|k| {
        vec![ssm::ComplianceStringFilter {
            key: Some("ComplianceType".into()),
            values: Some(vec![k.into()]),
            type_: Some("EQUAL".into()),
        }]
    });
    sim.call::<ssm::ListResourceComplianceSummaries>(
        REGION,
        ssm::ListResourceComplianceSummariesRequest { filters, ..Default::default() },
    )
    .unwrap()
    .resource_compliance_summary_items
    .unwrap()
}

const CONTENT: &str = r#"{"schemaVersion":"2.2","description":"d","mainSteps":[{"action":"aws:runShellScript","name":"run","inputs":{"runCommand":["true"]}}]}"#;

fn create_doc(sim: &Simulator, name: &str) -> Result<ssm::CreateDocumentResult, AwsError> {
    sim.call::<ssm::CreateDocument>(
        REGION,
        ssm::CreateDocumentRequest { name: name.into(), content: CONTENT.into(), ..Default::default() },
    )
}

fn shared_with(sim: &Simulator, name: &str) -> Vec<String> {
    sim.call::<ssm::DescribeDocumentPermission>(
        REGION,
        ssm::DescribeDocumentPermissionRequest {
            name: name.into(),
            permission_type: "Share".into(),
            ..Default::default()
        },
    )
    .unwrap()
    .account_ids
    .unwrap()
}

fn share(sim: &Simulator, name: &str, add: &[&str], remove: &[&str]) -> Result<(), AwsError> {
    let ids = |v: &[&str]| (!v.is_empty()).then(|| v.iter().map(|s| s.to_string()).collect());
    sim.call::<ssm::ModifyDocumentPermission>(
        REGION,
        ssm::ModifyDocumentPermissionRequest {
            name: name.into(),
            permission_type: "Share".into(),
            account_ids_to_add: ids(add),
            account_ids_to_remove: ids(remove),
            shared_document_version: None,
        },
    )
    .map(drop)
}

#[test]
fn an_instance_is_managed_once_registered_and_its_ping_follows_its_state() {
    let sim = fresh_account(Era::Current, &[REGION]);
    let id = launch(&sim);
    assert!(managed(&sim).is_empty(), "a new instance is not managed");
    set_managed(&sim, &id, true).unwrap();
    let list = managed(&sim);
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].instance_id.as_deref(), Some(id.as_str()));
    assert_eq!(list[0].ping_status.as_deref(), Some("Online"));
    assert_eq!(list[0].resource_type.as_deref(), Some("EC2Instance"));
    sim.call::<ec2::StopInstances>(
        REGION,
        ec2::StopInstancesRequest { instance_ids: vec![id.clone()], ..Default::default() },
    )
    .unwrap();
    assert_eq!(managed(&sim)[0].ping_status.as_deref(), Some("ConnectionLost"), "a stopped instance does not ping");
    set_managed(&sim, &id, false).unwrap();
    assert!(managed(&sim).is_empty(), "deregistered");
}

#[test]
fn registering_an_unknown_or_terminated_instance_is_invalid_instance_id() {
    let sim = fresh_account(Era::Current, &[REGION]);
    assert_eq!(code(set_managed(&sim, "i-0123456789abcdef0", true)), "InvalidInstanceId");
    let id = launch(&sim);
    sim.call::<ec2::TerminateInstances>(
        REGION,
        ec2::TerminateInstancesRequest { instance_ids: vec![id.clone()], ..Default::default() },
    )
    .unwrap();
    assert_eq!(code(set_managed(&sim, &id, true)), "InvalidInstanceId");
    assert!(managed(&sim).is_empty());
}

#[test]
fn instance_information_filters_by_key_and_refuses_unknown_keys() {
    let sim = fresh_account(Era::Current, &[REGION]);
    let a = launch(&sim);
    let b = launch(&sim);
    set_managed(&sim, &a, true).unwrap();
    set_managed(&sim, &b, true).unwrap();
    let by_id = |ids: Vec<String>| {
        sim.call::<ssm::DescribeInstanceInformation>(
            REGION,
            ssm::DescribeInstanceInformationRequest {
                instance_information_filter_list: Some(vec![ssm::InstanceInformationFilter {
                    key: "InstanceIds".into(),
                    value_set: ids,
                }]),
                ..Default::default()
            },
        )
        .unwrap()
        .instance_information_list
        .unwrap()
    };
    assert_eq!(by_id(vec![b.clone()]).len(), 1);
    assert_eq!(by_id(vec![b.clone()])[0].instance_id.as_deref(), Some(b.as_str()));
    let bad = sim.call::<ssm::DescribeInstanceInformation>(
        REGION,
        ssm::DescribeInstanceInformationRequest {
            filters: Some(vec![ssm::InstanceInformationStringFilter {
                key: "Colour".into(),
                values: vec!["x".into()],
            }]),
            ..Default::default()
        },
    );
    assert_eq!(code(bad), "InvalidFilterKey");
    // Pages of 5 at least: two instances, MaxResults 5, one page.
    let page = sim
        .call::<ssm::DescribeInstanceInformation>(
            REGION,
            ssm::DescribeInstanceInformationRequest { max_results: Some(5), ..Default::default() },
        )
        .unwrap();
    assert_eq!(page.instance_information_list.unwrap().len(), 2);
    assert!(page.next_token.is_none());
}

#[test]
fn compliance_summaries_follow_the_items_and_refuse_unmanaged_instances() {
    let sim = fresh_account(Era::Current, &[REGION]);
    let id = launch(&sim);
    assert_eq!(code(put_items(&sim, &id, "Patch", &[("KB1", "COMPLIANT")], None)), "InvalidResourceId");
    assert!(summaries(&sim, None).is_empty(), "the refusal recorded nothing");
    set_managed(&sim, &id, true).unwrap();
    put_items(&sim, &id, "Patch", &[("KB1", "COMPLIANT"), ("KB2", "NON_COMPLIANT")], None).unwrap();
    put_items(&sim, &id, "Association", &[("a1", "COMPLIANT")], None).unwrap();
    let patch = summaries(&sim, Some("Patch"));
    assert_eq!(patch.len(), 1);
    assert_eq!(patch[0].status.as_deref(), Some("NON_COMPLIANT"));
    assert_eq!(patch[0].non_compliant_summary.as_ref().unwrap().non_compliant_count, Some(1));
    assert_eq!(summaries(&sim, Some("Association"))[0].status.as_deref(), Some("COMPLIANT"));
    // A PARTIAL upload updates KB2 only; a COMPLETE one replaces every item.
    put_items(&sim, &id, "Patch", &[("KB2", "COMPLIANT")], Some("PARTIAL")).unwrap();
    let patch = summaries(&sim, Some("Patch"));
    assert_eq!(patch[0].status.as_deref(), Some("COMPLIANT"));
    assert_eq!(patch[0].compliant_summary.as_ref().unwrap().compliant_count, Some(2));
    put_items(&sim, &id, "Patch", &[("KB3", "NON_COMPLIANT")], None).unwrap();
    let items = sim
        .call::<ssm::ListComplianceItems>(
            REGION,
            ssm::ListComplianceItemsRequest { resource_ids: Some(vec![id.clone()]), ..Default::default() },
        )
        .unwrap()
        .compliance_items
        .unwrap();
    let patch_ids: Vec<_> =
        items.iter().filter(|i| i.compliance_type.as_deref() == Some("Patch")).filter_map(|i| i.id.clone()).collect();
    assert_eq!(patch_ids, vec!["KB3".to_string()]);
    assert_eq!(
        code(sim.call::<ssm::PutComplianceItems>(
            REGION,
            ssm::PutComplianceItemsRequest {
                resource_id: id.clone(),
                resource_type: "Document".into(),
                compliance_type: "Patch".into(),
                ..Default::default()
            }
        )),
        "InvalidResourceType"
    );
    // Deregistering drops the instance's compliance data.
    set_managed(&sim, &id, false).unwrap();
    assert!(summaries(&sim, None).is_empty());
}

#[test]
fn documents_are_created_once_described_listed_and_refused_as_aws_does() {
    let sim = fresh_account(Era::Current, &[REGION]);
    let made = create_doc(&sim, "Patch-Linux").unwrap().document_description.unwrap();
    assert_eq!(made.owner.as_deref(), Some(ACCOUNT));
    assert_eq!(made.schema_version.as_deref(), Some("2.2"));
    assert_eq!(made.document_type.as_deref(), Some("Command"));
    assert_eq!(code(create_doc(&sim, "Patch-Linux")), "DocumentAlreadyExists");
    assert_eq!(code(create_doc(&sim, "AWS-Mine")), "ValidationException", "the AWS prefix is reserved");
    let bad = sim.call::<ssm::CreateDocument>(
        REGION,
        ssm::CreateDocumentRequest { name: "Broken".into(), content: "{not json".into(), ..Default::default() },
    );
    assert_eq!(code(bad), "InvalidDocumentContent");
    let names: Vec<_> = sim
        .call::<ssm::ListDocuments>(REGION, Default::default())
        .unwrap()
        .document_identifiers
        .unwrap()
        .into_iter()
        .filter_map(|d| d.name)
        .collect();
    assert_eq!(names, vec!["Patch-Linux".to_string()], "refused creations left nothing");
    let described = sim
        .call::<ssm::DescribeDocument>(
            REGION,
            ssm::DescribeDocumentRequest { name: "Patch-Linux".into(), ..Default::default() },
        )
        .unwrap();
    assert_eq!(described.document.unwrap().name.as_deref(), Some("Patch-Linux"));
    let got = sim
        .call::<ssm::GetDocument>(REGION, ssm::GetDocumentRequest { name: "Patch-Linux".into(), ..Default::default() })
        .unwrap();
    assert_eq!((got.content.as_deref(), got.document_format.as_deref()), (Some(CONTENT), Some("JSON")));
    let v2 = sim.call::<ssm::GetDocument>(
        REGION,
        ssm::GetDocumentRequest {
            name: "Patch-Linux".into(),
            document_version: Some("2".into()),
            ..Default::default()
        },
    );
    assert_eq!(code(v2), "InvalidDocumentVersion");
    assert_eq!(
        code(sim.call::<ssm::DescribeDocument>(
            REGION,
            ssm::DescribeDocumentRequest { name: "Nope".into(), ..Default::default() }
        )),
        "InvalidDocument"
    );
}

#[test]
fn sharing_with_all_makes_a_document_public_and_a_shared_document_cannot_be_deleted() {
    let sim = fresh_account(Era::Current, &[REGION]);
    create_doc(&sim, "Runbook").unwrap();
    assert!(shared_with(&sim, "Runbook").is_empty());
    share(&sim, "Runbook", &["All", "111122223333"], &[]).unwrap();
    assert_eq!(shared_with(&sim, "Runbook"), vec!["111122223333".to_string(), "all".to_string()]);
    let public: Vec<_> = sim
        .call::<ssm::ListDocuments>(
            REGION,
            ssm::ListDocumentsRequest {
                filters: Some(vec![ssm::DocumentKeyValuesFilter {
                    key: Some("Owner".into()),
                    values: Some(vec!["Public".into()]),
                }]),
                ..Default::default()
            },
        )
        .unwrap()
        .document_identifiers
        .unwrap();
    assert_eq!(public.len(), 1);
    let delete = |sim: &Simulator| {
        sim.call::<ssm::DeleteDocument>(
            REGION,
            ssm::DeleteDocumentRequest { name: "Runbook".into(), ..Default::default() },
        )
    };
    assert_eq!(code(delete(&sim)), "InvalidDocumentOperation");
    assert_eq!(code(share(&sim, "Runbook", &["all"], &["all"])), "ValidationException");
    assert_eq!(shared_with(&sim, "Runbook").len(), 2, "the refusal changed nothing");
    share(&sim, "Runbook", &[], &["all", "111122223333"]).unwrap();
    assert!(shared_with(&sim, "Runbook").is_empty());
    delete(&sim).unwrap();
    assert_eq!(code(share(&sim, "Runbook", &["all"], &[])), "InvalidDocument");
}

#[test]
fn associations_are_created_described_updated_listed_and_deleted() {
    let sim = fresh_account(Era::Current, &[REGION]);
    let id = launch(&sim);
    let create = |req: ssm::CreateAssociationRequest| sim.call::<ssm::CreateAssociation>(REGION, req);
    let legacy = ssm::CreateAssociationRequest {
        name: "AWS-RunPatchBaseline".into(),
        instance_id: Some(id.clone()),
        ..Default::default()
    };
    assert_eq!(code(create(legacy.clone())), "InvalidInstanceId", "the instance is not managed yet");
    set_managed(&sim, &id, true).unwrap();
    let made = create(legacy).unwrap().association_description.unwrap();
    let assoc = made.association_id.clone().unwrap();
    assert_eq!(made.overview.unwrap().status.as_deref(), Some("Pending"));
    assert_eq!(
        code(create(ssm::CreateAssociationRequest {
            name: "NoSuchDoc".into(),
            targets: Some(vec![ssm::Target { key: Some("InstanceIds".into()), values: Some(vec![id.clone()]) }]),
            ..Default::default()
        })),
        "InvalidDocument"
    );
    let described = sim
        .call::<ssm::DescribeAssociation>(
            REGION,
            ssm::DescribeAssociationRequest {
                name: Some("AWS-RunPatchBaseline".into()),
                instance_id: Some(id.clone()),
                ..Default::default()
            },
        )
        .unwrap()
        .association_description
        .unwrap();
    assert_eq!(described.association_id.as_deref(), Some(assoc.as_str()));
    let updated = sim
        .call::<ssm::UpdateAssociation>(
            REGION,
            ssm::UpdateAssociationRequest {
                association_id: assoc.clone(),
                schedule_expression: Some("rate(1 day)".into()),
                ..Default::default()
            },
        )
        .unwrap()
        .association_description
        .unwrap();
    assert_eq!(updated.association_version.as_deref(), Some("2"));
    assert_eq!(updated.schedule_expression.as_deref(), Some("rate(1 day)"));
    let stale = sim.call::<ssm::UpdateAssociation>(
        REGION,
        ssm::UpdateAssociationRequest {
            association_id: assoc.clone(),
            association_version: Some("1".into()),
            ..Default::default()
        },
    );
    assert_eq!(code(stale), "InvalidAssociationVersion");
    let listed = sim.call::<ssm::ListAssociations>(REGION, Default::default()).unwrap().associations.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].association_version.as_deref(), Some("2"), "the refused update changed nothing");
    let delete = |a: &str| {
        sim.call::<ssm::DeleteAssociation>(
            REGION,
            ssm::DeleteAssociationRequest { association_id: Some(a.into()), ..Default::default() },
        )
    };
    delete(&assoc).unwrap();
    assert_eq!(code(delete(&assoc)), "AssociationDoesNotExist");
}

#[test]
fn a_document_an_association_uses_is_not_deleted() {
    let sim = fresh_account(Era::Current, &[REGION]);
    create_doc(&sim, "Mine").unwrap();
    sim.call::<ssm::CreateAssociation>(
        REGION,
        ssm::CreateAssociationRequest {
            name: "Mine".into(),
            targets: Some(vec![ssm::Target { key: Some("tag:Env".into()), values: Some(vec!["prod".into()]) }]),
            ..Default::default()
        },
    )
    .unwrap();
    let r = sim
        .call::<ssm::DeleteDocument>(REGION, ssm::DeleteDocumentRequest { name: "Mine".into(), ..Default::default() });
    assert_eq!(code(r), "AssociatedInstances");
}

#[test]
fn documents_and_associations_take_tags() {
    let sim = fresh_account(Era::Current, &[REGION]);
    create_doc(&sim, "Tagged").unwrap();
    let tag = |k: &str, v: &str| ssm::Tag { key: k.into(), value: v.into() };
    let add = |kind: &str, id: &str, tags: Vec<ssm::Tag>| {
        sim.call::<ssm::AddTagsToResource>(
            REGION,
            ssm::AddTagsToResourceRequest { resource_type: kind.into(), resource_id: id.into(), tags },
        )
    };
    let list = |kind: &str, id: &str| {
        sim.call::<ssm::ListTagsForResource>(
            REGION,
            ssm::ListTagsForResourceRequest { resource_type: kind.into(), resource_id: id.into() },
        )
    };
    add("Document", "Tagged", vec![tag("team", "ops"), tag("env", "prod")]).unwrap();
    sim.call::<ssm::RemoveTagsFromResource>(
        REGION,
        ssm::RemoveTagsFromResourceRequest {
            resource_type: "Document".into(),
            resource_id: "Tagged".into(),
            tag_keys: vec!["env".into()],
        },
    )
    .unwrap();
    assert_eq!(list("Document", "Tagged").unwrap().tag_list.unwrap(), vec![tag("team", "ops")]);
    assert_eq!(code(add("Document", "Missing", vec![tag("a", "b")])), "InvalidResourceId");
    assert_eq!(code(add("Document", "Tagged", vec![tag("aws:x", "b")])), "ValidationException");
    let many: Vec<_> = (0..50).map(|n| tag(&format!("k{n}"), "v")).collect();
    assert_eq!(code(add("Document", "Tagged", many)), "TooManyTagsError");
    assert_eq!(list("Document", "Tagged").unwrap().tag_list.unwrap().len(), 1, "refusals changed nothing");
}

#[test]
fn ssm_state_is_deterministic() {
    let run = || {
        let sim = fresh_account(Era::Current, &[REGION]);
        let id = launch(&sim);
        set_managed(&sim, &id, true).unwrap();
        sim.call::<ssm::CreateAssociation>(
            REGION,
            ssm::CreateAssociationRequest {
                name: "AWS-RunPatchBaseline".into(),
                instance_id: Some(id),
                ..Default::default()
            },
        )
        .unwrap()
        .association_description
        .unwrap()
    };
    assert_eq!(run(), run());
}
