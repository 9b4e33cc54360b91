//! Editing the network: VPCs and their blocks, peering connections, route tables and security
//! group rules. Every form builds an operation line from what is typed, tries it on a copy of
//! the network as it is typed, shows AWS's refusal at once, and applies only what AWS accepts.

use engine::vpc::{Network, PeeringState, Target, VpcIdx};
use leptos::prelude::*;

use super::Ctx;
use crate::components::unique_id;

/// Regions offered for a new VPC (any Region works; these are the common ones).
const REGIONS: [&str; 4] = ["us-east-1", "us-west-2", "eu-west-1", "ap-northeast-1"];
/// VPCs the diagram lays out clearly.
pub const MAX_VPCS: usize = engine::vpc::MAX_SCENARIO_VPCS;

/// A form around an operation line: live validation, a note, and a submit button enabled only
/// when AWS would accept it.
#[component]
fn OpForm(
    ctx: Ctx,
    /// The operation line from the inputs; `None` while incomplete.
    #[prop(into)]
    line: Signal<Option<String>>,
    /// The button's text.
    button: &'static str,
    /// `data-testid` of the button (its message adds `-message`).
    #[prop(into)]
    testid: String,
    /// Called after the operation applied (to clear inputs).
    #[prop(optional, into)]
    on_done: Option<Callback<()>>,
    children: Children,
) -> impl IntoView {
    let check = Memo::new(move |_| line.get().map(|l| ctx.trial(&l).map(|(_, note)| note)));
    view! {
        <form class="vpc-form" on:submit=move |ev| {
            ev.prevent_default();
            // Enter in a field submits too: only what AWS would accept is applied.
            if let Some(l) = line.get_untracked() {
                if ctx.act(&l) {
                    if let Some(done) = on_done {
                        done.run(());
                    }
                }
            }
        }>
            <div class="vpc-form-fields">{children()}</div>
            <button type="submit" class="button small" data-testid=testid.clone() disabled=move || !matches!(check.get(), Some(Ok(_)))>{button}</button>
            <p class="field-message" role="status" data-testid=format!("{testid}-message")
                class:ok=move || check.with(|c| matches!(c, Some(Ok(Some(_)))))>
                {move || match check.get() {
                    Some(Err(why)) => why,
                    Some(Ok(Some(note))) => note,
                    _ => String::new(),
                }}
            </p>
        </form>
    }
}

/// A labelled text input bound to `value`.
#[component]
fn TextField(
    label: &'static str,
    value: RwSignal<String>,
    placeholder: &'static str,
    #[prop(into)] testid: String,
) -> impl IntoView {
    let id = unique_id(&testid);
    view! {
        <div class="knob">
            <label for=id.clone()>{label}</label>
            <input id=id type="text" placeholder=placeholder data-testid=testid spellcheck="false"
                prop:value=move || value.get() on:input=move |ev| value.set(event_target_value(&ev))/>
        </div>
    }
}

/// A labelled select of `options` (value, text) bound to `value`.
#[component]
fn SelectField(
    label: &'static str,
    value: RwSignal<String>,
    #[prop(into)] options: Signal<Vec<(String, String)>>,
    #[prop(into)] testid: String,
) -> impl IntoView {
    let id = unique_id(&testid);
    // Keep the value on an existing option when the options change.
    Effect::new(move |_| {
        let opts = options.get();
        if !opts.iter().any(|(v, _)| value.with_untracked(|x| x == v)) {
            value.set(opts.first().map(|(v, _)| v.clone()).unwrap_or_default());
        }
    });
    view! {
        <div class="knob">
            <label for=id.clone()>{label}</label>
            <select id=id data-testid=testid on:change=move |ev| value.set(event_target_value(&ev))>
                {move || options.get().into_iter().map(|(v, text)| {
                    let mine = v.clone();
                    view! { <option value=v prop:selected=move || value.with(|x| *x == mine)>{text}</option> }
                }).collect_view()}
            </select>
        </div>
    }
}

/// A button that applies one operation.
#[component]
fn OpButton(ctx: Ctx, line: String, text: String, testid: String) -> impl IntoView {
    view! {
        <button type="button" class="button small" data-testid=testid on:click=move |_| {
            ctx.act(&line);
        }>{text}</button>
    }
}

fn vpc_names(net: &Network) -> Vec<(String, String)> {
    net.live_vpcs().map(|(_, v)| (v.name.clone(), format!("VPC {}", v.name))).collect()
}

