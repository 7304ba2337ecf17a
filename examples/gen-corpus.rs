//! Writes a deterministic benchmark corpus of campaign files:
//!
//! ```sh
//! cargo run --release --example gen-corpus -- OUT N SEED
//! ```
//!
//! Each file is a realistic campaign (1.5–3 KB: several channels, 2–6
//! conditions, data sources, merge tokens). Half are clean; the other half
//! carry one mistake each, spread evenly over five core kinds (painful
//! occasion, stale data, missing fallback, broad segment, surveillance
//! wording), so about 10% of the files have each kind. Dates are in 2027 and
//! 2028: check with `--now 2027-01-01`.

use std::fmt::Write as _;
use std::path::PathBuf;

/// A small deterministic generator (xorshift64*), so the corpus depends only on the seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len() as u64) as usize]
    }
}

const CATEGORIES: &[&str] = &[
    "running", "hiking", "cycling", "swimming", "yoga", "climbing", "tennis", "camping",
];
const PRODUCTS: &[&str] = &[
    "shoes", "jackets", "packs", "socks", "bottles", "tents", "lights", "watches", "caps", "gloves",
];
/// Sentence templates; each slot is filled per campaign, so that bodies
/// differ as real campaigns do and only the planted mistakes repeat.
const SENTENCES: &[&str] = &[
    "Our new {c} {p} have landed in {colour} and {colour2}, from {price}.",
    "Members get free delivery on {p} over {price} until the {day}th.",
    "Pick up your {p} at our {store} store the same day, or have them delivered.",
    "Every {c} item comes with our {days}-day return promise.",
    "Read our {c} guide to choosing {p} that fit, written by {name} in {store}.",
    "{name} tested the {colour} {p} on {n2} miles of {c} before we stocked them.",
    "Sizes run true; the {p} chart on each page lists {n2} fits.",
    "Bundle {p} with {p2} and save {pct}% at checkout.",
    "Gift cards from {price} are delivered by email within {days} minutes.",
    "Join {name} for a free {c} session at {store} on the {day}th.",
    "Repairs are free for {days} months on our own {p2} and {p}.",
    "New {colour} {p2} arrive on the {day}th, with {n2} more styles in {store}.",
];
const COLOURS: &[&str] = &[
    "red", "navy", "sage", "sand", "black", "teal", "amber", "grey", "plum", "olive", "rust",
    "white",
];
const STORES: &[&str] = &[
    "Portland", "Leeds", "Denver", "Utrecht", "Galway", "Calgary", "Bristol", "Austin", "Hamburg",
    "Boise",
];
const NAMES: &[&str] = &[
    "Ana", "Ben", "Chloé", "Dev", "Emma", "Femi", "Greta", "Hugo", "Ines", "Jon", "Kai", "Lena",
];

/// A sentence template with its slots filled.
fn sentence(rng: &mut Rng, cat: &str, prod: &str) -> String {
    let mut s = rng.pick(SENTENCES).to_string();
    let fills: [(&str, String); 12] = [
        ("{c}", cat.to_string()),
        ("{p2}", rng.pick(PRODUCTS).to_string()),
        ("{p}", prod.to_string()),
        ("{colour2}", rng.pick(COLOURS).to_string()),
        ("{colour}", rng.pick(COLOURS).to_string()),
        ("{price}", format!("${}", 10 + rng.below(190))),
        ("{day}", (1 + rng.below(28)).to_string()),
        ("{days}", (14 + rng.below(80)).to_string()),
        ("{store}", rng.pick(STORES).to_string()),
        ("{name}", rng.pick(NAMES).to_string()),
        ("{n2}", (2 + rng.below(400)).to_string()),
        ("{pct}", (5 + rng.below(30)).to_string()),
    ];
    for (slot, value) in &fills {
        s = s.replace(slot, value);
    }
    s
}
const SUBJECTS: &[&str] = &[
    "New {p} for {c}",
    "{c} {p}: the new range",
    "Fresh {p} for your next {c} day",
    "Our {c} {p} are back",
];
const REGIONS: &[&str] = &["US", "GB", "CA", "DE", "NL", "IE"];

