//! The packet: where it is sent from and to (an instance, or any address typed in), its trace
//! as the diagram and the result panel show it, and the result in words.

use engine::vpc::{parse_ip, resolve_packet, Network, PacketSpec, Verdict};
use leptos::prelude::*;

use super::layout::Layout;
use super::Ctx;
use crate::components::unique_id;

/// One hop as shown: its label and where it is drawn.
#[derive(Clone, Debug, PartialEq)]
pub struct HopView {
    /// `Route table rtb-a: 10.1.0.0/16 → pcx-ab`.
    pub label: String,
    /// Its point in the diagram.
    pub point: Option<(f64, f64)>,
}

/// A traced packet, ready to show.
#[derive(Clone, Debug, PartialEq)]
pub struct Traced {
    /// `ARRIVED` or the reason code.
    pub code: &'static str,
    /// What happened and why.
    pub why: String,
    /// The change that lets it through.
    pub fix: Option<String>,
    /// The hops taken; when blocked, the last is where it stopped.
    pub hops: Vec<HopView>,
    /// Whether it was dropped.
    pub blocked: bool,
}

/// Traces the scenario's packet; `Err` says why it cannot be sent (no such instance, a bad address).
pub fn trace(net: &Network, layout: &Layout, spec: &PacketSpec) -> Result<Traced, String> {
    let packet = resolve_packet(net, spec)?;
    let trace = net.trace(packet);
    let explanation = net.explain(&trace);
    let hops = trace
        .hops
        .iter()
        .map(|h| HopView { label: net.hop_label(h), point: layout.hop_point(net, h, packet.vpc, packet.dst) })
        .collect();
    Ok(Traced {
        code: explanation.code,
        why: explanation.why,
        fix: explanation.fix,
        hops,
        blocked: trace.verdict != Verdict::Arrived,
    })
}

