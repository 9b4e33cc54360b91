//! The VPC model against aws-facts §4 and the tracer's reason codes.

use super::*;
use crate::SimDuration;

/// Builds a network from operation lines; every line must apply.
fn net(lines: &[&str]) -> Network {
    let mut n = Network::new();
    for line in lines {
        let op = Op::parse(line).unwrap_or_else(|e| panic!("{line}: {e}"));
        n.apply(&op).unwrap_or_else(|e| panic!("{line}: {e}"));
    }
    n
}

fn refuse(n: &mut Network, line: &str) -> VpcError {
    let op = Op::parse(line).unwrap_or_else(|e| panic!("{line}: {e}"));
    n.apply(&op).expect_err(line)
}

fn trace(n: &Network, from: &str, to: &str, port: u16) -> (Verdict, PacketTrace) {
    let spec = PacketSpec { from: from.into(), to: to.into(), protocol: "tcp".into(), port };
    let packet = resolve_packet(n, &spec).expect("packet");
    let t = n.trace(packet);
    (t.verdict, t)
}

/// Three VPCs, an instance in each admitting TCP 443 from 10.0.0.0/8, no peerings yet.
const THREE: &[&str] = &[
    "vpc A 10.0.0.0/16",
    "vpc B 10.1.0.0/16",
    "vpc C 10.2.0.0/16",
    "subnet A app 10.0.1.0/24",
    "subnet B app 10.1.1.0/24",
    "subnet C app 10.2.1.0/24",
    "group A web",
    "group B web",
    "group C web",
    "allow A web tcp 443 10.0.0.0/8",
    "allow B web tcp 443 10.0.0.0/8",
    "allow C web tcp 443 10.0.0.0/8",
    "instance A a1 10.0.1.10 web",
    "instance B b1 10.1.1.10 web",
    "instance C c1 10.2.1.10 web",
];

fn three(extra: &[&str]) -> Network {
    let lines: Vec<&str> = THREE.iter().chain(extra).copied().collect();
    net(&lines)
}

fn state(n: &Network, id: &str) -> PeeringState {
    n.peerings[n.peering_idx(id).expect("pcx")].state
}

#[test]
fn lifecycle_pending_accept_and_expiry() {
    let mut n = three(&["peer A B", "peer A C"]);
    assert_eq!(state(&n, "pcx-ab"), PeeringState::PendingAcceptance);
    n.apply(&Op::parse("accept pcx-ab").unwrap()).unwrap();
    assert_eq!(state(&n, "pcx-ab"), PeeringState::Active);
    // 7 days pending: expired, and it can no longer be accepted (VPC-08).
    n.advance(SimDuration::from_secs(7 * 24 * 3_600 - 1));
    assert_eq!(state(&n, "pcx-ac"), PeeringState::PendingAcceptance);
    n.advance(SimDuration::from_secs(1));
    assert_eq!(state(&n, "pcx-ac"), PeeringState::Expired);
    assert_eq!(refuse(&mut n, "accept pcx-ac").code, "InvalidStateTransition");
    // Expired stays visible 2 days, then is gone.
    assert!(n.describe("pcx-ac", None).is_ok());
    n.advance(SimDuration::from_secs(2 * 24 * 3_600));
    assert_eq!(n.describe("pcx-ac", None).unwrap_err().code, "InvalidVpcPeeringConnectionId.NotFound");
    // An active connection does not expire.
    assert_eq!(state(&n, "pcx-ab"), PeeringState::Active);
}

#[test]
fn who_may_delete_and_reject() {
    let mut n = net(&[
        "vpc A 10.0.0.0/16",
        "vpc B 10.1.0.0/16 account=222222222222",
        "vpc C 10.2.0.0/16 account=333333333333",
        "peer A B",
    ]);
    // The accepter's owner rejects a pending request; it cannot delete it (VPC-09); a third
    // account can do neither.
    assert_eq!(refuse(&mut n, "delete pcx-ab by=B").code, "OperationNotPermitted");
    assert_eq!(refuse(&mut n, "delete pcx-ab by=C").code, "OperationNotPermitted");
    n.apply(&Op::parse("reject pcx-ab").unwrap()).unwrap();
    assert_eq!(n.describe("pcx-ab", None).unwrap().status_message, "Rejected by 222222222222");
    // Rejected (and failed) connections cannot be deleted.
    assert_eq!(refuse(&mut n, "delete pcx-ab").code, "InvalidStateTransition");
    // A new request after a rejection gets a new id; either owner deletes it once active.
    n.apply(&Op::parse("peer A B").unwrap()).unwrap();
    n.apply(&Op::parse("accept pcx-ab-2").unwrap()).unwrap();
    assert_eq!(refuse(&mut n, "reject pcx-ab-2").code, "InvalidStateTransition");
    n.apply(&Op::parse("delete pcx-ab-2 by=B").unwrap()).unwrap();
    assert_eq!(state(&n, "pcx-ab-2"), PeeringState::Deleted);
}

