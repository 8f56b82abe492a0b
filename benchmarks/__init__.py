"""evogame's benchmarks: ratios against the peers, measured in one process.

Run ``python -m benchmarks`` (a table) or ``python -m benchmarks --json``
(one JSON object).  See ``benchmarks/README.md`` for what each benchmark
measures, the goals and the recorded figures.  nashpy and egttools are
benchmark-only extras (``pip install .[bench]``); a row whose peer is not
installed says so and is skipped.
"""
