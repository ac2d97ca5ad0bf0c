//! The board report of the fixture run: the comparison table is pinned, two
//! reports of the same run are byte-identical, and the HTML opens in a
//! headless browser without console errors and is not blank.

use std::path::{Path, PathBuf};
use std::process::Command;

use strikesim::output::redraw;
use strikesim::output::report::{comparison_table_markdown, report_document};
use strikesim::output::run_data::RunData;

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/run_small")
}

/// A copy of the fixture run in a temporary directory, with charts and report.
fn reported_run() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    for f in [
        "manifest.json",
        "summary.csv",
        "weekly.csv",
        "replications.csv",
    ] {
        std::fs::copy(fixture().join(f), tmp.path().join(f)).unwrap();
    }
    redraw(tmp.path()).unwrap();
    tmp
}

#[test]
fn comparison_table_of_the_fixture() {
    let data = RunData::load(&fixture()).unwrap();
    insta::assert_snapshot!(comparison_table_markdown(&data));
}

#[test]
fn report_twice_gives_identical_bytes() {
    let run = reported_run();
    let md = std::fs::read(run.path().join("report.md")).unwrap();
    let html = std::fs::read(run.path().join("report.html")).unwrap();
    redraw(run.path()).unwrap();
    assert_eq!(md, std::fs::read(run.path().join("report.md")).unwrap());
    assert_eq!(html, std::fs::read(run.path().join("report.html")).unwrap());
}

/// The report says what the world without the strike does: the fixture's
/// counterfactual list goes from 36,353 to 37,513 (+3%), 92.6% to 91.8%
/// within 18 weeks.
#[test]
fn report_states_the_no_strike_baseline() {
    let run = reported_run();
    let md = std::fs::read_to_string(run.path().join("report.md")).unwrap();
    assert!(
        md.contains(
            "Without the strike the waiting list grows by 3%, from 36,353 on 4 Jan 2016 to 37,513 on 25 Jul 2016, and the share within 18 weeks goes from 92.6% to 91.8%"
        ),
        "{md}"
    );
}

#[test]
fn report_has_every_section_and_embeds_every_chart() {
    let run = reported_run();
    let md = std::fs::read_to_string(run.path().join("report.md")).unwrap();
    for heading in [
        "## What each plan does",
        "## Comparison table",
        "## Assumptions",
        "### Objectives",
        "### Logic",
        "### Data",
        "### Experimentation",
        "### Implementation",
        "## Run manifest",
    ] {
        assert!(md.contains(heading), "report.md lacks {heading}");
    }
    for text in [
        "West Hertfordshire Hospitals NHS Trust",
        "The Princess Alexandra Hospital NHS Trust",
        "48-hour walkout",
        "24-hour walkout",
        "Two extra weekend theatre lists",
        "20160126",
        "3f1c9a6b2e8d4f7a0c5b1e9d8a7f6e5d4c3b2a1908f7e6d5c4b3a29180716253",
        "**keep-booked**",
        "In all 20 replications the walkouts left a loss; 17 recovered within the run and 3 had not by its end.",
        "## Recovery",
    ] {
        assert!(md.contains(text), "report.md lacks {text:?}");
    }
    let html = std::fs::read_to_string(run.path().join("report.html")).unwrap();
    assert_eq!(
        html.matches("src=\"data:image/png;base64,").count(),
        strikesim::output::charts::chart_names().count()
    );
    assert!(!html.contains("http://") && !html.contains("https://"));
    assert!(!html.contains("<script"));
}

/// Headless Chromium. Without it the browser tests are marked ignored at
/// build time (see `build.rs`), except under CI, where they must fail.
fn chromium() -> PathBuf {
    let path = PathBuf::from("/usr/bin/chromium");
    assert!(
        path.exists(),
        "/usr/bin/chromium is missing: install the Debian package `chromium` (CI is set, so the browser tests may not be skipped)"
    );
    path
}

fn chromium_command(chromium: &Path, profile: &Path) -> Command {
    let mut cmd = Command::new(chromium);
    cmd.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
    ])
    .arg(format!("--user-data-dir={}", profile.display()));
    cmd
}

