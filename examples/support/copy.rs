//! Shared by the benchmark generators (`gen-templates`, `gen-exports`): a
//! seeded random generator, invented brands, and marketing copy built from
//! parts, so that every file reads differently (as real campaigns do) and
//! only the mistakes planted on purpose repeat.
//!
//! All of the copy is invented for the benchmark; the brands, streets and
//! domains (`*.example`) do not exist.

/// A small deterministic generator (xorshift64*), so a corpus depends only on its seed.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    /// A number in `lo..=hi`.
    pub fn between(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.below(hi - lo + 1)
    }
    /// True `percent` times in a hundred.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
    pub fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len() as u64) as usize]
    }
    /// A uniform number in `0.0..1.0`.
    pub fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// An invented sender: name, postal address, domain, brand colour.
pub struct Brand {
    pub name: &'static str,
    pub address: &'static str,
    pub domain: &'static str,
    pub colour: &'static str,
}

pub const BRANDS: &[Brand] = &[
    Brand {
        name: "Trail Co",
        address: "120 Harbour Street, Portland, ME 04101",
        domain: "trailco.example",
        colour: "#2f5d3a",
    },
    Brand {
        name: "Alder & Pine",
        address: "14 Orchard Lane, Bristol BS1 4QA",
        domain: "alderpine.example",
        colour: "#4a6b3c",
    },
    Brand {
        name: "Northwind Outfitters",
        address: "88 Quay Road, Galway H91 X2E4",
        domain: "northwind.example",
        colour: "#1f4e79",
    },
    Brand {
        name: "Fernhill Supply",
        address: "3 Mill Street, Leeds LS1 2AB",
        domain: "fernhill.example",
        colour: "#6b4f2c",
    },
    Brand {
        name: "Cobble & Crest",
        address: "410 Larimer Street, Denver, CO 80202",
        domain: "cobblecrest.example",
        colour: "#8a3b2e",
    },
    Brand {
        name: "Tarnside",
        address: "31 Canal Street, Manchester M1 3HE",
        domain: "tarnside.example",
        colour: "#355c7d",
    },
    Brand {
        name: "Mossgrove",
        address: "27 Bow Valley Road, Canmore, AB T1W 1N2",
        domain: "mossgrove.example",
        colour: "#3d6b5a",
    },
    Brand {
        name: "Kestrel Goods",
        address: "501 Congress Avenue, Austin, TX 78701",
        domain: "kestrel.example",
        colour: "#b5651d",
    },
    Brand {
        name: "Larchmont Field",
        address: "9 Harbour Way, Southampton SO14 3FN",
        domain: "larchmont.example",
        colour: "#44546a",
    },
    Brand {
        name: "Boise Bench Co",
        address: "212 Main Street, Boise, ID 83702",
        domain: "boisebench.example",
        colour: "#7a5c3e",
    },
    Brand {
        name: "Willow & Wharf",
        address: "9 Dock Street, Hull HU1 1TB",
        domain: "willowwharf.example",
        colour: "#5b7f95",
    },
    Brand {
        name: "Granite Peak",
        address: "77 Summit Drive, Burlington, VT 05401",
        domain: "granitepeak.example",
        colour: "#505a5e",
    },
    Brand {
        name: "Saltmarsh",
        address: "4 Strand Road, Cork T12 K8AF",
        domain: "saltmarsh.example",
        colour: "#2e6f73",
    },
    Brand {
        name: "Juniper Row",
        address: "318 Pearl Street, Boulder, CO 80302",
        domain: "juniperrow.example",
        colour: "#6a7f3a",
    },
    Brand {
        name: "Osprey Lane",
        address: "56 Marine Parade, Brighton BN2 1TL",
        domain: "ospreylane.example",
        colour: "#1d5f8a",
    },
    Brand {
        name: "Cedar Hollow",
        address: "1450 Pine Street, Bend, OR 97701",
        domain: "cedarhollow.example",
        colour: "#7b4b2a",
    },
    Brand {
        name: "Ridgeback Gear",
        address: "63 Lonsdale Street, Melbourne VIC 3000",
        domain: "ridgeback.example",
        colour: "#9c3d1f",
    },
    Brand {
        name: "Heathfield",
        address: "22 Rose Street, Edinburgh EH2 2PR",
        domain: "heathfield.example",
        colour: "#5d4a7a",
    },
    Brand {
        name: "Pike & Pebble",
        address: "800 Water Street, Halifax, NS B3H 1A1",
        domain: "pikepebble.example",
        colour: "#3f6f8f",
    },
    Brand {
        name: "Yarrow Works",
        address: "18 Kings Road, Reading RG1 3AA",
        domain: "yarrow.example",
        colour: "#86612a",
    },
];

