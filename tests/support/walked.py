"""What the golden transcripts walk: every transition the engine fires while they play.

`watch(coach)` hangs one callback on each of the coach's flow machines
(`transitions.Machine.after_state_change`, which the engine never uses itself): it only
notes the transition, the engine runs exactly as it does for people. `WALKED` collects a
whole pytest session; `pytest --walked FILE` saves it (`hedgehog coverage` reads it), and
`tests/test_transcripts.py` holds it to the floors in pyproject.toml.
"""

from __future__ import annotations

from collections.abc import Callable

from transitions import EventData

from bot.coach import Coach
from bot.dialogue.coverage import Walked, fired_at
from bot.engine.engine import Engine
from bot.engine.machines import CompiledFlow, Cursor

WALKED = Walked()


def watch(coach: Coach, walked: Walked = WALKED) -> Coach:
    watch_engine(coach.engine, walked)
    return coach


def watch_engine(engine: Engine, walked: Walked) -> Engine:
    for compiled in engine.flows.values():
        compiled.machine.after_state_change.append(_recorder(compiled, walked))
    return engine


def _recorder(compiled: CompiledFlow, walked: Walked) -> Callable[[EventData], None]:
    def record(event: EventData) -> None:
        transition = event.transition
        assert transition is not None and event.event is not None
        trigger = event.event.name
        candidates = compiled.machine.events[trigger].transitions[transition.source]
        index = next(i for i, t in enumerate(candidates) if t is transition)
        cursor = event.model
        assert isinstance(cursor, Cursor)
        walked.fired.add(fired_at(compiled.flow, transition.source, trigger, index, transition.dest, cursor.vars))

    return record
