//! The network: VPCs, their subnets, instances, gateways, route tables and security groups, and
//! the peering connections between them — changed only through EC2-like operations that refuse
//! what AWS refuses, with AWS's error codes.

use std::net::Ipv4Addr;

use super::cidr::{first_overlap, overlaps, subnet_block, vpc_block, Cidr};
use super::peering::{Peering, PeeringState, PeeringView, VpcInfo, ACTIVE_PEERINGS_PER_VPC};
use super::route_table::{Route, RouteState, RouteTable, Target};
use super::security_group::{parse_source, Rule, SecurityGroup, Source};
use super::VpcError;
use crate::{SimDuration, SimTime};

/// A VPC's index in the network (stable: a removed VPC keeps its slot).
pub type VpcIdx = usize;

/// The account a VPC belongs to when nothing says otherwise.
pub const DEFAULT_ACCOUNT: &str = "111111111111";
/// The Region a VPC is in when nothing says otherwise.
pub const DEFAULT_REGION: &str = "us-east-1";
/// CIDR blocks one VPC may have (primary included).
const MAX_BLOCKS: usize = 5;
/// Pending requests one account may have outstanding (VPC-12).
const OUTSTANDING_REQUESTS: usize = 25;
/// Longest name of a VPC, subnet, instance or group.
const MAX_NAME: usize = 16;

/// A subnet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Subnet {
    /// Its name, unique in its VPC.
    pub name: String,
    /// Its block, inside one of the VPC's.
    pub cidr: Cidr,
}

/// An instance (one network interface, one security group).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Instance {
    /// Its name, unique in its VPC.
    pub name: String,
    /// Its private address.
    pub ip: Ipv4Addr,
    /// Its subnet.
    pub subnet: usize,
    /// Its security group.
    pub group: usize,
}

/// A VPC.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Vpc {
    /// Its name (`A`, `Shared`), unique among VPCs.
    pub name: String,
    /// `vpc-a`.
    pub id: String,
    /// Owner account.
    pub account: String,
    /// Region.
    pub region: String,
    /// CIDR blocks, the primary first.
    pub cidrs: Vec<Cidr>,
    /// Subnets.
    pub subnets: Vec<Subnet>,
    /// Instances.
    pub instances: Vec<Instance>,
    /// Whether an internet gateway is attached.
    pub igw: bool,
    /// Its (main) route table, which every subnet uses.
    pub routes: RouteTable,
    /// Security groups; `default` first.
    pub groups: Vec<SecurityGroup>,
    /// Deleted: hidden, but its slot stays so indices held elsewhere keep their meaning.
    pub removed: bool,
}

impl Vpc {
    /// The route for `ip` in this VPC's table.
    pub fn route_for(&self, ip: Ipv4Addr) -> Option<Route> {
        self.routes.lookup(&self.cidrs, ip)
    }

    /// `true` when one of the VPC's blocks contains `ip`.
    pub fn contains(&self, ip: Ipv4Addr) -> bool {
        self.cidrs.iter().any(|c| c.contains(&ip))
    }

    /// The block that contains `ip`.
    pub fn block_of(&self, ip: Ipv4Addr) -> Option<Cidr> {
        self.cidrs.iter().copied().find(|c| c.contains(&ip))
    }

    /// The instance with this address.
    pub fn instance_at(&self, ip: Ipv4Addr) -> Option<usize> {
        self.instances.iter().position(|i| i.ip == ip)
    }

    /// A group by name.
    pub fn group(&self, name: &str) -> Option<usize> {
        self.groups.iter().position(|g| g.name == name)
    }

    /// `rtb-a`.
    pub fn route_table_id(&self) -> String {
        format!("rtb-{}", self.id.trim_start_matches("vpc-"))
    }

    /// `igw-a`.
    pub fn igw_id(&self) -> String {
        format!("igw-{}", self.id.trim_start_matches("vpc-"))
    }
}

/// Who calls an operation: the account and the Region the request is made in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Caller {
    /// Account ID.
    pub account: String,
    /// Region.
    pub region: String,
}

/// The whole network and its clock.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Network {
    /// Every VPC ever created (removed ones flagged).
    pub vpcs: Vec<Vpc>,
    /// Every peering connection ever requested, in order.
    pub peerings: Vec<Peering>,
    now: SimTime,
}

fn not_found_pcx(id: &str) -> VpcError {
    VpcError::new("InvalidVpcPeeringConnectionId.NotFound", format!("VpcPeeringConnectionID {id} does not exist."))
}

fn wrong_state(id: &str) -> VpcError {
    VpcError::new(
        "InvalidStateTransition",
        format!("VpcPeeringConnectionID {id} is not in the correct state for the request."),
    )
}

fn check_name(kind: &str, name: &str) -> Result<(), VpcError> {
    let ok = !name.is_empty()
        && name.len() <= MAX_NAME
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if ok {
        Ok(())
    } else {
        Err(VpcError::new(
            "InvalidParameterValue",
            format!("\u{201c}{name}\u{201d} is not a {kind} name: use 1 to {MAX_NAME} letters, digits, - or _."),
        ))
    }
}

