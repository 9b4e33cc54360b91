//! The SQS API actions a simulation counts (requests are what SQS bills) and throttles.

/// An SQS API action.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Action {
    /// `SendMessage` (a batch counts once).
    SendMessage,
    /// `ReceiveMessage` (a long poll counts once, however long it waits).
    ReceiveMessage,
    /// `DeleteMessage`.
    DeleteMessage,
    /// `ChangeMessageVisibility`.
    ChangeMessageVisibility,
}

impl Action {
    /// Every action, in a fixed order.
    pub const ALL: [Action; 4] =
        [Action::SendMessage, Action::ReceiveMessage, Action::DeleteMessage, Action::ChangeMessageVisibility];

    /// The action's name in the API.
    pub fn name(self) -> &'static str {
        match self {
            Action::SendMessage => "SendMessage",
            Action::ReceiveMessage => "ReceiveMessage",
            Action::DeleteMessage => "DeleteMessage",
            Action::ChangeMessageVisibility => "ChangeMessageVisibility",
        }
    }
}

/// Requests made, per action.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ApiCalls([u64; Action::ALL.len()]);

impl ApiCalls {
    /// Counts one request.
    pub fn count(&mut self, action: Action) {
        self.0[action as usize] += 1;
    }
    /// Requests of one action.
    pub fn get(&self, action: Action) -> u64 {
        self.0[action as usize]
    }
    /// Every request.
    pub fn total(&self) -> u64 {
        self.0.iter().sum()
    }
    /// `(name, count)` of each action used at least once, in [`Action::ALL`] order.
    pub fn iter(&self) -> impl Iterator<Item = (&'static str, u64)> + '_ {
        Action::ALL.into_iter().map(|a| (a.name(), self.get(a))).filter(|(_, n)| *n > 0)
    }
}
