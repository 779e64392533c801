"""Short names the text defines: 中国人民银行（以下简称“人民银行”）, 华为技术有限公司(简称华为).

Each definition is proposed as an :class:`kg.types.Alias` (the resolve step records it on the
document, :func:`kg.resolve.apply_facts`); the pipeline gives the
short name the class and canonical name of the mention just before the parenthesis, and then
finds the short name everywhere else (in this document and across a corpus).
"""
from __future__ import annotations

import re

from kg.extractors.base import CJK, Resources
from kg.types import Alias, Document

NAME = "aliases@1"
DEFINE = re.compile(
    f"\\s*\\(\\s*(?:以下|下文)?(?:简称|下称|又称|英文简称|以下称)\\s*:?\\s*"
    f"[“\"「]?([{CJK}A-Za-z0-9]{{2,12}})[”\"」]?\\s*\\)")


def propose(doc: Document, res: Resources) -> list[Alias]:
    """The alias definitions of the text (proposals: the document is not changed)."""
    return [Alias(m.start(), m.start(1), m.end(1), m.group(1), NAME) for m in DEFINE.finditer(doc.norm)]
