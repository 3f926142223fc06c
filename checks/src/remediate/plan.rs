//! The order fixes run in within a round, derived from their declarations: a topological order
//! over the `after` edges (a fix runs after the fixes it names), computed once.
//!
//! Where the edges leave a choice, the fix that comes first is the one that calls AWS rather
//! than only justifying a finding, then the one with the wider scope (account-wide settings
//! before regional ones before single resources: the resources' fixes then see the settings
//! they depend on), then the lower control id in natural order (`EC2.2` before `EC2.10`).

use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

use super::fixes::{self, How, Scope};

/// The order fixes run in within a round.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    order: Vec<&'static str>,
}

impl Plan {
    /// Every control with a declared fix, in the order their fixes run.
    pub fn order(&self) -> &[&'static str] {
        &self.order
    }

    /// The position of `control`'s fix in the order; controls without a declared fix come
    /// after every declared one.
    pub fn rank(&self, control: &str) -> usize {
        self.order.iter().position(|c| *c == control).unwrap_or(self.order.len())
    }
}

/// Why the declarations give no order.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanError {
    /// The `after` edges form a cycle: each control runs after the next, the last after the
    /// first.
    #[error("the fixes' `after` declarations form a cycle (each runs after the next): {}", cycle(.0))]
    Cycle(Vec<String>),
    /// A fix runs after a control that declares no fix.
    #[error("the fix of {control} runs after {after}, which declares no fix")]
    Unknown {
        /// The declaring control.
        control: String,
        /// The control it names.
        after: String,
    },
    /// Two declarations for one control.
    #[error("the fix of {0} is declared twice")]
    Duplicate(String),
}

fn cycle(ids: &[String]) -> String {
    let mut text = ids.join(" → ");
    if let Some(first) = ids.first() {
        text.push_str(" → ");
        text.push_str(first);
    }
    text
}

/// The fix order, derived from the declarations once. The binary checks it at start-up, and
/// the remediator runs by it.
pub fn plan() -> Result<&'static Plan, PlanError> {
    static PLAN: OnceLock<Result<Plan, PlanError>> = OnceLock::new();
    PLAN.get_or_init(|| {
        let nodes: Vec<Node> = fixes::declared()
            .iter()
            .map(|f| Node {
                id: f.control,
                scope: f.scope,
                justified: matches!(f.how, How::Justified(_)),
                after: f.after,
            })
            .collect();
        derive(&nodes)
    })
    .as_ref()
    .map_err(Clone::clone)
}

/// What the order needs of a declaration.
#[derive(Debug, Clone, Copy)]
struct Node {
    id: &'static str,
    scope: Scope,
    justified: bool,
    after: &'static [&'static str],
}

/// The tie-break among fixes free to run: see the module documentation.
type Priority = (bool, Scope, (String, u32));

fn priority(n: &Node) -> Priority {
    (n.justified, n.scope, crate::status::natural(n.id))
}

/// Kahn's algorithm, taking the free fix of highest priority at each step.
fn derive(nodes: &[Node]) -> Result<Plan, PlanError> {
    let mut index: BTreeMap<&str, usize> = BTreeMap::new();
    for (i, n) in nodes.iter().enumerate() {
        if index.insert(n.id, i).is_some() {
            return Err(PlanError::Duplicate(n.id.to_string()));
        }
    }
    let mut waiting: Vec<usize> = vec![0; nodes.len()];
    let mut dependents: Vec<Vec<usize>> = vec![Vec::new(); nodes.len()];
    for (i, n) in nodes.iter().enumerate() {
        for before in n.after {
            let Some(&b) = index.get(before) else {
                return Err(PlanError::Unknown { control: n.id.to_string(), after: before.to_string() });
            };
            waiting[i] += 1;
            dependents[b].push(i);
        }
    }
    let mut free: BTreeSet<(Priority, usize)> =
        (0..nodes.len()).filter(|&i| waiting[i] == 0).map(|i| (priority(&nodes[i]), i)).collect();
    let mut order = Vec::with_capacity(nodes.len());
    while let Some((_, i)) = free.pop_first() {
        order.push(nodes[i].id);
        for &d in &dependents[i] {
            waiting[d] -= 1;
            if waiting[d] == 0 {
                free.insert((priority(&nodes[d]), d));
            }
        }
    }
    if order.len() < nodes.len() {
        return Err(PlanError::Cycle(find_cycle(nodes, &index, &waiting)));
    }
    Ok(Plan { order })
}

