//! The SARIF 2.1.0 output for code-scanning tools.

use crate::engine::run::Report;
use crate::rule_meta::Severity;
use serde::Serialize;

/// The version of the SARIF the `sarif` format writes.
pub const SARIF_VERSION: &str = "2.1.0";
const SARIF_SCHEMA: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

fn sarif_level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Advice => "note",
    }
}

fn sarif_region(
    start: crate::input::source::LineCol,
    end: crate::input::source::LineCol,
) -> SarifRegion {
    SarifRegion {
        start_line: start.line.max(1),
        start_column: start.column.max(1),
        end_line: end.line.max(start.line).max(1),
        end_column: end.column.max(1),
    }
}

/// Encodes a path as a relative URI reference (SARIF `artifactLocation.uri`).
fn uri(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.replace('\\', "/").bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// SARIF 2.1.0: the tool with every rule, and the findings as results.
/// Columns count Unicode code points (`columnKind: unicodeCodePoints`).
/// Written through typed structs that borrow from the report, so a large
/// report is not first copied into a tree of values.
pub fn sarif(report: &Report) -> String {
    let mut out = Vec::new();
    sarif_to(report, &mut out).expect("writing to memory");
    String::from_utf8(out).expect("SARIF is UTF-8")
}

/// [`sarif`], written to `w` as it is produced.
pub fn sarif_to(report: &Report, w: &mut dyn std::io::Write) -> std::io::Result<()> {
    let docs: Vec<String> = crate::rules::RULES
        .iter()
        .map(|r| r.meta.doc_text())
        .collect();
    let rules = crate::rules::RULES
        .iter()
        .zip(&docs)
        .map(|(r, doc)| {
            let m = r.meta;
            SarifRule {
                id: m.code,
                name: m.name,
                short_description: SarifText { text: m.summary },
                full_description: SarifText { text: m.summary },
                help: SarifHelp {
                    text: doc,
                    markdown: doc,
                },
                default_configuration: SarifConfiguration {
                    level: sarif_level(m.severity),
                },
                properties: SarifProperties { tags: [m.name] },
            }
        })
        .collect();
    let index_of = |code: &str| crate::rules::RULES.iter().position(|r| r.meta.code == code);
    let location = |file: &str, start, end| SarifPhysical {
        artifact_location: SarifArtifact { uri: uri(file) },
        region: sarif_region(start, end),
    };
    let results = report
        .findings()
        .map(|f| SarifResult {
            rule_id: f.rule.code,
            rule_index: index_of(f.rule.code),
            level: sarif_level(f.severity),
            message: SarifMessage {
                text: format!("{} {}", f.message, f.help),
            },
            locations: [SarifLocation {
                physical_location: location(&f.file, f.start, f.end),
            }],
            related_locations: f
                .related
                .iter()
                .enumerate()
                .map(|(i, rel)| SarifRelated {
                    id: i,
                    message: SarifText { text: &rel.message },
                    physical_location: location(&rel.file, rel.start, rel.end),
                })
                .collect(),
            fixes: f
                .fix
                .iter()
                .map(|x| SarifFix {
                    description: SarifText { text: &x.message },
                    artifact_changes: [SarifChange {
                        artifact_location: SarifArtifact { uri: uri(&x.file) },
                        replacements: x
                            .edits
                            .iter()
                            .map(|e| SarifReplacement {
                                deleted_region: SarifBytes {
                                    byte_offset: e.span.start,
                                    byte_length: e.span.len(),
                                },
                                inserted_content: SarifText {
                                    text: &e.replacement,
                                },
                            })
                            .collect(),
                    }],
                })
                .collect(),
        })
        .collect();
    let doc = SarifLog {
        schema: SARIF_SCHEMA,
        version: SARIF_VERSION,
        runs: [SarifRun {
            tool: SarifTool {
                driver: SarifDriver {
                    name: "preflight",
                    version: env!("CARGO_PKG_VERSION"),
                    rules,
                },
            },
            column_kind: "unicodeCodePoints",
            invocations: [SarifInvocation {
                execution_successful: report.unreadable.is_empty(),
                tool_execution_notifications: report
                    .unreadable
                    .iter()
                    .map(|u| SarifNotification {
                        level: "error",
                        message: SarifMessage {
                            text: format!("{}: could not be read: {}", u.file, u.error),
                        },
                    })
                    .collect(),
            }],
            results,
        }],
    };
    serde_json::to_writer_pretty(&mut *w, &doc).map_err(std::io::Error::from)?;
    w.write_all(b"\n")
}

#[derive(Serialize)]
struct SarifLog<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [SarifRun<'a>; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifRun<'a> {
    tool: SarifTool<'a>,
    column_kind: &'static str,
    invocations: [SarifInvocation; 1],
    results: Vec<SarifResult<'a>>,
}

#[derive(Serialize)]
struct SarifTool<'a> {
    driver: SarifDriver<'a>,
}

#[derive(Serialize)]
struct SarifDriver<'a> {
    name: &'static str,
    version: &'static str,
    rules: Vec<SarifRule<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifRule<'a> {
    id: &'static str,
    name: &'static str,
    short_description: SarifText<'static>,
    full_description: SarifText<'static>,
    help: SarifHelp<'a>,
    default_configuration: SarifConfiguration,
    properties: SarifProperties,
}

#[derive(Serialize)]
struct SarifText<'a> {
    text: &'a str,
}

#[derive(Serialize)]
struct SarifMessage {
    text: String,
}

#[derive(Serialize)]
struct SarifHelp<'a> {
    text: &'a str,
    markdown: &'a str,
}

#[derive(Serialize)]
struct SarifConfiguration {
    level: &'static str,
}

#[derive(Serialize)]
struct SarifProperties {
    tags: [&'static str; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifInvocation {
    execution_successful: bool,
    tool_execution_notifications: Vec<SarifNotification>,
}

#[derive(Serialize)]
struct SarifNotification {
    level: &'static str,
    message: SarifMessage,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    rule_id: &'static str,
    rule_index: Option<usize>,
    level: &'static str,
    message: SarifMessage,
    locations: [SarifLocation; 1],
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related_locations: Vec<SarifRelated<'a>>,
    /// The fix `--fix` would apply, as SARIF's `fixes` (byte regions).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    fixes: Vec<SarifFix<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifFix<'a> {
    description: SarifText<'a>,
    artifact_changes: [SarifChange<'a>; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifChange<'a> {
    artifact_location: SarifArtifact,
    replacements: Vec<SarifReplacement<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifReplacement<'a> {
    deleted_region: SarifBytes,
    inserted_content: SarifText<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifBytes {
    byte_offset: usize,
    byte_length: usize,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifLocation {
    physical_location: SarifPhysical,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifRelated<'a> {
    id: usize,
    message: SarifText<'a>,
    physical_location: SarifPhysical,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifPhysical {
    artifact_location: SarifArtifact,
    region: SarifRegion,
}

#[derive(Serialize)]
struct SarifArtifact {
    uri: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifRegion {
    start_line: usize,
    start_column: usize,
    end_line: usize,
    end_column: usize,
}
