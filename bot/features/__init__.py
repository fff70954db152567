"""Pure features the coach uses: over the journal (`export`, `progress`, `chart`) and over
the clock (`schedule`). They take values and return values: no database, no Telegram."""
