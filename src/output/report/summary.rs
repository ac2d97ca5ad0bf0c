//! The summary page that opens the report, for the board member who reads
//! one page: the question; each plan by its description, with one
//! sentence on the strike's effect under it (operations, appointments,
//! 18-week breaches, money); the recommendation under the criteria of the
//! scenario's `[decision]` (or the default, fewest extra 18-week waiters)
//! and why, with the paired difference from the next best plan; and what
//! the model leaves out. From [`RunData`] alone; the ranking itself is in
//! `decision.rs`.

use std::fmt::Write as _;

use super::decision::{recommend, Candidate, Recommendation};
use crate::ensemble::metrics::Metric;
use crate::output::document::{Block, Inline, Span};
use crate::output::human;
use crate::output::run_data::RunData;

/// The blocks of the summary page.
pub(super) fn summary(data: &RunData) -> Vec<Block> {
    let mut b = vec![Block::Heading(2, "Summary for the board".into())];
    b.push(Block::Paragraph(question(data)));
    b.push(Block::Heading(3, "The plans".into()));
    b.push(Block::Bullets(
        data.manifest
            .plans
            .iter()
            .map(|p| plan_sentence(data, &p.name))
            .collect(),
    ));
    b.push(Block::Heading(3, "Recommendation".into()));
    for paragraph in recommendation(data, &recommend(data)) {
        b.push(Block::Paragraph(paragraph));
    }
    b.push(Block::Heading(3, "Limitations".into()));
    b.push(Block::Paragraph(LIMITATIONS.into()));
    b
}

/// A count rounded for people: whole below 100, else to two significant
/// figures (845.6 is 850, 12,345 is 12,000), with thousands separators.
pub(super) fn about(v: f64) -> String {
    let a = v.abs();
    if !a.is_finite() || a < 100.0 {
        return human::count(v);
    }
    let step = 10f64.powi(a.log10().floor() as i32 - 1);
    human::count((v / step).round() * step)
}

/// A sum of money for people: "£45,000", "£1.2 million".
pub(super) fn pounds(v: f64) -> String {
    let sign = if v < 0.0 { "-" } else { "" };
    let a = v.abs();
    if a >= 1e6 {
        format!("{sign}£{} million", human::decimal1(a / 1e6))
    } else {
        format!("{sign}£{}", about(a))
    }
}

/// The strike's effect on a count as a phrase: "about 260 more operations
/// cancelled (95% interval 240 to 280)", "about 12 fewer ..." or, when the
/// interval holds 0, "about as many ... as without the strike (+1;
/// 95% interval 0 to +2)".
pub(super) fn change(mean: f64, low: f64, high: f64, what: &str) -> String {
    if low > 0.0 || (low >= 0.0 && mean > 0.0) {
        format!(
            "about {} more {what} (95% interval {} to {})",
            about(mean),
            about(low),
            about(high)
        )
    } else if high < 0.0 || (high <= 0.0 && mean < 0.0) {
        format!(
            "about {} fewer {what} (95% interval {} to {})",
            about(-mean),
            about(-high),
            about(-low)
        )
    } else {
        format!(
            "about as many {what} as without the strike ({}; 95% interval {} to {})",
            human::signed_count(mean),
            human::signed_count(low),
            human::signed_count(high)
        )
    }
}

/// The question the report answers, from the manifest.
fn question(data: &RunData) -> Inline {
    let m = &data.manifest;
    let trusts = match m.trusts.as_slice() {
        [one] => one.name.clone(),
        [a, b] => format!("{} and {}", a.name, b.name),
        many => format!("{} trusts", many.len()),
    };
    let walkouts: Vec<String> = m
        .walkouts
        .iter()
        .map(|w| {
            format!(
                "{}, from {} on {}",
                w.name,
                w.start.format("%H:%M"),
                human::date(w.start.date())
            )
        })
        .collect();
    let mut text = Inline::default().strong("The question.");
    let _ = write!(
        text,
        " How should {trusts} run planned operations and clinics through the junior doctors' {} ({}), \
         and what does each plan cost in cancellations now, in longer waits later and in money? Each of \
         the {} plan{} below was simulated {} times against the same hospitals, patients and chance \
         events without the strike ({} to {}). Figures are the strike's effect under each plan (the plan \
         minus no strike), rounded means with 95% intervals.",
        if walkouts.len() == 1 { "walkout" } else { "walkouts" },
        walkouts.join("; "),
        m.plans.len(),
        if m.plans.len() == 1 { "" } else { "s" },
        human::count(m.replications as f64),
        human::date(m.period.start),
        human::date(m.period.end),
    );
    text
}

