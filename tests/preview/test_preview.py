"""`hedgehog preview` in a real headless Chromium: the page plays the flows as the bot does.

Every text the page shows is compared with what the real `Engine` says for the same
presses and typing, so the page cannot drift from the bot. The check-in is walked by
clicking what the page shows (the first button not pressed yet at that step), typing real
answers where the step asks for words; nothing here names a step, so rewording or
reordering a flow does not break the test, only a page that says something else does.
"""

from __future__ import annotations

import itertools
from dataclasses import replace
from pathlib import Path
from typing import Any

import jinja2
import pytest

from bot.app import load_library
from bot.config import Settings
from bot.dialogue import Templates
from bot.dialogue.model import Library
from bot.engine.engine import SYSTEM_PROMPTS, Engine
from bot.engine.state import Choice, Reply, SessionState, Text

# What people type (style.md "words people type"), one per free-text question in turn.
TYPED = [
    "She went quiet after dinner and I kept texting her",
    "that i'm too much for her. again.",
    "scared, honestly 😔",
    "I need her to tell me we're ok",
    "went for a walk instead of texting",
]
FLOW = "checkin"


@pytest.fixture(scope="module")
def library() -> Library:
    return load_library(Settings.load(environ={}, dotenv=Path("/nonexistent")))


@pytest.fixture(scope="module")
def engine(library: Library) -> Engine:
    return Engine(library)


def open_page(browser: Any, site: Path) -> tuple[Any, list[str], list[str]]:
    page = browser.new_page(viewport={"width": 1440, "height": 960})
    errors: list[str] = []
    requests: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("request", lambda request: requests.append(request.url))
    page.goto(site.as_uri())
    return page, errors, requests


def bot_texts(page: Any) -> list[str]:
    return page.eval_on_selector_all(".msg.bot", "ms => ms.map(m => m.dataset.raw)")


def said(replies: list[Reply]) -> list[str]:
    return [reply.text for reply in replies]


def test_the_checkin_is_walked_by_clicking_and_typing(browser: Any, site: Path, engine: Engine, screenshots: Path):
    page, errors, requests = open_page(browser, site)
    page.select_option("#flow", FLOW)
    result = engine.start(FLOW)
    state = result.state
    assert bot_texts(page) == said(result.replies)
    page.screenshot(path=str(screenshots / "preview-1-start.png"))
    walked = [f"{state.flow_id}:{state.step_id}"]
    pressed: set[tuple[str, str]] = set()
    typed = iter(TYPED)
    typed_label = skipped = progressed = False
    for turn in itertools.count():
        assert turn < 80, f"the walk did not end: {walked}"
        if state.status != "active":
            break
        assert page.get_attribute("#where", "data-step") == f"{state.flow_id}:{state.step_id}"
        assert page.get_attribute("#graph .node.current", "data-step") == state.step_id
        before = len(bot_texts(page))
        question = page.locator(".msg.question").last
        buttons = question.locator(".choices button:not([disabled])")
        ids = [buttons.nth(i).get_attribute("data-choice") for i in range(buttons.count())]
        labels = [buttons.nth(i).inner_text() for i in range(buttons.count())]
        asks_words = page.get_attribute("#answer", "placeholder").startswith("type your answer")
        if asks_words and "skip" in ids and turn > 3 and not skipped:
            skipped = True  # one question skipped with its button, as people do
            buttons.nth(ids.index("skip")).click()
            result = engine.handle(state, Choice("skip", state.step_id, state.seq))
        elif asks_words and (words := next(typed, None)) is not None:
            page.fill("#answer", words)
            page.press("#answer", "Enter")
            result = engine.handle(state, Text(words))
        else:
            fresh = [i for i, cid in enumerate(ids) if (state.step_id, cid) not in pressed and cid != "skip"]
            index = fresh[0] if fresh else 0
            pressed.add((state.step_id, ids[index]))
            if not typed_label and len(ids) > 1 and not page.get_attribute("#where", "data-step").endswith("scale"):
                typed_label = True  # a label typed, in other case and with a full stop
                words = labels[index].upper() + "."
                page.fill("#answer", words)
                page.press("#answer", "Enter")
                result = engine.handle(state, Text(words))
            else:
                buttons.nth(index).click()
                result = engine.handle(state, Choice(ids[index], state.step_id, state.seq))
        assert bot_texts(page)[before:] == said(result.replies), f"after {walked[-1]}"
        asked = [r for r in result.replies if r.step_id is not None]
        if asked and asked[-1].progress is not None:  # "3 of about 9", as Telegram shows it
            shown = page.locator(".msg.question").last.locator(".progress")
            assert shown.get_attribute("data-progress") == "/".join(map(str, asked[-1].progress))
            progressed = True
        state = result.state
        walked.append(f"{state.flow_id}:{state.step_id}")
        if turn == 5:
            page.screenshot(path=str(screenshots / "preview-2-middle.png"))
    page.screenshot(path=str(screenshots / "preview-3-end.png"))
    assert progressed
    assert page.locator("#ended").count() == 1
    assert state.step_id in page.inner_text("#ended")
    # The path the page lists holds every step the bot stopped at, in order.
    path = page.eval_on_selector_all("#path li", "items => items.map(li => li.dataset.step)")
    position = 0
    for step in walked:
        assert step in path[position:], f"{step} is not in the path after {path[:position]}"
        position = path.index(step, position)
    # The branch taken is shown, and the read-back shows what was typed.
    assert page.locator(".note.branch").count() >= len(walked) - 1
    assert "She went quiet after dinner" in page.inner_text("#chat")
    assert page.locator("#graph .edge.taken").count() >= 1
    assert errors == []
    assert all(url.startswith("file:") for url in requests), requests


