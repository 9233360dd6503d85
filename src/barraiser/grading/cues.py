"""Surface cues of a unit that sentence embeddings are known to miss.

Embeddings place "we need a fallback" and "we don't need a fallback" side by
side; they barely see whether a sentence is a question or carries a figure. These
cues are fed to the classifier as features and used by the rules in detect.py.
They describe form (negation, question, number, list), never the topic, so they
carry over to people who phrase things differently.
"""

from __future__ import annotations

import re

# Spoken figures too: "about a third", "nineteen in twenty", "trust halved", "hundreds of".
_NUMBER_WORDS = (r"zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|"
                 r"fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|"
                 r"eighty|ninety|(?:hundred|thousand|million|billion|dozen)s?|"
                 r"half|halve[sd]?|halving|double[sd]?|doubling|triple[sd]?|tripling|twice|"
                 r"quarters?|thirds?|fifths?|tenths?|tenfold")
NUMBER = re.compile(rf"\d|%|\bper ?cent\b|\b(?:{_NUMBER_WORDS})\b|\b\d*x\b", re.I)
QUESTION_START = re.compile(
    r"^(?:(?:so|and|ok(?:ay)?|um+|uh+|right|also|just|quick question|first|then|before i (?:start|begin|dive in)|"
    r"one (?:more )?thing)[,\s]+)*"
    r"(?:is|are|was|were|do|does|did|can|could|should|would|will|may|might|shall|have|has|"
    r"what|what's|whats|who|whom|which|where|when|why|how|am i|are we|is it|is this|"
    r"i(?:'d| would) (?:like|love|want) to (?:know|ask|understand|check|clarify|confirm)|"
    r"i (?:want|wanted|need) to (?:know|ask|understand|check|clarify|confirm)|"
    r"i(?:'m| am) (?:curious|wondering)|can i ask|may i ask|let me ask|quick question|"
    r"just to (?:clarify|confirm|check)|to clarify|do we know|are we talking|"
    r"are we (?:building|designing|focus|target)|should i (?:assume|focus)|"
    r"is the (?:goal|focus|user)|any (?:constraints|data)|tell me (?:more )?about)\b", re.I)
NEGATION = re.compile(r"\b(?:not|no|never|without|nothing|none|neither|nor|cannot|can't|won't|"
                      r"wouldn't|don't|doesn't|didn't|shouldn't|isn't|aren't|n't)\b|n't\b", re.I)
# Naming an idea only to set it aside: "we don't need a fallback", "I'll skip cold start".
REFUSAL = re.compile(
    r"\b(?:(?:do|does|did|would|will|should)\s?n[o']t|not|never|no)\s+(?:really\s+|even\s+|actually\s+)?"
    r"(?:need|bother|worry|care|going to (?:worry|bother|need|do|spend|cover|get into|think)|"
    r"want to (?:worry|bother|spend|get into)|think we need|have time)|"
    r"\bno need\b|\bnot (?:needed|necessary|important|worth|relevant|a priority|something)\b|"
    r"\b(?:leave out|leaving out|set aside|punt|punting on|not bother(?:ing)? with)\b|"
    r"\bout of scope\b|\bnot in scope\b|\bwon't (?:cover|address|handle|go into|get into)\b|"
    r"\b(?:overkill|premature|unnecessary)\b", re.I)
# What turns a refusal into a real answer: "not an error, instead we show..."
REDIRECT = re.compile(r"\b(?:instead|rather|but|so (?:we|i)|we(?:'d| would)? (?:show|fall|use|give|route|send|return)|"
                      r"(?:and|just) (?:show|use|return|route|send|give)|falls? back|default to)\b", re.I)
# In captions with no punctuation a question shows only by its word order.
INVERTED_QUESTION = re.compile(r"\b(?:is it|is this|is that|are we|are they|are these|do we|does it|does the|can we|"
                               r"should we|will it|would it|or is it|which (?:one|users?|platform)|how (?:many|much|often))\b",
                               re.I)
