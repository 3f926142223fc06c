//! AWS's service models for the operations hubsim implements, and the typed Rust shapes
//! generated from them.
//!
//! * `data/<service>.json`: botocore's published models, trimmed to hubsim's operations by
//!   `tools/models/trim.py` (structure only, documentation removed).
//! * [`generated`]: one module per service with a struct per structure shape and a marker type
//!   per operation, written by `tools/models/gen_types.py`. Field names carry the model's member
//!   names through serde, so a typed value converts to and from the JSON that scenario files
//!   and the wire protocols use without per-operation glue.
//! * [`validate`]: checks an input given as JSON against the model, as botocore would.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

pub mod generated;
pub mod service_model;
pub mod validate;
pub mod value;

pub use generated::*;
pub use service_model::{service, service_names, ServiceModel};
pub use value::{Blob, Document, Timestamp};

/// An AWS operation: which service, which name, which typed input and output.
pub trait Operation: 'static {
    /// botocore service name (`s3`, `ec2`, ...).
    const SERVICE: &'static str;
    /// The model's operation name (`CreateBucket`).
    const NAME: &'static str;
    /// The input shape.
    type Input: Serialize + DeserializeOwned + Default + Clone + std::fmt::Debug + Send;
    /// The output shape.
    type Output: Serialize + DeserializeOwned + Default + Clone + std::fmt::Debug + Send;
}

/// A generated structure shape: its model name and member names.
pub trait Shape {
    /// The shape's name in the model.
    const SHAPE: &'static str;
    /// The members' names in the model, in order.
    const MEMBERS: &'static [&'static str];
}

/// The input or output of an operation that has none.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Empty {}
