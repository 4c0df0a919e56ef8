//! get-object, put-object, get-objects, put-objects, delete-objects.

use crate::compat::model::{Scenario, Seen, Server, Setup, run, scenario};

const UNI: &str = "uni/naïve 😀.txt";

fn binary() -> Vec<u8> {
    (0..=255u8).rev().collect()
}

pub fn scenarios() -> Vec<Scenario> {
    vec![
        put_object(),
        get_object(),
        get_objects(),
        put_objects(),
        delete_objects(),
    ]
}

fn put_object() -> Scenario {
    scenario("put-object", Server::Open)
        .setup(Setup::Bucket("up-bucket"))
        .file("hello.txt", "Hello world\n")
        .file("page.html", "<p>hi</p>\n")
        .file("data.bin", binary())
        .file("naïve 😀.txt", "unicode\n")
        .file("noext", "")
        .step(run(&["put-object", "up-bucket", "hello.txt", "hello.txt"]))
        .step(run(&["put-object", "up-bucket", "stdin.txt", "-"]).stdin("from stdin"))
        .step(run(&["put-object", "up-bucket", "quiet.txt", "hello.txt", "-s"]))
        .step(run(&["put-object", "up-bucket", "page.html", "page.html", "--silent"]))
        .step(run(&["put-object", "up-bucket", "typed", "data.bin", "--content-type", "application/x-custom"]))
        .step(run(&["put-object", "up-bucket", "stdin-typed", "-", "--content-type", "text/csv"]).stdin("a,b\n"))
        .step(run(&["put-object", "up-bucket", UNI, "naïve 😀.txt"]))
        .step(run(&["put-object", "up-bucket", "empty", "noext"]))
        .step(run(&["put-object", "up-bucket", "hello.txt", "page.html"]))
        .step(run(&["list-bucket", "up-bucket"]))
        .step(run(&["get-object", "up-bucket", "hello.txt"]))
        .step(run(&["get-object", "up-bucket", "typed"]))
        .step(run(&["get-object", "up-bucket", UNI]))
        .step(run(&["put-object", "no-such-bucket", "k", "hello.txt"]).aws_traceback(
            "botocore.errorfactory.NoSuchBucket",
            "An error occurred (NoSuchBucket) when calling the PutObject operation: The specified bucket does not exist",
        ))
        .probe("/up-bucket/hello.txt")
        .probe("/up-bucket/stdin.txt")
        .probe("/up-bucket/page.html")
        .probe("/up-bucket/typed")
        .probe("/up-bucket/stdin-typed")
        .probe(&format!("/up-bucket/{UNI}"))
        .probe("/up-bucket/empty")
}

