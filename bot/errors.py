"""Every exception Hedgehog raises on purpose.

    HedgehogError                 one clear sentence for the person running the command
    ├── ConfigError               a setting (environment, .env) is missing or malformed
    ├── DialogueError             the dialogue files do not load; carries the diagnostics
    ├── UnknownEffectError        an effect kind with no definition reached the engine
    ├── UnknownFlowError          a flow id that no dialogue file defines
    ├── UnknownStepError          a step id its flow does not have (a start mid-flow)
    ├── UnknownVariableError      a variable its flow does not know (a start mid-flow)
    ├── MissingRole               no flow plays a part the coach needs (a `role:` tag)
    ├── UnhandledEffect           an effect value the coach has no handler for
    ├── EvalSetError              the safety evaluation set has a broken line, or a refused request
    └── StorageError              the database cannot be used
        ├── DatabaseUnavailable   cannot open or reach it (path, permissions, server)
        ├── SchemaTooNew          it was written by a newer Hedgehog than this one
        └── Busy                  SQLite's write lock is held elsewhere and the caller would
                                  not wait (`Coach.try_now`): nothing was read or written

The command line catches `HedgehogError`, prints its message (never a traceback)
and exits non-zero. Messages never contain secrets or anything a person wrote.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.dialogue.diagnostics import Diagnostic


class HedgehogError(Exception):
    """Base class: `str(error)` is a complete sentence fit to show an operator."""


class ConfigError(HedgehogError):
    """A setting is missing or malformed."""


class DialogueError(HedgehogError):
    """The dialogue files have errors; `diagnostics` lists every one."""

    def __init__(self, diagnostics: Sequence[Diagnostic]) -> None:
        self.diagnostics = tuple(diagnostics)
        errors = [d for d in self.diagnostics if d.is_error]
        first = f"{errors[0].file}:{errors[0].line}: {errors[0].code} {errors[0].message}" if errors else "?"
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        super().__init__(
            f"The dialogue files have errors: {first}{more}. Run `hedgehog check` for every problem and hint."
        )


class UnknownEffectError(HedgehogError):
    """An effect kind that `bot.dialogue.effects.EFFECTS` does not define reached the engine
    (the loader refuses one in a file, so only a flow built another way can)."""

    def __init__(self, kind: str, flow_id: str, step_id: str) -> None:
        self.kind = kind
        self.flow_id = flow_id
        self.step_id = step_id
        super().__init__(
            f"Step '{step_id}' of flow '{flow_id}' has an effect '{kind}' that no definition describes. "
            "Define it in bot/dialogue/effects.py, or load flows with `hedgehog check` first."
        )


class UnknownFlowError(HedgehogError):
    """A flow id that no dialogue file defines."""

    def __init__(self, flow_id: str, known: Sequence[str]) -> None:
        self.flow_id = flow_id
        listing = ", ".join(sorted(known)) or "none"
        super().__init__(f"There is no flow called '{flow_id}'. Known flows: {listing}.")


class UnknownStepError(HedgehogError):
    """A step id the flow does not have (a start mid-flow: `hedgehog chat --at`, `% at`)."""

    def __init__(self, flow_id: str, step_id: str, known: Sequence[str]) -> None:
        self.flow_id = flow_id
        self.step_id = step_id
        close = difflib.get_close_matches(step_id, list(known), n=1)
        hint = f" Did you mean '{close[0]}'?" if close else f" Its steps: {', '.join(known)}."
        super().__init__(f"The flow '{flow_id}' has no step '{step_id}'.{hint}")


class UnknownVariableError(HedgehogError):
    """A variable a start mid-flow sets that its flow neither declares, fills nor reads."""

    def __init__(self, flow_id: str, name: str, known: Sequence[str]) -> None:
        close = difflib.get_close_matches(name, sorted(known), n=1)
        hint = f" Did you mean '{close[0]}'?" if close else f" Its variables: {', '.join(sorted(known))}."
        super().__init__(f"The flow '{flow_id}' has no variable '{name}'.{hint}")


class MissingRole(HedgehogError):
    """No flow is tagged with a role the coach needs (`role: checkin`, `role: crisis`, ...)."""

    def __init__(self, role: str) -> None:
        self.role = role
        super().__init__(
            f"No flow plays the part '{role}': tag the flow that should with `role: {role}` under its 'tags'."
        )


class UnhandledEffect(HedgehogError):
    """The engine produced an effect the coach has no handler for (`bot/coach/effects.py`)."""

    def __init__(self, effect: str) -> None:
        self.effect = effect
        super().__init__(f"The coach has no handler for the effect {effect}: add one in bot/coach/effects.py.")


class EvalSetError(HedgehogError):
    """The safety evaluation set (tests/safety/eval/) cannot be read as asked."""


class StorageError(HedgehogError):
    """The database cannot be used."""


class DatabaseUnavailable(StorageError):
    """The database cannot be opened or reached."""


class SchemaTooNew(StorageError):
    """The database was written by a newer version of Hedgehog."""


class Busy(StorageError):
    """Another connection holds SQLite's write lock, and the transaction was begun
    without waiting (`Coach.try_now`): nothing was read or written. Try again in a worker
    thread, where waiting is fine."""

    def __init__(self) -> None:
        super().__init__("The database is busy with another write; nothing was done.")
