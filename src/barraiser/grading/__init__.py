"""Grading: detect signals in a transcript and score them by the rubric."""

from __future__ import annotations

from pathlib import Path

from barraiser.grading.report import Report


def grade(transcript, prompt_id: str | None = None, *, detector=None) -> Report:
    """Grade a Transcript (its candidate already chosen) and return the Report."""
    from barraiser.content.packs import load_content
    from barraiser.content.rubric import rubric
    from barraiser.errors import TranscriptError
    from barraiser.grading.detect import Detector
    from barraiser.grading.scoring import build_report

    content = load_content() if prompt_id else None
    prompt = content.prompt(prompt_id) if content else None
    if not transcript.candidate or not any(t.speaker == transcript.candidate and t.words
                                           for t in transcript.turns):
        raise TranscriptError(f"no words from the candidate {transcript.candidate!r}",
                              source=transcript.source, expected="a transcript in which the candidate speaks")
    detector = detector or Detector()
    units, findings = detector.detect(transcript)
    return build_report(rubric(), transcript, units, findings, prompt,
                        engine=detector.model.backend_name, exemplars=content.exemplars if content else None)


def grade_file(path: str | Path, *, candidate: str | None = None, prompt_id: str | None = None,
               detector=None) -> Report:
    from barraiser.transcript.readers import read_transcript

    return grade(read_transcript(path, candidate=candidate), prompt_id, detector=detector)
