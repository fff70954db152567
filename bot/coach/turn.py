"""`Turn`: one event of one chat, as a helper gets it.

Safeguards, the practice, the commands and the effect handlers are handed a `Turn`, never
the `Coach`: this event's transaction, the session as it was loaded, the person's locale,
the coach's clock, the engine and the flows' roles, and the few verbs they need (say,
show, begin, save, facts). The verbs are the coach's own, reached through the `Verbs` protocol,
so no helper imports the coach and nothing calls back up into it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from bot.coach.roles import Roles
from bot.engine.engine import Engine, Result
from bot.engine.state import Reply, SessionState
from bot.storage import ChatTx


class Verbs(Protocol):
    """What the coach does for a turn (implemented by `Coach`)."""

    def say(self, key: str, **context: Any) -> Reply: ...

    def save(self, turn: Turn, before: SessionState | None, result: Result) -> list[Reply]: ...

    def begin(
        self,
        turn: Turn,
        current: SessionState | None,
        flow_id: str,
        quiet: bool = False,
        asked: bool = False,
        variables: Mapping[str, Any] | None = None,
    ) -> list[Reply]: ...

    def facts(self, turn: Turn, flow_id: str) -> dict[str, Any]: ...


@dataclass(slots=True)
class Turn:
    tx: ChatTx
    state: SessionState | None  # the session as loaded for this event
    locale: str | None
    clock: Callable[[], datetime]
    engine: Engine
    roles: Roles
    verbs: Verbs

    def say(self, key: str, **context: Any) -> Reply:
        """The coach's own words (`prompts/system/`)."""
        return self.verbs.say(key, **context)

    def show(self, state: SessionState | None) -> list[Reply]:
        """The question `state` is on, asked again (nothing without a session)."""
        return self.engine.show(state).replies if state is not None else []

    def save(self, before: SessionState | None, result: Result) -> list[Reply]:
        """Store the new state and carry out its effects; the replies some effects add."""
        return self.verbs.save(self, before, result)

    def begin(
        self,
        current: SessionState | None,
        flow_id: str,
        quiet: bool = False,
        asked: bool = False,
        variables: Mapping[str, Any] | None = None,
    ) -> list[Reply]:
        """Start `flow_id` (see `Coach.begin`)."""
        return self.verbs.begin(self, current, flow_id, quiet=quiet, asked=asked, variables=variables)

    def facts(self, flow_id: str) -> dict[str, Any]:
        """What `flow_id` is started with from the person's own records."""
        return self.verbs.facts(self, flow_id)
