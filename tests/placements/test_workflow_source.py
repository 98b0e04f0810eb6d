"""The workflow is stated once: no code outside anbili/placements/services/workflow.py writes a placement's
status or a month's outcome. The scanner reads the source (ast) of every module under anbili/ that deals
with placements; its own tests show it catches each kind of write."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ALLOWED = {
    "anbili/placements/services/workflow.py",  # the one writer
    "anbili/placements/models.py",  # the fields' defaults
}
FIELDS = {"status", "outcome"}
WRITING_CALLS = {"create", "update", "update_or_create", "get_or_create", "bulk_create"}
MODELS = {"Placement", "PlacementMonth"}


def _root_and_names(node: ast.AST) -> tuple[str, set[str]]:
    """The name a call chain starts from and every attribute along it
    (PlacementMonth.objects.filter(...).update gives ("PlacementMonth", {"objects", "filter", "update"}))."""
    names: set[str] = set()
    while True:
        if isinstance(node, ast.Call):
            node = node.func
        elif isinstance(node, ast.Attribute):
            names.add(node.attr)
            node = node.value
        elif isinstance(node, ast.Subscript):
            node = node.value
        elif isinstance(node, ast.Name):
            return node.id, names
        else:
            return "", names


def _about_placements(node: ast.AST) -> bool:
    root, names = _root_and_names(node)
    words = {root.lower(), *(name.lower() for name in names)}
    return root in MODELS or any("placement" in word or "month" in word for word in words)


def _strings(node: ast.AST | None) -> set[str]:
    if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
        return {e.value for e in node.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)}
    if isinstance(node, ast.Starred):
        return _strings(node.value)
    return set()


def _call_writes(node: ast.Call) -> list[str]:
    found = []
    func = node.func
    name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
    builds = name in MODELS or (name in WRITING_CALLS and _about_placements(func))
    for keyword in node.keywords:
        if builds and keyword.arg in FIELDS:
            found.append(f"{name}({keyword.arg}=…)")
        if keyword.arg == "defaults" and isinstance(keyword.value, ast.Dict) and builds:
            keys = {k.value for k in keyword.value.keys if isinstance(k, ast.Constant)}
            found += [f"{name}(defaults={{{key!r}: …}})" for key in sorted(keys & FIELDS)]
        if keyword.arg in ("update_fields", "fields") and _strings(keyword.value) & FIELDS:
            found.append(f"{name}({keyword.arg}=[…{sorted(_strings(keyword.value) & FIELDS)}…])")
    if name == "bulk_update" and len(node.args) > 1 and _strings(node.args[1]) & FIELDS:
        found.append(f"bulk_update(…, {sorted(_strings(node.args[1]) & FIELDS)})")
    field = node.args[1] if name == "setattr" and len(node.args) > 1 else None
    if isinstance(field, ast.Constant) and field.value in FIELDS:
        found.append(f"setattr(…, {field.value!r}, …)")
    return found


def workflow_writes(source: str) -> list[tuple[int, str]]:
    """Every write of a workflow field in the source: (line, what)."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(source)):
        targets: list[ast.expr] = []
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, (ast.AugAssign, ast.AnnAssign)):
            targets = [node.target]
        for target in targets:
            for part in ast.walk(target):
                if isinstance(part, ast.Attribute) and part.attr in FIELDS:
                    found.append((node.lineno, f".{part.attr} = …"))
        if isinstance(node, ast.Call):
            found += [(node.lineno, what) for what in _call_writes(node)]
    return found


def _deals_with_placements(path: Path, source: str) -> bool:
    return "anbili/placements/" in path.as_posix() or "anbili.placements" in source


def violations() -> list[str]:
    result = []
    for path in sorted((ROOT / "anbili").rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        if relative in ALLOWED or "/migrations/" in relative:
            continue
        source = path.read_text(encoding="utf-8")
        if not _deals_with_placements(path, source):
            continue
        result += [f"{relative}:{line}: {what}" for line, what in workflow_writes(source)]
    return result


def test_no_code_outside_the_workflow_writes_a_status_or_an_outcome():
    assert violations() == []


@pytest.mark.parametrize(
    "snippet",
    [
        "placement.status = PlacementStatus.CONFIRMED",
        "row.outcome = 'confirmed'",
        "a, placement.status = 1, 2",
        "Placement.objects.create(employer=e, status='pending')",
        "Placement(employer=e, status=S.PENDING)",
        "PlacementMonth(placement=p, month=202501, outcome='confirmed')",
        "PlacementMonth.objects.filter(placement=p).update(selected=False, outcome='not_selected')",
        "placement.months.update(outcome='confirmed')",
        "Placement.objects.update_or_create(pk=1, defaults={'status': 'draft'})",
        "placement.save(update_fields=['status', 'updated_at'])",
        "PlacementMonth.objects.bulk_update(rows, ['selected', 'outcome'])",
        "setattr(placement, 'status', 'draft')",
    ],
)
def test_the_scanner_catches_each_kind_of_write(snippet):
    assert workflow_writes(snippet), snippet


@pytest.mark.parametrize(
    "snippet",
    [
        "Placement.objects.filter(status=S.DRAFT).exclude(status='pending')",
        "render(request, 'x.html', context, status=400)",
        "Certificate.objects.create(number=n, status=CertificateStatus.VALID)",
        "month_outcomes_move(moves, by={Actor.EMPLOYER}, also_save=['checks'])",
        "status = placement.status",
    ],
)
def test_the_scanner_lets_reads_and_other_models_pass(snippet):
    assert workflow_writes(snippet) == []


def test_the_scanner_fails_on_a_module_that_writes(tmp_path, monkeypatch):
    """The whole scan, not just the snippet check, fails on a new module writing a status."""
    package = tmp_path / "anbili" / "placements"
    package.mkdir(parents=True)
    (package / "review.py").write_text("def approve(p):\n    p.status = 'confirmed'\n    p.save()\n")
    monkeypatch.setattr(__import__(__name__, fromlist=["ROOT"]), "ROOT", tmp_path)
    assert violations() == ["anbili/placements/review.py:2: .status = …"]
