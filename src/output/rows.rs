//! The rows of the run's tables, `summary.csv`, `weekly.csv` and
//! `replications.csv`: one type each, used both to write the file and to
//! read it back, so the header comes from the type and writer and reader
//! cannot drift.
//!
//! Means and intervals are written with four decimals (no negative zero)
//! so the same results always give the same bytes; values that are whole
//! (a replication's counts, percentiles of counts, weekly quantiles of
//! patients) are written as integers; rows built in memory hold their
//! numbers as written ([`as_written`]), so a run's charts and report are
//! the same bytes whether drawn at the end of the run or from its files.

use std::fmt;

use chrono::NaiveDate;
use serde::de::{self, IgnoredAny, MapAccess, Visitor};
use serde::ser::SerializeStruct;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::ensemble::metrics::{Metric, MetricRow};

/// A number as written in the CSV files: four decimals, no negative zero.
pub fn num(v: f64) -> String {
    let s = format!("{v:.4}");
    if s.trim_start_matches('-')
        .chars()
        .all(|c| c == '0' || c == '.')
    {
        "0.0000".to_string()
    } else {
        s
    }
}

/// A value that may be whole (a replication's count, a percentile of
/// counts, a weekly quantile of patients) as written in the CSV files: a
/// whole number without decimals, anything else as [`num`] writes it.
pub fn num_or_whole(v: f64) -> String {
    if v == v.trunc() && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        num(v)
    }
}

/// `v` as it reads back from the CSV files.
pub fn as_written(v: f64) -> f64 {
    // `num` prints a finite number or "NaN"/"inf", all of which parse
    // (and `num_or_whole` the same number, or its integer).
    num(v).parse().unwrap_or(v)
}

fn fixed4<S: Serializer>(v: &f64, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&num(*v))
}

fn whole_or_fixed4<S: Serializer>(v: &f64, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&num_or_whole(*v))
}

/// One row of `summary.csv`: a metric over replications for one plan. The
/// strike's effect comes first: the paired difference from the
/// counterfactual in the same replication (the counterfactual's is 0), with
/// its 95% interval. Then the plan's own figure over replications: for
/// cancellations, every cancellation in the counting window, the usual
/// background on-the-day cancellations included.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SummaryRow {
    pub plan: String,
    /// A [`Metric`] name (rows of metrics this version does not know are kept).
    pub metric: String,
    #[serde(serialize_with = "fixed4")]
    pub effect_mean: f64,
    #[serde(serialize_with = "fixed4")]
    pub effect_ci95_low: f64,
    #[serde(serialize_with = "fixed4")]
    pub effect_ci95_high: f64,
    #[serde(serialize_with = "fixed4")]
    pub mean: f64,
    #[serde(serialize_with = "fixed4")]
    pub ci95_low: f64,
    #[serde(serialize_with = "fixed4")]
    pub ci95_high: f64,
    #[serde(serialize_with = "whole_or_fixed4")]
    pub p05: f64,
    #[serde(serialize_with = "whole_or_fixed4")]
    pub p50: f64,
    #[serde(serialize_with = "whole_or_fixed4")]
    pub p95: f64,
}

impl SummaryRow {
    /// The plan's own mean as a whole count with its 95% interval, e.g.
    /// "48 (46 to 50)".
    pub fn count_with_interval(&self) -> String {
        crate::output::human::with_interval(
            crate::output::human::count,
            self.mean,
            self.ci95_low,
            self.ci95_high,
        )
    }

    /// The paired difference from the counterfactual as a signed whole
    /// count with its 95% interval, e.g. "+68 (+59 to +76)".
    pub fn effect_with_interval(&self) -> String {
        crate::output::human::with_interval(
            crate::output::human::signed_count,
            self.effect_mean,
            self.effect_ci95_low,
            self.effect_ci95_high,
        )
    }

    /// The nine numbers of the row, in column order.
    pub fn numbers(&self) -> [f64; 9] {
        [
            self.effect_mean,
            self.effect_ci95_low,
            self.effect_ci95_high,
            self.mean,
            self.ci95_low,
            self.ci95_high,
            self.p05,
            self.p50,
            self.p95,
        ]
    }
}

/// One row of `weekly.csv`: a weekly metric over replications for one plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WeeklyRow {
    pub plan: String,
    pub week_start: NaiveDate,
    /// A `WeeklyMetric` name.
    pub metric: String,
    #[serde(serialize_with = "fixed4")]
    pub mean: f64,
    #[serde(serialize_with = "whole_or_fixed4")]
    pub p05: f64,
    #[serde(serialize_with = "whole_or_fixed4")]
    pub p50: f64,
    #[serde(serialize_with = "whole_or_fixed4")]
    pub p95: f64,
}

impl Default for WeeklyRow {
    fn default() -> Self {
        WeeklyRow {
            plan: String::new(),
            week_start: NaiveDate::MIN,
            metric: String::new(),
            mean: 0.0,
            p05: 0.0,
            p50: 0.0,
            p95: 0.0,
        }
    }
}

