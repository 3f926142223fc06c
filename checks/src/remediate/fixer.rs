//! The remediator's hands: every AWS call it makes goes through [`Fixer::call`], which records
//! it in the transcript (with the control it serves and AWS's answer), or [`Fixer::read`], which
//! records it apart from the transcript (a read is not a remediation step, but a remediation
//! role needs its IAM action all the same).

use hubsim_api::model::Operation;
use hubsim_api::{AwsApi, AwsError, Era};
use serde::Serialize;
use serde_json::Value;

use super::Failed;

/// One transcript line: an API call the remediator made, or a suppression.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Step {
    /// Evaluation round (1-based).
    pub round: usize,
    /// The control being fixed (or `-` for shared setup).
    pub control: String,
    /// Region of the call.
    pub region: String,
    /// `service:Operation`, or `suppress`.
    pub action: String,
    /// The key inputs, compact (long values cut): the line a person reads.
    pub detail: String,
    /// The call's whole input as JSON (botocore member names); `None` for a suppression.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub input: Option<Value>,
    /// `ok`, or `refused: Code: message`.
    pub result: String,
    /// Why, when the step removes something or is otherwise notable.
    pub note: Option<String>,
}

impl Step {
    /// One readable line.
    pub fn line(&self) -> String {
        let note = self.note.as_ref().map(|n| format!(" — {n}")).unwrap_or_default();
        format!(
            "[round {}] {:<12} {:<15} {} {} → {}{note}",
            self.round, self.control, self.region, self.action, self.detail, self.result
        )
    }
}

/// A read the remediator made to decide what to call: kept out of the transcript (it changes
/// nothing), recorded so that the IAM actions a fix needs can be checked for its reads too.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Read {
    /// Evaluation round (1-based).
    pub round: usize,
    /// The control being fixed.
    pub control: String,
    /// Region of the call.
    pub region: String,
    /// `service:Operation`.
    pub action: String,
}

/// The calling context of a remediation.
pub struct Fixer<'a, A: AwsApi> {
    /// The account API.
    pub api: &'a A,
    /// Account id.
    pub account: String,
    /// Home region (global calls, the CloudTrail trail).
    pub home: String,
    /// Era.
    pub era: Era,
    /// Round number.
    pub round: usize,
    /// What was done.
    pub transcript: Vec<Step>,
    /// What was read (not in the transcript).
    pub reads: Vec<Read>,
    /// Calls AWS refused: (control, region, resource, call, error).
    pub refused: Vec<Refusal>,
    control: String,
}

/// A call AWS refused during remediation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Refusal {
    /// The control being fixed.
    pub control: String,
    /// Region.
    pub region: String,
    /// The finding's resource.
    pub resource: String,
    /// `service:Operation`.
    pub call: String,
    /// `Code: message`.
    pub error: String,
}

/// The transcript's one-line form of a call's input: `Member=value` pairs, long values cut.
fn compact(v: &Value) -> String {
    let mut out = String::new();
    let Value::Object(map) = v else { return out };
    for (k, val) in map {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(k);
        out.push('=');
        match val {
            Value::String(s) => push_cut(&mut out, s, 60, 57),
            other => push_cut(&mut out, &other.to_string(), 80, 77),
        }
    }
    out
}

/// Appends `text`, or its first `keep` characters and an ellipsis when it is longer than `max`
/// bytes.
fn push_cut(out: &mut String, text: &str, max: usize, keep: usize) {
    if text.len() > max {
        out.push_str(&text[..text.char_indices().nth(keep).map(|(i, _)| i).unwrap_or(text.len())]);
        out.push('…');
    } else {
        out.push_str(text);
    }
}

impl<'a, A: AwsApi> Fixer<'a, A> {
    /// A fixer for one remediation run.
    pub fn new(api: &'a A, account: &str, home: &str, era: Era) -> Self {
        Fixer {
            api,
            account: account.to_string(),
            home: home.to_string(),
            era,
            round: 1,
            transcript: Vec::new(),
            reads: Vec::new(),
            refused: Vec::new(),
            control: "-".into(),
        }
    }

    /// Sets the control the next calls serve.
    pub fn serving(&mut self, control: &str) {
        self.control = control.to_string();
    }

    /// Reads, recording the read in [`Fixer::reads`], not in the transcript (reads are not
    /// remediation steps).
    pub fn read<O: Operation>(&mut self, region: &str, input: O::Input) -> Result<O::Output, AwsError> {
        self.reads.push(Read {
            round: self.round,
            control: self.control.clone(),
            region: region.to_string(),
            action: format!("{}:{}", O::SERVICE, O::NAME),
        });
        self.api.call::<O>(region, input)
    }

    /// Calls a mutating operation and records it.
    pub fn call<O: Operation>(&mut self, region: &str, input: O::Input) -> Result<O::Output, Failed> {
        self.call_noted::<O>(region, input, None)
    }

    /// Calls a mutating operation with a note for the reader (why something is removed).
    pub fn call_noted<O: Operation>(
        &mut self,
        region: &str,
        input: O::Input,
        note: Option<String>,
    ) -> Result<O::Output, Failed> {
        let whole = serde_json::to_value(&input).ok();
        let detail = whole.as_ref().map(compact).unwrap_or_default();
        let result = self.api.call::<O>(region, input);
        self.transcript.push(Step {
            round: self.round,
            control: self.control.clone(),
            region: region.to_string(),
            action: format!("{}:{}", O::SERVICE, O::NAME),
            detail,
            input: whole,
            result: match &result {
                Ok(_) => "ok".into(),
                Err(e) => format!("refused: {}: {}", e.code, e.message),
            },
            note,
        });
        result.map_err(|error| Failed { call: format!("{}:{}", O::SERVICE, O::NAME), error })
    }

    /// Records a refusal of a fix for `resource`.
    pub fn refuse(&mut self, region: &str, resource: &str, call: &str, e: &AwsError) {
        self.refused.push(Refusal {
            control: self.control.clone(),
            region: region.to_string(),
            resource: resource.to_string(),
            call: call.to_string(),
            error: format!("{}: {}", e.code, e.message),
        });
    }

    /// Records a suppression in the transcript.
    pub fn note_suppression(&mut self, control: &str, region: &str, resource: &str, reason: &str) {
        self.transcript.push(Step {
            round: self.round,
            control: control.to_string(),
            region: region.to_string(),
            action: "suppress".into(),
            detail: resource.to_string(),
            input: None,
            result: "ok".into(),
            note: Some(reason.to_string()),
        });
    }
}
