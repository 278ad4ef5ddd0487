"""No evaluation sentence may appear, verbatim or nearly, in an engine's rules, exemplars,
intent examples or comments: a figure on text the engine was fitted to is not evidence."""

from __future__ import annotations

from bench.overlap import (
    Sentence,
    engine_data,
    engine_sources,
    evaluation_sentences,
    find_overlaps,
    project_sets,
)


def test_no_evaluation_text_in_engine_files() -> None:
    sentences = evaluation_sentences()
    # The project's own sets are always there; the public ones when ../shared is.
    assert sum(1 for _ in project_sets()) >= 2000
    found = find_overlaps(engine_data(), engine_sources(), sentences)
    report = [f"{o.where}: {o.engine_text[:80]!r} ~ {o.sentence.source}" for o in found]
    assert not found, "\n".join(report[:30])


def test_the_check_catches_a_near_copy_and_a_quoted_run() -> None:
    sentences = [Sentence("t", "My grandmother's left arm went numb while she was gardening")]
    near = [("exemplars.json", "my grandmothers left arm went numb while she was gardening!")]
    assert find_overlaps(near, [], sentences)
    quoted = [("engine.py", "# e.g. 'left arm went numb while she was gardening' is cardiac")]
    assert find_overlaps([], quoted, sentences)
    unrelated = [("exemplars.json", "my chest hurts when I climb the stairs")]
    assert not find_overlaps(unrelated, [], sentences)