#[test]
fn one_connection_per_pair_and_overlap_fails() {
    let mut n = three(&["peer A B"]);
    // Same direction: the existing request comes back; the other direction is refused (VPC-11).
    n.apply(&Op::parse("peer A B").unwrap()).unwrap();
    assert_eq!(n.peerings.len(), 1);
    assert_eq!(refuse(&mut n, "peer B A").code, "VpcPeeringConnectionAlreadyExists");
    // Overlap is not an API error: the request is made and fails (VPC-04, VPC-05).
    n.apply(&Op::parse("vpc D 10.1.128.0/17").unwrap()).unwrap();
    n.apply(&Op::parse("peer C D").unwrap()).unwrap();
    n.apply(&Op::parse("peer A D").unwrap()).unwrap();
    assert_eq!(state(&n, "pcx-ad"), PeeringState::PendingAcceptance);
    n.apply(&Op::parse("peer B D").unwrap()).unwrap();
    assert_eq!(state(&n, "pcx-bd"), PeeringState::Failed);
    assert_eq!(refuse(&mut n, "accept pcx-bd").code, "InvalidStateTransition");
    // Any overlapping block fails it, even a secondary one.
    n.apply(&Op::parse("vpc E 10.9.0.0/16").unwrap()).unwrap();
    n.apply(&Op::parse("cidr E 10.2.0.0/16").unwrap()).unwrap();
    n.apply(&Op::parse("peer C E").unwrap()).unwrap();
    assert_eq!(state(&n, "pcx-ce"), PeeringState::Failed);
}

#[test]
fn secondary_blocks_follow_the_peering_rules() {
    let mut n = three(&["peer A B", "peer B C", "accept pcx-bc"]);
    // Requester of a pending request: no new blocks (VPC-06).
    assert_eq!(refuse(&mut n, "cidr A 10.20.0.0/16").code, "OperationNotPermitted");
    // Active: a block overlapping the peer is refused; others are fine.
    assert_eq!(refuse(&mut n, "cidr B 10.2.0.0/17").code, "InvalidVpc.Range");
    n.apply(&Op::parse("cidr C 10.30.0.0/16").unwrap()).unwrap();
    // The accepter of a pending request may add one; an overlapping block fails the request.
    n.apply(&Op::parse("cidr B 10.50.0.0/16").unwrap()).unwrap();
    assert_eq!(state(&n, "pcx-ab"), PeeringState::PendingAcceptance);
    n.apply(&Op::parse("cidr B 10.0.0.0/16").unwrap()).unwrap();
    assert_eq!(state(&n, "pcx-ab"), PeeringState::Failed);
    assert_eq!(state(&n, "pcx-bc"), PeeringState::Active);
}

#[test]
fn cidr_and_address_rules() {
    let mut n = Network::new();
    assert_eq!(refuse(&mut n, "vpc A 10.0.0.0/8").code, "InvalidVpc.Range");
    assert!(refuse(&mut n, "vpc A 10.0.0.1/16").message.contains("10.0.0.0/16"));
    n.apply(&Op::parse("vpc A 10.0.0.0/16").unwrap()).unwrap();
    assert_eq!(refuse(&mut n, "subnet A x 10.1.0.0/24").code, "InvalidSubnet.Range");
    n.apply(&Op::parse("subnet A x 10.0.1.0/24").unwrap()).unwrap();
    assert_eq!(refuse(&mut n, "subnet A y 10.0.1.128/25").code, "InvalidSubnet.Conflict");
    // The first four and the last address of a subnet are AWS's.
    assert!(refuse(&mut n, "instance A i 10.0.1.3").message.contains("reserved"));
    assert!(refuse(&mut n, "instance A i 10.0.1.255").message.contains("reserved"));
    assert!(refuse(&mut n, "instance A i 10.0.2.9").message.contains("does not fall within"));
    n.apply(&Op::parse("instance A i 10.0.1.4").unwrap()).unwrap();
    assert_eq!(refuse(&mut n, "instance A j 10.0.1.4").code, "InvalidIPAddress.InUse");
    assert!(Op::parse("vpc A").is_err());
    assert!(Op::parse("fly A B").unwrap_err().contains("not an operation"));
}

