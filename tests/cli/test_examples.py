"""The scripts in examples/ run from any directory and print what the library computes (one import each)."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def run(name: str, cwd: Path) -> str:
    done = subprocess.run([sys.executable, str(EXAMPLES / name)], check=False, cwd=cwd, capture_output=True,
                          text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.mark.slow
def test_thresholds_example(tmp_path):
    out = run("thresholds_of_mechanisms.py", tmp_path)
    # the platform threshold of game 1: s = 5 (L lambda + c_D - B beta - G m) / (4 c_D) = 7/8 at the defaults
    assert "platform        threshold 0.875" in out


@pytest.mark.slow
def test_dynamics_example(tmp_path):
    out = run("plot_dynamics.py", tmp_path)      # the gallery's example, run from elsewhere
    # logit at eta = 0.5 on RPS: (replicator eigenvalues)/eta - 1 = -1 +- i/(sqrt(3) eta) = -1 +- 1.1547i
    assert "asymptotically stable  eigenvalues: -1.0000-1.1547i, -1.0000+1.1547i" in out
    # the replicator's interior point of RPS is a centre: purely imaginary, +- i/sqrt(3)
    replicator = next(line for line in out.splitlines() if line.startswith("replicator"))
    assert "non-hyperbolic" in replicator and "+0.0000+0.5774i" in replicator and "+0.0000-0.5774i" in replicator


@pytest.mark.slow
def test_regime_map_example(tmp_path):
    out = run("regime_map_under_smith.py", tmp_path)
    # Smith's stable corners are the strict Nash equilibria, which are the replicator's stable corners here
    replicator, smith = out.split("smith:")
    assert replicator.split("\n", 1)[1].strip() == smith.strip()
