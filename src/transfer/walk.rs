//! put-objects' files, found lazily, in the original's order (`Path.glob("**/*")`: each
//! directory's files in directory order, then its subdirectories depth first, symlinked
//! directories not followed), walked with a stack of open directories instead of a list
//! of every file, so that a tree of millions of files costs the depth of the tree, not
//! its size. The test checks it against the eager walk it replaced.

use std::collections::VecDeque;
use std::ffi::{OsStr, OsString};
use std::fs::ReadDir;
use std::path::PathBuf;

use super::paths::{LocalFile, py_path_str};
use crate::error::{Error, TransferError};

/// A directory being walked.
struct Frame {
    dir: PathBuf,
    shown: String,
    key_prefix: String,
    /// None once every entry has been read.
    entries: Option<ReadDir>,
    /// Subdirectories met while reading, walked after the files.
    subdirs: VecDeque<String>,
}

impl Frame {
    fn open(dir: PathBuf, shown: String, key_prefix: String) -> Frame {
        // The original ignores directories it may not read (PermissionError).
        let entries = std::fs::read_dir(&dir).ok();
        Frame {
            dir,
            shown,
            key_prefix,
            entries,
            subdirs: VecDeque::new(),
        }
    }

    fn join(&self, name: &str) -> String {
        if self.shown == "." {
            name.to_string()
        } else if self.shown.ends_with('/') {
            format!("{}{name}", self.shown)
        } else {
            format!("{}/{name}", self.shown)
        }
    }
}

/// The files `put-objects OBJECTS...` uploads, one at a time.
pub(crate) struct Uploads<'a> {
    objects: std::slice::Iter<'a, OsString>,
    stack: Vec<Frame>,
}

/// Walk `objects` as the original does.
pub(crate) fn uploads(objects: &[OsString]) -> Uploads<'_> {
    Uploads {
        objects: objects.iter(),
        stack: Vec::new(),
    }
}

impl Uploads<'_> {
    /// A named object: a file is yielded, a directory starts a walk.
    fn start(&mut self, obj: &OsStr) -> Result<Option<LocalFile>, Error> {
        let shown = py_path_str(utf8(obj)?);
        let path = PathBuf::from(&shown);
        if path.is_file() {
            let key = match path.file_name() {
                Some(n) => utf8(n)?.to_string(),
                None => String::new(),
            };
            return Ok(Some(LocalFile { path, shown, key }));
        }
        if path.is_dir() {
            // relative_to(path.parent): the directory's own name, then the rest. "." and
            // ".." have no name of their own here (the original crashes on "..").
            let prefix = match path.file_name() {
                Some(n) if n != ".." => format!("{}/", utf8(n)?),
                _ => String::new(),
            };
            self.stack.push(Frame::open(path, shown, prefix));
        }
        Ok(None)
    }
}

impl Iterator for Uploads<'_> {
    type Item = Result<LocalFile, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            let Some(top) = self.stack.last_mut() else {
                let obj = self.objects.next()?;
                match self.start(obj) {
                    Ok(Some(file)) => return Some(Ok(file)),
                    Ok(None) => continue,
                    Err(e) => return Some(Err(e)),
                }
            };
            if let Some(entries) = &mut top.entries {
                match entries.next() {
                    Some(Ok(entry)) => {
                        let path = entry.path();
                        let is_file = path.is_file();
                        if !is_file && !entry.file_type().is_ok_and(|t| t.is_dir()) {
                            continue;
                        }
                        let name = match utf8(&entry.file_name()) {
                            Ok(n) => n.to_string(),
                            Err(e) => return Some(Err(e)),
                        };
                        if is_file {
                            return Some(Ok(LocalFile {
                                shown: top.join(&name),
                                key: format!("{}{name}", top.key_prefix),
                                path,
                            }));
                        }
                        top.subdirs.push_back(name);
                    }
                    Some(Err(_)) => {}
                    None => top.entries = None,
                }
                continue;
            }
            match top.subdirs.pop_front() {
                Some(name) => {
                    let frame = Frame::open(
                        top.dir.join(&name),
                        top.join(&name),
                        format!("{}{name}/", top.key_prefix),
                    );
                    self.stack.push(frame);
                }
                None => {
                    self.stack.pop();
                }
            }
        }
    }
}

fn utf8(s: &OsStr) -> Result<&str, Error> {
    s.to_str().ok_or_else(|| {
        TransferError::NotUtf8 {
            name: s.to_os_string(),
        }
        .into()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    // The eager walk the lazy one replaced, kept as the oracle it is checked against.
    /// The files `put-objects OBJECTS...` uploads, in the original's order: a file as its
    /// own name; a directory's files recursively (`Path.glob("**/*")`: each directory's
    /// entries in directory order, then its subdirectories depth first, symlinked
    /// directories not followed), keyed by their path below the directory's parent.
    /// Names that are neither files nor directories are skipped, as the original does.
    fn collect_uploads(objects: &[OsString]) -> Result<Vec<LocalFile>, Error> {
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

    fn walk(
        dir: &Path,
        shown: &str,
        key_prefix: &str,
        out: &mut Vec<LocalFile>,
    ) -> Result<(), Error> {
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

    #[test]
    fn walks_like_collect_uploads() {
        let dir = std::env::temp_dir().join(format!("s3c-walk-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        for d in ["files/sub/deeper", "files/other", "files/empty"] {
            std::fs::create_dir_all(dir.join(d)).unwrap();
        }
        for f in [
            "files/a.txt",
            "files/z.txt",
            "files/sub/b.html",
            "files/sub/deeper/c",
            "files/other/d",
            "one.txt",
        ] {
            std::fs::write(dir.join(f), f).unwrap();
        }
        let objects = [
            dir.join("files").into_os_string(),
            dir.join("one.txt").into_os_string(),
            dir.join("missing").into_os_string(),
            OsString::from(format!("{}//files/./sub/", dir.display())),
        ];
        let lazy: Vec<LocalFile> = uploads(&objects).map(Result::unwrap).collect();
        let eager = collect_uploads(&objects).unwrap();
        assert_eq!(lazy, eager);
        assert_eq!(lazy.len(), 8);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
