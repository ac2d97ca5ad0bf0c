//! `report.xlsx`: the run as a workbook for planners who work in Excel.
//!
//! Sheets: `Summary` (the headline measures of the report's comparison
//! table, plans as columns, each with its 95% interval), `Costs` (the
//! money per plan and the prices used), for a run with the breakdown by
//! specialty and trust its tables (`breakdown.rs`), `Weekly` and
//! `Replications` (the tables as they are in the CSV files), `Charts` (the
//! PNG charts of the run, handed in like the report's) and `About` (what
//! the run was and how to read its numbers).
//!
//! The same run gives the same bytes: the document's creation date is the
//! run's start date, never the clock, and nothing else in the file depends
//! on when or on how many threads the run was made ([`Manifest::threads`]
//! and `wall_seconds` are left out).
//!
//! [`Manifest::threads`]: super::manifest::Manifest::threads

mod breakdown;
mod costs;
mod sheets;

use rust_xlsxwriter::{
    Color, DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook, Worksheet,
    XlsxError,
};

use super::report::{plans_of, PlanRef};
use super::run_data::{RunData, COUNTERFACTUAL};
use super::{human, Exporter, OutputError, OutputFile};
use crate::ensemble::metrics::{Metric, Unit};
use chrono::{Datelike, NaiveDate};

/// The file name of the workbook in a run folder.
pub const XLSX: &str = "report.xlsx";

/// The sheets every workbook has, in order; a run with the breakdown by
/// specialty and trust has its sheets after `Costs` ([`sheet_names`]).
pub const SHEETS: [&str; 6] = [
    "Summary",
    "Costs",
    "Weekly",
    "Replications",
    "Charts",
    "About",
];

pub use breakdown::{SPECIALTIES, SPECIALTY_TOTALS, TRUSTS};

/// The sheets of `run`'s workbook, in order.
pub fn sheet_names(run: &RunData) -> Vec<&'static str> {
    let mut names = SHEETS[..2].to_vec();
    names.extend(breakdown::sheets_of(run));
    names.extend(&SHEETS[2..]);
    names
}

/// `report.xlsx`, with the PNG charts found among the files it is given
/// (those of the charts exporter) on its `Charts` sheet.
pub struct Xlsx<'c> {
    charts: &'c [OutputFile<'c>],
}

impl<'c> Xlsx<'c> {
    pub fn with_charts(charts: &'c [OutputFile<'c>]) -> Self {
        Xlsx { charts }
    }
}

impl Exporter for Xlsx<'_> {
    fn files<'a>(&self, run: &'a RunData) -> Result<Vec<OutputFile<'a>>, OutputError> {
        Ok(vec![OutputFile::bytes(
            XLSX,
            workbook_bytes(run, self.charts)?,
        )])
    }
}

/// The bytes of `report.xlsx` for `run`, with the PNG charts of `charts`.
pub fn workbook_bytes(run: &RunData, charts: &[OutputFile]) -> Result<Vec<u8>, OutputError> {
    build(run, charts).map_err(|e| OutputError::Other(format!("cannot write {XLSX}: {e}")))
}

fn build(run: &RunData, charts: &[OutputFile]) -> Result<Vec<u8>, XlsxError> {
    let m = &run.manifest;
    let mut book = Workbook::new();
    let properties = DocProperties::new()
        .set_title(format!("strikesim report: {}", m.scenario.title))
        .set_subject(&m.scenario.name)
        .set_author(format!("{} {}", m.tool_name(), m.version))
        .set_comment(format!(
            "Simulated: {} replications, seed {}. The creation date is the run's start date.",
            m.replications, m.seed
        ))
        .set_creation_datetime(&created(m.period.start)?);
    book.set_properties(&properties);
    let styles = Styles::new();
    summary_sheet(book.add_worksheet(), &plans_of(run), &styles)?;
    costs::costs_sheet(book.add_worksheet(), run, &styles)?;
    for sheet in breakdown::sheets_of(run) {
        let ws = book.add_worksheet();
        match sheet {
            SPECIALTIES => breakdown::specialties_sheet(ws, run, &styles)?,
            SPECIALTY_TOTALS => breakdown::specialty_totals_sheet(ws, run, &styles)?,
            _ => breakdown::trusts_sheet(ws, run, &styles)?,
        }
    }
    sheets::weekly_sheet(book.add_worksheet(), run, &styles)?;
    sheets::replications_sheet(book.add_worksheet(), run, &styles)?;
    sheets::charts_sheet(book.add_worksheet(), charts, &styles)?;
    about_sheet(book.add_worksheet(), run, &styles)?;
    book.save_to_buffer()
}

