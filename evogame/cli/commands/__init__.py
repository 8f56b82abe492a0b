"""One module per ``evogame`` command; each defines ``command`` (a click command)."""
