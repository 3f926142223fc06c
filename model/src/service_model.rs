//! AWS's service models as committed in `model/data/`: the structure the validator and the
//! wire protocols walk. Parsed once, on first use.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde::Deserialize;

use crate::generated::MODELS;

/// One service's model: metadata, operations, shapes.
#[derive(Debug, Deserialize)]
pub struct ServiceModel {
    /// The model's `metadata` block (protocol, apiVersion, signingName, targetPrefix, ...).
    pub metadata: Metadata,
    /// Operations by name (those hubsim implements: the model is trimmed to them).
    pub operations: BTreeMap<String, OperationModel>,
    /// How many operations AWS's whole model of the service has (`tools/models/trim.py`
    /// records it); absent for hubsim's own actions.
    #[serde(rename = "awsOperationCount", default)]
    pub aws_operation_count: Option<usize>,
    /// Shapes by name.
    pub shapes: BTreeMap<String, ShapeModel>,
}

/// The `metadata` block of a service model.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Metadata {
    /// Wire protocol: `query`, `ec2`, `json`, `rest-json`, `rest-xml`.
    pub protocol: String,
    /// `apiVersion`, e.g. `2016-11-15`.
    pub api_version: String,
    /// Host prefix of the service's endpoints.
    pub endpoint_prefix: String,
    /// SigV4 signing name, when it differs from the endpoint prefix.
    #[serde(default)]
    pub signing_name: Option<String>,
    /// `X-Amz-Target` prefix for json protocols.
    #[serde(default)]
    pub target_prefix: Option<String>,
    /// `application/x-amz-json-<version>`.
    #[serde(default)]
    pub json_version: Option<String>,
    /// XML namespace for query protocols.
    #[serde(default)]
    pub xml_namespace: Option<String>,
    /// The service id clients use for per-service endpoint variables.
    #[serde(default)]
    pub service_id: Option<String>,
    /// Present (an empty object) when the JSON service also answers its legacy query error
    /// codes in `x-amzn-query-error` (CloudWatch, SQS).
    #[serde(default)]
    pub aws_query_compatible: Option<serde_json::Value>,
}

/// One operation.
#[derive(Debug, Deserialize)]
pub struct OperationModel {
    /// The operation's name.
    pub name: String,
    /// HTTP binding (method, request URI, success code).
    #[serde(default)]
    pub http: Option<HttpBinding>,
    /// Input shape.
    #[serde(default)]
    pub input: Option<ShapeRef>,
    /// Output shape.
    #[serde(default)]
    pub output: Option<ShapeRef>,
    /// Modelled errors.
    #[serde(default)]
    pub errors: Vec<ShapeRef>,
}

/// An operation's HTTP binding.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HttpBinding {
    /// `GET`, `PUT`, ...
    pub method: String,
    /// Path and query template, e.g. `/{Bucket}?encryption`.
    pub request_uri: String,
    /// HTTP status of a success.
    #[serde(default)]
    pub response_code: Option<u16>,
}

/// A reference to a shape, with the wire attributes that apply to it at that place.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ShapeRef {
    /// The shape's name.
    pub shape: String,
    /// `uri`, `querystring`, `header`, `headers`, `statusCode` for REST protocols.
    #[serde(default)]
    pub location: Option<String>,
    /// The name on the wire.
    #[serde(default)]
    pub location_name: Option<String>,
    /// The query-string name (ec2 protocol).
    #[serde(default)]
    pub query_name: Option<String>,
    /// Whether a list is flattened (XML protocols).
    #[serde(default)]
    pub flattened: Option<bool>,
    /// An XML attribute rather than an element.
    #[serde(default)]
    pub xml_attribute: Option<bool>,
    /// XML namespace of the element.
    #[serde(default)]
    pub xml_namespace: Option<XmlNamespace>,
    /// Query-protocol result wrapper element (`<OpResult>`).
    #[serde(default)]
    pub result_wrapper: Option<String>,
    /// Timestamp format on the wire at this place.
    #[serde(default)]
    pub timestamp_format: Option<String>,
    /// JSON value carried in a header.
    #[serde(default)]
    pub json_value: Option<bool>,
    /// Host-label binding (S3 Control AccountId).
    #[serde(default)]
    pub host_label: Option<bool>,
}

/// XML namespace declaration.
#[derive(Debug, Clone, Deserialize)]
pub struct XmlNamespace {
    /// Namespace URI.
    pub uri: String,
    /// Prefix, when the namespace is prefixed.
    #[serde(default)]
    pub prefix: Option<String>,
}

