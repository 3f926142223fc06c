//! CreateDocument, DescribeDocument, GetDocument, ListDocuments, DeleteDocument, DescribeDocumentPermission,
//! ModifyDocumentPermission
//! (<https://docs.aws.amazon.com/systems-manager/latest/userguide/documents.html>,
//! sharing: <https://docs.aws.amazon.com/systems-manager/latest/userguide/documents-ssm-sharing.html>).
//!
//! hubsim holds one version of each of the account's own documents. Sharing with `all` makes
//! a document public.

use std::collections::BTreeSet;

use hubsim_model::ssm;

use super::{no_such_document, page, start_of, validation, Association, Document};
use crate::error::AwsError;
use crate::registry::{Handler, Registrar};
use crate::Ctx;

pub(super) fn register(r: &mut Registrar) {
    r.add::<ssm::CreateDocument>()
        .add::<ssm::DescribeDocument>()
        .add::<ssm::GetDocument>()
        .add::<ssm::ListDocuments>()
        .add::<ssm::DeleteDocument>()
        .add::<ssm::DescribeDocumentPermission>()
        .add::<ssm::ModifyDocumentPermission>();
}

/// The most accounts a document is shared with
/// (<https://docs.aws.amazon.com/general/latest/gr/ssm.html>: 1,000).
const MAX_SHARES: usize = 1000;

/// Prefixes AWS reserves for its own documents (case-insensitive)
/// (<https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_CreateDocument.html>).
const RESERVED: [&str; 3] = ["aws", "amazon", "amzn"];

/// The content's `schemaVersion`: JSON content must be an object with one; YAML and text
/// content is kept as given (hubsim does not parse YAML).
fn schema_version(content: &str, format: &str) -> Result<Option<String>, AwsError> {
    if format != "JSON" {
        return Ok(None);
    }
    let invalid =
        |why: &str| AwsError::bad_request("InvalidDocumentContent", format!("The content is not valid: {why}."));
    let v: serde_json::Value = serde_json::from_str(content).map_err(|e| invalid(&format!("not JSON ({e})")))?;
    let version = v.get("schemaVersion").ok_or_else(|| invalid("it has no schemaVersion"))?;
    let version = version.as_str().ok_or_else(|| invalid("schemaVersion is not a string"))?;
    Ok(Some(version.to_string()))
}

/// A document's description as DescribeDocument and CreateDocument answer it.
pub(super) fn description(d: &Document, account: &str) -> ssm::DocumentDescription {
    ssm::DocumentDescription {
        name: Some(d.name.clone()),
        display_name: d.display_name.clone(),
        version_name: d.version_name.clone(),
        owner: Some(account.to_string()),
        created_date: Some(d.created),
        status: Some("Active".to_string()),
        document_version: Some("1".to_string()),
        latest_version: Some("1".to_string()),
        default_version: Some("1".to_string()),
        document_type: Some(d.document_type.clone()),
        document_format: Some(d.document_format.clone()),
        schema_version: d.schema_version.clone(),
        target_type: d.target_type.clone(),
        platform_types: Some(vec!["Windows".into(), "Linux".into(), "MacOS".into()]),
        tags: Some(d.tags.iter().map(|(k, v)| ssm::Tag { key: k.clone(), value: v.clone() }).collect()),
        ..Default::default()
    }
}

impl Handler for ssm::CreateDocument {
    const MUTATES: bool = true;

    fn handle(ctx: &mut Ctx<'_>, input: ssm::CreateDocumentRequest) -> Result<ssm::CreateDocumentResult, AwsError> {
        let lower = input.name.to_ascii_lowercase();
        if let Some(p) = RESERVED.iter().find(|p| lower.starts_with(*p)) {
            return Err(validation(format!(
                "Document name {} is not valid: names that start with {p} are reserved for AWS.",
                input.name
            )));
        }
        let format = input.document_format.unwrap_or_else(|| "JSON".to_string());
        let schema_version = schema_version(&input.content, &format)?;
        let tags = super::tags::from_list(input.tags.unwrap_or_default(), 0)?;
        if ctx.get::<Document>(&input.name)?.is_some() {
            return Err(AwsError::bad_request(
                "DocumentAlreadyExists",
                format!("Document with same name {} already exists", input.name),
            ));
        }
        let doc = Document {
            name: input.name.clone(),
            content: input.content,
            document_type: input.document_type.unwrap_or_else(|| "Command".to_string()),
            document_format: format,
            schema_version,
            display_name: input.display_name,
            version_name: input.version_name,
            target_type: input.target_type,
            created: ctx.now(),
            shared_with: BTreeSet::new(),
            tags,
        };
        ctx.put(&input.name, &doc)?;
        Ok(ssm::CreateDocumentResult { document_description: Some(description(&doc, ctx.account())) })
    }
}