def test_setting_a_variable_shows_the_question_as_the_bot_would(
    browser: Any, site: Path, engine: Engine, library: Library
):
    """Walk (first buttons, typed answers) to the first question whose words read a
    variable, set that variable in the panel, and the question is shown as the bot shows it."""
    templates = Templates(*library.prompts)
    page, errors, _ = open_page(browser, site)
    page.select_option("#flow", FLOW)
    state = engine.start(FLOW).state
    for _ in range(30):
        step = library.flows[state.flow_id].steps[state.step_id]
        read = templates.file_prompt(step.say.source).uses if step.say and step.say.is_file else frozenset()
        uses = sorted(read & set(state.vars))  # read by the words, and already in the session
        if uses:
            break
        if step.ask is not None:
            page.fill("#answer", TYPED[0])
            page.press("#answer", "Enter")
            state = engine.handle(state, Text(TYPED[0])).state
        else:
            first = page.locator(".msg.question").last.locator(".choices button:not([disabled])").first
            choice = first.get_attribute("data-choice")
            first.click()
            state = engine.handle(state, Choice(choice, state.step_id, state.seq)).state
    assert uses, "no question of the check-in reads a variable"
    name = uses[0]
    field = f'#vars input[data-var="{name}"]'
    page.fill(field, '"Sam rang, then hung up"')
    page.press(field, "Enter")
    shown = engine.show(replace(state, vars={**state.vars, name: "Sam rang, then hung up"}))
    assert bot_texts(page)[-1] == said(shown.replies)[-1]
    assert page.input_value(field) == '"Sam rang, then hung up"'
    assert errors == []


def test_review_mode_lists_every_prompt_with_its_step_id(browser: Any, site: Path, library: Library, screenshots: Path):
    page, errors, _ = open_page(browser, site)
    page.click("#tab-review")
    assert page.is_hidden("#play-view") and page.is_visible("#review-view")
    shown = page.eval_on_selector_all("#review article.prompt", "items => items.map(a => a.dataset.step)")
    expected = {
        f"{fid}:{sid}"
        for fid, flow in library.flows.items()
        for sid, step in flow.steps.items()
        if step.say or step.choices
    }
    assert set(shown) == expected
    first = page.locator("#review article.prompt").first
    step_id = first.get_attribute("data-step")
    flow_id, _, sid = step_id.partition(":")
    flow = library.flows[flow_id]
    assert f"{flow.path.name}:{flow.steps[sid].line}" in first.inner_text()
    first.locator("textarea").fill("Could this be warmer?")
    page.click("#export-comments")
    assert page.input_value("#comments-out").startswith(f"{step_id} (dialogues/{flow.path.name}:")
    page.screenshot(path=str(screenshots / "preview-4-review.png"), full_page=False)
    assert errors == []


# ---------------------------------------------------------------------- the renderer, template by template

SAMPLES: list[Any] = [
    *TYPED,
    "He said he needs space. I said fine.",
    "why does this always happen to us?",
    "I feel like Sam doesn't care",
    "UK trip",
    "😶",
    "x" * 170,
    "  Talking it out!  ",
    "<b>bold</b> & 'quotes'",
    "",
    None,
    0,
    7,
    10,
    True,
    False,
]


