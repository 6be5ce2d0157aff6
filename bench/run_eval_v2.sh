#!/usr/bin/env bash
# The v2 evaluation (issue 13): every question of bench/eval/v2/*.jsonl, in every wording,
# against ONE library holding data/sample, ../shared/ilacs and ../shared/ilacs2; the
# figures per split (dev, heldout) side by side, by intent, and dev - heldout.
#
# Builds the library in a temporary folder (about 20 minutes on 2 cores: some 4,700
# chunks) unless EVAL_DATA_DIR names an existing one, which is then only read.
# The ILACS folders are ingested first, so the four sample PDFs that are copies of ILACS
# reports are stored under their ILACS paths (the gold files of the v2 sets).
#
# Usage: bash bench/run_eval_v2.sh [extra eval options, e.g. --split dev, -k 5 or --json]
# Environment: CLI (default .venv/bin/ofsted-assistant), SHARED (default ../shared),
#   EVAL_DATA_DIR (an existing library to use instead of building one).
set -euo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
cd "$REPO"
CLI=${CLI:-$REPO/.venv/bin/ofsted-assistant}
SHARED=${SHARED:-$REPO/../shared}

# With --json, stdout is the JSON object alone: the run's header lines go to stderr.
ARGS=" $* "

if commit=$(git rev-parse --short HEAD 2>/dev/null); then
  git diff --quiet HEAD || commit="$commit + uncommitted changes"
else
  commit=unknown
fi
info() { if [[ $ARGS == *" --json "* ]]; then echo "$@" >&2; else echo "$@"; fi; }
info "# eval v2 run $(date -u +%Y-%m-%dT%H:%MZ), commit $commit, $(nproc) cores"

if [[ -n ${EVAL_DATA_DIR:-} ]]; then
  if [[ ! -d $EVAL_DATA_DIR ]]; then
    echo "EVAL_DATA_DIR is not a folder: $EVAL_DATA_DIR" >&2
    exit 2
  fi
  DATA=$EVAL_DATA_DIR
  info "library: $DATA (given)"
else
  for dir in "$SHARED/ilacs" "$SHARED/ilacs2"; do
    if [[ ! -d $dir ]]; then
      echo "not found: $dir (set SHARED, or EVAL_DATA_DIR to a built library)" >&2
      exit 2
    fi
  done
  WORK=$(mktemp -d)
  trap 'rm -rf "$WORK"' EXIT
  DATA=$WORK/data
  info "library: built in $DATA"
  # Exit code 3 (some files not indexed: the grades.csv files) is expected.
  code=0
  "$CLI" ingest "$SHARED/ilacs" "$SHARED/ilacs2" data/sample --data-dir "$DATA" >&2 || code=$?
  if [[ $code != 0 && $code != 3 ]]; then
    echo "ingest failed (exit $code)" >&2
    exit "$code"
  fi
fi

info
"$CLI" eval bench/eval/v2/*.jsonl --data-dir "$DATA" "$@"
