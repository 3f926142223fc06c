//! The context an operation runs in: which account and region, the open transaction, the
//! scenario clock and the id generator. Handlers reach the store only through it.

use hubsim_model::Timestamp;

use crate::catalog::ControlCatalog;
use crate::error::AwsError;
use crate::ids::IdGen;
use crate::settings::{Era, RunState, Settings};
use crate::store::{self, Db, Resource, View};

/// One operation's view of the world.
pub struct Ctx<'a> {
    pub(crate) db: Db<'a>,
    pub(crate) settings: &'a Settings,
    pub(crate) run: &'a mut RunState,
    region: String,
    catalog: Option<&'a dyn ControlCatalog>,
    /// Whether the call wants [`Ctx::set_observed_only`]'s answer (a derived call).
    wants_changed_items: bool,
    /// The journal text of the items of the input's list that changed more than observation
    /// times (see [`Ctx::set_observed_only`]); `None`: the call did not say, all count.
    changed_items: Option<(&'static str, Vec<String>)>,
}

impl<'a> Ctx<'a> {
    pub(crate) fn new(
        db: Db<'a>,
        settings: &'a Settings,
        run: &'a mut RunState,
        region: &str,
        catalog: Option<&'a dyn ControlCatalog>,
    ) -> Self {
        Ctx { db, settings, run, region: region.to_string(), catalog, wants_changed_items: false, changed_items: None }
    }

    /// Whether the call wants to know which items changed ([`Ctx::set_observed_only`]): a
    /// handler that says so builds their journal text only then.
    pub(crate) fn wants_changed_items(&self) -> bool {
        self.wants_changed_items
    }

    /// Asks the handler which items changed (see [`Ctx::set_observed_only`]).
    pub(crate) fn want_changed_items(&mut self) {
        self.wants_changed_items = true;
    }

    /// Says which items of the input's list member `member` changed more than the times at
    /// which they were observed (a re-import of findings as they were has only `UpdatedAt`,
    /// `LastObservedAt` and `ProcessedAt` new), as the JSON text the journal keeps of each (an
    /// item that replays to the same state). A derived call (`AwsApi::call_derived`) is
    /// journaled with those items alone, and not at all if there are none: replaying the others
    /// would rebuild nothing.
    pub(crate) fn set_observed_only(&mut self, member: &'static str, changed: Vec<String>) {
        self.changed_items = Some((member, changed));
    }

    /// What [`Ctx::set_observed_only`] said, if anything.
    pub(crate) fn changed_items(&mut self) -> Option<(&'static str, Vec<String>)> {
        self.changed_items.take()
    }

