"""Transcript readers: every format parses into the turns, times and speakers it holds."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from barraiser.errors import TranscriptError
from barraiser.transcript.model import WORDS_PER_MINUTE, count_words
from barraiser.transcript.readers import MAX_BYTES, choose_candidate, read_text, read_transcript

SHARED = Path(__file__).resolve().parents[2] / "shared" / "formats"
DATA = Path(__file__).resolve().parent / "data" / "transcripts"

needs_shared = pytest.mark.skipif(not SHARED.is_dir(), reason="shared format examples not present")


def turns_of(tr):
    return [(t.speaker, t.start_s, t.end_s, t.text) for t in tr.turns]


def est(words: int) -> float:
    """Seconds that `words` take at the estimated speaking rate."""
    return words * 60 / WORDS_PER_MINUTE


def test_public_constants():
    assert MAX_BYTES == 5 * 1024 * 1024
    assert WORDS_PER_MINUTE == 150


# --------------------------------------------------------------------------- shared examples

@needs_shared
def test_shared_zoom_vtt():
    tr = read_transcript(SHARED / "zoom.vtt")
    assert tr.format == "zoom_vtt"
    assert tr.timing == "measured"
    assert tr.source == "zoom.vtt"
    riya, panel = "Riya Shah (she/her)", "Interviewer - Panel 1"
    assert list(tr.speakers) == [riya, panel]
    assert turns_of(tr) == [
        (riya, 2.14, 6.87, "Thanks for having me. Can I ask a couple of questions first?"),
        (panel, 7.31, 11.02, "Of course, go ahead."),
        # cue 4 has no "Name:" prefix, so it continues Riya and merges into her turn
        (riya, 11.5, 21.4, "Is this for shoppers on mobile, or for the store staff who restock shelves? "
                           "because the failure modes are very different for the two."),
        (panel, 22.1, 25.0, "Shoppers, on the mobile app."),
    ]
    merged = tr.turns[2]
    offset = merged.text.index("because")
    assert merged.marks == [(0, 11.5), (offset, 18.03)]
    assert [t.line for t in tr.turns] == [5, 9, 13, 21]
    assert tr.candidate == riya  # the most words


@needs_shared
def test_shared_teams_vtt_merges_cues_14_0_and_14_1():
    tr = read_transcript(SHARED / "teams.vtt")
    assert tr.format == "teams_vtt"
    assert tr.timing == "measured"
    assert list(tr.speakers) == ["Riya Shah", "Omar Farouk"]
    assert len(tr.turns) == 3
    last = tr.turns[2]
    assert last.speaker == "Riya Shah"
    assert last.text == ("Is this for shoppers on mobile, or for the store staff who restock shelves? "
                         "Because the failure modes are very different for the two.")
    assert (last.start_s, last.end_s) == (11.5, 21.4)
    assert last.marks == [(0, 11.5), (last.text.index("Because"), 18.03)]
    assert "<v" not in tr.text() and "</v>" not in tr.text()
    assert tr.candidate == "Riya Shah"


@needs_shared
def test_shared_srt():
    tr = read_transcript(SHARED / "captions.srt")
    assert tr.format == "srt"
    assert tr.timing == "measured"
    assert turns_of(tr) == [
        ("Riya", 2.14, 6.87, "Thanks for having me. Can I ask a couple of questions first?"),
        ("Omar", 7.31, 11.02, "Of course, go ahead."),
        ("Riya", 11.5, 17.96, "Is this for shoppers on mobile, or for the store staff who restock shelves?"),
    ]
    assert [t.line for t in tr.turns] == [3, 7, 11]
    assert tr.candidate == "Riya"


@needs_shared
def test_shared_notes_md_continuation_and_heading():
    tr = read_transcript(SHARED / "notes.md")
    assert tr.format == "markdown"
    assert tr.timing == "measured"
    assert tr.title == "Mock: AI shelf-availability alerts (practice round 3)"
    last_words = count_words("Shoppers, on the mobile app.")
    assert turns_of(tr) == [
        ("Riya", 2.0, 7.0, "Thanks for having me. Can I ask a couple of questions first?"),
        ("Omar", 7.0, 11.0, "Of course, go ahead."),
        # the unstamped line continues Riya's turn; a turn ends when the next one starts
        ("Riya", 11.0, 22.0, "Is this for shoppers on mobile, or for the store staff who restock shelves? "
                             "The failure modes are very different for the two."),
        ("Omar", 22.0, 22.0 + est(last_words), "Shoppers, on the mobile app."),
    ]
    assert [t.line for t in tr.turns] == [3, 4, 5, 7]
    assert all(not t.text.startswith("#") for t in tr.turns)


@needs_shared
def test_shared_notes_bold_md_hours_and_bold_names():
    tr = read_transcript(SHARED / "notes-bold.md")
    assert tr.format == "markdown"
    assert tr.title == "Round 2, with hours and bold names"
    riya_text = ("Got it. Then the one thing we cannot get wrong is saying an item is on the shelf "
                 "when it is not.")
    assert turns_of(tr) == [
        ("Omar", 22.0, 25.0, "Shoppers, on the mobile app."),
        ("Riya", 25.0, round(25.0 + est(count_words(riya_text)), 3), riya_text),
    ]
    assert "**" not in tr.text()


@needs_shared
def test_shared_written_answer():
    tr = read_transcript(SHARED / "written.txt")
    assert tr.format == "written"
    assert tr.timing == "estimated"
    assert tr.candidate == "Candidate"
    assert list(tr.speakers) == ["Candidate"]
    source = (SHARED / "written.txt").read_text(encoding="utf-8")
    paragraphs = [p.strip() for p in source.split("\n\n") if p.strip()]
    assert [t.text for t in tr.turns] == paragraphs  # verbatim, one turn per paragraph
    before = 0
    for turn in tr.turns:
        assert turn.start_s == pytest.approx(est(before))
        before += count_words(turn.text)
        assert turn.end_s == pytest.approx(est(before))
    assert [t.line for t in tr.turns] == [1, 3, 5]
    assert tr.duration_s == pytest.approx(est(count_words(source)))


@needs_shared
@pytest.mark.parametrize("name", ["zoom.vtt", "teams.vtt", "captions.srt", "notes.md",
                                  "notes-bold.md", "written.txt"])
def test_read_text_matches_read_transcript(name):
    path = SHARED / name
    from_file = read_transcript(path)
    pasted = read_text(path.read_text(encoding="utf-8"), name=name)
    assert turns_of(pasted) == turns_of(from_file)
    assert (pasted.format, pasted.timing, pasted.candidate, pasted.source) == \
        (from_file.format, from_file.timing, from_file.candidate, name)


# --------------------------------------------------------------------------- own fixtures

def test_zoom_labels_are_not_speakers():
    tr = read_transcript(DATA / "zoom_labels.vtt")
    assert tr.format == "zoom_vtt"
    assert tr.title == "Mock round 4"
    doc, ana = "Dr. O'Neil", "Ana de la Cruz"
    assert list(tr.speakers) == [doc, ana]  # "Note" and "Example" are not speakers
    assert [t.speaker for t in tr.turns] == [doc, ana, doc, ana, doc]
    first = tr.turns[0]
    assert first.text == "Design an AI grocery delivery-time estimator. Take a minute to think first."
    assert (first.start_s, first.end_s, first.line) == (0.5, 4.0, 10)  # MM:SS.mmm, cue settings
    # a second colon inside the text stays in the text
    assert tr.turns[1].text == "Who is the user here: shoppers or drivers?"
    merged = tr.turns[3]
    assert merged.text == ("Then we optimise the accuracy of the promise and Note: we accept a slightly "
                           "longer quoted window. Example: 35 to 45 minutes instead of 40.")
    assert merged.marks == [(0, 13.5), (merged.text.index("Note:"), 18.0),
                            (merged.text.index("Example:"), 22.5)]
    assert (merged.start_s, merged.end_s, merged.line) == (13.5, 26.0, 24)
    assert (tr.turns[4].start_s, tr.turns[4].end_s) == (60.0, 64.0)
    assert tr.candidate == ana


def test_time_at_inside_merged_turn():
    tr = read_transcript(DATA / "zoom_labels.vtt")
    turn = tr.turns[3]
    note = turn.text.index("Note:")
    example = turn.text.index("Example:")
    assert turn.time_at(0) == 13.5
    assert turn.time_at(note) == 18.0
    assert turn.time_at(example) == 22.5
    # halfway through the first cue's text is halfway through its time span
    assert turn.time_at(note // 2) == pytest.approx(13.5 + (18.0 - 13.5) * (note // 2) / note, abs=0.01)
    assert turn.time_at(len(turn.text)) == 26.0
    assert 18.0 < turn.time_at(note + 10) < 22.5


def test_teams_tags_missing_close_and_two_voices_in_one_cue():
    tr = read_transcript(DATA / "teams_extra.vtt")
    assert tr.format == "teams_vtt"
    omar, riya = "Omar Farouk (Guest)", "Riya Shah"
    assert [t.speaker for t in tr.turns] == [omar, riya, omar, riya]
    assert tr.turns[0].text == "Let's start. What would you build?"  # no </v> at all
    merged = tr.turns[1]
    # <c>, <i>, timestamp tags stripped; &amp; decoded; two lines joined with a space
    assert merged.text == ("I'd start with shoppers & their trip planning. "
                           "Latency matters less than accuracy.")
    assert merged.marks == [(0, 5.5), (merged.text.index("Latency"), 9.5)]
    assert (merged.start_s, merged.end_s) == (5.5, 12.0)
    # one cue with two voices is split, sharing its time in proportion to the text
    why, because = tr.turns[2], tr.turns[3]
    assert (why.text, because.text) == ("Why?", "Because trust.")
    assert why.start_s == 12.0 and because.end_s == 14.0
    assert why.end_s == because.start_s == pytest.approx(12.0 + 2.0 * 4 / 18, abs=0.001)


def test_srt_multiline_tags_and_continuation():
    tr = read_transcript(DATA / "interview.srt")
    assert tr.format == "srt"
    assert turns_of(tr) == [
        ("Omar", 1.0, 4.0, "Design a voice assistant for elderly users."),
        ("Riya", 4.5, 8.0, "Who is the primary user: the older adult or a caregiver?"),
        ("Omar", 8.5, 10.0, "The older adult."),
        ("Riya", 10.5, 18.0, 'Then recall matters more than precision for "call doctor", because a missed '
                             "emergency call costs far more than a wrong song."),
    ]
    assert [t.line for t in tr.turns] == [3, 8, 12, 16]
    assert tr.turns[3].marks[1] == (tr.turns[3].text.index("because"), 14.0)


def test_stamped_markdown_variants():
    tr = read_transcript(DATA / "stamps.md")
    assert tr.format == "markdown"
    assert tr.timing == "measured"
    assert tr.title == "Mock: voice assistant for elderly users"
    assert turns_of(tr) == [
        ("Omar", 5.0, 12.0, "Design a voice assistant for elderly users."),           # - [mm:ss] **Name:**
        ("Riya", 12.0, 62.0, "Who is the primary user? Is it the older adult or a caregiver?"),  # **Name**:
        ("Omar", 62.0, 62.0 + est(3), "The older adult."),
        # a known speaker without a stamp starts a turn, timed after the turn before it
        ("Riya", 62.0 + est(3), 90.0, "Then the top constraint is recall on emergency commands."),
        ("Omar", 90.0, 105.0, "Why recall?"),                                           # (mm:ss)
        ("Riya", 105.0, 3723.0, 'Because a missed "call doctor" is the costly error.'),  # mm:ss - Name:
        ("Omar", 3723.0, 3723.0 + est(3), "Thanks, that's time."),                      # [h:mm:ss]
    ]
    assert [t.line for t in tr.turns] == [7, 8, 11, 12, 13, 14, 15]
    assert "Recorded on a Tuesday" not in tr.text()  # the preamble is not a turn
    assert "Framing" not in tr.text()


def test_stamped_text_merges_consecutive_lines_of_one_speaker():
    text = "[00:01] Ana: One.\n[00:04] Ana: Two.\n[00:09] Bo: Three words here."
    tr = read_text(text, name="notes.txt")
    assert turns_of(tr) == [("Ana", 1.0, 9.0, "One. Two."),
                            ("Bo", 9.0, 9.0 + est(3), "Three words here.")]
    assert tr.turns[0].marks == [(0, 1.0), (5, 4.0)]


def test_json_transcript():
    tr = read_transcript(DATA / "transcript.json")
    assert tr.format == "json"
    assert tr.timing == "measured"
    assert tr.title == "Fitness feed mock"
    assert tr.candidate == "Ana Lima"  # "ana" in the file, matched by prefix; not the most words
    assert tr.speakers["Interviewer"] > tr.speakers["Ana Lima"]
    assert turns_of(tr) == [
        ("Interviewer", 0.0, 4.5, "Design a personalized video feed for a new fitness app. "
                                  "Take your time, and think aloud as you go."),
        ("Ana Lima", 5.0, 9.25, "Who is the user: a beginner or an athlete?"),  # end_s from the next turn
        ("Interviewer", 9.25, 11.0, "Beginners."),
        ("Ana Lima", 12.0, 12.0 + est(7), "Then the success metric is week-two retention."),
    ]


def test_json_candidate_argument_overrides_file():
    tr = read_transcript(DATA / "transcript.json", candidate="Interviewer")
    assert tr.candidate == "Interviewer"


def test_json_without_candidate_uses_most_words():
    doc = {"schema": "barraiser.transcript/1", "candidate": None, "turns": [
        {"speaker": "A", "start_s": 0, "end_s": 1, "text": "one two"},
        {"speaker": "B", "start_s": 1, "end_s": 3, "text": "one two three"},
    ]}
    tr = read_text(json.dumps(doc), name="t.json")
    assert tr.candidate == "B"
    # consecutive JSON turns of one speaker are kept as they are in the file
    doc["turns"].append({"speaker": "B", "start_s": 3, "text": "four"})
    assert len(read_text(json.dumps(doc)).turns) == 3


def test_written_markdown_answer():
    tr = read_transcript(DATA / "written.md")
    assert tr.format == "written"
    assert tr.timing == "estimated"
    assert tr.candidate == "Candidate"
    assert tr.title == "Design an AI assistant for enterprise search"
    texts = [t.text for t in tr.turns]
    assert texts[0] == "Employees lose time hunting for the right document."
    assert texts[1] == "Who and what"  # a later heading is its own paragraph
    assert texts[2] == ("Users: new hires in their first month. "
                        "Action: find the one policy page that answers their question.")
    assert texts[3] == "Option | Latency | Accuracy Keyword search | fast | low"
    assert texts[4] == "**Trade-off:** we optimise answer accuracy, so we accept +300 ms latency."
    assert all(not t.startswith("- ") and "---" not in t for t in texts)
    assert tr.turns[0].start_s == 0.0 and tr.turns[0].end_s == pytest.approx(est(8))
    assert tr.turns[1].start_s == pytest.approx(est(8))
    assert tr.turns[1].end_s == pytest.approx(est(11))
    assert [t.line for t in tr.turns] == [3, 5, 6, 9, 15]
    total = sum(count_words(t) for t in texts)
    assert tr.duration_s == pytest.approx(est(total))


def test_written_answer_ignores_candidate_name():
    tr = read_text("I would start with the user.", name="answer.txt", candidate="Riya")
    assert tr.candidate == "Candidate"
    assert turns_of(tr) == [("Candidate", 0.0, est(6), "I would start with the user.")]


def test_written_answer_keeps_inner_words_verbatim():
    text = "Latency   matters,\n  but *accuracy* wins:  we   accept 300ms.\n"
    tr = read_text(text)
    assert tr.turns[0].text == "Latency matters, but *accuracy* wins: we accept 300ms."


LOOSE_STAMPS = {
    "bare stamp": "00:01 Interviewer: Hi, let's start.\n00:05 Maya: Who is the user?\n"
                  "00:09 Interviewer: Shoppers.\n00:12 Maya: Then the metric is repeat orders.\n",
    "name (stamp):": "Interviewer (00:01): Hi, let's start.\nMaya (00:05): Who is the user?\n"
                     "Interviewer (00:09): Shoppers.\nMaya (00:12): Then the metric is repeat orders.\n",
    "**name** [stamp]:": "**Interviewer** [00:01]: Hi, let's start.\n**Maya** [00:05]: Who is the user?\n"
                         "**Interviewer** [00:09]: Shoppers.\n**Maya** [00:12]: Then the metric is repeat orders.\n",
    "name - stamp:": "Interviewer - 00:01: Hi, let's start.\nMaya - 00:05: Who is the user?\n"
                     "Interviewer - 00:09: Shoppers.\nMaya - 00:12: Then the metric is repeat orders.\n",
    "otter": "Interviewer  0:01\nHi, let's start.\n\nMaya  0:05\nWho is the user?\n\n"
             "Interviewer  0:09\nShoppers.\n\nMaya  0:12\nThen the metric is\nrepeat orders.\n",
    "name [stamp] header": "Interviewer [00:01]\nHi, let's start.\nMaya [00:05]\nWho is the user?\n"
                           "Interviewer [00:09]\nShoppers.\nMaya [00:12]\nThen the metric is repeat orders.\n",
    "range in brackets": "[00:01 - 00:04] Interviewer: Hi, let's start.\n[00:05 - 00:08] Maya: Who is the user?\n"
                         "[00:09 - 00:11] Interviewer: Shoppers.\n[00:12 - 00:15] Maya: Then the metric is repeat orders.\n",
    "zoom saved transcript": "[Interviewer] 00:00:01\nHi, let's start.\n[Maya] 00:00:05\nWho is the user?\n"
                             "[Interviewer] 00:00:09\nShoppers.\n[Maya] 00:00:12\nThen the metric is repeat orders.\n",
}


@pytest.mark.parametrize("form", sorted(LOOSE_STAMPS))
def test_other_ways_of_writing_stamps_and_speakers(form):
    tr = read_text(LOOSE_STAMPS[form], name="notes.md")
    assert (tr.format, tr.timing) == ("markdown", "measured")
    assert [(t.speaker, t.start_s, t.text) for t in tr.turns] == [
        ("Interviewer", 1.0, "Hi, let's start."), ("Maya", 5.0, "Who is the user?"),
        ("Interviewer", 9.0, "Shoppers."), ("Maya", 12.0, "Then the metric is repeat orders.")]
    assert tr.candidate == "Maya"


def test_a_written_plan_with_times_is_not_a_transcript():
    plan = ("My plan for the 45 minutes:\n"
            "- Framing (0:00-5:00): the user, the one metric and the constraint that matters.\n"
            "- Flow (5:00-15:00): the end-to-end flow from upload to answer.\n"
            "- Deep dive (15:00-35:00): ranking, and what we give up for freshness.\n"
            "- Edge cases (35:00-45:00): fallback, failure modes, what breaks at 10x.\n")
    tr = read_text(plan, name="plan.md")
    assert tr.format == "written" and len(tr.turns) == 1


def test_a_time_in_a_line_of_a_bracket_stamped_file_stays_words():
    text = ("[00:02] Riya: The lunch rush is the hard part.\n"
            "Around 10:30: orders triple, and the estimate has to hold.\n"
            "[00:20] Omar: Fine.\n")
    tr = read_text(text, name="notes.md")
    assert [t.speaker for t in tr.turns] == ["Riya", "Omar"]
    assert tr.turns[0].text.endswith("Around 10:30: orders triple, and the estimate has to hold.")


def test_a_time_of_day_counts_from_the_first_stamp():
    # Zoom's saved transcript stamps each line with the time of day.
    text = ("[Interviewer] 10:02:01\nHi, let's start.\n[Maya] 10:02:05\nWho is the user?\n"
            "[Interviewer] 10:14:09\nShoppers.\n[Maya] 10:14:12\nThen the metric is repeat orders.\n")
    tr = read_text(text, name="zoom.txt")
    assert [t.start_s for t in tr.turns] == [0.0, 4.0, 728.0, 731.0]
    # A caption timecode that starts at 01:00:00 is the same kind of offset.
    vtt = ("WEBVTT\n\n01:00:00.000 --> 01:00:04.000\nAna: Who is the user?\n\n"
           "01:00:05.000 --> 01:00:09.000\nBo: Shoppers.\n")
    tr = read_text(vtt, name="a.vtt")
    assert [(t.start_s, t.end_s) for t in tr.turns] == [(0.0, 4.0), (5.0, 9.0)]
    assert tr.turns[0].time_at(0) == 0.0


MEET = """Design review - Transcript
00:00:00

