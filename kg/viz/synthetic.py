"""Contract-conformant sample graphs for tests, benchmarks and the screenshot.

:func:`example_trig` is a small hand-made graph with evidence sentences, mentions, metrics and
one hostile name; :func:`synthetic_ntriples` makes a random entity graph of any size (seeded).
"""
from __future__ import annotations

import random
from urllib.parse import quote

from kg.ontology import ENTITY_CLASSES, ITSRDF_IRI, NIF_IRI, PROV_IRI, RELATIONS, ZKG_IRI

ENT = "https://w3id.org/zhkg/id/entity/"
DOC = "https://w3id.org/zhkg/id/doc/"
HOSTILE = '<script>window.__pwned=1</script><b>"恶意"&\'公司\'</b>'

#: (doc id, text, entities: (name, class), relations: (subject, property, object, sentence no))
_DOCS = [
    ("d1", "中国工商银行推出了工银玺链平台。工银玺链基于区块链技术构建。该行个人客户超过7亿户。",
     [("中国工商银行", "FinancialInstitution"), ("工银玺链", "Platform"), ("区块链", "Technology")],
     [("中国工商银行", "develops", "工银玺链", 0), ("工银玺链", "usesTechnology", "区块链", 1)]),
    ("d2", "蚂蚁集团与中国工商银行签署战略合作协议。张三担任蚂蚁集团首席技术官。"
           "蚂蚁集团总部位于杭州。",
     [("蚂蚁集团", "FinancialInstitution"), ("中国工商银行", "FinancialInstitution"),
      ("张三", "Person"), ("杭州", "Place")],
     [("蚂蚁集团", "cooperatesWith", "中国工商银行", 0), ("张三", "worksFor", "蚂蚁集团", 1),
      ("蚂蚁集团", "locatedIn", "杭州", 2)]),
    ("d3", f"{HOSTILE}与蚂蚁集团合作。中国人民银行监管蚂蚁集团。",
     [(HOSTILE, "Company"), ("蚂蚁集团", "FinancialInstitution"),
      ("中国人民银行", "GovernmentAgency")],
     [(HOSTILE, "cooperatesWith", "蚂蚁集团", 0), ("中国人民银行", "regulates", "蚂蚁集团", 1)]),
]
_EXTRA = {
    "中国工商银行": ('"工行"@zh, "工商银行"@zh', '"Industrial and Commercial Bank of China"@en',
                    "http://www.wikidata.org/entity/Q26463"),
    "蚂蚁集团": ('"蚂蚁金服"@zh', '"Ant Group"@en', None),
}


def _lit(text: str, lang: str | None = None) -> str:
    esc = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{esc}"@{lang}' if lang else f'"{esc}"'


def entity_iri(name: str) -> str:
    """The contract IRI of an entity with canonical name ``name``."""
    return ENT + quote(name, safe="")


def _sentences(text: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for i, ch in enumerate(text):
        if ch == "。":
            spans.append((start, i + 1))
            start = i + 1
    return spans


def example_trig() -> str:
    """A small TriG graph following the contract: three articles, one named graph each."""
    out = [f"@prefix zkg: <{ZKG_IRI}> .", f"@prefix nif: <{NIF_IRI}> .",
           f"@prefix itsrdf: <{ITSRDF_IRI}> .", f"@prefix prov: <{PROV_IRI}> .",
           "@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .",
           "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .",
           "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .",
           "@prefix owl: <http://www.w3.org/2002/07/owl#> .",
           "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> ."]
    for doc_id, text, ents, rels in _DOCS:
        doc = DOC + doc_id
        sents = _sentences(text)
        out.append(f"<{doc}> {{")
        out.append(f"  <{doc}> a zkg:Article, nif:Context ; nif:isString {_lit(text)} ;"
                   f" nif:beginIndex 0 ; nif:endIndex {len(text)} .")
        for name, cls in ents:
            out.append(f"  <{entity_iri(name)}> a zkg:{cls} ; rdfs:label {_lit(name, 'zh')} .")
            alt, en, wd = _EXTRA.get(name, (None, None, None))
            if alt:
                out.append(f"  <{entity_iri(name)}> skos:altLabel {alt} ; rdfs:label {en} .")
            if wd:
                out.append(f"  <{entity_iri(name)}> owl:sameAs <{wd}> .")
            at = 0
            while (at := text.find(name, at)) >= 0:
                out.append(f"  <{doc}#char={at},{at + len(name)}> a nif:Phrase ;"
                           f" nif:beginIndex {at} ; nif:endIndex {at + len(name)} ;"
                           f" nif:anchorOf {_lit(name)} ; nif:referenceContext <{doc}> ;"
                           f" itsrdf:taIdentRef <{entity_iri(name)}> ;"
                           f" itsrdf:taClassRef zkg:{cls} .")
                at += len(name)
        for b, e in sents:
            out.append(f"  <{doc}#sentence={b},{e}> a nif:Sentence ; nif:beginIndex {b} ;"
                       f" nif:endIndex {e} ; nif:anchorOf {_lit(text[b:e])} ;"
                       f" nif:referenceContext <{doc}> .")
        for k, (s, p, o, si) in enumerate(rels):
            b, e = sents[si]
            out.append(f"  <{entity_iri(s)}> zkg:{p} <{entity_iri(o)}> .")
            out.append(f"  <{doc}#stmt-{k}> a rdf:Statement ; rdf:subject <{entity_iri(s)}> ;"
                       f" rdf:predicate zkg:{p} ; rdf:object <{entity_iri(o)}> ;"
                       f" prov:wasDerivedFrom <{doc}> ; zkg:evidence <{doc}#sentence={b},{e}> ;"
                       f' zkg:extractor "rules.v1" ; zkg:confidence 0.9 .')
        if doc_id == "d1":
            b, e = sents[2]
            m = f"<{doc}#metric={b},{e}>"
            out.append(f"  <{entity_iri('中国工商银行')}> zkg:hasMetric {m} .")
            out.append(f'  {m} a zkg:Metric ; rdfs:label "个人客户"@zh ; zkg:value 700000000 ;'
                       f' zkg:unit "户" ; zkg:qualifier "atLeast" ;'
                       f" zkg:evidence <{doc}#sentence={b},{e}> .")
        out.append("}")
    return "\n".join(out) + "\n"


def synthetic_ntriples(n: int, *, seed: int = 1, edges_per_node: float = 1.5) -> str:
    """A random entity graph of ``n`` nodes as N-Triples (preferential attachment, seeded)."""
    rng = random.Random(seed)
    classes = [c for c in ENTITY_CLASSES]
    rels = sorted(RELATIONS)
    lines, targets = [], []
    for i in range(n):
        iri = entity_iri(f"实体{i:05d}")
        lines.append(f"<{iri}> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> "
                     f"<{ZKG_IRI}{classes[rng.randrange(len(classes))]}> .")
        lines.append(f'<{iri}> <http://www.w3.org/2000/01/rdf-schema#label> "实体{i:05d}"@zh .')
        if i:
            for _ in range(max(1, round(rng.random() * 2 * (edges_per_node - 0.5)))):
                j = targets[rng.randrange(len(targets))] if targets else 0
                lines.append(f"<{iri}> <{ZKG_IRI}{rels[rng.randrange(len(rels))]}> "
                             f"<{entity_iri(f'实体{j:05d}')}> .")
                targets.append(j)
        targets.append(i)
    return "\n".join(lines) + "\n"
