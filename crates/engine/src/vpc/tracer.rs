//! The packet tracer: follows one packet from an instance to an address and port hop by hop —
//! the source's route table, the peering connection, the peer's route table for the replies,
//! the destination's security group — and stops at the first hop that drops it, with a reason
//! code and the change that would let it through. Checking the return route is what makes
//! "missing return route" visible: the request arrives, but the reply has nowhere to go.
//!
//! A trace is a pure function of the network; it does not allocate beyond its hop list, so
//! millions of traces a second fit (see `nimbus bench vpc`). Explanations are built on demand.

use std::net::Ipv4Addr;

use super::cidr::is_public;
use super::network::{Network, VpcIdx};
use super::peering::PeeringState;
use super::route_table::{Route, Target};
use super::security_group::{cidr_allows, Protocol, Source};

/// A packet to trace.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Packet {
    /// The source instance's VPC.
    pub vpc: VpcIdx,
    /// The source instance, by index in its VPC.
    pub instance: usize,
    /// The destination address.
    pub dst: Ipv4Addr,
    /// Its protocol.
    pub protocol: Protocol,
    /// Its destination port (ignored for ICMP).
    pub port: u16,
}

/// One step of a packet's path.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Hop {
    /// The source instance.
    Source {
        /// Its VPC.
        vpc: VpcIdx,
        /// Its index.
        instance: usize,
    },
    /// The lookup in the source VPC's route table (`None`: no route matched).
    RouteTable {
        /// The VPC.
        vpc: VpcIdx,
        /// The matching route.
        route: Option<Route>,
    },
    /// Crossing a peering connection.
    Peering {
        /// The connection.
        pcx: usize,
    },
    /// The destination VPC's route table, looked up for the replies.
    ReturnRoute {
        /// The VPC.
        vpc: VpcIdx,
        /// The route replies take (`None`: none).
        route: Option<Route>,
    },
    /// The destination instance's security group.
    SecurityGroup {
        /// The VPC.
        vpc: VpcIdx,
        /// The group.
        group: usize,
    },
    /// The destination instance.
    Destination {
        /// Its VPC.
        vpc: VpcIdx,
        /// Its index.
        instance: usize,
    },
    /// Leaving through the VPC's internet gateway.
    InternetGateway {
        /// The VPC.
        vpc: VpcIdx,
    },
    /// Out on the internet.
    Internet,
}

/// Why a packet stopped.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum BlockCode {
    /// No route matches the destination.
    NoRoute,
    /// The matching route targets a connection that is failed, rejected, expired or deleted.
    RouteBlackhole,
    /// The matching route targets a connection that has not been accepted yet.
    PeeringNotActive,
    /// The destination is beyond the peer VPC: a peer does not forward (VPC-02).
    NonTransitive,
    /// The destination is outside the peer, toward its gateway: no edge-to-edge routing (VPC-03).
    NoEdgeToEdge,
    /// The destination VPC has no route back through the same connection (VPC-13, VPC-15).
    NoReturnRoute,
    /// The destination's security group has no rule admitting the packet.
    SgDeny,
    /// Nothing has the destination address.
    NoDestination,
}

impl BlockCode {
    /// The code as events and tests show it, e.g. `NON_TRANSITIVE`.
    pub fn code(self) -> &'static str {
        match self {
            BlockCode::NoRoute => "NO_ROUTE",
            BlockCode::RouteBlackhole => "ROUTE_BLACKHOLE",
            BlockCode::PeeringNotActive => "PEERING_NOT_ACTIVE",
            BlockCode::NonTransitive => "NON_TRANSITIVE",
            BlockCode::NoEdgeToEdge => "NO_EDGE_TO_EDGE",
            BlockCode::NoReturnRoute => "NO_RETURN_ROUTE",
            BlockCode::SgDeny => "SG_DENY",
            BlockCode::NoDestination => "NO_DESTINATION",
        }
    }
}

/// How a trace ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// It reached the destination (and replies can come back).
    Arrived,
    /// It stopped at the last hop of the path.
    Blocked(BlockCode),
}

impl Verdict {
    /// `ARRIVED` or the block's code.
    pub fn code(self) -> &'static str {
        match self {
            Verdict::Arrived => "ARRIVED",
            Verdict::Blocked(b) => b.code(),
        }
    }
}