Interviewer: Let's design ETAs for grocery delivery. Where would you start?
Maya Chen: Who is the user, the shopper at home or the courier?
Interviewer: The shopper at home.
Maya Chen: Then the one metric is orders inside the promised window, because a late order
00:05:00
hurts far more than an early one.
Interviewer: And if the model is down?
Maya Chen: We show the store's median for that hour, labelled as an estimate.
"""


@pytest.mark.parametrize("stamp", ["{}", "[{}]", "**{}**"])
def test_stamps_alone_on_lines_time_the_conversation(stamp):
    # Google Meet writes a stamp every few minutes above the "Name: words" lines.
    text = MEET.replace("00:00:00", stamp.format("00:00:00")).replace("00:05:00", stamp.format("00:05:00"))
    tr = read_text(text, name="meet.txt")
    assert (tr.format, tr.timing) == ("dialogue", "measured")
    assert [t.speaker for t in tr.turns] == ["Interviewer", "Maya Chen"] * 3
    assert tr.candidate == "Maya Chen"
    # Between two stamps each line gets its share of the gap by the words said before it.
    words = [count_words(t.text) for t in tr.turns[:4]]
    words[3] = count_words("Then the one metric is orders inside the promised window, because a late order")
    assert [t.start_s for t in tr.turns[:4]] == pytest.approx(
        [300 * sum(words[:i]) / sum(words) for i in range(4)], abs=0.01)
    # A stamp inside a turn marks where the rest of it was said.
    assert tr.turns[3].text.endswith("because a late order hurts far more than an early one.")
    assert tr.turns[3].marks[1][1] == 300.0
    assert tr.turns[3].time_at(tr.turns[3].text.index("hurts")) == 300.0
    # After the last stamp, turns follow at the estimated speaking rate.
    said = count_words("hurts far more than an early one.")
    assert tr.turns[4].start_s == pytest.approx(300 + est(said), abs=0.01)
    # The debrief says which times were placed rather than read.
    assert tr.timing_note.startswith("5 of 7 speaker lines carry no time stamp of their own")


def test_shipped_meet_example():
    tr = read_transcript(Path(__file__).resolve().parents[1] / "examples" / "meet-transcript.txt")
    assert (tr.format, tr.timing, tr.candidate) == ("dialogue", "measured", "Daniel Osei")

    def start(words: str) -> float:
        return next(t.start_s for t in tr.turns if t.text.startswith(words))

    assert start("Thanks for joining.") == 0.0  # the title line above the first stamp is a preamble
    assert start("Walk me through how it works.") == 300.0
    assert start("What could go wrong once it's live?") == 600.0


def test_youtube_sbv_cues_are_read_by_speaker():
    text = ("0:00:01.000,0:00:04.000\nInterviewer: Hi, let's start.\n\n0:00:05.000,0:00:08.000\n"
            "Maya: Who is the user?\n\n0:00:09.000,0:00:11.000\nInterviewer: Shoppers.\n\n"
            "0:00:12.000,0:00:15.000\nMaya: Then the metric is repeat orders.\n")
    tr = read_text(text, name="captions.sbv")
    assert [(t.speaker, t.start_s, t.text) for t in tr.turns] == [
        ("Interviewer", 1.0, "Hi, let's start."), ("Maya", 5.0, "Who is the user?"),
        ("Interviewer", 9.0, "Shoppers."), ("Maya", 12.0, "Then the metric is repeat orders.")]


# --------------------------------------------------------------------------- tables

TABLE_TURNS = [("Interviewer", "Hi, let's start."), ("Maya", "Who is the user?"),
               ("Interviewer", "Shoppers, and yes | pipes happen."), ("Maya", "Then the metric is repeat orders.")]


@pytest.mark.parametrize("name, text, starts", [
    ("notes.md", "| Time | Speaker | Text |\n|---|:---|---|\n| 00:01 | Interviewer | Hi, let's start. |\n"
                 "| 00:05 | **Maya** | Who is the user? |\n| 00:09 | Interviewer | Shoppers, and yes \\| pipes happen. |\n"
                 "| 00:12 | Maya | Then the metric is repeat orders. |\n\nNotes after the table.\n", [1, 5, 9, 12]),
    ("export.csv", 'start_s,end_s,speaker,text\n1.0,4,Interviewer,"Hi, let\'s start."\n5,8,Maya,Who is the user?\n'
                   '9,11,Interviewer,"Shoppers, and yes | pipes\nhappen."\n12.5,15,Maya,Then the metric is repeat orders.\n',
     [1, 5, 9, 12.5]),
    ("export.txt", "Speaker\tWhat was said\nInterviewer\tHi, let's start.\nMaya\tWho is the user?\n"
                   "Interviewer\tShoppers, and yes | pipes happen.\nMaya\tThen the metric is repeat orders.\n", None),
])
def test_transcript_tables_are_read_by_row(name, text, starts):
    tr = read_text(text, name=name)
    assert tr.format == "table"
    assert [(t.speaker, t.text) for t in tr.turns] == TABLE_TURNS
    assert tr.candidate == "Maya"
    if starts is None:  # no time column: timed by word count, and the report says so
        assert tr.timing == "estimated" and tr.turns[1].start_s == pytest.approx(est(3))
    else:
        assert tr.timing == "measured" and [t.start_s for t in tr.turns] == starts
        assert tr.timing_note is None  # every row had its time
    assert [t.line for t in tr.turns] == ([3, 4, 5, 6] if name == "notes.md" else [2, 3, 4, 6] if starts else [2, 3, 4, 5])


def test_shipped_table_example():
    tr = read_transcript(Path(__file__).resolve().parents[1] / "examples" / "table-transcript.csv")
    assert (tr.format, tr.timing, tr.candidate) == ("table", "measured", "Lena Fischer")
    assert [t.start_s for t in tr.turns][:4] == [0.0, 9.0, 18.0, 25.0] and tr.timing_note is None


def test_a_titled_markdown_table_is_read_by_row():
    text = ("# Mock with Maya\n\n| Speaker | Text |\n|---|---|\n| Interviewer | Who is it for? |\n"
            "| Maya | Shoppers at home, and the metric is repeat orders. |\n")
    tr = read_text(text, name="notes.md")
    assert tr.format == "table" and [t.speaker for t in tr.turns] == ["Interviewer", "Maya"]
    assert tr.title == "Mock with Maya"


def test_table_rows_without_a_time_are_placed_and_the_report_says_so():
    text = "time,speaker,text\n00:10,Ana,Who is the user?\n,Bo,Shoppers at home.\n01:00,Ana,Then the metric.\n"
    tr = read_text(text, name="t.csv")
    # The untimed row gets its share of the gap by the words said before it (4 of 7).
    assert [t.start_s for t in tr.turns] == [10.0, pytest.approx(10 + 50 * 4 / 7, abs=0.01), 60.0]
    assert tr.timing_note.startswith("1 of 3 speaker lines carry no time stamp of their own")


def test_a_table_without_speaker_and_text_columns_is_not_a_transcript_table():
    text = "| Option | Cost |\n|---|---|\n| rules | low |\n| model | high |\n"
    assert read_text(text, name="plan.md").format == "written"


# --------------------------------------------------------------------------- conversations without stamps

PASTED = """# Mock: grocery delivery ETAs

