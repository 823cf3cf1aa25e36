from typing import Any

from django.http import HttpRequest

from tandem.core import access


def tenancy(request: HttpRequest) -> dict[str, Any]:
    membership = access.member(getattr(request, "user", None))
    return {
        "membership": membership,
        "practice": membership.practice if membership else None,
        "capabilities": access.capabilities_of(membership),
    }
