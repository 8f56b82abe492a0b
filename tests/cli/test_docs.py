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



def test_the_readme_names_every_latex_package_the_report_uses():
    from evogame.render.latex import latex
    from evogame.render.document import Document, Paragraph, inline

    packages = set()
    for lang in ("en", "zh"):
        tex = latex(Document("t", (Paragraph(inline("x")),), lang))
        for group in re.findall(r"\\usepackage(?:\[[^\]]*\])?\{([^}]*)\}", tex):
            packages |= {p.strip() for p in group.split(",")}
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    stated = re.search(r"LaTeX needs the packages\s+([^(]*)", readme).group(1)
    assert packages - {"ctex"} == set(re.findall(r"[a-z]+", stated.replace(" and ", ", "))) - {"and"}
    assert "ctex" in packages and "ctex" in readme
