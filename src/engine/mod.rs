//! The discrete-event core: simulated time and the event calendar.
//!
//! Time is an integer count of minutes ([`SimTime`]) so the calendar never
//! drifts. The [`Calendar`] hands events back in (time, insertion sequence)
//! order: two events at the same minute come out first-in, first-out, which
//! makes every run deterministic. Events can be cancelled after they are
//! scheduled. Nothing here knows about hospitals, files or threads.

mod calendar;
mod radix;
mod time;

pub use calendar::{Calendar, EventId};
pub use radix::RadixQueue;
pub use time::{SimTime, MINUTES_PER_DAY, MINUTES_PER_HOUR, MINUTES_PER_WEEK};
