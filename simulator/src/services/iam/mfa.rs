//! Virtual MFA devices: CreateVirtualMFADevice, EnableMFADevice, DeactivateMFADevice,
//! DeleteVirtualMFADevice, ListVirtualMFADevices, ListMFADevices.
//!
//! The root user's device is not stored here: it follows the root state. A root `virtual`
//! device shows up in ListVirtualMFADevices as `…:mfa/root-account-mfa-device` assigned to
//! `arn:aws:iam::<acct>:root`; a root `hardware` device is not a virtual device and is listed
//! nowhere. hubsim's caller is a role, so ListMFADevices without a `UserName` lists nothing.

use hubsim_model::value::Blob;
use hubsim_model::{iam, Empty, Timestamp};
use serde::{Deserialize, Serialize};

use super::root::{self, root_arn, root_virtual_serial};
use super::users::{self, no_such_user};
use super::MfaKind;
use super::{check_name, check_path, no_such_entity, page};
use crate::error::AwsError;
use crate::registry::{Handler, Registrar};
use crate::store::Resource;
use crate::Ctx;

pub(super) fn register(r: &mut Registrar) {
    r.add::<iam::CreateVirtualMFADevice>()
        .add::<iam::EnableMFADevice>()
        .add::<iam::DeactivateMFADevice>()
        .add::<iam::DeleteVirtualMFADevice>()
        .add::<iam::ListVirtualMFADevices>()
        .add::<iam::ListMFADevices>();
}

/// A virtual MFA device. Stored under its serial number.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(super) struct StoredMfaDevice {
    /// `arn:aws:iam::<acct>:mfa<path><name>`.
    pub serial: String,
    /// The user it is enabled for, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
    /// When it was enabled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enable_date: Option<Timestamp>,
    /// Tags.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<iam::Tag>>,
}

impl Resource for StoredMfaDevice {
    const KIND: &'static str = "iam:virtual-mfa-device";
    const GLOBAL: bool = true;
}

/// The devices enabled for user `name` (case-insensitive).
pub(super) fn devices_of(ctx: &Ctx<'_>, name: &str) -> Result<Vec<StoredMfaDevice>, AwsError> {
    Ok(ctx
        .list::<StoredMfaDevice>()?
        .into_iter()
        .map(|(_, d)| d)
        .filter(|d| d.user.as_deref().is_some_and(|u| u.eq_ignore_ascii_case(name)))
        .collect())
}

/// Every stored virtual device.
pub(super) fn all(ctx: &Ctx<'_>) -> Result<Vec<StoredMfaDevice>, AwsError> {
    Ok(ctx.list::<StoredMfaDevice>()?.into_iter().map(|(_, d)| d).collect())
}

fn no_such_device(serial: &str) -> AwsError {
    no_such_entity(format!("VirtualMFADevice with serial number {serial} doesn't exist."))
}

/// A 1×1 PNG: hubsim draws no QR code, but clients that save the image get a valid file.
const PLACEHOLDER_PNG: &[u8] = &[
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52, 0x00, 0x00, 0x00,
    0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4, 0x89, 0x00, 0x00, 0x00, 0x0d, 0x49,
    0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0x60, 0x00, 0x02, 0x00, 0x00, 0x05, 0x00, 0x01, 0xe9, 0xfa, 0xdc, 0xd8, 0x00,
    0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
];

impl Handler for iam::CreateVirtualMFADevice {
    const MUTATES: bool = true;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: iam::CreateVirtualMFADeviceRequest,
    ) -> Result<iam::CreateVirtualMFADeviceResponse, AwsError> {
        check_name("virtualMFADeviceName", &input.virtual_mfa_device_name, 226)?;
        let path = input.path.unwrap_or_else(|| "/".to_string());
        check_path(&path)?;
        let serial = format!("arn:aws:iam::{}:mfa{path}{}", ctx.account(), input.virtual_mfa_device_name);
        let taken_by_root = serial == root_virtual_serial(ctx.account()) && root::load(ctx)?.mfa == MfaKind::Virtual;
        if taken_by_root || ctx.get::<StoredMfaDevice>(&serial)?.is_some() {
            return Err(AwsError::conflict(
                "EntityAlreadyExists",
                "MFADevice entity at the same path and name already exists.",
            ));
        }
        let seed = ctx.ids().upper(64);
        let tags = input.tags.filter(|t| !t.is_empty());
        let device = StoredMfaDevice { serial: serial.clone(), user: None, enable_date: None, tags: tags.clone() };
        ctx.put(&serial, &device)?;
        Ok(iam::CreateVirtualMFADeviceResponse {
            virtual_mfa_device: iam::VirtualMFADevice {
                serial_number: serial,
                base32_string_seed: Some(Blob(seed.into_bytes())),
                qr_code_png: Some(Blob(PLACEHOLDER_PNG.to_vec())),
                tags,
                ..Default::default()
            },
        })
    }
}

impl Handler for iam::EnableMFADevice {
    const MUTATES: bool = true;

