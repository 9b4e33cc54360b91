//! The operation log: every change to a network as one line of text (`peer A B`,
//! `route A 10.1.0.0/16 pcx-ab`), so a preset, a link and a file are the same replayable list,
//! and the mesh and hub-and-spoke builders are single operations.

use std::fmt;

use super::network::{Network, DEFAULT_ACCOUNT, DEFAULT_REGION};
use super::security_group::{PortRange, Protocol, Rule};
use super::VpcError;
use crate::SimDuration;

/// One change to the network (serde: its text line).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum Op {
    /// `vpc A 10.0.0.0/16 [account=…] [region=…]`.
    Vpc { name: String, cidr: String, account: Option<String>, region: Option<String> },
    /// `cidr A 10.5.0.0/16`: a secondary block.
    Cidr { vpc: String, cidr: String },
    /// `uncidr A 10.5.0.0/16`.
    Uncidr { vpc: String, cidr: String },
    /// `subnet A app 10.0.1.0/24`.
    Subnet { vpc: String, name: String, cidr: String },
    /// `instance A web 10.0.1.10 [group]` (the `default` group when none is named).
    Instance { vpc: String, name: String, ip: String, group: Option<String> },
    /// `terminate A web`.
    Terminate { vpc: String, name: String },
    /// `igw A`: create and attach an internet gateway.
    Igw { vpc: String },
    /// `group A web`: a security group with no rules.
    Group { vpc: String, name: String },
    /// `allow A web tcp 443 10.1.0.0/16` (or a group: `web`, `B/web`).
    Allow { vpc: String, group: String, protocol: Protocol, ports: PortRange, source: String },
    /// `revoke A web tcp 443 10.1.0.0/16`.
    Revoke { vpc: String, group: String, protocol: Protocol, ports: PortRange, source: String },
    /// `peer A B`: A requests, B must accept.
    Peer { requester: String, accepter: String },
    /// `accept pcx-ab`, as the accepter's owner.
    Accept { pcx: String },
    /// `reject pcx-ab`, as the accepter's owner.
    Reject { pcx: String },
    /// `delete pcx-ab [by=B]` (by the requester's owner unless said).
    Delete { pcx: String, by: Option<String> },
    /// `route A 10.1.0.0/16 pcx-ab` (or `igw`).
    Route { vpc: String, destination: String, target: String },
    /// `replace A 10.2.0.0/16 pcx-ac`: the route's new target (ReplaceRoute).
    Replace { vpc: String, destination: String, target: String },
    /// `unroute A 10.1.0.0/16`.
    Unroute { vpc: String, destination: String },
    /// `wait 7d` or `wait 12h`: the clock moves on (pending requests expire after 7 days).
    Wait { hours: u32 },
    /// `remove A`: delete the VPC (and its peering connections).
    Remove { vpc: String },
    /// `mesh A B C`: peer every pair, accept, and route each VPC's blocks both ways.
    Mesh { vpcs: Vec<String> },
    /// `hub S A B C`: peer the hub with each spoke, accept, and route both ways.
    Hub { hub: String, spokes: Vec<String> },
}

/// Longest `wait`, in hours (a year).
const MAX_WAIT_HOURS: u32 = 24 * 365;

