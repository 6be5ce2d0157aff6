"""The window's flows through its API with ``gradio_client`` (a real server on loopback)."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

UNIQUE = (
    "The Quillfield kinship carers' forum met monthly and every kinship carer had a named "
    "supervising social worker."
)
QUESTION = "How often did the Quillfield kinship carers' forum meet?"


@pytest.fixture(scope="module")
def client(app_url, tmp_path_factory):
    from gradio_client import Client

    downloads = tmp_path_factory.mktemp("downloads")
    return Client(app_url, verbose=False, download_files=str(downloads))


def ask(client, question, *, authorities=(), kinds=(), since="", until="", docs=()):
    chat, _box, _conversation, chips, plain = client.predict(
        question, [], list(authorities), list(kinds), since, until, list(docs), api_name="/ask"
    )
    return chat, chips, plain


def documents(client) -> list[dict]:
    return client.predict(api_name="/documents")


def test_api_lists_the_public_endpoints(client):
    endpoints = client.view_api(print_info=False, return_format="dict")["named_endpoints"]
    assert {"/ask", "/upload", "/delete_document", "/grades", "/cases", "/documents"} <= set(
        endpoints
    )


def test_ask_returns_a_cited_answer_with_references(client):
    chat, chips, plain = ask(client, "What was Kent's overall effectiveness judgement?")
    assert chat[-1]["role"] == "assistant"
    assert "Outstanding" in plain
    assert "References" in plain and "[1] " in plain and "p. 1" in plain
    labels = [label for label, _value in chips["choices"]]
    assert labels and labels[0].startswith("[1] ")


def ask_in(client, question, conversation, chat=()):
    """``/ask`` in a conversation ("": a new one): (chat, conversation id, plain answer)."""
    chat, _box, conversation, _chips, plain = client.predict(
        question, list(chat), [], [], "", "", [], conversation, api_name="/ask"
    )
    return chat, conversation, plain


def last_message(chat) -> str:
    content = chat[-1]["content"]
    return content if isinstance(content, str) else "".join(p.get("text", "") for p in content)


def test_ask_takes_a_conversation_id_and_keeps_no_hidden_state(client):
    endpoint = client.view_api(print_info=False, return_format="dict")["named_endpoints"]["/ask"]
    assert endpoint["parameters"][-1]["parameter_name"] == "conversation_id"
    chat, conversation, plain = ask_in(
        client, "What was Kent's overall effectiveness judgement?", ""
    )
    assert len(conversation) == 32 and "Outstanding" in plain
    chat, same, plain = ask_in(client, "And Norfolk?", conversation, chat)
    assert same == conversation and "Inadequate" in plain
    assert "Asked as:* What was Norfolk's overall effectiveness judgement?" in last_message(chat)
    # no id: a new conversation, even from the same client (its calls used to share one)
    chat, other, _ = ask_in(client, "And Norfolk?", "")
    assert other not in ("", conversation) and "Asked as" not in last_message(chat)
    # the id may be left out (it is the last parameter): a new conversation too
    _, _, another, _, _ = client.predict("And Norfolk?", [], [], [], "", "", [], api_name="/ask")
    assert another not in ("", conversation, other)


def test_filters_narrow_the_answer(client):
    _, _, plain = ask(client, "What needs to improve?", authorities=["Norfolk"])
    refs = plain.split("References", 1)[1]
    assert "norfolk" in refs.lower() and "kent" not in refs.lower()


def test_bad_filter_is_a_readable_error(client):
    from gradio_client.exceptions import AppError

    with pytest.raises(AppError, match="unknown report kind"):
        ask(client, "What needs to improve?", kinds=["newsletter"])


def test_upload_ask_delete(client, tmp_path):
    from gradio_client import handle_file

    path = tmp_path / "quillfield kinship.txt"
    path.write_text(UNIQUE + "\n", encoding="utf-8")
    status, results, _ = client.predict([handle_file(str(path))], api_name="/upload")
    assert status == "Upload: 1 added."
    assert results["data"][0][:2] == ["quillfield kinship.txt", "added"]
    listed = {d["File"]: d for d in documents(client)}
    assert "quillfield kinship.txt" in listed

    _, _, plain = ask(client, QUESTION)
    assert "monthly" in plain and "quillfield kinship.txt" in plain

    # the same file again adds nothing; a file that is not what it says is refused, per file
    bad = tmp_path / "fake.pdf"
    bad.write_text("<html><body>not a pdf</body></html>", encoding="utf-8")
    status, results, _ = client.predict(
        [handle_file(str(path)), handle_file(str(bad))], api_name="/upload"
    )
    by_file = {row[0]: row for row in results["data"]}
    assert by_file["quillfield kinship.txt"][1] == "unchanged"
    assert by_file["fake.pdf"][1] == "failed" and by_file["fake.pdf"][3]
    assert len([d for d in documents(client) if d["File"] == "quillfield kinship.txt"]) == 1

    doc_id = listed["quillfield kinship.txt"]["Id"]
    message = client.predict(doc_id, api_name="/delete_document")
    assert message.startswith("Deleted ")
    assert "quillfield kinship.txt" not in {d["File"] for d in documents(client)}
    _, _, plain = ask(client, QUESTION)
    assert "quillfield kinship.txt" not in plain


def test_grades_and_neighbours(client):
    summary, chart, _history, table = client.predict("Kent", None, False, False, api_name="/grades")
    assert summary.startswith("4 judgements for Kent")
    rows = table["data"]
    assert {r[1] for r in rows} >= {"Overall effectiveness"}
    assert all(r[0] == "Kent" for r in rows)
    per_grade: dict[str, int] = {}
    for grade, _judgement, n in chart["data"]:
        per_grade[grade] = per_grade.get(grade, 0) + n
    assert {g: n for g, n in per_grade.items() if n} == {"1 outstanding": 3, "2 good": 1}
    judgements = {j for _, j, _ in chart["data"]}  # every judgement held: the legend's colours
    summary, chart, history, table = client.predict("Kent", None, False, True, api_name="/grades")
    assert "Kent and its neighbours" in summary
    assert {j for _, j, _ in chart["data"]} == {r[3] for r in history["data"]} == judgements
    # the chart counts every row of the table, and the history has a point per row
    assert sum(n for *_, n in chart["data"]) == len(table["data"])
    points = [r for r in history["data"] if r[0] is not None]
    assert len(points) == len(table["data"])
    assert {r[2] for r in points} == {r[0] for r in table["data"]}
    labelled = ("inspected ", "inspection ended ", "published ")
    assert all(r[6].startswith(labelled) for r in table["data"]), table["data"]


def test_cases_and_more_like_this(client):
    table, *_ = client.predict("virtual school for children in care", None, None, api_name="/cases")
    rows = table["data"]
    assert rows and "virtual school" in rows[0][2].lower()
    like = client.predict(rows[0][0], None, None, api_name="/cases_like")
    assert like and rows[0][0] not in {r[0] for r in like}


def test_draft_board_paper_with_downloads(client):
    from docx import Document

    kent = next(d for d in documents(client) if d["Authority"] == "Kent")
    preview, word, markdown = client.predict([kent["Id"]], "board-paper", api_name="/draft")
    assert "Overall effectiveness" in preview and "Outstanding" in preview
    assert "References" in preview or "Sources" in preview
    word = word["value"] if isinstance(word, dict) else word
    markdown = markdown["value"] if isinstance(markdown, dict) else markdown
    doc = Document(word)
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    assert len(headings) >= 5
    assert doc.tables and "Outstanding" in "\n".join(c.text for c in doc.tables[0]._cells)
    assert open(markdown, encoding="utf-8").read().startswith("# ")


def test_draft_without_a_report_is_a_readable_error(client):
    from gradio_client.exceptions import AppError

    with pytest.raises(AppError, match="choose at least one report"):
        client.predict([], "board-paper", api_name="/draft")


def _remove_named(client, name: str) -> None:
    for d in documents(client):
        if d["File"] == name:
            client.predict(d["Id"], api_name="/delete_document")


def test_two_councils_uploaded_under_one_name_are_both_kept(client, same_name_reports):
    from gradio_client import handle_file

    from tests.e2e.conftest import SAME_NAME

    _remove_named(client, SAME_NAME)
    try:
        earlier, newcastle = (
            same_name_reports["Sutton, earlier"],
            same_name_reports["Newcastle upon Tyne"],
        )
        status, results, _ = client.predict(
            [handle_file(str(earlier)), handle_file(str(newcastle))], api_name="/upload"
        )
        assert status == "Upload: 2 added.", results
        assert [row[:2] for row in results["data"]] == [[SAME_NAME, "added"]] * 2
        listed = [d for d in documents(client) if d["File"] == SAME_NAME]
        assert sorted(d["Authority"] for d in listed) == ["Newcastle upon Tyne", "Sutton"]

        # each answerable from its own report
        _, _, plain = ask(client, "What was Sutton's overall effectiveness judgement?")
        refs = plain.split("References", 1)[1]
        assert "Inspection of Sutton" in refs and "Newcastle" not in refs
        _, _, plain = ask(client, "What was Newcastle's overall effectiveness judgement?")
        refs = plain.split("References", 1)[1]
        assert "Inspection of Newcastle" in refs and "Sutton" not in refs

        # Sutton's full report, same name: the same report, so it is held until confirmed
        status, results, _ = client.predict(
            [handle_file(str(same_name_reports["Sutton"]))], api_name="/upload"
        )
        [row] = results["data"]
        assert row[1] == "held", row
        assert "would replace Inspection of Sutton" in row[3] and "Newcastle" not in row[3]
        assert "waiting for you to confirm" in status
        # keeping the stored version writes nothing
        status, results = client.predict(api_name="/cancel_upload")
        assert status.startswith("Nothing replaced")
        kept = {d["Id"] for d in documents(client) if d["File"] == SAME_NAME}
        assert kept == {d["Id"] for d in listed}
        status, results, _ = client.predict(
            [handle_file(str(same_name_reports["Sutton"]))], api_name="/upload"
        )
        assert results["data"][0][1] == "held"
        status, results = client.predict(api_name="/confirm_upload")
        assert status == "Upload: 1 updated.", results
        after = [d for d in documents(client) if d["File"] == SAME_NAME]
        assert sorted(d["Authority"] for d in after) == ["Newcastle upon Tyne", "Sutton"]
        sutton = next(d for d in after if d["Authority"] == "Sutton")
        before = next(d for d in listed if d["Authority"] == "Sutton")
        assert sutton["Id"] != before["Id"] and sutton["Pages"] > before["Pages"]
        # what only the new version holds (its last pages) is now cited
        _, _, plain = ask(client, "What do Sutton's leaders do for care leavers on Christmas Day?")
        assert "Christmas lunch" in plain
        # the same file again: unchanged, nothing held, nothing replaced
        status, _, _ = client.predict(
            [handle_file(str(same_name_reports["Sutton"]))], api_name="/upload"
        )
        assert status == "Upload: 1 unchanged."
    finally:
        _remove_named(client, SAME_NAME)
