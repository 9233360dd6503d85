"""Validate content packs: schema errors plus the cross-checks one file cannot see.

Every problem names the file, the YAML path and what was expected. The checks:
- each file parses and matches its model (unknown keys, wrong types, short lists);
- a prompt's ID matches its file name, and its case file is complete: the five
  core scoping topics answered, all nine hints, the four phases in order in the
  strong answer, pushbacks for the moments the interviewer needs;
- signal IDs exist (enforced by the models); IDs are unique within a pack;
- exemplars: one file per signal in the shipped pack.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from barraiser.content.models import PHASE_IDS, SIGNAL_IDS, PackMeta, Prompt
from barraiser.content.packs import (CORE_PACK, FailureCase, SignalExemplars, StatementPair, Thesis, parse,
                                     parse_list, read_yaml)
from barraiser.errors import ContentError

REQUIRED_TOPICS = ("users", "platform", "scale", "data", "business_goal")
REQUIRED_HINTS = ("user", "core", "metric", "constraint", "sacrifice", "data", "fallback", "failure", "guardrail")
# the moments an interviewer must be able to push back on (signal, trigger)
REQUIRED_PUSHBACKS = ("top_constraint", "fallback", "scale_breakpoint")


@dataclass
class Problem:
    source: str
    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.source}: {self.where}: {self.message}" if self.where else f"{self.source}: {self.message}"


def check_prompt(p: Prompt, path: Path) -> list[Problem]:
    out = []
    src = str(path)
    if p.id != path.stem:
        out.append(Problem(src, "id", f"{p.id!r} does not match the file name (expected {path.stem!r})"))
    topics = {r.topic for r in p.case_file.reveals}
    for t in REQUIRED_TOPICS:
        if t not in topics:
            out.append(Problem(src, "case_file.reveals", f"no answer for the topic {t!r} (expected a reveal with topic: {t})"))
    for h in REQUIRED_HINTS:
        if not p.hints.get(h):
            out.append(Problem(src, f"hints.{h}", "missing (expected a short phrase for the fixes' examples)"))
    phases = [o.phase for o in p.case_file.strong_answer]
    if phases != list(PHASE_IDS):
        out.append(Problem(src, "case_file.strong_answer", f"phases are {phases} (expected {list(PHASE_IDS)} in that order)"))
    pushed = {pb.signal for pb in p.case_file.pushbacks}
    for s in REQUIRED_PUSHBACKS:
        if s not in pushed:
            out.append(Problem(src, "case_file.pushbacks", f"no pushback for {s} (expected one with signal: {s})"))
    for i, pb in enumerate(p.case_file.pushbacks):
        if pb.trigger == "in_phase" and not pb.phase:
            out.append(Problem(src, f"case_file.pushbacks[{i}].phase", "missing for trigger in_phase (expected a phase ID)"))
    return out


def validate_pack(folder: Path, *, require_all_signals: bool = False) -> list[Problem]:
    """All problems in one pack folder (empty list when it is valid)."""
    problems: list[Problem] = []
    if not folder.is_dir():
        return [Problem(str(folder), "", "not a folder (expected a pack folder with prompts/, exemplars/...)")]

    def attempt(fn, *args):
        try:
            return fn(*args)
        except ContentError as e:
            problems.append(Problem(e.source or str(folder), "", e.problem + (f" (line {e.line})" if e.line else "")))
            return None

    known = {"pack.yaml", "theses.yaml", "failures.yaml", "prompts", "exemplars", "README.md"}
    for child in sorted(folder.iterdir()):
        if child.name not in known and not (child.name.startswith("pairs") and child.suffix == ".yaml") \
                and not child.name.startswith("."):
            problems.append(Problem(str(child), "", "unexpected file or folder in a pack (expected prompts/, "
                                                    "exemplars/, pairs*.yaml, theses.yaml, failures.yaml, pack.yaml)"))
    if (folder / "pack.yaml").exists():
        attempt(lambda q: parse(PackMeta, q, read_yaml(q)), folder / "pack.yaml")  # load_pack parses it too
    for path in sorted((folder / "prompts").glob("*.yaml")) if (folder / "prompts").is_dir() else []:
        p = attempt(lambda q: parse(Prompt, q, read_yaml(q)), path)  # an empty file is an error too
        if p:
            problems.extend(check_prompt(p, path))
    seen_signals: Counter = Counter()
    for path in sorted((folder / "exemplars").glob("*.yaml")) if (folder / "exemplars").is_dir() else []:
        ex = attempt(lambda q: parse(SignalExemplars, q, read_yaml(q)), path)
        if ex:
            seen_signals[ex.signal] += 1
            if ex.signal != path.stem:
                problems.append(Problem(str(path), "signal", f"{ex.signal!r} does not match the file name (expected {path.stem!r})"))
    if require_all_signals:
        for s in SIGNAL_IDS:
            if not seen_signals[s]:
                problems.append(Problem(str(folder / "exemplars"), "", f"no exemplars for the signal {s} (expected exemplars/{s}.yaml)"))
    for name, model in (("theses.yaml", Thesis), ("failures.yaml", FailureCase)):
        path = folder / name
        if path.exists():
            items = attempt(parse_list, model, path) or []
            counts = Counter(i.id for i in items)
            for dup, n in counts.items():
                if n > 1:
                    problems.append(Problem(str(path), f"id {dup}", f"used {n} times (expected unique IDs)"))
    for path in sorted(folder.glob("pairs*.yaml")):
        attempt(parse_list, StatementPair, path)
    return problems


def validate_all(user_packs: Path | None) -> dict[Path, list[Problem]]:
    results = {CORE_PACK: validate_pack(CORE_PACK, require_all_signals=True)}
    if user_packs and user_packs.is_dir():
        for folder in sorted(p for p in user_packs.iterdir() if p.is_dir()):
            results[folder] = validate_pack(folder)
    return results
