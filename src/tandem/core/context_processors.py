from typing import Any

from django.http import HttpRequest

from tandem.core.roles import ROLE_CAPABILITIES
from tandem.core.tenancy import active_membership


def tenancy(request: HttpRequest) -> dict[str, Any]:
    membership = active_membership(getattr(request, "user", None))
    capabilities = ROLE_CAPABILITIES.get(membership.role, frozenset()) if membership else ()
    return {
        "membership": membership,
        "practice": membership.practice if membership else None,
        "capabilities": {str(c) for c in capabilities},
    }
