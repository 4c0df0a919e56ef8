#![no_main]
// See fuzz/targets/src/lib.rs for what this target checks.
libfuzzer_sys::fuzz_target!(
    |data: &[u8]| s3c_fuzz_targets::target("json").expect("known target")(data)
);
