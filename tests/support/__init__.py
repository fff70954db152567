"""What the tests drive the real parts with: the fake Bot API on loopback and the transcript runner."""
