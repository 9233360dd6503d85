"""Content packs: the shipped bank is complete, validation catches broken packs with
clear messages, user packs extend and override, and the `prompts` / `content` CLI works."""

from __future__ import annotations

import json
import os
import shutil
from collections import Counter
from pathlib import Path

import pytest
import yaml

from barraiser.cli.main import main
from barraiser.content.models import DOMAINS, LEVELS, PHASE_IDS, SIGNAL_IDS
from barraiser.content.packs import CORE_PACK, _load, load_content
from barraiser.content.rubric import rubric
from barraiser.content.validate import REQUIRED_HINTS, REQUIRED_TOPICS, check_prompt, validate_pack

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "docs" / "example-pack"
EXAMPLE_PROMPT = "podcast-episode-recs"


@pytest.fixture(autouse=True)
def _fresh_cache():
    """load_content caches per folder; every test starts (and ends) with an empty cache."""
    _load.cache_clear()
    yield
    _load.cache_clear()


@pytest.fixture(scope="module")
def core():
    return load_content(None, include_user=False)


def run(capsys, *argv: str) -> tuple[int, str]:
    """Run the CLI; return the exit code and stdout + stderr."""
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def user_packs() -> Path:
    return Path(os.environ["BARRAISER_PACKS"])


# ---------------------------------------------------------------- the shipped bank

def test_prompt_bank_covers_every_domain(core):
    assert len(core.prompts) >= 40
    per_domain = Counter(p.domain for p in core.prompts.values())
    assert set(per_domain) == set(DOMAINS)
    thin = {d: n for d, n in per_domain.items() if n < 2}
    assert not thin, f"domains with fewer than 2 prompts: {thin}"
    assert {p.level for p in core.prompts.values()} == set(LEVELS)


def test_prompt_ids_unique_and_match_file_names(core):
    files = sorted((CORE_PACK / "prompts").glob("*.yaml"))
    assert len(files) == len(core.prompts)  # no two files collapsed into one ID
    for path in files:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert data["id"] == path.stem
        assert core.origins[path.stem] == path


def test_every_shipped_case_file_is_complete(core):
    problems = [str(pr) for pid, p in core.prompts.items() for pr in check_prompt(p, core.origins[pid])]
    assert not problems, "\n".join(problems)
    for pid, p in core.prompts.items():
        assert set(p.hints) == set(REQUIRED_HINTS), pid
        assert all(v.strip() for v in p.hints.values()), pid
        cf = p.case_file
        assert len(cf.reveals) >= 6, pid
        assert set(REQUIRED_TOPICS) <= {r.topic for r in cf.reveals}, pid
        assert all(len(r.asked_as) >= 2 and r.answer.strip() for r in cf.reveals), pid
        assert cf.unknown_answer.strip(), pid
        assert len(cf.pushbacks) >= 4, pid
        assert all(pb.phase for pb in cf.pushbacks if pb.trigger == "in_phase"), pid
        assert [o.phase for o in cf.strong_answer] == list(PHASE_IDS), pid
        assert cf.fallback.strip() and cf.guardrail.strip() and cf.weak_answer.strip(), pid


def test_exemplars_for_every_signal(core):
    assert set(core.exemplars) == set(SIGNAL_IDS)
    for sid, ex in core.exemplars.items():
        assert ex.signal == sid
        assert len(ex.hits) >= 8, sid
        assert len(ex.misses) >= 8, sid
        assert all(m.why and m.why.strip() for m in ex.misses), sid
        texts = [h.text for h in ex.hits] + [m.text for m in ex.misses]
        assert len(texts) == len(set(texts)), f"{sid}: a phrasing appears twice"
    files = {p.stem for p in (CORE_PACK / "exemplars").glob("*.yaml")}
    assert files == set(SIGNAL_IDS)


