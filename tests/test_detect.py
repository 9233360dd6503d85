"""The detector on sentences and short interviews it has never seen.

These sentences were written for this test file, not taken from the training
corpus, in several voices. The precision traps come from RUBRIC.md and issue 2:
an idea named only to refuse it, a red flag spoken in the negative, a model named
with a product reason, infrastructure tied to a user effect, an interviewer who
says it all while the candidate only agrees, and keyword stuffing.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from barraiser.grading import grade
from barraiser.grading.detect import Detector
from barraiser.transcript.readers import read_text

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "mock-interview.vtt"


@pytest.fixture(scope="module")
def detector():
    return Detector()


def interview(*turns: tuple[str, str], step: float = 20.0) -> str:
    """A stamped Markdown transcript, one turn every `step` seconds."""
    lines = []
    for i, (who, text) in enumerate(turns):
        s = int(i * step)
        lines.append(f"[{s // 60:02d}:{s % 60:02d}] {who}: {text}")
    return "\n".join(lines) + "\n"


def signals(detector, text: str, candidate: str = "Cand") -> dict:
    report = grade(read_text(text, name="t.md", candidate=candidate), detector=detector)
    return {s.id: s for s in report.signals}


def present(detector, sentence: str, lead: str = "Tell me more.") -> set[str]:
    found = signals(detector, interview(("Interviewer", lead), ("Cand", sentence)))
    return {k for k, v in found.items() if v.present}


@pytest.mark.parametrize("sentence, signal", [
    ("Quick one before I start: are we building this for the riders or for the drivers?", "clarifying_question"),
    ("I want to design this for nurses on a night shift who triage incoming messages.", "user_defined"),
    ("If the model isn't confident, we just show the most popular nearby options and say that's what they are.", "fallback"),
    ("We'd retrain every week, and sooner if the share of late deliveries drifts above its usual band.", "retraining_policy"),
    ("Brand new users get the top ten items in their city until we've seen a handful of their clicks.", "cold_start"),
    ("I'd rather be a little slower and always right here, so we give up some speed to keep precision high.", "tradeoff_statement"),
])
def test_finds_signals_in_new_words(detector, sentence, signal):
    assert signal in present(detector, sentence)


@pytest.mark.parametrize("sentence, flag", [
    ("I wouldn't A/B test everything here; I'd make the call on ranking and test only the threshold.", "ab_test_everything"),
    ("Instead of showing an error, we fall back to the last known good results, labelled as such.", "error_as_fallback"),
    ("Multilingual support and a social feed are v2 ideas; they're out of scope for now.", "solution_sprawl"),
])
def test_red_flags_spoken_in_the_negative_are_not_raised(detector, sentence, flag):
    assert flag not in present(detector, sentence)


def test_ideas_listed_then_set_aside_in_the_next_breath_are_not_sprawl(detector):
    # the list and its dismissal are separate sentences of one turn
    piled = ("We could add a loyalty wallet, a recipe chatbot, a social feed for shoppers and a voice ordering "
             "skill, plus an integration with every smart fridge on the market.")
    assert "solution_sprawl" in present(detector, piled)
    assert "solution_sprawl" not in present(detector, piled + " All of that can wait. Today it's one screen.")
    assert "solution_sprawl" not in present(detector, piled + " None of them helps the shopper at the shelf right now.")


def test_one_failure_with_a_comma_and_an_or_is_not_two_failure_modes():
    # failure_modes needs two different ways the system fails; counting words name them
    from barraiser.grading.detect import _names_several

    assert not _names_several("It must never do the wrong risky thing, like calling the wrong person "
                              "or sending a message to the wrong chat.")
    assert _names_several("Two ways this fails the driver: it calls the wrong person late at night, "
                          "and it reads a private message aloud to the whole car.")


def test_a_second_failure_said_in_the_first_ones_wake_counts(detector):
    # The second way leans on the first ("And a column called revenue...") and reads
    # weakly alone; after a clear first failure in the same answer it is the second way.
    text = interview(
        ("Interviewer", "Design a tool that turns questions into SQL for analysts."),
        ("Cand", "End to end: the analyst types a question, we find the tables that matter, a model writes "
                 "the query, and we show it with a plain-English restatement before anything runs."),
        ("Interviewer", "What are you worried about?"),
        ("Cand", "It joins the wrong tables and hands back a number that looks perfectly plausible. And a column "
                 "called revenue means gross to sales and net to finance, so half the company gets the wrong "
                 "figure."), step=40)
    found = signals(detector, text)["failure_modes"]
    assert found.present
    # present from the second way on: the follower's time, not the first sentence's
    assert found.first_at_s > min(e.at_s for e in found.evidence)
    assert any(e.quote.startswith("And a column called revenue") and e.at_s == found.first_at_s
               for e in found.evidence)


def test_a_failure_followed_only_by_other_talk_is_still_one_failure():
    """The follower must come right after a finding, in the same turn, and score
    FOLLOWER_BAR: a weak sentence in the next turn, or further on, is not a second way."""
    import numpy as np

    from barraiser.content.models import SIGNAL_IDS
    from barraiser.grading.detect import FOLLOWER_BAR, FOLLOWER_REACH, default_model, findings_from_scores
    from barraiser.grading.units import candidate_units

    text = interview(
        ("Interviewer", "What goes wrong?"),
        ("Cand", "It pages the wrong team at night. I keep a log. We review it weekly. Then we tidy the rules."),
        ("Interviewer", "Anything else?"),
        ("Cand", "A renamed service breaks the routing."))
    units = candidate_units(read_text(text, name="t.md", candidate="Cand"))
    assert [u.turn for u in units].count(units[0].turn) == 4 and FOLLOWER_REACH < 3
    model = default_model()
    fm = model.index["failure_modes"]

    def found(scores: dict[int, float]) -> list:
        probs = np.zeros((len(units), len(SIGNAL_IDS)))
        for k, p in scores.items():
            probs[k, fm] = p
        return findings_from_scores(units, probs, model)["failure_modes"]

    first = 0.9
    assert found({0: first}) == []
    assert [f.unit for f in found({0: first, 1: FOLLOWER_BAR})] == [units[1].position, units[0].position]
    assert found({0: first, 1: FOLLOWER_BAR - 0.01}) == []
    assert found({0: first, 3: FOLLOWER_BAR + 0.1}) == []  # beyond reach
    assert found({0: first, 4: FOLLOWER_BAR + 0.1}) == []  # the next turn


def test_problems_of_today_before_any_design_are_not_failure_modes(detector):
    text = interview(
        ("Interviewer", "Design an assistant that routes on-call alerts."),
        ("Cand", "Right now people look in the wrong place, or page the wrong team, and the real owners only find "
                 "out forty minutes in. Another one: the same alert fires forty times and everyone mutes it."),
        ("Interviewer", "Go on."),
        ("Cand", "End to end: a ticket comes in, we read its text and the account history, a model picks the team, "
                 "and the ticket lands in that team's queue with the reason shown."),
        ("Interviewer", "What could go wrong?"),
        ("Cand", "I'd watch the share of tickets that get moved to another team after routing."), step=40)
    found = signals(detector, text)
    assert found["flow_sketched"].present
    assert not found["failure_modes"].present


def test_red_flags_said_plainly_are_raised(detector):
    assert "ab_test_everything" in present(detector, "Honestly we'd just A/B test all of it and let the data decide everything.")
    assert "error_as_fallback" in present(detector, "If the model fails we show an error message and ask them to try again later.")


def test_refusing_an_idea_earns_nothing(detector):
    found = present(detector, "We don't really need a fallback for this, and I'm not going to worry about cold start either.")
    assert "fallback" not in found
    assert "cold_start" not in found


def test_keyword_list_earns_nothing(detector):
    found = present(detector, "User, metric, constraint, trade-off, fallback, guardrail, cold start, all covered.")
    assert not ({"user_defined", "success_metric", "top_constraint", "tradeoff_statement", "fallback", "guardrail",
                 "cold_start"} & found)


def test_agreeing_with_the_interviewer_earns_nothing(detector):
    text = interview(
        ("Interviewer", "So your success metric is seven-day retention of new users, and when the model is unsure you "
                        "fall back to popular items, right?"),
        ("Cand", "Yes, exactly."),
        ("Interviewer", "And you'd trade some accuracy for latency?"),
        ("Cand", "Right, agreed."))
    found = signals(detector, text)
    assert not any(s.present for s in found.values())


def test_assent_that_points_back_at_the_interviewer_earns_nothing(detector):
    """"Agreed, that's the metric." adds only assent to the interviewer's own words."""
    text = interview(
        ("Interviewer", "I'd say the metric is the share of substitutions the shopper accepts. Agreed?"),
        ("Cand", "Agreed, that's the metric."),
        ("Interviewer", "And when the model is unsure we fall back to the shopper's own past picks, fine?"),
        ("Cand", "Yes, that plan works, the past picks like you said."))
    found = signals(detector, text)
    assert not any(s.present for s in found.values())