/// A plan in plain words: its description (or its name when it has
/// none), then its name as the tables and charts give it.
pub(super) fn plan_title(data: &RunData, plan: &str) -> Inline {
    let description = data
        .manifest
        .plans
        .iter()
        .find(|p| p.name == plan)
        .map(|p| {
            p.description
                .trim()
                .trim_end_matches('.')
                .trim()
                .to_string()
        })
        .unwrap_or_default();
    if description.is_empty() {
        Inline::default().strong(plan)
    } else {
        Inline::default()
            .strong(description)
            .text(format!(" ({plan})"))
    }
}

/// One sentence per plan: operations and appointments cancelled because
/// of the walkouts, patients waiting over 18 weeks at the end, money.
fn plan_sentence(data: &RunData, plan: &str) -> Inline {
    let s = |m: Metric| data.summary_of(plan, m);
    let effect = |m: Metric, what: &str| {
        let r = s(m);
        change(r.effect_mean, r.effect_ci95_low, r.effect_ci95_high, what)
    };
    let mut text = plan_title(data, plan);
    // "N of them on the day" only when the strike clearly added
    // cancellations: after "about as many as without the strike" it
    // would read as a count of extra ones.
    let on_day = s(Metric::ElectiveCancelledOnDay).effect_mean;
    let of_them = if on_day >= 0.5 && s(Metric::ElectiveCancelled).effect_ci95_low > 0.0 {
        format!(", {} of them on the day", about(on_day))
    } else {
        String::new()
    };
    // A catch-up moves the list the other way: say the 18-week figure
    // includes it (the reading below gives the two apart).
    let with_catch_up = if data.has_catch_up(plan) {
        "with its catch-up sessions, "
    } else {
        ""
    };
    let _ = write!(
        text,
        ": {}{of_them}, and {}, because of the walkouts; {with_catch_up}{} at the end of the run ({})",
        effect(Metric::ElectiveCancelled, "operations cancelled"),
        effect(
            Metric::OutpatientCancelled,
            "outpatient appointments cancelled"
        ),
        effect(Metric::RttOver18wEnd, "patients waiting over 18 weeks"),
        human::date(data.manifest.period.end),
    );
    match money_clause(data, plan) {
        Some(money) => {
            let _ = write!(text, "; {money}.");
        }
        None => text = text.text("."),
    }
    // "95% interval" once a sentence: the later ones are plain ranges.
    if let Some(Span::Text(t)) = text.0.last_mut() {
        if let Some(first) = t.find("(95% interval ") {
            let cut = first + "(95% interval ".len();
            *t = format!("{}{}", &t[..cut], t[cut..].replace("(95% interval ", "("));
        }
    }
    text
}

/// The plan's money in one clause: the strike's net cost to the trust and
/// what it is made of (each the plan minus the no-strike world); `None`
/// for a run made before there were costs.
fn money_clause(data: &RunData, plan: &str) -> Option<String> {
    data.manifest.costs.as_ref()?;
    let e = |m: Metric| data.summary_of(plan, m);
    let net = e(Metric::NetCost);
    let catch_up = if data.has_catch_up(plan) {
        format!(
            " and {} of catch-up",
            pounds(e(Metric::CostOfCatchUp).effect_mean)
        )
    } else {
        String::new()
    };
    // A catch-up can bring in more income than without the strike.
    let income = e(Metric::IncomeAtRisk).effect_mean;
    let income = if income < 0.0 {
        format!("{} more income", pounds(-income))
    } else {
        format!("{} of income at risk", pounds(income))
    };
    Some(format!(
        "net cost to the trust about {} (95% interval {} to {}): {income}, {} of consultant \
         cover{catch_up}",
        pounds(net.effect_mean),
        pounds(net.effect_ci95_low),
        pounds(net.effect_ci95_high),
        pounds(e(Metric::CostOfCover).effect_mean),
    ))
}