def test_statement_pairs_cover_every_signal(core):
    assert len(core.pairs) >= 60
    assert {p.signal for p in core.pairs} == set(SIGNAL_IDS)
    for p in core.pairs:
        assert p.bad.strip() and p.good.strip() and p.why.strip()
        assert p.bad != p.good
    assert len({(p.signal, p.bad) for p in core.pairs}) == len(core.pairs)


def test_theses(core):
    assert len(core.theses) >= 10
    ids = [t.id for t in core.theses]
    assert len(ids) == len(set(ids))
    for t in core.theses:
        assert t.thesis.strip() and t.implication.strip() and t.domains, t.id


def test_failure_cases_name_their_source(core):
    assert len(core.failures) >= 15
    ids = [f.id for f in core.failures]
    assert len(ids) == len(set(ids))
    for f in core.failures:
        assert len(f.source.strip()) >= 10, f"{f.id}: source {f.source!r} names no publication"
        assert f.what_happened.strip() and f.who_was_hurt.strip() and f.what_would_have_helped.strip(), f.id
        assert 1950 < f.year < 2100, f.id


def test_no_id_is_shared_between_kinds(core):
    ids = list(core.prompts) + [t.id for t in core.theses] + [f.id for f in core.failures]
    assert len(ids) == len(set(ids))


def test_rubric_examples_format_with_every_prompts_hints(core):
    signals = rubric().signals
    assert any("{" in s.example for s in signals)  # the test would be empty otherwise
    for pid, p in core.prompts.items():
        hints = {f"{k}_hint": v for k, v in p.hints.items()}
        for s in signals:
            try:
                text = s.example.format(**hints)
            except (KeyError, IndexError) as e:
                pytest.fail(f"{pid}: the example of {s.id} needs {e}")
            assert "{" not in text and "}" not in text, f"{pid}/{s.id}: {text}"


def test_example_pack_hints_format_too():
    from barraiser.content.packs import Content, load_pack

    p = load_pack(EXAMPLE, Content()).prompts[EXAMPLE_PROMPT]
    hints = {f"{k}_hint": v for k, v in p.hints.items()}
    for s in rubric().signals:
        assert "{" not in s.example.format(**hints)


# ---------------------------------------------------------------- `barraiser content validate`

def test_validate_shipped_packs(capsys):
    code, out = run(capsys, "content", "validate")
    assert code == 0, out
    assert f"{CORE_PACK}: valid" in out
    assert "problem" not in out


def test_validate_example_pack(capsys):
    assert validate_pack(EXAMPLE) == []
    code, out = run(capsys, "content", "validate", str(EXAMPLE))
    assert code == 0, out
    assert f"{EXAMPLE}: valid" in out


def test_validate_without_path_includes_user_packs(capsys):
    shutil.copytree(EXAMPLE, user_packs() / "coach")
    code, out = run(capsys, "content", "validate")
    assert code == 0, out
    assert f"{CORE_PACK}: valid" in out
    assert f"{user_packs() / 'coach'}: valid" in out


@pytest.fixture
def pack(tmp_path) -> Path:
    """A writable copy of the example pack."""
    dest = tmp_path / "my-pack"
    shutil.copytree(EXAMPLE, dest)
    return dest


def edit(path: Path, change) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")


def prompt_file(pack: Path) -> Path:
    return pack / "prompts" / f"{EXAMPLE_PROMPT}.yaml"


def broken(capsys, pack: Path) -> str:
    """Validate a pack that must fail; return the output."""
    code, out = run(capsys, "content", "validate", str(pack))
    assert code == 2, out
    assert "problem" in out
    return out


def test_unknown_key_names_file_and_yaml_path(capsys, pack):
    edit(prompt_file(pack), lambda d: d["case_file"]["metrics"][0].update(bogus="x"))
    out = broken(capsys, pack)
    assert f"{prompt_file(pack)}: case_file.metrics[0].bogus: Extra inputs are not permitted" in out
    assert "1 problem found" in out


