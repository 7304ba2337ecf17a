//! The rule registry: every rule's metadata and check, in code order.
//!
//! Each rule lives in its own file with its documentation (the doc comment
//! on its `declare_rule!`, shown by `preflight explain`), its messages, its
//! logic and its tests.

pub use crate::rule_meta::{FixDoc, RuleMeta, SettingDoc};
use crate::rules::context::Ctx;

/// Declares a rule's metadata; the doc comment becomes its `explain` text.
macro_rules! declare_rule {
    (
        $(#[doc = $doc:literal])*
        pub static $ident:ident = {
            code: $code:literal,
            name: $name:literal,
            severity: $sev:ident,
            summary: $summary:literal,
            settings: $settings:expr
            $(, fixes: $fixes:expr)? $(,)?
        }
    ) => {
        $(#[doc = $doc])*
        pub static $ident: $crate::rules::RuleMeta = $crate::rules::RuleMeta {
            code: $code,
            name: $name,
            severity: $crate::rule_meta::Severity::$sev,
            summary: $summary,
            docs: concat!($($doc, "\n"),*),
            settings: $settings,
            fixes: declare_rule!(@fixes $($fixes)?),
        };
    };
    (@fixes) => { &[] };
    (@fixes $fixes:expr) => { $fixes };
}

// What the rules share: the context a rule reads and reports into, what a
// finding is, and the helpers of the rules across campaigns.
pub mod across;
pub mod context;
pub mod diagnostic;

// The rules, one per file.
pub mod audience_below_platform_minimum;
pub mod audience_overload;
pub mod channel_without_content;
pub mod content_without_channel;
pub mod creepy_phrasing;
pub mod duplicate_campaign_id;
pub mod duplicate_key;
pub mod duplicate_occasion_opt_out;
pub mod frequency_cap_missing;
pub mod frequency_too_high;
pub mod internal_error;
pub mod invalid_campaign;
pub mod low_coverage_data;
pub mod malformed_template;
pub mod missing_consent;
pub mod missing_postal_address;
pub mod missing_unsubscribe;
pub mod occasion_date_mismatch;
pub mod past_send_date;
pub mod personal_attribute_copy;
pub mod personal_token;
pub mod preheader_missing;
pub mod push_too_long;
pub mod repeated_content;
pub mod retargeting_too_long;
pub mod retargeting_too_soon;
pub mod seasonal_mismatch;
pub mod segment_contradiction;
pub mod segment_one_dimensional;
pub mod segment_too_broad;
pub mod segment_too_narrow;
pub mod sensitive_occasion;
pub mod sensitive_targeting;
pub mod sensitive_topic;
pub mod single_signal_inference;
pub mod sms_missing_opt_out;
pub mod sms_quiet_hours;
pub mod sms_segments;
pub mod special_ad_category;
pub mod stale_data;
pub mod stale_event_window;
pub mod subject_too_long;
pub mod token_missing_fallback;
pub mod unknown_field;
pub mod unknown_token;
pub mod unused_suppression;
pub mod unverified_data;

/// A rule: its metadata and, for rules that look at a loaded campaign, its
/// check. (`invalid-campaign` and `unknown-field` are reported while loading;
/// the rules across campaigns are listed in [`ACROSS`].)
pub struct Rule {
    pub meta: &'static RuleMeta,
    pub check: Option<fn(&mut Ctx)>,
}

/// Every rule, in code order.
pub static RULES: &[Rule] = &[
    Rule {
        meta: &invalid_campaign::INVALID_CAMPAIGN,
        check: None,
    },
    Rule {
        meta: &unknown_field::UNKNOWN_FIELD,
        check: None,
    },
    Rule {
        meta: &unused_suppression::UNUSED_SUPPRESSION,
        check: None,
    },
    Rule {
        meta: &duplicate_key::DUPLICATE_KEY,
        check: None,
    },
    Rule {
        meta: &internal_error::INTERNAL_ERROR,
        check: None,
    },
    Rule {
        meta: &segment_too_broad::SEGMENT_TOO_BROAD,
        check: Some(segment_too_broad::check),
    },
    Rule {
        meta: &segment_one_dimensional::SEGMENT_ONE_DIMENSIONAL,
        check: Some(segment_one_dimensional::check),
    },
    Rule {
        meta: &segment_too_narrow::SEGMENT_TOO_NARROW,
        check: Some(segment_too_narrow::check),
    },
    Rule {
        meta: &segment_contradiction::SEGMENT_CONTRADICTION,
        check: Some(segment_contradiction::check),
    },
    Rule {
        meta: &single_signal_inference::SINGLE_SIGNAL_INFERENCE,
        check: Some(single_signal_inference::check),
    },
    Rule {
        meta: &sensitive_occasion::SENSITIVE_OCCASION,
        check: Some(sensitive_occasion::check),
    },
    Rule {
        meta: &sensitive_topic::SENSITIVE_TOPIC,
        check: Some(sensitive_topic::check),
    },
    Rule {
        meta: &sensitive_targeting::SENSITIVE_TARGETING,
        check: Some(sensitive_targeting::check),
    },
    Rule {
        meta: &personal_token::PERSONAL_TOKEN,
        check: Some(personal_token::check),
    },
    Rule {
        meta: &creepy_phrasing::CREEPY_PHRASING,
        check: Some(creepy_phrasing::check),
    },
    Rule {
        meta: &token_missing_fallback::TOKEN_MISSING_FALLBACK,
        check: Some(token_missing_fallback::check),
    },
    Rule {
        meta: &malformed_template::MALFORMED_TEMPLATE,
        check: Some(malformed_template::check),
    },
    Rule {
        meta: &unknown_token::UNKNOWN_TOKEN,
        check: Some(unknown_token::check),
    },
    Rule {
        meta: &stale_data::STALE_DATA,
        check: Some(stale_data::check),
    },
    Rule {
        meta: &unverified_data::UNVERIFIED_DATA,
        check: Some(unverified_data::check),
    },
    Rule {
        meta: &past_send_date::PAST_SEND_DATE,
        check: Some(past_send_date::check),
    },
    Rule {
        meta: &stale_event_window::STALE_EVENT_WINDOW,
        check: Some(stale_event_window::check),
    },
    Rule {
        meta: &low_coverage_data::LOW_COVERAGE_DATA,
        check: Some(low_coverage_data::check),
    },
    Rule {
        meta: &frequency_cap_missing::FREQUENCY_CAP_MISSING,
        check: Some(frequency_cap_missing::check),
    },
    Rule {
        meta: &frequency_too_high::FREQUENCY_TOO_HIGH,
        check: Some(frequency_too_high::check),
    },
    Rule {
        meta: &retargeting_too_soon::RETARGETING_TOO_SOON,
        check: Some(retargeting_too_soon::check),
    },
    Rule {
        meta: &retargeting_too_long::RETARGETING_TOO_LONG,
        check: Some(retargeting_too_long::check),
    },
    Rule {
        meta: &seasonal_mismatch::SEASONAL_MISMATCH,
        check: Some(seasonal_mismatch::check),
    },
    Rule {
        meta: &occasion_date_mismatch::OCCASION_DATE_MISMATCH,
        check: Some(occasion_date_mismatch::check),
    },
    Rule {
        meta: &repeated_content::REPEATED_CONTENT,
        check: None,
    },
    Rule {
        meta: &audience_overload::AUDIENCE_OVERLOAD,
        check: None,
    },
    Rule {
        meta: &duplicate_occasion_opt_out::DUPLICATE_OCCASION_OPT_OUT,
        check: None,
    },
    Rule {
        meta: &duplicate_campaign_id::DUPLICATE_CAMPAIGN_ID,
        check: None,
    },
    Rule {
        meta: &missing_unsubscribe::MISSING_UNSUBSCRIBE,
        check: Some(missing_unsubscribe::check),
    },
    Rule {
        meta: &missing_postal_address::MISSING_POSTAL_ADDRESS,
        check: Some(missing_postal_address::check),
    },
    Rule {
        meta: &subject_too_long::SUBJECT_TOO_LONG,
        check: Some(subject_too_long::check),
    },
    Rule {
        meta: &preheader_missing::PREHEADER_MISSING,
        check: Some(preheader_missing::check),
    },
    Rule {
        meta: &sms_segments::SMS_SEGMENTS,
        check: Some(sms_segments::check),
    },
    Rule {
        meta: &sms_quiet_hours::SMS_QUIET_HOURS,
        check: Some(sms_quiet_hours::check),
    },
    Rule {
        meta: &sms_missing_opt_out::SMS_MISSING_OPT_OUT,
        check: Some(sms_missing_opt_out::check),
    },
    Rule {
        meta: &push_too_long::PUSH_TOO_LONG,
        check: Some(push_too_long::check),
    },
    Rule {
        meta: &special_ad_category::SPECIAL_AD_CATEGORY,
        check: Some(special_ad_category::check),
    },
    Rule {
        meta: &personal_attribute_copy::PERSONAL_ATTRIBUTE_COPY,
        check: Some(personal_attribute_copy::check),
    },
    Rule {
        meta: &audience_below_platform_minimum::AUDIENCE_BELOW_PLATFORM_MINIMUM,
        check: Some(audience_below_platform_minimum::check),
    },
    Rule {
        meta: &channel_without_content::CHANNEL_WITHOUT_CONTENT,
        check: Some(channel_without_content::check),
    },
    Rule {
        meta: &content_without_channel::CONTENT_WITHOUT_CHANNEL,
        check: Some(content_without_channel::check),
    },
    Rule {
        meta: &missing_consent::MISSING_CONSENT,
        check: Some(missing_consent::check),
    },
];

/// A rule that reads the fingerprints of every campaign in the run.
pub type AcrossCheck = fn(
    &[crate::analysis::fingerprint::Fingerprint],
    &crate::knowledge::settings::Settings,
    &mut Vec<crate::rules::across::Cross>,
);

/// The cross-campaign rules, run after every file is checked.
pub static ACROSS: &[AcrossCheck] = &[
    repeated_content::check,
    audience_overload::check,
    duplicate_occasion_opt_out::check,
    duplicate_campaign_id::check,
];

/// Finds a rule by code (`PF201`, any case) or name (`sensitive-occasion`).
pub fn find(key: &str) -> Option<&'static RuleMeta> {
    let k = key.trim();
    RULES
        .iter()
        .map(|r| r.meta)
        .find(|m| m.code.eq_ignore_ascii_case(k) || m.name.eq_ignore_ascii_case(k))
}

/// The rules that judge copy alone, and so run on a template checked
/// without a campaign file. The others need what only a campaign says
/// (its audience, schedule, data sources, frequency).
pub const COPY_RULES: &[&str] = &[
    "sensitive-occasion",
    "sensitive-topic",
    "personal-token",
    "creepy-phrasing",
    "personal-attribute-copy",
    "token-missing-fallback",
    "malformed-template",
    "subject-too-long",
    "missing-unsubscribe",
    "missing-postal-address",
    "seasonal-mismatch",
];

/// What each rule reads beyond the copy, when a platform export may not
/// say it: a rule whose part is unknown does not run for that campaign.
pub const NEEDS: &[(&str, &[crate::input::exports::Part])] = {
    use crate::input::exports::Part::*;
    &[
        ("segment-too-broad", &[Audience]),
        ("segment-too-narrow", &[Audience]),
        ("segment-one-dimensional", &[Audience]),
        ("segment-contradiction", &[Audience]),
        ("single-signal-inference", &[Audience]),
        ("audience-below-platform-minimum", &[Audience]),
        ("past-send-date", &[Schedule]),
        ("sms-quiet-hours", &[Schedule]),
        ("occasion-date-mismatch", &[Schedule]),
        ("seasonal-mismatch", &[Schedule]),
        ("stale-data", &[Schedule, DataSources]),
        ("stale-event-window", &[Schedule, DataSources]),
        ("unverified-data", &[DataSources]),
        ("unknown-token", &[DataSources]),
        ("low-coverage-data", &[DataSources]),
        ("missing-consent", &[Consent]),
        ("frequency-cap-missing", &[Frequency]),
        ("missing-unsubscribe", &[Body]),
        ("missing-postal-address", &[Body]),
        ("preheader-missing", &[Body]),
        ("channel-without-content", &[Body]),
        ("content-without-channel", &[Body]),
    ]
};

/// Whether a rule needs a part of the campaign that is unknown.
pub fn blind_to(rule: &RuleMeta, unknown: &[crate::input::exports::Part]) -> bool {
    !unknown.is_empty()
        && NEEDS
            .iter()
            .find(|(name, _)| *name == rule.name)
            .is_some_and(|(_, needs)| needs.iter().any(|p| unknown.contains(p)))
}

/// Whether a rule runs on a template checked on its own.
pub fn judges_copy_alone(rule: &RuleMeta) -> bool {
    COPY_RULES.contains(&rule.name)
}

/// The rule names and codes, for did-you-mean suggestions.
/// Every rule's metadata, in code order.
pub fn metas() -> &'static [&'static RuleMeta] {
    static METAS: std::sync::LazyLock<Vec<&'static RuleMeta>> =
        std::sync::LazyLock::new(|| RULES.iter().map(|r| r.meta).collect());
    &METAS
}

