//! The VPC peering playground: VPCs as boxes with their blocks, subnets and instances, peering
//! connections as lines coloured by state, and a packet that travels hop by hop and stops,
//! visibly, at the hop that drops it — with the reason and the fix. Every edit is an EC2-like
//! operation tried on a copy of the network first: AWS's refusal is shown and nothing changes,
//! or it is appended to the operation log the link and the file carry.

mod diagram;
mod editor;
mod layout;
mod link;
mod matrix;
mod packet;
mod presets;

use engine::vpc::{Network, Op, PeeringState, VpcError, VpcScenario};
use leptos::prelude::*;

use super::preset::picker_entries;
use crate::components::{
    Announcer, EmbedTitle, LayoutControls, LayoutDiagram, LayoutHeader, LayoutMetrics, LinkNotices, PlaygroundLayout,
    PresetPicker, RefusedNotice, ScenarioFile, ShareLinks, SharePanel, Stage,
};
use crate::embed::{use_host_bridge, HostRequest};
use crate::share::{Controls, Defaults, LinkedRun, Presets, ViewOptions};
use diagram::Diagram;
use editor::{PeeringPanel, RouteTables, SecurityGroups, VpcPanel};
use layout::Layout;
use matrix::{Builder, Reachability};
use packet::{PacketForm, TraceResult, Traced};
use presets::PRESETS;

/// The network the operation log builds, and the operations AWS refused (skipped).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Built {
    /// The network.
    pub net: Network,
    /// `(index in the log, error)` of each refused operation.
    pub refused: Vec<(usize, VpcError)>,
}

/// What every panel of the scene shares. `Copy`: signals only.
#[derive(Clone, Copy)]
pub struct Ctx {
    /// The scenario, its link and presets.
    pub linked: LinkedRun<VpcScenario>,
    /// The network built from the scenario's operations.
    pub built: Memo<Built>,
    /// The outcome of the last change (`Ok`: what was done; `Err`: AWS's refusal).
    pub last_change: RwSignal<Option<Result<String, String>>>,
    /// Bumped to send the packet again (the animation replays).
    pub sent: RwSignal<u32>,
    /// Where the diagram is drawn, and how wide it is there.
    pub stage: Stage,
    /// Where everything is drawn.
    pub layout: Memo<Layout>,
    /// The packet's trace, or why the packet cannot be sent.
    pub traced: Memo<Result<Traced, String>>,
}

impl Ctx {
    /// Tries an operation line on a copy of the network: the operation, and a note when it
    /// succeeds with a consequence worth knowing (a peering request that will fail).
    pub fn trial(&self, line: &str) -> Result<(Op, Option<String>), String> {
        let op = Op::parse(line)?;
        self.built.with(|b| {
            let mut copy = b.net.clone();
            copy.apply(&op).map_err(|e| e.to_string())?;
            let newly_failed = copy
                .peerings
                .iter()
                .enumerate()
                .find(|(i, p)| {
                    p.state == PeeringState::Failed
                        && b.net.peerings.get(*i).is_none_or(|q| q.state != PeeringState::Failed)
                })
                .map(|(_, p)| {
                    let overlap = copy
                        .overlap_of(copy.peering_idx(&p.id).unwrap_or_default())
                        .map(|(a, b)| format!(" ({a} and {b})"))
                        .unwrap_or_default();
                    format!("The blocks overlap{overlap}: AWS accepts the call, and {} goes to failed.", p.id)
                });
            Ok((op, newly_failed))
        })
    }

    /// Applies an operation line if AWS would accept it (`true`); either way the outcome is shown.
    pub fn act(&self, line: &str) -> bool {
        match self.trial(line) {
            Ok((op, _)) => {
                let text = op.to_string();
                self.linked.scenario.update(|s| s.ops.push(op));
                self.linked.modified.set(true);
                self.last_change.set(Some(Ok(text)));
                true
            }
            Err(why) => {
                self.last_change.set(Some(Err(format!("{line}: {why}"))));
                false
            }
        }
    }