def test_wrong_type(capsys, pack):
    edit(prompt_file(pack), lambda d: d.update(tags="consumer, mobile"))
    out = broken(capsys, pack)
    assert f"{prompt_file(pack)}: tags: Input should be a valid list" in out


def test_unknown_signal_in_pushback(capsys, pack):
    edit(prompt_file(pack), lambda d: d["case_file"]["pushbacks"][1].update(signal="fallbacks"))
    out = broken(capsys, pack)
    assert "case_file.pushbacks[1].signal: Input should be" in out
    assert "'fallback'" in out and "'scale_breakpoint'" in out  # lists the valid IDs


def test_prompt_id_must_match_file_name(capsys, pack):
    edit(prompt_file(pack), lambda d: d.update(id="podcast-recs"))
    out = broken(capsys, pack)
    assert f"{prompt_file(pack)}: id: 'podcast-recs' does not match the file name (expected '{EXAMPLE_PROMPT}')" in out


def test_invalid_yaml_gives_the_line(capsys, pack):
    bad = pack / "prompts" / "broken-yaml.yaml"
    bad.write_text("id: broken-yaml\ntitle: Broken\nsummary: one: two\nprompt: x\n", encoding="utf-8")
    out = broken(capsys, pack)
    # the parser's wording differs between libyaml and pure-Python PyYAML; the file,
    # the problem and the line are what the user needs
    line = next(ln for ln in out.splitlines() if str(bad) in ln)
    assert f"{bad}: not valid YAML: mapping values are not allowed" in line
    assert line.endswith("(line 3)")


def test_missing_reveal_topic(capsys, pack):
    def drop_users(d):
        d["case_file"]["reveals"] = [r for r in d["case_file"]["reveals"] if r["topic"] != "users"]
    edit(prompt_file(pack), drop_users)
    out = broken(capsys, pack)
    assert "case_file.reveals: no answer for the topic 'users' (expected a reveal with topic: users)" in out


def test_duplicate_thesis_ids(capsys, pack):
    thesis = {"id": "same-id", "title": "T", "thesis": "A belief.", "implication": "A design rule.",
              "domains": ["voice"]}
    (pack / "theses.yaml").write_text(yaml.safe_dump([thesis, dict(thesis, title="Other")]), encoding="utf-8")
    out = broken(capsys, pack)
    assert f"{pack / 'theses.yaml'}: id same-id: used 2 times (expected unique IDs)" in out


def test_duplicate_failure_ids(capsys, pack):
    case = {"id": "dup", "title": "T", "year": 2020, "product": "P", "what_happened": "W",
            "who_was_hurt": "U", "what_would_have_helped": "H", "signals": ["fallback"], "source": "Reported by X"}
    (pack / "failures.yaml").write_text(yaml.safe_dump([case, case]), encoding="utf-8")
    out = broken(capsys, pack)
    assert "failures.yaml: id dup: used 2 times" in out


def test_failure_case_needs_a_source(capsys, pack):
    case = {"id": "no-source", "title": "T", "year": 2020, "product": "P", "what_happened": "W",
            "who_was_hurt": "U", "what_would_have_helped": "H", "signals": ["fallback"]}
    (pack / "failures.yaml").write_text(yaml.safe_dump([case]), encoding="utf-8")
    out = broken(capsys, pack)
    assert "failures.yaml: [0]" in out and "source: Field required" in out


def test_strong_answer_out_of_phase_order(capsys, pack):
    def swap(d):
        sa = d["case_file"]["strong_answer"]
        sa[1], sa[2] = sa[2], sa[1]
    edit(prompt_file(pack), swap)
    out = broken(capsys, pack)
    assert ("case_file.strong_answer: phases are ['framing', 'deep_dive', 'flow', 'edge_cases'] "
            "(expected ['framing', 'flow', 'deep_dive', 'edge_cases'] in that order)") in out