@pytest.mark.parametrize("sentence", [
    "The user is the end user, the customer segment we serve.",
    "Our north star is the one metric that matters, aligned with the business goals.",
    "The top constraint is the critical constraint that we can never violate.",
    "We'd have a graceful fallback so the experience degrades gracefully.",
    "For data, I'd prioritise sources by impact versus effort and start with the high-impact ones.",
    "Input goes into the processing layer, the model sits in the middle, and the output goes to the user.",
    "We retrain on drift, following a proper retraining policy and MLOps best practices.",
    "At ten x scale the bottleneck becomes scalability, so we'd scale horizontally.",
])
def test_naming_an_idea_without_filling_it_in_earns_nothing(detector, sentence):
    """Keyword stuffing in full sentences: every rubric idea said, none given content."""
    found = present(detector, sentence)
    assert not (found - {"technical_kpi_goal", "collect_all_data", "ab_test_everything", "solution_sprawl",
                         "cargo_cult_model", "infra_deep_dive", "training_internals", "error_as_fallback"})


@pytest.mark.parametrize("sentence", [
    "I'd hold off on choosing a success metric until the beta shows us how people use it.",
    "Honestly, I don't think there's one constraint that matters more than the others.",
    "The data science team would propose the fallback and we'd sign off on it.",
    "The pilot will show which users get the most out of it.",
    "What breaks at ten times the volume? It depends, and that's a nice problem to have.",
])
def test_putting_an_idea_off_or_handing_it_away_earns_nothing(detector, sentence):
    found = present(detector, sentence)
    assert not (found & {"user_defined", "success_metric", "top_constraint", "fallback", "scale_breakpoint"})