/// The workbook of `compare --out`: the `Summary` sheet with the compared
/// plans as columns, each under its label (the same numbers as
/// `compare.csv`), and the About sheet of the first run.
pub fn comparison_workbook_bytes(plans: &[PlanRef]) -> Result<Vec<u8>, OutputError> {
    let build = || -> Result<Vec<u8>, XlsxError> {
        let mut book = Workbook::new();
        let Some(first) = plans.first() else {
            return book.save_to_buffer();
        };
        let m = &first.run.manifest;
        let properties = DocProperties::new()
            .set_title(format!("strikesim comparison: {}", m.scenario.title))
            .set_author(format!("{} {}", m.tool_name(), m.version))
            .set_creation_datetime(&created(m.period.start)?);
        book.set_properties(&properties);
        let styles = Styles::new();
        summary_sheet(book.add_worksheet(), plans, &styles)?;
        about_sheet(book.add_worksheet(), first.run, &styles)?;
        book.save_to_buffer()
    };
    build().map_err(|e| OutputError::Other(format!("cannot write {COMPARE_XLSX}: {e}")))
}

/// The file name of the comparison's workbook.
pub const COMPARE_XLSX: &str = "compare.xlsx";

/// A date as Excel holds it; an error for one Excel cannot hold (before
/// 1900 or after 9999).
fn excel_date(d: NaiveDate) -> Result<ExcelDateTime, XlsxError> {
    let year = u16::try_from(d.year()).map_err(|_| XlsxError::DateTimeRangeError(d.to_string()))?;
    ExcelDateTime::from_ymd(year, d.month() as u8, d.day() as u8)
}

/// The document's creation date: the run's start date, never the clock, so
/// the same run gives the same bytes; 1 January 1970 for a start Excel
/// cannot hold.
fn created(start: NaiveDate) -> Result<ExcelDateTime, XlsxError> {
    excel_date(start).or_else(|_| ExcelDateTime::from_ymd(1970, 1, 1))
}

/// The cell formats of the workbook.
struct Styles {
    title: Format,
    bold: Format,
    header: Format,
    header_wrap: Format,
    section: Format,
    wrap: Format,
    note: Format,
    date: Format,
    decimal: Format,
}

impl Styles {
    fn new() -> Self {
        let header = Format::new()
            .set_bold()
            .set_background_color(Color::RGB(0xDDE6F0))
            .set_border_bottom(FormatBorder::Thin);
        Styles {
            title: Format::new().set_bold().set_font_size(14),
            bold: Format::new().set_bold(),
            header_wrap: header
                .clone()
                .set_text_wrap()
                .set_align(FormatAlign::Top)
                .set_bold(),
            header,
            section: Format::new()
                .set_bold()
                .set_italic()
                .set_background_color(Color::RGB(0xF2F2F2)),
            wrap: Format::new().set_text_wrap().set_align(FormatAlign::Top),
            note: Format::new()
                .set_italic()
                .set_text_wrap()
                .set_align(FormatAlign::Top),
            date: Format::new().set_num_format("d mmm yyyy"),
            decimal: Format::new().set_num_format("#,##0.0###"),
        }
    }
}

