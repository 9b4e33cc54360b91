//! The reference scenario: a workload feeding a bounded buffer served by a pool of workers.
//!
//! It is not an AWS service. It exercises every part of the core (workloads, distributions,
//! scheduler, RNG, trace, metrics, validation) and is the fixed yardstick for determinism across
//! targets (its trace hash must be the same natively and in wasm) and for the engine benchmark.

use std::collections::VecDeque;

use serde::{Deserialize, Serialize};

use crate::dist::Distribution;
use crate::metrics::{SeriesId, SeriesKind};
use crate::scenario::{check_int_range, check_version, current_version, ConfigError};
use crate::sim::{Ctx, Model, Sim};
use crate::time::{SimDuration, SimTime};
use crate::trace::{Reason, StableHasher, TraceRecord};
use crate::workload::{Arrivals, Workload};

/// Configuration of the reference scenario.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ReferenceScenario {
    /// Scenario format version.
    #[serde(default = "current_version")]
    pub v: u32,
    /// When jobs arrive.
    pub workload: Workload,
    /// Number of workers serving the buffer (1–1000).
    pub workers: u32,
    /// How long one job takes a worker.
    pub service: Distribution,
    /// Jobs the buffer holds while all workers are busy (0–1,000,000); arrivals beyond it are rejected.
    pub capacity: u32,
}

impl Default for ReferenceScenario {
    fn default() -> Self {
        ReferenceScenario {
            v: current_version(),
            workload: Workload::Poisson { rate_per_s: 8.0 },
            workers: 3,
            service: Distribution::LogNormal { median_ms: 250.0, p99_ms: 1_500.0 },
            capacity: 20,
        }
    }
}

impl ReferenceScenario {
    /// Checks every field; the error names the field, the value and the allowed range.
    pub fn validate(&self) -> Result<(), ConfigError> {
        check_version(self.v)?;
        self.workload.validate("workload")?;
        check_int_range("workers", u64::from(self.workers), 1..=1_000)?;
        self.service.validate("service")?;
        check_int_range("capacity", u64::from(self.capacity), 0..=1_000_000)
    }
}

/// A running reference simulation.
pub type ReferenceSim = Sim<ReferenceModel>;

impl Sim<ReferenceModel> {
    /// Builds a run of `scenario` with `seed`, or says which field is wrong.
    pub fn try_new(scenario: &ReferenceScenario, seed: u64) -> Result<ReferenceSim, ConfigError> {
        scenario.validate()?;
        Ok(Sim::with_model(ReferenceModel::new(scenario), seed))
    }
}

/// The trace hash of the default reference scenario run for 10 simulated minutes with `seed`:
/// the value the native and wasm builds must agree on.
pub fn reference_trace_hash(seed: u64) -> u64 {
    let mut sim = Sim::with_model(ReferenceModel::new(&ReferenceScenario::default()), seed);
    sim.run_until(SimTime::from_secs(600));
    sim.trace_hash()
}

/// Scheduled work of the reference model.
#[derive(Clone, Copy, Debug)]
pub enum Work {
    /// The next job of the workload arrives.
    Arrival,
    /// A worker finishes its job.
    Done {
        /// Which worker.
        worker: u32,
    },
}

/// What happened, for the trace and the event log.
#[derive(Clone, Debug, PartialEq)]
pub struct RefEvent {
    /// When.
    pub at: SimTime,
    /// Why.
    pub reason: Reason,
    /// The job's number, in arrival order.
    pub job: u64,
    /// The worker involved, if any.
    pub worker: Option<u32>,
    /// Jobs waiting in the buffer after the event.
    pub waiting: u32,
    /// For `Started`: how long the job waited; for `Completed`: its time in the system.
    pub elapsed: SimDuration,
}

impl TraceRecord for RefEvent {
    fn at(&self) -> SimTime {
        self.at
    }
    fn reason(&self) -> Reason {
        self.reason
    }
    fn hash_into(&self, h: &mut StableHasher) {
        h.write_time(self.at);
        h.write_reason(self.reason);
        h.write_u64(self.job);
        h.write_u32(self.worker.map_or(u32::MAX, |w| w));
        h.write_u32(self.waiting);
        h.write_u64(self.elapsed.as_micros());
    }
    fn describe(&self) -> String {
        let worker = self.worker.map_or(0, |w| w + 1);
        match self.reason {
            Reason::Arrived => format!("job {} arrived, {} waiting", self.job, self.waiting),
            Reason::Started => format!("worker {worker} took job {} after waiting {}", self.job, self.elapsed),
            Reason::Completed => format!("worker {worker} finished job {} ({} in the system)", self.job, self.elapsed),
            Reason::RejectedFull => format!("job {} rejected: the buffer is full ({} waiting)", self.job, self.waiting),
            other => format!("job {}: {}", self.job, other.code()),
        }
    }
}

#[derive(Clone, Copy, Debug)]
struct Job {
    id: u64,
    arrived: SimTime,
}

/// The model: a buffer and a worker pool.
#[derive(Clone, Debug)]
pub struct ReferenceModel {
    arrivals: Arrivals,
    service: Distribution,
    capacity: usize,
    waiting: VecDeque<Job>,
    /// The job each worker holds, if any.
    workers: Vec<Option<Job>>,
    next_job: u64,
    completed: u64,
    rejected: u64,
    series: Option<RefSeries>,
}

