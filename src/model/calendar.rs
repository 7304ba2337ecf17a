//! Durations (`15m`, `2h`, `30d`, `2w`) and campaign dates (`2027-06-10`,
//! `2027-06-10T09:00:00`, with an optional `Z` or `+02:00` offset).

use std::fmt;

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};

/// A length of time, kept in minutes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Duration {
    pub minutes: i64,
}

impl Duration {
    pub const fn days(d: i64) -> Self {
        Duration {
            minutes: d * 24 * 60,
        }
    }

    pub const fn hours(h: i64) -> Self {
        Duration { minutes: h * 60 }
    }

    pub fn to_chrono(self) -> chrono::Duration {
        chrono::Duration::minutes(self.minutes)
    }

    /// Parses `15m`, `2h`, `30d`, `2w`.
    pub fn parse(text: &str) -> Result<Duration, String> {
        let t = text.trim();
        let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
        let (num, unit) = t.split_at(split);
        let help = "write a number followed by a unit: `15m` (minutes), `2h` (hours), `30d` (days) or `2w` (weeks)";
        if num.is_empty() {
            return Err(format!(
                "`{t}` is not a duration preflight can read: {help}"
            ));
        }
        let n: i64 = num
            .parse()
            .ok()
            .filter(|n| *n <= 100_000)
            .ok_or_else(|| format!("`{t}` is too long a duration"))?;
        let per = match unit {
            "m" => 1,
            "h" => 60,
            "d" => 24 * 60,
            "w" => 7 * 24 * 60,
            _ => {
                return Err(format!(
                    "`{t}` is not a duration preflight can read (unknown unit): {help}"
                ))
            }
        };
        Ok(Duration { minutes: n * per })
    }
}

impl fmt::Display for Duration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Whole days stay in days (`14d`, not `2w`): limits are said that way.
        let m = self.minutes;
        if m != 0 && m % (24 * 60) == 0 {
            write!(f, "{}d", m / (24 * 60))
        } else if m != 0 && m % 60 == 0 {
            write!(f, "{}h", m / 60)
        } else {
            write!(f, "{m}m")
        }
    }
}

impl Duration {
    /// Says the duration the way people do: "30 days", "6 hours", "2 weeks".
    pub fn phrase(self) -> String {
        let m = self.minutes;
        let (n, unit) = if m != 0 && m % (7 * 24 * 60) == 0 {
            (m / (7 * 24 * 60), "week")
        } else if m != 0 && m % (24 * 60) == 0 {
            (m / (24 * 60), "day")
        } else if m != 0 && m % 60 == 0 {
            (m / 60, "hour")
        } else {
            (m, "minute")
        };
        if n == 1 {
            format!("1 {unit}")
        } else {
            format!("{n} {unit}s")
        }
    }
}

/// At most `cap` messages per `per`: a frequency limit, written `3/7d`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rate {
    pub cap: u64,
    pub per: Duration,
}

impl Rate {
    pub const fn new(cap: u64, per: Duration) -> Self {
        Rate { cap, per }
    }

    /// Messages per day, for comparing rates over different windows.
    pub fn per_day(self) -> f64 {
        self.cap as f64 * (24.0 * 60.0) / self.per.minutes.max(1) as f64
    }

    /// "3 in 5 days", "1 a day", "2 an hour".
    pub fn phrase(self) -> String {
        format!("{} {}", self.cap, self.per.per_phrase())
    }
}

impl fmt::Display for Rate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.cap, self.per)
    }
}

/// The time from `earlier` to `later`, counted in calendar days when either
/// side is only a date.
pub fn age_between(earlier: When, later: When) -> chrono::Duration {
    if earlier.has_time && later.has_time {
        later.at - earlier.at
    } else {
        later.date() - earlier.date()
    }
}

/// Says an age the way people do: "40 days", "10 hours".
pub fn age_phrase(age: chrono::Duration) -> String {
    if age.num_days() >= 2 {
        days_phrase(age.num_days())
    } else if age.num_hours() == 1 {
        "1 hour".to_string()
    } else {
        format!("{} hours", age.num_hours())
    }
}

impl Duration {
    /// "one day", "one week", "one hour", "5 days": a window as a span of time.
    pub fn within_phrase(self) -> String {
        match self.minutes {
            1440 => "one day".into(),
            60 => "one hour".into(),
            10080 => "one week".into(),
            _ => self.phrase(),
        }
    }

    /// "a day", "a week", "an hour", "in 5 days": how a rate's window is said.
    pub fn per_phrase(self) -> String {
        match self.minutes {
            1440 => "a day".into(),
            60 => "an hour".into(),
            10080 => "a week".into(),
            _ => format!("in {}", self.phrase()),
        }
    }
}

/// Says a number of days the way people do: "1 day", "45 days".
pub fn days_phrase(days: i64) -> String {
    if days == 1 {
        "1 day".to_string()
    } else {
        format!("{days} days")
    }
}

/// A date, or a date and time of day, as written in the campaign.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct When {
    /// The local date and time (midnight when only a date was written).
    pub at: NaiveDateTime,
    /// Whether a time of day was written.
    pub has_time: bool,
}

impl When {
    pub fn date(&self) -> NaiveDate {
        self.at.date()
    }