def test_strong_answer_needs_four_phases(capsys, pack):
    edit(prompt_file(pack), lambda d: d["case_file"]["strong_answer"].pop())
    out = broken(capsys, pack)
    assert "case_file.strong_answer: List should have at least 4 items" in out


def test_exemplar_miss_without_why(capsys, pack):
    path = pack / "exemplars" / "fallback.yaml"
    edit(path, lambda d: d["misses"][3].pop("why"))
    out = broken(capsys, pack)
    assert f"{path}: misses: Value error, misses[3] needs a `why`" in out


def test_too_few_exemplars(capsys, pack):
    path = pack / "exemplars" / "fallback.yaml"
    edit(path, lambda d: d.update(hits=d["hits"][:7]))
    out = broken(capsys, pack)
    assert "hits: List should have at least 8 items" in out


def test_exemplar_file_name_must_match_signal(capsys, pack):
    (pack / "exemplars" / "fallback.yaml").rename(pack / "exemplars" / "guardrail.yaml")
    out = broken(capsys, pack)
    assert "guardrail.yaml: signal: 'fallback' does not match the file name (expected 'guardrail')" in out


def test_missing_hint_and_required_pushback(capsys, pack):
    def change(d):
        del d["hints"]["guardrail"]
        d["case_file"]["pushbacks"] = [pb for pb in d["case_file"]["pushbacks"] if pb["signal"] != "scale_breakpoint"]
    edit(prompt_file(pack), change)
    out = broken(capsys, pack)
    assert "hints.guardrail: missing" in out
    assert "case_file.pushbacks: no pushback for scale_breakpoint (expected one with signal: scale_breakpoint)" in out
    assert "2 problems found" in out


def test_in_phase_pushback_needs_a_phase(capsys, pack):
    def change(d):
        for pb in d["case_file"]["pushbacks"]:
            if pb["trigger"] == "in_phase":
                pb.pop("phase")
    edit(prompt_file(pack), change)
    out = broken(capsys, pack)
    assert "case_file.pushbacks[2].phase: missing for trigger in_phase (expected a phase ID)" in out


def test_unknown_pair_signal(capsys, pack):
    edit(pack / "pairs-coach.yaml", lambda d: d[2].update(signal="cold_starts"))
    out = broken(capsys, pack)
    assert f"{pack / 'pairs-coach.yaml'}: [2]" in out and "signal: Input should be" in out


def test_empty_prompt_file_is_a_problem(capsys, pack):
    (pack / "prompts" / "empty.yaml").write_text("", encoding="utf-8")
    out = broken(capsys, pack)
    assert "empty.yaml: (top): Input should be a valid dictionary" in out


def test_bad_pack_yaml_is_a_problem(capsys, pack):
    edit(pack / "pack.yaml", lambda d: d.update(name="typo"))
    out = broken(capsys, pack)
    assert f"{pack / 'pack.yaml'}: name: Extra inputs are not permitted" in out


def test_unexpected_file_in_pack(capsys, pack):
    (pack / "notes.txt").write_text("todo", encoding="utf-8")
    out = broken(capsys, pack)
    assert f"{pack / 'notes.txt'}: unexpected file or folder in a pack" in out


def test_every_problem_is_reported_not_just_the_first(capsys, pack):
    edit(prompt_file(pack), lambda d: d.update(level="junior"))
    edit(pack / "exemplars" / "fallback.yaml", lambda d: d["misses"][0].pop("why"))
    out = broken(capsys, pack)
    assert "2 problems" in out
    assert "level: Input should be 'pm', 'senior' or 'group'" in out
    assert "misses[0] needs a `why`" in out


def test_validate_missing_folder(capsys, tmp_path):
    code, out = run(capsys, "content", "validate", str(tmp_path / "nope"))
    assert code == 2
    assert "no such folder" in out


