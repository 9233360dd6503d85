"""Re-export a labelled transcript as unpunctuated live captions (bench/accuracy.py --captions).

Live captions and some meeting exports carry no punctuation and no capitals, and cut
the speech into cues of a few words with no regard for sentences. The grader should
read "is this for riders or drivers" as it reads "Is this for riders, or drivers?".
This turns each timed transcript of a labelled set into such a file (Zoom-style
WebVTT: cues of 7 to 14 words, a continuation cue names its speaker only half of the
time), reads it back through the ordinary reader, and rewrites the label quotes the
same way, so that the benchmark measures the same interviews in caption form.
"""

from __future__ import annotations

import dataclasses
import random
import re
import tempfile
import zlib
from pathlib import Path

_PUNCT = re.compile(r"[.,!?;:]+(?=[\s\"')\]]|$)")


def as_caption_text(text: str) -> str:
    """No sentence punctuation, lower case; a decimal point ("0.9") stays."""
    return " ".join(_PUNCT.sub("", text).split()).lower()


def _clock(seconds: float) -> str:
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return f"{int(h):02d}:{int(m):02d}:{s:06.3f}"


def caption_vtt(transcript, seed: int) -> str:
    rnd = random.Random(seed)
    lines = ["WEBVTT", ""]
    n = 0
    for turn in transcript.turns:
        words = as_caption_text(turn.text).split()
        span = max(turn.end_s - turn.start_s, 0.0)
        i = 0
        while i < len(words):
            k = rnd.randint(7, 14)
            a = turn.start_s + span * i / len(words)
            b = turn.start_s + span * min(len(words), i + k) / len(words)
            name = f"{turn.speaker}: " if i == 0 or rnd.random() < 0.5 else ""
            n += 1
            lines += [str(n), f"{_clock(a)} --> {_clock(b)}", name + " ".join(words[i:i + k]), ""]
            i += k
    return "\n".join(lines)


def as_captions(items: list) -> list:
    """New items: the timed ones of a labelled set in caption form (written answers are left out)."""
    from barraiser.grading.evaluation import quote_time
    from barraiser.transcript.readers import read_transcript

    folder = Path(tempfile.mkdtemp(prefix="barraiser-captions-"))
    out = []
    for item in items:
        tr = item.transcript
        if tr.timing != "measured":
            continue
        path = folder / f"{item.id}.vtt"
        path.write_text(caption_vtt(tr, zlib.crc32(item.id.encode())), encoding="utf-8")
        captions = read_transcript(path, candidate=tr.candidate)
        quotes = {s: (as_caption_text(q) if q else None) for s, q in item.signals.items()}
        out.append(dataclasses.replace(
            item, transcript=captions, signals=quotes,
            times={s: (quote_time(captions, q) if q else None) for s, q in quotes.items()}))
    return out
