"""HH044's screen, measured: Chromium lays out every paragraph of the shipped prompts at the
size `bot.dialogue.style` assumes for a phone's message bubble (260 px of 16 px text on
22 px lines, in Liberation Sans: Arial's widths, close to Roboto's), and the line estimate
the checker uses (`CHARS_PER_LINE` characters a line) must not fall short of it.

Run with `-s` to see the figures.
"""

from __future__ import annotations

import math
from typing import Any

from bot.config import PROJECT_ROOT
from bot.dialogue import Templates
from bot.dialogue.style import CHARS_PER_LINE, read_prompt

BUBBLE = "width:260px;font:16px/22px 'Liberation Sans',Arial,sans-serif;overflow-wrap:anywhere"


def paragraphs() -> list[str]:
    """Each paragraph of each shipped prompt as the checker reads it (the longest branch)."""
    prompts = PROJECT_ROOT / "prompts"
    templates = Templates(prompts)
    found: list[str] = []
    for file in sorted(prompts.rglob("*.j2")):
        name = str(file.relative_to(prompts))
        words = read_prompt(templates, templates.env.parse(file.read_text(encoding="utf-8")), name)
        found += [line.strip() for line in words.longest.strip().split("\n") if line.strip()]
    return found


def test_the_line_estimate_is_not_shorter_than_chromium_lays_it_out(browser: Any) -> None:
    texts = paragraphs()
    page = browser.new_page()
    try:
        page.set_content(f'<div id="bubble" style="{BUBBLE}"></div>')
        laid_out: list[int] = page.evaluate(
            """(texts) => texts.map((t) => {
                const bubble = document.getElementById('bubble');
                bubble.textContent = t;
                return Math.round(bubble.getBoundingClientRect().height / 22);
            })""",
            texts,
        )
    finally:
        page.close()
    estimated = [max(1, math.ceil(len(t) / CHARS_PER_LINE)) for t in texts]
    short = sum(e < m for e, m in zip(estimated, laid_out, strict=True))
    print(
        f"\n{len(texts)} paragraphs, {sum(map(len, texts))} characters: Chromium {sum(laid_out)} lines, "
        f"the estimate at {CHARS_PER_LINE} a line {sum(estimated)}; {short} paragraphs a line short"
    )
    assert sum(estimated) >= sum(laid_out), "the estimate would let a prompt that scrolls pass"
    assert short <= len(texts) // 10, "the estimate is short for too many paragraphs"