/// The number format of a value of a metric in `unit`: whole counts with
/// thousands separators, percentages with one decimal.
fn value_format(unit: Unit) -> Format {
    Format::new().set_num_format(match unit {
        Unit::Operations | Unit::Appointments | Unit::Patients | Unit::Trusts | Unit::Sessions => {
            "#,##0"
        }
        Unit::Percent => "0.0\"%\"",
        Unit::PercentagePoints => "+0.0\" pp\";-0.0\" pp\";0.0\" pp\"",
        Unit::Days => "#,##0.0",
        Unit::Share => "0.0%",
        Unit::Pounds => "\"£\"#,##0",
    })
}

/// The number format of a difference of a metric in `unit`, with its sign.
fn difference_format(unit: Unit) -> Format {
    Format::new().set_num_format(match unit {
        Unit::Operations | Unit::Appointments | Unit::Patients | Unit::Trusts | Unit::Sessions => {
            "+#,##0;-#,##0;0"
        }
        Unit::Percent | Unit::PercentagePoints => "+0.0\" pp\";-0.0\" pp\";0.0\" pp\"",
        Unit::Days => "+#,##0.0;-#,##0.0;0.0",
        Unit::Share => "+0.0%;-0.0%;0.0%",
        Unit::Pounds => "+\"£\"#,##0;-\"£\"#,##0;\"£\"0",
    })
}

/// The headline measures: the metrics the report's comparison table shows.
pub fn headline_metrics() -> impl Iterator<Item = Metric> {
    Metric::ALL.iter().copied().filter(|m| m.on_board())
}

/// Rows of the `Summary` sheet above the first measure: the plans' names,
/// their descriptions, and value / 95% low / 95% high.
pub const SUMMARY_HEADER_ROWS: u32 = 3;

/// Columns per plan on the `Summary` sheet: value, 95% low, 95% high.
pub const SUMMARY_COLUMNS_PER_PLAN: u16 = 3;

/// Width of a value column of the `Summary` sheet, in characters.
const VALUE_WIDTH: f64 = 11.0;

/// What a plan is, for the second header row.
fn plan_description(run: &RunData, plan: &str) -> String {
    if plan == COUNTERFACTUAL {
        return "The same world, patients and random draws, without any walkout (the reference)."
            .into();
    }
    run.manifest
        .plans
        .iter()
        .find(|p| p.name == plan)
        .map(|p| p.description.trim().to_string())
        .unwrap_or_default()
}

/// What the two blocks of the `Summary` sheet mean, under it (the report's
/// comparison note, for rows rather than columns).
pub const SUMMARY_NOTE: &str = "The first block is the strike's effect: each plan minus the same world \
     without the strike, in the same replication. The second is the plan's own figure; for cancellations \
     that is all cancellations in the counting window, including the usual background on-the-day \
     cancellations that happen without a strike (the counterfactual's column).";

