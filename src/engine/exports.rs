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
    let platform = exports::detect(&doc.root, path)?;
    // The files read with it are laid after its own text, so that findings
    // in them name them.
    let mut space = text.to_string();
    let mut sources = Sources::alone(text.len());
    let mut companions = Vec::new();
    let folder = std::path::Path::new(path)
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(std::path::Path::new("."));
    for name in exports::companions(platform, &doc.root, path) {
        // A file the reader names beside the export, never elsewhere.
        if name.contains(['/', '\\']) || name.starts_with('.') {
            continue;
        }
        let Ok((real, shown)) = attachments::resolve(folder, &name, None) else {
            continue;
        };
        let attachments::Read::Text(t) = opts.copy_files.get(&real, opts.max_file_size) else {
            continue;
        };
        opts.copy_files.remember(&shown, &real);
        let k = sources.add_file(shown, Some(real), t.clone());
        let laid = sources.lay(&mut space, Some(k), 0..t.len(), text);
        let node = if name.to_ascii_lowercase().ends_with(".json") {
            match crate::input::json::parse(&space[laid.clone()], laid.start, opts.budget) {
                Ok(mut d) if d.len() == 1 => d.remove(0).root,
                _ => continue,
            }
        } else {
            yaml::Node {
                span: crate::input::source::Span::new(laid.start, laid.end),
                value: yaml::Value::Scalar(yaml::Scalar {
                    text: space[laid].to_string(),
                    style: yaml::Style::Verbatim,
                }),
            }
        };
        companions.push(exports::Companion { name, node });
    }
    let reading = exports::read(&doc.root, path, text, &companions, &opts.exports)?;
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
    let atts = crate::model::campaign::Attachments::new();
    let full = space.as_str();
    let sources = &sources;
    let atts = &atts;
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
