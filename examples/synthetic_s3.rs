//! The synthetic S3 of tests/support/synthetic_s3.rs as a program, for bench/bulk.sh:
//! `synthetic_s3 KEYS SIZE` serves on a free loopback port and prints the port.

#[path = "../tests/support/synthetic_s3.rs"]
mod synthetic_s3;

fn main() {
    let mut args = std::env::args().skip(1);
    let mut number = |default: u64| args.next().and_then(|a| a.parse().ok()).unwrap_or(default);
    let server = synthetic_s3::Synthetic {
        keys: number(10_000),
        size: number(4096),
    };
    let port = server.start();
    println!("{port}");
    loop {
        std::thread::park();
    }
}
