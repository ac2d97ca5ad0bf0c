//! The board report of one run: `report.md` and `report.html`, same content.
//!
//! The report is built once as a list of [`Block`]s (headings, paragraphs,
//! tables, charts) and written out twice, as Markdown and as one
//! self-contained HTML file: charts already rendered into `RUN_DIR/charts/`
//! are embedded as base64 PNG data URIs, there are no scripts and no links
//! out. Everything comes from [`RunData`]; nothing here draws or simulates.
//! No clock is read, so the same run gives the same bytes.

use std::fmt::Write as _;
use std::path::Path;

use base64::Engine as _;

use super::charts::CHART_NAMES;
use crate::ensemble::metrics::{Metric, Unit};
use super::human;
use super::run_data::{RunData, COUNTERFACTUAL};
use super::{write_atomic, OutputError};

/// A piece of the report.
#[derive(Debug, Clone)]
pub enum Block {
    Heading(u8, String),
    Paragraph(String),
    Bullets(Vec<String>),
    Table(Table),
    /// A chart: its file stem under `charts/` and its caption.
    Chart(String, String),
}

/// A table with a header row; every row has the header's length.
#[derive(Debug, Clone, Default)]
pub struct Table {
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
}


/// A value of a metric in `unit`, for people.
fn value(unit: Unit, v: f64) -> String {
    match unit {
        Unit::Operations | Unit::Appointments | Unit::Patients => human::count(v),
        Unit::Percent => human::percent(v),
        Unit::Days => human::decimal1(v),
        Unit::Share => human::percent(v * 100.0),
    }
}

/// A difference of a metric in `unit`, with its sign, for people.
fn difference(unit: Unit, v: f64) -> String {
    match unit {
        Unit::Operations | Unit::Appointments | Unit::Patients => human::signed_count(v),
        Unit::Percent => human::signed_points(v),
        Unit::Days => {
            let s = human::decimal1(v);
            if s.starts_with('-') || s == "0.0" {
                s
            } else {
                format!("+{s}")
            }
        }
        Unit::Share => human::signed_points(v * 100.0),
    }
}

/// One plan of one run, as a table row group names it.
pub struct PlanRef<'a> {
    pub label: String,
    pub run: &'a RunData,
    pub plan: String,
}

/// The comparison table: per metric and plan, the mean with its 95%
/// interval and the paired difference from the counterfactual with its
/// interval.
pub fn comparison_table(plans: &[PlanRef]) -> Table {
    let header = [
        "Metric",
        "Plan",
        "Mean (95% interval)",
        "Difference from no strike (95% interval)",
    ];
    let mut rows = Vec::new();
    for metric in Metric::ALL.iter().filter(|m| m.on_board()) {
        let (label, unit) = (metric.label(), metric.unit());
        for p in plans {
            let Some(r) = p.run.summary_row(&p.plan, *metric) else {
                continue;
            };
            let diff = if p.plan == COUNTERFACTUAL {
                "(reference)".to_string()
            } else {
                human::with_interval(
                    |v| difference(unit, v),
                    r.diff_mean,
                    r.diff_ci95_low,
                    r.diff_ci95_high,
                )
            };
            rows.push(vec![
                label.to_string(),
                p.label.clone(),
                human::with_interval(|v| value(unit, v), r.mean, r.ci95_low, r.ci95_high),
                diff,
            ]);
        }
    }
    Table {
        header: header.iter().map(|s| s.to_string()).collect(),
        rows,
    }
}

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
    let mut out = String::new();
    markdown_table(&mut out, &comparison_table(&plans_of(data)));
    out
}

/// Redraw everything of a finished run from its files alone: load the run,
/// render the charts into `run_dir/charts/`, write the report. What
/// `strikesim report DIR` does; returns the chart files written.
pub fn redraw(run_dir: &Path) -> Result<Vec<std::path::PathBuf>, OutputError> {
    let data = RunData::load(run_dir)?;
    let charts = super::charts::render_charts(&data, &run_dir.join("charts"))?;
    write_report(&data, run_dir)?;
    Ok(charts)
}

