"""What counts as the same document: content, the report it is, and where it came from.

Real embedded Chroma with deterministic embeddings; the loader reads a report's
authority, kind and date from the file's first line, so scenarios are quick to write
(the rule itself, on metadata alone, is tested in ``tests/unit/test_document_identity.py``).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.app import build_assistant
from assistant.service import Library
from core.errors import InputError
from core.settings import Settings
from tests.fakes import HashEmbeddings, line_chunks
from tests.unit.test_document_identity import NAME, NEWCASTLE, SUTTON, load
from vectorstore.store import DocumentRecord

pytestmark = pytest.mark.integration


@pytest.fixture
def assistant(tmp_path):
    return build_assistant(
        Settings(data_dir=tmp_path / "d"),
        embeddings=HashEmbeddings(),
        loader=load,
        chunker=line_chunks,
    )


def report(folder: Path, name: str, head: str, body: str) -> tuple[Path, str]:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(f"{head}\n{body}\n")
    return path, name


def by_authority(assistant) -> dict[str, list[DocumentRecord]]:
    out: dict[str, list[DocumentRecord]] = {}
    for d in assistant.documents():
        out.setdefault(d.meta.authorities[0] if d.meta.authorities else "-", []).append(d)
    return out


def test_two_councils_reports_with_one_name_from_two_folders_are_both_kept(tmp_path, assistant):
    a = report(tmp_path / "a", NAME, SUTTON, "Sutton care leavers have personal advisers.")
    b = report(tmp_path / "b", NAME, NEWCASTLE, "Newcastle runs a kinship carers' forum.")
    first = assistant.ingest([a])
    second = assistant.ingest([b])
    assert first.outcomes[0].status == "added"
    assert second.outcomes[0].status == "added"
    assert "same name and is kept" in second.outcomes[0].reason
    assert "Inspection of Sutton" in second.outcomes[0].reason
    docs = by_authority(assistant)
    assert sorted(docs) == ["Newcastle upon Tyne", "Sutton"]
    assert {d.source for d in assistant.documents()} == {NAME}
    # ingesting either folder again changes nothing and removes nothing
    assert [o.status for o in assistant.ingest([a, b]).outcomes] == ["unchanged", "unchanged"]
    assert len(assistant.documents()) == 2
    # each is answerable from its own report
    hits = assistant.retriever.search("kinship carers forum", 1)
    assert hits[0].doc_id == docs["Newcastle upon Tyne"][0].doc_id
    hits = assistant.retriever.search("personal advisers care leavers", 1)
    assert hits[0].doc_id == docs["Sutton"][0].doc_id


def test_a_changed_file_at_the_same_path_replaces_its_report(tmp_path, assistant):
    path, name = report(tmp_path / "a", NAME, SUTTON, "First version.")
    assistant.ingest([(path, name)])
    old = assistant.documents()[0]
    path.write_text(f"{SUTTON}\nSecond version, corrected.\nWith a new paragraph.\n")
    again = assistant.ingest([(path, name)])
    assert again.outcomes[0].status == "updated"
    assert again.outcomes[0].replaces == (old.doc_id,)
    docs = assistant.documents()
    assert len(docs) == 1 and docs[0].doc_id != old.doc_id and docs[0].chunk_count == 3
    assert assistant.store.count_chunks(old.doc_id) == 0


def test_a_file_at_the_same_path_now_holding_another_council_keeps_both(tmp_path, assistant):
    path, name = report(tmp_path / "a", NAME, SUTTON, "Sutton's report.")
    assistant.ingest([(path, name)])
    path.write_text(f"{NEWCASTLE}\nNewcastle's report.\n")
    assert assistant.ingest([(path, name)]).outcomes[0].status == "added"
    assert sorted(by_authority(assistant)) == ["Newcastle upon Tyne", "Sutton"]


def test_the_same_content_twice_is_stored_once(tmp_path, assistant):
    a = report(tmp_path / "a", NAME, SUTTON, "One report.")
    b = report(tmp_path / "b", "copy.pdf", SUTTON, "One report.")
    outcomes = assistant.ingest([a, b]).outcomes
    assert [o.status for o in outcomes] == ["added", "unchanged"]
    assert "stored once" in outcomes[1].reason
    assert len(assistant.documents()) == 1


def test_files_without_a_report_key_are_the_same_document_by_path(tmp_path, assistant):
    path, name = report(tmp_path / "a", "notes.txt", "", "first notes")
    assistant.ingest([(path, name)])
    path.write_text("\nsecond notes\n")
    assert assistant.ingest([(path, name)]).outcomes[0].status == "updated"
    assert len(assistant.documents()) == 1


def test_same_report_under_another_path_is_another_file_from_the_cli(tmp_path, assistant):
    # two files of one report in a folder: both kept, and ingesting again never flip-flops
    a = report(tmp_path / "a", "kent 2022.pdf", SUTTON, "Version one.")
    b = report(tmp_path / "a", "kent 2022 corrected.pdf", SUTTON, "Version two.")
    assert [o.status for o in assistant.ingest([a, b]).outcomes] == ["added", "added"]
    assert [o.status for o in assistant.ingest([a, b]).outcomes] == ["unchanged", "unchanged"]
    assert len(assistant.documents()) == 2


def test_uploads_with_one_name_are_two_documents_when_two_reports(tmp_path, assistant):
    library = Library(assistant)
    a = report(tmp_path / "a", NAME, SUTTON, "Sutton's report.")
    b = report(tmp_path / "b", NAME, NEWCASTLE, "Newcastle's report.")
    result = library.upload([a, b])
    assert [o.status for o in result.outcomes] == ["added", "added"]
    assert sorted(by_authority(assistant)) == ["Newcastle upon Tyne", "Sutton"]
    assert all(d.origin == "upload" for d in assistant.documents())
    # the same upload again: unchanged, nothing held, nothing removed
    assert [o.status for o in library.upload([a, b]).outcomes] == ["unchanged", "unchanged"]
    assert len(assistant.documents()) == 2


def test_an_upload_of_a_new_version_of_a_report_is_held_until_confirmed(tmp_path, assistant):
    library = Library(assistant)
    library.upload([report(tmp_path / "a", NAME, SUTTON, "First version.")])
    old = assistant.documents()[0]
    # another name, same report (authority, kind, inspection date): it would replace it
    new = report(tmp_path / "b", "sutton corrected.pdf", SUTTON, "Corrected version.")
    held = library.upload([new]).outcomes[0]
    assert held.status == "held" and held.replaces == (old.doc_id,)
    assert "would replace Inspection of Sutton" in held.reason
    assert "Sutton, inspection report, inspection ended 10 December 2021" in held.reason
    assert [d.doc_id for d in assistant.documents()] == [old.doc_id]  # nothing written
    assert assistant.store.count_chunks() == 2
    done = library.upload([new], replace=held.replaces).outcomes[0]
    assert done.status == "updated" and "replaced Inspection of Sutton" in done.reason
    docs = assistant.documents()
    assert len(docs) == 1 and docs[0].source == "sutton corrected.pdf"
    assert assistant.store.count_chunks(old.doc_id) == 0


def test_an_upload_name_alone_never_replaces(tmp_path, assistant):
    library = Library(assistant)
    library.upload([report(tmp_path / "a", "notes.txt", "", "first notes")])
    again = library.upload([report(tmp_path / "b", "notes.txt", "", "other notes")])
    assert again.outcomes[0].status == "added"
    assert len(assistant.documents()) == 2


def test_an_ambiguous_name_asks_for_an_id(tmp_path, assistant):
    assistant.ingest([report(tmp_path / "a", NAME, SUTTON, "Sutton.")])
    assistant.ingest([report(tmp_path / "b", NAME, NEWCASTLE, "Newcastle.")])
    with pytest.raises(InputError, match="matches 2 documents, give an id") as err:
        assistant.remove(NAME)
    assert "Sutton" in str(err.value) and "Newcastle upon Tyne" in str(err.value)
    newcastle = by_authority(assistant)["Newcastle upon Tyne"][0]
    assert assistant.remove(newcastle.doc_id[:12]).doc_id == newcastle.doc_id
    assert list(by_authority(assistant)) == ["Sutton"]
    assert assistant.remove(NAME).meta.authorities == ("Sutton",)


def test_original_copies_follow_their_own_document(tmp_path, assistant):
    a = report(tmp_path / "a", NAME, SUTTON, "Sutton.")
    b = report(tmp_path / "b", NAME, NEWCASTLE, "Newcastle.")
    assistant.ingest([a, b])  # one run, one name: each kept copy is its own file's
    for d in assistant.documents():
        kept = assistant.original_file(d.doc_id)
        assert kept is not None and d.meta.authorities[0] in kept.read_text()


def test_a_document_is_named_by_the_end_of_its_source_path(tmp_path, assistant):
    sutton, _ = report(tmp_path / "ilacs" / "sutton", NAME, SUTTON, "Sutton.")
    newcastle, _ = report(tmp_path / "ilacs" / "newcastle", NAME, NEWCASTLE, "Newcastle.")
    assistant.ingest([(sutton, f"ilacs/sutton/{NAME}"), (newcastle, f"ilacs/newcastle/{NAME}")])
    assert assistant.resolve_document(f"sutton/{NAME}").meta.authorities == ("Sutton",)
    found = assistant.resolve_document(f"ilacs/newcastle/{NAME}")
    assert found.meta.authorities == ("Newcastle upon Tyne",)
    with pytest.raises(InputError, match="matches 2 documents"):
        assistant.resolve_document(NAME)
    for partial in (f"tton/{NAME}", "february 2022.pdf", "/"):  # whole path parts only
        with pytest.raises(InputError, match="no document matches"):
            assistant.resolve_document(partial)


def test_an_empty_library_says_so(assistant):
    answer = assistant.ask("What needs to improve in Kent?")
    assert answer.refused and answer.refusal_reason == "empty library"
    assert answer.text.startswith("The library is empty")
    assert "ofsted-assistant ingest" in answer.text
