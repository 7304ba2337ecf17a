//! A parsed regex (`regex_syntax`'s `Hir`) written as a flat list of
//! numbers and read back: `build.rs` parses the built-in packs' widened
//! patterns when preflight is built, so that a run compiles their candidate
//! sets without parsing them again (parsing and case-folding the patterns
//! was over half of compiling a set).
//!
//! The list is postfix: each node's children come before it. `build.rs`
//! includes this file too; it depends on nothing else in preflight.

use regex_syntax::hir::{
    Capture, Class, ClassBytes, ClassBytesRange, ClassUnicode, ClassUnicodeRange, Hir, HirKind,
    Literal, Look, Repetition,
};

const EMPTY: u32 = 0;
const LITERAL: u32 = 1;
const CLASS_UNICODE: u32 = 2;
const CLASS_BYTES: u32 = 3;
const LOOK: u32 = 4;
const REPETITION: u32 = 5;
const CAPTURE: u32 = 6;
const CONCAT: u32 = 7;
const ALTERNATION: u32 = 8;

/// `Repetition::max` of `None` (no upper bound).
const UNBOUNDED: u32 = u32::MAX;

/// Writes `hir`; `None` for a node this format does not hold (a named
/// group), which is then parsed at run time as a user's pattern is.
#[allow(dead_code)] // build.rs writes; the run only reads (and its tests write)
pub fn encode(hir: &Hir) -> Option<Vec<u32>> {
    let mut out = Vec::new();
    write(hir, &mut out)?;
    Some(out)
}

#[allow(dead_code)]
fn write(hir: &Hir, out: &mut Vec<u32>) -> Option<()> {
    match hir.kind() {
        HirKind::Empty => out.push(EMPTY),
        HirKind::Literal(Literal(bytes)) => {
            out.push(LITERAL);
            out.push(u32::try_from(bytes.len()).ok()?);
            out.extend(bytes.iter().map(|&b| u32::from(b)));
        }
        HirKind::Class(Class::Unicode(c)) => {
            out.push(CLASS_UNICODE);
            out.push(u32::try_from(c.ranges().len()).ok()?);
            for r in c.ranges() {
                out.push(u32::from(r.start()));
                out.push(u32::from(r.end()));
            }
        }
        HirKind::Class(Class::Bytes(c)) => {
            out.push(CLASS_BYTES);
            out.push(u32::try_from(c.ranges().len()).ok()?);
            for r in c.ranges() {
                out.push(u32::from(r.start()));
                out.push(u32::from(r.end()));
            }
        }
        HirKind::Look(look) => {
            out.push(LOOK);
            out.push(look.as_repr());
        }
        HirKind::Repetition(rep) => {
            write(&rep.sub, out)?;
            out.push(REPETITION);
            out.push(rep.min);
            out.push(rep.max.unwrap_or(UNBOUNDED));
            out.push(u32::from(rep.greedy));
        }
        HirKind::Capture(cap) => {
            if cap.name.is_some() {
                return None;
            }
            write(&cap.sub, out)?;
            out.push(CAPTURE);
            out.push(cap.index);
        }
        HirKind::Concat(subs) | HirKind::Alternation(subs) => {
            for sub in subs {
                write(sub, out)?;
            }
            out.push(if matches!(hir.kind(), HirKind::Concat(_)) {
                CONCAT
            } else {
                ALTERNATION
            });
            out.push(u32::try_from(subs.len()).ok()?);
        }
    }
    Some(())
}

/// The numbers as bytes, seven bits to a byte, the high bit set on every
/// byte but a number's last (most are letters and counts under 128).
#[allow(dead_code)]
pub fn pack(code: &[u32]) -> Vec<u8> {
    let mut out = Vec::with_capacity(code.len());
    for &v in code {
        let mut v = v;
        while v >= 0x80 {
            out.push((v as u8 & 0x7F) | 0x80);
            v >>= 7;
        }
        out.push(v as u8);
    }
    out
}

/// The numbers [`pack`] wrote; `None` if the bytes end inside a number or
/// hold one over 32 bits.
#[allow(dead_code)]
pub fn unpack(bytes: &[u8]) -> Option<Vec<u32>> {
    let mut out = Vec::with_capacity(bytes.len());
    let mut v: u32 = 0;
    let mut shift = 0;
    for &b in bytes {
        let part = u32::from(b & 0x7F);
        if shift > 28 || (shift == 28 && part > 0xF) {
            return None;
        }
        v |= part << shift;
        if b & 0x80 == 0 {
            out.push(v);
            v = 0;
            shift = 0;
        } else {
            shift += 7;
        }
    }
    (shift == 0).then_some(out)
}

