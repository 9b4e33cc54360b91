//! The diagram: VPC boxes, peering lines coloured by state, the internet when a VPC has a
//! gateway, and the packet travelling hop by hop along its trace (at once for readers who prefer
//! reduced motion), ending in a tick or a cross with the reason code.

use std::time::Duration;

use leptos::prelude::*;

use super::Ctx;

/// Time the packet takes from one hop to the next.
const HOP_MS: u64 = 520;

/// Reveals hop `step` of animation `generation`, then schedules the next, until `total`.
fn advance(step: usize, total: usize, generation: u32, current: StoredValue<u32>, shown: RwSignal<usize>) {
    if current.get_value() != generation {
        return;
    }
    shown.set(step);
    if step < total {
        set_timeout(move || advance(step + 1, total, generation, current, shown), Duration::from_millis(HOP_MS));
    }
}

/// The SVG diagram and its animation.
#[component]
pub fn Diagram(ctx: Ctx, announcement: RwSignal<String>) -> impl IntoView {
    // How many hops of the trace are drawn; `usize::MAX`: all of them.
    let shown = RwSignal::new(usize::MAX);
    let generation = StoredValue::new(0u32);
    // Each Send (and each preset) plays the packet's path from the start; other changes show the
    // new result at once.
    Effect::new(move |_| {
        ctx.sent.track();
        let total = ctx.traced.with_untracked(|t| t.as_ref().map_or(0, |t| t.hops.len()));
        generation.update_value(|g| *g += 1);
        if crate::anim::prefers_reduced_motion() || total == 0 {
            shown.set(usize::MAX);
        } else {
            shown.set(0);
            let g = generation.get_value();
            set_timeout(move || advance(1, total, g, generation, shown), Duration::from_millis(60));
        }
    });
    Effect::new(move |previous: Option<()>| {
        ctx.traced.track();
        if previous.is_some() {
            generation.update_value(|g| *g += 1);
            shown.set(usize::MAX);
        }
    });
    // Say the outcome once the packet has arrived or stopped.
    Effect::new(move |_| {
        let done = ctx.traced.with(|t| t.as_ref().map(|t| shown.get() >= t.hops.len()).unwrap_or(true));
        if done {
            let text = ctx.traced.with_untracked(|t| match t {
                Ok(t) => format!("{}: {}", t.code, t.why),
                Err(why) => why.clone(),
            });
            announcement.set(text);
        }
    });

    let width = move || ctx.layout.with(|l| l.width);
    let boxes = move || {
        ctx.layout.with(|l| {
            l.boxes
                .iter()
                .map(|b| {
                    let (rx, ry) = b.route_table();
                    let (gx, gy) = b.gateway();
                    let subnets = b.subnets.iter().map(|(y, text)| view! {
                        <text class="vpc-subnet" x=b.x + 12.0 y=*y>{text.clone()}</text>
                    }).collect_view();
                    let instances = b.instances.iter().map(|dot| {
                        let path = format!("{}/{}", b.title, dot.name);
                        let (ip, from) = (dot.ip.clone(), path.clone());
                        // Click: send the packet to this instance; Shift+click: send from it.
                        let pick = std::rc::Rc::new(move |shift: bool| {
                            ctx.linked.scenario.update(|s| if shift { s.packet.from = from.clone() } else { s.packet.to = ip.clone() });
                            ctx.linked.modified.set(true);
                            ctx.sent.update(|n| *n += 1);
                        });
                        let on_key = pick.clone();
                        view! {
                            <g class="vpc-instance" role="button" tabindex="0" data-testid=format!("instance-{path}")
                                aria-label=format!("Send the packet to {path} ({}); with Shift, from it", dot.ip)
                                on:click=move |ev| pick(ev.shift_key())
                                on:keydown=move |ev| if ev.key() == "Enter" || ev.key() == " " {
                                    ev.prevent_default();
                                    on_key(ev.shift_key());
                                }>
                                <circle cx=dot.x cy=dot.y r="5"></circle>
                                <text x=dot.x + 10.0 y=dot.y + 4.0>{format!("{} {}", dot.name, dot.ip)}</text>
                            </g>
                        }
                    }).collect_view();
                    // On a column a link to the internet would cross the boxes above: the badge says it.
                    let link = (!l.column).then(|| view! { <line class="vpc-igw-link" x1=gx y1=gy x2=l.width / 2.0 y2="30"></line> });
                    let gateway = b.igw.then(|| view! {
                        <g class="vpc-igw">
                            {link}
                            <rect x=gx - 18.0 y=gy - 9.0 width="36" height="18" rx="4"></rect>
                            <text x=gx y=gy + 4.0 text-anchor="middle">"igw"</text>
                        </g>
                    });
                    view! {
                        <g class="vpc-box" data-testid=format!("vpc-{}", b.title)>
                            <rect class="vpc-frame" x=b.x y=b.y width=b.w height=b.h rx="10"></rect>
                            <text class="vpc-name" x=b.x + 12.0 y=b.y + 18.0>{format!("VPC {}", b.title)}</text>
                            <text class="vpc-cidr" x=b.x + 12.0 y=b.y + 34.0>{b.cidrs.clone()}</text>
                            {b.owner.clone().map(|o| view! { <text class="vpc-owner" x=b.x + 12.0 y=b.y + 47.0>{o}</text> })}
                            <g class="vpc-rtb">
                                <rect x=rx - 14.0 y=ry - 9.0 width="28" height="18" rx="4"></rect>
                                <text x=rx y=ry + 4.0 text-anchor="middle">"rtb"</text>
                            </g>
                            {subnets}
                            {instances}
                            {gateway}
                        </g>
                    }
                })
                .collect_view()
        })
    };
    let lines = move || {
        ctx.layout.with(|l| {
            ctx.built.with(|b| {
                l.lines
                    .iter()
                    .map(|line| {
                        let p = &b.net.peerings[line.pcx];
                        view! {
                            <g class=format!("vpc-peer {}", line.class) data-testid=format!("peer-{}", p.id) data-state=p.state.code()>
                                <path d=line.path()></path>
                            </g>
                        }
                    })
                    .collect_view()
            })
        })
    };
    // Labels go on top of the boxes' edges, so they are drawn after them.
    let labels = move || {
        ctx.layout.with(|l| {
            l.lines
                .iter()
                .map(|line| view! {
                    <text class=format!("vpc-peer-label {}", line.class) x=line.label_at.0 y=line.label_at.1 + 4.0 text-anchor="middle">{line.label.clone()}</text>
                })
                .collect_view()
        })
    };
    let packet = move || {
        let Ok(t) = ctx.traced.get() else { return None };
        let n = shown.get().min(t.hops.len());
        let points: Vec<(f64, f64)> = t.hops[..n].iter().filter_map(|h| h.point).collect();
        let &(x, y) = points.last()?;
        let trail: String = points.iter().map(|(x, y)| format!("{x:.1},{y:.1}")).collect::<Vec<_>>().join(" ");
        let done = n == t.hops.len();
        // The stop's code goes where it covers no other text.
        let (code_x, code_y) = ctx.layout.with_untracked(|l| l.free_spot((x, y), t.code.len()));
        let end = done.then(|| {
            if t.blocked {
                view! {
                    <g class="vpc-stop" data-testid="packet-stop">
                        <path d=format!("M{} {} l12 12 m0 -12 l-12 12", x - 6.0, y - 6.0)></path>
                        <text x=code_x y=code_y text-anchor="middle">{t.code}</text>
                    </g>
                }
                .into_any()
            } else {
                view! { <circle class="vpc-arrived" data-testid="packet-arrived" cx=x cy=y r="10"></circle> }.into_any()
            }
        });
        Some(view! {
            // Green where the packet arrives, red where it stops, neutral while it travels.
            <polyline class=match (done, t.blocked) { (false, _) => "vpc-trail", (true, true) => "vpc-trail stopped", (true, false) => "vpc-trail arrived" } points=trail></polyline>
            <circle class="vpc-packet" r="6" style=format!("transform: translate({x:.1}px, {y:.1}px)")></circle>
            {end}
        })
    };
    let label = move || {
        ctx.built.with(|b| {
            let vpcs: Vec<String> = b.net.live_vpcs().map(|(_, v)| format!("{} {}", v.name, v.cidrs[0])).collect();
            let peerings: Vec<String> = ctx.layout.with(|l| {
                l.lines
                    .iter()
                    .map(|line| {
                        let p = &b.net.peerings[line.pcx];
                        format!(
                            "{} {} between {} and {}",
                            p.id,
                            p.state.code(),
                            b.net.vpcs[p.requester].name,
                            b.net.vpcs[p.accepter].name
                        )
                    })
                    .collect()
            });
            let result =
                ctx.traced.with(|t| t.as_ref().map_or_else(|e| e.clone(), |t| format!("the packet: {}", t.code)));
            format!(
                "VPCs: {}. Peering connections: {}. {result}.",
                vpcs.join(", "),
                if peerings.is_empty() { "none".to_owned() } else { peerings.join("; ") }
            )
        })
    };
    view! {
        <figure class="sqs-figure vpc-figure">
            <div class="stage" node_ref=ctx.stage.node>
                <svg class="sqs-diagram vpc-diagram" viewBox=move || ctx.layout.with(|l| format!("0 0 {:.0} {:.0}", l.width, l.height))
                    width=move || ctx.layout.with(|l| l.width.round()) height=move || ctx.layout.with(|l| l.height.round())
                    role="group" aria-label=label data-testid="vpc-diagram">
                    <Show when=move || ctx.layout.with(|l| l.internet)>
                        <g class="vpc-internet">
                            <ellipse cx=move || width() / 2.0 cy="22" rx="70" ry="16"></ellipse>
                            <text x=move || width() / 2.0 y="26" text-anchor="middle">"Internet"</text>
                        </g>
                    </Show>
                    {lines}
                    {boxes}
                    {labels}
                    {packet}
                </svg>
            </div>
            <figcaption class="sqs-legend">
                "Lines are peering connections: solid green active, dashed amber pending acceptance, red failed, grey rejected, expired or deleted. "
                "The packet visits the source's route table (rtb), the connection, the destination's route table for the replies, then the destination's security group. "
                "Click an instance to send the packet to it (Shift+click: from it)."
            </figcaption>
        </figure>
    }
}