/// From, to, protocol and port, and the Send button.
#[component]
pub fn PacketForm(ctx: Ctx) -> impl IntoView {
    let scenario = ctx.linked.scenario;
    let typed = RwSignal::new(String::new());
    let typed_error = RwSignal::new(None::<String>);
    let (from_id, to_id, ip_id, proto_id, port_id) =
        (unique_id("from"), unique_id("to"), unique_id("to-ip"), unique_id("proto"), unique_id("port"));
    let instances = move || {
        ctx.built.with(|b| {
            b.net
                .live_vpcs()
                .flat_map(|(_, v)| {
                    v.instances.iter().map(move |i| (format!("{}/{}", v.name, i.name), i.ip.to_string()))
                })
                .collect::<Vec<_>>()
        })
    };
    let set_packet = move |f: &dyn Fn(&mut PacketSpec)| {
        scenario.update(|s| f(&mut s.packet));
        ctx.linked.modified.set(true);
    };
    let on_typed = move |ev: leptos::ev::Event| {
        let text = event_target_value(&ev);
        typed.set(text.clone());
        if text.trim().is_empty() {
            typed_error.set(None);
            return;
        }
        match parse_ip(&text) {
            Ok(ip) => {
                typed_error.set(None);
                set_packet(&|p| p.to = ip.to_string());
            }
            Err(why) => typed_error.set(Some(why)),
        }
    };
    view! {
        <form class="vpc-packet-form" aria-label="Packet" on:submit=move |ev| {
            ev.prevent_default();
            ctx.sent.update(|n| *n += 1);
        }>
            <div class="knob">
                <label for=from_id.clone()>"From"</label>
                <select id=from_id data-testid="packet-from" on:change=move |ev| {
                    let v = event_target_value(&ev);
                    set_packet(&|p| p.from = v.clone());
                }>
                    {move || {
                        let current = scenario.with(|s| s.packet.from.clone());
                        instances().into_iter().map(|(name, ip)| {
                            let selected = name == current;
                            view! { <option value=name.clone() selected=selected>{format!("{name} ({ip})")}</option> }
                        }).collect_view()
                    }}
                </select>
            </div>
            <div class="knob">
                <label for=to_id.clone()>"To"</label>
                <select id=to_id data-testid="packet-to" on:change=move |ev| {
                    let v = event_target_value(&ev);
                    typed.set(String::new());
                    typed_error.set(None);
                    set_packet(&|p| p.to = v.clone());
                }>
                    {move || {
                        let current = scenario.with(|s| s.packet.to.clone());
                        let mut known = false;
                        let mut options: Vec<_> = instances().into_iter().map(|(name, ip)| {
                            let selected = ip == current;
                            known |= selected;
                            view! { <option value=ip.clone() selected=selected>{format!("{name} ({ip})")}</option> }.into_any()
                        }).collect();
                        if !known {
                            options.push(view! { <option value=current.clone() selected=true>{format!("{current} (typed)")}</option> }.into_any());
                        }
                        options.collect_view()
                    }}
                </select>
            </div>
            <div class="knob">
                <label for=ip_id.clone()>"or any address"</label>
                <input id=ip_id type="text" inputmode="decimal" placeholder="93.184.216.34" data-testid="packet-ip"
                    prop:value=move || typed.get() on:input=on_typed aria-invalid=move || typed_error.with(Option::is_some).to_string()/>
            </div>
            <div class="knob">
                <label for=proto_id.clone()>"Protocol"</label>
                <select id=proto_id data-testid="packet-proto" on:change=move |ev| {
                    let v = event_target_value(&ev);
                    set_packet(&|p| p.protocol = v.clone());
                }>
                    {["tcp", "udp", "icmp"].into_iter().map(|p| view! {
                        <option value=p selected=move || scenario.with(|s| s.packet.protocol == p)>{p}</option>
                    }).collect_view()}
                </select>
            </div>
            <div class="knob">
                <label for=port_id.clone()>"Port"</label>
                <input id=port_id type="text" inputmode="numeric" data-testid="packet-port"
                    prop:value=move || scenario.with(|s| s.packet.port.to_string())
                    on:change=move |ev| {
                        match event_target_value(&ev).trim().parse::<u16>() {
                            Ok(port) => { typed_error.set(None); set_packet(&|p| p.port = port); }
                            Err(_) => typed_error.set(Some("A port is a whole number from 0 to 65535.".to_owned())),
                        }
                    }/>
            </div>
            <button type="submit" class="button primary" data-testid="send-packet">"Send packet"</button>
            <p class="field-message" role="status" data-testid="packet-error">{move || typed_error.get()}</p>
        </form>
    }
}

/// The result in words: the code, why, the fix, and every hop.
#[component]
pub fn TraceResult(ctx: Ctx) -> impl IntoView {
    view! {
        <div class="vpc-result panel" data-testid="trace-result" aria-live="polite">
            {move || match ctx.traced.get() {
                Err(why) => view! { <p class="field-message" data-testid="trace-error">{format!("Cannot send: {why}")}</p> }.into_any(),
                Ok(t) => {
                    let last = t.hops.len().saturating_sub(1);
                    let blocked = t.blocked;
                    let hops = t.hops.iter().enumerate().map(|(i, h)| {
                        let stop = blocked && i == last;
                        view! { <li class:stop=stop data-testid=if stop { "blocked-at" } else { "hop" }>{h.label.clone()}{stop.then(|| format!(" — {}", t.code))}</li> }
                    }).collect_view();
                    view! {
                        <p class="vpc-verdict">
                            <span class=if blocked { "status-tag bad" } else { "status-tag good" } data-testid="verdict">{t.code}</span>
                            " " {t.why.clone()}
                        </p>
                        {t.fix.clone().map(|fix| view! { <p class="vpc-fix" data-testid="fix"><strong>"Fix: "</strong>{fix}</p> })}
                        <ol class="vpc-hops">{hops}</ol>
                    }.into_any()
                }
            }}
        </div>
    }
}
