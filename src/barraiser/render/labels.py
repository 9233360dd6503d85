"""Words shared by every renderer (so the terminal, Markdown and HTML agree)."""

VERDICT_LABELS = {
    "strong_hire": "Strong hire",
    "hire": "Hire",
    "no_hire": "No hire",
    "strong_no_hire": "Strong no hire",
}
SCORE_LABELS = {1: "clear miss", 2: "below bar", 3: "at bar", 4: "bar raiser"}
PHASE_LABELS = {"framing": "Framing", "flow": "Flow", "deep_dive": "Deep dive", "edge_cases": "Edge cases"}
