"""``python -m evogame.cli``: the same as the ``evogame`` command."""
from . import main

main()
