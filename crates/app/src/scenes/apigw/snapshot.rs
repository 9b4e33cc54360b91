//! What one frame of the API Gateway diagram shows: client groups with their calls waiting to
//! be retried, the gateway's buckets as vessels (tokens against the burst, the refill rate),
//! refused and timed-out requests bouncing back with their status, and the backend with the
//! calls it serves — those already answered 504 included, which keep their slot until done.

use crate::components::NARROWEST;
use std::collections::BTreeMap;

use engine::apigw::{ApigwSim, CallPhase};
use engine::{Reason, SimDuration, TraceRecord};

use crate::components::token_layer::{Token, TOKEN_H};
use engine::text;

/// Padding.
pub const PAD: f64 = 10.0;
/// Client box height (with the gap to the next).
pub const CLIENT_H: f64 = 112.0;
/// One bucket row: its name, its vessel, its level.
pub const BUCKET_H: f64 = 46.0;
/// Where the first bucket starts inside the gateway box (under its title).
const BUCKETS_TOP: f64 = 42.0;
/// Token width.
pub const TOKEN_W: f64 = crate::components::token_layer::TOKEN_W;
/// The gap between columns (wide) or boxes (narrow), where refused requests bounce back.
const GAP: f64 = 40.0;
/// Rows of tokens the backend box holds on a narrow diagram.
const NARROW_BACKEND_ROWS: usize = 4;

/// The diagram laid out for one width (one SVG unit per CSS pixel). From 700 px clients,
/// gateway and backend stand side by side; narrower they are stacked, top to bottom.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Layout {
    /// The diagram's width.
    pub w: f64,
    /// Whether the three parts are stacked.
    pub narrow: bool,
    /// Client groups drawn.
    pub groups: usize,
    /// Buckets drawn.
    pub buckets: usize,
}

/// A box: left, top, width, height.
pub type Rect = (f64, f64, f64, f64);

impl Layout {
    /// The layout for a diagram `width` CSS pixels wide with `groups` client groups and `buckets` buckets.
    pub fn new(width: f64, groups: usize, buckets: usize) -> Layout {
        let w = if width.is_finite() { width.max(NARROWEST).floor() } else { NARROWEST };
        Layout { w, narrow: w < 700.0, groups: groups.max(1), buckets }
    }

    fn gateway_h(&self) -> f64 {
        BUCKETS_TOP + self.buckets as f64 * BUCKET_H + 4.0
    }

    fn clients_h(&self) -> f64 {
        self.groups as f64 * CLIENT_H
    }

    /// Client box `g` (without the gap under it).
    pub fn client(&self, g: usize) -> Rect {
        let w = match self.narrow {
            true => self.w - 2.0 * PAD,
            false => ((self.w - 2.0 * PAD) * 0.3).clamp(220.0, 300.0),
        };
        (PAD, PAD + g as f64 * CLIENT_H, w, CLIENT_H - 8.0)
    }

    /// The gateway box.
    pub fn gateway(&self) -> Rect {
        match self.narrow {
            true => (PAD, PAD + self.clients_h() + GAP - 8.0, self.w - 2.0 * PAD, self.gateway_h()),
            false => {
                let (cx, _, cw, _) = self.client(0);
                let x = cx + cw + GAP;
                let w = ((self.w - PAD - x - GAP) * 0.58).max(220.0);
                (x, PAD, w, self.height() - 2.0 * PAD)
            }
        }
    }

    /// The backend box.
    pub fn backend(&self) -> Rect {
        let (gx, gy, gw, gh) = self.gateway();
        match self.narrow {
            true => (PAD, gy + gh + 24.0, self.w - 2.0 * PAD, 56.0 + NARROW_BACKEND_ROWS as f64 * (TOKEN_H + 4.0)),
            false => (gx + gw + GAP, PAD, self.w - PAD - (gx + gw + GAP), self.height() - 2.0 * PAD),
        }
    }

    /// Top of bucket `i`'s row.
    pub fn bucket_y(&self, i: usize) -> f64 {
        self.gateway().1 + BUCKETS_TOP + i as f64 * BUCKET_H
    }

    /// The diagram's height.
    pub fn height(&self) -> f64 {
        match self.narrow {
            true => {
                let (_, by, _, bh) = self.backend();
                by + bh + PAD
            }
            false => self.clients_h().max(self.gateway_h()).max(320.0) + 2.0 * PAD,
        }
    }