    /// Parses an ISO 8601 date or date-time. An offset (`Z`, `+02:00`) is
    /// accepted and dropped: comparisons here are by calendar day.
    pub fn parse(text: &str) -> Result<When, String> {
        let t = text.trim();
        let shape = "write a date as `2027-06-10`, or a date and time as `2027-06-10T09:00:00`";
        let (date_part, rest) = match t.find(['T', 't', ' ']) {
            Some(i) => (&t[..i], Some(&t[i + 1..])),
            None => (t, None),
        };
        let date = parse_date(date_part).map_err(|e| match e {
            DateError::Shape => format!("`{t}` is not a date: {shape}"),
            DateError::NoSuchDay => format!("`{date_part}` is not a real calendar date"),
        })?;
        let Some(rest) = rest else {
            return Ok(When {
                at: date.and_time(NaiveTime::MIN),
                has_time: false,
            });
        };
        let time_part = strip_offset(rest)
            .ok_or_else(|| format!("`{t}` has an unreadable time zone offset: {shape}"))?;
        let time = NaiveTime::parse_from_str(time_part, "%H:%M:%S%.f")
            .or_else(|_| NaiveTime::parse_from_str(time_part, "%H:%M"))
            .map_err(|_| format!("`{rest}` is not a time of day: {shape}"))?;
        Ok(When {
            at: date.and_time(time),
            has_time: true,
        })
    }
}

enum DateError {
    Shape,
    NoSuchDay,
}

fn parse_date(s: &str) -> Result<NaiveDate, DateError> {
    let parts: Vec<&str> = s.split('-').collect();
    if parts.len() != 3
        || parts[0].len() != 4
        || parts[1].len() != 2
        || parts[2].len() != 2
        || !parts.iter().all(|p| p.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err(DateError::Shape);
    }
    let y: i32 = parts[0].parse().map_err(|_| DateError::Shape)?;
    let m: u32 = parts[1].parse().map_err(|_| DateError::Shape)?;
    let d: u32 = parts[2].parse().map_err(|_| DateError::Shape)?;
    NaiveDate::from_ymd_opt(y, m, d).ok_or(DateError::NoSuchDay)
}

/// Removes a trailing `Z` or `±HH:MM` offset; `None` when it is malformed.
fn strip_offset(s: &str) -> Option<&str> {
    if let Some(t) = s.strip_suffix(['Z', 'z']) {
        return Some(t);
    }
    if let Some(i) = s.rfind(['+', '-']) {
        let off = &s[i + 1..];
        let ok = (off.len() == 5 && off.as_bytes()[2] == b':' || off.len() == 4 || off.len() == 2)
            && off
                .bytes()
                .filter(|b| *b != b':')
                .all(|b| b.is_ascii_digit());
        // Real offsets run from -12:00 to +14:00, in whole minutes.
        let digits: String = off.chars().filter(char::is_ascii_digit).collect();
        let hours: u32 = digits.get(..2).and_then(|h| h.parse().ok()).unwrap_or(99);
        let minutes: u32 = digits
            .get(2..)
            .filter(|m| !m.is_empty())
            .map_or(Some(0), |m| m.parse().ok())
            .unwrap_or(99);
        let real = hours <= 14 && minutes < 60 && (hours < 14 || minutes == 0);
        return (ok && real).then_some(&s[..i]);
    }
    Some(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(Duration::parse("15m").unwrap().minutes, 15);
        assert_eq!(Duration::parse("2h").unwrap().minutes, 120);
        assert_eq!(Duration::parse("30d").unwrap(), Duration::days(30));
        assert_eq!(Duration::parse("2w").unwrap(), Duration::days(14));
        assert!(Duration::parse("30").unwrap_err().contains("unknown unit"));
        assert!(Duration::parse("d").unwrap_err().contains("not a duration"));
        assert!(Duration::parse("3 months")
            .unwrap_err()
            .contains("not a duration"));
        assert!(Duration::parse("3 days").is_err());
        assert!(Duration::parse("99999999999999999999d").is_err());
        assert_eq!(Duration::days(14).to_string(), "14d");
        assert_eq!(Duration::days(30).to_string(), "30d");
        assert_eq!(Duration { minutes: 90 }.to_string(), "90m");
        assert_eq!(Duration::days(30).phrase(), "30 days");
        assert_eq!(Duration::days(14).phrase(), "2 weeks");
        assert_eq!(Duration::hours(1).phrase(), "1 hour");
    }

    #[test]
    fn dates() {
        let w = When::parse("2027-06-10").unwrap();
        assert!(!w.has_time);
        assert_eq!(w.date(), NaiveDate::from_ymd_opt(2027, 6, 10).unwrap());
        let w = When::parse("2027-06-10T09:30:00").unwrap();
        assert!(w.has_time);
        assert_eq!(w.at.to_string(), "2027-06-10 09:30:00");
        assert!(When::parse("2027-06-10T09:30").is_ok());
        assert!(When::parse("2027-06-10T09:30:00Z").is_ok());
        assert!(When::parse("2027-06-10T09:30:00+02:00").is_ok());
        assert!(When::parse("2027-06-10 09:30:00-05:00").is_ok());
        assert!(When::parse("2027-02-30")
            .unwrap_err()
            .contains("not a real calendar date"));
        assert!(When::parse("June 10").unwrap_err().contains("not a date"));
        assert!(When::parse("2027-06-10T25:00")
            .unwrap_err()
            .contains("not a time"));
    }
}
