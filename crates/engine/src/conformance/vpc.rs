//! Runner for `vpc_peering_cases.json`: the peering lifecycle (create, describe, accept, reject,
//! modify options), its errors and their texts, overlapping blocks ending `failed`, routes, and
//! reachability — checked with the packet tracer, so non-transitive peering is what the
//! tracer says, not a separate rule.

use std::collections::BTreeMap;
use std::net::Ipv4Addr;

use serde_json::Value;

use super::{checked, known_keys, Report};
use crate::vpc::{
    Caller, Network, Packet, PeeringView, Protocol, Target, Verdict, VpcError, VpcIdx, DEFAULT_ACCOUNT, DEFAULT_REGION,
};

/// `true` for a list of cases each with `setup.vpcs` and `steps`.
pub fn is_vpc_file(doc: &Value) -> bool {
    doc.as_array().is_some_and(|cases| {
        !cases.is_empty()
            && cases.iter().all(|c| c.pointer("/setup/vpcs").is_some_and(Value::is_object) && c.get("steps").is_some())
    })
}

/// The keys a step may have.
const STEP_KEYS: [&str; 14] = [
    "op",
    "as",
    "id",
    "requester",
    "accepter",
    "peer_region",
    "peer_owner",
    "caller",
    "from",
    "to",
    "vpc",
    "destination",
    "target",
    "expect",
];

/// Whether a case is one the runner can check: known keys, and at least one step.
fn shape(case: &Value) -> Result<(), String> {
    known_keys(case, &["setup", "steps"], "the case")?;
    let steps = case.get("steps").and_then(Value::as_array).ok_or("`steps` is not a list")?;
    if steps.is_empty() {
        return Err("`steps` is empty: the case checks nothing".to_owned());
    }
    steps.iter().enumerate().try_for_each(|(n, step)| known_keys(step, &STEP_KEYS, &format!("step {n}")))
}

/// Runs every case of the file.
pub fn run(doc: &Value) -> Report {
    let mut report = Report::default();
    for (i, case) in doc.as_array().into_iter().flatten().enumerate() {
        let first = case.pointer("/steps/0/op").and_then(Value::as_str).unwrap_or("?");
        report.cases.push((format!("vpc case {i} ({first}…)"), checked(case, shape(case), || check(case))));
    }
    report
}

/// The caller a step names, its missing fields taken from `owner`'s.
fn caller_of(step: &Value, net: &Network, owner: VpcIdx) -> Caller {
    let mut caller = net.owner_of(owner);
    if let Some(c) = step.get("caller") {
        if let Some(a) = c.get("account").and_then(Value::as_str) {
            caller.account = a.to_owned();
        }
        if let Some(r) = c.get("region").and_then(Value::as_str) {
            caller.region = r.to_owned();
        }
    }
    caller
}

