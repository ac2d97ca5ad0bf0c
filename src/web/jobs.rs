//! Runs of `strikesim serve`: a bounded queue and a fixed pool of worker
//! threads (never the async executor) that run each with the same library
//! call as `strikesim run` ([`crate::app::run`]), into an ordinary run
//! folder of the data folder. A run's record (`.web/runs/ID/run.json`) and
//! its frozen input (the scenario text and its CSVs, copied when it was
//! asked for) survive a restart: runs queued or running when the server
//! stopped are queued again and run from the start, giving the same bytes.
//!
//! A cancelled or failed run leaves no run folder: the run writes into a
//! staging folder that is moved into place only when complete
//! ([`crate::output::folder`]), and a panic is caught here and recorded.

use super::store::{self, Store, SCENARIO_FILE};
use super::WebError;
use crate::app::{self, AppError, PrecisionArgs, Progress, RunArgs, RunOptions, ShardRequest};
use crate::ensemble::EnsembleError;
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, VecDeque};
use std::fs;
use std::io::Write as _;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::time::SystemTime;

/// The most runs waiting at once; more are refused with 503.
pub const MAX_QUEUED: usize = 32;
/// The name of a run's record in its `.web/runs/ID/` folder.
const RECORD: &str = "run.json";

/// Where a run is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Queued,
    Running,
    Done,
    Failed,
    Cancelled,
}

impl Status {
    pub fn finished(self) -> bool {
        matches!(self, Status::Done | Status::Failed | Status::Cancelled)
    }
}

/// What the server keeps of a run it was asked for.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RunRecord {
    pub id: String,
    /// The scenario it was started from (bundled or saved), if any.
    pub scenario: Option<String>,
    pub name: String,
    pub title: String,
    pub replications: Option<u64>,
    pub seed: Option<u64>,
    pub precision: Option<f64>,
    pub created: String,
    pub finished: Option<String>,
    pub status: Status,
    pub error: Option<String>,
}

/// A run's live state: its record and its progress.
#[derive(Debug)]
pub struct Job {
    record: Mutex<RunRecord>,
    stage: Mutex<&'static str>,
    done: AtomicU64,
    total: AtomicU64,
    stop: AtomicBool,
}

/// A run's progress, as the page shows it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ProgressInfo {
    pub stage: &'static str,
    pub done: u64,
    pub total: u64,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Job {
    fn new(record: RunRecord) -> Job {
        Job {
            record: Mutex::new(record),
            stage: Mutex::new("queued"),
            done: AtomicU64::new(0),
            total: AtomicU64::new(0),
            stop: AtomicBool::new(false),
        }
    }

    pub fn record(&self) -> RunRecord {
        lock(&self.record).clone()
    }

    pub fn progress(&self) -> ProgressInfo {
        let status = lock(&self.record).status;
        let stage = if status.finished() {
            ""
        } else {
            *lock(&self.stage)
        };
        ProgressInfo {
            stage,
            done: self.done.load(Ordering::Relaxed),
            total: self.total.load(Ordering::Relaxed),
        }
    }
}

/// The app's progress calls, kept on the job.
struct Reporter<'j>(&'j Job);

impl Progress for Reporter<'_> {
    fn start(&self, total: u64) {
        self.0.total.store(total, Ordering::Relaxed);
        self.0.done.store(0, Ordering::Relaxed);
    }
    fn warm_up(&self, _done: u64, _total: u64) {
        *lock(&self.0.stage) = "warming up trusts";
    }
    fn update(&self, done: u64) {
        *lock(&self.0.stage) = "replications";
        self.0.done.store(done, Ordering::Relaxed);
    }
    fn finish(&self) {}
    fn stop(&self) -> Option<&AtomicBool> {
        Some(&self.0.stop)
    }
    fn writing(&self) {
        *lock(&self.0.stage) = "writing outputs";
    }
}

/// The queue, the workers and every run the server knows of.
pub struct Jobs {
    store: Store,
    queue: Mutex<VecDeque<Arc<Job>>>,
    ready: Condvar,
    all: Mutex<HashMap<String, Arc<Job>>>,
}

/// What a new run is asked with.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RunRequest {
    pub scenario: String,
    pub replications: Option<u64>,
    pub seed: Option<u64>,
    pub precision: Option<f64>,
}

