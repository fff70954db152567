"""`hedgehog bench`: figures for the engine and a durable step, measured in one run.

1. pure engine steps/s: `Engine.handle` (render + transition), no I/O;
2. the transition alone, detached (set the cursor's state, fire on the shared
   machine) against the naive way (`add_model` ... `remove_model` per message),
   as a ratio, plus the memory one attached chat costs;
3. full durable steps/s: `Coach.handle` with SQLite (claim the update, load, engine,
   save, journal, commit), in a fresh temporary database; and the same begun the
   event loop's way (`Store.at_once`);
4. crisis detection per free-text message, mean and p99 in microseconds: the patterns
   alone, the trained layer alone, `detect` as shipped (patterns, then the trained
   layer when they are not certain), a typed answer read for crisis language and then
   for its likeness to the buttons (its vector made once, and made twice as before the
   embedder remembered it), and a 4,096-character message; plus the trained layer's
   load time (the model and the classifier's weights).

A walker answers whatever each step asks (the first button, a short text, a middle
scale value) and starts the flow again when it ends, so the figures follow the
shipped content. Nothing here asserts on time; compare figures from one run.
"""

from __future__ import annotations

import gc
import platform
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

from bot.config import Settings
from bot.engine.engine import Engine
from bot.engine.machines import Cursor
from bot.engine.state import Choice, Event, Reply, SessionState, Text

ANSWER = "I sent a message and no reply came for hours."


