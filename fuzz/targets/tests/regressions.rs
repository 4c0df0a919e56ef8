//! Replays every seed and every input a fuzz run ever found (`fuzz/regressions/TARGET/`)
//! through its target: each must now pass. Run with `cargo test` in `fuzz/`.

use std::path::Path;

#[test]
fn every_saved_input_passes_its_target() {
    let fuzz = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    for (name, run) in s3c_fuzz_targets::TARGETS {
        let mut ran = 0;
        for dir in ["corpus", "regressions"] {
            let Ok(entries) = std::fs::read_dir(fuzz.join(dir).join(name)) else {
                continue;
            };
            for entry in entries.flatten() {
                let input = std::fs::read(entry.path()).expect("read input");
                run(&input);
                ran += 1;
            }
        }
        // A target renamed away from its seeds would otherwise pass on nothing.
        assert!(
            ran > 0,
            "no inputs for target {name} under fuzz/corpus/{name}"
        );
    }
}
