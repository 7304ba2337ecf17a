//! The rules' thresholds, with their defaults. Each rule documents the ones
//! it reads (its `settings` list); a test checks those documented defaults
//! against [`Settings::default`].

use crate::model::calendar::{Duration, Rate};

#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    /// `segment-too-broad.max_ratio`: the largest share of the list a segment may reach.
    pub broad_max_ratio: f64,
    /// `segment-too-narrow.min_size`: the smallest segment that is measurable.
    pub narrow_min_size: u64,
    /// `stale-data.default_max_age`: how old a source may be when it gives no `max_age`.
    pub default_max_age: Duration,
    /// `low-coverage-data.min_coverage`: the smallest share of the list an
    /// attribute must be known for.
    pub min_coverage: f64,
    /// `frequency-too-high`: the most messages per person on each channel.
    pub email_max: Rate,
    pub sms_max: Rate,
    pub push_max: Rate,
    /// `retargeting-too-soon.min_delay`.
    pub min_delay: Duration,
    /// `retargeting-too-long.max_window`.
    pub max_window: Duration,
    /// `occasion-date-mismatch.lead_time`: how long before an occasion its
    /// campaign may reasonably go out.
    pub lead_time: Duration,
    /// `repeated-content.min_similarity`: the share of shared word
    /// sequences from which two texts count as the same.
    pub min_similarity: f64,
    /// `audience-overload.max_per_channel`: the most messages one segment
    /// may get on one channel across campaigns.
    pub max_per_channel: Rate,
    /// `duplicate-occasion-opt-out.season_length`: sends of one occasion
    /// this close together belong to the same season.
    pub season_length: Duration,
    /// `subject-too-long.max_subject`.
    pub max_subject: usize,
    /// `sms-segments.max_segments`.
    pub max_segments: usize,
    /// `push-too-long.max_push_title` and `max_push_body`.
    pub max_push_title: usize,
    pub max_push_body: usize,
    /// `audience-below-platform-minimum.min_ad_audience`.
    pub min_ad_audience: u64,
    /// Tokens that are the sender's content (an image, a button label),
    /// not a person's data: `content_variables:` in the configuration. A
    /// name may end with `*` (`hero_*`).
    pub content_variables: Vec<String>,
    /// `token-missing-fallback.fallback_word`: the word its fix writes.
    pub fallback_word: String,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            broad_max_ratio: 0.5,
            narrow_min_size: 100,
            default_max_age: Duration::days(30),
            min_coverage: 0.5,
            email_max: Rate::new(1, Duration::days(1)),
            sms_max: Rate::new(3, Duration::days(7)),
            push_max: Rate::new(2, Duration::days(1)),
            min_delay: Duration::hours(1),
            max_window: Duration::days(14),
            lead_time: Duration::days(42),
            min_similarity: 0.9,
            max_per_channel: Rate::new(3, Duration::days(7)),
            season_length: Duration::days(90),
            max_subject: 50,
            max_segments: 1,
            max_push_title: 50,
            max_push_body: 150,
            min_ad_audience: 100,
            content_variables: Vec::new(),
            fallback_word: "there".to_string(),
        }
    }
}

fn share(v: &str) -> Result<f64, String> {
    match v.trim().parse::<f64>() {
        Ok(x) if (0.0..=1.0).contains(&x) => Ok(x),
        _ => Err(format!(
            "`{v}` is not a share between 0 and 1, such as `0.5`"
        )),
    }
}

fn whole<T: std::str::FromStr>(v: &str) -> Result<T, String> {
    v.trim()
        .parse::<T>()
        .map_err(|_| format!("`{v}` is not a whole number"))
}

/// A fallback word: plain words that every template language can quote.
fn word(v: &str) -> Result<String, String> {
    let w = v.trim();
    if w.is_empty()
        || w.chars()
            .any(|c| "'\"`{}[]|%*\\<>".contains(c) || c.is_control())
    {
        return Err(format!(
            "`{v}` cannot be a fallback word: write plain words, without quotes, braces or `|`, such as `there` or `friend`"
        ));
    }
    Ok(w.to_string())
}