pub const CATEGORIES: &[&str] = &[
    "running",
    "hiking",
    "cycling",
    "swimming",
    "yoga",
    "climbing",
    "tennis",
    "camping",
    "paddling",
    "gardening",
    "baking",
    "fishing",
];
pub const PRODUCTS: &[&str] = &[
    "shoes", "jackets", "packs", "socks", "bottles", "tents", "lights", "watches", "caps",
    "gloves", "mugs", "stoves", "blankets", "hammocks", "boards", "ropes", "mats", "tools",
    "aprons", "kettles", "lanterns", "rods", "helmets", "scarves",
];
pub const MODELS: &[&str] = &[
    "Alder",
    "Birch",
    "Cedar",
    "Dune",
    "Ember",
    "Fjord",
    "Granite",
    "Harbour",
    "Iris",
    "Juniper",
    "Kestrel",
    "Larch",
    "Moraine",
    "Nettle",
    "Osprey",
    "Pike",
    "Quarry",
    "Ridgeline",
    "Sorrel",
    "Tarn",
    "Umber",
    "Vale",
    "Willow",
    "Yarrow",
];
pub const COLOURS: &[&str] = &[
    "red", "navy", "sage", "sand", "black", "teal", "amber", "grey", "plum", "olive", "rust",
    "white", "ochre", "slate", "moss", "clay",
];
pub const MATERIALS: &[&str] = &[
    "merino",
    "ripstop nylon",
    "waxed cotton",
    "recycled polyester",
    "organic cotton",
    "canvas",
    "cork",
    "bamboo",
    "aluminium",
    "stainless steel",
    "oak",
    "enamelled steel",
    "wool felt",
    "linen",
];
pub const ADJECTIVES: &[&str] = &[
    "lightweight",
    "waterproof",
    "packable",
    "insulated",
    "breathable",
    "hard-wearing",
    "recycled",
    "padded",
    "quick-drying",
    "stretchy",
    "lined",
    "reflective",
    "roomy",
    "weatherproof",
    "compact",
    "sturdy",
    "soft",
    "foldable",
    "hand-stitched",
    "repairable",
];
pub const STORES: &[&str] = &[
    "Portland",
    "Leeds",
    "Denver",
    "Utrecht",
    "Galway",
    "Calgary",
    "Bristol",
    "Austin",
    "Hamburg",
    "Boise",
    "Bend",
    "Halifax",
    "Cork",
    "Boulder",
    "Brighton",
    "Edinburgh",
];
pub const STAFF: &[&str] = &[
    "Ana", "Ben", "Chloé", "Dev", "Emma", "Femi", "Greta", "Hugo", "Ines", "Jon", "Kai", "Lena",
    "Marta", "Niall", "Oskar", "Priya", "Rosa", "Sami", "Tomás", "Una",
];
const WHEN: &[&str] = &[
    "this weekend",
    "on Saturday morning",
    "from Thursday",
    "all week",
    "until Sunday night",
    "for the next ten days",
    "while stocks last",
    "from today",
    "next Tuesday",
    "this month",
];
const PLACES: &[&str] = &[
    "the coast path",
    "a wet fell race",
    "the canal towpath",
    "a three-day trek",
    "the allotment",
    "a windy ridge",
    "the school run",
    "a long commute",
    "the river",
    "a rainy campsite",
    "the kitchen",
    "a bothy weekend",
];