def variable_sets(library: Library, templates: Templates) -> list[tuple[str, dict[str, Any]]]:
    """For each template a step says: a few sets of values for the variables it reads,
    from the flow's own values (its defaults, what its buttons set) and what people type."""
    cases: list[tuple[str, dict[str, Any]]] = []
    for flow in library.flows.values():
        seen: dict[str, list[Any]] = {name: [value] for name, value in flow.vars.items()}
        for step in flow.steps.values():
            for choice in step.choices:
                for name, value in choice.set.items():
                    seen.setdefault(name, []).append(value)
        for step in flow.steps.values():
            if step.say is None or not step.say.is_file:
                continue
            uses = sorted(templates.file_prompt(step.say.source).uses)
            for round_ in range(8):
                values = {}
                for n, name in enumerate(uses):
                    pool = seen.get(name, []) + SAMPLES
                    values[name] = pool[(round_ * 7 + n * 3) % len(pool)]
                cases.append((step.say.source, values))
    return cases


RENDER_ALL = """cases => cases.map(([name, vars]) => {
    try { return hedgehogPreview.render(name, vars); } catch (e) { return "error: " + e.message; }
})"""


def test_every_prompt_renders_in_the_page_as_the_bot_renders_it(browser: Any, site: Path, library: Library):
    templates = Templates(*library.prompts)
    page, errors, _ = open_page(browser, site)
    expected: list[tuple[str, dict[str, Any], str]] = []
    for name, values in variable_sets(library, templates):
        try:
            expected.append((name, values, templates.file_prompt(name).render(values)))
        except (TypeError, jinja2.UndefinedError):
            continue  # values no flow can give together (a number where a word is compared)
    for name in SYSTEM_PROMPTS.values():
        context = {"expects": "text", "skippable": True, "low": 0, "high": 10, "kind": "", "limit": 300, "length": 412}
        context |= {"labels": ["Toward them"], "surface": "telegram", "buttons": True}
        expected.append((name, context, templates.file_prompt(name).render(context)))
    rendered = page.evaluate(RENDER_ALL, [[name, values] for name, values, _ in expected])
    mismatches = [
        f"{name} with {values}:\n  bot:  {text!r}\n  page: {got!r}"
        for (name, values, text), got in zip(expected, rendered, strict=True)
        if got != text
    ]
    assert not mismatches, "\n".join(mismatches[:5])
    assert len(expected) > 400
    assert errors == []


def test_every_route_condition_holds_in_the_page_as_in_the_bot(browser: Any, site: Path, library: Library):
    templates = Templates(*library.prompts)
    page, _, _ = open_page(browser, site)
    cases = []
    for flow in library.flows.values():
        values = {name: [value] for name, value in flow.vars.items()}
        for step in flow.steps.values():
            for choice in step.choices:
                for name, value in choice.set.items():
                    values.setdefault(name, []).append(value)
        for step in flow.steps.values():
            for index, route in enumerate(step.next):
                if route.when is None:
                    continue
                condition = templates.condition(route.when)
                for round_ in range(6):
                    given = {}
                    for n, name in enumerate(sorted(condition.uses)):
                        pool = [*values.get(name, []), None, 0, 3, 8, 10, True, False, "yes", ""]
                        given[name] = pool[(round_ * 5 + n) % len(pool)]
                    try:
                        holds = condition.holds(given)
                    except TypeError:
                        continue
                    cases.append((flow.id, step.id, index, given, holds))
    got = page.evaluate(
        """cases => cases.map(([flow, step, index, vars]) =>
            hedgehogPreview.holds(window.HEDGEHOG.flows[flow].steps[step].next[index].test, vars))""",
        [[f, s, i, g] for f, s, i, g, _ in cases],
    )
    assert [c[4] for c in cases] == got
    assert len(cases) > 50


def test_a_session_state_the_engine_rests_in_is_one_the_page_can_show(engine: Engine):
    """The walk's comparison rests on `Engine.show` and `Engine.start` being the bot's own
    words: a flow that does not exist is refused, not shown empty."""
    with pytest.raises(Exception, match="nonexistent"):
        engine.start("nonexistent")
    state = engine.start(FLOW).state
    assert isinstance(state, SessionState) and state.status == "active"


