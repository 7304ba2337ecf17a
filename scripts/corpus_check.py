#!/usr/bin/env python3
"""Lint the third-party material in ../shared/corpora and check what a careful
reviewer would expect there.

The corpora are public templates and platform exports that nobody on the team
wrote (their README lists sources and licences). They are never copied into
the repository: this script reads them where they are, from the CI script,
when ../shared is present.

Two passes:
  1. preflight on the corpora folder as it is (the files it reads directly);
  2. every email template wrapped, as it is, in a campaign file whose email
     body is the template's text (the way teams paste HTML into a campaign),
     with a clean audience, schedule and data, so that only what the copy
     itself holds can be reported.

It prints the findings per rule (and per template with --verbose), then
checks the expectations in EXPECTATIONS; a failed expectation exits 1.
"""

import argparse
import collections
import datetime
import fnmatch
import json
import os
import subprocess
import sys
import tempfile

TEMPLATE_EXTENSIONS = (
    ".html", ".htm", ".mjml", ".hbs", ".handlebars", ".liquid", ".txt",
    ".tsx", ".jsx", ".njk", ".j2", ".jinja", ".amp",
)

CAMPAIGN = """campaign: corpus-{n}
name: "Corpus template {n}"
channels: [email]
region: US
schedule:
  send_at: {send_at}
  timezone: America/New_York
audience:
  segment: corpus-readers-{n}
  list_size: 480000
  estimated_size: 120000
  include:
    - attribute: preferences.newsletter
      op: eq
      value: true
    - attribute: profile.country
      op: eq
      value: "US-{n}"
  exclude:
    - attribute: email_opt_out
      op: eq
      value: true
data_sources:
  - name: crm
    provides: [preferences.newsletter, profile.country, email_opt_out]
    refreshed_at: {refreshed}
consent: [email_marketing]
frequency: {{cap: 1, per: 7d}}
sender:
  name: Corpus Co
  postal_address: "Corpus Co, 120 Harbour Street, Portland, ME 04101"
content:
  email:
    from: "Corpus Co <hello@corpus.example>"
    subject: "Template {n}"
    preheader: "A template from the corpus"
    body: {body}
"""