def test_broken_user_pack_stops_the_prompt_commands_with_a_pointer(capsys):
    dest = user_packs() / "coach"
    shutil.copytree(EXAMPLE, dest)
    edit(dest / "prompts" / f"{EXAMPLE_PROMPT}.yaml", lambda d: d["case_file"]["metrics"][0].update(bogus=1))
    code, out = run(capsys, "prompts", "list")
    assert code == 2
    assert "case_file.metrics[0].bogus" in out
    assert "barraiser content validate" in out
    code, out = run(capsys, "content", "validate")
    assert code == 2
    assert f"{CORE_PACK}: valid" in out and f"{dest}: 1 problem" in out


# ---------------------------------------------------------------- user packs

def test_user_pack_extends_and_overrides(core):
    shutil.copytree(EXAMPLE, user_packs() / "coach")
    content = load_content(user_packs())
    assert EXAMPLE_PROMPT in content.prompts
    assert len(content.prompts) == len(core.prompts) + 1
    assert content.origins[EXAMPLE_PROMPT] == user_packs() / "coach" / "prompts" / f"{EXAMPLE_PROMPT}.yaml"
    # same file name, same signal: the coach's fallback exemplars replace the shipped ones
    mine = yaml.safe_load((EXAMPLE / "exemplars" / "fallback.yaml").read_text(encoding="utf-8"))
    assert [h.text for h in content.exemplars["fallback"].hits] == [h["text"] for h in mine["hits"]]
    assert [m.text for m in content.exemplars["fallback"].misses] == [m["text"] for m in mine["misses"]]
    assert content.exemplars["fallback"] != core.exemplars["fallback"]
    # the other signals keep the shipped exemplars
    assert content.exemplars["guardrail"] == core.exemplars["guardrail"]
    assert len(content.exemplars) == len(SIGNAL_IDS)
    # pairs extend
    assert len(content.pairs) == len(core.pairs) + 3
    # the shipped bank itself is untouched
    assert EXAMPLE_PROMPT not in load_content(None, include_user=False).prompts


def test_load_content_reads_barraiser_packs_by_default():
    shutil.copytree(EXAMPLE, user_packs() / "coach")
    assert EXAMPLE_PROMPT in load_content().prompts
    assert EXAMPLE_PROMPT not in load_content(include_user=False).prompts


def test_user_prompt_with_a_shipped_id_replaces_it(core):
    dest = user_packs() / "coach" / "prompts"
    dest.mkdir(parents=True)
    shutil.copy(CORE_PACK / "prompts" / "parking-spot-recs.yaml", dest)
    edit(dest / "parking-spot-recs.yaml", lambda d: d.update(title="Parking, coach's version"))
    content = load_content(user_packs())
    assert len(content.prompts) == len(core.prompts)
    assert content.prompts["parking-spot-recs"].title == "Parking, coach's version"
    assert content.origins["parking-spot-recs"] == dest / "parking-spot-recs.yaml"


def test_user_prompt_shows_in_the_cli(capsys):
    shutil.copytree(EXAMPLE, user_packs() / "coach")
    code, out = run(capsys, "prompts", "list", "--tag", "media", "--format", "json")
    assert code == 0
    assert EXAMPLE_PROMPT in [p["id"] for p in json.loads(out)]
    code, out = run(capsys, "prompts", "show", EXAMPLE_PROMPT)
    assert code == 0 and "Podcast episode recommendations" in out


# ---------------------------------------------------------------- `barraiser prompts`

def test_prompts_list_table(capsys, core):
    code, out = run(capsys, "prompts", "list")
    assert code == 0
    for pid in ("parking-spot-recs", "elderly-voice-assistant", "fitness-video-feed"):
        assert pid in out
    assert f"{len(core.prompts)} prompts." in out


def test_prompts_list_domain_filter(capsys, core):
    voice = sorted(pid for pid, p in core.prompts.items() if p.domain == "voice")
    code, out = run(capsys, "prompts", "list", "--domain", "voice")
    assert code == 0
    for pid in voice:
        assert pid in out
    assert "parking-spot-recs" not in out
    assert f"{len(voice)} prompts." in out