    /// Replaces the whole network (the topology builder).
    pub fn replace(&self, scenario: VpcScenario) {
        self.linked.scenario.set(scenario);
        self.linked.modified.set(true);
        self.linked.generation.update(|g| *g += 1);
        self.last_change.set(Some(Ok("built a new network".to_owned())));
        self.sent.update(|n| *n += 1);
    }
}

/// The VPC peering playground scene.
#[component]
pub fn VpcScene() -> impl IntoView {
    let linked = LinkedRun::open(
        Presets(&PRESETS),
        // Nothing runs on its own here: no seed or speed to choose, nothing playing.
        Defaults { seed: 42, speed: 1.0, playing: false },
    );
    linked.follow_in_address_bar();
    let built = Memo::new(move |_| {
        linked.scenario.with(|s| {
            let (net, refused) = s.build();
            Built { net, refused }
        })
    });
    let stage = Stage::new(1000.0);
    let layout = Memo::new(move |_| built.with(|b| layout::layout(&b.net, stage.width.get())));
    let traced = Memo::new(move |_| {
        built.with(|b| layout.with(|l| linked.scenario.with(|s| packet::trace(&b.net, l, &s.packet))))
    });
    let ctx = Ctx { linked, built, last_change: RwSignal::new(None), sent: RwSignal::new(0), stage, layout, traced };
    let announcement = RwSignal::new(String::new());
    let LinkedRun { preset_key, modified, notices, view, .. } = linked;
    let load_preset = move |key: String| {
        if linked.load_preset(&key) {
            ctx.last_change.set(None);
            ctx.sent.update(|n| *n += 1);
        }
    };
    let share = ShareLinks {
        page: Callback::new(move |_| linked.url(None, ViewOptions::default())),
        embed: Callback::new(move |_| linked.url(None, ViewOptions { embed: true, ..ViewOptions::default() })),
        embed_height: crate::playgrounds::by_label("VPC").map_or(1000, |p| p.embed_height),
    };
    let title = Signal::derive(move || linked.title("VPC peering"));
    let export = Callback::new(move |()| {
        let name = preset_key.with_untracked(|k| format!("nimbus-vpc-{k}.json"));
        (name, linked.scenario.with_untracked(|s| engine::scenario::to_file_json(s, "vpc")))
    });
    let import = Callback::new(move |text: String| {
        let scenario = engine::scenario::from_file_json(&text, "vpc", "VPC", VpcScenario::validate)?;
        let linkable = linked.import(scenario);
        ctx.sent.update(|n| *n += 1);
        Ok(if linkable {
            "Imported: the network was rebuilt from the file's operations, and links carry it.".to_owned()
        } else {
            "Imported: the network was rebuilt from the file's operations.".to_owned()
        })
    });

    if view.embed {
        use_host_bridge(move |request| match request {
            HostRequest::Play => ctx.sent.update(|n| *n += 1),
            HostRequest::Pause => {}
            HostRequest::Set(query) => linked.apply_patch(&query),
        });
        let full = move || linked.url(None, ViewOptions::default());
        return view! {
            <section class="embed-frame" aria-label="VPC peering playground" data-testid="embed-frame">
                <EmbedTitle service="VPC" preset=Signal::derive(move || linked.preset_label()) href=Signal::derive(full)/>
                <LinkNotices notices=notices/>
                // `controls=none`: the diagram and its result alone; `full` adds the presets.
                {(view.controls != Controls::None).then(|| view! { <PacketForm ctx=ctx/> })}
                <Diagram ctx=ctx announcement=announcement/>
                <TraceResult ctx=ctx/>
                {(view.controls == Controls::Full).then(|| view! {
                    <div class="embed-controls panel">
                        <PresetPicker entries=picker_entries(&PRESETS) preset_key=preset_key modified=modified on_pick=load_preset/>
                    </div>
                })}
                <Announcer message=announcement/>
            </section>
        }
        .into_any();
    }

    view! {
        <PlaygroundLayout id="vpc-playground">
            <LayoutHeader slot>
                <h2>"Peering connections, route tables and a packet that says why"</h2>
                <p>
                    "A peering connection joins exactly two VPCs. Traffic crosses it only when it is active, when both route tables send the other side's block to it, and when the destination's security group admits it. Send a packet: it travels hop by hop and stops at the first hop that drops it, with the reason and the change that fixes it."
                </p>
                <LinkNotices notices=notices/>
                <RefusedOps ctx=ctx/>
            </LayoutHeader>
            <LayoutDiagram slot>
                // The packet's result, right under the diagram, is this playground's proof.
                {super::live::preset_caption(linked, Signal::derive(Vec::new))}
                <PacketForm ctx=ctx/>
                <Diagram ctx=ctx announcement=announcement/>
                <TraceResult ctx=ctx/>
            </LayoutDiagram>
            <LayoutControls slot>
                <PresetPicker entries=picker_entries(&PRESETS) preset_key=preset_key modified=modified on_pick=load_preset/>
                <LastChange ctx=ctx/>
                <VpcPanel ctx=ctx/>
                <PeeringPanel ctx=ctx/>
                <Builder ctx=ctx/>
                <OperationLog ctx=ctx/>
                <SharePanel links=share title=title now_secs=Signal::derive(|| 0.0) untimed=true/>
                <ScenarioFile export=export import=import/>
            </LayoutControls>
            <LayoutMetrics slot>
                <Reachability ctx=ctx/>
                <RouteTables ctx=ctx/>
                <SecurityGroups ctx=ctx/>
                <Announcer message=announcement/>
            </LayoutMetrics>
        </PlaygroundLayout>
    }
    .into_any()
}

