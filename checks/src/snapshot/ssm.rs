//! A region's Systems Manager state, as SSM.1–SSM.4 read it: the managed instances
//! (`DescribeInstanceInformation`), every managed instance's compliance summaries
//! (`ListResourceComplianceSummaries`), and the account's own documents with who they are
//! shared with (`ListDocuments` with `Owner=Self`, `DescribeDocumentPermission`).

use hubsim_api::model::ssm;
use hubsim_api::AwsApi;

use super::{fail, FetchError};

/// One of the account's documents.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DocumentView {
    /// Its name.
    pub name: String,
    /// Who it is shared with (account ids, `all` for everyone).
    pub shared_with: Vec<String>,
}

impl DocumentView {
    /// Whether it is public (shared with `all`).
    pub fn public(&self) -> bool {
        self.shared_with.iter().any(|a| a.eq_ignore_ascii_case("all"))
    }
}

/// The Systems Manager state of one region.
#[derive(Debug, Clone, Default)]
pub struct SsmView {
    /// Managed instances.
    pub managed: Vec<ssm::InstanceInformation>,
    /// Compliance summaries (one per managed instance and compliance type).
    pub compliance: Vec<ssm::ResourceComplianceSummaryItem>,
    /// The account's own documents.
    pub documents: Vec<DocumentView>,
}

impl SsmView {
    /// Whether instance `id` is managed.
    pub fn is_managed(&self, id: &str) -> bool {
        self.managed.iter().any(|m| m.instance_id.as_deref() == Some(id))
    }

    /// The summaries of compliance type `kind` (`Patch`, `Association`).
    pub fn of_type<'s>(&'s self, kind: &'s str) -> impl Iterator<Item = &'s ssm::ResourceComplianceSummaryItem> + 's {
        self.compliance.iter().filter(move |c| c.compliance_type.as_deref() == Some(kind))
    }
}

/// Reads the region's Systems Manager state.
pub(super) fn fetch<A: AwsApi>(api: &A, r: &str) -> Result<SsmView, FetchError> {
    let mut managed = Vec::new();
    let mut token = None;
    loop {
        let page = api
            .call::<ssm::DescribeInstanceInformation>(
                r,
                ssm::DescribeInstanceInformationRequest { next_token: token.clone(), ..Default::default() },
            )
            .map_err(fail("SSM managed instances", r))?;
        managed.extend(page.instance_information_list.unwrap_or_default());
        token = page.next_token;
        if token.is_none() {
            break;
        }
    }
    let mut compliance = Vec::new();
    loop {
        let page = api
            .call::<ssm::ListResourceComplianceSummaries>(
                r,
                ssm::ListResourceComplianceSummariesRequest { next_token: token.clone(), ..Default::default() },
            )
            .map_err(fail("SSM compliance summaries", r))?;
        compliance.extend(page.resource_compliance_summary_items.unwrap_or_default());
        token = page.next_token;
        if token.is_none() {
            break;
        }
    }
    let mut names = Vec::new();
    loop {
        let own = ssm::DocumentKeyValuesFilter { key: Some("Owner".into()), values: Some(vec!["Self".into()]) };
        let page = api
            .call::<ssm::ListDocuments>(
                r,
                ssm::ListDocumentsRequest { filters: Some(vec![own]), next_token: token.clone(), ..Default::default() },
            )
            .map_err(fail("SSM documents", r))?;
        names.extend(page.document_identifiers.unwrap_or_default().into_iter().filter_map(|d| d.name));
        token = page.next_token;
        if token.is_none() {
            break;
        }
    }
    let mut documents = Vec::with_capacity(names.len());
    for name in names {
        let mut shared_with = Vec::new();
        loop {
            let page = api
                .call::<ssm::DescribeDocumentPermission>(
                    r,
                    ssm::DescribeDocumentPermissionRequest {
                        name: name.clone(),
                        permission_type: "Share".into(),
                        max_results: Some(200),
                        next_token: token.clone(),
                    },
                )
                .map_err(fail(&format!("SSM document {name}'s permissions"), r))?;
            shared_with.extend(page.account_ids.unwrap_or_default());
            token = page.next_token;
            if token.is_none() {
                break;
            }
        }
        documents.push(DocumentView { name, shared_with });
    }
    Ok(SsmView { managed, compliance, documents })
}
