/* zhkg viz: edge labels kept readable. A label sits at the middle of its edge; one that would
   cover a node, its label or an earlier edge label is left blank (the relation still shows in the
   panel, and the page puts its label back while an end of the edge is selected): around a hub,
   labels at the middle of short edges otherwise pile up unreadably. */
window.zhkgLabels = function (network, edges, data) {
  "use strict";
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
  return { labelOf: labelOf, blanked: blanked, declutter: declutter,
    blankedIds: function () { return Object.keys(blanked).map(Number); } };
};
