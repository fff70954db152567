"""The pure dialogue engine: no Telegram, no database."""
