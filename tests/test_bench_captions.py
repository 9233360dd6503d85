"""bench/captions.py: the caption form of a labelled interview that `bench/accuracy.py
--captions` grades must be the same interview, only unpunctuated and cut into cues."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from captions import as_caption_text, as_captions  # noqa: E402

from barraiser.grading.evaluation import load_dev_set  # noqa: E402


def test_caption_text_drops_sentence_punctuation_but_keeps_decimals():
    assert as_caption_text("Block above 0.9, then ask: who pays?") == "block above 0.9 then ask who pays"
    assert as_caption_text('We say "not sure." Then stop.') == 'we say "not sure" then stop'


@pytest.fixture(scope="module")
def pending():
    items = load_dev_set(ROOT / "dev" / "pending")
    return [i for i in items if i.transcript.timing == "measured"][:3]


def test_caption_form_is_the_same_interview(pending):
    originals = {i.id: (i.transcript, dict(i.signals)) for i in pending}
    converted = as_captions(pending)
    assert [i.id for i in converted] == list(originals)
    assert all(i.transcript is originals[i.id][0] for i in pending)  # the set itself is left as it was
    for item in converted:
        before, labels = originals[item.id]
        after = item.transcript
        assert after.format == "zoom_vtt" and after.candidate == before.candidate
        # every word survives, in order, and nothing is punctuated any more
        assert [as_caption_text(t.text) for t in after.turns] == \
               [as_caption_text(t.text) for t in before.turns]
        assert not any(t.text.rstrip().endswith((".", "?", "!")) for t in after.turns)
        # cues were cut inside turns, and every label quote is still found in the candidate's words
        assert sum(len(t.marks) for t in after.turns) > len(after.turns)
        for s, quote in labels.items():
            if quote:
                assert item.signals[s] == as_caption_text(quote)
                assert item.times[s] is not None
