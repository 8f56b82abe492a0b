"""The version is written in one place (evogame.__version__) and every other carrier repeats it."""
from __future__ import annotations

import re
import subprocess
import sys
import tomllib

import evogame
from conftest import ROOT


def test_the_package_metadata_takes_the_version_from_the_module():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "version" not in project["project"] and "version" in project["project"]["dynamic"]
    assert project["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "evogame.__version__"}


def test_the_citation_file_states_the_version():
    text = (ROOT / "CITATION.cff").read_text(encoding="utf-8")
    assert re.search(r'^version: "?([^"\n]+)"?$', text, re.M).group(1) == evogame.__version__


def test_the_changelog_has_a_section_for_the_version():
    text = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert f"## [{evogame.__version__}]" in text and "## [Unreleased]" in text


def test_the_command_line_prints_the_version():
    done = subprocess.run([sys.executable, "-m", "evogame.cli", "--version"], capture_output=True, text=True,
                          cwd=ROOT, check=False)
    assert done.returncode == 0 and done.stdout.split()[-1] == evogame.__version__