fn get_object() -> Scenario {
    scenario("get-object", Server::Open)
        .setup(Setup::Bucket("get-bucket"))
        .setup(Setup::Object("get-bucket", "hello.txt", b"Hello world\n".to_vec()))
        .setup(Setup::Object("get-bucket", "bin", binary()))
        .setup(Setup::Object("get-bucket", UNI, "ünï\n".as_bytes().to_vec()))
        .setup(Setup::Object("get-bucket", "empty.txt", Vec::new()))
        .setup(Setup::Object("get-bucket", "dir/x.txt", b"x".to_vec()))
        .step(run(&["get-object", "get-bucket", "hello.txt"]))
        .step(run(&["get-object", "get-bucket", "bin"]))
        .step(run(&["get-object", "get-bucket", UNI]))
        .step(run(&["get-object", "get-bucket", "empty.txt"]))
        .step(run(&["get-object", "get-bucket", "dir/x.txt", "-o", "x.txt"]).tree("."))
        .step(run(&["get-object", "get-bucket", "bin", "--output", "bin.out"]).tree("."))
        .step(run(&["get-object", "get-bucket", UNI, "-o", "ünï.txt"]).tree("."))
        .step(run(&["get-object", "get-bucket", "hello.txt", "-o", "x.txt"]).tree("."))
        .step(run(&["get-object", "get-bucket", "nope.txt"]).traceback(
            "botocore.exceptions.ClientError: An error occurred (404) when calling the HeadObject operation: Not Found",
            "Error: An error occurred (NoSuchKey) when calling the HeadObject operation: The specified key does not exist. (request id: <REQID>)",
            HEAD_404,
        ))
        .step(run(&["get-object", "no-such-bucket", "k"]).traceback(
            "botocore.exceptions.ClientError: An error occurred (404) when calling the HeadObject operation: Not Found",
            "Error: An error occurred (NoSuchBucket) when calling the HeadObject operation: The specified bucket does not exist (request id: <REQID>)",
            HEAD_404,
        ))
        .step(run(&["get-object", "get-bucket", "nope.txt", "-o", "partial.txt"]).tree(".").custom(
            "the original opens -o before downloading, so a missing key leaves an empty file and a traceback; we leave no file and print one Error: line",
            |original, ours| {
                let last = original.stderr.trim_end().lines().last().unwrap_or_default();
                let left = original.tree.as_ref().and_then(|t| t.get("partial.txt"));
                if original.code != 1 || !last.ends_with("(404) when calling the HeadObject operation: Not Found") || left.map(String::as_str) != Some("") {
                    return Err(format!("the original changed:\n{}\n{:?}", crate::compat::runner::show(original), original.tree));
                }
                let mut expected_tree = original.tree.clone().unwrap_or_default();
                expected_tree.remove("partial.txt");
                crate::compat::runner::same(
                    &Seen {
                        code: 1,
                        stdout: String::new(),
                        stderr: "Error: An error occurred (NoSuchKey) when calling the HeadObject operation: The specified key does not exist. (request id: <REQID>)\n".into(),
                        tree: Some(expected_tree),
                    },
                    ours,
                )
            },
        ))
}

/// A HEAD 404 has no body: botocore reports "(404) Not Found" in a traceback; we say
/// which of key and bucket is missing (one HeadBucket tells them apart).
const HEAD_404: &str = "the original prints a traceback with botocore's \"(404) Not Found\" for a body-less HEAD 404; we print one Error: line naming NoSuchKey or NoSuchBucket";

fn get_objects() -> Scenario {
    let mut s = scenario("get-objects", Server::Open)
        .setup(Setup::Bucket("many"))
        .setup(Setup::Bucket("empty-bucket"))
        .file("afile", "x");
    for (key, body) in [
        ("a.txt", "aaaaa"),
        ("dir/b.txt", "bb"),
        ("dir/sub/c.html", "<c/>"),
        ("x.js", "x()"),
        ("dir/y.js", "y()"),
        (UNI, "ü"),
    ] {
        s = s.setup(Setup::Object("many", key, body.as_bytes().to_vec()));
    }
    s.step(run(&["get-objects", "many", "-o", "all"]).tree("all"))
        .step(run(&["get-objects", "many", "a.txt", "dir/b.txt", "-o", "some"]).tree("some"))
        .step(run(&["get-objects", "many", "-p", "*.js", "-o", "js"]).tree("js"))
        .step(run(&["get-objects", "many", "--pattern", "*.js", "-p", "dir/*", "-o", "multi"]).tree("multi"))
        .step(run(&["get-objects", "many", "a.txt", "-p", "*.js", "--output", "mixed"]).tree("mixed"))
        .step(run(&["get-objects", "many", "-p", "nothing*", "-o", "none"]).tree("none"))
        .step(run(&["get-objects", "many", "-s", "-o", "quiet"]).tree("quiet"))
        .step(run(&["get-objects", "many", UNI, "--silent", "-o", "uni-out"]).tree("uni-out"))
        .step(run(&["get-objects", "many", "a.txt", "nope.txt", "-o", "miss"]).tree("miss"))
        .step(run(&["get-objects", "many", "nope.txt", "-s", "-o", "miss2"]).tree("miss2"))
        .step(run(&["get-objects", "empty-bucket", "-o", "from-empty"]).tree("from-empty"))
        .step(run(&["get-objects", "many", "dir/b.txt"]).tree("."))
        .step(run(&["get-objects", "no-such-bucket", "-o", "nb"]).aws_traceback(
            "botocore.errorfactory.NoSuchBucket",
            "An error occurred (NoSuchBucket) when calling the ListObjectsV2 operation: The specified bucket does not exist",
        ))
}

