#!/usr/bin/env bash
# `preflight server` in a real editor: headless Neovim (Debian's package,
# installed with apt-get when missing) starts the server with its built-in
# LSP client (scripts/neovim-lsp-check.lua), opens campaign files from
# examples/mistakes/, and this script asserts the diagnostics it received:
# their positions (Neovim counts columns in UTF-16 units), codes and messages.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v nvim >/dev/null; then
  echo "== installing neovim (apt-get)"
  sudo_=""
  [ "$(id -u)" = 0 ] || sudo_=sudo
  $sudo_ apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_ apt-get install -y -qq neovim >/dev/null
fi
echo "== $(nvim --version | head -1)"

cargo build --locked -q
bin=$PWD/target/debug/preflight
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
status=0

# check FILE EXPECTED-LINE...: every expected line is among the diagnostics.
check() {
  local file=$1
  shift
  local out=$work/$(basename "$file").txt
  if ! PF_BIN=$bin PF_FILE=$file PF_OUT=$out timeout 120 \
      nvim --headless -u NONE -i NONE -n -c "luafile scripts/neovim-lsp-check.lua" >"$work/nvim.log" 2>&1; then
    echo "FAIL $file: Neovim did not get diagnostics"
    cat "$work/nvim.log"
    status=1
    return
  fi
  for want in "$@"; do
    if ! grep -qF -- "$want" "$out"; then
      echo "FAIL $file: no diagnostic \"$want\"; got:"
      sed 's/^/  /' "$out"
      status=1
      return
    fi
  done
  echo "ok   $file: $(wc -l <"$out") diagnostics, $# asserted"
}

check examples/mistakes/typos.yaml \
  "10:12 PF001 \`send_at\`: \`2030-06-31\` is not a real calendar date." \
  "11:13 PF001 \`America/New_Yrok\` is not a time zone." \
  "22:3 PF002 \`exlude\` is not a field of \`audience\`, so it would be ignored." \
  "36:41 PF304 In the email body: \`{% if vip %}\` opens a block"
# Wide characters: "Recién" puts the column in UTF-16 units, not bytes.
check examples/mistakes/dia-de-la-madre.yaml \
  "7:7 PF201 This campaign mentions Mother's Day" \
  "42:8 PF202 The email body speaks to the reader about “Recién separada”"
exit $status
