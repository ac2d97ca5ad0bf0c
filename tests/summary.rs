//! The summary page that opens the board report, read from the fixture
//! run (`tests/fixtures/run_small`) with a `[decision]` written into its
//! manifest: it comes first and names plans by their descriptions, the
//! recommendation follows the stated objective and limits and says when
//! the top two cannot be told apart, the Markdown and HTML say the same,
//! and the comparison table is one printed page.

use std::path::{Path, PathBuf};

use strikesim::output::report::report_document;
use strikesim::output::run_data::RunData;

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/run_small")
}

/// The fixture run read back with `decision` (JSON, or nothing) as its
/// manifest's `[decision]`, and its report as Markdown and HTML (no
/// charts: they are not needed here, and drawing them is slow).
fn report_with_decision(decision: Option<serde_json::Value>) -> (String, String) {
    let tmp = tempfile::tempdir().unwrap();
    for f in ["summary.csv", "weekly.csv", "replications.csv"] {
        std::fs::copy(fixture().join(f), tmp.path().join(f)).unwrap();
    }
    let text = std::fs::read_to_string(fixture().join("manifest.json")).unwrap();
    let mut manifest: serde_json::Value = serde_json::from_str(&text).unwrap();
    if let Some(d) = decision {
        manifest["decision"] = d;
    }
    std::fs::write(
        tmp.path().join("manifest.json"),
        serde_json::to_string(&manifest).unwrap(),
    )
    .unwrap();
    let data = RunData::load(tmp.path()).unwrap();
    let doc = report_document(&data);
    (doc.to_markdown(), doc.to_html(|_| None))
}

/// The Markdown section from `heading` to the next heading of its level.
fn section<'m>(md: &'m str, heading: &str) -> &'m str {
    let start = md.find(heading).unwrap_or_else(|| panic!("no {heading}"));
    let level = heading.split(' ').next().unwrap();
    let rest = &md[start + heading.len()..];
    let end = rest
        .find(&format!("\n{level} "))
        .map_or(md.len(), |e| start + heading.len() + e);
    &md[start..end]
}

/// The recommendation paragraph of a report.
fn recommended(md: &str) -> &str {
    section(md, "### Recommendation")
        .lines()
        .find(|l| l.starts_with("**Recommended:**") || l.starts_with("**No plan is recommended:**"))
        .expect("a recommendation")
}

#[test]
fn the_summary_comes_first_and_names_plans_by_description() {
    let (md, html) = report_with_decision(None);
    let first_section = md.lines().find(|l| l.starts_with("## ")).unwrap();
    assert_eq!(first_section, "## Summary for the board");
    let summary = section(&md, "## Summary for the board");
    for heading in ["### The plans", "### Recommendation", "### Limitations"] {
        assert!(summary.contains(heading), "summary lacks {heading}");
    }
    // Each plan by its description, its name after it for the tables.
    for (description, name) in [
        ("Keep every list booked; cancel on the day what cannot be staffed", "keep-booked"),
        ("Stand down 40% of routine lists and clinics a week ahead", "stand-down-routine"),
        (
            "Declare a major incident below 50% junior staffing; weekend catch-up lists for six weeks",
            "recall-and-catch-up",
        ),
    ] {
        assert!(
            summary.contains(&format!("- **{description}** ({name}): about ")),
            "{description}: {summary}"
        );
    }
    // One sentence per plan, rounded, with intervals and thousands separators.
    assert!(summary.contains(
        "(stand-down-routine): about 330 more operations cancelled (95% interval 310 to 360), 41 of them \
         on the day, and about 1,400 more outpatient appointments cancelled (1,300 to 1,500), because of \
         the walkouts; about 13 more patients waiting over 18 weeks (4 to 23) at the end of the run (28 \
         Jul 2016); net cost to the trust about £790,000 (£740,000 to £850,000): £790,000 of income at \
         risk, £5,100 of consultant cover."
    ));
    assert!(summary.contains(
        "£280,000 of income at risk, £7,000 of consultant cover and £92,000 of catch-up."
    ));
    assert!(summary.contains("calibrated on one strike only, 12 January 2016"));
    assert!(summary.contains("held out"));
    // The summary fills the first printed page alone.
    let summary_end = html.find("<h3>Limitations</h3>").unwrap();
    let first_break = html.find("<div class=\"page-break\"></div>").unwrap();
    assert!(summary_end < first_break && first_break < html.find("What each plan does").unwrap());
    assert!(html.contains("@page{size:A4"));
}

