//! A peering connection and its lifecycle (VPC-07, VPC-08, VPC-09).

use crate::{SimDuration, SimTime};

use super::network::VpcIdx;

/// A request still pending after this long expires (VPC-08: 7 days, not adjustable).
pub const PENDING_EXPIRY: SimDuration = SimDuration::from_secs(7 * 24 * 3_600);
/// Active peering connections one VPC may have (VPC-12: 50 by default, adjustable to 125).
pub const ACTIVE_PEERINGS_PER_VPC: usize = 50;

const HOUR: u64 = 3_600;
const DAY: u64 = 24 * HOUR;

/// The state codes of EC2's `VpcPeeringConnectionStateReasonCode` (VPC-07).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PeeringState {
    /// The request is being made (what `CreateVpcPeeringConnection` answers).
    InitiatingRequest,
    /// Waiting for the accepter's owner.
    PendingAcceptance,
    /// Accepted; traffic may flow where routes and security groups allow.
    Active,
    /// The accepter's owner said no.
    Rejected,
    /// Nobody accepted within 7 days.
    Expired,
    /// The request could not be made: the VPCs' CIDR blocks overlap (VPC-05).
    Failed,
    /// One owner deleted it.
    Deleted,
}

impl PeeringState {
    /// EC2's code, e.g. `pending-acceptance`.
    pub fn code(self) -> &'static str {
        match self {
            PeeringState::InitiatingRequest => "initiating-request",
            PeeringState::PendingAcceptance => "pending-acceptance",
            PeeringState::Active => "active",
            PeeringState::Rejected => "rejected",
            PeeringState::Expired => "expired",
            PeeringState::Failed => "failed",
            PeeringState::Deleted => "deleted",
        }
    }

    /// `true` while the connection still counts as a link between its VPCs (one per pair).
    pub fn is_live(self) -> bool {
        matches!(self, PeeringState::InitiatingRequest | PeeringState::PendingAcceptance | PeeringState::Active)
    }
}

/// One peering connection between a requester VPC and an accepter VPC.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Peering {
    /// `pcx-ab`: readable and derived from the VPCs' names, so links and texts stay stable.
    pub id: String,
    /// The VPC that asked.
    pub requester: VpcIdx,
    /// The VPC that must accept.
    pub accepter: VpcIdx,
    /// Where it is in its lifecycle.
    pub state: PeeringState,
    /// The state's message, as `DescribeVpcPeeringConnections` shows it.
    pub message: String,
    /// When it was requested.
    pub created: SimTime,
    /// When it entered its current state.
    pub since: SimTime,
    /// Whether each side resolves the other's private DNS names (`AllowDnsResolutionFromRemoteVpc`):
    /// requester's option, accepter's option.
    pub dns_resolution: (bool, bool),
    /// Which side deleted it (`true`: the requester), for who still sees it.
    pub deleted_by_requester: bool,
}

impl Peering {
    /// The other end of the connection from `vpc`, if `vpc` is one of its ends.
    pub fn other(&self, vpc: VpcIdx) -> Option<VpcIdx> {
        if vpc == self.requester {
            Some(self.accepter)
        } else if vpc == self.accepter {
            Some(self.requester)
        } else {
            None
        }
    }

    /// `true` when this connection joins `a` and `b` (either way round).
    pub fn joins(&self, a: VpcIdx, b: VpcIdx) -> bool {
        (self.requester == a && self.accepter == b) || (self.requester == b && self.accepter == a)
    }

    /// When a pending request expires.
    pub fn expires_at(&self) -> SimTime {
        self.created + PENDING_EXPIRY
    }

    /// How long an ended connection stays visible to the requester's and the accepter's owner
    /// (VPC-08); `None` while it has not ended. Same-account connections use the shorter time.
    pub fn visibility(&self, same_account: bool) -> Option<(SimDuration, SimDuration)> {
        let (h2, d2) = (SimDuration::from_secs(2 * HOUR), SimDuration::from_secs(2 * DAY));
        let short = |long: SimDuration| if same_account { h2 } else { long };
        match self.state {
            // Only the requester sees a failed request, for 2 hours.
            PeeringState::Failed => Some((h2, SimDuration::ZERO)),
            PeeringState::Expired => Some((d2, d2)),
            PeeringState::Rejected => Some((short(d2), h2)),
            PeeringState::Deleted if self.deleted_by_requester => Some((h2, short(d2))),
            PeeringState::Deleted => Some((short(d2), h2)),
            _ => None,
        }
    }
}

/// What `DescribeVpcPeeringConnections` shows of a connection to one caller.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PeeringView {
    /// `pcx-…`.
    pub id: String,
    /// `Status.Code`.
    pub status_code: &'static str,
    /// `Status.Message`.
    pub status_message: String,
    /// `RequesterVpcInfo`: CIDR block, all blocks, owner, Region.
    pub requester: VpcInfo,
    /// `AccepterVpcInfo`: its CIDR blocks and options are filled only once the owner accepted.
    pub accepter: VpcInfo,
    /// `ExpirationTime`, while pending.
    pub expiration_time: Option<SimTime>,
}

/// One side of a [`PeeringView`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VpcInfo {
    /// `VpcId`.
    pub vpc_id: String,
    /// `CidrBlock` (the primary block), when shown.
    pub cidr_block: Option<String>,
    /// `CidrBlockSet`, when shown.
    pub cidr_block_set: Vec<String>,
    /// `OwnerId`.
    pub owner_id: String,
    /// `Region`.
    pub region: String,
    /// `PeeringOptions.AllowDnsResolutionFromRemoteVpc`, when shown.
    pub allow_dns_resolution_from_remote_vpc: Option<bool>,
}
