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
# Naming an idea only to put it off or hand it to someone else: "I'd hold off on a metric",
# "the pilot will show which constraint bites", "data science would propose a metric",
# "it depends" (on nothing said). Used by the rules only, not as a model feature.
HEDGE = re.compile(
    r"\b(?:careful about (?:picking|choosing|committing|locking|naming|ranking)|"
    r"(?:rather|prefer to|like to) (?:not|keep (?:it|things|that) (?:open|flexible|loose)|hold off|wait)|"
    r"hold(?:ing)? off (?:on|with)|keep (?:it|things|our options) (?:open|flexible)|"
    r"(?:don't|do not|doesn't) think (?:there'?s|there is|we have) (?:one|a single|really)|"
    r"no (?:single|one) (?:user|metric|constraint|answer)|"
    r"let(?:ting)? (?:the |what )?(?:data|pilot|beta|users?|model|market|experiments?|we learn|team) "
    r"(?:decide|tell|show|guide|figure|pick|choose)|"
    r"(?:pilot|beta|data|experiments?|launch) (?:will|would|can) (?:show|tell|decide|reveal)|"
    r"(?:data science|legal|engineering|ml|ds|platform|analytics|compliance|ops|other) (?:team|folks|people)? ?"
    r"(?:would|will|can|should) (?:propose|own|decide|define|pick|handle|figure|choose|set)|"
    r"too early to|(?:wouldn't|would not|don't|do not) want to (?:pick|commit|lock|decide|choose|rank|name)|"
    r"nothing (?:really )?(?:breaks|will break|would break|fails|goes wrong) (?:at|when|if)|"
    r"(?:it|that|this) (?:all )?depends(?![^.]*\b(?:on whether|if)\b)|"
    r"(?:figure|work) (?:it|that|this) out (?:later|as we go|in the pilot|in beta)|"
    r"a (?:nice|good) problem to have|(?:worry|think) about (?:it|that) later|cross that bridge)", re.I)


def is_hedge(text: str) -> bool:
    return bool(HEDGE.search(text))


# A preference that names its price: "I'd rather page a few extra people than let one
# outage sit", "seventy percent touchless instead of ninety if that's the price of...",
# "we accept wider windows", "even if it's a bit annoying". The subject is the candidate
# or the system ("the rep would rather type it" describes a user), and "what we give up"
# only names the idea. Used by a rule for tradeoff_statement (detect.py), not a feature.
PREFERS_AT_A_COST = re.compile(
    r"\b(?:(?:i|we|it)(?:'d| would)? (?:much |happily )?rather\b[^.?!]{3,90}?\bthan\b|"
    r"instead of\b[^.?!]{3,60}?\b(?:if|as long as|so that|because|since)\b|"
    r"even (?:if|when|though)\b|at the (?:cost|price|expense) of|the price of|in (?:exchange|return) for|"
    r"(?<!what )(?:we|i)(?:'d|'ll| will| would| can)? (?:happily |gladly |just )?"
    r"(?:accept|live with|give up|sacrifice|trade)\b|"
    r"happy to (?:lose|give up|take|accept|sit|pay|miss))", re.I)


def prefers_at_a_cost(text: str) -> bool:
    return bool(PREFERS_AT_A_COST.search(text)) and not is_hedge(text) and not is_refusal(text)


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
# Phrases of assent: a reply made only of them agrees (AGREEMENT); one that opens with
# them accepts what was just said (ECHO_OPENER).
_ASSENT_PHRASES = (r"yes|yeah|yep|yup|sure|right|exactly|agreed|absolutely|totally|correct|definitely|"
                   r"of course|ok(?:ay)?|got it|makes sense|that makes sense|good point|fair|fair enough|"
                   r"sounds good|true|i agree|agree|mm+|mhm|uh-huh|great|perfect|cool|noted|understood")
