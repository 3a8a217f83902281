"""The audit trail page says what was done and to what in the reader's words and language, never
as the stored codes ("cases.closed", "core.organisation 3"), and filters by those words.

Every action the code records must have a label: the test below reads the source to find them.
"""

from __future__ import annotations

import ast
import importlib
from collections.abc import Iterator
from itertools import product
from pathlib import Path
from typing import Any

from django.apps import apps
from django.urls import reverse

import arusha
from arusha.core import audit
from arusha.core.audit_labels import LABELS

SOURCE = Path(arusha.__file__).parent


class UnreadableAction(Exception):
    """An action argument this reader cannot follow back to string literals."""


class _Module:
    """One module's audit.record(actor, action, ...) calls, with each action followed back through
    f-strings, conditionals, local variables and the module's own wrappers (`_audit(user, "x")`)
    to every code it can take. A syntax tree rather than a regular expression, because about a
    third of the codes are built (f"assessments.{action}", f"cases.identity_{status}")."""

    def __init__(self, path: Path) -> None:
        self.name = ".".join(path.relative_to(SOURCE.parent).with_suffix("").parts)
        self.tree = ast.parse(path.read_text(encoding="utf-8"))
        self.parents = {
            child: node for node in ast.walk(self.tree) for child in ast.iter_child_nodes(node)
        }

    def _scope(self, node: ast.AST) -> ast.FunctionDef | None:
        while node in self.parents:
            node = self.parents[node]
            if isinstance(node, ast.FunctionDef):
                return node
        return None

    def _calls_to(self, name: str) -> Iterator[ast.Call]:
        for node in ast.walk(self.tree):
            if isinstance(node, ast.Call):
                func = node.func
                called = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
                if called == name:
                    yield node

    def actions(self) -> set[str]:
        found: set[str] = set()
        for call in self._calls_to("record"):
            func = call.func
            if isinstance(func, ast.Attribute) and getattr(func.value, "id", "") == "audit":
                found |= self._values(call.args[1], self._scope(call))
        return found

    def _values(self, expr: ast.expr, scope: ast.FunctionDef | None) -> set[str]:
        if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
            return {expr.value}
        if isinstance(expr, ast.IfExp):
            return self._values(expr.body, scope) | self._values(expr.orelse, scope)
        if isinstance(expr, ast.JoinedStr):
            parts = [
                self._values(p.value if isinstance(p, ast.FormattedValue) else p, scope)
                for p in expr.values
            ]
            return {"".join(combination) for combination in product(*parts)}
        if isinstance(expr, ast.Name) and scope is not None:
            return self._name_values(expr.id, scope)
        if isinstance(expr, ast.Attribute):  # IdentityRequest.Status.APPROVED
            return {str(self._evaluate(expr))}
        raise UnreadableAction(f"{self.name} line {expr.lineno}: {ast.unparse(expr)}")

    def _name_values(self, name: str, scope: ast.FunctionDef) -> set[str]:
        for node in ast.walk(scope):
            if isinstance(node, ast.Assign) and any(
                getattr(target, "id", None) == name for target in node.targets
            ):
                return self._values(node.value, scope)
        params = [arg.arg for arg in scope.args.args]
        if name not in params:
            raise UnreadableAction(f"{self.name}, {scope.name}(): where does {name} come from?")
        index = params.index(name) - (params[0] == "self")
        found: set[str] = set()
        for call in self._calls_to(scope.name):
            found |= self._values(call.args[index], self._scope(call))
        return found

    def _evaluate(self, expr: ast.expr) -> object:
        if isinstance(expr, ast.Name):
            return getattr(importlib.import_module(self.name), expr.id)
        if isinstance(expr, ast.Attribute):
            return getattr(self._evaluate(expr.value), expr.attr)
        raise UnreadableAction(f"{self.name} line {expr.lineno}: {ast.unparse(expr)}")


def recorded_actions() -> set[str]:
    found: set[str] = set()
    for path in sorted(SOURCE.rglob("*.py")):
        found |= _Module(path).actions()
    return found