/// One shape.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ShapeModel {
    /// `structure`, `list`, `map`, `string`, `integer`, `long`, `boolean`, `timestamp`, `blob`,
    /// `float`, `double`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Structure members, in model order.
    #[serde(default)]
    pub members: indexmap_lite::OrderedMembers,
    /// Required structure members.
    #[serde(default)]
    pub required: Vec<String>,
    /// List element.
    #[serde(default)]
    pub member: Option<ShapeRef>,
    /// Map key.
    #[serde(default)]
    pub key: Option<ShapeRef>,
    /// Map value.
    #[serde(default)]
    pub value: Option<ShapeRef>,
    /// Allowed string values.
    #[serde(rename = "enum", default)]
    pub enum_values: Option<Vec<String>>,
    /// Minimum length (strings, lists) or value (numbers).
    #[serde(default)]
    pub min: Option<f64>,
    /// Maximum length or value.
    #[serde(default)]
    pub max: Option<f64>,
    /// The member that is the HTTP payload (REST protocols).
    #[serde(default)]
    pub payload: Option<String>,
    /// Whether a list is flattened (XML protocols).
    #[serde(default)]
    pub flattened: Option<bool>,
    /// Element name of a list member or of the shape itself.
    #[serde(default)]
    pub location_name: Option<String>,
    /// XML namespace.
    #[serde(default)]
    pub xml_namespace: Option<XmlNamespace>,
    /// Timestamp format on the wire.
    #[serde(default)]
    pub timestamp_format: Option<String>,
    /// Whether the shape is an exception.
    #[serde(default)]
    pub exception: bool,
    /// Error metadata of exception shapes.
    #[serde(default)]
    pub error: Option<ErrorInfo>,
    /// A free-form document.
    #[serde(default)]
    pub document: bool,
}

/// Error metadata of an exception shape.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ErrorInfo {
    /// The wire code when it differs from the shape name.
    #[serde(default)]
    pub code: Option<String>,
    /// HTTP status.
    #[serde(default)]
    pub http_status_code: Option<u16>,
    /// Client fault or server fault.
    #[serde(default)]
    pub sender_fault: Option<bool>,
}

/// Members in model order (order matters on the wire for XML).
pub mod indexmap_lite {
    use super::ShapeRef;
    use serde::de::{MapAccess, Visitor};
    use serde::{Deserialize, Deserializer};
    use std::fmt;

    /// A small ordered map of member name to reference.
    #[derive(Debug, Default)]
    pub struct OrderedMembers(pub Vec<(String, ShapeRef)>);

    impl OrderedMembers {
        /// The member called `name`.
        pub fn get(&self, name: &str) -> Option<&ShapeRef> {
            self.0.iter().find(|(n, _)| n == name).map(|(_, r)| r)
        }
        /// Members in order.
        pub fn iter(&self) -> impl Iterator<Item = (&String, &ShapeRef)> {
            self.0.iter().map(|(n, r)| (n, r))
        }
        /// Member names in order.
        pub fn names(&self) -> impl Iterator<Item = &str> {
            self.0.iter().map(|(n, _)| n.as_str())
        }
        /// Whether there are no members.
        pub fn is_empty(&self) -> bool {
            self.0.is_empty()
        }
    }

    impl<'de> Deserialize<'de> for OrderedMembers {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            struct V;
            impl<'de> Visitor<'de> for V {
                type Value = OrderedMembers;
                fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                    f.write_str("a map of members")
                }
                fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<OrderedMembers, A::Error> {
                    let mut out = Vec::new();
                    while let Some((k, v)) = map.next_entry::<String, ShapeRef>()? {
                        out.push((k, v));
                    }
                    Ok(OrderedMembers(out))
                }
            }
            d.deserialize_map(V)
        }
    }
}

impl ServiceModel {
    /// The shape called `name`. Every reference inside a committed model resolves, which a
    /// test proves, so a missing name is a bug in the model data.
    pub fn shape(&self, name: &str) -> Option<&ShapeModel> {
        self.shapes.get(name)
    }

    /// The operation called `name`.
    pub fn operation(&self, name: &str) -> Option<&OperationModel> {
        self.operations.get(name)
    }

    /// The SigV4 signing name.
    pub fn signing_name(&self) -> &str {
        self.metadata.signing_name.as_deref().unwrap_or(&self.metadata.endpoint_prefix)
    }
}

/// The names of every committed service model.
pub fn service_names() -> impl Iterator<Item = &'static str> {
    MODELS.iter().map(|(name, _)| *name)
}

/// The model of the botocore service `name` (`s3`, `ec2`, ...), parsed on first use.
pub fn service(name: &str) -> Option<&'static ServiceModel> {
    static PARSED: OnceLock<Vec<(&'static str, ServiceModel)>> = OnceLock::new();
    let all = PARSED.get_or_init(|| {
        // The models are committed data checked by tests; a parse failure is a build defect.
        let parse = |(name, text): &(&'static str, &str)| -> (&'static str, ServiceModel) {
            let model =
                serde_json::from_str(text).unwrap_or_else(|e| panic!("committed model {name} does not parse: {e}"));
            (*name, model)
        };
        // EC2's model is a third of the text: parsing it on a second thread halves the wait
        // (this sits on the start-up path of every command and of the server).
        let (big, rest): (Vec<_>, Vec<_>) = MODELS.iter().partition(|(name, _)| *name == "ec2");
        std::thread::scope(|scope| {
            let big = scope.spawn(|| big.into_iter().map(parse).collect::<Vec<_>>());
            let mut all: Vec<_> = rest.into_iter().map(parse).collect();
            match big.join() {
                Ok(parsed) => all.extend(parsed),
                Err(panic) => std::panic::resume_unwind(panic),
            }
            all
        })
    });
    all.iter().find(|(n, _)| *n == name).map(|(_, m)| m)
}
