//! Reading a trust's waiting list from NHS England's RTT Full CSV file:
//! the fixtures in `tests/fixtures/rtt/` (see the README there for what each
//! holds and the sums worked out by hand), one test per kind of bad input,
//! a streaming run over a generated file of 160,000 rows, and a property
//! test that random band counts written as CSV come back as their sums.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::PathBuf;

use proptest::prelude::*;
use strikesim::scenario::rtt_csv::{
    load_part2, parse_part2, FunctionWaits, RttCsvError, RttListSnapshot, WeekBand,
};

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/rtt")
        .join(name)
}

fn load(name: &str, provider: &str) -> Result<RttListSnapshot, RttCsvError> {
    load_part2(&fixture(name), provider)
}

/// `(from_weeks, count)` for the bands with a non-zero count.
fn nonzero(f: &FunctionWaits) -> Vec<(u32, u64)> {
    f.bands
        .iter()
        .filter(|b| b.count > 0)
        .map(|b| (b.from_weeks, b.count))
        .collect()
}

fn function<'a>(snap: &'a RttListSnapshot, code: &str) -> &'a FunctionWaits {
    snap.functions
        .iter()
        .find(|f| f.code == code)
        .unwrap_or_else(|| panic!("no function {code} in {snap:?}"))
}

// ---- well-formed files -----------------------------------------------------

#[test]
fn older_file_to_52_weeks_sums_part2_over_commissioners() {
    let snap = load("rtt_2016_01_gt52.csv", "RWG").unwrap();
    assert_eq!(snap.period, "RTT-January-2016");
    assert_eq!(snap.provider_code, "RWG");
    assert_eq!(snap.provider_name, "WEST HERTFORDSHIRE HOSPITALS NHS TRUST");

    let codes: Vec<&str> = snap.functions.iter().map(|f| f.code.as_str()).collect();
    assert_eq!(codes, ["110", "120", "X01"]);
    let names: Vec<&str> = snap.functions.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(
        names,
        ["Trauma & Orthopaedics", "Ear, Nose & Throat (ENT)", "Other"]
    );

    assert_eq!(
        nonzero(function(&snap, "110")),
        [(0, 6), (1, 7), (17, 3), (18, 2), (20, 4), (51, 2), (52, 4)]
    );
    assert_eq!(nonzero(function(&snap, "120")), [(0, 4), (2, 3), (10, 6)]);
    assert_eq!(nonzero(function(&snap, "X01")), [(3, 2)]);
    assert!(snap.functions.iter().all(|f| f.unknown_clock_start == 0));

    assert_eq!(snap.total(), 43);
    assert_eq!(snap.within_weeks(18), 31);
    assert_eq!(snap.within_weeks(52), 39);
    assert_eq!(snap.within_weeks(0), 0);
}

#[test]
fn older_file_bands_come_from_the_header_and_end_open_at_52() {
    let snap = load("rtt_2016_01_gt52.csv", "RWG").unwrap();
    for f in &snap.functions {
        assert_eq!(f.bands.len(), 53, "function {}", f.code);
        for (i, band) in f.bands[..52].iter().enumerate() {
            assert_eq!(
                (band.from_weeks, band.to_weeks),
                (i as u32, Some(i as u32 + 1))
            );
        }
        let last = f.bands.last().unwrap();
        assert_eq!((last.from_weeks, last.to_weeks), (52, None));
    }
}

