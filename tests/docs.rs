//! The README documents every rule, and the format document every field.

use preflight::rules::RULES;

#[test]
fn readme_rules_table_lists_every_rule_with_its_severity() {
    let readme = std::fs::read_to_string("README.md").unwrap();
    for r in RULES {
        let m = r.meta;
        let row = format!("| {} | `{}` | {} |", m.code, m.name, m.severity);
        assert!(readme.contains(&row), "README lacks the row starting {row}");
    }
}

#[test]
fn format_document_shows_every_field() {
    let doc = std::fs::read_to_string("docs/format.md").unwrap();
    let channels = preflight::model::campaign::Channel::ALL;
    let mut keys: Vec<String> = Vec::new();
    for (_, list) in preflight::model::load::FORMAT_KEYS {
        keys.extend(list.iter().map(|k| k.to_string()));
    }
    for c in channels {
        keys.push(c.as_str().to_string());
        keys.extend(c.fields().iter().map(|f| f.to_string()));
    }
    for key in keys {
        assert!(
            doc.contains(&format!("{key}:")) || doc.contains(&format!("{key}: ")),
            "docs/format.md does not show `{key}:`"
        );
    }
}

/// The README's languages table says, for every rule that reads words, the
/// languages its packs cover (as `explain` does).
#[test]
fn readme_languages_table_matches_the_packs() {
    let readme = std::fs::read_to_string("README.md").unwrap();
    let checks = preflight::knowledge::checks::Checks::builtin();
    for r in RULES {
        let Some(langs) = preflight::report::docs::languages_of(r.meta, checks) else {
            continue;
        };
        let codes: Vec<&str> = langs.iter().map(|l| l.code()).collect();
        let row = format!("| `{}` | {} |", r.meta.name, codes.join(" "));
        assert!(
            readme.contains(&row),
            "README lacks the languages row {row}"
        );
    }
}
