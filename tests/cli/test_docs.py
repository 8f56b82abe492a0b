"""The README's links lead somewhere: every relative link names a file of the repository."""
from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_every_relative_link_in_the_docs_exists():
    for doc in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        text = doc.read_text(encoding="utf-8")
        links = re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", text)
        relative = [link for link in links if not re.match(r"[a-z]+:", link)]
        assert relative or doc.name != "README.md"
        for link in relative:
            assert (doc.parent / link).exists(), f"{doc.name} links to {link}, which is not in the repository"


def test_no_doc_sends_the_reader_to_files_outside_the_repository():
    for doc in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        text = doc.read_text(encoding="utf-8")
        assert "MODELS.md" not in text and "DOMAIN.md" not in text, doc.name
