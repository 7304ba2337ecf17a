//! The `preflight` command: parses arguments, calls the library, prints,
//! and maps the result to an exit code (0 clean, 1 findings, 2 could not run).

use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use chrono::NaiveDate;
use clap::{CommandFactory, Parser, Subcommand, ValueEnum};

use preflight::engine::config::{self, Config};
use preflight::engine::lint::{FileStatus, Options};
use preflight::engine::run;
use preflight::engine::run::{ConfigMode, RunError};
use preflight::model::schema;
use preflight::report::excerpt::escape_controls;
use preflight::report::{docs, render};
use preflight::rule_meta::Severity;
use preflight::rules;

// A run allocates many small, short-lived values on every thread while it
// keeps each file's findings: glibc's allocator then spends more and more
// time on its free lists (20,000 files took 2.7x as long as 10,000); with
// jemalloc the time stays linear at the same peak memory (BENCHMARKS.md).
#[cfg(not(windows))]
#[global_allocator]
static GLOBAL: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

/// When a run walks folders (many files), jemalloc gives freed pages back
/// at once instead of after its default ten seconds, longer than such a run:
/// the peak memory of 10,000 files drops by a tenth. A run on a few named
/// files (pre-commit) keeps the default, which starts and exits faster.
#[cfg(not(windows))]
fn return_freed_memory_promptly() {
    // SAFETY: these keys hold an `ssize_t` and `arenas.narenas` an
    // `unsigned` (jemalloc's MALLCTL documentation); an arena that does not
    // exist yet answers with an error, which is ignored.
    unsafe {
        let _ = tikv_jemalloc_ctl::raw::write(b"arenas.dirty_decay_ms\0", 0isize);
        let arenas: u32 = tikv_jemalloc_ctl::raw::read(b"arenas.narenas\0").unwrap_or(0);
        for i in 0..arenas {
            let key = format!("arena.{i}.dirty_decay_ms\0");
            let _ = tikv_jemalloc_ctl::raw::write(key.as_bytes(), 0isize);
        }
    }
}

#[cfg(windows)]
fn return_freed_memory_promptly() {}

#[derive(Parser)]
#[command(
    name = "preflight",
    version,
    about = "Checks marketing-campaign files before they launch."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check campaign files (folders are walked recursively; default: the current folder).
    Check(CheckArgs),
    /// List every rule: code, name, severity (as configured), summary.
    Rules(ConfigArgs),
    /// Show a rule's documentation and its settings (as configured).
    Explain {
        /// A rule code (PF201) or name (sensitive-occasion).
        rule: String,
        #[command(flatten)]
        config: ConfigArgs,
    },
    /// Write a commented starter preflight.yaml in the current folder.
    Init,
    /// Print the JSON Schema (2020-12) of the campaign format, for editors.
    Schema,
    /// Print shell completions.
    Completions { shell: clap_complete::Shell },
    /// Run the language server (LSP over stdin and stdout) for editors.
    Server {
        /// The date to use as today (YYYY-MM-DD) instead of the clock's.
        #[arg(long)]
        now: Option<NaiveDate>,
    },
}

#[derive(clap::Args)]
struct ConfigArgs {
    /// Use this configuration file instead of looking for preflight.yaml.
    #[arg(long, value_name = "PATH", conflicts_with = "isolated")]
    config: Option<PathBuf>,
    /// Ignore every configuration file.
    #[arg(long)]
    isolated: bool,
}

impl ConfigArgs {
    fn mode(&self) -> ConfigMode {
        match (&self.config, self.isolated) {
            (_, true) => ConfigMode::Isolated,
            (Some(p), false) => ConfigMode::File(p.clone()),
            (None, false) => ConfigMode::Discover,
        }
    }
}