/// A product's model name, such as "Ridgeline 24".
pub fn model(rng: &mut Rng) -> String {
    let m = rng.pick(MODELS);
    match rng.below(3) {
        0 => format!("{m} {}", rng.between(2, 9)),
        1 => format!("{m} {}L", [12, 18, 24, 30, 40, 55][rng.below(6) as usize]),
        _ => format!(
            "{m} {}",
            ["Lite", "Pro", "Trail", "Classic", "Max", "Mini"][rng.below(6) as usize]
        ),
    }
}

pub fn price(rng: &mut Rng) -> String {
    format!(
        "${}.{:02}",
        rng.between(8, 240),
        [0, 50, 95, 99][rng.below(4) as usize]
    )
}

/// One sentence of product copy about `cat` and `prod`, its slots filled.
pub fn sentence(rng: &mut Rng, cat: &str, prod: &str) -> String {
    let m = model(rng);
    let adj = rng.pick(ADJECTIVES);
    let adj2 = rng.pick(ADJECTIVES);
    let col = rng.pick(COLOURS);
    let col2 = rng.pick(COLOURS);
    let mat = rng.pick(MATERIALS);
    let store = rng.pick(STORES);
    let who = rng.pick(STAFF);
    let when = rng.pick(WHEN);
    let place = rng.pick(PLACES);
    let p2 = rng.pick(PRODUCTS);
    let price = price(rng);
    let n = rng.between(2, 60);
    let day = rng.between(1, 28);
    match rng.below(28) {
        0 => format!("Our new {cat} {prod} have landed in {col} and {col2}, from {price}."),
        1 => format!("The {m} is {adj} and {adj2}, made from {mat} that lasts for years of {cat}."),
        2 => format!(
            "Pick up your {prod} at our {store} store {when}, or have them sent to your door."
        ),
        3 => format!("Every {cat} item comes with our {n}-day return promise and free repairs."),
        4 => {
            format!("{who} from our {store} shop took the {m} on {place} and came back with notes.")
        }
        5 => format!(
            "Sizes run true; the {prod} chart on each page lists {n} fits with measurements."
        ),
        6 => format!(
            "Bundle the {m} with {p2} and save {}% at checkout {when}.",
            rng.between(5, 30)
        ),
        7 => format!("Gift cards from {price} arrive by email within {n} minutes."),
        8 => format!(
            "Join {who} for a free {cat} session at {store} on the {day}th; bring a friend."
        ),
        9 => format!("The {col} {m} {prod} pack down small enough for a side pocket."),
        10 => format!("We restitched the seams on the {m} after feedback from {n} {cat} clubs."),
        11 => format!("New {col} {p2} arrive on the {day}th, with {n} more styles in {store}."),
        12 => {
            format!("{mat} keeps the {m} {adj} on {place}, and it dries overnight on a radiator.")
        }
        13 => format!("Members collect points on every {prod} order and spend them {when}."),
        14 => format!("The {m} has a {adj} lining, two zipped pockets and a loop for {p2}."),
        15 => format!("Our {store} team repaired {n} pairs of {prod} last month, for free."),
        16 => format!("Read {who}'s guide to choosing {prod} for {place}, with {n} photos."),
        17 => format!("Try the {m} in store {when}: the fitting bench in {store} has every size."),
        18 => {
            format!("Made in small batches from {mat}, the {m} comes in {col}, {col2} and black.")
        }
        19 => format!(
            "Care tip: wash your {prod} cold, hang them to dry, and re-proof them every {n} uses."
        ),
        20 => {
            format!("{who} says the {m} is the most {adj} {cat} kit we have stocked in {n} years.")
        }
        21 => format!(
            "Free delivery on {prod} over {price}, and free returns to any of our {n} stores."
        ),
        22 => format!(
            "The {col} colourway of the {m} sold out in {store} in {n} hours; it is back now."
        ),
        23 => format!(
            "Swap your old {prod} in {store} {when} and take {}% off a new pair.",
            rng.between(10, 25)
        ),
        24 => format!("From {price}, the {m} {p2} pair well with our {adj} {prod}."),
        25 => format!(
            "Our {cat} club meets in {store} every {} at {}pm.",
            ["Monday", "Wednesday", "Friday", "Sunday"][rng.below(4) as usize],
            rng.between(5, 8)
        ),
        26 => format!(
            "Each {m} is tested on {place} by {who} and {} before it reaches the shop.",
            rng.pick(STAFF)
        ),
        _ => format!(
            "Spare parts for the {m} cost {price} and fit every model since {}.",
            rng.between(2012, 2026)
        ),
    }
}