#[test]
fn newer_file_to_104_weeks_with_a_bom() {
    let bytes = std::fs::read(fixture("rtt_2024_06_gt104_bom.csv")).unwrap();
    assert_eq!(
        &bytes[..3],
        b"\xEF\xBB\xBF",
        "the fixture must start with a BOM"
    );

    let snap = load("rtt_2024_06_gt104_bom.csv", "R1H").unwrap();
    assert_eq!(snap.period, "RTT-June-2024");
    assert_eq!(snap.provider_name, "BARTS HEALTH NHS TRUST");
    let codes: Vec<&str> = snap.functions.iter().map(|f| f.code.as_str()).collect();
    assert_eq!(codes, ["110", "X02", "X05"]);
    for f in &snap.functions {
        assert_eq!(f.bands.len(), 105);
        assert_eq!(
            f.bands.last().unwrap(),
            &WeekBand {
                from_weeks: 104,
                to_weeks: None,
                count: if f.code == "110" { 3 } else { 0 },
            }
        );
    }
    assert_eq!(
        nonzero(function(&snap, "110")),
        [(0, 12), (17, 5), (52, 2), (60, 1), (103, 1), (104, 3)]
    );
    assert_eq!(function(&snap, "X02").name, "Other - Medical Services");
    assert_eq!(nonzero(function(&snap, "X05")), [(5, 1)]);

    assert_eq!(snap.total(), 29);
    assert_eq!(snap.within_weeks(18), 22);
    assert_eq!(snap.within_weeks(52), 22);
    assert_eq!(snap.within_weeks(53), 24);
    assert_eq!(snap.within_weeks(104), 26);
}

#[test]
fn quoted_provider_name_with_a_comma() {
    let snap = load("rtt_2024_06_gt104_bom.csv", "NVC90").unwrap();
    assert_eq!(snap.provider_name, "EXAMPLE HEALTHCARE, THE WOLDS HOSPITAL");
    assert_eq!(snap.functions.len(), 1);
    assert_eq!(snap.functions[0].code, "130");
    assert_eq!(snap.total(), 7);
}

#[test]
fn other_rtt_parts_are_ignored() {
    // Part_1A, Part_1B, Part_2A and Part_3 rows for RWG and R1H carry 800s and
    // 900s; none may leak into the waiting list.
    for (file, provider) in [
        ("rtt_2016_01_gt52.csv", "RWG"),
        ("rtt_2024_06_gt104_bom.csv", "R1H"),
    ] {
        let snap = load(file, provider).unwrap();
        let biggest = snap
            .functions
            .iter()
            .flat_map(|f| &f.bands)
            .map(|b| b.count)
            .max()
            .unwrap();
        assert!(biggest < 800, "{file}: a band holds {biggest}");
    }
}

#[test]
fn c999_rows_are_not_added_to_the_functions() {
    let snap = load("rtt_2016_01_gt52.csv", "RWG").unwrap();
    assert!(snap.functions.iter().all(|f| f.code != "999"));
    // The C_999 rows for RWG's Part_2 sum to 30 + 8 + 5 = 43 on their own.
    assert_eq!(snap.total(), 43);
}

#[test]
fn provider_code_is_trimmed_and_case_insensitive() {
    let exact = load("rtt_2016_01_gt52.csv", "RWG").unwrap();
    assert_eq!(load("rtt_2016_01_gt52.csv", "  rwg ").unwrap(), exact);
}

#[test]
fn interleaved_providers_are_kept_apart() {
    // RC9's rows sit in the middle of RWG's; each gets only its own.
    let snap = load("rtt_2016_01_gt52.csv", "RC9").unwrap();
    let codes: Vec<&str> = snap.functions.iter().map(|f| f.code.as_str()).collect();
    assert_eq!(codes, ["120", "130"]);
    assert_eq!(snap.total(), 5);
    assert_eq!(snap.within_weeks(18), 4);
}

#[test]
fn load_and_parse_agree() {
    let path = fixture("rtt_2016_01_gt52.csv");
    let file = std::fs::File::open(&path).unwrap();
    assert_eq!(
        parse_part2(file, &path.display().to_string(), "RWG").unwrap(),
        load_part2(&path, "RWG").unwrap()
    );
}

/// Hands its bytes over one at a time, so the BOM arrives in pieces.
struct Trickle<'a>(&'a [u8]);

impl Read for Trickle<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        match (self.0.split_first(), buf.first_mut()) {
            (Some((&b, rest)), Some(slot)) => {
                *slot = b;
                self.0 = rest;
                Ok(1)
            }
            _ => Ok(0),
        }
    }
}

