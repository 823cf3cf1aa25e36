"""Roles and what each may do: the one table every permission check reads."""

from __future__ import annotations

from enum import StrEnum

from django.db import models


class Role(models.TextChoices):
    OWNER = "owner", "Owner"
    ASSISTANT = "assistant", "Assistant"
    CONTACT = "contact", "Client contact"


class Capability(StrEnum):
    MANAGE_PRACTICE = "manage_practice"
    VIEW_PEOPLE = "view_people"
    INVITE_MEMBERS = "invite_members"
    CHANGE_ROLES = "change_roles"
    VIEW_CLIENTS = "view_clients"
    MANAGE_CLIENTS = "manage_clients"
    ASSIGN_ASSISTANTS = "assign_assistants"
    INVITE_CONTACTS = "invite_contacts"
    READ_AUDIT_LOG = "read_audit_log"
    USE_PORTAL = "use_portal"


ROLE_CAPABILITIES: dict[str, frozenset[Capability]] = {
    Role.OWNER: frozenset(
        {
            Capability.MANAGE_PRACTICE,
            Capability.VIEW_PEOPLE,
            Capability.INVITE_MEMBERS,
            Capability.CHANGE_ROLES,
            Capability.VIEW_CLIENTS,
            Capability.MANAGE_CLIENTS,
            Capability.ASSIGN_ASSISTANTS,
            Capability.INVITE_CONTACTS,
            Capability.READ_AUDIT_LOG,
        }
    ),
    Role.ASSISTANT: frozenset({Capability.VIEW_CLIENTS, Capability.VIEW_PEOPLE}),
    Role.CONTACT: frozenset({Capability.USE_PORTAL}),
}


def role_can(role: str, capability: Capability) -> bool:
    return capability in ROLE_CAPABILITIES.get(role, frozenset())