/// The account's document `name` (a name or an ARN of this account's document).
pub(super) fn document(ctx: &Ctx<'_>, name: &str) -> Result<Document, AwsError> {
    let short = name.rsplit_once(":document/").map_or(name, |(_, n)| n);
    ctx.get::<Document>(short)?.ok_or_else(|| no_such_document(name))
}

/// Checks a `DocumentVersion` against the one version hubsim holds.
fn check_version(name: &str, version: Option<&str>) -> Result<(), AwsError> {
    match version {
        None | Some("1" | "$LATEST" | "$DEFAULT") => Ok(()),
        Some(v) => Err(AwsError::bad_request(
            "InvalidDocumentVersion",
            format!("Document {name} has no version {v} (hubsim holds version 1)."),
        )),
    }
}

impl Handler for ssm::DescribeDocument {
    const MUTATES: bool = false;

    fn handle(ctx: &mut Ctx<'_>, input: ssm::DescribeDocumentRequest) -> Result<ssm::DescribeDocumentResult, AwsError> {
        let d = document(ctx, &input.name)?;
        check_version(&input.name, input.document_version.as_deref())?;
        Ok(ssm::DescribeDocumentResult { document: Some(description(&d, ctx.account())) })
    }
}

impl Handler for ssm::GetDocument {
    const MUTATES: bool = false;

    /// The content as it was created, in its own format: hubsim does not convert between
    /// JSON and YAML when another `DocumentFormat` is asked (AWS does), and says which format
    /// the content is in.
    fn handle(ctx: &mut Ctx<'_>, input: ssm::GetDocumentRequest) -> Result<ssm::GetDocumentResult, AwsError> {
        let d = document(ctx, &input.name)?;
        check_version(&input.name, input.document_version.as_deref())?;
        Ok(ssm::GetDocumentResult {
            name: Some(d.name.clone()),
            created_date: Some(d.created),
            display_name: d.display_name.clone(),
            version_name: d.version_name.clone(),
            document_version: Some("1".to_string()),
            status: Some("Active".to_string()),
            content: Some(d.content.clone()),
            document_type: Some(d.document_type.clone()),
            document_format: Some(d.document_format.clone()),
            ..Default::default()
        })
    }
}

impl Handler for ssm::ListDocuments {
    const MUTATES: bool = false;

    /// The account's own documents (hubsim holds no AWS-owned or shared-in ones). Filters:
    /// `Owner` (`Self`, `Private`, `All` list them; `Amazon`, `ThirdParty` nothing; `Public`
    /// the ones shared with `all`), `Name`, `DocumentType`, `DocumentFormat`, `TargetType`,
    /// `tag:<key>`; the legacy `DocumentFilterList` with `Name`, `Owner`, `DocumentType`,
    /// `PlatformTypes`. Pages of `MaxResults` (1–50, default 50).
    fn handle(ctx: &mut Ctx<'_>, input: ssm::ListDocumentsRequest) -> Result<ssm::ListDocumentsResult, AwsError> {
        let mut filters: Vec<(String, Vec<String>)> = Vec::new();
        for f in input.document_filter_list.unwrap_or_default() {
            filters.push((f.key, vec![f.value]));
        }
        for f in input.filters.unwrap_or_default() {
            filters.push((f.key.unwrap_or_default(), f.values.unwrap_or_default()));
        }
        const KEYS: [&str; 6] = ["Owner", "Name", "DocumentType", "DocumentFormat", "TargetType", "PlatformTypes"];
        if let Some((k, _)) = filters.iter().find(|(k, _)| !KEYS.contains(&k.as_str()) && !k.starts_with("tag:")) {
            return Err(AwsError::bad_request("InvalidFilterKey", format!("The filter key {k} is not valid.")));
        }
        let start = start_of(input.next_token.as_deref())?;
        let account = ctx.account().to_string();
        let all: Vec<ssm::DocumentIdentifier> = ctx
            .list::<Document>()?
            .into_iter()
            .map(|(_, d)| d)
            .filter(|d| {
                filters.iter().all(|(k, values)| {
                    let any = |v: &str| values.iter().any(|w| w == v);
                    match k.as_str() {
                        "Owner" => values.iter().any(|w| match w.as_str() {
                            "Self" | "Private" | "All" => true,
                            "Public" => d.public(),
                            other => other == account,
                        }),
                        "Name" => any(&d.name),
                        "DocumentType" => any(&d.document_type),
                        "DocumentFormat" => any(&d.document_format),
                        "TargetType" => any(d.target_type.as_deref().unwrap_or("")),
                        "PlatformTypes" => values.iter().any(|w| ["Windows", "Linux", "MacOS"].contains(&w.as_str())),
                        tag => {
                            let key = tag.trim_start_matches("tag:");
                            d.tags.get(key).is_some_and(|v| values.is_empty() || any(v))
                        }
                    }
                })
            })
            .map(|d| ssm::DocumentIdentifier {
                name: Some(d.name.clone()),
                created_date: Some(d.created),
                display_name: d.display_name.clone(),
                owner: Some(account.clone()),
                version_name: d.version_name.clone(),
                platform_types: Some(vec!["Windows".into(), "Linux".into(), "MacOS".into()]),
                document_version: Some("1".to_string()),
                document_type: Some(d.document_type.clone()),
                schema_version: d.schema_version.clone(),
                document_format: Some(d.document_format.clone()),
                target_type: d.target_type.clone(),
                tags: Some(d.tags.iter().map(|(k, v)| ssm::Tag { key: k.clone(), value: v.clone() }).collect()),
                ..Default::default()
            })
            .collect();
        let (ids, next_token) = page(all, start, input.max_results.unwrap_or(50).clamp(1, 50) as usize);
        Ok(ssm::ListDocumentsResult { document_identifiers: Some(ids), next_token })
    }
}

