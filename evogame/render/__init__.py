"""The render layer: results as documents, documents as Markdown, LaTeX or plain text.

:mod:`.document` is the model (blocks and inline spans, plain frozen data);
:mod:`.markdown`, :mod:`.latex` and :mod:`.plain` are its back ends;
:mod:`.report_document` builds the report's document and
:mod:`.phrases` what the report and the terminal text both say.  Numbers go
through :mod:`evogame.util.formatting`, the one formatter.
"""
