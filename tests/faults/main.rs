//! The fault suite (issue #10): the real binary as PID 1 of a new PID + mount namespace, driven
//! into the states that once made it spin, block, lose a TERM or drop work — hostile files and
//! `/run`, exhausted resources, signal and request storms, races — and checked afterwards with
//! one health check (`health::assert_recovers`): PID 1 still answers `telinit q`, has no zombie
//! child, did not grow, did not burn CPU, and a SIGTERM still ends it inside the budget with
//! exit 0. Each file holds one family of faults; each regression test names the defect it pins
//! and was seen failing on the binary before its fix.

// Test code: unwrap, index and use std freely (the deny list in Cargo.toml is for src/).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::std_instead_of_core
)]

mod health;

mod files;
mod single_mode;
mod spawning;
mod storms;
