//! How many SMS segments a text needs: GSM-7 (160 characters in one
//! message, 153 per part once split; extension characters count double) or,
//! as soon as one character is outside GSM-7, UCS-2 (70, then 67 per part,
//! counted in UTF-16 units so an emoji counts twice).

/// The GSM 03.38 basic character set.
const GSM_BASIC: &str = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
/// Characters of the GSM extension table: each takes two units.
const GSM_EXTENSION: &str = "^{}\\[~]|€\u{c}";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Gsm7,
    Ucs2,
}

/// The segment count of a text and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segments {
    pub encoding: Encoding,
    /// Characters as people count them.
    pub chars: usize,
    /// Units as the network counts them (GSM septets or UTF-16 units).
    pub units: usize,
    pub segments: usize,
    /// The first character that forced UCS-2, if any.
    pub culprit: Option<char>,
}

pub fn is_gsm(c: char) -> bool {
    GSM_BASIC.contains(c) || GSM_EXTENSION.contains(c)
}

fn count(units: usize, single: usize, part: usize) -> usize {
    if units == 0 {
        0
    } else if units <= single {
        1
    } else {
        units.div_ceil(part)
    }
}

pub fn segments(text: &str) -> Segments {
    let chars = text.chars().count();
    let culprit = text.chars().find(|c| !is_gsm(*c));
    match culprit {
        None => {
            let units = text
                .chars()
                .map(|c| if GSM_EXTENSION.contains(c) { 2 } else { 1 })
                .sum();
            Segments {
                encoding: Encoding::Gsm7,
                chars,
                units,
                segments: count(units, 160, 153),
                culprit: None,
            }
        }
        Some(_) => {
            let units = text.encode_utf16().count();
            Segments {
                encoding: Encoding::Ucs2,
                chars,
                units,
                segments: count(units, 70, 67),
                culprit,
            }
        }
    }
}

/// The segments the text would need with every non-GSM character replaced
/// by a plain one: what the culprit costs.
pub fn segments_without_culprits(text: &str) -> usize {
    let plain: String = text
        .chars()
        .map(|c| if is_gsm(c) { c } else { '?' })
        .collect();
    segments(&plain).segments
}

/// A character's name for messages: “’” (U+2019).
pub fn describe(c: char) -> String {
    let what = match c {
        '‘' | '’' => "a curly apostrophe, ",
        '“' | '”' => "a curly quote, ",
        '–' | '—' => "a long dash, ",
        '…' => "an ellipsis character, ",
        '\u{a0}' => "a non-breaking space, ",
        c if (c as u32) >= 0x1F000 => "an emoji, ",
        _ => "",
    };
    format!("“{c}” ({what}U+{:04X})", c as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gsm7_counts_by_hand() {
        assert_eq!(segments("").segments, 0);
        assert_eq!(segments(&"a".repeat(160)).segments, 1);
        assert_eq!(segments(&"a".repeat(161)).segments, 2); // 153 + 8
        assert_eq!(segments(&"a".repeat(306)).segments, 2); // 153 * 2
        assert_eq!(segments(&"a".repeat(307)).segments, 3);
        // A 1,600-character body: ceil(1600 / 153) = 11 parts.
        let long = segments(&"a".repeat(1600));
        assert_eq!(
            (long.encoding, long.units, long.segments),
            (Encoding::Gsm7, 1600, 11)
        );
    }

    #[test]
    fn extension_characters_count_double() {
        let s = segments(&"{".repeat(80));
        assert_eq!((s.chars, s.units, s.segments), (80, 160, 1));
        let s = segments(&format!("{}€", "a".repeat(159)));
        assert_eq!((s.units, s.segments), (161, 2));
    }

    #[test]
    fn one_non_gsm_character_switches_to_ucs2() {
        let s = segments(&format!("{}’", "a".repeat(69)));
        assert_eq!((s.encoding, s.units, s.segments), (Encoding::Ucs2, 70, 1));
        assert_eq!(s.culprit, Some('’'));
        let s = segments(&format!("{}ł", "a".repeat(70)));
        assert_eq!((s.units, s.segments), (71, 2));
        assert_eq!(
            segments_without_culprits(&format!("{}ł", "a".repeat(70))),
            1
        );
        // An emoji is two UTF-16 units: 35 fit in one message, 36 need two parts.
        assert_eq!(segments(&"😀".repeat(35)).segments, 1);
        let s = segments(&"😀".repeat(36));
        assert_eq!((s.chars, s.units, s.segments), (36, 72, 2));
        // 135 units in UCS-2: ceil(135 / 67) = 3.
        assert_eq!(segments(&format!("{}é😀", "ł".repeat(132))).segments, 3);
        assert_eq!(describe('’'), "“’” (a curly apostrophe, U+2019)");
    }
}