/// The recommendation as paragraphs: the criterion, the plan and why, the
/// next best and whether the two can be told apart, the plans excluded.
fn recommendation(data: &RunData, r: &Recommendation) -> Vec<Inline> {
    let mut out = vec![Inline::default()
        .strong("Criterion.")
        .text(format!(" {}", r.criterion_sentence()))];
    let key = |c: &Candidate| {
        let phrase = change(c.mean, c.low, c.high, r.objective_words().1);
        if phrase.starts_with("about as many") {
            phrase
        } else {
            format!("{phrase} than without the strike")
        }
    };
    let mut text = Inline::default();
    match r.ranked.as_slice() {
        [] => {
            text = text
                .strong("No plan is recommended:")
                .text(" every plan breaks a limit the scenario sets (below).");
        }
        [best, rest @ ..] => {
            text = text.strong("Recommended:").text(" ");
            text.0.extend(plan_title(data, best.plan).0);
            let _ = write!(text, ", with {}.", key(best));
            if let Some(next) = rest.first() {
                let d = r.paired_difference(best, next);
                let _ = write!(text, " The next best is ");
                text.0.extend(plan_title(data, next.plan).0);
                if d.ci95_high < 0.0 {
                    let _ = write!(
                        text,
                        ", with {}. Replication by replication the recommended plan has {} fewer {} \
                         (95% interval {} to {}): a real difference, not chance.",
                        key(next),
                        about(-d.mean),
                        r.objective_words().1,
                        about(-d.ci95_high),
                        about(-d.ci95_low)
                    );
                } else {
                    let _ = write!(
                        text,
                        ", with {}. The two cannot be told apart on this criterion: replication by \
                         replication the difference is {} (95% interval {} to {}), which includes 0. \
                         Choose between them on the other measures below, or run more replications.",
                        key(next),
                        human::signed_count(d.mean),
                        human::signed_count(d.ci95_low),
                        human::signed_count(d.ci95_high)
                    );
                }
            }
        }
    }
    out.push(text);
    if !r.excluded.is_empty() {
        let mut text = Inline::default()
            .strong("Not recommended, as they break a limit:")
            .text(" ");
        for (k, (plan, reasons)) in r.excluded.iter().enumerate() {
            if k > 0 {
                text = text.text("; ");
            }
            text.0.extend(plan_title(data, plan).0);
            let _ = write!(text, ": {}", reasons.join(" and "));
        }
        text = text.text(".");
        out.push(text);
    }
    for note in &r.notes {
        out.push(Inline::from(note.as_str()));
    }
    out
}

/// What the model leaves out, where its inputs are assumptions, and its
/// validation record (docs/VALIDATION.md).
const LIMITATIONS: &str = "The model covers planned care in the scenario's specialties: theatre \
     lists, clinics, and the junior doctors and consultants who staff them. It leaves out emergency \
     admissions and beds, other staff groups, diagnostic tests, changes in referrals during the dispute, \
     and the harm of waiting. Many inputs are assumptions: how many juniors strike (drawn anew in each \
     simulation), rotas, lists and clinics, inpatient stays, the prices, and what each plan does. Its \
     behaviour was calibrated on one strike only, 12 January 2016: it matched the 3,454 operations \
     England postponed to within 1% but cancelled too few inpatient and too many day-case operations, \
     and its outpatient cancellations are probably two to three times too high; the later strikes of \
     2016 are held out as predictions (docs/VALIDATION.md). The intervals show chance variation between \
     simulations, not uncertainty in the inputs or in the model itself.";