#[test]
fn the_recommendation_follows_the_stated_objective() {
    // No [decision]: the default, fewest extra 18-week waiters.
    let (md, _) = report_with_decision(None);
    assert!(section(&md, "### Recommendation")
        .contains("The scenario states none ([decision]), so the plans are ranked by the default"));
    let line = recommended(&md);
    assert!(line.contains("**Declare a major incident"), "{line}");
    assert!(
        line.contains("The next best is **Stand down 40%")
            && line.contains(
                "13 fewer patients waiting over 18 weeks (95% interval 3 to 22): a real difference"
            ),
        "{line}"
    );
    // Fewest on-the-day cancellations: standing work down in advance wins.
    let (md, _) = report_with_decision(Some(
        serde_json::json!({"objective": "fewest_on_day_cancellations"}),
    ));
    assert!(section(&md, "### Recommendation")
        .contains("As the scenario states it ([decision]): the fewest extra elective operations cancelled on the day."));
    let line = recommended(&md);
    assert!(
        line.starts_with("**Recommended:** **Stand down 40%"),
        "{line}"
    );
    assert!(line.contains("about 41 more operations cancelled on the day (95% interval 36 to 46)"));
    // Fewest cancellations in all: the recall.
    let (md, _) = report_with_decision(Some(
        serde_json::json!({"objective": "fewest_cancellations"}),
    ));
    assert!(recommended(&md).starts_with("**Recommended:** **Declare a major incident"));
}

#[test]
fn a_plan_breaking_a_limit_is_excluded_with_the_reason() {
    let (md, _) = report_with_decision(Some(serde_json::json!({
        "objective": "fewest_on_day_cancellations",
        "max_extra_over_18w": 10
    })));
    let rec = section(&md, "### Recommendation");
    assert!(rec.contains("no more than 10 extra patients waiting over 18 weeks at the end"));
    assert!(recommended(&md).starts_with("**Recommended:** **Declare a major incident"));
    let excluded = rec
        .lines()
        .find(|l| l.starts_with("**Not recommended, as they break a limit:**"))
        .expect("the excluded plans");
    assert!(excluded.contains(
        "**Keep every list booked; cancel on the day what cannot be staffed** (keep-booked): about 54 more \
         patients waiting over 18 weeks at the end, above the limit of 10"
    ));
    assert!(excluded.contains("(stand-down-routine): about 13 more patients"));
    assert!(!recommended(&md).contains("next best"), "one plan left");
    // Every plan out: none recommended.
    let (md, _) = report_with_decision(Some(serde_json::json!({"max_on_day_cancellations": 50})));
    assert!(recommended(&md).starts_with("**No plan is recommended:**"));
}

#[test]
fn two_plans_alike_on_the_criterion_are_said_to_be_indistinguishable() {
    // recall-and-catch-up given stand-down-routine's 18-week waiters in
    // every replication: the first written is recommended, and the two
    // cannot be told apart.
    let tmp = tempfile::tempdir().unwrap();
    for f in ["manifest.json", "summary.csv", "weekly.csv"] {
        std::fs::copy(fixture().join(f), tmp.path().join(f)).unwrap();
    }
    let text = std::fs::read_to_string(fixture().join("replications.csv")).unwrap();
    let header: Vec<&str> = text.lines().next().unwrap().split(',').collect();
    let col = header
        .iter()
        .position(|h| *h == "rtt_over_18w_end")
        .unwrap();
    let mut stand_down = std::collections::HashMap::new();
    for line in text.lines().skip(1) {
        let cells: Vec<&str> = line.split(',').collect();
        if cells[1] == "stand-down-routine" {
            stand_down.insert(cells[0].to_string(), cells[col].to_string());
        }
    }
    let edited: Vec<String> = text
        .lines()
        .map(|line| {
            let mut cells: Vec<String> = line.split(',').map(str::to_string).collect();
            if cells[1] == "recall-and-catch-up" {
                cells[col] = stand_down[&cells[0]].clone();
            }
            cells.join(",")
        })
        .collect();
    std::fs::write(
        tmp.path().join("replications.csv"),
        edited.join("\n") + "\n",
    )
    .unwrap();
    let md = report_document(&RunData::load(tmp.path()).unwrap()).to_markdown();
    let line = recommended(&md);
    assert!(
        line.starts_with("**Recommended:** **Stand down 40%"),
        "{line}"
    );
    assert!(
        line.contains("The two cannot be told apart on this criterion")
            && line.contains("the difference is 0 (95% interval 0 to 0), which includes 0"),
        "{line}"
    );
}

/// Text as a reader sees it: Markdown marks and HTML tags taken out.
fn words(text: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in text.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                out.push(' ');
            }
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&#39;", "'")
        .replace("&quot;", "\"")
        .replace("&amp;", "&")
        .replace("**", "")
        .replace("\\", "")
        .split_whitespace()
        .filter(|w| !matches!(*w, "-" | "###" | "##"))
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn the_markdown_and_html_summaries_agree() {
    let decision =
        serde_json::json!({"objective": "fewest_on_day_cancellations", "max_extra_over_18w": 20});
    let (md, html) = report_with_decision(Some(decision));
    // The Markdown has no page break: the summary ends with the
    // paragraph under Limitations.
    let from = md.find("## Summary for the board").unwrap();
    let limitations = md.find("### Limitations\n\n").unwrap() + "### Limitations\n\n".len();
    let md_summary = &md[from..limitations + md[limitations..].find("\n\n").unwrap()];
    let start = html.find("<h2>Summary for the board</h2>").unwrap();
    let end = html.find("<div class=\"page-break\"></div>").unwrap();
    assert_eq!(words(md_summary), words(&html[start..end]));
}