/// Load `url` in headless Chromium, screenshot it into `shot`, and return
/// the lines of its log that show a page problem: any console message (the
/// report has no scripts, so any message is unexpected; Chromium logs all
/// console levels as `INFO:CONSOLE`), a failed load or a blocked resource.
fn screenshot_and_problems(chromium: &Path, url: &str, shot: &Path) -> Vec<String> {
    let profile = tempfile::tempdir().unwrap();
    let output = chromium_command(chromium, profile.path())
        .args([
            "--enable-logging=stderr",
            "--v=0",
            "--window-size=1200,2000",
        ])
        .arg(format!("--screenshot={}", shot.display()))
        .arg(url)
        .output()
        .expect("chromium runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "chromium failed: {stderr}");
    stderr
        .lines()
        .filter(|l| {
            l.contains(":CONSOLE")
                || l.contains("net::ERR_")
                || l.contains("Not allowed to load local resource")
        })
        .map(str::to_string)
        .collect()
}

#[test]
#[cfg_attr(
    chromium_missing,
    ignore = "needs headless Chromium at /usr/bin/chromium (apt-get install chromium)"
)]
fn browser_check_catches_console_errors() {
    let chromium = chromium();
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("bad.html");
    std::fs::write(
        &page,
        "<!DOCTYPE html><html><body><p>x</p><script>console.error('boom'); missing();</script></body></html>",
    )
    .unwrap();
    let problems = screenshot_and_problems(
        &chromium,
        &format!("file://{}", page.display()),
        &dir.path().join("shot.png"),
    );
    assert!(problems.iter().any(|l| l.contains("boom")), "{problems:#?}");
    assert!(
        problems.iter().any(|l| l.contains("Uncaught")),
        "{problems:#?}"
    );
}

#[test]
#[cfg_attr(
    chromium_missing,
    ignore = "needs headless Chromium at /usr/bin/chromium (apt-get install chromium)"
)]
fn html_report_renders_in_headless_chromium() {
    let chromium = chromium();
    let run = reported_run();
    let html = run.path().join("report.html");
    let url = format!("file://{}", html.display());
    let shot = run.path().join("screenshot.png");
    let problems = screenshot_and_problems(&chromium, &url, &shot);
    assert!(problems.is_empty(), "page problems: {problems:#?}");

    let decoder = png::Decoder::new(std::fs::File::open(&shot).expect("screenshot written"));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).unwrap();
    assert_eq!((info.width, info.height), (1200, 2000));
    let channels = info.color_type.samples();
    let pixels: Vec<&[u8]> = buf[..info.buffer_size()].chunks(channels).collect();
    let first = pixels[0];
    let different = pixels.iter().filter(|p| *p != &first).count();
    assert!(
        different > pixels.len() / 100,
        "screenshot is blank: {different} of {} pixels differ from the first",
        pixels.len()
    );

    // The DOM as the browser built it: every chart is there as an image.
    let profile = tempfile::tempdir().unwrap();
    let dom = chromium_command(&chromium, profile.path())
        .arg("--dump-dom")
        .arg(&url)
        .output()
        .expect("chromium runs");
    let dom = String::from_utf8_lossy(&dom.stdout);
    // Seven charts, and the catch-up chart: the fixture has a catch-up plan.
    assert_eq!(dom.matches("<img ").count(), 8, "eight charts in the DOM");
    assert!(dom.contains("Comparison table"));
    // Keep the screenshot for a person to look at.
    let keep = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/report-screenshot.png");
    let _ = std::fs::copy(&shot, keep);
}

/// A copy of the fixture with one file rewritten by `edit`.
fn broken_run(file: &str, edit: impl FnOnce(String) -> String) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    for f in [
        "manifest.json",
        "summary.csv",
        "weekly.csv",
        "replications.csv",
    ] {
        std::fs::copy(fixture().join(f), tmp.path().join(f)).unwrap();
    }
    let text = std::fs::read_to_string(tmp.path().join(file)).unwrap();
    std::fs::write(tmp.path().join(file), edit(text)).unwrap();
    tmp
}

