//! The board report of one run: `report.md` and `report.html`, same content.
//! It opens with a one-page summary for the board (`summary.rs`, the
//! recommendation ranked in `decision.rs`), then the details; the
//! comparison table is the headline measures by plans (`headline.rs`), one
//! A4 page, with the long table in an appendix.
//!
//! The report is built once as a [`Document`] (headings, paragraphs,
//! tables, charts) and rendered twice, as Markdown and as one
//! self-contained HTML page that embeds the charts as base64 PNG data URIs,
//! with no scripts and no links out. Everything comes from [`RunData`] and
//! the charts handed in; nothing here draws or simulates. No clock is read,
//! so the same run gives the same bytes.

mod decision;
mod headline;
pub mod money;
mod precision;
mod reading;
mod specialties;
mod summary;

pub use headline::{headline_from, headline_table, HEADLINE_NOTE};

use std::fmt::Write as _;

use super::charts::{Chart, HEIGHT, WIDTH};
use super::document::{markdown_table, Block, Document, Image, Inline, Table};
use super::human;
use super::run_data::{RunData, COUNTERFACTUAL};
use super::{Exporter, OutputError, OutputFile};
use crate::ensemble::metrics::{Metric, Unit, WeeklyMetric};

/// `report.md` and `report.html`, the latter embedding the PNG charts found
/// among the files it is given (those of the charts exporter).
pub struct Report<'c> {
    charts: &'c [OutputFile<'c>],
}

impl<'c> Report<'c> {
    pub fn with_charts(charts: &'c [OutputFile<'c>]) -> Self {
        Report { charts }
    }
}

impl Exporter for Report<'_> {
    fn files<'a>(&self, run: &'a RunData) -> Result<Vec<OutputFile<'a>>, OutputError> {
        let doc = report_document(run);
        Ok(super::document_files("report", &doc, self.charts).into())
    }
}

/// A value of a metric in `unit`, for people.
fn value(unit: Unit, v: f64) -> String {
    match unit {
        Unit::Operations | Unit::Appointments | Unit::Patients | Unit::Trusts | Unit::Sessions => {
            human::count(v)
        }
        Unit::Percent => human::percent(v),
        Unit::PercentagePoints => human::signed_points(v),
        Unit::Days => human::decimal1(v),
        Unit::Share => human::percent(v * 100.0),
        Unit::Pounds => human::pounds_short(v),
    }
}

/// A difference of a metric in `unit`, with its sign, for people.
fn difference(unit: Unit, v: f64) -> String {
    match unit {
        Unit::Operations | Unit::Appointments | Unit::Patients | Unit::Trusts | Unit::Sessions => {
            human::signed_count(v)
        }
        Unit::Percent | Unit::PercentagePoints => human::signed_points(v),
        Unit::Days => {
            let s = human::decimal1(v);
            if s.starts_with('-') || s == "0.0" {
                s
            } else {
                format!("+{s}")
            }
        }
        Unit::Share => human::signed_points(v * 100.0),
        Unit::Pounds => human::signed_pounds_short(v),
    }
}

/// One plan of one run, as a table row group names it.
pub struct PlanRef<'a> {
    pub label: String,
    pub run: &'a RunData,
    pub plan: String,
}

/// The comparison table: per metric and plan, first the strike's effect
/// (the paired difference from the counterfactual, with its 95% interval),
/// then the plan's own figure (for cancellations, all of them in the
/// window, background included) with its 95% interval.
pub fn comparison_table(plans: &[PlanRef]) -> Table {
    let header = [
        "Metric",
        "Plan",
        "Strike's effect: plan minus no strike (95% interval)",
        "Plan's own figure, background included (95% interval)",
    ];
    let mut rows = Vec::new();
    for metric in Metric::ALL.iter().filter(|m| m.on_board()) {
        let (label, unit) = (metric.label(), metric.unit());
        for p in plans {
            let Some(r) = p.run.summary_row(&p.plan, *metric) else {
                continue;
            };
            let effect = if p.plan == COUNTERFACTUAL {
                "(reference)".to_string()
            } else {
                human::with_interval(
                    |v| difference(unit, v),
                    r.effect_mean,
                    r.effect_ci95_low,
                    r.effect_ci95_high,
                )
            };
            rows.push(vec![
                label.to_string(),
                p.label.clone(),
                effect,
                human::with_interval(|v| value(unit, v), r.mean, r.ci95_low, r.ci95_high),
            ]);
        }
    }
    Table {
        header: header.iter().map(|s| s.to_string()).collect(),
        rows,
    }
}

