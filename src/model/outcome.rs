//! What one branch (a plan or the counterfactual) of one replication
//! produced: event counters over the counting window and the daily state of
//! the waiting list. Trusts add up; the ensemble turns these into metrics.

/// Counts over the counting window ([`super::World::count_window`]: from
/// [`super::COUNT_LEAD_DAYS`] before the first walkout to the day after the
/// last).
///
/// Trusts add up with [`Counters::add`]: a new field must be summed there
/// (the destructuring without `..` refuses to compile until it is named,
/// and a test checks that every field is summed).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[cfg_attr(test, derive(serde::Serialize, serde::Deserialize))]
pub struct Counters {
    /// Elective admissions cancelled in advance (stand-downs), [inpatient, day case].
    pub elective_in_advance: [u64; 2],
    /// Elective admissions cancelled on the day, [inpatient, day case].
    pub elective_on_day: [u64; 2],
    /// Outpatient appointments cancelled (in advance or on the day), [new, follow-up].
    pub outpatient: [u64; 2],
    /// On-the-day cancellations given a new date within the binding days.
    pub rebooked_within: u64,
    /// On-the-day cancellations not given a date within the binding days.
    pub rebooked_late: u64,
    /// Admissions planned on walkout days (booked when the list was due or
    /// stood down).
    pub elective_planned_walkout: u64,
    /// Admissions done on walkout days.
    pub elective_done_walkout: u64,
    /// Consultant sessions (half-days) spent acting down into junior places.
    pub consultant_act_down: u64,
    /// Of those, how many came from a consultant giving up their own list
    /// or clinic (cancelled on the day) rather than their supporting work.
    pub consultant_act_down_own_session: u64,
    /// Whole simulation: catch-up sessions the plan asked for, and those
    /// its catch-up staff pool could staff and that ran.
    pub catch_up_planned: u64,
    /// Whole simulation: referrals, treatments, removals (for conservation).
    pub referred: u64,
    pub treated_admitted: u64,
    pub treated_non_admitted: u64,
    pub removed: u64,
    pub initial_list: u64,
    /// Whole simulation: the plan's catch-up sessions that ran (staffed),
    /// the operations done in its catch-up theatre lists and the first
    /// appointments attended in its catch-up clinics.
    pub catch_up_sessions_run: u64,
    pub catch_up_operations: u64,
    pub catch_up_first_appointments: u64,
    /// Whole simulation: of `catch_up_sessions_run`, the theatre lists (the
    /// rest are clinics).
    pub catch_up_lists_run: u64,
    /// Activity done in the income window ([`super::World::income_window`]:
    /// from the start of the counting window to the end of the financial
    /// year), indexed by `ACTIVITY_*`: inpatient admissions, day cases,
    /// first attendances, and the follow-up slots of clinics that ran.
    pub activity_in_year: [u64; 4],
    /// Follow-up slots cut from clinics that ran in part, in the income
    /// window (attendances are `activity_in_year[ACTIVITY_FOLLOW_UP]` less
    /// these).
    pub follow_up_cut_in_year: u64,
    /// The list's flows from 00:00 on the first walkout day to the end,
    /// indexed by `FLOW_*`: referred, treated admitted, treated not
    /// admitted, removed. The list on the walkout day plus the referred
    /// less the rest is the list at the end.
    pub since_walkout: [u64; 4],
}

/// Indices of [`Counters::activity_in_year`].
pub const ACTIVITY_INPATIENT: usize = 0;
pub const ACTIVITY_DAY_CASE: usize = 1;
pub const ACTIVITY_FIRST: usize = 2;
pub const ACTIVITY_FOLLOW_UP: usize = 3;

/// Indices of [`Counters::since_walkout`].
pub const FLOW_REFERRED: usize = 0;
pub const FLOW_ADMITTED: usize = 1;
pub const FLOW_NON_ADMITTED: usize = 2;
pub const FLOW_REMOVED: usize = 3;

fn add_pairs<const N: usize>(a: &mut [u64; N], b: &[u64; N]) {
    for (x, y) in a.iter_mut().zip(b) {
        *x += y;
    }
}