#[derive(clap::Args)]
struct CheckArgs {
    /// Files or folders to check; `-` reads one file from standard input.
    paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Pretty)]
    format: Format,
    /// "Today" for date checks, as YYYY-MM-DD (default: the current date).
    #[arg(long, value_parser = parse_date)]
    now: Option<NaiveDate>,
    /// Exit with status 1 on warnings too.
    #[arg(long)]
    deny_warnings: bool,
    /// Colour in the pretty output.
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    color: Color,
    /// Say which files were skipped and why.
    #[arg(long, short)]
    verbose: bool,
    /// The name to report standard input under (with `-` as the path); the
    /// configuration is found from it.
    #[arg(long, value_name = "NAME")]
    stdin_filename: Option<String>,
    /// Write the report to this file instead of standard output.
    #[arg(long, value_name = "PATH")]
    output_file: Option<PathBuf>,
    /// Also list the findings silenced by `acknowledge` or ignore comments.
    #[arg(long)]
    show_suppressed: bool,
    /// Refuse files larger than this, without reading them (bytes, or with
    /// KB / MB, such as `10MB`).
    #[arg(long, value_name = "SIZE", value_parser = parse_size, default_value = "10MB")]
    max_file_size: u64,
    /// Exit with status 2 when no campaign file is found.
    #[arg(long)]
    require_files: bool,
    /// Skip named files that are not campaign files instead of reporting
    /// them (for pre-commit, which names every staged YAML file).
    #[arg(long)]
    skip_non_campaigns: bool,
    /// Check files on this many threads (default: every core). The output
    /// is the same whatever the number.
    #[arg(long, value_name = "N", default_value_t = 0, hide_default_value = true)]
    threads: usize,
    /// Apply the safe fixes that rules offer, then report what is left.
    #[arg(long, conflicts_with = "diff")]
    fix: bool,
    /// With --fix or --diff: apply the unsafe fixes too (choices a person
    /// should read, such as a fallback word or an added exclusion).
    #[arg(long)]
    unsafe_fixes: bool,
    /// Print what --fix would change as a unified diff, and write nothing
    /// (exit 1 when there is a change).
    #[arg(long)]
    diff: bool,
    #[command(flatten)]
    config: ConfigArgs,
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Pretty,
    Compact,
    Json,
    Sarif,
    Github,
    /// One self-contained HTML page for people.
    Html,
    /// A short Markdown summary (pull requests, CI job summaries).
    Markdown,
}

#[derive(Clone, Copy, ValueEnum)]
enum Color {
    Auto,
    Always,
    Never,
}

fn parse_size(s: &str) -> Result<u64, String> {
    let t = s.trim();
    let (num, mult) = if let Some(n) = t.strip_suffix("MB") {
        (n, 1_000_000)
    } else if let Some(n) = t.strip_suffix("KB") {
        (n, 1_000)
    } else {
        (t, 1)
    };
    num.trim()
        .parse::<u64>()
        .ok()
        .and_then(|n| n.checked_mul(mult))
        .filter(|n| *n > 0)
        .ok_or_else(|| {
            format!("`{s}` is not a size; write bytes, or a number with KB or MB, such as `10MB`")
        })
}

fn parse_date(s: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|_| format!("`{s}` is not a date; write it as YYYY-MM-DD"))
}

fn main() -> ExitCode {
    // A panic inside a rule or while reading a file is caught and reported
    // as `internal-error` in the output; say it in one line on stderr
    // instead of the default backtrace hint.
    std::panic::set_hook(Box::new(|info| {
        warn(format_args!(
            "preflight: internal error: {}",
            escape_controls(&info.to_string())
        ));
    }));
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    match cli.command {
        Command::Rules(c) => match effective_config(&c) {
            Ok(cfg) => emit(&docs::rules_table_with(&cfg), 0),
            Err(code) => code,
        },
        Command::Explain { rule, config } => match rules::find(&rule) {
            Some(r) => match effective_config(&config) {
                Ok(cfg) => emit(&docs::explain_with(r, &cfg), 0),
                Err(code) => code,
            },
            None => {
                let hint = preflight::text::suggest::did_you_mean(&rule, rules::names_and_codes())
                    .map(|s| format!(" Did you mean `{s}`?"))
                    .unwrap_or_default();
                warn(format_args!(
                    "preflight: `{rule}` is not a rule.{hint} `preflight rules` lists them all."
                ));
                ExitCode::from(2)
            }
        },
        Command::Init => init(),
        Command::Schema => emit(&schema::json_schema(), 0),
        Command::Completions { shell } => {
            let mut buf = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "preflight", &mut buf);
            emit(&String::from_utf8_lossy(&buf), 0)
        }
        Command::Check(args) => check(args),
        Command::Server { now } => match preflight::server::run_stdio(now) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                warn(format_args!("preflight server: {e}"));
                ExitCode::from(2)
            }
        },
    }
}

