//! Tests of filter policy changes taking effect over time (SNS-23): the previous policy decides
//! before the change, both decide while it propagates (the previous one less and less), only
//! the new one after; 0 s applies it at once; no random number is drawn for it.

use super::model::SnsSim;
use super::scenario::*;
use crate::time::{SimDuration, SimTime};
use crate::trace::Reason;
use crate::workload::Workload;

const BOOKS: &str = r#"{"type": ["books"]}"#;
const TVS: &str = r#"{"type": ["electronics"]}"#;

/// Only TVs are published; the queue's policy changes from books to electronics at 20 s.
fn changed_at_20(propagation_s: u64) -> SnsScenario {
    SnsScenario {
        topic: TopicSettings { filter_propagation_s: propagation_s, ..TopicSettings::default() },
        publishers: vec![Publisher { workload: Workload::Constant { rate_per_s: 20.0 }, groups: 1 }],
        messages: vec![MessageTemplate {
            label: "tv".into(),
            attributes: vec![Attribute { name: "type".into(), kind: "String".into(), value: "electronics".into() }],
            ..MessageTemplate::default()
        }],
        subscriptions: vec![SubscriptionSettings {
            name: "q".into(),
            endpoint: EndpointKind::Lambda,
            filter_policy: Some(TVS.into()),
            filter_edits: vec![FilterEdit { at_s: 20.0, before: Some(BOOKS.into()), ..FilterEdit::default() }],
            ..SubscriptionSettings::default()
        }],
        ..SnsScenario::default()
    }
}

fn run(scenario: &SnsScenario, secs: u64) -> SnsSim {
    let mut sim = SnsSim::try_new(scenario, 7).unwrap_or_else(|e| panic!("{e}"));
    sim.run_until_done(SimTime::ZERO + SimDuration::from_secs(secs));
    sim
}

/// The run and all its events, gathered a second at a time (the trace keeps only the latest).
fn run_all(scenario: &SnsScenario, secs: u64) -> (SnsSim, Vec<super::SnsTraceEvent>) {
    let mut sim = SnsSim::try_new(scenario, 7).unwrap_or_else(|e| panic!("{e}"));
    let mut events = Vec::new();
    for t in 1..=secs {
        let before = sim.trace().count();
        sim.run_until_done(SimTime::from_secs(t));
        let new = (sim.trace().count() - before) as usize;
        assert!(new <= sim.trace().recent().len() && new < 400, "more events in a second than the trace keeps");
        events.extend(sim.trace().recent().skip(sim.trace().recent().len() - new).cloned());
    }
    (sim, events)
}

/// Per message published: when, and whether its copy was filtered out (and the note why).
fn decisions(events: &[super::SnsTraceEvent]) -> Vec<(f64, Option<String>)> {
    events
        .iter()
        .filter(|e| e.reason == Reason::Published)
        .map(|p| {
            let filtered = events.iter().find(|e| e.reason == Reason::FilteredOut && e.message == p.message);
            (p.at.as_secs_f64(), filtered.map(|e| e.note.as_deref().unwrap_or("").to_owned()))
        })
        .collect()
}

#[test]
fn the_previous_policy_decides_before_a_change_both_during_it_and_the_new_one_after() {
    let (sim, events) = run_all(&changed_at_20(40), 90);
    let all = decisions(&events);
    let stopped = |from: f64, to: f64| {
        let span: Vec<_> = all.iter().filter(|(t, _)| *t >= from && *t < to).collect();
        (span.iter().filter(|(_, f)| f.is_some()).count(), span.len())
    };
    // Before the change: the books policy is simply in force, and says so plainly.
    assert_eq!(stopped(0.0, 20.0), (400, 400));
    let (_, early) = all.iter().find(|(t, _)| *t < 20.0).expect("an early message");
    assert!(!early.as_deref().unwrap_or("").contains("previous policy"), "{early:?}");
    // While it takes effect: the previous policy decides fewer and fewer copies.
    let (first_half, n1) = stopped(20.0, 40.0);
    let (second_half, n2) = stopped(40.0, 60.0);
    assert_eq!((n1, n2), (400, 400));
    assert!(first_half > second_half && second_half > 0 && first_half < n1, "{first_half} then {second_half}");
    // About three quarters, then one quarter (a linear fall), give or take the hash's spread.
    assert!((240..=360).contains(&first_half) && (40..=160).contains(&second_half), "{first_half} {second_half}");
    // After the window: only the new policy.
    assert_eq!(stopped(60.0, 91.0).0, 0);
    // Each copy the previous policy stopped says so, and the counter counts every copy it decided.
    let late: Vec<_> = all.iter().filter(|(t, f)| *t >= 20.0 && f.is_some()).collect();
    for (_, note) in &late {
        let note = note.as_deref().unwrap_or("");
        assert!(
            note.starts_with("the previous policy decided (the change at 20.0 s was still taking effect):"),
            "{note}"
        );
    }
    let t = &sim.model().totals().subscriptions[0];
    assert_eq!(t.by_previous_policy, late.len() as u64, "every copy it decided stopped (only TVs are published)");
    assert_eq!(t.filtered, 400 + late.len() as u64);
}

