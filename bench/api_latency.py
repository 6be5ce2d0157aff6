"""Latency of the API for programs: the `openai` client against a real `serve`.

Starts `ofsted-assistant serve` on a free loopback port over a copy of an ingested
library, without a login and then with one (an account's key checked on every request),
and asks the concurrency bench's questions ``--rounds`` times each way: whole
completions, streamed ones (time to the first text and to ``[DONE]``) and ``/api/ask``.
Prints p50/p95 in ms; exits 1 if an answer lacked its expected text or its citations.

    .venv/bin/python bench/api_latency.py --data-dir /tmp/idx-sample --rounds 4
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from concurrency import QUESTIONS, percentile, start  # noqa: E402

ACCOUNT = ("bench", "Bench-pass-5521")


def measure(url: str, key: str, rounds: int) -> tuple[dict[str, list[float]], list[str]]:
    """Timings (seconds) of each kind of call, and the wrong answers."""
    import openai

    client = openai.OpenAI(base_url=url + "v1", api_key=key, max_retries=0)
    times: dict[str, list[float]] = {"whole": [], "first_text": [], "streamed": [], "api_ask": []}
    wrong: list[str] = []
    for _ in range(rounds):
        for question, expected in QUESTIONS:
            messages = [{"role": "user", "content": question}]
            began = time.perf_counter()
            done = client.chat.completions.create(model="ofsted-assistant", messages=messages)
            times["whole"].append(time.perf_counter() - began)
            content = done.choices[0].message.content or ""
            if expected.lower() not in content.lower() or not done.model_extra["citations"]:
                wrong.append(f"{question!r} → {content[:100]!r}")
            began = time.perf_counter()
            first = None
            for chunk in client.chat.completions.create(
                model="ofsted-assistant", messages=messages, stream=True
            ):
                if first is None and chunk.choices and chunk.choices[0].delta.content:
                    first = time.perf_counter() - began
            times["streamed"].append(time.perf_counter() - began)
            times["first_text"].append(first or float("nan"))
            request = urllib.request.Request(
                url + "api/ask",
                data=json.dumps({"question": question}).encode(),
                headers={"Content-Type": "application/json", "Authorization": f"Bearer {key}"},
            )
            began = time.perf_counter()
            with urllib.request.urlopen(request, timeout=120) as reply:
                json.loads(reply.read())
            times["api_ask"].append(time.perf_counter() - began)
    return times, wrong


def run(data_dir: Path, rounds: int) -> dict:
    """Figures without and with a login."""
    from assistant.accounts import save_account

    figures: dict = {"questions": len(QUESTIONS) * rounds}
    wrong: list[str] = []
    with tempfile.TemporaryDirectory(prefix="api-latency-") as tmp:
        accounts = Path(tmp) / "accounts.json"
        save_account(accounts, ACCOUNT[0], "reader", ACCOUNT[1])
        for label, env in (
            ("no_login", {}),
            ("login", {"OFSTED_ASSISTANT_UI__ACCOUNTS_FILE": str(accounts)}),
        ):
            copy = Path(tmp) / label
            shutil.copytree(data_dir, copy)
            proc, url = start(copy, env=env)
            try:
                times, bad = measure(url, ":".join(ACCOUNT), rounds)
            finally:
                proc.terminate()
                proc.communicate(timeout=30)
            wrong += bad
            for kind, values in times.items():
                figures[f"{label}_{kind}_p50_ms"] = round(percentile(values, 0.5) * 1000)
                figures[f"{label}_{kind}_p95_ms"] = round(percentile(values, 0.95) * 1000)
    figures["wrong"] = wrong
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, required=True, help="an ingested library")
    parser.add_argument("--rounds", type=int, default=4)
    args = parser.parse_args()
    figures = run(args.data_dir, args.rounds)
    print(json.dumps(figures, indent=2))
    return 1 if figures["wrong"] else 0


if __name__ == "__main__":
    sys.exit(main())
