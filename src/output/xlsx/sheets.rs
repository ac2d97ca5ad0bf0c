//! The table sheets of `report.xlsx` (`Weekly`, `Replications`, as the CSV
//! files are) and the `Charts` sheet.

use rust_xlsxwriter::{Format, Image, Worksheet, XlsxError};

use super::{excel_date, value_format, Styles, SHEETS};
use crate::ensemble::metrics::{Metric, WeeklyMetric};
use crate::output::charts::{captioned_charts, HEIGHT};
use crate::output::rows::{header_of, ReplicationRow, WeeklyRow};
use crate::output::run_data::RunData;
use crate::output::OutputFile;

/// Write `header` into row 0 in the header style and size each column to
/// the wider of its name and `min_width`.
pub(super) fn header_row(
    ws: &mut Worksheet,
    header: &[String],
    min_width: &[f64],
    s: &Styles,
) -> Result<(), XlsxError> {
    for (col, name) in header.iter().enumerate() {
        let col = col as u16;
        ws.write_string_with_format(0, col, name, &s.header)?;
        let least = min_width.get(col as usize).copied().unwrap_or(10.0);
        // Room for the autofilter's drop-down button.
        ws.set_column_width(col, (name.chars().count() as f64 + 4.0).max(least))?;
    }
    ws.set_freeze_panes(1, 0)?;
    Ok(())
}

/// `Weekly`: `weekly.csv` as a table, the week as an Excel date, numbers in
/// the format of their metric; frozen header and an autofilter.
pub(super) fn weekly_sheet(ws: &mut Worksheet, run: &RunData, s: &Styles) -> Result<(), XlsxError> {
    ws.set_name(SHEETS[2])?;
    let header = header_of::<WeeklyRow>();
    let plan_width = run
        .plans()
        .iter()
        .map(|p| p.chars().count() as f64 + 2.0)
        .fold(10.0, f64::max);
    header_row(ws, &header, &[plan_width, 13.0, 30.0], s)?;
    // Weekly numbers are means over replications: one decimal for counts
    // and percentages alike, so a mean of 0.4 patients does not read as 0.
    let decimal = Format::new().set_num_format("#,##0.0");
    for (i, r) in run.weekly.iter().enumerate() {
        let row = 1 + i as u32;
        ws.write_string(row, 0, &r.plan)?;
        match excel_date(r.week_start) {
            Ok(date) => ws.write_datetime_with_format(row, 1, date, &s.date)?,
            // A week Excel cannot hold as a date, as weekly.csv writes it.
            Err(_) => ws.write_string(row, 1, r.week_start.to_string())?,
        };
        ws.write_string(row, 2, &r.metric)?;
        let format = WeeklyMetric::ALL
            .iter()
            .find(|m| m.name() == r.metric)
            .map(|m| match m.unit() {
                crate::ensemble::metrics::Unit::Percent
                | crate::ensemble::metrics::Unit::PercentagePoints => value_format(m.unit()),
                _ => decimal.clone(),
            })
            .unwrap_or_else(|| s.decimal.clone());
        for (j, v) in [r.mean, r.p05, r.p50, r.p95].into_iter().enumerate() {
            ws.write_number_with_format(row, 3 + j as u16, v, &format)?;
        }
    }
    ws.autofilter(0, 0, run.weekly.len() as u32, header.len() as u16 - 1)?;
    Ok(())
}

/// `Replications`: `replications.csv`, one row per replication and plan,
/// a column per metric; frozen header and an autofilter.
pub(super) fn replications_sheet(
    ws: &mut Worksheet,
    run: &RunData,
    s: &Styles,
) -> Result<(), XlsxError> {
    ws.set_name(SHEETS[3])?;
    let header = header_of::<ReplicationRow>();
    header_row(ws, &header, &[12.0, 18.0], s)?;
    for (i, r) in run.replications.iter().enumerate() {
        let row = 1 + i as u32;
        ws.write_number(row, 0, r.replication as f64)?;
        ws.write_string(row, 1, &r.plan)?;
        for (j, m) in Metric::ALL.iter().enumerate() {
            let v = r.value(*m);
            let col = 2 + j as u16;
            if m.is_count() && v == v.trunc() {
                ws.write_number(row, col, v)?;
            } else {
                ws.write_number_with_format(row, col, v, &s.decimal)?;
            }
        }
    }
    ws.autofilter(0, 0, run.replications.len() as u32, header.len() as u16 - 1)?;
    ws.set_freeze_panes(1, 2)?;
    Ok(())
}

/// The scale the charts are shown at: 1600 by 1000 pixels drawn at half
/// size fit a laptop screen and an A4 page in landscape.
const CHART_SCALE: f64 = 0.5;

/// Rows of the default height (20 pixels) a chart takes at [`CHART_SCALE`].
fn chart_rows() -> u32 {
    (HEIGHT as f64 * CHART_SCALE / 20.0).ceil() as u32
}

/// `Charts`: every PNG chart of the run that is among `charts`, in the
/// report's order (the breakdown's last), each under its title.
pub(super) fn charts_sheet(
    ws: &mut Worksheet,
    charts: &[OutputFile],
    s: &Styles,
) -> Result<(), XlsxError> {
    ws.set_name(SHEETS[4])?;
    let mut row = 0;
    for (name, caption) in captioned_charts() {
        let path = format!("charts/{name}.png");
        let Some(png) = charts
            .iter()
            .find(|f| f.path.to_str() == Some(path.as_str()))
            .and_then(|f| f.as_bytes())
        else {
            continue;
        };
        ws.write_string_with_format(row, 0, caption, &s.title)?;
        ws.write_string(row + 1, 0, format!("{path} (also as SVG beside it)"))?;
        let image = Image::new_from_buffer(png)?
            .set_scale_width(CHART_SCALE)
            .set_scale_height(CHART_SCALE)
            .set_alt_text(caption);
        ws.insert_image(row + 2, 0, &image)?;
        row += 2 + chart_rows() + 2;
    }
    if row == 0 {
        ws.write_string(0, 0, "This run has no charts.")?;
    }
    // Printed, each chart keeps its full width.
    ws.set_print_fit_to_pages(1, 0);
    Ok(())
}
