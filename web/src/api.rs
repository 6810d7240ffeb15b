//! The page's requests and their answers, as JSON. Every answer is an object;
//! a failure is `{"error": message, "hint": hint-or-null}`. Wording comes
//! from the library, as the `paperseed` binary prints it.
//!
//! | `op` | request fields | data | answer |
//! |---|---|---|---|
//! | `scan` | `name`, `so_far` | a file's bytes | `so_far` with this file's codes and lines, `progress`, `added`, `pages` |
//! | `frame` | `width`, `height`, `so_far` | 8-bit luma, row-major | the same |
//! | `check_line` | `text`, `entry` | | `lines` or `share`, or an error |
//! | `restore` | `so_far`, `passphrase`, `set`, `now` | | `outcome` (see [`restore`]) |
//! | `otp` | `uri`, `now` | | the current `code` |
//! | `qr` | `text` | | `width` and `modules` (`"0"`/`"1"`, row-major) |
//!
//! `so_far` is what the page holds between calls: `codes` (`text`, `place`,
//! `raw` base64), recovery-text `lines` (`text`, `place`), typed share
//! `words` (one entry of 20 or 33 words each) and the `pages` read.

use data_encoding::BASE64;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use zeroize::Zeroize;

use paperseed::assemble::{Outcome, Report};
use paperseed::format::PayloadKind;
use paperseed::protect::{SecretString, shares};
use paperseed::restore::{
    self, Located, Opened, Problem, RestoreError, ScanOptions, Scanned, TextRead, Typed, Unlock, UnlockError, open,
};
use paperseed::scan::{DetectOptions, Effort, Limits, Page};
use paperseed::secret::{Backup, OtpKind, Secret, otp};

/// Where typed lines come from, as problems name it (as `restore --type`).
pub const TYPED_PLACE: &str = "typed lines";
/// Where camera codes come from.
pub const CAMERA_PLACE: &str = "camera";
/// Largest camera frame, in pixels (a 4K frame).
pub const MAX_FRAME_PIXELS: u64 = 3840 * 2160;

/// One request, by its `op`.
#[derive(Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
enum Request {
    Scan {
        name: String,
        #[serde(default)]
        so_far: SoFar,
    },
    Frame {
        width: u32,
        height: u32,
        #[serde(default)]
        so_far: SoFar,
    },
    CheckLine {
        text: String,
        entry: usize,
    },
    Restore {
        #[serde(default)]
        so_far: SoFar,
        #[serde(default)]
        passphrase: Option<String>,
        #[serde(default)]
        set: Option<String>,
        now: i64,
    },
    Otp {
        uri: String,
        now: i64,
    },
    Qr {
        text: String,
    },
    Version,
}

/// A code found, as the page keeps it.
#[derive(Deserialize, Serialize, Clone, Debug, PartialEq)]
pub struct Code {
    pub text: String,
    pub place: String,
    /// The symbol's data bytes, base64 (SeedQR codes are read from them).
    #[serde(default)]
    pub raw: String,
}

/// A recovery-text line that passed its check.
#[derive(Deserialize, Serialize, Clone, Debug, PartialEq)]
pub struct Line {
    pub text: String,
    pub place: String,
}

/// What the page has gathered so far.
#[derive(Deserialize, Serialize, Default, Clone, Debug)]
pub struct SoFar {
    #[serde(default)]
    pub codes: Vec<Code>,
    #[serde(default)]
    pub lines: Vec<Line>,
    #[serde(default)]
    pub words: Vec<String>,
    #[serde(default)]
    pub pages: usize,
}

impl SoFar {
    fn located(&self) -> Vec<Located> {
        self.codes
            .iter()
            .map(|c| Located {
                text: c.text.clone(),
                bytes: BASE64.decode(c.raw.as_bytes()).unwrap_or_default(),
                place: c.place.clone(),
                ecc: None,
            })
            .collect()
    }

    fn reads(&self) -> Vec<TextRead> {
        self.lines.iter().map(|l| TextRead { text: l.text.clone(), place: l.place.clone() }).collect()
    }

    /// The typed share words, parsed (entries that do not parse were refused
    /// when typed and are left out).
    fn shares(&self) -> Vec<paperseed::protect::slip39::Share> {
        self.words
            .iter()
            .enumerate()
            .filter_map(|(i, w)| match restore::check_typed_entry(w, i + 1, TYPED_PLACE) {
                Ok(Typed::Words(s)) => Some(s),
                _ => None,
            })
            .collect()
    }

