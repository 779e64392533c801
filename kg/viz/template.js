/* zhkg viz: the page logic. Data comes from the JSON block; every string from the graph is put
   in the DOM with textContent or as a text node, never parsed as HTML. */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("zhkg-data").textContent);
  var info = data.info;
  var byId = function (id) { return document.getElementById(id); };

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }

  var classStyle = {};
  data.classes.forEach(function (c) { classStyle[c.name] = c; });
  var relLabel = {};
  data.relations.forEach(function (r) { relLabel[r.name] = r.zh; });
  var edgesOf = {};  // node id -> ids of its edges, in order
  data.edges.forEach(function (e) {
    (edgesOf[e.from] = edgesOf[e.from] || []).push(e.id);
    if (e.to !== e.from) (edgesOf[e.to] = edgesOf[e.to] || []).push(e.id);
  });
  var baseColor = {};
  data.nodes.forEach(function (n) { baseColor[n.id] = n.color; });

  var more = window.zhkgMoreGroups(data);
  var nodes = new vis.DataSet(more.nodes);
  var edges = new vis.DataSet(more.edges);
  var container = byId("graph");
  var network = new vis.Network(container, { nodes: nodes, edges: edges }, data.options);
  var physicsOn = true;
  var api = window.zhkgViz = { network: network, nodes: nodes, edges: edges, data: data,
    ready: false, readyAt: null };

  /* ---------- groups: class clusters and the entities beyond --max-nodes (groups.js) ---------- */
  function openGroup(id) {  // a class cluster: its members go back where they were
    if (more.isGroup(id)) { more.open(id); return; }
    network.openCluster(id, { releaseFunction: function (at, kids) { return kids; } });
  }
  function revealCluster(id) {  // open the clusters holding a node, outermost first
    var path = network.findNode(id);
    while (path.length > 1) {
      openGroup(path[0]);
      path = network.findNode(id);
    }
  }
  function reveal(id) {
    if (more.isClosed(id)) {
      var g = more.groupOf(id);
      revealCluster(g);
      more.open(g);
    }
    revealCluster(id);
  }
  more.attach(network, nodes, edges, function (n) {
    n.hidden = !!hiddenClass[n.cls];
    return n;
  }, function (e) {
    e.hidden = !!hiddenRel[e.rel];
    return e;
  });
  api.moreGroups = more.closedGroups;
  api.reveal = reveal;
  function shown(list, set) { return list.filter(function (x) { return set.get(x.id) !== null; }); }

  api.visibleNodeCount = function () {
    return nodes.get({ filter: function (n) { return !n.hidden; } }).length;
  };

  function markReady() {
    network.setOptions({ physics: { enabled: false } });
    setPhysicsButton(false);
    network.once("afterDrawing", function () {
      declutter();
      api.ready = true;
      api.readyAt = performance.now();
      document.body.setAttribute("data-ready", "1");
    });
    network.redraw();
  }
  /* Edge labels that would cover a node, its label or an earlier edge label are left blank
     (the relation still shows in the panel, and its label comes back when an end is selected):
     around a hub, labels at the middle of short edges otherwise pile up unreadably. */
  var labelOf = {}, blanked = {};
  data.edges.forEach(function (e) { labelOf[e.id] = e.label; });
  function overlaps(a, b) {
    return a.left < b.right - 1 && b.left < a.right - 1 && a.top < b.bottom - 1 && b.top < a.bottom - 1;
  }
  function declutter() {
    var shownEdges = edges.get({ filter: function (e) { return !e.hidden && !!e.label; } });
    if (shownEdges.length > 2000) return;  // too many to check; hideEdgesOnZoom copes there
    var taken = Object.keys(network.getPositions()).map(function (id) {
      return network.getBoundingBox(isNaN(id) ? id : Number(id));
    });
    var blank = [];
    shownEdges.sort(function (a, b) { return (a.meta ? 1 : 0) - (b.meta ? 1 : 0) || a.id - b.id; })
      .forEach(function (e) {
        var body = network.body.edges[e.id], s = body && body.labelModule.size;
        if (!s || !s.width) return;
        var box = { left: s.left, top: s.top, right: s.left + s.width, bottom: s.top + s.height };
        if (taken.some(function (t) { return overlaps(box, t); })) {
          blanked[e.id] = true;
          blank.push({ id: e.id, label: " " });
        } else taken.push(box);
      });
    if (blank.length) edges.update(blank);
  }
  api.blankedLabels = function () { return Object.keys(blanked).map(Number); };
  network.once("stabilizationIterationsDone", markReady);
  if (!data.nodes.length) setTimeout(markReady, 0);

  /* ---------- header, notice ---------- */
  var counts = data.counts || { entities: data.nodes.length, relations: data.edges.length };
  var stats = counts.entities + " 个实体 · " + counts.relations + " 条关系";  // article nodes left out
  byId("stats").textContent = stats;
  document.body.setAttribute("data-nodes", String(counts.entities));
  document.body.setAttribute("data-edges", String(counts.relations));
  if (!data.nodes.length) {
    byId("notice").textContent = "图中没有实体：输入里没有 zkg 实体类的实例。" +
      " No entities: nothing in the input is an instance of a zkg entity class.";
    byId("notice").hidden = false;
  }
  if (data.groups && data.groups.length) {
    var drawnCount = data.nodes.length, groupedCount = 0;
    data.groups.forEach(function (g) { groupedCount += g.count; });
    var gnotice = byId("notice");
    gnotice.textContent = "图较大：显示连接最多的 " + (drawnCount - groupedCount) + " 个实体；其余 " +
      groupedCount + " 个按类别归入“更多…”分组节点，点击展开，搜索也能找到。" +
      " Showing the " + (drawnCount - groupedCount) + " best-connected entities; the other " +
      groupedCount + " are in one group per class (click to open; search finds them).";
    gnotice.hidden = false;
  }
  if (data.omitted) {
    var t = data.totals, o = data.omitted;
    var cls = Object.keys(o.byClass).map(function (k) {
      return (classStyle[k] ? classStyle[k].zh : k) + " " + o.byClass[k];
    }).join("，");
    var notice = byId("notice");
    notice.textContent = "图太大：只显示连接最多的 " + data.nodes.length + " / " + t.scopeNodes +
      " 个实体，省略了 " + o.nodes + " 个实体（" + cls + "）和 " + o.edges + " 条关系。" +
      " Showing the " + data.nodes.length + " best-connected of " + t.scopeNodes +
      " entities; " + o.nodes + " entities and " + o.edges +
      " relations left out (use --max-nodes or --focus).";
    notice.hidden = false;
  }

  /* ---------- filters and legend ---------- */
  var hiddenClass = {}, hiddenRel = {};
  function filterItem(list, swatch, label, count, onChange) {
    var li = el("li"), lab = el("label"), box = el("input");
    box.type = "checkbox";
    box.checked = true;
    box.addEventListener("change", function () { onChange(!box.checked); });
    lab.appendChild(box);
    lab.appendChild(swatch);
    lab.appendChild(el("span", null, label));
    lab.appendChild(el("span", "count", count));
    li.appendChild(lab);
    list.appendChild(li);
    return box;
  }
  data.classes.forEach(function (c) {
    var sw = el("span", "swatch " + c.shape);
    sw.style.background = c.color;
    var box = filterItem(byId("class-filters"), sw, c.zh, c.count, function (hide) {
      hiddenClass[c.name] = hide;
      applyFilters();
    });
    box.setAttribute("data-class", c.name);
  });
  data.relations.forEach(function (r) {
    var box = filterItem(byId("relation-filters"), el("span", "swatch line"), r.zh, r.count,
      function (hide) { hiddenRel[r.name] = hide; applyFilters(); });
    box.setAttribute("data-relation", r.name);
    box.title = r.name;
  });
  function applyFilters() {
    nodes.update(shown(data.nodes, nodes).map(function (n) {
      return { id: n.id, hidden: !!hiddenClass[n.cls] };
    }));
    edges.update(shown(data.edges, edges).map(function (e) {
      return { id: e.id, hidden: !!hiddenRel[e.rel] };
    }));
    document.body.setAttribute("data-visible-nodes", String(api.visibleNodeCount()));
  }
  document.body.setAttribute("data-visible-nodes", String(api.visibleNodeCount()));

  /* ---------- neighbourhood highlight ---------- */
  var highlighted = false;
  function highlight(id) {
    var keep = {};
    keep[id] = true;
    var near = {};
    (edgesOf[id] || []).forEach(function (eid) {
      var e = data.edges[eid];
      near[eid] = true;
      keep[e.from] = keep[e.to] = true;
    });
    nodes.update(shown(data.nodes, nodes).map(function (n) {
      return { id: n.id, color: keep[n.id] ? baseColor[n.id] : "rgba(200,205,212,0.35)",
        font: { color: keep[n.id] ? "#1d2733" : "rgba(120,130,140,0.35)" } };
    }));
    edges.update(shown(data.edges, edges).map(function (e) {
      return { id: e.id, color: { opacity: near[e.id] ? 1 : 0.12 },
        label: near[e.id] || !blanked[e.id] ? labelOf[e.id] : " ",
        font: { color: near[e.id] ? "#1d2733" : "rgba(0,0,0,0)" } };
    }));
    highlighted = true;
  }
  function clearHighlight() {
    if (!highlighted) return;
    nodes.update(shown(data.nodes, nodes).map(function (n) {
      return { id: n.id, color: baseColor[n.id], font: { color: "#1d2733" } };
    }));
    edges.update(shown(data.edges, edges).map(function (e) {
      return { id: e.id, color: { opacity: 1 }, font: { color: "#4a5968" },
        label: blanked[e.id] ? " " : labelOf[e.id] };
    }));
    highlighted = false;
  }

  /* ---------- side panel ---------- */
  var panel = byId("panel");
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
  function selectNode(id, focus) {
    reveal(id);
    network.selectNodes([id]);
    highlight(id);
    showNode(id);
    if (focus) {
      network.focus(id, { scale: Math.max(network.getScale(), 1.1), animation: { duration: 300 } });
    }
    panel.setAttribute("data-node", String(id));
  }
  api.selectNode = selectNode;

  network.on("click", function (p) {
    if (p.nodes.length && more.isGroup(p.nodes[0])) {  // the entities beyond --max-nodes
      more.open(p.nodes[0]);
      return;
    }
    if (p.nodes.length && network.isCluster(p.nodes[0])) {  // a class group opens on click
      openGroup(p.nodes[0]);
      if (!data.classes.some(function (c) { return network.isCluster(groupId(c.name)); })) setGroupButton(false);
      return;
    }
    if (p.nodes.length) selectNode(p.nodes[0], false);
    else if (p.edges.length) {
      clearHighlight();
      showEdge(p.edges[0]);
      panel.setAttribute("data-edge", String(p.edges[0]));
    } else clearHighlight();
  });

  /* ---------- search ---------- */
  var names = [], seen = {};
  data.nodes.forEach(function (n) {
    [n.label].concat(info.nodes[n.id].aliases).forEach(function (s) {
      if (!seen[s]) { seen[s] = true; names.push(s); }
    });
  });
  var list = byId("search-names");
  names.slice(0, 5000).forEach(function (s) {
    var o = el("option");
    o.value = s;
    list.appendChild(o);
  });
  function findNode(q) {
    q = q.trim().toLowerCase();
    if (!q) return null;
    var tests = [
      function (s) { return s === q; },
      function (s) { return s.indexOf(q) === 0; },
      function (s) { return s.indexOf(q) >= 0; }];
    for (var t = 0; t < tests.length; t++) {
      for (var i = 0; i < data.nodes.length; i++) {
        var all = [data.nodes[i].label, info.nodes[i].en || ""].concat(info.nodes[i].aliases);
        if (all.some(function (s) { return tests[t](s.toLowerCase()); })) return i;
      }
    }
    return null;
  }
  byId("search").addEventListener("submit", function (ev) {
    ev.preventDefault();
    var id = findNode(byId("search-input").value), status = byId("search-status");
    if (id === null) { status.textContent = "未找到 not found"; return; }
    status.textContent = hiddenClass[data.nodes[id].cls] ? "已被过滤 filtered out" : "";
    selectNode(id, true);
  });

  /* ---------- physics and view buttons ---------- */
  function setPhysicsButton(on) {
    physicsOn = on;
    var b = byId("physics");
    b.textContent = on ? "⏸ 冻结" : "▶ 物理模拟";
    b.classList.toggle("on", on);
    b.setAttribute("aria-pressed", on ? "true" : "false");
  }
  byId("physics").addEventListener("click", function () {
    network.setOptions({ physics: { enabled: !physicsOn, stabilization: { enabled: false } } });
    setPhysicsButton(!physicsOn);
  });
  byId("fit").addEventListener("click", function () {
    network.fit({ animation: { duration: 300 } });
  });
  setPhysicsButton(true);

  /* ---------- grouping by class: one node per class, opened on click ---------- */
  var GROUP_ABOVE = 1000;  // pages with more entities open grouped
  function groupId(cls) { return "class:" + cls; }
  function setGroupButton(on) {
    var b = byId("group");
    b.classList.toggle("on", on);
    b.setAttribute("aria-pressed", on ? "true" : "false");
    b.textContent = on ? "▦ 展开全部" : "▦ 按类别分组";
  }
  function groupByClass() {
    data.classes.forEach(function (c) {
      if (network.isCluster(groupId(c.name))) return;
      var members = nodes.get({ filter: function (n) { return n.cls === c.name && !n.hidden; } });
      if (members.length < 2) return;  // a lone entity is its own group
      var count = members.reduce(function (k, n) { return k + (n.members || 1); }, 0);
      network.cluster({
        joinCondition: function (n) { return n.cls === c.name && !n.hidden; },
        clusterNodeProperties: {
          id: groupId(c.name), label: c.zh + "（" + count + "）", shape: c.shape,
          color: c.color, size: Math.round(18 + Math.min(40, 3 * Math.sqrt(count))),
          cls: c.name, title: c.name + ": " + count + "，点击展开 click to open"
        }
      }, false);  // one refresh below, not one per class: each walks every node and edge
    });
    network.body.emitter.emit("_dataChanged");
    setGroupButton(true);
  }
  function ungroup() {
    data.classes.forEach(function (c) {
      if (network.isCluster(groupId(c.name))) openGroup(groupId(c.name));
    });
    setGroupButton(false);
  }
  api.groupByClass = groupByClass;
  api.ungroup = ungroup;
  api.groups = function () {
    return data.classes.map(function (c) { return groupId(c.name); })
      .filter(function (id) { return network.isCluster(id); });
  };
  byId("group").addEventListener("click", function () {
    if (api.groups().length) ungroup(); else groupByClass();
  });
  setGroupButton(false);
  if (data.nodes.length > GROUP_ABOVE) {
    network.once("stabilizationIterationsDone", function () {
      groupByClass();
      network.fit();
    });
  }

  if (data.focus !== null && data.focus !== undefined) {
    network.once("stabilizationIterationsDone", function () { selectNode(data.focus, false); });
  }
})();
