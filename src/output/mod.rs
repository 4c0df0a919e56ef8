//! Printing values exactly as the original prints them.
//!
//! The original writes stdout with Python's `json.dumps` (indent 4 for single documents,
//! a streamed indent-2 array for `list-*`, one compact object per line for `--nl`),
//! `csv.DictWriter` for `--csv` / `--tsv`, and a few `repr()`s and `str(datetime)`s in
//! its messages. Everything here reproduces those byte for byte; the expected bytes in
//! the tests were produced by Python 3.11.
//!
//! Serialisers append to a `String` (no per-character allocation); the list writers
//! write one item at a time into the caller's writer.

mod json;
mod list;
mod repr;
mod timestamp;

pub use json::{dumps, dumps_into, py_float};
pub use list::{Format, ListError, write_list, write_list_fallible};
pub use repr::{escape_controls, py_repr, py_repr_str};
pub use timestamp::{parse_aws_timestamp, py_datetime, utc_seconds};

/// The original's `format_bytes`: `"{:3.1f} {unit}"` for bytes, KB, MB, GB, TB (steps of
/// 1024): `29.0 bytes`, `1.5 KB`. From 1024 TB on the original returns the bare float,
/// which prints as `str(float)` (`1.0` for 2**50).
pub fn format_bytes(size: u64) -> String {
    if size < 1024 {
        return format!("{:3.1} bytes", size as f64);
    }
    // Dividing by a power of two is exact, so this matches Python's int / int.
    let mut size = size as f64 / 1024.0;
    for unit in ["KB", "MB", "GB", "TB"] {
        if size < 1024.0 {
            return format!("{size:3.1} {unit}");
        }
        size /= 1024.0;
    }
    py_float(size)
}

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_values;
