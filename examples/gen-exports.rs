//! Writes a deterministic benchmark corpus of platform-export bundles:
//!
//! ```sh
//! cargo run --release --example gen-exports -- OUT N SEED
//! ```
//!
//! N bundles, one folder each under `OUT/<platform>/bundle-NNNNN/`, evenly
//! over the five platforms preflight reads, in the shapes of
//! `tests/fixtures/exports/` (see its README and `EXPECTED.md` files):
//!
//! - Klaviyo: one JSON:API document (a campaign with its `included`
//!   campaign message, template, segment and lists); a quarter are SMS;
//! - Mailchimp: `campaign.json`, `content.json` and `merge-fields.json`;
//! - Meta: a campaign (with its ads), an ad set and an ad creative;
//! - Marketing Cloud: an `mcdev retrieve` tree (`.mcdevrc.json`, a journey
//!   and the email asset it sends with the `.html` beside it; or an SMS
//!   with its `.amp`);
//! - Braze: campaign details (email and push) or Canvas details (email and
//!   SMS steps), some with a scheduled-send request.
//!
//! Email bodies are table-laid HTML of 3–25 KB. Half of the bundles are
//! clean; the other half carry one mistake each, evenly over four kinds
//! (each platform's own form of: a token without fallback, surveillance
//! wording, a missing unsubscribe, a painful occasion without opt-out; for
//! Meta, which has no tokens or unsubscribe: pregnancy targeting and a
//! housing ad without its special ad category). Dates are in 2027: check
//! with `--now 2027-01-01`.

#[allow(dead_code)]
#[path = "support/copy.rs"]
mod copy;

use std::path::{Path, PathBuf};

use copy::{Body, Brand, Mistake, Rng, BRANDS, CATEGORIES, PRODUCTS};
use serde_json::{json, Value};

/// What one bundle is about.
struct Ctx<'a> {
    n: usize,
    brand: &'a Brand,
    cat: &'static str,
    prod: &'static str,
    mistake: Option<Mistake>,
    /// The send day, `2027-MM-DD`.
    day: String,
}

impl Ctx<'_> {
    fn has(&self, m: Mistake) -> bool {
        self.mistake == Some(m)
    }
    fn subject(&self, rng: &mut Rng) -> String {
        if self.has(Mistake::Occasion) {
            format!(
                "{}: the {} and more {} gifts",
                occasion_name(self.n),
                copy::model(rng),
                self.cat
            )
        } else if self.has(Mistake::Surveillance) {
            format!("We noticed you were looking at the {}", copy::model(rng))
        } else {
            format!("{} ({})", copy::heading(rng, self.cat, self.prod), self.n)
        }
    }
    /// Sentences planted in the body for the mistake.
    fn planted(&self, rng: &mut Rng) -> Vec<String> {
        match self.mistake {
            Some(Mistake::Occasion) => vec![format!(
                "{} is coming up: our {} gift guide has something for everyone.",
                occasion_name(self.n),
                self.cat
            )],
            Some(Mistake::Surveillance) => vec![copy::surveillance(rng, self.prod)],
            _ => Vec::new(),
        }
    }
    fn url(&self, rng: &mut Rng) -> String {
        format!(
            "https://{}/{}/{}?c={}&s={}",
            self.brand.domain,
            self.cat,
            self.prod,
            self.n,
            rng.below(1000)
        )
    }
    /// An email body of 3–25 KB.
    fn html(
        &self,
        rng: &mut Rng,
        greeting: String,
        footer: String,
        preheader: Option<String>,
    ) -> String {
        let target = 3_000 + (22_000.0 * rng.unit().powf(1.5)) as usize;
        let body = Body {
            brand: self.brand,
            cat: self.cat,
            prod: self.prod,
            greeting,
            planted: self.planted(rng),
            footer,
            preheader,
        };
        copy::email_html(rng, &body, target)
    }
}

fn occasion_name(n: usize) -> &'static str {
    if n % 2 == 0 {
        "Father's Day"
    } else {
        "Mother's Day"
    }
}

/// A send day in 2027: around the occasion for an occasion mistake, else
/// any day from February to November.
fn send_day(rng: &mut Rng, n: usize, mistake: Option<Mistake>) -> String {
    if mistake == Some(Mistake::Occasion) {
        if n % 2 == 0 {
            format!("2027-06-{:02}", rng.between(8, 18))
        } else {
            format!("2027-05-{:02}", rng.between(1, 7))
        }
    } else {
        format!("2027-{:02}-{:02}", rng.between(2, 11), rng.between(1, 28))
    }
}

/// An id of `len` characters from `alphabet`.
fn id(rng: &mut Rng, len: usize, alphabet: &str) -> String {
    let a = alphabet.as_bytes();
    (0..len)
        .map(|_| a[rng.below(a.len() as u64) as usize] as char)
        .collect()
}
const UPPER: &str = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const MIXED: &str = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789";
const HEX: &str = "0123456789abcdef";
const DIGITS: &str = "0123456789";