/// One campaign; `extra` bytes of further body paragraphs (0 for the
/// corpus of many files, so it stays the same file for file).
fn campaign(n: u64, rng: &mut Rng, extra: usize) -> String {
    let cat = rng.pick(CATEGORIES);
    let prod = rng.pick(PRODUCTS);
    // Half clean; the rest carry one mistake of one of five kinds.
    let mistake = if rng.below(2) == 0 {
        None
    } else {
        Some(rng.below(5))
    };
    let month = 1 + rng.below(12);
    let day = 1 + rng.below(27);
    let year = 2027 + rng.below(2);
    let send = format!("{year}-{month:02}-{day:02}");
    let refreshed = if mistake == Some(1) {
        format!("{}-{:02}-{:02}", year - 1, month, day) // a year old: stale-data
    } else {
        format!("{year}-{month:02}-{:02}", day.saturating_sub(1).max(1))
    };
    let channels: &[&str] = match rng.below(3) {
        0 => &["email"],
        1 => &["email", "push"],
        _ => &["email", "sms", "push"],
    };
    let mut y = String::with_capacity(3000);
    let _ = writeln!(y, "# Generated benchmark campaign {n}.");
    let _ = writeln!(y, "campaign: {cat}-{prod}-{n}");
    let _ = writeln!(y, "name: {cat} {prod} {n}");
    let _ = writeln!(y, "channels: [{}]", channels.join(", "));
    let _ = writeln!(y, "region: {}", rng.pick(REGIONS));
    let _ = writeln!(
        y,
        "schedule:\n  send_at: {send}T10:00:00\n  timezone: recipient"
    );
    let _ = writeln!(
        y,
        "audience:\n  segment: {cat}-fans-{}\n  list_size: 480000",
        n % 3000
    );
    if mistake == Some(3) {
        let _ = writeln!(y, "  estimated_size: 400000"); // segment-too-broad
    } else {
        let _ = writeln!(y, "  estimated_size: {}", 2000 + rng.below(40000));
    }
    let _ = writeln!(y, "  include:");
    let _ = writeln!(
        y,
        "    - attribute: preferences.interests\n      op: contains\n      value: {cat}"
    );
    let _ = writeln!(y, "    - event: order_placed\n      within: 180d\n      min_count: 2\n      where: {{category: {cat}}}");
    let _ = writeln!(
        y,
        "    - attribute: preferences.store_id\n      op: eq\n      value: \"{}\"",
        n % 5000
    );
    for _ in 0..rng.below(4) {
        let _ = writeln!(
            y,
            "    - attribute: engagement.email_opened_days\n      op: lt\n      value: {}",
            30 + rng.below(300)
        );
    }
    let _ = writeln!(
        y,
        "  exclude:\n    - attribute: email_opt_out\n      op: eq\n      value: true"
    );
    if mistake == Some(0) {
        let _ = writeln!(
            y,
            "    - attribute: bounced\n      op: eq\n      value: true"
        );
    } else {
        let _ = writeln!(
            y,
            "    - attribute: fathers_day_opt_out\n      op: eq\n      value: true"
        );
    }
    let _ = writeln!(y, "data_sources:");
    let _ = writeln!(y, "  - name: crm\n    provides: [preferences.interests, preferences.store_id, engagement.email_opened_days, email_opt_out, bounced, fathers_day_opt_out, first_name, city]\n    refreshed_at: {refreshed}");
    let _ = writeln!(y, "  - name: web-events\n    provides: [order_placed]\n    refreshed_at: {refreshed}T23:00:00");
    let consent: Vec<&str> = channels
        .iter()
        .map(|c| match *c {
            "email" => "email_marketing",
            "sms" => "sms_marketing",
            _ => "push",
        })
        .collect();
    let _ = writeln!(y, "consent: [{}]", consent.join(", "));
    if channels.len() > 1 {
        let _ = writeln!(y, "frequency: {{cap: 1, per: 7d}}");
    }
    let _ = writeln!(y, "sender:\n  name: Trail Co\n  postal_address: \"Trail Co, 120 Harbour Street, Portland, ME 04101\"");
    let subject = rng.pick(SUBJECTS).replace("{p}", prod).replace("{c}", cat);
    let greeting = if mistake == Some(2) {
        "Hi {{ first_name }},".to_string() // token-missing-fallback
    } else {
        "Hi {{ first_name | default: 'there' }},".to_string()
    };
    let mut body = String::new();
    let _ = writeln!(body, "      <p>{greeting}</p>");
    if mistake == Some(0) {
        let _ = writeln!(
            body,
            "      <p>Father's Day is coming: treat him to new {prod}.</p>"
        );
    }
    if mistake == Some(4) {
        let _ = writeln!(
            body,
            "      <p>We noticed you looking at {cat} {prod} yesterday.</p>"
        );
    }
    let _ = writeln!(
        body,
        "      <p>Campaign {n}: {cat} {prod} picked for {{{{ city | default: 'your area' }}}}.</p>"
    );
    for _ in 0..3 + rng.below(3) {
        let line = sentence(rng, cat, prod);
        let _ = writeln!(body, "      <p>{line}</p>");
    }
    let grown = body.len() + extra;
    let mut k = 0u64;
    while body.len() < grown {
        k += 1;
        let planted = match k % 150 {
            50 => "Hi {{ first_name }}, a note for you. ",
            100 => "We noticed you were looking at these yesterday. ",
            0 => "Father's Day is coming: treat him to something new. ",
            _ => "",
        };
        let (a, b) = (sentence(rng, cat, prod), sentence(rng, cat, prod));
        let _ = writeln!(
            body,
            "      <p>{planted}{a} {b} Picked for {{{{ city | default: 'your area' }}}}, section {k}.</p>"
        );
    }
    let _ = writeln!(
        body,
        "      <p><a href=\"https://trail.example/{cat}/{prod}?c={n}\">See the range</a></p>"
    );
    let _ = writeln!(body, "      <p><a href=\"{{{{ unsubscribe_url }}}}\">Unsubscribe</a> · <a href=\"{{{{ manage_preferences_url }}}}\">Preferences</a></p>");
    let _ = writeln!(y, "content:\n  email:\n    from: \"Trail Co <hello@trail.example>\"\n    subject: \"{subject} ({n})\"\n    preheader: \"Offer {n}: {cat} {prod}\"\n    body: |\n{body}", );
    if channels.contains(&"sms") {
        let _ = writeln!(
            y,
            "  sms:\n    body: \"Trail Co: new {cat} {prod} ({n}). Reply STOP to opt out\""
        );
    }
    if channels.contains(&"push") {
        let _ = writeln!(y, "  push:\n    title: \"New {cat} {prod}, no. {n}\"\n    body: \"Offer {n}: see the range in the app.\"");
    }
    y
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let [mode, path, size, seed] = args.as_slice() {
        if mode == "--one-file" {
            let size: usize = size.parse().expect("BYTES is a number");
            let seed: u64 = seed.parse().expect("SEED is a number");
            let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
            let base = campaign(0, &mut Rng(rng.0), 0).len();
            let text = campaign(0, &mut rng, size.saturating_sub(base));
            let path = PathBuf::from(path);
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir).expect("create the output folder");
            }
            std::fs::write(&path, &text).expect("write the campaign");
            eprintln!(
                "wrote one campaign, {:.1} MB, to {}",
                text.len() as f64 / 1e6,
                path.display()
            );
            return;
        }
    }
    let [out, n, seed] = args.as_slice() else {
        eprintln!("usage: gen-corpus OUT N SEED | gen-corpus --one-file PATH BYTES SEED");
        std::process::exit(2);
    };
    let out = PathBuf::from(out);
    let n: u64 = n.parse().expect("N is a number");
    let seed: u64 = seed.parse().expect("SEED is a number");
    let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let mut bytes = 0usize;
    for i in 0..n {
        // Spread files over folders, as repositories do.
        let dir = out.join(format!("team-{:02}", i % 20));
        std::fs::create_dir_all(&dir).expect("create the output folder");
        let text = campaign(i, &mut rng, 0);
        bytes += text.len();
        std::fs::write(dir.join(format!("campaign-{i:05}.yaml")), text).expect("write a campaign");
    }
    eprintln!(
        "wrote {n} campaigns, {:.1} MB, to {}",
        bytes as f64 / 1e6,
        out.display()
    );
}