/// `Summary`: the strike's effect (each plan minus no strike in the same
/// replication) and each plan's own figure, for every headline measure,
/// each with its 95% interval in the two cells beside it.
fn summary_sheet(ws: &mut Worksheet, plans: &[PlanRef], s: &Styles) -> Result<(), XlsxError> {
    ws.set_name(SHEETS[0])?;
    let Some(first) = plans.first() else {
        return Ok(());
    };
    let run = first.run;
    let last_col = plans.len() as u16 * SUMMARY_COLUMNS_PER_PLAN;
    ws.write_string_with_format(0, 0, "Plan", &s.header)?;
    ws.write_string_with_format(1, 0, "What the plan does", &s.header_wrap)?;
    ws.write_string_with_format(2, 0, "Measure", &s.header)?;
    let mut longest_description = 0;
    for (i, p) in plans.iter().enumerate() {
        let col = 1 + i as u16 * SUMMARY_COLUMNS_PER_PLAN;
        let description = plan_description(p.run, &p.plan);
        longest_description = longest_description.max(description.chars().count());
        ws.merge_range(0, col, 0, col + 2, &p.label, &s.header)?;
        ws.merge_range(1, col, 1, col + 2, &description, &s.header_wrap)?;
        for (j, what) in ["Mean", "95% low", "95% high"].iter().enumerate() {
            ws.write_string_with_format(2, col + j as u16, *what, &s.header)?;
        }
    }
    // Merged cells do not grow to fit: give the description row the lines
    // its longest description needs across three value columns.
    let per_line = (SUMMARY_COLUMNS_PER_PLAN as f64 * VALUE_WIDTH * 1.1) as usize;
    let lines = longest_description.div_ceil(per_line.max(1)).max(1);
    ws.set_row_height(1, 15.0 * lines as f64 + 2.0)?;

    let mut row = SUMMARY_HEADER_ROWS;
    let mut label_width = "What the plan does".len();
    for effect in [true, false] {
        let section = if effect {
            "Strike's effect: plan minus no strike in the same replication (mean, 95% interval)"
        } else {
            "Plan's own figure, background cancellations included (mean, 95% interval)"
        };
        ws.write_string_with_format(row, 0, section, &s.section)?;
        for col in 1..=last_col {
            ws.write_blank(row, col, &s.section)?;
        }
        row += 1;
        for metric in headline_metrics() {
            let unit = metric.unit();
            let label = measure_label(metric, effect);
            label_width = label_width.max(label.chars().count());
            ws.write_string(row, 0, &label)?;
            let format = if effect {
                difference_format(unit)
            } else {
                value_format(unit)
            };
            for (i, p) in plans.iter().enumerate() {
                let col = 1 + i as u16 * SUMMARY_COLUMNS_PER_PLAN;
                let Some(r) = p.run.summary_row(&p.plan, metric) else {
                    continue;
                };
                if effect && p.plan == COUNTERFACTUAL {
                    ws.write_string(row, col, "(reference)")?;
                    continue;
                }
                let values = if effect {
                    [r.effect_mean, r.effect_ci95_low, r.effect_ci95_high]
                } else {
                    [r.mean, r.ci95_low, r.ci95_high]
                };
                for (j, v) in values.into_iter().enumerate() {
                    ws.write_number_with_format(row, col + j as u16, v, &format)?;
                }
            }
            row += 1;
        }
    }
    row += 1;
    let notes = [
        SUMMARY_NOTE.to_string(),
        format!(
            "Means over {} replications with their 95% confidence intervals. Counts are shown \
             rounded to whole numbers and percentages to one decimal; each cell holds the full \
             value. Cancellations are counted {}. The numbers come from a simulation: see the \
             About sheet.",
            human::count(run.manifest.replications as f64),
            run.manifest.count_window_words()
        ),
    ];
    for note in notes {
        ws.merge_range(row, 0, row, last_col, &note, &s.note)?;
        let width = label_width as f64 + last_col as f64 * VALUE_WIDTH;
        let lines = (note.chars().count() as f64 / (width * 1.05))
            .ceil()
            .max(1.0);
        ws.set_row_height(row, 15.0 * lines + 2.0)?;
        row += 1;
    }
    ws.set_column_width(0, label_width.min(80) as f64 + 2.0)?;
    for col in 1..=last_col {
        ws.set_column_width(col, VALUE_WIDTH)?;
    }
    ws.set_freeze_panes(SUMMARY_HEADER_ROWS, 1)?;
    // Printed for a board paper: landscape, one page wide.
    ws.set_landscape().set_print_fit_to_pages(1, 0);
    Ok(())
}

/// The row label of a measure: the report's label, with the unit where the
/// number alone would not say it.
pub fn measure_label(metric: Metric, effect: bool) -> String {
    let label = metric.label();
    match (metric.unit(), effect) {
        (Unit::Percent, false) => format!("{label} (%)"),
        (Unit::Percent | Unit::PercentagePoints, _) => format!("{label} (percentage points)"),
        (Unit::Share, false) => format!("{label} (share)"),
        (Unit::Days, _) => format!("{label} (days)"),
        _ => label.to_string(),
    }
}

