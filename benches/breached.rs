//! The breached-password lookup (`BREACHED_PASSWORDS_FILE`): a binary search over a
//! memory-mapped, sorted `SHA1:COUNT` file, O(log n) line reads. This times one lookup (a
//! listed hash and an absent one) in files of growing size, to show the cost grows with
//! log n, not n. Run: `cargo bench --bench breached`, with `BENCH_BREACHED_SIZES` (lines,
//! comma-separated; default `1000,1000000,10000000`; `100000000` writes a 4.4 GB file). The
//! files are written once under `target/bench-breached/` (sorted by construction, CRLF, as
//! the Have I Been Pwned downloader writes them) and reused.

use std::hint::black_box;
use std::io::Write as _;
use std::path::PathBuf;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use sigil::accounts::password_policy::BreachedFile;

/// The `i`-th hash of a file of `n` lines: evenly spread over the 160-bit space, so the
/// lines are sorted by construction.
fn hash(i: u64, n: u64) -> [u8; 40] {
    let step = u128::MAX / u128::from(n.max(1));
    let high = u128::from(i) * step;
    let text = format!("{high:032X}{:08X}", i as u32);
    text.as_bytes().try_into().unwrap()
}

/// A hash between line `i` and the next: never in the file.
fn absent(i: u64, n: u64) -> [u8; 40] {
    let step = u128::MAX / u128::from(n.max(1));
    let high = u128::from(i) * step + step / 2;
    format!("{high:032X}00000000")
        .as_bytes()
        .try_into()
        .unwrap()
}

fn file_of(n: u64) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench-breached");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("{n}.txt"));
    if !path.exists() {
        let partial = dir.join(format!("{n}.partial"));
        let mut out =
            std::io::BufWriter::with_capacity(1 << 20, std::fs::File::create(&partial).unwrap());
        for i in 0..n {
            out.write_all(&hash(i, n)).unwrap();
            writeln!(out, ":{}\r", 1 + i % 97).unwrap();
        }
        out.flush().unwrap();
        std::fs::rename(&partial, &path).unwrap();
    }
    path
}

fn sizes() -> Vec<u64> {
    std::env::var("BENCH_BREACHED_SIZES")
        .unwrap_or_else(|_| "1000,1000000,10000000".into())
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect()
}

fn lookups(c: &mut Criterion) {
    let mut group = c.benchmark_group("breached_lookup");
    for n in sizes() {
        let file = BreachedFile::open(&file_of(n)).expect("a well-formed file");
        // Spread the probes over the file, so no one path through the search is favoured.
        let probes: Vec<u64> = (0..64).map(|k| (k * 7_919 + 13) % n).collect();
        assert!(probes.iter().all(|&i| file.contains(&hash(i, n))));
        assert!(probes.iter().all(|&i| !file.contains(&absent(i, n))));
        let mut k = 0;
        group.bench_with_input(BenchmarkId::new("listed", n), &n, |b, &n| {
            b.iter(|| {
                k = (k + 1) % probes.len();
                black_box(file.contains(black_box(&hash(probes[k], n))))
            })
        });
        group.bench_with_input(BenchmarkId::new("absent", n), &n, |b, &n| {
            b.iter(|| {
                k = (k + 1) % probes.len();
                black_box(file.contains(black_box(&absent(probes[k], n))))
            })
        });
    }
    group.finish();
}

criterion_group!(benches, lookups);
criterion_main!(benches);
