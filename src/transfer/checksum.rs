//! Checksums of what is sent and of what arrives: CRC32 (the `x-amz-checksum-crc32`
//! every upload carries), SHA-256 (the signed payload hash over plain HTTP), and the
//! whole-object checksums S3 can return on download (CRC32, CRC64NVME, SHA-256).

use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

use sha2::{Digest, Sha256};

use crate::aws::md5::base64;

/// Read buffer for hashing and copying: big enough for few system calls, small
/// enough to keep many workers' memory low.
pub(crate) const BUF: usize = 256 * 1024;

/// What an upload's request needs to know about its body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Digests {
    pub crc32: u32,
    /// Hex SHA-256, when asked for.
    pub sha256: Option<String>,
}

/// Digests of bytes in memory.
pub(crate) fn of_bytes(bytes: &[u8], sha256: bool) -> Digests {
    Digests {
        crc32: crc32fast::hash(bytes),
        sha256: sha256.then(|| hex::encode(Sha256::digest(bytes))),
    }
}

/// Digests of `len` bytes of a file from `offset`. A file shorter than that (it changed
/// since we looked) is an error, so what is hashed is exactly what will be sent.
pub(crate) fn of_file_range(
    path: &Path,
    offset: u64,
    len: u64,
    sha256: bool,
) -> std::io::Result<Digests> {
    let mut file = std::fs::File::open(path)?;
    file.seek(SeekFrom::Start(offset))?;
    let mut crc = crc32fast::Hasher::new();
    let mut sha = sha256.then(Sha256::new);
    let mut buf = vec![0u8; BUF.min(len.max(1) as usize)];
    let mut left = len;
    while left > 0 {
        let want = buf.len().min(left as usize);
        let n = file.read(&mut buf[..want])?;
        if n == 0 {
            return Err(std::io::Error::new(
                std::io::ErrorKind::UnexpectedEof,
                "the file got shorter while it was being uploaded",
            ));
        }
        crc.update(&buf[..n]);
        if let Some(sha) = &mut sha {
            sha.update(&buf[..n]);
        }
        left -= n as u64;
    }
    Ok(Digests {
        crc32: crc.finalize(),
        sha256: sha.map(|s| hex::encode(s.finalize())),
    })
}

/// A running checksum of downloaded bytes, for one of the algorithms S3 returns.
pub(crate) enum Verifier {
    Crc32(crc32fast::Hasher),
    Crc64Nvme(u64),
    Sha256(Box<Sha256>),
}

impl Verifier {
    /// A verifier for `x-amz-checksum-<algorithm>`, if we can check that one.
    pub(crate) fn new(algorithm: &str) -> Option<Verifier> {
        match algorithm {
            "crc32" => Some(Verifier::Crc32(crc32fast::Hasher::new())),
            "crc64nvme" => Some(Verifier::Crc64Nvme(!0)),
            "sha256" => Some(Verifier::Sha256(Box::default())),
            _ => None,
        }
    }

    pub(crate) fn update(&mut self, bytes: &[u8]) {
        match self {
            Verifier::Crc32(h) => h.update(bytes),
            Verifier::Crc64Nvme(state) => *state = crc64nvme_update(*state, bytes),
            Verifier::Sha256(h) => h.update(bytes),
        }
    }

    /// The checksum in the base64 form S3 sends.
    pub(crate) fn finish(self) -> String {
        match self {
            Verifier::Crc32(h) => base64(&h.finalize().to_be_bytes()),
            Verifier::Crc64Nvme(state) => base64(&(!state).to_be_bytes()),
            Verifier::Sha256(h) => base64(&h.finalize()),
        }
    }
}

/// CRC-64/NVME (reflected polynomial 0x9a6c9329ac4bc9b5), slicing by 8: S3's default
/// checksum for objects uploaded without one.
const CRC64_TABLES: [[u64; 256]; 8] = crc64_tables();

const fn crc64_tables() -> [[u64; 256]; 8] {
    const POLY: u64 = 0x9a6c_9329_ac4b_c9b5;
    let mut tables = [[0u64; 256]; 8];
    let mut i = 0;
    while i < 256 {
        let mut crc = i as u64;
        let mut bit = 0;
        while bit < 8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ POLY
            } else {
                crc >> 1
            };
            bit += 1;
        }
        tables[0][i] = crc;
        i += 1;
    }
    let mut t = 1;
    while t < 8 {
        let mut i = 0;
        while i < 256 {
            let prev = tables[t - 1][i];
            tables[t][i] = (prev >> 8) ^ tables[0][(prev & 0xff) as usize];
            i += 1;
        }
        t += 1;
    }
    tables
}

fn crc64nvme_update(mut crc: u64, bytes: &[u8]) -> u64 {
    let t = &CRC64_TABLES;
    let mut chunks = bytes.chunks_exact(8);
    for c in &mut chunks {
        let v = crc ^ u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]);
        crc = t[7][(v & 0xff) as usize]
            ^ t[6][((v >> 8) & 0xff) as usize]
            ^ t[5][((v >> 16) & 0xff) as usize]
            ^ t[4][((v >> 24) & 0xff) as usize]
            ^ t[3][((v >> 32) & 0xff) as usize]
            ^ t[2][((v >> 40) & 0xff) as usize]
            ^ t[1][((v >> 48) & 0xff) as usize]
            ^ t[0][(v >> 56) as usize];
    }
    for &b in chunks.remainder() {
        crc = (crc >> 8) ^ t[0][((crc ^ u64::from(b)) & 0xff) as usize];
    }
    crc
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(alg: &str, data: &[u8]) -> String {
        let mut v = Verifier::new(alg).unwrap();
        // Fed in uneven pieces, as a download arrives.
        for piece in data.chunks(7) {
            v.update(piece);
        }
        v.finish()
    }

    #[test]
    fn check_values() {
        // The catalogue check value of CRC-64/NVME for "123456789" is 0xae8b14860a799888.
        assert_eq!(
            check("crc64nvme", b"123456789"),
            base64(&0xae8b_1486_0a79_9888u64.to_be_bytes())
        );
        // CRC-32 of "123456789" is 0xcbf43926.
        assert_eq!(
            check("crc32", b"123456789"),
            base64(&0xcbf4_3926u32.to_be_bytes())
        );
        // sha256("abc"), from FIPS 180-2, in base64.
        assert_eq!(
            check("sha256", b"abc"),
            "ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0="
        );
        assert!(Verifier::new("sha1").is_none());
    }

    #[test]
    fn file_ranges_hash_what_is_read() {
        let dir = std::env::temp_dir().join(format!("s3c-checksum-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("f");
        std::fs::write(&path, b"xx123456789yy").unwrap();
        let d = of_file_range(&path, 2, 9, true).unwrap();
        assert_eq!(d, of_bytes(b"123456789", true));
        assert_eq!(d.crc32, 0xcbf4_3926);
        assert!(of_file_range(&path, 10, 9, false).is_err());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