#[test]
fn bad_run_files_are_refused_naming_file_and_fault() {
    type Edit = Box<dyn FnOnce(String) -> String>;
    let cases: Vec<(&str, Edit, &str)> = vec![
        (
            "summary.csv",
            Box::new(|s| s.replacen("effect_ci95_high", "diff_hi", 1)),
            "header is",
        ),
        (
            "summary.csv",
            Box::new(|s| {
                s.lines()
                    .filter(|l| !l.starts_with("keep-booked,rtt_over_52w_end,"))
                    .map(|l| format!("{l}\n"))
                    .collect()
            }),
            "no row for plan `keep-booked`, metric `rtt_over_52w_end`",
        ),
        (
            "weekly.csv",
            Box::new(|s| s.replacen(",waiting_list,", ",waiting_list,lots", 1)),
            "weekly.csv",
        ),
        (
            "replications.csv",
            Box::new(|s| s.replacen(",recovery_days", ",recovery_time", 1)),
            "no column `recovery_days`",
        ),
        (
            "manifest.json",
            Box::new(|s| s.replacen("\"seed\"", "\"sead\"", 1)),
            "missing field `seed`",
        ),
        (
            "manifest.json",
            Box::new(|s| s.replacen("2016-01-26T08:00", "26/01/2016 08:00", 1)),
            "is not YYYY-MM-DDTHH:MM",
        ),
    ];
    for (file, edit, expected) in cases {
        let run = broken_run(file, edit);
        let err = RunData::load(run.path())
            .expect_err("broken run refused")
            .to_string();
        assert!(err.contains(file), "error names {file}: {err}");
        assert!(err.contains(expected), "error says {expected:?}: {err}");
    }
}

#[test]
fn unknown_extra_metrics_are_tolerated() {
    let run = broken_run("summary.csv", |s| {
        s + "counterfactual,brand_new_metric,1.0000,1.0000,1.0000,1.0000,1.0000,1.0000,0.0000,0.0000,0.0000\n"
    });
    RunData::load(run.path()).expect("an extra metric is not an error");
}

/// Every tag of `html` closes in order (void elements excepted), so the
/// page is well-formed.
fn check_nesting(html: &str) {
    const VOID: [&str; 4] = ["meta", "link", "img", "!DOCTYPE"];
    let mut stack: Vec<String> = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        let end = rest[start..].find('>').expect("tag closes") + start;
        let tag = &rest[start + 1..end];
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| !c.is_whitespace())
            .collect();
        if tag.starts_with('/') {
            assert_eq!(
                stack.pop().as_deref(),
                Some(name.as_str()),
                "</{name}> closes"
            );
        } else if !VOID.contains(&name.as_str()) {
            stack.push(name);
        }
        rest = &rest[end + 1..];
    }
    assert!(stack.is_empty(), "unclosed: {stack:?}");
}

#[test]
fn a_plan_name_with_markup_characters_stays_literal() {
    let name = "a*b `c`";
    let tmp = tempfile::tempdir().unwrap();
    for f in [
        "manifest.json",
        "summary.csv",
        "weekly.csv",
        "replications.csv",
    ] {
        let text = std::fs::read_to_string(fixture().join(f)).unwrap();
        std::fs::write(tmp.path().join(f), text.replace("keep-booked", name)).unwrap();
    }
    redraw(tmp.path()).unwrap();
    let html = std::fs::read_to_string(tmp.path().join("report.html")).unwrap();
    check_nesting(&html);
    assert!(
        html.contains("<strong>a*b `c`</strong>"),
        "reading names the plan"
    );
    assert!(html.contains("<td>a*b `c`</td>"), "table names the plan");
    assert!(!html.contains("<code>c</code>"), "no stray code span");
    let md = std::fs::read_to_string(tmp.path().join("report.md")).unwrap();
    assert!(
        md.contains("**a\\*b \\`c\\`**"),
        "Markdown escapes the name"
    );
}