    /// Where a request refused `age` (0–1 of its bounce) ago is drawn, the `n`-th of its group.
    pub fn bounce(&self, group: usize, n: usize, age: f64) -> (f64, f64) {
        let (gx, gy, _, _) = self.gateway();
        match self.narrow {
            // Up from the gateway's top towards the clients, spread along the gap.
            true => {
                let per_row = ((self.w - 2.0 * PAD - 16.0) / (TOKEN_W + 4.0)).floor().max(1.0) as usize;
                let x = PAD + 8.0 + ((group * 3 + n) % per_row) as f64 * (TOKEN_W + 4.0);
                (x, gy - TOKEN_H - 4.0 - age * (GAP - TOKEN_H - 12.0))
            }
            // Left from the gateway towards the client's box.
            false => {
                let (cx, cy, cw, _) = self.client(group);
                let x = gx - 6.0 - TOKEN_W - age * (GAP - TOKEN_W - 10.0);
                (x.max(cx + cw + 2.0), cy + 8.0 + (n % 3) as f64 * (TOKEN_H + 4.0))
            }
        }
    }
}

/// How long a refused request is drawn bouncing back.
const BOUNCE: SimDuration = SimDuration::from_millis(600);

/// One client group.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct GroupView {
    /// Its name.
    pub name: String,
    /// `4 clients × 10/s`.
    pub line1: String,
    /// `GET /items · SDK standard`.
    pub line2: String,
    /// `key …0001 (free)`; `no API key: 403` on a method that requires one; `key …0001 not read`
    /// on one that does not.
    pub line3: String,
    /// `quota 12/100 a day`, if its plan has a quota.
    pub line4: String,
    /// Calls waiting for a retry.
    pub retrying: usize,
}

/// One bucket.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct BucketView {
    /// `account`, `stage GET /items`, `key tenant-k…`.
    pub name: String,
    /// Tokens over burst, 0–1.
    pub fill: f64,
    /// `412 / 500 tokens · +100/s`.
    pub line: String,
    /// Empty now (the next request it sees gets a 429).
    pub empty: bool,
}

/// The whole diagram.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DiagramView {
    /// Client groups.
    pub groups: Vec<GroupView>,
    /// Buckets in AWS's order.
    pub buckets: Vec<BucketView>,
    /// `REST API · stage prod`.
    pub gateway_title: String,
    /// Backend line.
    pub backend_line: String,
    /// `answered 504: 9`: requests the backend still works on after their 504 (empty if none).
    pub backend_after_504: String,
    /// Backend fullness, 0–1.
    pub backend_fill: f64,
    /// Tokens.
    pub tokens: BTreeMap<u64, Token>,
    /// Height.
    pub height: f64,
}

/// The last four characters of an API key, as the diagram names it.
fn tail(value: &str) -> &str {
    let start = value.char_indices().rev().nth(3).map_or(0, |(i, _)| i);
    &value[start..]
}

/// A token at `(x, y)` drawn at `scale`.
fn token(id: u64, (x, y, scale): (f64, f64, f64), label: String, class: &str, badge: u32, aria: String) -> Token {
    Token { id, x, y, scale, label, class: class.to_owned(), badge, bar_w: 0.0, aria }
}

