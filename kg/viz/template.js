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
  var labels = window.zhkgLabels(network, edges, data), labelOf = labels.labelOf, blanked = labels.blanked;
  var declutter = labels.declutter;
  api.blankedLabels = labels.blankedIds;
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

  /* ---------- side panel (panel.js) ---------- */
  var side = window.zhkgPanel({ data: data, el: el, classStyle: classStyle, labelOf: labelOf,
    edgesOf: edgesOf, selectNode: function (id, focus) { selectNode(id, focus); } });
  var panel = side.panel, showNode = side.showNode, showEdge = side.showEdge;
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
  var classGroups = window.zhkgClassGroups(network, nodes, data, openGroup, groupId);
  function groupByClass() {
    classGroups.group();
    setGroupButton(true);
  }
  function ungroup() {
    classGroups.ungroup();
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
