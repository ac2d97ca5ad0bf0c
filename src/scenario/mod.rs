//! Scenario files: parsing, validation, schema.

pub mod rtt_csv;
