//! The commands beside `generate` and `check`: `watch` (the live preview), `init` (a new
//! project), `diff` (two runs compared), `man` and `synth` (synthetic regions for benchmarks).

pub mod check;
pub mod diff;
pub mod init;
pub mod man;
pub mod synth;
pub mod watch;
