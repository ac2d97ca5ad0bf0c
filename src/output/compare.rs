//! Plans from several finished runs, side by side: `compare.md`,
//! `compare.csv` and one set of charts in `OUT/charts/`.
//!
//! Runs are only comparable when they simulate the same world: the same
//! trusts, walkouts, seed, number of replications, calendar and counting
//! window, and so the same counterfactual. Their plans may differ, down to
//! when they stand lists down (the branch day follows the plans; the
//! counting window does not). [`compare`] checks that from the files and
//! refuses, naming every difference, when it does not hold. Plan names that occur
//! in more than one run are prefixed with the run's scenario name.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::charts::{chart_files, chart_names, ChartSet, Series};
use super::document::{Block, Document, Inline};
use super::folder::{FolderKind, Staged};
use super::manifest::Manifest;
use super::report::{
    catch_up_table, chart_image, comparison_table, recovery_table, PlanRef, CATCH_UP_NOTE,
    COMPARISON_NOTE, RECOVERY_NOTE,
};
use super::rows::{csv_bytes, SummaryRow};
use super::run_data::{RunData, COUNTERFACTUAL};
use super::{write_files, OutputError, OutputFile};

/// A plan in the comparison: its label, the index of its run, its name there.
type Labelled = (String, usize, String);

/// Compare the plans of the runs in `dirs`, writing into `out`.
pub fn compare(dirs: &[PathBuf], out: &Path) -> Result<(), OutputError> {
    if dirs.len() < 2 {
        return Err(OutputError::Other(format!(
            "compare needs at least two run directories, got {}",
            dirs.len()
        )));
    }
    let runs = dirs
        .iter()
        .map(|d| RunData::load(d))
        .collect::<Result<Vec<_>, _>>()?;
    for (dir, run) in dirs.iter().zip(&runs).skip(1) {
        let differences = world_differences(&runs[0], run);
        if !differences.is_empty() {
            return Err(OutputError::Other(format!(
                "cannot compare {} with {}: the runs do not share the same world\n  - {}",
                dirs[0].display(),
                dir.display(),
                differences.join("\n  - ")
            )));
        }
    }
    let plans = labelled_plans(&runs);
    let mut set = ChartSet::from_run(&runs[0]);
    set.runs = runs.iter().collect();
    set.series = plans
        .iter()
        .enumerate()
        .map(|(k, (label, run, plan))| Series {
            label: label.clone(),
            run: *run,
            plan: plan.clone(),
            colour: (plan != COUNTERFACTUAL).then(|| k - 1),
        })
        .collect();
    set.source = source_line(&runs);
    let mut files = chart_files(&set)?;
    files.push(OutputFile::bytes(
        "compare.csv",
        compare_csv(&runs, &plans)?,
    ));
    let refs: Vec<PlanRef> = plans
        .iter()
        .map(|(label, run, plan)| PlanRef {
            label: label.clone(),
            run: &runs[*run],
            plan: plan.clone(),
        })
        .collect();
    files.push(OutputFile::bytes(
        super::xlsx::COMPARE_XLSX,
        super::xlsx::comparison_workbook_bytes(&refs)?,
    ));
    files.push(OutputFile::bytes(
        "compare.md",
        compare_document(dirs, &runs, &plans)
            .to_markdown()
            .into_bytes(),
    ));
    // Everything is drawn and formatted before the folder is touched.
    let staged = Staged::begin(out, FolderKind::Compare)?;
    write_files(staged.dir(), files).map_err(|e| staged.relabel(e))?;
    staged.commit()
}

/// `compare.md`: the runs, the comparison table and the charts.
fn compare_document(dirs: &[PathBuf], runs: &[RunData], plans: &[Labelled]) -> Document {
    let refs: Vec<PlanRef> = plans
        .iter()
        .map(|(label, run, plan)| PlanRef {
            label: label.clone(),
            run: &runs[*run],
            plan: plan.clone(),
        })
        .collect();
    let mut blocks = vec![Block::Paragraph(Inline::from(format!(
        "Plans from {} runs of the same world ({} replications, seed {}). Means with 95% intervals; \
         differences are paired with the shared no-strike world.",
        runs.len(),
        runs[0].manifest.replications,
        runs[0].manifest.seed
    )))];
    blocks.push(Block::Heading(2, "Runs".into()));
    blocks.push(Block::Bullets(
        dirs.iter()
            .zip(runs)
            .map(|(dir, r)| run_line(dir, &r.manifest))
            .collect(),
    ));
    blocks.push(Block::Heading(2, "Comparison table".into()));
    blocks.push(Block::Paragraph(COMPARISON_NOTE.into()));
    blocks.push(Block::Table(comparison_table(&refs)));
    if let Some(table) = catch_up_table(&refs) {
        blocks.push(Block::Heading(2, "Catch-up sessions".into()));
        blocks.push(Block::Paragraph(CATCH_UP_NOTE.into()));
        blocks.push(Block::Table(table));
    }
    blocks.push(Block::Heading(2, "Recovery".into()));
    blocks.push(Block::Paragraph(RECOVERY_NOTE.into()));
    blocks.push(Block::Table(recovery_table(&refs)));
    blocks.push(Block::Heading(2, "Charts".into()));
    for name in chart_names() {
        blocks.push(chart_image(name, &name.replace('_', " ")));
    }
    Document {
        title: "strikesim: plans compared".into(),
        blocks,
    }
}