fn put_objects() -> Scenario {
    scenario("put-objects", Server::Open)
        .setup(Setup::Bucket("put-bucket"))
        .file("one.txt", "one\n")
        .file("two.txt", "two\n")
        .file("folder/a.txt", "a")
        .file("folder/sub/b.txt", "bb")
        .file("folder/sub/c.html", "<c/>")
        .file("naïve 😀.txt", "ü")
        .step(run(&["put-objects", "put-bucket", "one.txt", "two.txt"]))
        .step(run(&["put-objects", "put-bucket", "folder/sub", "--dry-run"]))
        .step(run(&["put-objects", "put-bucket", "one.txt", "folder/sub/b.txt", "--prefix", "pre", "--dry-run"]))
        .step(run(&["put-objects", "put-bucket", "one.txt", "--prefix", "slash/", "--dry-run"]))
        .step(run(&["put-objects", "put-bucket", "folder/sub"]))
        .step(run(&["put-objects", "put-bucket", "one.txt", "--prefix", "pre"]))
        .step(run(&["put-objects", "put-bucket", "two.txt", "--prefix", "slash/", "-s"]))
        .step(run(&["put-objects", "put-bucket", "naïve 😀.txt", "--silent"]))
        .step(run(&["put-objects", "put-bucket", "missing.txt"]))
        .step(run(&["put-objects", "put-bucket", "missing.txt", "--dry-run"]))
        .step(run(&["list-bucket", "put-bucket", "--nl"]))
        // boto3's upload_file wraps the botocore error; the line we print is botocore's.
        .step(run(&["put-objects", "no-such-bucket", "one.txt", "-s"]).traceback(
            "boto3.exceptions.S3UploadFailedError: Failed to upload one.txt to no-such-bucket/one.txt: An error occurred (NoSuchBucket) when calling the PutObject operation: The specified bucket does not exist",
            "Error: An error occurred (NoSuchBucket) when calling the PutObject operation: The specified bucket does not exist (request id: <REQID>)",
            "the original prints a Python traceback for this AWS error; we print one Error: line and exit 1",
        ))
        .probe("/put-bucket/one.txt")
        .probe("/put-bucket/sub/c.html")
        .probe("/put-bucket/pre/one.txt")
}

fn delete_objects() -> Scenario {
    let mut s = scenario("delete-objects", Server::Open).setup(Setup::Bucket("del-bucket"));
    for key in [
        "a.txt",
        "b.txt",
        "dir/c.txt",
        "dir/d.txt",
        "dir2/e.txt",
        UNI,
        "keep.txt",
    ] {
        s = s.setup(Setup::Object("del-bucket", key, b"x".to_vec()));
    }
    s.steps(
        [
            &["delete-objects", "del-bucket", "a.txt", "b.txt"][..],
            &["delete-objects", "del-bucket", "--prefix", "dir/", "-d"],
            &["delete-objects", "del-bucket", "--prefix", "dir", "--dry-run", "-s"],
            &["delete-objects", "del-bucket", "--prefix", "dir/"],
            &["delete-objects", "del-bucket", UNI, "-s"],
            &["delete-objects", "del-bucket", "nope.txt"],
            &["delete-objects", "del-bucket", "a.txt", "--prefix", "x"],
            &["delete-objects", "del-bucket"],
            &["delete-objects", "del-bucket", "--prefix", "nothing"],
            &["delete-objects", "del-bucket", "--prefix", "dir2", "--silent"],
            &["list-bucket", "del-bucket"],
        ]
        .iter()
        .map(|a| run(a)),
    )
    .step(run(&["delete-objects", "no-such-bucket", "k"]).aws_traceback(
        "botocore.errorfactory.NoSuchBucket",
        "An error occurred (NoSuchBucket) when calling the DeleteObjects operation: The specified bucket does not exist",
    ))
}