impl Jobs {
    /// Load every run recorded under the store, queue again those that
    /// were queued or running, and start `workers` worker threads.
    pub fn start(store: Store, workers: usize) -> Arc<Jobs> {
        let workers = workers.max(1);
        let jobs = Arc::new(Jobs {
            store,
            queue: Mutex::new(VecDeque::new()),
            ready: Condvar::new(),
            all: Mutex::new(HashMap::new()),
        });
        let mut records = jobs.load_records();
        records.sort_by(|a, b| a.created.cmp(&b.created).then_with(|| a.id.cmp(&b.id)));
        for mut record in records {
            let again = !record.status.finished();
            if again {
                record.status = Status::Queued;
            }
            let job = Arc::new(Job::new(record));
            lock(&jobs.all).insert(job.record().id, Arc::clone(&job));
            if again {
                lock(&jobs.queue).push_back(job);
            }
        }
        for k in 0..workers {
            let me = Arc::clone(&jobs);
            let spawned = std::thread::Builder::new()
                .name(format!("strikesim-run-{k}"))
                .spawn(move || me.work());
            if let Err(e) = spawned {
                let _ = writeln!(
                    std::io::stderr(),
                    "warning: cannot start run worker {k}: {e}"
                );
            }
        }
        jobs
    }

    fn load_records(&self) -> Vec<RunRecord> {
        fs::read_dir(self.store.runs_dir())
            .into_iter()
            .flatten()
            .flatten()
            .filter_map(|e| {
                let id = e.file_name().into_string().ok()?;
                let dir = Store::entry(&self.store.runs_dir(), &id)?;
                let text = fs::read_to_string(dir.join(RECORD)).ok()?;
                serde_json::from_str::<RunRecord>(&text)
                    .ok()
                    .filter(|r| r.id == id)
            })
            .collect()
    }

    /// A run by id.
    pub fn get(&self, id: &str) -> Option<Arc<Job>> {
        lock(&self.all).get(id).cloned()
    }

    /// Every run, newest first.
    pub fn list(&self) -> Vec<Arc<Job>> {
        let mut jobs: Vec<Arc<Job>> = lock(&self.all).values().cloned().collect();
        jobs.sort_by_key(|j| {
            let r = j.record();
            (std::cmp::Reverse(r.created), r.id)
        });
        jobs
    }

    /// Where in the queue a run waits (1 = next), if it does.
    pub fn position(&self, id: &str) -> Option<usize> {
        lock(&self.queue)
            .iter()
            .position(|j| lock(&j.record).id == id)
            .map(|p| p + 1)
    }

    /// The run folder of a run.
    pub fn out_dir(&self, id: &str) -> PathBuf {
        self.store.root().join(id)
    }

    /// The frozen scenario file of a run.
    pub fn input_file(&self, id: &str) -> PathBuf {
        self.store.runs_dir().join(id).join(SCENARIO_FILE)
    }

    /// The options a run goes with: those of `strikesim run FILE -n N
    /// --seed S --out DATA/ID`, checked the same way.
    fn options(&self, id: &str, request: &RunRequest) -> Result<RunOptions, AppError> {
        let args = RunArgs {
            scenario: Some(self.input_file(id)),
            replications: request.replications,
            seed: request.seed,
            // Every run on all cores: a lone run goes fastest, two share
            // them; the bytes do not depend on it.
            threads: 0,
            out: Some(self.out_dir(id)),
            force: false,
            precision: PrecisionArgs {
                target: request.precision,
                floor: None,
                max: None,
            },
        };
        RunOptions::new(args, ShardRequest::None, &|_| None).map(RunOptions::confined)
    }

    /// Check a run as `strikesim run` would and queue it. Its input (the
    /// scenario's text and CSVs) is copied now, so later edits of the
    /// scenario do not change it.
    pub fn submit(&self, request: RunRequest) -> Result<String, WebError> {
        let scenario = self.store.scenario(&request.scenario)?;
        let text = self.store.scenario_text(&scenario)?;
        if lock(&self.queue).len() >= MAX_QUEUED {
            return Err(WebError::Busy(format!(
                "the queue is full ({MAX_QUEUED} runs waiting); wait for some to finish or cancel one"
            )));
        }
        let (name, title) = store::name_and_title(&text);
        let io =
            |e: std::io::Error| WebError::Internal(format!("cannot keep the run's input: {e}"));
        let (id, input) = store::claim(&self.store.runs_dir(), &safe_stem(&name)).map_err(io)?;
        let copied = (|| {
            store::write_atomic(&input.join(SCENARIO_FILE), text.as_bytes())?;
            if let store::ScenarioRef::Saved(sid) = &scenario {
                for csv in self.store.saved_csvs(sid) {
                    fs::copy(
                        self.store.scenarios_dir().join(sid).join(&csv),
                        input.join(&csv),
                    )?;
                }
            }
            Ok(())
        })();
        let checked = copied.map_err(io).and_then(|()| {
            let options = self.options(&id, &request).map_err(WebError::from_app)?;
            app::preflight(&options).map_err(WebError::from_app)
        });
        if let Err(e) = checked {
            let _ = fs::remove_dir_all(&input);
            return Err(e);
        }
        let record = RunRecord {
            id: id.clone(),
            scenario: Some(request.scenario),
            name,
            title,
            replications: request.replications,
            seed: request.seed,
            precision: request.precision,
            created: store::stamp(SystemTime::now()),
            finished: None,
            status: Status::Queued,
            error: None,
        };
        self.persist(&record)?;
        let job = Arc::new(Job::new(record));
        lock(&self.all).insert(id.clone(), Arc::clone(&job));
        lock(&self.queue).push_back(job);
        self.ready.notify_one();
        Ok(id)
    }

