//! uppfolj: a month's finance and HR exports in, finished monthly follow-up reports out.
//!
//! The stages run one way, each in its own folder and each taking the previous stage's
//! output: config → load → compute → present → render → write. This file only wires them.

#![warn(missing_docs, unreachable_pub)]

pub mod cli;
mod clock;
pub mod cmd;
mod compute;
mod config;
pub mod diag;
mod error;
mod load;
mod model;
mod par;
mod present;
mod render;
mod sections;
mod write;

pub use clock::Lap;
pub use cmd::check::{Checked, check};
pub use cmd::generate::{Done, GenerateOptions, generate};
pub(crate) use cmd::generate::{generate_kept, prepare};
pub use cmd::watch::watch_command;
pub use cmd::{init, synth};
pub use config::discover as find_config;
pub use error::{ConfigError, Failure, IoError, LangError, PreviewError, RenderError, WriteError};
pub use render::{Counted, FormatError, Formats};
