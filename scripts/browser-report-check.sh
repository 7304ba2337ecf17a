#!/usr/bin/env bash
# The HTML report in a real browser: Debian's Chromium, headless, driven by
# playwright-core, with axe-core for accessibility. It loads the report of
# the examples and of a hostile-copy fixture from file URLs with the network
# blocked, and checks: no request leaves the page, no console error, the
# summary matches --format json of the same run, every finding is on the
# page, the filters hide and show, hostile copy shows as text and runs
# nothing, and axe-core finds no serious or critical violation.
#
# It installs what it needs on a fresh Debian machine: chromium, and node
# and npm, with apt-get when missing, and playwright-core and axe-core (npm)
# into a scratch folder under target/. Screenshots go to $CI_LOGS
# (default target/ci-logs).
set -euo pipefail
cd "$(dirname "$0")/.."

logs=${CI_LOGS:-target/ci-logs}
scratch=target/browser-check
mkdir -p "$logs" "$scratch"

missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v node >/dev/null || missing+=(nodejs)
command -v npm >/dev/null || missing+=(npm)
if [ ${#missing[@]} -gt 0 ]; then
  echo "== installing ${missing[*]} (apt-get)"
  sudo_=""
  [ "$(id -u)" = 0 ] || sudo_=sudo
  $sudo_ apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_ apt-get install -y -qq "${missing[@]}" >/dev/null
fi
if [ ! -f "$scratch/node_modules/playwright-core/package.json" ] || [ ! -f "$scratch/node_modules/axe-core/axe.min.js" ]; then
  echo "== installing playwright-core and axe-core (npm) into $scratch"
  (cd "$scratch" && { [ -f package.json ] || npm init -y >/dev/null; } &&
    npm install --no-audit --no-fund --silent playwright-core@1.65.1 axe-core@4.14.1)
fi
echo "== $(/usr/bin/chromium --version 2>/dev/null), playwright-core $(node -p "require('./$scratch/node_modules/playwright-core/package.json').version"), axe-core $(node -p "require('./$scratch/node_modules/axe-core/package.json').version")"

cargo build --locked -q
bin=target/debug/preflight
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# The same run in both formats. Both sets of files have errors: status 1.
report() { # NAME FORMAT PATH
  local status=0
  "$bin" check "$3" --now 2027-01-01 --format "$2" --output-file "$work/$1.$2" || status=$?
  if [ "$status" != 1 ]; then
    echo "preflight check $3 --format $2 exited with $status, expected 1" >&2
    exit 1
  fi
}
report examples html examples/
report examples json examples/
report hostile html tests/fixtures/report/hostile-copy.yaml
report hostile json tests/fixtures/report/hostile-copy.yaml

node scripts/browser-report-check.cjs "$work" "$logs" "$PWD/$scratch/node_modules"
echo "== screenshots: $logs/report-examples.png (whole page), report-examples-top.png, report-examples-card.png, report-hostile.png"