impl Network {
    /// An empty network at time zero.
    pub fn new() -> Self {
        Network::default()
    }

    /// The network's clock.
    pub fn now(&self) -> SimTime {
        self.now
    }

    /// Moves the clock on: pending requests older than 7 days expire (VPC-08).
    pub fn advance(&mut self, by: SimDuration) {
        self.now += by;
        let now = self.now;
        for p in &mut self.peerings {
            if p.state == PeeringState::PendingAcceptance && p.expires_at() <= now {
                p.state = PeeringState::Expired;
                p.since = p.expires_at();
                p.message = "Expired".to_owned();
            }
        }
    }

    /// The VPCs still present, with their indices.
    pub fn live_vpcs(&self) -> impl Iterator<Item = (VpcIdx, &Vpc)> {
        self.vpcs.iter().enumerate().filter(|(_, v)| !v.removed)
    }

    /// A present VPC by name.
    pub fn vpc_named(&self, name: &str) -> Option<VpcIdx> {
        self.live_vpcs().find(|(_, v)| v.name == name).map(|(i, _)| i)
    }

    /// A present VPC by name, or EC2's not-found error.
    pub fn vpc_idx(&self, name: &str) -> Result<VpcIdx, VpcError> {
        self.vpc_named(name).ok_or_else(|| {
            VpcError::new(
                "InvalidVpcID.NotFound",
                format!("The vpc ID 'vpc-{}' does not exist", name.to_ascii_lowercase()),
            )
        })
    }

    /// The first present VPC with a block containing `ip` (overlapping VPCs: the oldest).
    pub fn vpc_containing(&self, ip: Ipv4Addr) -> Option<VpcIdx> {
        self.live_vpcs().find(|(_, v)| v.contains(ip)).map(|(i, _)| i)
    }

    /// The VPC an address belongs to: the one with an instance there, else the first whose
    /// blocks contain it (overlapping VPCs: the instance decides).
    pub fn vpc_for_address(&self, ip: Ipv4Addr) -> Option<VpcIdx> {
        self.live_vpcs().find(|(_, v)| v.instance_at(ip).is_some()).map(|(i, _)| i).or_else(|| self.vpc_containing(ip))
    }

    /// A peering connection by id (the newest with that id).
    pub fn peering_idx(&self, id: &str) -> Result<usize, VpcError> {
        self.peerings.iter().rposition(|p| p.id == id).ok_or_else(|| not_found_pcx(id))
    }

    /// The live (requested or active) connection between two VPCs, either way round.
    pub fn live_between(&self, a: VpcIdx, b: VpcIdx) -> Option<usize> {
        self.peerings.iter().position(|p| p.state.is_live() && p.joins(a, b))
    }

    /// The active connection between two VPCs, if there is one.
    pub fn active_between(&self, a: VpcIdx, b: VpcIdx) -> Option<usize> {
        self.peerings.iter().position(|p| p.state == PeeringState::Active && p.joins(a, b))
    }

    /// Active connections of one VPC.
    pub fn active_count(&self, vpc: VpcIdx) -> usize {
        self.peerings.iter().filter(|p| p.state == PeeringState::Active && p.other(vpc).is_some()).count()
    }

    /// The caller a VPC's owner is, in the VPC's Region.
    pub fn owner_of(&self, vpc: VpcIdx) -> Caller {
        let v = &self.vpcs[vpc];
        Caller { account: v.account.clone(), region: v.region.clone() }
    }

    /// A route's state: active unless it targets a connection that is not active.
    pub fn route_state(&self, route: &Route) -> RouteState {
        match route.target {
            Target::Peering(p) if self.peerings[p].state != PeeringState::Active => RouteState::Blackhole,
            _ => RouteState::Active,
        }
    }

    /// A target as the route table shows it: `local`, `igw-a`, `pcx-ab`.
    pub fn target_name(&self, vpc: VpcIdx, target: Target) -> String {
        match target {
            Target::Local => "local".to_owned(),
            Target::InternetGateway => self.vpcs[vpc].igw_id(),
            Target::Peering(p) => self.peerings[p].id.clone(),
        }
    }

    // --- VPCs ------------------------------------------------------------------------------