fn check(case: &Value) -> Result<(), String> {
    let mut net = Network::new();
    let vpcs = case.pointer("/setup/vpcs").and_then(Value::as_object).ok_or("no setup.vpcs")?;
    for (name, spec) in vpcs {
        let text = |k: &str, default: &str| spec.get(k).and_then(Value::as_str).unwrap_or(default).to_owned();
        net.create_vpc(name, &text("cidr", ""), &text("account", DEFAULT_ACCOUNT), &text("region", DEFAULT_REGION))
            .map_err(|e| format!("setup VPC {name}: {e}"))?;
    }
    let mut aliases: BTreeMap<String, String> = BTreeMap::new();
    // A differing field of an answer is noted and the steps go on, so later expectations (the
    // errors of later calls) are still checked; a differing outcome stops the case.
    let mut differences: Vec<String> = Vec::new();
    for (n, step) in case.get("steps").and_then(Value::as_array).into_iter().flatten().enumerate() {
        let op = step.get("op").and_then(Value::as_str).unwrap_or("?");
        let expect = step.get("expect").cloned().unwrap_or(Value::Null);
        let vpc = |key: &str| -> Result<VpcIdx, String> {
            let name = step.get(key).and_then(Value::as_str).ok_or(format!("step {n}: no `{key}`"))?;
            net.vpc_named(name).ok_or(format!("step {n}: no VPC {name}"))
        };
        let id_of = |aliases: &BTreeMap<String, String>| {
            let alias = step.get("id").and_then(Value::as_str).unwrap_or("");
            aliases.get(alias).cloned().unwrap_or_else(|| alias.to_owned())
        };
        let at = |why: String| format!("step {n} ({op}): {why}");
        match op {
            "create" => {
                let (req, acc) = (vpc("requester")?, vpc("accepter")?);
                let caller = caller_of(step, &net, req);
                let text = |k: &str| step.get(k).and_then(Value::as_str);
                let result = net.create_peering(req, acc, Some(&caller), text("peer_region"), text("peer_owner"));
                let view = match result {
                    Err(e) => {
                        expect_error(&expect, &e, "").map_err(at)?;
                        continue;
                    }
                    Ok((_, view)) => view,
                };
                expect_ok(&expect).map_err(at)?;
                if let Some(alias) = step.get("as").and_then(Value::as_str) {
                    aliases.insert(alias.to_owned(), view.id.clone());
                }
                if let Some(other) = expect.get("same_id_as").and_then(Value::as_str) {
                    same("id", &view.id, aliases.get(other).ok_or(at(format!("no alias {other}")))?).map_err(at)?;
                }
                if let Err(why) = check_view(&expect, &view) {
                    differences.push(at(why));
                }
                if let Some(eventual) = expect.get("eventual_status_code").and_then(Value::as_str) {
                    let later = net.describe(&view.id, None).map_err(|e| at(e.to_string()))?;
                    same("eventual status", later.status_code, eventual).map_err(at)?;
                }
            }
            "describe" => {
                let id = id_of(&aliases);
                let caller = step.get("caller").map(|_| {
                    let owner = net.peering_idx(&id).map(|p| net.peerings[p].requester).unwrap_or_default();
                    caller_of(step, &net, owner)
                });
                match net.describe(&id, caller.as_ref()) {
                    Err(e) => expect_error(&expect, &e, &id).map_err(at)?,
                    Ok(view) => {
                        if let Err(why) = check_view(&expect, &view) {
                            differences.push(at(why));
                        }
                    }
                }
            }
            "accept" | "reject" => {
                let id = id_of(&aliases);
                let owner = net.peering_idx(&id).map(|p| net.peerings[p].accepter).unwrap_or_default();
                let caller = caller_of(step, &net, owner);
                let result =
                    if op == "accept" { net.accept(&id, Some(&caller)) } else { net.reject(&id, Some(&caller)) };
                match result {
                    Err(e) => expect_error(&expect, &e, &id).map_err(at)?,
                    Ok(()) => {
                        expect_ok(&expect).map_err(at)?;
                        if let Some(code) = expect.get("status_code").and_then(Value::as_str) {
                            let view = net.describe(&id, None).map_err(|e| at(e.to_string()))?;
                            same("status", view.status_code, code).map_err(at)?;
                        }
                    }
                }
            }
            "modify_options" => {
                let id = id_of(&aliases);
                match net.modify_options(&id, None, true) {
                    Err(e) => expect_error(&expect, &e, &id).map_err(at)?,
                    Ok(()) => expect_ok(&expect).map_err(at)?,
                }
            }
            "create_route" => {
                let v = vpc("vpc")?;
                let dest = step.get("destination").and_then(Value::as_str).unwrap_or("");
                let target = step.get("target").and_then(Value::as_str).unwrap_or("");
                let target = aliases.get(target).cloned().unwrap_or_else(|| target.to_owned());
                match net.create_route(v, dest, &target) {
                    Err(e) => expect_error(&expect, &e, &target).map_err(at)?,
                    Ok(()) => expect_ok(&expect).map_err(at)?,
                }
            }
            "reachable" => {
                let (from, to) = (vpc("from")?, vpc("to")?);
                let want = expect.get("reachable").and_then(Value::as_bool).ok_or(at("no expect.reachable".into()))?;
                let (got, code) = reachable(&net, from, to).map_err(at)?;
                if got != want {
                    return Err(at(format!("reachable: expected {want}, the tracer says {code}")));
                }
            }
            other => return Err(format!("step {n}: unknown op `{other}`")),
        }
    }
    if differences.is_empty() {
        Ok(())
    } else {
        Err(differences.join("; "))
    }
}

/// Whether traffic flows from `from` to `to` given the routes the step assumes: a probe
/// instance in each VPC admitting everything, and — where a direct active connection exists —
/// each side's blocks routed to it (the case's "requires routes in both VPCs"). Existing routes
/// stay, so a route through a third VPC is traced as it is and stops `NON_TRANSITIVE`.
fn reachable(net: &Network, from: VpcIdx, to: VpcIdx) -> Result<(bool, &'static str), String> {
    let mut probe = net.clone();
    let mut ips = [Ipv4Addr::UNSPECIFIED; 2];
    for (slot, v) in [from, to].into_iter().enumerate() {
        let block = probe.vpcs[v].cidrs[0];
        let ip = Ipv4Addr::from(u32::from(block.network()) + 10);
        probe.create_subnet(v, "probe", &block.to_string()).map_err(|e| e.to_string())?;
        probe.add_instance(v, "probe", &ip.to_string(), "default").map_err(|e| e.to_string())?;
        let rule = crate::vpc::Rule {
            protocol: Protocol::All,
            ports: crate::vpc::PortRange::ALL,
            source: crate::vpc::Source::Cidr("0.0.0.0/0".parse().map_err(|_| "bad block")?),
        };
        let _ = probe.authorize(v, 0, rule);
        ips[slot] = ip;
    }
    if let Some(pcx) = probe.active_between(from, to) {
        let id = probe.peerings[pcx].id.clone();
        for (a, b) in [(from, to), (to, from)] {
            for block in probe.vpcs[b].cidrs.clone() {
                let covered =
                    probe.vpcs[a].route_for(block.network()).is_some_and(|r| r.target == Target::Peering(pcx));
                if !covered && probe.vpcs[a].routes.find(block).is_none() {
                    probe.create_route(a, &block.to_string(), &id).map_err(|e| e.to_string())?;
                }
            }
        }
    }
    let instance = probe.vpcs[from].instances.len() - 1;
    let trace = probe.trace(Packet { vpc: from, instance, dst: ips[1], protocol: Protocol::Tcp, port: 443 });
    Ok((trace.verdict == Verdict::Arrived, trace.verdict.code()))
}