/// One row of `replications.csv`: every metric of one plan in one
/// replication, a column per [`Metric`] (named by [`Metric::name`]).
#[derive(Debug, Clone, PartialEq)]
pub struct ReplicationRow {
    pub replication: u64,
    pub plan: String,
    pub values: MetricRow,
}

impl Default for ReplicationRow {
    fn default() -> Self {
        ReplicationRow {
            replication: 0,
            plan: String::new(),
            values: [0.0; Metric::COUNT],
        }
    }
}

impl ReplicationRow {
    pub fn value(&self, metric: Metric) -> f64 {
        self.values[metric as usize]
    }
}

impl Serialize for ReplicationRow {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut row = s.serialize_struct("ReplicationRow", 2 + Metric::COUNT)?;
        row.serialize_field("replication", &self.replication)?;
        row.serialize_field("plan", &self.plan)?;
        for (m, v) in Metric::ALL.iter().zip(&self.values) {
            row.serialize_field(m.name(), &num_or_whole(*v))?;
        }
        row.end()
    }
}

impl<'de> Deserialize<'de> for ReplicationRow {
    /// Columns by name, in any order; columns of metrics this version does
    /// not know are skipped, a missing one is an error.
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct RowVisitor;
        impl<'de> Visitor<'de> for RowVisitor {
            type Value = ReplicationRow;

            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a row of replications.csv with named columns")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<ReplicationRow, A::Error> {
                let (mut replication, mut plan) = (None, None);
                let mut values = [None; Metric::COUNT];
                while let Some(key) = map.next_key::<String>()? {
                    match key.as_str() {
                        "replication" => replication = Some(map.next_value()?),
                        "plan" => plan = Some(map.next_value()?),
                        name => match Metric::from_name(name) {
                            Some(m) => values[m as usize] = Some(map.next_value::<f64>()?),
                            None => {
                                map.next_value::<IgnoredAny>()?;
                            }
                        },
                    }
                }
                let mut row = ReplicationRow {
                    replication: replication
                        .ok_or_else(|| de::Error::missing_field("replication"))?,
                    plan: plan.ok_or_else(|| de::Error::missing_field("plan"))?,
                    ..ReplicationRow::default()
                };
                for ((slot, value), m) in row.values.iter_mut().zip(values).zip(Metric::ALL) {
                    *slot = value.ok_or_else(|| de::Error::missing_field(m.name()))?;
                }
                Ok(row)
            }
        }
        d.deserialize_map(RowVisitor)
    }
}

/// The header a row type writes, as the CSV writer makes it.
pub fn header_of<T: Serialize + Default>() -> Vec<String> {
    let mut w = csv::Writer::from_writer(Vec::new());
    // Serialising a default row into memory cannot fail for these types.
    let _ = w.serialize(T::default());
    let bytes = w.into_inner().unwrap_or_default();
    let mut r = csv::Reader::from_reader(bytes.as_slice());
    r.headers()
        .map(|h| h.iter().map(str::to_string).collect())
        .unwrap_or_default()
}

/// Write `rows` as CSV, header first, into `out`.
pub fn write_rows<T: Serialize>(
    out: &mut dyn std::io::Write,
    rows: impl IntoIterator<Item = T>,
) -> csv::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    for row in rows {
        w.serialize(row)?;
    }
    w.flush()?;
    Ok(())
}

/// `rows` as the bytes of a CSV file.
pub fn csv_bytes<T: Serialize>(rows: impl IntoIterator<Item = T>) -> csv::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    write_rows(&mut bytes, rows)?;
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_are_the_file_contract() {
        assert_eq!(
            header_of::<SummaryRow>().join(","),
            "plan,metric,effect_mean,effect_ci95_low,effect_ci95_high,mean,ci95_low,ci95_high,p05,p50,p95"
        );
        assert_eq!(
            header_of::<WeeklyRow>().join(","),
            "plan,week_start,metric,mean,p05,p50,p95"
        );
        let replication = header_of::<ReplicationRow>();
        assert_eq!(replication[..2], ["replication", "plan"]);
        assert_eq!(replication.len(), 2 + Metric::COUNT);
    }

    #[test]
    fn a_replication_row_reads_back_as_written() {
        let mut row = ReplicationRow {
            replication: 7,
            plan: "a,b".into(),
            ..ReplicationRow::default()
        };
        for (i, v) in row.values.iter_mut().enumerate() {
            *v = as_written(i as f64 * 1.234_56 - 3.0);
        }
        let bytes = csv_bytes([&row]).unwrap();
        let mut r = csv::Reader::from_reader(bytes.as_slice());
        let back: Vec<ReplicationRow> = r.deserialize().collect::<Result<_, _>>().unwrap();
        assert_eq!(back, vec![row]);
        assert_eq!(num(-0.00001), "0.0000");
        assert_eq!(num_or_whole(-0.0), "0");
        assert_eq!(num_or_whole(37_513.0), "37513");
        assert_eq!(num_or_whole(-258.0), "-258");
        assert_eq!(num_or_whole(91.0831), "91.0831");
    }
}
