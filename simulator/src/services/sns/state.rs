//! The stored forms of topics and subscriptions.

use std::collections::BTreeMap;

use hubsim_model::sns;
use serde::{Deserialize, Serialize};

use crate::store::Resource;

/// One topic (id: its name, in its region).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Topic {
    /// Topic name.
    pub name: String,
    /// Topic ARN.
    pub arn: String,
    /// The attributes that are set (`Policy` always; `DisplayName`, `KmsMasterKeyId`,
    /// delivery-status roles, `FifoTopic`, ... as set).
    #[serde(default)]
    pub attributes: BTreeMap<String, String>,
    /// Tags, in the order they were added.
    #[serde(default)]
    pub tags: Vec<sns::Tag>,
}

impl Topic {
    /// Whether the topic is a FIFO topic.
    pub fn is_fifo(&self) -> bool {
        self.attributes.get("FifoTopic").is_some_and(|v| v == "true")
    }
}

impl Resource for Topic {
    const KIND: &'static str = "sns:topic";
    const GLOBAL: bool = false;
}

/// One subscription (id: its ARN, in the topic's region).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Subscription {
    /// The subscription's ARN (`<topic-arn>:<uuid>`), also for pending ones.
    pub arn: String,
    /// The topic's ARN.
    pub topic_arn: String,
    /// Delivery protocol.
    pub protocol: String,
    /// Endpoint.
    pub endpoint: String,
    /// Owning account.
    pub owner: String,
    /// Whether the subscription waits for a confirmation (email, HTTP/S).
    pub pending: bool,
    /// Subscription attributes given to Subscribe.
    #[serde(default)]
    pub attributes: BTreeMap<String, String>,
    /// When Subscribe created it (milliseconds since the epoch): a confirmation token is
    /// valid for two days from then. `None` for subscriptions stored before hubsim kept it
    /// (their token never expires).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created: Option<hubsim_model::Timestamp>,
}

impl Resource for Subscription {
    const KIND: &'static str = "sns:subscription";
    const GLOBAL: bool = false;
}