#[test]
fn routes_local_blackhole_and_longest_prefix() {
    let mut n = three(&["peer A B", "igw A"]);
    // A route may target a pending connection: it is a blackhole until accepted (VPC-13).
    n.apply(&Op::parse("route A 10.1.0.0/16 pcx-ab").unwrap()).unwrap();
    let a = n.vpc_named("A").unwrap();
    let route = n.vpcs[a].routes.routes[0];
    assert_eq!(n.route_state(&route), RouteState::Blackhole);
    n.apply(&Op::parse("accept pcx-ab").unwrap()).unwrap();
    assert_eq!(n.route_state(&route), RouteState::Active);
    assert_eq!(refuse(&mut n, "route A 10.1.0.0/16 pcx-ab").code, "RouteAlreadyExists");
    assert_eq!(refuse(&mut n, "route A 10.0.5.0/24 pcx-ab").code, "InvalidParameterValue");
    assert_eq!(refuse(&mut n, "route A 10.2.0.0/16 pcx-zz").code, "InvalidVpcPeeringConnectionId.NotFound");
    assert_eq!(refuse(&mut n, "route C 10.1.0.0/16 pcx-ab").code, "InvalidParameterValue");
    assert_eq!(refuse(&mut n, "route B 0.0.0.0/0 igw").code, "InvalidGatewayID.NotFound");
    assert_eq!(refuse(&mut n, "unroute A 10.0.0.0/16").code, "InvalidParameterValue");
    assert_eq!(refuse(&mut n, "unroute A 10.9.0.0/16").code, "InvalidRoute.NotFound");
    // Longest prefix: 0.0.0.0/0 → igw loses to 10.1.0.0/16 → pcx-ab for B's addresses.
    n.apply(&Op::parse("route A 0.0.0.0/0 igw").unwrap()).unwrap();
    let ip = "10.1.1.10".parse().unwrap();
    assert_eq!(n.vpcs[a].route_for(ip).unwrap().target, Target::Peering(0));
    assert_eq!(n.vpcs[a].route_for("8.8.8.8".parse().unwrap()).unwrap().target, Target::InternetGateway);
    assert_eq!(n.vpcs[a].route_for("10.0.9.9".parse().unwrap()).unwrap().target, Target::Local);
}

#[test]
fn tracer_arrives_with_routes_both_ways() {
    let n = three(&["peer A B", "accept pcx-ab", "route A 10.1.0.0/16 pcx-ab", "route B 10.0.0.0/16 pcx-ab"]);
    let (verdict, t) = trace(&n, "A/a1", "10.1.1.10", 443);
    assert_eq!(verdict, Verdict::Arrived);
    let kinds: Vec<&str> = t
        .hops
        .iter()
        .map(|h| match h {
            Hop::Source { .. } => "source",
            Hop::RouteTable { .. } => "route",
            Hop::Peering { .. } => "peering",
            Hop::ReturnRoute { .. } => "return",
            Hop::SecurityGroup { .. } => "sg",
            Hop::Destination { .. } => "dest",
            Hop::InternetGateway { .. } => "igw",
            Hop::Internet => "internet",
        })
        .collect();
    assert_eq!(kinds, ["source", "route", "peering", "return", "sg", "dest"]);
    assert_eq!(n.explain(&t).code, "ARRIVED");
    // Port 22 is not allowed by B's group.
    let (verdict, t) = trace(&n, "A/a1", "10.1.1.10", 22);
    assert_eq!(verdict, Verdict::Blocked(BlockCode::SgDeny));
    assert!(n.explain(&t).fix.unwrap().contains("tcp 22 from 10.0.0.0/16"));
}

