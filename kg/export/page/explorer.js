// The graph explorer: runs after pyvis's script, which leaves `network`, `nodes` and
// `edges` (empty vis DataSets) as globals. The graph arrives once, as JSON data in
// #kg-data (see kg/export/page_data.py); this script draws the part of it in view.
//
// Every string of the graph is untrusted: it reaches the screen only through
// textContent, a vis canvas label or a string tooltip (which vis-network shows with
// innerText). No HTML is ever parsed, and only http(s) addresses become links.
(function () {
  "use strict";
  const data = JSON.parse(document.getElementById("kg-data").textContent);
  const NAME = 60;  // characters of a name drawn on its node
  const EXCERPT = 40;  // characters of a quote drawn on its node
  // The overview draws the labels of important nodes large, to read them from afar; a focus
  // or an article's graph is seen close up, with labels of about one size. Zoomed in (or in a
  // small graph, which fits at full scale) no label grows past LABEL_PIXELS on screen, so a big
  // name does not bury its neighbours: vis-network 9's own scaling.label.maxVisible only fades.
  const LABELS = {far: {min: 12, max: 44}, close: {min: 12, max: 18}};
  const LABEL_PIXELS = 22;

  // ------------------------------------------------------------------ the graph

  const classes = data.classes.map(([label, colour], i) => ({i, label, colour, count: 0}));
  const QUOTE_CLASS = data.quoteNodes ? classes.length - 1 : -1;
  const relations = data.relations.map(([label, inverse, directed], i) =>
    ({i, label, inverse, directed: directed === 1, count: 0}));
  const articles = data.articles.map(([id, title, date, url], i) => ({i, id, title, date, url}));
  const facts = data.facts.map(([from, sentence, date]) =>
    ({articles: from, sentence: data.sentences[sentence], date}));
  const graphNodes = data.nodes.map(([key, label, cls, size, x, y, alts, links, mentioned], i) => {
    classes[cls].count += 1;
    return {i, iri: data.base + key, label, cls, size, x, y, alts, links, articles: mentioned,
            edges: [], quotes: [], planned: []};
  });
  const graphEdges = data.edges.map(([source, target, rel, evidence], i) => {
    const edge = {i, source, target, rel, facts: evidence.map((f) => facts[f])};
    graphNodes[source].edges.push(edge);
    graphNodes[target].edges.push(edge);
    relations[rel].count += 1;
    return edge;
  });
  const quotes = data.quotes.map(([speaker, text, fact, x, y], i) => {
    const quote = {i, id: "kg-quote-" + i, speaker, text, fact: facts[fact], x, y};
    graphNodes[speaker].quotes.push(quote);
    return quote;
  });
  // Visits and meetings announced, called off or denied: listed in both nodes' panels with
  // their status, never drawn as an edge (they are no facts).
  data.planned.forEach(([kind, a, b, status, fact]) => {
    graphNodes[a].planned.push({kind, status, fact: facts[fact], other: graphNodes[b]});
    graphNodes[b].planned.push({kind, status, fact: facts[fact], other: graphNodes[a]});
  });
  const SAID = data.said;  // the relation of a speaker to a quote drawn as a node, or -1
  if (data.quoteNodes) {
    classes[QUOTE_CLASS].count = quotes.length;
    relations[SAID].count = quotes.length;
  }
  const byIri = new Map(graphNodes.map((n) => [n.iri, n]));

  // ------------------------------------------------------------------ what is shown

  const state = {
    trail: [{kind: "overview", node: -1, expanded: new Set()}],  // the last one is in view
    selected: -1,
    hiddenClasses: new Set(),
    hiddenRelations: new Set(),
    from: 0,
    to: Math.max(data.dates.length - 1, 0),
    undated: true,
    article: -1,
    quoteNodes: false,
  };
  const view = () => state.trail[state.trail.length - 1];

  function factsFiltered() {
    return state.article >= 0 || !state.undated || state.from > 0 || state.to < data.dates.length - 1;
  }

  function factShown(fact) {
    if (state.article >= 0 && fact.articles.indexOf(state.article) < 0) { return false; }
    if (fact.date < 0) { return state.undated; }
    return fact.date >= state.from && fact.date <= state.to;
  }

  function edgeShown(edge) {
    if (state.hiddenRelations.has(edge.rel)) { return false; }
    // a triple with no fact node behind it has no date and no article: it counts as undated
    return edge.facts.length ? edge.facts.some(factShown) : state.undated && state.article < 0;
  }

  function nodeShown(node) {
    if (node.i === view().node) { return true; }  // what one asked for stays in view
    if (state.hiddenClasses.has(node.cls)) { return false; }
    if (!factsFiltered()) { return true; }
    return (state.article >= 0 && node.articles.indexOf(state.article) >= 0)
      || node.edges.some(edgeShown) || node.quotes.some((q) => factShown(q.fact));
  }

  function neighbours(node) {
    return node.edges.filter(edgeShown).map((e) => graphNodes[e.source === node.i ? e.target : e.source]);
  }

  function articleNodes(a) {
    const found = new Set();
    graphNodes.forEach((n) => {
      if (n.articles.indexOf(a) >= 0 || n.quotes.some((q) => factShown(q.fact))) { found.add(n); }
    });
    graphEdges.forEach((e) => {
      if (e.facts.some(factShown)) { found.add(graphNodes[e.source]); found.add(graphNodes[e.target]); }
    });
    return [...found];
  }

  /** The nodes in view, and where they stand: the overview keeps the positions computed
   * in Python; a focus puts the node's neighbours on a ring around it, an article's graph
   * its nodes on a circle, and an expanded node's new neighbours go on an arc beyond it. */
  function inView() {
    const current = view();
    const at = new Map();
    let shown;
    if (current.kind === "focus") {
      const centre = graphNodes[current.node];
      shown = new Set([centre, ...neighbours(centre).filter(nodeShown)]);
      at.set(centre, [centre.x, centre.y]);
      const ring = [...shown].filter((n) => n !== centre).sort((a, b) => a.i - b.i);
      const radius = Math.max(240, ring.length * 60 / (2 * Math.PI));
      ring.forEach((n, k) => {
        const angle = 2 * Math.PI * k / ring.length - Math.PI / 2;
        at.set(n, [centre.x + radius * Math.cos(angle), centre.y + radius * Math.sin(angle)]);
      });
    } else if (state.article >= 0) {
      shown = new Set(articleNodes(state.article).filter(nodeShown));
      circle([...shown], at);
    } else {
      shown = new Set(data.overview.map((i) => graphNodes[i]).filter(nodeShown));
    }
    [...current.expanded].sort((a, b) => a - b).forEach((i) => {
      const node = graphNodes[i];
      if (!shown.has(node)) { return; }
      const added = neighbours(node).filter((n) => nodeShown(n) && !shown.has(n));
      added.forEach((n) => shown.add(n));
      if (current.kind !== "focus" && state.article < 0) { return; }  // the overview has them placed
      const [x, y] = at.get(node);
      const [cx, cy] = current.kind === "focus" ? at.get(graphNodes[current.node]) : [0, 0];
      const away = Math.atan2(y - cy, x - cx), step = Math.min(0.45, 2 * Math.PI / Math.max(added.length, 1));
      const radius = 110 + 4 * added.length;
      added.forEach((n, k) => {
        const angle = away + (k - (added.length - 1) / 2) * step;
        at.set(n, [x + radius * Math.cos(angle), y + radius * Math.sin(angle)]);
      });
    });
    shown.forEach((n) => { if (!at.has(n)) { at.set(n, [n.x, n.y]); } });
    return at;
  }

  /** One article's nodes on a circle, each group its facts link side by side, so its
   * edges are short chords; the group with the most important node first. */
  function circle(list, at) {
    const left = new Set(list), order = [];
    list.sort((a, b) => a.i - b.i).forEach((start) => {
      const stack = [start];
      while (stack.length) {
        const node = stack.pop();
        if (!left.delete(node)) { continue; }
        order.push(node);
        neighbours(node).filter((n) => left.has(n)).sort((a, b) => b.i - a.i).forEach((n) => stack.push(n));
      }
    });
    const radius = Math.max(240, order.length * 60 / (2 * Math.PI));
    order.forEach((n, k) => {
      const angle = 2 * Math.PI * k / order.length - Math.PI / 2;
      at.set(n, [radius * Math.cos(angle), radius * Math.sin(angle)]);
    });
  }

  function articleCount(edge) {
    const seen = new Set();
    edge.facts.filter(factShown).forEach((f) => f.articles.forEach((a) => seen.add(a)));
    return Math.max(seen.size, 1);
  }

  function nodeItem(node, [x, y]) {
    const also = node.alts.length ? "\nalso: " + node.alts.join(", ") : "";
    const mentioned = node.articles.length ? "\nin " + plural(node.articles.length, "article") : "";
    return {id: node.iri, label: short(node.label, NAME), value: node.size, x, y,
            color: classes[node.cls].colour, title: classes[node.cls].label + "\n" + node.label + also + mentioned};
  }

  function edgeItem(edge) {
    const rel = relations[edge.rel], count = articleCount(edge);
    const source = graphNodes[edge.source], target = graphNodes[edge.target];
    const dates = datesOf(edge.facts.filter(factShown));
    return {id: "kg-edge-" + edge.i, from: source.iri, to: target.iri,
            label: count > 1 ? rel.label + " ×" + count : rel.label,
            width: 1 + 1.5 * Math.log2(count), arrows: rel.directed ? "to" : "",
            title: source.label + " " + rel.label + " " + target.label + "\n" + plural(count, "article")
              + (dates.length ? "\n" + dates.join(", ") : "")};
  }

  function quoteItems(speakers, at) {
    const items = [], links = [];
    if (!state.quoteNodes || state.hiddenClasses.has(QUOTE_CLASS)) { return [items, links]; }
    speakers.forEach((speaker) => speaker.quotes.filter((q) => factShown(q.fact)).forEach((q) => {
      const lines = ["“" + q.text + "”", "— " + speaker.label, ...sourceLines(q.fact)];
      const [x, y] = at.get(speaker);  // where the speaker stands in this view, the quote as far off as planned
      items.push({id: q.id, label: "“" + short(q.text, EXCERPT) + "”", shape: "box",
                  x: x + q.x - speaker.x, y: y + q.y - speaker.y,
                  color: classes[QUOTE_CLASS].colour, font: {size: 11}, widthConstraint: {maximum: 180},
                  title: lines.join("\n")});
      if (!state.hiddenRelations.has(SAID)) {
        links.push({id: "kg-said-" + q.i, from: speaker.iri, to: q.id, label: relations[SAID].label, arrows: "to"});
      }
    }));
    return [items, links];
  }

  /** Bring the DataSets to what should be in view; fit the camera to it if asked. */
  let labels = "far", labelSizes = "";  // which of LABELS applies, and the sizes set

  function render(fit) {
    labels = view().kind === "focus" || state.article >= 0 ? "close" : "far";
    sizeLabels();
    const at = inView();
    const shown = [...at.keys()].sort((a, b) => a.i - b.i);
    const edgeList = [];  // each edge once, from its source's side
    shown.forEach((node) => node.edges.forEach((e) => {
      if (e.source === node.i && at.has(graphNodes[e.target]) && edgeShown(e)) { edgeList.push(e); }
    }));
    const [quoteNodes, saidEdges] = quoteItems(shown, at);
    sync(nodes, shown.map((n) => nodeItem(n, at.get(n))).concat(quoteNodes));
    sync(edges, edgeList.sort((a, b) => a.i - b.i).map(edgeItem).concat(saidEdges));
    const selected = state.selected >= 0 && at.has(graphNodes[state.selected]);
    network.selectNodes(selected ? [graphNodes[state.selected].iri] : []);
    showTrail();
    document.getElementById("kg-count").textContent =
      plural(shown.length, "node") + ", " + plural(edgeList.length, "edge") + " of "
      + plural(graphNodes.length, "node") + " in the graph";
    if (state.selected >= 0) { showPanel(graphNodes[state.selected]); }
    if (fit) { fitView(); }
  }

  /** Fit the camera to what is in view (after the panel took its room). */
  function fitView() {
    network.fit({animation: false});
    sizeLabels();
  }

  /** Label sizes of the view, cut down to LABEL_PIXELS on screen at the current zoom
   * (in whole canvas pixels, so a zoom changes them only now and then). */
  function sizeLabels() {
    const cap = Math.max(1, Math.round(LABEL_PIXELS / network.getScale())), {min, max} = LABELS[labels];
    const sizes = {min: Math.min(min, cap), max: Math.min(max, cap)};
    const key = sizes.min + " " + sizes.max;
    if (key !== labelSizes) {
      labelSizes = key;
      network.setOptions({nodes: {scaling: {label: sizes}}});
      nodes.update(nodes.get());  // vis-network sizes labels anew only when its data changes
    }
  }

  function sync(dataset, items) {
    const wanted = new Set(items.map((item) => item.id));
    dataset.remove(dataset.getIds().filter((id) => !wanted.has(id)));
    dataset.update(items);
  }

  // ------------------------------------------------------------------ moving around

  function focus(node) {
    const current = view();
    if (current.kind !== "focus" || current.node !== node.i) {
      state.trail.push({kind: "focus", node: node.i, expanded: new Set()});
    }
    state.selected = node.i;
    render(true);
  }

  function goBack(to) {
    state.trail.length = Math.max(1, to + 1);
    const current = view();
    if (current.kind === "focus") { state.selected = current.node; }
    render(true);
  }

  function toggleExpanded(node) {
    const expanded = view().expanded;
    if (expanded.has(node.i)) { expanded.delete(node.i); } else { expanded.add(node.i); }
    state.selected = node.i;
    render(false);
  }

  function select(node) {
    state.selected = node ? node.i : -1;
    if (node) { showPanel(node); } else { hidePanel(); }
  }

  function showTrail() {
    const trail = document.getElementById("kg-trail");
    trail.replaceChildren();
    if (state.trail.length > 1) {
      const back = button("← Back", () => goBack(state.trail.length - 2));
      back.className = "kg-back";
      trail.append(back);
    }
    state.trail.forEach((step, k) => {
      if (k > 0) { trail.append(text("span", "›")); }
      const name = step.kind === "overview"
        ? (state.article >= 0 ? "Overview of one article" : "Overview")
        : short(graphNodes[step.node].label, 30);
      const item = button(name, () => goBack(k));
      if (k === state.trail.length - 1) { item.setAttribute("aria-current", "page"); }
      trail.append(item);
    });
  }

  // ------------------------------------------------------------------ the side panel

  const panel = document.getElementById("kg-panel");
  const panelBody = document.getElementById("kg-panel-body");

  function hidePanel() {
    panel.hidden = true;
    network.setSize("100%", "100%");  // the canvas takes the panel's room back
  }

  function showPanel(node) {
    if (panel.hidden) {
      panel.hidden = false;
      network.setSize("100%", "100%");
    }
    panelBody.replaceChildren();
    const cls = classes[node.cls];
    panelBody.append(text("h2", node.label));
    const kind = text("p", cls.label);
    kind.className = "kg-meta";
    kind.prepend(swatch(cls));
    panelBody.append(kind);
    if (node.alts.length) { panelBody.append(meta("Also written: " + node.alts.join(", "))); }
    panelBody.append(meta(node.iri));
    node.links.forEach((link) => panelBody.append(linkLine(link)));
    if (node.articles.length) { panelBody.append(meta("Mentioned in " + plural(node.articles.length, "article"))); }

    const actions = document.createElement("div");
    actions.className = "kg-actions";
    const current = view();
    if (current.kind !== "focus" || current.node !== node.i) {
      actions.append(button("Show its neighbourhood", () => focus(node)));
    }
    if (node.edges.length) {
      const expanded = current.expanded.has(node.i);
      actions.append(button(expanded ? "Collapse" : "Expand", () => toggleExpanded(node)));
    }
    panelBody.append(actions);

    const groups = new Map();  // heading -> [edge, other node]
    node.edges.forEach((edge) => {
      if (state.hiddenRelations.has(edge.rel)) { return; }
      const rel = relations[edge.rel], out = edge.source === node.i;
      const heading = out || !rel.directed ? rel.label : rel.inverse;
      if (!groups.has(heading)) { groups.set(heading, []); }
      groups.get(heading).push([edge, graphNodes[out ? edge.target : edge.source]]);
    });
    const contents = document.createElement("p");  // a line of links to the sections below
    contents.className = "kg-contents";
    panelBody.append(contents);
    function section(title) {
      const h3 = text("h3", title);
      const jump = button(title, () => h3.scrollIntoView());
      contents.append(jump);
      return h3;
    }
    groups.forEach((items, heading) => {
      const list = document.createElement("ul");
      let hidden = 0;
      items.sort((a, b) => articleCount(b[0]) - articleCount(a[0]) || a[1].i - b[1].i).forEach(([edge, other]) => {
        const shown = edge.facts.filter(factShown);
        if (edge.facts.length && !shown.length) { hidden += 1; return; }
        const item = document.createElement("li");
        const go = button(other.label, () => focus(other));
        go.className = "kg-node-link";
        item.append(go, count(plural(articleCount(edge), "article")));
        const dates = datesOf(shown);
        if (dates.length) { item.append(count(dates.join(", "))); }
        shown.forEach((fact) => item.append(...evidence(fact)));
        list.append(item);
      });
      if (list.children.length) {
        panelBody.append(section(capital(heading) + " (" + list.children.length + ")"), list);
      }
      if (hidden) { panelBody.append(hiddenNote(hidden, heading)); }
    });

    data.plannedKinds.forEach((kindLabel, kind) => {
      const all = node.planned.filter((p) => p.kind === kind);
      const shown = all.filter((p) => factShown(p.fact));
      if (shown.length) {
        const list = document.createElement("ul");
        shown.forEach((p) => {
          const item = document.createElement("li");
          item.className = "kg-planned";
          const go = button(p.other.label, () => focus(p.other));
          go.className = "kg-node-link";
          const status = text("span", p.status);
          status.className = "kg-status";
          status.dataset.status = p.status;
          item.append(go, status);
          const dates = datesOf([p.fact]);
          if (dates.length) { item.append(count(dates.join(", "))); }
          item.append(...evidence(p.fact));
          list.append(item);
        });
        const note = text("p", "Announced, called off or denied: not a fact, and not drawn as an edge.");
        note.className = "kg-hidden-note";
        panelBody.append(section(kindLabel + " (" + shown.length + ")"), note, list);
      }
      if (shown.length < all.length) { panelBody.append(hiddenNote(all.length - shown.length, kindLabel)); }
    });

    if (node.quotes.length) {
      const list = document.createElement("ul");
      const shown = node.quotes.filter((q) => factShown(q.fact));
      shown.forEach((q) => {
        const item = document.createElement("li");
        item.className = "kg-quote";
        item.append(text("blockquote", "“" + q.text + "”"), ...sources(q.fact));
        const sentence = document.createElement("details");
        sentence.append(text("summary", "sentence"), text("p", q.fact.sentence));
        item.append(sentence);
        list.append(item);
      });
      if (shown.length) { panelBody.append(section("Quotes (" + shown.length + ")"), list); }
      if (shown.length < node.quotes.length) {
        panelBody.append(hiddenNote(node.quotes.length - shown.length, "quotes"));
      }
    }
  }

  function evidence(fact) {
    return [text("blockquote", fact.sentence), ...sources(fact)];
  }

  /** A line per article a fact comes from: title, date, id, and its address as a link. */
  function sources(fact) {
    return fact.articles.map((a) => {
      const article = articles[a];
      const line = document.createElement("p");
      line.className = "kg-source";
      const open = button(article.title || article.id, () => chooseArticle(article));
      open.className = "kg-article-link";
      open.title = "Only what this article states";
      const date = fact.date >= 0 ? data.dates[fact.date] : article.date;
      line.append(open, document.createTextNode(
        [date, article.title ? article.id : ""].filter(Boolean).map((s) => " · " + s).join("")));
      if (article.url) { line.append(document.createTextNode(" · "), webLink(article.url)); }
      return line;
    });
  }

  function sourceLines(fact) {
    const date = fact.date >= 0 ? [data.dates[fact.date]] : [];
    return date.concat(fact.articles.map((a) => {
      const article = articles[a];
      return article.title ? "source: " + article.title + " (" + article.id + ")" : "source: " + article.id;
    }));
  }

  function linkLine(link) {
    const line = meta("");
    line.append(/^https?:\/\//i.test(link) ? webLink(link) : document.createTextNode(link));
    return line;
  }

  /** An http(s) address as a link that opens apart from the page; anything else as text. */
  function webLink(address) {
    let url;
    try { url = new URL(address); } catch (error) { return document.createTextNode(address); }
    if (url.protocol !== "https:" && url.protocol !== "http:") { return document.createTextNode(address); }
    const a = document.createElement("a");
    a.href = url.href;
    a.target = "_blank";
    a.rel = "noopener noreferrer";
    a.textContent = url.href;
    return a;
  }

  function hiddenNote(n, what) {
    const note = text("p", capital(what) + ": " + n + " more outside the filters");
    note.className = "kg-hidden-note";
    return note;
  }

  // ------------------------------------------------------------------ search

  const names = [];  // [lower-cased name, node, name]: labels and alt labels, most important node first
  graphNodes.forEach((n) => [n.label, ...n.alts].forEach((name) => names.push([name.toLowerCase(), n, name])));

  /** The best nodes for a query: exact names, then names it starts, then words it starts,
   * then names containing it; the more important node first within each. */
  function findNodes(query, limit) {
    const q = query.trim().toLowerCase();
    if (!q) { return []; }
    const best = new Map();
    names.forEach(([name, node, written]) => {
      const tier = name === q ? 0 : name.startsWith(q) ? 1
        : name.indexOf(" " + q) >= 0 || name.indexOf("-" + q) >= 0 ? 2 : name.indexOf(q) >= 0 ? 3 : -1;
      const had = best.get(node);
      if (tier >= 0 && (!had || tier < had.tier)) { best.set(node, {node, tier, written}); }
    });
    return [...best.values()].sort((a, b) => a.tier - b.tier || a.node.i - b.node.i).slice(0, limit);
  }

  function findArticles(query, limit) {
    const q = query.trim().toLowerCase();
    if (!q) { return []; }
    return articles.filter((a) => a.title.toLowerCase().indexOf(q) >= 0 || a.id.toLowerCase().indexOf(q) >= 0)
      .slice(0, limit);
  }

  /** A text input with a list of suggestions under it, picked by click, arrows and Enter. */
  function suggest(input, list, find, describe, pick, onMiss) {
    let found = [], active = 0;
    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
    }
    function show() {
      found = find(input.value, 8);
      active = 0;
      list.replaceChildren(...found.map((hit, k) => {
        const item = document.createElement("li");
        item.setAttribute("role", "option");
        item.setAttribute("aria-selected", String(k === active));
        item.append(...describe(hit));
        item.addEventListener("mousedown", (e) => { e.preventDefault(); choose(hit); });
        return item;
      }));
      list.hidden = !found.length;
      input.setAttribute("aria-expanded", String(found.length > 0));
    }
    function choose(hit) {
      close();
      pick(hit);
    }
    function move(step) {
      if (!found.length) { return; }
      active = (active + step + found.length) % found.length;
      [...list.children].forEach((item, k) => item.setAttribute("aria-selected", String(k === active)));
    }
    input.addEventListener("input", show);
    input.addEventListener("blur", close);
    input.addEventListener("keydown", (e) => {
      if (e.key === "ArrowDown") { e.preventDefault(); move(1); }
      if (e.key === "ArrowUp") { e.preventDefault(); move(-1); }
      if (e.key === "Escape") { close(); }
      if (e.key === "Enter") {
        e.preventDefault();
        if (list.hidden) { found = find(input.value, 8); active = 0; }
        if (found.length) { choose(found[active]); } else { onMiss(); }
      }
    });
  }

  const search = document.getElementById("kg-search");
  const status = document.getElementById("kg-search-status");
  suggest(search, document.getElementById("kg-suggestions"), findNodes,
    (hit) => {
      const parts = [document.createTextNode(hit.written)];
      if (hit.written !== hit.node.label) { parts.push(text("small", hit.node.label)); }
      parts.push(text("small", classes[hit.node.cls].label));
      return parts;
    },
    (hit) => { status.textContent = ""; focus(hit.node); },
    () => { status.textContent = "no match"; });
  search.addEventListener("input", () => { status.textContent = ""; });
  document.getElementById("kg-search-form").addEventListener("submit", (e) => e.preventDefault());

  // ------------------------------------------------------------------ filters

  function checkbox(parent, label, colour, box, onChange) {
    const wrap = document.createElement("label");
    const input = document.createElement("input");
    input.type = "checkbox";
    input.checked = true;
    input.addEventListener("change", () => onChange(input.checked));
    wrap.append(input);
    if (colour) { wrap.append(swatch({colour, box})); }
    wrap.append(document.createTextNode(label));
    parent.append(wrap);
    return input;
  }

  const quoteFilters = [];  // the Quote class and the "said" relation: they filter quotes drawn as nodes
  classes.forEach((cls) => {
    if (!cls.count) { return; }
    const input = checkbox(document.getElementById("kg-legend"), cls.label + " (" + cls.count + ")", cls.colour,
      cls.i === QUOTE_CLASS, (on) => {
        if (on) { state.hiddenClasses.delete(cls.i); } else { state.hiddenClasses.add(cls.i); }
        render(false);
      });
    if (cls.i === QUOTE_CLASS) { quoteFilters.push(input); }
  });
  relations.forEach((rel) => {
    if (!rel.count) { return; }
    const input = checkbox(document.getElementById("kg-relations"), rel.label + " (" + rel.count + ")", "", false,
      (on) => {
        if (on) { state.hiddenRelations.delete(rel.i); } else { state.hiddenRelations.add(rel.i); }
        render(false);
      });
    if (rel.i === SAID) { quoteFilters.push(input); }
  });
  function enableQuoteFilters() {
    quoteFilters.forEach((input) => {
      input.disabled = !state.quoteNodes;  // greyed until quotes are drawn: until then they filter nothing
      input.parentElement.title = state.quoteNodes ? "" : "Quotes are in their speaker's panel; tick "
        + "\u201cquotes as nodes\u201d to draw them";
    });
  }
  enableQuoteFilters();

  const from = document.getElementById("kg-date-from"), to = document.getElementById("kg-date-to");
  const range = document.getElementById("kg-date-range"), undated = document.getElementById("kg-undated");
  function showRange() {
    range.textContent = data.dates.length
      ? data.dates[state.from] + " – " + data.dates[state.to] : "no dated facts";
  }
  [from, to].forEach((slider) => {
    slider.max = String(Math.max(data.dates.length - 1, 0));
    slider.disabled = data.dates.length < 2;
  });
  to.value = String(state.to);
  if (!data.dates.length) { document.getElementById("kg-dates").classList.add("kg-disabled"); }
  function onRange(moved) {
    let a = Number(from.value), b = Number(to.value);
    if (a > b) { if (moved === from) { b = a; to.value = String(b); } else { a = b; from.value = String(a); } }
    state.from = a;
    state.to = b;
    showRange();
    render(false);
  }
  from.addEventListener("input", () => onRange(from));
  to.addEventListener("input", () => onRange(to));
  undated.addEventListener("change", () => { state.undated = undated.checked; render(false); });
  showRange();

  const articleInput = document.getElementById("kg-article");
  const articleClear = document.getElementById("kg-article-clear");
  function chooseArticle(article) {
    state.article = article ? article.i : -1;
    articleInput.value = article ? article.title || article.id : "";
    articleClear.hidden = !article;
    state.trail.length = 1;  // an article's graph opens as its own overview
    state.trail[0].expanded.clear();
    render(true);
  }
  suggest(articleInput, document.getElementById("kg-article-suggestions"), findArticles,
    (a) => [document.createTextNode(a.title || a.id), text("small", [a.date, a.id].filter(Boolean).join(" · "))],
    chooseArticle, () => {});
  articleClear.addEventListener("click", () => chooseArticle(null));

  if (data.quoteNodes) {
    const toggle = document.getElementById("kg-quotes");
    document.getElementById("kg-quote-toggle").hidden = false;
    toggle.addEventListener("change", () => { state.quoteNodes = toggle.checked; enableQuoteFilters(); render(false); });
  }

  // ------------------------------------------------------------------ the network

  network.on("click", (params) => {
    const id = params.nodes[0];
    if (id === undefined) { return; }
    const quote = quotes.find((q) => q.id === id);
    select(quote ? graphNodes[quote.speaker] : byIri.get(id));
  });
  network.on("zoom", sizeLabels);
  network.on("doubleClick", (params) => {
    const node = byIri.get(params.nodes[0]);
    if (node && node.edges.length) { toggleExpanded(node); }
  });
  document.getElementById("kg-panel-close").addEventListener("click", () => {
    state.selected = -1;
    network.unselectAll();
    hidePanel();
  });

  window.kgTimings = {};
  network.once("afterDrawing", () => {
    window.kgTimings.firstDraw = performance.now();
    window.kgReady = true;
  });
  render(true);

  // ------------------------------------------------------------------ small helpers

  function text(tag, content) {
    const element = document.createElement(tag);
    element.textContent = content;
    return element;
  }

  function meta(content) {
    const line = text("p", content);
    line.className = "kg-meta";
    return line;
  }

  function count(content) {
    const span = text("span", content);
    span.className = "kg-count";
    return span;
  }

  function button(label, onClick) {
    const b = text("button", label);
    b.type = "button";
    b.addEventListener("click", onClick);
    return b;
  }

  function swatch(cls) {
    const span = document.createElement("span");
    span.className = cls.box || cls.i === QUOTE_CLASS ? "kg-swatch kg-box" : "kg-swatch";
    span.style.background = cls.colour;
    return span;
  }

  function datesOf(list) {
    return [...new Set(list.filter((f) => f.date >= 0).map((f) => f.date))].sort((a, b) => a - b)
      .map((d) => data.dates[d]);
  }

  function plural(n, word) {
    return n + " " + (n === 1 ? word : word + "s");
  }

  function capital(s) {
    return s.charAt(0).toUpperCase() + s.slice(1);
  }

  /** ``s`` cut at a word boundary to about ``limit`` characters. */
  function short(s, limit) {
    if (s.length <= limit) { return s; }
    const cut = s.slice(0, limit);
    const space = cut.lastIndexOf(" ");
    return (space > 0 ? cut.slice(0, space) : cut).replace(/[,;:. ]+$/, "") + "…";
  }
})();
