"""`hedgehog bench`: figures measured in one run, never asserted (`steps`: the engine and a
durable step; `telegram`: through python-telegram-bot against its plain peers in `peer`;
`start`: start-up time and memory)."""
