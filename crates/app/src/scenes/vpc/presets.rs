//! The VPC presets: small networks, each showing one rule of VPC peering, with the packet that
//! shows it.

use engine::vpc::{Op, PacketSpec, VpcScenario};

use crate::scenes::preset::Preset;

/// All presets, in picker order.
pub const PRESETS: [Preset<VpcScenario>; 8] = [
    Preset {
        key: "non-transitive",
        name: "Peering is not transitive",
        explanation: "A is peered with B, and B with C. A's route table even sends C's block (10.2.0.0/16) to pcx-ab, but B does not forward traffic from one peering connection to another: the packet stops at B with NON_TRANSITIVE. Request a peering A → C, accept it, point A's route at pcx-ac and give C a route back, and it arrives.",
        lesson: "A cannot reach C through B: a peering connection carries only its own two VPCs' traffic.",
        proof: &[],
        scenario: non_transitive,
    },
    Preset {
        key: "overlap",
        name: "Overlapping CIDRs fail",
        explanation: "B's block 10.0.128.0/17 lies inside A's 10.0.0.0/16. Requesting the peering is not an error: the connection is created and goes straight to failed, and no route can target it. A packet from A to B's address never even leaves A: the address is inside A's own block. Overlapping VPCs can never peer (any overlapping block counts); renumber one of them. C, which does not overlap, peers with A fine.",
        lesson: "Two VPCs with overlapping CIDR blocks cannot be peered: the request fails.",
        proof: &[],
        scenario: overlap,
    },
    Preset {
        key: "return-route",
        name: "Missing return route",
        explanation: "A and B are peered and A routes B's block to pcx-ab, so the request reaches B, but B's route table has no route back to 10.0.0.0/16: the replies are dropped (NO_RETURN_ROUTE). Routing is needed on both sides; add 10.0.0.0/16 → pcx-ab in B's table.",
        lesson: "Traffic needs a route back: without one in the peer's table, replies are lost.",
        proof: &[],
        scenario: return_route,
    },
    Preset {
        key: "hub-spoke",
        name: "Shared services VPC (hub and spoke)",
        explanation: "Shared is peered with each spoke: 3 connections, 3 routes in Shared's table and one in each spoke's. Every spoke reaches the shared service, but the spokes cannot reach one another through the hub (see which pairs can talk). Send from A to B's app (10.2.1.10) to see why.",
        lesson: "Spokes peered with a hub reach the hub, but never each other through it.",
        proof: &[],
        scenario: hub_spoke,
    },
    Preset {
        key: "mesh-5",
        name: "Full mesh of 5 VPCs",
        explanation: "Every pair of five VPCs has its own connection: 5·4/2 = 10 connections and 4 routes in each table. Every pair can talk. A full mesh grows as n(n−1)/2 — 45 connections for 10 VPCs — which is when a Transit Gateway becomes the simpler choice.",
        lesson: "A full mesh of n VPCs needs n(n−1)/2 peering connections and a route for each.",
        proof: &[],
        scenario: mesh_5,
    },
    Preset {
        key: "edge-to-edge",
        name: "No edge-to-edge routing through a peer's internet gateway",
        explanation: "A has an internet gateway; B has none and routes 0.0.0.0/0 to pcx-ab, hoping to use A's. The packet crosses the peering, and A drops it: a peer's internet gateway, NAT device, VPN or gateway endpoint is never reachable through a peering (NO_EDGE_TO_EDGE). B needs its own gateway.",
        lesson: "A peer cannot use your internet gateway, NAT or VPN: no edge-to-edge routing.",
        proof: &[],
        scenario: edge_to_edge,
    },
    Preset {
        key: "sg-blocks",
        name: "Security group blocks the peer",
        explanation: "Routes are right both ways, but B's database group admits TCP 5432 only from B's own app group. A's app is turned away by the security group (SG_DENY). Add an inbound rule from 10.0.0.0/16, or from A's group A/app — referencing a peer's group works over an active peering in the same Region.",
        lesson: "Routes alone are not enough: the destination's security group must allow the traffic.",
        proof: &[],
        scenario: sg_blocks,
    },
    Preset {
        key: "pending",
        name: "Pending acceptance, across accounts and Regions",
        explanation: "A (account 111111111111, us-east-1) requested a peering with B (account 222222222222, eu-west-1). Routes already point at pcx-ab but show blackhole: until B's owner accepts — in B's Region — nothing flows (PEERING_NOT_ACTIVE). Accept it, or let 7 days pass and watch it expire.",
        lesson: "A peering request does nothing until the accepter's owner accepts it in its Region.",
        proof: &[],
        scenario: pending,
    },
];

/// A VPC with one subnet, an `app` instance at `.1.10` in an `app` group admitting TCP 443 from
/// 10.0.0.0/8 — the starting point of most presets. `second` is the /16's second octet.
pub fn vpc_lines(name: &str, second: u8) -> Vec<String> {
    vec![
        format!("vpc {name} 10.{second}.0.0/16"),
        format!("subnet {name} main 10.{second}.1.0/24"),
        format!("group {name} app"),
        format!("allow {name} app tcp 443 10.0.0.0/8"),
        format!("instance {name} app 10.{second}.1.10 app"),
    ]
}

