//! Which pairs can talk (a packet traced from every VPC's first instance to every other's), and
//! the topology builders: a full mesh or hub and spoke over N VPCs, with the connections and
//! routes each needs.

use engine::vpc::{hub_and_spoke, mesh_counts, resolve_packet, Op, PacketSpec, VpcScenario};
use leptos::prelude::*;

use super::presets::vpc_lines;
use super::Ctx;
use crate::components::unique_id;

/// Rows of the reachability matrix: the VPC, and for each VPC the code of a packet to it
/// (`None` on the diagonal).
fn matrix(ctx: Ctx) -> (Vec<String>, Vec<Vec<Option<&'static str>>>) {
    let packet = ctx.linked.scenario.with(|s| s.packet.clone());
    ctx.built.with(|b| {
        let net = &b.net;
        let ends: Vec<(String, String)> = net
            .live_vpcs()
            .filter_map(|(_, v)| v.instances.first().map(|i| (format!("{}/{}", v.name, i.name), i.ip.to_string())))
            .collect();
        let names = ends.iter().map(|(from, _)| from.split('/').next().unwrap_or_default().to_owned()).collect();
        let rows = ends
            .iter()
            .map(|(from, _)| {
                ends.iter()
                    .map(|(to_name, to)| {
                        (to_name != from).then(|| {
                            let spec = PacketSpec { from: from.clone(), to: to.clone(), ..packet.clone() };
                            resolve_packet(net, &spec).map_or("?", |p| net.trace(p).verdict.code())
                        })
                    })
                    .collect()
            })
            .collect();
        (names, rows)
    })
}

/// The reachability matrix.
#[component]
pub fn Reachability(ctx: Ctx) -> impl IntoView {
    let table = move || {
        let (names, rows) = matrix(ctx);
        let head = names.iter().map(|n| view! { <th scope="col">{n.clone()}</th> }).collect_view();
        let body = rows
            .into_iter()
            .zip(names.iter().cloned())
            .map(|(cells, from)| {
                let cells = cells
                    .into_iter()
                    .zip(names.iter().cloned())
                    .map(|(cell, to)| match cell {
                        None => view! { <td class="self">"—"</td> }.into_any(),
                        Some("ARRIVED") => {
                            view! { <td class="good" data-testid=format!("reach-{from}-{to}")>"✓"</td> }.into_any()
                        }
                        Some(code) => {
                            view! { <td class="bad" data-testid=format!("reach-{from}-{to}")>{code}</td> }.into_any()
                        }
                    })
                    .collect_view();
                view! { <tr><th scope="row">{from}</th>{cells}</tr> }
            })
            .collect_view();
        view! {
            <table class="vpc-matrix" data-testid="reachability">
                <caption>"From (rows) to (columns): the first instance of each VPC, with the packet's protocol and port"</caption>
                <thead><tr><th scope="col"><span class="visually-hidden">"From"</span></th>{head}</tr></thead>
                <tbody>{body}</tbody>
            </table>
        }
    };
    view! {
        <h3 class="panel-title">"Which pairs can talk"</h3>
        <div class="vpc-matrix-scroll">{table}</div>
    }
}

/// The names of a built topology's VPCs: A, B, C… (a hub is `Hub`).
const NAMES: [&str; 8] = ["A", "B", "C", "D", "E", "F", "G", "H"];

/// The operation log of a full mesh or hub and spoke over `n` VPCs.
pub fn topology(n: usize, hub: bool) -> VpcScenario {
    let n = n.clamp(2, NAMES.len());
    let names: Vec<&str> = if hub {
        std::iter::once("Hub").chain(NAMES.iter().copied().take(n - 1)).collect()
    } else {
        NAMES[..n].to_vec()
    };
    let mut lines: Vec<String> = names.iter().zip(0u8..).flat_map(|(name, i)| vpc_lines(name, i)).collect();
    lines.push(if hub { format!("hub {}", names.join(" ")) } else { format!("mesh {}", names.join(" ")) });
    let last = names.len() - 1;
    VpcScenario {
        v: engine::SCENARIO_VERSION,
        ops: lines.iter().filter_map(|l| Op::parse(l).ok()).collect(),
        // Spoke to spoke shows what a hub does not do; across a mesh every pair works.
        packet: PacketSpec {
            from: format!("{}/app", names[if hub { 1 } else { 0 }]),
            to: format!("10.{last}.1.10"),
            ..PacketSpec::default()
        },
    }
}

/// The topology builder.
#[component]
pub fn Builder(ctx: Ctx) -> impl IntoView {
    let n = RwSignal::new(5usize);
    let hub = RwSignal::new(false);
    let n_error = RwSignal::new(None::<String>);
    let set_n = move |text: String| match text.trim().parse::<usize>() {
        Ok(v) if (2..=NAMES.len()).contains(&v) => {
            n_error.set(None);
            n.set(v);
        }
        _ => n_error.set(Some(format!(
            "Build from 2 to {} VPCs (the diagram's limit); kept {}.",
            NAMES.len(),
            n.get_untracked()
        ))),
    };
    let (n_id, kind_id) = (unique_id("topology-n"), unique_id("topology-kind"));
    let counts = move || {
        let n = n.get();
        if hub.get() {
            let (c, hub_routes, total) = hub_and_spoke(n);
            format!("{c} connections; {hub_routes} routes in the hub's table and 1 in each spoke's ({total} in all). Only hub–spoke pairs can talk: spokes cannot reach each other through the hub.")
        } else {
            let (c, per, total) = mesh_counts(n);
            format!("n(n−1)/2 = {c} connections; {per} routes in each table ({total} in all). Every pair can talk.")
        }
    };
    view! {
        <details class="vpc-edit">
            <summary>"Topology builder"</summary>
            <div class="vpc-form-fields">
                <div class="knob">
                    <label for=n_id.clone()>"VPCs"</label>
                    <input id=n_id type="text" inputmode="numeric" data-testid="topology-n" prop:value=move || n.get().to_string()
                        aria-invalid=move || n_error.with(Option::is_some).to_string()
                        on:change=move |ev| set_n(event_target_value(&ev))/>
                </div>
                <div class="knob">
                    <label for=kind_id.clone()>"Shape"</label>
                    <select id=kind_id data-testid="topology-kind" on:change=move |ev| hub.set(event_target_value(&ev) == "hub")>
                        <option value="mesh">"Full mesh"</option>
                        <option value="hub">"Hub and spoke"</option>
                    </select>
                </div>
            </div>
            <p class="field-message" role="status" data-testid="topology-error">{move || n_error.get()}</p>
            <p data-testid="topology-counts">{counts}</p>
            <button type="button" class="button small" data-testid="build-topology"
                on:click=move |_| ctx.replace(topology(n.get_untracked(), hub.get_untracked()))>"Replace the network with it"</button>
        </details>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use engine::vpc::PeeringState;

    #[test]
    fn built_topologies_have_the_counted_connections() {
        for n in 2..=8 {
            for hub in [false, true] {
                let s = topology(n, hub);
                let (net, refused) = s.build();
                assert!(refused.is_empty(), "{n} {hub}: {refused:?}");
                let active = net.peerings.iter().filter(|p| p.state == PeeringState::Active).count();
                let want = if hub { hub_and_spoke(n).0 } else { mesh_counts(n).0 };
                assert_eq!(active, want, "{n} {hub}");
                let verdict = net.trace(resolve_packet(&net, &s.packet).unwrap()).verdict.code();
                let expect = if hub && n > 2 { "NO_ROUTE" } else { "ARRIVED" };
                assert_eq!(verdict, expect, "{n} {hub}");
            }
        }
    }
}
