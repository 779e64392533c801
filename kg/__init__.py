"""zhkg: deterministic, offline knowledge graphs from Chinese finance and technology text.

>>> import kg
>>> result = kg.build_text("中国工商银行推出“抗疫贷”产品。")
>>> result.serialize("ttl")[:7]
b'@prefix'
"""
from __future__ import annotations

__version__ = "0.1.0"

__all__ = [
    "BuildResult",
    "Document",
    "KGError",
    "Pipeline",
    "build",
    "build_documents",
    "build_text",
    "read_documents",
    "to_networkx",
]


def __getattr__(name: str):
    # Lazy: `import kg` stays cheap; jieba and the lexicon load on first use.
    if name in ("BuildResult", "build", "build_documents", "build_text"):
        from kg import api

        return getattr(api, name)
    if name == "Pipeline":
        from kg.pipeline import Pipeline

        return Pipeline
    if name == "Document":
        from kg.types import Document

        return Document
    if name == "KGError":
        from kg.errors import KGError

        return KGError
    if name == "read_documents":
        from kg.io import read_documents

        return read_documents
    if name == "to_networkx":
        from kg.network import to_networkx

        return to_networkx
    raise AttributeError(f"module 'kg' has no attribute {name!r}")
