//! A VPC scenario: the operation log that builds the network, and the packet to send. A preset,
//! a link and a `nimbus run` file (`"kind": "vpc"`) all carry one.

use serde::{Deserialize, Serialize};

use super::network::Network;
use super::op::Op;
use super::security_group::Protocol;
use super::tracer::Packet;
use super::VpcError;
use crate::scenario::{current_version, ConfigError};

/// Longest operation log a scenario may carry.
pub const MAX_OPS: usize = 400;
/// Most VPCs a scenario may create: what the playground's diagram and reachability matrix show
/// (a bound of Nimbus; an account has up to five per Region by default, more on request).
pub const MAX_SCENARIO_VPCS: usize = 8;

/// How many VPCs `ops` create (a create AWS refuses counts too: the bound is on what is asked).
pub fn vpcs_created(ops: &[Op]) -> usize {
    ops.iter().filter(|op| matches!(op, Op::Vpc { .. })).count()
}

/// The packet a scenario sends: from an instance (`A/web`) to an address and port.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PacketSpec {
    /// `VPC/instance`.
    pub from: String,
    /// The destination address.
    pub to: String,
    /// `tcp`, `udp`, `icmp` or `all`.
    #[serde(default = "default_protocol")]
    pub protocol: String,
    /// The destination port.
    #[serde(default = "default_port")]
    pub port: u16,
}

fn default_protocol() -> String {
    "tcp".to_owned()
}

fn default_port() -> u16 {
    443
}

impl Default for PacketSpec {
    fn default() -> Self {
        PacketSpec { from: String::new(), to: String::new(), protocol: default_protocol(), port: default_port() }
    }
}

/// A network as its operation log, plus a packet.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VpcScenario {
    /// Format version.
    #[serde(default = "current_version")]
    pub v: u32,
    /// The operations, in order (`"peer A B"`).
    pub ops: Vec<Op>,
    /// The packet to trace.
    #[serde(default)]
    pub packet: PacketSpec,
}

impl VpcScenario {
    /// Replays the log: the network, and each operation AWS refused (by its index), skipped.
    pub fn build(&self) -> (Network, Vec<(usize, VpcError)>) {
        let mut net = Network::new();
        let mut refused = Vec::new();
        for (i, op) in self.ops.iter().enumerate() {
            if let Err(e) = net.apply(op) {
                refused.push((i, e));
            }
        }
        (net, refused)
    }

    /// Checks a scenario read from a file: every operation applies and the packet resolves.
    pub fn validate(&self) -> Result<(), ConfigError> {
        if self.ops.len() > MAX_OPS {
            return Err(ConfigError::OutOfRange {
                field: "ops".into(),
                value: format!("{} operations", self.ops.len()),
                allowed: format!("0–{MAX_OPS}"),
            });
        }
        let vpcs = vpcs_created(&self.ops);
        if vpcs > MAX_SCENARIO_VPCS {
            return Err(ConfigError::OutOfRange {
                field: "ops".into(),
                value: format!("{vpcs} VPCs"),
                allowed: format!("1–{MAX_SCENARIO_VPCS} VPCs, what the diagram shows"),
            });
        }
        let (net, refused) = self.build();
        if let Some((i, e)) = refused.first() {
            return Err(ConfigError::Invalid {
                field: format!("ops[{i}]"),
                value: self.ops[*i].to_string(),
                rule: e.to_string(),
            });
        }
        if !self.packet.from.is_empty() {
            resolve_packet(&net, &self.packet).map_err(|why| ConfigError::Invalid {
                field: "packet".into(),
                value: self.packet.from.clone(),
                rule: why,
            })?;
        }
        Ok(())
    }
}

/// Resolves a packet's source instance, address and protocol in `net`; the error says which
/// part is wrong and what exists.
pub fn resolve_packet(net: &Network, spec: &PacketSpec) -> Result<Packet, String> {
    let (vpc_name, inst_name) = spec
        .from
        .split_once('/')
        .ok_or_else(|| format!("\u{201c}{}\u{201d} is not an instance: write VPC/instance, e.g. A/web.", spec.from))?;
    let vpc = net.vpc_named(vpc_name).ok_or_else(|| format!("There is no VPC {vpc_name}."))?;
    let instance = net.vpcs[vpc]
        .instances
        .iter()
        .position(|i| i.name == inst_name)
        .ok_or_else(|| format!("VPC {vpc_name} has no instance {inst_name}."))?;
    let dst = super::parse_ip(&spec.to)?;
    let protocol = Protocol::parse(&spec.protocol)?;
    if protocol == Protocol::All {
        return Err("A packet has one protocol: tcp, udp or icmp.".to_owned());
    }
    Ok(Packet { vpc, instance, dst, protocol, port: spec.port })
}
