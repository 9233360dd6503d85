"""Readers that turn every supported input into a `Transcript`.

Inputs (see ../shared/formats/ for tiny real-export examples):

- WebVTT as Zoom writes it (``Name: text`` cues) or as Teams writes it (``<v Name>`` voice tags);
- SRT with ``Name: text`` cues;
- Markdown or text with ``[mm:ss]`` / ``[hh:mm:ss]`` stamps and ``Name:`` or ``**Name:**`` speakers
  (also ``00:02 Name:``, ``Name (00:02):``, ``[00:02 - 00:09] Name:``, and ``Name 0:02`` or
  ``[Name] 10:02:01`` above the words);
- a stamp alone on a line above ``Name:`` lines (Google Meet; a YouTube ``.sbv`` cue line);
- a table whose header names a speaker and a words column (Markdown, CSV, TSV), with an
  optional time column;
- the project's own JSON (schema ``barraiser.transcript/1``);
- a conversation pasted without stamps (``Interviewer: ...`` / ``Maya: ...`` lines, two or
  more recurring speakers taking turns), timed by word count;
- a written answer: plain text or Markdown without stamps, timed by word count.

The format is recognised from the content, with the file extension as a hint. Times that
begin an hour or more in (a time of day) count from the first one. Every
problem with the input is raised as a `TranscriptError` that names the file, the line
(when there is one) and what was expected; no other exception escapes for any input.

Turn text is kept verbatim apart from whitespace (runs collapse to one space) and
markup that belongs to the container (VTT tags, stamps, speaker labels, line-leading
bullets), because the grader quotes substrings of it back to the user.
"""

from __future__ import annotations

import csv
import html
import io
import json
import math
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from barraiser.errors import TranscriptError
from barraiser.transcript.model import WORDS_PER_MINUTE, Transcript, Turn, count_words

__all__ = ["MAX_BYTES", "JSON_SCHEMA", "read_transcript", "read_text", "choose_candidate"]

MAX_BYTES = 5 * 1024 * 1024  # larger inputs are refused before they are read
JSON_SCHEMA = "barraiser.transcript/1"
WRITTEN_SPEAKER = "Candidate"  # the one speaker of a written answer
UNKNOWN_SPEAKER = "Unknown speaker"  # unnamed cues before the first named speaker

EXPECTED_INPUT = ("a transcript: WebVTT (.vtt), SRT (.srt), Markdown or text with [mm:ss] stamps "
                  "and 'Name:' speakers, a table with speaker and text columns, Bar Raiser JSON, "
                  "or a written answer in plain text")
EXPECTED_TIMING = "a timing line like '00:01:02.500 --> 00:01:05.000'"
EXPECTED_JSON = ('a JSON object like {"schema": "barraiser.transcript/1", "candidate": null, '
                 '"turns": [{"speaker": "Ana", "start_s": 0, "text": "..."}]}')

# Files that are certainly not transcripts: say so instead of guessing at their bytes.
_MEDIA_EXT = {".mp3", ".mp4", ".m4a", ".wav", ".webm", ".mov", ".mkv", ".aac", ".ogg", ".flac"}
_TABLE_EXT = {".csv", ".tsv"}  # read when a header row names the speaker and words columns
_OTHER_EXT = {".csv", ".tsv", ".xls", ".xlsx", ".doc", ".docx", ".odt", ".pdf", ".pages",
              ".html", ".htm", ".xml", ".rtf", ".zip", ".png", ".jpg", ".jpeg", ".gif"}


# --------------------------------------------------------------------------- public API

def read_transcript(path: str | Path, *, candidate: str | None = None) -> Transcript:
    """Read a transcript file of any supported format and pick the candidate."""
    try:
        p = Path(path)
    except TypeError:
        raise TranscriptError(f"{path!r} is not a file path", source=str(path),
                              expected="the path of a transcript file") from None
    name = p.name or str(path)
    ext = p.suffix.lower()
    data = _load_bytes(p, name, ext)
    return _read(_decode(data, name), name, ext, candidate)


def read_text(text: str | bytes, *, name: str = "pasted text",
              candidate: str | None = None) -> Transcript:
    """Read pasted text or an upload exactly as a file called `name` would be read."""
    name = str(name) if name else "pasted text"
    ext = Path(name).suffix.lower() if "\x00" not in name else ""
    if ext in _MEDIA_EXT:
        raise _media(name)
    if isinstance(text, (bytes, bytearray, memoryview)):
        data = bytes(text)
        if len(data) > MAX_BYTES:
            raise _too_large(name, len(data))
        text = _decode(data, name)
    elif isinstance(text, str):
        # A str of more than MAX_BYTES characters is certainly too large; otherwise count bytes.
        size = len(text) if len(text) > MAX_BYTES else len(text.encode("utf-8", "surrogatepass"))
        if size > MAX_BYTES:
            raise _too_large(name, size)
        # Lone surrogates cannot be written out later (JSON, HTML); make them visible instead.
        text = text.encode("utf-8", "surrogatepass").decode("utf-8", "replace")
        _check_not_binary(text, name)
    else:
        raise TranscriptError(f"cannot read a {type(text).__name__} as a transcript",
                              source=name, expected="text or bytes")
    return _read(text, name, ext, candidate)


def choose_candidate(tr: Transcript, candidate: str | None) -> Transcript:
    """Set `tr.candidate` to the speaker whose words are graded, and return `tr`.

    `candidate` is matched exactly, then case-insensitively, then as a unique prefix,
    then as a unique substring. Without it, the candidate named by the file itself (JSON)
    is used, else the one speaker named as the candidate ("Candidate", "Maya (interviewee)"),
    else the speaker with the most words who is not named as the interviewer ("Interviewer",
    "Omar (host)"): an interviewer who talks more must not be graded by default. A written
    answer has one author.
    """
    speakers = tr.speakers
    if not speakers:
        raise TranscriptError("the transcript has no turns", source=tr.source,
                              expected="at least one speaker's words")
    if tr.format == "written":
        # A written answer has no speaker labels, so any name given refers to its author.
        chosen = WRITTEN_SPEAKER if WRITTEN_SPEAKER in speakers else next(iter(speakers))
    else:
        from_file = candidate is None and tr.candidate is not None
        wanted = candidate if candidate is not None else tr.candidate
        wanted = str(wanted).strip() if wanted is not None else ""
        if wanted:
            chosen = _match_speaker(wanted, speakers, tr.source, from_file=from_file)
        else:
            chosen = _default_candidate(speakers)
    if speakers.get(chosen, 0) == 0:
        raise TranscriptError(f'no words from the candidate "{chosen}"', source=tr.source,
                              expected="a transcript in which the candidate speaks (speakers found: "
                              + _speaker_list(speakers) + ")")
    tr.candidate = chosen
    return tr


_CANDIDATE_ROLE = re.compile(r"\b(?:candidate|interviewee)\b", re.IGNORECASE)
_INTERVIEWER_ROLE = re.compile(r"\b(?:interviewer|host|moderator)\b", re.IGNORECASE)


def _default_candidate(speakers: dict[str, int]) -> str:
    named = [s for s in speakers if _CANDIDATE_ROLE.search(s) and not _INTERVIEWER_ROLE.search(s)]
    if len(named) == 1:
        return named[0]
    others = [s for s in speakers if not _INTERVIEWER_ROLE.search(s)] or list(speakers)
    return max(others, key=lambda s: speakers[s])  # ties: the first to speak


# --------------------------------------------------------------------------- loading bytes

