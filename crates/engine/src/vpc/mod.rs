//! VPC peering: VPCs with their CIDR blocks, subnets, instances and internet gateways; peering
//! connections with AWS's lifecycle and permissions; route tables with longest-prefix match;
//! security groups; and a packet tracer that follows a packet hop by hop and, when it cannot
//! arrive, names the first hop that stops it and why.
//!
//! Unlike the queue and stream models there is no traffic to schedule: the network is a state
//! machine driven by API operations ([`Op`], the replayable log a link or a file carries), and
//! the tracer is a pure function of that state. Time matters only for the lifecycle timers
//! (a request expires after 7 days pending), so [`Network`] keeps its own integer clock.
//!
//! Layout: `cidr` (parsing and AWS's block rules), `peering` (the connection and its states),
//! `route_table`, `security_group`, `network` (the API: create, accept, route…), `tracer`,
//! `op` (the operation log and its text form, with the mesh and hub builders), `scenario`.

mod cidr;
mod network;
mod op;
mod peering;
mod route_table;
mod scenario;
mod security_group;
mod tracer;

#[cfg(test)]
mod tests;

pub use cidr::{parse_cidr, parse_ip, Cidr};
pub use network::{Caller, Instance, Network, Subnet, Vpc, VpcIdx, DEFAULT_ACCOUNT, DEFAULT_REGION};
pub use op::{hub_and_spoke, mesh_counts, Op};
pub use peering::{Peering, PeeringState, PeeringView, ACTIVE_PEERINGS_PER_VPC, PENDING_EXPIRY};
pub use route_table::{Route, RouteState, Target};
pub use scenario::{resolve_packet, vpcs_created, PacketSpec, VpcScenario, MAX_OPS, MAX_SCENARIO_VPCS};
pub use security_group::{PortRange, Protocol, Rule, SecurityGroup, Source};
pub use tracer::{BlockCode, Explanation, Hop, Packet, PacketTrace, Verdict};

use std::fmt;

/// An API error as EC2 returns it: the error code and its message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VpcError {
    /// EC2's error code, e.g. `InvalidStateTransition`.
    pub code: &'static str,
    /// The message, naming the value and what is allowed.
    pub message: String,
}

impl VpcError {
    pub(crate) fn new(code: &'static str, message: impl Into<String>) -> Self {
        VpcError { code, message: message.into() }
    }
}

impl fmt::Display for VpcError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl std::error::Error for VpcError {}
