"""Bad input through the CLI: exit 2, one line on stderr naming the file and what was expected,
no traceback, nothing on stdout."""

from __future__ import annotations

import json
import random
import time
from pathlib import Path

import pytest

from barraiser.cli.main import main

TWO_SPEAKERS = ("[00:01] Omar: Design a shelf alert feature.\n"
                "[00:05] Riya: Who is this for, shoppers or the store staff who restock?\n")
# Omar: "Design a shelf alert feature." = 5 words; Riya: 11 words.


def run(capsys, *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def user_error(capsys, path: Path | str, *extra: str) -> str:
    """Grade `path` as JSON, check the one-line user error, and return its message."""
    code, out, err = run(capsys, "grade", str(path), "--format", "json", *extra)
    assert code == 2, (code, out, err)
    assert out == ""
    assert "Traceback" not in err and "Traceback" not in out
    assert err.endswith("\n") and err.count("\n") == 1, f"not exactly one line: {err!r}"
    assert err.startswith("Error: ")
    return err[len("Error: "):].rstrip("\n")


def write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    p = tmp_path / name
    if isinstance(content, bytes):
        p.write_bytes(content)
    else:
        p.write_text(content, encoding="utf-8")
    return p


# --------------------------------------------------------------------------- files that are not transcripts

def test_empty_file(capsys, tmp_path):
    msg = user_error(capsys, write(tmp_path, "empty.vtt", ""))
    assert msg.startswith("empty.vtt: file is empty (expected a transcript: WebVTT (.vtt), SRT (.srt)")


def test_whitespace_only_file(capsys, tmp_path):
    msg = user_error(capsys, write(tmp_path, "blank.md", "\n   \n\t\n"))
    assert msg.startswith("blank.md: file contains only whitespace (expected a transcript")


@pytest.mark.parametrize("name", ["blob.bin", "export.vtt"])
def test_binary_file(capsys, tmp_path, name):
    rng = random.Random(7)
    data = bytes(rng.randrange(256) for _ in range(2000)) + b"\x00\x00\x00" + bytes(rng.randrange(256) for _ in range(500))
    msg = user_error(capsys, write(tmp_path, name, data))
    assert msg.startswith(f"{name}: looks like a binary file, not text (expected a transcript")


def test_undecodable_bytes(capsys, tmp_path):
    # Not UTF-8, and not Windows-1252 either (0x81 is undefined there): the reader gives up
    # and names the first bad byte and its line.
    data = (b"[00:01] Omar: Design a shelf alert feature.\n"
            b"[00:05] Riya: Who is this for?\n"
            b"[00:09] Omar: Shoppers \xff\xfe\xfa\x81 on the app.\n")
    msg = user_error(capsys, write(tmp_path, "mojibake.md", data))
    assert msg == ("mojibake.md, line 3: byte 0xff cannot be decoded as UTF-8 text "
                   "(expected a text file saved as UTF-8)")


def test_a_few_legacy_bytes_are_read_as_windows_1252(capsys, tmp_path):
    """What the reader does with b"\\xff\\xfe\\xfa" inside otherwise plain text: not an error;
    a file that is clearly text apart from a few bytes is decoded as Windows-1252."""
    data = TWO_SPEAKERS.encode() + b"[00:12] Riya: Na\xefve caf\xe9 shoppers \xff\xfe\xfa want the app.\n"
    code, out, err = run(capsys, "grade", str(write(tmp_path, "legacy.md", data)), "--format", "json")
    assert code == 0, err
    assert json.loads(out)["source"] == "legacy.md"


def test_csv_file(capsys, tmp_path):
    msg = user_error(capsys, write(tmp_path, "data.csv", "name,age,city\nAna,31,Lisbon\nBob,40,Porto\n"))
    assert msg.startswith("data.csv: unrecognised transcript format: this table's header names no speaker "
                          "and text columns; a transcript table starts with a header row like "
                          "'time,speaker,text' (expected a transcript")


def test_csv_content_with_a_text_extension(capsys, tmp_path):
    msg = user_error(capsys, write(tmp_path, "export.txt", "name,age,city\nAna,31,Lisbon\nBob,40,Porto\n"))
    assert msg.startswith("export.txt: unrecognised transcript format: this looks like a table (CSV) whose "
                          "header names no speaker and text columns; a transcript table starts with a header "
                          "row like 'time,speaker,text' (expected a transcript")


def test_missing_file(capsys, tmp_path):
    path = tmp_path / "nope.vtt"
    msg = user_error(capsys, path)
    assert msg == (f"nope.vtt: file does not exist ({path}) "
                   "(expected the path of an existing transcript file)")


def test_directory(capsys, tmp_path):
    folder = tmp_path / "exports"
    folder.mkdir()
    msg = user_error(capsys, folder)
    assert msg == "exports: is a directory, not a file (expected the path of a transcript file)"


def test_fifty_megabyte_file_is_refused_fast(capsys, tmp_path):
    path = tmp_path / "huge.md"
    with path.open("w", encoding="utf-8") as f:
        f.write(TWO_SPEAKERS)
        f.truncate(50 * 1024 * 1024)  # sparse: fast to make
    started = time.perf_counter()
    msg = user_error(capsys, path)
    assert time.perf_counter() - started < 1.0, "the size limit must be checked before reading"
    assert msg == ("huge.md: file is too large (50.0 MB; the limit is 5 MB) "
                   "(expected a transcript file of at most 5 MB)")


# --------------------------------------------------------------------------- malformed cues

VTT_HEAD = "WEBVTT\n\n1\n00:00:01.000 --> 00:00:04.000\nAna: Who is the user here?\n\n2\n"


def test_vtt_timing_line_without_arrow(capsys, tmp_path):
    path = write(tmp_path, "arrow.vtt", VTT_HEAD + "00:00:05.000 -> 00:00:08.000\nBob: Shoppers.\n")
    msg = user_error(capsys, path)
    assert msg.startswith("arrow.vtt, line 8: expected a cue timing line, found '00:00:05.000 -> 00:00:08.000'")
    assert msg.endswith("(expected a timing line like '00:01:02.500 --> 00:01:05.000')")


def test_vtt_timing_line_out_of_range(capsys, tmp_path):
    path = write(tmp_path, "range.vtt", VTT_HEAD + "00:00:05.000 --> 00:00:75.000\nBob: Shoppers.\n")
    msg = user_error(capsys, path)
    assert msg == ("range.vtt, line 8: malformed cue timing line '00:00:05.000 --> 00:00:75.000' "
                   "(expected a timing line like '00:01:02.500 --> 00:01:05.000')")


def test_vtt_cue_times_go_backwards(capsys, tmp_path):
    text = ("WEBVTT\n\n1\n00:00:10.000 --> 00:00:14.000\nAna: Who is the user here?\n\n"
            "2\n00:00:05.000 --> 00:00:08.000\nBob: Shoppers.\n")
    msg = user_error(capsys, write(tmp_path, "backwards.vtt", text))
    assert msg == ("backwards.vtt, line 8: the cue starts at 00:00:05.000, before the cue above it "
                   "(00:00:10.000) (expected cues in time order)")


def test_srt_end_before_start(capsys, tmp_path):
    text = ("1\n00:00:01,000 --> 00:00:04,000\nAna: Who is the user here?\n\n"
            "2\n00:00:09,000 --> 00:00:06,000\nBob: Shoppers.\n")
    msg = user_error(capsys, write(tmp_path, "captions.srt", text))
    assert msg == ("captions.srt, line 6: the cue ends (00:00:06.000) before it starts (00:00:09.000) "
                   "(expected an end time at or after the start time)")


# --------------------------------------------------------------------------- JSON of the wrong shape

def test_json_turns_is_an_object(capsys, tmp_path):
    path = write(tmp_path, "t.json", json.dumps({"schema": "barraiser.transcript/1", "turns": {"a": 1}}))
    msg = user_error(capsys, path)
    assert msg.startswith('t.json: "turns" is an object, not a list (expected a JSON object like {"schema": '
                          '"barraiser.transcript/1"')


def test_json_turn_without_speaker(capsys, tmp_path):
    doc = {"schema": "barraiser.transcript/1",
           "turns": [{"speaker": "Ana", "start_s": 0, "text": "Who is the user?"},
                     {"start_s": 3, "text": "Shoppers."}]}
    msg = user_error(capsys, write(tmp_path, "t.json", json.dumps(doc)))
    assert msg == ('t.json: turns[1].speaker is missing '
                   '(expected every turn to have "speaker", "start_s" and "text")')


def test_json_that_is_not_valid_json(capsys, tmp_path):
    msg = user_error(capsys, write(tmp_path, "t.json", '{"turns": [\n  {"speaker": "Ana",}\n]}'))
    assert msg.startswith("t.json, line 2: is not valid JSON")


# --------------------------------------------------------------------------- the candidate

def test_candidate_with_only_an_empty_turn(capsys, tmp_path):
    doc = {"schema": "barraiser.transcript/1", "candidate": "Ana",
           "turns": [{"speaker": "Bob", "start_s": 0, "text": "Tell me how you would design it."},
                     {"speaker": "Ana", "start_s": 4, "text": ""}]}
    msg = user_error(capsys, write(tmp_path, "silent.json", json.dumps(doc)))
    assert msg.startswith('silent.json: no words from the candidate "Ana"')
    assert "speakers found: Bob 7 words, Ana 0 words" in msg


def test_candidate_option_naming_a_silent_speaker(capsys, tmp_path):
    doc = {"schema": "barraiser.transcript/1",
           "turns": [{"speaker": "Bob", "start_s": 0, "text": "Tell me how you would design it."},
                     {"speaker": "Ana", "start_s": 4, "text": "   "}]}
    msg = user_error(capsys, write(tmp_path, "quiet.json", json.dumps(doc)), "--candidate", "Ana")
    assert msg.startswith('quiet.json: no words from the candidate "Ana"')
    assert "Bob 7 words, Ana 0 words" in msg


def test_candidate_not_among_the_speakers(capsys, tmp_path):
    msg = user_error(capsys, write(tmp_path, "mock.md", TWO_SPEAKERS), "--candidate", "Bob")
    assert msg == 'mock.md: no speaker called "Bob" (expected one of: Omar 5 words, Riya 11 words)'


# --------------------------------------------------------------------------- options

def test_output_into_a_missing_folder(capsys, tmp_path):
    src = write(tmp_path, "mock.md", TWO_SPEAKERS)
    target = tmp_path / "no-such-folder" / "report.json"
    code, out, err = run(capsys, "grade", str(src), "--output", str(target))
    assert code == 2
    assert out == ""
    assert "Traceback" not in err
    assert err.count("\n") == 1 and err.startswith("Error: ")
    assert str(target) in err
    assert "cannot write" in err
    assert "No such file or directory" in err or "does not exist" in err
    assert not target.parent.exists()


@pytest.mark.parametrize("args", [
    ["--format", "csv"],       # a value that is not one of the choices
    ["--no-such-option"],      # an option that does not exist
    ["--output", "{folder}"],  # --output naming an existing folder (click.Path(dir_okay=False))
])
def test_bad_option_is_one_line(capsys, tmp_path, args):
    # A usage error used to print click's usage banner too (four lines); one line is the promise.
    src = write(tmp_path, "mock.md", TWO_SPEAKERS)
    args = [a.replace("{folder}", str(tmp_path)) for a in args]
    code, out, err = run(capsys, "grade", str(src), *args)
    assert code == 2
    assert out == ""
    assert "Traceback" not in err
    assert err.startswith("Error: ")
    assert err.count("\n") == 1, f"not exactly one line: {err!r}"
