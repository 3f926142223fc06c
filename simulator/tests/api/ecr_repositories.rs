//! ECR through the API: repositories (names, tag mutability, scan on push, encryption),
//! listing, lifecycle policies checked as ECR checks them, the registry's scanning
//! configuration, tags, and refusals that change nothing.

use hubsim_simulator::testing::{fresh_account, ACCOUNT};
use hubsim_simulator::{Era, Simulator};
use serde_json::{json, Value};

const REGION: &str = "eu-west-1";

fn call(sim: &Simulator, op: &str, input: Value) -> Result<Value, hubsim_simulator::AwsError> {
    sim.call_json(REGION, "ecr", op, input)
}

fn code(r: Result<Value, hubsim_simulator::AwsError>) -> String {
    r.unwrap_err().code
}

fn names(sim: &Simulator) -> Vec<String> {
    let out = call(sim, "DescribeRepositories", json!({})).unwrap();
    out["repositories"].as_array().unwrap().iter().map(|r| r["repositoryName"].as_str().unwrap().to_string()).collect()
}

#[test]
fn create_answers_defaults_and_refuses_duplicates_and_bad_names() {
    let sim = fresh_account(Era::Current, &[REGION]);
    let out = call(&sim, "CreateRepository", json!({"repositoryName": "team/app"})).unwrap();
    let r = &out["repository"];
    assert_eq!(r["repositoryArn"], format!("arn:aws:ecr:{REGION}:{ACCOUNT}:repository/team/app"));
    assert_eq!(r["repositoryUri"], format!("{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/team/app"));
    assert_eq!(r["imageTagMutability"], "MUTABLE");
    assert_eq!(r["imageScanningConfiguration"], json!({"scanOnPush": false}));
    assert_eq!(r["encryptionConfiguration"], json!({"encryptionType": "AES256"}));
    assert_eq!(
        code(call(&sim, "CreateRepository", json!({"repositoryName": "team/app"}))),
        "RepositoryAlreadyExistsException"
    );
    // The model's length bound answers the generic ValidationException.
    assert_eq!(code(call(&sim, "CreateRepository", json!({"repositoryName": "a"}))), "ValidationException");
    for bad in ["Upper", "double--dash", "trailing-", "team//app"] {
        assert_eq!(
            code(call(&sim, "CreateRepository", json!({"repositoryName": bad}))),
            "InvalidParameterException",
            "{bad}"
        );
    }
    let aes_with_key =
        json!({"repositoryName": "kk", "encryptionConfiguration": {"encryptionType": "AES256", "kmsKey": "alias/x"}});
    assert_eq!(code(call(&sim, "CreateRepository", aes_with_key)), "InvalidParameterException");
    let mut_filters = json!({"repositoryName": "mm", "imageTagMutability": "IMMUTABLE_WITH_EXCLUSION"});
    assert_eq!(code(call(&sim, "CreateRepository", mut_filters)), "InvalidParameterException");
    assert_eq!(names(&sim), vec!["team/app"]);
}

#[test]
fn describe_pages_and_names_missing_repositories() {
    let sim = fresh_account(Era::Current, &[REGION]);
    for n in ["c1", "a1", "b1"] {
        call(&sim, "CreateRepository", json!({"repositoryName": n})).unwrap();
    }
    let first = call(&sim, "DescribeRepositories", json!({"maxResults": 2})).unwrap();
    assert_eq!(first["repositories"].as_array().unwrap().len(), 2);
    let second = call(&sim, "DescribeRepositories", json!({"maxResults": 2, "nextToken": first["nextToken"]})).unwrap();
    assert_eq!(second["repositories"][0]["repositoryName"], "c1");
    assert!(second.get("nextToken").is_none());
    let missing = call(&sim, "DescribeRepositories", json!({"repositoryNames": ["a1", "zz"]}));
    let err = missing.unwrap_err();
    assert_eq!((err.code.as_str(), err.status), ("RepositoryNotFoundException", 400));
    assert!(err.message.contains("'zz'"), "{}", err.message);
}

#[test]
fn scanning_and_mutability_are_set_per_repository() {
    let sim = fresh_account(Era::Current, &[REGION]);
    call(&sim, "CreateRepository", json!({"repositoryName": "app"})).unwrap();
    call(
        &sim,
        "PutImageScanningConfiguration",
        json!({"repositoryName": "app", "imageScanningConfiguration": {"scanOnPush": true}}),
    )
    .unwrap();
    call(&sim, "PutImageTagMutability", json!({"repositoryName": "app", "imageTagMutability": "IMMUTABLE"})).unwrap();
    let r = &call(&sim, "DescribeRepositories", json!({"repositoryNames": ["app"]})).unwrap()["repositories"][0];
    assert_eq!(r["imageScanningConfiguration"]["scanOnPush"], true);
    assert_eq!(r["imageTagMutability"], "IMMUTABLE");
    let missing =
        call(&sim, "PutImageTagMutability", json!({"repositoryName": "nope", "imageTagMutability": "IMMUTABLE"}));
    assert_eq!(code(missing), "RepositoryNotFoundException");
}

