//! Prints how many frame bytes fit one QR symbol in numeric mode (paperseed's
//! encoding) against byte mode, per version and error-correction level.
//! Run: cargo run --release --example density
use paperseed::format::{digits, frame};
use paperseed::sheet::qr::{self, Ecc};
use qrcode::EcLevel;
use qrcode::bits::Bits;
use qrcode::types::Version;

fn byte_capacity(version: i16, ecc: EcLevel) -> usize {
    (0..4000)
        .take_while(|&n| {
            let mut b = Bits::new(Version::Normal(version));
            b.push_byte_data(&vec![0xa5; n]).is_ok() && b.push_terminator(ecc).is_ok()
        })
        .last()
        .unwrap_or(0)
}

fn main() {
    println!("| version | ECC | byte mode (bytes) | numeric, PAPERSEED1: prefix (bytes) | ratio |");
    println!("|---|---|---|---|---|");
    for version in [5i16, 10, 15] {
        for (ecc, lvl) in [(Ecc::M, EcLevel::M), (Ecc::Q, EcLevel::Q), (Ecc::H, EcLevel::H)] {
            let cap = qr::digit_capacity(&frame::prefix(), version, ecc);
            let mut bytes = 0;
            while digits::digit_len(bytes + 1) <= cap {
                bytes += 1;
            }
            let byte_mode = byte_capacity(version, lvl);
            println!(
                "| {version} | {} | {byte_mode} | {bytes} | {:.1}% |",
                ecc.letter(),
                100.0 * bytes as f64 / byte_mode as f64
            );
        }
    }
}
