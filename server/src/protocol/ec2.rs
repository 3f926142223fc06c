//! The `ec2` protocol: form-encoded parameters with flat lists (`Name.N`) and names from
//! `queryName` or the capitalised `locationName`; responses `<OpResponse>` with `<requestId>`
//! first, elements named by `locationName`, list items `<item>`; errors in
//! `<Response><Errors><Error>…</Error></Errors><RequestID/></Response>`. The parameter walker
//! and XML writer are the query protocol's, in their EC2 dialect.

use hubsim_model::service_model::{OperationModel, ServiceModel};
use hubsim_simulator::AwsError;
use serde_json::Value;

use super::query::{self, escape, Dialect, XmlWriter};
use super::{Codec, Request, Response, WireError};

/// The `ec2` codec.
pub struct Ec2;

/// EC2's namespace as AWS sends it (the model omits the trailing slash).
fn namespace(model: &ServiceModel) -> String {
    match &model.metadata.xml_namespace {
        Some(ns) if ns.ends_with('/') => format!(" xmlns=\"{}\"", escape(ns)),
        Some(ns) => format!(" xmlns=\"{}/\"", escape(ns)),
        None => String::new(),
    }
}

fn xml_response(status: u16, body: String) -> Response {
    Response {
        status,
        headers: vec![("Content-Type".into(), "text/xml;charset=UTF-8".into())],
        body: format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n{body}").into_bytes(),
    }
}

impl Codec for Ec2 {
    fn operation<'m>(&self, model: &'m ServiceModel, req: &Request) -> Option<&'m OperationModel> {
        query::action(model, req)
    }

    fn parse(&self, model: &ServiceModel, op: &OperationModel, req: &Request) -> Result<Value, WireError> {
        query::parse_input(model, op, &query::params(req), Dialect::Ec2)
    }

    fn serialize(&self, model: &ServiceModel, op: &OperationModel, output: &Value, request_id: &str) -> Response {
        let mut w = XmlWriter { model, dialect: Dialect::Ec2, out: String::new() };
        let name = &op.name;
        w.out.push_str(&format!("<{name}Response{}><requestId>{}</requestId>", namespace(model), escape(request_id)));
        match op.output.as_ref().and_then(|r| model.shape(&r.shape)) {
            Some(shape) => w.members(shape, output),
            // Mutating calls without a modelled output still say they worked.
            None => w.out.push_str("<return>true</return>"),
        }
        w.out.push_str(&format!("</{name}Response>"));
        xml_response(200, w.out)
    }

    fn error(
        &self,
        _model: &ServiceModel,
        _op: Option<&OperationModel>,
        error: &AwsError,
        request_id: &str,
    ) -> Response {
        let body = format!(
            "<Response><Errors><Error><Code>{}</Code><Message>{}</Message></Error></Errors><RequestID>{}</RequestID></Response>",
            escape(&error.code),
            escape(&error.message),
            escape(request_id)
        );
        xml_response(error.status, body)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn ec2() -> &'static ServiceModel {
        hubsim_model::service("ec2").expect("ec2 model")
    }

    fn req(body: &str) -> Request {
        Request {
            method: "POST".into(),
            path: "/".into(),
            headers: vec![("content-type".into(), "application/x-www-form-urlencoded; charset=utf-8".into())],
            body: body.as_bytes().to_vec(),
            ..Default::default()
        }
    }

    #[test]
    fn parses_flat_lists_filters_and_nested_names() {
        let r = req("Action=DescribeSecurityGroups&Version=2016-11-15&GroupId.1=sg-1&GroupId.2=sg-2&Filter.1.Name=vpc-id&Filter.1.Value.1=vpc-1");
        let op = Ec2.operation(ec2(), &r).expect("op");
        let v = Ec2.parse(ec2(), op, &r).expect("parses");
        assert_eq!(v, json!({"GroupIds": ["sg-1", "sg-2"], "Filters": [{"Name": "vpc-id", "Values": ["vpc-1"]}]}));

        let r = req("Action=RevokeSecurityGroupIngress&Version=2016-11-15&GroupId=sg-1&IpPermissions.1.IpProtocol=-1&IpPermissions.1.Groups.1.GroupId=sg-1&IpPermissions.1.IpRanges.1.CidrIp=0.0.0.0%2F0");
        let op = Ec2.operation(ec2(), &r).expect("op");
        let v = Ec2.parse(ec2(), op, &r).expect("parses");
        assert_eq!(
            v,
            json!({"GroupId": "sg-1", "IpPermissions": [{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}], "UserIdGroupPairs": [{"GroupId": "sg-1"}]}]})
        );

        let r =
            req("Action=ModifySubnetAttribute&Version=2016-11-15&SubnetId=subnet-1&MapPublicIpOnLaunch.Value=false");
        let op = Ec2.operation(ec2(), &r).expect("op");
        let v = Ec2.parse(ec2(), op, &r).expect("parses");
        assert_eq!(v, json!({"MapPublicIpOnLaunch": {"Value": false}, "SubnetId": "subnet-1"}));
    }

    #[test]
    fn serializes_items_and_request_id_first() {
        let op = ec2().operation("DescribeSecurityGroups").expect("op");
        let out = json!({"SecurityGroups": [{"GroupId": "sg-1", "IpPermissions": []}]});
        let body = String::from_utf8(Ec2.serialize(ec2(), op, &out, "rid").body).expect("utf8");
        assert!(body.contains("<DescribeSecurityGroupsResponse xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\"><requestId>rid</requestId><securityGroupInfo><item>"), "{body}");
        assert!(body.contains("<groupId>sg-1</groupId>"), "{body}");
        assert!(body.contains("<ipPermissions></ipPermissions>"), "{body}");
    }

    #[test]
    fn output_less_calls_return_true_and_errors_use_the_ec2_envelope() {
        let op = ec2().operation("CreateNetworkAclEntry").expect("op");
        let body = String::from_utf8(Ec2.serialize(ec2(), op, &Value::Null, "rid").body).expect("utf8");
        assert!(
            body.ends_with("<requestId>rid</requestId><return>true</return></CreateNetworkAclEntryResponse>"),
            "{body}"
        );
        let e = AwsError::bad_request("InvalidGroup.NotFound", "The security group 'sg-1' does not exist");
        let r = Ec2.error(ec2(), Some(op), &e, "rid");
        assert_eq!(r.status, 400);
        let body = String::from_utf8(r.body).expect("utf8");
        assert!(body.contains("<Response><Errors><Error><Code>InvalidGroup.NotFound</Code>"), "{body}");
        assert!(body.contains("<RequestID>rid</RequestID>"), "{body}");
    }
}