#[test]
fn tracer_names_each_block() {
    let code = |n: &Network, from: &str, to: &str| trace(n, from, to, 443).0.code();
    // No route at all, with the fix to peer.
    let n = three(&[]);
    assert_eq!(code(&n, "A/a1", "10.1.1.10"), "NO_ROUTE");
    let (_, t) = trace(&n, "A/a1", "10.1.1.10", 443);
    assert!(n.explain(&t).fix.unwrap().contains("Request a peering connection A → B"));
    // Pending: PEERING_NOT_ACTIVE; rejected later: ROUTE_BLACKHOLE.
    let mut n = three(&["peer A B", "route A 10.1.0.0/16 pcx-ab", "route B 10.0.0.0/16 pcx-ab"]);
    assert_eq!(code(&n, "A/a1", "10.1.1.10"), "PEERING_NOT_ACTIVE");
    n.apply(&Op::parse("reject pcx-ab").unwrap()).unwrap();
    assert_eq!(code(&n, "A/a1", "10.1.1.10"), "ROUTE_BLACKHOLE");
    // Non-transitive: A–B, B–C active, A routes C's block to pcx-ab (VPC-02).
    let n = three(&["mesh A B", "mesh B C", "route A 10.2.0.0/16 pcx-ab", "route C 10.0.0.0/16 pcx-bc"]);
    assert_eq!(code(&n, "A/a1", "10.2.1.10"), "NON_TRANSITIVE");
    let (_, t) = trace(&n, "A/a1", "10.2.1.10", 443);
    assert!(matches!(t.hops.last(), Some(Hop::Peering { .. })));
    // The fix: a direct connection, A's route replaced, C's route back replaced.
    let mut n = n;
    for line in ["peer A C", "accept pcx-ac", "replace A 10.2.0.0/16 pcx-ac", "replace C 10.0.0.0/16 pcx-ac"] {
        n.apply(&Op::parse(line).unwrap()).unwrap();
    }
    assert_eq!(code(&n, "A/a1", "10.2.1.10"), "ARRIVED");
    assert_eq!(refuse(&mut n, "replace A 10.7.0.0/16 pcx-ac").code, "InvalidRoute.NotFound");
    // Missing return route, then a misrouted reply.
    let n = three(&["peer A B", "accept pcx-ab", "route A 10.1.0.0/16 pcx-ab"]);
    assert_eq!(code(&n, "A/a1", "10.1.1.10"), "NO_RETURN_ROUTE");
    let (_, t) = trace(&n, "A/a1", "10.1.1.10", 443);
    assert_eq!(n.explain(&t).fix.unwrap(), "Add a route 10.0.0.0/16 → pcx-ab in VPC B's route table (rtb-b).");
    // No edge-to-edge: B sends internet traffic through A, which has a gateway (VPC-03).
    let n = three(&["igw A", "route A 0.0.0.0/0 igw", "mesh A B", "route B 0.0.0.0/0 pcx-ab"]);
    assert_eq!(code(&n, "B/b1", "93.184.216.34"), "NO_EDGE_TO_EDGE");
    assert_eq!(code(&n, "A/a1", "93.184.216.34"), "ARRIVED");
    // Nobody at the address.
    assert_eq!(code(&n, "A/a1", "10.1.1.99"), "NO_DESTINATION");
    assert_eq!(code(&n, "A/a1", "10.0.1.99"), "NO_DESTINATION");
}

#[test]
fn group_references_need_an_active_same_region_peering() {
    let mut n = three(&["group B db", "instance B db1 10.1.1.20 db"]);
    assert_eq!(refuse(&mut n, "allow B db tcp 5432 A/web").code, "InvalidGroup.NotFound");
    for line in ["mesh A B", "allow B db tcp 5432 A/web"] {
        n.apply(&Op::parse(line).unwrap()).unwrap();
    }
    assert_eq!(trace(&n, "A/a1", "10.1.1.20", 5432).0, Verdict::Arrived);
    // Deleting the connection makes the reference stale: the packet would not be admitted.
    n.apply(&Op::parse("delete pcx-ab").unwrap()).unwrap();
    assert_eq!(trace(&n, "A/a1", "10.1.1.20", 5432).0.code(), "ROUTE_BLACKHOLE");
    // Another Region: never by group (VPC-16).
    let mut m = net(&["vpc A 10.0.0.0/16", "vpc F 10.5.0.0/16 region=eu-west-1"]);
    m.apply(&Op::parse("peer A F").unwrap()).unwrap();
    let f = m.vpc_named("F").unwrap();
    m.accept("pcx-af", Some(&m.owner_of(f))).unwrap();
    assert!(refuse(&mut m, "allow F default tcp 22 A/default").message.contains("same Region"));
}