/// A cycle among the fixes Kahn's algorithm could not place (each still waits on another of
/// them): from the first by priority, follow the first unplaced control each names until one
/// repeats.
fn find_cycle(nodes: &[Node], index: &BTreeMap<&str, usize>, waiting: &[usize]) -> Vec<String> {
    let stuck = |i: usize| waiting[i] > 0;
    let Some(mut at) = (0..nodes.len()).filter(|&i| stuck(i)).min_by_key(|&i| priority(&nodes[i])) else {
        return Vec::new();
    };
    let mut path: Vec<usize> = Vec::new();
    loop {
        if let Some(start) = path.iter().position(|&p| p == at) {
            return path[start..].iter().map(|&p| nodes[p].id.to_string()).collect();
        }
        path.push(at);
        let next = nodes[at].after.iter().filter_map(|a| index.get(a).copied()).find(|&b| stuck(b));
        match next {
            Some(b) => at = b,
            None => return path.iter().map(|&p| nodes[p].id.to_string()).collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(id: &'static str, scope: Scope, after: &'static [&'static str]) -> Node {
        Node { id, scope, justified: false, after }
    }

    fn order(nodes: &[Node]) -> Vec<&'static str> {
        derive(nodes).map(|p| p.order).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn edges_come_first_then_scope_then_natural_id() {
        let nodes = [
            node("B.10", Scope::Resource, &[]),
            node("B.2", Scope::Resource, &[]),
            node("A.1", Scope::Resource, &["C.1"]),
            node("C.1", Scope::Resource, &[]),
            node("Z.1", Scope::Account, &[]),
            node("Y.1", Scope::Region, &[]),
        ];
        assert_eq!(order(&nodes), ["Z.1", "Y.1", "B.2", "B.10", "C.1", "A.1"]);
    }

    #[test]
    fn ties_do_not_depend_on_declaration_order() {
        let mut nodes = vec![
            node("S3.9", Scope::Resource, &[]),
            node("S3.11", Scope::Resource, &["S3.9"]),
            node("EC2.7", Scope::Region, &[]),
            node("IAM.7", Scope::Account, &[]),
            Node { id: "IAM.6", scope: Scope::Resource, justified: true, after: &[] },
            node("S3.4", Scope::Resource, &[]),
        ];
        let want = ["IAM.7", "EC2.7", "S3.4", "S3.9", "S3.11", "IAM.6"];
        assert_eq!(order(&nodes), want);
        nodes.reverse();
        assert_eq!(order(&nodes), want);
        nodes.rotate_left(2);
        assert_eq!(order(&nodes), want);
    }

    #[test]
    fn a_prerequisite_with_a_narrower_scope_still_runs_first() {
        let nodes = [node("S3.1", Scope::Account, &["S3.5"]), node("S3.5", Scope::Resource, &[])];
        assert_eq!(order(&nodes), ["S3.5", "S3.1"]);
    }

    #[test]
    fn a_cycle_is_reported_with_its_controls() {
        let nodes = [
            node("A.1", Scope::Resource, &[]),
            node("B.1", Scope::Resource, &["D.1"]),
            node("C.1", Scope::Resource, &["B.1", "A.1"]),
            node("D.1", Scope::Resource, &["C.1"]),
            node("E.1", Scope::Resource, &["D.1"]),
        ];
        let err = derive(&nodes).unwrap_err();
        assert_eq!(err, PlanError::Cycle(vec!["B.1".into(), "D.1".into(), "C.1".into()]));
        let text = err.to_string();
        assert!(text.contains("B.1 → D.1 → C.1 → B.1"), "{text}");
        assert!(!text.contains("E.1") && !text.contains("A.1"), "{text}");
    }

    #[test]
    fn a_fix_after_itself_is_a_cycle() {
        let nodes = [node("A.1", Scope::Resource, &["A.1"])];
        assert_eq!(derive(&nodes).unwrap_err(), PlanError::Cycle(vec!["A.1".into()]));
    }

    #[test]
    fn an_unknown_control_is_reported_by_name() {
        let nodes = [node("A.1", Scope::Resource, &[]), node("B.1", Scope::Resource, &["A.1", "Nope.7"])];
        let err = derive(&nodes).unwrap_err();
        assert_eq!(err, PlanError::Unknown { control: "B.1".into(), after: "Nope.7".into() });
        assert!(err.to_string().contains("Nope.7"));
    }

    #[test]
    fn a_control_declared_twice_is_reported() {
        let nodes = [node("A.1", Scope::Resource, &[]), node("A.1", Scope::Account, &[])];
        assert_eq!(derive(&nodes).unwrap_err(), PlanError::Duplicate("A.1".into()));
    }

    /// The order the remediator has always run in; transcripts (and the resources' seeded ids)
    /// depend on it. A fix declared since may run wherever its `after` puts it (its calls show in
    /// the reviewed transcript snapshots), but the established fixes keep their order among
    /// themselves.
    const ESTABLISHED: &[&str] = &[
        "S3.5",
        "IAM.7",
        "S3.1",
        "EC2.7",
        "EC2.15",
        "EC2.2",
        "EC2.21",
        "GuardDuty.1",
        "CloudTrail.1",
        "CloudTrail.2",
        "CloudTrail.4",
        "CloudTrail.5",
        "Config.1",
        "EC2.6",
        "EC2.10",
        "S3.4",
        "S3.8",
        "S3.13",
        "S3.9",
        "S3.11",
        "SNS.1",
        "SNS.2",
        "IAM.6",
    ];

    #[test]
    fn the_established_fixes_keep_their_order() {
        let plan = plan().unwrap_or_else(|e| panic!("{e}"));
        let established: Vec<&str> = plan.order().iter().copied().filter(|c| ESTABLISHED.contains(c)).collect();
        assert_eq!(established, ESTABLISHED, "the whole order: {:?}", plan.order());
        assert_eq!(plan.order().len(), fixes::declared().len());
        assert_eq!(plan.rank("S3.5"), 0);
        assert_eq!(plan.rank("Nope.1"), plan.order().len());
    }
}
