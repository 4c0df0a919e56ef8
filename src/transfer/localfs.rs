//! Writing downloads below a directory without ever following a symbolic link, under
//! names nobody else can predict.
//!
//! A directory is held open ([`Dir`]) and everything below it is reached relative to
//! that descriptor (`openat`, `mkdirat`, `renameat`, `unlinkat`), one path component
//! at a time with `O_NOFOLLOW`: a symbolic link planted in the output directory (by
//! another user, or by a key downloaded earlier) is refused instead of followed, and
//! there is no window between checking a path and using it. Temporary files get 128
//! random bits in their name and are created exclusively (`O_EXCL|O_NOFOLLOW`, mode
//! 0600), so a file or link someone planted at a name cannot be reused or hijacked.
//!
//! std has no directory-relative calls, so the few C functions are declared here, as
//! src/aws/tcp.rs declares setsockopt; the flag values are the kernel's own.

use std::ffi::{CStr, CString, OsStr, OsString};
use std::fs::File;
use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::os::raw::{c_char, c_int, c_uint};
use std::os::unix::ffi::OsStrExt;
use std::path::Path;
use std::sync::OnceLock;

#[cfg(any(target_arch = "mips", target_arch = "mips64", target_arch = "sparc64"))]
compile_error!("localfs: the open(2) flag values here are not those of this architecture");

#[cfg(target_os = "linux")]
mod flags {
    pub(super) const AT_FDCWD: i32 = -100;
    pub(super) const O_CREAT: i32 = 0o100;
    pub(super) const O_EXCL: i32 = 0o200;
    pub(super) const O_CLOEXEC: i32 = 0o2000000;
    // arm, aarch64 and powerpc number these two differently from the rest.
    #[cfg(any(
        target_arch = "arm",
        target_arch = "aarch64",
        target_arch = "powerpc",
        target_arch = "powerpc64"
    ))]
    pub const O_DIRECTORY: i32 = 0o40000;
    #[cfg(any(
        target_arch = "arm",
        target_arch = "aarch64",
        target_arch = "powerpc",
        target_arch = "powerpc64"
    ))]
    pub const O_NOFOLLOW: i32 = 0o100000;
    #[cfg(not(any(
        target_arch = "arm",
        target_arch = "aarch64",
        target_arch = "powerpc",
        target_arch = "powerpc64"
    )))]
    pub(super) const O_DIRECTORY: i32 = 0o200000;
    #[cfg(not(any(
        target_arch = "arm",
        target_arch = "aarch64",
        target_arch = "powerpc",
        target_arch = "powerpc64"
    )))]
    pub(super) const O_NOFOLLOW: i32 = 0o400000;
    pub(super) type Mode = u32;
}

#[cfg(target_vendor = "apple")]
mod flags {
    pub const AT_FDCWD: i32 = -2;
    pub const O_CREAT: i32 = 0x200;
    pub const O_EXCL: i32 = 0x800;
    pub const O_CLOEXEC: i32 = 0x0100_0000;
    pub const O_DIRECTORY: i32 = 0x0010_0000;
    pub const O_NOFOLLOW: i32 = 0x100;
    pub type Mode = u16;
}

use flags::*;

/// The errno [`Dir::subdir`] fails with when a symbolic link is in the way.
#[cfg(target_os = "linux")]
pub(crate) const ELOOP: i32 = 40;
#[cfg(target_vendor = "apple")]
pub const ELOOP: i32 = 62;
const O_RDONLY: i32 = 0;
const O_RDWR: i32 = 2;

unsafe extern "C" {
    fn openat(dirfd: c_int, path: *const c_char, flags: c_int, ...) -> c_int;
    fn mkdirat(dirfd: c_int, path: *const c_char, mode: Mode) -> c_int;
    fn renameat(olddirfd: c_int, old: *const c_char, newdirfd: c_int, new: *const c_char) -> c_int;
    fn unlinkat(dirfd: c_int, path: *const c_char, flags: c_int) -> c_int;
    fn readlinkat(dirfd: c_int, path: *const c_char, buf: *mut c_char, len: usize) -> isize;
    fn umask(mask: Mode) -> Mode;
}

/// What every temporary file's name starts and ends with; keys with such a file name
/// are refused (paths.rs), so a download can never land on another's temporary file.
pub(crate) const TEMP_PREFIX: &str = ".s3-credentials-";
pub(crate) const TEMP_SUFFIX: &str = ".part";

