//! A VPC's route table: the local routes (one per CIDR block), routes to peering connections
//! and to the internet gateway, chosen by longest-prefix match (VPC-14).

use std::net::Ipv4Addr;

use super::cidr::Cidr;

/// Where a route sends matching packets.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Target {
    /// Within the VPC.
    Local,
    /// The VPC's internet gateway.
    InternetGateway,
    /// A peering connection, by index in the network's list.
    Peering(usize),
}

/// A route's state as `DescribeRouteTables` shows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RouteState {
    /// Its target can carry traffic.
    Active,
    /// Its target cannot: a peering connection that is not (or no longer) active (VPC-13).
    Blackhole,
}

impl RouteState {
    /// `active` or `blackhole`.
    pub fn code(self) -> &'static str {
        match self {
            RouteState::Active => "active",
            RouteState::Blackhole => "blackhole",
        }
    }
}

/// One route.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Route {
    /// The destination block.
    pub destination: Cidr,
    /// Where it sends packets.
    pub target: Target,
}

/// The routes a VPC added; the local routes come from its CIDR blocks and are not stored.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RouteTable {
    /// In the order they were added (the table view sorts them).
    pub routes: Vec<Route>,
}

impl RouteTable {
    /// The route for `ip`: the most specific destination containing it, local blocks included.
    /// Destinations are unique and a route cannot be as specific as a local block, so there are
    /// no ties.
    pub fn lookup(&self, local: &[Cidr], ip: Ipv4Addr) -> Option<Route> {
        let mut best: Option<Route> = None;
        let candidates =
            local.iter().map(|c| Route { destination: *c, target: Target::Local }).chain(self.routes.iter().copied());
        for route in candidates {
            if route.destination.contains(&ip)
                && best.is_none_or(|b| route.destination.prefix_len() > b.destination.prefix_len())
            {
                best = Some(route);
            }
        }
        best
    }

    /// The route with exactly this destination.
    pub fn find(&self, destination: Cidr) -> Option<usize> {
        self.routes.iter().position(|r| r.destination == destination)
    }
}