def test_accepting_the_interviewers_idea_in_a_few_words_earns_nothing(detector):
    text = interview(
        ("Interviewer", "What breaks first at ten times the volume? I'd say the human review queue: it would be "
                        "days long in the spring."),
        ("Cand", "Right, the review queue would break."),
        ("Interviewer", "And the top constraint is never sending a help call to the wrong place. Agreed?"),
        ("Cand", "Yes, the wrong place, exactly."))
    found = signals(detector, text)
    assert not any(s.present for s in found.values())


def test_restating_the_answer_to_your_own_question_can_choose_a_user():
    """After the candidate asked, "Right, so the clerks are the users." picks from the answer."""
    from barraiser.grading.detect import block_reason
    from barraiser.grading.units import candidate_units

    def last_unit(*turns):
        return candidate_units(read_text(interview(*turns), name="t.md", candidate="Cand"))[-1]

    asked = last_unit(("Interviewer", "Design invoice matching."), ("Cand", "Who does the matching today?"),
                      ("Interviewer", "A team of thirty AP clerks."), ("Cand", "Right, so the clerks are the users."))
    told = last_unit(("Interviewer", "Design invoice matching."), ("Cand", "Which one would you pick?"),
                     ("Interviewer", "A team of thirty AP clerks."), ("Cand", "Right, so the clerks are the users."))
    assert block_reason("user_defined", asked) is None
    assert block_reason("user_defined", told) == "repeats the interviewer"