/// A traced packet: its path so far and how it ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PacketTrace {
    /// What was sent.
    pub packet: Packet,
    /// The hops it took; when blocked, the last one is where it stopped.
    pub hops: Vec<Hop>,
    /// How it ended.
    pub verdict: Verdict,
}

/// A trace in words: what happened, why, and what to change.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Explanation {
    /// `ARRIVED` or the reason code.
    pub code: &'static str,
    /// One sentence: what happened and why.
    pub why: String,
    /// The change that lets the packet through, when it was blocked.
    pub fix: Option<String>,
}

impl Network {
    /// Traces `packet` (see the module docs). `packet` must name an existing instance.
    pub fn trace(&self, packet: Packet) -> PacketTrace {
        let mut hops = Vec::with_capacity(6);
        let verdict = self.follow(packet, &mut hops);
        PacketTrace { packet, hops, verdict }
    }

    fn follow(&self, packet: Packet, hops: &mut Vec<Hop>) -> Verdict {
        let blocked = Verdict::Blocked;
        let src_vpc = &self.vpcs[packet.vpc];
        hops.push(Hop::Source { vpc: packet.vpc, instance: packet.instance });
        let route = src_vpc.route_for(packet.dst);
        hops.push(Hop::RouteTable { vpc: packet.vpc, route });
        let Some(route) = route else { return blocked(BlockCode::NoRoute) };
        let (dst_vpc, pcx) = match route.target {
            Target::Local => (packet.vpc, None),
            Target::InternetGateway => {
                hops.push(Hop::InternetGateway { vpc: packet.vpc });
                if !is_public(packet.dst) {
                    return blocked(BlockCode::NoRoute);
                }
                hops.push(Hop::Internet);
                return Verdict::Arrived;
            }
            Target::Peering(pcx) => {
                hops.push(Hop::Peering { pcx });
                let p = &self.peerings[pcx];
                match p.state {
                    PeeringState::Active => {}
                    PeeringState::InitiatingRequest | PeeringState::PendingAcceptance => {
                        return blocked(BlockCode::PeeringNotActive)
                    }
                    _ => return blocked(BlockCode::RouteBlackhole),
                }
                let Some(peer) = p.other(packet.vpc) else { return blocked(BlockCode::RouteBlackhole) };
                if !self.vpcs[peer].contains(packet.dst) {
                    return blocked(if self.vpc_containing(packet.dst).is_some() || !is_public(packet.dst) {
                        BlockCode::NonTransitive
                    } else {
                        BlockCode::NoEdgeToEdge
                    });
                }
                (peer, Some(pcx))
            }
        };
        let dst = &self.vpcs[dst_vpc];
        let Some(instance) = dst.instance_at(packet.dst) else { return blocked(BlockCode::NoDestination) };
        let src_ip = src_vpc.instances[packet.instance].ip;
        if let Some(pcx) = pcx {
            let back = dst.route_for(src_ip);
            hops.push(Hop::ReturnRoute { vpc: dst_vpc, route: back });
            if back.is_none_or(|r| r.target != Target::Peering(pcx)) {
                return blocked(BlockCode::NoReturnRoute);
            }
        }
        let group = dst.instances[instance].group;
        hops.push(Hop::SecurityGroup { vpc: dst_vpc, group });
        if !self.admits(packet, dst_vpc, group, src_ip) {
            return blocked(BlockCode::SgDeny);
        }
        hops.push(Hop::Destination { vpc: dst_vpc, instance });
        Verdict::Arrived
    }

    /// `true` when a rule of the group admits the packet from `src_ip`.
    fn admits(&self, packet: Packet, vpc: VpcIdx, group: usize, src_ip: Ipv4Addr) -> bool {
        let src_group = self.vpcs[packet.vpc].instances[packet.instance].group;
        self.vpcs[vpc].groups[group].rules.iter().any(|rule| {
            rule.covers(packet.protocol, packet.port)
                && (cidr_allows(&rule.source, src_ip)
                    || matches!(rule.source, Source::Group(v, g) if v == packet.vpc && g == src_group
                        && (v == vpc || self.group_reference_live(v, vpc))))
        })
    }