/// Whether `name` has the form of one of our temporary files.
pub(crate) fn is_temp_name(name: &str) -> bool {
    name.starts_with(TEMP_PREFIX) && name.ends_with(TEMP_SUFFIX)
}

fn c_name(name: &OsStr) -> io::Result<CString> {
    CString::new(name.as_bytes()).map_err(|_| io::Error::from(io::ErrorKind::InvalidInput))
}

/// -1 with errno, as the C calls report failure, into an io::Error.
fn check(rc: c_int) -> io::Result<c_int> {
    if rc < 0 {
        Err(io::Error::last_os_error())
    } else {
        Ok(rc)
    }
}

/// The directory `name` relative to `dirfd` (AT_FDCWD: the working directory), opened
/// read-only with `extra` flags (O_NOFOLLOW below a [`Dir`]).
fn open_dir(dirfd: c_int, name: &CStr, extra: c_int) -> io::Result<Dir> {
    let flags = O_RDONLY | O_DIRECTORY | O_CLOEXEC | extra;
    // SAFETY: a valid directory fd (or AT_FDCWD) and a NUL-terminated name; no mode is
    // passed, as O_CREAT is not among the flags.
    let fd = check(unsafe { openat(dirfd, name.as_ptr(), flags) })?;
    // SAFETY: `fd` was just opened and is owned by nothing else.
    Ok(Dir {
        fd: unsafe { OwnedFd::from_raw_fd(fd) },
    })
}

/// An open directory; everything below it is reached without following links.
#[derive(Debug)]
pub(crate) struct Dir {
    fd: OwnedFd,
}

impl Dir {
    /// Open the directory the user named (links in this path are the user's own and
    /// are followed, as any program would).
    pub(crate) fn open(path: &Path) -> io::Result<Dir> {
        // Learnt before any download starts its threads (see [`file_mode`]).
        file_mode();
        let path = if path.as_os_str().is_empty() {
            Path::new(".")
        } else {
            path
        };
        open_dir(AT_FDCWD, &c_name(path.as_os_str())?, 0)
    }

    /// The subdirectory `name`, created first when missing. A symbolic link there
    /// fails with [`ELOOP`], a file with ENOTDIR.
    pub(crate) fn subdir(&self, name: &OsStr) -> io::Result<Dir> {
        let cname = c_name(name)?;
        // SAFETY: a valid directory fd and a NUL-terminated name.
        let made = check(unsafe { mkdirat(self.fd.as_raw_fd(), cname.as_ptr(), 0o777) });
        match made {
            Ok(_) => {}
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(e),
        }
        open_dir(self.fd.as_raw_fd(), &cname, O_NOFOLLOW).map_err(|e| {
            // Linux says ENOTDIR for a link here, as for a file; tell them apart.
            let mut buf = [0 as c_char; 1];
            // SAFETY: a valid directory fd, a NUL-terminated name, a 1-byte buffer.
            let link =
                unsafe { readlinkat(self.fd.as_raw_fd(), cname.as_ptr(), buf.as_mut_ptr(), 1) };
            if link >= 0 {
                io::Error::from_raw_os_error(ELOOP)
            } else {
                e
            }
        })
    }

    /// A new, empty file with an unpredictable name in this directory, readable and
    /// writable by this user only until [`Dir::publish`] gives it its final mode.
    pub(crate) fn create_temp(&self) -> io::Result<(OsString, File)> {
        let rng = ring::rand::SystemRandom::new();
        loop {
            let mut bytes = [0u8; 16];
            ring::rand::SecureRandom::fill(&rng, &mut bytes)
                .map_err(|_| io::Error::other("no random numbers from the system"))?;
            let name = format!("{TEMP_PREFIX}{}{TEMP_SUFFIX}", hex::encode(bytes));
            let cname = c_name(OsStr::new(&name))?;
            // SAFETY: a valid directory fd, a NUL-terminated name, and the mode that
            // O_CREAT requires as the variadic argument (promoted to unsigned int).
            let rc = unsafe {
                openat(
                    self.fd.as_raw_fd(),
                    cname.as_ptr(),
                    O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                    0o600 as c_uint,
                )
            };
            match check(rc) {
                // SAFETY: just opened, owned by nothing else.
                Ok(fd) => return Ok((OsString::from(name), unsafe { File::from_raw_fd(fd) })),
                // Someone has that name (128 random bits: only by planting it): another.
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(e),
            }
        }
    }

