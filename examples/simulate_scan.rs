//! Makes `samples/exchange-scan.jpg`: page 1 of the exchange sample sheet as a
//! mediocre 200 dpi office scan (rotated 1.5°, slightly blurred, greyish
//! paper, sensor noise, JPEG). Run:
//! `cargo run --release --example simulate_scan -- samples/exchange.toml samples/exchange-scan.jpg`

#[path = "../tests/it/support.rs"]
mod common;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (manifest, out) = (&args[1], &args[2]);
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(manifest).unwrap();
    let base = std::path::Path::new(manifest).parent().unwrap();
    let backup = paperseed::secret::manifest::parse(&text, base).unwrap();
    let opts = paperseed::EncodeOptions { date: "2026-01-02".into(), ..Default::default() };
    let pdf = dir.path().join("sheet.pdf");
    std::fs::write(&pdf, paperseed::encode(&backup, &opts).unwrap().pdf).unwrap();
    let page = common::rasterize(&pdf, 200.0).remove(0);
    let mut img = common::rotate_degrees(&page, 1.5);
    img = common::blur(&img, 0.7);
    for p in img.pixels_mut() {
        // Greyish paper and toner that is not quite black.
        p[0] = (30.0 + p[0] as f32 * 0.84) as u8;
    }
    img = common::noise(&img, 5.0, 7);
    common::save_jpeg(&img, std::path::Path::new(out), 80);
}
