"""The commands Telegram's menu lists: everyone's, and the therapists' extra ones.

A therapist's chat has its own menu (`BotCommandScopeChat`); taking it away leaves the
chat with everyone's. It follows the role: an invite redeemed here, or `hedgehog therapist
add/remove` (which records a "menu" follow-up the running bot applies on its next round).
"""

from __future__ import annotations

from telegram import Bot, BotCommand, BotCommandScopeChat

# setMyCommands: what people see in Telegram's menu. Only commands that work are listed.
MENU = (
    ("checkin", "Check in about what's happening now"),
    ("break", "Too stirred up? Pause and calm down"),
    ("map", "Trace one hard moment, step by step"),
    ("startup", "Gentle words for something that bothers you"),
    ("pattern", "The loop you two get stuck in"),
    ("resume", "Show where you left off"),
    ("skip", "Skip this question"),
    ("restart", "Start this exercise again"),
    ("stop", "Stop here (answers stay saved)"),
    ("progress", "How the last weeks went"),
    ("review", "Look back at your week"),
    ("sos", "People to talk to, right now"),
    ("plan", "Your safety plan for hard moments"),
    ("hide", "Clear this chat from the screen, fast"),
    ("safety", "Exercises toward your partner: on or off"),
    ("country", "Which country's help lines you see"),
    ("reminders", "What I plan to send, and when"),
    ("export", "Everything I keep about you, as files"),
    ("delete", "Erase everything I keep about you"),
    ("sharing", "What a therapist who gave you homework sees"),
    ("help", "What I can do"),
)
# Added to the menu of a chat that becomes a therapist (a menu scoped to that chat).
THERAPIST_MENU = (
    ("assign", "Give a client homework"),
    ("clients", "Your clients and their homework"),
    ("client", "One client's history: /client NAME"),
    ("unassign", "End a piece of homework"),
)


async def follow_role(bot: Bot, chat_id: int, therapist: bool) -> None:
    """Give a chat the therapist menu, or take it away (back to everyone's)."""
    scope = BotCommandScopeChat(chat_id)
    if therapist:
        await bot.set_my_commands([BotCommand(n, t) for n, t in (*MENU, *THERAPIST_MENU)], scope=scope)
    else:
        await bot.delete_my_commands(scope=scope)
