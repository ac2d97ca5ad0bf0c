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

use std::collections::{BTreeMap, BTreeSet};
use std::fs::File;
use std::path::Path;

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

impl RttListSnapshot {
    /// All incomplete pathways: every band of every function, plus those with
    /// an unknown clock start date. Saturates rather than wrapping on absurd
    /// counts (each function's sums were checked when the file was read).
    pub fn total(&self) -> u64 {
        self.functions
            .iter()
            .flat_map(|f| {
                f.bands
                    .iter()
                    .map(|b| b.count)
                    .chain([f.unknown_clock_start])
            })
            .fold(0, u64::saturating_add)
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

/// Why an RTT file could not be read into a [`RttListSnapshot`].
#[derive(Debug, thiserror::Error)]
pub enum RttCsvError {
    #[error("cannot read RTT file {file}: {source}")]
    Io {
        file: String,
        #[source]
        source: std::io::Error,
    },

    #[error("{file}{}: not valid CSV: {detail}", line_suffix(*line))]
    Malformed {
        file: String,
        line: Option<u64>,
        detail: String,
    },

    #[error(
        "{file} is not an NHS England RTT Full CSV data file: missing required column(s) {}; \
         the header starts with {}; expected the columns Period, Provider Org Code, \
         Provider Org Name, Commissioner Org Code, RTT Part Type, Treatment Function Code, \
         Treatment Function Name and week bands 'Gt 00 To 01 Weeks SUM 1' ... 'Gt NN Weeks SUM 1'",
        quoted_list(missing),
        quoted_list(found)
    )]
    MissingColumns {
        file: String,
        missing: Vec<String>,
        /// The first few columns the header does have.
        found: Vec<String>,
    },

    #[error(
        "{file}: the week band columns do not form one unbroken run of bands \
         'Gt 00 To 01 Weeks SUM 1' ... 'Gt NN Weeks SUM 1': {detail}"
    )]
    BadBands { file: String, detail: String },

    #[error(
        "{file}, line {line}, column '{column}': '{value}' is not a patient count; \
         expected a whole number (digits only) or a blank cell"
    )]
    BadCount {
        file: String,
        line: u64,
        column: String,
        value: String,
    },

    #[error(
        "{file}, line {line}, column '{column}': adding this count overflows the patient \
         total; expected counts that sum to at most {}",
        u64::MAX
    )]
    CountOverflow {
        file: String,
        line: u64,
        column: String,
    },

    #[error(
        "{file}, line {line}: Period is '{found}' but earlier rows for this provider have \
         '{expected}'; expected one month per file"
    )]
    MixedPeriods {
        file: String,
        line: u64,
        expected: String,
        found: String,
    },

    #[error(
        "{file}: provider org code '{provider}' is not in the file; {}",
        providers_hint(in_file)
    )]
    ProviderNotFound {
        file: String,
        provider: String,
        /// Up to five provider org codes that are in the file, in file order.
        in_file: Vec<String>,
    },

    #[error(
        "{file}: provider '{provider}' has no Part_2 (incomplete pathways) rows, \
         only {}; expected Part_2 rows to build a waiting list",
        quoted_list(parts_found)
    )]
    NoIncompletePathways {
        file: String,
        provider: String,
        /// The RTT part types the provider does have, sorted.
        parts_found: Vec<String>,
    },

    #[error(
        "{file}, line {line}: the C_999 total row for provider '{provider}', commissioner \
         '{commissioner}' counts {c999_total} patients but its treatment function rows sum \
         to {functions_total}; expected them to be equal"
    )]
    InconsistentTotal {
        file: String,
        line: u64,
        provider: String,
        commissioner: String,
        c999_total: u64,
        functions_total: u64,
    },
}

fn line_suffix(line: Option<u64>) -> String {
    line.map(|l| format!(", line {l}")).unwrap_or_default()
}

