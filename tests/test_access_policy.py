"""The one access policy (core/access.py): what it decides, that it can grow a rule about the
relationship's state as data, and that nothing outside it compares roles."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from django.test import Client as HttpClient

from tandem.clients.services import archive_client
from tandem.core import access
from tandem.core.access import REQUIREMENTS, Side
from tandem.core.errors import DomainError
from tandem.core.roles import Capability, Role
from tandem.work.models import Task, TaskStatus
from tandem.work.services import create_task, move_task
from tandem.work.workflow import allowed_moves
from tests.conftest import PASSWORD, Personas
from tests.test_work import soon

pytestmark = pytest.mark.django_db

SRC = Path(__file__).resolve().parent.parent / "src" / "tandem"
# The policy itself, and the enum it is written in.
POLICY_FILES = {SRC / "core" / "access.py", SRC / "core" / "roles.py"}
ROLE_NAMES = {member.name for member in Role}


# Decisions ----------------------------------------------------------------------------------


def test_each_persona_stands_where_the_policy_says(personas: Personas):
    a, b = personas.a, personas.b
    archive_client(a.client2, actor=a.owner)
    a.client2.refresh_from_db()
    assert access.standing(a.owner, a.client1).side == Side.PRACTICE
    assert access.standing(a.owner, a.client2).side == Side.PRACTICE
    assert access.standing(a.assistant, a.client1).side == Side.PRACTICE
    assert access.standing(a.contact1, a.client1).side == Side.CLIENT
    # Not seen at all: another practice, an unassigned client, another client, archived.
    assert access.standing(b.owner, a.client1).side is None
    assert access.standing(a.unassigned, a.client1).side is None
    assert access.standing(a.contact2, a.client1).side is None
    assert access.standing(a.contact2, a.client2).side is None  # archived


def test_capabilities_on_a_client_follow_the_side(personas: Personas):
    a = personas.a
    assert access.allows(a.assistant, Capability.TAKE_ON_REQUEST, client=a.client1)
    assert not access.allows(a.contact1, Capability.TAKE_ON_REQUEST, client=a.client1)
    assert access.allows(a.contact1, Capability.REVIEW_DELIVERY, client=a.client1)
    assert not access.allows(a.assistant, Capability.REVIEW_DELIVERY, client=a.client1)
    assert not access.allows(a.unassigned, Capability.COMMENT, client=a.client1)
    assert access.allows(a.contact1, Capability.COMMENT, client=a.client1)


def test_practice_wide_capabilities_follow_the_role(personas: Personas):
    a = personas.a
    assert access.allows(a.owner, Capability.MANAGE_PRACTICE)
    assert not access.allows(a.assistant, Capability.MANAGE_PRACTICE)
    assert access.allows(a.contact1, Capability.USE_PORTAL)
    assert not access.allows(a.contact1, Capability.VIEW_CLIENTS)
    assert not access.allows(None, Capability.VIEW_CLIENTS)


def test_a_standing_answers_every_capability_from_one_query(
    personas: Personas, django_assert_num_queries
):
    a = personas.a
    with django_assert_num_queries(1):
        standing = access.standing(a.assistant, a.client1)
        assert all(standing.allows(cap) for cap in (Capability.COMMENT, Capability.RUN_PROJECTS))
    with django_assert_num_queries(0):
        owner = access.standing(a.owner, a.client1)
        assert owner.allows(Capability.ASSIGN_ASSISTANTS)


def test_a_removed_member_is_allowed_nothing(personas: Personas):
    from tandem.core.services import deactivate_member

    a = personas.a
    deactivate_member(a.assistant.membership, actor=a.owner)
    a.assistant.refresh_from_db()
    assert access.standing(a.assistant, a.client1).side is None
    assert not access.allows(a.assistant, Capability.VIEW_CLIENTS)


# A rule about the relationship's state, added as data ------------------------------------


@pytest.fixture
def agreements_rule():
    """Taking on a request needs the client's agreements in force when the relationship
    requires them: a row the agreements app adds to ``REQUIREMENTS`` (``add_requirement``).
    No code of `work` knows about it."""
    names = [row.name for row in REQUIREMENTS[Capability.TAKE_ON_REQUEST]]
    assert "agreements in force" in names
    return


def _request(world) -> Task:
    return create_task(
        world.client1,
        actor=world.contact1,
        title="Book the venue",
        expectations="Venue booked",
        deadline_at=soon(5),
    )


def test_a_relationship_rule_refuses_the_move_it_names(personas: Personas, agreements_rule):
    a = personas.a
    task = _request(a)
    a.client1.requires_agreements = True
    a.client1.save(update_fields=["requires_agreements"])
    task.refresh_from_db()

    with pytest.raises(DomainError) as refused:
        move_task(task, to=TaskStatus.ACCEPTED, actor=a.assistant)
    assert str(refused.value) == (
        "Client A1 has not signed the service agreement and the confidentiality agreement yet, "
        "so new requests wait for them."
    )
    offered = [move.to for move in allowed_moves(task, a.assistant)]
    assert TaskStatus.ACCEPTED not in offered
    assert TaskStatus.DECLINED in offered  # the rule names one capability only


def test_the_same_rule_lets_the_move_through_once_its_state_holds(
    personas: Personas, agreements_rule
):
    from django.utils import timezone

    a = personas.a
    task = _request(a)
    a.client1.requires_agreements = True
    a.client1.service_agreement_at = a.client1.confidentiality_agreement_at = timezone.now()
    a.client1.save(
        update_fields=[
            "requires_agreements", "service_agreement_at", "confidentiality_agreement_at"
        ]
    )  # fmt: skip
    task.refresh_from_db()

    move_task(task, to=TaskStatus.ACCEPTED, actor=a.assistant)
    assert Task.objects.get(pk=task.pk).status == TaskStatus.ACCEPTED


def test_a_relationship_rule_reaches_the_page_and_its_form(personas: Personas, agreements_rule):
    a = personas.a
    task = _request(a)
    a.client1.requires_agreements = True
    a.client1.save(update_fields=["requires_agreements"])
    browser = HttpClient()
    browser.login(email=a.assistant.email, password=PASSWORD)

    page = browser.get(f"/tasks/{task.pk}/").content.decode()
    assert 'value="accepted"' not in page
    refused = browser.post(f"/tasks/{task.pk}/move/", {"to": "accepted"})
    assert refused.status_code == 400
    assert "has not signed the service agreement" in refused.content.decode()


def test_a_client_not_asked_for_agreements_is_not_held_back(personas: Personas):
    a = personas.a
    task = _request(a)
    a.client1.requires_agreements = False
    a.client1.save(update_fields=["requires_agreements"])
    task.refresh_from_db()
    move_task(task, to=TaskStatus.ACCEPTED, actor=a.assistant)


# Nothing else compares roles --------------------------------------------------------------


def _is_role_member(node: ast.AST) -> bool:
    """``Role.OWNER`` and the like."""
    return (
        isinstance(node, ast.Attribute)
        and node.attr in ROLE_NAMES
        and isinstance(node.value, ast.Name)
        and node.value.id == "Role"
    )


def _is_role_attribute(node: ast.AST) -> bool:
    """``membership.role`` and the like."""
    return isinstance(node, ast.Attribute) and node.attr == "role"


def _is_role_value(node: ast.AST) -> bool:
    """``"owner"`` and the like, written out."""
    return isinstance(node, ast.Constant) and node.value in set(Role.values)


def _role_comparisons(tree: ast.AST) -> list[int]:
    """Lines that compare a role: ``x.role == …``, ``… in (Role.X, …)``, and query filters
    on a role (``.filter(role=Role.X)``, ``Q(membership__role__in=[…])`` with a literal)."""
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare):
            operands = [node.left, *node.comparators]
            flat = operands + [
                elt
                for op in operands
                if isinstance(op, ast.Tuple | ast.List | ast.Set)
                for elt in op.elts
            ]
            names_a_role = any(_is_role_member(x) or _is_role_value(x) for x in flat)
            reads_a_role = any(_is_role_attribute(x) for x in flat)
            if any(_is_role_member(x) for x in flat) or (names_a_role and reads_a_role):
                lines.append(node.lineno)
        if isinstance(node, ast.Call):
            name = getattr(node.func, "attr", getattr(node.func, "id", ""))
            if name not in {"filter", "exclude", "get", "Q", "annotate"}:
                continue
            for keyword in node.keywords:
                if keyword.arg and re.search(r"(^|__)role(__in)?$", keyword.arg):
                    value = keyword.value
                    literal = (
                        _is_role_member(value)
                        or (
                            isinstance(value, ast.Tuple | ast.List | ast.Set)
                            and any(_is_role_member(elt) for elt in value.elts)
                        )
                        or isinstance(value, ast.Constant)
                    )
                    if literal:
                        lines.append(node.lineno)
    return lines


def test_no_code_outside_the_policy_compares_roles():
    found = []
    for path in sorted(SRC.rglob("*.py")):
        if path in POLICY_FILES or "migrations" in path.parts or "tests" in path.parts:
            continue
        tree = ast.parse(path.read_text(), filename=str(path))
        found += [f"{path.relative_to(SRC)}:{line}" for line in _role_comparisons(tree)]
    assert found == [], "Ask core.access instead of comparing roles: " + ", ".join(found)


def test_no_template_compares_roles():
    pattern = re.compile(r"\.role\s*(==|!=|in\b)|\brole\s*==")
    found = [
        str(path.relative_to(SRC))
        for path in sorted(SRC.rglob("*.html")) + sorted(SRC.rglob("*.txt"))
        if pattern.search(path.read_text())
    ]
    assert found == []


def test_the_role_check_finds_a_comparison():
    """The scan itself works: each shape it must catch is caught."""
    samples = [
        "membership.role == Role.OWNER",
        "x if m.role != 'contact' else y",
        "'owner' == membership.role",
        "role in (Role.OWNER, Role.ASSISTANT)",
        "Membership.objects.filter(role=Role.CONTACT)",
        "User.objects.filter(membership__role__in=[Role.OWNER])",
        "Q(membership__role='owner')",
    ]
    for sample in samples:
        assert _role_comparisons(ast.parse(sample)), sample
    assert not _role_comparisons(ast.parse("Membership.objects.create(role=Role.OWNER)"))
    assert not _role_comparisons(ast.parse("membership.role == new_role"))


def test_a_relationship_rule_reaches_the_board(personas: Personas, agreements_rule):
    a = personas.a
    _request(a)
    browser = HttpClient()
    browser.login(email=a.assistant.email, password=PASSWORD)
    before = browser.get(f"/clients/{a.client1.pk}/board/").content.decode()
    assert 'value="accepted"' in before
    a.client1.requires_agreements = True
    a.client1.save(update_fields=["requires_agreements"])
    after = browser.get(f"/clients/{a.client1.pk}/board/").content.decode()
    assert 'value="accepted"' not in after
    assert 'value="declined"' in after