AGREEMENT = re.compile(
    rf"^(?:(?:{_ASSENT_PHRASES})"
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


# A question that hands the decision back to the interviewer ("What would you pick?",
# "What's yours?") narrows nothing: it is not a clarifying question.
HAND_BACK = re.compile(r"\b(?:(?:what|which|how|where)(?: one)? (?:would|should|could) you(?! like| mean| expect)\b|"
                       r"what'?s yours|what about you|how about you|your (?:call|pick|view|take)|"
                       r"what do you (?:think|reckon|suggest|recommend|prefer))", re.I)


def is_hand_back(text: str) -> bool:
    return bool(HAND_BACK.search(text))


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


# Words of assent and pointing back ("agreed, that's the one"): they add no content of
# the candidate's own, so a reply made of them and the interviewer's words is an echo.
_ASSENT = set("""agreed agree agrees exactly right sure correct absolutely definitely totally
true fair fine good great perfect idea point sounds sound makes sense works work that's thats
it's one said you've you're same thing plan approach call option""".split())


# A reply that opens by accepting what was just said ("Right, ...", "I like that.",
# "So basically ...").
ECHO_OPENER = re.compile(
    rf"^\W*(?:{_ASSENT_PHRASES}|i like (?:that|it)|love (?:that|it)|good (?:idea|call)|so basically|so yeah|"
    r"that'?s (?:right|fair|true|it|a good \w+)|same)\b", re.I)
ECHO_MAX_NEW = 2  # an accepting reply with this few words of its own adds nothing


def _stem(word: str) -> str:
    """A crude stem, enough to match "constraints" to "constraint", "sticking" to "stick"."""
    w = word.strip("'-")
    for suffix in ("ing", "ed", "es", "s", "er", "ly"):
        if len(w) > len(suffix) + 3 and w.endswith(suffix):
            return w[:-len(suffix)]
    return w


_ASSENT_STEMS = {_stem(w) for w in _ASSENT}


def content_stems(text: str) -> set[str]:
    """Stems of the text's content words, assent words aside."""
    return {_stem(w) for w in content_words(text)} - _ASSENT_STEMS


def new_words(text: str, previous: str) -> set[str]:
    """Stems of the unit's content words that the interviewer did not just say (assent aside)."""
    return content_stems(text) - {_stem(w) for w in content_words(previous)}


def is_echo(text: str, previous: str, *, asked: bool = False) -> bool:
    """Restates the interviewer and adds nothing: "so the metric is retention" after
    "is your metric retention?". An answer adds at least one word of its own, and one
    that opens by accepting the interviewer's idea ("Right, the review queue would
    break.") needs more than ECHO_MAX_NEW, unless it answers the candidate's own
    question (`asked`): "Right, so the clerks are the users." then chooses a user."""
    if not previous or not content_words(text):
        return False
    new = new_words(text, previous)
    return not new or (not asked and len(new) <= ECHO_MAX_NEW and bool(ECHO_OPENER.match(text)))


# The interview's own vocabulary: words that name the rubric's ideas ("the user", "our
# north star metric", "a graceful fallback", "what breaks at 10x"), consulting filler, and
# words that carry no content of their own. A sentence made only of these (and stop words)
# says that an idea exists without filling it in: keyword stuffing. The names of actual
# constraints and metrics (latency, cost, accuracy, retention...) are content, not listed.
_META = set("""
user users end end-user end-users persona personas segment segments stakeholder stakeholders customer customers
audience people person everyone everybody anyone anybody core key main primary top action actions value values
outcome outcomes goal goals objective objectives north star metric metrics kpi kpis measure measures success
successful constraint constraints violate violated requirement requirements business company leadership aligned
align alignment ladder ladders holistic holistically strategy strategic framework frameworks approach standard
best practice practices important critical crucial matters matter define defined definition clarify clarifying
question questions scope problem problems solution solutions step steps framing follow input inputs output outputs
processing process layer layers pipeline system systems model models component components architecture flow data
source sources signal signals trade-off trade-offs tradeoff tradeoffs optimize optimise optimizing optimising
sacrifice sacrificing explicit explicitly balance prioritize prioritise prioritizing prioritising priority
priorities impact impacts effort high low versus fallback fallbacks fall back graceful gracefully degrade degrades
degradation robust robustness resilient guardrail guardrails mitigate mitigation mitigations enumerate failure
failures modes mode edge cases case risk risks handle handling cold start cadence policy policies retrain
retraining retrained drift mlops monitor monitoring regularly periodically continuously threshold thresholds
justified justify quantified quantify behaviour behavior scale scaling scalability scalable bottleneck bottlenecks
horizontally vertically infrastructure breaks break use using leverage leveraging build building make ensure
experience deliver delivers delivering provide provides need needs want wants able way ways thing things place
right good better best great overall level general generally specific appropriate appropriately relevant various
different multiple several every all some whatever something anything everything serve serves benefit benefits
plan planning obviously clearly definitely stuff across end-to-end accordingly properly middle
i'll we'd we'll i'd i'm we're they're they'd you'd it'll it's that's what's there's can't cannot won't don't
what which who whom whose why how when where into onto about most less more much many goes go going went sits sit
sitting becomes become became set sets have has having each then terms next later now still even only both either
etc per via within whether while thus hence therefore around say said never always truly absolutely simply
literally ultimately essentially ones volume traffic load usage requests
""".split())
# Figures that stuffing uses as words: "the one metric", "the first step", "at 10x".
_META_FIGURES = re.compile(r"\b(?:one|first|(?:10|ten)[ -]?(?:x|times))\b", re.I)


def has_substance(text: str) -> bool:
    """Says something beyond naming the rubric's ideas: a word of its own or a figure."""
    plain = _META_FIGURES.sub(" ", text)
    return has_number(plain) or any(part not in _META for w in content_words(plain)
                                    for part in w.strip("'-").split("-") if part)


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