def test_the_preview_shows_what_the_transcripts_never_walk_and_links_the_report(browser: Any, tmp_path: Path):
    """`hedgehog coverage` writes its report beside the page; the page links it and marks
    the steps no transcript walks (here: a saved walk that walked nothing, so all of them)."""
    import os
    import subprocess
    import sys

    from bot.dialogue.coverage import Walked

    root = Path(__file__).resolve().parents[2]
    env = {k: v for k, v in os.environ.items() if not k.startswith("HEDGEHOG_")}
    site = tmp_path / "site"
    Walked(transcripts={"nothing"}).save(tmp_path / "walked.json")
    run = [sys.executable, "-m", "bot"]
    options = {"cwd": root, "env": env, "capture_output": True, "text": True, "timeout": 120, "check": False}
    measured = subprocess.run([*run, "coverage", "--walked", str(tmp_path / "walked.json"), "-o", str(site)], **options)
    assert measured.returncode == 1  # nothing walked: under every floor
    made = subprocess.run([*run, "preview", "-o", str(site)], **options)
    assert made.returncode == 0, made.stderr
    page, errors, _ = open_page(browser, site / "index.html")
    page.select_option("#flow", FLOW)
    steps = page.locator("#graph .node").count()
    assert steps > 0 and page.locator("#graph .node.uncovered").count() == steps
    assert "no transcript walks this step" in page.inner_text("#where")
    assert "steps 0 %" in page.inner_text("#coverage-link")
    page.click("#coverage-link")
    assert page.locator("table#coverage").count() == 1
    assert errors == []


def test_the_read_back_filters_fit_every_answer_of_the_corpus_as_the_bot_does(browser: Any, site: Path):
    """The hard part of the renderer: `fit`, `sentence`, `quote`, `i_do`, `they_do` and the tests, ported to
    the page's JavaScript, against Python's on every answer of the read-back corpus, with
    the lead-in words the shipped prompts drop (tests/readback/)."""
    from bot.dialogue import readback
    from tests.readback.corpus import LEAD_IN, SLOTS, corpus

    drops = [(), ("that", "because"), ("I felt", "I feel", "I'm", "I"), ("I need", "I want", "what I long for is")]
    answers = sorted({answer for slot in SLOTS for answer in corpus(slot)} | {LEAD_IN[s] + "x" for s in SLOTS})
    expected = [
        [
            *(readback.fit(answer, *drop) for drop in drops),
            readback.sentence(answer),
            readback.quote(answer),
            readback.fits(answer),
            readback.is_clause(answer),
            readback.is_someone_to(readback.fit(answer)),
            readback.is_ended(readback.quote(answer)),
            readback.i_do(answer),
            readback.they_do(answer, answers[n - 1]),
        ]
        for n, answer in enumerate(answers)
    ]
    page, _, _ = open_page(browser, site)
    got = page.evaluate(
        """([answers, drops]) => answers.map((a, n) => {
            const h = hedgehogPreview;
            return [...drops.map(d => h.fit(a, ...d)), h.sentence(a), h.quote(a), h.fits(a), h.isClause(a),
                    h.isSomeoneTo(h.fit(a)), h.isEnded(h.quote(a)), h.iDo(a), h.theyDo(a, answers.at(n - 1))];
        })""",
        [answers, [list(d) for d in drops]],
    )
    wrong = [f"{a!r}: bot {e}, page {g}" for a, e, g in zip(answers, expected, got, strict=True) if e != g]
    assert not wrong, "\n".join(wrong[:5])
    assert len(answers) > 1000


def test_a_follow_ups_plan_is_shown_as_the_bot_keeps_it(browser: Any, site: Path, engine: Engine):
    """The softened start-up's follow-up keeps the sentence `softened-startup/plan.j2` makes:
    the page shows it with the effect, word for word what the engine hands the coach."""
    from bot.engine.state import ScheduleFollowUp

    page, errors, _ = open_page(browser, site)
    page.select_option("#flow", "softened-startup")
    result = engine.start("softened-startup")
    steps: list[tuple[str, str]] = [
        ("press", "Yes, I feel safe"),
        ("press", "Calm enough"),
        ("type", "idk, kind of invisible?"),
        ("type", "that he made plans with his mates AGAIN without asking me"),
        ("type", "i just need him to check with me first??"),
        ("press", "Sounds right"),
        ("press", "This evening"),
    ]
    for how, words in steps:
        state = result.state
        if how == "press":
            question = page.locator(".msg.question").last
            question.locator(".choices button:not([disabled])", has_text=words).first.click()
            choice = next(c for c in engine.flow(state.flow_id).steps[state.step_id].choices if c.label == words)
            result = engine.handle(state, Choice(choice.id, state.step_id, state.seq))
        else:
            page.fill("#answer", words)
            page.press("#answer", "Enter")
            result = engine.handle(state, Text(words))
    [kept] = [e for e in result.effects if isinstance(e, ScheduleFollowUp)]
    assert kept.plan == (
        "I feel kind of invisible about how he made plans with his mates AGAIN without asking me, "
        "and I need him to check with me first."
    )
    notes = page.eval_on_selector_all(".note.effect", "ns => ns.map(n => n.textContent)")
    assert any(note.startswith("⚙ follow_up") and note.endswith(" plan: " + kept.plan) for note in notes), notes
    assert errors == []
