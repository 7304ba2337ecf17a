//! Where the seasons fall and when dated occasions are, by country
//! (`checks/calendar.yaml`), with the date arithmetic behind them: "second
//! Sunday of May", "March 19", "Easter - 21 days".

use std::sync::LazyLock;

use chrono::{Datelike, Days, NaiveDate, Weekday};

use crate::input::yaml::{self, Budget, Node};
use crate::model::campaign::Season;

pub const BUILTIN: (&str, &str) = (
    "checks/calendar.yaml",
    include_str!("../../checks/calendar.yaml"),
);

/// How an occasion's date is found in a given year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DateRule {
    /// The `nth` (1–4, or -1 for the last) `weekday` of `month`.
    NthWeekday {
        nth: i8,
        weekday: Weekday,
        month: u32,
    },
    /// The same day every year.
    Fixed { month: u32, day: u32 },
    /// Days from Western Easter Sunday.
    Easter { offset: i64 },
}

const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

fn month_number(s: &str) -> Option<u32> {
    MONTHS
        .iter()
        .position(|m| m.eq_ignore_ascii_case(s))
        .map(|i| i as u32 + 1)
}

impl DateRule {
    /// Reads `second Sunday of May`, `last Sunday of May`, `March 19`,
    /// `Easter - 21 days`, `Easter + 39 days`.
    pub fn parse(text: &str) -> Result<DateRule, String> {
        let words: Vec<&str> = text.split_whitespace().collect();
        let bad = || {
            format!("`{text}` is not a date rule: write `second Sunday of May`, `March 19` or `Easter - 21 days`")
        };
        match words.as_slice() {
            [nth, weekday, "of", month] => {
                let nth = match nth.to_ascii_lowercase().as_str() {
                    "first" => 1,
                    "second" => 2,
                    "third" => 3,
                    "fourth" => 4,
                    "last" => -1,
                    _ => return Err(bad()),
                };
                let weekday: Weekday = weekday.parse().map_err(|_| bad())?;
                let month = month_number(month).ok_or_else(bad)?;
                Ok(DateRule::NthWeekday {
                    nth,
                    weekday,
                    month,
                })
            }
            [month, day] => {
                let month = month_number(month).ok_or_else(bad)?;
                let day: u32 = day.parse().map_err(|_| bad())?;
                // 2028 is a leap year: February 29 is allowed.
                NaiveDate::from_ymd_opt(2028, month, day).ok_or_else(bad)?;
                Ok(DateRule::Fixed { month, day })
            }
            [easter, sign, n, "days" | "day"] if easter.eq_ignore_ascii_case("easter") => {
                let n: i64 = n.parse().map_err(|_| bad())?;
                let offset = match *sign {
                    "+" => n,
                    "-" => -n,
                    _ => return Err(bad()),
                };
                Ok(DateRule::Easter { offset })
            }
            ["Easter" | "easter"] => Ok(DateRule::Easter { offset: 0 }),
            _ => Err(bad()),
        }
    }

    /// The date in `year`, when there is one (February 29 only in leap years).
    pub fn date_in(&self, year: i32) -> Option<NaiveDate> {
        match *self {
            DateRule::Fixed { month, day } => NaiveDate::from_ymd_opt(year, month, day),
            DateRule::NthWeekday {
                nth,
                weekday,
                month,
            } => {
                if nth > 0 {
                    NaiveDate::from_weekday_of_month_opt(year, month, weekday, nth as u8)
                } else {
                    let (ny, nm) = if month == 12 {
                        (year + 1, 1)
                    } else {
                        (year, month + 1)
                    };
                    let mut d = NaiveDate::from_ymd_opt(ny, nm, 1)?.pred_opt()?;
                    while d.weekday() != weekday {
                        d = d.pred_opt()?;
                    }
                    Some(d)
                }
            }
            DateRule::Easter { offset } => {
                let e = easter(year)?;
                if offset >= 0 {
                    e.checked_add_days(Days::new(offset as u64))
                } else {
                    e.checked_sub_days(Days::new(offset.unsigned_abs()))
                }
            }
        }
    }
}

/// Western (Gregorian) Easter Sunday: the anonymous Gregorian algorithm.
pub fn easter(year: i32) -> Option<NaiveDate> {
    let a = year % 19;
    let b = year / 100;
    let c = year % 100;
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    NaiveDate::from_ymd_opt(year, month as u32, day as u32)
}

/// Where a country's seasons fall.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hemisphere {
    North,
    South,
    /// Near the equator: seasonal goods are not checked.
    Tropical,
}