    /// `CreateVpc`, with a `default` security group that admits its own members (as AWS's does).
    pub fn create_vpc(&mut self, name: &str, cidr: &str, account: &str, region: &str) -> Result<VpcIdx, VpcError> {
        check_name("VPC", name)?;
        // Ids are lower-cased names, so names differ in more than case.
        if let Some((_, v)) = self.live_vpcs().find(|(_, v)| v.name.eq_ignore_ascii_case(name)) {
            return Err(VpcError::new("InvalidParameterValue", format!("A VPC named {} already exists.", v.name)));
        }
        if account.len() != 12 || !account.chars().all(|c| c.is_ascii_digit()) {
            return Err(VpcError::new(
                "InvalidParameterValue",
                format!("\u{201c}{account}\u{201d} is not an AWS account ID: it is 12 digits, e.g. 111111111111."),
            ));
        }
        let region_ok =
            !region.is_empty() && region.len() <= 25 && region.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
        if !region_ok {
            return Err(VpcError::new(
                "InvalidParameterValue",
                format!("\u{201c}{region}\u{201d} is not a Region name: write it as us-east-1."),
            ));
        }
        let block = vpc_block(cidr)?;
        let idx = self.vpcs.len();
        let id = format!("vpc-{}", name.to_ascii_lowercase());
        let default = SecurityGroup {
            name: "default".to_owned(),
            id: format!("sg-{}-default", name.to_ascii_lowercase()),
            rules: vec![Rule {
                protocol: super::Protocol::All,
                ports: super::PortRange::ALL,
                source: Source::Group(idx, 0),
            }],
        };
        self.vpcs.push(Vpc {
            name: name.to_owned(),
            id,
            account: account.to_owned(),
            region: region.to_owned(),
            cidrs: vec![block],
            subnets: Vec::new(),
            instances: Vec::new(),
            igw: false,
            routes: RouteTable::default(),
            groups: vec![default],
            removed: false,
        });
        Ok(idx)
    }

    /// `DeleteVpc`: its live peering connections are deleted with it (routes elsewhere that
    /// pointed at them turn into blackholes).
    pub fn remove_vpc(&mut self, vpc: VpcIdx) {
        let now = self.now;
        for p in &mut self.peerings {
            if p.state.is_live() && p.other(vpc).is_some() {
                p.deleted_by_requester = p.requester == vpc;
                p.state = PeeringState::Deleted;
                p.since = now;
                p.message = format!("Deleted by {}", self.vpcs[vpc].account);
            }
        }
        self.vpcs[vpc].removed = true;
    }

    /// `AssociateVpcCidrBlock`, with the peering rules of VPC-06.
    pub fn associate_cidr(&mut self, vpc: VpcIdx, cidr: &str) -> Result<(), VpcError> {
        let block = vpc_block(cidr)?;
        let v = &self.vpcs[vpc];
        if let Some(own) = v.cidrs.iter().find(|c| overlaps(c, &block)) {
            return Err(VpcError::new(
                "InvalidVpc.Range",
                format!("The CIDR '{block}' overlaps {own}, which VPC {} already has.", v.name),
            ));
        }
        // A route as specific as a local block may only target an interface (VPC-14): a new
        // block may not swallow a route the table already has.
        if let Some(r) = v.routes.routes.iter().find(|r| block.contains(&r.destination)) {
            return Err(VpcError::new(
                "InvalidVpc.Range",
                format!(
                    "The CIDR '{block}' contains the route {} → {} in {}: a VPC block may not be as wide as one of its routes. Delete the route first.",
                    r.destination,
                    self.target_name(vpc, r.target),
                    v.route_table_id()
                ),
            ));
        }
        if v.cidrs.len() >= MAX_BLOCKS {
            return Err(VpcError::new(
                "CidrLimitExceeded",
                format!("VPC {} already has {MAX_BLOCKS} CIDR blocks, the most a VPC may have.", v.name),
            ));
        }
        let mut fails = Vec::new();
        for (i, p) in self.peerings.iter().enumerate() {
            let Some(peer) = p.other(vpc) else { continue };
            let peer_overlap = self.vpcs[peer].cidrs.iter().find(|c| overlaps(c, &block));
            match p.state {
                PeeringState::PendingAcceptance if p.requester == vpc => {
                    return Err(VpcError::new(
                        "OperationNotPermitted",
                        format!(
                            "VPC {} has requested {} and it is pending acceptance: the requester cannot add CIDR blocks until the request is accepted or gone.",
                            v.name, p.id
                        ),
                    ));
                }
                // The accepter may, but an overlapping block makes the request fail (VPC-06).
                PeeringState::PendingAcceptance if peer_overlap.is_some() => fails.push(i),
                PeeringState::Active => {
                    if let Some(theirs) = peer_overlap {
                        return Err(VpcError::new(
                            "InvalidVpc.Range",
                            format!(
                                "The CIDR '{block}' overlaps {theirs} of VPC {}, which is peered with {} through {}: blocks of peered VPCs may not overlap.",
                                self.vpcs[peer].name, v.name, p.id
                            ),
                        ));
                    }
                }
                _ => {}
            }
        }
        let now = self.now;
        for i in fails {
            let p = &mut self.peerings[i];
            p.state = PeeringState::Failed;
            p.since = now;
            p.message = FAILED_MESSAGE.to_owned();
        }
        self.vpcs[vpc].cidrs.push(block);
        Ok(())
    }

