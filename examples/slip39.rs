//! SLIP-39 from the command line: for the cross-check against the reference implementation
//! (scripts/slip39-crosscheck.sh) and for timing.
//!
//!   slip39 split HEX T N [--passphrase P] [--exponent E] [--no-extendable]
//!       prints the N shares, one mnemonic per line (empty passphrase, exponent 0 and
//!       the extendable flag unless told otherwise);
//!   slip39 combine [--passphrase P]
//!       reads mnemonics from standard input, one per line (blank lines ignored), and
//!       prints the master secret in hex;
//!   slip39 bench [ROUNDS]
//!       times split (2 of 3, 128-bit secret) and combine (2 shares) at exponent 0.
//!
//! Run: cargo run --example slip39 -- split 000102030405060708090a0b0c0d0e0f 2 3
use std::io::Read;
use std::process::ExitCode;
use std::time::Instant;

use paperseed::protect::slip39::{self, Share};

fn os_rng(buf: &mut [u8]) {
    getrandom::fill(buf).expect("the system random number generator failed");
}

fn unhex(s: &str) -> Result<Vec<u8>, String> {
    let s = s.trim();
    if !s.len().is_multiple_of(2) || !s.bytes().all(|c| c.is_ascii_hexdigit()) {
        return Err("the secret must be hex digits, an even number of them".into());
    }
    Ok((0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap()).collect())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Options after the positional arguments.
struct Options {
    passphrase: String,
    exponent: u8,
    extendable: bool,
}

fn options(args: &[String]) -> Result<Options, String> {
    let mut o = Options { passphrase: String::new(), exponent: 0, extendable: true };
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--passphrase" => o.passphrase = it.next().ok_or("--passphrase needs a value")?.clone(),
            "--exponent" => {
                o.exponent = it.next().and_then(|v| v.parse().ok()).ok_or("--exponent needs a number")?;
            }
            "--no-extendable" => o.extendable = false,
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    Ok(o)
}

fn run(args: &[String]) -> Result<(), String> {
    match args.first().map(String::as_str) {
        Some("split") if args.len() >= 4 => {
            let secret = unhex(&args[1])?;
            let t: u8 = args[2].parse().map_err(|_| "T must be a number")?;
            let n: u8 = args[3].parse().map_err(|_| "N must be a number")?;
            let o = options(&args[4..])?;
            let shares = slip39::split(&secret, t, n, o.passphrase.as_bytes(), o.exponent, o.extendable, &mut os_rng)
                .map_err(|e| e.to_string())?;
            for s in shares {
                println!("{}", s.to_mnemonic());
            }
            Ok(())
        }
        Some("combine") => {
            let o = options(&args[1..])?;
            let mut input = String::new();
            std::io::stdin().read_to_string(&mut input).map_err(|e| e.to_string())?;
            let mut shares = Vec::new();
            for line in input.lines().filter(|l| !l.trim().is_empty()) {
                let n = shares.len() + 1;
                shares.push(Share::from_mnemonic(line).map_err(|e| format!("share {n}: {e}"))?);
            }
            let secret = slip39::combine(&shares, o.passphrase.as_bytes()).map_err(|e| e.to_string())?;
            println!("{}", hex(&secret));
            Ok(())
        }
        Some("bench") => {
            let rounds: u32 = match args.get(1) {
                Some(r) => r.parse().map_err(|_| "ROUNDS must be a number")?,
                None => 20,
            };
            let secret = [0x5au8; 16];
            let (mut split_time, mut combine_time) = (0.0, 0.0);
            for _ in 0..rounds {
                let start = Instant::now();
                let shares = slip39::split(&secret, 2, 3, b"", 0, true, &mut os_rng).map_err(|e| e.to_string())?;
                split_time += start.elapsed().as_secs_f64();
                let start = Instant::now();
                let back = slip39::combine(&shares[1..], b"").map_err(|e| e.to_string())?;
                combine_time += start.elapsed().as_secs_f64();
                assert_eq!(*back, secret);
            }
            let ms = |t: f64| t * 1000.0 / f64::from(rounds);
            println!(
                "iteration exponent 0, 128-bit secret, {rounds} rounds: split 2-of-3 {:.1} ms, combine 2 shares {:.1} ms",
                ms(split_time),
                ms(combine_time)
            );
            Ok(())
        }
        _ => Err("usage: slip39 split HEX T N [--passphrase P] [--exponent E] [--no-extendable]\n       \
                  slip39 combine [--passphrase P]  < mnemonics\n       slip39 bench [ROUNDS]"
            .into()),
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("slip39: {e}");
            ExitCode::FAILURE
        }
    }
}
