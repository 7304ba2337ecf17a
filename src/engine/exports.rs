//! Checking a platform's exported file: each campaign the reader finds is
//! checked as a campaign file's would be, with what the export does not
//! say left unknown (the rules that need it do not run for it).

use crate::engine::attachments;
use crate::engine::lint::{
    check_campaign, AttachedOutcome, ExportNote, FileOutcome, FileStatus, Files, Options,
};
use crate::engine::suppress;
use crate::input::exports::{self, Reading};
use crate::input::source::{LineIndex, Sources};
use crate::input::yaml;
use crate::knowledge::checks::Checks;

/// Checks a JSON file with no `campaign:` key as a platform's export.
/// `None`: no platform wrote it.
pub(crate) fn check_export(
    path: &str,
    text: &str,
    docs: &[yaml::Document],
    opts: &Options,
    checks: &Checks,
) -> Option<FileOutcome> {
    let [doc] = docs else { return None };
    let reading = exports::read(&doc.root, path, &opts.exports)?;
    let mut out = FileOutcome::empty(path, opts);
    let export = match reading {
        Reading::Part(platform, what) => {
            out.status = FileStatus::Skipped(what.clone());
            out.export = Some(ExportNote {
                platform,
                read_as: what,
                unknown: Vec::new(),
                not_run: Vec::new(),
            });
            return Some(out);
        }
        Reading::Campaigns(e) => e,
    };
    let lines = LineIndex::new(text);
    out.comments = suppress::parse(text, &lines);
    let references: Vec<&yaml::Node> = export
        .campaigns
        .iter()
        .flat_map(|c| crate::model::load::file_references(&c.root))
        .collect();
    let attached = (!references.is_empty()).then(|| {
        attachments::read(
            path,
            text,
            &references,
            &opts.copy_files,
            opts.config_dir.as_deref(),
            opts.max_file_size,
        )
    });
    let no_attachments = crate::model::campaign::Attachments::new();
    let no_sources = Sources::alone(text.len());
    let (full, sources, atts) = match &attached {
        Some(a) => (a.text.as_str(), &a.sources, &a.attachments),
        None => (text, &no_sources, &no_attachments),
    };
    out.attached = sources
        .files
        .iter()
        .map(|f| AttachedOutcome {
            path: f.name.clone(),
            real: f.real.clone(),
            text: f.text.clone(),
            findings: Vec::new(),
            suppressed: Vec::new(),
            comments: suppress::parse_template(&f.text, f.lines()),
        })
        .collect();
    let mut unknown = Vec::new();
    for campaign in &export.campaigns {
        out.campaigns += 1;
        for p in &campaign.unknown {
            if !unknown.contains(p) {
                unknown.push(*p);
            }
        }
        check_campaign(
            &mut out,
            Files {
                path,
                text,
                lines: &lines,
                full,
                sources,
                attachments: atts,
            },
            &campaign.root,
            &[],
            None,
            Some(campaign),
            opts,
            checks,
        );
    }
    unknown.sort();
    let not_run = crate::rules::metas()
        .iter()
        .filter(|r| opts.level_of(r) != Some(None))
        .filter(|r| crate::rules::blind_to(r, &unknown))
        .map(|r| r.name)
        .collect();
    out.export = Some(ExportNote {
        platform: export.platform,
        read_as: export.read_as,
        unknown,
        not_run,
    });
    out.finish(text);
    Some(out)
}