#[test]
fn inter_region_accept_must_come_from_the_accepter_region() {
    let mut n = net(&["vpc A 10.0.0.0/16", "vpc F 10.5.0.0/16 region=eu-west-1"]);
    n.apply(&Op::parse("peer A F").unwrap()).unwrap();
    let a = n.vpc_named("A").unwrap();
    let err = n.accept("pcx-af", Some(&n.owner_of(a))).unwrap_err();
    assert_eq!(err.message, "Incorrect region (us-east-1) specified for this request. VPC peering connection pcx-af must be accepted in region eu-west-1");
    // The op (the accepter's owner, in its Region) works.
    n.apply(&Op::parse("accept pcx-af").unwrap()).unwrap();
}

#[test]
fn active_peering_quota_is_fifty_per_vpc() {
    let mut lines = vec!["vpc Hub 10.0.0.0/16".to_owned()];
    for i in 1..=51 {
        lines.push(format!("vpc S{i} 10.{i}.0.0/16"));
    }
    let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
    let mut n = net(&refs);
    for i in 1..=50 {
        n.apply(&Op::parse(&format!("hub Hub S{i}")).unwrap()).unwrap();
    }
    n.apply(&Op::parse("peer Hub S51").unwrap()).unwrap();
    assert_eq!(refuse(&mut n, "accept pcx-hub-s51").code, "ActiveVpcPeeringConnectionPerVpcLimitExceeded");
    assert_eq!(n.active_count(0), ACTIVE_PEERINGS_PER_VPC);
}

#[test]
fn mesh_builder_matches_the_counts() {
    let names = ["A", "B", "C", "D", "E", "F", "G"];
    let mut lines: Vec<String> = names.iter().enumerate().map(|(i, v)| format!("vpc {v} 10.{i}.0.0/16")).collect();
    lines.push(format!("mesh {}", names.join(" ")));
    let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
    let n = net(&refs);
    let (connections, per_vpc, total) = mesh_counts(7);
    assert_eq!(connections, 21); // VPC-18's 7-VPC example.
    assert_eq!(n.peerings.iter().filter(|p| p.state == PeeringState::Active).count(), connections);
    assert!(n.vpcs.iter().all(|v| v.routes.routes.len() == per_vpc));
    assert_eq!(n.vpcs.iter().map(|v| v.routes.routes.len()).sum::<usize>(), total);
    assert_eq!(hub_and_spoke(7), (6, 6, 12));
}

#[test]
fn ops_round_trip_as_text_and_json() {
    for line in [
        "vpc A 10.0.0.0/16 account=222222222222 region=eu-west-1",
        "allow B db tcp 5432-5433 A/web",
        "allow B db icmp all 10.0.0.0/8",
        "delete pcx-ab by=B",
        "wait 7d",
        "wait 5h",
        "hub S A B C",
    ] {
        assert_eq!(Op::parse(line).unwrap().to_string(), line);
    }
    let scenario = VpcScenario {
        v: 1,
        ops: THREE.iter().map(|l| Op::parse(l).unwrap()).collect(),
        packet: PacketSpec { from: "A/a1".into(), to: "10.1.1.10".into(), ..PacketSpec::default() },
    };
    let json = serde_json::to_string(&scenario).unwrap();
    assert!(json.contains("\"peer") || json.contains("\"vpc A 10.0.0.0/16\""));
    assert_eq!(serde_json::from_str::<VpcScenario>(&json).unwrap(), scenario);
    assert!(scenario.validate().is_ok());
    let bad = VpcScenario { ops: vec![Op::parse("accept pcx-zz").unwrap()], ..scenario.clone() };
    assert!(bad.validate().unwrap_err().to_string().contains("ops[0]"));
    // A 51-VPC mesh (issue 18's probe froze the page 10 s drawing it) is refused up front.
    let names: Vec<String> = (0..51).map(|i| format!("V{i}")).collect();
    let mut ops: Vec<Op> =
        names.iter().enumerate().map(|(i, n)| Op::parse(&format!("vpc {n} 10.{i}.0.0/16")).unwrap()).collect();
    ops.push(Op::parse(&format!("mesh {}", names.join(" "))).unwrap());
    let big = VpcScenario { ops, packet: PacketSpec::default(), ..scenario };
    let err = big.validate().unwrap_err().to_string();
    assert!(err.contains("51 VPCs") && err.contains("1–8 VPCs"), "{err}");
}

