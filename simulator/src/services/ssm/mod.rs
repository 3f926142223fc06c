//! AWS Systems Manager: managed instances (the EC2 instances hubsim holds, registered with
//! `hubsim:SetSsmManaged`), compliance data (patch, association and custom types), State
//! Manager associations, the account's own SSM documents with their sharing, and tags.
//!
//! hubsim runs no SSM Agent, no patching and no association: what they would report is set
//! by the scenario. An instance is managed once `hubsim:SetSsmManaged` registers it (in AWS,
//! once its agent reaches Systems Manager with an instance profile that grants
//! `AmazonSSMManagedInstanceCore`, <https://docs.aws.amazon.com/systems-manager/latest/userguide/setup-instance-permissions.html>;
//! hubsim does not simulate instance profiles). The outcome of patching or of an association
//! on an instance is what `PutComplianceItems` records for it
//! (<https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_PutComplianceItems.html>).
//! AWS-owned documents (`AWS-RunPatchBaseline`, ...) are not held: an association may name
//! any document whose name starts with `AWS-`, and `ListDocuments` lists only the account's own.

mod associations;
mod compliance;
mod documents;
mod instances;
mod tags;

use std::collections::{BTreeMap, BTreeSet};

use hubsim_model::Timestamp;
use serde::{Deserialize, Serialize};

use crate::error::AwsError;
use crate::registry::Registrar;
use crate::store::Resource;

/// Registers Systems Manager's operations (and `hubsim:SetSsmManaged`).
pub fn register(r: &mut Registrar) {
    instances::register(r);
    compliance::register(r);
    documents::register(r);
    associations::register(r);
    tags::register(r);
}

/// An EC2 instance registered with Systems Manager (id: the instance id, in its region).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ManagedInstance {
    /// The instance id.
    pub instance_id: String,
    /// When it was registered.
    pub registered: Timestamp,
}

impl Resource for ManagedInstance {
    const KIND: &'static str = "ssm:managed-instance";
}

/// One compliance item as recorded by `PutComplianceItems`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Item {
    /// The item id (a patch's KB id, an association id, ...).
    pub id: String,
    /// Title.
    pub title: Option<String>,
    /// `COMPLIANT` or `NON_COMPLIANT`.
    pub status: String,
    /// `CRITICAL` ... `UNSPECIFIED`.
    pub severity: String,
    /// Free-form details.
    pub details: BTreeMap<String, String>,
}

/// The compliance data of one type for one managed instance (id: `<instance>/<type>`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ComplianceRecord {
    /// The instance.
    pub resource_id: String,
    /// `ManagedInstance`.
    pub resource_type: String,
    /// `Patch`, `Association` or `Custom:<name>`.
    pub compliance_type: String,
    /// When the data was gathered.
    pub execution_time: Timestamp,
    /// The execution's id, if any.
    pub execution_id: Option<String>,
    /// The execution's type, if any.
    pub execution_type: Option<String>,
    /// The items, by id.
    pub items: BTreeMap<String, Item>,
}

impl Resource for ComplianceRecord {
    const KIND: &'static str = "ssm:compliance";
}

impl ComplianceRecord {
    /// The store key of `compliance_type` data for `resource_id`.
    pub fn key(resource_id: &str, compliance_type: &str) -> String {
        format!("{resource_id}/{compliance_type}")
    }
}

/// One of the account's SSM documents (id: its name, in its region).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Document {
    /// Name.
    pub name: String,
    /// Content as given.
    pub content: String,
    /// `Command`, `Automation`, ...
    pub document_type: String,
    /// `JSON`, `YAML` or `TEXT`.
    pub document_format: String,
    /// The content's `schemaVersion`, when hubsim could read it.
    pub schema_version: Option<String>,
    /// Display name.
    pub display_name: Option<String>,
    /// Version name.
    pub version_name: Option<String>,
    /// Target type (`/AWS::EC2::Instance`).
    pub target_type: Option<String>,
    /// Creation time.
    pub created: Timestamp,
    /// Who it is shared with: account ids, or `all` (public).
    pub shared_with: BTreeSet<String>,
    /// Tags.
    pub tags: BTreeMap<String, String>,
}

impl Resource for Document {
    const KIND: &'static str = "ssm:document";
}

impl Document {
    /// Whether it is shared publicly (`all`).
    pub fn public(&self) -> bool {
        self.shared_with.contains("all")
    }
}

/// A State Manager association (id: its association id, in its region).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Association {
    /// The association as `DescribeAssociation` answers it (status, overview and version kept
    /// up to date by the handlers).
    pub description: hubsim_model::ssm::AssociationDescription,
    /// Tags.
    pub tags: BTreeMap<String, String>,
}

impl Resource for Association {
    const KIND: &'static str = "ssm:association";
}

/// 400 `ValidationException`.
pub(crate) fn validation(message: impl Into<String>) -> AwsError {
    AwsError::bad_request("ValidationException", message)
}

/// 400 `InvalidDocument` for a document that does not exist.
pub(crate) fn no_such_document(name: &str) -> AwsError {
    AwsError::bad_request("InvalidDocument", format!("Document {name} does not exist in your account."))
}

/// 400 `InvalidInstanceId`.
pub(crate) fn invalid_instance(id: &str) -> AwsError {
    AwsError::bad_request(
        "InvalidInstanceId",
        format!("Instance {id} is not a managed instance in this region (not registered with Systems Manager)."),
    )
}

/// The start index a `NextToken` names (hubsim's tokens are offsets), or `InvalidNextToken`.
pub(crate) fn start_of(token: Option<&str>) -> Result<usize, AwsError> {
    match token {
        None => Ok(0),
        Some(t) => t
            .parse::<usize>()
            .map_err(|_| AwsError::bad_request("InvalidNextToken", format!("The NextToken {t} is not valid."))),
    }
}

/// One page of `all` from `start`, of at most `size`, with the next token.
pub(crate) fn page<T>(all: Vec<T>, start: usize, size: usize) -> (Vec<T>, Option<String>) {
    let total = all.len();
    let items: Vec<T> = all.into_iter().skip(start).take(size).collect();
    let end = start.saturating_add(items.len());
    (items, (end < total).then(|| end.to_string()))
}
