//! The Secrets Manager secrets of a region as SecretsManager.1–.4 read them (`ListSecrets`,
//! which carries rotation and the last rotated, changed and accessed dates). Secrets scheduled
//! for deletion are not listed: no control judges them.

use hubsim_api::model::secretsmanager as sm;
use hubsim_api::AwsApi;

use super::{fail, FetchError};

/// Every secret of `region` not scheduled for deletion.
pub(super) fn fetch<A: AwsApi>(api: &A, region: &str) -> Result<Vec<sm::SecretListEntry>, FetchError> {
    let mut out = Vec::new();
    let mut token = None;
    loop {
        let page = api
            .call::<sm::ListSecrets>(
                region,
                sm::ListSecretsRequest { max_results: Some(100), next_token: token.clone(), ..Default::default() },
            )
            .map_err(fail("secrets", region))?;
        out.extend(page.secret_list.unwrap_or_default());
        token = page.next_token;
        if token.is_none() {
            break;
        }
    }
    Ok(out)
}