#[test]
fn the_inspector_question_has_the_answer_the_publish_used() {
    let (sim, events) = run_all(&changed_at_20(40), 70);
    let m = sim.model();
    for p in events.iter().filter(|e| e.reason == Reason::Published) {
        let id = p.message.expect("an id");
        let stopped = events.iter().any(|e| e.reason == Reason::FilteredOut && e.message == Some(id));
        let previous = m.decided_by_previous(0, id, p.at);
        // Only the books policy stops a TV; before 20 s it is not "previous", just in force.
        assert_eq!(stopped, previous.is_some() || p.at < SimTime::from_secs(20), "msg-{id} at {:?}", p.at);
        if let Some(edit) = previous {
            assert_eq!((edit.at_s, edit.before.as_deref()), (20.0, Some(BOOKS)));
        }
    }
}

#[test]
fn no_propagation_applies_a_change_at_once() {
    let (sim, events) = run_all(&changed_at_20(0), 40);
    let all = decisions(&events);
    assert!(all.iter().all(|(t, f)| f.is_some() == (*t < 20.0)), "{all:?}");
    assert_eq!(sim.model().totals().subscriptions[0].by_previous_policy, 0);
}

#[test]
fn a_second_change_during_the_first_keeps_each_copy_on_one_of_the_three_policies() {
    let mut s = changed_at_20(40);
    // books → electronics at 20 s, then electronics → no policy at 30 s.
    s.subscriptions[0].filter_edits.push(FilterEdit { at_s: 30.0, before: Some(TVS.into()), ..FilterEdit::default() });
    s.subscriptions[0].filter_policy = None;
    let (sim, events) = run_all(&s, 90);
    let all = decisions(&events);
    // Only the books policy stops a TV: it fades out over 20–60 s whatever happens at 30 s.
    let stopped_after = |from: f64| all.iter().filter(|(t, f)| *t >= from && f.is_some()).count();
    assert!(stopped_after(20.0) > stopped_after(40.0) && stopped_after(40.0) > 0 && stopped_after(60.0) == 0);
    let m = sim.model();
    assert_eq!(m.scenario().subscriptions[0].edits_made(SimTime::from_secs(25)), 1);
    assert_eq!(m.scenario().subscriptions[0].filter_version(1), (Some(TVS), super::FilterScope::MessageAttributes));
}

#[test]
fn a_change_draws_no_random_number_and_the_same_seed_gives_the_same_run() {
    // A "change" to the same policy decides exactly as no change: the run is the same, draw for draw.
    let mut same = changed_at_20(40);
    same.subscriptions[0].filter_edits[0].before = Some(TVS.into());
    let mut none = same.clone();
    none.subscriptions[0].filter_edits.clear();
    assert_eq!(run(&same, 60).trace_hash(), run(&none, 60).trace_hash());
    assert_eq!(run(&changed_at_20(40), 60).trace_hash(), run(&changed_at_20(40), 60).trace_hash());
    assert_ne!(run(&changed_at_20(40), 60).trace_hash(), run(&changed_at_20(0), 60).trace_hash());
}

#[test]
fn the_composer_preview_decides_as_a_publish_now_would() {
    let mut sim = SnsSim::try_new(&changed_at_20(40), 7).expect("valid");
    sim.run_until_done(SimTime::from_secs(30));
    let req = sim.model().template(0).cloned().expect("the TV");
    let preview = sim.model().preview(&req, sim.now()).expect("valid")[0].clone();
    let id = sim.act(|m, cx| m.publish_composed(cx, req)).expect("published");
    let stopped = sim.trace().recent().any(|e| e.reason == Reason::FilteredOut && e.message == Some(id));
    assert_eq!(preview.delivered, !stopped);
    assert_eq!(sim.model().decided_by_previous(0, id, sim.now()).is_some(), preview.reason.contains("previous policy"));
}

#[test]
fn the_propagation_delay_and_the_changes_are_checked_and_old_files_still_load() {
    let err = changed_at_20(901).validate().expect_err("over 15 minutes").to_string();
    assert_eq!(err, "topic.filter_propagation_s = 901 is out of range: allowed 0–900");
    assert!(changed_at_20(900).validate().is_ok() && changed_at_20(0).validate().is_ok());
    let mut s = changed_at_20(60);
    s.subscriptions[0].filter_edits.push(FilterEdit { at_s: 10.0, ..FilterEdit::default() });
    let err = s.validate().expect_err("out of order").to_string();
    assert_eq!(err, "subscriptions[0].filter_edits[1].at_s = 10 is out of range: allowed 20–1209600");
    let mut s = changed_at_20(60);
    s.subscriptions[0].filter_edits[0].before = Some(r#"{"type": "books"}"#.into());
    let err = s.validate().expect_err("a bad previous policy").to_string();
    assert!(err.contains("filter_edits[0].before") && err.contains("FilterPolicy"), "{err}");
    let mut s = changed_at_20(60);
    s.subscriptions[0].filter_edits = vec![FilterEdit::default(); MAX_FILTER_EDITS + 1];
    assert!(s.validate().expect_err("too many").to_string().contains("0–8"));
    // A file from before: no propagation setting, no changes.
    let old = SnsScenario::from_file_json(r#"{"kind": "sns", "topic": {"fifo": false}}"#).expect("loads");
    assert_eq!(old.topic.filter_propagation_s, DEFAULT_FILTER_PROPAGATION_S);
    assert!(old.subscriptions[0].filter_edits.is_empty());
    assert!(!old.to_file_json().contains("filter_edits"), "a scenario without changes writes none");
    let s = changed_at_20(45);
    assert_eq!(SnsScenario::from_file_json(&s.to_file_json()), Ok(s));
}
