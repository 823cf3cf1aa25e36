"""Full-text search over tasks: titles, requests, expectations and comments, kept current by
database triggers, ranked, prefix-matching the last word, scoped to what the viewer sees,
and safe whatever is typed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tandem.accounts.models import User
from tandem.clients.models import Client
from tandem.search.query import parse, search_tasks
from tandem.search.schema import ensure_triggers
from tandem.work.models import Comment, Task
from tandem.work.services import add_comment, create_task
from tests.conftest import Personas


def make_task(
    client: Client, actor: User, title: str, *, request: str = "", expectations: str = "Done"
) -> Task:
    return create_task(
        client,
        actor=actor,
        title=title,
        request_markdown=request,
        expectations=expectations,
        deadline_at=timezone.now() + timedelta(days=3),
    )


def found(user: User, text: str) -> list[str]:
    query = parse(text)
    assert query is not None
    tasks = search_tasks(Task.objects.visible_to(user), query)
    return [task.title for task in tasks.order_by(F("search_rank").desc(), "-pk")]


def test_a_word_in_the_title_request_or_expectations_finds_the_task(personas: Personas) -> None:
    a = personas.a
    make_task(a.client1, a.contact1, "Order ribbon")
    make_task(a.client1, a.contact1, "Venue", request="Ask the **wholesaler** first")
    make_task(a.client1, a.contact1, "Photos", expectations="Twelve edited photographs")
    assert found(a.contact1, "ribbon") == ["Order ribbon"]
    assert found(a.contact1, "wholesaler") == ["Venue"]
    assert found(a.contact1, "photographs") == ["Photos"]


def test_a_word_only_in_a_comment_finds_the_task(personas: Personas) -> None:
    a = personas.a
    task = make_task(a.client1, a.contact1, "Newsletter")
    make_task(a.client1, a.contact1, "Something else")
    add_comment(task, actor=a.assistant, body_markdown="The zeppelin photo is too dark")
    assert found(a.contact1, "zeppelin") == ["Newsletter"]


def test_the_last_word_matches_as_a_prefix_while_typing(personas: Personas) -> None:
    a = personas.a
    make_task(a.client1, a.contact1, "Reconcile the invoices")
    assert found(a.contact1, "invo") == ["Reconcile the invoices"]
    assert found(a.contact1, "reconcile invo") == ["Reconcile the invoices"]
    # Only the last word is a prefix: earlier words are whole words.
    assert found(a.contact1, "rec invoices") == []


def test_every_word_must_match(personas: Personas) -> None:
    a = personas.a
    make_task(a.client1, a.contact1, "Book the venue")
    make_task(a.client1, a.contact1, "Book the flights")
    assert found(a.contact1, "book venue") == ["Book the venue"]


def test_upper_and_lower_case_match_alike(personas: Personas) -> None:
    a = personas.a
    make_task(a.client1, a.contact1, "Update the PRICE list")
    assert found(a.contact1, "price LIST") == ["Update the PRICE list"]


def test_a_title_match_ranks_above_a_comment_match(personas: Personas) -> None:
    a = personas.a
    in_comment = make_task(a.client1, a.contact1, "Quarterly report")
    add_comment(in_comment, actor=a.assistant, body_markdown="Waiting for the marzipan order")
    make_task(a.client1, a.contact1, "Marzipan order")
    assert found(a.contact1, "marzipan") == ["Marzipan order", "Quarterly report"]


def test_search_never_shows_a_task_the_viewer_may_not_see(personas: Personas) -> None:
    a, b = personas.a, personas.b
    make_task(a.client1, a.contact1, "Quokka client one")
    make_task(a.client2, a.contact2, "Quokka client two")
    other = make_task(b.client1, b.contact1, "Quokka other practice")
    add_comment(other, actor=b.assistant, body_markdown="quokka quokka quokka")
    assert found(a.contact1, "quokka") == ["Quokka client one"]
    assert found(a.contact2, "quokka") == ["Quokka client two"]
    assert found(a.assistant, "quokka") == ["Quokka client one"]
    assert found(a.unassigned, "quokka") == []
    assert sorted(found(a.owner, "quokka")) == ["Quokka client one", "Quokka client two"]


@pytest.mark.parametrize(
    "typed",
    [
        '"',
        '"quokka',
        "quokka*",
        "-quokka",
        "quokka NOT",
        "NEAR(quokka lighthouse)",
        "quokka OR",
        "((quokka",
        "quokka)",
        "'quokka'",
        "quokka:*",
        "quokka & | ! <->",
        "title:quokka",
        "^quokka",
        "quokka\\",
        "quokka;DROP TABLE work_task;--",
        "quokka\x00",
        "AND",
    ],
)
def test_query_syntax_characters_are_plain_text(personas: Personas, typed: str) -> None:
    a = personas.a
    make_task(a.client1, a.contact1, "Quokka lighthouse not and or near title")
    query = parse(typed)
    if query is None:
        return
    titles = [t.title for t in search_tasks(Task.objects.visible_to(a.contact1), query)]
    # The words are searched for as words; the punctuation around them does nothing.
    assert titles in ([], ["Quokka lighthouse not and or near title"])
    assert Task.objects.count() == 1


def test_text_without_words_is_not_a_query() -> None:
    assert parse("") is None
    assert parse(' *"-()^: ') is None


def test_the_query_is_quoted_words_with_a_prefix_on_the_last() -> None:
    query = parse('Book "the" ven*')
    assert query is not None
    assert query.words == ("book", "the", "ven")
    assert query.fts5() == '"book" "the" "ven"*'
    assert query.tsquery() == "'book' & 'the' & 'ven':*"
    # A single letter is not a useful prefix.
    single = parse("book v")
    assert single is not None
    assert single.fts5() == '"book" "v"'


def test_the_index_follows_edits_and_deletions(personas: Personas) -> None:
    a = personas.a
    task = make_task(a.client1, a.contact1, "Draft the agenda")
    comment = add_comment(task, actor=a.assistant, body_markdown="saxophone")
    Task.objects.filter(pk=task.pk).update(title="Draft the minutes")
    assert found(a.contact1, "agenda") == []
    assert found(a.contact1, "minutes") == ["Draft the minutes"]
    # A status change (no indexed column) leaves the document as it was.
    Task.objects.filter(pk=task.pk).update(status="accepted")
    assert found(a.contact1, "minutes") == ["Draft the minutes"]
    Comment.objects.filter(pk=comment.pk).update(body_markdown="avalanche")
    assert found(a.contact1, "saxophone") == []
    assert found(a.contact1, "avalanche") == ["Draft the minutes"]
    comment.delete()
    assert found(a.contact1, "avalanche") == []
    task.delete()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM search_document WHERE rowid = %s", [task.pk])
        assert cursor.fetchone()[0] == 0


def test_tasks_loaded_in_bulk_are_indexed(personas: Personas) -> None:
    a = personas.a
    template = make_task(a.client1, a.contact1, "Template")
    Task.objects.bulk_create(
        Task(
            practice=a.practice,
            client=a.client1,
            title=f"Bulk kaleidoscope {i}",
            expectations="Done",
            deadline_at=template.deadline_at,
            created_by=a.contact1,
        )
        for i in range(3)
    )
    assert len(found(a.owner, "kaleidoscope")) == 3


@pytest.mark.django_db(transaction=True)
def test_search_survives_a_migration_that_rebuilds_the_task_table(personas: Personas) -> None:
    """SQLite rebuilds a table to alter a column, and drops its triggers with it;
    PostgreSQL must still allow the column's type to change (the triggers do not pin it)."""
    a = personas.a
    make_task(a.client1, a.contact1, "Before the rebuild")
    title = Task._meta.get_field("title")
    wider = title.clone()
    wider.set_attributes_from_name("title")
    wider.max_length = 300
    with connection.schema_editor() as editor:
        editor.alter_field(Task, title, wider)
    try:
        ensure_triggers(connection)  # What runs after every migrate.
        make_task(a.client1, a.contact1, "After the rebuild")
        assert found(a.contact1, "rebuild") == ["After the rebuild", "Before the rebuild"]
    finally:
        with connection.schema_editor() as editor:
            editor.alter_field(Task, wider, title)
        ensure_triggers(connection)


def _sqlite_plan(sql: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
        return [row[-1] for row in cursor.fetchall()]


@pytest.mark.parametrize("persona", ["owner", "assistant", "contact1"])
def test_the_index_drives_the_search_not_the_practices_tasks(
    personas: Personas, persona: str
) -> None:
    """One MATCH, then each task by its id: never the MATCH once per task of the practice
    (20-50 s at 100,000 tasks), for the count and for the page."""
    a = personas.a
    make_task(a.client1, a.contact1, "Marzipan order")
    query = parse("marzipan")
    assert query is not None
    tasks = search_tasks(Task.objects.visible_to(a.persona(persona)), query)
    with CaptureQueriesContext(connection) as captured:
        assert tasks.count() == 1
        assert len(tasks.order_by(F("search_rank").desc(), "-pk")[:25]) == 1
    for executed in captured.captured_queries:
        if connection.vendor == "sqlite":
            plan = _sqlite_plan(executed["sql"])
            assert plan[0].startswith("SCAN search_document VIRTUAL TABLE"), plan
            assert any(
                step.startswith("SEARCH work_task USING INTEGER PRIMARY KEY") for step in plan
            ), plan
        else:
            assert "search_document" in executed["sql"]
