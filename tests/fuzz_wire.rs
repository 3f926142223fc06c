//! Fuzz targets for everything a request meets on the wire: each protocol's request parser, the
//! router, and the whole path through a simulated account. Inputs are botocore's own requests
//! (`tests/fuzz_support/corpus.json`) mutated with their structure in mind, and random ones.
//!
//! Properties: no panic, no stack overflow; a parse gives the operation's input as a JSON
//! object or an error with an AWS code and a 4xx/5xx status; every answer is well-formed for
//! its protocol (XML parses, JSON parses, errors carry their code where clients look); a
//! refused call changes nothing. `cargo test --test fuzz_wire` runs each target for the
//! default budget (tests/fuzz_support/mod.rs); FUZZING.md says how to run a long session.

mod fuzz_support;

use std::cell::RefCell;
use std::sync::Arc;

use fuzz_support::mutate::{corpus, input, Input, Seed};
use fuzz_support::{fuzz, timed, wellformed};
use hubsim_model::service_model::ServiceModel;
use hubsim_server::protocol::{self, Request};
use hubsim_server::route;
use hubsim_simulator::{Era, Simulator};
use proptest::prop_assert;
use proptest::test_runner::TestCaseError;

/// The protocol hubsim serves a service's requests in (CloudWatch: botocore sends JSON).
fn protocol_of(service: &str) -> &'static str {
    match hubsim_model::service(service).map(|m| m.metadata.protocol.as_str()) {
        Some("query") => "query",
        Some("ec2") => "ec2",
        Some("rest-json") => "rest-json",
        Some("rest-xml") => "rest-xml",
        _ => "json",
    }
}

/// The served models whose requests speak `protocol` (CloudWatch speaks json and query).
fn models_speaking(protocol: &str) -> Vec<&'static ServiceModel> {
    hubsim_model::service_names()
        .filter(|n| *n != "hubsim")
        .filter(|n| protocol_of(n) == protocol || (*n == "cloudwatch" && protocol == "query"))
        .filter_map(hubsim_model::service)
        .collect()
}

fn seeds_of(protocol: &str) -> Vec<&'static Seed> {
    corpus().iter().filter(|s| protocol_of(&s.service) == protocol).collect()
}

fn fail(message: String) -> TestCaseError {
    TestCaseError::fail(message)
}

/// One protocol's parser: for each model of the protocol, the operation the request names, its
/// input, or its error rendered as the protocol renders errors.
fn codec_target(target: &'static str, protocol: &'static str) {
    let seeds = seeds_of(protocol);
    assert!(!seeds.is_empty(), "the corpus has no {protocol} request");
    let models = models_speaking(protocol);
    let codec = protocol::codec(protocol).expect("a codec");
    fuzz(target, input(seeds.len()), |input: Input| {
        let req = input.request(&seeds);
        for model in &models {
            let Some(op) = timed(|| codec.operation(model, &req)) else { continue };
            match timed(|| codec.parse(model, op, &req)) {
                Ok(value) => prop_assert!(value.is_object(), "{}: input {value} is not an object", op.name),
                Err(e) => {
                    prop_assert!((400..600).contains(&e.status) && !e.code.is_empty(), "{e:?}");
                    let response = codec.error(model, Some(op), &e.clone().into(), "fuzz-request-id");
                    wellformed::check(&response, protocol, false)
                        .map_err(|m| fail(format!("{}: the error for {e:?}: {m}", op.name)))?;
                }
            }
        }
        Ok(())
    });
}

#[test]
fn codec_query() {
    codec_target("codec_query", "query");
}

#[test]
fn codec_ec2() {
    codec_target("codec_ec2", "ec2");
}

#[test]
fn codec_json() {
    codec_target("codec_json", "json");
}

#[test]
fn codec_rest_json() {
    codec_target("codec_rest_json", "rest-json");
}

#[test]
fn codec_rest_xml() {
    codec_target("codec_rest_xml", "rest-xml");
}

/// The protocol of the answer `route` gives `req` (an unknown service answers in JSON).
fn answer_protocol(req: &Request) -> &'static str {
    route::resolve(req).map_or("json", |t| t.protocol)
}