fn uuid(rng: &mut Rng) -> String {
    format!(
        "{}-{}-4{}-{}-{}",
        id(rng, 8, HEX),
        id(rng, 4, HEX),
        id(rng, 3, HEX),
        id(rng, 4, HEX),
        id(rng, 12, HEX)
    )
}

fn write_json(path: &Path, v: &Value, total: &mut (usize, usize)) {
    let text = serde_json::to_string_pretty(v).expect("JSON") + "\n";
    write_text(path, &text, total);
}

fn write_text(path: &Path, text: &str, total: &mut (usize, usize)) {
    std::fs::create_dir_all(path.parent().expect("a folder")).expect("create the output folder");
    std::fs::write(path, text).expect("write an export");
    total.0 += 1;
    total.1 += text.len();
}

fn klaviyo(rng: &mut Rng, ctx: &Ctx, dir: &Path, total: &mut (usize, usize)) {
    let b = ctx.brand;
    let campaign_id = id(rng, 26, UPPER);
    let message_id = id(rng, 26, UPPER);
    let template_id = id(rng, 6, MIXED);
    let segment_id = id(rng, 6, MIXED);
    let optout_id = id(rng, 6, MIXED);
    let sms = rng.chance(25);
    let excluded: Vec<String> = if ctx.has(Mistake::Occasion) {
        Vec::new()
    } else {
        vec![optout_id.clone()]
    };
    let time = if sms && ctx.has(Mistake::NoUnsubscribe) {
        "23:30" // also sent in the quiet hours
    } else {
        "10:00"
    };
    let datetime = format!("{}T{time}:00+00:00", ctx.day);
    let segment = json!({
        "type": "segment",
        "id": segment_id,
        "attributes": {
            "name": format!("{} buyers - last {} days", copy::capitalise(ctx.cat), 30 * rng.between(1, 6)),
            "definition": {"condition_groups": [
                {"conditions": [{
                    "type": "profile-metric",
                    "metric_id": id(rng, 6, MIXED),
                    "measurement": "count",
                    "measurement_filter": {"type": "numeric", "operator": "greater-than", "value": 0},
                    "timeframe_filter": {"type": "date", "operator": "in-the-last", "quantity": 30 * rng.between(1, 6), "unit": "day"},
                    "metric_filters": null
                }]},
                {"conditions": [{
                    "type": "profile-property",
                    "property": "properties['Preferred Category']",
                    "filter": {"type": "string", "operator": "equals", "value": ctx.cat}
                }]}
            ]},
            "created": "2026-11-03T09:12:30.551000+00:00",
            "updated": "2026-12-02T11:40:18.227000+00:00",
            "is_active": true,
            "is_processing": false,
            "is_starred": false
        },
        "links": {"self": format!("https://a.klaviyo.com/api/segments/{segment_id}")}
    });
    let optout_name = if ctx.n % 2 == 0 {
        "Father's Day opt-out"
    } else {
        "Mother's Day opt-out"
    };
    let list = json!({
        "type": "list",
        "id": optout_id,
        "attributes": {"name": optout_name, "created": "2026-05-04T08:00:12.000000+00:00", "updated": "2026-12-30T21:14:55.000000+00:00", "opt_in_process": "single_opt_in"},
        "links": {"self": format!("https://a.klaviyo.com/api/lists/{optout_id}")}
    });
    let mut included = Vec::new();
    if sms {
        let mut body = if ctx.has(Mistake::NoFallback) {
            format!("{}: hi {{{{ first_name }}}}, ", b.name)
        } else {
            format!("{}: ", b.name)
        };
        match ctx.mistake {
            Some(Mistake::Occasion) => body.push_str(&format!(
                "{} gifts for {} fans are in. ",
                occasion_name(ctx.n),
                ctx.cat
            )),
            Some(Mistake::Surveillance) => {
                body.push_str(&format!("we noticed you looking at {}. ", ctx.prod))
            }
            _ => {}
        }
        body.push_str(&format!(
            "{}% off {} {} this week. Shop: https://{}/s/{}",
            rng.between(10, 30),
            ctx.cat,
            ctx.prod,
            b.domain,
            ctx.n
        ));
        included.push(json!({
            "type": "campaign-message",
            "id": message_id,
            "attributes": {
                "definition": {
                    "channel": "sms",
                    "content": {"body": body, "media_url": null},
                    "render_options": {"shorten_links": true, "add_org_prefix": true, "add_info_link": true, "add_opt_out_language": !ctx.has(Mistake::NoUnsubscribe)}
                },
                "send_times": [{"datetime": datetime, "is_local": true}],
                "created_at": "2026-12-12T17:05:51.488000+00:00",
                "updated_at": "2026-12-13T19:41:37.019000+00:00"
            },
            "relationships": {"campaign": {"data": {"type": "campaign", "id": campaign_id}}},
            "links": {"self": format!("https://a.klaviyo.com/api/campaign-messages/{message_id}")}
        }));
    } else {
        let greeting = if ctx.has(Mistake::NoFallback) {
            "Hi {{ first_name }},".to_string()
        } else {
            "Hi {{ first_name|default:'there' }},".to_string()
        };
        let footer = if ctx.has(Mistake::NoUnsubscribe) {
            format!("{}, {}", b.name, b.address)
        } else {
            format!("You are receiving this email because you shopped with {}.<br>\n{}, {}<br>\n{{% unsubscribe 'Unsubscribe' %}} &middot; {{% manage_preferences 'Manage preferences' %}}", b.name, b.name, b.address)
        };
        let html = ctx.html(rng, greeting.clone(), footer, None);
        let text = format!(
            "{greeting}\n\n{}\n\n{}, {}\n{}",
            copy::paragraph(rng, ctx.cat, ctx.prod),
            b.name,
            b.address,
            if ctx.has(Mistake::NoUnsubscribe) {
                ""
            } else {
                "Unsubscribe: {% unsubscribe_url %}\n"
            }
        );
        let subject = ctx.subject(rng);
        included.push(json!({
            "type": "campaign-message",
            "id": message_id,
            "attributes": {
                "definition": {
                    "channel": "email",
                    "label": format!("{} - main", subject),
                    "content": {
                        "subject": subject,
                        "preview_text": copy::preheader(rng, ctx.cat, ctx.prod),
                        "from_email": format!("hello@{}", b.domain),
                        "from_label": b.name,
                        "reply_to_email": format!("help@{}", b.domain),
                        "cc_email": null,
                        "bcc_email": null
                    }
                },
                "send_times": [{"datetime": datetime, "is_local": true}],
                "created_at": "2026-12-18T14:22:09.701000+00:00",
                "updated_at": "2026-12-28T09:40:02.117000+00:00"
            },
            "relationships": {
                "campaign": {"data": {"type": "campaign", "id": campaign_id}},
                "template": {"data": {"type": "template", "id": template_id}}
            },
            "links": {"self": format!("https://a.klaviyo.com/api/campaign-messages/{message_id}")}
        }));
        included.push(json!({
            "type": "template",
            "id": template_id,
            "attributes": {
                "name": format!("{} {} {}", b.name, ctx.cat, ctx.n),
                "editor_type": "CODE",
                "html": html,
                "text": text,
                "created": "2026-12-18T14:25:44.120000+00:00",
                "updated": "2026-12-28T09:38:51.004000+00:00"
            },
            "links": {"self": format!("https://a.klaviyo.com/api/templates/{template_id}")}
        }));
    }
    included.push(segment);
    included.push(list);
    let doc = json!({
        "data": {
            "type": "campaign",
            "id": campaign_id,
            "attributes": {
                "name": format!("{} {} {} - {}", b.name, ctx.cat, ctx.prod, ctx.n),
                "status": "Draft",
                "archived": false,
                "audiences": {"included": [segment_id], "excluded": excluded},
                "send_options": {"use_smart_sending": true},
                "tracking_options": {"add_tracking_params": true, "is_tracking_clicks": true, "is_tracking_opens": true},
                "send_strategy": {"method": "static", "datetime": datetime, "options": {"is_local": true, "send_past_recipients_immediately": false}},
                "created_at": "2026-12-18T14:22:09.418000+00:00",
                "scheduled_at": null,
                "updated_at": "2026-12-28T09:41:27.650000+00:00",
                "send_time": null
            },
            "relationships": {"campaign-messages": {"data": [{"type": "campaign-message", "id": message_id}]}},
            "links": {"self": format!("https://a.klaviyo.com/api/campaigns/{campaign_id}")}
        },
        "included": included
    });
    write_json(
        &dir.join(format!("campaign-{campaign_id}.json")),
        &doc,
        total,
    );
}