    /// A rule in `vpc` referencing a group of `peer` works over an active connection in one
    /// Region (VPC-16); otherwise the reference is stale.
    fn group_reference_live(&self, peer: VpcIdx, vpc: VpcIdx) -> bool {
        self.vpcs[peer].region == self.vpcs[vpc].region && self.active_between(peer, vpc).is_some()
    }

    /// A hop as a short label: `Route table rtb-a: 10.1.0.0/16 → pcx-ab`.
    pub fn hop_label(&self, hop: &Hop) -> String {
        let route_text = |vpc: VpcIdx, route: &Option<Route>| match route {
            Some(r) => format!("{} → {}", r.destination, self.target_name(vpc, r.target)),
            None => "no matching route".to_owned(),
        };
        match *hop {
            Hop::Source { vpc, instance } | Hop::Destination { vpc, instance } => {
                let (v, i) = (&self.vpcs[vpc], &self.vpcs[vpc].instances[instance]);
                format!("{}/{} {}", v.name, i.name, i.ip)
            }
            Hop::RouteTable { vpc, route } => {
                format!("Route table {}: {}", self.vpcs[vpc].route_table_id(), route_text(vpc, &route))
            }
            Hop::Peering { pcx } => {
                let p = &self.peerings[pcx];
                format!(
                    "{} ({}, {} ↔ {})",
                    p.id,
                    p.state.code(),
                    self.vpcs[p.requester].name,
                    self.vpcs[p.accepter].name
                )
            }
            Hop::ReturnRoute { vpc, route } => {
                format!("Replies: route table {}: {}", self.vpcs[vpc].route_table_id(), route_text(vpc, &route))
            }
            Hop::SecurityGroup { vpc, group } => format!("Security group {}", self.vpcs[vpc].groups[group].id),
            Hop::InternetGateway { vpc } => format!("Internet gateway {}", self.vpcs[vpc].igw_id()),
            Hop::Internet => "The internet".to_owned(),
        }
    }

