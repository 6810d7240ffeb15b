//! Passphrase encryption and K-of-N shares, end to end at the library level:
//! payload → (age-encrypt) → split → combine any K → (decrypt) → the same
//! payload; the refusals (wrong passphrase, mixed splits, too few shares);
//! and interoperability with the reference `age` command-line tool.

use std::path::Path;
use std::process::Command;

use paperseed::format::payload;
use paperseed::protect::{InnerKind, ProtectError, SecretString, SeededRng, passphrase, shares};
use proptest::prelude::*;

/// Low scrypt work factor so tests stay fast (the default is about a second).
const FAST: Option<u8> = Some(10);

fn sheet_payload() -> Vec<u8> {
    let manifest = r#"
title = "Binance — José"
[[secret]]
type = "backup-codes"
label = "Binance"
codes = ["a3f8-9d2c", "bk4m-xy7p", "12345678"]
[[secret]]
type = "note"
label = "Contact"
text = "Zhang San / 张三\n€ 50 000"
"#;
    let backup = paperseed::secret::manifest::parse(manifest, Path::new(".")).unwrap();
    payload::encode(&backup)
}

fn holders(names: &[&str]) -> Vec<String> {
    names.iter().map(|s| s.to_string()).collect()
}

fn k_subsets(n: usize, k: usize) -> Vec<Vec<usize>> {
    (0u32..1 << n)
        .filter(|m| m.count_ones() as usize == k)
        .map(|m| (0..n).filter(|i| m & (1 << i) != 0).collect())
        .collect()
}

fn pick(all: &[Vec<u8>], idx: &[usize]) -> Vec<Vec<u8>> {
    idx.iter().map(|&i| all[i].clone()).collect()
}

/// Every K-subset of a 2-of-3 and a 3-of-5 split, with and without a
/// passphrase, gives back exactly the payload; so does every superset order.
#[test]
fn every_k_subset_round_trips() {
    let plain = sheet_payload();
    let pw = SecretString::from("correct horse battery staple");
    for (k, n) in [(2u8, 3u8), (3, 5)] {
        for with_passphrase in [false, true] {
            let (inner, kind) = if with_passphrase {
                (passphrase::encrypt(&plain, &pw, FAST).unwrap(), InnerKind::Age)
            } else {
                (plain.clone(), InnerKind::Sheet)
            };
            let names: Vec<String> = (1..=n).map(|i| format!("holder {i}")).collect();
            let all = shares::split(&inner, kind, k, n, &names).unwrap();
            assert_eq!(all.len(), usize::from(n));
            let subsets = k_subsets(usize::from(n), usize::from(k));
            assert_eq!(subsets.len(), if n == 3 { 3 } else { 10 });
            for subset in subsets {
                let mut chosen = pick(&all, &subset);
                chosen.reverse(); // order does not matter
                let combined = shares::combine(&chosen).unwrap();
                assert_eq!(combined.inner_kind, kind);
                let restored = match combined.inner_kind {
                    InnerKind::Sheet => combined.payload.to_vec(),
                    InnerKind::Age => passphrase::decrypt(&combined.payload, &pw).unwrap().to_vec(),
                };
                assert_eq!(restored, plain, "k={k} n={n} subset={subset:?} passphrase={with_passphrase}");
                payload::decode(&restored).unwrap();
            }
            // All N together work too.
            assert_eq!(shares::combine(&all).unwrap().payload.len(), inner.len());
        }
    }
}

#[test]
fn share_info_for_verify() {
    let all =
        shares::split(&sheet_payload(), InnerKind::Sheet, 2, 3, &holders(&["spouse", "parents", "attorney"])).unwrap();
    let info = shares::parse_share(&all[1]).unwrap();
    assert_eq!((info.k, info.n, info.x), (2, 3, 2));
    assert_eq!(info.holder.as_deref(), Some("parents"));
    assert_eq!(info.holders, ["spouse", "parents", "attorney"]);
    assert_eq!(info.more_needed(), 1);
    assert_eq!(info.inner_kind, InnerKind::Sheet);
    // Every share of a split shows the same split code.
    let codes: Vec<String> = all.iter().map(|s| shares::parse_share(s).unwrap().split_code()).collect();
    assert!(codes.iter().all(|c| *c == codes[0]));
    // A share alone does not contain the payload in clear.
    let plain = sheet_payload();
    assert!(!all[0].windows(plain.len()).any(|w| w == plain));
    assert!(!all[0].windows(9).any(|w| w == b"a3f8-9d2c"));
}