impl Op {
    /// Reads one line; the error says what was expected.
    pub fn parse(line: &str) -> Result<Op, String> {
        let words: Vec<&str> = line.split_whitespace().collect();
        let usage = |form: &str| format!("\u{201c}{}\u{201d} is not an operation: write {form}.", line.trim());
        let (Some(&verb), args) = (words.first(), words.get(1..).unwrap_or_default()) else {
            return Err("An empty operation: write e.g. peer A B.".to_owned());
        };
        let s = |i: usize| args.get(i).map(|w| (*w).to_owned());
        let need = |n: usize, form: &str| if args.len() == n { Ok(()) } else { Err(usage(form)) };
        let op = match verb {
            "vpc" => {
                let form = "vpc NAME CIDR [account=ID] [region=NAME]";
                if args.len() < 2 || args.len() > 4 {
                    return Err(usage(form));
                }
                let (mut account, mut region) = (None, None);
                for extra in &args[2..] {
                    match extra.split_once('=') {
                        Some(("account", v)) => account = Some(v.to_owned()),
                        Some(("region", v)) => region = Some(v.to_owned()),
                        _ => return Err(usage(form)),
                    }
                }
                Op::Vpc { name: args[0].to_owned(), cidr: args[1].to_owned(), account, region }
            }
            "cidr" | "uncidr" => {
                need(2, &format!("{verb} VPC CIDR"))?;
                let (vpc, cidr) = (args[0].to_owned(), args[1].to_owned());
                if verb == "cidr" { Op::Cidr { vpc, cidr } } else { Op::Uncidr { vpc, cidr } }
            }
            "subnet" => {
                need(3, "subnet VPC NAME CIDR")?;
                Op::Subnet { vpc: args[0].to_owned(), name: args[1].to_owned(), cidr: args[2].to_owned() }
            }
            "instance" => {
                if !(3..=4).contains(&args.len()) {
                    return Err(usage("instance VPC NAME IP [GROUP]"));
                }
                Op::Instance { vpc: args[0].to_owned(), name: args[1].to_owned(), ip: args[2].to_owned(), group: s(3) }
            }
            "terminate" => {
                need(2, "terminate VPC NAME")?;
                Op::Terminate { vpc: args[0].to_owned(), name: args[1].to_owned() }
            }
            "igw" => {
                need(1, "igw VPC")?;
                Op::Igw { vpc: args[0].to_owned() }
            }
            "group" => {
                need(2, "group VPC NAME")?;
                Op::Group { vpc: args[0].to_owned(), name: args[1].to_owned() }
            }
            "allow" | "revoke" => {
                let form = format!("{verb} VPC GROUP PROTOCOL PORTS SOURCE (e.g. {verb} B db tcp 5432 10.0.0.0/16)");
                need(5, &form)?;
                let protocol = Protocol::parse(args[2])?;
                let ports = PortRange::parse(args[3])?;
                let (vpc, group, source) = (args[0].to_owned(), args[1].to_owned(), args[4].to_owned());
                if verb == "allow" {
                    Op::Allow { vpc, group, protocol, ports, source }
                } else {
                    Op::Revoke { vpc, group, protocol, ports, source }
                }
            }
            "peer" => {
                need(2, "peer REQUESTER ACCEPTER")?;
                Op::Peer { requester: args[0].to_owned(), accepter: args[1].to_owned() }
            }
            "accept" | "reject" => {
                need(1, &format!("{verb} PCX-ID"))?;
                let pcx = args[0].to_owned();
                if verb == "accept" { Op::Accept { pcx } } else { Op::Reject { pcx } }
            }
            "delete" => {
                let form = "delete PCX-ID [by=VPC]";
                let by = match args {
                    [_] => None,
                    [_, extra] => match extra.split_once('=') {
                        Some(("by", v)) => Some(v.to_owned()),
                        _ => return Err(usage(form)),
                    },
                    _ => return Err(usage(form)),
                };
                Op::Delete { pcx: args[0].to_owned(), by }
            }
            "route" => {
                need(3, "route VPC DESTINATION TARGET (TARGET: pcx-… or igw)")?;
                Op::Route { vpc: args[0].to_owned(), destination: args[1].to_owned(), target: args[2].to_owned() }
            }
            "replace" => {
                need(3, "replace VPC DESTINATION TARGET")?;
                Op::Replace { vpc: args[0].to_owned(), destination: args[1].to_owned(), target: args[2].to_owned() }
            }
            "unroute" => {
                need(2, "unroute VPC DESTINATION")?;
                Op::Unroute { vpc: args[0].to_owned(), destination: args[1].to_owned() }
            }
            "wait" => {
                need(1, "wait 7d or wait 12h")?;
                let text = args[0];
                let number = |t: &str| t.parse::<u32>().map_err(|_| usage("wait 7d or wait 12h"));
                let hours = match (text.strip_suffix('d'), text.strip_suffix('h')) {
                    (Some(days), _) => number(days)?.saturating_mul(24),
                    (_, Some(hours)) => number(hours)?,
                    _ => return Err(usage("wait 7d or wait 12h")),
                };
                if hours == 0 || hours > MAX_WAIT_HOURS {
                    return Err(format!("wait {text} is out of range: allowed 1h–{}d.", MAX_WAIT_HOURS / 24));
                }
                Op::Wait { hours }
            }
            "remove" => {
                need(1, "remove VPC")?;
                Op::Remove { vpc: args[0].to_owned() }
            }
            "mesh" => {
                if args.len() < 2 {
                    return Err(usage("mesh A B C … (two VPCs or more)"));
                }
                Op::Mesh { vpcs: builder_names(args)? }
            }
            "hub" => {
                if args.len() < 2 {
                    return Err(usage("hub HUB SPOKE1 SPOKE2 …"));
                }
                let names = builder_names(args)?;
                Op::Hub { hub: names[0].clone(), spokes: names[1..].to_vec() }
            }
            _ => {
                return Err(format!(
                    "\u{201c}{verb}\u{201d} is not an operation: use vpc, cidr, uncidr, subnet, instance, terminate, igw, group, allow, revoke, peer, accept, reject, delete, route, replace, unroute, wait, remove, mesh or hub."
                ))
            }
        };
        Ok(op)
    }
}