def test_a_question_that_hands_the_decision_back_is_not_clarifying(detector):
    assert "clarifying_question" not in present(detector, "Hmm, which one would you put first?")
    assert "clarifying_question" not in present(detector, "What's yours?", lead="That's my pick. Yours?")
    assert "clarifying_question" in present(detector, "Before I go on, is this for the web app or the phone?")


def test_a_north_star_with_no_model_metric_is_not_a_technical_kpi_goal(detector):
    assert "technical_kpi_goal" not in present(detector, "Our north star is overall marketplace health, full stop.")
    assert "technical_kpi_goal" in present(detector, "Success for me is getting MAPE under ten percent on the test set.")


def test_interviewer_words_are_never_the_candidates(detector):
    text = interview(
        ("Interviewer", "What's your fallback when the model is wrong? And who is the user? What's the success metric?"),
        ("Cand", "Let me think about the overall shape of it for a second."),
        ("Interviewer", "When confidence is low we'd show the most popular results, labelled, instead of an error."),
        ("Cand", "Okay."))
    found = signals(detector, text)
    for s in found.values():
        for e in s.evidence:
            assert "Interviewer" not in e.quote and "popular results" not in e.quote
    assert not found["fallback"].present


def test_evidence_quotes_are_verbatim_and_timed(detector):
    text = interview(
        ("Interviewer", "Design a delivery-time estimator for a grocery app."),
        ("Cand", "Who is it for? Are we talking about customers ordering on the app, or the couriers?"),
        ("Interviewer", "Customers on the mobile app."),
        ("Cand", "Got it. The thing we can't get wrong is promising a time we then miss, because a parent plans "
                 "dinner around it. If the estimate is shaky, we show a wider window instead of a precise time."),
        step=45)
    tr = read_text(text, name="t.md", candidate="Cand")
    report = grade(tr, detector=detector)
    for s in report.signals:
        for e in s.evidence:
            assert e.quote in tr.turns[e.turn].text
            assert tr.turns[e.turn].speaker == "Cand"
            assert tr.turns[e.turn].start_s <= e.at_s <= tr.turns[e.turn].end_s + 0.01
    cq = report.signal("clarifying_question")
    assert cq.present
    # a quote from the middle of a turn gets its own time, interpolated within the turn
    turn = tr.turns[cq.evidence[0].turn]
    assert cq.first_at_s == pytest.approx(turn.time_at(turn.text.index(cq.evidence[0].quote)))
    assert 45.0 <= cq.first_at_s < 90.0


def test_empty_candidate_is_refused(detector):
    from barraiser.errors import TranscriptError

    tr = read_text(interview(("Interviewer", "Hello there."), ("Cand", "Hi.")), name="t.md", candidate="Cand")
    tr.turns = [t for t in tr.turns if t.speaker != "Cand"]
    with pytest.raises(TranscriptError, match="no words from the candidate"):
        grade(tr, detector=detector)


def test_a_model_named_with_a_product_reason_is_not_cargo_cult(detector):
    reasoned = interview(
        ("Interviewer", "What model would you use for ranking?"),
        ("Cand", "I'd start with a small gradient-boosted model. It's fast enough for the 100 millisecond "
                 "budget and the analysts can see why a case was flagged."))
    assert not signals(detector, reasoned)["cargo_cult_model"].present


def test_a_model_named_for_hype_is_cargo_cult(detector):
    hype = interview(
        ("Interviewer", "What model would you use for ranking?"),
        ("Cand", "We'd just throw a big transformer at it, like BERT or GPT-4, because that's state of the art "
                 "and everyone is using them now."))
    assert signals(detector, hype)["cargo_cult_model"].present