/// The subnet and instance a new VPC gets (as in the presets): a /24 inside the block (the
/// block itself when smaller), an `app` group admitting TCP 443 from 10.0.0.0/8, an `app`
/// instance at the subnet's tenth address.
fn starter_lines(name: &str, cidr: &str) -> Option<Vec<String>> {
    let block = engine::vpc::parse_cidr(cidr).ok()?;
    let base = u32::from(block.network());
    let subnet = if block.prefix_len() <= 23 {
        format!("{}/24", std::net::Ipv4Addr::from(base + 256))
    } else {
        block.to_string()
    };
    let subnet_base = if block.prefix_len() <= 23 { base + 256 } else { base };
    Some(vec![
        format!("subnet {name} main {subnet}"),
        format!("group {name} app"),
        format!("allow {name} app tcp 443 10.0.0.0/8"),
        format!("instance {name} app {} app", std::net::Ipv4Addr::from(subnet_base + 10)),
    ])
}

/// VPCs: their blocks, gateways and removal; a new VPC; a secondary block.
#[component]
pub fn VpcPanel(ctx: Ctx) -> impl IntoView {
    let (name, cidr, account, region) = (
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(engine::vpc::DEFAULT_ACCOUNT.to_owned()),
        RwSignal::new(REGIONS[0].to_owned()),
    );
    let count = move || ctx.built.with(|b| b.net.live_vpcs().count());
    let new_vpc = Signal::derive(move || {
        let (n, c) = (name.get(), cidr.get());
        if n.trim().is_empty() || c.trim().is_empty() || count() >= MAX_VPCS {
            return None;
        }
        Some(format!("vpc {} {} account={} region={}", n.trim(), c.trim(), account.get().trim(), region.get()))
    });
    // The VPC line is checked as typed; its starter subnet and instance follow when it applies.
    let add_vpc = move |()| {
        let (n, c) = (name.get_untracked(), cidr.get_untracked());
        let starters = starter_lines(n.trim(), c.trim()).unwrap_or_default();
        if starters.iter().all(|line| ctx.act(line)) {
            ctx.last_change
                .set(Some(Ok(format!("created VPC {} with subnet main, group app and instance app", n.trim()))));
        }
        name.set(String::new());
        cidr.set(String::new());
    };
    let full = move || count() >= MAX_VPCS;
    let (cidr_vpc, extra) = (RwSignal::new(String::new()), RwSignal::new(String::new()));
    let add_cidr = Signal::derive(move || {
        let c = extra.get();
        (!c.trim().is_empty()).then(|| format!("cidr {} {}", cidr_vpc.get(), c.trim()))
    });
    let names = Signal::derive(move || ctx.built.with(|b| vpc_names(&b.net)));
    let list = move || {
        ctx.built.with(|b| {
            b.net
                .live_vpcs()
                .map(|(_, v)| {
                    let secondary = v.cidrs.iter().skip(1).map(|c| {
                        let line = format!("uncidr {} {c}", v.name);
                        view! { <span class="vpc-chip">{c.to_string()}<OpButton ctx=ctx line=line text="×".into() testid=format!("uncidr-{}-{c}", v.name)/></span> }
                    }).collect_view();
                    let igw = (!v.igw).then(|| view! { <OpButton ctx=ctx line=format!("igw {}", v.name) text="Attach internet gateway".into() testid=format!("igw-{}", v.name)/> });
                    view! {
                        <li data-testid=format!("vpc-row-{}", v.name)>
                            <strong>{format!("VPC {}", v.name)}</strong>" "
                            <span class="muted">{format!("{} · {}", v.account, v.region)}</span>" "
                            <span class="vpc-chip">{v.cidrs[0].to_string()}" (primary)"</span>
                            {secondary}
                            {v.igw.then_some(" · internet gateway")}
                            <div class="control-row">
                                {igw}
                                <OpButton ctx=ctx line=format!("remove {}", v.name) text="Remove VPC".into() testid=format!("remove-{}", v.name)/>
                            </div>
                        </li>
                    }
                })
                .collect_view()
        })
    };
    view! {
        <details class="vpc-edit" open>
            <summary>"VPCs and CIDR blocks"</summary>
            <ul class="vpc-list">{list}</ul>
            <h4>"New VPC"</h4>
            <OpForm ctx=ctx line=new_vpc button="Create VPC" testid="create-vpc" on_done=Callback::new(add_vpc)>
                <TextField label="Name" value=name placeholder="D" testid="new-vpc-name"/>
                <TextField label="CIDR block (/16 to /28)" value=cidr placeholder="10.3.0.0/16" testid="new-vpc-cidr"/>
                <TextField label="Account" value=account placeholder="111111111111" testid="new-vpc-account"/>
                <SelectField label="Region" value=region options=Signal::derive(|| REGIONS.iter().map(|r| (r.to_string(), r.to_string())).collect()) testid="new-vpc-region"/>
            </OpForm>
            <p class="muted">{move || if full() { format!("The diagram shows up to {MAX_VPCS} VPCs; remove one first.") } else { "A new VPC comes with a subnet main, a security group app admitting TCP 443 from 10.0.0.0/8 and an instance app.".to_owned() }}</p>
            <h4>"Secondary CIDR block"</h4>
            <OpForm ctx=ctx line=add_cidr button="Add block" testid="add-cidr">
                <SelectField label="VPC" value=cidr_vpc options=names testid="cidr-vpc"/>
                <TextField label="CIDR block" value=extra placeholder="10.50.0.0/16" testid="cidr-block"/>
            </OpForm>
        </details>
    }
}

