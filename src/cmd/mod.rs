//! The commands beside `generate` and `check`: `watch` (the live preview), `init` (a new
//! project), `diff` (two runs compared), `man` and `synth` (synthetic regions for benchmarks),
//! `serve` and `round` (the month's round);
//! and what each command tells the user (`log`, each command's `report`).

pub mod check;
pub mod diff;
pub mod generate;
pub mod init;
pub mod log;
pub mod man;
pub mod round;
#[cfg(test)]
mod section_demo;
pub mod serve;
pub mod synth;
pub mod watch;

impl crate::Done {
    /// A run that `--if-changed` skipped: the earlier output stands.
    pub(crate) fn unchanged(out_dir: std::path::PathBuf, timings: Vec<crate::Lap>) -> crate::Done {
        crate::Done {
            out_dir,
            period: None,
            written: Vec::new(),
            packs: 0,
            timings,
        }
    }
}