/// Most VPCs a builder connects: a full mesh of them stays within the per-VPC quota of 50
/// active connections, and their pairs stay few.
const MAX_BUILDER_VPCS: usize = 51;

/// A builder's VPC names: distinct, and not more than a full mesh can connect.
fn builder_names(args: &[&str]) -> Result<Vec<String>, String> {
    if args.len() > MAX_BUILDER_VPCS {
        return Err(format!(
            "A builder connects at most {MAX_BUILDER_VPCS} VPCs (each VPC may have 50 active connections); this one names {}.",
            args.len()
        ));
    }
    if let Some((i, name)) = args.iter().enumerate().find(|(i, a)| args[..*i].contains(a)) {
        return Err(format!("{name} is named twice (the {} name): a VPC cannot peer with itself.", i + 1));
    }
    Ok(args.iter().map(|w| (*w).to_owned()).collect())
}

impl fmt::Display for Op {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Op::Vpc { name, cidr, account, region } => {
                write!(f, "vpc {name} {cidr}")?;
                if let Some(a) = account {
                    write!(f, " account={a}")?;
                }
                if let Some(r) = region {
                    write!(f, " region={r}")?;
                }
                Ok(())
            }
            Op::Cidr { vpc, cidr } => write!(f, "cidr {vpc} {cidr}"),
            Op::Uncidr { vpc, cidr } => write!(f, "uncidr {vpc} {cidr}"),
            Op::Subnet { vpc, name, cidr } => write!(f, "subnet {vpc} {name} {cidr}"),
            Op::Instance { vpc, name, ip, group } => {
                write!(f, "instance {vpc} {name} {ip}")?;
                if let Some(g) = group {
                    write!(f, " {g}")?;
                }
                Ok(())
            }
            Op::Terminate { vpc, name } => write!(f, "terminate {vpc} {name}"),
            Op::Igw { vpc } => write!(f, "igw {vpc}"),
            Op::Group { vpc, name } => write!(f, "group {vpc} {name}"),
            Op::Allow { vpc, group, protocol, ports, source } => {
                write!(f, "allow {vpc} {group} {} {ports} {source}", protocol.name())
            }
            Op::Revoke { vpc, group, protocol, ports, source } => {
                write!(f, "revoke {vpc} {group} {} {ports} {source}", protocol.name())
            }
            Op::Peer { requester, accepter } => write!(f, "peer {requester} {accepter}"),
            Op::Accept { pcx } => write!(f, "accept {pcx}"),
            Op::Reject { pcx } => write!(f, "reject {pcx}"),
            Op::Delete { pcx, by } => match by {
                Some(by) => write!(f, "delete {pcx} by={by}"),
                None => write!(f, "delete {pcx}"),
            },
            Op::Route { vpc, destination, target } => write!(f, "route {vpc} {destination} {target}"),
            Op::Replace { vpc, destination, target } => write!(f, "replace {vpc} {destination} {target}"),
            Op::Unroute { vpc, destination } => write!(f, "unroute {vpc} {destination}"),
            Op::Wait { hours } if hours % 24 == 0 => write!(f, "wait {}d", hours / 24),
            Op::Wait { hours } => write!(f, "wait {hours}h"),
            Op::Remove { vpc } => write!(f, "remove {vpc}"),
            Op::Mesh { vpcs } => write!(f, "mesh {}", vpcs.join(" ")),
            Op::Hub { hub, spokes } => write!(f, "hub {hub} {}", spokes.join(" ")),
        }
    }
}

