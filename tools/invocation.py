"""How people invoke a custom skill, per Amazon's "Understand How Users Invoke Custom Skills":
the one list of launch, ask and connecting words, read by the simulator (to parse what is said)
and the linter (to keep those words out of invocation names and samples)."""

from __future__ import annotations

LAUNCH_VERBS = ("open", "launch", "start", "begin", "load", "run", "play", "resume", "use", "talk")
ASK_VERBS = ("ask", "tell")
CONNECTING_WORDS = ("about", "and", "by", "for", "from", "if", "in", "that", "to", "using", "whether", "with")
# Words that may start a launch phrase; neither a sample nor an invocation name may begin or end with one.
RESERVED_LAUNCH_WORDS = frozenset((*LAUNCH_VERBS, *ASK_VERBS, "can", "enable"))
