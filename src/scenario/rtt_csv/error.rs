//! Why an RTT file could not be read: [`RttCsvError`], the helpers that
//! word its messages, and the mapping of the csv crate's errors onto it.
//!
//! What does not live here: deciding that something is wrong (the header
//! checks are in `layout.rs`, the row and total checks in `scan.rs`).

/// Why an RTT file could not be read into a [`RttListSnapshot`](super::RttListSnapshot).
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
        "{file}, line {line}, column '{}': '{}' is not a patient count; \
         expected a whole number (digits only) or a blank cell",
        clip(column),
        clip(value)
    )]
    BadCount {
        file: String,
        line: u64,
        column: String,
        value: String,
    },

    #[error(
        "{file}, line {line}, column '{}': adding this count overflows the patient \
         total; expected counts that sum to at most {}",
        clip(column),
        u64::MAX
    )]
    CountOverflow {
        file: String,
        line: u64,
        column: String,
    },

    #[error(
        "{file}, line {line}: Period is '{}' but earlier rows for this provider have \
         '{}'; expected one month per file",
        clip(found),
        clip(expected)
    )]
    MixedPeriods {
        file: String,
        line: u64,
        expected: String,
        found: String,
    },

    #[error(
        "{file}: provider org code '{}' is not in the file; {}",
        clip(provider),
        providers_hint(in_file)
    )]
    ProviderNotFound {
        file: String,
        provider: String,
        /// Up to five provider org codes that are in the file, in file order.
        in_file: Vec<String>,
    },

    #[error(
        "{file}: provider '{}' has no Part_2 (incomplete pathways) rows, \
         only {}; expected Part_2 rows to build a waiting list",
        clip(provider),
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

use crate::scenario::echo::clip;

fn line_suffix(line: Option<u64>) -> String {
    line.map(|l| format!(", line {l}")).unwrap_or_default()
}

fn quoted_list(items: &[String]) -> String {
    if items.is_empty() {
        return "nothing".to_string();
    }
    items
        .iter()
        .map(|s| format!("'{}'", clip(s)))
        .collect::<Vec<_>>()
        .join(", ")
}

fn providers_hint(in_file: &[String]) -> String {
    if in_file.is_empty() {
        "the file has no data rows".to_string()
    } else {
        let codes: Vec<String> = in_file.iter().map(|c| clip(c)).collect();
        format!("providers in it include {}", codes.join(", "))
    }
}

impl RttCsvError {
    /// The csv crate's error `err` at `line` (when it knows one) of `file`:
    /// an I/O failure stays one, anything else is malformed CSV.
    pub(super) fn from_csv(file: &str, err: csv::Error, line: Option<u64>) -> RttCsvError {
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
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_huge_cell_is_cut_in_the_message() {
        let e = RttCsvError::BadCount {
            file: "rtt.csv".into(),
            line: 3,
            column: "Gt 00 To 01 Weeks SUM 1".into(),
            value: "x".repeat(2_000_000),
        };
        let message = e.to_string();
        assert!(message.len() < 300, "{} bytes", message.len());
        assert!(message.contains("... (2000000 characters)"), "{message}");
        assert_eq!(clip("12a"), "12a");
    }
}
