//! Reads of IAM resources hubsim does not hold, answered from the state as empty lists (never an
//! error): ListSAMLProviders, ListOpenIDConnectProviders, ListServerCertificates,
//! ListServiceSpecificCredentials
//! (<https://docs.aws.amazon.com/IAM/latest/APIReference/API_Operations.html>). hubsim has no
//! operation that creates one, so an account never holds any.

use hubsim_model::iam;

use super::users;
use crate::error::AwsError;
use crate::registry::{Handler, Registrar};
use crate::Ctx;

pub(super) fn register(r: &mut Registrar) {
    r.add::<iam::ListSAMLProviders>()
        .add::<iam::ListOpenIDConnectProviders>()
        .add::<iam::ListServerCertificates>()
        .add::<iam::ListServiceSpecificCredentials>();
}

impl Handler for iam::ListSAMLProviders {
    const MUTATES: bool = false;

    fn handle(
        _ctx: &mut Ctx<'_>,
        _input: iam::ListSAMLProvidersRequest,
    ) -> Result<iam::ListSAMLProvidersResponse, AwsError> {
        Ok(iam::ListSAMLProvidersResponse { saml_provider_list: Some(Vec::new()) })
    }
}

impl Handler for iam::ListOpenIDConnectProviders {
    const MUTATES: bool = false;

    fn handle(
        _ctx: &mut Ctx<'_>,
        _input: iam::ListOpenIDConnectProvidersRequest,
    ) -> Result<iam::ListOpenIDConnectProvidersResponse, AwsError> {
        Ok(iam::ListOpenIDConnectProvidersResponse { open_id_connect_provider_list: Some(Vec::new()) })
    }
}

impl Handler for iam::ListServerCertificates {
    const MUTATES: bool = false;

    fn handle(
        _ctx: &mut Ctx<'_>,
        _input: iam::ListServerCertificatesRequest,
    ) -> Result<iam::ListServerCertificatesResponse, AwsError> {
        Ok(iam::ListServerCertificatesResponse {
            server_certificate_metadata_list: Vec::new(),
            is_truncated: Some(false),
            marker: None,
        })
    }
}

impl Handler for iam::ListServiceSpecificCredentials {
    const MUTATES: bool = false;

    /// A `UserName` must name a user (`NoSuchEntity`); its list, like every user's, is empty.
    fn handle(
        ctx: &mut Ctx<'_>,
        input: iam::ListServiceSpecificCredentialsRequest,
    ) -> Result<iam::ListServiceSpecificCredentialsResponse, AwsError> {
        if let Some(name) = &input.user_name {
            users::load(ctx, name)?;
        }
        Ok(iam::ListServiceSpecificCredentialsResponse {
            service_specific_credentials: Some(Vec::new()),
            marker: None,
            is_truncated: Some(false),
        })
    }
}
