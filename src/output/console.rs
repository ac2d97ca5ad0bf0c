//! The short human summary `strikesim run` prints on stdout.

use crate::ensemble::metrics::Metric;
use crate::ensemble::stats::summarise;
use crate::ensemble::EnsembleResult;
use crate::model::World;

fn fmt_count(v: f64) -> String {
    let n = v.round() as i64;
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 {
        format!("-{out}")
    } else {
        out
    }
}

/// Per plan: cancellations (mean and 5th-95th percentile range), extra 18-
/// and 52-week waiters against the counterfactual (mean difference and its
/// 95% interval) and the time to recover.
pub fn summary_text(world: &World, result: &EnsembleResult, title: &str) -> String {
    let names: Vec<&str> = world.branches().map(|p| p.name.as_str()).collect();
    let width = names.iter().map(|n| n.len()).max().unwrap_or(10).max(14);
    let mut out = format!(
        "{title}\n{} replications. Cancellations in the walkout window: mean [5th-95th percentile]. \
         Extra waiters at the end vs the counterfactual: mean (95% CI).\n\n",
        result.rows.len()
    );
    out.push_str(&format!(
        "{:<width$}  {:>22}  {:>22}  {:>22}  {:>20}  {:>20}  {:>14}\n",
        "plan",
        "elective cancelled",
        "of which on the day",
        "outpatient cancelled",
        "extra 18w+ waiters",
        "extra 52w+ waiters",
        "recovered"
    ));
    let range = |b: usize, m: Metric| {
        let s = summarise(&result.column(b, m as usize));
        format!(
            "{} [{}-{}]",
            fmt_count(s.mean),
            fmt_count(s.p05),
            fmt_count(s.p95)
        )
    };
    let diff = |b: usize, m: Metric| {
        let cf = result.column(0, m as usize);
        let d: Vec<f64> = result
            .column(b, m as usize)
            .iter()
            .zip(&cf)
            .map(|(a, c)| a - c)
            .collect();
        let s = summarise(&d);
        format!(
            "{:+} ({:+} to {:+})",
            s.mean.round() as i64,
            s.ci95_low.round() as i64,
            s.ci95_high.round() as i64
        )
    };
    for (b, name) in names.iter().enumerate() {
        let recovered = summarise(&result.column(b, Metric::recovered as usize)).mean;
        let days = summarise(&result.column(b, Metric::recovery_days as usize)).p50;
        let rec = if b == 0 {
            "-".to_string()
        } else {
            format!("{:.0}%, {}d", 100.0 * recovered, days.round())
        };
        let (d18, d52) = if b == 0 {
            ("-".to_string(), "-".to_string())
        } else {
            (
                diff(b, Metric::rtt_over_18w_end),
                diff(b, Metric::rtt_over_52w_end),
            )
        };
        out.push_str(&format!(
            "{:<width$}  {:>22}  {:>22}  {:>22}  {:>20}  {:>20}  {:>14}\n",
            name,
            range(b, Metric::elective_cancelled),
            range(b, Metric::elective_cancelled_on_day),
            range(b, Metric::outpatient_cancelled),
            d18,
            d52,
            rec
        ));
    }
    out.push_str("\n\"recovered\": share of replications back within tolerance of the counterfactual before the end, and the median days it took.\n");
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn counts_get_thousands_separators() {
        assert_eq!(super::fmt_count(1234567.4), "1,234,567");
        assert_eq!(super::fmt_count(-999.0), "-999");
        assert_eq!(super::fmt_count(1000.0), "1,000");
    }
}