#[test]
fn wrong_passphrase_is_a_clear_error() {
    let pw = SecretString::from("right");
    let enc = passphrase::encrypt(&sheet_payload(), &pw, FAST).unwrap();
    let all = shares::split(&enc, InnerKind::Age, 2, 3, &[]).unwrap();
    let combined = shares::combine(&all[..2]).unwrap();
    let err = passphrase::decrypt(&combined.payload, &SecretString::from("wrong")).unwrap_err();
    assert!(matches!(err, ProtectError::WrongPassphrase), "{err:?}");
    assert!(err.to_string().contains("wrong passphrase"));
    // A plain sheet payload is not an age file.
    let err = passphrase::decrypt(&sheet_payload(), &pw).unwrap_err();
    assert!(matches!(err, ProtectError::NotAge), "{err:?}");
}

#[test]
fn too_few_shares_names_what_is_missing() {
    let all =
        shares::split(&sheet_payload(), InnerKind::Sheet, 2, 3, &holders(&["spouse", "parents", "attorney"])).unwrap();
    let err = shares::combine(&all[1..2]).unwrap_err();
    let ProtectError::TooFew { have, k, n, ref present, ref missing } = err else { panic!("{err:?}") };
    assert_eq!((have, k, n), (1, 2, 3));
    assert_eq!(present, &[(2, Some("parents".to_string()))]);
    assert_eq!(missing, &[(1, Some("spouse".to_string())), (3, Some("attorney".to_string()))]);
    assert_eq!(
        err.to_string(),
        "2 of 3 needed, 1 found (share 2, holder: parents); bring 1 more of: share 1, holder: spouse; share 3, holder: attorney"
    );
    // Without holder names.
    let all = shares::split(&sheet_payload(), InnerKind::Sheet, 3, 5, &[]).unwrap();
    let err = shares::combine(&pick(&all, &[0, 4])).unwrap_err();
    assert_eq!(
        err.to_string(),
        "3 of 5 needed, 2 found (share 1; share 5); bring 1 more of: share 2; share 3; share 4"
    );
}

#[test]
fn duplicate_shares_count_once() {
    let all = shares::split(&sheet_payload(), InnerKind::Sheet, 2, 3, &[]).unwrap();
    // The same share scanned three times is still one share.
    let err = shares::combine(&[all[0].clone(), all[0].clone(), all[0].clone()]).unwrap_err();
    assert!(matches!(err, ProtectError::TooFew { have: 1, .. }), "{err:?}");
    let groups = shares::group(&[all[2].clone(), all[0].clone(), all[2].clone()]).unwrap();
    assert_eq!(groups.len(), 1);
    assert_eq!(groups[0].have(), 2);
    assert_eq!(groups[0].present(), [(1, None), (3, None)]);
    assert_eq!(shares::combine(&[all[2].clone(), all[0].clone(), all[2].clone()]).unwrap().used, [1, 3]);
}

#[test]
fn shares_of_different_splits_are_never_combined() {
    let payload = sheet_payload();
    let a = shares::split(&payload, InnerKind::Sheet, 2, 3, &[]).unwrap();
    let b = shares::split(&payload, InnerKind::Sheet, 2, 3, &[]).unwrap();
    // Share 1 of split A and share 2 of split B: two numbers, but never combined.
    let err = shares::combine(&[a[0].clone(), b[1].clone()]).unwrap_err();
    let ProtectError::MixedSplits(ref splits) = err else { panic!("{err:?}") };
    assert_eq!(splits.len(), 2);
    assert!(splits.iter().all(|s| s.have == 1 && s.k == 2));
    assert!(err.to_string().contains("never combined"), "{err}");
    // group() separates them; the complete group combines on its own.
    let groups = shares::group(&[a[0].clone(), b[1].clone(), a[2].clone()]).unwrap();
    assert_eq!(groups.len(), 2);
    let complete: Vec<_> = groups.iter().filter(|g| g.is_complete()).collect();
    assert_eq!(complete.len(), 1);
    assert_eq!(&complete[0].combine().unwrap().payload[..], &payload[..]);
}

