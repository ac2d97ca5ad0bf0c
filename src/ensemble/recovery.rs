//! Recovery from the walkouts: whether a plan left a loss to recover
//! from at a trust, and if so whether that trust got back within
//! tolerance for good before the end of the run, combined over the trusts
//! of a replication. The summary over replications (share with no loss,
//! share recovered, the Kaplan-Meier median) lives in [`super::stats`];
//! the metrics built from this in [`super::metrics`].

use crate::model::outcome::ListState;
use crate::model::World;

/// How a plan came through the walkouts, at one trust or, over all
/// trusts, in one replication: measured on the extra waiters (its waiting
/// list minus the counterfactual's on the same day).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recovery {
    /// The extra waiters never exceeded the tolerance in patients: nothing
    /// to recover from.
    NoLoss,
    /// Back within tolerance on this day after the end of the walkouts,
    /// and within it every day to the end of the run.
    RecoveredAt(i64),
    /// Still out of tolerance on the last day: censored at the end of the run.
    NotRecovered,
}

impl Recovery {
    /// One trust: `branch` and `cf` are its daily lists under the plan and
    /// without the strike. The loss is the peak of the extra waiters from
    /// the branch day on; a trust is back once its extra waiters are within
    /// the larger of the tolerance in patients and the share of that peak,
    /// counted from the first day after the walkouts from which they stay
    /// within it to the end (a dip back out of tolerance restarts the count).
    pub fn of_trust(world: &World, branch: &[ListState], cf: &[ListState]) -> Recovery {
        let extra: Vec<i64> = branch
            .iter()
            .zip(cf)
            .map(|(b, c)| b.waiting as i64 - c.waiting as i64)
            .collect();
        Recovery::of_extra_waiters(
            &extra,
            world.branch_day.max(0) as usize,
            world.after_walkouts_day.max(0) as usize,
            f64::from(world.recovery_tolerance_patients),
            world.recovery_share_of_peak.get(),
        )
    }

    /// The rule of [`Recovery::of_trust`] on a trust's daily extra waiters
    /// `extra`: the loss is their peak from day `branch_day`; recovery is
    /// counted from day `after_walkouts`.
    fn of_extra_waiters(
        extra: &[i64],
        branch_day: usize,
        after_walkouts: usize,
        tolerance_patients: f64,
        share_of_peak: f64,
    ) -> Recovery {
        let n = extra.len();
        let peak = extra.iter().skip(branch_day).fold(0, |m, &e| m.max(e)) as f64;
        if peak <= tolerance_patients {
            return Recovery::NoLoss;
        }
        let tolerance = tolerance_patients.max(share_of_peak * peak);
        let from = after_walkouts.min(n);
        // Walk back from the end while within tolerance: a dip back out of
        // tolerance stops the walk, so only the last stretch counts.
        let first_ok = (from..n)
            .rev()
            .take_while(|&d| extra[d] as f64 <= tolerance)
            .last();
        match first_ok {
            Some(d) => Recovery::RecoveredAt((d - from) as i64),
            None => Recovery::NotRecovered,
        }
    }

    /// Add another trust of the same replication and plan: no loss if
    /// neither lost anything, censored if either is, otherwise recovered on
    /// the later of the two days (a plan has recovered when every trust
    /// that lost has).
    pub fn and(self, other: Recovery) -> Recovery {
        use Recovery as R;
        match (self, other) {
            (R::NotRecovered, _) | (_, R::NotRecovered) => R::NotRecovered,
            (R::NoLoss, r) | (r, R::NoLoss) => r,
            (R::RecoveredAt(a), R::RecoveredAt(b)) => R::RecoveredAt(a.max(b)),
        }
    }
}

/// A branch's recovery over the trusts of one replication.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BranchRecovery {
    /// The trusts' [`Recovery`] combined with [`Recovery::and`].
    pub recovery: Recovery,
    /// Trusts that lost and had not recovered by the end.
    pub trusts_not_recovered: u64,
}

impl Default for BranchRecovery {
    fn default() -> Self {
        BranchRecovery {
            recovery: Recovery::NoLoss,
            trusts_not_recovered: 0,
        }
    }
}

impl BranchRecovery {
    /// Add one trust's recovery.
    pub fn add_trust(&mut self, trust: Recovery) {
        self.recovery = self.recovery.and(trust);
        self.trusts_not_recovered += u64::from(trust == Recovery::NotRecovered);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recovery_of_one_trust() {
        use Recovery as R;
        // Walkouts on days 2-3, recovery counted from day 4; tolerance 10
        // patients or a tenth of the peak.
        let judge = |extra: &[i64]| Recovery::of_extra_waiters(extra, 1, 4, 10.0, 0.1);
        // Never more than 10 extra waiters: nothing to recover from, even
        // below the counterfactual (extra capacity only).
        assert_eq!(judge(&[0, 0, 5, 10, 3, -40, -60, -80]), R::NoLoss);
        // Back within max(10, 0.1 * 200) = 20 on day 6, two days after the walkouts.
        assert_eq!(judge(&[0, 0, 100, 200, 150, 60, 20, 5]), R::RecoveredAt(2));
        // Within tolerance on day 5, out again on day 6: counts from day 7.
        assert_eq!(judge(&[0, 0, 100, 200, 150, 15, 30, 5]), R::RecoveredAt(3));
        // Out of tolerance on the last day: censored.
        assert_eq!(judge(&[0, 0, 100, 200, 150, 15, 10, 25]), R::NotRecovered);
        assert_eq!(
            judge(&[0, 0, 100, 200, 200, 200, 200, 200]),
            R::NotRecovered
        );
    }

    #[test]
    fn trusts_combine_into_a_replication() {
        use Recovery as R;
        assert_eq!(R::NoLoss.and(R::NoLoss), R::NoLoss);
        assert_eq!(R::NoLoss.and(R::RecoveredAt(5)), R::RecoveredAt(5));
        assert_eq!(R::RecoveredAt(9).and(R::RecoveredAt(5)), R::RecoveredAt(9));
        assert_eq!(R::RecoveredAt(9).and(R::NotRecovered), R::NotRecovered);
        assert_eq!(R::NotRecovered.and(R::NoLoss), R::NotRecovered);
    }
}