/// `About`: what the run was, and how to read its numbers.
fn about_sheet(ws: &mut Worksheet, run: &RunData, s: &Styles) -> Result<(), XlsxError> {
    ws.set_name(SHEETS[5])?;
    let m = &run.manifest;
    ws.write_string_with_format(
        0,
        0,
        format!("strikesim report: {}", m.scenario.title),
        &s.title,
    )?;
    let mut rows: Vec<(&str, String)> = vec![
        ("Scenario", m.scenario.name.clone()),
        ("Title", m.scenario.title.clone()),
    ];
    if let Some(d) = &m.scenario.description {
        rows.push(("Description", d.clone()));
    }
    rows.extend([
        ("Scenario file", m.scenario.file.clone()),
        ("Seed", m.seed.to_string()),
        ("Replications", human::count(m.replications as f64)),
        ("Tool", format!("{} {}", m.tool_name(), m.version)),
        (
            "Simulated period",
            format!(
                "from {} (branching into the plans on {}) to {}",
                human::date(m.period.start),
                human::date(m.period.branch),
                human::date(m.period.end)
            ),
        ),
        ("Counting window", m.count_window_words()),
    ]);
    if let Some(p) = &m.precision {
        rows.push(("Precision", p.short_text()));
    }
    for w in &m.walkouts {
        rows.push((
            "Walkout",
            format!(
                "{}: from {} to {}",
                w.name,
                w.start.format("%H:%M on %a %-d %b %Y"),
                w.end.format("%H:%M on %a %-d %b %Y")
            ),
        ));
    }
    for p in &m.plans {
        rows.push(("Plan", format!("{}: {}", p.name, p.description.trim())));
    }
    rows.push((
        "How to read the numbers",
        "These numbers come from a simulation, not from counts of real patients. Each figure is a \
         mean over the replications with its 95% confidence interval; the ranges p05 to p95 (Weekly \
         sheet, summary.csv) are the 5th to 95th percentiles over replications, the spread of \
         outcomes; differences are paired, each plan minus the world without the strike in the same \
         replication, with 95% intervals, as stated in the report (report.html, Method)."
            .into(),
    ));
    rows.push((
        "Sheets",
        format!(
            "Summary: the headline measures of the report's comparison table. {}Weekly: \
             weekly.csv. Replications: replications.csv, one row per plan and replication. Charts: \
             the report's charts. The CSV files and manifest.json beside this workbook hold the same \
             numbers.",
            match breakdown::sheets_of(run).len() {
                0 => "",
                1 => "Specialties: by_specialty.csv, each plan's effect by specialty. ",
                _ => "Specialties: by_specialty.csv, each plan's effect by specialty of each trust; \
                      Specialties, all trusts: by_specialty_all_trusts.csv; Trusts: by_trust.csv. ",
            }
        ),
    ));
    const VALUE_CHARS: f64 = 100.0;
    for (i, (key, value)) in rows.iter().enumerate() {
        let row = 2 + i as u32;
        ws.write_string_with_format(row, 0, *key, &s.bold)?;
        ws.write_string_with_format(row, 1, value, &s.wrap)?;
        let lines = (value.chars().count() as f64 / VALUE_CHARS).ceil().max(1.0);
        if lines > 1.0 {
            ws.set_row_height(row, 15.0 * lines + 2.0)?;
        }
    }
    ws.set_column_width(0, 24)?;
    ws.set_column_width(1, VALUE_CHARS + 4.0)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_start_excel_cannot_hold_still_gives_a_fixed_creation_date() {
        let day = |y, m, d| ExcelDateTime::from_ymd(y, m, d).unwrap().to_excel();
        let old = NaiveDate::from_ymd_opt(1850, 1, 7).unwrap();
        assert!(excel_date(old).is_err());
        assert_eq!(created(old).unwrap().to_excel(), day(1970, 1, 1));
        let start = NaiveDate::from_ymd_opt(2016, 1, 4).unwrap();
        assert_eq!(created(start).unwrap().to_excel(), day(2016, 1, 4));
    }
}