    /// Any two six-digit codes are accepted: hubsim does not run TOTP.
    fn handle(ctx: &mut Ctx<'_>, input: iam::EnableMFADeviceRequest) -> Result<Empty, AwsError> {
        let user = users::load(ctx, &input.user_name)?;
        let six_digits = |c: &str| c.len() == 6 && c.bytes().all(|b| b.is_ascii_digit());
        if !six_digits(&input.authentication_code1) || !six_digits(&input.authentication_code2) {
            return Err(AwsError::new(
                "InvalidAuthenticationCode",
                403,
                "Authentication code for device is not valid.",
            ));
        }
        let mut device = ctx.get::<StoredMfaDevice>(&input.serial_number)?.ok_or_else(|| {
            if input.serial_number == root_virtual_serial(ctx.account()) {
                AwsError::conflict("EntityAlreadyExists", "MFA Device is already in use.")
            } else {
                no_such_device(&input.serial_number)
            }
        })?;
        if device.user.is_some() {
            return Err(AwsError::conflict("EntityAlreadyExists", "MFA Device is already in use."));
        }
        device.user = Some(user.user.user_name);
        device.enable_date = Some(ctx.now());
        ctx.put(&input.serial_number, &device)?;
        Ok(Empty {})
    }
}

impl Handler for iam::DeactivateMFADevice {
    const MUTATES: bool = true;

    /// Without a `UserName` the caller (a role) is meant, which has no MFA device.
    fn handle(ctx: &mut Ctx<'_>, input: iam::DeactivateMFADeviceRequest) -> Result<Empty, AwsError> {
        let not_found =
            || no_such_entity(format!("MFA Device with serial number {} does not exist.", input.serial_number));
        let Some(name) = input.user_name.as_deref() else {
            return Err(not_found());
        };
        let user = users::load(ctx, name)?;
        let mut device = ctx.get::<StoredMfaDevice>(&input.serial_number)?.ok_or_else(not_found)?;
        if !device.user.as_deref().is_some_and(|u| u.eq_ignore_ascii_case(&user.user.user_name)) {
            return Err(not_found());
        }
        device.user = None;
        device.enable_date = None;
        ctx.put(&input.serial_number, &device)?;
        Ok(Empty {})
    }
}

impl Handler for iam::DeleteVirtualMFADevice {
    const MUTATES: bool = true;

    fn handle(ctx: &mut Ctx<'_>, input: iam::DeleteVirtualMFADeviceRequest) -> Result<Empty, AwsError> {
        let in_use = || AwsError::conflict("DeleteConflict", "MFA device is in use.");
        if input.serial_number == root_virtual_serial(ctx.account()) && root::load(ctx)?.mfa == MfaKind::Virtual {
            return Err(in_use());
        }
        let device =
            ctx.get::<StoredMfaDevice>(&input.serial_number)?.ok_or_else(|| no_such_device(&input.serial_number))?;
        if device.user.is_some() {
            return Err(in_use());
        }
        ctx.delete::<StoredMfaDevice>(&input.serial_number)?;
        Ok(Empty {})
    }
}

impl Handler for iam::ListVirtualMFADevices {
    const MUTATES: bool = false;

    fn handle(
        ctx: &mut Ctx<'_>,
        input: iam::ListVirtualMFADevicesRequest,
    ) -> Result<iam::ListVirtualMFADevicesResponse, AwsError> {
        let status = input.assignment_status.as_deref().unwrap_or("Any");
        let want = |assigned: bool| match status {
            "Assigned" => assigned,
            "Unassigned" => !assigned,
            _ => true,
        };
        let mut out = Vec::new();
        let root = root::load(ctx)?;
        if root.mfa == MfaKind::Virtual && want(true) {
            let account = ctx.account().to_string();
            out.push(iam::VirtualMFADevice {
                serial_number: root_virtual_serial(&account),
                user: Some(iam::User {
                    // The root user has no path or name of its own; AWS shows its ARN and id.
                    path: "/".into(),
                    user_name: String::new(),
                    user_id: account.clone(),
                    arn: root_arn(&account),
                    create_date: root.created,
                    ..Default::default()
                }),
                enable_date: root.mfa_enabled,
                ..Default::default()
            });
        }
        for device in all(ctx)? {
            if !want(device.user.is_some()) {
                continue;
            }
            let user = match &device.user {
                Some(name) => Some(users::load(ctx, name)?.user),
                None => None,
            };
            out.push(iam::VirtualMFADevice {
                serial_number: device.serial,
                user: user.map(|u| iam::User { permissions_boundary: None, tags: None, ..u }),
                enable_date: device.enable_date,
                tags: device.tags,
                ..Default::default()
            });
        }
        let p = page(out, input.marker.as_deref(), input.max_items)?;
        Ok(iam::ListVirtualMFADevicesResponse {
            virtual_mfa_devices: p.items,
            is_truncated: Some(p.is_truncated),
            marker: p.marker,
        })
    }
}

impl Handler for iam::ListMFADevices {
    const MUTATES: bool = false;

    fn handle(ctx: &mut Ctx<'_>, input: iam::ListMFADevicesRequest) -> Result<iam::ListMFADevicesResponse, AwsError> {
        let devices = match &input.user_name {
            // The caller is a role: roles have no MFA devices.
            None => Vec::new(),
            Some(name) => {
                let user =
                    ctx.get::<super::StoredUser>(&name.to_ascii_lowercase())?.ok_or_else(|| no_such_user(name))?;
                devices_of(ctx, &user.user.user_name)?
                    .into_iter()
                    .map(|d| iam::MFADevice {
                        user_name: user.user.user_name.clone(),
                        serial_number: d.serial,
                        enable_date: d.enable_date.unwrap_or_default(),
                    })
                    .collect()
            }
        };
        let p = page(devices, input.marker.as_deref(), input.max_items)?;
        Ok(iam::ListMFADevicesResponse { mfa_devices: p.items, is_truncated: Some(p.is_truncated), marker: p.marker })
    }
}