/// A few sentences.
pub fn paragraph(rng: &mut Rng, cat: &str, prod: &str) -> String {
    let n = rng.between(2, 4);
    let mut s = String::new();
    for i in 0..n {
        if i > 0 {
            s.push(' ');
        }
        s.push_str(&sentence(rng, cat, prod));
    }
    s
}

/// A section heading.
pub fn heading(rng: &mut Rng, cat: &str, prod: &str) -> String {
    let m = model(rng);
    let adj = rng.pick(ADJECTIVES);
    let store = rng.pick(STORES);
    match rng.below(8) {
        0 => format!("New {cat} {prod}"),
        1 => format!("Meet the {m}"),
        2 => format!("{} {prod}, ready for {cat}", capitalise(adj)),
        3 => format!("What is new in {store}"),
        4 => format!("The {m}, tested"),
        5 => format!("Staff picks for {cat}"),
        6 => format!("Back in stock: {m}"),
        _ => format!("Care and repair for {prod}"),
    }
}

/// A call to action.
pub fn cta(rng: &mut Rng, prod: &str) -> String {
    match rng.below(6) {
        0 => format!("Shop {prod}"),
        1 => "See the range".to_string(),
        2 => "Find a store".to_string(),
        3 => format!("Compare {prod}"),
        4 => "Read the guide".to_string(),
        _ => "Book a fitting".to_string(),
    }
}

/// A preheader: one short line.
pub fn preheader(rng: &mut Rng, cat: &str, prod: &str) -> String {
    let m = model(rng);
    match rng.below(5) {
        0 => format!(
            "The {m} and {} more {cat} {prod} this week",
            rng.between(3, 19)
        ),
        1 => format!("Free repairs on every {prod}, and a new {m}"),
        2 => format!("{} picked these {prod} for {cat}", rng.pick(STAFF)),
        3 => format!("{} new colours of the {m}", rng.between(2, 9)),
        _ => format!("A store event in {} and new {prod}", rng.pick(STORES)),
    }
}

pub fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

/// The planted mistakes that the template and export generators share.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mistake {
    /// "Hi {{ first_name }}," with no fallback.
    NoFallback,
    /// "We noticed you were looking at …".
    Surveillance,
    /// No unsubscribe link or wording anywhere.
    NoUnsubscribe,
    /// Father's Day or Mother's Day, with nothing keeping opted-out people out.
    Occasion,
}

impl Mistake {
    /// Half of the files clean; the rest one mistake each, evenly.
    pub fn draw(rng: &mut Rng) -> Option<Mistake> {
        if rng.below(2) == 0 {
            return None;
        }
        Some(match rng.below(4) {
            0 => Mistake::NoFallback,
            1 => Mistake::Surveillance,
            2 => Mistake::NoUnsubscribe,
            _ => Mistake::Occasion,
        })
    }
}

/// The sentence a surveillance mistake plants.
pub fn surveillance(rng: &mut Rng, prod: &str) -> String {
    let m = model(rng);
    match rng.below(3) {
        0 => format!(
            "We noticed you were looking at the {m} {prod} yesterday; it is still in stock."
        ),
        1 => format!(
            "We saw you checking out our {prod} three times this week, so here is the {m} again."
        ),
        _ => format!("We noticed you browsing {prod} last night. The {m} is waiting for you."),
    }
}

