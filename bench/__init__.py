"""Benchmarks that need real processes and the fake Bot API (run from a checkout:
`python -m bench.replicas`, `python -m bench.drain`). They print figures; nothing here
asserts a time."""