    fn scanned(&self) -> Scanned {
        let found = self.located();
        let lines = self.reads();
        let report = restore::assemble_with_text(&found, &lines);
        Scanned { found, report, pages: self.pages, text: None, words: self.shares(), lines }
    }
}

/// Run one request (`req`: its JSON; `data`: its bytes) and answer in JSON.
pub fn call(req: &[u8], data: &[u8]) -> String {
    let request: Request = match serde_json::from_slice(req) {
        Ok(r) => r,
        Err(e) => return error(&format!("the page sent a request paperseed does not understand: {e}"), None),
    };
    let answer = match request {
        Request::Scan { name, so_far } => scan(&name, data, so_far),
        Request::Frame { width, height, so_far } => frame(width, height, data, so_far),
        Request::CheckLine { mut text, entry } => {
            let a = check_line(&text, entry);
            text.zeroize();
            a
        }
        Request::Restore { so_far, passphrase, set, now } => restore(&so_far, passphrase, set.as_deref(), now),
        Request::Otp { uri, now } => otp_now(&uri, now),
        Request::Qr { text } => qr(&text),
        Request::Version => json!({
            "program": paperseed::PROGRAM,
            "format": paperseed::format::frame::VERSION,
            "max_file_bytes": Limits::default().max_file_bytes,
        }),
    };
    answer.to_string()
}

fn error(message: &str, hint: Option<String>) -> String {
    json!({ "error": message, "hint": hint }).to_string()
}

fn error_value(message: String, hint: Option<String>) -> Value {
    json!({ "error": message, "hint": hint })
}

fn code_of(l: &Located) -> Code {
    Code { text: l.text.clone(), place: l.place.clone(), raw: BASE64.encode(&l.bytes) }
}

/// The answer to `scan` and `frame`: everything gathered, and the progress.
fn gathered(scanned: &Scanned, before: usize, pages: usize) -> Value {
    let so_far = SoFar {
        codes: scanned.found.iter().map(code_of).collect(),
        lines: scanned.lines.iter().map(|l| Line { text: l.text.clone(), place: l.place.clone() }).collect(),
        words: Vec::new(),
        pages,
    };
    json!({
        "so_far": so_far,
        "added": scanned.found.len().saturating_sub(before),
        "pages": scanned.pages,
        "text": scanned.text,
        "progress": progress(&scanned.report),
    })
}

/// Read one file (image or PDF) as `paperseed restore` does, on top of what
/// was found before.
pub fn scan(name: &str, data: &[u8], so_far: SoFar) -> Value {
    let pages = match paperseed::scan::load_bytes(data, name, &Limits::default()) {
        Ok(p) => p,
        Err(e) => return error_value(e.to_string(), Some(load_hint().into())),
    };
    let before = so_far.codes.len();
    let scanned = restore::scan_more(&pages, &ScanOptions::default(), &so_far.located(), &so_far.reads(), &mut |_| {});
    let total = so_far.pages + pages.len();
    gathered(&scanned, before, total)
}

fn load_hint() -> &'static str {
    "give a photo or scan of the sheet (PNG, JPEG, TIFF, WebP, BMP, PNM) or a PDF"
}

/// Search one camera frame (luma) quickly; new codes join those found before.
pub fn frame(width: u32, height: u32, luma: &[u8], so_far: SoFar) -> Value {
    let pixels = u64::from(width) * u64::from(height);
    if pixels == 0 || pixels > MAX_FRAME_PIXELS || luma.len() as u64 != pixels {
        return error_value(format!("a camera frame of {width}×{height} with {} bytes", luma.len()), None);
    }
    let Some(image) = image::GrayImage::from_raw(width, height, luma.to_vec()) else {
        return error_value("the camera frame does not match its size".into(), None);
    };
    let page = Page { source: CAMERA_PLACE.into(), image };
    let before = so_far.codes.len();
    let mut found = so_far.located();
    for code in restore::scan_page(&page, &DetectOptions { expected: None, effort: Effort::Quick }) {
        // The same code is seen in frame after frame: keep its first sighting.
        if !found.iter().any(|f| f.text == code.text) {
            found.push(code);
        }
    }
    let lines = so_far.reads();
    let report = restore::assemble_with_text(&found, &lines);
    let scanned = Scanned { found, report, pages: so_far.pages, text: None, words: Vec::new(), lines };
    gathered(&scanned, before, so_far.pages)
}