fn mailchimp(rng: &mut Rng, ctx: &Ctx, dir: &Path, total: &mut (usize, usize)) {
    let b = ctx.brand;
    let cid = id(rng, 10, HEX);
    let list = id(rng, 10, HEX);
    let store = rng.pick(copy::STORES);
    let conditions = if ctx.has(Mistake::Occasion) {
        json!([{"condition_type": "TextMerge", "field": "MMERGE5", "op": "is", "value": store}])
    } else {
        json!([
            {"condition_type": "TextMerge", "field": "MMERGE5", "op": "is", "value": store},
            {"condition_type": "TextMerge", "field": "MMERGE7", "op": "not", "value": "opted out of occasion emails"}
        ])
    };
    let campaign = json!({
        "id": cid,
        "web_id": rng.between(1_000_000, 9_999_999),
        "parent_campaign_id": "",
        "type": "regular",
        "create_time": "2026-12-22T10:15:07+00:00",
        "archive_url": format!("https://eepurl.com/{}", id(rng, 6, MIXED)),
        "status": "save",
        "emails_sent": 0,
        "send_time": "",
        "content_type": "html",
        "needs_block_refresh": false,
        "resendable": false,
        "recipients": {
            "list_id": list,
            "list_is_active": true,
            "list_name": format!("{} Customers", b.name),
            "segment_text": format!("<p>Contacts match</p> <span>all</span> <p>of the following conditions:</p><ol><li>Home Store is {store}</li></ol>"),
            "recipient_count": rng.between(800, 40_000),
            "segment_opts": {"saved_segment_id": rng.between(100_000, 999_999), "match": "all", "conditions": conditions}
        },
        "settings": {
            "subject_line": ctx.subject(rng),
            "preview_text": copy::preheader(rng, ctx.cat, ctx.prod),
            "title": format!("{} {} {} - {}", b.name, ctx.cat, ctx.prod, ctx.n),
            "from_name": b.name,
            "reply_to": format!("hello@{}", b.domain),
            "use_conversation": false,
            "to_name": "*|FNAME|*",
            "folder_id": "",
            "authenticate": true,
            "auto_footer": false,
            "inline_css": true,
            "auto_tweet": false,
            "fb_comments": false,
            "timewarp": false,
            "template_id": rng.between(10_000, 99_999),
            "drag_and_drop": false
        },
        "tracking": {"opens": true, "html_clicks": true, "text_clicks": true, "goal_tracking": false, "ecomm360": true, "google_analytics": format!("c{}", ctx.n), "clicktale": ""},
        "delivery_status": {"enabled": false},
        "_links": [{"rel": "self", "href": format!("https://us21.api.mailchimp.com/3.0/campaigns/{cid}"), "method": "GET"}]
    });
    let footer = if ctx.has(Mistake::NoUnsubscribe) {
        "Copyright &copy; *|CURRENT_YEAR|* *|LIST:COMPANY|*, All rights reserved.<br>\n*|LIST:ADDRESSLINE|*".to_string()
    } else {
        format!("Copyright &copy; *|CURRENT_YEAR|* *|LIST:COMPANY|*, All rights reserved.<br>\nYou are receiving this email because you signed up at {}.<br>\n*|LIST:ADDRESSLINE|*<br>\n<a href=\"*|UPDATE_PROFILE|*\">Update your preferences</a> or <a href=\"*|UNSUB|*\">unsubscribe</a>.", b.name)
    };
    let html = ctx.html(
        rng,
        "Hi *|FNAME|*,".into(),
        footer,
        Some("*|MC_PREVIEW_TEXT|*".into()),
    );
    let plain = format!(
        "Hi *|FNAME|*,\n\n{}\n\n*|LIST:ADDRESSLINE|*\n{}",
        copy::paragraph(rng, ctx.cat, ctx.prod),
        if ctx.has(Mistake::NoUnsubscribe) {
            ""
        } else {
            "Unsubscribe: *|UNSUB|*\n"
        }
    );
    let content = json!({
        "plain_text": plain,
        "html": html,
        "archive_html": "",
        "_links": [{"rel": "parent", "href": format!("https://us21.api.mailchimp.com/3.0/campaigns/{cid}"), "method": "GET"}]
    });
    let fname_default = if ctx.has(Mistake::NoFallback) {
        ""
    } else {
        "there"
    };
    let field = |merge_id: u64, tag: &str, name: &str, default: &str, order: u64| {
        json!({
            "merge_id": merge_id, "tag": tag, "name": name, "type": "text", "required": false,
            "default_value": default, "public": true, "display_order": order, "options": {"size": 25},
            "help_text": "", "list_id": list,
            "_links": [{"rel": "self", "href": format!("https://us21.api.mailchimp.com/3.0/lists/{list}/merge-fields/{merge_id}"), "method": "GET"}]
        })
    };
    let merge = json!({
        "merge_fields": [
            field(1, "FNAME", "First Name", fname_default, 2),
            field(2, "LNAME", "Last Name", "", 3),
            field(5, "MMERGE5", "Home Store", "", 6),
            field(7, "MMERGE7", "Occasion emails", "", 8)
        ],
        "list_id": list,
        "total_items": 4
    });
    write_json(&dir.join("campaign.json"), &campaign, total);
    write_json(&dir.join("content.json"), &content, total);
    write_json(&dir.join("merge-fields.json"), &merge, total);
}

