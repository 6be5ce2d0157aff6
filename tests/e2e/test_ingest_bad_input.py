"""Bad files: each gets a one-line reason, the rest is ingested, nothing is duplicated."""

import json
import os
import shutil

import pytest
from pypdf import PdfReader, PdfWriter
from typer.testing import CliRunner

from assistant.cli.app import app
from tests.conftest import SAMPLE

pytestmark = pytest.mark.e2e
runner = CliRunner()
KENT = SAMPLE / "ilacs" / "kent" / "children's services inspection - 05 july 2022.pdf"
LETTER = SAMPLE / "corpus" / "westminster-2006-apa-letter.txt"


@pytest.fixture
def messy_folder(tmp_path):
    folder = tmp_path / "downloads"
    folder.mkdir()
    shutil.copy(LETTER, folder / "good letter.txt")
    (folder / "empty.txt").write_bytes(b"")
    data = KENT.read_bytes()
    (folder / "truncated.pdf").write_bytes(data[: len(data) // 2])
    writer = PdfWriter()
    for page in PdfReader(KENT).pages[:2]:
        writer.add_page(page)
    writer.encrypt(user_password="secret", owner_password="owner")
    with open(folder / "protected.pdf", "wb") as fh:
        writer.write(fh)
    (folder / "error page.pdf").write_text(
        "<!DOCTYPE html><html><head><title>404 Not Found</title></head>"
        "<body><h1>Not Found</h1></body></html>"
    )
    (folder / "binary.txt").write_bytes(bytes(range(256)) * 20)
    (folder / "notes.xyz").write_text("some notes")
    unreadable = folder / "unreadable.pdf"
    if os.geteuid() == 0:  # root reads anything: a dangling link is unreadable for everyone
        unreadable.symlink_to(folder / "gone.pdf")
    else:
        unreadable.write_bytes(data)
        unreadable.chmod(0)
    return folder


EXPECTED_REASONS = {
    "empty.txt": "empty file",
    "truncated.pdf": "truncated",
    "protected.pdf": "password",
    "error page.pdf": "HTML",
    "binary.txt": "binary",
    "notes.xyz": "unsupported file type",
    "unreadable.pdf": "cannot read",
}


def test_each_bad_file_gets_a_reason_and_the_good_one_is_ingested(messy_folder, tmp_path):
    data_dir = str(tmp_path / "index")
    result = runner.invoke(app, ["ingest", str(messy_folder), "--data-dir", data_dir])
    assert result.exit_code == 3, result.output
    failed_lines = [line for line in result.stdout.splitlines() if line.startswith("failed ")]
    assert len(failed_lines) == len(EXPECTED_REASONS), result.stdout
    for name, reason in EXPECTED_REASONS.items():
        line = next((ln for ln in failed_lines if f" {name}:" in ln), None)
        assert line is not None, (name, result.stdout)
        assert reason.lower() in line.lower(), line
    assert "added 1, updated 0, unchanged 0, failed 7" in result.stdout

    listed = json.loads(
        runner.invoke(app, ["docs", "list", "--json", "--data-dir", data_dir]).stdout
    )
    assert [d["source"] for d in listed] == ["good letter.txt"]
    chunks = listed[0]["chunks"]

    again = runner.invoke(app, ["ingest", str(messy_folder), "--data-dir", data_dir])
    assert again.exit_code == 3
    assert "added 0, updated 0, unchanged 1, failed 7" in again.stdout
    relisted = json.loads(
        runner.invoke(app, ["docs", "list", "--json", "--data-dir", data_dir]).stdout
    )
    assert [(d["source"], d["chunks"]) for d in relisted] == [("good letter.txt", chunks)]


def test_changed_file_replaces_its_chunks_and_remove_deletes(tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    target = folder / "letter.txt"
    shutil.copy(LETTER, target)
    data_dir = str(tmp_path / "index")
    assert runner.invoke(app, ["ingest", str(folder), "--data-dir", data_dir]).exit_code == 0
    target.write_text(LETTER.read_text() + "\n\nA new closing paragraph about fostering panels.\n")
    result = runner.invoke(app, ["ingest", str(folder), "--data-dir", data_dir])
    assert "added 0, updated 1, unchanged 0, failed 0" in result.stdout
    ask = runner.invoke(
        app, ["ask", "fostering panels closing paragraph", "--json", "--data-dir", data_dir]
    )
    assert "fostering panels" in json.loads(ask.stdout)["citations"][0]["quote"]
    removed = runner.invoke(app, ["docs", "remove", "letter.txt", "--data-dir", data_dir])
    assert removed.exit_code == 0 and "removed letter.txt" in removed.stdout
    listed = json.loads(
        runner.invoke(app, ["docs", "list", "--json", "--data-dir", data_dir]).stdout
    )
    assert listed == []


def test_links_out_of_the_folder_are_not_followed(tmp_path):
    secret = tmp_path / "private" / "salaries.txt"
    secret.parent.mkdir()
    secret.write_text("The Zanthor payroll lists every social worker's salary and address.\n")
    folder = tmp_path / "reports"
    folder.mkdir()
    shutil.copy(LETTER, folder / "letter.txt")
    (folder / "salaries.txt").symlink_to(secret)
    (folder / "everything").symlink_to(secret.parent, target_is_directory=True)
    data_dir = tmp_path / "index"
    result = runner.invoke(app, ["ingest", str(folder), "--data-dir", str(data_dir)])
    assert result.exit_code == 3, result.output
    lines = result.stdout.splitlines()
    assert (
        "failed     salaries.txt: symbolic link to a file outside the folder: not followed"
    ) in lines
    assert (
        "failed     everything: symbolic link to a folder outside the folder: not followed"
    ) in lines
    assert "added 1, updated 0, unchanged 0, failed 2" in result.stdout
    stored = [p for p in data_dir.rglob("*") if p.is_file() and b"Zanthor" in p.read_bytes()]
    assert stored == []