/// One compared run: its directory, scenario, plans and walkouts.
fn run_line(dir: &Path, m: &Manifest) -> Inline {
    let walkouts: Vec<String> = m
        .walkouts
        .iter()
        .map(|w| format!("{} from {}", w.name, w.start.format("%-d %b %Y %H:%M")))
        .collect();
    let plans: Vec<&str> = m.plans.iter().map(|p| p.name.as_str()).collect();
    Inline::default()
        .code(dir.display().to_string())
        .text(": scenario ")
        .strong(&m.scenario.name)
        .text(" (sha256 ")
        .code(&m.scenario.sha256)
        .text(format!(
            "), plans {}; walkouts: {}",
            plans.join(", "),
            walkouts.join("; ")
        ))
}

/// Everything that makes `b` a different world from `a`, in words: one
/// check per kind of difference, in a fixed order.
fn world_differences(a: &RunData, b: &RunData) -> Vec<String> {
    let (ma, mb) = (&a.manifest, &b.manifest);
    let mut out = Vec::new();
    out.extend(settings_differences(ma, mb));
    out.extend(period_differences(ma, mb));
    out.extend(walkout_differences(ma, mb));
    out.extend(trust_differences(ma, mb));
    out.extend(counterfactual_differences(a, b));
    out
}

/// The seed and the number of replications.
fn settings_differences(ma: &Manifest, mb: &Manifest) -> Vec<String> {
    let (na, nb) = (&ma.scenario.name, &mb.scenario.name);
    let mut out = Vec::new();
    if ma.seed != mb.seed {
        out.push(format!(
            "seed differs: {} in {na}, {} in {nb}",
            ma.seed, mb.seed
        ));
    }
    if ma.replications != mb.replications {
        out.push(format!(
            "replications differ: {} in {na}, {} in {nb}",
            ma.replications, mb.replications
        ));
    }
    out
}

/// The simulated period and the counting window.
fn period_differences(ma: &Manifest, mb: &Manifest) -> Vec<String> {
    let (na, nb) = (&ma.scenario.name, &mb.scenario.name);
    let mut out = Vec::new();
    let (pa, pb) = (&ma.period, &mb.period);
    if (pa.start, pa.end) != (pb.start, pb.end) {
        out.push(format!(
            "period differs: {} to {} in {na}, {} to {} in {nb}",
            pa.start, pa.end, pb.start, pb.end
        ));
    }
    // The branch day follows the plans' stand-down leads and may differ;
    // the counting window may not. Runs that do not record it counted from
    // the branch day, so there the branch day must agree.
    let window = |m: &Manifest| match m.period.count_window {
        Some(w) => format!("{} to {}", w.from, w.to),
        None => format!(
            "{} (the branch day) to the day after the walkouts",
            m.period.branch
        ),
    };
    if (
        pa.count_window,
        pa.count_window.is_none().then_some(pa.branch),
    ) != (
        pb.count_window,
        pb.count_window.is_none().then_some(pb.branch),
    ) {
        out.push(format!(
            "counting window differs: {} in {na}, {} in {nb}",
            window(ma),
            window(mb)
        ));
    }
    out
}

/// The walkouts, listed in full when they differ.
fn walkout_differences(ma: &Manifest, mb: &Manifest) -> Option<String> {
    if ma.walkouts == mb.walkouts {
        return None;
    }
    let (na, nb) = (&ma.scenario.name, &mb.scenario.name);
    let list = |m: &Manifest| {
        m.walkouts
            .iter()
            .map(|w| {
                format!(
                    "{} {} to {} ({}; {})",
                    w.name,
                    w.start.format("%Y-%m-%dT%H:%M"),
                    w.end.format("%Y-%m-%dT%H:%M"),
                    w.kind,
                    w.participation
                )
            })
            .collect::<Vec<_>>()
            .join("; ")
    };
    Some(format!(
        "walkouts differ: [{}] in {na}, [{}] in {nb}",
        list(ma),
        list(mb)
    ))
}