# What a careful reviewer expects, as (template path glob, rule, "none" or
# "some"). "none": the rule must not fire on any template the glob matches
# (a false alarm); "some": it must fire on at least one (a miss). Paths are
# relative to the corpora folder. Added as the rules learn each class.
EXPECTATIONS = [
    # Reference data, not copy: nothing to report when read directly.
    ("direct:lexicons/*", "*", "none"),
    # Platform unsubscribe tags count as an unsubscribe link: SendGrid's
    # <%asm_global_unsubscribe_raw_url%>, Mailchimp's *|UNSUB|*, Campaign
    # Monitor's <unsubscribe>.
    ("email-templates/sendgrid-email-templates/dynamic-templates/*/*.html", "missing-unsubscribe", "none"),
    ("email-templates/maizzle-starter-mailbakery/src/templates/mailchimp/*", "missing-unsubscribe", "none"),
    ("email-templates/maizzle-starter-mailbakery/src/templates/campaign-monitor/*", "missing-unsubscribe", "none"),
    # Platform merge tags are never unknown tokens or missing a fallback.
    ("email-templates/maizzle-starter-mailbakery/src/templates/*", "unknown-token", "none"),
    ("email-templates/maizzle-starter-mailbakery/src/templates/*", "token-missing-fallback", "none"),
    # Loop variables ({{this.text}} inside {{#each}}) and Handlebars helpers
    # ({{price …}}, {{format_address …}}) are not the person's data.
    ("email-templates/sendgrid-email-templates/dynamic-templates/newsletter/*", "unknown-token", "none"),
    ("email-templates/saleor-mjml/templates/templated_email/source/partials/*", "token-missing-fallback", "none"),
    # A raw block of JSON-LD is not template syntax.
    ("email-templates/saleor-mjml/*", "malformed-template", "none"),
    # What a careful reviewer flags: greetings with no fallback.
    ("email-templates/sendwithus-templates/*", "token-missing-fallback", "some"),
    ("email-templates/postmark-templates/*", "token-missing-fallback", "some"),
    # Transactional mail with no unsubscribe link is reported (welcome and
    # trial mail should have one).
    ("email-templates/postmark-templates/*", "missing-unsubscribe", "some"),
    # Templates read directly, as they are (no campaign file): front matter,
    # includes, partials and layouts resolved in place.
    ("direct:email-templates/sendwithus-templates/*", "token-missing-fallback", "some"),
    ("direct:email-templates/postmark-templates/*", "token-missing-fallback", "some"),
    ("direct:email-templates/postmark-templates/*", "missing-unsubscribe", "some"),
    ("direct:email-templates/sendwithus-templates/*", "missing-unsubscribe", "some"),
    # Platform unsubscribe tags, read directly.
    ("direct:email-templates/sendgrid-email-templates/*", "missing-unsubscribe", "none"),
    ("direct:email-templates/maizzle-starter-mailbakery/src/templates/*", "missing-unsubscribe", "none"),
    # Layouts are filled by other templates; partials are parts; receipts,
    # resets and order mail are transactional: none must carry a footer.
    ("direct:email-templates/*/layouts/*", "missing-unsubscribe", "none"),
    ("direct:email-templates/*/src/layouts/*", "missing-unsubscribe", "none"),
    ("direct:email-templates/*/components/*", "missing-unsubscribe", "none"),
    ("direct:email-templates/saleor-mjml/*", "missing-unsubscribe", "none"),
    ("direct:email-templates/mjml/*", "*", "none"),
    # Helpers, loop variables, raw blocks and JavaScript expressions.
    ("direct:email-templates/saleor-mjml/*", "malformed-template", "none"),
    ("direct:email-templates/maizzle-starter*", "malformed-template", "none"),
    ("direct:email-templates/saleor-mjml/templates/templated_email/source/partials/*", "token-missing-fallback", "none"),
    ("direct:email-templates/maizzle-starter-mailbakery/src/templates/*", "token-missing-fallback", "none"),
    # Platform exports, read as they are. Klaviyo's OpenAPI documents are
    # schemas, not campaigns; mcdev's journeys enter from data extensions
    # (an unknown audience, never "too broad"); template assets are
    # layouts; API-triggered SMS have no send time of their own.
    ("direct:platform-exports/klaviyo-openapi/*", "*", "none"),
    ("direct:platform-exports/terraform-provider-braze/*", "*", "none"),
    ("direct:platform-exports/sfmc-devtools/*/journey/*", "*", "none"),
    ("direct:platform-exports/sfmc-devtools/*/asset/template/*", "*", "none"),
    ("direct:platform-exports/sfmc-devtools/*/mobileMessage/*", "past-send-date", "none"),
    ("direct:platform-exports/sfmc-devtools/*/mobileMessage/*", "sms-quiet-hours", "none"),
    ("direct:platform-exports/*", "segment-too-broad", "none"),
    ("direct:platform-exports/*", "missing-consent", "none"),
    # What a careful reviewer flags: an email asset with no unsubscribe
    # link, read with the JSON beside it.
    ("direct:platform-exports/sfmc-devtools/*/asset/message/*", "missing-unsubscribe", "some"),
    # Copy rules point at copy: never at markup, CSS or a URL.
    ("*", "labels-are-copy", "none"),
]

# Rules whose labels sit on words of the copy.
COPY_RULES = {
    "sensitive-topic", "sensitive-occasion", "creepy-phrasing",
    "personal-attribute-copy", "seasonal-mismatch", "occasion-date-mismatch",
    "special-ad-category",
}

# What copy never looks like: tags, attributes, style rules, URLs.
MARKUP = ("<", ">", "://", "{", "}", ";", "=\\\"", "px", "#fff")


def run(preflight, args):
    out = subprocess.run([preflight, *args], capture_output=True, text=True)
    if out.returncode not in (0, 1):
        sys.stderr.write(out.stderr)
        raise SystemExit(f"preflight {' '.join(args)} exited {out.returncode}")
    return json.loads(out.stdout)


