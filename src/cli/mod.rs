//! The command line: parse argv, run one command, map errors to exit codes.

pub fn run(_args: Vec<std::ffi::OsString>) -> i32 {
    0
}
