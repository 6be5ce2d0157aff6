#!/usr/bin/env bash
# Fresh clone to first answer with `make demo`: clone the repository, run `make demo` (a new
# virtualenv, PyPI downloads with pip's cache off, indexing the sample, starting the window),
# and time until POST /api/ask returns an answer; then stop the window and measure the
# virtualenv. Usage: bash bench/demo_first_answer.sh [REPO] [CLONE_DIR] [PORT]
set -euo pipefail
REPO=${1:-$(git rev-parse --show-toplevel)}
CLONE=${2:-$(mktemp -d)/democlone}
PORT=${3:-7861}
QUESTION='What grades did Westminster get in its 2006 annual performance assessment?'

start=$(date +%s)
git clone --quiet "$REPO" "$CLONE"
cd "$CLONE"
export PIP_NO_CACHE_DIR=1
setsid make demo PORT="$PORT" > demo.log 2>&1 &
make_pid=$!
body=$(printf '{"question": "%s"}' "$QUESTION")
answer=""
installed=""; indexed=""
while kill -0 "$make_pid" 2>/dev/null; do
  if [ -z "$installed" ] && [ -f .venv/.installed-demo ]; then installed=$(date +%s); fi
  if [ -z "$indexed" ] && grep -q "^Open http" demo.log; then indexed=$(date +%s); fi
  answer=$(curl -sf --max-time 120 "http://127.0.0.1:$PORT/api/ask" \
    -H 'Content-Type: application/json' -d "$body" || true)
  if [ -n "$answer" ]; then break; fi
  sleep 2
done
end=$(date +%s)
kill -- -"$make_pid" 2>/dev/null || true
wait "$make_pid" 2>/dev/null || true
if [ -z "$answer" ]; then echo "make demo stopped before answering:"; tail -20 demo.log; exit 1; fi
echo "first answer: $(printf '%s' "$answer" | .venv/bin/python -c 'import json,sys; a=json.load(sys.stdin); print(a["answer"][:200].replace(chr(10), " "))')"
echo "fresh clone to first answer: $((end - start)) s (installed after $((${installed:-$end} - start)) s, window up after $((${indexed:-$end} - start)) s)"
echo "installed size (du -sh .venv): $(du -sh .venv | cut -f1)"
echo "packages: $(.venv/bin/pip list --format=freeze 2>/dev/null | wc -l)"
echo "nproc: $(nproc); load: $(cut -d' ' -f1-3 /proc/loadavg)"
