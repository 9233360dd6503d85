"""Graded recordings kept in history: a transcript from a file, its report, in the store.

The same record a practice session leaves (a session of kind 'upload', its turns, its
report), so history, `show`, `export` and progress treat both alike.
"""

from __future__ import annotations


def record_upload(store, transcript, report, *, source_name: str):
    """Store a graded transcript; returns the StoredSession."""
    title = report.prompt_title or transcript.title or source_name
    s = store.create_session(kind="upload", prompt_id=report.prompt_id, title=title,
                             minutes=round(transcript.duration_s / 60, 1), persona="-", mode="-",
                             input_mode="spoken" if transcript.timing == "measured" else "typed",
                             candidate=transcript.candidate, source_name=source_name, status="ended")
    for t in transcript.turns:
        role = "candidate" if t.speaker == transcript.candidate else "interviewer"
        store.add_turn(s.id, role=role, speaker=t.speaker, kind="answer" if role == "candidate" else "said",
                       text=t.text, wall_s=t.start_s, start_s=t.start_s, end_s=t.end_s)
    store.save_report(s.id, report.to_json_dict(include_transcript=True))
    return store.get_session(s.id, with_turns=False)