#[test]
fn a_reader_that_trickles_bytes_gives_the_same_answer() {
    let bytes = std::fs::read(fixture("rtt_2024_06_gt104_bom.csv")).unwrap();
    assert_eq!(
        parse_part2(Trickle(&bytes), "trickle", "R1H").unwrap(),
        parse_part2(bytes.as_slice(), "whole", "R1H").unwrap()
    );
}

// ---- one test per kind of bad input ----------------------------------------

#[test]
fn unknown_org_code_lists_providers_that_are_there() {
    let err = load("rtt_2016_01_gt52.csv", "RXX").unwrap_err();
    let msg = err.to_string();
    match &err {
        RttCsvError::ProviderNotFound {
            provider, in_file, ..
        } => {
            assert_eq!(provider, "RXX");
            assert_eq!(in_file, &["RWG", "RC9", "RQW"]);
        }
        other => panic!("expected ProviderNotFound, got {other:?}"),
    }
    assert!(msg.contains("rtt_2016_01_gt52.csv"), "{msg}");
    assert!(msg.contains("'RXX' is not in the file"), "{msg}");
    assert!(msg.contains("RWG, RC9, RQW"), "{msg}");
}

#[test]
fn unknown_org_code_lists_at_most_five_providers() {
    let mut text = String::from(
        "Period,Provider Org Code,Provider Org Name,Commissioner Org Code,RTT Part Type,\
         Treatment Function Code,Treatment Function Name,Gt 00 To 01 Weeks SUM 1,\
         Gt 01 Weeks SUM 1\n",
    );
    for code in ["RA1", "RA2", "RA2", "RA3", "RA4", "RA5", "RA6", "RA7"] {
        text.push_str(&format!(
            "P,{code},N,01A,Part_2,C_100,General Surgery,1,0\n"
        ));
    }
    match parse_part2(text.as_bytes(), "many.csv", "ZZZ") {
        Err(RttCsvError::ProviderNotFound { in_file, .. }) => {
            assert_eq!(in_file, ["RA1", "RA2", "RA3", "RA4", "RA5"])
        }
        other => panic!("expected ProviderNotFound, got {other:?}"),
    }
}

#[test]
fn provider_without_part2_rows() {
    let err = load("rtt_2016_01_gt52.csv", "RQW").unwrap_err();
    let msg = err.to_string();
    match &err {
        RttCsvError::NoIncompletePathways {
            provider,
            parts_found,
            ..
        } => {
            assert_eq!(provider, "RQW");
            assert_eq!(parts_found, &["Part_1B", "Part_3"]);
        }
        other => panic!("expected NoIncompletePathways, got {other:?}"),
    }
    assert!(msg.contains("no Part_2"), "{msg}");
    assert!(msg.contains("'Part_1B', 'Part_3'"), "{msg}");
}

#[test]
fn a_csv_that_is_not_an_rtt_file_names_the_missing_columns() {
    let err = load("not_rtt_beds.csv", "RWG").unwrap_err();
    let msg = err.to_string();
    match &err {
        RttCsvError::MissingColumns { missing, found, .. } => {
            assert!(
                missing.iter().any(|m| m == "Provider Org Code"),
                "{missing:?}"
            );
            assert!(missing.iter().any(|m| m == "RTT Part Type"), "{missing:?}");
            assert!(missing
                .iter()
                .any(|m| m.contains("Gt NN To MM Weeks SUM 1")));
            assert!(missing.iter().any(|m| m.contains("Gt NN Weeks SUM 1")));
            assert_eq!(found[0], "YEAR");
        }
        other => panic!("expected MissingColumns, got {other:?}"),
    }
    assert!(msg.contains("not_rtt_beds.csv"), "{msg}");
    assert!(msg.contains("'Period'"), "{msg}");
}