    /// `DisassociateVpcCidrBlock`: not the primary block, nor one with subnets in it.
    pub fn disassociate_cidr(&mut self, vpc: VpcIdx, cidr: &str) -> Result<(), VpcError> {
        let block = super::parse_cidr(cidr).map_err(|why| VpcError::new("InvalidVpc.Range", why))?;
        let v = &self.vpcs[vpc];
        let Some(at) = v.cidrs.iter().position(|c| *c == block) else {
            return Err(VpcError::new("InvalidCidrBlock.NotFound", format!("VPC {} has no block {block}.", v.name)));
        };
        if at == 0 {
            return Err(VpcError::new(
                "OperationNotPermitted",
                format!("{block} is the primary CIDR block of VPC {}: it cannot be disassociated.", v.name),
            ));
        }
        if let Some(s) = v.subnets.iter().find(|s| block.contains(&s.cidr)) {
            return Err(VpcError::new(
                "DependencyViolation",
                format!("Subnet {} ({}) is in {block}: delete it first.", s.name, s.cidr),
            ));
        }
        self.vpcs[vpc].cidrs.remove(at);
        Ok(())
    }

    /// `CreateSubnet`.
    pub fn create_subnet(&mut self, vpc: VpcIdx, name: &str, cidr: &str) -> Result<usize, VpcError> {
        check_name("subnet", name)?;
        let v = &self.vpcs[vpc];
        let block = subnet_block(cidr, &v.cidrs)?;
        if v.subnets.iter().any(|s| s.name == name) {
            return Err(VpcError::new("InvalidParameterValue", format!("VPC {} already has a subnet {name}.", v.name)));
        }
        if let Some(s) = v.subnets.iter().find(|s| overlaps(&s.cidr, &block)) {
            return Err(VpcError::new(
                "InvalidSubnet.Conflict",
                format!("The CIDR '{block}' conflicts with another subnet ({} {}).", s.name, s.cidr),
            ));
        }
        self.vpcs[vpc].subnets.push(Subnet { name: name.to_owned(), cidr: block });
        Ok(self.vpcs[vpc].subnets.len() - 1)
    }

    /// `RunInstances` with a private address: inside a subnet, not one of the five addresses
    /// AWS reserves in each subnet, not in use.
    pub fn add_instance(&mut self, vpc: VpcIdx, name: &str, ip: &str, group: &str) -> Result<usize, VpcError> {
        check_name("instance", name)?;
        let ip = super::parse_ip(ip).map_err(|why| VpcError::new("InvalidParameterValue", why))?;
        let v = &self.vpcs[vpc];
        if v.instances.iter().any(|i| i.name == name) {
            return Err(VpcError::new(
                "InvalidParameterValue",
                format!("VPC {} already has an instance {name}.", v.name),
            ));
        }
        let Some(subnet) = v.subnets.iter().position(|s| s.cidr.contains(&ip)) else {
            let subnets: Vec<String> = v.subnets.iter().map(|s| format!("{} {}", s.name, s.cidr)).collect();
            return Err(VpcError::new(
                "InvalidParameterValue",
                format!(
                    "Address {ip} does not fall within a subnet of VPC {} ({}).",
                    v.name,
                    if subnets.is_empty() { "it has none yet".to_owned() } else { subnets.join(", ") }
                ),
            ));
        };
        let net = v.subnets[subnet].cidr;
        let offset = u32::from(ip) - u32::from(net.network());
        if offset < 4 || ip == net.broadcast() {
            return Err(VpcError::new(
                "InvalidParameterValue",
                format!("Address {ip} is in subnet's reserved address range: AWS keeps the first four and the last address of {net}."),
            ));
        }
        if let Some(other) = v.instances.iter().find(|i| i.ip == ip) {
            return Err(VpcError::new(
                "InvalidIPAddress.InUse",
                format!("Address {ip} is in use (by {}).", other.name),
            ));
        }
        let Some(group) = v.group(group) else {
            return Err(VpcError::new(
                "InvalidGroup.NotFound",
                format!("The security group '{group}' does not exist in VPC {}.", v.name),
            ));
        };
        self.vpcs[vpc].instances.push(Instance { name: name.to_owned(), ip, subnet, group });
        Ok(self.vpcs[vpc].instances.len() - 1)
    }

    /// `TerminateInstances`.
    pub fn remove_instance(&mut self, vpc: VpcIdx, name: &str) -> Result<(), VpcError> {
        let v = &mut self.vpcs[vpc];
        let at = v.instances.iter().position(|i| i.name == name).ok_or_else(|| {
            VpcError::new("InvalidInstanceID.NotFound", format!("VPC {} has no instance {name}.", v.name))
        })?;
        v.instances.remove(at);
        Ok(())
    }

    /// `CreateInternetGateway` + `AttachInternetGateway`.
    pub fn attach_igw(&mut self, vpc: VpcIdx) -> Result<(), VpcError> {
        let v = &mut self.vpcs[vpc];
        if v.igw {
            return Err(VpcError::new(
                "Resource.AlreadyAssociated",
                format!("VPC {} already has an internet gateway.", v.name),
            ));
        }
        v.igw = true;
        Ok(())
    }

    // --- Security groups ---------------------------------------------------------------------

