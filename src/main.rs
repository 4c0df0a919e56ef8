//! Entry point: hand argv to the CLI and turn its result into an exit code.

fn main() {
    let args: Vec<std::ffi::OsString> = std::env::args_os().skip(1).collect();
    std::process::exit(s3_credentials::cli::run(args));
}
