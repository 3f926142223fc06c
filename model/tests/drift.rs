//! The typed shapes cannot drift from AWS's models: every generated struct names a shape of its
//! service's committed model and carries exactly that shape's members, in order.

/// A service's generated shapes: (shape name, member names).
type ShapeTable = &'static [(&'static str, &'static [&'static str])];

#[test]
fn every_typed_struct_matches_its_model_shape() {
    let tables: &[(&str, ShapeTable)] = &[
        ("application-autoscaling", hubsim_model::application_autoscaling::SHAPES),
        ("cloudtrail", hubsim_model::cloudtrail::SHAPES),
        ("cloudwatch", hubsim_model::cloudwatch::SHAPES),
        ("config", hubsim_model::config::SHAPES),
        ("dynamodb", hubsim_model::dynamodb::SHAPES),
        ("ec2", hubsim_model::ec2::SHAPES),
        ("ecr", hubsim_model::ecr::SHAPES),
        ("elb", hubsim_model::elb::SHAPES),
        ("elbv2", hubsim_model::elbv2::SHAPES),
        ("guardduty", hubsim_model::guardduty::SHAPES),
        ("hubsim", hubsim_model::hubsim::SHAPES),
        ("iam", hubsim_model::iam::SHAPES),
        ("kms", hubsim_model::kms::SHAPES),
        ("lambda", hubsim_model::lambda::SHAPES),
        ("logs", hubsim_model::logs::SHAPES),
        ("organizations", hubsim_model::organizations::SHAPES),
        ("rds", hubsim_model::rds::SHAPES),
        ("s3", hubsim_model::s3::SHAPES),
        ("s3control", hubsim_model::s3control::SHAPES),
        ("secretsmanager", hubsim_model::secretsmanager::SHAPES),
        ("securityhub", hubsim_model::securityhub::SHAPES),
        ("sns", hubsim_model::sns::SHAPES),
        ("sqs", hubsim_model::sqs::SHAPES),
        ("ssm", hubsim_model::ssm::SHAPES),
        ("sts", hubsim_model::sts::SHAPES),
    ];
    let mut checked = 0;
    for (service, shapes) in tables {
        let model = hubsim_model::service(service).unwrap_or_else(|| panic!("no model for {service}"));
        for (shape, members) in *shapes {
            let def = model.shape(shape).unwrap_or_else(|| panic!("{service}: {shape} is not in the model"));
            assert_eq!(def.kind, "structure", "{service}: {shape}");
            let names: Vec<&str> = def.members.names().collect();
            assert_eq!(&names, members, "{service}: {shape} members drifted");
            checked += 1;
        }
    }
    assert!(checked > 800, "only {checked} shapes checked");
    assert_eq!(tables.len(), hubsim_model::service_names().count(), "a service is missing from this test");
}

#[test]
fn every_shape_reference_resolves() {
    for service in hubsim_model::service_names() {
        let model = hubsim_model::service(service).unwrap();
        for (name, shape) in &model.shapes {
            let refs = shape
                .members
                .iter()
                .map(|(_, r)| r.shape.clone())
                .chain(shape.member.iter().map(|r| r.shape.clone()))
                .chain(shape.key.iter().map(|r| r.shape.clone()))
                .chain(shape.value.iter().map(|r| r.shape.clone()));
            for r in refs {
                assert!(model.shape(&r).is_some(), "{service}: {name} refers to missing shape {r}");
            }
        }
        for (name, op) in &model.operations {
            for r in op.input.iter().chain(op.output.iter()).chain(op.errors.iter()) {
                assert!(model.shape(&r.shape).is_some(), "{service}: {name} refers to missing shape {}", r.shape);
            }
        }
    }
}