/// The trusts: their codes, then what differs in each trust both runs have.
fn trust_differences(ma: &Manifest, mb: &Manifest) -> Option<String> {
    if ma.trusts == mb.trusts {
        return None;
    }
    let (na, nb) = (&ma.scenario.name, &mb.scenario.name);
    let codes = |m: &Manifest| {
        m.trusts
            .iter()
            .map(|t| t.code.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut detail = format!(
        "trusts differ: [{}] in {na}, [{}] in {nb}",
        codes(ma),
        codes(mb)
    );
    for ta in &ma.trusts {
        if let Some(tb) = mb.trusts.iter().find(|t| t.code == ta.code) {
            if ta != tb {
                let _ = write!(
                    detail,
                    "; trust {}: {} specialties and {} waiting at start in {na}, {} and {} in {nb}",
                    ta.code,
                    ta.specialties,
                    ta.initial_waiting_list,
                    tb.specialties,
                    tb.initial_waiting_list
                );
            }
        }
    }
    Some(detail)
}

/// The counterfactual rows of summary.csv that differ between two runs.
fn counterfactual_differences(a: &RunData, b: &RunData) -> Vec<String> {
    let (na, nb) = (&a.manifest.scenario.name, &b.manifest.scenario.name);
    let rows = |r: &RunData| {
        r.summary
            .iter()
            .filter(|s| s.plan == COUNTERFACTUAL)
            .cloned()
            .collect::<Vec<_>>()
    };
    let (ra, rb) = (rows(a), rows(b));
    let mut out = Vec::new();
    for x in &ra {
        match rb.iter().find(|y| y.metric == x.metric) {
            None => out.push(format!(
                "counterfactual differs: metric {} is in {na} but not in {nb}",
                x.metric
            )),
            Some(y) => {
                let pairs = [
                    ("mean", x.mean, y.mean),
                    ("ci95_low", x.ci95_low, y.ci95_low),
                    ("ci95_high", x.ci95_high, y.ci95_high),
                    ("p05", x.p05, y.p05),
                    ("p50", x.p50, y.p50),
                    ("p95", x.p95, y.p95),
                ];
                if let Some((col, va, vb)) = pairs
                    .iter()
                    .find(|(_, va, vb)| (va - vb).abs() > 1e-9 * va.abs().max(vb.abs()).max(1.0))
                {
                    out.push(format!(
                        "counterfactual differs: {} {col} is {va} in {na}, {vb} in {nb}",
                        x.metric
                    ));
                }
            }
        }
    }
    for y in &rb {
        if !ra.iter().any(|x| x.metric == y.metric) {
            out.push(format!(
                "counterfactual differs: metric {} is in {nb} but not in {na}",
                y.metric
            ));
        }
    }
    out
}

/// (label, run index, plan) for the shared counterfactual (from the first
/// run) and every run's plans, in run order. A plan name found in more than
/// one run is prefixed with its scenario name (and, if that still clashes,
/// its run number).
fn labelled_plans(runs: &[RunData]) -> Vec<Labelled> {
    let mut plans = vec![(COUNTERFACTUAL.to_string(), 0, COUNTERFACTUAL.to_string())];
    let all: Vec<(usize, &str)> = runs
        .iter()
        .enumerate()
        .flat_map(|(i, r)| r.manifest.plans.iter().map(move |p| (i, p.name.as_str())))
        .collect();
    let mut labels: Vec<String> = all
        .iter()
        .map(|(i, name)| {
            let clashes =
                all.iter().filter(|(_, n)| n == name).count() > 1 || *name == COUNTERFACTUAL;
            if clashes {
                format!("{}/{name}", runs[*i].manifest.scenario.name)
            } else {
                name.to_string()
            }
        })
        .collect();
    let snapshot = labels.clone();
    for (k, label) in labels.iter_mut().enumerate() {
        if snapshot.iter().filter(|l| *l == label).count() > 1 {
            *label = format!("{label} (run {})", all[k].0 + 1);
        }
    }
    for ((i, name), label) in all.iter().zip(labels) {
        plans.push((label, *i, name.to_string()));
    }
    plans
}

fn source_line(runs: &[RunData]) -> String {
    let m = &runs[0].manifest;
    let mut scenarios: Vec<&str> = Vec::new();
    for r in runs {
        if !scenarios.contains(&r.manifest.scenario.name.as_str()) {
            scenarios.push(&r.manifest.scenario.name);
        }
    }
    m.source_line(&format!("scenarios {}", scenarios.join(", ")))
}

/// The label and scenario that `compare.csv` puts before a summary row.
#[derive(Serialize)]
struct CompareKey<'a> {
    label: &'a str,
    scenario: &'a str,
}

/// `compare.csv`: every summary row of every compared plan, after its label
/// and scenario.
fn compare_csv(runs: &[RunData], plans: &[Labelled]) -> Result<Vec<u8>, OutputError> {
    let rows = plans.iter().flat_map(|(label, run, plan)| {
        let run = &runs[*run];
        run.summary
            .iter()
            .filter(move |r| r.plan == *plan)
            .map(move |r| {
                let key = CompareKey {
                    label,
                    scenario: &run.manifest.scenario.name,
                };
                (key, r)
            })
    });
    csv_bytes::<(CompareKey, &SummaryRow)>(rows).map_err(|source| OutputError::Csv {
        file: "compare.csv",
        source,
    })
}