Interviewer: Let's design ETAs for grocery delivery. Where would you start?
Maya Chen: Who is the user, the shopper at home or the courier?
Interviewer: The shopper at home.
Maya Chen: Then the one metric is orders inside the promised window.
A late order hurts far more than an early one.
Interviewer: And if the model is down?
Maya Chen: We show the store's median for that hour, labelled as an estimate.
"""


def test_pasted_conversation_without_stamps_is_read_by_speaker():
    tr = read_text(PASTED, name="mock.txt")
    assert tr.format == "dialogue"
    assert tr.timing == "estimated"
    assert tr.title == "Mock: grocery delivery ETAs"
    assert [t.speaker for t in tr.turns] == ["Interviewer", "Maya Chen"] * 3
    assert tr.candidate == "Maya Chen"  # the speaker with the most words
    # A line with no name continues the turn before it.
    assert tr.turns[3].text == ("Then the one metric is orders inside the promised window. "
                                "A late order hurts far more than an early one.")
    assert [t.line for t in tr.turns] == [3, 4, 5, 6, 8, 9]
    # The whole conversation is one clock, at the estimated speaking rate.
    said = 0
    for t in tr.turns:
        assert t.start_s == pytest.approx(est(said))
        said += count_words(t.text)
        assert t.end_s == pytest.approx(est(said))


def test_pasted_conversation_candidate_option_and_markup():
    text = ("- **Q:** What would you build first?\n"
            "- **A:** The ranking for new users, because they churn in week one.\n"
            "- **Q:** Why not the feed for everyone?\n"
            "- **A:** Because new users are where we lose people, and they have no history.\n")
    tr = read_text(text, name="chat.md", candidate="q")
    assert tr.format == "dialogue"
    assert tr.candidate == "Q"
    assert [t.text for t in tr.turns][:2] == ["What would you build first?",
                                             "The ranking for new users, because they churn in week one."]
    assert read_text(text, name="chat.md").candidate == "A"


def test_shipped_pasted_conversation_example():
    tr = read_transcript(Path(__file__).resolve().parents[1] / "examples" / "pasted-conversation.txt")
    assert tr.format == "dialogue"
    assert set(tr.speakers) == {"Interviewer", "Priya"}
    assert tr.candidate == "Priya"
    assert tr.title.startswith("Practice mock with a friend")


def test_label_lines_of_a_written_answer_are_not_speakers():
    text = ("User: a shopper waiting at home.\nMetric: orders inside the promised window.\n"
            "Constraint: late hurts more than early.\nUser: couriers come later.\n"
            "Metric: p90 error in minutes.\n")
    tr = read_text(text, name="answer.txt")
    assert tr.format == "written"
    assert tr.candidate == "Candidate"


def test_an_exchange_quoted_inside_a_written_answer_stays_written():
    text = ("I would design the returns flow around a shopper who wants a refund quickly, without "
            "calling anyone, and who will give up on the chat if it asks twice for the order number.\n\n"
            "Customer: where is my refund?\nAgent: it was sent on Monday.\n"
            "Customer: thanks.\nAgent: anything else?\n")
    tr = read_text(text, name="answer.txt")
    assert tr.format == "written"
    assert "Customer: where is my refund?" in " ".join(t.text for t in tr.turns)


# --------------------------------------------------------------------------- candidate selection

TALKATIVE_INTERVIEWER = ("[00:00] {i}: Today we'll design smart replies for a support inbox, and I want to "
                         "hear how you frame it before anything else, so take your time.\n"
                         "[00:12] {c}: Who answers the tickets today?\n"
                         "[00:15] {i}: About forty agents at a retailer, mostly order and return questions, "
                         "with long queues on Mondays and after every sale.\n"
                         "[00:25] {c}: Then my user is the agent mid-shift.\n")


@pytest.mark.parametrize("interviewer, candidate, chosen", [
    ("Interviewer", "Sam", "Sam"),                # the interviewer talks more but is not graded
    ("Omar (host)", "Sam", "Sam"),
    ("Omar", "Candidate", "Candidate"),           # a speaker named as the candidate
    ("Omar", "Sam (interviewee)", "Sam (interviewee)"),
    ("Omar", "Sam", "Omar"),                      # no roles named: the most words
])
def test_default_candidate_reads_role_names(interviewer, candidate, chosen):
    tr = read_text(TALKATIVE_INTERVIEWER.format(i=interviewer, c=candidate), name="notes.md")
    assert tr.speakers[interviewer] > tr.speakers[candidate]
    assert tr.candidate == chosen
    # --candidate always wins
    assert read_text(TALKATIVE_INTERVIEWER.format(i=interviewer, c=candidate), name="notes.md",
                     candidate=interviewer).candidate == interviewer


@needs_shared
@pytest.mark.parametrize("given, chosen", [
    ("Interviewer - Panel 1", "Interviewer - Panel 1"),   # exact
    ("interviewer - panel 1", "Interviewer - Panel 1"),   # case-insensitive
    ("riya", "Riya Shah (she/her)"),                      # unique prefix
    ("PANEL", "Interviewer - Panel 1"),                   # unique substring
    (None, "Riya Shah (she/her)"),                        # most words
])
def test_candidate_matching(given, chosen):
    assert read_transcript(SHARED / "zoom.vtt", candidate=given).candidate == chosen


@needs_shared
def test_unknown_candidate_lists_speakers():
    with pytest.raises(TranscriptError) as err:
        read_transcript(SHARED / "zoom.vtt", candidate="Bob")
    assert str(err.value) == ('zoom.vtt: no speaker called "Bob" (expected one of: '
                              "Riya Shah (she/her) 36 words, Interviewer - Panel 1 9 words)")
    assert err.value.source == "zoom.vtt"


def test_ambiguous_candidate():
    text = ("WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nAnn Lee: Hello there.\n\n"
            "00:00:02.000 --> 00:00:03.000\nAnna Ray: Hi.\n")
    with pytest.raises(TranscriptError) as err:
        read_text(text, name="two.vtt", candidate="ann")
    msg = str(err.value)
    assert msg.startswith('two.vtt: "ann" matches more than one speaker: Ann Lee, Anna Ray')
    assert "Ann Lee 2 words" in msg and "Anna Ray 1 word" in msg
    assert read_text(text, candidate="ann l").candidate == "Ann Lee"


def test_choose_candidate_on_built_transcript():
    tr = read_transcript(DATA / "interview.srt")
    assert choose_candidate(tr, "omar") is tr
    assert tr.candidate == "Omar"
    assert choose_candidate(tr, None).candidate == "Omar"  # keeps a candidate already chosen
    tr.candidate = None
    assert choose_candidate(tr, None).candidate == "Riya"


def test_candidate_with_no_words():
    doc = {"schema": "barraiser.transcript/1", "turns": [
        {"speaker": "Interviewer", "start_s": 0, "text": "Go ahead."},
        {"speaker": "Ana", "start_s": 2, "text": ""},
    ]}
    with pytest.raises(TranscriptError) as err:
        read_text(json.dumps(doc), name="quiet.json", candidate="Ana")
    assert str(err.value).startswith('quiet.json: no words from the candidate "Ana"')
    assert "Interviewer 2 words" in str(err.value)


def test_file_candidate_not_a_speaker():
    doc = {"candidate": "Zed", "turns": [{"speaker": "Ana", "start_s": 0, "text": "Hi."}]}
    with pytest.raises(TranscriptError) as err:
        read_text(json.dumps(doc), name="t.json")
    assert 'the file names the candidate "Zed"' in str(err.value)
    assert "Ana 1 word" in str(err.value)


# --------------------------------------------------------------------------- WebVTT/SRT details

def test_vtt_bom_crlf_title_and_skipped_blocks(tmp_path):
    text = ("WEBVTT - Panel interview\r\n\r\nSTYLE\r\n::cue { color: red }\r\n\r\n"
            "REGION\r\nid:fred\r\n\r\nNOTE a comment\r\n\r\n"
            "00:00:01.000 --> 00:00:02.500\r\nAna: Hello.\r\n")
    path = tmp_path / "crlf.vtt"
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    tr = read_transcript(path)
    assert tr.title == "Panel interview"
    assert turns_of(tr) == [("Ana", 1.0, 2.5, "Hello.")]
    assert tr.turns[0].line == 12


def test_utf16_with_bom(tmp_path):
    path = tmp_path / "teams.vtt"
    path.write_bytes("WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v José>¿Qué?</v>\n".encode("utf-16"))
    tr = read_transcript(path)
    assert turns_of(tr) == [("José", 1.0, 2.0, "¿Qué?")]


def test_cp1252_text_is_read_as_a_last_resort(tmp_path):
    path = tmp_path / "old.srt"
    path.write_bytes(b"1\n00:00:01,000 --> 00:00:02,000\nJos\xe9: Caf\xe9 first.\n")
    tr = read_transcript(path)
    assert turns_of(tr) == [("José", 1.0, 2.0, "Café first.")]


def test_vtt_cue_without_prefix_before_any_name():
    text = "WEBVTT\n\n00:01.000 --> 00:02.000\nhello everyone\n\n00:02.000 --> 00:03.000\nAna: Hi.\n"
    tr = read_text(text, name="x.vtt")
    assert [t.speaker for t in tr.turns] == ["Unknown speaker", "Ana"]


def test_vtt_with_no_names_is_one_speaker():
    text = "WEBVTT\n\n00:01.000 --> 00:02.000\nhello everyone\n\n00:02.000 --> 00:03.000\nthis is me\n"
    tr = read_text(text, name="solo.vtt")
    assert turns_of(tr) == [("Candidate", 1.0, 3.0, "hello everyone this is me")]
    assert tr.candidate == "Candidate"


def test_recurring_lowercase_name_is_a_speaker():
    text = ("WEBVTT\n\n00:01.000 --> 00:02.000\nOmar: Go.\n\n00:02.000 --> 00:03.000\nriya: first\n\n"
            "00:03.000 --> 00:04.000\nOmar: And?\n\n00:04.000 --> 00:05.000\nriya: second\n")
    tr = read_text(text, name="x.vtt")
    assert [t.speaker for t in tr.turns] == ["Omar", "riya", "Omar", "riya"]


def test_one_off_name_mid_sentence_is_text():
    text = ("WEBVTT\n\n00:01.000 --> 00:02.000\nOmar: Go.\n\n00:02.000 --> 00:03.000\nAna: the metric is\n\n"
            "00:03.000 --> 00:04.000\nRetention Rate: week two.\n")
    tr = read_text(text, name="x.vtt")
    assert [t.speaker for t in tr.turns] == ["Omar", "Ana"]
    assert tr.turns[1].text == "the metric is Retention Rate: week two."


def test_srt_without_blank_lines_between_cues():
    text = ("1\n00:00:01,000 --> 00:00:02,000\nAna: Hi.\n2\n00:00:02,000 --> 00:00:03,000\n"
            "Bo: Hello.\n")
    tr = read_text(text, name="tight.srt")
    assert turns_of(tr) == [("Ana", 1.0, 2.0, "Hi."), ("Bo", 2.0, 3.0, "Hello.")]


def test_headerless_vtt_is_read_by_content():
    text = "00:00:01.000 --> 00:00:02.000\nAna: Hi.\n\n00:00:02.000 --> 00:00:03.000\nBo: Yes.\n"
    tr = read_text(text)
    assert tr.format == "srt"
    assert [t.speaker for t in tr.turns] == ["Ana", "Bo"]
    assert read_text(text, name="lost-header.vtt").format == "zoom_vtt"


def test_turn_text_is_cue_texts_joined_with_single_spaces():
    text = ("WEBVTT\n\n00:01.000 --> 00:02.000\nAna:   lots   of\n   space \n\n"
            "00:02.000 --> 00:03.000\n  and   more  \n")
    tr = read_text(text, name="x.vtt")
    assert tr.turns[0].text == "lots of space and more"
    assert tr.turns[0].marks == [(0, 1.0), (len("lots of space "), 2.0)]


def test_read_text_accepts_uploaded_bytes():
    data = "\ufeffWEBVTT\n\n00:00:01.000 --> 00:00:02.000\nAna: Olá.\n".encode("utf-8")
    tr = read_text(data, name="upload.vtt")
    assert (tr.source, tr.format) == ("upload.vtt", "zoom_vtt")
    assert turns_of(tr) == [("Ana", 1.0, 2.0, "Olá.")]


def test_short_prose_with_commas_is_not_a_table():
    text = "Hi, I'm Ana, a PM\nI think, therefore, I am"
    tr = read_text(text, name="answer.txt")
    assert tr.format == "written"
    assert tr.turns[0].text == "Hi, I'm Ana, a PM I think, therefore, I am"


def test_speaker_prefix_rule_on_stamped_lines():
    text = ("[00:01] Omar: What matters most?\n"
            "[00:05] Ana: Two things.\n"
            "[00:09] Note: latency first.\n"          # a label, not a new speaker
            "Omar: Why?\n"                             # a known speaker without a stamp
            "[00:20] Ana: Because users wait.\n")
    tr = read_text(text, name="n.md")
    assert [(t.speaker, t.text) for t in tr.turns] == [
        ("Omar", "What matters most?"),
        ("Ana", "Two things. Note: latency first."),
        ("Omar", "Why?"),
        ("Ana", "Because users wait."),
    ]
    assert tr.turns[1].marks == [(0, 5.0), (len("Two things. "), 9.0)]
    assert tr.turns[2].start_s == pytest.approx(9.0 + est(3))