fn meta(rng: &mut Rng, ctx: &Ctx, dir: &Path, total: &mut (usize, usize)) {
    let b = ctx.brand;
    let account = id(rng, 15, DIGITS);
    let campaign_id = format!("2386{}", id(rng, 13, DIGITS));
    let adset_id = format!("2386{}", id(rng, 13, DIGITS));
    let creative_id = format!("2386{}", id(rng, 13, DIGITS));
    let housing = ctx.has(Mistake::NoUnsubscribe);
    let model = copy::model(rng);
    let (title, message) = match ctx.mistake {
        Some(Mistake::NoUnsubscribe) => (
            format!("Apartments for rent near {}", rng.pick(copy::STORES)),
            format!("Now leasing 1- and 2-bedroom apartments at {} Lofts. Rooftop deck, bike storage, first month free.", model),
        ),
        Some(Mistake::Surveillance) => (format!("Still thinking about the {model}?"), copy::surveillance(rng, ctx.prod)),
        Some(Mistake::Occasion) => (
            format!("{} gifts: the {model}", occasion_name(ctx.n)),
            format!("{} is coming up: our {} gift guide starts with the {model}.", occasion_name(ctx.n), ctx.cat),
        ),
        _ => (format!("The {model} {}", ctx.prod), copy::sentence(rng, ctx.cat, ctx.prod)),
    };
    let day = &ctx.day;
    let campaign = json!({
        "id": campaign_id,
        "account_id": account,
        "name": format!("{} - {} {} - {}", b.name, ctx.cat, ctx.prod, ctx.n),
        "objective": if housing { "OUTCOME_LEADS" } else { "OUTCOME_SALES" },
        "status": "PAUSED",
        "effective_status": "PAUSED",
        "configured_status": "PAUSED",
        "buying_type": "AUCTION",
        "special_ad_categories": [],
        "special_ad_category_country": [],
        "daily_budget": format!("{}", 1000 * rng.between(2, 20)),
        "bid_strategy": "LOWEST_COST_WITHOUT_CAP",
        "start_time": format!("{day}T09:00:00-0700"),
        "stop_time": format!("{day}T23:59:00-0700"),
        "created_time": "2026-12-22T15:41:09-0800",
        "updated_time": "2026-12-25T10:12:48-0800",
        "ads": {"data": [{
            "id": format!("2386{}", id(rng, 13, DIGITS)),
            "name": format!("{title} - link ad"),
            "status": "PAUSED",
            "creative": {"id": creative_id, "title": title, "body": message}
        }]}
    });
    let interests = if ctx.has(Mistake::NoFallback) {
        json!([{"id": "6003101323797", "name": "Pregnancy"}, {"id": id(rng, 13, DIGITS), "name": copy::capitalise(ctx.cat)}])
    } else {
        json!([{"id": id(rng, 13, DIGITS), "name": copy::capitalise(ctx.cat)}, {"id": id(rng, 13, DIGITS), "name": "Outdoor recreation"}])
    };
    let adset = json!({
        "id": adset_id,
        "account_id": account,
        "name": format!("{} - {} - US", b.name, copy::capitalise(ctx.cat)),
        "campaign_id": campaign_id,
        "status": "PAUSED",
        "effective_status": "PAUSED",
        "configured_status": "PAUSED",
        "billing_event": "IMPRESSIONS",
        "optimization_goal": "REACH",
        "bid_strategy": "LOWEST_COST_WITHOUT_CAP",
        "daily_budget": format!("{}", 1000 * rng.between(2, 20)),
        "start_time": format!("{day}T09:00:00-0700"),
        "end_time": format!("{day}T23:59:00-0700"),
        "created_time": "2026-12-12T10:04:51-0700",
        "updated_time": "2026-12-14T16:30:02-0700",
        "frequency_control_specs": [{"event": "IMPRESSIONS", "interval_days": 7, "max_frequency": 2}],
        "targeting": {
            "geo_locations": {"regions": [{"key": "3886", "name": "Oregon", "country": "US"}, {"key": "3890", "name": "Washington", "country": "US"}], "location_types": ["home", "recent"]},
            "age_min": 21,
            "age_max": 65,
            "flexible_spec": [{"interests": interests}],
            "publisher_platforms": ["facebook", "instagram"],
            "device_platforms": ["mobile", "desktop"],
            "targeting_automation": {"advantage_audience": 0}
        },
        "promoted_object": {"page_id": id(rng, 15, DIGITS)}
    });
    let link = ctx.url(rng);
    let creative = json!({
        "id": creative_id,
        "account_id": account,
        "name": format!("{title} - link ad"),
        "status": "ACTIVE",
        "title": title,
        "body": message,
        "object_story_spec": {
            "page_id": id(rng, 15, DIGITS),
            "link_data": {
                "message": message,
                "name": title,
                "description": copy::sentence(rng, ctx.cat, ctx.prod),
                "link": link,
                "caption": b.domain,
                "image_hash": id(rng, 32, HEX),
                "call_to_action": {"type": "SHOP_NOW", "value": {"link": link}}
            }
        },
        "object_type": "SHARE",
        "url_tags": "utm_source=meta&utm_medium=paid_social"
    });
    write_json(&dir.join("campaign.json"), &campaign, total);
    write_json(&dir.join("adset.json"), &adset, total);
    write_json(&dir.join("adcreative.json"), &creative, total);
}