#[derive(Clone, Copy, Debug)]
struct RefSeries {
    waiting: SeriesId,
    busy: SeriesId,
    completed: SeriesId,
    rejected: SeriesId,
}

impl ReferenceModel {
    /// A model for a validated scenario.
    pub fn new(scenario: &ReferenceScenario) -> ReferenceModel {
        ReferenceModel {
            arrivals: Arrivals::new(&scenario.workload),
            service: scenario.service.clone(),
            capacity: scenario.capacity as usize,
            waiting: VecDeque::new(),
            workers: vec![None; scenario.workers as usize],
            next_job: 0,
            completed: 0,
            rejected: 0,
            series: None,
        }
    }

    /// Jobs waiting in the buffer.
    pub fn waiting(&self) -> usize {
        self.waiting.len()
    }
    /// Workers currently holding a job.
    pub fn busy(&self) -> usize {
        self.workers.iter().filter(|w| w.is_some()).count()
    }
    /// Number of workers.
    pub fn workers(&self) -> usize {
        self.workers.len()
    }
    /// Jobs that arrived so far (accepted or rejected).
    pub fn arrived(&self) -> u64 {
        self.next_job
    }
    /// Jobs finished so far.
    pub fn completed(&self) -> u64 {
        self.completed
    }
    /// Jobs refused because the buffer was full.
    pub fn rejected(&self) -> u64 {
        self.rejected
    }

    fn event(&self, at: SimTime, reason: Reason, job: u64, worker: Option<u32>, elapsed: SimDuration) -> RefEvent {
        RefEvent { at, reason, job, worker, waiting: self.waiting.len() as u32, elapsed }
    }

    fn sample_levels(&self, cx: &mut Ctx<Work, RefEvent>) {
        if let Some(s) = self.series {
            let now = cx.now();
            cx.metrics.record(s.waiting, now, self.waiting.len() as f64);
            cx.metrics.record(s.busy, now, self.busy() as f64);
        }
    }

    fn start_job(&mut self, cx: &mut Ctx<Work, RefEvent>, worker: u32, job: Job) {
        let now = cx.now();
        self.workers[worker as usize] = Some(job);
        let ev = self.event(now, Reason::Started, job.id, Some(worker), now - job.arrived);
        cx.emit(ev);
        let service = self.service.sample(&mut cx.rng);
        cx.schedule_in(service, Work::Done { worker });
    }
}

impl Model for ReferenceModel {
    type Work = Work;
    type Event = RefEvent;

    fn held_bytes(&self) -> u64 {
        (std::mem::size_of::<Job>() * (self.waiting.len() + self.workers.len())) as u64
    }

    fn start(&mut self, cx: &mut Ctx<Work, RefEvent>) {
        let second = SimDuration::from_secs(1);
        self.series = Some(RefSeries {
            waiting: cx.metrics.add("waiting", "jobs", SeriesKind::Gauge, second),
            busy: cx.metrics.add("busy workers", "workers", SeriesKind::Gauge, second),
            completed: cx.metrics.add("completed", "per s", SeriesKind::Counter, second),
            rejected: cx.metrics.add("rejected", "per s", SeriesKind::Counter, second),
        });
        if let Some(at) = self.arrivals.next(&mut cx.rng) {
            cx.schedule_at(at, Work::Arrival);
        }
    }

    fn handle(&mut self, cx: &mut Ctx<Work, RefEvent>, work: Work) {
        let now = cx.now();
        match work {
            Work::Arrival => {
                let job = Job { id: self.next_job, arrived: now };
                self.next_job += 1;
                let free = self.workers.iter().position(Option::is_none);
                match free {
                    Some(worker) => {
                        let ev = self.event(now, Reason::Arrived, job.id, None, SimDuration::ZERO);
                        cx.emit(ev);
                        self.start_job(cx, worker as u32, job);
                    }
                    None if self.waiting.len() < self.capacity => {
                        self.waiting.push_back(job);
                        let ev = self.event(now, Reason::Arrived, job.id, None, SimDuration::ZERO);
                        cx.emit(ev);
                    }
                    None => {
                        self.rejected += 1;
                        let ev = self.event(now, Reason::RejectedFull, job.id, None, SimDuration::ZERO);
                        cx.emit(ev);
                        if let Some(s) = self.series {
                            cx.metrics.record(s.rejected, now, 1.0);
                        }
                    }
                }
                if let Some(at) = self.arrivals.next(&mut cx.rng) {
                    cx.schedule_at(at, Work::Arrival);
                }
            }
            Work::Done { worker } => {
                let finished = self.workers[worker as usize].take();
                assert!(finished.is_some(), "worker {worker} finished without a job");
                if let Some(job) = finished {
                    self.completed += 1;
                    let ev = self.event(now, Reason::Completed, job.id, Some(worker), now - job.arrived);
                    cx.emit(ev);
                    if let Some(s) = self.series {
                        cx.metrics.record(s.completed, now, 1.0);
                    }
                }
                if let Some(next) = self.waiting.pop_front() {
                    self.start_job(cx, worker, next);
                }
            }
        }
        self.sample_levels(cx);
    }
}
