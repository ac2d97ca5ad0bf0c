//! The sheets of the breakdown by specialty and trust, for a run that has
//! it: `Specialties` (`by_specialty.csv`), and for runs of more than one
//! trust `Specialties, all trusts` (`by_specialty_all_trusts.csv`) and
//! `Trusts` (`by_trust.csv`); each the CSV file row for row, with a frozen
//! header, a filter, and means with one decimal (effects with their sign).

use rust_xlsxwriter::{Format, Worksheet, XlsxError};
use serde::Serialize;

use super::sheets::header_row;
use super::Styles;
use crate::output::breakdown::{Estimates, SpecialtyRow, SpecialtyTotalRow, TrustRow};
use crate::output::rows::header_of;
use crate::output::run_data::RunData;

/// The sheet of `by_specialty.csv`.
pub const SPECIALTIES: &str = "Specialties";
/// The sheet of `by_specialty_all_trusts.csv`.
pub const SPECIALTY_TOTALS: &str = "Specialties, all trusts";
/// The sheet of `by_trust.csv`.
pub const TRUSTS: &str = "Trusts";

/// The breakdown's sheets `run` has, in order: none for a run without the
/// breakdown; the two over trusts only for runs of more than one trust.
pub fn sheets_of(run: &RunData) -> Vec<&'static str> {
    if run.breakdown.is_empty() {
        Vec::new()
    } else if run.manifest.trusts.len() > 1 {
        vec![SPECIALTIES, SPECIALTY_TOTALS, TRUSTS]
    } else {
        vec![SPECIALTIES]
    }
}

/// A cell of a row's key columns.
enum Key<'a> {
    Text(&'a str),
    Number(f64),
}

/// A table sheet: the header of `T`, then each row's key columns and its
/// six numbers.
fn table<'r, T: Serialize + Default + Estimates + 'r>(
    ws: &mut Worksheet,
    name: &str,
    rows: &'r [T],
    keys: impl Fn(&'r T) -> Vec<Key<'r>>,
    widths: &[f64],
    s: &Styles,
) -> Result<(), XlsxError> {
    ws.set_name(name)?;
    let header = header_of::<T>();
    header_row(ws, &header, widths, s)?;
    let mean = Format::new().set_num_format("#,##0.0");
    let effect = Format::new().set_num_format("+#,##0.0;-#,##0.0;0.0");
    let mut width = 0;
    for (i, r) in rows.iter().enumerate() {
        let row = 1 + i as u32;
        let cells = keys(r);
        width = cells.len();
        for (col, cell) in cells.iter().enumerate() {
            match cell {
                Key::Text(t) => ws.write_string(row, col as u16, *t)?,
                Key::Number(v) => ws.write_number(row, col as u16, *v)?,
            };
        }
        for (j, v) in r.numbers().into_iter().enumerate() {
            let format = if j < 3 { &effect } else { &mean };
            ws.write_number_with_format(row, (width + j) as u16, v, format)?;
        }
    }
    ws.autofilter(0, 0, rows.len() as u32, header.len() as u16 - 1)?;
    ws.set_freeze_panes(1, width.min(4) as u16)?;
    Ok(())
}

/// The widest of `values` in characters, plus room, at least `least`.
fn width<'a>(values: impl Iterator<Item = &'a str>, least: f64) -> f64 {
    values
        .map(|v| v.chars().count() as f64 + 2.0)
        .fold(least, f64::max)
        .min(60.0)
}

/// `Specialties`: `by_specialty.csv`.
pub(super) fn specialties_sheet(
    ws: &mut Worksheet,
    run: &RunData,
    s: &Styles,
) -> Result<(), XlsxError> {
    let rows = &run.breakdown.specialties;
    let widths = [
        width(rows.iter().map(|r| r.plan.as_str()), 10.0),
        10.0,
        12.0,
        width(rows.iter().map(|r| r.specialty_name.as_str()), 16.0),
        22.0,
    ];
    table(
        ws,
        SPECIALTIES,
        rows,
        |r: &SpecialtyRow| {
            vec![
                Key::Text(&r.plan),
                Key::Text(&r.trust),
                Key::Text(&r.specialty),
                Key::Text(&r.specialty_name),
                Key::Text(&r.metric),
            ]
        },
        &widths,
        s,
    )
}

/// `Specialties, all trusts`: `by_specialty_all_trusts.csv`.
pub(super) fn specialty_totals_sheet(
    ws: &mut Worksheet,
    run: &RunData,
    s: &Styles,
) -> Result<(), XlsxError> {
    let rows = &run.breakdown.specialty_totals;
    let widths = [
        width(rows.iter().map(|r| r.plan.as_str()), 10.0),
        12.0,
        width(rows.iter().map(|r| r.specialty_name.as_str()), 16.0),
        10.0,
        22.0,
    ];
    table(
        ws,
        SPECIALTY_TOTALS,
        rows,
        |r: &SpecialtyTotalRow| {
            vec![
                Key::Text(&r.plan),
                Key::Text(&r.specialty),
                Key::Text(&r.specialty_name),
                Key::Number(r.trusts as f64),
                Key::Text(&r.metric),
            ]
        },
        &widths,
        s,
    )
}

/// `Trusts`: `by_trust.csv`.
pub(super) fn trusts_sheet(ws: &mut Worksheet, run: &RunData, s: &Styles) -> Result<(), XlsxError> {
    let rows = &run.breakdown.trusts;
    let widths = [
        width(rows.iter().map(|r| r.plan.as_str()), 10.0),
        10.0,
        width(rows.iter().map(|r| r.trust_name.as_str()), 16.0),
        22.0,
    ];
    table(
        ws,
        TRUSTS,
        rows,
        |r: &TrustRow| {
            vec![
                Key::Text(&r.plan),
                Key::Text(&r.trust),
                Key::Text(&r.trust_name),
                Key::Text(&r.metric),
            ]
        },
        &widths,
        s,
    )
}
