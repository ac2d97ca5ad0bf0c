//! Streaming the selected provider's `Part_2` rows into per-function tallies:
//! the period and provider from the first row, the counts of each row
//! checked and summed over commissioners, and the `C_999` total rows checked
//! against the per-function rows once the file has been read.
//!
//! What does not live here: finding the columns (`layout.rs`), choosing
//! which rows to read (`parse_part2` in `mod.rs`) or wording the errors
//! (`error.rs`).

use std::collections::{BTreeMap, BTreeSet};

use super::layout::{Layout, UNKNOWN_CLOCK_START};
use super::{lossy, trimmed, FunctionWaits, RttCsvError, RttListSnapshot, WeekBand};

/// What has been gathered so far while streaming the rows.
#[derive(Default)]
pub(super) struct Scan {
    /// From the provider's first Part_2 row; `None` until there is one.
    identity: Option<Identity>,
    functions: BTreeMap<String, FunctionTally>,
    /// Keyed by commissioner code: the C_999 rows against the function rows.
    checks: BTreeMap<String, TotalCheck>,
    /// RTT part types other than Part_2 seen for the provider.
    parts_found: BTreeSet<String>,
    /// Up to five other provider codes, for the "not found" message.
    other_providers: Vec<String>,
}

/// The month and provider, as the provider's first Part_2 row gives them.
struct Identity {
    period: String,
    provider_code: String,
    provider_name: String,
}

/// One treatment function's counts so far, summed over commissioners.
struct FunctionTally {
    name: String,
    /// In band order, as `Layout::bands`.
    counts: Vec<u64>,
    unknown_clock_start: u64,
}

/// One commissioner's C_999 total rows against its treatment function rows.
#[derive(Default)]
struct TotalCheck {
    /// Line of the first C_999 row for the commissioner, if any.
    c999_line: Option<u64>,
    c999_total: u64,
    functions_total: u64,
}

/// The counts of one row.
struct RowCounts {
    /// In band order, as `Layout::bands`.
    bands: Vec<u64>,
    unknown_clock_start: u64,
    /// All of the above.
    total: u64,
}

/// Where a row is, for the errors its cells raise.
#[derive(Clone, Copy)]
struct RowAt<'a> {
    file: &'a str,
    line: u64,
}

const OTHER_PROVIDERS_SHOWN: usize = 5;

impl Scan {
    pub(super) fn note_other_provider(&mut self, code: &[u8]) {
        if self.other_providers.len() < OTHER_PROVIDERS_SHOWN {
            let code = lossy(code);
            if !code.is_empty() && !self.other_providers.contains(&code) {
                self.other_providers.push(code);
            }
        }
    }

    /// Notes a row of the selected provider that is not Part_2.
    pub(super) fn note_other_part(&mut self, part: &[u8]) {
        self.parts_found.insert(lossy(part));
    }

    /// Adds one Part_2 row of the selected provider.
    pub(super) fn add_row(
        &mut self,
        layout: &Layout,
        record: &csv::ByteRecord,
        line: u64,
        file: &str,
    ) -> Result<(), RttCsvError> {
        let at = RowAt { file, line };
        self.note_period(layout, record, at)?;
        let counts = RowCounts::read(layout, record, at)?;

        let commissioner = lossy(trimmed(record, layout.commissioner_code));
        let check = self.checks.entry(commissioner).or_default();
        let raw_code = lossy(trimmed(record, layout.function_code));
        let code = strip_function_prefix(&raw_code);
        if code == "999" {
            check.c999_line.get_or_insert(line);
            check.c999_total = at.add(check.c999_total, counts.total, "Treatment Function Code")?;
            return Ok(());
        }
        check.functions_total = at.add(
            check.functions_total,
            counts.total,
            "Treatment Function Code",
        )?;

        let tally = self
            .functions
            .entry(code.to_string())
            .or_insert_with(|| FunctionTally {
                name: lossy(trimmed(record, layout.function_name)),
                counts: vec![0; layout.bands.len()],
                unknown_clock_start: 0,
            });
        tally.add(layout, counts, at)
    }

    /// Takes the period and provider from the first row; every later row
    /// must have the same period.
    fn note_period(
        &mut self,
        layout: &Layout,
        record: &csv::ByteRecord,
        at: RowAt,
    ) -> Result<(), RttCsvError> {
        let period = lossy(trimmed(record, layout.period));
        match &self.identity {
            None => {
                self.identity = Some(Identity {
                    period,
                    provider_code: lossy(trimmed(record, layout.provider_code)),
                    provider_name: lossy(trimmed(record, layout.provider_name)),
                });
                Ok(())
            }
            Some(first) if first.period != period => Err(RttCsvError::MixedPeriods {
                file: at.file.to_string(),
                line: at.line,
                expected: first.period.clone(),
                found: period,
            }),
            Some(_) => Ok(()),
        }
    }