    /// `CreateSecurityGroup` (no rules: it admits nothing until rules are added).
    pub fn create_group(&mut self, vpc: VpcIdx, name: &str) -> Result<usize, VpcError> {
        check_name("security group", name)?;
        let v = &mut self.vpcs[vpc];
        if v.groups.iter().any(|g| g.name.eq_ignore_ascii_case(name)) {
            return Err(VpcError::new(
                "InvalidGroup.Duplicate",
                format!("The security group '{name}' already exists for VPC '{}'", v.id),
            ));
        }
        let id = format!("sg-{}-{}", v.name.to_ascii_lowercase(), name.to_ascii_lowercase());
        v.groups.push(SecurityGroup { name: name.to_owned(), id, rules: Vec::new() });
        Ok(v.groups.len() - 1)
    }

    /// Resolves a rule's source text in `vpc`'s context: a block, `web` (this VPC), `B/web` (a
    /// VPC by name) or `111111111111/sg-b-web` (AWS's cross-account form: account and group id).
    pub fn resolve_source(&self, vpc: VpcIdx, text: &str) -> Result<Source, VpcError> {
        let by_account = |account: &str, id: &str| {
            self.live_vpcs().find_map(|(vi, v)| {
                (v.account == account).then(|| v.groups.iter().position(|g| g.id == id).map(|gi| (vi, gi))).flatten()
            })
        };
        let source = match text.trim().split_once('/') {
            Some((account, id)) if account.len() == 12 && account.chars().all(|c| c.is_ascii_digit()) => {
                by_account(account, id).map(|(v, g)| Source::Group(v, g)).ok_or_else(|| {
                    VpcError::new(
                        "InvalidGroup.NotFound",
                        format!("The security group '{id}' does not exist in account {account}."),
                    )
                })?
            }
            _ => parse_source(
                text,
                |v, g| self.vpc_named(v).and_then(|vi| self.vpcs[vi].group(g).map(|gi| (vi, gi))),
                &self.vpcs[vpc].name,
            )
            .map_err(|why| VpcError::new("InvalidGroup.NotFound", why))?,
        };
        Ok(source)
    }

    /// A rule's source for a new rule: [`Network::resolve_source`], with VPC-16's rules for a
    /// peer's group (same Region, over an active connection). Revoking skips these checks, so a
    /// rule whose reference went stale can still be removed.
    pub fn parse_rule_source(&self, vpc: VpcIdx, text: &str) -> Result<Source, VpcError> {
        let source = self.resolve_source(vpc, text)?;
        if let Source::Group(peer, _) = source {
            if peer != vpc {
                let (mine, theirs) = (&self.vpcs[vpc], &self.vpcs[peer]);
                if mine.region != theirs.region {
                    return Err(VpcError::new(
                        "InvalidGroup.NotFound",
                        format!(
                            "VPC {} is in {}, {} in {}: a rule can reference a peer's security group only in the same Region. Use its CIDR block instead.",
                            theirs.name, theirs.region, mine.name, mine.region
                        ),
                    ));
                }
                if self.active_between(vpc, peer).is_none() {
                    return Err(VpcError::new(
                        "InvalidGroup.NotFound",
                        format!(
                            "VPC {} and {} have no active peering connection: a rule can reference a peer's security group only over an active one.",
                            mine.name, theirs.name
                        ),
                    ));
                }
            }
        }
        Ok(source)
    }

    /// `AuthorizeSecurityGroupIngress`.
    pub fn authorize(&mut self, vpc: VpcIdx, group: usize, rule: Rule) -> Result<(), VpcError> {
        let g = &mut self.vpcs[vpc].groups[group];
        if g.rules.contains(&rule) {
            return Err(VpcError::new(
                "InvalidPermission.Duplicate",
                format!("The rule {} {} already exists in security group {}.", rule.protocol.name(), rule.ports, g.id),
            ));
        }
        g.rules.push(rule);
        Ok(())
    }

    /// `RevokeSecurityGroupIngress`.
    pub fn revoke(&mut self, vpc: VpcIdx, group: usize, rule: Rule) -> Result<(), VpcError> {
        let g = &mut self.vpcs[vpc].groups[group];
        let at = g.rules.iter().position(|r| *r == rule).ok_or_else(|| {
            VpcError::new("InvalidPermission.NotFound", "The specified rule does not exist in this security group.")
        })?;
        g.rules.remove(at);
        Ok(())
    }

    /// A rule source as text in `vpc`'s context: a block, `web`, or `B/web`.
    pub fn source_name(&self, vpc: VpcIdx, source: &Source) -> String {
        match *source {
            Source::Cidr(c) => c.to_string(),
            Source::Group(v, g) if v == vpc => self.vpcs[v].groups[g].name.clone(),
            Source::Group(v, g) => format!("{}/{}", self.vpcs[v].name, self.vpcs[v].groups[g].name),
        }
    }

    // --- Peering -----------------------------------------------------------------------------

    fn new_pcx_id(&self, requester: VpcIdx, accepter: VpcIdx) -> String {
        let (r, a) = (self.vpcs[requester].name.to_ascii_lowercase(), self.vpcs[accepter].name.to_ascii_lowercase());
        let base = if r.len() == 1 && a.len() == 1 { format!("pcx-{r}{a}") } else { format!("pcx-{r}-{a}") };
        let mut id = base.clone();
        let mut n = 2;
        while self.peerings.iter().any(|p| p.id == id) {
            id = format!("{base}-{n}");
            n += 1;
        }
        id
    }