/// Reads what [`encode`] wrote; `None` if it is not such a list.
#[allow(dead_code)] // the run reads; build.rs only writes
pub fn decode(code: &[u32]) -> Option<Hir> {
    let mut stack: Vec<Hir> = Vec::new();
    let mut at = 0;
    let mut next = || {
        let v = code.get(at).copied();
        at += 1;
        v
    };
    while let Some(op) = next() {
        let hir = match op {
            EMPTY => Hir::empty(),
            LITERAL => {
                let n = next()? as usize;
                let bytes: Option<Vec<u8>> = (0..n)
                    .map(|_| next().and_then(|b| u8::try_from(b).ok()))
                    .collect();
                Hir::literal(bytes?)
            }
            CLASS_UNICODE => {
                let n = next()? as usize;
                let mut ranges = Vec::with_capacity(n);
                for _ in 0..n {
                    let start = char::from_u32(next()?)?;
                    let end = char::from_u32(next()?)?;
                    ranges.push(ClassUnicodeRange::new(start, end));
                }
                Hir::class(Class::Unicode(ClassUnicode::new(ranges)))
            }
            CLASS_BYTES => {
                let n = next()? as usize;
                let mut ranges = Vec::with_capacity(n);
                for _ in 0..n {
                    let start = u8::try_from(next()?).ok()?;
                    let end = u8::try_from(next()?).ok()?;
                    ranges.push(ClassBytesRange::new(start, end));
                }
                Hir::class(Class::Bytes(ClassBytes::new(ranges)))
            }
            LOOK => Hir::look(Look::from_repr(next()?)?),
            REPETITION => {
                let min = next()?;
                let max = next()?;
                let greedy = next()? != 0;
                let sub = Box::new(stack.pop()?);
                Hir::repetition(Repetition {
                    min,
                    max: (max != UNBOUNDED).then_some(max),
                    greedy,
                    sub,
                })
            }
            CAPTURE => {
                let index = next()?;
                let sub = Box::new(stack.pop()?);
                Hir::capture(Capture {
                    index,
                    name: None,
                    sub,
                })
            }
            CONCAT | ALTERNATION => {
                let n = next()? as usize;
                let subs = stack.split_off(stack.len().checked_sub(n)?);
                if op == CONCAT {
                    Hir::concat(subs)
                } else {
                    Hir::alternation(subs)
                }
            }
            _ => return None,
        };
        stack.push(hir);
    }
    (stack.len() == 1).then(|| stack.pop()).flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(p: &str) -> Hir {
        regex_syntax::ParserBuilder::new()
            .case_insensitive(true)
            .build()
            .parse(p)
            .unwrap()
    }

    #[test]
    fn what_is_written_reads_back_the_same() {
        for p in [
            "a",
            "",
            r"we\s+(noticed|saw)(\s+that)?\s+you",
            r"(?-i:[^\x00-\x2F\x3A-\x40\x5B-\x5E\x60\x7B-\x7F])*",
            r"^(?:\w+\s)*(email|e\s?mail)(\s?(address|addr))?$",
            r"\bkid\B.{0,60}?x{2,}y{3}z+?",
            r"caf[ée]|Straße|ſ|K|’|😀",
            r"(?-u:[a-z]\w)|[^a]",
            r"(?m:^a$)\b{start-half}b\b{end-half}",
        ] {
            let hir = parse(p);
            let code = encode(&hir).unwrap();
            let back = decode(&code).unwrap();
            assert_eq!(format!("{hir:?}"), format!("{back:?}"), "{p}");
        }
        assert!(encode(&parse(r"(?-u:[a-z])"))
            .unwrap()
            .contains(&CLASS_BYTES));
    }

    #[test]
    fn numbers_packed_as_bytes_unpack_the_same() {
        let code = [0, 1, 127, 128, 300, 0x10FFFF, u32::MAX, 5];
        let bytes = pack(&code);
        assert_eq!(bytes.len(), 1 + 1 + 1 + 2 + 2 + 3 + 5 + 1);
        assert_eq!(unpack(&bytes).as_deref(), Some(&code[..]));
        assert_eq!(
            unpack(&bytes[..bytes.len() - 2]),
            None,
            "ends inside a number"
        );
        assert_eq!(
            unpack(&[0xFF, 0xFF, 0xFF, 0xFF, 0x7F]),
            None,
            "over 32 bits"
        );
        assert_eq!(unpack(&[]).as_deref(), Some(&[][..]));
    }

    #[test]
    fn named_groups_and_bad_lists_are_left_to_the_parser() {
        assert_eq!(encode(&parse("(?P<n>a)")), None);
        let code = encode(&parse("ab|c")).unwrap();
        assert!(decode(&code[..code.len() - 1]).is_none(), "cut short");
        assert!(decode(&[99]).is_none(), "unknown node");
        assert!(decode(&[]).is_none(), "nothing");
        assert!(decode(&[EMPTY, EMPTY]).is_none(), "two roots");
        assert!(
            decode(&[CLASS_UNICODE, 1, 0xD800, 0xD800]).is_none(),
            "not a character"
        );
    }
}
