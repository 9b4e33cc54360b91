//! Memory is bounded by design, not by luck (issue 18): each live playground's heaviest preset
//! runs a whole simulated day, and what it holds — the engine's own accounting of live
//! messages, records, requests and scheduled work, deterministic where RSS is not — stays
//! under the cap the engine stops a run at. "Heaviest" is measured, not assumed: the preset
//! that holds the most after ten simulated minutes.
//!
//! A day of the hot-key Kinesis preset is 170 million records: these tests want the engine
//! optimised (the workspace's dev profile builds it at `opt-level = 3`).

use engine::sim::{Model, RunOutcome, Sim, HELD_BYTES_CAP};
use engine::time::SimTime;

use super::preset::{scenario_of, Preset};

const DAY: SimTime = SimTime::from_secs(86_400);

/// Runs `sim` to `until` an hour at a time; the most it held at any hour's end.
fn most_held<M: Model>(sim: &mut Sim<M>, until: SimTime) -> u64 {
    let mut most = 0;
    let mut t = SimTime::ZERO;
    while t < until {
        t = (t + engine::time::SimDuration::from_secs(3_600)).min(until);
        assert_ne!(sim.run_until_done(t), RunOutcome::Halted, "stopped at the memory cap: {:?}", sim.halted());
        most = most.max(sim.held_bytes());
    }
    most
}

/// The preset of `all` holding the most after ten minutes, and the most it holds in a day.
fn a_day_of<S, M: Model>(all: &'static [Preset<S>], build: impl Fn(&S) -> Sim<M>) -> (&'static str, u64) {
    let held = |key: &str| {
        let mut sim = build(&scenario_of(all, key));
        sim.run_until_done(SimTime::from_secs(600));
        sim.held_bytes()
    };
    let heaviest = all.iter().map(|p| (held(p.key), p.key)).max().map_or("", |(_, key)| key);
    let most = most_held(&mut build(&scenario_of(all, heaviest)), DAY);
    assert!(most <= HELD_BYTES_CAP, "{heaviest} held {most} bytes");
    (heaviest, most)
}

#[test]
fn a_day_of_the_heaviest_sqs_preset_stays_under_the_cap() {
    use engine::sqs::SqsSim;
    let (heaviest, most) = a_day_of(&super::sqs::presets::PRESETS, |s| {
        SqsSim::try_new(s, 1).expect("a preset is valid").without_recent_events()
    });
    // Its backlog grows all day (one consumer behind a producer four times faster), to 1.4
    // million messages: still under the cap at the end of the day.
    assert_eq!(heaviest, "scale");
    assert!(most > 100 << 20, "{most}");
}

#[test]
fn a_day_of_the_heaviest_sns_preset_stays_under_the_cap() {
    use engine::sns::SnsSim;
    a_day_of(&super::sns::presets::PRESETS, |s| {
        SnsSim::try_new(s, 1).expect("a preset is valid").without_recent_events()
    });
}

#[test]
fn a_day_of_the_heaviest_kinesis_preset_stays_under_the_cap() {
    use engine::kinesis::{KinesisSim, STREAM_ENTRY_BUDGET};
    let (_, most) = a_day_of(&super::kinesis::presets::PRESETS, |s| {
        KinesisSim::try_new(s, 1).expect("a preset is valid").without_recent_events()
    });
    // A day of records is compacted into the stream's entry budget (plus growing room).
    assert!(most <= (STREAM_ENTRY_BUDGET * 2 * std::mem::size_of::<engine::kinesis::Record>()) as u64 + (8 << 20));
}

#[test]
fn a_day_of_the_heaviest_api_gateway_preset_stays_under_the_cap() {
    use engine::apigw::ApigwSim;
    a_day_of(&super::apigw::presets::PRESETS, |s| {
        ApigwSim::try_new(s, 1).expect("a preset is valid").without_recent_events()
    });
}

/// Rewind (issue 22): the checkpoints of an hour of the heaviest preset (as above) stay under
/// 64 MB, taken as a page takes them (after every frame-sized slice of the run).
fn an_hour_of_checkpoints<S, M: engine::rewind::Rewind>(
    all: &'static [Preset<S>],
    build: impl Fn(&S) -> Sim<M>,
) -> u64 {
    let held = |key: &str| {
        let mut sim = build(&scenario_of(all, key));
        sim.run_until_done(SimTime::from_secs(600));
        sim.copy_bytes()
    };
    let heaviest = all.iter().map(|p| (held(p.key), p.key)).max().map_or("", |(_, key)| key);
    let mut sim = build(&scenario_of(all, heaviest));
    let mut tape = engine::rewind::Tape::new();
    let mut most = 0;
    tape.record(&sim);
    while sim.now() < SimTime::from_secs(3_600) {
        sim.run_until_done(sim.now() + engine::time::SimDuration::from_millis(250));
        tape.record(&sim);
        most = most.max(tape.bytes());
    }
    assert!(most <= 64 << 20, "{heaviest}: checkpoints held {most} bytes");
    assert!(tape.len() >= 2, "{heaviest}: {} checkpoints", tape.len());
    most
}

#[test]
fn an_hour_of_checkpoints_of_each_playgrounds_heaviest_preset_stays_under_64_mb() {
    use engine::{apigw::ApigwSim, flow::FlowSim, kinesis::KinesisSim, sns::SnsSim, sqs::SqsSim};
    an_hour_of_checkpoints(&super::sqs::presets::PRESETS, |s| SqsSim::try_new(s, 1).expect("a preset is valid"));
    an_hour_of_checkpoints(&super::sns::presets::PRESETS, |s| SnsSim::try_new(s, 1).expect("a preset is valid"));
    an_hour_of_checkpoints(&super::kinesis::presets::PRESETS, |s| {
        KinesisSim::try_new(s, 1).expect("a preset is valid")
    });
    an_hour_of_checkpoints(&super::apigw::presets::PRESETS, |s| ApigwSim::try_new(s, 1).expect("a preset is valid"));
    an_hour_of_checkpoints(&super::flow::presets::PRESETS, |s| {
        FlowSim::try_new(s, 1).expect("a preset is valid").keep_recent_events(super::flow::RECENT_EVENTS)
    });
}