    /// `CreateVpcPeeringConnection` made by `caller` (by default the requester's owner in its
    /// Region). Overlapping blocks are not an API error: the connection is created and fails
    /// (VPC-05). A request repeating a live one in the same direction returns it (as AWS does);
    /// the other direction is refused (one connection per pair, VPC-11).
    pub fn create_peering(
        &mut self,
        requester: VpcIdx,
        accepter: VpcIdx,
        caller: Option<&Caller>,
        peer_region: Option<&str>,
        peer_owner: Option<&str>,
    ) -> Result<(usize, PeeringView), VpcError> {
        let caller = caller.cloned().unwrap_or_else(|| self.owner_of(requester));
        let (req, acc) = (&self.vpcs[requester], &self.vpcs[accepter]);
        let vpc_missing =
            |v: &Vpc| VpcError::new("InvalidVpcID.NotFound", format!("The vpc ID '{}' does not exist", v.id));
        if req.account != caller.account || req.region != caller.region {
            return Err(vpc_missing(req));
        }
        // The peer is looked up in the Region and account the request names.
        if peer_region.unwrap_or(&caller.region) != acc.region || peer_owner.unwrap_or(&caller.account) != acc.account {
            return Err(vpc_missing(acc));
        }
        if requester == accepter {
            return Err(VpcError::new("InvalidParameterValue", format!("A VPC cannot peer with itself ({}).", req.id)));
        }
        if let Some(existing) = self.live_between(requester, accepter) {
            let p = &self.peerings[existing];
            if p.requester == requester {
                return Ok((existing, self.view(existing, true)));
            }
            return Err(VpcError::new(
                "VpcPeeringConnectionAlreadyExists",
                format!(
                    "{} already connects {} and {} ({}): one connection per pair of VPCs.",
                    p.id,
                    acc.name,
                    req.name,
                    p.state.code()
                ),
            ));
        }
        let outstanding = self
            .peerings
            .iter()
            .filter(|p| p.state == PeeringState::PendingAcceptance && self.vpcs[p.requester].account == req.account)
            .count();
        if outstanding >= OUTSTANDING_REQUESTS {
            return Err(VpcError::new(
                "OutstandingVpcPeeringConnectionLimitExceeded",
                format!(
                    "Account {} already has {OUTSTANDING_REQUESTS} pending peering requests, the most it may have.",
                    req.account
                ),
            ));
        }
        let overlap = first_overlap(&req.cidrs, &acc.cidrs);
        let (state, message) = match overlap {
            Some(_) => (PeeringState::Failed, FAILED_MESSAGE.to_owned()),
            None => (PeeringState::PendingAcceptance, format!("Pending Acceptance by {}", acc.account)),
        };
        let id = self.new_pcx_id(requester, accepter);
        self.peerings.push(Peering {
            id,
            requester,
            accepter,
            state,
            message,
            created: self.now,
            since: self.now,
            dns_resolution: (false, false),
            deleted_by_requester: false,
        });
        let idx = self.peerings.len() - 1;
        Ok((idx, self.view(idx, true)))
    }

    /// The overlapping blocks that made a connection fail, if they still overlap.
    pub fn overlap_of(&self, pcx: usize) -> Option<(Cidr, Cidr)> {
        let p = &self.peerings[pcx];
        first_overlap(&self.vpcs[p.requester].cidrs, &self.vpcs[p.accepter].cidrs)
    }

    fn accepter_side(
        &self,
        pcx: usize,
        caller: Option<&Caller>,
        verb: &str,
        region_verb: &str,
    ) -> Result<(), VpcError> {
        let p = &self.peerings[pcx];
        let owner = self.owner_of(p.accepter);
        let caller = caller.unwrap_or(&owner);
        if caller.account != owner.account {
            return Err(VpcError::new(
                "OperationNotPermitted",
                format!("User ({}) cannot {verb} peering {}", caller.account, p.id),
            ));
        }
        if caller.region != owner.region {
            return Err(VpcError::new(
                "OperationNotPermitted",
                format!(
                    "Incorrect region ({}) specified for this request. VPC peering connection {} must be {region_verb} in region {}",
                    caller.region, p.id, owner.region
                ),
            ));
        }
        Ok(())
    }

    /// `AcceptVpcPeeringConnection`: the accepter's owner, in its Region, while pending; each
    /// VPC within its active-connection quota.
    pub fn accept(&mut self, id: &str, caller: Option<&Caller>) -> Result<(), VpcError> {
        let pcx = self.peering_idx(id)?;
        self.accepter_side(pcx, caller, "accept", "accepted")?;
        let p = &self.peerings[pcx];
        if p.state != PeeringState::PendingAcceptance {
            return Err(wrong_state(id));
        }
        for vpc in [p.requester, p.accepter] {
            if self.active_count(vpc) >= ACTIVE_PEERINGS_PER_VPC {
                return Err(VpcError::new(
                    "ActiveVpcPeeringConnectionPerVpcLimitExceeded",
                    format!(
                        "VPC {} already has {ACTIVE_PEERINGS_PER_VPC} active peering connections, its quota (adjustable up to 125).",
                        self.vpcs[vpc].name
                    ),
                ));
            }
        }
        let now = self.now;
        let p = &mut self.peerings[pcx];
        p.state = PeeringState::Active;
        p.since = now;
        p.message = "Active".to_owned();
        Ok(())
    }

