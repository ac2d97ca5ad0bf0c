//! The `participation` of a walkout in the scenario file: its type, its
//! JSON schema (which also allows a bare share) and its hand-written
//! reader, which reads each value where it is written so an error names
//! `participation.mean` and its line. The rest of the format is in
//! [`super::format`].

use super::values::Probability;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// How many of the juniors in a striking grade strike: drawn once per
/// replication (the same for every plan). A bare share
/// (`participation = 0.7`) is the same as `fixed`.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[serde(tag = "distribution", rename_all = "snake_case", deny_unknown_fields)]
#[schemars(transform = or_bare_share)]
pub enum Participation {
    /// Always this share.
    Fixed { value: Probability },
    /// Uniform between `low` and `high`.
    Uniform { low: Probability, high: Probability },
    /// Beta distribution with this mean and standard deviation (sd must be
    /// below sqrt(mean * (1 - mean))).
    Beta { mean: Probability, sd: Probability },
    /// From a published turnout: `at_work` is the share of the juniors who
    /// could have been at work who were at work (NHS England's "reported
    /// for duty" in a strike with emergency care provided; one less its
    /// "not at work" in a full walkout). The mean participation is
    /// `(1 - at_work) / (1 - exempt)`, where `exempt` is the share of the
    /// rostered weekday juniors (striking grades, affected trusts) on the
    /// emergency floor when emergency care is provided, who work, and 0 in
    /// a full walkout; then a Beta distribution with that mean and `sd`.
    Turnout {
        at_work: Probability,
        sd: Probability,
    },
}

/// The schema of [`Participation`] also allows a bare share.
fn or_bare_share(schema: &mut schemars::Schema) {
    let table = schema.clone();
    *schema = schemars::json_schema!({
        "anyOf": [
            { "type": "number", "minimum": 0.0, "maximum": 1.0,
              "description": "A fixed share, the same as { distribution = \"fixed\", value = ... }" },
            table
        ]
    });
}

/// Read by hand rather than derived, so that each value is read where it
/// is written (an error names `participation.mean` and its line, not the
/// whole table), a bare number is a fixed share, and an unknown
/// distribution or field gets the closest name.
impl<'de> Deserialize<'de> for Participation {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(ParticipationVisitor)
    }
}

struct ParticipationVisitor;

const DISTRIBUTIONS: &[&str] = &["fixed", "uniform", "beta", "turnout"];

impl<'de> serde::de::Visitor<'de> for ParticipationVisitor {
    type Value = Participation;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a share between 0 and 1, or a table such as { distribution = \"beta\", mean = 0.7, sd = 0.08 }")
    }

    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Participation, E> {
        Probability::new(v)
            .map(|value| Participation::Fixed { value })
            .map_err(E::custom)
    }

    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Participation, E> {
        self.visit_f64(v as f64)
    }

    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Participation, E> {
        self.visit_f64(v as f64)
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(
        self,
        mut map: A,
    ) -> Result<Participation, A::Error> {
        use serde::de::Error;
        const FIELDS: &[&str] = &[
            "distribution",
            "value",
            "low",
            "high",
            "mean",
            "sd",
            "at_work",
        ];
        let mut distribution: Option<String> = None;
        let mut values: [Option<Probability>; 6] = [None; 6];
        while let Some(key) = map.next_key::<String>()? {
            match FIELDS.iter().position(|f| *f == key) {
                Some(0) => distribution = Some(map.next_value()?),
                Some(i) => values[i - 1] = Some(map.next_value()?),
                None => return Err(A::Error::unknown_field(&key, FIELDS)),
            }
        }
        let Some(distribution) = distribution else {
            return Err(A::Error::custom(
                "missing field `distribution`: give \"fixed\", \"uniform\", \"beta\" or \"turnout\", or write a bare share such as 0.7",
            ));
        };
        let [value, low, high, mean, sd, at_work] = values;
        let wants: &[&str] = match distribution.as_str() {
            "fixed" => &["value"],
            "uniform" => &["low", "high"],
            "beta" => &["mean", "sd"],
            "turnout" => &["at_work", "sd"],
            other => return Err(A::Error::unknown_variant(other, DISTRIBUTIONS)),
        };
        for (name, given) in FIELDS[1..].iter().zip(values) {
            if given.is_some() && !wants.contains(name) {
                return Err(A::Error::custom(format!(
                    "`{name}` is not a field of the {distribution} distribution; it takes {}",
                    wants
                        .iter()
                        .map(|w| format!("`{w}`"))
                        .collect::<Vec<_>>()
                        .join(" and ")
                )));
            }
        }
        let need = |v: Option<Probability>, name: &'static str| {
            v.ok_or_else(|| A::Error::missing_field(name))
        };
        Ok(match distribution.as_str() {
            "fixed" => Participation::Fixed {
                value: need(value, "value")?,
            },
            "uniform" => Participation::Uniform {
                low: need(low, "low")?,
                high: need(high, "high")?,
            },
            "turnout" => Participation::Turnout {
                at_work: need(at_work, "at_work")?,
                sd: need(sd, "sd")?,
            },
            _ => Participation::Beta {
                mean: need(mean, "mean")?,
                sd: need(sd, "sd")?,
            },
        })
    }
}
