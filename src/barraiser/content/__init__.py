"""Content packs (prompts with case files, exemplars, pairs, theses, failure cases)
and the rubric, loaded from YAML and validated."""