fn quoted_list(items: &[String]) -> String {
    if items.is_empty() {
        return "nothing".to_string();
    }
    items
        .iter()
        .map(|s| format!("'{s}'"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn providers_hint(in_file: &[String]) -> String {
    if in_file.is_empty() {
        "the file has no data rows".to_string()
    } else {
        format!("providers in it include {}", in_file.join(", "))
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
            csv_error(file, e, line)
        })?
        .clone();
    let layout = Layout::from_header(&header, file)?;

    let wanted = provider_code.trim().as_bytes();
    let mut scan = Scan::new(layout.bands.len());
    let mut lines = LineNumbers::default();
    let mut record = csv::ByteRecord::new();
    while csv.read_byte_record(&mut record).map_err(|e| {
        let line = e.position().map(|p| lines.fix(p.line()));
        csv_error(file, e, line)
    })? {
        let line = lines.fix(record.position().map_or(0, |p| p.line()));
        let code = trimmed(&record, layout.provider_code);
        if !code.eq_ignore_ascii_case(wanted) {
            scan.note_other_provider(code);
            continue;
        }
        let part = trimmed(&record, layout.part_type);
        if !part.eq_ignore_ascii_case(b"Part_2") {
            scan.parts_found.insert(lossy(part));
            continue;
        }
        scan.add_row(&layout, &record, line, file)?;
    }
    scan.finish(&layout, file, provider_code)
}

/// Where the needed columns are in this file's header.
struct Layout {
    period: usize,
    provider_code: usize,
    provider_name: usize,
    commissioner_code: usize,
    part_type: usize,
    function_code: usize,
    function_name: usize,
    /// Absent in some extracts; read as 0 when missing.
    unknown_clock_start: Option<usize>,
    /// Sorted by `from_weeks`, checked to be unbroken from week 0 to an open end.
    bands: Vec<BandColumn>,
}

struct BandColumn {
    index: usize,
    name: String,
    from_weeks: u32,
    to_weeks: Option<u32>,
}

const REQUIRED: [&str; 7] = [
    "Period",
    "Provider Org Code",
    "Provider Org Name",
    "Commissioner Org Code",
    "RTT Part Type",
    "Treatment Function Code",
    "Treatment Function Name",
];
const UNKNOWN_CLOCK_START: &str = "Patients with unknown clock start date";
const RANGED_BAND_PATTERN: &str = "week bands 'Gt NN To MM Weeks SUM 1'";
const LAST_BAND_PATTERN: &str = "last week band 'Gt NN Weeks SUM 1'";

impl Layout {
    fn from_header(header: &csv::ByteRecord, file: &str) -> Result<Layout, RttCsvError> {
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
fn parse_band_name(name: &str) -> Option<(u32, Option<u32>)> {
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

/// What has been gathered so far while streaming the rows.
struct Scan {
    band_count: usize,
    period: Option<String>,
    provider_code: Option<String>,
    provider_name: Option<String>,
    functions: BTreeMap<String, FunctionTally>,
    /// Keyed by commissioner code: the C_999 rows against the function rows.
    checks: BTreeMap<String, TotalCheck>,
    /// RTT part types other than Part_2 seen for the provider.
    parts_found: BTreeSet<String>,
    /// Up to five other provider codes, for the "not found" message.
    other_providers: Vec<String>,
}

struct FunctionTally {
    name: String,
    counts: Vec<u64>,
    unknown_clock_start: u64,
}

#[derive(Default)]
struct TotalCheck {
    /// Line of the first C_999 row for the commissioner, if any.
    c999_line: Option<u64>,
    c999_total: u64,
    functions_total: u64,
}

const OTHER_PROVIDERS_SHOWN: usize = 5;

impl Scan {
    fn new(band_count: usize) -> Scan {
        Scan {
            band_count,
            period: None,
            provider_code: None,
            provider_name: None,
            functions: BTreeMap::new(),
            checks: BTreeMap::new(),
            parts_found: BTreeSet::new(),
            other_providers: Vec::new(),
        }
    }

    fn note_other_provider(&mut self, code: &[u8]) {
        if self.other_providers.len() < OTHER_PROVIDERS_SHOWN {
            let code = lossy(code);
            if !code.is_empty() && !self.other_providers.contains(&code) {
                self.other_providers.push(code);
            }
        }
    }

    /// Adds one Part_2 row of the selected provider.
    fn add_row(
        &mut self,
        layout: &Layout,
        record: &csv::ByteRecord,
        line: u64,
        file: &str,
    ) -> Result<(), RttCsvError> {
        let period = lossy(trimmed(record, layout.period));
        match &self.period {
            None => {
                self.period = Some(period);
                self.provider_code = Some(lossy(trimmed(record, layout.provider_code)));
                self.provider_name = Some(lossy(trimmed(record, layout.provider_name)));
            }
            Some(expected) if *expected != period => {
                return Err(RttCsvError::MixedPeriods {
                    file: file.to_string(),
                    line,
                    expected: expected.clone(),
                    found: period,
                });
            }
            Some(_) => {}
        }

        let count_at = |index: usize, column: &str| -> Result<u64, RttCsvError> {
            let raw = record.get(index).unwrap_or_default();
            parse_count(raw).ok_or_else(|| RttCsvError::BadCount {
                file: file.to_string(),
                line,
                column: column.to_string(),
                value: lossy(raw),
            })
        };
        let overflow = |column: &str| RttCsvError::CountOverflow {
            file: file.to_string(),
            line,
            column: column.to_string(),
        };

        let mut counts = Vec::with_capacity(self.band_count);
        let mut row_total: u64 = 0;
        for band in &layout.bands {
            let n = count_at(band.index, &band.name)?;
            row_total = row_total
                .checked_add(n)
                .ok_or_else(|| overflow(&band.name))?;
            counts.push(n);
        }
        let unknown = match layout.unknown_clock_start {
            Some(index) => count_at(index, UNKNOWN_CLOCK_START)?,
            None => 0,
        };
        row_total = row_total
            .checked_add(unknown)
            .ok_or_else(|| overflow(UNKNOWN_CLOCK_START))?;

        let commissioner = lossy(trimmed(record, layout.commissioner_code));
        let check = self.checks.entry(commissioner).or_default();
        let raw_code = lossy(trimmed(record, layout.function_code));
        let code = strip_function_prefix(&raw_code);
        if code == "999" {
            check.c999_line.get_or_insert(line);
            check.c999_total = check
                .c999_total
                .checked_add(row_total)
                .ok_or_else(|| overflow("Treatment Function Code"))?;
            return Ok(());
        }
        check.functions_total = check
            .functions_total
            .checked_add(row_total)
            .ok_or_else(|| overflow("Treatment Function Code"))?;

        let band_count = self.band_count;
        let tally = self
            .functions
            .entry(code.to_string())
            .or_insert_with(|| FunctionTally {
                name: lossy(trimmed(record, layout.function_name)),
                counts: vec![0; band_count],
                unknown_clock_start: 0,
            });
        for ((sum, n), band) in tally.counts.iter_mut().zip(counts).zip(&layout.bands) {
            *sum = sum.checked_add(n).ok_or_else(|| overflow(&band.name))?;
        }
        tally.unknown_clock_start = tally
            .unknown_clock_start
            .checked_add(unknown)
            .ok_or_else(|| overflow(UNKNOWN_CLOCK_START))?;
        Ok(())
    }

    fn finish(
        self,
        layout: &Layout,
        file: &str,
        wanted: &str,
    ) -> Result<RttListSnapshot, RttCsvError> {
        let (Some(period), Some(provider_code), Some(provider_name)) =
            (self.period, self.provider_code, self.provider_name)
        else {
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
            if let Some(line) = check.c999_line {
                if check.c999_total != check.functions_total {
                    return Err(RttCsvError::InconsistentTotal {
                        file: file.to_string(),
                        line,
                        provider: provider_code,
                        commissioner: commissioner.clone(),
                        c999_total: check.c999_total,
                        functions_total: check.functions_total,
                    });
                }
            }
        }

        let functions = self
            .functions
            .into_iter()
            .map(|(code, tally)| FunctionWaits {
                code,
                name: tally.name,
                bands: layout
                    .bands
                    .iter()
                    .zip(tally.counts)
                    .map(|(band, count)| WeekBand {
                        from_weeks: band.from_weeks,
                        to_weeks: band.to_weeks,
                        count,
                    })
                    .collect(),
                unknown_clock_start: tally.unknown_clock_start,
            })
            .collect();
        Ok(RttListSnapshot {
            period,
            provider_code,
            provider_name,
            functions,
        })
    }
}

/// `C_110` -> `110`; codes without the prefix (`X01`) are kept as they are.
fn strip_function_prefix(code: &str) -> &str {
    match code.get(..2) {
        Some(prefix) if prefix.eq_ignore_ascii_case("C_") => &code[2..],
        _ => code,
    }
}

/// A blank cell is 0; otherwise digits only (surrounding spaces allowed).
fn parse_count(raw: &[u8]) -> Option<u64> {
    raw.trim_ascii().iter().try_fold(0u64, |n, &b| {
        if b.is_ascii_digit() {
            n.checked_mul(10)?.checked_add(u64::from(b - b'0'))
        } else {
            None
        }
    })
}

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

fn csv_error(file: &str, err: csv::Error, line: Option<u64>) -> RttCsvError {
    let detail = match err.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => format!("the row has {len} fields but the header has {expected_len}"),
        _ => err.to_string(),
    };
    match err.into_kind() {
        csv::ErrorKind::Io(source) => RttCsvError::Io {
            file: file.to_string(),
            source,
        },
        _ => RttCsvError::Malformed {
            file: file.to_string(),
            line,
            detail,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A header with the required columns followed by `rest`.
    fn header(rest: &str) -> String {
        format!("{},{rest}", REQUIRED.join(","))
    }

    /// Three bands (0-1, 1-2, over 2 weeks) and the unknown clock starts.
    const THREE_BANDS: &str = "Gt 00 To 01 Weeks SUM 1,Gt 01 To 02 Weeks SUM 1,\
Gt 02 Weeks SUM 1,Patients with unknown clock start date";

    fn parse(body: &str, provider: &str) -> Result<RttListSnapshot, RttCsvError> {
        let text = format!("{}\n{body}", header(THREE_BANDS));
        parse_part2(text.as_bytes(), "test.csv", provider)
    }

    #[test]
    fn band_names_parse_both_shapes_and_reject_others() {
        assert_eq!(
            parse_band_name("Gt 00 To 01 Weeks SUM 1"),
            Some((0, Some(1)))
        );
        assert_eq!(
            parse_band_name("Gt 103 To 104 Weeks SUM 1"),
            Some((103, Some(104)))
        );
        assert_eq!(parse_band_name("Gt 104 Weeks SUM 1"), Some((104, None)));
        assert_eq!(parse_band_name("gt 52 weeks sum 1"), Some((52, None)));
        assert_eq!(parse_band_name("Gt 52 Weeks"), None);
        assert_eq!(parse_band_name("Gt -1 Weeks SUM 1"), None);
        assert_eq!(parse_band_name("Gt 1a To 2 Weeks SUM 1"), None);
        assert_eq!(parse_band_name("Total All"), None);
    }

    #[test]
    fn counts_are_digits_or_blank() {
        assert_eq!(parse_count(b""), Some(0));
        assert_eq!(parse_count(b"  "), Some(0));
        assert_eq!(parse_count(b" 42 "), Some(42));
        assert_eq!(parse_count(b"18446744073709551615"), Some(u64::MAX));
        assert_eq!(parse_count(b"18446744073709551616"), None);
        assert_eq!(parse_count(b"-1"), None);
        assert_eq!(parse_count(b"1.5"), None);
        assert_eq!(parse_count(b"1,000"), None);
        assert_eq!(parse_count(b"+3"), None);
        assert_eq!(parse_count(b"n/a"), None);
    }

    #[test]
    fn function_prefix_is_stripped_only_when_present() {
        assert_eq!(strip_function_prefix("C_110"), "110");
        assert_eq!(strip_function_prefix("c_999"), "999");
        assert_eq!(strip_function_prefix("X01"), "X01");
        assert_eq!(strip_function_prefix("C"), "C");
        assert_eq!(strip_function_prefix(""), "");
    }

    #[test]
    fn sums_over_commissioners_and_skips_c999() {
        let snap = parse(
            "RTT-May-2016,ABC,A TRUST,01A,Part_2,C_110,Trauma & Orthopaedics,1,2,3,\n\
             RTT-May-2016,ABC,A TRUST,02B,Part_2,C_110,Trauma & Orthopaedics,10,,30,1\n\
             RTT-May-2016,ABC,A TRUST,02B,Part_2,C_999,Total,10,0,30,1\n",
            "abc",
        )
        .unwrap();
        assert_eq!(snap.functions.len(), 1);
        let counts: Vec<u64> = snap.functions[0].bands.iter().map(|b| b.count).collect();
        assert_eq!(counts, vec![11, 2, 33]);
        assert_eq!(snap.functions[0].unknown_clock_start, 1);
        assert_eq!(snap.total(), 47);
        assert_eq!(snap.within_weeks(1), 11);
        assert_eq!(snap.within_weeks(2), 13);
        assert_eq!(snap.within_weeks(1000), 13);
    }

    #[test]
    fn bands_may_come_in_any_header_order() {
        let header = header("Gt 01 Weeks SUM 1,Gt 00 To 01 Weeks SUM 1");
        let text = format!("{header}\nP,ABC,A,01A,Part_2,C_100,General Surgery,7,5\n");
        let snap = parse_part2(text.as_bytes(), "t.csv", "ABC").unwrap();
        assert_eq!(
            snap.functions[0].bands,
            vec![
                WeekBand {
                    from_weeks: 0,
                    to_weeks: Some(1),
                    count: 5
                },
                WeekBand {
                    from_weeks: 1,
                    to_weeks: None,
                    count: 7
                },
            ]
        );
        assert_eq!(snap.functions[0].unknown_clock_start, 0);
    }

    fn bands_error(bands: &str) -> String {
        match parse_part2(header(bands).as_bytes(), "t.csv", "ABC") {
            Err(e @ RttCsvError::BadBands { .. }) => e.to_string(),
            other => panic!("expected BadBands, got {other:?}"),
        }
    }

    #[test]
    fn broken_band_runs_are_rejected_with_the_offending_column() {
        let gap = bands_error("Gt 00 To 01 Weeks SUM 1,Gt 02 To 03 Weeks SUM 1,Gt 03 Weeks SUM 1");
        assert!(
            gap.contains("'Gt 02 To 03 Weeks SUM 1' leaves a gap"),
            "{gap}"
        );
        let late_start = bands_error("Gt 01 To 02 Weeks SUM 1,Gt 02 Weeks SUM 1");
        assert!(late_start.contains("start at week 0"), "{late_start}");
        let duplicate =
            bands_error("Gt 00 To 01 Weeks SUM 1,Gt 00 To 01 Weeks SUM 1,Gt 01 Weeks SUM 1");
        assert!(duplicate.contains("overlaps"), "{duplicate}");
        let two_open = bands_error("Gt 00 To 01 Weeks SUM 1,Gt 01 Weeks SUM 1,Gt 02 Weeks SUM 1");
        assert!(
            two_open.contains("open-ended band to be last"),
            "{two_open}"
        );
        let backwards = bands_error("Gt 00 To 00 Weeks SUM 1,Gt 00 Weeks SUM 1");
        assert!(backwards.contains("ends before it starts"), "{backwards}");
    }

    #[test]
    fn only_ranged_bands_means_the_last_band_is_missing() {
        let header = header("Gt 00 To 01 Weeks SUM 1");
        match parse_part2(header.as_bytes(), "t.csv", "ABC") {
            Err(RttCsvError::MissingColumns { missing, .. }) => {
                assert_eq!(missing, vec![LAST_BAND_PATTERN.to_string()])
            }
            other => panic!("expected MissingColumns, got {other:?}"),
        }
    }

    #[test]
    fn mixed_periods_are_rejected() {
        let err = parse(
            "RTT-May-2016,ABC,A,01A,Part_2,C_110,T,1,2,3,\n\
             RTT-June-2016,ABC,A,01A,Part_2,C_110,T,1,2,3,\n",
            "ABC",
        )
        .unwrap_err();
        assert!(
            matches!(err, RttCsvError::MixedPeriods { line: 3, .. }),
            "{err:?}"
        );
    }

    #[test]
    fn overflowing_sums_are_errors_not_panics() {
        let max = u64::MAX;
        let err = parse(
            &format!("P,ABC,A,01A,Part_2,C_110,T,{max},0,0,\nP,ABC,A,02B,Part_2,C_110,T,1,0,0,\n"),
            "ABC",
        )
        .unwrap_err();
        assert!(matches!(err, RttCsvError::CountOverflow { .. }), "{err:?}");
        let err = parse(&format!("P,ABC,A,01A,Part_2,C_110,T,{max},1,0,\n"), "ABC").unwrap_err();
        assert!(
            matches!(&err, RttCsvError::CountOverflow { line: 2, column, .. } if column == "Gt 01 To 02 Weeks SUM 1"),
            "{err:?}"
        );
    }

    #[test]
    fn totals_over_functions_saturate_instead_of_panicking() {
        let snap = parse(
            &format!(
                "P,ABC,A,01A,Part_2,C_110,T,{max},0,0,\nP,ABC,A,02B,Part_2,C_120,T,1,0,0,\n",
                max = u64::MAX
            ),
            "ABC",
        )
        .unwrap();
        assert_eq!(snap.total(), u64::MAX);
        assert_eq!(snap.within_weeks(1), u64::MAX);
    }

    #[test]
    fn ragged_rows_name_the_line() {
        let err = parse("P,ABC,A,01A,Part_2,C_110,T,1,2\n", "ABC").unwrap_err();
        let msg = err.to_string();
        assert!(
            matches!(err, RttCsvError::Malformed { line: Some(2), .. }),
            "{msg}"
        );
        assert!(msg.contains("test.csv, line 2"), "{msg}");
    }

    #[test]
    fn line_numbers_are_right_with_crlf_and_lf_endings() {
        let header = header(THREE_BANDS);
        for eol in ["\n", "\r\n"] {
            let text = [
                header.as_str(),
                "P,ABC,A,01A,Part_2,C_110,T,1,2,3,",
                "P,ABC,A,01A,Part_2,C_120,T,1,x,3,",
            ]
            .join(eol);
            let err = parse_part2(text.as_bytes(), "t.csv", "ABC").unwrap_err();
            assert!(
                matches!(err, RttCsvError::BadCount { line: 3, .. }),
                "{eol:?}: {err:?}"
            );

            let text = [
                header.as_str(),
                "P,ABC,A,01A,Part_2,C_110,T,1,2,3,",
                "P,ABC",
                "",
            ]
            .join(eol);
            let err = parse_part2(text.as_bytes(), "t.csv", "ABC").unwrap_err();
            assert!(
                matches!(err, RttCsvError::Malformed { line: Some(3), .. }),
                "{eol:?}: {err:?}"
            );

            let text = [header.as_str(), "P,ABC", ""].join(eol);
            let err = parse_part2(text.as_bytes(), "t.csv", "ABC").unwrap_err();
            assert!(
                matches!(err, RttCsvError::Malformed { line: Some(2), .. }),
                "{eol:?}: {err:?}"
            );
        }
    }

    #[test]
    fn c999_mismatch_names_both_numbers() {
        let err = parse(
            "P,ABC,A,01A,Part_2,C_110,T,1,2,3,\nP,ABC,A,01A,Part_2,C_999,Total,1,2,4,\n",
            "ABC",
        )
        .unwrap_err();
        let msg = err.to_string();
        assert!(
            msg.contains("counts 7") && msg.contains("sum to 6"),
            "{msg}"
        );
        assert!(msg.contains("line 3") && msg.contains("'01A'"), "{msg}");
    }

    #[test]
    fn a_provider_with_only_a_c999_row_has_a_mismatch() {
        let err = parse("P,ABC,A,01A,Part_2,C_999,Total,1,0,0,\n", "ABC").unwrap_err();
        assert!(
            matches!(err, RttCsvError::InconsistentTotal { .. }),
            "{err:?}"
        );
    }
}
