"""The public API: a sorted __all__ of names that exist, and a small end-to-end call."""
from __future__ import annotations

import kg


def test_all_is_sorted_and_complete():
    assert kg.__all__ == sorted(kg.__all__)
    for name in kg.__all__:
        assert getattr(kg, name) is not None


def test_build_text_round_trips_through_rdflib():
    result = kg.build_text("中国工商银行推出“抗疫贷”产品。", doc_id="demo")
    assert {e.label for e in result.entities.values()} == {"中国工商银行", "抗疫贷"}
    ds = result.to_dataset()
    graphs = {str(g.identifier) for g in ds.graphs() if len(g)}
    assert graphs == {"https://w3id.org/zhkg/id/doc/demo"}  # every triple is in the document's graph


def test_unknown_extractor_lists_the_valid_names():
    import pytest

    from kg import extractors
    from kg.errors import RegistryError

    with pytest.raises(RegistryError, match="gazetteer@1"):
        extractors.get("gazeteer@1")
