"""The window's upload reports its stages: gradio_client reads the progress a browser shows.

A real ``serve`` on loopback with the real embedding model; the upload is a report of
over a hundred passages, so embedding takes several progress steps.
"""

from __future__ import annotations

import re
import time

import pytest

from tests.conftest import SAMPLE

pytestmark = [pytest.mark.e2e, pytest.mark.slow]
LONG = SAMPLE / "corpus" / "ofsted-2007-narrowing-the-gap.txt"


def test_an_upload_shows_reading_embedding_n_of_n_and_indexing(app_url, tmp_path):
    from gradio_client import Client, handle_file

    client = Client(app_url, verbose=False, download_files=str(tmp_path / "downloads"))
    path = tmp_path / "narrowing the gap, a new copy.txt"  # new content: it is embedded
    path.write_text(LONG.read_text(encoding="utf-8") + "\nA copy for the progress test.\n")
    job = client.submit([handle_file(str(path))], api_name="/upload")
    seen: list[str] = []
    while not job.done():
        for unit in job.status().progress_data or []:
            if unit.desc and (not seen or seen[-1] != unit.desc):
                seen.append(unit.desc)
        time.sleep(0.02)
    status, results, _ = job.result()
    assert status == "Upload: 1 added.", (status, results)
    name = path.name
    embedded = [int(n) for d in seen for n in re.findall(rf"^Embedding {name}: (\d+) of", d)]
    assert len(embedded) >= 2 and embedded == sorted(embedded), seen  # it moves, forwards
    assert seen.index(next(d for d in seen if d.startswith("Embedding"))) > 0, seen  # read first
    total = int(re.search(r"of (\d+) passages", next(d for d in seen if "Embedding" in d))[1])
    assert total > 100 and results["data"][0][2] == total
    doc_id = next(d["Id"] for d in client.predict(api_name="/documents") if d["File"] == name)
    assert client.predict(doc_id, api_name="/delete_document").startswith("Deleted ")
