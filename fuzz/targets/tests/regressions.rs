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

/// The xml target reads through a `shape!` type; a document with every member it declares
/// must come out whole, or the target would be fuzzing a reader that reads nothing.
#[test]
fn the_xml_shape_reads_every_member_kind() {
    use s3_credentials::fuzzing::{xml_parse, xml_to_json};
    let doc = br#"<R xmlns:xsi="x" xsi:token="t1"><Marker>m</Marker>
        <Owner xsi:type="Group"><Name>o</Name><Size> 7 </Size><IsTruncated>TRUE</IsTruncated>
        <CreateDate>2026-11-28T22:57:20Z</CreateDate><PolicyDocument>%7B%22a%22%3A1%7D</PolicyDocument></Owner>
        <Users><member><Name>u</Name></member></Users>
        <Contents><Key>k</Key><Size>1</Size></Contents><Contents><Key>j</Key></Contents>
        <Buckets><Bucket><Name>b</Name></Bucket></Buckets><Name>whole</Name></R>"#;
    let root = xml_parse(doc).expect("a well-formed document");
    assert_eq!(
        s3_credentials::output::dumps(&xml_to_json(&root), None),
        r#"{"Owner": {"Name": "o", "Size": 7, "IsTruncated": true, "CreateDate": "2026-11-28 22:57:20+00:00", "PolicyDocument": {"a": 1}, "Type": "Group"}, "Users": [{"Name": "u"}], "Contents": [{"Key": "k", "Size": 1}, {"Key": "j"}], "Buckets": [{"Name": "b"}], "Marker": "m", "NextToken": "t1", "Whole": {"Name": "whole"}}"#
    );
}