/// Check one typed entry as `restore --type` does.
pub fn check_line(text: &str, entry: usize) -> Value {
    match restore::check_typed_entry(text, entry, TYPED_PLACE) {
        Ok(Typed::Lines(lines)) => json!({
            "lines": lines.iter().map(|l| Line { text: l.text.clone(), place: l.place.clone() }).collect::<Vec<_>>(),
        }),
        Ok(Typed::Words(share)) => json!({ "share": share.member_index() + 1 }),
        Err(e) => json!({ "error": e.to_string(), "hint": e.hint }),
    }
}

/// What each set found so far needs, in words.
pub fn progress(report: &Report) -> Value {
    let sets: Vec<Value> = report
        .sets
        .iter()
        .map(|s| {
            let (k, n, have) = (usize::from(s.set.k), usize::from(s.set.n), s.have());
            let restored = matches!(s.outcome, Outcome::Restored { .. });
            let kind = match s.set.kind {
                PayloadKind::Sheet => "sheet",
                PayloadKind::Encrypted => "encrypted",
                PayloadKind::Share => "share",
            };
            let mut summary = format!(
                "{have} {} of this {} read, any {k} restore",
                if have == 1 { "code" } else { "codes" },
                if s.set.kind == PayloadKind::Share { "share" } else { "backup" }
            );
            if let Some(t) = &s.text {
                summary.push_str(&format!("; {} of its {} recovery-text lines", t.lines, t.expected));
            }
            summary.push_str(&match &s.outcome {
                Outcome::Restored { .. } => ": complete".to_string(),
                Outcome::NotEnough { .. } => format!(": {} more needed", k.saturating_sub(have)),
                Outcome::Mismatch { .. } => ": they do not match their checksum (misread or altered codes)".into(),
            });
            let share = match &s.outcome {
                Outcome::Restored { payload, .. } if s.set.kind == PayloadKind::Share => shares::parse_share(payload)
                    .ok()
                    .map(|i| json!({ "x": i.x, "k": i.k, "n": i.n, "holder": i.holder, "split": i.split_code() })),
                _ => None,
            };
            json!({
                "set": s.set.short_id(),
                "kind": kind,
                "k": k,
                "n": n,
                "have": have,
                "read": s.shards.keys().map(|i| i + 1).collect::<Vec<_>>(),
                "missing": s.missing().iter().map(|i| i + 1).collect::<Vec<_>>(),
                "restored": restored,
                "summary": summary,
                "share": share,
            })
        })
        .collect();
    json!({
        "sets": sets,
        "rejected": report.rejected.iter().map(|r| format!("a paperseed code at {} was not used: {}", r.source, r.error)).collect::<Vec<_>>(),
        "foreign": report.foreign.len(),
    })
}

/// The page's passphrase, given once it asked for one.
struct PagePassphrase(Option<SecretString>);

impl Unlock for PagePassphrase {
    fn passphrase(&mut self) -> Result<SecretString, UnlockError> {
        self.0.clone().ok_or_else(|| UnlockError::Unavailable(NEED_PASSPHRASE.into()))
    }
}

const NEED_PASSPHRASE: &str = "the sheet is encrypted: its passphrase is needed";

/// A problem with its hint, as the binary prints it.
fn problem(p: &Problem) -> Value {
    json!({ "message": p.to_string(), "hint": p.hint() })
}

/// Restore from everything gathered. `outcome` is one of:
/// `restored` (with `backups`, and `problems` of other sets),
/// `several` (backups to `choose` from, nothing shown, as `restore` without `--set`),
/// `incomplete` (`message`, `hint`: what is still needed), `need_passphrase`,
/// `wrong_passphrase`, `failed` (`message`).
pub fn restore(so_far: &SoFar, passphrase: Option<String>, set: Option<&str>, now: i64) -> Value {
    let scanned = so_far.scanned();
    let asked = passphrase.is_some();
    let mut unlock = PagePassphrase(passphrase.map(SecretString::from));
    let base = |outcome: &str| json!({ "outcome": outcome, "progress": progress(&scanned.report) });
    let opening = match open::restore(&scanned, set, &mut unlock) {
        Ok(o) => o,
        Err(RestoreError::Problem(p)) => {
            let mut v = base("incomplete");
            v["message"] = json!(p.to_string());
            v["hint"] = json!(p.hint());
            return v;
        }
        Err(RestoreError::Unlock(UnlockError::Unavailable(_))) if !asked => return base("need_passphrase"),
        Err(RestoreError::Unlock(e @ UnlockError::WrongPassphrase)) => {
            let mut v = base("wrong_passphrase");
            v["message"] = json!(e.to_string());
            return v;
        }
        Err(RestoreError::Unlock(e)) => {
            let mut v = base("failed");
            v["message"] = json!(e.to_string());
            return v;
        }
    };
    let problems: Vec<Value> = opening.problems.iter().map(problem).collect();
    if opening.restored.is_empty() {
        let mut v = base("incomplete");
        let first = opening.problems.first();
        v["message"] = json!(
            first
                .map_or_else(|| format!("nothing could be restored from {} page(s)", scanned.pages), |p| p.to_string())
        );
        v["hint"] = json!(first.and_then(Problem::hint));
        v["problems"] = json!(problems);
        return v;
    }
    if opening.restored.len() > 1 {
        let mut v = base("several");
        v["choose"] = opening
            .restored
            .iter()
            .map(|o| {
                let id = o.set_id.clone().filter(|id| !id.starts_with("split"));
                json!({
                    "set": o.set_id,
                    "choice": id.unwrap_or_else(|| o.restored.fingerprint.to_string()),
                    "title": o.restored.backup.title,
                    "fingerprint": o.restored.fingerprint.to_string(),
                })
            })
            .collect();
        v["problems"] = json!(problems);
        return v;
    }
    let mut v = base("restored");
    v["backups"] = opening.restored.iter().map(|o| backup(o, now)).collect();
    v["problems"] = json!(problems);
    v
}