/// Recovery per plan: how many replications had no loss, recovered, or
/// had not recovered by the end, and the Kaplan-Meier median days to
/// recover among those with a loss. Not a difference from the
/// counterfactual, which has nothing to recover from.
pub fn recovery_table(plans: &[PlanRef]) -> Table {
    let header = [
        "Plan",
        "No loss to recover from",
        "Lost, recovered within the run",
        "Lost, not recovered by the end",
        "Median days to recover (of those that lost)",
        "Trusts not recovered by the end (mean)",
    ];
    let rows = plans
        .iter()
        .filter(|p| p.plan != COUNTERFACTUAL)
        .map(|p| {
            let r = p.run.recovery_of(&p.plan);
            let of = |k: usize| format!("{k} of {}", r.replications);
            vec![
                p.label.clone(),
                of(r.no_loss),
                of(r.recovered),
                of(r.censored),
                r.median_text(),
                format!(
                    "{} of {}",
                    human::decimal1(r.trusts_not_recovered),
                    p.run.manifest.trusts.len()
                ),
            ]
        })
        .collect();
    Table {
        header: header.iter().map(|s| s.to_string()).collect(),
        rows,
    }
}

/// What the recovery table says, for the paragraph above it.
pub const RECOVERY_NOTE: &str = "Recovery is judged trust by trust on the extra patients waiting compared \
     with the same world without the strike (the tolerance is under Assumptions). A replication has no loss \
     when the walkouts left no trust above the tolerance; it has recovered when every trust that lost is back \
     within tolerance and stays there to the end of the run. The median counts replications not recovered by \
     the end as still waiting (Kaplan-Meier); \"not within the run\" means fewer than half recovered before \
     the end. A plan with catch-up sessions is judged on its own list, catch-up included, as the trust \
     experiences it: no loss there can mean the catch-up made good what the walkouts cost, not that they \
     cost nothing (the walkouts' own effect is in the catch-up table).";

/// The catch-up table, for plans with catch-up sessions: the sessions run
/// and the patients they saw, and the plan's effect on the waiting list
/// split into the walkouts' (the plan without its catch-up minus no
/// strike) and the catch-up's (the plan minus the same plan without it),
/// which add up to the plan's own, each with its 95% interval. `None` when
/// no plan has catch-up sessions.
pub fn catch_up_table(plans: &[PlanRef]) -> Option<Table> {
    use Metric as M;
    let header = [
        "Plan",
        "Catch-up sessions run",
        "Operations done in catch-up lists",
        "First appointments seen in catch-up clinics",
        "Walkouts' effect on the list, day after the last walkout",
        "Walkouts' effect on the list at end",
        "Catch-up's effect on the list at end",
        "Plan's effect at end (the two together)",
    ];
    let rows: Vec<Vec<String>> = plans
        .iter()
        .filter(|p| p.run.has_catch_up(&p.plan))
        .map(|p| {
            let row = |m: Metric| p.run.summary_of(&p.plan, m);
            let count = |m: Metric| row(m).count_with_interval();
            let effect = |m: Metric| row(m).effect_with_interval();
            vec![
                p.label.clone(),
                count(M::CatchUpSessionsRun),
                count(M::CatchUpOperations),
                count(M::CatchUpFirstAppointments),
                effect(M::WalkoutExtraWaitersAfterWalkouts),
                effect(M::WalkoutExtraWaitersEnd),
                effect(M::CatchUpExtraWaitersEnd),
                effect(M::ExtraWaitersEnd),
            ]
        })
        .collect();
    (!rows.is_empty()).then(|| Table {
        header: header.iter().map(|s| s.to_string()).collect(),
        rows,
    })
}

/// What the catch-up table says, for the paragraph above it.
pub const CATCH_UP_NOTE: &str = "A plan with catch-up sessions is also run without them, with the same \
     walkouts, stand-downs, staffing rules, patients and random draws. The walkouts' effect on the waiting \
     list is that run minus the world without the strike; the catch-up's effect is the plan minus that run \
     (negative: patients taken off the list). The two add up, replication by replication, to the plan's own \
     difference from the world without the strike. Counts are over the whole run; means with 95% intervals.";

/// What the comparison table's two columns mean, for the paragraph above it.
pub const COMPARISON_NOTE: &str = "The first column is the strike's effect: each plan minus the same world \
     without the strike, in the same replication. The second is the plan's own figure; for cancellations \
     that is all cancellations in the counting window, including the usual background on-the-day \
     cancellations that happen without a strike (the no-strike row).";

