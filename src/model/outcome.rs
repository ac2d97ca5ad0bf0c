//! What one branch (a plan or the counterfactual) of one replication
//! produced: event counters over the walkout window and the daily state of
//! the waiting list. Trusts add up; the ensemble turns these into metrics.

/// Counts over the walkout window (from the branch point to the day after
/// the last walkout).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
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
    /// Whole simulation: referrals, treatments, removals (for conservation).
    pub referred: u64,
    pub treated_admitted: u64,
    pub treated_non_admitted: u64,
    pub removed: u64,
    pub initial_list: u64,
}

impl Counters {
    pub fn add(&mut self, o: &Counters) {
        for i in 0..2 {
            self.elective_in_advance[i] += o.elective_in_advance[i];
            self.elective_on_day[i] += o.elective_on_day[i];
            self.outpatient[i] += o.outpatient[i];
        }
        self.rebooked_within += o.rebooked_within;
        self.rebooked_late += o.rebooked_late;
        self.elective_planned_walkout += o.elective_planned_walkout;
        self.elective_done_walkout += o.elective_done_walkout;
        self.referred += o.referred;
        self.treated_admitted += o.treated_admitted;
        self.treated_non_admitted += o.treated_non_admitted;
        self.removed += o.removed;
        self.initial_list += o.initial_list;
    }
}

/// The waiting list at 00:00 on one day.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ListState {
    /// Incomplete pathways.
    pub waiting: u64,
    /// Of which waiting 18 weeks or less.
    pub within_18w: u64,
    /// Of which waiting over 52 weeks.
    pub over_52w: u64,
}

impl ListState {
    pub fn add(&mut self, o: &ListState) {
        self.waiting += o.waiting;
        self.within_18w += o.within_18w;
        self.over_52w += o.over_52w;
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