fn rate(v: &str) -> Result<Rate, String> {
    let (cap, per) = v
        .split_once('/')
        .ok_or_else(|| format!("`{v}` is not a rate: write it as `cap/per`, such as `3/7d`"))?;
    let cap: u64 = whole(cap)?;
    if cap == 0 {
        return Err("a cap of 0 allows nothing".into());
    }
    Ok(Rate::new(cap, Duration::parse(per)?))
}

impl Settings {
    /// Sets a setting by its documented name from its written value.
    pub fn set(&mut self, name: &str, value: &str) -> Result<(), String> {
        match name {
            "max_ratio" => self.broad_max_ratio = share(value)?,
            "min_size" => self.narrow_min_size = whole(value)?,
            "default_max_age" => self.default_max_age = Duration::parse(value)?,
            "min_coverage" => self.min_coverage = share(value)?,
            "email_max" => self.email_max = rate(value)?,
            "sms_max" => self.sms_max = rate(value)?,
            "push_max" => self.push_max = rate(value)?,
            "min_delay" => self.min_delay = Duration::parse(value)?,
            "max_window" => self.max_window = Duration::parse(value)?,
            "lead_time" => self.lead_time = Duration::parse(value)?,
            "min_similarity" => self.min_similarity = share(value)?,
            "max_per_channel" => self.max_per_channel = rate(value)?,
            "season_length" => self.season_length = Duration::parse(value)?,
            "max_subject" => self.max_subject = whole(value)?,
            "max_segments" => self.max_segments = whole(value)?,
            "max_push_title" => self.max_push_title = whole(value)?,
            "max_push_body" => self.max_push_body = whole(value)?,
            "min_ad_audience" => self.min_ad_audience = whole(value)?,
            "fallback_word" => self.fallback_word = word(value)?,
            _ => return Err(format!("`{name}` is not a setting")),
        }
        Ok(())
    }

    /// A setting's current value as a user would write it, by its documented name.
    pub fn value_of(&self, name: &str) -> Option<String> {
        Some(match name {
            "max_ratio" => self.broad_max_ratio.to_string(),
            "min_size" => self.narrow_min_size.to_string(),
            "default_max_age" => self.default_max_age.to_string(),
            "min_coverage" => self.min_coverage.to_string(),
            "email_max" => self.email_max.to_string(),
            "sms_max" => self.sms_max.to_string(),
            "push_max" => self.push_max.to_string(),
            "min_delay" => self.min_delay.to_string(),
            "max_window" => self.max_window.to_string(),
            "lead_time" => self.lead_time.to_string(),
            "min_similarity" => self.min_similarity.to_string(),
            "max_per_channel" => self.max_per_channel.to_string(),
            "season_length" => self.season_length.to_string(),
            "max_subject" => self.max_subject.to_string(),
            "max_segments" => self.max_segments.to_string(),
            "max_push_title" => self.max_push_title.to_string(),
            "max_push_body" => self.max_push_body.to_string(),
            "min_ad_audience" => self.min_ad_audience.to_string(),
            "fallback_word" => self.fallback_word.clone(),
            _ => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_setting_reads_back_what_it_writes() {
        let names = [
            "max_ratio",
            "min_size",
            "default_max_age",
            "min_coverage",
            "email_max",
            "sms_max",
            "push_max",
            "min_delay",
            "max_window",
            "lead_time",
            "min_similarity",
            "max_per_channel",
            "season_length",
            "max_subject",
            "max_segments",
            "max_push_title",
            "max_push_body",
            "min_ad_audience",
            "fallback_word",
        ];
        let defaults = Settings::default();
        for n in names {
            let v = defaults.value_of(n).unwrap();
            let mut s = Settings::default();
            s.set(n, &v).unwrap();
            assert_eq!(s, defaults, "{n}");
        }
        let mut s = Settings::default();
        s.set("sms_max", "2/7d").unwrap();
        assert_eq!(s.sms_max, Rate::new(2, Duration::days(7)));
        assert!(s.set("max_ratio", "1.5").is_err());
        assert!(s.set("sms_max", "0/7d").is_err());
        assert!(s.set("nope", "1").is_err());
        assert!(s.set("fallback_word", "o'clock").is_err());
        s.set("fallback_word", " valued customer ").unwrap();
        assert_eq!(s.fallback_word, "valued customer");
    }
}