fn same<T: PartialEq + std::fmt::Debug + ?Sized>(what: &str, got: &T, want: &T) -> Result<(), String> {
    if got == want {
        Ok(())
    } else {
        Err(format!("{what}: expected {want:?}, got {got:?}"))
    }
}

/// The step succeeded: that must be what it expected.
fn expect_ok(expect: &Value) -> Result<(), String> {
    match expect.get("error") {
        Some(e) if !e.is_null() => Err(format!("expected error {e}, the call succeeded")),
        _ => Ok(()),
    }
}

/// The step failed with `err`: the expected code and message (with `<pcx>` standing for `id`).
fn expect_error(expect: &Value, err: &VpcError, id: &str) -> Result<(), String> {
    let Some(want) = expect.get("error").filter(|e| !e.is_null()) else {
        return Err(format!("unexpected error {err}"));
    };
    if let Some(code) = want.get("code").and_then(Value::as_str) {
        same("error code", err.code, code)?;
    }
    for key in ["message", "message_moto"] {
        if let Some(message) = want.get(key).and_then(Value::as_str) {
            same("error message", err.message.as_str(), message.replace("<pcx>", id).as_str())?;
        }
    }
    Ok(())
}

/// Compares a describe (or create) answer with the expected fields.
fn check_view(expect: &Value, view: &PeeringView) -> Result<(), String> {
    let text = |k: &str| expect.get(k).and_then(Value::as_str);
    if let Some(code) = text("status_code") {
        same("status code", view.status_code, code)?;
    }
    if let Some(message) = text("status_message") {
        same("status message", view.status_message.as_str(), message)?;
    }
    for (key, info) in [("RequesterVpcInfo", &view.requester), ("AccepterVpcInfo", &view.accepter)] {
        let Some(want) = expect.get(key) else { continue };
        if let Some(cidr) = want.get("CidrBlock").and_then(Value::as_str) {
            same(&format!("{key}.CidrBlock"), &info.cidr_block.as_deref(), &Some(cidr))?;
        }
        if let Some(owner) = want.get("OwnerId").and_then(Value::as_str) {
            same(&format!("{key}.OwnerId"), info.owner_id.as_str(), owner)?;
        }
        if let Some(region) = want.get("Region").and_then(Value::as_str) {
            same(&format!("{key}.Region"), info.region.as_str(), region)?;
        }
        if let Some(set) = want.get("CidrBlockSet").and_then(Value::as_array) {
            let want: Vec<&str> = set.iter().filter_map(|c| c.get("CidrBlock").and_then(Value::as_str)).collect();
            let got: Vec<&str> = info.cidr_block_set.iter().map(String::as_str).collect();
            same(&format!("{key}.CidrBlockSet"), &got, &want)?;
        }
    }
    for absent in expect.get("AccepterVpcInfo_has_no").and_then(Value::as_array).into_iter().flatten() {
        let shown = match absent.as_str() {
            Some("CidrBlock") => view.accepter.cidr_block.is_some(),
            Some("PeeringOptions") => view.accepter.allow_dns_resolution_from_remote_vpc.is_some(),
            _ => false,
        };
        if shown {
            return Err(format!("AccepterVpcInfo shows {absent} while pending"));
        }
    }
    for present in expect.get("has").and_then(Value::as_array).into_iter().flatten() {
        if present.as_str() == Some("ExpirationTime") && view.expiration_time.is_none() {
            return Err("no ExpirationTime".into());
        }
    }
    if let Some(defaults) = expect.get("PeeringOptions_default").and_then(Value::as_object) {
        // The engine models DNS resolution only; the ClassicLink options are always false.
        let dns = view.requester.allow_dns_resolution_from_remote_vpc.unwrap_or(false);
        for (k, v) in defaults {
            let got = if k == "AllowDnsResolutionFromRemoteVpc" { dns } else { false };
            same(&format!("PeeringOptions.{k}"), &Value::Bool(got), v)?;
        }
    }
    Ok(())
}
