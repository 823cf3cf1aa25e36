"""The search index's tables and triggers, one set per database.

One document per task: its title, request, expectations and all its comments, so a word
that only appears in a comment still finds the task, and the title counts most. Triggers
keep it current, so every way a task or comment is written (services, bulk loads, the
admin, raw SQL) is indexed without the services knowing search exists.

- SQLite: an FTS5 table whose rowid is the task's id. The ``unicode61`` tokenizer folds
  case and accents; prefix indexes of 2 and 3 characters keep "as you type" queries fast.
- PostgreSQL: ``search_document(rowid, document tsvector)`` with a GIN index, the same
  shape (the column is called rowid so one unmanaged model maps both). The ``simple``
  configuration: no stemming and no stop words, because a practice's clients write in
  many languages and an English stemmer would garble the rest; it also finds exactly what
  SQLite's tokenizer finds, so both databases give the same results. Prefix matching of
  the last word covers most of what stemming would (invoice → invoices).

SQLite drops a table's triggers when Django rebuilds that table in a later migration (an
altered column on work_task), so ``ensure_triggers`` runs after every ``migrate``.
"""

# Every statement here is built from constants of this module, never from input.
# ruff: noqa: S608
from __future__ import annotations

from django.db.backends.base.base import BaseDatabaseWrapper

TABLE = "search_document"

# Past this much comment text on one task, the rest is not indexed: PostgreSQL refuses a
# tsvector over 1 MB, and a refused comment would be worse than an unfound word.
COMMENT_TEXT_LIMIT = 200_000

SQLITE_TABLE = f"""
CREATE VIRTUAL TABLE {TABLE} USING fts5(
    title, request, expectations, comments,
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '2 3'
)
"""

# Each trigger names only its own table and the index. SQLite re-checks every trigger when
# Django renames a rebuilt table into place, and one naming the table being rebuilt would
# make that migration fail.
SQLITE_COMMENTS = f"""
    (SELECT substr(coalesce(group_concat(c.body_markdown, char(10)), ''), 1, {COMMENT_TEXT_LIMIT})
     FROM work_comment c WHERE c.task_id = {{task}})
"""


def _sqlite_comments(task: str) -> str:
    comments = SQLITE_COMMENTS.format(task=task)
    return f"UPDATE {TABLE} SET comments = {comments} WHERE rowid = {task};"


SQLITE_TRIGGERS = {
    "search_task_inserted": f"""AFTER INSERT ON work_task BEGIN
    DELETE FROM {TABLE} WHERE rowid = new.id;
    INSERT INTO {TABLE}(rowid, title, request, expectations, comments)
    VALUES (new.id, new.title, new.request_markdown, new.expectations, '');
    END""",
    # Status moves touch work_task all day; only the indexed columns re-index the task.
    "search_task_updated": f"""AFTER UPDATE OF title, request_markdown, expectations
    ON work_task
    WHEN old.title IS NOT new.title OR old.request_markdown IS NOT new.request_markdown
      OR old.expectations IS NOT new.expectations
    BEGIN
    UPDATE {TABLE} SET title = new.title, request = new.request_markdown,
        expectations = new.expectations
    WHERE rowid = new.id;
    END""",
    "search_task_deleted": f"""AFTER DELETE ON work_task BEGIN
    DELETE FROM {TABLE} WHERE rowid = old.id;
    END""",
    "search_comment_inserted": f"""AFTER INSERT ON work_comment BEGIN
    {_sqlite_comments("new.task_id")}
    END""",
    "search_comment_updated": f"""AFTER UPDATE OF task_id, body_markdown ON work_comment BEGIN
    {_sqlite_comments("old.task_id")}
    {_sqlite_comments("new.task_id")}
    END""",
    "search_comment_deleted": f"""AFTER DELETE ON work_comment BEGIN
    {_sqlite_comments("old.task_id")}
    END""",
}

SQLITE_BACKFILL = f"""
INSERT INTO {TABLE}(rowid, title, request, expectations, comments)
SELECT t.id, t.title, t.request_markdown, t.expectations,
       {SQLITE_COMMENTS.format(task="t.id")}
FROM work_task t
"""


def sqlite_forwards() -> list[str]:
    triggers = [
        f"CREATE TRIGGER IF NOT EXISTS {name} {body}" for name, body in SQLITE_TRIGGERS.items()
    ]
    return [SQLITE_TABLE, *triggers, SQLITE_BACKFILL]


SQLITE_BACKWARDS = [
    *(f"DROP TRIGGER IF EXISTS {name}" for name in SQLITE_TRIGGERS),
    f"DROP TABLE IF EXISTS {TABLE}",
]