/// The snapshot of the run, laid out for a diagram `width` CSS pixels wide.
pub fn diagram(sim: &ApigwSim, width: f64) -> DiagramView {
    let m = sim.model();
    let s = m.scenario();
    let now = sim.now();
    let mut view = DiagramView {
        gateway_title: match s.gateway.kind {
            engine::apigw::ApiKind::Rest => "API Gateway (REST API)".into(),
            engine::apigw::ApiKind::Http => "API Gateway (HTTP API)".into(),
        },
        ..DiagramView::default()
    };
    for g in &s.clients {
        let rate = match g.workload {
            engine::Workload::Poisson { rate_per_s } | engine::Workload::Constant { rate_per_s } => {
                format!("{rate_per_s}/s")
            }
            engine::Workload::Bursts { size, every_s, .. } => format!("bursts of {size} every {every_s} s"),
            engine::Workload::Ramp { to_per_s, .. } => format!("ramp to {to_per_s}/s"),
        };
        let required = s.gateway.key_required(&g.method);
        let key = match (g.key.and_then(|k| s.gateway.keys.get(k)), required) {
            (Some(k), true) => {
                let plan = s.gateway.plans.get(k.plan);
                let name = plan.map_or("", |p| p.name.as_str());
                let quota = match (plan.and_then(|p| p.quota), m.gateway().quota_used(&k.value)) {
                    (Some(q), Some(used)) => format!("quota {used}/{} a {:?}", q.limit, q.period).to_ascii_lowercase(),
                    _ => String::new(),
                };
                (format!("key …{} ({name})", tail(&k.value)), quota)
            }
            // The method does not require a key: API Gateway does not read it, no plan applies.
            (Some(k), false) => (format!("key …{} not read (not required)", tail(&k.value)), String::new()),
            (None, true) => ("no API key: 403 (required)".into(), String::new()),
            (None, false) => ("no API key".into(), String::new()),
        };
        let (key, quota) = key;
        let retry = match g.retry {
            engine::apigw::RetryMode::Standard => "SDK standard",
            engine::apigw::RetryMode::Adaptive => "SDK adaptive",
            engine::apigw::RetryMode::Naive => "retry at once",
        };
        view.groups.push(GroupView {
            name: g.name.clone(),
            line1: format!("{} × {rate}", text::count(g.count as u64, "client", "clients")),
            line2: format!("{} · {retry}", g.method),
            line3: key,
            line4: quota,
            retrying: 0,
        });
    }
    for (name, b) in m.buckets(now) {
        let fill = if b.burst == 0 { 0.0 } else { (b.tokens / b.burst as f64).clamp(0.0, 1.0) };
        view.buckets.push(BucketView {
            line: format!(
                "{:.0} / {} tokens · +{}/s",
                b.tokens.floor(),
                b.burst,
                crate::scenes::knob::format_value(b.rate)
            ),
            empty: b.tokens < 1.0,
            name,
            fill,
        });
    }
    let (busy, waiting) = m.backend_load();
    let abandoned: Vec<(u64, u32, u64, u32)> = m.abandoned().collect();
    view.backend_fill = f64::from(busy) / f64::from(s.backend.concurrency.max(1));
    view.backend_line = format!("{busy} / {} serving · {waiting} waiting", s.backend.concurrency);

    let groups = s.clients.len().max(1);
    let layout = Layout::new(width, groups, view.buckets.len());
    view.height = layout.height();
    // On the backend's title row, right-aligned: short where the box is narrow (700 px wide).
    if !abandoned.is_empty() {
        let long = layout.backend().2 >= 250.0;
        view.backend_after_504 = format!("{} 504: {}", if long { "answered" } else { "after" }, abandoned.len());
    }
    // Calls in service fill the backend box, then the work for calls already answered 504 (the
    // backend does not know: it finishes them in their slots); crowded, they are drawn smaller.
    let mut serving: Vec<(u64, u32, u32, bool)> =
        m.calls().filter(|c| c.4 == CallPhase::Serving).map(|c| (c.0, c.1, c.3, false)).collect();
    serving.extend(abandoned.iter().map(|&(ticket, group, _, attempt)| (1 << 59 | ticket, group, attempt, true)));
    let (backend_x, backend_y, backend_w, backend_h) = layout.backend();
    let full_per_row = ((backend_w - 16.0 - TOKEN_W) / (TOKEN_W + 3.0)).floor().max(0.0) as usize + 1;
    let rows = ((backend_h - 60.0) / (TOKEN_H + 4.0)).floor().max(1.0) as usize;
    // Full size while they fit, else half size, else a third (the backend of a big fleet).
    let dense = serving.len() > full_per_row * rows;
    let k = if !dense {
        1
    } else if serving.len() <= full_per_row * rows * 4 {
        2
    } else {
        3
    };
    let (scale, per_row, max_rows) = (1.0 / k as f64, full_per_row * k, rows * k);
    for (k, &(id, group, attempt, after_504)) in serving.iter().take(per_row * max_rows).enumerate() {
        let x = backend_x + 8.0 + (k % per_row) as f64 * (TOKEN_W + 3.0) * scale;
        let y = backend_y + 54.0 + (k / per_row) as f64 * (TOKEN_H + 4.0) * scale;
        // Crowded, the tokens are kept by position: requests come and go every frame, and
        // recreating hundreds of tokens (or moving them all along) would cost the frame.
        let (token_id, class, aria) = match (dense, after_504) {
            (true, false) => (
                1 << 60 | k as u64,
                "sqs-token api-call serving dense",
                format!("a request of group {} being served", group + 1),
            ),
            (true, true) => (
                1 << 60 | k as u64,
                "sqs-token api-call serving after-504 dense",
                format!("a request of group {} still served after its 504", group + 1),
            ),
            (false, false) => (
                id,
                "sqs-token api-call serving",
                format!("request {id} of group {} being served (attempt {attempt})", group + 1),
            ),
            (false, true) => (
                id,
                "sqs-token api-call serving after-504",
                format!(
                    "a request of group {} (attempt {attempt}) already answered 504 Endpoint request timed out: the backend is still working on it, in its slot",
                    group + 1
                ),
            ),
        };
        view.tokens.insert(token_id, token(token_id, (x, y, scale), format!("g{}", group + 1), class, attempt, aria));
    }
    // Calls back with their client, waiting for a retry: labelled with the time to it.
    let due: BTreeMap<u64, SimDuration> = m.retries_due().map(|(id, _, at)| (id, at.saturating_since(now))).collect();
    let mut per_group = vec![0usize; groups];
    for (id, group, _, attempt, phase) in m.calls() {
        if phase != CallPhase::Client || attempt < 2 {
            continue;
        }
        let g = group as usize;
        let k = per_group[g];
        per_group[g] += 1;
        let (cx, cy, cw, _) = layout.client(g);
        let per_row = ((cw - 16.0 - TOKEN_W) / (TOKEN_W + 8.0)).floor().max(0.0) as usize + 1;
        if k >= per_row {
            continue;
        }
        let (x, y) = (cx + 8.0 + k as f64 * (TOKEN_W + 8.0), cy + 82.0);
        let wait = due.get(&id).map_or_else(String::new, |d| format!(" in {:.1} s", d.as_secs_f64()));
        let aria = format!("request {id} of group {} to be retried{wait} (attempt {attempt} next)", g + 1);
        view.tokens.insert(
            id,
            token(
                id,
                (x, y, 1.0),
                due.get(&id).map_or_else(|| format!("g{}", g + 1), |d| format!("{:.1}", d.as_secs_f64())),
                "sqs-token api-call retrying",
                attempt,
                aria,
            ),
        );
    }
    for (g, n) in per_group.iter().enumerate() {
        if let Some(v) = view.groups.get_mut(g) {
            v.retrying = *n;
        }
    }
    // Refused requests bounce from the gateway back towards their client.
    let count = sim.trace().count();
    let recent = sim.trace().recent().len() as u64;
    let bounced: Vec<(usize, &engine::apigw::ApigwTraceEvent)> = sim
        .trace()
        .recent()
        .enumerate()
        .filter(|(_, e)| {
            matches!(e.reason, Reason::Throttled | Reason::QuotaExceeded | Reason::Forbidden | Reason::TimedOut)
                && now.saturating_since(e.at) <= BOUNCE
        })
        .collect();
    let mut per_group_bounced = vec![0usize; groups];
    for (i, e) in bounced.iter().rev() {
        let id = 1 << 62 | (count - recent + *i as u64);
        let g = (e.client.0 as usize).min(groups - 1);
        let n = per_group_bounced[g];
        per_group_bounced[g] += 1;
        // A few per group show the bounce; more would pile up on one another.
        if n >= 3 {
            continue;
        }
        let age = now.saturating_since(e.at).as_secs_f64() / BOUNCE.as_secs_f64();
        let (x, y) = layout.bounce(g, n, age);
        let (label, class) = match e.reason {
            Reason::QuotaExceeded => ("429", "sqs-token api-call quota"),
            Reason::Forbidden => ("403", "sqs-token api-call forbidden"),
            Reason::TimedOut => ("504", "sqs-token api-call timed-out"),
            _ => ("429", "sqs-token api-call throttled"),
        };
        view.tokens.insert(id, token(id, (x, y, 1.0), label.into(), class, 0, e.describe()));
    }
    view
}