impl Handler for ssm::DeleteDocument {
    const MUTATES: bool = true;

    /// Refuses a document still shared (`InvalidDocumentOperation`: stop sharing it first) and
    /// one an association uses (`AssociatedInstances`).
    fn handle(ctx: &mut Ctx<'_>, input: ssm::DeleteDocumentRequest) -> Result<ssm::DeleteDocumentResult, AwsError> {
        let d = document(ctx, &input.name)?;
        check_version(&input.name, input.document_version.as_deref())?;
        if !d.shared_with.is_empty() {
            return Err(AwsError::bad_request(
                "InvalidDocumentOperation",
                format!("Document {} is shared; stop sharing it before you delete it.", d.name),
            ));
        }
        let used = ctx.list::<Association>()?.into_iter().any(|(_, a)| a.description.name.as_deref() == Some(&d.name));
        if used && input.force != Some(true) {
            return Err(AwsError::bad_request(
                "AssociatedInstances",
                format!("Document {} is used by an association; delete the association first.", d.name),
            ));
        }
        ctx.delete::<Document>(&d.name)?;
        Ok(ssm::DeleteDocumentResult {})
    }
}

impl Handler for ssm::DescribeDocumentPermission {
    const MUTATES: bool = false;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: ssm::DescribeDocumentPermissionRequest,
    ) -> Result<ssm::DescribeDocumentPermissionResponse, AwsError> {
        let d = document(ctx, &input.name)?;
        let start = start_of(input.next_token.as_deref())?;
        let all: Vec<String> = d.shared_with.iter().cloned().collect();
        let (ids, next_token) = page(all, start, input.max_results.unwrap_or(200).clamp(1, 200) as usize);
        let info = ids
            .iter()
            .map(|a| ssm::AccountSharingInfo { account_id: Some(a.clone()), shared_document_version: Some("1".into()) })
            .collect();
        Ok(ssm::DescribeDocumentPermissionResponse {
            account_ids: Some(ids),
            account_sharing_info_list: Some(info),
            next_token,
        })
    }
}

impl Handler for ssm::ModifyDocumentPermission {
    const MUTATES: bool = true;

    /// Adds and removes the accounts (or `all`, any case) the document is shared with; the
    /// same id both added and removed, or more than 1,000 accounts, is refused.
    fn handle(
        ctx: &mut Ctx<'_>,
        input: ssm::ModifyDocumentPermissionRequest,
    ) -> Result<ssm::ModifyDocumentPermissionResponse, AwsError> {
        let mut d = document(ctx, &input.name)?;
        if let Some(v) = input.shared_document_version.as_deref() {
            if !matches!(v, "1" | "$DEFAULT" | "$LATEST") {
                return Err(AwsError::bad_request(
                    "InvalidDocumentVersion",
                    format!("Document {} has no version {v}.", d.name),
                ));
            }
        }
        let norm = |a: &String| if a.eq_ignore_ascii_case("all") { "all".to_string() } else { a.clone() };
        let add: BTreeSet<String> = input.account_ids_to_add.iter().flatten().map(norm).collect();
        let remove: BTreeSet<String> = input.account_ids_to_remove.iter().flatten().map(norm).collect();
        if let Some(both) = add.intersection(&remove).next() {
            return Err(validation(format!("Account {both} is both added and removed.")));
        }
        d.shared_with.extend(add);
        d.shared_with.retain(|a| !remove.contains(a));
        if d.shared_with.iter().filter(|a| *a != "all").count() > MAX_SHARES {
            return Err(AwsError::bad_request(
                "DocumentPermissionLimit",
                format!("A document can be shared with at most {MAX_SHARES} accounts."),
            ));
        }
        let name = d.name.clone();
        ctx.put(&name, &d)?;
        Ok(ssm::ModifyDocumentPermissionResponse {})
    }
}