/// Write `report.md` and `report.html` into `run_dir`.
pub fn write_report(data: &RunData, run_dir: &Path) -> Result<(), OutputError> {
    let blocks = report_blocks(data);
    let title = format!("strikesim report: {}", data.manifest.scenario.title);
    write_atomic(
        &run_dir.join("report.md"),
        to_markdown(&title, &blocks).as_bytes(),
    )?;
    write_atomic(
        &run_dir.join("report.html"),
        to_html(&title, &blocks, run_dir)?.as_bytes(),
    )?;
    Ok(())
}

/// The caption of each chart, by file stem.
fn chart_caption(name: &str) -> &'static str {
    match name {
        "rtt_within_18w" => "Share of the RTT waiting list within 18 weeks, with the 92% standard",
        "waiting_list" => "RTT waiting list size",
        "extra_waiters" => "Extra patients waiting compared with no strike",
        "over_52w" => "Patients waiting 52 weeks or more",
        "cancellations" => "Cancelled operations and outpatient appointments, by plan",
        "recovery" => "Time to recover, by plan",
        _ => "Chart",
    }
}

fn replication_count(data: &RunData, plan: &str) -> usize {
    data.replication_values(plan, Metric::Recovered).len()
}

fn not_recovered(data: &RunData, plan: &str) -> usize {
    data.replication_values(plan, Metric::Recovered)
        .iter()
        .filter(|v| **v < 0.5)
        .count()
}

/// Rank of `plan` among the scenario's plans by `key` (ascending): 0 is the
/// lowest. `None` when there is only one plan.
fn rank(data: &RunData, plan: &str, key: impl Fn(&str) -> f64) -> Option<(usize, usize)> {
    let plans: Vec<&str> = data
        .manifest
        .plans
        .iter()
        .map(|p| p.name.as_str())
        .collect();
    if plans.len() < 2 {
        return None;
    }
    let mine = key(plan);
    let below = plans.iter().filter(|p| key(p) < mine).count();
    Some((below, plans.len()))
}

/// A plain-English paragraph for one plan.
fn plan_reading(data: &RunData, plan: &str) -> String {
    use Metric as M;
    let s = |m: Metric| data.summary_of(plan, m);
    let cf = |m: Metric| data.summary_of(COUNTERFACTUAL, m);
    let ci = |m: Metric| {
        let r = s(m);
        human::with_interval(human::count, r.mean, r.ci95_low, r.ci95_high)
    };
    let diff = |m: Metric| {
        let r = s(m);
        human::with_interval(
            human::signed_count,
            r.diff_mean,
            r.diff_ci95_low,
            r.diff_ci95_high,
        )
    };
    let description = data
        .manifest
        .plans
        .iter()
        .find(|p| p.name == plan)
        .map(|p| p.description.trim().trim_end_matches('.').to_string())
        .unwrap_or_default();
    let mut text = String::new();
    let _ = write!(text, "**{plan}**");
    if !description.is_empty() {
        let _ = write!(text, " ({description})");
    }
    let _ = write!(
        text,
        ". Around the walkout (from the first stand-down decision to the day after it), {} elective operations were stood down in advance and {} cancelled on the day \
         (without the strike: {} and {}), and {} outpatient appointments were cancelled \
         (without the strike: {}); figures are means with 95% intervals. ",
        ci(M::ElectiveCancelledInAdvance),
        ci(M::ElectiveCancelledOnDay),
        human::count(cf(M::ElectiveCancelledInAdvance).mean),
        human::count(cf(M::ElectiveCancelledOnDay).mean),
        ci(M::OutpatientCancelled),
        human::count(cf(M::OutpatientCancelled).mean),
    );
    let _ = write!(
        text,
        "At the end of the run, {} more patients were waiting over 18 weeks and {} more over 52 weeks \
         than without the strike. ",
        diff(M::RttOver18wEnd),
        diff(M::RttOver52wEnd),
    );
    let rec = s(M::RecoveryDays);
    let total = replication_count(data, plan);
    let open = not_recovered(data, plan);
    let _ = write!(
        text,
        "The waiting list took {} days to recover on average ({} to {})",
        human::decimal1(rec.mean),
        human::decimal1(rec.ci95_low),
        human::decimal1(rec.ci95_high),
    );
    if open > 0 {
        let _ = write!(
            text,
            "; {open} of {total} replications had not recovered by the end of the run, so this average \
             counts them at the end of the run and understates the true time. "
        );
    } else {
        let _ = write!(
            text,
            "; every one of the {total} replications recovered within the run. "
        );
    }
    let mut notes = Vec::new();
    type Key<'k> = &'k dyn Fn(&str) -> f64;
    let comparisons: [(&str, &str, Key); 4] = [
        (
            "the fewest on-the-day cancellations",
            "the most on-the-day cancellations",
            &|p| data.summary_of(p, M::ElectiveCancelledOnDay).mean,
        ),
        (
            "the fewest operations stood down in advance",
            "the most operations stood down in advance",
            &|p| data.summary_of(p, M::ElectiveCancelledInAdvance).mean,
        ),
        (
            "the fewest extra 18-week waiters",
            "the most extra 18-week waiters",
            &|p| data.summary_of(p, M::RttOver18wEnd).diff_mean,
        ),
        ("the fastest recovery", "the slowest recovery", &|p| {
            data.summary_of(p, M::RecoveryDays).mean
        }),
    ];
    for (best, worst, key) in comparisons {
        match rank(data, plan, key) {
            Some((0, _)) => notes.push(best),
            Some((r, n)) if r + 1 == n => notes.push(worst),
            _ => {}
        }
    }
    let n = data.manifest.plans.len();
    if n < 2 {
        text.push_str("It is the only plan in this run.");
    } else if notes.is_empty() {
        let _ = write!(text, "It sits between the other plans on every count.");
    } else {
        let _ = write!(text, "Of the {n} plans it has {}.", join_and(&notes));
    }
    text
}

