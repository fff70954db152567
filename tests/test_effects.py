"""Each effect kind is defined once (`bot/dialogue/effects.py`), its value class and its
definition together: the loader, the checker and the engine read that one table."""

from __future__ import annotations

import dataclasses
from dataclasses import replace
from pathlib import Path

import pytest

from bot.config import PROJECT_ROOT
from bot.dialogue import EFFECTS, EffectDef, Templates, check_paths, load_checked
from bot.dialogue.effects import AllGiven, Called, Const, Given, StepEffect
from bot.engine import (
    EFFECT_CLASSES,
    SYSTEM_PROMPTS,
    ConfirmCrisis,
    Engine,
    SavePlan,
    ScheduleFollowUp,
    SetFollowUps,
    Text,
)
from bot.engine.effects import build
from bot.errors import UnknownEffectError

GOOD = Path(__file__).parent / "dialogues" / "good"
PROMPTS = [GOOD / "prompts", PROJECT_ROOT / "prompts"]
MADE_BY_THE_ENGINE = {"RecordAnswer", "FlowEnded"}  # every answer, every end: no flow file writes them


def own_fields(cls: type) -> set[str]:
    return {f.name for f in dataclasses.fields(cls)} - {"flow_id", "step_id"}


@pytest.mark.parametrize("kind", list(EFFECTS))
def test_each_definition_names_a_value_class_and_fills_exactly_its_fields(kind: str) -> None:
    spec = EFFECTS[kind]
    value = spec.value
    assert issubclass(value, StepEffect) and value in EFFECT_CLASSES
    assert set(spec.fields) == own_fields(value), f"{kind}: the fields of {value.__name__} and its definition differ"
    params = {p.name for p in spec.params}
    for source in spec.fields.values():
        assert isinstance(source, Given | AllGiven | Const | Called)
        if isinstance(source, Given):
            assert source.param in params, f"{kind}: '{source.param}' is not one of its parameters"


def test_every_effect_class_a_flow_can_cause_has_a_definition() -> None:
    classes = {cls.__name__ for cls in EFFECT_CLASSES}
    assert len(classes) == len(EFFECT_CLASSES)  # no two classes of one name
    assert {spec.value.__name__ for spec in EFFECTS.values()} == classes - MADE_BY_THE_ENGINE
    declared = {cls.__name__ for cls in StepEffect.__subclasses__()}
    assert declared == classes - MADE_BY_THE_ENGINE  # no step effect class without a definition


@pytest.mark.parametrize("kind", list(EFFECTS))
def test_each_kind_builds_its_value_from_the_variables_its_parameters_name(kind: str) -> None:
    spec = EFFECTS[kind]
    written = {
        p.name: (f"v_{p.name}",)
        if p.type == "vars"
        else f"v_{p.name}"
        if p.type in ("var", "words")
        else f"as written {p.name}"
        for p in spec.params
    }
    variables = {f"v_{p.name}": f"value of {p.name}" for p in spec.params}
    effect = build(EffectDef(kind, written, 1), "a-flow", "a-step", variables, called=True)
    assert type(effect) is spec.value
    assert (effect.flow_id, effect.step_id) == ("a-flow", "a-step")
    assert spec.reads(written) == {
        name
        for p in spec.params
        if p.type in ("var", "vars", "words")
        for name in ([written[p.name]] if p.type != "vars" else written[p.name])
    }
    for name in own_fields(type(effect)):
        source, got = spec.fields[name], getattr(effect, name)
        if isinstance(source, Given):
            param = spec.param(source.param)
            expected = {
                "var": f"value of {param.name}",
                "words": f"value of {param.name}",
                "vars": {f"v_{param.name}": f"value of {param.name}"},
            }.get(param.type, f"as written {param.name}")
            assert got == expected
        elif isinstance(source, AllGiven):
            assert set(got) == {p.name for p in spec.params}


def test_a_plan_naming_a_prompt_file_is_that_file_rendered_with_the_steps_variables() -> None:
    """`plan: softened-startup/plan.j2`: the engine renders the file as plain text as the
    step is entered; the checker reads the file's variables, not a variable named like it."""
    params = {"flow": "follow-up", "after": "2h", "plan": "softened-startup/plan.j2"}
    spec = EFFECTS["follow_up"]
    assert spec.reads(params) == frozenset()
    assert spec.templates(params) == [("plan", "softened-startup/plan.j2")]
    prompt = Templates(PROJECT_ROOT / "prompts").file_prompt("softened-startup/plan.j2")
    answers = {"soft_feeling": "Lonely.", "soft_about": "Dinner & phones", "soft_need": "I need a hug"}
    effect = build(EffectDef("follow_up", params, 1), "f", "s", answers, False, lambda name: prompt.text(answers))
    assert isinstance(effect, ScheduleFollowUp)
    assert effect.plan == "I feel lonely about dinner & phones, and I need a hug."


def test_an_optional_parameter_left_out_takes_its_default() -> None:
    crisis = build(EffectDef("confirm_crisis", {"kind": "k"}, 1), "f", "s", {"k": "suicide"}, called=False)
    assert crisis == ConfirmCrisis("f", "s", "suicide", True)
    times = build(EffectDef("set_followups", {"when": "w"}, 1), "f", "s", {"w": "any"}, called=False)
    assert times == SetFollowUps("f", "s", "any", None)
    plan = build(EffectDef("save_plan", {"safer": "s1"}, 1), "f", "s", {"s1": "a walk"}, called=False)
    assert plan == SavePlan("f", "s", {"safer": "a walk"})


def test_an_unknown_kind_in_a_file_is_a_coded_problem_with_a_suggestion(tmp_path: Path) -> None:
    (tmp_path / "odd.yaml").write_text(
        "flow: odd\nversion: 1\ntitle: Odd\nsummary: An effect that does not exist.\nstart: a\nsteps:\n"
        "  a:\n    say: Hello.\n    effects:\n      - homework_dun: true\n    end: completed\n"
    )
    result = check_paths([tmp_path / "odd.yaml"], PROMPTS)
    [problem] = [d for d in result.report.items if d.line == 10]
    assert problem.code == "HH005"
    assert "homework_dun" in problem.message and "Did you mean 'homework_done'?" in problem.hint


def test_an_unknown_kind_that_reaches_the_engine_raises_and_never_becomes_another_kind() -> None:
    library = load_checked([GOOD], PROMPTS, SYSTEM_PROMPTS.values())
    sample = library.flows["sample"]
    done = replace(sample.steps["done"], effects=(EffectDef("teleport", {}, 1),))
    odd = replace(sample, steps={**sample.steps, "done": done})
    engine = Engine(replace(library, flows={**library.flows, "sample": odd}))
    at_feeling = engine.handle(engine.handle(engine.start("sample").state, Text("away")).state, Text("3"))
    with pytest.raises(UnknownEffectError) as raised:
        engine.handle(at_feeling.state, Text("calm"))
    assert (raised.value.kind, raised.value.flow_id, raised.value.step_id) == ("teleport", "sample", "done")