fn sfmc(rng: &mut Rng, ctx: &Ctx, dir: &Path, total: &mut (usize, usize)) {
    let b = ctx.brand;
    let mcdevrc = json!({
        "credentials": {"MyInstance": {"eid": 5_550_001, "businessUnits": {"_ParentBU_": 5_550_001, "MyBU": 5_550_042}}},
        "options": {"formatOnSave": true, "documentType": "md", "exclude": {}, "include": {}, "serverTimeOffset": -6},
        "directories": {"businessUnits": "businessUnits/", "deploy": "deploy/", "docs": "docs/", "retrieve": "retrieve/", "template": "template/", "templateBuilds": ["retrieve/", "deploy/"]},
        "markets": {},
        "version": "7.4.4"
    });
    write_json(&dir.join(".mcdevrc.json"), &mcdevrc, total);
    let bu = dir.join("retrieve/MyInstance/MyBU");
    let key = format!(
        "{}_{}_{}",
        copy::capitalise(ctx.cat),
        copy::capitalise(ctx.prod),
        ctx.n
    );
    if rng.chance(30) {
        // An SMS with its text beside it.
        let time = if ctx.has(Mistake::Occasion) {
            "22:30"
        } else {
            "10:00"
        };
        let mut text = format!(
            "{}: {}% off {} {} through Sunday. Shop: https://{}/s/{}",
            b.name,
            rng.between(10, 30),
            ctx.cat,
            ctx.prod,
            b.domain,
            ctx.n
        );
        if ctx.has(Mistake::Surveillance) {
            text = format!(
                "{}: we noticed you looking at {}. Shop: https://{}/s/{}",
                b.name, ctx.prod, b.domain, ctx.n
            );
        }
        if ctx.has(Mistake::NoFallback) {
            text = format!(
                "{}: hi %%FirstName%%, {}% off {} today. https://{}/s/{}",
                b.name,
                rng.between(10, 30),
                ctx.prod,
                b.domain,
                ctx.n
            );
        }
        if !ctx.has(Mistake::NoUnsubscribe) {
            text.push_str(" Reply STOP to opt out");
        }
        let meta = json!({
            "id": key,
            "lastUpdated": "2026-12-26T18:05:00Z",
            "type": "ExactTarget.Mobile.Sms.Core.Entities.SmsMessageEntity",
            "name": format!("{} {} {}", b.name, ctx.cat, ctx.n),
            "origin": "SMS Send",
            "r__mobileCode_key": id(rng, 11, DIGITS),
            "r__campaign_key": [key],
            "mtSendDate": format!("{}T{time}:00", ctx.day),
            "template": {"id": "Mzo4MDow", "name": "Outbound"},
            "status": "Active/Scheduled",
            "isTest": false,
            "moTimezone": {"offset": -6, "name": "(GMT-06:00) Central Time (US & Canada)"},
            "optinType": "NO_OPTIN",
            "isTimeZoneBased": false,
            "sendMethod": "SendNow",
            "fromName": b.name,
            "outboundSendTypeFlag": "Audience"
        });
        let path = bu.join(format!("mobileMessage/{key}.mobileMessage-meta.json"));
        write_json(&path, &meta, total);
        write_text(&path.with_extension("amp"), &text, total);
        return;
    }
    let email_key = format!("{key}Email");
    let subject = ctx.subject(rng);
    let preheader = copy::preheader(rng, ctx.cat, ctx.prod);
    let (script, greeting) = if ctx.has(Mistake::NoFallback) {
        (
            "%%[\nSET @first = AttributeValue(\"FirstName\")\n]%%\n",
            "Hi %%=v(@first)=%%,",
        )
    } else {
        ("%%[\nSET @first = AttributeValue(\"FirstName\")\nIF Empty(@first) THEN\n  SET @first = \"there\"\nENDIF\n]%%\n", "Hi %%=v(@first)=%%,")
    };
    let footer = if ctx.has(Mistake::NoUnsubscribe) {
        format!("{}, {}", b.name, b.address)
    } else {
        format!("You are receiving this email because you signed up with {}.<br>\n%%Member_Busname%%, %%Member_Addr%%, %%Member_City%%, %%Member_State%% %%Member_PostalCode%%<br>\n<a href=\"%%profile_center_url%%\" alias=\"Update Profile\">Update your preferences</a> or <a href=\"%%unsub_center_url%%\" alias=\"Unsubscribe\">unsubscribe</a>.", b.name)
    };
    let html = format!("{script}{}", ctx.html(rng, greeting.into(), footer, None));
    let asset = json!({
        "customerKey": email_key,
        "contentType": "application/vnd.etmc.email.Message; kind=paste",
        "assetType": {"name": "htmlemail", "displayName": "HTML Email"},
        "name": email_key,
        "description": format!("{} {} {}", b.name, ctx.cat, ctx.prod),
        "createdBy": {},
        "modifiedBy": {},
        "memberId": "5550042",
        "status": {"name": "Draft"},
        "views": {
            "subjectline": {"contentType": "application/vnd.etmc.email.View; kind=subjectline", "content": subject, "meta": {}, "availableViews": [], "modelVersion": 2},
            "preheader": {"contentType": "application/vnd.etmc.email.View; kind=preheader", "content": preheader, "meta": {}, "availableViews": [], "modelVersion": 2},
            "html": {"thumbnail": {}, "availableViews": [], "data": {"email": {"options": {"generateFrom": ""}}}, "modelVersion": 2},
            "text": {"thumbnail": {}, "availableViews": [], "data": {"email": {"options": {"generateFrom": "html"}}}, "generateFrom": "html", "modelVersion": 2}
        },
        "availableViews": ["subjectline", "preheader", "html", "text"],
        "data": {"email": {"options": {"characterEncoding": "utf-8"}}},
        "modelVersion": 2,
        "r__folder_Path": "Content Builder/2027"
    });
    let path = bu.join(format!("asset/message/{email_key}.asset-message-meta.json"));
    write_json(&path, &asset, total);
    write_text(&path.with_extension("html"), &html, total);
    let store = rng.pick(copy::STORES);
    let filter = format!("<FilterDefinition><ConditionSet Operator=\"AND\" ConditionSetName=\"Individual Filter Grouping\"><Condition ID=\"{}\" Key=\"HomeStore\" Operator=\"Equal\"><Value><![CDATA[{store}]]></Value></Condition></ConditionSet></FilterDefinition>", uuid(rng));
    let journey = json!({
        "key": key,
        "name": format!("{} - {} {}", b.name, ctx.cat, ctx.n),
        "lastPublishedDate": "0001-01-01T00:00:00",
        "description": format!("{} {} for customers of the {store} store.", copy::capitalise(ctx.cat), ctx.prod),
        "version": 1,
        "workflowApiVersion": 1,
        "createdDate": "2026-12-15T10:02:11.52",
        "modifiedDate": "2026-12-18T14:27:45.3",
        "activities": [
            {
                "id": uuid(rng), "key": "MULTICRITERIADECISION-1", "name": "Home store", "description": "", "type": "MULTICRITERIADECISION",
                "outcomes": [
                    {"key": "path_store", "next": "EMAILV2-1", "arguments": {}, "metaData": {"label": store, "criteriaDescription": format!("HomeStore is {store}")}},
                    {"key": "remainder_path", "next": "WAITBYDURATION-1", "arguments": {}, "metaData": {"label": null}}
                ],
                "arguments": {},
                "configurationArguments": {"criteria": {"path_store": filter}, "schemaVersionId": "118"},
                "metaData": {"isConfigured": true}
            },
            {
                "id": uuid(rng), "key": "EMAILV2-1", "name": subject, "description": "", "type": "EMAILV2",
                "outcomes": [{"key": uuid(rng), "arguments": {}, "metaData": {"invalid": false}}],
                "arguments": {},
                "configurationArguments": {
                    "applicationExtensionKey": "jb-email-activity",
                    "isModified": false,
                    "triggeredSend": {
                        "autoAddSubscribers": true, "autoUpdateSubscribers": true, "description": "",
                        "dynamicEmailSubject": subject, "emailSubject": subject, "exclusionFilter": "",
                        "isMultipart": true, "isSendLogging": true, "preHeader": preheader, "isTrackingClicks": true,
                        "triggeredSendStatus": "New",
                        "r__list_PathName": {"publicationList": "my subscribers/All Subscribers"},
                        "r__sendClassification_key": "Default Commercial",
                        "r__asset_name_readOnly": email_key, "r__asset_key": email_key
                    }
                },
                "metaData": {"category": "message", "version": "1.0", "isConfigured": true}
            },
            {
                "id": uuid(rng), "key": "WAITBYDURATION-1", "name": "1 day", "description": "", "type": "WAIT",
                "outcomes": [{"key": uuid(rng), "arguments": {}, "metaData": {"invalid": false}}],
                "arguments": {},
                "configurationArguments": {"waitDuration": 1, "waitUnit": "DAYS"},
                "metaData": {"isConfigured": true, "uiType": "WAITBYDURATION"}
            }
        ],
        "triggers": [{
            "key": "TRIGGER", "name": format!("{store} customers"), "description": "", "type": "EmailAudience",
            "outcomes": [], "arguments": {}, "configurationArguments": {},
            "metaData": {"eventDefinitionId": uuid(rng), "eventDefinitionKey": format!("DEAudience-{}", uuid(rng)), "chainType": "None", "title": "Data Extension"}
        }],
        "goals": [], "exits": [], "notifiers": [],
        "entryMode": "OnceAndDone",
        "definitionType": "Multistep",
        "channel": "",
        "metaData": {"dataSource": "ContactsModel"},
        "executionMode": "Production",
        "status": "Draft",
        "scheduledStatus": "Draft",
        "r__folder_Path": "my journeys/2027"
    });
    write_json(
        &bu.join(format!("journey/{key}.journey-meta.json")),
        &journey,
        total,
    );
}