/// Every plan of one run, labelled by its own name.
pub fn plans_of(data: &RunData) -> Vec<PlanRef<'_>> {
    data.plans()
        .into_iter()
        .map(|p| PlanRef {
            label: p.to_string(),
            run: data,
            plan: p.to_string(),
        })
        .collect()
}

/// The comparison table of one run as Markdown.
pub fn comparison_table_markdown(data: &RunData) -> String {
    markdown_table(&comparison_table(&plans_of(data)))
}

/// A chart of `charts/` as an image of a document.
pub fn chart_image(name: &str, caption: &str) -> Block {
    Block::Image(Image {
        path: format!("charts/{name}.png"),
        caption: caption.to_string(),
        width: WIDTH,
        height: HEIGHT,
    })
}

fn walkout_kind(kind: &str) -> String {
    match kind {
        "emergency_care_provided" => "emergency care provided by the strikers".to_string(),
        "full_walkout" => "full walkout, consultants cover emergency care".to_string(),
        other => other.replace('_', " "),
    }
}

/// The report of a run.
pub fn report_document(data: &RunData) -> Document {
    let m = &data.manifest;
    let mut b = summary::summary(data);
    b.push(Block::PageBreak);
    b.push(Block::Paragraph(
        Inline::default()
            .text("Scenario ")
            .strong(&m.scenario.name)
            .text(format!(
                " ({} plan{} against the same world without the strike; {} replications, seed {}). \
                 Means are given with 95% intervals; differences are paired: each plan minus the no-strike \
                 world in the same replication.",
                m.plans.len(),
                if m.plans.len() == 1 { "" } else { "s" },
                human::count(m.replications as f64),
                m.seed
            )),
    ));
    if let Some(description) = &m.scenario.description {
        b.push(Block::Paragraph(Inline::default().text(description)));
    }
    if let Some(baseline) = baseline_sentence(data) {
        b.push(Block::Paragraph(Inline::default().text(baseline)));
    }
    b.push(Block::Heading(2, "What each plan does".into()));
    for plan in &m.plans {
        b.push(Block::Paragraph(reading::plan_reading(data, &plan.name)));
    }
    b.push(Block::PageBreak);
    b.push(Block::Heading(2, "Comparison table".into()));
    b.push(Block::Paragraph(HEADLINE_NOTE.into()));
    b.push(Block::Table(headline_table(data)));
    b.push(Block::PageBreak);
    if let Some(table) = catch_up_table(&plans_of(data)) {
        b.push(Block::Heading(2, "Catch-up sessions".into()));
        b.push(Block::Paragraph(CATCH_UP_NOTE.into()));
        b.push(Block::Table(table));
    }
    b.push(Block::Heading(2, "Recovery".into()));
    b.push(Block::Paragraph(RECOVERY_NOTE.into()));
    b.push(Block::Table(recovery_table(&plans_of(data))));
    specialties::section(&mut b, data);
    // The money on a page of its own: after the catch-up and recovery
    // tables it would split from its note.
    b.push(Block::PageBreak);
    money::section(&mut b, &plans_of(data), data);
    b.push(Block::PageBreak);
    b.push(Block::Heading(2, "Charts".into()));
    for chart in Chart::ALL {
        b.push(chart_image(chart.name(), chart.caption()));
    }
    b.push(Block::PageBreak);
    assumptions(&mut b, data);
    b.push(Block::PageBreak);
    method(&mut b, data);
    precision::section(&mut b, data);
    b.push(Block::Heading(2, "Run manifest".into()));
    b.push(Block::Table(manifest_table(data)));
    b.push(Block::PageBreak);
    b.push(Block::Heading(2, "Appendix: full comparison table".into()));
    b.push(Block::Paragraph(COMPARISON_NOTE.into()));
    b.push(Block::Table(comparison_table(&plans_of(data))));
    Document {
        title: format!("strikesim report: {}", m.scenario.title),
        blocks: b,
    }
}

