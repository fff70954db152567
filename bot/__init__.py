"""Hedgehog: a coach for the pursue-withdraw pattern, on Telegram and in the terminal."""

__version__ = "0.1.0"
