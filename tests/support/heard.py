"""Which prompt files each golden transcript's run renders.

`heard_engine(settings, heard)` builds the engine as `bot.app.build_engine` does, with one
difference: its `Templates` hand out prompts that note their file's name in `heard` each
time they are rendered. The words are rendered exactly as for people; nothing is replaced.
`hedgehog transcripts --touching prompts/break/signal.j2` reads what was heard (saved by
`pytest --transcript-report FILE`) to pick the transcripts that render a changed prompt.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.app import load_library
from bot.config import Settings
from bot.dialogue.templates import Prompt, Templates
from bot.engine.engine import Engine
from bot.safety import semantic


@dataclass(frozen=True, slots=True)
class HeardPrompt(Prompt):
    name: str = ""
    heard: set[str] = field(default_factory=set, compare=False)

    def render(self, variables: Mapping[str, Any]) -> str:
        self.heard.add(self.name)
        return Prompt.render(self, variables)


class HeardTemplates(Templates):
    def __init__(self, heard: set[str], *search_path: Path) -> None:
        super().__init__(*search_path)
        self.heard = heard

    def file_prompt(self, name: str) -> Prompt:
        prompt = super().file_prompt(name)
        return HeardPrompt(prompt.template, prompt.uses, name=name, heard=self.heard)


def heard_engine(settings: Settings, heard: set[str]) -> Engine:
    library = load_library(settings)
    return Engine(library, HeardTemplates(heard, *library.prompts), meaning=semantic.likeness)