    /// What happened to a traced packet, why, and the fix.
    pub fn explain(&self, trace: &PacketTrace) -> Explanation {
        let packet = trace.packet;
        let src = &self.vpcs[packet.vpc];
        let src_inst = &src.instances[packet.instance];
        let dst_ip = packet.dst;
        let target_vpc = self.vpc_for_address(dst_ip);
        let what = match packet.protocol {
            p if p.has_ports() => format!("{} {}", p.name(), packet.port),
            p => p.name().to_owned(),
        };
        let Verdict::Blocked(code) = trace.verdict else {
            let to = match trace.hops.last() {
                Some(Hop::Internet) => format!("the internet through {}", src.igw_id()),
                Some(Hop::Destination { vpc, instance }) => {
                    format!("{}/{}", self.vpcs[*vpc].name, self.vpcs[*vpc].instances[*instance].name)
                }
                _ => dst_ip.to_string(),
            };
            return Explanation {
                code: "ARRIVED",
                why: format!("{what} from {}/{} reached {to}, and replies have a route back.", src.name, src_inst.name),
                fix: None,
            };
        };
        let pcx_hop = trace.hops.iter().find_map(|h| match h {
            Hop::Peering { pcx } => Some(*pcx),
            _ => None,
        });
        let out_route = trace.hops.iter().find_map(|h| match h {
            Hop::RouteTable { route, .. } => *route,
            _ => None,
        });
        let rtb = format!("VPC {}'s table ({})", src.name, src.route_table_id());
        let (why, fix) = match code {
            BlockCode::NoRoute => self.no_route_text(trace, target_vpc),
            BlockCode::RouteBlackhole | BlockCode::PeeringNotActive => {
                let pcx = pcx_hop.unwrap_or_default();
                let p = &self.peerings[pcx];
                let acc = &self.vpcs[p.accepter];
                let peer = p.other(packet.vpc).unwrap_or(p.accepter);
                let dest = out_route.map(|r| r.destination.to_string()).unwrap_or_default();
                if code == BlockCode::PeeringNotActive {
                    (
                        format!("The route sends {dst_ip} to {}, which is {}: no traffic flows until it is accepted (its route shows blackhole).", p.id, p.state.code()),
                        format!("Accept {} as the owner of VPC {} (account {}, {}) before it expires 7 days after the request.", p.id, acc.name, acc.account, acc.region),
                    )
                } else {
                    let fix = if let Some((a, b)) = self.overlap_of(pcx) {
                        format!("VPC {} and VPC {} overlap ({a} and {b}), so they cannot peer again: renumber one of them, then request a new connection and replace the route {dest} → {} with it.", src.name, self.vpcs[peer].name, p.id)
                    } else if let Some(q) = self.live_between(packet.vpc, peer) {
                        let q = &self.peerings[q];
                        let accept = if q.state == PeeringState::Active {
                            String::new()
                        } else {
                            format!(" (and accept {})", q.id)
                        };
                        format!("Replace the route {dest} → {} in {rtb} with {}{accept}.", p.id, q.id)
                    } else {
                        format!("Request a new peering connection {} → {}, accept it, and replace the route {dest} → {} in {rtb} with it.", src.name, self.vpcs[peer].name, p.id)
                    };
                    (
                        format!(
                            "The route sends {dst_ip} to {}, which is {}: the route is a blackhole.",
                            p.id,
                            p.state.code()
                        ),
                        fix,
                    )
                }
            }
            BlockCode::NonTransitive => {
                let p = &self.peerings[pcx_hop.unwrap_or_default()];
                let peer = &self.vpcs[p.other(packet.vpc).unwrap_or(p.accepter)];
                let beyond = target_vpc.map_or_else(|| format!("{dst_ip}"), |d| format!("VPC {}", self.vpcs[d].name));
                let dest = out_route.map(|r| r.destination.to_string()).unwrap_or_default();
                let src_block = src.block_of(src_inst.ip).map(|b| b.to_string()).unwrap_or_default();
                let fix = match target_vpc {
                    Some(d) => {
                        let dv = &self.vpcs[d];
                        if let Some(q) = self.live_between(packet.vpc, d) {
                            let q = &self.peerings[q];
                            let accept = if q.state == PeeringState::Active {
                                String::new()
                            } else {
                                format!(", accept {}", q.id)
                            };
                            format!("{} already joins {} and {}: replace the route {dest} → {} in {rtb} with {}{accept}, and make sure {} routes {src_block} back to it.", q.id, src.name, dv.name, p.id, q.id, dv.name)
                        } else if let Some((a, b)) = super::cidr::first_overlap(&src.cidrs, &dv.cidrs) {
                            format!("VPC {} ({a}) and VPC {} ({b}) overlap, so they cannot peer, and no path through {} works: renumber one of them.", src.name, dv.name, peer.name)
                        } else {
                            format!("Peer {} with {} directly and accept it; then replace the route {dest} → {} in {rtb} with the new connection, and route {src_block} to it in {}'s table.", src.name, dv.name, p.id, dv.name)
                        }
                    }
                    None => format!("{dst_ip} is in no VPC: pick an address inside {}'s blocks.", peer.name),
                };
                (
                    format!("{} ends in VPC {}, but {dst_ip} is in {beyond}: a VPC does not forward traffic from one peering connection to another (peering is not transitive).", p.id, peer.name),
                    fix,
                )
            }
            BlockCode::NoEdgeToEdge => {
                let p = &self.peerings[pcx_hop.unwrap_or_default()];
                let peer = &self.vpcs[p.other(packet.vpc).unwrap_or(p.accepter)];
                let gateway =
                    if peer.igw { format!(" to its internet gateway {}", peer.igw_id()) } else { String::new() };
                let dest = out_route.map(|r| r.destination).unwrap_or_default();
                let fix = match (dest.prefix_len() == 0, src.igw) {
                    (true, true) => format!("Replace the route 0.0.0.0/0 → {} in {rtb} with {}.", p.id, src.igw_id()),
                    (true, false) => format!("Attach an internet gateway to VPC {}, then replace the route 0.0.0.0/0 → {} in {rtb} with it.", src.name, p.id),
                    (false, true) => format!("Delete the route {dest} → {} in {rtb}; internet traffic then takes 0.0.0.0/0 → {} (add that route if it is missing).", p.id, src.igw_id()),
                    (false, false) => format!("Delete the route {dest} → {} in {rtb}, attach an internet gateway to VPC {} and route 0.0.0.0/0 → it.", p.id, src.name),
                };
                (
                    format!("{} ends in VPC {}, and {dst_ip} is outside it: {} does not pass peered traffic on{gateway} (no edge-to-edge routing).", p.id, peer.name, peer.name),
                    fix,
                )
            }
            BlockCode::NoReturnRoute => {
                let p = &self.peerings[pcx_hop.unwrap_or_default()];
                let back = trace.hops.iter().find_map(|h| match h {
                    Hop::ReturnRoute { vpc, route } => Some((*vpc, *route)),
                    _ => None,
                });
                let (dvpc, route) = back.unwrap_or((p.accepter, None));
                let d = &self.vpcs[dvpc];
                let src_block = src.block_of(src_inst.ip);
                match route {
                    None => (
                        format!("The packet reaches VPC {}, but its route table has no route back to {}: the replies are dropped.", d.name, src_inst.ip),
                        format!("Add a route {} → {} in VPC {}'s route table ({}).", src_block.map(|b| b.to_string()).unwrap_or_default(), p.id, d.name, d.route_table_id()),
                    ),
                    Some(r) => {
                        // The shortest block around the source that still beats the stray route.
                        let subnet = src.subnets.get(src_inst.subnet).map(|s| s.cidr);
                        let longer = [src_block, subnet]
                            .into_iter()
                            .flatten()
                            .find(|c| c.prefix_len() > r.destination.prefix_len())
                            .or_else(|| {
                                let len = r.destination.prefix_len() + 1;
                                (len <= 32).then(|| ipnet::Ipv4Net::new(src_inst.ip, len).map(|n| n.trunc()).ok()).flatten()
                            });
                        let fix = match longer {
                            Some(more) => format!("Add a more specific route {more} → {} in VPC {}'s route table.", p.id, d.name),
                            None => format!("Replace the route {} → {} in VPC {}'s route table with {}.", r.destination, self.target_name(dvpc, r.target), d.name, p.id),
                        };
                        (
                            format!("The packet reaches VPC {}, but its table sends replies for {} to {} (route {}), not back through {}: they go astray.", d.name, src_inst.ip, self.target_name(dvpc, r.target), r.destination, p.id),
                            fix,
                        )
                    }
                }
            }
            BlockCode::SgDeny => {
                let (dvpc, inst) = match trace.hops.iter().rev().find_map(|h| match h {
                    Hop::SecurityGroup { vpc, .. } => Some(*vpc),
                    _ => None,
                }) {
                    Some(v) => (v, self.vpcs[v].instance_at(dst_ip).unwrap_or_default()),
                    None => (packet.vpc, 0),
                };
                let d = &self.vpcs[dvpc];
                let i = &d.instances[inst];
                let g = &d.groups[i.group];
                let src_group = &src.groups[src_inst.group].name;
                let from = if dvpc == packet.vpc {
                    format!(
                        "from group {src_group} (or {})",
                        src.block_of(src_inst.ip).map(|b| b.to_string()).unwrap_or_default()
                    )
                } else if self.group_reference_live(packet.vpc, dvpc) {
                    format!(
                        "from {} (or the group {}/{src_group})",
                        src.block_of(src_inst.ip).map(|b| b.to_string()).unwrap_or_default(),
                        src.name
                    )
                } else {
                    format!("from {}", src.block_of(src_inst.ip).map(|b| b.to_string()).unwrap_or_default())
                };
                (
                    format!(
                        "The packet reaches {}/{}, but security group {} has no inbound rule for {what} from {}.",
                        d.name, i.name, g.id, src_inst.ip
                    ),
                    format!("Add an inbound rule to {} ({}/{}): {what} {from}.", g.id, d.name, g.name),
                )
            }
            BlockCode::NoDestination => {
                // Where the packet ended: its own VPC (local route) or the peer.
                let at = pcx_hop.and_then(|p| self.peerings[p].other(packet.vpc)).unwrap_or(packet.vpc);
                let d = &self.vpcs[at];
                let list: Vec<String> = d.instances.iter().map(|i| format!("{} {}", i.name, i.ip)).collect();
                let elsewhere = self
                    .live_vpcs()
                    .find(|(i, v)| *i != at && v.instance_at(dst_ip).is_some())
                    .map(|(_, v)| v.name.clone());
                let via = pcx_hop.map(|p| &self.peerings[p]);
                let elsewhere_idx =
                    self.live_vpcs().find(|(i, v)| *i != at && v.instance_at(dst_ip).is_some()).map(|(i, _)| i);
                let detour = via.zip(elsewhere_idx).and_then(|(p, e)| {
                    let q = self.live_between(packet.vpc, e)?;
                    let subnet = self.vpcs[e].subnets.iter().find(|s| s.cidr.contains(&dst_ip))?.cidr;
                    Some((p, &self.peerings[q], subnet, &self.vpcs[e]))
                });
                match (detour, elsewhere) {
                    (Some((p, q, subnet, e)), _) => (
                        format!("{}'s table sends {dst_ip} through {} to VPC {}, which has no instance there; the instance with that address is in VPC {}, whose blocks overlap {}'s.", src.name, p.id, d.name, e.name, d.name),
                        format!("Add a more specific route {subnet} → {} in {rtb}, so traffic for that subnet takes the connection to {}.", q.id, e.name),
                    ),
                    (None, Some(other)) => (
                        format!("{dst_ip} is inside VPC {}'s own blocks, so the packet stays in {} and finds no instance there — the instance with that address is in VPC {other}, whose blocks overlap.", d.name, d.name),
                        format!("Overlapping VPCs cannot reach each other: renumber {other} (or {}) so their blocks do not overlap, then peer them.", d.name),
                    ),
                    (None, None) => (
                        format!("No instance has the address {dst_ip} in VPC {}.", d.name),
                        if list.is_empty() { "Send to an instance's address.".to_owned() } else { format!("Send to an instance's address: {}.", list.join(", ")) },
                    ),
                }
            }
        };
        Explanation { code: code.code(), why, fix: Some(fix) }
    }

