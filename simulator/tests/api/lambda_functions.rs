//! Lambda through the API: functions (role trust, runtimes by the scenario clock, opaque code
//! digest, VPC configuration), listing pages, updates, resource policies as Lambda builds
//! them, function URLs, tags, and refusals that change nothing.

use hubsim_simulator::testing::{fresh_account, ACCOUNT};
use hubsim_simulator::{Era, Simulator};
use serde_json::{json, Value};

const REGION: &str = "us-east-1";
/// `hello` as base64: the zip's bytes are opaque to hubsim.
const ZIP: &str = "aGVsbG8=";

fn call(sim: &Simulator, op: &str, input: Value) -> Result<Value, hubsim_simulator::AwsError> {
    sim.call_json(REGION, "lambda", op, input)
}

fn code(r: Result<Value, hubsim_simulator::AwsError>) -> String {
    r.unwrap_err().code
}

fn role(sim: &Simulator, name: &str, service: &str) -> String {
    let trust = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}]});
    let out = sim
        .call_json(
            REGION,
            "iam",
            "CreateRole",
            json!({"RoleName": name, "AssumeRolePolicyDocument": trust.to_string()}),
        )
        .unwrap();
    out["Role"]["Arn"].as_str().unwrap().to_string()
}

fn world() -> (Simulator, String) {
    let sim = fresh_account(Era::Current, &[REGION]);
    let arn = role(&sim, "fn-role", "lambda.amazonaws.com");
    (sim, arn)
}

fn create(sim: &Simulator, name: &str, role: &str, runtime: &str) -> Result<Value, hubsim_simulator::AwsError> {
    call(
        sim,
        "CreateFunction",
        json!({"FunctionName": name, "Runtime": runtime, "Role": role, "Handler": "app.handler", "Code": {"ZipFile": ZIP}}),
    )
}

fn names(sim: &Simulator) -> Vec<String> {
    let out = call(sim, "ListFunctions", json!({})).unwrap();
    out["Functions"].as_array().unwrap().iter().map(|f| f["FunctionName"].as_str().unwrap().to_string()).collect()
}

#[test]
fn create_keeps_configuration_and_the_code_digest_only() {
    let (sim, role) = world();
    let out = create(&sim, "orders", &role, "python3.12").unwrap();
    assert_eq!(out["FunctionArn"], format!("arn:aws:lambda:{REGION}:{ACCOUNT}:function:orders"));
    // SHA-256 of "hello", base64, as Lambda answers CodeSha256.
    assert_eq!(out["CodeSha256"], "LPJNul+wow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ=");
    assert_eq!(out["CodeSize"], 5);
    assert_eq!(out["Timeout"], 3);
    assert_eq!(out["MemorySize"], 128);
    assert_eq!(out["State"], "Active");
    // Lambda's own format, on the scenario clock (era current starts 2026-01-01).
    let modified = out["LastModified"].as_str().unwrap();
    assert!(modified.starts_with("2026-01-01T00:") && modified.ends_with(".000+0000"), "{modified}");
    let got = call(&sim, "GetFunction", json!({"FunctionName": "orders"})).unwrap();
    assert_eq!(got["Configuration"], out);
    // By ARN and partial ARN too.
    let by_arn = call(&sim, "GetFunctionConfiguration", json!({"FunctionName": out["FunctionArn"]})).unwrap();
    assert_eq!(by_arn, out);
    let partial = format!("{ACCOUNT}:function:orders");
    assert_eq!(call(&sim, "GetFunctionConfiguration", json!({"FunctionName": partial})).unwrap(), out);
    assert_eq!(code(create(&sim, "orders", &role, "python3.12")), "ResourceConflictException");
}

#[test]
fn create_refuses_roles_lambda_cannot_assume_and_changes_nothing() {
    let (sim, _) = world();
    let ec2_role = role(&sim, "ec2-role", "ec2.amazonaws.com");
    let missing = format!("arn:aws:iam::{ACCOUNT}:role/nobody");
    for bad in [ec2_role.as_str(), missing.as_str()] {
        let err = create(&sim, "f", bad, "python3.12").unwrap_err();
        assert_eq!(err.code, "InvalidParameterValueException", "{bad}");
        assert_eq!(err.status, 400);
        assert!(err.message.contains("cannot be assumed by Lambda"), "{}", err.message);
    }
    assert!(names(&sim).is_empty());
}

