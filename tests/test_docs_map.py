"""docs/architecture.md is the one-hop map (issue #14): every screen's URL name, every workflow transition and
every reason code of the rules must be findable in the docs. A new URL, transition or reason code that nobody
documented fails here."""

import ast
from pathlib import Path

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from anbili.placements.services.workflow import MONTH_TRANSITIONS, PLACEMENT_TRANSITIONS
from anbili.rules import checks
from anbili.rules.checks import CheckCode
from anbili.rules.contracts import ContractReason
from anbili.rules.signals import SignalCode

DOCS = Path(__file__).resolve().parent.parent / "docs"
ARCHITECTURE = (DOCS / "architecture.md").read_text(encoding="utf-8")
ALL_DOCS = "\n".join(path.read_text(encoding="utf-8") for path in sorted(DOCS.rglob("*.md")))


def _url_names(namespace: str) -> list[str]:
    """The named URL patterns under one namespace, as `namespace:name`."""
    names: list[str] = []

    def walk(patterns, current: str | None) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, pattern.namespace or current)
            elif isinstance(pattern, URLPattern) and pattern.name and current == namespace:
                names.append(f"{namespace}:{pattern.name}")

    walk(get_resolver().url_patterns, None)
    return names


def _check_reason_codes() -> set[str]:
    """Every reason code the month checks can return: the literal first argument of each `_fail(...)`, with
    the f-string codes of the shared insurance check expanded over the kinds it is called with."""
    tree = ast.parse(Path(checks.__file__).read_text(encoding="utf-8"))
    nodes = ast.walk(tree)
    calls = [node for node in nodes if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)]
    kinds = {
        call.args[3].value
        for call in calls
        if call.func.id == "_insurance_check" and isinstance(call.args[3], ast.Constant)
    }
    assert kinds == {"pension", "medical"}
    codes: set[str] = set()
    for call in calls:
        if call.func.id != "_fail" or not call.args:
            continue
        code = call.args[0]
        if isinstance(code, ast.Constant):
            codes.add(code.value)
        else:
            assert isinstance(code, ast.JoinedStr), ast.unparse(code)
            template = "".join(
                "{kind}" if isinstance(part, ast.FormattedValue) else part.value for part in code.values
            )
            codes.update(template.format(kind=kind) for kind in kinds)
    return codes


@pytest.mark.parametrize("namespace", ["portal", "backoffice"])
def test_every_screen_of_the_portal_and_the_review_system_is_on_the_map(namespace):
    names = _url_names(namespace)
    assert len(names) >= 10, names  # the walk found the screens
    missing = [name for name in names if f"`{name}`" not in ARCHITECTURE]
    assert missing == []


def test_every_workflow_transition_is_on_the_map():
    names = [transition.name for transition in (*PLACEMENT_TRANSITIONS, *MONTH_TRANSITIONS)]
    assert {"approve", "reject", "send_back", "delete"} <= set(names)
    missing = [name for name in names if f"`{name}`" not in ARCHITECTURE]
    assert missing == []


def test_every_check_code_and_reason_code_is_documented():
    codes = _check_reason_codes()
    assert {"wage_missing", "pension_other_payer", "medical_missing", "placed_elsewhere"} <= codes
    codes |= {member.value for member in CheckCode} | {member.value for member in ContractReason}
    codes |= {member.value for member in SignalCode}  # the risk signals of the review queue
    missing = sorted(code for code in codes if f"`{code}`" not in ALL_DOCS)
    assert missing == []
