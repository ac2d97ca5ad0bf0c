//! The form beside the editor: the fields a planner changes most (each
//! walkout's dates, hours, kind and turnout; each plan's levers), read
//! from the TOML and written back into it with `toml_edit`, so comments
//! and layout are kept and the file stays the source of truth. The form
//! checks only that a value has the field's type; the scenario's own
//! checks then run on the new text, as on any edit.

use super::WebError;
use serde::{Deserialize, Serialize};
use toml_edit::{DocumentMut, InlineTable, Item, Table, Value};

/// How a field is edited.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Datetime,
    Number,
    Select,
}

/// A field of a walkout or plan: its path in the table, and how to edit it.
struct Spec {
    path: &'static [&'static str],
    label: &'static str,
    kind: Kind,
    whole: bool,
    range: (f64, f64, f64),
    options: &'static [&'static str],
    /// Shown even when absent (setting it adds it).
    always: bool,
}

const fn number(
    path: &'static [&'static str],
    label: &'static str,
    max: f64,
    step: f64,
    always: bool,
) -> Spec {
    Spec {
        path,
        label,
        kind: Kind::Number,
        whole: step >= 1.0,
        range: (0.0, max, step),
        options: &[],
        always,
    }
}

const WALKOUT: [Spec; 7] = [
    Spec {
        path: &["start"],
        label: "Starts",
        kind: Kind::Datetime,
        whole: false,
        range: (0.0, 0.0, 0.0),
        options: &[],
        always: true,
    },
    number(&["hours"], "Hours", 336.0, 1.0, false),
    Spec {
        path: &["end"],
        label: "Ends",
        kind: Kind::Datetime,
        whole: false,
        range: (0.0, 0.0, 0.0),
        options: &[],
        always: false,
    },
    Spec {
        path: &["kind"],
        label: "Kind",
        kind: Kind::Select,
        whole: false,
        range: (0.0, 0.0, 0.0),
        options: &["emergency_care_provided", "full_walkout"],
        always: true,
    },
    number(
        &["participation", "mean"],
        "Turnout: mean share of juniors out",
        1.0,
        0.01,
        false,
    ),
    number(&["participation", "sd"], "Turnout: sd", 0.5, 0.01, false),
    number(
        &["between_trust_sd"],
        "Between-trust sd of turnout",
        1.0,
        0.01,
        false,
    ),
];

const PLAN: [Spec; 10] = [
    Spec {
        path: &["protect"],
        label: "Protect",
        kind: Kind::Select,
        whole: false,
        range: (0.0, 0.0, 0.0),
        options: &["none", "p1", "urgent", "p3"],
        always: true,
    },
    number(
        &["consultant_act_down_share"],
        "Consultants acting down (share)",
        1.0,
        0.01,
        true,
    ),
    number(
        &["stand_down", "theatre_share"],
        "Stand down: share of routine lists",
        1.0,
        0.05,
        true,
    ),
    number(
        &["stand_down", "clinic_share"],
        "Stand down: share of routine clinics",
        1.0,
        0.05,
        true,
    ),
    number(
        &["stand_down", "days_ahead"],
        "Stand down: days ahead",
        60.0,
        1.0,
        false,
    ),
    number(
        &["rebooking", "binding_days"],
        "Rebook within (days)",
        365.0,
        1.0,
        false,
    ),
    number(
        &["catch_up", "start_days_after"],
        "Catch-up: starts days after",
        365.0,
        1.0,
        false,
    ),
    number(&["catch_up", "weeks"], "Catch-up: weeks", 52.0, 1.0, false),
    number(
        &["catch_up", "theatre_lists"],
        "Catch-up: lists a day",
        1000.0,
        1.0,
        false,
    ),
    number(
        &["catch_up", "clinics"],
        "Catch-up: clinics a day",
        1000.0,
        1.0,
        false,
    ),
];

/// A field as the form shows it.
#[derive(Debug, Clone, Serialize)]
pub struct Field {
    pub key: String,
    pub group: String,
    pub label: &'static str,
    pub kind: Kind,
    pub value: String,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    pub options: &'static [&'static str],
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub step: Option<f64>,
}

/// One change the form asks for.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Change {
    pub key: String,
    pub value: String,
}

fn parse(text: &str) -> Result<DocumentMut, WebError> {
    text.parse::<DocumentMut>().map_err(|e| WebError::Invalid {
        message: format!(
            "the form needs text that reads as TOML; fix this first: {}",
            e.to_string().lines().next().unwrap_or("")
        ),
        findings: Vec::new(),
    })
}