fn scenario(lines: &[String], from: &str, to: &str, port: u16) -> VpcScenario {
    VpcScenario {
        v: engine::SCENARIO_VERSION,
        // Presets are written by us and tested to parse; a bad line is skipped, never a panic.
        ops: lines.iter().filter_map(|l| Op::parse(l).ok()).collect(),
        packet: PacketSpec { from: from.into(), to: to.into(), protocol: "tcp".into(), port },
    }
}

fn with(mut lines: Vec<String>, extra: &[&str]) -> Vec<String> {
    lines.extend(extra.iter().map(|l| (*l).to_owned()));
    lines
}

fn abc() -> Vec<String> {
    [vpc_lines("A", 0), vpc_lines("B", 1), vpc_lines("C", 2)].concat()
}

fn non_transitive() -> VpcScenario {
    let lines = with(abc(), &["mesh A B", "mesh B C", "route A 10.2.0.0/16 pcx-ab"]);
    scenario(&lines, "A/app", "10.2.1.10", 443)
}

fn overlap() -> VpcScenario {
    let mut lines = vpc_lines("A", 0);
    lines.extend([
        "vpc B 10.0.128.0/17".to_owned(),
        "subnet B main 10.0.129.0/24".to_owned(),
        "group B app".to_owned(),
        "allow B app tcp 443 10.0.0.0/8".to_owned(),
        "instance B app 10.0.129.10 app".to_owned(),
    ]);
    lines.extend(vpc_lines("C", 2));
    let lines = with(lines, &["peer A B", "mesh A C"]);
    scenario(&lines, "A/app", "10.0.129.10", 443)
}

fn return_route() -> VpcScenario {
    let lines = with(
        [vpc_lines("A", 0), vpc_lines("B", 1)].concat(),
        &["peer A B", "accept pcx-ab", "route A 10.1.0.0/16 pcx-ab"],
    );
    scenario(&lines, "A/app", "10.1.1.10", 443)
}

fn hub_spoke() -> VpcScenario {
    let mut lines = vec![
        "vpc Shared 10.100.0.0/16".to_owned(),
        "subnet Shared main 10.100.1.0/24".to_owned(),
        "group Shared svc".to_owned(),
        "allow Shared svc tcp 443 10.0.0.0/8".to_owned(),
        "instance Shared svc 10.100.1.10 svc".to_owned(),
    ];
    lines.extend([vpc_lines("A", 1), vpc_lines("B", 2), vpc_lines("C", 3)].concat());
    let lines = with(lines, &["hub Shared A B C"]);
    scenario(&lines, "A/app", "10.100.1.10", 443)
}

fn mesh_5() -> VpcScenario {
    let names = ["A", "B", "C", "D", "E"];
    let mut lines: Vec<String> = names.iter().zip(0u8..).flat_map(|(n, i)| vpc_lines(n, i)).collect();
    lines.push(format!("mesh {}", names.join(" ")));
    scenario(&lines, "A/app", "10.4.1.10", 443)
}

fn edge_to_edge() -> VpcScenario {
    let lines = with(
        [vpc_lines("A", 0), vpc_lines("B", 1)].concat(),
        &["igw A", "route A 0.0.0.0/0 igw", "mesh A B", "route B 0.0.0.0/0 pcx-ab"],
    );
    scenario(&lines, "B/app", "93.184.216.34", 443)
}

fn sg_blocks() -> VpcScenario {
    let lines = with(
        [vpc_lines("A", 0), vpc_lines("B", 1)].concat(),
        &["group B db", "allow B db tcp 5432 app", "instance B db 10.1.1.20 db", "mesh A B"],
    );
    scenario(&lines, "A/app", "10.1.1.20", 5432)
}

fn pending() -> VpcScenario {
    let mut lines = vpc_lines("A", 0);
    let mut b = vpc_lines("B", 1);
    b[0] = "vpc B 10.1.0.0/16 account=222222222222 region=eu-west-1".to_owned();
    lines.extend(b);
    let lines = with(lines, &["peer A B", "route A 10.1.0.0/16 pcx-ab", "route B 10.0.0.0/16 pcx-ab"]);
    scenario(&lines, "A/app", "10.1.1.10", 443)
}

#[cfg(test)]
mod tests {
    use super::*;
    use engine::vpc::resolve_packet;

    /// Each preset builds without a refused operation, and its packet shows what its name says.
    #[test]
    fn every_preset_shows_its_rule() {
        let expected = [
            ("non-transitive", "NON_TRANSITIVE"),
            ("overlap", "NO_DESTINATION"),
            ("return-route", "NO_RETURN_ROUTE"),
            ("hub-spoke", "ARRIVED"),
            ("mesh-5", "ARRIVED"),
            ("edge-to-edge", "NO_EDGE_TO_EDGE"),
            ("sg-blocks", "SG_DENY"),
            ("pending", "PEERING_NOT_ACTIVE"),
        ];
        for (preset, (key, code)) in PRESETS.iter().zip(expected) {
            assert_eq!(preset.key, key);
            let scenario = (preset.scenario)();
            assert!(scenario.validate().is_ok(), "{key}: {:?}", scenario.validate());
            let (net, refused) = scenario.build();
            assert!(refused.is_empty(), "{key}: {refused:?}");
            let packet = resolve_packet(&net, &scenario.packet).expect(key);
            assert_eq!(net.trace(packet).verdict.code(), code, "{key}");
        }
        let (net, _) = overlap().build();
        assert_eq!(net.peerings[0].state.code(), "failed");
        assert_eq!(net.peerings.len(), 2);
    }
}