@pytest.mark.parametrize("sentence, figure", [
    ("When a decision took more than a week, about a third of the owners had already borrowed elsewhere.", True),
    ("After a wrong description their trust roughly halved and they skipped the rest.", True),
    ("Nineteen of the pilot farmers stopped opening the app after a wrong diagnosis.", True),
    ("Hundreds of shoppers wrote in the week the estimates slipped.", True),
    ("When the estimate is late people get annoyed and some of them cancel.", False),
])
def test_spoken_figures_count_as_figures(sentence, figure):
    from barraiser.grading.detect import block_reason
    from barraiser.grading.units import Unit

    unit = Unit(turn=0, start=0, end=len(sentence), text=sentence, at_s=0.0, prev_interviewer="", position=0)
    assert (block_reason("user_impact_quantified", unit) != "no figure") is figure


def test_an_error_offered_as_the_failure_behaviour_is_not_also_a_fallback(detector):
    found = signals(detector, interview(
        ("Interviewer", "What happens when it can't read a receipt?"),
        ("Cand", "If the model can't read the receipt, we show an error and ask them to retake the photo.")))
    assert found["error_as_fallback"].present
    assert not found["fallback"].present


def test_form_rules_matrix_agrees_with_allowed():
    from barraiser.content.models import SIGNAL_IDS
    from barraiser.grading.detect import allowed, allowed_matrix
    from barraiser.grading.units import candidate_units
    from barraiser.transcript.readers import read_transcript

    tr = read_transcript(EXAMPLE)
    units = candidate_units(tr) + candidate_units(read_text(interview(
        ("Interviewer", "Is your metric retention?"), ("Cand", "Yes, exactly."),
        ("Interviewer", "And the fallback?"), ("Cand", "So the fallback, the metric is retention."),
        ("Cand", "We don't need a fallback. Multilingual is a v2 thing. I wouldn't A/B test everything."),
        ("Cand", "User, metric, constraint, trade-off, fallback, guardrail, all covered."),
        ("Cand", "Who is the user? What is the budget? We save 20 minutes a day."),
        ("Cand", "The top constraint is the one that matters. Our north star is marketplace health."),
        ("Interviewer", "Is the metric acceptance?"), ("Cand", "Agreed, that's the metric."),
        ("Cand", "I'd hold off on a metric. Which one would you pick? Right, the queue would break.")),
        name="t.md", candidate="Cand"))
    want = [[allowed(s, u) for s in SIGNAL_IDS] for u in units]
    assert allowed_matrix(units, list(SIGNAL_IDS)).tolist() == want


def test_a_weak_hit_gives_way_to_a_clearly_stronger_one(detector):
    """first_at_s comes from the first finding at least RELATIVE_FLOOR of the signal's
    strongest: a weak early hit ("I'll build the one people keep") is not the user."""
    import numpy as np

    from barraiser.content.models import SIGNAL_IDS
    from barraiser.grading.detect import RELATIVE_FLOOR, findings_from_scores
    from barraiser.grading.units import candidate_units

    text = interview(
        ("Interviewer", "Design an assistant that reviews pull requests."),
        ("Cand", "So I'll try to design the one people keep switched on."),
        ("Interviewer", "Go on."),
        ("Cand", "My user is the reviewer with a dozen pull requests waiting on her."),
        ("Interviewer", "And then?"),
        ("Cand", "First, the bot comments on a risky line in the diff and says why."),
        ("Interviewer", "What goes wrong?"),
        ("Cand", "It flags a bug that isn't one. It also misses the one that is."))
    units = candidate_units(read_text(text, name="t.md", candidate="Cand"))
    model = detector.model
    probs = np.zeros((len(units), len(SIGNAL_IDS)))
    user, fm, flow = (model.index[s] for s in ("user_defined", "failure_modes", "flow_sketched"))
    strong = 0.95
    weak = RELATIVE_FLOOR * strong - 0.05
    assert weak >= model.thresholds[user] and weak >= model.thresholds[fm]
    probs[0, user], probs[1, user] = weak, strong
    probs[2, flow] = 0.95
    probs[3, fm], probs[4, fm] = strong, weak  # failure modes are counted: the weaker second counts
    found = findings_from_scores(units, probs, model)
    assert [f.unit for f in found["user_defined"]] == [units[1].position]
    assert found["failure_modes"] and found["failure_modes"][0].unit == units[4].position