/// The outcome of the last change: what was done, or AWS's refusal.
#[component]
fn LastChange(ctx: Ctx) -> impl IntoView {
    view! {
        <p class="field-message vpc-last-change" role="status" data-testid="last-change"
            class:ok=move || ctx.last_change.with(|c| matches!(c, Some(Ok(_))))>
            {move || ctx.last_change.get().map(|c| match c {
                Ok(done) => format!("Done: {done}"),
                Err(why) => format!("Refused: {why}"),
            })}
        </p>
    }
}

/// Operations of a link or file that AWS refused (they are skipped; the rest applies).
#[component]
fn RefusedOps(ctx: Ctx) -> impl IntoView {
    let lines = move || {
        let ops = ctx.linked.scenario.with(|s| s.ops.clone());
        ctx.built.with(|b| {
            b.refused
                .iter()
                .map(|(i, e)| format!("{}. {} — {e}", i + 1, ops.get(*i).map(ToString::to_string).unwrap_or_default()))
                .collect::<Vec<_>>()
        })
    };
    view! { <RefusedNotice lines=Signal::derive(lines) test_id="refused-ops"/> }
}

/// The operation log: how this network was built, replayable, with an undo.
#[component]
fn OperationLog(ctx: Ctx) -> impl IntoView {
    let rows = move || {
        let refused: Vec<usize> = ctx.built.with(|b| b.refused.iter().map(|(i, _)| *i).collect());
        ctx.linked.scenario.with(|s| {
            s.ops
                .iter()
                .enumerate()
                .map(|(i, op)| {
                    let bad = refused.contains(&i);
                    view! { <li class:refused=bad><code>{op.to_string()}</code>{bad.then_some(" (refused)")}</li> }
                })
                .collect_view()
        })
    };
    let undo = move |_| {
        let mut popped = None;
        ctx.linked.scenario.update(|s| popped = s.ops.pop());
        ctx.linked.modified.set(true);
        ctx.last_change.set(popped.map(|op| Ok(format!("undid {op}"))));
    };
    view! {
        <details class="vpc-edit">
            <summary>"Operation log"</summary>
            <p class="muted">"The network is these EC2 operations, replayed in order: links and files carry them."</p>
            <ol class="vpc-oplog" data-testid="op-log">{rows}</ol>
            <button type="button" class="button small" data-testid="undo" on:click=undo
                disabled=move || ctx.linked.scenario.with(|s| s.ops.is_empty())>"Undo the last operation"</button>
        </details>
    }
}

#[cfg(test)]
mod caption_tests {
    #[test]
    fn every_preset_has_a_lesson() {
        // The packet's result is the proof here: no counters.
        crate::scenes::preset::assert_captions(&super::presets::PRESETS, &[]);
    }
}