/// The assumptions: walkouts, plans, trusts and the recovery tolerance.
fn assumptions(b: &mut Vec<Block>, data: &RunData) {
    let m = &data.manifest;
    b.push(Block::Heading(2, "Assumptions".into()));
    b.push(Block::Heading(3, "Walkouts".into()));
    b.push(Block::Bullets(
        m.walkouts
            .iter()
            .map(|w| {
                let mut s = format!(
                    "{}: from {} to {}; {}",
                    w.name,
                    w.start.format("%H:%M on %a %-d %b %Y"),
                    w.end.format("%H:%M on %a %-d %b %Y"),
                    walkout_kind(&w.kind)
                );
                if !w.grades.is_empty() {
                    let _ = write!(s, "; grades on strike: {}", w.grades.join(", "));
                }
                if !w.participation.is_empty() {
                    let _ = write!(s, "; participation: {}", w.participation);
                }
                s.into()
            })
            .collect(),
    ));
    b.push(Block::Heading(3, "Plans".into()));
    b.push(Block::Paragraph(
        "The counterfactual is the same world, with the same patients and random draws, without any walkout.".into(),
    ));
    for plan in &m.plans {
        let mut head = Inline::default().strong(&plan.name);
        if !plan.description.is_empty() {
            let _ = write!(head, ": {}", plan.description.trim());
        }
        b.push(Block::Paragraph(head));
        if !plan.assumptions.is_empty() {
            b.push(Block::Bullets(
                plan.assumptions.iter().map(|a| a.as_str().into()).collect(),
            ));
        }
    }
    b.push(Block::Heading(3, "Trusts".into()));
    b.push(Block::Table(Table {
        header: vec![
            "Code".into(),
            "Trust".into(),
            "Specialties".into(),
            "Waiting list at start".into(),
        ],
        rows: m
            .trusts
            .iter()
            .map(|t| {
                vec![
                    t.code.clone(),
                    t.name.clone(),
                    t.specialties.to_string(),
                    human::count(t.initial_waiting_list as f64),
                ]
            })
            .collect(),
    }));
    if let Some(tol) = &m.recovery_tolerance {
        b.push(Block::Paragraph(Inline::from(format!(
            "Recovery is judged trust by trust against the loss the walkouts caused: the extra patients \
             waiting compared with the same trust without the strike. A trust whose extra waiters never \
             exceed {tp} had no loss. Otherwise it has recovered from the first day after the walkouts on \
             which its extra waiters are within {tp} or {share}% of their peak, whichever is larger, and \
             stay there to the end of the run. A plan has recovered in a replication when every trust that \
             lost has; replications that had not by the end are censored, and the time to recover is a \
             Kaplan-Meier median among the replications with a loss.",
            tp = human::count(tol.tolerance_patients),
            share = human::decimal1(100.0 * tol.share_of_peak),
        ))));
    }
}

/// The method, under the STRESS-DES headings.
fn method(b: &mut Vec<Block>, data: &RunData) {
    let m = &data.manifest;
    b.push(Block::Heading(2, "Method (STRESS-DES)".into()));
    let plan_names: Vec<&str> = m.plans.iter().map(|p| p.name.as_str()).collect();
    b.push(Block::Heading(3, "Objectives".into()));
    b.push(Block::Paragraph(Inline::from(format!(
        "To compare how the plans {} for \"{}\" change elective cancellations, referral-to-treatment (RTT) \
         waits and the time to recover, against the same world without the strike, with honest uncertainty.",
        plan_names.join(", "),
        m.scenario.title
    ))));
    b.push(Block::Heading(3, "Logic".into()));
    b.push(Block::Paragraph(Inline::from(
        "A discrete-event simulation of each trust's elective week on a real calendar: theatre lists \
         (inpatient and day case) and outpatient clinics need junior doctors as well as consultants; work \
         that cannot be staffed does not run. On walkout days a share of junior doctors (drawn per \
         replication) is absent. A plan decides what is stood down in advance, what is protected and how \
         patients are rebooked. Patients carry RTT clocks that keep running when the hospital cancels; \
         patients cancelled on the day must be offered a new date within 28 days.",
    )));
    b.push(Block::Heading(3, "Data".into()));
    let codes: Vec<&str> = m.trusts.iter().map(|t| t.code.as_str()).collect();
    b.push(Block::Paragraph(
        Inline::default()
            .text("Scenario file ")
            .code(&m.scenario.file)
            .text(" (sha256 ")
            .code(&m.scenario.sha256)
            .text(format!(
                "), describing {} trust{} ({}) with {} patients on their RTT lists at the start.",
                m.trusts.len(),
                if m.trusts.len() == 1 { "" } else { "s" },
                codes.join(", "),
                human::count(m.trusts.iter().map(|t| t.initial_waiting_list as f64).sum()),
            )),
    ));
    b.push(Block::Heading(3, "Experimentation".into()));
    b.push(Block::Paragraph(Inline::from(format!(
        "{} replications from seed {}. Each replication runs from {} and branches on {} into the \
         no-strike world and each plan, which then run to {}. Cancellations are counted {}, \
         the same days for every plan and the no-strike world whichever plans the run holds. \
         Results are means over replications \
         with 95% confidence intervals, 5th to 95th percentiles for spread, and paired differences \
         (plan minus no strike in the same replication) with 95% intervals.{}{}",
        human::count(m.replications as f64),
        m.seed,
        human::date(m.period.start),
        human::date(m.period.branch),
        human::date(m.period.end),
        m.count_window_words(),
        if m.period.warm_up_weeks == 0 {
            " The model starts from the stated lists as they are, with no warm-up: waits are assumed \
             and the no-strike baseline drifts for months as the model's own flows take over."
                .to_string()
        } else {
            format!(
                " Before {} the model runs {} weeks without a strike (the warm-up), from the \
                 stated lists, so that the waits, bookings and pathways in progress at the start are \
                 those the model's own referrals, clinics, lists and decisions produce; at the start \
                 each specialty's list is brought back to its stated size (patients waiting to be \
                 booked taken off or copied at random) and counting begins. The warm-up runs once: \
                 the list at the start is what a planner knows, so every replication starts from \
                 the same state and differs only in what happens after. Bank holidays pause \
                 referrals, clinics, lists and decisions alike.",
                human::date(m.period.start),
                m.period.warm_up_weeks
            )
        },
        if data.catch_up_plans().is_empty() {
            ""
        } else {
            " Each plan with catch-up sessions also runs from the same branch point without them \
             (same walkouts, stand-downs, staffing rules and draws), so that its effect on the list \
             splits exactly, in each replication, into the walkouts' (that run minus no strike) and the \
             catch-up's (the plan minus that run)."
        },
    ))));
    b.push(Block::Heading(3, "Implementation".into()));
    b.push(Block::Paragraph(Inline::from(format!(
        "{} {} (Rust), run on {} thread{} in {} seconds. Results do not depend on the number of threads. \
         This report was drawn from the run's files alone (summary.csv, weekly.csv, replications.csv, \
         manifest.json).",
        m.tool_name(),
        m.version,
        m.threads,
        if m.threads == 1 { "" } else { "s" },
        human::decimal1(m.wall_seconds)
    ))));
}