#[test]
fn deterministic_split_with_seeded_rng() {
    let payload = sheet_payload();
    let a = shares::split_with(&payload, InnerKind::Sheet, 2, 3, &[], &mut SeededRng::new(b"seed")).unwrap();
    let b = shares::split_with(&payload, InnerKind::Sheet, 2, 3, &[], &mut SeededRng::new(b"seed")).unwrap();
    let c = shares::split_with(&payload, InnerKind::Sheet, 2, 3, &[], &mut SeededRng::new(b"other")).unwrap();
    assert_eq!(a, b);
    assert_ne!(a, c);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    #[test]
    fn any_payload_any_threshold(
        payload in proptest::collection::vec(any::<u8>(), 1..300),
        n in 2u8..=16,
        k_frac in 0.0f64..1.0,
        seed in any::<u64>(),
    ) {
        // Not an age file (the kind must match the bytes).
        prop_assume!(!passphrase::is_age(&payload));
        let k = 2 + ((f64::from(n - 2) + 1.0) * k_frac) as u8;
        let k = k.min(n);
        let all = shares::split_with(&payload, InnerKind::Sheet, k, n, &[], &mut SeededRng::new(&seed.to_le_bytes()))
            .unwrap();
        // A pseudo-random K-subset.
        let mut idx: Vec<usize> = (0..usize::from(n)).collect();
        let mut s = seed;
        for i in (1..idx.len()).rev() {
            s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            idx.swap(i, (s >> 33) as usize % (i + 1));
        }
        let chosen = pick(&all, &idx[..usize::from(k)]);
        prop_assert_eq!(&shares::combine(&chosen).unwrap().payload[..], &payload[..]);
        let fewer = pick(&all, &idx[..usize::from(k) - 1]);
        let too_few = matches!(shares::combine(&fewer), Err(ProtectError::TooFew { .. }));
        prop_assert!(too_few);
    }
}

// --- interoperability with the reference `age` tool ---------------------

/// `age` reads passphrases only from the terminal, so run it under a
/// pseudo-terminal (Python's `pty` module) that answers each passphrase
/// prompt.
const PTY_AGE: &str = r#"
import os, pty, select, sys, time
answer = sys.argv[1].encode() + b"\n"
pid, fd = pty.fork()
if pid == 0:
    os.execvp(sys.argv[2], sys.argv[2:])
seen, fed, deadline = b"", 0, time.time() + 120
while True:
    if time.time() > deadline:
        os.kill(pid, 9)
        sys.exit("timed out")
    ready, _, _ = select.select([fd], [], [], 1)
    if fd in ready:
        try:
            data = os.read(fd, 1024)
        except OSError:
            break
        if not data:
            break
        seen += data
        prompts = seen.count(b"Enter passphrase") + seen.count(b"Confirm passphrase")
        while fed < prompts:
            os.write(fd, answer)
            fed += 1
_, status = os.waitpid(pid, 0)
sys.stderr.write(seen.decode(errors="replace"))
sys.exit(os.waitstatus_to_exitcode(status))
"#;

fn have(program: &str, arg: &str) -> bool {
    Command::new(program).arg(arg).output().is_ok_and(|o| o.status.success())
}

/// Whether an interop test can run; it must when PAPERSEED_REQUIRE_INTEROP is set (CI).
fn tools_available(ok: bool, what: &str) -> bool {
    if !ok {
        assert!(std::env::var_os("PAPERSEED_REQUIRE_INTEROP").is_none(), "PAPERSEED_REQUIRE_INTEROP is set but {what}");
        eprintln!("skipping: {what}");
    }
    ok
}

fn age_available() -> bool {
    let ok = have("age", "--version") && have("python3", "--version");
    tools_available(ok, "the `age` tool or python3 is missing (apt-get install age)")
}

fn run_age(dir: &Path, passphrase: &str, args: &[&str]) -> std::process::Output {
    let script = dir.join("pty_age.py");
    std::fs::write(&script, PTY_AGE).unwrap();
    Command::new("python3").arg(&script).arg(passphrase).arg("age").args(args).current_dir(dir).output().unwrap()
}