fn stderr_style() -> render::Style {
    let tty = std::io::stderr().is_terminal();
    render::Style {
        color: tty && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
        width: 100,
    }
}

fn report_config_error(e: &config::ConfigError) -> ExitCode {
    warn(format_args!(
        "{}",
        render::config_error(e, stderr_style()).trim_end()
    ));
    ExitCode::from(2)
}

/// The configuration `rules` and `explain` describe: the one for the current folder.
fn effective_config(args: &ConfigArgs) -> Result<Config, ExitCode> {
    let loaded = match args.mode() {
        ConfigMode::Isolated => return Ok(Config::default()),
        ConfigMode::File(p) => Config::load(&p),
        ConfigMode::Discover => match config::find_for(Path::new(".")) {
            Some(p) => Config::load_found(&p),
            None => return Ok(Config::default()),
        },
    };
    loaded.map_err(|e| report_config_error(&e))
}

fn init() -> ExitCode {
    let path = Path::new(config::FILE_NAMES[0]);
    if let Some(existing) = config::FILE_NAMES
        .iter()
        .map(Path::new)
        .find(|p| p.exists())
    {
        warn(format_args!(
            "preflight: {} already exists; it was left as it is.",
            existing.display()
        ));
        return ExitCode::from(2);
    }
    let written = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .and_then(|mut f| f.write_all(config::starter().as_bytes()));
    match written {
        Ok(()) => {
            // The file is written: a closed standard output loses only this note.
            let _ = writeln!(
                std::io::stdout(),
                "Wrote {}: every rule and setting, with its default.",
                path.display()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            warn(format_args!(
                "preflight: could not write {}: {e}",
                path.display()
            ));
            ExitCode::from(2)
        }
    }
}

/// On GitHub Actions, the address of the checked commit's files, so that
/// the Markdown summary links each finding to its line.
fn github_blob_base() -> Option<String> {
    let var = |k| std::env::var(k).ok().filter(|v: &String| !v.is_empty());
    Some(format!(
        "{}/{}/blob/{}/",
        var("GITHUB_SERVER_URL")?,
        var("GITHUB_REPOSITORY")?,
        var("GITHUB_SHA")?
    ))
}

fn check(args: CheckArgs) -> ExitCode {
    let now = args
        .now
        .unwrap_or_else(|| chrono::Local::now().date_naive());
    let mut opts = Options::new(now);
    opts.skip_non_campaigns = args.skip_non_campaigns;
    opts.max_file_size = args.max_file_size;
    opts.threads = args.threads;
    // Only the pretty and HTML outputs quote source lines.
    opts.keep_text = matches!(
        args.format,
        Format::Pretty | Format::Html | Format::Markdown
    );
    // Only the HTML and Markdown reports show each campaign's summary.
    opts.keep_summaries = matches!(args.format, Format::Html | Format::Markdown);
    opts.report_file = args.output_file.as_deref().and_then(|p| {
        let meta = std::fs::metadata(p).ok()?;
        preflight::input::discover::FileId::of(p, &meta).ok()
    });
    let mode = args.config.mode();
    if args.paths.is_empty() || args.paths.iter().any(|p| p.is_dir()) {
        return_freed_memory_promptly();
    }
    let dashes = args.paths.iter().filter(|p| *p == Path::new("-")).count();
    if dashes > 0 && args.paths.len() > 1 {
        warn(format_args!(
            "preflight: `-` reads one file from standard input, so it must be the only path (it was named with {} other path{}).",
            args.paths.len() - 1,
            if args.paths.len() == 2 { "" } else { "s" }
        ));
        return ExitCode::from(2);
    }
    if let Some(out) = &args.output_file {
        if let Some(input) = args.paths.iter().find(|p| same_file(p, out)) {
            warn(format_args!(
                "preflight: the report file {} is also a file to check ({}); choose another --output-file, so that a campaign is never overwritten by its report.",
                escape_controls(&out.display().to_string()),
                escape_controls(&input.display().to_string())
            ));
            return ExitCode::from(2);
        }
    }
    let from_stdin = dashes == 1;
    let fixing = args.fix || args.diff;
    if args.unsafe_fixes && !fixing {
        warn(format_args!(
            "preflight: --unsafe-fixes goes with --fix (to apply them) or --diff (to see them first)."
        ));
        return ExitCode::from(2);
    }
    let mut changes: Option<Vec<preflight::engine::fix::Change>> = None;
    let mut keep = |f: preflight::engine::fix::Fixed| {
        changes = Some(f.changes);
        f.report
    };
    if args.stdin_filename.is_some() && !from_stdin {
        warn(format_args!(
            "preflight: --stdin-filename needs `-` as the path to read standard input."
        ));
        return ExitCode::from(2);
    }
    // Standard input as read: what `--fix` prints when nothing changes.
    let mut stdin_bytes: Vec<u8> = Vec::new();
    let result = if from_stdin {
        let mut bytes = Vec::new();
        // Read at most one byte past the limit: enough to know it is over.
        let mut input = std::io::stdin()
            .lock()
            .take(opts.max_file_size.saturating_add(1));
        if let Err(e) = input.read_to_end(&mut bytes) {
            warn(format_args!(
                "preflight: could not read standard input: {e}"
            ));
            return ExitCode::from(2);
        }
        let name = args.stdin_filename.as_deref().unwrap_or("<stdin>");
        if bytes.len() as u64 > opts.max_file_size {
            // Read only one byte past the limit: its true size is unknown.
            let over = preflight::input::reading::Oversize {
                size: None,
                limit: opts.max_file_size,
            };
            let report = run::Report {
                files: vec![preflight::engine::lint::too_large(name, over, &opts)],
                unreadable: Vec::new(),
                skipped_paths: Vec::new(),
                locations: Vec::new(),
            };
            Ok(report)
        } else if fixing {
            stdin_bytes = bytes.clone();
            run::fix_stdin(name, &bytes, &opts, &mode, args.unsafe_fixes).map(&mut keep)
        } else {
            run::run_stdin(name, &bytes, &opts, &mode)
        }
    } else if fixing {
        run::fix_run(&args.paths, &opts, &mode, args.unsafe_fixes).map(&mut keep)
    } else {
        run::run_with(&args.paths, &opts, &mode)
    };
    let report = match result {
        Ok(r) => r,
        Err(RunError::Config(e)) => return report_config_error(&e),
        Err(e) => {
            warn(format_args!(
                "preflight: {}",
                escape_controls(&e.to_string())
            ));
            return ExitCode::from(2);
        }
    };
    if report.files_checked() == 0 && report.templates_alone() == 0 && report.unreadable.is_empty()
    {
        let place = if args.paths.is_empty() {
            "the current folder".to_string()
        } else {
            args.paths
                .iter()
                .map(|p| escape_controls(&p.display().to_string()).into_owned())
                .collect::<Vec<_>>()
                .join(", ")
        };
        warn(format_args!("preflight: no campaign files or email templates found in {place} (a campaign file is YAML or JSON with a top-level `campaign:` key; templates are .html, .mjml, .liquid, .hbs, .njk and .txt files that look like email)."));
        if args.require_files {
            return ExitCode::from(2);
        }
    }
    if args.verbose {
        for f in &report.files {
            if let (Some(e), FileStatus::Checked) = (&f.export, &f.status) {
                let unknown: Vec<String> = e.unknown.iter().map(|p| p.phrase().into()).collect();
                let not_run: Vec<String> = e.not_run.iter().map(|r| r.to_string()).collect();
                let list = preflight::rules::across::and_list;
                warn(format_args!(
                    "preflight: read {} as {}{}",
                    escape_controls(&f.path),
                    escape_controls(&e.read_as),
                    if unknown.is_empty() {
                        String::new()
                    } else {
                        format!(
                            "; the export does not say its {}, so {} did not run",
                            list(&unknown),
                            list(&not_run)
                        )
                    }
                ));
            }
            if let FileStatus::Skipped(why) = &f.status {
                warn(format_args!(
                    "preflight: skipped {}: {}",
                    escape_controls(&f.path),
                    escape_controls(why)
                ));
            }
        }
        for s in &report.skipped_paths {
            warn(format_args!(
                "preflight: skipped {}: {}",
                escape_controls(&s.path),
                escape_controls(&s.reason)
            ));
        }
    }
    let to_terminal = args.output_file.is_none() && std::io::stdout().is_terminal();
    let color = match args.color {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => to_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
    };
    let width = if to_terminal {
        terminal_size::terminal_size()
            .map(|(w, _)| w.0 as usize)
            .unwrap_or(100)
    } else {
        100
    };
    let failed = report.count(Severity::Error) > 0
        || (args.deny_warnings && report.count(Severity::Warning) > 0);
    let mut code = if !report.unreadable.is_empty() || report.internal_errors() > 0 {
        2
    } else if failed {
        1
    } else {
        0
    };
    if changes.is_none() && matches!(args.format, Format::Pretty | Format::Compact) {
        let safe = report.fixable(preflight::rules::diagnostic::Applicability::Safe);
        let unsafe_ = unsafe_left(&report);
        let plural = |n: usize| if n == 1 { "finding" } else { "findings" };
        match (safe, unsafe_) {
            (0, 0) => {}
            (0, u) => warn(format_args!(
                "preflight: {u} {} can be fixed with --fix --unsafe-fixes (see the changes first with --diff --unsafe-fixes).",
                plural(u)
            )),
            (s, 0) => warn(format_args!(
                "preflight: {s} {} can be fixed with --fix (see the changes first with --diff).",
                plural(s)
            )),
            (s, u) => warn(format_args!(
                "preflight: {s} {} can be fixed with --fix, {u} more with --unsafe-fixes (see the changes first with --diff).",
                plural(s)
            )),
        }
    }
    if let Some(changes) = &changes {
        if args.diff {
            return show_diff(&report, changes, &args);
        }
        if !changes.is_empty() {
            warn(format_args!(
                "preflight: fixed {}.",
                preflight::report::diff::summary(changes)
            ));
        }
        if from_stdin {
            // Standard input is never written: its fixed text is the output,
            // and the report goes to standard error.
            let fixed = changes.first().map_or(&stdin_bytes, |c| &c.fixed);
            let _ = std::io::stdout().lock().write_all(fixed);
            let text = render::compact(&report);
            warn(format_args!("{}", escape_controls(text.trim_end())));
            return ExitCode::from(code);
        }
        for c in changes {
            if let Err(why) = preflight::engine::fix::write(c) {
                warn(format_args!(
                    "preflight: {} was not changed: {}.",
                    escape_controls(&c.file),
                    escape_controls(&why)
                ));
                code = 2;
            }
        }
        if !args.unsafe_fixes {
            let left = unsafe_left(&report);
            if left > 0 {
                warn(format_args!(
                    "preflight: {left} more {} can be fixed with --unsafe-fixes (see them first with --diff --unsafe-fixes).",
                    if left == 1 { "finding" } else { "findings" }
                ));
            }
        }
    }
    // JSON and SARIF are written as they are produced; the other formats
    // are small enough to build first.
    let write = |w: &mut dyn Write| -> std::io::Result<()> {
        match args.format {
            Format::Json => return render::json_to(&report, args.show_suppressed, w),
            Format::Sarif => return render::sarif_to(&report, w),
            _ => {}
        }
        let mut text = match args.format {
            Format::Pretty => render::pretty(&report, render::Style { color, width }),
            Format::Compact => render::compact(&report),
            Format::Html => render::html(&report, args.now),
            Format::Markdown => render::markdown(&report, github_blob_base().as_deref()),
            _ => render::github(&report),
        };
        if args.show_suppressed && matches!(args.format, Format::Pretty | Format::Compact) {
            let listed = render::suppressed_lines(&report);
            if !listed.is_empty() {
                text.push_str("\nSuppressed:\n");
                text.push_str(&listed);
            }
        }
        w.write_all(text.as_bytes())
    };
    match &args.output_file {
        Some(path) => {
            let written = write_atomically(path, &write);
            match written {
                Ok(()) => ExitCode::from(code),
                Err(e) => {
                    warn(format_args!(
                        "preflight: could not write the report to {}: {e}",
                        escape_controls(&path.display().to_string())
                    ));
                    ExitCode::from(2)
                }
            }
        }
        None => emit_with(write, code),
    }
}

/// Findings left that only an unsafe fix would fix.
fn unsafe_left(report: &run::Report) -> usize {
    report.fixable(preflight::rules::diagnostic::Applicability::Unsafe)
}

/// `--diff`: the changes as a unified diff on standard output, nothing
/// written; status 1 when there is a change, 2 when a fix failed.
fn show_diff(
    report: &run::Report,
    changes: &[preflight::engine::fix::Change],
    args: &CheckArgs,
) -> ExitCode {
    for f in report
        .findings()
        .filter(|f| std::ptr::eq(f.rule, &rules::internal_error::INTERNAL_ERROR))
    {
        warn(format_args!(
            "preflight: {}:{}:{}: {}",
            escape_controls(&f.file),
            f.start.line,
            f.start.column,
            escape_controls(&f.message)
        ));
    }
    if !changes.is_empty() {
        warn(format_args!(
            "preflight: --fix{} would apply {}.",
            if args.unsafe_fixes {
                " --unsafe-fixes"
            } else {
                ""
            },
            preflight::report::diff::summary(changes)
        ));
    } else {
        warn(format_args!("preflight: nothing to fix."));
    }
    if !args.unsafe_fixes {
        let left = unsafe_left(report);
        if left > 0 {
            warn(format_args!(
                "preflight: {left} more {} with --unsafe-fixes.",
                if left == 1 { "fix" } else { "fixes" }
            ));
        }
    }
    let code = if report.internal_errors() > 0 || !report.unreadable.is_empty() {
        2
    } else if changes.is_empty() {
        0
    } else {
        1
    };
    let text = preflight::report::diff::unified(changes);
    emit(&text, code)
}

/// Whether `a` and `b` name the same existing file (same device and inode).
fn same_file(a: &Path, b: &Path) -> bool {
    match (std::fs::metadata(a), std::fs::metadata(b)) {
        #[cfg(unix)]
        (Ok(x), Ok(y)) => {
            use std::os::unix::fs::MetadataExt;
            x.dev() == y.dev() && x.ino() == y.ino()
        }
        #[cfg(not(unix))]
        (Ok(_), Ok(_)) => std::fs::canonicalize(a).ok() == std::fs::canonicalize(b).ok(),
        _ => false,
    }
}

/// Writes the report to `path` through a temporary file in the same folder,
/// renamed over it at the end: a failed or interrupted run leaves the
/// previous report as it was. A symbolic link is written through, not replaced.
/// Anything that is not a regular file (`/dev/null`, a named pipe,
/// `/dev/stdout`) is written into as it is: renaming over it would replace
/// the device with a file.
fn write_atomically(
    path: &Path,
    write: &dyn Fn(&mut dyn Write) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let target = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    if std::fs::metadata(&target).is_ok_and(|m| !m.is_file() && !m.is_dir()) {
        let f = std::fs::OpenOptions::new().write(true).open(&target)?;
        let mut w = std::io::BufWriter::new(f);
        write(&mut w)?;
        return w.flush();
    }
    let dir = target
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "report".into());
    let temp = dir.join(format!(".{name}.preflight-{}.tmp", std::process::id()));
    let result = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&temp)
        .and_then(|f| {
            let mut w = std::io::BufWriter::new(f);
            write(&mut w)?;
            let f = w.into_inner().map_err(|e| e.into_error())?;
            f.sync_all()
        })
        .and_then(|()| std::fs::rename(&temp, &target));
    if result.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    result
}

/// Writes a line to standard error. A closed or full standard error is not
/// a reason to stop (or to panic): the exit status still tells the result.
fn warn(args: std::fmt::Arguments) {
    let mut err = std::io::stderr().lock();
    let _ = err.write_fmt(args).and_then(|_| err.write_all(b"\n"));
}

/// Writes to standard output; a closed pipe (`| head`) ends quietly.
fn emit(text: &str, code: u8) -> ExitCode {
    emit_with(|w| w.write_all(text.as_bytes()), code)
}

/// Lets `write` write to standard output, buffered. When the output cannot
/// be written the status is 2, since the report was lost: quietly for a
/// pipe closed by its reader (`| head`), with a message otherwise.
fn emit_with(write: impl Fn(&mut dyn Write) -> std::io::Result<()>, code: u8) -> ExitCode {
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    match write(&mut out).and_then(|_| out.flush()) {
        Ok(()) => ExitCode::from(code),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::from(2),
        Err(e) => {
            warn(format_args!("preflight: could not write the output: {e}"));
            ExitCode::from(2)
        }
    }
}