    /// Cancel a run: a queued one at once, a running one at its next
    /// chunk of replications. A finished run cannot be cancelled.
    pub fn cancel(&self, id: &str) -> Result<Arc<Job>, WebError> {
        let job = self.get(id).ok_or_else(|| {
            WebError::NotFound(format!("no run \"{}\"", crate::scenario::clip(id)))
        })?;
        let status = job.record().status;
        if status.finished() {
            return Err(WebError::Conflict(format!(
                "the run has already {}; nothing to cancel",
                match status {
                    Status::Done => "finished",
                    Status::Failed => "failed",
                    _ => "been cancelled",
                }
            )));
        }
        job.stop.store(true, Ordering::Relaxed);
        let mut queue = lock(&self.queue);
        if let Some(at) = queue.iter().position(|j| Arc::ptr_eq(j, &job)) {
            queue.remove(at);
            drop(queue);
            self.finish(&job, Status::Cancelled, None);
        }
        Ok(job)
    }

    /// Keep a record on disk.
    fn persist(&self, record: &RunRecord) -> Result<(), WebError> {
        let dir = self.store.runs_dir().join(&record.id);
        let json = serde_json::to_vec_pretty(record)
            .map_err(|e| WebError::Internal(format!("cannot record the run: {e}")))?;
        fs::create_dir_all(&dir)
            .and_then(|()| store::write_atomic(&dir.join(RECORD), &json))
            .map_err(|e| WebError::Internal(format!("cannot record the run: {e}")))
    }

    /// Set a run's status (and error), stamp it if finished, and record it.
    fn finish(&self, job: &Job, status: Status, error: Option<String>) {
        let record = {
            let mut r = lock(&job.record);
            r.status = status;
            r.error = error;
            if status.finished() {
                r.finished = Some(store::stamp(SystemTime::now()));
            }
            r.clone()
        };
        if let Err(e) = self.persist(&record) {
            let _ = writeln!(std::io::stderr(), "warning: {e}");
        }
    }

    /// A worker: take the next run, run it, record how it ended; forever.
    fn work(&self) {
        loop {
            let job = {
                let mut queue = lock(&self.queue);
                loop {
                    if let Some(job) = queue.pop_front() {
                        break job;
                    }
                    queue = self
                        .ready
                        .wait(queue)
                        .unwrap_or_else(PoisonError::into_inner);
                }
            };
            self.run(&job);
        }
    }

    /// Run one job to its end, whatever happens inside.
    fn run(&self, job: &Job) {
        let record = job.record();
        self.finish(job, Status::Running, None);
        *lock(&job.stage) = "starting";
        let request = RunRequest {
            scenario: record.scenario.clone().unwrap_or_default(),
            replications: record.replications,
            seed: record.seed,
            precision: record.precision,
        };
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let options = self.options(&record.id, &request)?;
            app::run(&options, &Reporter(job)).map(|_| ())
        }));
        match outcome {
            Ok(Ok(())) => self.finish(job, Status::Done, None),
            Ok(Err(AppError::Ensemble(EnsembleError::Stopped { .. }))) => {
                self.finish(job, Status::Cancelled, None);
            }
            Ok(Err(e)) => self.finish(job, Status::Failed, Some(e.to_string())),
            Err(panic) => {
                let what = panic
                    .downcast_ref::<&str>()
                    .map(ToString::to_string)
                    .or_else(|| panic.downcast_ref::<String>().cloned())
                    .unwrap_or_else(|| "unknown".into());
                self.finish(
                    job,
                    Status::Failed,
                    Some(format!(
                        "internal error (a bug in strikesim; please report it with the scenario): {what}"
                    )),
                );
            }
        }
    }
}

/// The scenario's name as the start of a run id.
fn safe_stem(name: &str) -> String {
    let stem: String = name
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'))
        .take(60)
        .collect();
    let stem = stem.trim_start_matches(['-', '_']).to_string();
    if stem.is_empty() {
        "run".into()
    } else {
        stem
    }
}
