//! Unit tests of the RTT loader: band names, counts, function codes, and
//! small files that exercise each check. The fixtures and the bad-input
//! cases as a user meets them are in `tests/rtt_csv.rs`.

use super::layout::{parse_band_name, LAST_BAND_PATTERN, REQUIRED};
use super::scan::{parse_count, strip_function_prefix};
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