def test_every_action_the_code_records_has_a_label(db: None) -> None:
    recorded = recorded_actions()
    # The reader follows built codes too, so a missing label there cannot slip through.
    assert {
        "cases.closed",
        "cases.identity_approved",
        "cases.identity_refused",
        "assessments.submitted",
        "surveys.campaign_launched",
        "partnerships.agreement_unpublished",
        "assessments.risk_treatment_reopened",
        "integrity.entity_viewed",
    } <= recorded
    assert len(recorded) > 80
    assert sorted(recorded - LABELS.keys()) == []


def test_labels_are_words_and_tell_actions_apart() -> None:
    labels = [str(label) for label in LABELS.values()]
    assert len(set(labels)) == len(labels)
    assert not [code for code, label in LABELS.items() if "." in str(label) or "_" in str(label)]


def test_the_audit_page_says_what_was_done_in_words(client: Any, alice: Any, ecuador: Any) -> None:
    audit.record(alice, "cases.closed", ecuador, organisation=ecuador)
    client.force_login(alice)
    page = client.get(reverse("audit_log")).content.decode()
    assert "<td>Case closed</td>" in page
    assert ">cases.closed<" not in page


def test_the_audit_page_in_spanish_says_what_was_done_in_spanish(
    client: Any, alice: Any, ecuador: Any
) -> None:
    audit.record(alice, "partnerships.action_status_changed", ecuador, organisation=ecuador)
    client.force_login(alice)
    client.cookies["django_language"] = "es"
    page = client.get(reverse("audit_log")).content.decode()
    assert "<td>Estado de una acción del plan modificado</td>" in page
    assert '<option value="cases.closed">Caso cerrado</option>' in page


def test_an_action_without_a_label_is_shown_as_recorded(
    client: Any, alice: Any, ecuador: Any
) -> None:
    audit.record(alice, "legacy.something_old", ecuador, organisation=ecuador)
    client.force_login(alice)
    assert "<td>legacy.something_old</td>" in client.get(reverse("audit_log")).content.decode()


def test_the_filter_offers_the_labels_and_keeps_only_the_chosen_action(
    client: Any, alice: Any, ecuador: Any
) -> None:
    audit.record(alice, "cases.closed", ecuador, organisation=ecuador)
    audit.record(alice, "cases.reopened", ecuador, organisation=ecuador)
    client.force_login(alice)
    page = client.get(reverse("audit_log"), {"action": "cases.closed"}).content.decode()
    assert '<option value="cases.closed" selected>Case closed</option>' in page
    assert '<optgroup label="Cases">' in page
    assert "<td>Case closed</td>" in page
    assert "<td>Case reopened</td>" not in page


def test_an_unknown_filter_value_is_refused_in_words_and_shows_everything(
    client: Any, alice: Any, ecuador: Any
) -> None:
    audit.record(alice, "cases.closed", ecuador, organisation=ecuador)
    client.force_login(alice)
    response = client.get(reverse("audit_log"), {"action": "auth."})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Select a valid choice" in page
    assert "<td>Case closed</td>" in page


def test_the_audit_page_names_the_object_in_words(client: Any, alice: Any, ecuador: Any) -> None:
    audit.record(alice, "core.organisation_viewed", ecuador, organisation=ecuador)
    client.force_login(alice)
    page = client.get(reverse("audit_log")).content.decode()
    assert "<td>Organisation <small" in page
    assert "core.organisation " not in page


def test_the_audit_page_in_spanish_translates_the_object(
    client: Any, alice: Any, ecuador: Any
) -> None:
    audit.record(alice, "core.organisation_viewed", ecuador, organisation=ecuador)
    client.force_login(alice)
    client.cookies["django_language"] = "es"
    assert "<td>Organización <small" in client.get(reverse("audit_log")).content.decode()


def test_every_model_names_itself_in_translatable_words() -> None:
    # Any of them can be the object of an entry; without a declared verbose_name the page would
    # show Django's English guess from the class name ("analysis run") on every language.
    unnamed = [
        model._meta.label
        for model in apps.get_models()
        if model.__module__.startswith("arusha.")
        and "verbose_name" not in model._meta.original_attrs
    ]
    assert unnamed == []


def test_the_filter_sorts_labels_as_a_reader_would_whatever_the_accents(
    client: Any, alice: Any
) -> None:
    client.force_login(alice)
    client.cookies["django_language"] = "fr"
    page = client.get(reverse("audit_log")).content.decode()
    assert page.index(">Déconnexion<") < page.index(">Données du compte modifiées<")