def _load_bytes(p: Path, name: str, ext: str) -> bytes:
    try:
        if not p.exists():
            where = "" if str(p) == name else f" ({p})"
            raise TranscriptError(f"file does not exist{where}", source=name,
                                  expected="the path of an existing transcript file")
        if p.is_dir():
            raise TranscriptError("is a directory, not a file", source=name,
                                  expected="the path of a transcript file")
        if not p.is_file():  # a FIFO or device could block or never end
            raise TranscriptError("is not a regular file", source=name,
                                  expected="the path of a transcript file")
        if ext in _MEDIA_EXT:
            raise _media(name)
        size = p.stat().st_size
        if size > MAX_BYTES:  # refuse before reading anything
            raise _too_large(name, size)
        with p.open("rb") as fh:
            data = fh.read(MAX_BYTES + 1)  # the file may have grown since stat()
    except OSError as exc:
        raise TranscriptError(f"cannot read the file: {exc.strerror or exc}", source=name,
                              expected="a readable transcript file") from None
    except ValueError:  # e.g. a NUL character in the path
        raise TranscriptError("is not a valid file path", source=name,
                              expected="the path of a transcript file") from None
    if len(data) > MAX_BYTES:
        raise _too_large(name, len(data))
    return data


def _too_large(name: str, size: int) -> TranscriptError:
    return TranscriptError(f"file is too large ({size / 1024 / 1024:.1f} MB; the limit is "
                           f"{MAX_BYTES // (1024 * 1024)} MB)", source=name,
                           expected="a transcript file of at most 5 MB")


def _media(name: str) -> TranscriptError:
    return TranscriptError("is an audio or video file; Bar Raiser reads transcripts, not recordings",
                           source=name, expected="a transcript exported from the call (.vtt, .srt) "
                           "or a text file")