impl TryFrom<String> for Op {
    type Error = String;
    fn try_from(line: String) -> Result<Op, String> {
        Op::parse(&line)
    }
}

impl From<Op> for String {
    fn from(op: Op) -> String {
        op.to_string()
    }
}

/// Connections and routes a full mesh of `n` VPCs needs (one block each): `n(n−1)/2`
/// connections (VPC-18), `n−1` routes in each table, `n(n−1)` routes in all.
pub fn mesh_counts(n: usize) -> (usize, usize, usize) {
    (n * n.saturating_sub(1) / 2, n.saturating_sub(1), n * n.saturating_sub(1))
}

/// Connections and routes hub-and-spoke over `n` VPCs (one hub) needs: `n−1` connections,
/// `n−1` routes in the hub's table, one in each spoke's, `2(n−1)` in all; only hub–spoke pairs
/// can talk.
pub fn hub_and_spoke(n: usize) -> (usize, usize, usize) {
    let spokes = n.saturating_sub(1);
    (spokes, spokes, 2 * spokes)
}

impl Network {
    /// Applies one operation; on an error nothing changed, except for the builders, which do
    /// every step they can and report the first one AWS refused.
    pub fn apply(&mut self, op: &Op) -> Result<(), VpcError> {
        match op {
            Op::Vpc { name, cidr, account, region } => self
                .create_vpc(
                    name,
                    cidr,
                    account.as_deref().unwrap_or(DEFAULT_ACCOUNT),
                    region.as_deref().unwrap_or(DEFAULT_REGION),
                )
                .map(drop),
            Op::Cidr { vpc, cidr } => self.associate_cidr(self.vpc_idx(vpc)?, cidr),
            Op::Uncidr { vpc, cidr } => self.disassociate_cidr(self.vpc_idx(vpc)?, cidr),
            Op::Subnet { vpc, name, cidr } => self.create_subnet(self.vpc_idx(vpc)?, name, cidr).map(drop),
            Op::Instance { vpc, name, ip, group } => {
                self.add_instance(self.vpc_idx(vpc)?, name, ip, group.as_deref().unwrap_or("default")).map(drop)
            }
            Op::Terminate { vpc, name } => self.remove_instance(self.vpc_idx(vpc)?, name),
            Op::Igw { vpc } => self.attach_igw(self.vpc_idx(vpc)?),
            Op::Group { vpc, name } => self.create_group(self.vpc_idx(vpc)?, name).map(drop),
            Op::Allow { vpc, group, protocol, ports, source } | Op::Revoke { vpc, group, protocol, ports, source } => {
                let v = self.vpc_idx(vpc)?;
                let g = self.vpcs[v].group(group).ok_or_else(|| {
                    VpcError::new(
                        "InvalidGroup.NotFound",
                        format!("The security group '{group}' does not exist in VPC {vpc}."),
                    )
                })?;
                let source = if matches!(op, Op::Allow { .. }) {
                    self.parse_rule_source(v, source)?
                } else {
                    self.resolve_source(v, source)?
                };
                let rule = Rule { protocol: *protocol, ports: *ports, source };
                if matches!(op, Op::Allow { .. }) {
                    self.authorize(v, g, rule)
                } else {
                    self.revoke(v, g, rule)
                }
            }
            Op::Peer { requester, accepter } => {
                self.request(self.vpc_idx(requester)?, self.vpc_idx(accepter)?).map(drop)
            }
            Op::Accept { pcx } => self.accept(pcx, None),
            Op::Reject { pcx } => self.reject(pcx, None),
            Op::Delete { pcx, by } => {
                let by = by.as_deref().map(|b| self.vpc_idx(b)).transpose()?;
                self.delete(pcx, by)
            }
            Op::Route { vpc, destination, target } => self.create_route(self.vpc_idx(vpc)?, destination, target),
            Op::Replace { vpc, destination, target } => self.replace_route(self.vpc_idx(vpc)?, destination, target),
            Op::Unroute { vpc, destination } => self.delete_route(self.vpc_idx(vpc)?, destination),
            Op::Wait { hours } => {
                self.advance(SimDuration::from_secs(u64::from(*hours) * 3_600));
                Ok(())
            }
            Op::Remove { vpc } => {
                self.remove_vpc(self.vpc_idx(vpc)?);
                Ok(())
            }
            Op::Mesh { vpcs } => {
                let pairs: Vec<(&String, &String)> =
                    vpcs.iter().enumerate().flat_map(|(i, a)| vpcs[i + 1..].iter().map(move |b| (a, b))).collect();
                self.connect_pairs(&pairs)
            }
            Op::Hub { hub, spokes } => {
                let pairs: Vec<(&String, &String)> = spokes.iter().map(|s| (hub, s)).collect();
                self.connect_pairs(&pairs)
            }
        }
    }