    /// `RejectVpcPeeringConnection`: the accepter's owner, in its Region, while pending.
    pub fn reject(&mut self, id: &str, caller: Option<&Caller>) -> Result<(), VpcError> {
        let pcx = self.peering_idx(id)?;
        self.accepter_side(pcx, caller, "reject", "accepted or rejected")?;
        if self.peerings[pcx].state != PeeringState::PendingAcceptance {
            return Err(wrong_state(id));
        }
        let account = self.vpcs[self.peerings[pcx].accepter].account.clone();
        let now = self.now;
        let p = &mut self.peerings[pcx];
        p.state = PeeringState::Rejected;
        p.since = now;
        p.message = format!("Rejected by {account}");
        Ok(())
    }

    /// `DeleteVpcPeeringConnection` by the owner of `by` (one of its VPCs): either owner while
    /// active, only the requester while pending, never once failed, rejected or gone (VPC-09).
    pub fn delete(&mut self, id: &str, by: Option<VpcIdx>) -> Result<(), VpcError> {
        let pcx = self.peering_idx(id)?;
        let p = &self.peerings[pcx];
        let by = by.unwrap_or(p.requester);
        // Permission goes by account: the owner of either VPC (VPC-09).
        let account = &self.vpcs[by].account;
        let (owns_requester, owns_accepter) =
            (*account == self.vpcs[p.requester].account, *account == self.vpcs[p.accepter].account);
        if !owns_requester && !owns_accepter {
            return Err(VpcError::new(
                "OperationNotPermitted",
                format!("User ({account}) cannot delete peering {id}: only the owners of its VPCs can."),
            ));
        }
        match p.state {
            PeeringState::Active => {}
            PeeringState::PendingAcceptance if owns_requester => {}
            PeeringState::PendingAcceptance => {
                return Err(VpcError::new(
                    "OperationNotPermitted",
                    format!(
                        "User ({}) cannot delete peering {id}: the accepter of a pending request rejects it.",
                        self.vpcs[by].account
                    ),
                ));
            }
            _ => return Err(wrong_state(id)),
        }
        let account = self.vpcs[by].account.clone();
        let now = self.now;
        let p = &mut self.peerings[pcx];
        p.deleted_by_requester = owns_requester;
        p.state = PeeringState::Deleted;
        p.since = now;
        p.message = format!("Deleted by {account}");
        Ok(())
    }

    /// `ModifyVpcPeeringConnectionOptions`: DNS resolution for one side, on an active connection.
    pub fn modify_options(&mut self, id: &str, side: Option<VpcIdx>, allow_dns: bool) -> Result<(), VpcError> {
        let pcx = self.peering_idx(id)?;
        let p = &mut self.peerings[pcx];
        if p.state != PeeringState::Active {
            return Err(wrong_state(id));
        }
        if side.is_none_or(|s| s == p.requester) {
            p.dns_resolution.0 = allow_dns;
        } else {
            p.dns_resolution.1 = allow_dns;
        }
        Ok(())
    }

    /// `DescribeVpcPeeringConnections` for one connection, or not found once it is no longer
    /// visible to `caller`'s account (VPC-08's visibility times).
    pub fn describe(&self, id: &str, caller: Option<&Caller>) -> Result<PeeringView, VpcError> {
        let pcx = self.peering_idx(id)?;
        let p = &self.peerings[pcx];
        let (req, acc) = (&self.vpcs[p.requester], &self.vpcs[p.accepter]);
        if let Some((for_requester, for_accepter)) = p.visibility(req.account == acc.account) {
            let shown = match caller {
                Some(c) if c.account == acc.account && c.account != req.account => for_accepter,
                _ => for_requester,
            };
            if self.now >= p.since + shown {
                return Err(not_found_pcx(id));
            }
        }
        Ok(self.view(pcx, false))
    }

    /// What a caller sees of a connection; `creating`: the answer to the create call itself.
    fn view(&self, pcx: usize, creating: bool) -> PeeringView {
        let p = &self.peerings[pcx];
        let (req, acc) = (&self.vpcs[p.requester], &self.vpcs[p.accepter]);
        let (status_code, status_message) = if creating {
            (PeeringState::InitiatingRequest.code(), format!("Initiating Request to {}", acc.account))
        } else {
            (p.state.code(), p.message.clone())
        };
        // AWS fills the accepter's blocks and options only once it accepted.
        let accepted = p.state == PeeringState::Active || (p.state == PeeringState::Deleted && !creating);
        let info = |v: &Vpc, shown: bool, dns: bool| VpcInfo {
            vpc_id: v.id.clone(),
            cidr_block: shown.then(|| v.cidrs[0].to_string()),
            cidr_block_set: if shown { v.cidrs.iter().map(ToString::to_string).collect() } else { Vec::new() },
            owner_id: v.account.clone(),
            region: v.region.clone(),
            allow_dns_resolution_from_remote_vpc: shown.then_some(dns),
        };
        PeeringView {
            id: p.id.clone(),
            status_code,
            status_message,
            requester: info(req, true, p.dns_resolution.0),
            accepter: info(acc, accepted, p.dns_resolution.1),
            expiration_time: (p.state == PeeringState::PendingAcceptance).then(|| p.expires_at()),
        }
    }