/// The tables of `[[walkouts]]` or `[[plans]]`, with the specs of their fields.
fn sections() -> [(&'static str, &'static str, &'static [Spec]); 2] {
    [("walkouts", "Walkout", &WALKOUT), ("plans", "Plan", &PLAN)]
}

/// The text of a value as an input shows it.
fn shown(item: &Item) -> String {
    match item.as_value() {
        Some(Value::String(s)) => s.value().clone(),
        Some(v) => v.to_string().trim().to_string(),
        None => String::new(),
    }
}

fn lookup<'a>(table: &'a Table, path: &[&str]) -> Option<&'a Item> {
    let (last, parents) = path.split_last()?;
    let mut at: &dyn toml_edit::TableLike = table;
    for p in parents {
        at = at.get(p)?.as_table_like()?;
    }
    at.get(last)
}

/// The form's fields of a scenario's text.
pub fn fields(text: &str) -> Result<Vec<Field>, WebError> {
    let doc = parse(text)?;
    let mut out = Vec::new();
    for (array, word, specs) in sections() {
        let Some(tables) = doc.get(array).and_then(Item::as_array_of_tables) else {
            continue;
        };
        for (i, t) in tables.iter().enumerate() {
            let name = t.get("name").map(shown).unwrap_or_default();
            let group = format!("{word} {}: {name}", i + 1);
            // A plan's catch-up fields only when it has a catch-up.
            for spec in specs.iter() {
                let found = lookup(t, spec.path);
                if found.is_none() && !spec.always {
                    continue;
                }
                let number = spec.kind == Kind::Number;
                out.push(Field {
                    key: format!("{array}[{i}].{}", spec.path.join(".")),
                    group: group.clone(),
                    label: spec.label,
                    kind: spec.kind,
                    value: found.map(shown).unwrap_or_default(),
                    options: spec.options,
                    min: number.then_some(spec.range.0),
                    max: number.then_some(spec.range.1),
                    step: number.then_some(spec.range.2),
                });
            }
        }
    }
    Ok(out)
}

/// Split `walkouts[0].participation.mean` into its array, index and spec.
fn spec_of(key: &str) -> Option<(&'static str, usize, &'static Spec)> {
    let (head, rest) = key.split_once('.')?;
    let (array, index) = head.strip_suffix(']')?.split_once('[')?;
    let index: usize = index.parse().ok()?;
    let path: Vec<&str> = rest.split('.').collect();
    sections().into_iter().find_map(|(a, _, specs)| {
        (a == array)
            .then(|| specs.iter().find(|s| s.path == path.as_slice()))
            .flatten()
            .map(|s| (a, index, s))
    })
}