/// Peering connections: request, accept, reject, delete, and time passing.
#[component]
pub fn PeeringPanel(ctx: Ctx) -> impl IntoView {
    let (requester, accepter) = (RwSignal::new(String::new()), RwSignal::new(String::new()));
    let names = Signal::derive(move || ctx.built.with(|b| vpc_names(&b.net)));
    let request = Signal::derive(move || Some(format!("peer {} {}", requester.get(), accepter.get())));
    // Start the accepter on another VPC than the requester, so the form opens valid.
    Effect::new(move |_| {
        let names = names.get();
        if requester.get() == accepter.get_untracked() {
            if let Some((other, _)) = names.iter().find(|(n, _)| requester.with_untracked(|r| r != n)) {
                accepter.set(other.clone());
            }
        }
    });
    let rows = move || {
        ctx.built.with(|b| {
            let net = &b.net;
            net.peerings
                .iter()
                .filter(|p| net.describe(&p.id, None).is_ok())
                .map(|p| {
                    let (req, acc) = (&net.vpcs[p.requester], &net.vpcs[p.accepter]);
                    let pending = p.state == PeeringState::PendingAcceptance;
                    let actions = [
                        (pending, "accept", format!("Accept as {}", acc.account)),
                        (pending, "reject", "Reject".to_owned()),
                        (pending || p.state == PeeringState::Active, "delete", "Delete".to_owned()),
                    ]
                    .into_iter()
                    .filter(|(show, ..)| *show)
                    .map(|(_, verb, text)| view! { <OpButton ctx=ctx line=format!("{verb} {}", p.id) text=text testid=format!("{verb}-{}", p.id)/> })
                    .collect_view();
                    let expires = pending.then(|| {
                        let hours = (p.expires_at().as_secs_f64() - net.now().as_secs_f64()) / 3_600.0;
                        format!(" · expires in {}", format_hours(hours))
                    });
                    view! {
                        <li data-testid=format!("pcx-row-{}", p.id)>
                            <strong>{p.id.clone()}</strong>
                            {format!(" {} → {} ", req.name, acc.name)}
                            <span class=format!("vpc-state {}", p.state.code()) data-testid=format!("pcx-state-{}", p.id)>{p.state.code()}</span>
                            <span class="muted">{format!(" {}", p.message)}{expires}</span>
                            <div class="control-row">{actions}</div>
                        </li>
                    }
                })
                .collect_view()
        })
    };
    view! {
        <details class="vpc-edit" open>
            <summary>"Peering connections"</summary>
            <ul class="vpc-list" data-testid="peering-list">{rows}</ul>
            <h4>"Request a peering connection"</h4>
            <OpForm ctx=ctx line=request button="Request" testid="request-peering">
                <SelectField label="Requester" value=requester options=names testid="peer-requester"/>
                <SelectField label="Accepter" value=accepter options=names testid="peer-accepter"/>
            </OpForm>
            <div class="control-row">
                <OpButton ctx=ctx line="wait 1d".into() text="Let a day pass".into() testid="wait-1d".into()/>
                <OpButton ctx=ctx line="wait 7d".into() text="Let 7 days pass".into() testid="wait-7d".into()/>
            </div>
            <p class="muted">{move || ctx.built.with(|b| format!("Network clock: {}. A request not accepted within 7 days expires.", format_hours(b.net.now().as_secs_f64() / 3_600.0)))}</p>
        </details>
    }
}

/// `2 d 5 h`, `7 d`, `0 h`.
fn format_hours(hours: f64) -> String {
    let h = hours.max(0.0).round() as u64;
    match (h / 24, h % 24) {
        (0, h) => format!("{h} h"),
        (d, 0) => format!("{d} d"),
        (d, h) => format!("{d} d {h} h"),
    }
}