#[test]
fn one_missing_column_is_named_alone() {
    let text = "Period,Provider Org Code,Provider Org Name,Commissioner Org Code,\
                Treatment Function Code,Treatment Function Name,\
                Gt 00 To 01 Weeks SUM 1,Gt 01 Weeks SUM 1\n";
    match parse_part2(text.as_bytes(), "t.csv", "RWG") {
        Err(RttCsvError::MissingColumns { missing, .. }) => {
            assert_eq!(missing, ["RTT Part Type"])
        }
        other => panic!("expected MissingColumns, got {other:?}"),
    }
}

#[test]
fn an_empty_file_is_not_an_rtt_file() {
    let err = parse_part2(&b""[..], "empty.csv", "RWG").unwrap_err();
    assert!(matches!(err, RttCsvError::MissingColumns { .. }), "{err:?}");
}

#[test]
fn a_header_only_file_says_it_has_no_rows() {
    let text = "Period,Provider Org Code,Provider Org Name,Commissioner Org Code,RTT Part Type,\
                Treatment Function Code,Treatment Function Name,Gt 00 To 01 Weeks SUM 1,\
                Gt 01 Weeks SUM 1\n";
    let err = parse_part2(text.as_bytes(), "t.csv", "RWG").unwrap_err();
    assert!(err.to_string().contains("no data rows"), "{err}");
}

#[test]
fn a_bad_number_names_line_column_and_value() {
    let err = load("rtt_2016_01_bad_count.csv", "RWG").unwrap_err();
    let msg = err.to_string();
    match &err {
        RttCsvError::BadCount {
            line,
            column,
            value,
            ..
        } => {
            assert_eq!(*line, 5);
            assert_eq!(column, "Gt 26 To 27 Weeks SUM 1");
            assert_eq!(value, "*");
        }
        other => panic!("expected BadCount, got {other:?}"),
    }
    assert!(
        msg.contains("rtt_2016_01_bad_count.csv, line 5, column 'Gt 26 To 27 Weeks SUM 1': '*'"),
        "{msg}"
    );
    assert!(msg.contains("expected a whole number"), "{msg}");
}

#[test]
fn a_bad_number_in_another_providers_rows_does_not_matter() {
    let snap = load("rtt_2016_01_bad_count.csv", "RC9").unwrap();
    assert_eq!(snap.total(), 3);
}

#[test]
fn c999_disagreeing_with_the_functions_names_both_numbers() {
    let err = load("rtt_2016_01_c999_mismatch.csv", "RWG").unwrap_err();
    let msg = err.to_string();
    match &err {
        RttCsvError::InconsistentTotal {
            line,
            commissioner,
            c999_total,
            functions_total,
            ..
        } => {
            assert_eq!(*line, 6);
            assert_eq!(commissioner, "06K");
            assert_eq!((*c999_total, *functions_total), (5, 8));
        }
        other => panic!("expected InconsistentTotal, got {other:?}"),
    }
    assert!(
        msg.contains("counts 5") && msg.contains("sum to 8"),
        "{msg}"
    );
}

#[test]
fn an_unreadable_file_names_the_path() {
    let missing = fixture("no_such_file.csv");
    let err = load_part2(&missing, "RWG").unwrap_err();
    assert!(matches!(err, RttCsvError::Io { .. }), "{err:?}");
    assert!(err.to_string().contains("no_such_file.csv"), "{err}");

    let dir = tempfile::tempdir().unwrap();
    let err = load_part2(dir.path(), "RWG").unwrap_err();
    assert!(matches!(err, RttCsvError::Io { .. }), "{err:?}");
    assert!(
        err.to_string().contains(&dir.path().display().to_string()),
        "{err}"
    );
}

// ---- size ------------------------------------------------------------------

/// A full-width file of `rows` rows made on the fly, never held in memory:
/// every 1,000th row is provider `RBIG`'s Part_2 `C_110` row with one patient
/// in band `row % 105`; the rest belong to other providers and parts.
struct GeneratedFile {
    next_row: usize,
    rows: usize,
    pending: Vec<u8>,
    at: usize,
}

