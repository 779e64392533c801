/* zhkg viz: the entities beyond --max-nodes (kg/viz/groups.py), in one group node per class that
   opens on click. Their nodes join the network only when their group opens, so a page holding
   20,000 entities starts as fast as one with the drawn ones only. Each edge that reaches into a
   closed group is stood in for by one dashed edge per pair of ends. */
window.zhkgMoreGroups = function (data) {
  "use strict";
  var closed = {};  // node id -> the id of its group node, while that group is closed
  var groups = {};  // group node id -> { g: its record in data.groups, members: [node ids], open }
  (data.groups || []).forEach(function (g) { groups["more:" + g.cls] = { g: g, members: [], open: false }; });
  data.nodes.forEach(function (n) {
    if (n.more === undefined) return;
    closed[n.id] = "more:" + n.more;
    groups["more:" + n.more].members.push(n.id);
  });

  function groupNode(id) {
    var g = groups[id].g;
    return { id: id, label: "更多" + g.zh + " +" + g.count, shape: g.shape, x: g.x, y: g.y, cls: g.cls,
      members: g.count, borderWidth: 3, size: Math.round(16 + Math.min(30, 2 * Math.sqrt(g.count))),
      color: { background: g.color, border: "#222222" },
      title: g.count + " more " + g.cls + "，点击展开 click to open" };
  }
  function end(id) { return closed[id] !== undefined ? closed[id] : id; }
  function wantedEdges() {
    var out = [], seen = {};
    data.edges.forEach(function (e) {
      var a = end(e.from), b = end(e.to);
      if (a === e.from && b === e.to) { out.push(e); return; }
      var key = "via:" + a + "|" + b;
      if (a === b || seen[key]) return;
      seen[key] = true;
      out.push({ id: key, from: a, to: b, dashes: true, label: "", rel: "", via: true,
        arrows: { to: { enabled: false } } });
    });
    return out;
  }
  var ids = Object.keys(groups);
  var self = {
    nodes: data.nodes.filter(function (n) { return closed[n.id] === undefined; }).concat(ids.map(groupNode)),
    edges: wantedEdges(),
    isGroup: function (id) { return groups[id] !== undefined && !groups[id].open; },
    groupOf: function (id) { return closed[id]; },
    isClosed: function (id) { return closed[id] !== undefined; },
    closedGroups: function () { return ids.filter(self.isGroup); }
  };
  /* open(id) replaces the group node by its members, in rows under where the group node is */
  self.attach = function (network, nodes, edges, prepareNode, prepareEdge) {
    self.open = function (id) {
      var rec = groups[id];
      if (!rec || rec.open) return;
      var at = network.getPositions([id])[id] || { x: rec.g.x, y: rec.g.y };
      rec.open = true;
      rec.members.forEach(function (m) { delete closed[m]; });
      nodes.remove(id);
      nodes.add(rec.members.map(function (m) {
        var n = data.nodes[m];
        return prepareNode(Object.assign({}, n, { x: at.x + n.dx, y: at.y + n.dy }));
      }));
      var want = wantedEdges(), keep = {};
      want.forEach(function (e) { keep[e.id] = true; });
      edges.remove(edges.getIds().filter(function (e) { return !keep[e]; }));
      edges.add(want.filter(function (e) { return edges.get(e.id) === null; }).map(prepareEdge));
    };
    return self;
  };
  return self;
};

/* Grouping by class (▦ 按类别分组): one vis-network cluster per class, labelled with its count (a
   group of entities beyond --max-nodes counts all its members), opened by openGroup. */
window.zhkgClassGroups = function (network, nodes, data, openGroup, groupId) {
  "use strict";
  function group() {
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
  }
  function ungroup() {
    data.classes.forEach(function (c) {
      if (network.isCluster(groupId(c.name))) openGroup(groupId(c.name));
    });
  }
  return { group: group, ungroup: ungroup };
};
