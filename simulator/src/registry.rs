//! Which operations hubsim implements, and how to call one by name with JSON (scenario steps,
//! the wire protocols) or by type (the in-process API).

use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::sync::OnceLock;

use hubsim_model::Operation;
use serde_json::Value;

use crate::ctx::Ctx;
use crate::error::AwsError;

/// An operation that hubsim implements.
pub trait Handler: Operation {
    /// Whether the operation changes state (runs in a write transaction and is journaled).
    const MUTATES: bool;

    /// Whether the handler says which items of its input's list changed more than observation
    /// times, with their journal text ([`Ctx::set_observed_only`]): a derived call of such an
    /// operation (`AwsApi::call_derived`) is then journaled with those items alone and its
    /// whole input is never written out as text (an evaluation's re-import of ~1,500
    /// unchanged findings was serialized to ~5 MB of JSON only to be dropped).
    const JOURNALS_CHANGED_ITEMS: bool = false;

    /// Runs the operation. Validation of the input against the model has already happened for
    /// calls that arrive as JSON; handlers check what AWS checks beyond the model.
    fn handle(ctx: &mut Ctx<'_>, input: Self::Input) -> Result<Self::Output, AwsError>;
}

pub(crate) type TypedFn<O> = fn(&mut Ctx<'_>, <O as Operation>::Input) -> Result<<O as Operation>::Output, AwsError>;
type JsonFn = fn(&mut Ctx<'_>, Value) -> Result<Value, AwsError>;

/// One registered operation.
pub struct Entry {
    /// botocore service name.
    pub service: &'static str,
    /// Operation name.
    pub name: &'static str,
    /// Whether it changes state.
    pub mutates: bool,
    /// [`Handler::JOURNALS_CHANGED_ITEMS`].
    pub(crate) journals_changed_items: bool,
    type_id: TypeId,
    typed: Box<dyn Any + Send + Sync>,
    json: JsonFn,
}

impl Entry {
    /// Runs the operation on a JSON input (already validated against the model).
    pub fn call_json(&self, ctx: &mut Ctx<'_>, input: Value) -> Result<Value, AwsError> {
        (self.json)(ctx, input)
    }

    /// The typed handler, when `O` is this entry's operation.
    pub(crate) fn typed<O: Operation>(&self) -> Option<TypedFn<O>> {
        if self.type_id != TypeId::of::<O>() {
            return None;
        }
        self.typed.downcast_ref::<TypedFn<O>>().copied()
    }
}

fn json_adapter<H: Handler>(ctx: &mut Ctx<'_>, input: Value) -> Result<Value, AwsError> {
    crate::call_region::check(ctx.settings(), H::SERVICE, H::NAME, ctx.region())?;
    let input: H::Input = serde_json::from_value(input)
        .map_err(|e| AwsError::bad_request("ValidationError", format!("{}: {e}", H::NAME)))?;
    let output = H::handle(ctx, input)?;
    Ok(serde_json::to_value(output)?)
}

/// Runs `H` in a region the account can be reached in (see [`crate::call_region`]), by type.
fn typed_adapter<H: Handler>(ctx: &mut Ctx<'_>, input: H::Input) -> Result<H::Output, AwsError> {
    crate::call_region::check(ctx.settings(), H::SERVICE, H::NAME, ctx.region())?;
    H::handle(ctx, input)
}

/// Collects the entries of one service module.
#[derive(Default)]
pub struct Registrar {
    entries: Vec<Entry>,
}

impl Registrar {
    /// Registers `H`.
    pub fn add<H: Handler>(&mut self) -> &mut Self {
        let typed: TypedFn<H> = typed_adapter::<H>;
        self.entries.push(Entry {
            service: H::SERVICE,
            name: H::NAME,
            mutates: H::MUTATES,
            journals_changed_items: H::JOURNALS_CHANGED_ITEMS,
            type_id: TypeId::of::<H>(),
            typed: Box::new(typed),
            json: json_adapter::<H>,
        });
        self
    }
}

/// All registered operations.
pub struct Registry {
    by_name: HashMap<(&'static str, &'static str), usize>,
    by_type: HashMap<TypeId, usize>,
    entries: Vec<Entry>,
}

impl Registry {
    /// The operation `service:name`, if hubsim implements it.
    pub fn get(&self, service: &str, name: &str) -> Option<&Entry> {
        self.by_name.get(&(service, name)).map(|&i| &self.entries[i])
    }

    /// The entry of operation type `O`.
    pub fn get_typed<O: Operation>(&self) -> Option<&Entry> {
        self.by_type.get(&TypeId::of::<O>()).map(|&i| &self.entries[i])
    }

    /// Every implemented operation, by service then name.
    pub fn entries(&self) -> impl Iterator<Item = &Entry> {
        self.entries.iter()
    }
}

/// The registry of every implemented operation, built once.
pub fn registry() -> &'static Registry {
    static REGISTRY: OnceLock<Registry> = OnceLock::new();
    REGISTRY.get_or_init(|| {
        let mut r = Registrar::default();
        crate::services::register_all(&mut r);
        let mut entries = r.entries;
        entries.sort_by(|a, b| (a.service, a.name).cmp(&(b.service, b.name)));
        let mut by_name = HashMap::new();
        let mut by_type = HashMap::new();
        for (i, e) in entries.iter().enumerate() {
            by_name.insert((e.service, e.name), i);
            by_type.insert(e.type_id, i);
        }
        Registry { by_name, by_type, entries }
    })
}