    fn no_route_text(&self, trace: &PacketTrace, target_vpc: Option<VpcIdx>) -> (String, String) {
        let packet = trace.packet;
        let src = &self.vpcs[packet.vpc];
        let dst_ip = packet.dst;
        let via_igw = matches!(trace.hops.last(), Some(Hop::InternetGateway { .. }));
        let Some(d) = target_vpc else {
            if is_public(dst_ip) {
                let fix = if src.igw {
                    format!("Add a route 0.0.0.0/0 → {} in VPC {}'s route table.", src.igw_id(), src.name)
                } else {
                    format!("Attach an internet gateway to VPC {} and add a route 0.0.0.0/0 → it.", src.name)
                };
                return (format!("VPC {}'s route table has no route for {dst_ip}.", src.name), fix);
            }
            let blocks: Vec<String> = self
                .live_vpcs()
                .map(|(_, v)| {
                    format!("{} {}", v.name, v.cidrs.iter().map(ToString::to_string).collect::<Vec<_>>().join(" "))
                })
                .collect();
            return (
                format!("{dst_ip} is a private address outside every VPC's CIDR blocks, so nothing routes to it."),
                format!("Pick an address inside a VPC: {}.", blocks.join("; ")),
            );
        };
        let dv = &self.vpcs[d];
        let block = dv.block_of(dst_ip).map(|b| b.to_string()).unwrap_or_default();
        let why = if via_igw {
            format!("{dst_ip} is a private address in VPC {}: the internet gateway cannot reach it.", dv.name)
        } else {
            format!("VPC {}'s route table has no route for {dst_ip} (in VPC {}, {block}).", src.name, dv.name)
        };
        let fix = if let Some(p) = self.live_between(packet.vpc, d) {
            let p = &self.peerings[p];
            let accept =
                if p.state == PeeringState::Active { String::new() } else { format!(" (and accept {} first)", p.id) };
            format!(
                "Add a route {block} → {} in VPC {}'s route table ({}){accept}.",
                p.id,
                src.name,
                src.route_table_id()
            )
        } else if let Some((a, b)) = super::cidr::first_overlap(&src.cidrs, &dv.cidrs) {
            format!(
                "VPC {} ({a}) and VPC {} ({b}) overlap, so they cannot peer at all: renumber one of them.",
                src.name, dv.name
            )
        } else {
            let middle = self
                .live_vpcs()
                .find(|(m, _)| self.active_between(packet.vpc, *m).is_some() && self.active_between(*m, d).is_some());
            let hint = middle
                .map(|(_, m)| format!(" Going through {} does not work: peering is not transitive.", m.name))
                .unwrap_or_default();
            format!(
                "Request a peering connection {} → {}, accept it, then add routes in both tables.{hint}",
                src.name, dv.name
            )
        };
        (why, fix)
    }
}
