"""`hedgehog run`: the coach on Telegram, with python-telegram-bot 22.

Updates are confirmed to Telegram only after their state change is committed. Stock
PTB polling confirms an update when it fetches it, so a crash mid-step would lose the
person's answer; here the poller fetches a batch, processes it, and only then asks for
the next `offset`. A crash before that makes Telegram deliver the batch again, and the
`processed_update` ledger turns what was already done into a harmless re-show.

Per-chat order: `PerChatProcessor` runs different chats concurrently and one chat's
updates one after another (the chat row lock does the same across processes).
"""

from bot.transports.telegram.bot import TRANSPORT, PerChatProcessor, TelegramBot
from bot.transports.telegram.menu import MENU, THERAPIST_MENU
from bot.transports.telegram.render import keyboard, split_text, with_progress
from bot.transports.telegram.startup import Drain, build_application, check_token, parse_listen, serve
from bot.transports.telegram.webhook import Webhook, webhook_secret

__all__ = [
    "MENU",
    "THERAPIST_MENU",
    "TRANSPORT",
    "Drain",
    "PerChatProcessor",
    "TelegramBot",
    "Webhook",
    "build_application",
    "check_token",
    "keyboard",
    "parse_listen",
    "serve",
    "split_text",
    "webhook_secret",
    "with_progress",
]
