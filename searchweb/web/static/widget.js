/* postsearch widget: instant results under a site's own search box. One tag, no dependencies:
     <script src="https://search.example/widget.js" data-postsearch-input="#s" defer></script>
   It reads the JSON API of the server it was loaded from (a page on another origin must be
   listed in that server's cors_origins), shows a keyboard-accessible listbox of results and
   sends Enter to the full results page. Styles are set through the CSSOM, so a strict CSP
   on the host page (no inline styles) does not break it. Optional attributes:
   data-postsearch-results="5" (how many, up to 10), data-postsearch-theme="light|dark",
   data-postsearch-related (on a post: a "Related posts" list where the tag is, or in the
   element the value names). On any page it is on, it marks the words of `?highlight=` and
   scrolls to the first, and gives a heading the id a result's deep link (#anchor) names. */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || !window.fetch || !window.DOMParser) return;
  var base = script.src.replace(/\/widget\.js([?#].*)?$/, "");
  var selector = script.getAttribute("data-postsearch-input");
  var limit = Math.min(10, parseInt(script.getAttribute("data-postsearch-results"), 10) || 5);
  var uid = 0;

  function css(node, rules) {
    Object.keys(rules).forEach(function (k) { node.style[k] = rules[k]; });
    return node;
  }

  function add(parent, tag, text) {
    var node = parent.appendChild(document.createElement(tag));
    if (text) node.textContent = text;
    return node;
  }

  /* The API's *_html holds escaped text and <mark> only; keep exactly that, from an inert parse. */
  function marked(parent, html) {
    var body = new DOMParser().parseFromString("<body>" + (html || ""), "text/html").body;
    (function copy(from, to) {
      Array.prototype.forEach.call(from.childNodes, function (n) {
        if (n.nodeName === "MARK") copy(n, add(to, "mark"));
        else to.appendChild(document.createTextNode(n.textContent));
      });
    })(body, parent);
  }

  /* Match the host page, not the OS: light text in the host's search box means a dark theme
     (data-postsearch-theme="light|dark" decides instead when given). */
  function isDark(input) {
    var theme = script.getAttribute("data-postsearch-theme");
    if (theme) return theme === "dark";
    var rgb = (getComputedStyle(input).color.match(/[\d.]+/g) || [0, 0, 0]).map(Number);
    return 0.299 * rgb[0] + 0.587 * rgb[1] + 0.114 * rgb[2] > 140;
  }

  function attach(input) {
    var dark = isDark(input);
    var fg = dark ? "#ececf0" : "#1b1b1f", bg = dark ? "#15161a" : "#fff";
    var muted = dark ? "#b4b7bf" : "#50535a", hi = dark ? "#2a2d35" : "#eef1f6";
    var id = "postsearch-" + ++uid;
    var list = css(add(document.body, "ul"), {
      position: "absolute", zIndex: "2147483000", margin: "0", padding: "4px 0", listStyle: "none",
      background: bg, color: fg, border: "1px solid " + muted, borderRadius: "6px",
      boxShadow: "0 6px 18px rgba(0,0,0,.2)", font: "14px/1.4 system-ui, sans-serif",
      maxHeight: "70vh", overflowY: "auto", textAlign: "left"
    });
    list.id = id + "-list";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", "Search results");
    list.hidden = true;
    var status = css(add(document.body, "div"), {
      position: "absolute", width: "1px", height: "1px", overflow: "hidden", clip: "rect(0 0 0 0)"
    });
    status.setAttribute("role", "status");
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", list.id);
    input.setAttribute("autocomplete", "off");
    var items = [], active = -1, timer = 0, token = 0;

    function fullResults() {
      return base + "/search?q=" + encodeURIComponent(input.value.trim());
    }

    function withHighlight(url) { // the result's page marks the words typed
      var hash = url.indexOf("#"), tail = hash < 0 ? "" : url.slice(hash);
      url = hash < 0 ? url : url.slice(0, hash);
      var words = input.value.replace(/[-"*]|\b\w+:/g, " ").trim();
      return url + (url.indexOf("?") < 0 ? "?" : "&") + "highlight=" + encodeURIComponent(words) + tail;
    }

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function place() {
      var box = input.getBoundingClientRect();
      var room = Math.max(200, document.documentElement.clientWidth - box.left - 8);
      css(list, {
        left: box.left + window.scrollX + "px", top: box.bottom + window.scrollY + 2 + "px",
        minWidth: Math.min(Math.max(box.width, 260), room) + "px", maxWidth: Math.min(576, room) + "px"
      });
    }

    function option(url, build) {
      url = /^https?:\/\//i.test(url) ? withHighlight(url) : fullResults(); // web addresses only
      var li = css(add(list, "li"), { padding: "6px 10px", cursor: "pointer" });
      li.id = id + "-" + items.length;
      li.setAttribute("role", "option");
      li.setAttribute("aria-selected", "false");
      build(li);
      li.addEventListener("mousedown", function (e) { e.preventDefault(); location.assign(url); });
      items.push({ node: li, url: url });
    }

    function show(data) {
      list.textContent = "";
      items = [];
      active = -1;
      (data.results || []).forEach(function (hit) {
        option(hit.url, function (li) {
          marked(css(add(li, "div"), { fontWeight: "600", color: fg }), hit.title_html);
          if (hit.type === "page") css(add(li, "div", "Page"), { color: muted, fontSize: "12px", fontWeight: "600" });
          if (hit.date) css(add(li, "div", hit.date), { color: muted, fontSize: "12px" });
          marked(css(add(li, "div"), {
            color: fg, fontSize: "13px", overflow: "hidden", display: "-webkit-box",
            webkitLineClamp: "2", webkitBoxOrient: "vertical"
          }), hit.snippet_html);
        });
      });
      var text = data.total ? "See all " + data.total + " results" : "No posts match; open the search page";
      option(fullResults(), function (li) { css(add(li, "div", text + " →"), { color: muted }); });
      status.textContent = data.total ? data.total + " results" : "No results";
      place();
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }

    function move(step) {
      if (list.hidden) return;
      if (active >= 0) items[active].node.setAttribute("aria-selected", "false");
      active = (active + step + items.length + (active < 0 && step < 0 ? 1 : 0)) % items.length;
      var node = items[active].node;
      node.setAttribute("aria-selected", "true");
      css(node, { background: hi, outline: "2px solid " + fg, outlineOffset: "-2px" });
      items.forEach(function (it) { if (it.node !== node) css(it.node, { background: "", outline: "" }); });
      node.scrollIntoView({ block: "nearest" });
      input.setAttribute("aria-activedescendant", node.id);
    }

    function search() {
      var q = input.value.trim(), mine = ++token;
      if (!q) { close(); status.textContent = ""; return; }
      // partial=1: the last word may be unfinished while typing ("gard" finds "garden").
      fetch(base + "/api/search?log=0&partial=1&per_page=" + limit + "&q=" + encodeURIComponent(q), { credentials: "omit" })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (data) { if (mine === token && data) show(data); })
        .catch(function () { if (mine === token) close(); }); // e.g. refused by CORS: stay quiet
    }

    input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(search, 200); });
    input.addEventListener("keydown", function (e) {
      if (e.key === "ArrowDown" || e.key === "ArrowUp") {
        e.preventDefault();
        if (list.hidden) search(); else move(e.key === "ArrowDown" ? 1 : -1);
      } else if (e.key === "Escape" && !list.hidden) {
        e.preventDefault(); // keep the text: a type=search box would clear itself
        close();
      } else if (e.key === "Enter" && input.value.trim()) {
        e.preventDefault();
        location.assign(active >= 0 && !list.hidden ? items[active].url : fullResults());
      }
    });
    input.addEventListener("blur", close);
    window.addEventListener("resize", function () { if (!list.hidden) place(); });
  }

  /* The slug of a heading's text, as the indexer makes a deep link's anchor. */
  function slug(text) {
    return text.normalize("NFKD").replace(/[^\x00-\x7f]/g, "").toLowerCase()
      .replace(/[^\w\s-]/g, "").replace(/[\s_-]+/g, "-").replace(/^-+|-+$/g, "");
  }

  function anchor() {
    var id = decodeURIComponent(location.hash.slice(1));
    if (!id || document.getElementById(id)) return;
    var heads = document.querySelectorAll("h2, h3, h4");
    for (var i = 0; i < heads.length; i++) {
      if (!heads[i].id && slug(heads[i].textContent) === id) {
        heads[i].id = id;
        heads[i].scrollIntoView();
        return;
      }
    }
  }

  /* Mark the words of ?highlight= in the page's content (text nodes only), first in view. */
  function highlight() {
    var words = (new URLSearchParams(location.search).get("highlight") || "").toLowerCase()
      .split(/\s+/).filter(function (w) { return w.length > 1; });
    var root = document.querySelector("[data-pagefind-body], article, main") || document.body;
    if (!words.length || !root) return;
    var walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT), nodes = [], node, first;
    while ((node = walker.nextNode())) {
      if (!/^(SCRIPT|STYLE|TEXTAREA|MARK|NOSCRIPT)$/.test(node.parentNode.nodeName)) nodes.push(node);
    }
    nodes.forEach(function (text) {
      var value = text.nodeValue, lower = value.toLowerCase(), at = 0, out = null;
      for (;;) {
        var best = -1, word = "";
        words.forEach(function (w) {
          var i = lower.indexOf(w, at);
          while (i > 0 && /\w/.test(lower[i - 1])) i = lower.indexOf(w, i + 1);
          if (i >= 0 && (best < 0 || i < best)) { best = i; word = w; }
        });
        if (best < 0) break;
        var end = best + word.length;
        while (end < value.length && /\w/.test(value[end])) end++; // "garden" marks "gardens"
        out = out || document.createDocumentFragment();
        out.appendChild(document.createTextNode(value.slice(at, best)));
        var mark = add(out, "mark", value.slice(best, end));
        first = first || mark;
        at = end;
      }
      if (out) {
        out.appendChild(document.createTextNode(value.slice(at)));
        text.parentNode.replaceChild(out, text);
      }
    });
    if (first && !location.hash) first.scrollIntoView({ block: "center" });
  }

  function related(target) {
    var canonical = document.querySelector("link[rel=canonical]");
    var url = (canonical && canonical.href) || location.href.split(/[?#]/)[0];
    var limit = Math.min(10, parseInt(script.getAttribute("data-postsearch-results"), 10) || 5);
    fetch(base + "/api/related?limit=" + limit + "&url=" + encodeURIComponent(url), { credentials: "omit" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (!data || !data.related.length) return;
        var box = document.createElement("section"), id = "postsearch-related-" + ++uid;
        box.className = "postsearch-related";
        box.setAttribute("aria-labelledby", id);
        add(box, "h2", "Related posts").id = id;
        var list = add(box, "ul");
        data.related.forEach(function (post) {
          if (!/^https?:\/\//i.test(post.url)) return;
          var item = add(list, "li"), link = add(item, "a", post.title);
          link.href = post.url;
          if (post.date) add(item, "time", " " + post.date).setAttribute("datetime", post.date);
          if (post.summary) add(item, "p", post.summary);
        });
        if (target) target.appendChild(box); else script.parentNode.insertBefore(box, script);
      })
      .catch(function () {}); // the post is not in the index, or the server is away
  }

  function start() {
    var input = selector && document.querySelector(selector);
    if (input) attach(input);
    if (script.hasAttribute("data-postsearch-related")) {
      var where = script.getAttribute("data-postsearch-related");
      related(where ? document.querySelector(where) : null);
    }
    anchor();
    highlight();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