impl GeneratedFile {
    fn new(rows: usize) -> Self {
        let mut header = String::from(
            "Period,Provider Parent Org Code,Provider Parent Name,Provider Org Code,\
             Provider Org Name,Commissioner Parent Org Code,Commissioner Parent Name,\
             Commissioner Org Code,Commissioner Org Name,RTT Part Type,RTT Part Description,\
             Treatment Function Code,Treatment Function Name",
        );
        for w in 0..104 {
            header.push_str(&format!(",Gt {w:02} To {:02} Weeks SUM 1", w + 1));
        }
        header.push_str(
            ",Gt 104 Weeks SUM 1,Total,Patients with unknown clock start date,Total All\n",
        );
        GeneratedFile {
            next_row: 0,
            rows,
            pending: header.into_bytes(),
            at: 0,
        }
    }

    fn row(i: usize) -> String {
        let (provider, part) = if i.is_multiple_of(1000) {
            ("RBIG", "Part_2")
        } else {
            (
                ["RAA", "RBB", "RCC"][i % 3],
                ["Part_1A", "Part_2", "Part_2A"][i % 3],
            )
        };
        let mut bands = vec![""; 105];
        bands[i % 105] = "1";
        format!(
            "RTT-June-2024,QMF,\"NHS NORTH EAST LONDON, ICB\",{provider},\"A TRUST, LONDON\",\
             QMF,NHS NORTH EAST LONDON ICB,A3A8R,NHS NORTH EAST LONDON ICB - A3A8R,{part},\
             Incomplete Pathways,C_110,Trauma & Orthopaedics,{},,,1\n",
            bands.join(",")
        )
    }
}