# Words a keyword-stuffer strings together; a list made of them names the rubric, nothing more.
RUBRIC_TERMS = re.compile(r"\b(?:users?|personas?|segments?|metrics?|north star|kpis?|constraints?|trade-?offs?|"
                          r"fallbacks?|guardrails?|cold[- ]start|retrain\w*|drift|latency|accuracy|precision|recall|"
                          r"coverage|freshness|trust|cost|data|a/?b|experiments?|scale|10x|failure modes?|edge cases?|"
                          r"thresholds?|monitoring|privacy|safety|flow|options?|mvp|v1|v2|framing|scope)\b", re.I)
FILLERS = re.compile(r"\b(?:um+|uh+|like|you know|i mean|basically|sort of|kind of|so yeah|right)\b", re.I)
AGREEMENT = re.compile(
    r"^(?:(?:yes|yeah|yep|yup|sure|right|exactly|agreed|absolutely|totally|correct|definitely|"
    r"of course|ok(?:ay)?|got it|makes sense|that makes sense|good point|fair|fair enough|"
    r"sounds good|true|i agree|agree|mm+|mhm|uh-huh|great|perfect|cool|noted|understood)"
    r"[\s,.!-]*)+(?:that'?s (?:right|fair|true|a good point)|i think so|for sure|yes)?[\s.!]*$", re.I)
_WORDS = re.compile(r"[A-Za-z0-9'%-]+")
_STOP = set("""a an the and or but so of to in on for with at by from as is are was were be been being it
its this that these those i we you they he she me us our my your their them then than there here
do does did have has had will would can could should may might must just really very also like um uh
yeah yes okay ok well kind sort basically actually think know mean going get got let lets let's""".split())


def words(text: str) -> list[str]:
    return _WORDS.findall(text.lower())


def content_words(text: str) -> list[str]:
    return [w for w in words(text) if w not in _STOP and len(w) > 2]


def is_question(text: str) -> bool:
    t = text.strip()
    if t.endswith("?") or QUESTION_START.match(t):
        return True
    # a caption without punctuation: judge by word order
    return not re.search(r"[.!?]", t) and bool(INVERTED_QUESTION.search(t))


def has_number(text: str) -> bool:
    return bool(NUMBER.search(text))


def is_refusal(text: str) -> bool:
    """Names an idea to set it aside, with no alternative offered after it."""
    m = REFUSAL.search(text)
    if not m:
        return False
    return not REDIRECT.search(text, m.end())


def is_agreement_only(text: str) -> bool:
    return bool(AGREEMENT.match(text.strip()))


def is_list_like(text: str) -> bool:
    """A bare list of rubric terms: keyword stuffing, not an answer.

    "User, metric, constraint, trade-off, fallback, guardrail, all covered." is one;
    "I'll design for a driver alone, on a commute, hands on the wheel" is an ordinary
    enumeration and is not: the short parts must be made of the rubric's own words.
    """
    low = text.lower()
    if text.count(",") + text.count(";") + low.count("and") + low.count("plus") < 3:
        return False  # fewer than four parts (a cheap bound on the split below)
    cleaned = FILLERS.sub(" ", text)
    parts = [p for p in re.split(r",|;|\band\b|\bplus\b", cleaned) if p.strip()]
    if len(parts) < 4:
        return False
    short = [p for p in parts if len(content_words(p)) <= 3]
    rubric_short = [p for p in short if RUBRIC_TERMS.search(p)]
    return len(short) / len(parts) >= 0.75 and len(rubric_short) >= 3


def new_words(text: str, previous: str) -> set[str]:
    """Content words of the unit that the interviewer did not just say."""
    return set(content_words(text)) - set(content_words(previous))


def is_echo(text: str, previous: str) -> bool:
    """Restates the interviewer and adds nothing: "so the metric is retention" after
    "is your metric retention?". An answer adds at least one word of its own."""
    return bool(previous) and bool(content_words(text)) and not new_words(text, previous)


FEATURE_NAMES = ("question", "number", "negation", "refusal", "agreement", "list", "length")


def features(text: str) -> list[float]:
    n = len(words(text))
    return [
        float(is_question(text)),
        float(has_number(text)),
        float(bool(NEGATION.search(text))),
        float(is_refusal(text)),
        float(is_agreement_only(text)),
        float(is_list_like(text)),
        min(n, 40) / 40.0,
    ]