impl Hemisphere {
    pub fn name(self) -> &'static str {
        match self {
            Hemisphere::North => "northern hemisphere",
            Hemisphere::South => "southern hemisphere",
            Hemisphere::Tropical => "tropics",
        }
    }
}

/// One occasion's dates: (country or `default`, the rule as written, the rule).
pub type OccasionDates = Vec<(String, String, DateRule)>;

#[derive(Debug, Default)]
pub struct WorldCalendar {
    southern: Vec<String>,
    tropical: Vec<String>,
    /// Northern-hemisphere months in which each season's goods are out of place.
    out_of_season: Vec<(Season, Vec<u32>)>,
    occasions: Vec<(String, OccasionDates)>,
}

impl WorldCalendar {
    pub fn hemisphere(&self, country: &str) -> Hemisphere {
        if self.southern.iter().any(|c| c == country) {
            Hemisphere::South
        } else if self.tropical.iter().any(|c| c == country) {
            Hemisphere::Tropical
        } else {
            Hemisphere::North
        }
    }

    /// The months (1–12) in which goods of `season` are out of place in `hemisphere`.
    pub fn out_of_season(&self, season: Season, hemisphere: Hemisphere) -> Vec<u32> {
        let north = self
            .out_of_season
            .iter()
            .find(|(s, _)| *s == season)
            .map(|(_, m)| m.clone())
            .unwrap_or_default();
        match hemisphere {
            Hemisphere::North => north,
            Hemisphere::South => north.iter().map(|m| (m + 5) % 12 + 1).collect(),
            Hemisphere::Tropical => Vec::new(),
        }
    }

    /// Every country's date rule for an occasion (`default` included).
    pub fn occasion(&self, id: &str) -> &[(String, String, DateRule)] {
        self.occasions
            .iter()
            .find(|(o, _)| o == id)
            .map(|(_, d)| d.as_slice())
            .unwrap_or(&[])
    }

    /// The occasion's date rule in `country` (or the default), with its text.
    pub fn rule_for(&self, id: &str, country: &str) -> Option<(&str, &DateRule)> {
        let dates = self.occasion(id);
        dates
            .iter()
            .find(|(c, _, _)| c == country)
            .or_else(|| dates.iter().find(|(c, _, _)| c == "default"))
            .map(|(_, text, rule)| (text.as_str(), rule))
    }

    pub fn occasion_ids(&self) -> impl Iterator<Item = &str> {
        self.occasions.iter().map(|(id, _)| id.as_str())
    }

    /// Reads the calendar file; errors name the place.
    pub fn parse(text: &str) -> Result<WorldCalendar, String> {
        let docs = yaml::parse(text, 0, Budget::default()).map_err(|e| e.message)?;
        let root = docs
            .first()
            .map(|d| &d.root)
            .ok_or("the calendar file is empty")?;
        let mut cal = WorldCalendar::default();
        let countries = |n: &Node, what: &str| -> Result<Vec<String>, String> {
            n.as_seq()
                .ok_or(format!("`{what}` must be a list of country codes"))?
                .iter()
                .map(|c| {
                    c.as_str()
                        .filter(|s| s.len() == 2 && s.bytes().all(|b| b.is_ascii_uppercase()))
                        .map(str::to_string)
                        .ok_or(format!(
                            "`{what}` holds something that is not a country code"
                        ))
                })
                .collect()
        };
        for e in root.as_map().ok_or("the calendar must be a mapping")? {
            match e.key.as_str().unwrap_or("") {
                "southern_hemisphere" => cal.southern = countries(&e.value, "southern_hemisphere")?,
                "no_seasons" => cal.tropical = countries(&e.value, "no_seasons")?,
                "out_of_season" => {
                    for s in e
                        .value
                        .as_map()
                        .ok_or("`out_of_season` must be a mapping")?
                    {
                        let name = s.key.as_str().unwrap_or("");
                        let season = Season::parse(name)
                            .filter(|s| *s != Season::Any)
                            .ok_or(format!("`{name}` is not a season"))?;
                        let months = s
                            .value
                            .as_seq()
                            .ok_or(format!("`{name}` must list months"))?
                            .iter()
                            .map(|m| {
                                m.as_str()
                                    .and_then(|t| t.parse::<u32>().ok())
                                    .filter(|m| (1..=12).contains(m))
                                    .ok_or(format!("`{name}` holds a month that is not 1-12"))
                            })
                            .collect::<Result<Vec<u32>, String>>()?;
                        cal.out_of_season.push((season, months));
                    }
                }
                "occasions" => {
                    for o in e.value.as_map().ok_or("`occasions` must be a mapping")? {
                        let id = o.key.as_str().unwrap_or("").to_string();
                        let mut dates = Vec::new();
                        for d in o
                            .value
                            .as_map()
                            .ok_or(format!("`{id}` must map countries to dates"))?
                        {
                            let country = d.key.as_str().unwrap_or("").to_string();
                            let ok = country == "default"
                                || (country.len() == 2
                                    && country.bytes().all(|b| b.is_ascii_uppercase()));
                            if !ok {
                                return Err(format!("`{id}`: `{country}` is not a country code"));
                            }
                            let text = d
                                .value
                                .as_str()
                                .ok_or(format!("`{id}.{country}` must be text"))?;
                            let rule = DateRule::parse(text)
                                .map_err(|m| format!("`{id}.{country}`: {m}"))?;
                            dates.push((country, text.to_string(), rule));
                        }
                        cal.occasions.push((id, dates));
                    }
                }
                other => return Err(format!("unknown key `{other}` in the calendar")),
            }
        }
        Ok(cal)
    }

