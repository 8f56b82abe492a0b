"""A plain-text table too wide for 100 columns wraps its cells inside their columns; when every column's
longest word fits, no word is broken across lines."""
from __future__ import annotations

from hypothesis import given, settings, strategies as st

from evogame.render.plain import WIDTH, display_width, fit_table

word = st.text(alphabet="abcdefghij(),-.0123456789", min_size=1, max_size=12)
cell = st.lists(word, min_size=1, max_size=6).map(" ".join)


@settings(max_examples=200, deadline=None)
@given(st.integers(2, 8).flatmap(lambda k: st.lists(st.lists(cell, min_size=k, max_size=k), min_size=2,
                                                     max_size=5)))
def test_words_stay_whole_when_the_longest_words_fit(rows):
    longest = [max(len(w) for r in rows for w in r[i].split()) for i in range(len(rows[0]))]
    lines = fit_table(rows)
    assert all(display_width(line) <= WIDTH for line in lines)
    if sum(longest) + 2 * (len(longest) - 1) <= WIDTH:
        tokens = {t for line in lines for t in line.split()}
        for r in rows:
            for c in r:
                for w in c.split():
                    assert w in tokens, (w, lines)