#[test]
fn age_tool_decrypts_paperseed_and_paperseed_decrypts_age() {
    if !age_available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let plain = sheet_payload();
    let pw = "pässphrase with spaces";

    // paperseed → age -d, at a fast and at the default work factor.
    for wf in [FAST, None] {
        let enc = passphrase::encrypt(&plain, &SecretString::from(pw), wf).unwrap();
        std::fs::write(dir.path().join("sheet.age"), &enc).unwrap();
        let _ = std::fs::remove_file(dir.path().join("out.cbor"));
        let out = run_age(dir.path(), pw, &["-d", "-o", "out.cbor", "sheet.age"]);
        assert!(out.status.success(), "age -d failed: {}", String::from_utf8_lossy(&out.stderr));
        assert_eq!(std::fs::read(dir.path().join("out.cbor")).unwrap(), plain, "work factor {wf:?}");
        if wf.is_some() {
            // And with a wrong passphrase age refuses.
            let out = run_age(dir.path(), "not it", &["-d", "-o", "bad.cbor", "sheet.age"]);
            assert!(!out.status.success());
        }
    }

    // age -p → paperseed.
    std::fs::write(dir.path().join("plain.cbor"), &plain).unwrap();
    let out = run_age(dir.path(), pw, &["-p", "-o", "from-age.age", "plain.cbor"]);
    assert!(out.status.success(), "age -p failed: {}", String::from_utf8_lossy(&out.stderr));
    let enc = std::fs::read(dir.path().join("from-age.age")).unwrap();
    assert_eq!(&passphrase::decrypt(&enc, &SecretString::from(pw)).unwrap()[..], &plain[..]);
    assert!(matches!(passphrase::decrypt(&enc, &SecretString::from("nope")), Err(ProtectError::WrongPassphrase)));
}

// --- the spec's test vector and Python combiner (docs/FORMAT.md §8.2) ---

fn spec() -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/FORMAT.md")).unwrap()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(s: &str) -> Vec<u8> {
    let s: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap()).collect()
}

/// The code blocks of the section starting at `heading`, up to the next heading.
fn blocks(doc: &str, heading: &str) -> Vec<String> {
    let start = doc.find(heading).unwrap();
    let section = &doc[start..];
    let end = section[heading.len()..].find("\n#").map_or(section.len(), |e| e + heading.len());
    section[..end].split("```").skip(1).step_by(2).map(|b| b.trim_start_matches("python").trim().to_string()).collect()
}

/// "Randomness" from a counter 00, 01, 02, … (the spec's vectors).
fn counter() -> impl FnMut(&mut [u8]) {
    let mut c = 0u8;
    move |b: &mut [u8]| {
        for x in b {
            *x = c;
            c = c.wrapping_add(1);
        }
    }
}

/// The version-1 split of FORMAT.md §8.2.9.
fn vector_shares(payload: &[u8], kind: InnerKind) -> Vec<Vec<u8>> {
    let names = holders(&["spouse", "parents", "attorney"]);
    shares::split_v1_with(payload, kind, 2, 3, &names, &mut counter()).unwrap()
}

/// The version-2 split of FORMAT.md §8.2.4.
fn vector_shares_v2(payload: &[u8]) -> Vec<Vec<u8>> {
    let names = holders(&["spouse", "parents", "attorney"]);
    shares::split_with(payload, InnerKind::Sheet, 2, 3, &names, &mut counter()).unwrap()
}

#[test]
fn share_vector_v2_matches_spec() {
    let doc = spec();
    let b = blocks(&doc, "#### 8.2.4");
    let payload = unhex(&b[0]);
    assert!(payload::decode(&payload).is_ok(), "the vector's payload is a sheet payload");
    let all = vector_shares_v2(&payload);
    if std::env::var_os("PRINT_VECTORS").is_some() {
        for s in &all {
            eprintln!("{}", hex(s));
            eprintln!("{}", shares::share_words(s).unwrap().unwrap().join(" "));
        }
    }
    assert_eq!(hex(&all[0]), hex(&unhex(&b[1])), "share 1");
    let flat = doc.split_whitespace().collect::<Vec<_>>().join(" ");
    for (i, s) in all.iter().enumerate() {
        let words = shares::share_words(s).unwrap().unwrap().join(" ");
        assert!(flat.contains(&words), "the words of share {} are not in the spec", i + 1);
    }
    for pair in [[0, 1], [0, 2], [1, 2]] {
        assert_eq!(&shares::combine(&pick(&all, &pair)).unwrap().payload[..], &payload[..]);
    }
}