/// The router: service, region and protocol from any method, path, query and headers (Host and
/// Authorization included), then the operation and its input, or the error as that protocol
/// shapes it.
#[test]
fn router() {
    let seeds: Vec<&Seed> = corpus().iter().collect();
    fuzz("router", input(seeds.len()), |input: Input| {
        let req = input.request(&seeds);
        let _ = timed(|| hubsim_server::auth::inspect(&req));
        let protocol = timed(|| answer_protocol(&req));
        if let Err(response) = timed(|| route::prepare(&req, "fuzz-request-id")) {
            let head = req.method.eq_ignore_ascii_case("HEAD");
            prop_assert!(response.status >= 400, "prepare refused with status {}", response.status);
            wellformed::check(&response, protocol, head).map_err(fail)?;
        }
        Ok(())
    });
}

/// Requests answered by a simulated account (fresh, two regions; rebuilt every few hundred
/// cases so it does not grow without end): every answer well-formed for its protocol, no
/// internal error, and a refused call leaves the account as it was.
#[test]
fn end_to_end() {
    let seeds: Vec<&Seed> = corpus().iter().collect();
    let pristine = hubsim_simulator::testing::fresh_account(Era::Current, &["us-east-1", "eu-west-1"])
        .with_catalog(Arc::new(hubsim_scenario::catalog_hook::Catalog));
    let fresh = || pristine.snapshot().expect("a copy of the fresh account");
    let live: RefCell<(Simulator, u32)> = RefCell::new((fresh(), 0));
    fuzz("end_to_end", input(seeds.len()), |input: Input| {
        let req = input.request(&seeds);
        let mut live = live.borrow_mut();
        if live.1 >= 300 {
            *live = (fresh(), 0);
        }
        live.1 += 1;
        let sim = &live.0;
        let protocol = answer_protocol(&req);
        let before = sim.inventory().map_err(|e| fail(format!("inventory: {e}")))?;
        let response = timed(|| route::handle(sim, &req, "fuzz-request-id"));
        let head = req.method.eq_ignore_ascii_case("HEAD");
        wellformed::check(&response, protocol, head).map_err(fail)?;
        let body = String::from_utf8_lossy(&response.body);
        prop_assert!(response.status != 500, "an internal error: {body}");
        if response.status >= 400 {
            let after = sim.inventory().map_err(|e| fail(format!("inventory: {e}")))?;
            prop_assert!(before == after, "a refused call ({}) changed the account: {body}", response.status);
        }
        Ok(())
    });
}

/// Found by `end_to_end`: 2,000 values outside an enum (a 60 KB request) were each detailed with
/// the enum's every value, a 28 MB answer. The message now details ten and counts the rest.
#[test]
fn many_invalid_enum_values_get_a_bounded_answer() {
    let sim = hubsim_simulator::testing::fresh_account(Era::Current, &["us-east-1"]);
    let types = vec!["AWS::EC2::NoSuchThing"; 2000];
    let body = serde_json::json!({"ConfigurationRecorder": {
        "name": "default", "roleARN": "arn:aws:iam::123456789012:role/config",
        "recordingGroup": {"allSupported": false, "resourceTypes": types}}});
    let req = Request {
        method: "POST".into(),
        path: "/".into(),
        headers: vec![
            ("x-amz-target".into(), "StarlingDoveService.PutConfigurationRecorder".into()),
            ("content-type".into(), "application/x-amz-json-1.1".into()),
        ],
        body: body.to_string().into_bytes(),
        ..Default::default()
    };
    let response = route::handle(&sim, &req, "rid");
    let answer: serde_json::Value = serde_json::from_slice(&response.body).expect("a JSON error");
    assert_eq!((response.status, answer["__type"].as_str()), (400, Some("ValidationException")), "{answer}");
    let message = answer["message"].as_str().unwrap_or_default();
    // The validator stops at 100 problems, and the message details ten of them.
    assert!(message.starts_with("at least 100 validation errors detected: "), "{}", &message[..200.min(message.len())]);
    assert!(message.ends_with("; and 90 more"), "{}", &message[message.len().saturating_sub(200)..]);
    assert!(response.body.len() < 200_000, "a {} byte answer", response.body.len());
}
