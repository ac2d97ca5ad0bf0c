//! Tests of the bounds table: it is in the README and checks values.

use super::*;

const README: &str = include_str!("../../../../scenarios/README.md");

/// 2016 as 2,016 and 100000 as 100,000, as the README writes them.
fn grouped(v: f64) -> String {
    let digits = number(v);
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[test]
fn every_bound_is_in_the_readme_table() {
    for b in BOUNDS {
        let row = README
            .lines()
            .find(|l| l.starts_with(&format!("| `{}` |", b.key)))
            .unwrap_or_else(|| panic!("scenarios/README.md has no row for {}", b.key));
        let range = format!("{} to {}", grouped(b.min), grouped(b.max));
        assert!(row.contains(&range), "{row} should say {range}");
    }
    for e in ENTRIES {
        let row = format!("| `{}` | {} |", e.key, e.max);
        assert!(
            README.contains(&row),
            "scenarios/README.md should have {row}"
        );
    }
    for l in LENGTHS {
        let row = format!("| `{}` | {} |", l.key, grouped(l.max as f64));
        assert!(
            README.contains(&row),
            "scenarios/README.md should have {row}"
        );
    }
}

#[test]
fn the_bundled_scenarios_are_well_inside_their_bounds() {
    // Every bundled scenario validates (tests/scenarios.rs), so it is
    // inside; and the sizes quoted as "the largest" are its values.
    let s = crate::scenario::Scenario::bundled_default();
    let mut f = Findings::default();
    check_bounds(&mut f, s.file());
    assert!(f.errors.is_empty(), "{:?}", f.errors);
}

#[test]
fn one_error_per_value_out_of_range_with_range_and_reason() {
    let mut s = crate::scenario::Scenario::bundled_default().file().clone();
    s.trusts[0].specialties[0].theatre_lists[0].cases =
        crate::scenario::PositiveCount::new(4_294_967_295).unwrap();
    s.plans[0].name = "p".repeat(8_000);
    let mut f = Findings::default();
    check_bounds(&mut f, &s);
    assert_eq!(f.errors.len(), 2, "{:?}", f.errors);
    let (field, message) = &f.errors[0];
    assert_eq!(field, "trusts[0].specialties[0].theatre_lists[0].cases");
    assert!(
        message.contains("found 4294967295 cases; allowed: 1 to 100 cases ("),
        "{message}"
    );
    let (field, message) = &f.errors[1];
    assert_eq!(field, "plans[0].name");
    assert!(
        message.contains("(8000 characters)") && message.len() < 250,
        "{message}"
    );
}
