/* postsearch widget: instant results under a site's own search box. One tag, no dependencies:
     <script src="https://search.example/widget.js" data-postsearch-input="#s" defer></script>
   It reads the JSON API of the server it was loaded from (a page on another origin must be
   listed in that server's cors_origins), shows a keyboard-accessible listbox of results and
   sends Enter to the full results page. Styles are set through the CSSOM, so a strict CSP
   on the host page (no inline styles) does not break it. Optional attributes:
   data-postsearch-results="5" (how many, up to 10), data-postsearch-theme="light|dark". */
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
      url = /^https?:\/\//i.test(url) ? url : fullResults(); // web addresses only
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

  function start() {
    var input = selector && document.querySelector(selector);
    if (input) attach(input);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
