//! `BREACHED_PASSWORDS_FILE`: `SHA1:COUNT` lines sorted by hash, as the Have I Been Pwned
//! downloader writes them (upper-case hex, CRLF or LF). The file is memory-mapped and
//! binary-searched by byte offset, so a list of a billion lines costs about 30 line reads
//! and no memory of its own.

use std::cmp::Ordering;
use std::fs::File;
use std::path::{Path, PathBuf};

use memmap2::Mmap;

/// The mapped file, checked when it was opened.
pub struct BreachedFile {
    path: PathBuf,
    map: Mmap,
}

/// Lines looked at when the file is opened, spread evenly (the first and last among them).
const SAMPLES: usize = 64;
/// Hex digits of a SHA-1.
const HASH_LEN: usize = 40;

impl BreachedFile {
    /// Maps the file and checks a sample of its lines: each `SHA1:COUNT`, in order.
    pub fn open(path: &Path) -> Result<Self, String> {
        let shown = path.display();
        let file = File::open(path).map_err(|e| format!("cannot read {shown}: {e}"))?;
        let meta = file
            .metadata()
            .map_err(|e| format!("cannot read {shown}: {e}"))?;
        if !meta.is_file() {
            return Err(format!("{shown} is not a file"));
        }
        if meta.len() == 0 {
            return Err(format!("{shown} is empty"));
        }
        // SAFETY: the map is only read, as bytes. Were the file truncated while Sigil runs, a
        // read past its new end would fault: the README says to replace the file by renaming
        // a new one over it (the mapped old one lives on), never to write it in place.
        let map = unsafe { Mmap::map(&file) }.map_err(|e| format!("cannot map {shown}: {e}"))?;
        check_samples(&map).map_err(|why| format!("{shown}: {why}"))?;
        Ok(Self {
            path: path.to_path_buf(),
            map,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Whether the list holds `hash` (upper-case hex; the file's case does not matter).
    pub fn contains(&self, hash: &[u8; HASH_LEN]) -> bool {
        search(&self.map, hash)
    }
}

/// Binary search over byte offsets. `lo` is always a line start; every line that could hold
/// `hash` starts in `lo..hi`. Each round seeks to the middle, skips to the next line start
/// and compares that line's hash.
pub(super) fn search(data: &[u8], hash: &[u8; HASH_LEN]) -> bool {
    let (mut lo, mut hi) = (0, data.len());
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        let start = next_line_start(data, mid);
        if start >= hi {
            // No line starts in mid..hi: look only before it.
            hi = mid;
            continue;
        }
        let line = line_at(data, start);
        match compare(line, hash) {
            Ordering::Equal => return true,
            Ordering::Less => lo = start + line.len() + 1,
            Ordering::Greater => hi = start,
        }
    }
    false
}

/// The first line start at or after `pos`: `pos` itself after a newline, else the byte after
/// the next newline (or the end).
fn next_line_start(data: &[u8], pos: usize) -> usize {
    if pos == 0 {
        return 0;
    }
    data[pos - 1..]
        .iter()
        .position(|&b| b == b'\n')
        .map_or(data.len(), |i| pos + i)
}

/// The line that starts at `start`, without its `\n` (a `\r` before it stays).
fn line_at(data: &[u8], start: usize) -> &[u8] {
    let end = data[start..]
        .iter()
        .position(|&b| b == b'\n')
        .map_or(data.len(), |i| start + i);
    &data[start..end]
}

/// A line's hash (its first 40 bytes, in upper case) against `hash`.
fn compare(line: &[u8], hash: &[u8; HASH_LEN]) -> Ordering {
    let key = &line[..line.len().min(HASH_LEN)];
    key.iter()
        .map(u8::to_ascii_uppercase)
        .cmp(hash.iter().copied())
}

/// A `SHA1:COUNT` line's hash in upper case, or what is wrong with it.
fn parse_line(line: &[u8]) -> Result<[u8; HASH_LEN], &'static str> {
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    let (hash, count) = match line.iter().position(|&b| b == b':') {
        Some(colon) => (&line[..colon], &line[colon + 1..]),
        None => return Err("is not SHA1:COUNT"),
    };
    if hash.len() != HASH_LEN || !hash.iter().all(u8::is_ascii_hexdigit) {
        return Err("does not start with a SHA-1 in hex");
    }
    if count.is_empty() || !count.iter().all(u8::is_ascii_digit) {
        return Err("has no count after its hash");
    }
    let mut upper = [0u8; HASH_LEN];
    upper.copy_from_slice(hash);
    upper.make_ascii_uppercase();
    Ok(upper)
}

/// Reads [`SAMPLES`] lines spread over the file, and the last one: each must parse, and their
/// hashes must rise. A file in another format, or not sorted, fails here rather than make
/// every look-up quietly wrong.
fn check_samples(data: &[u8]) -> Result<(), String> {
    let body_end = data.len()
        - data
            .iter()
            .rev()
            .take_while(|&&b| b == b'\n' || b == b'\r')
            .count();
    if body_end == 0 {
        return Err("holds no SHA1:COUNT lines".into());
    }
    let last = data[..body_end]
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let mut starts: Vec<usize> = (0..SAMPLES)
        .map(|i| next_line_start(data, body_end * i / SAMPLES))
        .filter(|&start| start < body_end)
        .chain([last])
        .collect();
    starts.dedup();
    let mut previous: Option<[u8; HASH_LEN]> = None;
    for start in starts {
        let line = line_at(data, start);
        let hash = parse_line(line).map_err(|why| {
            format!("the line at byte {start} {why}; expected SHA1:COUNT lines, as the Have I Been Pwned downloader writes them")
        })?;
        if previous.is_some_and(|p| p >= hash) {
            return Err(format!(
                "the lines are not sorted by hash (the line at byte {start} comes after a greater \
                 or equal one); the file must be sorted by hash"
            ));
        }
        previous = Some(hash);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::accounts::password_policy::sha1_hex;

    fn list(passwords: &[&str], newline: &str) -> Vec<u8> {
        let mut hashes: Vec<_> = passwords.iter().map(|p| sha1_hex(p)).collect();
        hashes.sort();
        hashes
            .iter()
            .enumerate()
            .map(|(i, h)| format!("{}:{}{newline}", std::str::from_utf8(h).unwrap(), i + 1))
            .collect::<String>()
            .into_bytes()
    }

    #[test]
    fn finds_every_line_and_nothing_else_with_either_newline() {
        let words: Vec<String> = (0..500).map(|i| format!("password number {i}")).collect();
        let words: Vec<&str> = words.iter().map(String::as_str).collect();
        for newline in ["\r\n", "\n"] {
            let data = list(&words, newline);
            assert!(check_samples(&data).is_ok());
            for w in &words {
                assert!(search(&data, &sha1_hex(w)), "{w} with {newline:?}");
            }
            for absent in ["password number 500", "", "hunter2", "password number -1"] {
                assert!(!search(&data, &sha1_hex(absent)), "{absent}");
            }
        }
    }

    #[test]
    fn edges_one_line_no_final_newline_and_lower_case() {
        let one = list(&["only"], "\n");
        assert!(search(&one, &sha1_hex("only")));
        assert!(!search(&one, &sha1_hex("other")));
        let mut unterminated = list(&["a1", "b2", "c3"], "\r\n");
        unterminated.truncate(unterminated.len() - 2);
        assert!(check_samples(&unterminated).is_ok());
        for w in ["a1", "b2", "c3"] {
            assert!(search(&unterminated, &sha1_hex(w)));
        }
        let lower = String::from_utf8(list(&["a1", "b2"], "\n"))
            .unwrap()
            .to_lowercase();
        assert!(search(lower.as_bytes(), &sha1_hex("b2")));
        assert!(!search(b"", &sha1_hex("a1")));
    }

    #[test]
    fn samples_refuse_other_formats_and_unsorted_lines() {
        let sorted = list(&["a1", "b2", "c3"], "\n");
        let mut lines: Vec<&[u8]> = sorted
            .split(|&b| b == b'\n')
            .filter(|l| !l.is_empty())
            .collect();
        lines.reverse();
        let reversed = lines.join(&b'\n');
        let why = check_samples(&reversed).unwrap_err();
        assert!(why.contains("not sorted"), "{why}");
        for bad in [
            &b"password123\n"[..],
            b"5BAA61E4C9B93F3F0682250B6CF8331B7EE68FD8\n",
            b"5BAA61E4C9B93F3F0682250B6CF8331B7EE68FD:12\n",
            b"\n\n",
        ] {
            assert!(check_samples(bad).is_err(), "{bad:?}");
        }
        assert!(check_samples(b"5BAA61E4C9B93F3F0682250B6CF8331B7EE68FD8:3303003\r\n").is_ok());
    }

    #[test]
    fn opening_names_the_problem() {
        let dir = tempfile::tempdir().unwrap();
        let missing = BreachedFile::open(&dir.path().join("none.txt"))
            .err()
            .unwrap();
        assert!(missing.contains("cannot read"), "{missing}");
        let path = dir.path().join("list.txt");
        std::fs::write(&path, list(&["a1", "b2"], "\r\n")).unwrap();
        let file = BreachedFile::open(&path).unwrap();
        assert!(file.contains(&sha1_hex("a1")));
        assert!(!file.contains(&sha1_hex("a2")));
        std::fs::write(&path, "").unwrap();
        assert!(BreachedFile::open(&path).err().unwrap().contains("empty"));
    }
}