fn join_and(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => one.to_string(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

fn walkout_kind(kind: &str) -> String {
    match kind {
        "emergency_care_provided" => "emergency care provided by the strikers".to_string(),
        "full_walkout" => "full walkout, consultants cover emergency care".to_string(),
        other => other.replace('_', " "),
    }
}

/// All of the report, in order.
pub fn report_blocks(data: &RunData) -> Vec<Block> {
    let m = &data.manifest;
    let mut b = Vec::new();
    b.push(Block::Paragraph(format!(
        "Scenario **{}** ({} plan{} against the same world without the strike; {} replications, seed {}). \
         Means are given with 95% intervals; differences are paired: each plan minus the no-strike \
         world in the same replication.",
        m.scenario.name,
        m.plans.len(),
        if m.plans.len() == 1 { "" } else { "s" },
        human::count(m.replications as f64),
        m.seed
    )));

    b.push(Block::Heading(2, "What each plan does".into()));
    for plan in &m.plans {
        b.push(Block::Paragraph(plan_reading(data, &plan.name)));
    }

    b.push(Block::Heading(2, "Comparison table".into()));
    b.push(Block::Table(comparison_table(&plans_of(data))));

    b.push(Block::Heading(2, "Charts".into()));
    for name in CHART_NAMES {
        b.push(Block::Chart(
            name.to_string(),
            chart_caption(name).to_string(),
        ));
    }

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
                s
            })
            .collect(),
    ));
    b.push(Block::Heading(3, "Plans".into()));
    b.push(Block::Paragraph(
        "The counterfactual is the same world, with the same patients and random draws, without any walkout.".into(),
    ));
    for plan in &m.plans {
        let mut head = format!("**{}**", plan.name);
        if !plan.description.is_empty() {
            let _ = write!(head, ": {}", plan.description.trim());
        }
        b.push(Block::Paragraph(head));
        if !plan.assumptions.is_empty() {
            b.push(Block::Bullets(plan.assumptions.clone()));
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
        b.push(Block::Paragraph(format!(
            "A plan counts as recovered once its waiting list is within {}% of the no-strike list and its \
             18-week share within {} percentage points of the no-strike share.",
            tol.list_size_pct, tol.within_18w_points
        )));
    }

    b.push(Block::Heading(2, "Method (STRESS-DES)".into()));
    let plan_names: Vec<&str> = m.plans.iter().map(|p| p.name.as_str()).collect();
    b.push(Block::Heading(3, "Objectives".into()));
    b.push(Block::Paragraph(format!(
        "To compare how the plans {} for \"{}\" change elective cancellations, referral-to-treatment (RTT) \
         waits and the time to recover, against the same world without the strike, with honest uncertainty.",
        plan_names.join(", "),
        m.scenario.title
    )));
    b.push(Block::Heading(3, "Logic".into()));
    b.push(Block::Paragraph(
        "A discrete-event simulation of each trust's elective week on a real calendar: theatre lists \
         (inpatient and day case) and outpatient clinics need junior doctors as well as consultants; work \
         that cannot be staffed does not run. On walkout days a share of junior doctors (drawn per \
         replication) is absent. A plan decides what is stood down in advance, what is protected and how \
         patients are rebooked. Patients carry RTT clocks that keep running when the hospital cancels; \
         patients cancelled on the day must be offered a new date within 28 days."
            .into(),
    ));
    b.push(Block::Heading(3, "Data".into()));
    b.push(Block::Paragraph(format!(
        "Scenario file `{}` (sha256 `{}`), describing {} trust{} ({}) with {} patients on their RTT lists \
         at the start.",
        m.scenario.file,
        m.scenario.sha256,
        m.trusts.len(),
        if m.trusts.len() == 1 { "" } else { "s" },
        m.trusts
            .iter()
            .map(|t| t.code.as_str())
            .collect::<Vec<_>>()
            .join(", "),
        human::count(m.trusts.iter().map(|t| t.initial_waiting_list as f64).sum()),
    )));
    b.push(Block::Heading(3, "Experimentation".into()));
    b.push(Block::Paragraph(format!(
        "{} replications from seed {}. Each replication runs from {} and branches on {} into the \
         no-strike world and each plan, which then run to {}. Results are means over replications \
         with 95% confidence intervals, 5th to 95th percentiles for spread, and paired differences \
         (plan minus no strike in the same replication) with 95% intervals.",
        human::count(m.replications as f64),
        m.seed,
        human::date(m.period.start),
        human::date(m.period.branch),
        human::date(m.period.end)
    )));
    b.push(Block::Heading(3, "Implementation".into()));
    b.push(Block::Paragraph(format!(
        "{} {} (Rust), run on {} thread{} in {} seconds. Results do not depend on the number of threads. \
         This report was drawn from the run's files alone (summary.csv, weekly.csv, replications.csv, \
         manifest.json).",
        if m.tool.is_empty() { "strikesim" } else { &m.tool },
        m.version,
        m.threads,
        if m.threads == 1 { "" } else { "s" },
        human::decimal1(m.wall_seconds)
    )));

    b.push(Block::Heading(2, "Run manifest".into()));
    b.push(Block::Table(Table {
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
        ],
    }));
    b
}