# The document, weighted: title A, request B, expectations C, comments D (ts_rank's order).
POSTGRES_DOCUMENT = f"""
    setweight(to_tsvector('simple', t.title), 'A')
    || setweight(to_tsvector('simple', t.request_markdown), 'B')
    || setweight(to_tsvector('simple', t.expectations), 'C')
    || setweight(to_tsvector('simple', coalesce(left(
        (SELECT string_agg(c.body_markdown, E'\\n' ORDER BY c.id)
         FROM work_comment c WHERE c.task_id = t.id), {COMMENT_TEXT_LIMIT}), '')), 'D')
"""

POSTGRES_BACKFILL = f"""INSERT INTO {TABLE}(rowid, document)
    SELECT t.id, {POSTGRES_DOCUMENT} FROM work_task t"""

POSTGRES_FORWARDS = [
    # No foreign key to work_task: Django's test flush truncates work_task without CASCADE
    # and does not know this table. A stale row is harmless (searches join work_task) and
    # is overwritten by the upsert if its id ever comes back.
    f"""CREATE TABLE {TABLE} (
        rowid bigint PRIMARY KEY,
        document tsvector NOT NULL
    )""",
    f"CREATE INDEX {TABLE}_gin ON {TABLE} USING gin (document)",
    f"""CREATE FUNCTION search_refresh_task(task_id bigint) RETURNS void
    LANGUAGE sql AS $$
        INSERT INTO {TABLE}(rowid, document)
        SELECT t.id, {POSTGRES_DOCUMENT} FROM work_task t WHERE t.id = task_id
        ON CONFLICT (rowid) DO UPDATE SET document = EXCLUDED.document;
    $$""",
    # Status moves touch work_task all day; only the indexed columns re-index the task. The
    # comparison is in the function, not in the trigger's WHEN or UPDATE OF, which would pin
    # those columns' types: a later migration could not widen the title.
    f"""CREATE FUNCTION search_task_changed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'DELETE' THEN
            DELETE FROM {TABLE} WHERE rowid = OLD.id;
        ELSIF TG_OP = 'INSERT'
            OR NEW.title IS DISTINCT FROM OLD.title
            OR NEW.request_markdown IS DISTINCT FROM OLD.request_markdown
            OR NEW.expectations IS DISTINCT FROM OLD.expectations THEN
            PERFORM search_refresh_task(NEW.id);
        END IF;
        RETURN NULL;
    END $$""",
    """CREATE FUNCTION search_comment_changed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'INSERT' THEN
            PERFORM search_refresh_task(NEW.task_id);
        ELSIF TG_OP = 'DELETE' THEN
            PERFORM search_refresh_task(OLD.task_id);
        ELSE
            PERFORM search_refresh_task(OLD.task_id);
            IF NEW.task_id <> OLD.task_id THEN
                PERFORM search_refresh_task(NEW.task_id);
            END IF;
        END IF;
        RETURN NULL;
    END $$""",
    """CREATE TRIGGER search_task_changed AFTER INSERT OR UPDATE OR DELETE ON work_task
    FOR EACH ROW EXECUTE FUNCTION search_task_changed()""",
    """CREATE TRIGGER search_comment_changed AFTER INSERT OR UPDATE OR DELETE ON work_comment
    FOR EACH ROW EXECUTE FUNCTION search_comment_changed()""",
    POSTGRES_BACKFILL,
]

POSTGRES_BACKWARDS = [
    "DROP TRIGGER IF EXISTS search_comment_changed ON work_comment",
    "DROP TRIGGER IF EXISTS search_task_changed ON work_task",
    "DROP FUNCTION IF EXISTS search_comment_changed()",
    "DROP FUNCTION IF EXISTS search_task_changed()",
    "DROP FUNCTION IF EXISTS search_refresh_task(bigint)",
    f"DROP TABLE IF EXISTS {TABLE}",
]


def ensure_triggers(connection: BaseDatabaseWrapper) -> None:
    """Recreate SQLite's triggers if a table rebuild dropped them (idempotent), then index
    every task again, since what was written without them is not in the index."""
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT type, name FROM sqlite_master WHERE name LIKE %s", ["search_%"])
        present = {name for kind, name in cursor.fetchall() if kind == "trigger"}
        cursor.execute("SELECT 1 FROM sqlite_master WHERE name = %s", [TABLE])
        if cursor.fetchone() is None or present >= set(SQLITE_TRIGGERS):
            return  # Not migrated yet, or nothing lost.
        for name, body in SQLITE_TRIGGERS.items():
            cursor.execute(f"CREATE TRIGGER IF NOT EXISTS {name} {body}")
    rebuild(connection)


def rebuild(connection: BaseDatabaseWrapper) -> None:
    """Index every task again from scratch (after a restore, or to repair the index)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"DELETE FROM {TABLE}")
            cursor.execute(SQLITE_BACKFILL)
        elif connection.vendor == "postgresql":
            cursor.execute(f"TRUNCATE {TABLE}")
            cursor.execute(POSTGRES_BACKFILL)