#[test]
fn permission_goes_by_account() {
    // In one account, the owner of the accepter VPC also owns the requester: it may delete.
    let mut n = three(&["peer A B"]);
    n.apply(&Op::parse("delete pcx-ab by=B").unwrap()).unwrap();
    assert_eq!(state(&n, "pcx-ab"), PeeringState::Deleted);
    // A failed request is shown to the requester only.
    let m = net(&["vpc A 10.0.0.0/16", "vpc B 10.0.0.0/17 account=222222222222", "peer A B"]);
    let b = m.vpc_named("B").unwrap();
    assert!(m.describe("pcx-ab", None).is_ok());
    assert!(m.describe("pcx-ab", Some(&m.owner_of(b))).is_err());
}

#[test]
fn hostile_operation_lines_are_refused_without_panics() {
    for line in ["wait 1é", "wait é", "wait d", "wait 0d", "wait 9999d", "mesh A A", "hub S S"] {
        assert!(Op::parse(line).is_err(), "{line}");
    }
    let many: Vec<String> = (0..60).map(|i| format!("V{i}")).collect();
    assert!(Op::parse(&format!("mesh {}", many.join(" "))).unwrap_err().contains("at most"));
    let mut n = Network::new();
    assert!(refuse(&mut n, "vpc A 10.0.0.0/16 account=12").message.contains("12 digits"));
    assert!(refuse(&mut n, "vpc A 10.0.0.0/16 region=us_east").message.contains("Region"));
    n.apply(&Op::parse("vpc A 10.0.0.0/16").unwrap()).unwrap();
    assert!(refuse(&mut n, "vpc a 10.1.0.0/16").message.contains("already exists"));
}

#[test]
fn a_new_block_may_not_swallow_a_route() {
    let mut n = three(&["mesh A B", "route A 10.5.1.0/24 pcx-ab"]);
    assert!(refuse(&mut n, "cidr A 10.5.0.0/16").message.contains("10.5.1.0/24"));
}

#[test]
fn stale_group_references_can_be_revoked_and_accounts_name_groups() {
    let mut n = three(&["mesh A B", "allow B web tcp 22 A/web", "allow B web tcp 23 111111111111/sg-a-web"]);
    n.apply(&Op::parse("delete pcx-ab").unwrap()).unwrap();
    n.apply(&Op::parse("revoke B web tcp 22 A/web").unwrap()).unwrap();
    n.apply(&Op::parse("revoke B web tcp 23 A/web").unwrap()).unwrap();
    let b = n.vpc_named("B").unwrap();
    assert_eq!(n.vpcs[b].groups[1].rules.len(), 1);
}

#[test]
fn fixes_name_the_change_that_works() {
    let fix = |n: &Network, from: &str, to: &str| {
        let (_, t) = trace(n, from, to, 443);
        n.explain(&t).fix.unwrap_or_default()
    };
    // Edge-to-edge through a default route: replace it (a new 0.0.0.0/0 would already exist).
    let n = three(&["igw A", "igw B", "route A 0.0.0.0/0 igw", "mesh A B", "route B 0.0.0.0/0 pcx-ab"]);
    assert_eq!(
        fix(&n, "B/b1", "93.184.216.34"),
        "Replace the route 0.0.0.0/0 → pcx-ab in VPC B's table (rtb-b) with igw-b."
    );
    // Replies misrouted by a more specific route: the suggestion beats it.
    let n = three(&["mesh A B", "mesh B C", "route B 10.0.1.0/25 pcx-bc"]);
    assert_eq!(trace(&n, "A/a1", "10.1.1.10", 443).0.code(), "NO_RETURN_ROUTE");
    assert_eq!(fix(&n, "A/a1", "10.1.1.10"), "Add a more specific route 10.0.1.0/26 → pcx-ab in VPC B's route table.");
    // Non-transitive with a direct connection already there: replace the route.
    let n = three(&["mesh A B", "mesh B C", "route A 10.2.0.0/16 pcx-ab", "peer A C", "accept pcx-ac"]);
    assert!(fix(&n, "A/a1", "10.2.1.10")
        .starts_with("pcx-ac already joins A and C: replace the route 10.2.0.0/16 → pcx-ab"));
    // A blackhole whose replacement exists.
    let n = three(&["mesh A B", "delete pcx-ab", "peer A B", "accept pcx-ab-2"]);
    assert_eq!(
        fix(&n, "A/a1", "10.1.1.10"),
        "Replace the route 10.1.0.0/16 → pcx-ab in VPC A's table (rtb-a) with pcx-ab-2."
    );
    // …and the mesh builder repairs such routes itself.
    let n = three(&["mesh A B", "delete pcx-ab", "mesh A B"]);
    assert_eq!(trace(&n, "A/a1", "10.1.1.10", 443).0.code(), "ARRIVED");
}
