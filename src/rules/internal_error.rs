declare_rule! {
    /// ## What it does
    /// Reports that preflight itself failed on a file: one of its rules (or
    /// its reader) stopped with an internal error. The message names the
    /// rule and what went wrong. The other rules and the other files are
    /// still checked, and the run exits with status 2, since this file was
    /// not fully checked.
    ///
    /// ## Why is this bad?
    /// It is a bug in preflight, not in the campaign. Please report it with
    /// the file (or a copy with the copy text replaced) so it can be fixed.
    ///
    /// ## Example
    /// None: any file can trigger a bug.
    ///
    /// ## Use instead
    /// Report it; until it is fixed, the rule can be turned off in
    /// `preflight.yaml`.
    ///
    /// ## Configuration
    /// None. It cannot be acknowledged or ignored.
    pub static INTERNAL_ERROR = {
        code: "PF005",
        name: "internal-error",
        severity: Error,
        summary: "preflight itself failed on this file (a bug to report); the rest was still checked.",
        settings: &[],
    }
}