/// The 18-week paradox is explained under the plan where it happens: in
/// the fixture the strike lowers the share; rewritten so that under
/// keep-booked it raises it while the list is longer, the reading says why
/// and that it is not an improvement, for that plan alone.
#[test]
fn the_reading_explains_a_strike_that_raises_the_share_within_18_weeks() {
    const SENTENCE: &str = "The strike raises the share of the list within 18 weeks";
    let plain = reported_run();
    let md = std::fs::read_to_string(plain.path().join("report.md")).unwrap();
    assert!(
        !md.contains(SENTENCE),
        "the fixture's strike lowers the share"
    );

    let run = broken_run("weekly.csv", |text| {
        text.lines()
            .map(|line| {
                if line.starts_with("keep-booked,") && line.contains(",within_18w_pct_diff,") {
                    let week = line.split(',').nth(1).unwrap();
                    format!("keep-booked,{week},within_18w_pct_diff,0.3000,0.1,0.3,0.5")
                } else {
                    line.to_string()
                }
            })
            .collect::<Vec<_>>()
            .join("\n")
            + "\n"
    });
    redraw(run.path()).unwrap();
    let md = std::fs::read_to_string(run.path().join("report.md")).unwrap();
    assert_eq!(md.matches(SENTENCE).count(), 1, "keep-booked alone");
    let at = md.find(SENTENCE).unwrap();
    let keep_booked = md.find("**keep-booked**").unwrap();
    let next_plan = md.find("**stand-down-routine**").unwrap();
    assert!(keep_booked < at && at < next_plan, "under keep-booked");
    let sentence = &md[at..];
    assert!(sentence.contains("by +0.3 pts"));
    assert!(sentence.contains("recent referrals not yet treated"));
    assert!(sentence.contains("not an improvement"));
}

/// The plan with catch-up sessions has its own section and sentence: the
/// sessions run and patients seen, and the walkouts' effect on the list
/// apart from the catch-up's, with intervals; the other plans have none.
#[test]
fn the_report_gives_the_catch_up_apart_from_the_walkouts() {
    let run = reported_run();
    let md = std::fs::read_to_string(run.path().join("report.md")).unwrap();
    assert!(md.contains("## Catch-up sessions"));
    let data = RunData::load(&fixture()).unwrap();
    assert_eq!(data.catch_up_plans(), ["recall-and-catch-up"]);
    let row = md
        .lines()
        .find(|l| l.starts_with("| recall-and-catch-up | 66 (66 to 66) |"))
        .expect("catch-up table row");
    // Walkouts' effect at end, the catch-up's, and the two together.
    assert!(
        row.contains("| +259 (+257 to +261) | -258 (-260 to -257) | +1 (0 to +2) |"),
        "{row}"
    );
    const SENTENCE: &str = "Its catch-up ran 66 (66 to 66) sessions";
    assert_eq!(
        md.matches(SENTENCE).count(),
        1,
        "under the catch-up plan alone"
    );
    let at = md.find(SENTENCE).unwrap();
    assert!(at > md.find("**recall-and-catch-up**").unwrap());
    let sentence = &md[at..];
    assert!(sentence.contains("The walkouts' effect, the same plan without its catch-up sessions"));
    assert!(sentence.contains("took 258 (257 to 260) patients off the list"));
    assert!(md.contains("Recovery is judged on the plan's own list, catch-up included"));
    assert!(md.contains("also runs from the same branch point without them"));
}

#[test]
fn the_fixture_report_is_well_formed() {
    let run = reported_run();
    check_nesting(&std::fs::read_to_string(run.path().join("report.html")).unwrap());
}

// ---- the summary page and the one-page comparison table ----

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
         on the day, and about 1,400 more outpatient appointments cancelled (95% interval 1,300 to 1,500), \
         because of the walkouts; about 13 more patients waiting over 18 weeks (95% interval 4 to 23) at \
         the end of the run (28 Jul 2016)."
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
    assert!(section(&md, "### Recommendation").contains("The scenario states no criterion"));
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
    let rows = table.lines().filter(|l| l.starts_with("| ")).count() - 1;
    assert!(rows <= 15, "{rows} rows: {table}");
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
