//! strikesim: a discrete-event simulation of NHS elective capacity under
//! junior-doctor walkouts.
//!
//! Data flows one way: scenario file -> validated [`scenario::Scenario`] ->
//! replications ([`ensemble`]) -> aggregated results -> files ([`output`]).
//! The engine and the model do no I/O; the output side samples no random
//! numbers.

pub mod app;
pub mod engine;
pub mod ensemble;
pub mod model;
pub mod output;
pub mod scenario;
pub mod web;
