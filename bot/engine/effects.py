"""Effects as the engine hands them to the service: each kind's entry in
`bot.dialogue.effects.EFFECTS` is its value class and says where each field comes from;
`build` makes the value when a step is entered.

A kind with no entry is never quietly another kind: it raises `UnknownEffectError`.
(The loader reports it first, as HH005, so only a flow built some other way gets here.)
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.dialogue import EFFECTS, EffectDef, Render
from bot.engine.state import StepEffect
from bot.errors import UnknownEffectError


def build(
    effect: EffectDef,
    flow_id: str,
    step_id: str,
    variables: Mapping[str, Any],
    called: bool,
    render: Render | None = None,
) -> StepEffect:
    """The value of `effect` as its step (of `flow_id`) is entered with `variables`.
    `called`: the flow was called by another, not started or interrupted into; `render`:
    the step's prompt files for `words` parameters, as plain text."""
    spec = EFFECTS.get(effect.kind)
    if spec is None:
        raise UnknownEffectError(effect.kind, flow_id, step_id)
    return spec.value(flow_id, step_id, **spec.build(effect.params, variables, called, render))