/// The counters under the diagram.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CounterView {
    /// Simulated seconds.
    pub now_secs: f64,
    /// Run hash.
    pub hash: u64,
    /// `(label, value)`.
    pub counters: Vec<(&'static str, u64)>,
    /// Latency including retries, p50 and p99, seconds.
    pub p50: Option<f64>,
    /// p99.
    pub p99: Option<f64>,
}

/// The counters of the run.
pub fn counters(sim: &ApigwSim) -> CounterView {
    let t = sim.model().totals();
    let q = |p: f64| t.latency.quantile(p).map(|d| d.as_secs_f64());
    CounterView {
        now_secs: sim.now().as_secs_f64(),
        hash: sim.trace_hash(),
        counters: vec![
            ("offered", t.offered),
            ("admitted", t.admitted),
            ("throttled", t.throttled),
            ("quota exceeded", t.quota_exceeded),
            ("forbidden", t.forbidden),
            ("timed out", t.timed_out),
            ("finished after 504", t.finished_after_timeout),
            ("retries", t.retries),
            ("succeeded", t.succeeded),
            ("gave up", t.gave_up),
        ],
        p50: q(0.5),
        p99: q(0.99),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenes::apigw::presets::PRESETS;
    use engine::SimTime;

    fn run(key: &str, secs: f64) -> ApigwSim {
        let s = crate::scenes::preset::scenario_of(&crate::scenes::apigw::presets::PRESETS, key);
        let mut sim = ApigwSim::try_new(&s, 42).expect("valid");
        sim.run_until_done(SimTime::ZERO + SimDuration::from_secs_f64(secs));
        sim
    }

    #[test]
    fn refusals_bounce_and_buckets_show_their_level() {
        let sim = run("overload", 10.3);
        let view = diagram(&sim, 760.0);
        assert!(view.tokens.values().any(|t| t.class.contains("throttled")));
        assert!(view.buckets.iter().any(|b| b.name.starts_with("stage GET /items")));
        assert!(view.buckets.iter().any(|b| b.name == "account" && b.fill > 0.9));
    }

    #[test]
    fn a_slow_backend_shows_504s_bouncing_and_the_work_it_keeps_doing() {
        let sim = (1..60)
            .map(|i| run("slow-backend", 10.0 + f64::from(i) * 0.1))
            .find(|sim| {
                let view = diagram(sim, 1280.0);
                view.tokens.values().any(|t| t.class.contains("timed-out"))
                    && view.tokens.values().any(|t| t.class.contains("after-504"))
            })
            .expect("a 504 bouncing back while the backend finishes an earlier one");
        let view = diagram(&sim, 1280.0);
        let bounce = view.tokens.values().find(|t| t.class.contains("timed-out")).expect("a 504");
        assert_eq!(bounce.label, "504");
        assert!(bounce.aria.contains("504 Endpoint request timed out"), "{}", bounce.aria);
        let kept = view.tokens.values().find(|t| t.class.contains("after-504")).expect("work after a 504");
        assert!(kept.aria.contains("still working on it"), "{}", kept.aria);
        assert!(view.backend_after_504.starts_with("answered 504: "), "{}", view.backend_after_504);
        assert!(diagram(&sim, 700.0).backend_after_504.starts_with("after 504: "), "short in a narrow backend box");
        let c = counters(&sim);
        assert!(c.counters.iter().any(|(name, n)| *name == "finished after 504" && *n > 0), "{:?}", c.counters);
    }

    #[test]
    fn a_key_is_shown_as_read_only_where_the_method_requires_one() {
        let mut s = crate::scenes::preset::scenario_of(&PRESETS, "usage-plans");
        let view = |s: &engine::apigw::ApigwScenario| {
            let sim = ApigwSim::try_new(s, 42).expect("valid");
            diagram(&sim, 1280.0).groups[0].line3.clone()
        };
        assert_eq!(view(&s), "key …0001 (free)");
        s.clients[0].method = "GET /public".into();
        assert_eq!(view(&s), "key …0001 not read (not required)");
        s.clients[0].key = None;
        assert_eq!(view(&s), "no API key");
        s.clients[0].method = "GET /items".into();
        assert_eq!(view(&s), "no API key: 403 (required)");
    }

    #[test]
    fn tokens_stay_inside_the_diagram_at_every_width() {
        for p in &PRESETS {
            let sim = run(p.key, 20.0);
            for width in [240.0, 360.0, 699.0, 700.0, 1000.0, 1400.0] {
                let view = diagram(&sim, width);
                for t in view.tokens.values() {
                    assert!(
                        t.x >= 0.0
                            && t.x + TOKEN_W * t.scale <= width.max(NARROWEST)
                            && t.y >= 0.0
                            && t.y <= view.height,
                        "{} at {width}: {t:?}",
                        p.key
                    );
                }
            }
        }
    }

    #[test]
    fn boxes_never_overlap_and_fit_the_width() {
        let apart = |a: Rect, b: Rect| a.0 + a.2 <= b.0 || b.0 + b.2 <= a.0 || a.1 + a.3 <= b.1 || b.1 + b.3 <= a.1;
        for w in (240..=1400).step_by(10) {
            for groups in 1..=6 {
                let l = Layout::new(f64::from(w), groups, 4);
                let mut boxes: Vec<Rect> = (0..groups).map(|g| l.client(g)).collect();
                boxes.extend([l.gateway(), l.backend()]);
                for (i, a) in boxes.iter().enumerate() {
                    assert!(
                        a.0 >= 0.0 && a.0 + a.2 <= l.w + 1e-9 && a.1 + a.3 <= l.height() + 1e-9,
                        "{w} {groups}: {a:?}"
                    );
                    assert!(a.2 >= 150.0, "{w} {groups}: a box {} wide is too narrow for its text", a.2);
                    for b in &boxes[i + 1..] {
                        assert!(apart(*a, *b), "{w} {groups}: {a:?} overlaps {b:?}");
                    }
                }
            }
        }
    }
}
