//! The `preflight` command: parses arguments, calls the library, prints,
//! and maps the result to an exit code (0 clean, 1 findings, 2 could not run).

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use chrono::NaiveDate;
use clap::{Parser, Subcommand, ValueEnum};

use preflight::diagnostic::Severity;
use preflight::lint::{FileStatus, Options};
use preflight::settings::Settings;
use preflight::{docs, render, rules, run};

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
    /// List every rule: code, name, default severity, summary.
    Rules,
    /// Show a rule's documentation.
    Explain {
        /// A rule code (PF201) or name (sensitive-occasion).
        rule: String,
    },
}

#[derive(clap::Args)]
struct CheckArgs {
    /// Files or folders to check.
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
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Pretty,
    Compact,
    Json,
}

#[derive(Clone, Copy, ValueEnum)]
enum Color {
    Auto,
    Always,
    Never,
}

fn parse_date(s: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|_| format!("`{s}` is not a date; write it as YYYY-MM-DD"))
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    match cli.command {
        Command::Rules => emit(&docs::rules_table(), 0),
        Command::Explain { rule } => {
            match rules::find(&rule) {
                Some(r) => emit(&docs::explain(r, &Settings::default()), 0),
                None => {
                    let hint = preflight::suggest::did_you_mean(&rule, rules::names_and_codes())
                        .map(|s| format!(" Did you mean `{s}`?"))
                        .unwrap_or_default();
                    eprintln!("preflight: `{rule}` is not a rule.{hint} `preflight rules` lists them all.");
                    ExitCode::from(2)
                }
            }
        }
        Command::Check(args) => check(args),
    }
}

fn check(args: CheckArgs) -> ExitCode {
    let now = args
        .now
        .unwrap_or_else(|| chrono::Local::now().date_naive());
    let opts = Options::new(now);
    let report = match run::run(&args.paths, &opts) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("preflight: {e}");
            return ExitCode::from(2);
        }
    };
    if args.verbose {
        for f in &report.files {
            if let FileStatus::Skipped(why) = &f.status {
                eprintln!("preflight: skipped {}: {why}", f.path);
            }
        }
    }
    let stdout_tty = std::io::stdout().is_terminal();
    let color = match args.color {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => stdout_tty && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
    };
    let width = if stdout_tty {
        terminal_size::terminal_size()
            .map(|(w, _)| w.0 as usize)
            .unwrap_or(100)
    } else {
        100
    };
    let text = match args.format {
        Format::Pretty => render::pretty(&report, render::Style { color, width }),
        Format::Compact => render::compact(&report),
        Format::Json => render::json(&report),
    };
    let failed = report.count(Severity::Error) > 0
        || (args.deny_warnings && report.count(Severity::Warning) > 0);
    let code = if !report.unreadable.is_empty() {
        2
    } else if failed {
        1
    } else {
        0
    };
    emit(&text, code)
}

/// Writes to standard output; a closed pipe (`| head`) ends quietly.
fn emit(text: &str, code: u8) -> ExitCode {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
        Ok(()) => ExitCode::from(code),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::from(code),
        Err(e) => {
            eprintln!("preflight: could not write the report: {e}");
            ExitCode::from(2)
        }
    }
}
