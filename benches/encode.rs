//! Encode benchmark: time to turn each sample manifest into a PDF, and the
//! PDF's size. Run: `cargo bench --bench encode` (release profile).

use std::path::Path;
use std::time::Instant;

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    println!(
        "| sample | payload (bytes) | codes (k of n) | QR level | pages | PDF size | encode time (median of 20) |"
    );
    println!("|---|---|---|---|---|---|---|");
    for name in ["exchange", "bip39", "keyfile"] {
        let path = root.join("samples").join(format!("{name}.toml"));
        let text = std::fs::read_to_string(&path).unwrap();
        let opts = paperseed::EncodeOptions { date: "2026-01-02".into(), ..Default::default() };
        let mut times = Vec::new();
        let mut last = None;
        for _ in 0..20 {
            let start = Instant::now();
            let backup = paperseed::secret::manifest::parse(&text, &root.join("samples")).unwrap();
            let out = paperseed::encode(&backup, &opts).unwrap();
            times.push(start.elapsed().as_secs_f64() * 1000.0);
            last = Some(out);
        }
        times.sort_by(f64::total_cmp);
        let out = last.unwrap();
        let pages = out.pdf.windows(b"/Type/Page/".len()).filter(|w| w == b"/Type/Page/").count();
        println!(
            "| {name} | {} | {} of {} | {} | {} | {:.1} KB | {:.1} ms |",
            out.payload_len,
            out.plan.k,
            out.plan.n,
            out.plan.ecc.letter(),
            pages,
            out.pdf.len() as f64 / 1000.0,
            times[times.len() / 2]
        );
    }
}
