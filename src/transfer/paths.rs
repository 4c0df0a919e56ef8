//! Local paths: which files `put-objects` uploads under which keys (in the original's
//! order), and where `get-objects` may write a key, refusing any key that would land
//! outside the output directory, through a symbolic link, or on a temporary file.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};

use super::localfs::{self, Dir};
use crate::output::py_repr_str;

/// Where a downloaded key goes, relative to the output directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyPath {
    File(PathBuf),
    /// A key ending in `/` (a "folder" placeholder): the directory is created.
    Dir(PathBuf),
}

/// The relative path for `key`, or the message saying why it is refused: absolute keys,
/// empty, `.` and `..` segments could escape or confuse the output directory.
pub fn key_path(key: &str) -> Result<KeyPath, String> {
    let (body, dir) = match key.strip_suffix('/') {
        Some(body) => (body, true),
        None => (key, false),
    };
    let safe = !body.is_empty()
        && body
            .split('/')
            .all(|seg| !seg.is_empty() && seg != "." && seg != ".." && !seg.contains('\0'));
    if !safe {
        return Err(format!(
            "Refused key {}: not a safe relative path (absolute, empty, '.' or '..' segments), it would not be saved inside the output directory",
            py_repr_str(key)
        ));
    }
    // Such a file could be another download's temporary file, renamed into place with
    // that download's name once it completes.
    if body.rsplit('/').next().is_some_and(localfs::is_temp_name) {
        return Err(format!(
            "Refused key {}: names like {}*{} are kept for temporary files",
            py_repr_str(key),
            localfs::TEMP_PREFIX,
            localfs::TEMP_SUFFIX
        ));
    }
    let path: PathBuf = body.split('/').collect();
    Ok(if dir {
        KeyPath::Dir(path)
    } else {
        KeyPath::File(path)
    })
}

/// The directory `relative` names below `root`, each component created when missing
/// and opened without following links: a symbolic link (which could lead anywhere)
/// or a file in the way is refused with the reason, naming the component.
pub fn open_below(root: &Dir, relative: &Path) -> Result<Option<Dir>, String> {
    let mut current: Option<Dir> = None;
    let mut so_far = PathBuf::new();
    for component in relative.iter() {
        so_far.push(component);
        let parent = current.as_ref().unwrap_or(root);
        current = Some(parent.subdir(component).map_err(|e| {
            let shown = py_repr_str(&so_far.to_string_lossy());
            match e.raw_os_error() {
                Some(localfs::ELOOP) => {
                    format!("{shown} is a symbolic link, and downloads do not follow links")
                }
                Some(20) => format!("{shown} is a file, not a directory"),
                _ => format!("could not create {shown}: {}", crate::error::io_reason(&e)),
            }
        })?);
    }
    Ok(current)
}

/// One file `put-objects` uploads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalFile {
    pub path: PathBuf,
    /// `str(path)` as Python's pathlib prints it (for `--dry-run`).
    pub shown: String,
    /// The key before `--prefix`.
    pub key: String,
}

/// `str(pathlib.Path(text))`: repeated and trailing slashes and `.` segments dropped.
pub fn py_path_str(text: &str) -> String {
    if text.is_empty() {
        return ".".to_string();
    }
    // POSIX keeps exactly two leading slashes; pathlib does too.
    let root = if text.starts_with("//") && !text.starts_with("///") {
        "//"
    } else if text.starts_with('/') {
        "/"
    } else {
        ""
    };
    let parts: Vec<&str> = text
        .split('/')
        .filter(|s| !s.is_empty() && *s != ".")
        .collect();
    match (root, parts.is_empty()) {
        ("", true) => ".".to_string(),
        (root, _) => format!("{root}{}", parts.join("/")),
    }
}

/// The files `put-objects OBJECTS...` uploads, in the original's order: a file as its
/// own name; a directory's files recursively (`Path.glob("**/*")`: each directory's
/// entries in directory order, then its subdirectories depth first, symlinked
/// directories not followed), keyed by their path below the directory's parent.
/// Names that are neither files nor directories are skipped, as the original does.
pub fn collect_uploads(objects: &[std::ffi::OsString]) -> Result<Vec<LocalFile>, String> {
    let mut out = Vec::new();
    for obj in objects {
        let text = utf8(obj)?;
        let shown = py_path_str(text);
        let path = PathBuf::from(&shown);
        if path.is_file() {
            let name = path
                .file_name()
                .map(|n| utf8(n).map(str::to_string))
                .transpose()?
                .unwrap_or_default();
            out.push(LocalFile {
                path,
                shown,
                key: name,
            });
        } else if path.is_dir() {
            // relative_to(path.parent): the directory's own name, then the rest. "." and
            // ".." have no name of their own here (the original crashes on "..").
            let prefix = match path.file_name() {
                Some(n) if n != ".." => format!("{}/", utf8(n)?),
                _ => String::new(),
            };
            walk(&path, &shown, &prefix, &mut out)?;
        }
    }
    Ok(out)
}

