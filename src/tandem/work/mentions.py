"""@mentions in comments: who a comment names, among the people who can see the task.

A person is mentioned by ``@`` followed by their name as the pages show it (spaces allowed:
``@Ana María Ruiz``), by the part of their e-mail address before the ``@`` (``@ana.ruiz``),
or by the whole address. Where two handles start at the same ``@`` the longer wins, so
``@Ann Lee`` means Ann Lee even when someone is called Ann. Only the people passed in can
be found: naming anyone else, in another client or practice, matches nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tandem.accounts.models import User

# After the handle: not the rest of a longer word or address. A full stop ends a sentence
# unless a word goes on after it (``@ana.ruiz`` is not ``@ana`` then ``.ruiz``).
_ENDS = re.compile(r"(?![\w@-]|\.\w)")


def handles(person: User) -> list[str]:
    """What may follow ``@`` to name ``person``: name, e-mail local part, e-mail."""
    local_part = person.email.split("@", 1)[0]
    found = [person.name.strip(), local_part, person.email]
    return [handle for handle in found if handle]


def short_handle(person: User) -> str:
    """The handle the pages suggest: the name when there is one."""
    return handles(person)[0]


def mentioned(body: str, people: Iterable[User]) -> list[User]:
    """The people among ``people`` that ``body`` mentions, each once, in order of mention."""
    candidates = sorted(
        ((handle.casefold(), person) for person in people for handle in handles(person)),
        key=lambda pair: len(pair[0]),
        reverse=True,
    )
    folded = body.casefold()
    found: dict[int, User] = {}
    for at in re.finditer(r"(?<![\w.+-])@", folded):
        start = at.end()
        for handle, person in candidates:
            if folded.startswith(handle, start) and _ENDS.match(folded, start + len(handle)):
                found.setdefault(person.pk, person)
                break
    return list(found.values())