/// What was run, as a two-column table.
fn manifest_table(data: &RunData) -> Table {
    let m = &data.manifest;
    Table {
        header: vec!["Field".into(), "Value".into()],
        rows: vec![
            vec!["Tool version".into(), m.version.clone()],
            vec!["Scenario".into(), m.scenario.name.clone()],
            vec!["Scenario file".into(), m.scenario.file.clone()],
            vec!["Scenario sha256".into(), m.scenario.sha256.clone()],
            vec!["Seed".into(), m.seed.to_string()],
            vec!["Replications".into(), human::count(m.replications as f64)],
            vec![
                "Period".into(),
                format!(
                    "{} to {} (plans from {})",
                    human::date(m.period.start),
                    human::date(m.period.end),
                    human::date(m.period.branch)
                ),
            ],
            vec!["Cancellations counted".into(), m.count_window_words()],
        ],
    }
}

/// What the world without the strike does over the run: the baseline every
/// plan is measured against. A list growing with no strike (demand above
/// capacity) is worth a board's attention in its own right.
fn baseline_sentence(data: &RunData) -> Option<String> {
    let list = data.weekly_series(COUNTERFACTUAL, WeeklyMetric::WaitingList);
    let share = data.weekly_series(COUNTERFACTUAL, WeeklyMetric::Within18wPct);
    let (first, last) = (list.first()?, list.last()?);
    let (s0, s1) = (share.first()?, share.last()?);
    let change = (last.mean - first.mean) / first.mean.max(1.0) * 100.0;
    let moves = if change.abs() < 1.0 {
        "holds steady".to_string()
    } else if change > 0.0 {
        format!("grows by {change:.0}%")
    } else {
        format!("shrinks by {:.0}%", -change)
    };
    Some(format!(
        "Without the strike the waiting list {moves}, from {} on {} to {} on {}, and the share \
         within 18 weeks goes from {:.1}% to {:.1}%: this is the baseline each plan is measured \
         against.{}",
        human::count(first.mean),
        human::date(first.week_start),
        human::count(last.mean),
        human::date(last.week_start),
        s0.mean,
        s1.mean,
        if change >= 5.0 {
            " Referrals outrun the clinics and lists of at least one specialty (the run's warnings \
             name them), so the list grows whatever the plan."
        } else {
            ""
        }
    ))
}
