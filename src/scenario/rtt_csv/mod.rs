//! A trust's waiting list read from NHS England's monthly RTT "Full CSV data
//! file": one provider's incomplete pathways (`Part_2`) by treatment function
//! and weekly wait band, summed over commissioners.
//!
//! What lives here: finding the columns from the header (the week bands are
//! derived from it, so files that stop at `Gt 52 Weeks SUM 1` and files that
//! go to `Gt 104 Weeks SUM 1` both work), streaming the rows one at a time
//! (files run to tens of megabytes and 150,000+ rows), checking the counts,
//! and checking the per-function rows against the `C_999` total rows.
//!
//! What does not: turning a snapshot into simulated patients (that belongs to
//! the model), and the other RTT parts (completed pathways, clock starts),
//! which are read past and ignored.
//!
//! This file holds the snapshot types and the reading loop that picks the
//! provider's `Part_2` rows; `layout.rs` finds the columns and week bands
//! from the header, `scan.rs` tallies and checks the rows and the `C_999`
//! totals, and `error.rs` words what can go wrong.

mod error;
mod layout;
mod scan;
#[cfg(test)]
mod tests;

use std::fs::File;
use std::path::Path;

pub use error::RttCsvError;
use layout::Layout;
use scan::Scan;

/// One provider's incomplete pathways (Part_2) by treatment function and weekly wait band.
#[derive(Debug, Clone, PartialEq)]
pub struct RttListSnapshot {
    /// The file's `Period`, e.g. `RTT-January-2016`.
    pub period: String,
    /// The provider's org code as written in the file, e.g. `RWG`.
    pub provider_code: String,
    pub provider_name: String,
    /// Sorted by code; the `C_999` all-functions total is not included.
    pub functions: Vec<FunctionWaits>,
}

/// The waiting list of one treatment function, summed over commissioners.
#[derive(Debug, Clone, PartialEq)]
pub struct FunctionWaits {
    /// Treatment function without the `C_` prefix: `110`, `X01`, ...
    pub code: String,
    pub name: String,
    /// In band order (shortest waits first), summed over commissioners.
    pub bands: Vec<WeekBand>,
    /// `Patients with unknown clock start date` (0 when blank or the column is absent).
    pub unknown_clock_start: u64,
}

/// Patients waiting more than `from_weeks` and up to `to_weeks` weeks.
#[derive(Debug, Clone, PartialEq)]
pub struct WeekBand {
    pub from_weeks: u32,
    /// `None` for the open-ended last band (`Gt 52 Weeks` / `Gt 104 Weeks`).
    pub to_weeks: Option<u32>,
    pub count: u64,
}

impl FunctionWaits {
    /// Its incomplete pathways: every band, plus those with an unknown
    /// clock start date. Saturates rather than wrapping on absurd counts
    /// (the sums were checked when the file was read).
    pub fn total(&self) -> u64 {
        self.bands
            .iter()
            .map(|b| b.count)
            .fold(self.unknown_clock_start, u64::saturating_add)
    }
}

impl RttListSnapshot {
    /// All incomplete pathways: [`FunctionWaits::total`] of every function.
    pub fn total(&self) -> u64 {
        self.functions
            .iter()
            .map(FunctionWaits::total)
            .fold(0, u64::saturating_add)
    }

    /// The treatment function `code` (`110`), if the file has it.
    pub fn function(&self, code: &str) -> Option<&FunctionWaits> {
        self.functions.iter().find(|f| f.code == code)
    }

    /// Pathways known to have waited at most `w` weeks: the bands that end at
    /// or before week `w`. `within_weeks(18)` is the numerator of the 18-week
    /// standard. A band that straddles `w` (none do in the published files,
    /// whose bands are one week wide) is left out, as are the open-ended last
    /// band and the unknown clock starts.
    pub fn within_weeks(&self, w: u32) -> u64 {
        self.functions
            .iter()
            .flat_map(|f| &f.bands)
            .filter(|b| b.to_weeks.is_some_and(|to| to <= w))
            .map(|b| b.count)
            .fold(0, u64::saturating_add)
    }
}

/// Reads provider `provider_code`'s incomplete pathways from the RTT Full CSV
/// file at `path`, streaming it row by row.
pub fn load_part2(path: &Path, provider_code: &str) -> Result<RttListSnapshot, RttCsvError> {
    let file_name = path.display().to_string();
    let file = File::open(path).map_err(|source| RttCsvError::Io {
        file: file_name.clone(),
        source,
    })?;
    parse_part2(file, &file_name, provider_code)
}

/// Reads provider `provider_code`'s incomplete pathways from RTT Full CSV
/// text; `source_name` names the input in error messages. Rows are read one
/// at a time and only the selected provider's `Part_2` rows are decoded, so
/// memory use does not grow with the file.
pub fn parse_part2<R: std::io::Read>(
    reader: R,
    source_name: &str,
    provider_code: &str,
) -> Result<RttListSnapshot, RttCsvError> {
    let file = source_name;
    let mut csv = csv::ReaderBuilder::new()
        .has_headers(true)
        .buffer_capacity(1 << 16)
        .from_reader(reader);
    let header = csv
        .byte_headers()
        .map_err(|e| {
            let line = e.position().map(|p| p.line());
            RttCsvError::from_csv(file, e, line)
        })?
        .clone();
    let layout = Layout::from_header(&header, file)?;

    let wanted = provider_code.trim().as_bytes();
    let mut scan = Scan::default();
    let mut lines = LineNumbers::default();
    let mut record = csv::ByteRecord::new();
    while csv.read_byte_record(&mut record).map_err(|e| {
        let line = e.position().map(|p| lines.fix(p.line()));
        RttCsvError::from_csv(file, e, line)
    })? {
        let line = lines.fix(record.position().map_or(0, |p| p.line()));
        let code = trimmed(&record, layout.provider_code);
        if !code.eq_ignore_ascii_case(wanted) {
            scan.note_other_provider(code);
            continue;
        }
        let part = trimmed(&record, layout.part_type);
        if !part.eq_ignore_ascii_case(b"Part_2") {
            scan.note_other_part(part);
            continue;
        }
        scan.add_row(&layout, &record, line, file)?;
    }
    scan.finish(&layout, file, provider_code)
}

/// The cell at `index` without surrounding spaces; empty when the row is short.
fn trimmed(record: &csv::ByteRecord, index: usize) -> &[u8] {
    record.get(index).unwrap_or_default().trim_ascii()
}

/// Names are UTF-8 in current files; anything else is shown, not rejected.
fn lossy(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Line numbers of data records as a reader sees them in an editor.
///
/// csv 1.4 reports a record's line one too low when lines end in CRLF, as
/// the files NHS England publishes may: it counts the `\n` of a CRLF only
/// when it starts on the next record (BurntSushi/rust-csv#395). The header
/// is line 1, so a first data record reported on line 1 shows that lag, and
/// it is added back to every record from then on. If csv is fixed, the first
/// record reports line 2 and nothing is added.
#[derive(Default)]
struct LineNumbers {
    lag: Option<u64>,
}

impl LineNumbers {
    fn fix(&mut self, reported: u64) -> u64 {
        let lag = *self.lag.get_or_insert(u64::from(reported <= 1));
        reported + lag
    }
}
