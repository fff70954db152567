"""`python -m bot` is the same as the `hedgehog` command."""

from bot.cli import main

raise SystemExit(main())
