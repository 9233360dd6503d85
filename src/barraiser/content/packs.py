"""Load content packs: the shipped `core` pack, then the user's packs on top.

A pack is a folder:

    pack.yaml                 id, title, description (optional for user packs)
    prompts/<prompt-id>.yaml  one Prompt with its case file each
    exemplars/<signal>.yaml   SignalExemplars
    pairs*.yaml               lists of StatementPair
    theses.yaml               list of Thesis
    failures.yaml             list of FailureCase

A user pack's prompt or exemplar file with the same ID as a shipped one replaces
it; new IDs extend the bank. Validation errors name the file and the YAML path.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from barraiser.content.models import FailureCase, PackMeta, Prompt, SignalExemplars, StatementPair, Thesis
from barraiser.errors import ContentError, NotFound

CORE_PACK = Path(__file__).with_name("packs") / "core"
M = TypeVar("M", bound=BaseModel)


@dataclass
class Content:
    prompts: dict[str, Prompt] = field(default_factory=dict)
    exemplars: dict[str, SignalExemplars] = field(default_factory=dict)
    pairs: list[StatementPair] = field(default_factory=list)
    theses: list[Thesis] = field(default_factory=list)
    failures: list[FailureCase] = field(default_factory=list)
    origins: dict[str, Path] = field(default_factory=dict)  # prompt id -> file it came from

    def prompt(self, prompt_id: str) -> Prompt:
        try:
            return self.prompts[prompt_id]
        except KeyError:
            close = sorted(p for p in self.prompts if prompt_id.split("-")[0] in p)[:5]
            hint = f"; did you mean {', '.join(close)}?" if close else "; `barraiser prompts list` shows them"
            raise NotFound(f"no prompt with ID {prompt_id!r}{hint}") from None


def read_yaml(path: Path):
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise ContentError(f"cannot read the file: {e}", source=str(path)) from e
    try:
        # libyaml's C loader when present: about 8x faster than the pure-Python one
        return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError as e:
        line = getattr(getattr(e, "problem_mark", None), "line", None)
        raise ContentError(f"not valid YAML: {getattr(e, 'problem', e)}", source=str(path),
                           line=None if line is None else line + 1) from e


def validation_error(path: Path, e: ValidationError, prefix: str = "") -> ContentError:
    first = e.errors()[0]
    where = (prefix + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in first["loc"])).lstrip(".")
    more = f" (and {len(e.errors()) - 1} more problems)" if len(e.errors()) > 1 else ""
    return ContentError(f"{where or '(top)'}: {first['msg']}{more}", source=str(path))


def parse(model: type[M], path: Path, data, prefix: str = "") -> M:
    try:
        return model.model_validate(data)
    except ValidationError as e:
        raise validation_error(path, e, prefix) from e


def parse_list(model: type[M], path: Path) -> list[M]:
    data = read_yaml(path)
    if data is None:
        return []
    if not isinstance(data, list):
        raise ContentError("expected a YAML list at the top", source=str(path))
    return [parse(model, path, item, prefix=f"[{i}]") for i, item in enumerate(data)]


def load_pack(folder: Path, into: Content) -> Content:
    if (folder / "pack.yaml").exists():
        parse(PackMeta, folder / "pack.yaml", read_yaml(folder / "pack.yaml"))
    for path in sorted((folder / "prompts").glob("*.yaml")):
        p = parse(Prompt, path, read_yaml(path))
        if p.id != path.stem:
            raise ContentError(f"id: {p.id!r} does not match the file name", source=str(path),
                               expected=f"id: {path.stem}")
        into.prompts[p.id] = p
        into.origins[p.id] = path
    for path in sorted((folder / "exemplars").glob("*.yaml")):
        ex = parse(SignalExemplars, path, read_yaml(path))
        into.exemplars[ex.signal] = ex
    for path in sorted(folder.glob("pairs*.yaml")):
        into.pairs.extend(parse_list(StatementPair, path))
    if (folder / "theses.yaml").exists():
        into.theses.extend(parse_list(Thesis, folder / "theses.yaml"))
    if (folder / "failures.yaml").exists():
        into.failures.extend(parse_list(FailureCase, folder / "failures.yaml"))
    return into


def pack_folders(user_packs: Path | None) -> list[Path]:
    folders = [CORE_PACK]
    if user_packs and user_packs.is_dir():
        folders += sorted(p for p in user_packs.iterdir() if p.is_dir())
    return folders


@lru_cache(maxsize=4)
def _load(user_packs: Path | None) -> Content:
    content = Content()
    for folder in pack_folders(user_packs):
        load_pack(folder, content)
    return content


def load_content(user_packs: Path | None = None, *, include_user: bool = True) -> Content:
    """The shipped pack plus the user's packs (cached per folder)."""
    if include_user and user_packs is None:
        from barraiser.paths import user_packs_dir

        user_packs = user_packs_dir()
    return _load(user_packs if include_user else None)