def answer_for(reply: Reply) -> Event:
    """What the walker sends to a question."""
    if reply.expects == "scale" and reply.scale:
        return Text(str((reply.scale[0] + reply.scale[1]) // 3))
    if reply.expects == "text":
        return Text(ANSWER)
    button = reply.buttons[0]
    return Choice(button.id, reply.step_id, reply.seq)


class Walker:
    """Drives a flow forever through the pure engine."""

    def __init__(self, engine: Engine, flow_id: str) -> None:
        self.engine = engine
        self.flow_id = flow_id
        result = engine.start(flow_id)
        self.state: SessionState = result.state
        self.question = result.replies[-1]

    def step(self) -> tuple[SessionState, Event]:
        """One event through the engine; returns the state it was applied to and the event."""
        before, event = self.state, answer_for(self.question)
        result = self.engine.handle(before, event)
        if result.state.status != "active":
            result = self.engine.start(self.flow_id, seq=result.state.seq)
        self.state = result.state
        self.question = next(r for r in reversed(result.replies) if r.step_id is not None)
        return before, event


class ChatModel:
    """What the naive way attaches per chat: an ordinary object that `add_model` decorates
    with trigger methods (`to_<state>`, `is_<state>`, one per event)."""

    def __init__(self, state: str, variables: dict[str, object]) -> None:
        self.state = state
        self.vars = variables


def _rate(count: int, seconds: float) -> str:
    return f"{count / seconds:>12,.0f}/s  {seconds / count * 1e6:>8.1f} us each"


def _timed(run: Callable[[], object], count: int) -> float:
    gc.collect()
    started = time.perf_counter()
    for _ in range(count):
        run()
    return time.perf_counter() - started


def bench_engine(engine: Engine, flow_id: str, steps: int) -> float:
    walker = Walker(engine, flow_id)
    for _ in range(min(steps // 10, 2000)):
        walker.step()
    return _timed(walker.step, steps)


def bench_transitions(engine: Engine, flow_id: str, steps: int) -> tuple[float, float, float]:
    """Seconds for `steps` transitions detached vs attached, and KiB per attached model."""
    compiled = engine.flows[flow_id]
    walker = Walker(engine, flow_id)
    moves: list[tuple[str, dict[str, object], str]] = []
    while len(moves) < 200:
        state, event = walker.step()
        if state.flow_id != flow_id:
            continue
        step = compiled.flow.steps[state.step_id]
        trigger = f"choose:{event.choice_id}" if isinstance(event, Choice) and step.choice(event.choice_id) else "next"
        variables = dict(state.vars)
        if step.scale and isinstance(event, Text):
            variables[step.scale.var] = int(event.text)
        moves.append((state.step_id, variables, trigger))
    machine = compiled.machine
    rounds = max(steps // len(moves), 1)

    def detached() -> None:
        for step_id, variables, trigger in moves:
            compiled.fire(Cursor(step_id, variables), trigger)

    def attached() -> None:
        for step_id, variables, trigger in moves:
            model = ChatModel(step_id, variables)
            machine.add_model(model, initial=step_id)
            machine.events[trigger].trigger(model)
            machine.remove_model(model)

    fast = _timed(detached, rounds)
    slow = _timed(attached, max(rounds // 10, 1)) * (rounds / max(rounds // 10, 1))
    tracemalloc.start()
    models = []
    before = tracemalloc.take_snapshot()
    for i in range(200):
        model = ChatModel(moves[i % len(moves)][0], {})
        machine.add_model(model, initial=model.state)
        models.append(model)
    after = tracemalloc.take_snapshot()
    tracemalloc.stop()
    for model in models:
        machine.remove_model(model)
    grown = sum(stat.size_diff for stat in after.compare_to(before, "filename"))
    return fast / (rounds * len(moves)), slow / (rounds * len(moves)), grown / 200 / 1024


def bench_durable(settings: Settings, engine: Engine, flow_id: str, steps: int, at_once: bool = False) -> float:
    """Seconds for `steps` durable steps; `at_once`: each begun the way the event loop begins
    them (`Store.at_once`: never waiting for SQLite's write lock)."""
    from bot.coach import Coach
    from bot.contract import Incoming
    from bot.storage import ChatKey, Store

    with tempfile.TemporaryDirectory() as folder:
        store = Store.open(f"sqlite:///{Path(folder) / 'bench.sqlite3'}")
        try:
            coach = Coach(engine, store, flow_id)
            chat = ChatKey("bench", "walker")
            question = coach.open(chat, flow_id)[-1]
            update = 0

            def step() -> None:
                nonlocal question, update
                update += 1
                if at_once:
                    with store.at_once():
                        replies = coach.handle(Incoming(chat, answer_for(question), update))
                else:
                    replies = coach.handle(Incoming(chat, answer_for(question), update))
                asking = [r for r in replies if r.step_id is not None]
                if not asking:
                    asking = [coach.open(chat, flow_id)[-1]]
                question = asking[-1]

            for _ in range(min(steps // 10, 200)):
                step()
            return _timed(step, steps)
        finally:
            store.close()


def _spread(run: Callable[[str], object], messages: list[str], rounds: int = 1) -> tuple[float, float]:
    """Mean and 99th percentile, in microseconds, of `run` over `messages`."""
    times = []
    for _ in range(rounds):
        for message in messages:
            started = time.perf_counter()
            run(message)
            times.append(time.perf_counter() - started)
    times.sort()
    return sum(times) / len(times) * 1e6, times[min(len(times) - 1, int(len(times) * 0.99))] * 1e6


def bench_detection() -> list[tuple[str, float, float]]:
    """Crisis detection costs per message; the messages are every tenth training line
    (crisis and ordinary alike), the way a person types them."""
    from bot.safety import classifier, semantic
    from bot.safety.crisis import detect, detect_patterns

    cold = "import time; t = time.perf_counter(); from bot.safety import semantic; semantic.load()"
    cold += "; print(time.perf_counter() - t)"
    load = float(subprocess.run([sys.executable, "-c", cold], capture_output=True, text=True, check=True).stdout)
    layer = semantic.load()
    messages = [line.text for line in classifier.training_set()[::10]]
    long = ((ANSWER + " ") * 100)[:4096]
    figures = [("patterns alone", *_spread(detect_patterns, messages, rounds=5))]
    if layer is not None:
        figures.append(("trained layer alone", *_spread(semantic.judge, messages)))
    figures.append(("detect (patterns, then trained)", *_spread(detect, messages)))
    if layer is not None:
        # A free-text answer at a question with buttons is read twice: for crisis language and
        # for its likeness to the buttons' words. Every message is new to the model (the
        # remembered vectors are dropped first); the second row drops them between the two
        # readings too, as if each embedded the message on its own.
        labels = ["Yes, that's it", "Not really", "Something else"]

        def answer(text: str, between: bool) -> None:
            layer.embedder.forget()
            detect(text)
            if between:
                layer.embedder.forget()
            semantic.likeness(text, labels)

        some = messages[:60]
        once = _spread(lambda text: answer(text, False), some)
        twice = _spread(lambda text: answer(text, True), some)
        figures.append(("answer read twice, embedded once", *once))
        figures.append(("answer read twice, embedded twice", *twice))
    figures.append(("4,096 characters, patterns alone", *_spread(detect_patterns, [long] * 20)))
    figures.append(("4,096 characters, detect", *_spread(detect, [long] * 20)))
    figures.append(("trained layer load (s)" if layer is not None else "trained layer: not installed", load, load))
    return figures


def bench_metrics(count: int) -> float:
    """What one update adds in counting (`bot.metrics`): the update by kind and outcome, the
    step's and the commit's time, and one Bot API call with its time (a reply)."""
    from bot import metrics

    def update() -> None:
        metrics.UPDATES.labels("text", "moved").inc()
        metrics.STEP_SECONDS.labels("text").observe(0.0031)
        metrics.COMMIT_SECONDS.observe(0.0004)
        metrics.BOT_API_CALLS.labels("sendmessage").inc()
        metrics.BOT_API_SECONDS.labels("sendmessage").observe(0.042)

    for _ in range(1000):
        update()
    return _timed(update, count)


def run_benchmarks(settings: Settings, steps: int = 20_000) -> int:
    from bot.app import build_engine

    engine = build_engine(settings)
    flow_id = settings.default_flow
    print(f"hedgehog bench: flow '{flow_id}', Python {platform.python_version()}, {platform.machine()}, one process")
    pure = bench_engine(engine, flow_id, steps)
    print(f"  pure engine step (render + transition):  {_rate(steps, pure)}")
    fast, slow, kib = bench_transitions(engine, flow_id, steps)
    print(f"  transition, detached cursor:             {_rate(1, fast)}")
    print(f"  transition, add_model/remove_model:      {_rate(1, slow)}")
    print(f"    naive / detached time ratio:           {slow / fast:>12.1f}x")
    print(f"    memory per attached chat:              {kib:>12.1f} KiB")
    durable_steps = max(steps // 5, 500)
    durable = bench_durable(settings, engine, flow_id, durable_steps)
    print(f"  full durable step (SQLite commit):       {_rate(durable_steps, durable)}")
    print(f"    durable / pure time ratio:             {(durable / durable_steps) / (pure / steps):>12.1f}x")
    at_once = bench_durable(settings, engine, flow_id, durable_steps, at_once=True)
    print(f"  the same, begun at once (event loop):    {_rate(durable_steps, at_once)}")
    counted = bench_metrics(steps)
    print(f"  metrics one update adds (5 series):      {_rate(steps, counted)}")
    print(f"    share of a durable step:               {(counted / steps) / (durable / durable_steps):>12.1%}")
    print("  crisis detection per message:              mean us      p99 us")
    for name, mean, p99 in bench_detection():
        if name.startswith("trained layer load"):
            print(f"    {name:<37}{mean:>12.2f}")
        else:
            print(f"    {name:<37}{mean:>12,.0f}{p99:>12,.0f}")
    return 0
