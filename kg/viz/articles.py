"""Article nodes: an article's author and publication linked to what the article states.

Authors and publications are entities that the article's metadata names (``zkg:author``,
``zkg:publishedIn``), not the text: without a link they stood alone in the page. An article
whose author or publication is drawn gets a node of its own, with a dashed link to each of them
and to the entities it mentions most. These nodes and links are not entities or relations of
the graph (the page's counts and ``kg.counts`` leave them out); the legend lists them as 文章.
"""
from __future__ import annotations

from kg.viz.model import Article, EntityGraph

#: How many of an article's most-mentioned entities its node links to.
MAIN_ENTITIES = 3
ARTICLE_CLASS = "Article"
ARTICLE_STYLE = ("#607d8b", "star")
#: link -> its Chinese label in the page
LINKS = {"author": "作者", "publishedIn": "刊登于", "mentions": "主要提及"}


def article_links(graph: EntityGraph, drawn: set[str]) -> list[tuple[Article, list[tuple[str, str]]]]:
    """Each article whose author or publication is in ``drawn``, with its ``(link, entity IRI)``
    pairs: the drawn authors, publications, then up to :data:`MAIN_ENTITIES` entities by
    mentions in the article (ties by IRI)."""
    out = []
    for iri in sorted(graph.articles):
        art = graph.articles[iri]
        meta = ([("author", a) for a in art.authors if a in drawn]
                + [("publishedIn", p) for p in art.publications if p in drawn])
        if not meta:
            continue
        named = set(art.authors) | set(art.publications)
        ranked = sorted((e for e in art.counts if e in drawn and e not in named),
                        key=lambda e: (-art.counts[e], e))
        out.append((art, meta + [("mentions", e) for e in ranked[:MAIN_ENTITIES]]))
    return out


def article_label(art: Article) -> str:
    """The node label: the title, shortened, or the article's identifier."""
    title = art.title or art.id
    return title if len(title) <= 14 else title[:13] + "…"