    // --- Routes ------------------------------------------------------------------------------

    /// Reads a route target in `vpc`'s table: `igw` (or its id) or a peering connection's id.
    pub fn parse_target(&self, vpc: VpcIdx, text: &str) -> Result<Target, VpcError> {
        let text = text.trim();
        let v = &self.vpcs[vpc];
        if text == "igw" || text == v.igw_id() {
            if !v.igw {
                return Err(VpcError::new(
                    "InvalidGatewayID.NotFound",
                    format!(
                        "The gateway ID '{}' does not exist: attach an internet gateway to VPC {} first.",
                        v.igw_id(),
                        v.name
                    ),
                ));
            }
            return Ok(Target::InternetGateway);
        }
        if text.starts_with("igw-") {
            return Err(VpcError::new(
                "InvalidParameterValue",
                format!("route table {} and network gateway {text} belong to different networks", v.route_table_id()),
            ));
        }
        if text == "local" {
            return Err(VpcError::new(
                "InvalidParameterValue",
                "The local routes come with the VPC's CIDR blocks; a route cannot target local.",
            ));
        }
        let pcx = self.peering_idx(text)?;
        let p = &self.peerings[pcx];
        if p.other(vpc).is_none() {
            return Err(VpcError::new(
                "InvalidParameterValue",
                format!("route table {} and network gateway {text} belong to different networks", v.route_table_id()),
            ));
        }
        if !p.state.is_live() {
            return Err(VpcError::new(
                "InvalidParameterValue",
                format!(
                    "{text} is {}: a route can target a pending or active peering connection only.",
                    p.state.code()
                ),
            ));
        }
        Ok(Target::Peering(pcx))
    }

    /// `CreateRoute` (VPC-13, VPC-14): one route per destination, none as specific as a local
    /// block; a route to a connection that is not active yet is accepted and shows `blackhole`.
    pub fn create_route(&mut self, vpc: VpcIdx, destination: &str, target: &str) -> Result<(), VpcError> {
        let dest = super::parse_cidr(destination).map_err(|why| {
            VpcError::new(
                "InvalidParameterValue",
                format!("Value ({}) for parameter destinationCidrBlock is invalid. {why}", destination.trim()),
            )
        })?;
        let target = self.parse_target(vpc, target)?;
        let v = &self.vpcs[vpc];
        if let Some(local) = v.cidrs.iter().find(|c| c.contains(&dest)) {
            return Err(VpcError::new(
                "InvalidParameterValue",
                format!(
                    "The destination CIDR block {dest} is equal to or more specific than one of this VPC's CIDR blocks ({local}): that traffic stays local (such a route may only target a network interface)."
                ),
            ));
        }
        if v.routes.find(dest).is_some() {
            return Err(VpcError::new("RouteAlreadyExists", format!("The route identified by {dest} already exists.")));
        }
        self.vpcs[vpc].routes.routes.push(Route { destination: dest, target });
        Ok(())
    }

    /// `ReplaceRoute`: the same destination, a new target.
    pub fn replace_route(&mut self, vpc: VpcIdx, destination: &str, target: &str) -> Result<(), VpcError> {
        let dest = super::parse_cidr(destination).map_err(|why| VpcError::new("InvalidParameterValue", why))?;
        let target = self.parse_target(vpc, target)?;
        let v = &mut self.vpcs[vpc];
        let at = v.routes.find(dest).ok_or_else(|| {
            VpcError::new(
                "InvalidRoute.NotFound",
                format!("There is no route defined for '{dest}' in the route table."),
            )
        })?;
        v.routes.routes[at].target = target;
        Ok(())
    }

    /// `DeleteRoute`.
    pub fn delete_route(&mut self, vpc: VpcIdx, destination: &str) -> Result<(), VpcError> {
        let dest = super::parse_cidr(destination).map_err(|why| VpcError::new("InvalidParameterValue", why))?;
        let v = &mut self.vpcs[vpc];
        if v.cidrs.contains(&dest) {
            return Err(VpcError::new(
                "InvalidParameterValue",
                format!("cannot remove local route {dest} in route table {}", v.route_table_id()),
            ));
        }
        let at = v.routes.find(dest).ok_or_else(|| {
            VpcError::new(
                "InvalidRoute.NotFound",
                format!("There is no route defined for '{dest}' in the route table."),
            )
        })?;
        v.routes.routes.remove(at);
        Ok(())
    }
}

/// The status message of a connection that failed (what the console shows).
const FAILED_MESSAGE: &str = "Failed due to incorrect VPC-ID, Account ID, or overlapping CIDR range";
