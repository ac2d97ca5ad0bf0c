//! The columns of an RTT Full CSV file, found from its header: where the
//! required columns are ([`Layout`]), and the weekly wait bands, derived
//! from the `Gt NN To MM Weeks SUM 1` names and checked to run unbroken from
//! week 0 to one open-ended last band.
//!
//! What does not live here: reading rows (that is `scan.rs`) or wording the
//! errors (`error.rs`).

use super::{lossy, RttCsvError};

/// Where the needed columns are in this file's header.
pub(super) struct Layout {
    pub(super) period: usize,
    pub(super) provider_code: usize,
    pub(super) provider_name: usize,
    pub(super) commissioner_code: usize,
    pub(super) part_type: usize,
    pub(super) function_code: usize,
    pub(super) function_name: usize,
    /// Absent in some extracts; read as 0 when missing.
    pub(super) unknown_clock_start: Option<usize>,
    /// Sorted by `from_weeks`, checked to be unbroken from week 0 to an open end.
    pub(super) bands: Vec<BandColumn>,
}

/// One week-band column: where it is in a row and the weeks it covers.
pub(super) struct BandColumn {
    pub(super) index: usize,
    pub(super) name: String,
    pub(super) from_weeks: u32,
    pub(super) to_weeks: Option<u32>,
}

pub(super) const REQUIRED: [&str; 7] = [
    "Period",
    "Provider Org Code",
    "Provider Org Name",
    "Commissioner Org Code",
    "RTT Part Type",
    "Treatment Function Code",
    "Treatment Function Name",
];
pub(super) const UNKNOWN_CLOCK_START: &str = "Patients with unknown clock start date";
const RANGED_BAND_PATTERN: &str = "week bands 'Gt NN To MM Weeks SUM 1'";
pub(super) const LAST_BAND_PATTERN: &str = "last week band 'Gt NN Weeks SUM 1'";

impl Layout {
    /// Finds the columns in `header`, or says which are missing and how the
    /// bands fail to form one unbroken run.
    pub(super) fn from_header(header: &csv::ByteRecord, file: &str) -> Result<Layout, RttCsvError> {
        let names: Vec<String> = header
            .iter()
            .map(|h| {
                // csv strips a BOM at the start of the input; this catches one
                // left over when the reader hands the BOM over in pieces.
                lossy(h).trim_start_matches('\u{feff}').trim().to_string()
            })
            .collect();
        let find = |wanted: &str| names.iter().position(|n| n.eq_ignore_ascii_case(wanted));

        let mut missing: Vec<String> = REQUIRED
            .iter()
            .filter(|c| find(c).is_none())
            .map(|c| c.to_string())
            .collect();
        let mut bands: Vec<BandColumn> = names
            .iter()
            .enumerate()
            .filter_map(|(index, name)| {
                parse_band_name(name).map(|(from_weeks, to_weeks)| BandColumn {
                    index,
                    name: name.clone(),
                    from_weeks,
                    to_weeks,
                })
            })
            .collect();
        if !bands.iter().any(|b| b.to_weeks.is_some()) {
            missing.push(RANGED_BAND_PATTERN.to_string());
        }
        if !bands.iter().any(|b| b.to_weeks.is_none()) {
            missing.push(LAST_BAND_PATTERN.to_string());
        }
        if !missing.is_empty() {
            return Err(RttCsvError::MissingColumns {
                file: file.to_string(),
                missing,
                found: names.iter().take(5).cloned().collect(),
            });
        }

        bands.sort_by_key(|b| (b.from_weeks, b.to_weeks.is_none()));
        check_bands(&bands).map_err(|detail| RttCsvError::BadBands {
            file: file.to_string(),
            detail,
        })?;

        let column = |wanted: &str| find(wanted).expect("required columns checked above");
        Ok(Layout {
            period: column("Period"),
            provider_code: column("Provider Org Code"),
            provider_name: column("Provider Org Name"),
            commissioner_code: column("Commissioner Org Code"),
            part_type: column("RTT Part Type"),
            function_code: column("Treatment Function Code"),
            function_name: column("Treatment Function Name"),
            unknown_clock_start: find(UNKNOWN_CLOCK_START),
            bands,
        })
    }
}

/// `Gt NN To MM Weeks SUM 1` -> `(NN, Some(MM))`; `Gt NN Weeks SUM 1` -> `(NN, None)`.
pub(super) fn parse_band_name(name: &str) -> Option<(u32, Option<u32>)> {
    let words: Vec<&str> = name.split_whitespace().collect();
    let word = |i: usize, w: &str| words[i].eq_ignore_ascii_case(w);
    let weeks = |s: &str| -> Option<u32> {
        if s.bytes().all(|b| b.is_ascii_digit()) {
            s.parse().ok()
        } else {
            None
        }
    };
    match words.len() {
        7 if word(0, "Gt")
            && word(2, "To")
            && word(4, "Weeks")
            && word(5, "SUM")
            && word(6, "1") =>
        {
            Some((weeks(words[1])?, Some(weeks(words[3])?)))
        }
        5 if word(0, "Gt") && word(2, "Weeks") && word(3, "SUM") && word(4, "1") => {
            Some((weeks(words[1])?, None))
        }
        _ => None,
    }
}

/// The bands, sorted by start, must run from week 0 without gaps or overlaps
/// and end in exactly one open-ended band.
fn check_bands(bands: &[BandColumn]) -> Result<(), String> {
    let first = &bands[0];
    if first.from_weeks != 0 {
        return Err(format!(
            "the first band is '{}', expected it to start at week 0 ('Gt 00 To 01 Weeks SUM 1')",
            first.name
        ));
    }
    for pair in bands.windows(2) {
        let (prev, next) = (&pair[0], &pair[1]);
        let Some(prev_to) = prev.to_weeks else {
            return Err(format!(
                "'{}' follows the open-ended band '{}'; expected the open-ended band to be last",
                next.name, prev.name
            ));
        };
        if next.from_weeks != prev_to {
            let problem = if next.from_weeks < prev_to {
                "overlaps"
            } else {
                "leaves a gap after"
            };
            return Err(format!(
                "'{}' {problem} '{}'; expected the next band to start at week {prev_to}",
                next.name, prev.name
            ));
        }
    }
    for band in bands {
        if band.to_weeks.is_some_and(|to| to <= band.from_weeks) {
            return Err(format!(
                "'{}' ends before it starts; expected 'Gt NN To MM' with MM > NN",
                band.name
            ));
        }
    }
    Ok(())
}