/// The targets a route in `vpc`'s table may name: its live connections and its gateway.
fn targets(net: &Network, vpc: VpcIdx) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = net
        .peerings
        .iter()
        .filter(|p| p.state.is_live() && p.other(vpc).is_some())
        .map(|p| (p.id.clone(), format!("{} (to {})", p.id, net.vpcs[p.other(vpc).unwrap_or(vpc)].name)))
        .collect();
    if net.vpcs[vpc].igw {
        out.push(("igw".to_owned(), net.vpcs[vpc].igw_id()));
    }
    out
}

/// Every route table, with its routes' states, and forms to add, retarget and remove routes.
#[component]
pub fn RouteTables(ctx: Ctx) -> impl IntoView {
    let tables = move || {
        let present: Vec<(VpcIdx, String)> =
            ctx.built.with(|b| b.net.live_vpcs().map(|(i, v)| (i, v.name.clone())).collect());
        present.into_iter().map(|(vpc, name)| view! { <RouteTable ctx=ctx vpc=vpc name=name/> }).collect_view()
    };
    view! {
        <h3 class="panel-title">"Route tables"</h3>
        <p class="muted">"Longest prefix wins. A route to a connection that is not active is a blackhole."</p>
        <div class="vpc-tables">{tables}</div>
    }
}

#[component]
fn RouteTable(ctx: Ctx, vpc: VpcIdx, name: String) -> impl IntoView {
    let (dest, target) = (RwSignal::new(String::new()), RwSignal::new(String::new()));
    let options = Signal::derive(move || ctx.built.with(|b| targets(&b.net, vpc)));
    let vpc_name = name.clone();
    let add = Signal::derive(move || {
        let d = dest.get();
        (!d.trim().is_empty() && !target.get().is_empty())
            .then(|| format!("route {vpc_name} {} {}", d.trim(), target.get()))
    });
    let vpc_name = name.clone();
    let rows = move || {
        ctx.built.with(|b| {
            let net = &b.net;
            let v = &net.vpcs[vpc];
            let local = v.cidrs.iter().map(|c| view! {
                <tr><td>{c.to_string()}</td><td>"local"</td><td>"active"</td><td></td></tr>
            }.into_any());
            let mut routes = v.routes.routes.clone();
            routes.sort_by_key(|r| (std::cmp::Reverse(r.destination.prefix_len()), r.destination));
            let explicit = routes.into_iter().map(|r| {
                let state = net.route_state(&r).code();
                let dest = r.destination.to_string();
                let current = net.target_name(vpc, r.target);
                let choices: Vec<(String, String)> = targets(net, vpc);
                let replace_name = vpc_name.clone();
                let dest_for_replace = dest.clone();
                let retarget = (choices.len() > 1 || !choices.iter().any(|(id, _)| *id == current || (id == "igw" && r.target == Target::InternetGateway))).then(|| view! {
                    <select class="vpc-retarget" aria-label=format!("New target for {dest}") data-testid=format!("retarget-{replace_name}-{dest}") on:change=move |ev| {
                        let t = event_target_value(&ev);
                        if !t.is_empty() {
                            ctx.act(&format!("replace {replace_name} {dest_for_replace} {t}"));
                        }
                    }>
                        <option value="" selected=true>"Replace…"</option>
                        {choices.into_iter().map(|(id, text)| view! { <option value=id>{text}</option> }).collect_view()}
                    </select>
                });
                view! {
                    <tr class:blackhole=state == "blackhole">
                        <td>{dest.clone()}</td>
                        <td>{current}</td>
                        <td data-testid=format!("route-state-{}-{dest}", vpc_name)>{state}</td>
                        <td>
                            {retarget}
                            <OpButton ctx=ctx line=format!("unroute {} {dest}", vpc_name) text="×".into() testid=format!("unroute-{}-{dest}", vpc_name)/>
                        </td>
                    </tr>
                }.into_any()
            });
            local.chain(explicit).collect_view()
        })
    };
    let table_name = ctx.built.with_untracked(|b| b.net.vpcs[vpc].route_table_id());
    let caption = format!("VPC {name} · {table_name}");
    let (table_id, add_id, dest_id, target_id) = (
        format!("rtb-{name}"),
        format!("add-route-{name}"),
        format!("route-dest-{name}"),
        format!("route-target-{name}"),
    );
    view! {
        <div class="vpc-table" data-testid=table_id>
            <table>
                <caption>{caption}</caption>
                <thead><tr><th scope="col">"Destination"</th><th scope="col">"Target"</th><th scope="col">"State"</th><th scope="col"><span class="visually-hidden">"Actions"</span></th></tr></thead>
                <tbody>{rows}</tbody>
            </table>
            <OpForm ctx=ctx line=add button="Add route" testid=add_id>
                <TextField label="Destination" value=dest placeholder="10.1.0.0/16" testid=dest_id/>
                <SelectField label="Target" value=target options=options testid=target_id/>
            </OpForm>
        </div>
    }
}