/// The report's comparison table is one row per headline measure,
/// however many plans: it fits one printed page.
#[test]
fn the_comparison_table_fits_a_page() {
    let (md, html) = report_with_decision(None);
    let table = section(&md, "## Comparison table");
    // Rows under the header and its rule: 15 (eleven counts and shares,
    // four money measures); an A4 page holds about 25 such rows.
    let rows = table.lines().filter(|l| l.starts_with("| ")).count() - 2;
    assert!(rows <= 16, "{rows} rows: {table}");
    assert_eq!(
        table.lines().find(|l| l.starts_with("| ")).unwrap(),
        "| Measure | No strike (own figure) | keep-booked | stand-down-routine | recall-and-catch-up |"
    );
    insta::assert_snapshot!(table
        .lines()
        .filter(|l| l.starts_with('|'))
        .collect::<Vec<_>>()
        .join("\n"));
    // The long table is kept, in an appendix.
    assert!(
        section(&md, "## Appendix: full comparison table")
            .lines()
            .count()
            > 40
    );
    assert!(html.contains("tr,figure,img{break-inside:avoid}"));
}

/// The report printed to PDF in headless Chromium, as a board secretary
/// would: A4 pages, and more than one (the summary alone on the first).
#[test]
#[cfg_attr(
    chromium_missing,
    ignore = "needs headless Chromium at /usr/bin/chromium (apt-get install chromium)"
)]
fn the_report_prints_on_a4() {
    let chromium = PathBuf::from("/usr/bin/chromium");
    assert!(chromium.exists(), "/usr/bin/chromium is missing");
    let dir = tempfile::tempdir().unwrap();
    let (_, html) = report_with_decision(None);
    let page = dir.path().join("report.html");
    std::fs::write(&page, html).unwrap();
    let pdf = dir.path().join("report.pdf");
    let profile = tempfile::tempdir().unwrap();
    let output = std::process::Command::new(&chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-dev-shm-usage",
            "--no-pdf-header-footer",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(format!("--print-to-pdf={}", pdf.display()))
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("chromium runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let bytes = std::fs::read(&pdf).expect("a PDF");
    let text = String::from_utf8_lossy(&bytes);
    // A4 is 595 by 842 points (Chromium writes 594.95996 by 841.91998);
    // US Letter would be 612 by 792.
    let pages: Vec<(f64, f64)> = text
        .split("/MediaBox [")
        .skip(1)
        .map(|rest| {
            let n: Vec<f64> = rest
                .split(']')
                .next()
                .unwrap()
                .split_whitespace()
                .map(|v| v.parse().unwrap())
                .collect();
            (n[2] - n[0], n[3] - n[1])
        })
        .collect();
    assert!(pages.len() >= 5, "{} pages", pages.len());
    for (w, h) in pages {
        assert!(
            (w - 595.0).abs() < 1.0 && (h - 842.0).abs() < 1.0,
            "{w} by {h} points"
        );
    }
}

/// With costs in the run: a limit on net cost rules plans out, and the
/// per-pound objective counts the stated pounds as one more breach.
#[test]
fn money_limits_and_the_per_pound_objective() {
    let (md, _) = report_with_decision(Some(serde_json::json!({"max_net_cost": 500000})));
    let rec = section(&md, "### Recommendation");
    assert!(rec.contains("a net cost of no more than £500,000"));
    assert!(
        rec.contains("(keep-booked): a net cost of about £630,000, above the limit of £500,000; ")
    );
    assert!(rec.contains(
        "(stand-down-routine): a net cost of about £790,000, above the limit of £500,000."
    ));
    assert!(recommended(&md).starts_with("**Recommended:** **Declare a major incident"));
    let (md, _) = report_with_decision(Some(serde_json::json!({
        "objective": "fewest_breaches_per_pound",
        "pounds_per_breach": 10000
    })));
    let rec = section(&md, "### Recommendation");
    assert!(
        rec.contains("with net cost counted in (every £10,000 of net cost counted as one more)")
    );
    assert!(!rec.contains("before there were costs"));
    // recall-and-catch-up: +1 breach and £380,000 is about 39.
    let line = recommended(&md);
    assert!(
        line.contains("about 39 more patients waiting over 18 weeks (costs counted in)"),
        "{line}"
    );
}
