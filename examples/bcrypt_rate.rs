//! bcrypt alone: how many password checks one thread does per second at a cost, the ceiling
//! for logins/s on one core. Run: `cargo run --release --example bcrypt_rate -- 12 [seconds]`.

use std::time::{Duration, Instant};

fn main() {
    let mut args = std::env::args().skip(1);
    let cost: u32 = args.next().and_then(|a| a.parse().ok()).unwrap_or(12);
    let seconds: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(5);
    let hash = bcrypt::hash("correct horse battery", cost).expect("hash");
    let started = Instant::now();
    let mut n = 0u64;
    while started.elapsed() < Duration::from_secs(seconds) {
        assert!(bcrypt::verify("correct horse battery", &hash).unwrap());
        n += 1;
    }
    let rate = n as f64 / started.elapsed().as_secs_f64();
    println!(
        "{{\"cost\": {cost}, \"verifies_per_second\": {rate:.2}, \"ms_per_verify\": {:.1}}}",
        1000.0 / rate
    );
}
