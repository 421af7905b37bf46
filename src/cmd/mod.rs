//! The commands beside `generate`: `check`, `watch` (the live preview), `init` (a new
//! project) and `synth` (synthetic regions for benchmarks).

pub mod check;
pub mod init;
pub mod synth;
pub mod watch;
