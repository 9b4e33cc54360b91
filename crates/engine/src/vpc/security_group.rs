//! Security groups: inbound rules by CIDR block or by another group (VPC-16). Outbound traffic
//! is allowed (every group's default egress rule) and groups are stateful, so a reply to an
//! allowed request is allowed; network ACLs are not modelled (their defaults allow everything).

use std::fmt;
use std::net::Ipv4Addr;

use super::cidr::{parse_cidr, Cidr};
use super::network::VpcIdx;

/// A rule's protocol.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Protocol {
    /// TCP.
    Tcp,
    /// UDP.
    Udp,
    /// ICMP (no ports).
    Icmp,
    /// Every protocol (`-1`).
    All,
}

impl Protocol {
    /// `tcp`, `udp`, `icmp` or `all`.
    pub fn name(self) -> &'static str {
        match self {
            Protocol::Tcp => "tcp",
            Protocol::Udp => "udp",
            Protocol::Icmp => "icmp",
            Protocol::All => "all",
        }
    }

    /// Reads a protocol name.
    pub fn parse(text: &str) -> Result<Protocol, String> {
        match text.trim().to_ascii_lowercase().as_str() {
            "tcp" => Ok(Protocol::Tcp),
            "udp" => Ok(Protocol::Udp),
            "icmp" => Ok(Protocol::Icmp),
            "all" | "-1" => Ok(Protocol::All),
            other => Err(format!("\u{201c}{other}\u{201d} is not a protocol: use tcp, udp, icmp or all.")),
        }
    }

    /// `true` when the protocol has ports.
    pub fn has_ports(self) -> bool {
        matches!(self, Protocol::Tcp | Protocol::Udp)
    }
}

/// A port range, inclusive.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PortRange {
    /// First port.
    pub from: u16,
    /// Last port.
    pub to: u16,
}

impl PortRange {
    /// Every port.
    pub const ALL: PortRange = PortRange { from: 0, to: 65_535 };

    /// Reads `443`, `8000-8080` or `all`.
    pub fn parse(text: &str) -> Result<PortRange, String> {
        let text = text.trim();
        if text == "all" {
            return Ok(PortRange::ALL);
        }
        let port = |t: &str| {
            t.trim().parse::<u16>().map_err(|_| {
                format!("\u{201c}{text}\u{201d} is not a port or range: use a port from 0 to 65535, 8000-8080 or all.")
            })
        };
        let (from, to) = match text.split_once('-') {
            Some((a, b)) => (port(a)?, port(b)?),
            None => (port(text)?, port(text)?),
        };
        if from > to {
            return Err(format!("The range {text} ends before it starts: write the lower port first."));
        }
        Ok(PortRange { from, to })
    }

    fn contains(self, port: u16) -> bool {
        (self.from..=self.to).contains(&port)
    }
}

impl fmt::Display for PortRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if *self == PortRange::ALL {
            f.write_str("all")
        } else if self.from == self.to {
            write!(f, "{}", self.from)
        } else {
            write!(f, "{}-{}", self.from, self.to)
        }
    }
}

/// Where a rule lets traffic come from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Source {
    /// Any address in this block.
    Cidr(Cidr),
    /// Any instance in this group: `(VPC, group index)`; across a peering only in the same
    /// Region and while the connection is active (VPC-16).
    Group(VpcIdx, usize),
}

/// One inbound rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Rule {
    /// Its protocol.
    pub protocol: Protocol,
    /// Its ports (ignored for ICMP and all).
    pub ports: PortRange,
    /// Who may connect.
    pub source: Source,
}

impl Rule {
    /// `true` when the rule covers this protocol and port (the source is checked by the caller,
    /// which knows the peerings).
    pub fn covers(&self, protocol: Protocol, port: u16) -> bool {
        match self.protocol {
            Protocol::All => true,
            p if p != protocol => false,
            p if p.has_ports() => self.ports.contains(port),
            _ => true,
        }
    }
}

/// A security group.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SecurityGroup {
    /// Its name, unique in its VPC (`web`).
    pub name: String,
    /// `sg-…`: derived from the VPC's and the group's names.
    pub id: String,
    /// Inbound rules.
    pub rules: Vec<Rule>,
}

/// Reads a rule's source: a CIDR block, or `VPC/group` (or `group` in the same VPC) resolved by
/// `group`.
pub(crate) fn parse_source(
    text: &str,
    group: impl Fn(&str, &str) -> Option<(VpcIdx, usize)>,
    own_vpc: &str,
) -> Result<Source, String> {
    let text = text.trim();
    if text.chars().next().is_some_and(|c| c.is_ascii_digit()) {
        return parse_cidr(text).map(Source::Cidr);
    }
    let (vpc, name) = text.split_once('/').unwrap_or((own_vpc, text));
    group(vpc, name).map(|(v, g)| Source::Group(v, g)).ok_or_else(|| {
        format!("The security group '{text}' does not exist: write a CIDR block (10.1.0.0/16) or VPC/group (B/web).")
    })
}

/// `true` when `ip` falls in the rule's block (group sources are matched by the tracer).
pub(crate) fn cidr_allows(source: &Source, ip: Ipv4Addr) -> bool {
    matches!(source, Source::Cidr(block) if block.contains(&ip))
}