def test_prompts_list_level_filter(capsys, core):
    code, out = run(capsys, "prompts", "list", "--level", "group", "--format", "json")
    assert code == 0
    items = json.loads(out)
    assert sorted(i["id"] for i in items) == sorted(pid for pid, p in core.prompts.items() if p.level == "group")
    assert {i["level"] for i in items} == {"group"}


def test_prompts_list_tag_filter(capsys, core):
    code, out = run(capsys, "prompts", "list", "--tag", "in-car", "--format", "json")
    assert code == 0
    items = json.loads(out)
    assert items and all("in-car" in i["tags"] for i in items)
    assert len(items) == sum("in-car" in p.tags for p in core.prompts.values())


def test_prompts_list_json(capsys, core):
    code, out = run(capsys, "prompts", "list", "--format", "json")
    assert code == 0
    items = json.loads(out)
    assert isinstance(items, list) and len(items) == len(core.prompts)
    for i in items:
        assert set(i) == {"id", "title", "domain", "level", "tags", "summary"}
        p = core.prompts[i["id"]]
        assert (i["title"], i["domain"], i["level"], i["tags"], i["summary"]) == \
            (p.title, p.domain, p.level, p.tags, p.summary)


def test_prompts_list_no_match(capsys):
    code, out = run(capsys, "prompts", "list", "--tag", "no-such-tag")
    assert code == 0
    assert "No prompt matches" in out
    code, out = run(capsys, "prompts", "list", "--tag", "no-such-tag", "--format", "json")
    assert code == 0 and json.loads(out) == []


def test_prompts_list_unknown_domain(capsys):
    code, out = run(capsys, "prompts", "list", "--domain", "cooking")
    assert code == 2
    assert "unknown domain 'cooking'" in out
    for d in DOMAINS:
        assert d in out


def test_prompts_list_bad_level_is_a_usage_error(capsys):
    code, out = run(capsys, "prompts", "list", "--level", "intern")
    assert code == 2
    assert "intern" in out


def test_prompts_show_hides_the_case_file(capsys, core):
    p = core.prompts["parking-spot-recs"]
    code, out = run(capsys, "prompts", "show", "parking-spot-recs")
    assert code == 0
    assert p.title in out and p.prompt in out
    assert p.case_file.reveals[0].answer not in out
    assert p.case_file.strong_constraint.statement not in out
    assert p.hints["fallback"] not in out
    assert "Case file" not in out


def test_prompts_show_interviewer(capsys, core):
    p = core.prompts["parking-spot-recs"]
    code, out = run(capsys, "prompts", "show", "parking-spot-recs", "--interviewer")
    assert code == 0
    assert "Case file" in out
    assert p.case_file.reveals[0].answer in out
    assert p.case_file.strong_constraint.statement in out
    assert p.case_file.pushbacks[0].say in out
    assert p.case_file.weak_answer in out


def test_prompts_show_json(capsys, core):
    code, out = run(capsys, "prompts", "show", "parking-spot-recs", "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert data["id"] == "parking-spot-recs"
    assert "case_file" not in data and "hints" not in data
    code, out = run(capsys, "prompts", "show", "parking-spot-recs", "--format", "json", "--interviewer")
    data = json.loads(out)
    assert data["case_file"]["strong_constraint"]["constraint"] == core.prompts["parking-spot-recs"].case_file.strong_constraint.constraint
    assert set(data["hints"]) == set(REQUIRED_HINTS)


def test_prompts_show_unknown_id(capsys):
    code, out = run(capsys, "prompts", "show", "no-such-prompt")
    assert code == 2
    assert "no prompt with ID 'no-such-prompt'" in out
    code, out = run(capsys, "prompts", "show", "parking-nope")
    assert code == 2
    assert "did you mean parking-spot-recs?" in out