/// The sentence an occasion mistake plants.
pub fn occasion(rng: &mut Rng, cat: &str) -> String {
    match rng.below(2) {
        0 => format!("Father's Day is on the 20th: treat Dad to something new for {cat}."),
        _ => format!("Mother's Day is coming up: spoil Mum with our favourite {cat} gifts."),
    }
}

/// What an HTML email body says besides its generated copy: the greeting,
/// planted sentences, and the footer's HTML (address, unsubscribe).
pub struct Body<'a> {
    pub brand: &'a Brand,
    pub cat: &'a str,
    pub prod: &'a str,
    pub greeting: String,
    pub planted: Vec<String>,
    pub footer: String,
    /// A hidden preheader element, when the platform keeps it in the HTML.
    pub preheader: Option<String>,
}

/// A table-laid HTML email body with inline styles, of about `target`
/// bytes, as platforms store them.
pub fn email_html(rng: &mut Rng, body: &Body, target: usize) -> String {
    let b = body.brand;
    let font = "font-family:Helvetica,Arial,sans-serif;";
    let mut h = String::with_capacity(target + 2048);
    h.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    h.push_str(&format!(
        "<title>{}</title>\n<style>\n",
        heading(rng, body.cat, body.prod)
    ));
    for i in 0..rng.between(3, 10) {
        h.push_str(&format!(
            ".c{i} {{ padding: {}px; font-size: {}px; color: #{:06x}; }}\n",
            rng.between(4, 30),
            rng.between(12, 20),
            rng.below(0x80_0000)
        ));
    }
    h.push_str("@media screen and (max-width: 600px) { .container { width: 100% !important; } }\n</style>\n</head>\n");
    h.push_str(&format!(
        "<body style=\"margin:0;background:#f4f1ea;{font}color:#2b2b2b;\">\n"
    ));
    if let Some(p) = &body.preheader {
        h.push_str(&format!("<span class=\"preheader\" style=\"display:none;font-size:0;line-height:0;max-height:0;opacity:0;overflow:hidden;\">{p}</span>\n"));
    }
    h.push_str("<table role=\"presentation\" class=\"container\" width=\"100%\" cellpadding=\"0\" cellspacing=\"0\" style=\"max-width:600px;margin:0 auto;background:#ffffff;\">\n");
    h.push_str(&format!(
        "<tr><td style=\"padding:24px;\">\n<img src=\"https://cdn.{d}/email/2027/{p}-{n}.jpg\" alt=\"The {m} {p} in {c}\" width=\"552\" style=\"display:block;width:100%;height:auto;\">\n<p style=\"font-size:18px;\">{g}</p>\n<h1 style=\"font-size:26px;\">{t}</h1>\n",
        d = b.domain,
        p = body.prod,
        n = rng.below(10_000),
        m = model(rng),
        c = rng.pick(COLOURS),
        g = body.greeting,
        t = heading(rng, body.cat, body.prod)
    ));
    for s in &body.planted {
        h.push_str(&format!("<p>{s}</p>\n"));
    }
    h.push_str(&format!(
        "<p>{}</p>\n</td></tr>\n",
        paragraph(rng, body.cat, body.prod)
    ));
    while h.len() + body.footer.len() + 300 < target {
        h.push_str(&format!(
            "<tr><td class=\"c{}\" style=\"padding:16px 24px;\">\n<h2 style=\"font-size:20px;\">{}</h2>\n<p>{}</p>\n<p><a href=\"https://{}/{}/{}?utm_source=email&amp;n={}\" style=\"display:inline-block;padding:12px 24px;background:{};color:#ffffff;text-decoration:none;border-radius:4px;\">{}</a></p>\n</td></tr>\n",
            rng.below(3),
            heading(rng, body.cat, body.prod),
            paragraph(rng, body.cat, body.prod),
            b.domain,
            body.cat,
            body.prod,
            rng.below(1000),
            b.colour,
            cta(rng, body.prod)
        ));
    }
    h.push_str(&format!(
        "<tr><td style=\"padding:16px 24px;font-size:12px;color:#777777;\">\n{}\n</td></tr>\n</table>\n</body>\n</html>\n",
        body.footer
    ));
    h
}