/// The value a field's text stands for, or why it cannot.
fn value_of(key: &str, spec: &Spec, text: &str) -> Result<Value, WebError> {
    let bad = |allowed: String| {
        WebError::BadRequest(format!(
            "{key}: found \"{}\"; allowed: {allowed}",
            crate::scenario::clip(text)
        ))
    };
    let text = text.trim();
    match spec.kind {
        Kind::Datetime => chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M")
            .or_else(|_| chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S"))
            .map(|d| Value::from(d.format("%Y-%m-%dT%H:%M").to_string()))
            .map_err(|_| bad("a date and time, YYYY-MM-DDTHH:MM (e.g. 2016-01-26T08:00)".into())),
        Kind::Select => spec
            .options
            .iter()
            .find(|o| **o == text)
            .map(|o| Value::from(*o))
            .ok_or_else(|| bad(spec.options.join(", "))),
        Kind::Number if spec.whole => text
            .parse::<i64>()
            .map(Value::from)
            .map_err(|_| bad("a whole number".into())),
        Kind::Number => text
            .parse::<f64>()
            .ok()
            .filter(|v| v.is_finite())
            .map(Value::from)
            .ok_or_else(|| bad("a number (e.g. 0.5)".into())),
    }
}

/// Apply the form's changes to the text, keeping everything else as it
/// was. An empty value takes the field out.
pub fn apply(text: &str, changes: &[Change]) -> Result<String, WebError> {
    let mut doc = parse(text)?;
    for change in changes {
        let (array, index, spec) = spec_of(&change.key).ok_or_else(|| {
            WebError::BadRequest(format!(
                "key: \"{}\" is not a field of the form (e.g. walkouts[0].hours, plans[1].consultant_act_down_share)",
                crate::scenario::clip(&change.key)
            ))
        })?;
        let table = doc
            .get_mut(array)
            .and_then(Item::as_array_of_tables_mut)
            .and_then(|t| t.get_mut(index))
            .ok_or_else(|| {
                WebError::BadRequest(format!("{}: the file has no {array}[{index}]", change.key))
            })?;
        let (last, parents) = spec.path.split_last().expect("paths are not empty");
        let empty = change.value.trim().is_empty();
        if empty && lookup(table, spec.path).is_none() {
            // Nothing to take out (and never a key of the same name elsewhere).
            continue;
        }
        let mut at: &mut dyn toml_edit::TableLike = table;
        for p in parents {
            if at.get(p).is_none() {
                at.insert(p, Item::Value(Value::InlineTable(InlineTable::new())));
            }
            at = at
                .get_mut(p)
                .and_then(Item::as_table_like_mut)
                .ok_or_else(|| {
                    WebError::BadRequest(format!("{}: {p} is not a table", change.key))
                })?;
        }
        if empty {
            at.remove(last);
            continue;
        }
        let mut value = value_of(&change.key, spec, &change.value)?;
        match at.get_mut(last).and_then(Item::as_value_mut) {
            Some(old) => {
                *value.decor_mut() = old.decor().clone();
                *old = value;
            }
            None => {
                at.insert(last, Item::Value(value));
            }
        }
    }
    Ok(doc.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::DEFAULT_SCENARIO;

    #[test]
    fn the_default_scenarios_fields_are_read() {
        let f = fields(DEFAULT_SCENARIO).expect("fields");
        let get = |k: &str| f.iter().find(|x| x.key == k).map(|x| x.value.clone());
        assert_eq!(
            get("walkouts[0].start").as_deref(),
            Some("2016-01-26T08:00")
        );
        assert_eq!(get("walkouts[0].hours").as_deref(), Some("48"));
        assert_eq!(
            get("walkouts[0].participation.mean").as_deref(),
            Some("0.84")
        );
        assert_eq!(
            get("plans[1].stand_down.theatre_share").as_deref(),
            Some("0.5")
        );
        assert_eq!(
            get("plans[0].stand_down.theatre_share").as_deref(),
            Some("")
        );
        assert_eq!(get("plans[2].catch_up.weeks").as_deref(), Some("4"));
        assert_eq!(get("plans[0].catch_up.weeks"), None);
    }

    #[test]
    fn changes_are_written_back_keeping_the_rest() {
        let changes = [
            Change {
                key: "walkouts[0].hours".into(),
                value: "24".into(),
            },
            Change {
                key: "plans[0].stand_down.theatre_share".into(),
                value: "0.25".into(),
            },
            Change {
                key: "walkouts[0].kind".into(),
                value: "full_walkout".into(),
            },
        ];
        let text = apply(DEFAULT_SCENARIO, &changes).expect("applies");
        assert!(text.contains("hours = 24\n"), "{text}");
        assert!(
            text.contains("stand_down = { theatre_share = 0.25 }"),
            "{text}"
        );
        assert!(text.contains("kind = \"full_walkout\""));
        // Everything else, comments included, is as it was.
        let before: Vec<&str> = DEFAULT_SCENARIO
            .lines()
            .filter(|l| l.starts_with('#'))
            .collect();
        let after: Vec<&str> = text.lines().filter(|l| l.starts_with('#')).collect();
        assert_eq!(before, after);
        let s = crate::scenario::Scenario::from_toml(&text, "t.toml").expect("still valid");
        assert_eq!(s.file().walkouts[0].hours.map(|h| h.get()), Some(24));
    }

    #[test]
    fn bad_values_and_keys_name_the_field() {
        let one = |key: &str, value: &str| {
            apply(
                DEFAULT_SCENARIO,
                &[Change {
                    key: key.into(),
                    value: value.into(),
                }],
            )
            .expect_err("refused")
            .to_string()
        };
        assert!(one("walkouts[0].hours", "two").starts_with("walkouts[0].hours: found \"two\""));
        assert!(one("walkouts[0].kind", "strike").contains("emergency_care_provided"));
        assert!(one("walkouts[9].hours", "2").contains("no walkouts[9]"));
        assert!(one("trusts[0].name", "x").contains("not a field of the form"));
        assert!(one("walkouts[0].start", "26/01/2016").contains("YYYY-MM-DDTHH:MM"));
    }
}