    /// Give the temporary file `file` (named `temp` here) the mode a new file gets
    /// (0666 less the umask, as the original's downloads have) and rename it to
    /// `name`, replacing a file (or a link itself, never what it points to) there.
    pub(crate) fn publish(&self, file: &File, temp: &OsStr, name: &OsStr) -> io::Result<()> {
        use std::os::unix::fs::PermissionsExt;
        file.set_permissions(std::fs::Permissions::from_mode(file_mode()))?;
        let (from, to) = (c_name(temp)?, c_name(name)?);
        let fd = self.fd.as_raw_fd();
        // SAFETY: a valid directory fd and two NUL-terminated names.
        check(unsafe { renameat(fd, from.as_ptr(), fd, to.as_ptr()) })?;
        Ok(())
    }

    /// Remove the file `name` (not a directory) from this directory.
    pub(crate) fn remove(&self, name: &OsStr) -> io::Result<()> {
        let cname = c_name(name)?;
        // SAFETY: a valid directory fd and a NUL-terminated name.
        check(unsafe { unlinkat(self.fd.as_raw_fd(), cname.as_ptr(), 0) })?;
        Ok(())
    }
}

/// The mode of a newly created file: 0666 without the process's umask. Read once; on
/// Linux from /proc (setting the umask to read it would change it for other threads for
/// a moment), elsewhere by setting and restoring it before any download thread runs.
fn file_mode() -> u32 {
    static MODE: OnceLock<u32> = OnceLock::new();
    *MODE.get_or_init(|| {
        let from_proc = std::fs::read_to_string("/proc/self/status")
            .ok()
            .and_then(|s| {
                let line = s.lines().find(|l| l.starts_with("Umask:"))?;
                u32::from_str_radix(line["Umask:".len()..].trim(), 8).ok()
            });
        // mode_t is u16 on macOS, u32 on Linux.
        #[allow(clippy::useless_conversion)]
        let mask = from_proc.unwrap_or_else(|| {
            // SAFETY: umask cannot fail; the old mask is put straight back.
            unsafe {
                let old = umask(0o077);
                umask(old);
                u32::from(old)
            }
        });
        0o666 & !mask
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(tag: &str) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("s3c-localfs-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn links_are_not_followed_below_the_directory() {
        let root = scratch("links");
        let outside = scratch("links-outside");
        std::os::unix::fs::symlink(&outside, root.join("link")).unwrap();
        std::fs::write(root.join("file"), "x").unwrap();
        let dir = Dir::open(&root).unwrap();
        let err = dir.subdir(OsStr::new("link")).unwrap_err();
        assert_eq!(err.raw_os_error(), Some(ELOOP), "{err:?}");
        assert!(dir.subdir(OsStr::new("file")).is_err());
        let sub = dir.subdir(OsStr::new("made")).unwrap();
        assert!(root.join("made").is_dir());
        let (temp, file) = sub.create_temp().unwrap();
        let temp_str = temp.to_str().unwrap();
        assert!(is_temp_name(temp_str), "{temp_str}");
        assert_eq!(temp_str.len(), TEMP_PREFIX.len() + 32 + TEMP_SUFFIX.len());
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&root.join("made").join(&temp)), 0o600);
        sub.publish(&file, &temp, OsStr::new("final")).unwrap();
        assert_eq!(mode(&root.join("made/final")), file_mode());
        assert!(!root.join("made").join(&temp).exists());
        assert_eq!(std::fs::read_dir(&outside).unwrap().count(), 0);
        std::fs::remove_dir_all(&root).unwrap();
        std::fs::remove_dir_all(&outside).unwrap();
    }

    #[test]
    fn temporary_names_differ_every_time() {
        let root = scratch("names");
        let dir = Dir::open(&root).unwrap();
        let (a, _) = dir.create_temp().unwrap();
        let (b, _) = dir.create_temp().unwrap();
        assert_ne!(a, b);
        dir.remove(&a).unwrap();
        dir.remove(&b).unwrap();
        assert_eq!(std::fs::read_dir(&root).unwrap().count(), 0);
        std::fs::remove_dir_all(&root).unwrap();
    }
}