/// The rule a structural problem of the loader is reported under.
pub fn for_problem(kind: crate::model::load::ProblemKind) -> &'static RuleMeta {
    use crate::model::load::ProblemKind;
    match kind {
        ProblemKind::Invalid => &invalid_campaign::INVALID_CAMPAIGN,
        ProblemKind::UnknownField => &unknown_field::UNKNOWN_FIELD,
        ProblemKind::DuplicateKey => &duplicate_key::DUPLICATE_KEY,
    }
}

pub fn names_and_codes() -> impl Iterator<Item = &'static str> {
    RULES.iter().flat_map(|r| [r.meta.name, r.meta.code])
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn what_rules_need_names_real_rules() {
        for (name, parts) in NEEDS {
            assert!(
                metas().iter().any(|m| m.name == *name),
                "NEEDS names `{name}`, which is no rule"
            );
            assert!(!parts.is_empty(), "`{name}` needs nothing");
        }
        let broad = metas()
            .iter()
            .find(|m| m.name == "segment-too-broad")
            .expect("rule");
        assert!(blind_to(broad, &[crate::input::exports::Part::Audience]));
        assert!(!blind_to(broad, &[crate::input::exports::Part::Body]));
    }

    #[test]
    fn codes_and_names_are_unique_and_well_formed() {
        let mut codes = HashSet::new();
        let mut names = HashSet::new();
        for r in RULES {
            assert!(codes.insert(r.meta.code), "duplicate code {}", r.meta.code);
            assert!(names.insert(r.meta.name), "duplicate name {}", r.meta.name);
            assert!(
                r.meta.code.len() == 5 && r.meta.code.starts_with("PF"),
                "{}",
                r.meta.code
            );
            assert!(
                r.meta
                    .name
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c == '-'),
                "{}",
                r.meta.name
            );
        }
        let mut sorted: Vec<_> = RULES.iter().map(|r| r.meta.code).collect();
        sorted.sort();
        assert_eq!(
            sorted,
            RULES.iter().map(|r| r.meta.code).collect::<Vec<_>>(),
            "registry in code order"
        );
    }

    #[test]
    fn every_rule_is_documented() {
        for r in RULES {
            let doc = r.meta.doc_text();
            for section in [
                "## What it does",
                "## Why is this bad?",
                "## Example",
                "## Use instead",
            ] {
                assert!(doc.contains(section), "{} lacks {section}", r.meta.name);
            }
            assert!(!r.meta.summary.is_empty());
            if !r.meta.settings.is_empty() {
                assert!(
                    doc.contains("## Configuration"),
                    "{} lacks ## Configuration",
                    r.meta.name
                );
            }
        }
    }

    #[test]
    fn find_by_code_or_name() {
        assert_eq!(find("pf001").unwrap().name, "invalid-campaign");
        assert_eq!(
            find("sensitive-occasion").unwrap().code,
            sensitive_occasion::SENSITIVE_OCCASION.code
        );
        assert!(find("nope").is_none());
    }
}

#[cfg(test)]
pub(crate) mod testing;