    /// The requester's owner asks, in its Region, naming the peer's account and Region.
    fn request(&mut self, requester: usize, accepter: usize) -> Result<usize, VpcError> {
        let peer = self.owner_of(accepter);
        self.create_peering(requester, accepter, None, Some(&peer.region), Some(&peer.account)).map(|(p, _)| p)
    }

    /// Peers each pair (first requests), accepts, and routes each side's blocks to the other.
    fn connect_pairs(&mut self, pairs: &[(&String, &String)]) -> Result<(), VpcError> {
        let mut first_error = None;
        for (a, b) in pairs {
            if let Err(e) = self.connect(a, b) {
                first_error.get_or_insert(e);
            }
        }
        first_error.map_or(Ok(()), Err)
    }

    fn connect(&mut self, a: &str, b: &str) -> Result<(), VpcError> {
        let (ai, bi) = (self.vpc_idx(a)?, self.vpc_idx(b)?);
        let pcx = self.request(ai, bi)?;
        let id = self.peerings[pcx].id.clone();
        if self.peerings[pcx].state == super::PeeringState::PendingAcceptance {
            self.accept(&id, None)?;
        }
        if self.peerings[pcx].state != super::PeeringState::Active {
            return Err(VpcError::new(
                "InvalidStateTransition",
                format!("{id} is {}: {}", self.peerings[pcx].state.code(), self.peerings[pcx].message),
            ));
        }
        for (from, to) in [(ai, bi), (bi, ai)] {
            for block in self.vpcs[to].cidrs.clone() {
                let existing = self.vpcs[from].routes.find(block).map(|r| self.vpcs[from].routes.routes[r].target);
                match existing {
                    None => self.create_route(from, &block.to_string(), &id)?,
                    // A route left pointing at a connection that is gone now points at this one.
                    Some(super::Target::Peering(old)) if !self.peerings[old].state.is_live() => {
                        self.replace_route(from, &block.to_string(), &id)?;
                    }
                    Some(_) => {}
                }
            }
        }
        Ok(())
    }
}