/// Security groups and their inbound rules, with a form to add one.
#[component]
pub fn SecurityGroups(ctx: Ctx) -> impl IntoView {
    let (vpc, group, protocol, ports, source) = (
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new("tcp".to_owned()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
    );
    let names = Signal::derive(move || ctx.built.with(|b| vpc_names(&b.net)));
    let groups = Signal::derive(move || {
        let v = vpc.get();
        ctx.built.with(|b| {
            b.net
                .vpc_named(&v)
                .map(|i| b.net.vpcs[i].groups.iter().map(|g| (g.name.clone(), g.name.clone())).collect())
                .unwrap_or_default()
        })
    });
    let add = Signal::derive(move || {
        let (p, s) = (ports.get(), source.get());
        let p = if p.trim().is_empty() && protocol.get() != "tcp" && protocol.get() != "udp" {
            "all".to_owned()
        } else {
            p
        };
        (!p.trim().is_empty() && !s.trim().is_empty())
            .then(|| format!("allow {} {} {} {} {}", vpc.get(), group.get(), protocol.get(), p.trim(), s.trim()))
    });
    let list = move || {
        ctx.built.with(|b| {
            let net = &b.net;
            net.live_vpcs()
                .flat_map(|(vi, v)| {
                    // A VPC's default group, unused and unchanged, is left out: it is in every VPC.
                    let unused_default = |g: &&engine::vpc::SecurityGroup| {
                        g.name == "default" && g.rules.len() == 1 && !v.instances.iter().any(|i| v.groups[i.group].name == "default")
                    };
                    v.groups.iter().filter(move |g| !unused_default(g)).map(move |g| {
                        let members: Vec<&str> = v.instances.iter().filter(|i| v.groups[i.group].name == g.name).map(|i| i.name.as_str()).collect();
                        let rules = g.rules.iter().map(|r| {
                            let source = net.source_name(vi, &r.source);
                            let text = match r.protocol {
                                engine::vpc::Protocol::All => format!("all traffic from {source}"),
                                engine::vpc::Protocol::Icmp => format!("icmp from {source}"),
                                p => format!("{} {} from {source}", p.name(), r.ports),
                            };
                            let line = format!("revoke {} {} {} {} {source}", v.name, g.name, r.protocol.name(), r.ports);
                            view! { <li>{text}<OpButton ctx=ctx line=line text="×".into() testid=format!("revoke-{}-{}", v.name, g.name)/></li> }
                        }).collect_view();
                        view! {
                            <li data-testid=format!("sg-{}-{}", v.name, g.name)>
                                <strong>{g.id.clone()}</strong>
                                <span class="muted">{if members.is_empty() { " (no instances)".to_owned() } else { format!(" ({})", members.join(", ")) }}</span>
                                <ul>{if g.rules.is_empty() { Some(view! { <li class="muted">"no inbound rules: admits nothing"</li> }) } else { None }}{rules}</ul>
                            </li>
                        }
                    })
                })
                .collect_view()
        })
    };
    view! {
        <h3 class="panel-title">"Security groups (inbound)"</h3>
        <p class="muted">"Outbound is open and replies to admitted traffic are allowed (groups are stateful). A source is a CIDR block, a group of the same VPC (web) or of a peer in the same Region over an active connection (B/web). Each VPC also has a default group admitting its own members; it is listed once an instance uses it."</p>
        <ul class="vpc-list vpc-groups">{list}</ul>
        <OpForm ctx=ctx line=add button="Add inbound rule" testid="add-rule">
            <SelectField label="VPC" value=vpc options=names testid="rule-vpc"/>
            <SelectField label="Group" value=group options=groups testid="rule-group"/>
            <SelectField label="Protocol" value=protocol options=Signal::derive(|| ["tcp", "udp", "icmp", "all"].iter().map(|p| (p.to_string(), p.to_string())).collect()) testid="rule-protocol"/>
            <TextField label="Ports" value=ports placeholder="443 or 8000-8080" testid="rule-ports"/>
            <TextField label="Source" value=source placeholder="10.0.0.0/16 or A/app" testid="rule-source"/>
        </OpForm>
    }
}
