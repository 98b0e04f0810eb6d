"""Run schemathesis as its command line does (`st run --checks all`: examples, coverage, fuzzing and stateful
phases, every check), in process, against pytest-django's live server on 127.0.0.1 with DEBUG off.

The engine runs its workers in threads of their own, so the tests using it need committed data (a
transactional database) and a real HTTP server: the WSGI transport cannot pass per-operation settings.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import schemathesis
from schemathesis.config import SchemathesisConfig
from schemathesis.engine import Status, events, from_schema

# Fixed so that a failure is the same on every machine; the CLI with another seed explores further.
SEED = 20261203
CLOSE = {"Connection": "close"}


@dataclass
class Run:
    failures: dict[tuple[str, str, str], str] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    operations: set[str] = field(default_factory=set)
    statuses: Counter[int] = field(default_factory=Counter)

    def report(self) -> str:
        return "\n\n".join([*self.failures.values(), *self.errors])


def run_schemathesis(base_url: str, *, max_examples: int, settings: dict[str, Any] | None = None) -> Run:
    """Every phase and every check over /api/v1/openapi.json; `settings` is merged into the configuration
    (headers, per-operation overrides, include filters)."""
    settings = dict(settings or {})
    # One connection per request: a kept-alive connection's server thread would end only when the engine's
    # session is collected, after the test, and close the database connection the live server shared.
    settings["headers"] = {**settings.get("headers", {}), **CLOSE}
    for operation in settings.get("operations", []):
        if "headers" in operation:
            operation["headers"] = {**operation["headers"], **CLOSE}
    config = SchemathesisConfig.from_dict(
        {
            "seed": SEED,
            "cache": {"enabled": False},
            "suppress-health-check": ["all"],
            "generation": {"max-examples": max_examples, "database": "none"},
            "checks": {"enabled": True},
            **settings,
        }
    )
    schema = schemathesis.openapi.from_url(f"{base_url}/api/v1/openapi.json", config=config)
    run = Run()
    for event in from_schema(schema).execute():
        if isinstance(event, events.ScenarioFinished):
            _collect(event, run)
        elif isinstance(event, events.NonFatalError | events.FatalError):
            run.errors.append(f"{getattr(event, 'label', '')}: {event.info.format()}")
    return run


def _collect(event: events.ScenarioFinished, run: Run) -> None:
    recorder = event.recorder
    for case_id, node in recorder.cases.items():
        run.operations.add(node.value.operation.label)  # the operation, also for a case sent as DELETE
        interaction = recorder.interactions.get(case_id)
        if interaction is not None and interaction.response is not None:
            run.statuses[interaction.response.status_code] += 1
    for case_id, checks in recorder.checks.items():
        for check in checks:
            if check.status != Status.FAILURE or check.failure_info is None:
                continue
            failure = check.failure_info.failure
            key = (event.label or "", check.name, failure.title)
            if key in run.failures:
                continue
            interaction = recorder.interactions.get(case_id)
            response = interaction.response if interaction is not None else None
            answer = (
                f"→ {response.status_code} {response.headers.get('content-type', [''])[0]} "
                f"{response.content[:300]!r}"
                if response is not None
                else ""
            )
            run.failures[key] = (
                f"{key[0]} · {check.name}: {failure.title}\n{failure.message}\n"
                f"{check.failure_info.code_sample}\n{answer}"
            )