def test_cascade_finds_what_embedding_every_unit_finds(detector):
    """The gate skips units of a real interview yet finds every signal where embedding
    every unit does (its margins keep 99.5% of out-of-author findings on the train
    split, and every first finding), with the same confidences."""
    from barraiser.transcript.readers import read_transcript

    tr = read_transcript(EXAMPLE)
    exact = Detector(detector.model, detector.backend, cascade=False)
    units, want = exact.detect(tr)
    _, got = detector.detect(tr)
    assert detector.embedded < len(units)
    for s in want:
        assert set((f.unit, f.confidence) for f in got[s]) <= set((f.unit, f.confidence) for f in want[s])
        assert [f.unit for f in got[s][:1]] == [f.unit for f in want[s][:1]]


def test_cascade_never_adds_a_finding(detector):
    text = interview(
        ("Interviewer", "Design a ranking model for a job marketplace."),
        ("Cand", "Okay. Hmm, let me think. It's a big space. Lots of things we could do here, honestly."),
        ("Interviewer", "Go on."),
        ("Cand", "Who is this for, job seekers or recruiters? If the model isn't sure, we show the newest jobs."))
    tr = read_text(text, name="t.md", candidate="Cand")
    exact = Detector(detector.model, detector.backend, cascade=False)
    _, want = exact.detect(tr)
    _, got = detector.detect(tr)
    for s in want:
        assert {f.unit for f in got[s]} <= {f.unit for f in want[s]}
    assert want["clarifying_question"] and got["clarifying_question"]


def test_a_preloading_backend_is_shared_not_loaded_twice():
    """`barraiser grade` starts loading MiniLM in a thread; a caller that asks for it
    meanwhile waits for that load instead of starting a second one."""
    from barraiser.grading import embeddings

    embeddings._load_backend.cache_clear()
    thread = embeddings.preload()
    backend = embeddings.get_backend()
    thread.join()
    assert embeddings.get_backend() is backend
    assert embeddings._load_backend.cache_info().misses == 1


@pytest.mark.parametrize("sentence", [
    "I'd rather hold a driver's fare steady for ten minutes than chase every spike, even if we leave some money on the table.",
    "We'd rather tell a nurse we're not sure than guess, and live with a longer queue on busy nights.",
    "I'm fine sitting at eighty percent auto-approval instead of ninety-five if that's what it takes to never pay a fake invoice.",
    "Honestly I'd rather it miss a few typos than nag the student on every line.",
])
def test_a_trade_off_said_as_a_preference_with_its_price_is_found(detector, sentence):
    assert "tradeoff_statement" in present(detector, sentence)


@pytest.mark.parametrize("sentence", [
    "The rep would rather type it themselves than send something that sounds canned.",  # the user's preference
    "The key trade-off is between what we optimise and what we sacrifice.",             # names the idea only
])
def test_a_preference_that_is_not_the_candidates_trade_off_is_not(detector, sentence):
    assert "tradeoff_statement" not in present(detector, sentence)


def test_preferences_are_raised_to_the_bar_only_from_the_floor(detector):
    import numpy as np

    from barraiser.grading.detect import PREFERENCE_FLOOR, raise_preferences
    from barraiser.grading.units import candidate_units

    tr = read_text(interview(("Interviewer", "Go on."),
                             ("Cand", "We'd sit at seventy percent instead of ninety if that keeps wrong posts at zero. "
                                      "We'd post the invoices every night.")), name="t.md", candidate="Cand")
    units = candidate_units(tr)
    model = detector.model
    j = model.index["tradeoff_statement"]
    bar = float(model.thresholds[j])
    probs = np.zeros((len(units), len(model.signal_ids)))
    probs[:, j] = PREFERENCE_FLOOR + 0.01
    raised = raise_preferences(units, probs, model)
    assert raised[0, j] == pytest.approx(bar) and raised[1, j] == probs[1, j]  # only the preference
    probs[:, j] = PREFERENCE_FLOOR - 0.01
    assert (raise_preferences(units, probs, model) == probs).all()              # under the floor: nothing