/// A restored backup as the page shows it: what `restore` prints (heading and
/// lines of each secret, the URI of each key), and what it adds on request
/// (current codes, files to save), plus the emergency guide.
fn backup(o: &Opened, now: i64) -> Value {
    let b: &Backup = &o.restored.backup;
    let secrets: Vec<Value> = b
        .secrets
        .iter()
        .map(|s| {
            let d = s.display();
            let mut v = json!({ "type": s.type_name(), "label": s.label(), "heading": d.heading, "lines": d.lines });
            match s {
                Secret::Otp { key, .. } => {
                    v["uri"] = json!(key.to_uri());
                    v["otp"] = otp_value(key, now);
                }
                Secret::File { name, data, .. } => {
                    v["file"] = json!({
                        "name": name,
                        "save_as": safe_file_name(name),
                        "size": data.len(),
                        "base64": BASE64.encode(data),
                    });
                }
                _ => {}
            }
            v
        })
        .collect();
    let emergency = b.emergency.as_ref().map(|e| {
        let part = |p: Vec<(String, Vec<String>)>| -> Vec<Value> {
            p.into_iter().map(|(heading, lines)| json!({ "heading": heading, "lines": lines })).collect()
        };
        json!({ "guide": part(e.lines()), "card": part(e.card()) })
    });
    json!({
        "title": b.title,
        "fingerprint": o.restored.fingerprint.to_string(),
        "set": o.set_id,
        "status": o.status,
        "secrets": secrets,
        "emergency": emergency,
    })
}

/// A key's current code, as `restore --totp-now` prints it.
fn otp_value(key: &paperseed::secret::OtpKey, now: i64) -> Value {
    match key.kind {
        OtpKind::Totp { period } => json!({
            "kind": "totp",
            "code": otp::totp_at(key, now),
            "remaining": otp::seconds_remaining(now, period),
            "period": period,
        }),
        OtpKind::Hotp { counter } => json!({ "kind": "hotp", "code": otp::hotp_next(key), "counter": counter }),
    }
}

/// The current code of an `otpauth://` URI.
pub fn otp_now(uri: &str, now: i64) -> Value {
    match paperseed::secret::OtpKey::from_uri(uri) {
        Ok(key) => otp_value(&key, now),
        Err(e) => error_value(e.to_string(), None),
    }
}

/// The QR symbol of a text (an `otpauth://` URI), for an app to scan.
pub fn qr(text: &str) -> Value {
    match paperseed::interop::termqr::otpauth_symbol(text) {
        Ok(s) => json!({
            "width": s.width,
            "modules": s.modules.iter().map(|d| if *d { '1' } else { '0' }).collect::<String>(),
        }),
        Err(e) => error_value(e.to_string(), None),
    }
}

/// The name to save an embedded file under: its own when it is a plain file
/// name (as `restore --files-to` requires), else `None` (the page offers a
/// neutral name and says why).
pub fn safe_file_name(name: &str) -> Option<&str> {
    let plain = !name.is_empty()
        && !name.starts_with('.')
        && !name.contains(['/', '\\', ':', '\0'])
        && !name.chars().any(|c| c.is_control());
    plain.then_some(name)
}

#[cfg(test)]
mod tests;
