//! When marketing texts may be sent, by region (`checks/quiet-hours.yaml`).

use std::sync::LazyLock;

use chrono::{NaiveTime, Weekday};

use crate::input::yaml::{self, Budget, Node};
use crate::knowledge::world_calendar::DateRule;

pub const BUILTIN: (&str, &str) = (
    "checks/quiet-hours.yaml",
    include_str!("../../checks/quiet-hours.yaml"),
);

/// The window of one region.
#[derive(Debug, Clone)]
pub struct Window {
    pub from: NaiveTime,
    pub to: NaiveTime,
    pub law: String,
    pub zones: Vec<chrono_tz::Tz>,
    pub closed_days: Vec<Weekday>,
    pub closed_dates: Vec<(String, DateRule)>,
}

impl Window {
    /// Whether a local time is allowed; `Err` says why not.
    pub fn allows(&self, local: chrono::NaiveDateTime) -> Result<(), String> {
        use chrono::Datelike;
        let t = local.time();
        if t < self.from || t > self.to {
            return Err(format!(
                "outside {}–{}",
                self.from.format("%H:%M"),
                self.to.format("%H:%M")
            ));
        }
        let day = local.date();
        if self.closed_days.contains(&day.weekday()) {
            return Err(format!("on a {}", weekday_name(day.weekday())));
        }
        if let Some((text, _)) = self
            .closed_dates
            .iter()
            .find(|(_, r)| r.date_in(day.year()) == Some(day))
        {
            return Err(format!("on a public holiday ({text})"));
        }
        Ok(())
    }
}

fn weekday_name(d: Weekday) -> &'static str {
    match d {
        Weekday::Mon => "Monday",
        Weekday::Tue => "Tuesday",
        Weekday::Wed => "Wednesday",
        Weekday::Thu => "Thursday",
        Weekday::Fri => "Friday",
        Weekday::Sat => "Saturday",
        Weekday::Sun => "Sunday",
    }
}

#[derive(Debug)]
pub struct QuietHours {
    pub default: Window,
    pub regions: Vec<(String, Window)>,
}

impl QuietHours {
    /// The window for a region: its own, its country's, or the default.
    pub fn for_region(&self, region: Option<&str>) -> (&str, &Window) {
        let Some(region) = region else {
            return ("default", &self.default);
        };
        let country = crate::knowledge::world_calendar::country(region);
        self.regions
            .iter()
            .find(|(r, _)| r == region)
            .or_else(|| self.regions.iter().find(|(r, _)| r == country))
            .map(|(r, w)| (r.as_str(), w))
            .unwrap_or(("default", &self.default))
    }

    pub fn parse(text: &str) -> Result<QuietHours, String> {
        let docs = yaml::parse(text, 0, Budget::default()).map_err(|e| e.message)?;
        let root = docs.first().map(|d| &d.root).ok_or("empty file")?;
        let default = window(&root.get("default").ok_or("no `default`")?.value, "default")?;
        let mut regions = Vec::new();
        if let Some(r) = root.get("regions") {
            for e in r.value.as_map().ok_or("`regions` must be a mapping")? {
                let name = e.key.as_str().unwrap_or("").to_string();
                regions.push((name.clone(), window(&e.value, &name)?));
            }
        }
        Ok(QuietHours { default, regions })
    }

    pub fn builtin() -> &'static QuietHours {
        static Q: LazyLock<QuietHours> = LazyLock::new(|| {
            QuietHours::parse(BUILTIN.1)
                .unwrap_or_else(|e| panic!("built-in {} is invalid: {e}", BUILTIN.0))
        });
        &Q
    }
}

fn window(n: &Node, name: &str) -> Result<Window, String> {
    let time = |k: &str| -> Result<NaiveTime, String> {
        let t = n
            .get(k)
            .and_then(|e| e.value.as_str())
            .ok_or(format!("`{name}` has no `{k}`"))?;
        NaiveTime::parse_from_str(t, "%H:%M")
            .map_err(|_| format!("`{name}.{k}`: `{t}` is not HH:MM"))
    };
    let list = |k: &str| -> Vec<&str> {
        n.get(k)
            .and_then(|e| e.value.as_seq())
            .map(|s| s.iter().filter_map(Node::as_str).collect())
            .unwrap_or_default()
    };
    let zones = list("zones")
        .into_iter()
        .map(|z| {
            z.parse::<chrono_tz::Tz>()
                .map_err(|_| format!("`{name}`: `{z}` is not a time zone"))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let closed_days = list("closed_days")
        .into_iter()
        .map(|d| {
            d.parse::<Weekday>()
                .map_err(|_| format!("`{name}`: `{d}` is not a weekday"))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let closed_dates = list("closed_dates")
        .into_iter()
        .map(|d| DateRule::parse(d).map(|r| (d.to_string(), r)))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Window {
        from: time("from")?,
        to: time("to")?,
        law: n
            .get("law")
            .and_then(|e| e.value.as_str())
            .unwrap_or("the rules for marketing texts")
            .to_string(),
        zones,
        closed_days,
        closed_dates,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn ymd(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(y, m, d)
    }

    #[test]
    fn the_builtin_windows_are_valid() {
        let q = QuietHours::parse(BUILTIN.1).unwrap();
        let (name, us) = q.for_region(Some("US-CA"));
        assert_eq!(name, "US");
        assert_eq!(us.zones.len(), 7);
        assert_eq!(
            q.for_region(Some("US-FL")).1.to.format("%H:%M").to_string(),
            "20:00"
        );
        assert_eq!(q.for_region(Some("JP")).0, "default");
        let fr = q.for_region(Some("FR")).1;
        let at = |d: NaiveDate, h: u32| d.and_hms_opt(h, 0, 0).unwrap();
        // Armistice Day (a Monday), a Sunday, and a Monday morning.
        assert!(fr
            .allows(at(ymd(2030, 11, 11).unwrap(), 10))
            .unwrap_err()
            .contains("holiday"));
        assert!(fr
            .allows(at(ymd(2030, 7, 7).unwrap(), 10))
            .unwrap_err()
            .contains("Sunday"));
        assert!(fr.allows(at(ymd(2030, 7, 8).unwrap(), 10)).is_ok());
        assert!(fr
            .allows(at(ymd(2030, 7, 8).unwrap(), 23))
            .unwrap_err()
            .contains("08:00–22:00"));
        assert!(QuietHours::parse("default: {from: '8', to: '21:00'}\n").is_err());
    }
}
