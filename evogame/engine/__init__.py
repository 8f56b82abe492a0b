"""The engine: ``analyze`` and its result types (:mod:`.analysis`), rest points as compiled functions of
the parameters (:mod:`.parametric`), a target's Jacobian along one unknown (:mod:`.targets`) and the
stability table (:mod:`.stability_table`).  Modules load on first use (``evogame --help`` starts fast)."""
