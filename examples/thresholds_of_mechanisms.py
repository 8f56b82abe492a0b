"""How strong must each mechanism be before full sharing is the stable outcome? (game 1, the vertical game)

Run:  python examples/thresholds_of_mechanisms.py
"""
from pathlib import Path

import evogame

SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"

scenario = evogame.load_scenario(SCENARIOS / "vertical.toml")
baseline = evogame.analyze(scenario)
print("stable at the baseline:", ", ".join(p.label for p in baseline.stable) or "none")

for name in scenario.mechanisms:
    try:
        result = evogame.threshold(scenario, [name])
    except evogame.EvogameError as exc:        # e.g. a target that cannot be followed
        print(f"{name:15s} {exc}")
        continue
    value = "none" if result.threshold is None else f"{result.threshold:.6g}"
    print(f"{name:15s} threshold {value:10s} {result.status}: {result.direction}")