def templates(corpora):
    for root, _dirs, files in os.walk(os.path.join(corpora, "email-templates")):
        for f in sorted(files):
            if f.endswith(TEMPLATE_EXTENSIONS):
                yield os.path.join(root, f)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--preflight", required=True)
    ap.add_argument("--corpora", required=True)
    ap.add_argument("--verbose", action="store_true")
    ap.add_argument("--no-expectations", action="store_true",
                    help="only print the figures (for a baseline)")
    a = ap.parse_args()
    corpora = os.path.abspath(a.corpora)

    # 1. The corpora as they are.
    direct = run(a.preflight, ["check", corpora, "--format", "json", "--isolated",
                               "--now", "2030-01-01"])
    per_file = collections.defaultdict(list)
    for f in direct["findings"]:
        path = f["file"] if os.path.isabs(f["file"]) else os.path.join(os.getcwd(), f["file"])
        rel = os.path.relpath(path, corpora)
        try:
            with open(path, "rb") as fh:
                raw = fh.read()
            f["label"] = raw[f["offset"]:f["offset"] + f["length"]].decode("utf-8", "replace")
        except OSError:
            pass
        per_file["direct:" + rel].append(f)
    direct_by_rule = collections.Counter(f["rule"] for f in direct["findings"])

    # 2. Every template wrapped in a clean campaign.
    names = {}
    with tempfile.TemporaryDirectory() as tmp:
        for n, path in enumerate(templates(corpora)):
            with open(path, encoding="utf-8", errors="replace") as fh:
                text = fh.read()
            body = json.dumps(text, ensure_ascii=False)
            name = f"t{n:03}.yaml"
            with open(os.path.join(tmp, name), "w", encoding="utf-8") as out:
                # A week apart, so that no audience gets too many at once.
                send = datetime.date(2030, 1, 10) + datetime.timedelta(days=7 * n)
                out.write(CAMPAIGN.format(
                    n=n, body=body, send_at=f"{send}T09:00:00",
                    refreshed=send - datetime.timedelta(days=1)))
            names[name] = os.path.relpath(path, corpora)
        wrapped = run(a.preflight, ["check", tmp, "--format", "json", "--isolated",
                                    "--now", "2030-01-01"])
        # The labelled text of each finding, from the wrapped file's bytes.
        for f in wrapped["findings"]:
            with open(f["file"], "rb") as fh:
                raw = fh.read()
            label = raw[f["offset"]:f["offset"] + f["length"]].decode("utf-8", "replace")
            # The label is a piece of a JSON-escaped scalar: undo the escapes
            # where it is a whole one, keep it as written otherwise.
            try:
                f["label"] = json.loads(f'"{label}"') if "\\" in label else label
            except json.JSONDecodeError:
                f["label"] = label
    for f in wrapped["findings"]:
        per_file[names.get(os.path.basename(f["file"]), f["file"])].append(f)
    # A copy rule's label on markup is a false alarm of its own kind.
    for file, findings in list(per_file.items()):
        for f in findings:
            if f["rule"] in COPY_RULES and "label" in f:
                if any(m in f["label"] for m in MARKUP):
                    per_file[file].append({**f, "rule": "labels-are-copy",
                                           "message": f"{f['rule']} labels {f['label']!r}"})

    by_rule = collections.Counter()
    for findings in per_file.values():
        for f in findings:
            by_rule[f["rule"]] += 1
    print(f"read directly: {direct['summary']['files']} campaign files, "
          f"{direct['summary'].get('templates_alone', 0)} templates for copy only, "
          f"{len(direct['findings'])} findings")
    print("| rule | findings |")
    print("|---|---|")
    for rule, count in sorted(direct_by_rule.items(), key=lambda x: (-x[1], x[0])):
        print(f"| {rule} | {count} |")
    print(f"corpus: {len(names)} templates wrapped, "
          f"{direct['summary']['files']} files read directly "
          f"({direct['summary']['skipped_files']} skipped), "
          f"{sum(by_rule.values())} findings")
    print("| rule | findings | templates |")
    print("|---|---|---|")
    for rule, count in sorted(by_rule.items(), key=lambda x: (-x[1], x[0])):
        files = sum(1 for fs in per_file.values() if any(f["rule"] == rule for f in fs))
        print(f"| {rule} | {count} | {files} |")
    if a.verbose:
        for file in sorted(per_file):
            rules = collections.Counter(f["rule"] for f in per_file[file])
            print(f"{file}: " + ", ".join(f"{r} {c}" for r, c in sorted(rules.items())))

    if a.no_expectations:
        return 0
    failed = 0
    all_files = set(per_file) | set(names.values()) | {"direct:" + d for d in []}
    for glob, rule, want in EXPECTATIONS:
        matching = [p for p in all_files if fnmatch.fnmatch(p, glob)] or [
            p for p in per_file if fnmatch.fnmatch(p, glob)]
        hits = [(p, f) for p in matching for f in per_file.get(p, [])
                if fnmatch.fnmatch(f["rule"], rule)]
        if want == "none" and hits:
            failed += 1
            print(f"FAIL: {rule} must not fire on {glob}:")
            for p, f in hits[:10]:
                print(f"  {p}:{f['line']}:{f['column']}: {f['rule']}: {f['message'][:160]}")
        elif want == "some" and not hits:
            failed += 1
            print(f"FAIL: {rule} should fire on {glob}, and did not")
    print(f"expectations: {len(EXPECTATIONS) - failed} of {len(EXPECTATIONS)} met")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