    /// The snapshot, once every row has been read: an error if the provider
    /// had no Part_2 rows or a C_999 total disagrees with its functions.
    pub(super) fn finish(
        self,
        layout: &Layout,
        file: &str,
        wanted: &str,
    ) -> Result<RttListSnapshot, RttCsvError> {
        let Some(identity) = self.identity else {
            return Err(if self.parts_found.is_empty() {
                RttCsvError::ProviderNotFound {
                    file: file.to_string(),
                    provider: wanted.trim().to_string(),
                    in_file: self.other_providers,
                }
            } else {
                RttCsvError::NoIncompletePathways {
                    file: file.to_string(),
                    provider: wanted.trim().to_string(),
                    parts_found: self.parts_found.into_iter().collect(),
                }
            });
        };
        for (commissioner, check) in &self.checks {
            check.verify(file, &identity.provider_code, commissioner)?;
        }
        let functions = self
            .functions
            .into_iter()
            .map(|(code, tally)| tally.into_waits(code, layout))
            .collect();
        Ok(RttListSnapshot {
            period: identity.period,
            provider_code: identity.provider_code,
            provider_name: identity.provider_name,
            functions,
        })
    }
}

impl RowCounts {
    /// The band counts and unknown clock starts of `record`, in band order.
    fn read(
        layout: &Layout,
        record: &csv::ByteRecord,
        at: RowAt,
    ) -> Result<RowCounts, RttCsvError> {
        let mut bands = Vec::with_capacity(layout.bands.len());
        let mut total: u64 = 0;
        for band in &layout.bands {
            let n = at.count(record, band.index, &band.name)?;
            total = at.add(total, n, &band.name)?;
            bands.push(n);
        }
        let unknown_clock_start = match layout.unknown_clock_start {
            Some(index) => at.count(record, index, UNKNOWN_CLOCK_START)?,
            None => 0,
        };
        let total = at.add(total, unknown_clock_start, UNKNOWN_CLOCK_START)?;
        Ok(RowCounts {
            bands,
            unknown_clock_start,
            total,
        })
    }
}

impl FunctionTally {
    fn add(&mut self, layout: &Layout, row: RowCounts, at: RowAt) -> Result<(), RttCsvError> {
        for ((sum, n), band) in self.counts.iter_mut().zip(row.bands).zip(&layout.bands) {
            *sum = at.add(*sum, n, &band.name)?;
        }
        self.unknown_clock_start = at.add(
            self.unknown_clock_start,
            row.unknown_clock_start,
            UNKNOWN_CLOCK_START,
        )?;
        Ok(())
    }

    fn into_waits(self, code: String, layout: &Layout) -> FunctionWaits {
        FunctionWaits {
            code,
            name: self.name,
            bands: layout
                .bands
                .iter()
                .zip(self.counts)
                .map(|(band, count)| WeekBand {
                    from_weeks: band.from_weeks,
                    to_weeks: band.to_weeks,
                    count,
                })
                .collect(),
            unknown_clock_start: self.unknown_clock_start,
        }
    }
}

impl TotalCheck {
    /// A commissioner without C_999 rows has nothing to check.
    fn verify(&self, file: &str, provider: &str, commissioner: &str) -> Result<(), RttCsvError> {
        match self.c999_line {
            Some(line) if self.c999_total != self.functions_total => {
                Err(RttCsvError::InconsistentTotal {
                    file: file.to_string(),
                    line,
                    provider: provider.to_string(),
                    commissioner: commissioner.to_string(),
                    c999_total: self.c999_total,
                    functions_total: self.functions_total,
                })
            }
            _ => Ok(()),
        }
    }
}

impl RowAt<'_> {
    /// The patient count in cell `index`, headed `column`.
    fn count(
        self,
        record: &csv::ByteRecord,
        index: usize,
        column: &str,
    ) -> Result<u64, RttCsvError> {
        let raw = record.get(index).unwrap_or_default();
        parse_count(raw).ok_or_else(|| RttCsvError::BadCount {
            file: self.file.to_string(),
            line: self.line,
            column: column.to_string(),
            value: lossy(raw),
        })
    }

    /// `sum + n`, or the overflow error naming `column`.
    fn add(self, sum: u64, n: u64, column: &str) -> Result<u64, RttCsvError> {
        sum.checked_add(n)
            .ok_or_else(|| RttCsvError::CountOverflow {
                file: self.file.to_string(),
                line: self.line,
                column: column.to_string(),
            })
    }
}

/// `C_110` -> `110`; codes without the prefix (`X01`) are kept as they are.
pub(super) fn strip_function_prefix(code: &str) -> &str {
    match code.get(..2) {
        Some(prefix) if prefix.eq_ignore_ascii_case("C_") => &code[2..],
        _ => code,
    }
}

/// A blank cell is 0; otherwise digits only (surrounding spaces allowed).
pub(super) fn parse_count(raw: &[u8]) -> Option<u64> {
    raw.trim_ascii().iter().try_fold(0u64, |n, &b| {
        if b.is_ascii_digit() {
            n.checked_mul(10)?.checked_add(u64::from(b - b'0'))
        } else {
            None
        }
    })
}