#[test]
fn share_vector_matches_spec() {
    let doc = spec();
    let b = blocks(&doc, "#### 8.2.9");
    let payload = unhex(&b[0]);
    // It is FORMAT.md's example payload.
    let backup = payload::decode(&payload).unwrap();
    assert_eq!(backup.title, "T");
    let all = vector_shares(&payload, InnerKind::Sheet);
    assert_eq!(hex(&all[0]), hex(&unhex(&b[1])));
    for s in &all[1..] {
        let Ok(paperseed::format::cbor::Value::Map(m)) = paperseed::format::cbor::Value::decode(s) else { panic!() };
        let Some(paperseed::format::cbor::Value::Bytes(ks)) =
            m.get(&paperseed::format::cbor::MapKey("key_share".into()))
        else {
            panic!()
        };
        assert!(doc.contains(&format!("`{}`", hex(ks))), "key share {} not in the spec", hex(ks));
    }
    for pair in [[0, 1], [0, 2], [1, 2]] {
        assert_eq!(&shares::combine(&pick(&all, &pair)).unwrap().payload[..], &payload[..]);
    }
}

#[test]
fn python_combiner_in_spec_works() {
    let ok = Command::new("python3")
        .args(["-c", "import cryptography.hazmat.primitives.ciphers.aead"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !tools_available(ok, "python3 with the `cryptography` package is missing (apt-get install python3-cryptography)")
    {
        return;
    }
    let doc = spec();
    let begin = doc.find("<!-- combine.py begin -->").unwrap();
    let end = doc.find("<!-- combine.py end -->").unwrap();
    let script = doc[begin..end].split("```").nth(1).unwrap().trim_start_matches("python").trim().to_string();
    assert!(script.starts_with("#!/usr/bin/env python3"));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("combine.py");
    std::fs::write(&path, &script).unwrap();
    let run_with = |input: String, args: &[String]| {
        use std::io::Write;
        let mut child = Command::new("python3")
            .arg(&path)
            .args(args)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        (out.stdout, String::from_utf8_lossy(&out.stderr).to_string())
    };
    let run = |input: String| run_with(input, &[]);
    // The spec's vector, shares 3 and 1.
    let payload = unhex(&blocks(&doc, "#### 8.2.9")[0]);
    let all = vector_shares(&payload, InnerKind::Sheet);
    let (out, err) = run(format!("{}\n{}\n", hex(&all[2]), hex(&all[0])));
    assert_eq!(out, payload);
    assert!(err.contains("inner kind 1"), "{err}");
    // A real version-1 3-of-5 split of an age-encrypted sheet payload.
    let age = passphrase::encrypt(&sheet_payload(), &SecretString::from("pw"), FAST).unwrap();
    let all = shares::split_v1_with(&age, InnerKind::Age, 3, 5, &[], &mut paperseed::protect::OsRng).unwrap();
    let (out, err) = run(pick(&all, &[4, 1, 2]).iter().map(|s| hex(s) + "\n").collect());
    assert_eq!(out, age);
    assert!(err.contains("inner kind 2"), "{err}");
    // Too few: nothing written.
    let (out, err) = run(format!("{}\n", hex(&all[0])));
    assert!(out.is_empty());
    assert!(err.contains("3 of 5 needed, 1 found"), "{err}");
    // Version 2, given the master secret `shamir recover` prints from the words.
    let payload = unhex(&blocks(&doc, "#### 8.2.4")[0]);
    let v2 = vector_shares_v2(&payload);
    let words: Vec<paperseed::protect::slip39::Share> = [&v2[2], &v2[0]]
        .iter()
        .map(|s| {
            let w = shares::share_words(s).unwrap().unwrap().join(" ");
            paperseed::protect::slip39::Share::from_mnemonic(&w).unwrap()
        })
        .collect();
    let master = paperseed::protect::slip39::combine(&words, b"").unwrap();
    let (out, err) = run_with(format!("{}\n", hex(&v2[1])), &["--master".into(), hex(&master)]);
    assert_eq!(out, payload);
    assert!(err.contains("inner kind 1"), "{err}");
    // Version 2 from the payloads alone, with the reference SLIP-39 package.
    let slip39_ok =
        Command::new("python3").args(["-c", "import shamir_mnemonic"]).output().is_ok_and(|o| o.status.success());
    if tools_available(slip39_ok, "the Python shamir-mnemonic package is missing (pip install shamir-mnemonic)") {
        let (out, _) = run(format!("{}\n{}\n", hex(&v2[2]), hex(&v2[0])));
        assert_eq!(out, payload);
        let all = shares::split(&age, InnerKind::Age, 3, 5, &[]).unwrap();
        let (out, _) = run(pick(&all, &[4, 1, 2]).iter().map(|s| hex(s) + "\n").collect());
        assert_eq!(out, age);
    }
}
