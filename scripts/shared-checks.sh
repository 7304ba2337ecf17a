#!/usr/bin/env bash
# Checks that need the material in ../shared, which a fresh clone does not
# have: the official SARIF schema, and the third-party corpora (templates and
# platform exports nobody on the team wrote). Called by .ci/run when
# ../shared is present; `cargo test` never reads ../shared.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
shared="$repo/../shared"
cd "$repo"

echo "== SARIF output against the official schema ($shared/schemas/sarif-2.1.0.json)"
SARIF_SCHEMA="$shared/schemas/sarif-2.1.0.json" \
  cargo test --locked --test workflow -- --ignored sarif_output_validates_against_the_official_schema

echo "== the corpora in $shared/corpora (scripts/corpus_check.py)"
cargo build --locked --release --quiet
python3 scripts/corpus_check.py --preflight target/release/preflight --corpora "$shared/corpora"