fn markdown_cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

fn markdown_table(out: &mut String, t: &Table) {
    let _ = writeln!(
        out,
        "| {} |",
        t.header
            .iter()
            .map(|h| markdown_cell(h))
            .collect::<Vec<_>>()
            .join(" | ")
    );
    let _ = writeln!(out, "|{}|", vec![" --- "; t.header.len()].join("|"));
    for row in &t.rows {
        let _ = writeln!(
            out,
            "| {} |",
            row.iter()
                .map(|c| markdown_cell(c))
                .collect::<Vec<_>>()
                .join(" | ")
        );
    }
}

/// The report as Markdown; charts are linked as `charts/NAME.png`.
pub fn to_markdown(title: &str, blocks: &[Block]) -> String {
    let mut out = format!("# {title}\n\n");
    for block in blocks {
        match block {
            Block::Heading(level, text) => {
                let _ = writeln!(out, "{} {text}\n", "#".repeat(*level as usize));
            }
            Block::Paragraph(text) => {
                let _ = writeln!(out, "{text}\n");
            }
            Block::Bullets(items) => {
                for item in items {
                    let _ = writeln!(out, "- {item}");
                }
                out.push('\n');
            }
            Block::Table(t) => {
                markdown_table(&mut out, t);
                out.push('\n');
            }
            Block::Chart(name, caption) => {
                let _ = writeln!(out, "![{caption}](charts/{name}.png)\n");
            }
        }
    }
    out
}

fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Escape, then turn `**bold**` and `` `code` `` into tags.
fn inline_html(s: &str) -> String {
    let mut out = String::new();
    for (i, part) in escape(s).split("**").enumerate() {
        if i % 2 == 1 {
            let _ = write!(out, "<strong>{part}</strong>");
        } else {
            for (j, seg) in part.split('`').enumerate() {
                if j % 2 == 1 {
                    let _ = write!(out, "<code>{seg}</code>");
                } else {
                    out.push_str(seg);
                }
            }
        }
    }
    out
}

const CSS: &str = "body{font-family:'DejaVu Sans',Arial,Helvetica,sans-serif;max-width:60rem;margin:2rem auto;\
padding:0 1rem;color:#222;line-height:1.45}h1{font-size:1.6rem}h2{margin-top:2rem;border-bottom:1px solid #ccc}\
table{border-collapse:collapse;margin:1rem 0;font-size:.9rem}th,td{border:1px solid #bbb;padding:.25rem .5rem;\
text-align:left;vertical-align:top}th{background:#eee}figure{margin:1rem 0}img{max-width:100%;height:auto;\
border:1px solid #ddd}figcaption{font-size:.9rem;color:#555}code{font-size:.85rem;word-break:break-all}\
.missing{color:#a00}@media print{body{max-width:none}figure{page-break-inside:avoid}}";

/// The report as one self-contained HTML file: chart PNGs are read from
/// `run_dir/charts/` and embedded; a chart that is not there is named as
/// missing.
pub fn to_html(title: &str, blocks: &[Block], run_dir: &Path) -> Result<String, OutputError> {
    let mut out = String::new();
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <link rel=\"icon\" href=\"data:,\">\n<title>{}</title>\n<style>{CSS}</style>\n</head>\n<body>\n<h1>{}</h1>\n",
        escape(title),
        escape(title)
    );
    for block in blocks {
        match block {
            Block::Heading(level, text) => {
                let _ = writeln!(out, "<h{level}>{}</h{level}>", inline_html(text));
            }
            Block::Paragraph(text) => {
                let _ = writeln!(out, "<p>{}</p>", inline_html(text));
            }
            Block::Bullets(items) => {
                out.push_str("<ul>\n");
                for item in items {
                    let _ = writeln!(out, "<li>{}</li>", inline_html(item));
                }
                out.push_str("</ul>\n");
            }
            Block::Table(t) => {
                out.push_str("<table>\n<thead><tr>");
                for h in &t.header {
                    let _ = write!(out, "<th>{}</th>", inline_html(h));
                }
                out.push_str("</tr></thead>\n<tbody>\n");
                for row in &t.rows {
                    out.push_str("<tr>");
                    for c in row {
                        let _ = write!(out, "<td>{}</td>", inline_html(c));
                    }
                    out.push_str("</tr>\n");
                }
                out.push_str("</tbody>\n</table>\n");
            }
            Block::Chart(name, caption) => {
                let path = run_dir.join("charts").join(format!("{name}.png"));
                match std::fs::read(&path) {
                    Ok(bytes) => {
                        let _ = writeln!(
                            out,
                            "<figure><img alt=\"{}\" width=\"1600\" height=\"1000\" src=\"data:image/png;base64,{}\"><figcaption>{}</figcaption></figure>",
                            escape(caption),
                            base64::engine::general_purpose::STANDARD.encode(bytes),
                            escape(caption)
                        );
                    }
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                        let _ = writeln!(
                            out,
                            "<p class=\"missing\">Chart {} was not rendered (no charts/{name}.png).</p>",
                            escape(caption)
                        );
                    }
                    Err(e) => {
                        return Err(OutputError::Read {
                            path,
                            message: e.to_string(),
                        })
                    }
                }
            }
        }
    }
    out.push_str("</body>\n</html>\n");
    Ok(out)
}