    /// The control catalogue the simulator was given, if any (see [`crate::catalog`]).
    pub fn catalog(&self) -> Option<&'a dyn ControlCatalog> {
        self.catalog
    }

    /// The account the call is made in.
    pub fn account(&self) -> &str {
        &self.settings.account.id
    }

    /// The region the call was signed for.
    pub fn region(&self) -> &str {
        &self.region
    }

    /// Moves the call to `region` (AWS Config's recording visits each region with rules after a
    /// call).
    pub(crate) fn set_region(&mut self, region: &str) {
        region.clone_into(&mut self.region);
    }

    /// The kinds of the resources written or deleted since the innermost savepoint opened
    /// (during a mutating call: what the call changed so far).
    pub(crate) fn changed_kinds(&self) -> Vec<String> {
        self.db.docs.changed_kinds()
    }

    /// The state's era.
    pub fn era(&self) -> Era {
        self.settings.era
    }

    /// The state's settings.
    pub fn settings(&self) -> &Settings {
        self.settings
    }

    /// Whether `region` is enabled for the account.
    pub fn region_enabled(&self, region: &str) -> bool {
        self.settings.account.regions.iter().any(|r| r == region)
    }

    /// The scenario clock.
    pub fn now(&self) -> Timestamp {
        Timestamp(self.run.clock_ms)
    }

    /// Moves the scenario clock forward.
    pub fn advance_clock(&mut self, ms: i64) {
        self.run.clock_ms = self.run.clock_ms.saturating_add(ms.max(0));
    }

    /// The id generator (deterministic; see [`crate::ids`]).
    pub fn ids(&mut self) -> IdGenHandle<'_> {
        IdGenHandle { run: self.run }
    }

    /// Reads a resource in the call's region (or the global one for global kinds).
    pub fn get<R: Resource>(&self, id: &str) -> Result<Option<R>, AwsError> {
        Ok(store::get(self.db, self.account(), &self.region, id)?)
    }

    /// What `pick` makes of a resource in the call's region (or the global one for global
    /// kinds), read in place: nothing is copied but what `pick` takes.
    pub fn get_with<R: Resource, T>(&self, id: &str, pick: impl FnOnce(&R) -> T) -> Result<Option<T>, AwsError> {
        Ok(store::get_with(self.db, self.account(), &self.region, id, pick)?)
    }

    /// Reads part of a resource in the call's region (or the global one for global kinds):
    /// only the fields view `V` names are built (see [`store::View`]).
    pub fn get_view<V: View>(&self, id: &str) -> Result<Option<V>, AwsError> {
        Ok(store::get_view(self.db, self.account(), &self.region, id)?)
    }

    /// Reads a resource in `region`.
    pub fn get_in<R: Resource>(&self, region: &str, id: &str) -> Result<Option<R>, AwsError> {
        Ok(store::get(self.db, self.account(), region, id)?)
    }

    /// Writes a resource in the call's region (or globally for global kinds).
    pub fn put<R: Resource>(&mut self, id: &str, doc: &R) -> Result<(), AwsError> {
        let region = self.region.clone();
        self.put_in(&region, id, doc)
    }

    /// Writes a resource in `region`.
    pub fn put_in<R: Resource>(&mut self, region: &str, id: &str, doc: &R) -> Result<(), AwsError> {
        self.run.created += 1;
        Ok(store::put(self.db, &self.settings.account.id, region, id, self.run.created, doc.clone())?)
    }

    /// Writes a resource in the call's region (or globally for global kinds), keeping `doc` as
    /// the connection's parsed copy instead of a clone of it.
    pub fn put_owned<R: Resource>(&mut self, id: &str, doc: R) -> Result<(), AwsError> {
        self.run.created += 1;
        Ok(store::put(self.db, &self.settings.account.id, &self.region, id, self.run.created, doc)?)
    }

    /// Writes `doc`, resource `id` in the call's region with only its observation fields new,
    /// as those fields alone (see [`store::observe`]).
    pub fn observe<R: Resource>(&mut self, id: &str, doc: R) -> Result<(), AwsError> {
        Ok(store::observe(self.db, &self.settings.account.id, &self.region, id, doc)?)
    }

    /// Deletes a resource in the call's region; whether it existed.
    pub fn delete<R: Resource>(&mut self, id: &str) -> Result<bool, AwsError> {
        Ok(store::delete::<R>(self.db, &self.settings.account.id, &self.region, id)?)
    }

    /// Deletes a resource in `region`; whether it existed.
    pub fn delete_in<R: Resource>(&mut self, region: &str, id: &str) -> Result<bool, AwsError> {
        Ok(store::delete::<R>(self.db, &self.settings.account.id, region, id)?)
    }

    /// Every resource of a kind in the call's region, in creation order.
    pub fn list<R: Resource>(&self) -> Result<Vec<(String, R)>, AwsError> {
        Ok(store::list(self.db, self.account(), &self.region)?)
    }

    /// Part of every resource of a kind in the call's region, in creation order (see
    /// [`store::View`]).
    pub fn list_view<V: View>(&self) -> Result<Vec<(String, V)>, AwsError> {
        Ok(store::list_view(self.db, self.account(), &self.region)?)
    }

    /// Visits the resources of a kind in the call's region created after position `after`, in
    /// creation order, with their positions, until `visit` returns `false`.
    pub fn scan_after<R: Resource>(&self, after: i64, visit: impl FnMut(i64, &R) -> bool) -> Result<(), AwsError> {
        Ok(store::scan_after(self.db, self.account(), &self.region, after, visit)?)
    }

    /// Every resource of a kind in every region: `(region, id, doc)`.
    pub fn list_all<R: Resource>(&self) -> Result<Vec<(String, String, R)>, AwsError> {
        Ok(store::list_all(self.db, self.account())?)
    }
}

/// Draws ids and moves the persisted counter with them.
pub struct IdGenHandle<'a> {
    run: &'a mut RunState,
}

impl IdGenHandle<'_> {
    fn with<T>(&mut self, f: impl FnOnce(&mut IdGen) -> T) -> T {
        let mut g = IdGen { seed: self.run.seed, counter: self.run.ids_drawn };
        let out = f(&mut g);
        self.run.ids_drawn = g.counter;
        out
    }

    /// `prefix-0` and 16 hex digits (`vpc-`, `sg-`, `acl-`, ...).
    pub fn ec2(&mut self, prefix: &str) -> String {
        self.with(|g| g.ec2(prefix))
    }

    /// A UUID-shaped id.
    pub fn uuid(&mut self) -> String {
        self.with(|g| g.uuid())
    }

    /// `n` hex digits.
    pub fn hex(&mut self, n: usize) -> String {
        self.with(|g| g.hex(n))
    }

    /// `n` upper-case alphanumerics.
    pub fn upper(&mut self, n: usize) -> String {
        self.with(|g| g.upper(n))
    }
}
