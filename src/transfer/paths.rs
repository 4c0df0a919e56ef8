//! Local paths: how put-objects shows a path and where `get-objects` may write a key,
//! refusing any key that would land outside the output directory, through a symbolic
//! link, or on a temporary file. (Which files put-objects uploads: walk.rs.)

use std::path::{Path, PathBuf};

use super::localfs::{self, Dir};
use crate::output::py_repr_str;

/// Where a downloaded key goes, relative to the output directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum KeyPath {
    File(PathBuf),
    /// A key ending in `/` (a "folder" placeholder): the directory is created.
    Dir(PathBuf),
}

/// Why a key is not saved: it could escape or confuse the output directory, or land on
/// a temporary file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum RefusedKey {
    /// Absolute, empty, or with empty, `.` or `..` segments (or a NUL).
    NotRelative(String),
    /// Its file name has the form of our temporary files.
    TemporaryName(String),
}

impl std::fmt::Display for RefusedKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RefusedKey::NotRelative(key) => write!(
                f,
                "Refused key {}: not a safe relative path (absolute, empty, '.' or '..' segments), it would not be saved inside the output directory",
                py_repr_str(key)
            ),
            RefusedKey::TemporaryName(key) => write!(
                f,
                "Refused key {}: names like {}*{} are kept for temporary files",
                py_repr_str(key),
                localfs::TEMP_PREFIX,
                localfs::TEMP_SUFFIX
            ),
        }
    }
}

impl std::error::Error for RefusedKey {}

/// The relative path for `key`, or why it is refused: absolute keys, empty, `.` and `..`
/// segments could escape or confuse the output directory.
pub(crate) fn key_path(key: &str) -> Result<KeyPath, RefusedKey> {
    let (body, dir) = match key.strip_suffix('/') {
        Some(body) => (body, true),
        None => (key, false),
    };
    let safe = !body.is_empty()
        && body
            .split('/')
            .all(|seg| !seg.is_empty() && seg != "." && seg != ".." && !seg.contains('\0'));
    if !safe {
        return Err(RefusedKey::NotRelative(key.to_string()));
    }
    // Such a file could be another download's temporary file, renamed into place with
    // that download's name once it completes.
    if body.rsplit('/').next().is_some_and(localfs::is_temp_name) {
        return Err(RefusedKey::TemporaryName(key.to_string()));
    }
    let path: PathBuf = body.split('/').collect();
    Ok(if dir {
        KeyPath::Dir(path)
    } else {
        KeyPath::File(path)
    })
}

/// Why a directory below the output directory cannot be used; each names the path so
/// far, as `repr()` shows it.
#[derive(Debug)]
pub(crate) enum Blocked {
    /// A symbolic link, which could lead anywhere.
    Link(String),
    /// A file where a directory should be.
    File(String),
    /// It could not be created or opened.
    Create(String, std::io::Error),
}

impl std::fmt::Display for Blocked {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Blocked::Link(shown) => write!(
                f,
                "{shown} is a symbolic link, and downloads do not follow links"
            ),
            Blocked::File(shown) => write!(f, "{shown} is a file, not a directory"),
            Blocked::Create(shown, e) => {
                write!(
                    f,
                    "could not create {shown}: {}",
                    crate::error::io_reason(e)
                )
            }
        }
    }
}

impl std::error::Error for Blocked {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Blocked::Create(_, e) => Some(e),
            _ => None,
        }
    }
}

/// The directory `relative` names below `root`, each component created when missing
/// and opened without following links: a symbolic link (which could lead anywhere)
/// or a file in the way is refused, naming the component.
pub(crate) fn open_below(root: &Dir, relative: &Path) -> Result<Option<Dir>, Blocked> {
    let mut current: Option<Dir> = None;
    let mut so_far = PathBuf::new();
    for component in relative.iter() {
        so_far.push(component);
        let parent = current.as_ref().unwrap_or(root);
        current = Some(parent.subdir(component).map_err(|e| {
            let shown = py_repr_str(&so_far.to_string_lossy());
            match e.raw_os_error() {
                Some(localfs::ELOOP) => Blocked::Link(shown),
                // ENOTDIR
                Some(20) => Blocked::File(shown),
                _ => Blocked::Create(shown, e),
            }
        })?);
    }
    Ok(current)
}

/// One file `put-objects` uploads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct LocalFile {
    pub path: PathBuf,
    /// `str(path)` as Python's pathlib prints it (for `--dry-run`).
    pub shown: String,
    /// The key before `--prefix`.
    pub key: String,
}

/// `str(pathlib.Path(text))`: repeated and trailing slashes and `.` segments dropped.
pub(crate) fn py_path_str(text: &str) -> String {
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
            assert_eq!(why, RefusedKey::TemporaryName(temp.to_string()));
            assert!(
                why.to_string().contains("kept for temporary files"),
                "{why}"
            );
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
        let found: Vec<LocalFile> = super::super::walk::uploads(&objects)
            .map(Result::unwrap)
            .collect();
        let keys: Vec<&str> = found.iter().map(|f| f.key.as_str()).collect();
        assert_eq!(keys, ["files/a.txt", "files/sub/b.html", "one.txt"]);
        let base = dir.display().to_string();
        assert_eq!(found[1].shown, format!("{base}/files/sub/b.html"));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