    /// The calendar shipped in the binary.
    pub fn builtin() -> &'static WorldCalendar {
        static CAL: LazyLock<WorldCalendar> = LazyLock::new(|| {
            WorldCalendar::parse(BUILTIN.1)
                .unwrap_or_else(|e| panic!("built-in {} is invalid: {e}", BUILTIN.0))
        });
        &CAL
    }
}

/// The country part of a region: `US-FL` → `US`.
pub fn country(region: &str) -> &str {
    region.get(..2).unwrap_or(region)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn easter_matches_known_dates() {
        for (y, m, day) in [
            (2024, 3, 31),
            (2025, 4, 20),
            (2026, 4, 5),
            (2027, 3, 28),
            (2038, 4, 25),
        ] {
            assert_eq!(easter(y), Some(d(y, m, day)), "{y}");
        }
    }

    #[test]
    fn date_rules_compute_real_dates() {
        let r = |t: &str, y: i32| DateRule::parse(t).unwrap().date_in(y).unwrap();
        assert_eq!(r("second Sunday of May", 2027), d(2027, 5, 9));
        assert_eq!(r("third Sunday of June", 2027), d(2027, 6, 20));
        assert_eq!(r("last Sunday of May", 2027), d(2027, 5, 30));
        assert_eq!(r("first Sunday of September", 2027), d(2027, 9, 5));
        assert_eq!(r("last Sunday of December", 2027), d(2027, 12, 26));
        assert_eq!(r("March 19", 2027), d(2027, 3, 19));
        // Mothering Sunday 2027 and Ascension Day 2027.
        assert_eq!(r("Easter - 21 days", 2027), d(2027, 3, 7));
        assert_eq!(r("Easter + 39 days", 2027), d(2027, 5, 6));
        assert!(DateRule::parse("February 29")
            .unwrap()
            .date_in(2027)
            .is_none());
        for bad in ["fifth Sunday of May", "May 32", "Easter * 2 days", "soon"] {
            assert!(DateRule::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_builtin_calendar_is_valid_and_names_known_occasions() {
        let cal = WorldCalendar::parse(BUILTIN.1).unwrap();
        let occasions = &crate::knowledge::checks::Checks::builtin().occasions;
        for id in cal.occasion_ids() {
            assert!(
                occasions.by_id(id).is_some(),
                "{id} is not in checks/occasions.yaml"
            );
            assert!(!cal.occasion(id).is_empty());
        }
        assert_eq!(cal.hemisphere("AU"), Hemisphere::South);
        assert_eq!(cal.hemisphere("US"), Hemisphere::North);
        assert_eq!(
            cal.out_of_season(Season::Winter, Hemisphere::North),
            vec![5, 6, 7, 8]
        );
        assert_eq!(
            cal.out_of_season(Season::Winter, Hemisphere::South),
            vec![11, 12, 1, 2]
        );
        assert_eq!(
            cal.rule_for("mothers-day", "GB").map(|(t, _)| t),
            Some("Easter - 21 days")
        );
        assert_eq!(
            cal.rule_for("valentines-day", "JP").map(|(t, _)| t),
            Some("February 14")
        );
        assert!(WorldCalendar::parse("occasions:\n  x:\n    USA: May 1\n").is_err());
        assert!(WorldCalendar::parse("oops: 1\n").is_err());
    }
}