def _decode(data: bytes, name: str) -> str:
    """Bytes to text: UTF-8 (with or without BOM), UTF-16/32 with a BOM, cp1252 as a last resort."""
    boms = ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe\x00\x00", "utf-32"),
            (b"\x00\x00\xfe\xff", "utf-32"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"))
    for bom, encoding in boms:
        if data.startswith(bom):
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError:
                raise TranscriptError(f"starts with a {encoding.upper()} byte-order mark but cannot "
                                      f"be decoded as {encoding.upper()}", source=name,
                                      expected="a text file in UTF-8 or UTF-16") from None
            break
    else:
        text = _decode_without_bom(data, name)
    _check_not_binary(text, name)
    return text


def _decode_without_bom(data: bytes, name: str) -> str:
    utf16 = _guess_utf16(data)
    if utf16:
        return utf16
    if b"\x00" in data:
        raise _binary(name)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        legacy = _decode_legacy(data)
        if legacy is not None:
            return legacy
        line = data[:exc.start].count(b"\n") + 1
        raise TranscriptError(f"byte 0x{data[exc.start]:02x} cannot be decoded as UTF-8 text",
                              source=name, line=line, expected="a text file saved as UTF-8") from None


def _guess_utf16(data: bytes) -> str | None:
    """UTF-16 without a BOM shows as a NUL in every other byte of ASCII text."""
    if len(data) < 4 or len(data) % 2:
        return None
    for encoding, zeros in (("utf-16-le", data[1::2]), ("utf-16-be", data[0::2])):
        if zeros.count(0) >= 0.9 * len(zeros):
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError:
                return None
            return None if "\x00" in text else text
    return None


def _decode_legacy(data: bytes) -> str | None:
    """Windows-1252 for a file that is clearly text apart from a few accented letters."""
    high = len(data) - len(data.translate(None, bytes(range(0x80, 0x100))))
    if high > 0.1 * len(data):
        return None
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        return None
    return None if _CONTROL.search(text) else text


_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")  # control characters that never occur in text


def _check_not_binary(text: str, name: str) -> None:
    if "\x00" in text or len(_CONTROL.findall(text)) * 100 > len(text):
        raise _binary(name)


def _binary(name: str) -> TranscriptError:
    return TranscriptError("looks like a binary file, not text", source=name, expected=EXPECTED_INPUT)


# --------------------------------------------------------------------------- dispatch

_VTT_HEADER = re.compile(r"^\ufeff?WEBVTT(?:[ \t]+(.*))?$")
_CUE_TIMING_START = re.compile(r"^\d[^\s]*\s*-->", re.ASCII)  # how a cue timing line begins
_HTML = re.compile(r"^<(?:!doctype|html|\?xml|head|body|div|p|table)\b", re.IGNORECASE)


def _read(text: str, name: str, ext: str, candidate: str | None) -> Transcript:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if text.startswith("\ufeff"):
        text = text[1:]
    tr = _parse(text, name, ext)
    _count_from_first_stamp(tr)
    tr.source = name
    return choose_candidate(tr, candidate)


def _parse(text: str, name: str, ext: str) -> Transcript:
    if not text.strip():
        problem = "file is empty" if not text else "file contains only whitespace"
        raise TranscriptError(problem, source=name, expected=EXPECTED_INPUT)
    if ext in _OTHER_EXT - _TABLE_EXT:
        raise _unrecognised(name, f"{ext} files are not transcripts")
    lines = text.split("\n")
    first = next(i for i, line in enumerate(lines) if line.strip())
    head = lines[first].strip()

    if _VTT_HEADER.match(head):
        return _read_cues(lines, name, first, vtt=True)
    if head.startswith("{\\rtf"):
        raise _unrecognised(name, "this is an RTF document; save it as plain text")
    if head.startswith("{") or ext == ".json":
        return _read_json(text, name)
    if head.startswith("["):  # a JSON array, or a Markdown line like "[00:02] Riya: ..."
        try:
            data = json.loads(text)
        except (ValueError, RecursionError):
            pass
        else:
            return _read_json(text, name, data)
    if _HTML.match(head):
        raise _unrecognised(name, "this is an HTML or XML document")
    rows = _table_rows(text, lines)
    if rows is not None:  # a table with speaker and words columns
        heading = _heading(head)  # "# Mock with Sam" above a Markdown table titles it
        return _read_table(rows, name, heading or None)
    if ext in _TABLE_EXT:
        raise _unrecognised(name, "this table's header names no speaker and text columns; a "
                                  "transcript table starts with a header row like 'time,speaker,text'")
    if ext in (".vtt", ".srt") or _starts_with_cue(lines, first):
        # A WebVTT file whose header was lost is read like SRT (which also accepts '.' millis).
        return _read_cues(lines, name, first, vtt=False, vtt_ext=ext == ".vtt")
    stamped = [line for line in lines if _match_stamp(line, loose=False)]
    if stamped:
        # Only stamps alone on their lines, above "Name:" lines: Google Meet's transcript.
        voices = all(_STAMP_ALONE.match(line) for line in stamped) and _dialogue_speakers(lines)
        return _read_dialogue(lines, name, voices) if voices else _read_stamped(lines, name, loose=False)
    if _loosely_stamped(lines):
        return _read_stamped(lines, name, loose=True)
    if _looks_tabular(lines):
        raise _unrecognised(name, "this looks like a table (CSV) whose header names no speaker and "
                                  "text columns; a transcript table starts with a header row like "
                                  "'time,speaker,text'")
    if not re.search(r"[^\W\d_]", text):
        raise _unrecognised(name, "no stamps, speakers or words were found")
    voices = _dialogue_speakers(lines)
    if voices:
        return _read_dialogue(lines, name, voices)
    return _read_written(lines, name)


CLOCK_TIME_FROM_S = 3600.0


def _count_from_first_stamp(tr: Transcript) -> None:
    """Times that begin an hour or more in are a time of day ("[Maya] 10:02:01") or a
    timecode that starts at 01:00:00: the interview starts at the first of them, so that
    "minute 10" means ten minutes into the interview."""
    if tr.timing != "measured" or not tr.turns or tr.turns[0].start_s < CLOCK_TIME_FROM_S:
        return
    zero = tr.turns[0].start_s
    for t in tr.turns:
        t.start_s, t.end_s = round(t.start_s - zero, 3), round(t.end_s - zero, 3)
        t.marks = [(o, round(at - zero, 3)) for o, at in t.marks]


def _unrecognised(name: str, why: str) -> TranscriptError:
    return TranscriptError(f"unrecognised transcript format: {why}", source=name,
                           expected=EXPECTED_INPUT)


def _starts_with_cue(lines: list[str], first: int) -> bool:
    """An SRT (or header-less VTT) begins with a cue: an optional id line, then a timing line."""
    nxt = lines[first + 1].strip() if first + 1 < len(lines) else ""
    head = lines[first].strip()
    if _CUE_TIMING_START.match(head):
        return True
    return bool(_CUE_TIMING_START.match(nxt)) and len(head) <= 100 and " " not in head


def _looks_tabular(lines: list[str]) -> bool:
    """A CSV/TSV: every row has the same number of separators, under a short header row."""
    rows = [line for line in lines if line.strip()]
    if len(rows) < 3:  # two short lines with commas are more likely prose than a table
        return False
    for sep, least in ((",", 2), ("\t", 1), (";", 2)):
        counts = {row.count(sep) for row in rows}
        if len(counts) == 1 and counts.pop() >= least:
            header = [cell.strip() for cell in rows[0].split(sep)]
            if all(0 < len(c) <= 30 and len(c.split()) <= 4 and not c.endswith((".", "?", "!"))
                   for c in header):
                return True
    return False


# --------------------------------------------------------------------------- tables

# A transcript kept as a table (a Markdown table in notes, or a CSV/TSV export) has a
# header row that names a speaker column and a words column, and maybe a time column.
_TIME_HEADER = re.compile(r"^(?:time(?:stamp)?|start(?:[ _]?(?:time|s|sec|secs|seconds))?|at|when|"
                          r"clock|begin|start \(s\))$", re.I)
_SPEAKER_HEADER = re.compile(r"^(?:speaker(?:[ _]?name)?|name|who|person|role|participant)$", re.I)
_TEXT_HEADER = re.compile(r"^(?:text|transcript(?:ion)?|words|what was said|said|says|utterance|"
                          r"content|line|dialogue|quote|message|speech|sentence)$", re.I)
_PIPE_SPLIT = re.compile(r"(?<!\\)\|")
_SECONDS = re.compile(r"^\d{1,6}(?:\.\d{1,3})?$")


@dataclass
class _Row:
    line: int
    stamp: str
    speaker: str
    words: str


def _table_roles(header: list[str]) -> tuple[int | None, int, int] | None:
    """(time, speaker, words) column indexes from a header row, or None when it is not a
    transcript's header (the speaker and the words columns are both needed)."""
    cells = [c.strip().strip("*_`").strip() for c in header]  # "**Speaker**" is a header too

    def find(pattern: re.Pattern) -> int | None:
        return next((i for i, c in enumerate(cells) if pattern.match(c)), None)

    when, who, what = find(_TIME_HEADER), find(_SPEAKER_HEADER), find(_TEXT_HEADER)
    return None if who is None or what is None else (when, who, what)


def _table_row(line: int, cells: list[str], roles: tuple[int | None, int, int]) -> _Row:
    when, who, what = roles

    def get(i: int | None) -> str:
        return cells[i].strip() if i is not None and i < len(cells) else ""

    return _Row(line, get(when), _squash(get(who).strip("*_ ")), _squash(get(what).replace("\\|", "|")))


def _table_rows(text: str, lines: list[str]) -> list[_Row] | None:
    """The rows of a transcript table (a Markdown pipe table, or CSV/TSV with a header
    row naming the speaker and the words columns); None for anything else."""
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is None:
        return None
    # Markdown notes may title the table: "# Mock with Sam" above it.
    below = next((i for i, line in enumerate(lines) if line.strip() and _heading(line.strip()) is None), None)
    if below is not None and lines[below].strip().startswith("|"):
        first = below
    head = lines[first].strip()
    if head.startswith("|"):
        if first + 1 >= len(lines) or not _RULE.match(lines[first + 1].strip()):
            return None
        roles = _table_roles(_PIPE_SPLIT.split(head.strip("|")))
        if roles is None:
            return None
        rows = []
        for i in range(first + 2, len(lines)):
            row = lines[i].strip()
            if not row.startswith("|"):
                break  # the table ends here
            rows.append(_table_row(i + 1, _PIPE_SPLIT.split(row.strip("|")), roles))
        return rows
    for sep in (",", "\t", ";"):
        # The header row decides, so other text is never parsed as a table.
        if sep not in head or (roles := _table_roles(next(csv.reader([head], delimiter=sep)))) is None:
            continue
        reader = csv.reader(io.StringIO("\n".join(lines[first:])), delimiter=sep)
        try:
            next(reader)  # the header row
            rows, at = [], first + 1 + reader.line_num
            for cells in reader:
                if any(c.strip() for c in cells):
                    rows.append(_table_row(at, cells, roles))
                at = first + 1 + reader.line_num
        except csv.Error:
            return None
        return rows
    return None


def _read_table(rows: list[_Row], name: str, title: str | None = None) -> Transcript:
    """One cue per row, timed by the time column (a stamp or seconds) where a row has one;
    `_timed` places the rest."""
    cues: list[_Cue] = []
    last: float | None = None
    for row in rows:
        if not row.words:
            continue
        at: float | None = None
        if _SECONDS.match(row.stamp):
            at = float(row.stamp)
        elif row.stamp:
            at = _stamp_seconds(row.stamp) if re.fullmatch(_STAMP_TIME, row.stamp, re.ASCII) else None
            if at is None:
                raise TranscriptError(f"invalid time {row.stamp!r} in the time column", source=name,
                                      line=row.line, expected="a time like 00:02, 00:01:02 or 62.5 (seconds)")
        if at is not None and last is not None and at < last:
            raise TranscriptError(f"the time {row.stamp} is earlier than the one before it ({_clock(last)})",
                                  source=name, line=row.line, expected="rows in time order")
        last = at if at is not None else last
        cues.append(_Cue(start=at, end=None, text=row.words, line=row.line,
                         speaker=row.speaker or UNKNOWN_SPEAKER))
    if not cues:
        raise TranscriptError("the table's rows contain no words", source=name,
                              expected="rows with a speaker and what they said")
    return _timed(cues, "table", title)


# --------------------------------------------------------------------------- shared: cues -> turns

_WS = re.compile(r"\s+")


def _squash(text: str) -> str:
    """Strip, and collapse each run of whitespace to one space."""
    return _WS.sub(" ", text).strip()


@dataclass
class _Cue:
    """One timed piece of text, before consecutive cues of a speaker are merged."""
    start: float | None
    end: float | None
    text: str
    line: int
    voice: str | None = None  # speaker given by the container (a <v> tag); None = from the text
    speaker: str | None = None


def _merge(cues: list[_Cue]) -> list[Turn]:
    """Consecutive cues of one speaker become one turn; each cue start is kept as a mark."""
    turns: list[Turn] = []
    floor = 0.0
    for cue in cues:
        if not cue.text:
            continue
        # Starts never go back: the second voice of a split cue may begin later than the
        # next cue, which Teams can time to the same start.
        start = floor = max(cue.start, floor)
        end = max(cue.end, start)
        if turns and turns[-1].speaker == cue.speaker:
            turn = turns[-1]
            turn.marks.append((len(turn.text) + 1, start))
            turn.text = f"{turn.text} {cue.text}"
            turn.end_s = max(turn.end_s, end)  # overlapping cues must not shorten the turn
        else:
            turns.append(Turn(speaker=cue.speaker, start_s=start, end_s=end, text=cue.text,
                              marks=[(0, start)], line=cue.line))
    return turns


# The speaker-prefix rule. In Zoom-style cues, SRT and stamped lines, "X: rest" may name
# a speaker X or may just be a sentence ("Note: we optimise latency"). X names a speaker when
#   1. X is already a speaker in this file; or
#   2. X is shaped like a display name (1-6 words, at most 60 characters, a letter in it,
#      no sentence punctuation such as ? ! , ; or quotes) and its first word is not a
#      common label word ("Note", "Example", "Step", "Latency", "The", ...), and one of:
#      a. no speaker has been established yet (the first named cue sets one up), or
#      b. X is the prefix of at least two cues in the file (a recurring name, whatever
#         its capitalisation, e.g. a lowercase display name "riya"), or
#      c. X is capitalised like a name ("Riya Shah (she/her)", "Interviewer - Panel 1",
#         "Dr. O'Neil") and the previous cue ended its sentence: a one-off new name in
#         the middle of someone's sentence is far more likely a label than a new person.
# Otherwise the whole text, "X:" included, continues the current speaker.

_PREFIX = re.compile(r"^(.{1,60}?):(?:\s+|$)", re.DOTALL)
_NOT_IN_NAME = re.compile(r"[?!,;:\"“”…<>{}=*#|\\]")
_LABEL_WORDS = frozenset("""
    note notes nb n.b ps p.s example examples eg e.g ie i.e tip hint warning caution important
    update edit summary recap answer question step first second third fourth fifth finally next
    then option options plan pros cons pro con goal goals metric metrics constraint constraints
    tradeoff trade-off tradeoffs trade-offs assumption assumptions result results problem solution
    idea todo fix why what how when where who which because so but and or also reason key caveat
    risk risks fallback approach context scope user users latency cost costs accuracy precision
    recall freshness coverage trust input output phase part section takeaway conclusion
    definition hypothesis baseline the this that these those my our your their its it we i one
    two three bottom short long quick main in on for to with yes no ok okay well now here there
    actually basically honestly remember again same data model feature features design
    requirement requirements priority priorities tldr stage version mvp day week month today
    tomorrow time timeline budget target success failure edge guardrail guardrails
""".split())
_NAME_CONNECTORS = frozenset("de da del della di van von der den la le du dos das bin binti al el "
                             "y e of and".split())


def _split_prefix(text: str) -> tuple[str, str] | None:
    m = _PREFIX.match(text)
    if not m:
        return None
    prefix = _squash(m.group(1))
    return (prefix, text[m.end():]) if prefix else None


def _name_shaped(prefix: str) -> bool:
    words = prefix.split()
    if not 1 <= len(words) <= 6 or len(prefix) > 60 or _NOT_IN_NAME.search(prefix):
        return False
    if not any(ch.isalpha() for ch in prefix) or prefix.lower().startswith(("http", "www.")):
        return False
    return words[0].strip("([").rstrip(".").casefold() not in _LABEL_WORDS


def _capitalised(prefix: str) -> bool:
    for i, word in enumerate(prefix.split()):
        if word.startswith(("(", "[")):  # "(she/her)", "(Guest)": annotations, any case
            continue
        core = word.lstrip("'\"-–—")
        if not core or not core[0].isalpha() or core[0].isupper():
            continue
        if i > 0 and core.casefold() in _NAME_CONNECTORS:
            continue
        return False
    return True


def _ends_sentence(text: str) -> bool:
    tail = text.rstrip().rstrip("\"'”’)]")
    return not tail or tail.endswith((".", "?", "!", "…"))


class _Speakers:
    """Applies the speaker-prefix rule to cues in file order."""

    def __init__(self, prefixes: list[str]):
        self.counts = Counter(prefixes)  # how often each "X:" prefix starts a cue in the file
        self.known: set[str] = set()
        self.current: str | None = None
        self.prev_text = ""

    def resolve(self, cue: _Cue) -> None:
        """Give the cue its speaker (voice tag, "Name:" prefix, or the current speaker)."""
        original = cue.text
        if cue.speaker is None and cue.voice is not None:
            cue.speaker = cue.voice
        elif cue.speaker is None:
            sp = _split_prefix(cue.text)
            if sp and self.is_speaker(sp[0]):
                cue.speaker, cue.text = sp[0], _squash(sp[1])
        if cue.speaker is None:
            cue.speaker = self.current
        else:
            self.known.add(cue.speaker)
            self.current = cue.speaker
        self.prev_text = original

    def is_speaker(self, prefix: str) -> bool:
        if prefix in self.known:
            return True
        if not _name_shaped(prefix):
            return False
        if self.current is None or self.counts[prefix] >= 2:
            return True
        return _capitalised(prefix) and _ends_sentence(self.prev_text)

    @staticmethod
    def name_unknown(cues: list[_Cue]) -> None:
        """Cues before anyone was named: a file with no names at all is one person talking."""
        named = any(c.speaker for c in cues)
        for cue in cues:
            if cue.speaker is None:
                cue.speaker = UNKNOWN_SPEAKER if named else WRITTEN_SPEAKER


def _prefixes(texts) -> list[str]:
    return [sp[0] for t in texts for sp in [_split_prefix(t)] if sp]


# --------------------------------------------------------------------------- WebVTT and SRT

_TS = r"(?:(\d{1,4}):)?(\d{1,2}):(\d{2})(?:[.,](\d{1,3}))?"
_TIMING = re.compile(rf"^{_TS}\s*-->\s*{_TS}(?:[ \t]+\S.*)?$", re.ASCII)  # settings may follow
_VOICE = re.compile(r"<v(?:\.[^\s<>]{0,100})?(?:[ \t]+([^<>]{0,200}))?>", re.IGNORECASE)
# Other markup inside cue text: VTT tags (<c.x>, <i>, </v>), timestamp tags, SRT {\an8}.
_TAG = re.compile(r"</?[A-Za-z][^<>]*>|<\d[\d:.]*>|\{\\[^{}]*\}")
_SKIPPED_BLOCK = re.compile(r"^(?:NOTE|STYLE|REGION)(?:\s|$)")
_DIGITS = re.compile(r"^[0-9]+$")


def _read_cues(lines: list[str], name: str, first: int, *, vtt: bool,
               vtt_ext: bool = False) -> Transcript:
    title = None
    i = first
    if vtt:
        title = (_VTT_HEADER.match(lines[i].strip()).group(1) or "").strip(" \t-–—") or None
        i += 1
        # Header metadata ("Kind: captions") runs to the first blank line or the first cue.
        while i < len(lines) and lines[i].strip() and "-->" not in lines[i]:
            i += 1
        if i < len(lines) and "-->" in lines[i] and i - 1 > first:
            i -= 1  # the line above the first timing line is that cue's id

    cues: list[_Cue] = []
    timings = 0
    prev_start: float | None = None
    for block_start, block in _blocks(lines, i):
        if (vtt or vtt_ext) and _SKIPPED_BLOCK.match(block[0].strip()):
            continue
        current: tuple[float, float, int] | None = None  # start, end, timing line
        text_lines: list[tuple[int, str]] = []
        seen_id = False
        for k, raw in enumerate(block):
            ln = block_start + k + 1
            s = raw.strip()
            if current is None:
                if "-->" in s:
                    current = _parse_timing(s, name, ln, prev_start)
                elif seen_id:
                    raise TranscriptError(f"expected a cue timing line, found {_show(s)}",
                                          source=name, line=ln, expected=EXPECTED_TIMING)
                else:
                    seen_id = True  # a cue identifier (a number in SRT, anything in VTT)
            elif "-->" in s and _CUE_TIMING_START.match(s):
                # A new cue with no blank line before it; an SRT number above it is its id.
                if not vtt and text_lines and _DIGITS.match(text_lines[-1][1]):
                    text_lines.pop()
                cues.extend(_cue_pieces(current, text_lines))
                prev_start = current[0]
                current, text_lines = _parse_timing(s, name, ln, prev_start), []
                timings += 1
            else:
                text_lines.append((ln, s))
        if current is None:
            raise TranscriptError(f"this block has no cue timing line: {_show(block[0].strip())}",
                                  source=name, line=block_start + 1, expected=EXPECTED_TIMING)
        timings += 1
        prev_start = current[0]
        cues.extend(_cue_pieces(current, text_lines))

    if not timings:
        raise TranscriptError("no cues found", source=name, line=None,
                              expected="cues: " + EXPECTED_TIMING + ", then the words said")
    cues = [c for c in cues if c.text]
    if not cues:
        raise TranscriptError("the cues contain no words", source=name,
                              expected="cue text after each timing line")
    speakers = _Speakers(_prefixes(c.text for c in cues if c.voice is None))
    for cue in cues:
        speakers.resolve(cue)
    _Speakers.name_unknown(cues)
    voiced = any(c.voice for c in cues)
    if vtt or vtt_ext:
        fmt = "teams_vtt" if voiced else "zoom_vtt"
    else:
        fmt = "srt"
    return Transcript(turns=_merge(cues), timing="measured", format=fmt, title=title)


def _blocks(lines: list[str], start: int):
    """Runs of non-blank lines, as (index of the first line, lines)."""
    block: list[str] = []
    begin = start
    for idx in range(start, len(lines)):
        if lines[idx].strip():
            if not block:
                begin = idx
            block.append(lines[idx])
        elif block:
            yield begin, block
            block = []
    if block:
        yield begin, block


def _show(s: str) -> str:
    return repr(s if len(s) <= 60 else s[:57] + "...")


def _parse_timing(s: str, name: str, ln: int, prev_start: float | None) -> tuple[float, float, int]:
    m = _TIMING.match(s)
    start = end = None
    if m:
        start = _seconds(*m.group(1, 2, 3, 4))
        end = _seconds(*m.group(5, 6, 7, 8))
    if start is None or end is None:
        raise TranscriptError(f"malformed cue timing line {_show(s)}", source=name, line=ln,
                              expected=EXPECTED_TIMING)
    if end < start:
        raise TranscriptError(f"the cue ends ({_clock(end)}) before it starts ({_clock(start)})",
                              source=name, line=ln, expected="an end time at or after the start time")
    if prev_start is not None and start < prev_start:
        raise TranscriptError(f"the cue starts at {_clock(start)}, before the cue above it "
                              f"({_clock(prev_start)})", source=name, line=ln,
                              expected="cues in time order")
    return start, end, ln


def _seconds(h: str | None, m: str, s: str, frac: str | None) -> float | None:
    """Clock fields to seconds; None when a field is out of range (e.g. 75 seconds)."""
    hours, minutes, secs = int(h or 0), int(m), int(s)
    if secs >= 60 or (h is not None and minutes >= 60):
        return None
    millis = int(frac.ljust(3, "0")) if frac else 0
    return round(hours * 3600 + minutes * 60 + secs + millis / 1000, 3)


def _clock(seconds: float) -> str:
    whole, millis = divmod(int(round(seconds * 1000)), 1000)
    return f"{whole // 3600:02d}:{whole % 3600 // 60:02d}:{whole % 60:02d}.{millis:03d}"


def _cue_pieces(timing: tuple[float, float, int], text_lines: list[tuple[int, str]]) -> list[_Cue]:
    """One cue's text, split where <v Name> voice tags change speaker.

    Pieces of a cue share its time span in proportion to their length, so a second voice
    in the same cue does not start before the first has finished.
    """
    if not text_lines:
        return []
    start, end, _ = timing
    line = text_lines[0][0]
    raw = " ".join(s for _, s in text_lines)
    parts: list[tuple[str | None, str]] = []
    voice: str | None = None
    pos = 0
    for m in _VOICE.finditer(raw):
        parts.append((voice, raw[pos:m.start()]))
        voice = _squash(html.unescape(m.group(1) or "")) or None
        pos = m.end()
    parts.append((voice, raw[pos:]))
    pieces = [(v, _squash(html.unescape(_TAG.sub("", t)))) for v, t in parts]
    pieces = [(v, t) for v, t in pieces if t]
    total = sum(len(t) for _, t in pieces) or 1
    out: list[_Cue] = []
    done = 0
    for v, t in pieces:
        p_start = round(start + (end - start) * done / total, 3)
        done += len(t)
        p_end = round(start + (end - start) * done / total, 3)
        out.append(_Cue(start=p_start, end=p_end, text=t, line=line, voice=v))
    return out


# --------------------------------------------------------------------------- Markdown / text with stamps

_STAMP_TIME = r"(?:\d{1,3}:)?\d{1,2}:\d{2}(?:\.\d{1,3})?"
_STAMP_UNTIL = rf"(?:\s*(?:-|–|—|-->|to)\s*{_STAMP_TIME})?"  # "[00:02 - 00:09]": the start counts
_BULLET = r"(?:[-*+•]\s+)?"
_BOLD = r"(?:\*\*|__)?"
# "[00:02] rest" and "**[00:02]** rest": a bracket stamp makes the line a turn by itself.
_STAMP_BRACKET = re.compile(rf"^\s*{_BULLET}{_BOLD}\[({_STAMP_TIME}){_STAMP_UNTIL}\]{_BOLD}\s*(.*)$", re.ASCII)
# "(00:02) Name: rest" and "00:02 - Name: rest": these count only when a speaker follows.
_STAMP_PAREN = re.compile(rf"^\s*{_BULLET}{_BOLD}\(({_STAMP_TIME}){_STAMP_UNTIL}\){_BOLD}\s*(.*)$", re.ASCII)
_STAMP_DASH = re.compile(rf"^\s*{_BULLET}({_STAMP_TIME})\s+[-–—|]\s+(.*)$", re.ASCII)
# Looser forms other tools and people write; each needs a name-shaped speaker, and a file
# is read as stamped on them only when two speakers recur in them (_loosely_stamped):
#   "00:02 Name: rest"                      a bare stamp before the speaker
#   "Name (00:02): rest", "**Name** [00:02]: rest", "Name - 00:02: rest"
#   "Name  0:02" or "Name [00:02]" alone on a line, the words on the lines below (Otter-style)
_STAMP_BARE = re.compile(rf"^\s*{_BULLET}({_STAMP_TIME})\s+(.*)$", re.ASCII)
_NAME_STAMP = re.compile(rf"^\s*{_BULLET}{_BOLD}([^\[\](){{}}:\n]{{1,60}}?){_BOLD}[ \t]*(?:[-–—|,][ \t]*)?"
                         rf"[\[(]?({_STAMP_TIME}){_STAMP_UNTIL}[\])]?{_BOLD}[ \t]*(?::[ \t]*(.*))?$")
# "[Name] 10:02:01" alone on a line, the words below (Zoom's saved transcript)
_BRACKET_NAME_STAMP = re.compile(rf"^\s*\[([^\[\]{{}}:\n]{{1,60}})\][ \t]+({_STAMP_TIME})[ \t]*$", re.ASCII)
_BOLD_NAME = re.compile(r"^(?:\*\*|__)([^*_\n]{1,60}?)(?::\s*(?:\*\*|__)|(?:\*\*|__)\s*:)\s*(.*)$")
_RULE = re.compile(r"^(?:[-*_]\s*){3,}$|^\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?$")


def _match_stamp(line: str, loose: bool = True) -> tuple[str, str] | None:
    """(stamp, rest of the line) when the line starts with a time stamp, or with a speaker
    and a stamp (then the rest is rewritten "Name: words"). `loose=False` accepts only the
    forms that make a file stamped on one line."""
    m = _STAMP_BRACKET.match(line)
    if m:
        return m.group(1), m.group(2)
    m = _STAMP_PAREN.match(line) or _STAMP_DASH.match(line)
    if m and (_BOLD_NAME.match(m.group(2)) or _split_prefix(m.group(2))):
        return m.group(1), m.group(2)
    if not loose:
        return None
    m = _STAMP_BARE.match(line)
    if m and (sp := _line_speaker(m.group(2))) and _name_shaped(sp[0]):
        return m.group(1), m.group(2)
    m = _NAME_STAMP.match(line) or _BRACKET_NAME_STAMP.match(line)
    if m and _name_shaped(_squash(m.group(1))):
        words = (m.group(3) if m.re is _NAME_STAMP else None) or ""
        words = words.strip()
        return m.group(2), f"{_squash(m.group(1))}:" + (f" {words}" if words else "")
    return None


def _recurring(names: list[str]) -> set[str]:
    """The names that start two or more lines: a speaker comes back, a label does not."""
    return {n for n, c in Counter(names).items() if c >= 2}


def _loosely_stamped(lines: list[str]) -> bool:
    """Do two or more speakers each start two or more lines in the looser stamp forms?
    A written plan ("Framing (0:00-5:00): user, metric") names each part once."""
    return len(_recurring([sp[0] for line in lines if (m := _match_stamp(line))
                           if (sp := _line_speaker(m[1]))])) >= 2


def _stamp_seconds(stamp: str) -> float | None:
    parts = stamp.split(":")
    h, m, rest = (parts[0], parts[1], parts[2]) if len(parts) == 3 else (None, parts[0], parts[1])
    s, _, frac = rest.partition(".")
    return _seconds(h, m, s, frac or None)


def _checked_stamp(stamp: str, last: float | None, name: str, ln: int, forms: str) -> float:
    """The seconds of a stamp that must be valid and not earlier than the stamp before it."""
    at = _stamp_seconds(stamp)
    if at is None:
        raise TranscriptError(f"invalid time stamp {stamp!r}", source=name, line=ln,
                              expected=f"a stamp like {forms}")
    if last is not None and at < last:
        raise TranscriptError(f"the stamp {stamp} is earlier than the one before it ({_clock(last)})",
                              source=name, line=ln, expected="stamps in time order")
    return at


def _strip_marker(s: str) -> str:
    """Drop line-leading Markdown structure (quote, bullet, table edge); never touch words."""
    s = re.sub(r"^(?:>\s*)+", "", s)
    s = re.sub(r"^[-*+•]\s+", "", s)
    if s.startswith("|"):
        s = s.strip("|").strip()
    return s


def _read_stamped(lines: list[str], name: str, loose: bool = False) -> Transcript:
    """Stamped lines start turns. In a file with any "[00:02]" (or dash, paren) stamp only
    those count, so a sentence like "Around 10:30: ..." stays words; `loose` is for files
    written only in the looser forms."""
    # Pass 1: classify lines, check the stamps, and collect the "Name:" prefixes of stamped lines.
    title: str | None = None
    entries: list[tuple[int, float | None, str]] = []  # (line, stamp or None, text)
    last_stamp: float | None = None
    for ln, raw in enumerate(lines, 1):
        s = raw.strip()
        if not s or _RULE.match(s):
            continue
        heading = _heading(s)
        if heading is not None:  # headings are not turns; the first, before any turn, titles the file
            if title is None and last_stamp is None and heading:
                title = heading
            continue
        stamped = _match_stamp(s, loose)
        if stamped:
            at = last_stamp = _checked_stamp(stamped[0], last_stamp, name, ln, "[mm:ss] or [hh:mm:ss]")
            entries.append((ln, at, stamped[1].strip()))
        elif last_stamp is not None:  # lines before the first stamp are a preamble, not turns
            entries.append((ln, None, _strip_marker(s)))

    # Pass 2: build cues. An unstamped line continues the turn before it, unless it starts
    # with a speaker already seen ("Omar: ..."), which makes it a turn with an estimated time.
    speakers = _Speakers(_prefixes(t for _, at, t in entries if at is not None))
    cues: list[_Cue] = []
    for ln, at, text in entries:
        bold = _BOLD_NAME.match(text)
        if at is not None:
            cue = _Cue(start=at, end=None, text=text, line=ln)
            if bold:  # "**Name:** text" after a stamp always names a speaker
                cue.speaker, cue.text = _squash(bold.group(1)), bold.group(2)
        elif bold and _squash(bold.group(1)) in speakers.known:
            cue = _Cue(start=None, end=None, text=bold.group(2), line=ln, speaker=_squash(bold.group(1)))
        elif (sp := _split_prefix(text)) and sp[0] in speakers.known:
            cue = _Cue(start=None, end=None, text=text, line=ln)
        else:
            cues[-1].text = f"{cues[-1].text} {text}" if cues[-1].text else text
            speakers.prev_text = text
            continue
        cue.text = _squash(cue.text)
        speakers.resolve(cue)
        cues.append(cue)
    _Speakers.name_unknown(cues)
    for cue in cues:
        cue.text = _squash(cue.text)
    placed = sum(c.start is None and bool(c.text) for c in cues)
    _fill_times(cues)
    cues = [c for c in cues if c.text]
    if not cues:
        raise TranscriptError("the stamped lines contain no words", source=name,
                              expected="lines like '[00:02] Name: what they said'")
    return Transcript(turns=_merge(cues), timing="measured", format="markdown", title=title,
                      timing_note=_placed_note(placed, len(cues)))


def _heading(s: str) -> str | None:
    """The text of a Markdown ATX heading ("## Title"), or None when `s` is not one."""
    hashes = len(s) - len(s.lstrip("#"))
    if not 1 <= hashes <= 6 or (len(s) > hashes and not s[hashes].isspace()):
        return None
    text = s[hashes:].strip()
    if text.endswith("#"):  # an optional closing run of #s, after a space
        bare = text.rstrip("#")
        if not bare or bare[-1].isspace():
            text = bare.strip()
    return text


def _estimate_s(words: int) -> float:
    return words * 60 / WORDS_PER_MINUTE


def _word_clock(texts: list[str]) -> list[tuple[float, float]]:
    """(start, end) of each text spoken one after another from 0 at WORDS_PER_MINUTE."""
    out, before = [], 0
    for text in texts:
        start = round(_estimate_s(before), 3)
        before += count_words(text)
        out.append((start, round(_estimate_s(before), 3)))
    return out


def _end_after(start: float, text: str) -> float:
    """When `text`, begun at `start`, ends at the estimated speaking rate (never before `start`)."""
    return max(start, round(start + _estimate_s(count_words(text)), 3))


def _timed(cues: list[_Cue], fmt: str, title: str | None = None) -> Transcript:
    """The transcript of cues of which some or none carry a time. With none, the whole
    conversation is timed by word count (`timing: estimated`); otherwise cues above the
    first time start at 0, cues between two times share the gap by their words, cues after
    the last follow at WORDS_PER_MINUTE, and the debrief says how many were placed."""
    placed = sum(c.start is None for c in cues)
    if placed == len(cues):
        for cue, (start, end) in zip(cues, _word_clock([c.text for c in cues])):
            cue.start, cue.end = start, end
        return Transcript(turns=_merge(cues), timing="estimated", format=fmt, title=title)
    if cues[0].start is None:
        cues[0].start = 0.0  # lines above the first time start the interview
    _spread_between_stamps(cues)
    _fill_times(cues)
    return Transcript(turns=_merge(cues), timing="measured", format=fmt, title=title,
                      timing_note=_placed_note(placed, len(cues)))


def _placed_note(placed: int, total: int) -> str | None:
    """What the debrief says when some turns had no stamp of their own."""
    if not placed:
        return None
    return (f"{placed} of {total} speaker lines carry no time stamp of their own; their times are "
            f"placed by word count from the stamps around them, so they may be off by a minute or two.")


def _spread_between_stamps(cues: list[_Cue]) -> None:
    """Time the unstamped cues between two stamps by their share of the words said between
    them (a speaker faster or slower than WORDS_PER_MINUTE still fits the gap); cues after
    the last stamp are left to _fill_times."""
    stamped = [i for i, c in enumerate(cues) if c.start is not None]
    for a, b in zip(stamped, stamped[1:]):
        words = [count_words(c.text) for c in cues[a:b]]
        total, gap = sum(words), cues[b].start - cues[a].start
        before = 0
        for i in range(a + 1, b):
            before += words[i - a - 1]
            cues[i].start = round(cues[a].start + gap * before / max(total, 1), 3)


def _fill_times(cues: list[_Cue]) -> None:
    """Unstamped turns start after the turn before them at 150 wpm (never past the next stamp);
    each cue ends where the next cue with words begins, the last one after its words at 150 wpm."""
    next_stamp = [math.inf] * (len(cues) + 1)
    for i in range(len(cues) - 1, -1, -1):
        next_stamp[i] = cues[i].start if cues[i].start is not None else next_stamp[i + 1]
    for i, cue in enumerate(cues):
        if cue.start is None:
            prev = cues[i - 1]  # the first cue always has a stamp
            guess = prev.start + _estimate_s(count_words(prev.text))
            cue.start = round(min(guess, next_stamp[i + 1]), 3)
    following: float | None = None
    for cue in reversed(cues):
        cue.end = following if following is not None else _end_after(cue.start, cue.text)
        if cue.text:
            following = cue.start


# --------------------------------------------------------------------------- JSON

_NO_DATA = object()


def _read_json(text: str, name: str, data=_NO_DATA) -> Transcript:
    if data is _NO_DATA:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise TranscriptError(f"is not valid JSON: {exc.msg}", source=name, line=exc.lineno,
                                  expected=EXPECTED_JSON) from None
        except (ValueError, RecursionError) as exc:  # e.g. a 5000-digit number, deep nesting
            raise TranscriptError(f"is not valid JSON: {str(exc)[:80] or 'too deeply nested'}",
                                  source=name, expected=EXPECTED_JSON) from None

    def bad(problem: str, expected: str = EXPECTED_JSON) -> TranscriptError:
        return TranscriptError(problem, source=name, expected=expected)

    if not isinstance(data, dict):
        raise bad(f"the JSON is {_json_type(data)}, not an object")
    schema = data.get("schema")
    if schema is not None and schema != JSON_SCHEMA:
        if schema == "barraiser.report/1":
            raise bad("this is a Bar Raiser report, not a transcript",
                      expected="the transcript that was graded, not its report")
        raise bad(f'unsupported "schema": {_json_short(schema)}', expected=f'"schema": "{JSON_SCHEMA}"')
    if "turns" not in data:
        raise bad('the object has no "turns"')
    turns_in = data["turns"]
    if not isinstance(turns_in, list):
        raise bad(f'"turns" is {_json_type(turns_in)}, not a list')
    if not turns_in:
        raise bad('"turns" is empty', expected="at least one turn")
    cand = data.get("candidate")
    if cand is not None and not isinstance(cand, str):
        raise bad(f'"candidate" is {_json_type(cand)}', expected="a speaker name or null")
    timing = data.get("timing", "measured")
    if timing not in ("measured", "estimated"):
        raise bad(f'"timing" is {_json_short(timing)}', expected='"measured" or "estimated"')
    title = data.get("title") if isinstance(data.get("title"), str) else None

    rows: list[tuple[str, float, float | None, str]] = []
    prev_start: float | None = None
    for i, t in enumerate(turns_in):
        where = f"turns[{i}]"
        if not isinstance(t, dict):
            raise bad(f"{where} is {_json_type(t)}, not an object",
                      expected='{"speaker": ..., "start_s": ..., "text": ...}')
        for key in ("speaker", "text", "start_s"):
            if key not in t:
                raise bad(f"{where}.{key} is missing",
                          expected='every turn to have "speaker", "start_s" and "text"')
        speaker, words = t["speaker"], t["text"]
        if not isinstance(speaker, str) or not speaker.strip():
            raise bad(f"{where}.speaker is {_json_short(speaker)}", expected="a non-empty string")
        if not isinstance(words, str):
            raise bad(f"{where}.text is {_json_type(words)}", expected="a string")
        start = _json_time(t["start_s"], f"{where}.start_s", bad)
        end = None if t.get("end_s") is None else _json_time(t["end_s"], f"{where}.end_s", bad)
        if end is not None and end < start:
            raise bad(f"{where}.end_s ({end:g}) is before {where}.start_s ({start:g})",
                      expected="end_s at or after start_s")
        if prev_start is not None and start < prev_start:
            raise bad(f"{where}.start_s ({start:g}) is earlier than turns[{i - 1}].start_s "
                      f"({prev_start:g})", expected="turns in time order")
        prev_start = start
        rows.append((_squash(speaker), start, end, _squash(words)))

    # The file's turns are kept one for one (not merged), so turn numbers match the file.
    turns = []
    for i, (speaker, start, end, words) in enumerate(rows):
        if end is None:  # missing: until the next turn, or the time the words take
            end = rows[i + 1][1] if i + 1 < len(rows) else _end_after(start, words)
        turns.append(Turn(speaker=speaker, start_s=start, end_s=end, text=words))
    return Transcript(turns=turns, timing=timing, candidate=cand, format="json", title=title)


def _json_time(value, where: str, bad) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise bad(f"{where} is {_json_type(value)}", expected="a number of seconds")
    try:
        value = float(value)
    except OverflowError:  # an integer too large for a float
        value = math.inf
    if not math.isfinite(value) or value < 0:
        raise bad(f"{where} is {value}", expected="a non-negative number of seconds")
    return value


def _json_type(value) -> str:
    if value is None:
        return "null"
    names = {bool: "a boolean", int: "a number", float: "a number", str: "a string",
             list: "a list", dict: "an object"}
    return names.get(type(value), type(value).__name__)


def _json_short(value) -> str:
    try:
        shown = json.dumps(value)
    except (TypeError, ValueError, RecursionError):
        shown = _json_type(value)
    return shown if len(shown) <= 40 else shown[:37] + "..."


# --------------------------------------------------------------------------- conversations without stamps

# A pasted conversation with no stamps must not be read as one author's written answer:
# the interviewer's words would then be graded as the candidate's. It is told from a
# written answer whose lines start with labels ("Metric: ...", "Fallback: ...") by voices
# that recur and take turns, and by covering the text (an example exchange quoted inside
# a written answer leaves most of the words outside it).
DIALOGUE_MIN_SWITCHES = 2  # A, B, A at least
DIALOGUE_MAX_PREAMBLE = 0.15  # share of the words allowed before the first speaker line


def _line_speaker(s: str) -> tuple[str, str] | None:
    """(prefix, rest) when a stripped, marker-free line starts with "Name:" or "**Name:**"."""
    bold = _BOLD_NAME.match(s)
    if bold:
        return _squash(bold.group(1)), bold.group(2)
    return _split_prefix(s)


# A stamp alone on its line ("00:05:00", "[05:00]"), as Google Meet writes one every few
# minutes above the "Name: words" lines: it fixes the clock for the line below it.
_STAMP_ALONE = re.compile(rf"^\s*{_BOLD}[\[(]?({_STAMP_TIME})(?:,{_STAMP_TIME}|{_STAMP_UNTIL})[\])]?{_BOLD}\s*$",
                          re.ASCII)  # "0:00:01.000,0:00:04.000" is a YouTube (SBV) cue


def _dialogue_lines(lines: list[str]):
    """(line number, marker-free text, kind) of each line with words; kind is "line",
    "heading" (the text is the heading's) or "stamp" (the text is the stamp)."""
    for ln, raw in enumerate(lines, 1):
        s = raw.strip()
        if not s or _RULE.match(s):
            continue
        heading = _heading(s)
        if heading is not None:
            yield ln, heading, "heading"
        elif m := _STAMP_ALONE.match(s):
            yield ln, m.group(1), "stamp"
        else:
            yield ln, _strip_marker(s), "line"


def _dialogue_speakers(lines: list[str]) -> set[str] | None:
    """The recurring speakers of a conversation without stamps, or None for a written answer."""
    starts: list[str] = []
    words_before = total = 0
    for _, s, kind in _dialogue_lines(lines):
        if kind == "stamp":
            continue
        n = count_words(s)
        total += n
        if kind == "heading":
            continue
        sp = _line_speaker(s)
        if sp and _name_shaped(sp[0]):
            starts.append(sp[0])
        elif not starts:
            words_before += n
    voices = _recurring(starts)
    if len(voices) < 2 or words_before > DIALOGUE_MAX_PREAMBLE * total:
        return None
    order = [p for p in starts if p in voices]
    switches = sum(a != b for a, b in zip(order, order[1:]))
    return voices if switches >= DIALOGUE_MIN_SWITCHES else None


def _read_dialogue(lines: list[str], name: str, voices: set[str]) -> Transcript:
    """One cue per speaker line (lines without a name continue it). A stamp alone on a line
    times the cue that follows it (a line without a name after a stamp goes on in the same
    voice); `_timed` places the rest."""
    title: str | None = None
    entries = list(_dialogue_lines(lines))
    speakers = _Speakers([sp[0] for _, s, kind in entries if kind == "line" if (sp := _line_speaker(s))])
    speakers.known |= voices
    cues: list[_Cue] = []
    anchor: float | None = None  # a stamp waiting for the line below it
    last_stamp: float | None = None
    for ln, s, kind in entries:
        if kind == "heading":
            if title is None and not cues and s:
                title = s  # a heading before the conversation states the prompt
            continue
        if kind == "stamp":
            anchor = last_stamp = _checked_stamp(s, last_stamp, name, ln, "05:00 or 00:05:00")
            continue
        sp = _line_speaker(s)
        if sp and speakers.is_speaker(sp[0]):
            cue = _Cue(start=anchor, end=None, text=_squash(sp[1]), line=ln, speaker=sp[0])
        elif cues and anchor is not None:  # a stamp inside a turn: the same voice goes on
            cue = _Cue(start=anchor, end=None, text=s, line=ln, speaker=cues[-1].speaker)
        elif cues:
            cues[-1].text = f"{cues[-1].text} {s}" if cues[-1].text else s
            speakers.prev_text = s
            continue
        else:
            continue  # words before the first speaker line are a preamble (a date, a prompt)
        speakers.resolve(cue)
        cues.append(cue)
        anchor = None
    for cue in cues:
        cue.text = _squash(cue.text)
    cues = [c for c in cues if c.text]
    if not cues:
        raise TranscriptError("the speaker lines contain no words", source=name,
                              expected="lines like 'Name: what they said'")
    return _timed(cues, "dialogue", title)


# --------------------------------------------------------------------------- written answers

def _read_written(lines: list[str], name: str) -> Transcript:
    """One turn per paragraph, timed as if read aloud at WORDS_PER_MINUTE from the start."""
    title: str | None = None
    paragraphs: list[tuple[int, list[str]]] = []
    current: list[str] | None = None
    seen_content = False
    for ln, raw in enumerate(lines, 1):
        s = raw.strip()
        if not s:
            current = None
            continue
        if _RULE.match(s):  # a horizontal rule or a table's |---| row carries no words
            continue
        text = _heading(s)
        if text is not None:
            if not seen_content and title is None and text:
                title = text  # a heading on the first line states the prompt
            elif text:
                paragraphs.append((ln, [text]))  # a later heading is a paragraph of its own
            seen_content = True
            current = None
            continue
        seen_content = True
        s = _strip_marker(s)
        if not s:
            continue
        if current is None:
            current = []
            paragraphs.append((ln, current))
        current.append(s)  # bullets and table rows join their paragraph

    kept = [(ln, text) for ln, parts in paragraphs if (text := _squash(" ".join(parts)))]
    turns = [Turn(speaker=WRITTEN_SPEAKER, start_s=start, end_s=end, text=text, line=ln)
             for (ln, text), (start, end) in zip(kept, _word_clock([t for _, t in kept]))]
    if not turns:
        raise TranscriptError("there is a heading but no answer text", source=name,
                              expected="the written answer below the heading")
    return Transcript(turns=turns, timing="estimated", candidate=WRITTEN_SPEAKER,
                      format="written", title=title)


# --------------------------------------------------------------------------- candidate matching

def _speaker_list(speakers: dict[str, int], limit: int = 12) -> str:
    shown = [f"{s} {n} word{'' if n == 1 else 's'}" for s, n in list(speakers.items())[:limit]]
    if len(speakers) > limit:
        shown.append(f"and {len(speakers) - limit} more")
    return ", ".join(shown)


def _match_speaker(wanted: str, speakers: dict[str, int], source: str, *, from_file: bool) -> str:
    if wanted in speakers:
        return wanted
    w = wanted.casefold()
    for matches in ([s for s in speakers if s.casefold() == w],
                    [s for s in speakers if s.casefold().startswith(w)],
                    [s for s in speakers if w in s.casefold()]):
        if len(matches) == 1:
            return matches[0]
        if len(matches) > 1:
            raise TranscriptError(f'"{wanted}" matches more than one speaker: ' + ", ".join(matches),
                                  source=source, expected="a name that matches one speaker: "
                                  + _speaker_list(speakers))
    problem = f'no speaker called "{wanted}"'
    if from_file:
        problem = f'the file names the candidate "{wanted}", but ' + problem
    raise TranscriptError(problem, source=source, expected="one of: " + _speaker_list(speakers))