#[test]
fn lifecycle_policies_are_validated_and_refusals_change_nothing() {
    let sim = fresh_account(Era::Current, &[REGION]);
    call(&sim, "CreateRepository", json!({"repositoryName": "app"})).unwrap();
    assert_eq!(
        code(call(&sim, "GetLifecyclePolicy", json!({"repositoryName": "app"}))),
        "LifecyclePolicyNotFoundException"
    );
    // Every rule carries a description: the model wants policies of at least 100 characters.
    let about = "hubsim test rule, long enough for the model's minimum policy length";
    let rule = |priority: i64, selection: Value| json!({"rulePriority": priority, "description": about, "selection": selection, "action": {"type": "expire"}});
    let untagged =
        json!({"tagStatus": "untagged", "countType": "sinceImagePushed", "countUnit": "days", "countNumber": 14});
    let good = json!({"rules": [rule(1, untagged.clone())]}).to_string();
    for bad in [
        // Over the model's 100-character minimum, but not JSON.
        format!("not json {}", "x".repeat(100)),
        json!({"rules": [], "about": format!("{about} {about}")}).to_string(),
        json!({"rules": [rule(1, untagged.clone()), rule(1, untagged.clone())]}).to_string(),
        json!({"rules": [rule(1, json!({"tagStatus": "tagged", "countType": "imageCountMoreThan", "countNumber": 5}))]}).to_string(),
        json!({"rules": [rule(1, json!({"tagStatus": "untagged", "countType": "sinceImagePushed", "countNumber": 5}))]}).to_string(),
        json!({"rules": [rule(2, untagged.clone()), rule(1, json!({"tagStatus": "any", "countType": "imageCountMoreThan", "countNumber": 5}))]}).to_string(),
        json!({"rules": [{"rulePriority": 1, "description": about, "selection": untagged, "action": {"type": "delete"}}]}).to_string(),
    ] {
        let err = call(&sim, "PutLifecyclePolicy", json!({"repositoryName": "app", "lifecyclePolicyText": bad})).unwrap_err();
        assert_eq!(err.code, "InvalidParameterException", "{bad}");
        assert!(err.message.contains("Lifecycle policy validation failure"), "{}", err.message);
    }
    assert_eq!(
        code(call(&sim, "GetLifecyclePolicy", json!({"repositoryName": "app"}))),
        "LifecyclePolicyNotFoundException"
    );
    call(&sim, "PutLifecyclePolicy", json!({"repositoryName": "app", "lifecyclePolicyText": good})).unwrap();
    let got = call(&sim, "GetLifecyclePolicy", json!({"repositoryName": "app"})).unwrap();
    assert_eq!(got["lifecyclePolicyText"], good.as_str());
    call(&sim, "DeleteLifecyclePolicy", json!({"repositoryName": "app"})).unwrap();
    assert_eq!(
        code(call(&sim, "DeleteLifecyclePolicy", json!({"repositoryName": "app"}))),
        "LifecyclePolicyNotFoundException"
    );
}

#[test]
fn registry_scanning_defaults_to_basic_and_checks_frequencies() {
    let sim = fresh_account(Era::Current, &[REGION]);
    let got = call(&sim, "GetRegistryScanningConfiguration", json!({})).unwrap();
    assert_eq!(got["scanningConfiguration"], json!({"scanType": "BASIC", "rules": []}));
    let rule = |freq: &str| json!([{"scanFrequency": freq, "repositoryFilters": [{"filter": "prod-*", "filterType": "WILDCARD"}]}]);
    let bad =
        call(&sim, "PutRegistryScanningConfiguration", json!({"scanType": "BASIC", "rules": rule("CONTINUOUS_SCAN")}));
    assert_eq!(code(bad), "InvalidParameterException");
    call(&sim, "PutRegistryScanningConfiguration", json!({"scanType": "ENHANCED", "rules": rule("CONTINUOUS_SCAN")}))
        .unwrap();
    let got = call(&sim, "GetRegistryScanningConfiguration", json!({})).unwrap();
    assert_eq!(got["scanningConfiguration"]["scanType"], "ENHANCED");
    assert_eq!(got["registryId"], ACCOUNT);
}

#[test]
fn tags_delete_and_other_registries() {
    let sim = fresh_account(Era::Current, &[REGION]);
    let arn =
        call(&sim, "CreateRepository", json!({"repositoryName": "app", "tags": [{"Key": "team", "Value": "core"}]}))
            .unwrap()["repository"]["repositoryArn"]
            .clone();
    call(&sim, "TagResource", json!({"resourceArn": arn, "tags": [{"Key": "env", "Value": "prod"}]})).unwrap();
    call(&sim, "UntagResource", json!({"resourceArn": arn, "tagKeys": ["team"]})).unwrap();
    let tags = call(&sim, "ListTagsForResource", json!({"resourceArn": arn})).unwrap();
    assert_eq!(tags["tags"], json!([{"Key": "env", "Value": "prod"}]));
    let reserved = call(&sim, "TagResource", json!({"resourceArn": arn, "tags": [{"Key": "aws:x", "Value": "y"}]}));
    assert_eq!(code(reserved), "InvalidTagParameterException");
    let other = call(&sim, "DeleteRepository", json!({"repositoryName": "app", "registryId": "210987654321"}));
    assert_eq!(code(other), "InvalidParameterException");
    let deleted = call(&sim, "DeleteRepository", json!({"repositoryName": "app"})).unwrap();
    assert_eq!(deleted["repository"]["repositoryName"], "app");
    assert_eq!(code(call(&sim, "DeleteRepository", json!({"repositoryName": "app"}))), "RepositoryNotFoundException");
}
