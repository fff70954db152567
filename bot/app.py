"""Wiring: settings -> checked dialogues -> engine -> store -> coach. Used by every command."""

from __future__ import annotations

import threading
from datetime import timedelta
from pathlib import Path

from bot.coach import SERVICE_PROMPTS, THERAPY_PROMPTS, Coach
from bot.config import Settings
from bot.dialogue.check import load_checked
from bot.dialogue.model import Library
from bot.dialogue.templates import Templates
from bot.engine.engine import SYSTEM_PROMPTS, Engine
from bot.safety import crisis, semantic
from bot.storage import Store

REQUIRED_TEMPLATES = (*SYSTEM_PROMPTS.values(), *SERVICE_PROMPTS.values(), *THERAPY_PROMPTS.values())


def load_library(settings: Settings, paths: list[Path] | None = None) -> Library:
    """Every flow, checked; raises DialogueError with every problem if any."""
    return load_checked(
        paths or [settings.dialogues_dir], [settings.prompts_dir], REQUIRED_TEMPLATES, cache=settings.cache_dir
    )


def build_engine(settings: Settings) -> Engine:
    # Typed answers at a question with buttons are read by meaning too, with the sentence
    # encoder the crisis layer already loads.
    # Compiled prompt files are kept with the checked flows (`HEDGEHOG_CACHE_DIR`).
    library = load_library(settings)
    kept = settings.cache_dir / "templates" if settings.cache_dir is not None else None
    return Engine(library, Templates(*library.prompts, kept=kept), meaning=semantic.likeness)


def build_coach(settings: Settings, engine: Engine | None = None, store: Store | None = None) -> Coach:
    """The dialogue files load (and are checked) before the database is opened, so a
    broken file never touches anything saved."""
    engine = engine or build_engine(settings)
    engine.flow(settings.default_flow)
    store = store or Store.open(settings.database_url)
    coach = Coach(engine, store, settings.default_flow, log_salt=settings.log_salt)
    coach.practice.link_lifetime = timedelta(days=settings.homework_link_days)
    store.lease = timedelta(seconds=settings.outbox_lease)
    return coach


def warm_detector() -> threading.Thread:
    """Compile the crisis patterns and load the sentence model and the classifier in the background (about a
    second), so the first person who writes does not wait for them; a message that comes
    sooner waits for the load, never goes unchecked. Join the thread before the process
    exits: onnxruntime aborts the process ("terminate called without an active exception")
    if the interpreter ends while it is still loading."""
    thread = threading.Thread(target=crisis.warm, name="warm-detector", daemon=True)
    thread.start()
    return thread
