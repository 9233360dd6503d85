"""Bad input: every problem is a TranscriptError naming the file, the line and the expectation."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from barraiser.errors import TranscriptError, UserError
from barraiser.transcript.model import Transcript
from barraiser.transcript.readers import MAX_BYTES, read_text, read_transcript

BAD = Path(__file__).resolve().parent / "data" / "transcripts" / "bad"
FORMATS = {"zoom_vtt", "teams_vtt", "srt", "markdown", "json", "dialogue", "table", "written"}


def error_for(path_or_text, **kw) -> TranscriptError:
    with pytest.raises(TranscriptError) as err:
        if isinstance(path_or_text, Path) or path_or_text is None:
            read_transcript(path_or_text, **kw)
        else:
            read_text(path_or_text, **kw)
    return err.value


# --------------------------------------------------------------------------- files

def test_missing_file(tmp_path):
    err = error_for(tmp_path / "nope.vtt")
    assert err.source == "nope.vtt"
    assert str(err).startswith("nope.vtt: file does not exist")
    assert "expected the path of an existing transcript file" in str(err)
    assert isinstance(err, UserError) and err.status == 400


def test_missing_file_given_as_str(tmp_path):
    with pytest.raises(TranscriptError) as err:
        read_transcript(str(tmp_path / "gone.srt"))
    assert str(err.value).startswith(f"gone.srt: file does not exist ({tmp_path / 'gone.srt'})")


def test_directory(tmp_path):
    folder = tmp_path / "exports"
    folder.mkdir()
    err = error_for(folder)
    assert str(err) == "exports: is a directory, not a file (expected the path of a transcript file)"


def test_empty_file():
    err = error_for(BAD / "empty.vtt")
    assert err.source == "empty.vtt" and err.line is None
    assert str(err).startswith("empty.vtt: file is empty (expected a transcript: WebVTT")


def test_whitespace_only_file():
    err = error_for(BAD / "blank.md")
    assert str(err).startswith("blank.md: file contains only whitespace (expected a transcript")


def test_whitespace_only_text():
    err = error_for(" \n\t ", name="pasted text")
    assert str(err).startswith("pasted text: file contains only whitespace")


@pytest.mark.parametrize("data", [
    b"WEBVTT\n\x00\x01\x02\x03 binary junk",
    bytes(range(256)) * 4,
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
])
def test_binary_file(tmp_path, data):
    path = tmp_path / "recording.vtt"
    path.write_bytes(data)
    err = error_for(path)
    assert err.source == "recording.vtt"
    assert "looks like a binary file, not text" in str(err)
    assert "(expected a transcript:" in str(err)


def test_mostly_control_characters_is_binary():
    err = error_for("\x01\x02\x03\x04 hi \x05\x06", name="paste.txt")
    assert "paste.txt: looks like a binary file" in str(err)


def test_undecodable_bytes(tmp_path):
    path = tmp_path / "broken.vtt"
    path.write_bytes(b"WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nAna: caf\x81 au lait\n")
    err = error_for(path)
    assert err.line == 4
    assert str(err) == ("broken.vtt, line 4: byte 0x81 cannot be decoded as UTF-8 text "
                        "(expected a text file saved as UTF-8)")


def test_mostly_high_bytes_are_not_guessed_as_cp1252(tmp_path):
    path = tmp_path / "noise.txt"
    path.write_bytes(b"ab\n" + bytes([0xC3, 0x28, 0xE9, 0xF1]) * 50)
    err = error_for(path)
    assert err.line == 2 and "cannot be decoded as UTF-8" in str(err)


def test_bad_utf16_after_bom(tmp_path):
    path = tmp_path / "odd.vtt"
    path.write_bytes(b"\xff\xfe" + b"W\x00E\x00\x00\xd8")  # a lone surrogate
    err = error_for(path)
    assert "odd.vtt: starts with a UTF-16 byte-order mark" in str(err)


def test_file_over_max_bytes_is_refused_before_reading(tmp_path):
    path = tmp_path / "huge.vtt"
    with path.open("wb") as fh:  # a sparse 50 MB file: cheap to make, slow to read
        fh.truncate(50 * 1024 * 1024)
    began = time.perf_counter()
    err = error_for(path)
    assert time.perf_counter() - began < 0.5
    assert str(err) == ("huge.vtt: file is too large (50.0 MB; the limit is 5 MB) "
                        "(expected a transcript file of at most 5 MB)")


def test_file_just_over_the_limit(tmp_path):
    path = tmp_path / "big.txt"
    path.write_bytes(b"a " * (MAX_BYTES // 2) + b"b")
    assert "file is too large" in str(error_for(path))


def test_text_over_max_bytes():
    err = error_for("é" * (MAX_BYTES // 2 + 1), name="upload.md")  # 2 bytes per character
    assert str(err).startswith("upload.md: file is too large")
    assert "too large" in str(error_for(b"x" * (MAX_BYTES + 1), name="upload.md"))


def test_media_file_is_refused(tmp_path):
    path = tmp_path / "call.mp4"
    path.write_bytes(b"\x00\x00\x00\x18ftypmp42")
    err = error_for(path)
    assert "call.mp4: is an audio or video file" in str(err)


# --------------------------------------------------------------------------- WebVTT and SRT

def test_malformed_timing_line():
    err = error_for(BAD / "bad_timing.vtt")
    assert (err.source, err.line) == ("bad_timing.vtt", 8)
    assert str(err) == ("bad_timing.vtt, line 8: malformed cue timing line '00:00:0x.000 --> 00:00:05.000' "
                        "(expected a timing line like '00:01:02.500 --> 00:01:05.000')")


@pytest.mark.parametrize("timing", ["00:00:01.000 -> 00:00:02.000", "00:00:61.000 --> 00:00:62.000",
                                    "00:61:00.000 --> 01:00:00.000", "00:00:01.000 --> soon",
                                    "00:00:01.000 --> 00:00:02.000align:start"])
def test_malformed_timing_variants(timing):
    err = error_for(f"WEBVTT\n\n1\n{timing}\nAna: Hi.\n", name="t.vtt")
    assert err.line in (3, 4)
    assert "t.vtt, line" in str(err) and "expected" in str(err)


def test_cue_ends_before_it_starts():
    err = error_for(BAD / "end_before_start.srt")
    assert (err.source, err.line) == ("end_before_start.srt", 6)
    assert "the cue ends (00:00:03.000) before it starts (00:00:05.000)" in str(err)
    assert "expected an end time at or after the start time" in str(err)


def test_cue_starts_go_backwards():
    err = error_for(BAD / "backwards.vtt")
    assert err.line == 6
    assert str(err) == ("backwards.vtt, line 6: the cue starts at 00:00:01.000, before the cue above it "
                        "(00:00:10.000) (expected cues in time order)")


def test_vtt_with_no_cues():
    err = error_for(BAD / "no_cues.vtt")
    assert str(err).startswith("no_cues.vtt: no cues found (expected cues: a timing line like")


def test_vtt_header_only():
    err = error_for("WEBVTT\n", name="header.vtt")
    assert str(err).startswith("header.vtt: no cues found")


def test_vtt_block_without_timing_line():
    err = error_for(BAD / "stray_block.vtt")
    assert err.line == 6
    assert "this block has no cue timing line: 'this paragraph has no timing line'" in str(err)
    assert "expected a timing line like" in str(err)


def test_vtt_two_lines_before_timing():
    err = error_for("WEBVTT\n\ncue-1\nsecond id\n00:00:01.000 --> 00:00:02.000\nA: b\n", name="x.vtt")
    assert err.line == 4 and "expected a cue timing line, found 'second id'" in str(err)


def test_cues_with_no_words():
    err = error_for("WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<c></c>\n", name="x.vtt")
    assert str(err).startswith("x.vtt: the cues contain no words")


def test_srt_extension_with_plain_text():
    err = error_for("Just some words, no cues at all.", name="notes.srt")
    assert err.line == 1 and "notes.srt, line 1: this block has no cue timing line" in str(err)


# --------------------------------------------------------------------------- Markdown with stamps

def test_markdown_stamps_go_backwards():
    err = error_for(BAD / "backwards.md")
    assert err.line == 5
    assert str(err) == ("backwards.md, line 5: the stamp 00:15 is earlier than the one before it "
                        "(00:00:20.000) (expected stamps in time order)")


def test_markdown_invalid_stamp():
    err = error_for(BAD / "bad_stamp.md")
    assert err.line == 2 and "invalid time stamp '00:75'" in str(err)
    assert "expected a stamp like [mm:ss] or [hh:mm:ss]" in str(err)


def test_markdown_stamps_without_words():
    err = error_for("[00:01]\n[00:02] **Ana:**\n", name="empty.md")
    assert str(err).startswith("empty.md: the stamped lines contain no words")


# --------------------------------------------------------------------------- JSON

def test_json_wrong_type_names_the_turn():
    err = error_for(BAD / "wrong_shape.json")
    assert str(err) == "wrong_shape.json: turns[3].start_s is a string (expected a number of seconds)"


def test_invalid_json_names_the_line():
    err = error_for(BAD / "invalid.json")
    assert err.line == 5
    assert "invalid.json, line 5: is not valid JSON: Expecting ',' delimiter" in str(err)
    assert '"schema": "barraiser.transcript/1"' in str(err)


def _turn(**kw):
    return {"speaker": "Ana", "start_s": 0, "text": "Hi.", **kw}


@pytest.mark.parametrize("doc, fragment", [
    ([1, 2], "the JSON is a list, not an object"),
    ('"text"', "the JSON is a string, not an object"),
    ({"schema": "barraiser.transcript/1"}, 'the object has no "turns"'),
    ({"turns": {"a": 1}}, '"turns" is an object, not a list'),
    ({"turns": []}, '"turns" is empty'),
    ({"turns": [_turn(), "hello"]}, "turns[1] is a string, not an object"),
    ({"turns": [{"start_s": 0, "text": "x"}]}, "turns[0].speaker is missing"),
    ({"turns": [{"speaker": "A", "start_s": 0}]}, "turns[0].text is missing"),
    ({"turns": [{"speaker": "A", "text": "x"}]}, "turns[0].start_s is missing"),
    ({"turns": [_turn(speaker=" ")]}, 'turns[0].speaker is " "'),
    ({"turns": [_turn(speaker=3)]}, "turns[0].speaker is 3"),
    ({"turns": [_turn(text=["Hi"])]}, "turns[0].text is a list"),
    ({"turns": [_turn(start_s=True)]}, "turns[0].start_s is a boolean"),
    ({"turns": [_turn(start_s=-1)]}, "turns[0].start_s is -1.0"),
    ({"turns": [_turn(start_s=1e400)]}, "turns[0].start_s is inf"),
    ({"turns": [_turn(start_s=5, end_s=2)]}, "turns[0].end_s (2) is before turns[0].start_s (5)"),
    ({"turns": [_turn(end_s="3")]}, "turns[0].end_s is a string"),
    ({"turns": [_turn(start_s=5), _turn(start_s=4)]},
     "turns[1].start_s (4) is earlier than turns[0].start_s (5)"),
    ({"turns": [_turn()], "candidate": 7}, '"candidate" is a number'),
    ({"turns": [_turn()], "schema": "other/2"}, 'unsupported "schema": "other/2"'),
    ({"turns": [_turn()], "schema": "barraiser.report/1"}, "this is a Bar Raiser report"),
    ({"turns": [_turn()], "timing": "guessed"}, '"timing" is "guessed"'),
])
def test_json_wrong_shape(doc, fragment):
    text = doc if isinstance(doc, str) else json.dumps(doc)
    err = error_for(text, name="t.json")
    assert str(err).startswith("t.json: ")
    assert fragment in str(err)
    assert "(expected " in str(err)


def test_json_huge_number_and_deep_nesting():
    assert "t.json: turns[0].start_s is inf" in str(
        error_for('{"turns": [{"speaker": "A", "start_s": 1' + "0" * 400 + ', "text": "x"}]}',
                  name="t.json"))
    assert "is not valid JSON" in str(error_for("{" + '"a":[' * 100000, name="deep.json"))


# --------------------------------------------------------------------------- unrecognised input

def test_csv_without_speaker_and_text_columns():
    err = error_for(BAD / "turns.csv")
    assert str(err).startswith("turns.csv: unrecognised transcript format: this table's header names no "
                               "speaker and text columns; a transcript table starts with a header row like "
                               "'time,speaker,text'")
    assert "expected a transcript: WebVTT (.vtt), SRT (.srt)" in str(err)


def test_other_office_files_are_not_transcripts():
    err = error_for("anything", name="notes.docx")
    assert str(err).startswith("notes.docx: unrecognised transcript format: .docx files are not transcripts")


@pytest.mark.parametrize("text, line, problem", [
    ("time,speaker,text\n00:05,Ana,Hi.\nsoon,Bo,Hello.\n", 3, "invalid time 'soon' in the time column"),
    ("time,speaker,text\n00:05,Ana,Hi.\n00:02,Bo,Hello.\n", 3, "the time 00:02 is earlier than the one before it"),
    ("| time | speaker | text |\n|---|---|---|\n| 00:05 | Ana | Hi. |\n| 00:02 | Bo | Hello. |\n", 4,
     "the time 00:02 is earlier"),
])
def test_bad_times_in_a_transcript_table(text, line, problem):
    err = error_for(text, name="t.csv")
    assert err.line == line and problem in str(err)


def test_stamps_alone_on_lines_out_of_order():
    err = error_for("00:05:00\nAna: Hi there.\nBo: Hello.\n00:02:00\nAna: Again.\nBo: Yes.\n", name="meet.txt")
    assert err.line == 4 and "the stamp 00:02:00 is earlier than the one before it" in str(err)


def test_csv_content_in_a_text_file():
    err = error_for(BAD / "table.txt")
    assert ("table.txt: unrecognised transcript format: this looks like a table (CSV) whose header names "
            "no speaker and text columns") in str(err)


@pytest.mark.parametrize("text", ["---\n***\n", "12 34\n56", "- - -\n| | |", "# \n##"])
def test_no_words(text):
    err = error_for(text, name="odd.md")
    assert str(err).startswith("odd.md: unrecognised transcript format")


def test_heading_without_answer():
    err = error_for("# Design a feed for a fitness app\n", name="answer.md")
    assert str(err).startswith("answer.md: there is a heading but no answer text")


@pytest.mark.parametrize("text, why", [
    ("<!DOCTYPE html><html><body>Hi</body></html>", "HTML or XML"),
    ("{\\rtf1\\ansi Hello}", "RTF"),
])
def test_other_documents(text, why):
    assert why in str(error_for(text, name="doc"))


def test_read_transcript_rejects_non_path():
    err = error_for(None)
    assert "None is not a file path" in str(err)


def test_read_text_rejects_non_text():
    err = error_for(12345, name="n")
    assert "cannot read a int as a transcript" in str(err)


# --------------------------------------------------------------------------- fuzzing

def check_result(tr: Transcript) -> None:
    """Whatever is returned is a usable transcript."""
    assert isinstance(tr, Transcript)
    assert tr.format in FORMATS
    assert tr.timing in ("measured", "estimated")
    assert tr.turns and tr.candidate in tr.speakers and tr.speakers[tr.candidate] > 0
    previous = 0.0
    for turn in tr.turns:
        assert 0 <= previous <= turn.start_s <= turn.end_s
        previous = turn.start_s
        assert turn.marks[0] == (0, turn.start_s)
        offsets = [o for o, _ in turn.marks]
        assert offsets == sorted(set(offsets)) and offsets[-1] < max(len(turn.text), 1)
        # time_at rounds to hundredths
        assert turn.start_s - 0.005 <= turn.time_at(len(turn.text) // 2) <= turn.end_s + 0.005
        assert turn.text == turn.text.strip()


def read_or_error(fn, *args, **kw):
    try:
        tr = fn(*args, **kw)
    except TranscriptError as err:
        assert str(err)  # the message is printable
        return None
    check_result(tr)
    return tr


FRAGMENTS = st.sampled_from([
    "WEBVTT", "WEBVTT - title", "", " ", "1", "2", "NOTE x", "STYLE",
    "00:00:01.000 --> 00:00:02.000", "00:01.000 --> 00:00.500", "00:00:02,000 --> 00:00:03,000",
    "00:00:0x.000 --> 1", "00:00:05.000 --> 00:00:09.000 align:start", "Riya: hi.", "Note: x",
    "<v Ann>hello</v>", "<v Bo>x", "<c>y</c>", "<00:00:01.000>", "[00:01] A: x", "[00:00] **B:** y",
    "[99:99] x", "[01:02:03] C: z", "(00:03) C: z", "00:04 - D: w", "**A:** q", "A:", ":", "# T",
    "- bullet", "| a | b |", "|---|---|", "{", "}", "[", '"turns": []', "riya: ok", "&amp;",
    "\ufeff", "\t", "x --> y", "2 --> 3", "a,b,c", "Dr. O'Neil: yes", "because of that",
    # looser stamps and stamp-free conversations
    "00:05 A: x", "00:02 B: y", "A (00:07): z", "**B** [00:09]: w", "A - 00:11: v", "B  0:13",
    "A [00:01]", "[00:01 - 00:04] A: x", "[00:09 --> 00:03] B: y", "Framing (0:00-5:00): x",
    "Interviewer: q?", "Maya: a.", "**Interviewer:** q", "Q: x", "A: y",
    # stamps alone on a line, Zoom's saved transcript, tables
    "00:05:00", "[00:02]", "**01:00:00**", "0:00:01.000,0:00:04.000", "[A] 10:02:01", "[B] 00:00:09",
    "| time | speaker | text |", "| Speaker | What was said |", "| 00:01 | A | x |", "| soon | B | y |",
    "| A | x \\| y |", "time,speaker,text", "00:05,A,hi", "3600.5,B,\"x, y\"", "speaker\ttext", "A\tz", '"',
])
NAMES = st.sampled_from(["a.vtt", "a.srt", "a.md", "a.txt", "a.json", "pasted text", "x.csv", "x.tsv"])
CANDIDATES = st.one_of(st.none(), st.sampled_from(["A", "riya", "Candidate", "zz"]), st.text(max_size=4))


@settings(max_examples=400, deadline=None, database=None)
@given(st.text(max_size=400), NAMES, CANDIDATES)
def test_fuzz_random_text(text, name, candidate):
    read_or_error(read_text, text, name=name, candidate=candidate)


@settings(max_examples=600, deadline=None, database=None)
@given(st.lists(FRAGMENTS, max_size=14), NAMES, CANDIDATES)
def test_fuzz_format_like_text(lines, name, candidate):
    read_or_error(read_text, "\n".join(lines), name=name, candidate=candidate)


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
        st.sampled_from(["schema", "turns", "speaker", "start_s", "end_s", "text", "candidate"]),
        inner, max_size=5),
    max_leaves=20)
TURN = st.fixed_dictionaries({"speaker": st.text(max_size=6) | JSON_VALUES,
                              "start_s": st.floats(-1, 100) | JSON_VALUES,
                              "text": st.text(max_size=20)},
                             optional={"end_s": st.floats(-1, 200) | st.none()})


@settings(max_examples=300, deadline=None, database=None)
@given(JSON_VALUES | st.fixed_dictionaries({"turns": st.lists(TURN, max_size=4)},
                                           optional={"candidate": st.none() | st.text(max_size=4)}))
def test_fuzz_json(doc):
    read_or_error(read_text, json.dumps(doc), name="t.json")


@settings(max_examples=300, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=600), ext=st.sampled_from([".vtt", ".srt", ".md", ".txt", ".json", ""]))
def test_fuzz_random_bytes_file(tmp_path, data, ext):
    path = tmp_path / f"upload{ext}"
    path.write_bytes(data)
    read_or_error(read_transcript, path)
    read_or_error(read_text, data, name=path.name)


@settings(max_examples=200, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(prefix=st.sampled_from([b"WEBVTT\n\n", b"1\n00:00:01,000 --> 00:00:02,000\n", b"[00:01] A: ",
                               b"{\"turns\": [", b"\xef\xbb\xbf", b"\xff\xfe", b""]),
       data=st.binary(max_size=300))
def test_fuzz_bytes_after_a_plausible_start(tmp_path, prefix, data):
    path = tmp_path / "mixed.txt"
    path.write_bytes(prefix + data)
    read_or_error(read_transcript, path)
