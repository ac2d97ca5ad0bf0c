//! The board report of the fixture run: the comparison table is pinned, two
//! reports of the same run are byte-identical, and the HTML opens in a
//! headless browser without console errors and is not blank.

use std::path::{Path, PathBuf};
use std::process::Command;

use strikesim::output::redraw;
use strikesim::output::report::comparison_table_markdown;
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
    // Every chart (the catch-up chart too: the fixture has a catch-up
    // plan; and the waterfall).
    assert_eq!(
        dom.matches("<img ").count(),
        strikesim::output::charts::chart_names().count(),
        "every chart in the DOM"
    );
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