fn braze(rng: &mut Rng, ctx: &Ctx, dir: &Path, total: &mut (usize, usize)) {
    let b = ctx.brand;
    let greeting = if ctx.has(Mistake::NoFallback) {
        "Hi {{${first_name}}},".to_string()
    } else {
        "Hi {{${first_name} | default: 'there'}},".to_string()
    };
    let footer = if ctx.has(Mistake::NoUnsubscribe) {
        format!("{}, {}", b.name, b.address)
    } else {
        format!(
            "{}, {}<br>\n<a href=\"{{{{${{set_user_to_unsubscribed_url}}}}}}\">Unsubscribe</a>",
            b.name, b.address
        )
    };
    let subject = ctx.subject(rng);
    let email = json!({
        "channel": "email",
        "name": "Variant 1",
        "subject": subject,
        "preheader": copy::preheader(rng, ctx.cat, ctx.prod),
        "from": format!("{} <hello@{}>", b.name, b.domain),
        "reply_to": format!("help@{}", b.domain),
        "title": format!("{} email", subject),
        "body": ctx.html(rng, greeting, footer, None),
        "amp_body": null,
        "custom_plain_text": null,
        "should_inline_css": true,
        "extras": {}
    });
    let name = format!("{} - {} {} - {}", b.name, ctx.cat, ctx.prod, ctx.n);
    if rng.chance(50) {
        let push_title = if ctx.has(Mistake::Occasion) {
            format!("Happy {}: the {}", occasion_name(ctx.n), copy::model(rng))
        } else {
            format!("New {} {}: the {}", ctx.cat, ctx.prod, copy::model(rng))
        };
        let details = json!({
            "message": "success",
            "created_at": "2026-12-24T15:31:08+00:00",
            "updated_at": "2026-12-30T09:12:44+00:00",
            "archived": false, "draft": false, "enabled": true, "has_post_launch_draft": false,
            "name": name,
            "description": format!("Email and iOS push for {} {}.", ctx.cat, ctx.prod),
            "schedule_type": "api_triggered",
            "channels": ["email", "ios_push"],
            "first_sent": null, "last_sent": null,
            "tags": ["2027", copy::capitalise(ctx.cat)],
            "teams": [],
            "messages": {
                uuid(rng): email,
                uuid(rng): {"channel": "ios_push", "name": "Variant 1", "title": push_title, "alert": copy::sentence(rng, ctx.cat, ctx.prod), "extras": {"deep_link": format!("app://{}", ctx.prod)}}
            },
            "conversion_behaviors": [{"type": "Makes Any Purchase", "window": 86400}]
        });
        write_json(&dir.join("campaign-details.json"), &details, total);
        if rng.chance(50) {
            let schedule = json!({
                "campaign_id": uuid(rng),
                "send_id": format!("c{}", ctx.n),
                "recipients": [{"external_user_id": format!("user-{}", rng.below(100_000))}],
                "trigger_properties": {"headline": push_title, "url": ctx.url(rng)},
                "schedule": {"time": format!("{}T10:00:00", ctx.day), "in_local_time": true, "at_optimal_time": false}
            });
            write_json(&dir.join("schedule-create.json"), &schedule, total);
        }
    } else {
        let delay = uuid(rng);
        let mail = uuid(rng);
        let text = uuid(rng);
        let sms = format!(
            "{}: {}% off {} {} today. Shop: https://{}/t/{}. Reply STOP to opt out",
            b.name,
            rng.between(10, 30),
            ctx.cat,
            ctx.prod,
            b.domain,
            ctx.n
        );
        let details = json!({
            "created_at": "2026-12-02T12:44:19+00:00",
            "updated_at": "2026-12-11T08:27:03+00:00",
            "name": name,
            "description": "Follows up a store visit.",
            "archived": false, "draft": false, "enabled": true, "has_post_launch_draft": false,
            "schedule_type": "action_based",
            "first_entry": null, "last_entry": null,
            "channels": ["email", "sms"],
            "variants": [{"name": "Variant 1", "id": uuid(rng), "first_step_ids": [delay]}],
            "tags": ["Lifecycle"],
            "teams": [],
            "steps": [
                {"name": "Wait 2 hours", "type": "delay", "id": delay, "next_step_ids": [], "next_paths": [{"name": null, "next_step_id": mail}], "channels": []},
                {"name": "Follow-up email", "type": "message", "id": mail, "next_step_ids": [text], "next_paths": [{"name": null, "next_step_id": text}], "channels": ["email"], "messages": {uuid(rng): email}},
                {"name": "Follow-up SMS", "type": "message", "id": text, "next_step_ids": [], "next_paths": [], "channels": ["sms"], "messages": {uuid(rng): {"channel": "sms", "name": "Follow-up SMS", "body": sms, "from": "+15035550142", "subscription_group_id": uuid(rng)}}}
            ],
            "message": "success"
        });
        write_json(&dir.join("canvas-details.json"), &details, total);
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [out, n, seed] = args.as_slice() else {
        eprintln!("usage: gen-exports OUT N SEED");
        std::process::exit(2);
    };
    let out = PathBuf::from(out);
    let n: usize = n.parse().expect("N is a number");
    let seed: u64 = seed.parse().expect("SEED is a number");
    let mut rng = Rng::new(seed);
    let mut total = (0usize, 0usize);
    let platforms = ["klaviyo", "mailchimp", "meta", "sfmc", "braze"];
    let mut clean = 0;
    for i in 0..n {
        let mistake = Mistake::draw(&mut rng);
        clean += usize::from(mistake.is_none());
        let ctx = Ctx {
            n: i,
            brand: &BRANDS[rng.below(BRANDS.len() as u64) as usize],
            cat: rng.pick(CATEGORIES),
            prod: rng.pick(PRODUCTS),
            mistake,
            day: send_day(&mut rng, i, mistake),
        };
        let platform = platforms[i % platforms.len()];
        let dir = out.join(format!("{platform}/bundle-{i:05}"));
        match platform {
            "klaviyo" => klaviyo(&mut rng, &ctx, &dir, &mut total),
            "mailchimp" => mailchimp(&mut rng, &ctx, &dir, &mut total),
            "meta" => meta(&mut rng, &ctx, &dir, &mut total),
            "sfmc" => sfmc(&mut rng, &ctx, &dir, &mut total),
            _ => braze(&mut rng, &ctx, &dir, &mut total),
        }
    }
    eprintln!(
        "wrote {n} export bundles ({clean} clean), {} files, {:.1} MB, to {}",
        total.0,
        total.1 as f64 / 1e6,
        out.display()
    );
}