impl Read for GeneratedFile {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.at == self.pending.len() {
            if self.next_row == self.rows {
                return Ok(0);
            }
            self.pending = Self::row(self.next_row).into_bytes();
            self.at = 0;
            self.next_row += 1;
        }
        let n = buf.len().min(self.pending.len() - self.at);
        buf[..n].copy_from_slice(&self.pending[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

#[test]
fn streams_a_file_of_160_000_rows() {
    let rows = 160_000;
    let snap = parse_part2(GeneratedFile::new(rows), "generated.csv", "RBIG").unwrap();
    assert_eq!(snap.provider_name, "A TRUST, LONDON");
    assert_eq!(snap.total(), (rows / 1000) as u64);
    let mut expected = vec![0u64; 105];
    for i in (0..rows).step_by(1000) {
        expected[i % 105] += 1;
    }
    let got: Vec<u64> = snap.functions[0].bands.iter().map(|b| b.count).collect();
    assert_eq!(got, expected);
}

// ---- property --------------------------------------------------------------

const COMMISSIONERS: [&str; 3] = ["06N", "06K", "NONC"];
const FUNCTIONS: [(&str, &str); 4] = [
    ("C_110", "Trauma & Orthopaedics"),
    ("C_120", "Ear, Nose & Throat (ENT)"),
    ("X01", "Other"),
    ("C_502", "Gynaecology"),
];

/// One generated Part_2 row: commissioner, function, band counts (`None` is
/// a blank cell) and the unknown-clock-start count.
type GenRow = (usize, usize, Vec<Option<u64>>, Option<u64>);

fn write_file(last_band: u32, rows: &[GenRow], with_c999: bool, noise: bool) -> Vec<u8> {
    let mut out = csv::Writer::from_writer(Vec::new());
    let mut header: Vec<String> = [
        "Period",
        "Provider Org Code",
        "Provider Org Name",
        "Commissioner Org Code",
        "RTT Part Type",
        "Treatment Function Code",
        "Treatment Function Name",
    ]
    .map(String::from)
    .to_vec();
    header.extend((0..last_band).map(|w| format!("Gt {w:02} To {:02} Weeks SUM 1", w + 1)));
    header.push(format!("Gt {last_band:02} Weeks SUM 1"));
    header.push("Patients with unknown clock start date".into());
    out.write_record(&header).unwrap();

    let cell = |c: &Option<u64>| c.map(|n| n.to_string()).unwrap_or_default();
    let mut c999: BTreeMap<usize, (Vec<u64>, u64)> = BTreeMap::new();
    for (comm, func, counts, unknown) in rows {
        let mut record = vec![
            "RTT-March-2016".to_string(),
            "RWG".into(),
            "WEST HERTFORDSHIRE HOSPITALS NHS TRUST".into(),
            COMMISSIONERS[*comm].into(),
            "Part_2".into(),
            FUNCTIONS[*func].0.into(),
            FUNCTIONS[*func].1.into(),
        ];
        record.extend(counts.iter().map(cell));
        record.push(cell(unknown));
        out.write_record(&record).unwrap();
        if noise {
            // The same counts as Part_2A, and for another provider: both ignored.
            record[4] = "Part_2A".into();
            out.write_record(&record).unwrap();
            record[4] = "Part_2".into();
            record[1] = "RC9".into();
            out.write_record(&record).unwrap();
        }
        let total = c999
            .entry(*comm)
            .or_insert_with(|| (vec![0; counts.len()], 0));
        for (t, c) in total.0.iter_mut().zip(counts) {
            *t += c.unwrap_or(0);
        }
        total.1 += unknown.unwrap_or(0);
    }
    if with_c999 {
        for (comm, (counts, unknown)) in c999 {
            let mut record = vec![
                "RTT-March-2016".to_string(),
                "RWG".into(),
                "WEST HERTFORDSHIRE HOSPITALS NHS TRUST".into(),
                COMMISSIONERS[comm].into(),
                "Part_2".into(),
                "C_999".into(),
                "Total".into(),
            ];
            record.extend(counts.iter().map(|n| n.to_string()));
            record.push(unknown.to_string());
            out.write_record(&record).unwrap();
        }
    }
    out.into_inner().unwrap()
}

fn gen_rows() -> impl Strategy<Value = (u32, Vec<GenRow>)> {
    (1u32..=104).prop_flat_map(|last_band| {
        let bands = last_band as usize + 1;
        let count = proptest::option::of(0u64..1_000_000);
        let row = (
            0..COMMISSIONERS.len(),
            0..FUNCTIONS.len(),
            proptest::collection::vec(count.clone(), bands),
            count,
        );
        (Just(last_band), proptest::collection::vec(row, 1..12))
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn parse_gives_back_the_sums(
        (last_band, rows) in gen_rows(),
        with_c999 in any::<bool>(),
        noise in any::<bool>(),
    ) {
        let text = write_file(last_band, &rows, with_c999, noise);
        let snap = parse_part2(text.as_slice(), "generated.csv", "RWG").unwrap();

        let mut expected: BTreeMap<String, (Vec<u64>, u64)> = BTreeMap::new();
        for (_, func, counts, unknown) in &rows {
            let code = FUNCTIONS[*func].0.trim_start_matches("C_").to_string();
            let sums = expected.entry(code).or_insert_with(|| (vec![0; counts.len()], 0));
            for (s, c) in sums.0.iter_mut().zip(counts) {
                *s += c.unwrap_or(0);
            }
            sums.1 += unknown.unwrap_or(0);
        }

        let got: BTreeMap<String, (Vec<u64>, u64)> = snap
            .functions
            .iter()
            .map(|f| (f.code.clone(), (f.bands.iter().map(|b| b.count).collect(), f.unknown_clock_start)))
            .collect();
        prop_assert_eq!(&got, &expected);

        let all: u64 = expected.values().map(|(b, u)| b.iter().sum::<u64>() + u).sum();
        prop_assert_eq!(snap.total(), all);
        let within_18: u64 = expected
            .values()
            .map(|(b, _)| b.iter().take(18.min(last_band as usize)).sum::<u64>())
            .sum();
        prop_assert_eq!(snap.within_weeks(18), within_18);
        for f in &snap.functions {
            prop_assert_eq!(f.bands.len(), last_band as usize + 1);
            prop_assert_eq!(f.bands.last().map(|b| (b.from_weeks, b.to_weeks)), Some((last_band, None)));
        }
    }
}
