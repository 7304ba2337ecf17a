//! The time encodings platforms export, written as the ISO 8601 text
//! preflight's `send_at` reads.

use crate::input::source::Span;
use crate::input::yaml::Node;

/// An ISO 8601 time as a platform writes it: an offset without its colon
/// (`-0700`, as Meta writes it) gets one; a time with neither offset nor
/// zone gets `naive_offset` when the platform fixes one (Salesforce
/// Marketing Cloud's UTC−6), and stays naive otherwise.
pub fn iso(text: &str, naive_offset: Option<&str>) -> Option<String> {
    let t = text.trim();
    let date = t.get(..10)?;
    if !is_date(date) {
        return None;
    }
    if t.len() == 10 {
        return Some(t.to_string());
    }
    let rest = &t[10..];
    if !rest.starts_with(['T', ' ']) {
        return None;
    }
    let mut time = rest[1..].to_string();
    // The offset at the end: Z, ±HH:MM, ±HHMM or ±HH.
    let split = time
        .char_indices()
        .skip(1)
        .find(|(_, c)| matches!(c, '+' | '-' | 'Z' | 'z'))
        .map(|(i, _)| i);
    let (clock, offset) = match split {
        Some(i) => {
            let off = time.split_off(i);
            (time, Some(off))
        }
        None => (time, None),
    };
    // Fractions of a second are dropped.
    let clock = clock.split('.').next().unwrap_or_default().to_string();
    if !clock
        .split(':')
        .all(|p| p.len() == 2 && p.bytes().all(|b| b.is_ascii_digit()))
    {
        return None;
    }
    let offset = match offset.as_deref() {
        Some("Z" | "z") => "Z".to_string(),
        Some(o) => {
            let digits: String = o[1..].chars().filter(|c| *c != ':').collect();
            match digits.len() {
                4 => format!("{}{}:{}", &o[..1], &digits[..2], &digits[2..]),
                2 => format!("{}{}:00", &o[..1], digits),
                _ => return None,
            }
        }
        None => naive_offset.unwrap_or_default().to_string(),
    };
    Some(format!("{date}T{clock}{offset}"))
}

/// Seconds or milliseconds since 1970 (told apart by size), in UTC.
pub fn epoch(text: &str) -> Option<String> {
    let n: i64 = text.trim().parse().ok()?;
    let secs = if n.abs() > 100_000_000_000 {
        n / 1000
    } else {
        n
    };
    let t = chrono::DateTime::from_timestamp(secs, 0)?;
    Some(t.format("%Y-%m-%dT%H:%M:%SZ").to_string())
}

/// The wall-clock part of an ISO time, for a send in each recipient's own
/// time zone (the offset the platform wrote is not the recipient's).
pub fn wall_clock(text: &str) -> Option<String> {
    let iso = iso(text, None)?;
    Some(iso.get(..19).unwrap_or(&iso).to_string())
}

fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
}

/// A `send_at` node standing for the exported time's bytes.
pub fn node(value: String, at: &Node) -> Node {
    crate::input::exports::plain(value, Span::new(at.span.start, at.span.end))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_are_written_as_iso() {
        for (given, naive, want) in [
            (
                "2027-05-01T09:00:00-0700",
                None,
                Some("2027-05-01T09:00:00-07:00"),
            ),
            (
                "2027-05-01T09:00:00+00:00",
                None,
                Some("2027-05-01T09:00:00+00:00"),
            ),
            (
                "2027-05-01T09:00:00.000Z",
                None,
                Some("2027-05-01T09:00:00Z"),
            ),
            (
                "2027-05-01T09:00:00",
                Some("-06:00"),
                Some("2027-05-01T09:00:00-06:00"),
            ),
            ("2027-05-01T09:00:00", None, Some("2027-05-01T09:00:00")),
            (
                "2027-05-01 09:00:00+05",
                None,
                Some("2027-05-01T09:00:00+05:00"),
            ),
            ("2027-05-01", Some("-06:00"), Some("2027-05-01")),
            ("", None, None),
            ("next week", None, None),
            ("2027-05-01T9:00", None, None),
        ] {
            assert_eq!(iso(given, naive).as_deref(), want, "{given}");
        }
    }

    #[test]
    fn epochs_in_seconds_and_milliseconds() {
        assert_eq!(epoch("1812020400").as_deref(), Some("2027-06-03T11:00:00Z"));
        assert_eq!(
            epoch("1812020400000").as_deref(),
            Some("2027-06-03T11:00:00Z")
        );
        assert_eq!(epoch("soon"), None);
    }

    #[test]
    fn local_sends_keep_the_wall_clock() {
        assert_eq!(
            wall_clock("2027-06-10T23:30:00+00:00").as_deref(),
            Some("2027-06-10T23:30:00")
        );
    }
}
