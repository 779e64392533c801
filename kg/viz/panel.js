/* zhkg viz: the side panel, what a selected node or edge shows: class, names, Wikidata, every
   relation with its evidence sentences (mentions marked), metrics and penalties. Every string
   from the graph goes in with textContent or as a text node, never parsed as HTML. */
window.zhkgPanel = function (ctx) {
  "use strict";
  var data = ctx.data, info = data.info, el = ctx.el, classStyle = ctx.classStyle;
  var labelOf = ctx.labelOf, edgesOf = ctx.edgesOf;
  function selectNode(id, focus) { ctx.selectNode(id, focus); }
  var panel = document.getElementById("panel");
  var QUALIFIER = { atLeast: "超过 ", approximately: "约 ", moreThan: "逾 ", atMost: "不超过 " };
  function nodeName(id) { return data.nodes[id].label; }
  function nodeLink(id) {
    var b = el("button", "link", nodeName(id));
    b.type = "button";
    b.addEventListener("click", function () { selectNode(id, true); });
    return b;
  }
  function highlighted_text(ev) {
    /* offsets are code points (Python); Array.from splits by code point too */
    var chars = Array.from(ev.text), q = el("blockquote"), pos = 0;
    ev.marks.slice().sort(function (a, b) { return a[0] - b[0] || b[1] - a[1]; })
      .forEach(function (m) {
        if (m[0] < pos || m[1] > chars.length || m[1] <= m[0]) return;
        if (m[0] > pos) q.appendChild(document.createTextNode(chars.slice(pos, m[0]).join("")));
        q.appendChild(el("mark", m[2] === "object" ? "object" : "subject",
          chars.slice(m[0], m[1]).join("")));
        pos = m[1];
      });
    if (pos < chars.length) q.appendChild(document.createTextNode(chars.slice(pos).join("")));
    var src = ev.doc.replace(/^.*\/doc\//, "");
    if (ev.begin !== null && ev.begin !== undefined) src += " @" + ev.begin;
    if (ev.extractor) src += " · " + ev.extractor;
    if (ev.confidence !== null && ev.confidence !== undefined) src += " · " + ev.confidence;
    q.appendChild(el("span", "src", src));
    return q;
  }
  function evidenceList(parent, evidence) {
    if (!evidence.length) {
      parent.appendChild(el("p", "hint", "（无证据句 no evidence recorded）"));
      return;
    }
    evidence.forEach(function (ev) { parent.appendChild(highlighted_text(ev)); });
  }
  function field(dl, name, value) {
    if (value === null || value === undefined || value === "" ||
        (Array.isArray(value) && !value.length)) return;
    dl.appendChild(el("dt", null, name));
    var dd = el("dd");
    if (value instanceof Node) dd.appendChild(value);
    else dd.textContent = Array.isArray(value) ? value.join("、") : String(value);
    dl.appendChild(dd);
  }
  function classBadge(cls) {
    var c = classStyle[cls];
    var b = el("span", "badge", c ? c.zh + " · " + cls : (cls || "?"));
    b.style.background = c ? c.color : "#95a5a6";
    return b;
  }
  function relationBlock(edgeId, fromSide) {
    var e = data.edges[edgeId], box = el("div", "rel"), head = el("div", "head");
    if (fromSide) {
      head.appendChild(el("span", "pred", "→ " + labelOf[e.id]));
      head.appendChild(nodeLink(e.to));
    } else {
      head.appendChild(nodeLink(e.from));
      head.appendChild(el("span", "pred", labelOf[e.id] + " →"));
    }
    box.appendChild(head);
    evidenceList(box, info.edges[edgeId].evidence);
    return box;
  }
  function showNode(id) {
    var n = data.nodes[id], d = info.nodes[id];
    panel.replaceChildren();
    panel.appendChild(el("h3", null, n.label));
    panel.appendChild(classBadge(d.cls));
    var dl = el("dl");
    field(dl, "英文名", d.en);
    field(dl, "别名", d.aliases);
    field(dl, "职务", d.job);
    if (d.wikidata && /^https?:\/\/(www\.)?wikidata\.org\/[A-Za-z0-9\/_:-]+$/.test(d.wikidata)) {
      var a = el("a", null, d.wikidata.replace(/^.*\//, "wikidata:"));
      a.href = d.wikidata;
      a.target = "_blank";
      a.rel = "noopener noreferrer";
      field(dl, "Wikidata", a);
    }
    field(dl, "连接数", d.degree);
    panel.appendChild(dl);
    panel.appendChild(el("div", "iri", d.iri));
    var out = [], inc = [];
    (edgesOf[id] || []).forEach(function (eid) {  // the data's edges: a group's stand-ins are not
      (data.edges[eid].from === id ? out : inc).push(eid);
    });
    if (out.length) {
      panel.appendChild(el("h4", null, "关系 Relations (" + out.length + ")"));
      out.forEach(function (eid) { panel.appendChild(relationBlock(eid, true)); });
    }
    if (inc.length) {
      panel.appendChild(el("h4", null, "被关联 Incoming (" + inc.length + ")"));
      inc.forEach(function (eid) { panel.appendChild(relationBlock(eid, false)); });
    }
    if (d.metrics.length) {
      panel.appendChild(el("h4", null, "指标 Metrics"));
      d.metrics.forEach(function (m) {
        var box = el("div", "rel"), q = QUALIFIER[m.qualifier] || m.qualifier || "";
        var num = Number(m.value);
        var v = m.value && isFinite(num) ? num.toLocaleString("zh-CN") : (m.value || "");
        box.appendChild(el("div", "head", m.label + "：" + q + v + (m.unit || "")));
        evidenceList(box, m.evidence);
        panel.appendChild(box);
      });
    }
    if (d.penalties && d.penalties.length) {
      panel.appendChild(el("h4", null, "行政处罚 Penalties"));
      d.penalties.forEach(function (p) {
        var box = el("div", "rel penalty");
        box.appendChild(el("div", "head", p.regulator.join("、") + " → " + p.penalized.join("、") +
                           (p.types.length ? "：" + p.types.join("、") : "")));
        p.amounts.forEach(function (a) {
          var num = Number(a.value);
          box.appendChild(el("div", null, (a.label || "金额") + "：" +
                             (isFinite(num) ? num.toLocaleString("zh-CN") : a.value) + (a.unit || "")));
        });
        if (p.reason) box.appendChild(el("div", null, "事由：" + p.reason));
        if (p.date) box.appendChild(el("div", null, "日期：" + p.date));
        if (p.number) box.appendChild(el("div", null, "文号：" + p.number));
        panel.appendChild(box);
      });
    }
  }
  function showEdge(eid) {
    var e = data.edges[eid];
    panel.replaceChildren();
    var h = el("h3");
    h.appendChild(nodeLink(e.from));
    h.appendChild(el("span", "pred", " " + labelOf[e.id] + " → "));
    h.appendChild(nodeLink(e.to));
    panel.appendChild(h);
    panel.appendChild(el("div", "iri", "zkg:" + e.rel));
    panel.appendChild(el("h4", null, "证据 Evidence (" + info.edges[eid].evidence.length + ")"));
    evidenceList(panel, info.edges[eid].evidence);
  }
  return { panel: panel, showNode: showNode, showEdge: showEdge };
};