impl Counters {
    /// Add another trust's counts, field by field.
    pub fn add(&mut self, o: &Counters) {
        let Counters {
            elective_in_advance,
            elective_on_day,
            outpatient,
            rebooked_within,
            rebooked_late,
            elective_planned_walkout,
            elective_done_walkout,
            consultant_act_down,
            consultant_act_down_own_session,
            catch_up_planned,
            referred,
            treated_admitted,
            treated_non_admitted,
            removed,
            initial_list,
            catch_up_sessions_run,
            catch_up_operations,
            catch_up_first_appointments,
            catch_up_lists_run,
            activity_in_year,
            follow_up_cut_in_year,
            since_walkout,
        } = o;
        add_pairs(&mut self.elective_in_advance, elective_in_advance);
        add_pairs(&mut self.elective_on_day, elective_on_day);
        add_pairs(&mut self.outpatient, outpatient);
        self.rebooked_within += rebooked_within;
        self.rebooked_late += rebooked_late;
        self.elective_planned_walkout += elective_planned_walkout;
        self.elective_done_walkout += elective_done_walkout;
        self.consultant_act_down += consultant_act_down;
        self.consultant_act_down_own_session += consultant_act_down_own_session;
        self.catch_up_planned += catch_up_planned;
        self.referred += referred;
        self.treated_admitted += treated_admitted;
        self.treated_non_admitted += treated_non_admitted;
        self.removed += removed;
        self.initial_list += initial_list;
        self.catch_up_sessions_run += catch_up_sessions_run;
        self.catch_up_operations += catch_up_operations;
        self.catch_up_first_appointments += catch_up_first_appointments;
        self.catch_up_lists_run += catch_up_lists_run;
        add_pairs(&mut self.activity_in_year, activity_in_year);
        self.follow_up_cut_in_year += follow_up_cut_in_year;
        add_pairs(&mut self.since_walkout, since_walkout);
    }
}

/// The waiting list at 00:00 on one day.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[cfg_attr(test, derive(serde::Serialize, serde::Deserialize))]
pub struct ListState {
    /// Incomplete pathways.
    pub waiting: u64,
    /// Of which waiting 18 weeks or less.
    pub within_18w: u64,
    /// Of which waiting over 52 weeks.
    pub over_52w: u64,
}

impl ListState {
    /// Add another trust's list, field by field (destructured, like
    /// [`Counters::add`], so a new field cannot be left out).
    pub fn add(&mut self, o: &ListState) {
        let ListState {
            waiting,
            within_18w,
            over_52w,
        } = o;
        self.waiting += waiting;
        self.within_18w += within_18w;
        self.over_52w += over_52w;
    }

    pub fn over_18w(&self) -> u64 {
        self.waiting - self.within_18w
    }

    /// % within 18 weeks (100 for an empty list).
    pub fn within_18w_pct(&self) -> f64 {
        if self.waiting == 0 {
            100.0
        } else {
            100.0 * self.within_18w as f64 / self.waiting as f64
        }
    }
}

/// One branch's result.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct BranchOutcome {
    pub counters: Counters,
    /// Waiting list at 00:00 of each simulated day 0..=days.
    pub daily: Vec<ListState>,
}

impl BranchOutcome {
    /// Add another trust's outcome for the same branch.
    pub fn add(&mut self, o: &BranchOutcome) {
        self.counters.add(&o.counters);
        if self.daily.is_empty() {
            self.daily = o.daily.clone();
        } else {
            for (a, b) in self.daily.iter_mut().zip(&o.daily) {
                a.add(b);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::{de::DeserializeOwned, Serialize};
    use serde_json::Value;

    /// Give every number in `v` a distinct value, 1, 2, 3...
    fn number_leaves(v: &mut Value, next: &mut u64) {
        match v {
            Value::Number(_) => {
                *next += 1;
                *v = Value::from(*next);
            }
            Value::Array(items) => items.iter_mut().for_each(|x| number_leaves(x, next)),
            Value::Object(fields) => fields.values_mut().for_each(|x| number_leaves(x, next)),
            _ => {}
        }
    }

    /// A value of `T` with every field set (through serde, so no field can
    /// be missed) to a distinct number; and that value with every number doubled.
    fn distinct_and_doubled<T: Serialize + DeserializeOwned + Default>() -> (T, Value) {
        let mut v = serde_json::to_value(T::default()).unwrap();
        let mut n = 0;
        number_leaves(&mut v, &mut n);
        let mut doubled = v.clone();
        fn double(v: &mut Value) {
            match v {
                Value::Number(n) => *v = Value::from(2 * n.as_u64().unwrap()),
                Value::Array(items) => items.iter_mut().for_each(double),
                Value::Object(fields) => fields.values_mut().for_each(double),
                _ => {}
            }
        }
        double(&mut doubled);
        (serde_json::from_value(v).unwrap(), doubled)
    }

    #[test]
    fn counters_add_sums_every_field() {
        let (c, doubled): (Counters, _) = distinct_and_doubled();
        let mut sum = c;
        sum.add(&c);
        assert_eq!(serde_json::to_value(sum).unwrap(), doubled);
    }

    #[test]
    fn list_state_add_sums_every_field() {
        let (l, doubled): (ListState, _) = distinct_and_doubled();
        let mut sum = l;
        sum.add(&l);
        assert_eq!(serde_json::to_value(sum).unwrap(), doubled);
    }
}