fn walk(dir: &Path, shown: &str, key_prefix: &str, out: &mut Vec<LocalFile>) -> Result<(), String> {
    // The original ignores directories it may not read (PermissionError).
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Ok(());
    };
    let entries: Vec<_> = entries.flatten().collect();
    let join = |name: &str| {
        if shown == "." {
            name.to_string()
        } else if shown.ends_with('/') {
            format!("{shown}{name}")
        } else {
            format!("{shown}/{name}")
        }
    };
    for entry in &entries {
        let path = entry.path();
        if path.is_file() {
            let name = utf8(entry.file_name().as_os_str())?.to_string();
            out.push(LocalFile {
                shown: join(&name),
                key: format!("{key_prefix}{name}"),
                path,
            });
        }
    }
    for entry in &entries {
        if entry.file_type().is_ok_and(|t| t.is_dir()) {
            let name = utf8(entry.file_name().as_os_str())?.to_string();
            walk(
                &entry.path(),
                &join(&name),
                &format!("{key_prefix}{name}/"),
                out,
            )?;
        }
    }
    Ok(())
}

fn utf8(s: &OsStr) -> Result<&str, String> {
    s.to_str().ok_or_else(|| {
        format!(
            "{}: file names must be valid UTF-8 to become S3 keys",
            s.to_string_lossy()
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unsafe_keys_are_refused() {
        for bad in [
            "../x",
            "a/../../x",
            "/etc/passwd",
            "a//b",
            "./a",
            "a/./b",
            "",
            "/",
            "..",
            "a\0b",
        ] {
            assert!(key_path(bad).is_err(), "{bad:?}");
        }
        assert_eq!(
            key_path("a b/ü+c.txt"),
            Ok(KeyPath::File(PathBuf::from("a b/ü+c.txt")))
        );
        assert_eq!(
            key_path("dir/sub/"),
            Ok(KeyPath::Dir(PathBuf::from("dir/sub")))
        );
        assert_eq!(key_path("..a/b..").map(|_| ()), Ok(()));
        // Names of temporary files, old style or new, are not for keys.
        for temp in [
            ".s3-credentials-123-0.part",
            "dir/.s3-credentials-0123456789abcdef0123456789abcdef.part",
            ".s3-credentials-x.part/",
        ] {
            let why = key_path(temp).unwrap_err();
            assert!(why.contains("kept for temporary files"), "{why}");
        }
        assert!(key_path(".s3-credentials-x.part/inside").is_ok());
    }

    #[test]
    fn paths_print_as_pathlib_does() {
        // str(pathlib.Path(x)) in Python 3.11.
        for (given, want) in [
            ("files", "files"),
            ("files/", "files"),
            ("./files", "files"),
            ("a//b/./c/", "a/b/c"),
            ("", "."),
            (".", "."),
            ("/", "/"),
            ("//x", "//x"),
            ("///x", "/x"),
            ("../x", "../x"),
        ] {
            assert_eq!(py_path_str(given), want, "{given:?}");
        }
    }

    #[test]
    fn directories_upload_below_their_parent() {
        let dir = std::env::temp_dir().join(format!("s3c-paths-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("files/sub")).unwrap();
        std::fs::write(dir.join("files/a.txt"), "a").unwrap();
        std::fs::write(dir.join("files/sub/b.html"), "b").unwrap();
        std::fs::write(dir.join("one.txt"), "1").unwrap();
        let objects = [
            dir.join("files").into_os_string(),
            dir.join("one.txt").into_os_string(),
            dir.join("missing").into_os_string(),
        ];
        let found = collect_uploads(&objects).unwrap();
        let keys: Vec<&str> = found.iter().map(|f| f.key.as_str()).collect();
        assert_eq!(keys, ["files/a.txt", "files/sub/b.html", "one.txt"]);
        let base = dir.display().to_string();
        assert_eq!(found[1].shown, format!("{base}/files/sub/b.html"));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
