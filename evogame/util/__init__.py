"""Utilities beneath every layer: time limits on sympy work (:mod:`.timelimit`), numbers as text and
JSON-safe data (:mod:`.formatting`), the result cache (:mod:`.cache`) and executors for scale-out
(:mod:`.executors`).  Nothing here imports another evogame layer."""