#[test]
fn runtimes_are_refused_after_their_block_date_on_the_scenario_clock() {
    let (sim, role) = world();
    // Era current's clock starts 2026-01-01: python3.7 was blocked on 2024-01-09.
    let err = create(&sim, "old", &role, "python3.7").unwrap_err();
    assert_eq!(err.code, "InvalidParameterValueException");
    assert!(err.message.contains("python3.13"), "{}", err.message);
    // python3.9 is deprecated (2025-12-15) but still creatable.
    create(&sim, "nine", &role, "python3.9").unwrap();
    // Zip functions need a runtime and a handler.
    let err = call(&sim, "CreateFunction", json!({"FunctionName": "x", "Role": role, "Code": {"ZipFile": ZIP}}));
    assert_eq!(code(err), "InvalidParameterValueException");
    assert_eq!(names(&sim), vec!["nine"]);
    // In 2022 python3.7 was current.
    let old = fresh_account(Era::Y2022, &[REGION]);
    let role = self::role(&old, "fn-role", "lambda.amazonaws.com");
    create(&old, "old", &role, "python3.7").unwrap();
}

fn default_subnets(sim: &Simulator) -> Vec<(String, String, String)> {
    let out = sim.call_json(REGION, "ec2", "DescribeSubnets", json!({})).unwrap();
    out["Subnets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["SubnetId"].as_str().unwrap().to_string(),
                s["AvailabilityZone"].as_str().unwrap().to_string(),
                s["VpcId"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn default_group(sim: &Simulator) -> String {
    let out = sim.call_json(REGION, "ec2", "DescribeSecurityGroups", json!({})).unwrap();
    out["SecurityGroups"][0]["GroupId"].as_str().unwrap().to_string()
}

#[test]
fn vpc_configuration_needs_existing_subnets_and_groups() {
    let (sim, role) = world();
    let subnets = default_subnets(&sim);
    let sg = default_group(&sim);
    let input = |subnets: Value, groups: Value| {
        json!({"FunctionName": "in-vpc", "Runtime": "nodejs22.x", "Role": role, "Handler": "i.h", "Code": {"ZipFile": ZIP},
               "VpcConfig": {"SubnetIds": subnets, "SecurityGroupIds": groups}})
    };
    let err = call(&sim, "CreateFunction", input(json!(["subnet-0000000000000000f"]), json!([sg]))).unwrap_err();
    assert_eq!(err.code, "InvalidParameterValueException");
    assert!(err.message.contains("InvalidSubnetID.NotFound"), "{}", err.message);
    let err = call(&sim, "CreateFunction", input(json!([subnets[0].0]), json!(["sg-0000000000000000f"]))).unwrap_err();
    assert!(err.message.contains("InvalidGroup.NotFound"), "{}", err.message);
    assert_eq!(
        code(call(&sim, "CreateFunction", input(json!([subnets[0].0]), json!([])))),
        "InvalidParameterValueException"
    );
    assert!(names(&sim).is_empty());
    let out = call(&sim, "CreateFunction", input(json!([subnets[0].0, subnets[1].0]), json!([sg]))).unwrap();
    assert_eq!(out["VpcConfig"]["VpcId"], subnets[0].2.as_str());
    assert_eq!(out["VpcConfig"]["SubnetIds"], json!([subnets[0].0, subnets[1].0]));
    // Empty lists detach the function.
    let out = call(
        &sim,
        "UpdateFunctionConfiguration",
        json!({"FunctionName": "in-vpc", "VpcConfig": {"SubnetIds": [], "SecurityGroupIds": []}}),
    )
    .unwrap();
    assert!(out.get("VpcConfig").is_none(), "{out}");
}

#[test]
fn list_pages_in_name_order() {
    let (sim, role) = world();
    for n in ["c", "a", "b"] {
        create(&sim, n, &role, "java21").unwrap();
    }
    let first = call(&sim, "ListFunctions", json!({"MaxItems": 2})).unwrap();
    let got: Vec<&str> =
        first["Functions"].as_array().unwrap().iter().map(|f| f["FunctionName"].as_str().unwrap()).collect();
    assert_eq!(got, ["a", "b"]);
    let marker = first["NextMarker"].clone();
    assert!(marker.is_string());
    let second = call(&sim, "ListFunctions", json!({"MaxItems": 2, "Marker": marker})).unwrap();
    assert_eq!(second["Functions"][0]["FunctionName"], "c");
    assert!(second.get("NextMarker").is_none());
}

#[test]
fn update_changes_what_it_names_and_checks_revision_and_runtime() {
    let (sim, role) = world();
    let made = create(&sim, "f", &role, "python3.11").unwrap();
    let out =
        call(&sim, "UpdateFunctionConfiguration", json!({"FunctionName": "f", "Runtime": "python3.13", "Timeout": 30}))
            .unwrap();
    assert_eq!(out["Runtime"], "python3.13");
    assert_eq!(out["Timeout"], 30);
    assert_eq!(out["Handler"], "app.handler");
    assert_ne!(out["RevisionId"], made["RevisionId"]);
    let stale = call(
        &sim,
        "UpdateFunctionConfiguration",
        json!({"FunctionName": "f", "Timeout": 5, "RevisionId": made["RevisionId"]}),
    );
    let err = stale.unwrap_err();
    assert_eq!((err.code.as_str(), err.status), ("PreconditionFailedException", 412));
    assert_eq!(
        code(call(&sim, "UpdateFunctionConfiguration", json!({"FunctionName": "f", "Runtime": "nodejs12.x"}))),
        "InvalidParameterValueException"
    );
    assert_eq!(
        code(call(&sim, "UpdateFunctionConfiguration", json!({"FunctionName": "f", "Timeout": 901}))),
        "InvalidParameterValueException"
    );
    let now = call(&sim, "GetFunctionConfiguration", json!({"FunctionName": "f"})).unwrap();
    assert_eq!(now, out);
}

#[test]
fn delete_removes_and_missing_functions_are_not_found() {
    let (sim, role) = world();
    create(&sim, "f", &role, "ruby3.4").unwrap();
    call(&sim, "DeleteFunction", json!({"FunctionName": "f"})).unwrap();
    let err = call(&sim, "GetFunction", json!({"FunctionName": "f"})).unwrap_err();
    assert_eq!((err.code.as_str(), err.status), ("ResourceNotFoundException", 404));
    assert_eq!(err.message, format!("Function not found: arn:aws:lambda:{REGION}:{ACCOUNT}:function:f"));
    assert_eq!(code(call(&sim, "DeleteFunction", json!({"FunctionName": "f"}))), "ResourceNotFoundException");
    // Another region's ARN names nothing here.
    let other = format!("arn:aws:lambda:eu-west-1:{ACCOUNT}:function:f");
    assert_eq!(code(call(&sim, "GetFunction", json!({"FunctionName": other}))), "ResourceNotFoundException");
}

#[test]
fn permissions_build_lambdas_statements_and_remove_them_by_sid() {
    let (sim, role) = world();
    create(&sim, "f", &role, "python3.12").unwrap();
    let arn = format!("arn:aws:lambda:{REGION}:{ACCOUNT}:function:f");
    assert_eq!(code(call(&sim, "GetPolicy", json!({"FunctionName": "f"}))), "ResourceNotFoundException");
    let out = call(
        &sim,
        "AddPermission",
        json!({"FunctionName": "f", "StatementId": "s3", "Action": "lambda:InvokeFunction", "Principal": "s3.amazonaws.com",
               "SourceArn": "arn:aws:s3:::uploads", "SourceAccount": ACCOUNT}),
    )
    .unwrap();
    let st: Value = serde_json::from_str(out["Statement"].as_str().unwrap()).unwrap();
    assert_eq!(
        st,
        json!({"Sid": "s3", "Effect": "Allow", "Principal": {"Service": "s3.amazonaws.com"}, "Action": "lambda:InvokeFunction",
               "Resource": arn, "Condition": {"StringEquals": {"AWS:SourceAccount": ACCOUNT}, "ArnLike": {"AWS:SourceArn": "arn:aws:s3:::uploads"}}})
    );
    call(
        &sim,
        "AddPermission",
        json!({"FunctionName": "f", "StatementId": "url", "Action": "lambda:InvokeFunctionUrl", "Principal": "*", "FunctionUrlAuthType": "NONE"}),
    )
    .unwrap();
    call(&sim, "AddPermission", json!({"FunctionName": "f", "StatementId": "acct", "Action": "lambda:GetFunction", "Principal": "210987654321"})).unwrap();
    let dup = call(
        &sim,
        "AddPermission",
        json!({"FunctionName": "f", "StatementId": "url", "Action": "lambda:*", "Principal": "*"}),
    );
    let err = dup.unwrap_err();
    assert_eq!((err.code.as_str(), err.status), ("ResourceConflictException", 409));
    let policy: Value = serde_json::from_str(
        call(&sim, "GetPolicy", json!({"FunctionName": "f"})).unwrap()["Policy"].as_str().unwrap(),
    )
    .unwrap();
    assert_eq!(policy["Id"], "default");
    let sts = policy["Statement"].as_array().unwrap();
    assert_eq!(sts.len(), 3);
    assert_eq!(sts[1]["Principal"], "*");
    assert_eq!(sts[1]["Condition"], json!({"StringEquals": {"lambda:FunctionUrlAuthType": "NONE"}}));
    assert_eq!(sts[2]["Principal"], json!({"AWS": "arn:aws:iam::210987654321:root"}));
    assert_eq!(
        code(call(&sim, "RemovePermission", json!({"FunctionName": "f", "StatementId": "nope"}))),
        "ResourceNotFoundException"
    );
    for sid in ["s3", "url", "acct"] {
        call(&sim, "RemovePermission", json!({"FunctionName": "f", "StatementId": sid})).unwrap();
    }
    // The last statement gone, the policy is gone.
    assert_eq!(code(call(&sim, "GetPolicy", json!({"FunctionName": "f"}))), "ResourceNotFoundException");
    let bad = call(
        &sim,
        "AddPermission",
        json!({"FunctionName": "f", "StatementId": "x", "Action": "lambda:InvokeFunction", "Principal": "someone"}),
    );
    assert_eq!(code(bad), "InvalidParameterValueException");
}

#[test]
fn function_urls_are_one_per_function_with_their_auth_type() {
    let (sim, role) = world();
    create(&sim, "f", &role, "python3.12").unwrap();
    assert_eq!(code(call(&sim, "GetFunctionUrlConfig", json!({"FunctionName": "f"}))), "ResourceNotFoundException");
    let made = call(&sim, "CreateFunctionUrlConfig", json!({"FunctionName": "f", "AuthType": "NONE"})).unwrap();
    let url = made["FunctionUrl"].as_str().unwrap();
    assert!(url.starts_with("https://") && url.ends_with(".lambda-url.us-east-1.on.aws/"), "{url}");
    assert_eq!(
        code(call(&sim, "CreateFunctionUrlConfig", json!({"FunctionName": "f", "AuthType": "AWS_IAM"}))),
        "ResourceConflictException"
    );
    // The model's enum refuses it, with the generic code Lambda answers for constraint failures.
    assert_eq!(
        code(call(&sim, "UpdateFunctionUrlConfig", json!({"FunctionName": "f", "AuthType": "OPEN"}))),
        "ValidationException"
    );
    let upd = call(&sim, "UpdateFunctionUrlConfig", json!({"FunctionName": "f", "AuthType": "AWS_IAM"})).unwrap();
    assert_eq!(upd["AuthType"], "AWS_IAM");
    assert_eq!(upd["FunctionUrl"], made["FunctionUrl"]);
    let listed = call(&sim, "ListFunctionUrlConfigs", json!({"FunctionName": "f"})).unwrap();
    assert_eq!(listed["FunctionUrlConfigs"][0]["AuthType"], "AWS_IAM");
    // No policy statement came with the URL.
    assert_eq!(code(call(&sim, "GetPolicy", json!({"FunctionName": "f"}))), "ResourceNotFoundException");
    call(&sim, "DeleteFunctionUrlConfig", json!({"FunctionName": "f"})).unwrap();
    assert_eq!(code(call(&sim, "DeleteFunctionUrlConfig", json!({"FunctionName": "f"}))), "ResourceNotFoundException");
}

#[test]
fn tags_by_arn() {
    let (sim, role) = world();
    let arn = create(&sim, "f", &role, "python3.12").unwrap()["FunctionArn"].clone();
    call(&sim, "TagResource", json!({"Resource": arn, "Tags": {"team": "core", "env": "prod"}})).unwrap();
    call(&sim, "UntagResource", json!({"Resource": arn, "TagKeys": ["env"]})).unwrap();
    assert_eq!(call(&sim, "ListTags", json!({"Resource": arn})).unwrap()["Tags"], json!({"team": "core"}));
    let reserved = call(&sim, "TagResource", json!({"Resource": arn, "Tags": {"aws:x": "y"}}));
    assert_eq!(code(reserved), "InvalidParameterValueException");
    assert_eq!(call(&sim, "GetFunction", json!({"FunctionName": "f"})).unwrap()["Tags"], json!({"team": "core"}));
}

#[test]
fn the_same_calls_give_the_same_ids() {
    let run = || {
        let (sim, role) = world();
        let f = create(&sim, "f", &role, "python3.12").unwrap();
        let u = call(&sim, "CreateFunctionUrlConfig", json!({"FunctionName": "f", "AuthType": "AWS_IAM"})).unwrap();
        (f["RevisionId"].clone(), u["FunctionUrl"].clone())
    };
    assert_eq!(run(), run());
}
