"""What happens when someone opens a page about an object: hooks the apps above register.

A page belongs to the app that owns its object (the task page to ``work``), but what opening
it means can belong to an app above it: ``notify`` marks the reader's notifications about a
request read when they open the request. ``work`` may not import ``notify`` (the layers), so
the page calls ``opened(user, obj)`` here, in the ground layer, and ``notify`` registers
its hook from its ``AppConfig.ready``. Hooks run in the request, after the page rendered:
keep them to one quick query.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from django.db import models

if TYPE_CHECKING:
    from tandem.accounts.models import User

Hook = Callable[["User", models.Model], None]
Result = TypeVar("Result")

_HOOKS: dict[str, Hook] = {}


def when_opened(name: str, hook: Hook) -> Hook:
    """Run ``hook(user, obj)`` each time a page about ``obj`` is opened by ``user``.

    ``name`` keys the hook, so registering again (a second ``ready``, a test) replaces it
    instead of running it twice.
    """
    _HOOKS[name] = hook
    return hook


def opened(user: User, obj: models.Model, page: Result) -> Result:
    """Tell the registered hooks that ``user`` opened ``obj``; returns ``page`` (the response
    already rendered), so a view adds this around its return."""
    for hook in _HOOKS.values():
        hook(user, obj)
    return page
