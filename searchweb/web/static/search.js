/* postsearch results page, enhanced: search as you type and an autocomplete combobox.

   The page is complete without this script (a plain GET form and server-rendered links).
   With it, typing searches through /api/search (debounced), the results are redrawn with
   DOM APIs from the same JSON the server rendered, and the address bar follows along
   (History API) so reload, back and sharing keep working. title_html, snippet_html and a
   suggestion's html are parsed inertly and only their text and <mark> elements are kept. */
(function () {
  "use strict";

  var form = document.getElementById("search-form");
  // Links go only to web addresses: the indexer refuses others, and this is a second guard.
  function webUrl(url) {
    return typeof url === "string" && /^(https?:\/\/|\/)/i.test(url) ? url : "#";
  }

  if (!form || !window.fetch || !window.URLSearchParams || !window.DOMParser) return;
  // On a wide screen the facets stand beside the results, always open.
  var facetsBox = document.getElementById("facets");
  if (facetsBox && window.matchMedia && window.matchMedia("(min-width: 56rem)").matches) {
    facetsBox.open = true;
  }
  var input = document.getElementById("q");
  var area = document.getElementById("results");
  var aside = document.getElementById("facets"); // a <details>: "Filters (n)" on a phone
  var api = form.getAttribute("data-api") || "/api";
  var searchPath = form.getAttribute("action") || "/search";
  var maxPage = parseInt(form.getAttribute("data-max-page"), 10) || 100;

  var FACETS = [["type", "Type"], ["year", "Year"], ["category", "Category"], ["author", "Author"], ["tag", "Tag"]];
  var LABELS = { type: "Type", year: "Year", category: "Category", author: "Author", tag: "Tag", from: "From", to: "To" };
  var VALUE_LABELS = { type: { post: "Posts", page: "Pages" } };
  var KEPT = ["sort", "type", "year", "category", "author", "tag", "from", "to", "per_page"];
  var SORTS = [["relevance", "Relevance"], ["newest", "Newest"], ["oldest", "Oldest"]];
  var SEARCH_DELAY = 250;
  var SUGGEST_DELAY = 120;

  /* ---- small helpers ---------------------------------------------------------------- */

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      if (attrs[name] !== null && attrs[name] !== undefined && attrs[name] !== false) {
        node.setAttribute(name, attrs[name] === true ? "" : String(attrs[name]));
      }
    });
    (children || []).forEach(function (child) {
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }

  function hidden(text) {
    return el("span", { class: "visually-hidden" }, [text]);
  }

  /* Text and <mark> only: the HTML is parsed in an inert document, nothing else survives. */
  function markOnly(html) {
    var doc = new DOMParser().parseFromString("<body>" + (html || ""), "text/html");
    var out = document.createDocumentFragment();
    (function copy(from, to) {
      Array.prototype.forEach.call(from.childNodes, function (child) {
        if (child.nodeType === 1 && child.tagName === "MARK") {
          var mark = document.createElement("mark");
          copy(child, mark);
          to.appendChild(mark);
        } else if (child.nodeType === 1 || child.nodeType === 3) {
          to.appendChild(document.createTextNode(child.textContent));
        }
      });
    })(doc.body, out);
    return out;
  }

  /* The visitor's parameters as [name, value] pairs, normalised like the server's. */
  function currentPairs(search) {
    var params = new URLSearchParams(search);
    var pairs = [];
    var text = (params.get("q") || params.get("s") || "").trim();
    if (text) pairs.push(["q", text]);
    KEPT.forEach(function (name) {
      params.getAll(name).forEach(function (value) {
        value = value.trim();
        if (value && !(name === "sort" && value === "relevance") && !has(pairs, name, value)) {
          pairs.push([name, value]);
        }
      });
    });
    return pairs;
  }

  function has(pairs, name, value) {
    return pairs.some(function (p) { return p[0] === name && p[1] === value; });
  }

  function drop(pairs, name, value) {
    return pairs.filter(function (p) {
      return p[0] !== "page" && !(p[0] === name && (value === undefined || p[1] === value));
    });
  }

  function withPair(pairs, name, value) {
    return drop(pairs, name).concat([[name, value]]);
  }

  function href(pairs) {
    var query = new URLSearchParams(pairs).toString();
    return searchPath + (query ? "?" + query : "");
  }

  function isFilter(name) {
    return Object.prototype.hasOwnProperty.call(LABELS, name);
  }

  /* ---- search as you type ----------------------------------------------------------- */

  var searchTimer = 0;
  var inFlight = null;
  var shownUrl = location.pathname + location.search;

  function searchable(pairs) {
    return pairs.some(function (p) { return p[0] !== "sort" && p[0] !== "per_page"; });
  }

  function run(pairs, page, historyMode) {
    var all = page > 1 ? pairs.concat([["page", String(page)]]) : pairs;
    var url = href(all);
    if (inFlight) inFlight.abort();
    if (!searchable(pairs)) {
      render(null, pairs);
      remember(url, historyMode);
      return Promise.resolve(true);
    }
    var controller = new AbortController();
    inFlight = controller;
    // Searches made while typing are not logged: only the query the visitor settles on
    // (submitted, or reached through a link) counts in the maintainer's report.
    // While typing, the last word may be unfinished ("partial": "gard" finds "garden").
    var typing = historyMode === "replace" ? [["log", "0"], ["partial", "1"]] : [];
    var query = new URLSearchParams(all.concat(typing)).toString();
    return fetch(api + "/search?" + query, { signal: controller.signal, headers: { Accept: "application/json" } })
      .then(function (response) {
        return response.ok ? response.json() : null;
      })
      .then(function (data) {
        if (controller !== inFlight) return true; // a newer search replaced this one
        inFlight = null;
        if (!data) return false; // refused (e.g. a bad parameter): the server page explains
        render(data, pairs);
        remember(url, historyMode);
        return true;
      })
      .catch(function () { return controller.signal.aborted; });
  }

  function remember(url, mode) {
    if (!mode || url === shownUrl) return;
    shownUrl = url;
    history[mode === "push" ? "pushState" : "replaceState"]({ postsearch: true }, "", url);
    document.title = document.title.replace(/^.*?(Search – )/, titlePrefix() + "$1");
  }

  function titlePrefix() {
    var text = input.value.trim();
    return text ? text + " – " : "";
  }

  function pairsFromForm() {
    return currentPairs(location.search).filter(function (p) { return p[0] !== "q"; })
      .concat(input.value.trim() ? [["q", input.value.trim()]] : [])
      .sort(function (a, b) { return (a[0] === "q" ? 0 : 1) - (b[0] === "q" ? 0 : 1); });
  }

  input.addEventListener("input", function () {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(function () { run(pairsFromForm(), 1, "replace"); }, SEARCH_DELAY);
  });

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    clearTimeout(searchTimer);
    closeSuggestions();
    run(pairsFromForm(), 1, "push").then(function (shown) {
      if (!shown) form.submit(); // the API failed: let the server render the page instead
    });
  });

  window.addEventListener("popstate", function () {
    var pairs = currentPairs(location.search);
    var text = pairs.filter(function (p) { return p[0] === "q"; })[0];
    input.value = text ? text[1] : "";
    shownUrl = location.pathname + location.search;
    run(pairs, parseInt(new URLSearchParams(location.search).get("page") || "1", 10) || 1, null);
  });

  /* ---- rendering (mirrors templates/search.html) ------------------------------------ */

  function render(data, pairs) {
    var query = (pairs.filter(function (p) { return p[0] === "q"; })[0] || [null, ""])[1];
    var count = document.getElementById("result-count");
    Array.prototype.slice.call(area.children).forEach(function (child) {
      if (child.id !== "results-heading") area.removeChild(child);
    });
    count.textContent = "";
    if (data) fillCount(count, data, query);
    area.appendChild(messages(data, pairs));
    if (pairs.some(function (p) { return isFilter(p[0]); })) area.appendChild(filterChips(pairs, query));
    if (data && data.total) area.appendChild(sortLinks(pairs, query));
    area.appendChild(resultList(data));
    if (data && !data.total) area.appendChild(zeroResults(data, pairs, query));
    var pages = data ? Math.min(data.pages, maxPage) : 0;
    if (pages > 1) area.appendChild(pagination(pairs, data.page, pages));
    renderFacets(data ? data.facets || {} : {}, pairs);
  }

  function fillCount(count, data, query) {
    if (data.total) {
      count.appendChild(document.createTextNode(
        data.total.toLocaleString("en") + " result" + (data.total === 1 ? "" : "s")));
      if (query) {
        count.appendChild(document.createTextNode(" for "));
        count.appendChild(el("strong", {}, [query]));
      }
      if (data.page > 1) count.appendChild(document.createTextNode(" · page " + data.page + " of " + data.pages));
      count.appendChild(document.createTextNode(" "));
      count.appendChild(el("span", { class: "took" }, ["(" + Math.round(data.took_ms) + " ms)"]));
    } else {
      count.appendChild(document.createTextNode("No results"));
      if (query) {
        count.appendChild(document.createTextNode(" for "));
        count.appendChild(el("strong", {}, [query]));
      } else {
        count.appendChild(document.createTextNode(" with these filters"));
      }
      count.appendChild(document.createTextNode("."));
    }
  }

  function suggestionLink(data, pairs, id) {
    var link = el("a", { id: id, href: href([["q", data.suggestion.text]].concat(drop(pairs, "q"))) });
    link.appendChild(markOnly(data.suggestion.html || data.suggestion.text));
    return link;
  }

  function messages(data, pairs) {
    var box = el("div", { id: "messages" });
    if (!data) return box;
    (data.notices || []).forEach(function (notice) { box.appendChild(el("p", { class: "notice" }, [notice])); });
    if (data.fuzzy && !(data.notices || []).length) {
      box.appendChild(el("p", { class: "notice" }, ["No exact matches; showing posts with close spellings."]));
    }
    if (data.suggestion && data.suggestion.text) {
      box.appendChild(el("p", { class: "did-you-mean" },
        ["Did you mean ", suggestionLink(data, pairs, "suggestion"), "?"]));
    }
    return box;
  }

  function filterChips(pairs, query) {
    var list = el("ul", { class: "chips" });
    pairs.forEach(function (p) {
      if (!isFilter(p[0])) return;
      list.appendChild(el("li", {}, [el("a", { class: "chip chip-remove", href: href(drop(pairs, p[0], p[1])) },
        [hidden("Remove filter "), LABELS[p[0]] + ": " + shown(p[0], p[1]), el("span", { "aria-hidden": "true" }, [" ×"])])]));
    });
    var box = el("div", { class: "active-filters" }, [el("h2", { class: "visually-hidden" }, ["Active filters"]), list]);
    if (query) {
      var rest = pairs.filter(function (p) { return !isFilter(p[0]); });
      box.appendChild(el("a", { class: "clear-filters", href: href(rest) }, ["Clear all filters"]));
    }
    return box;
  }

  /* Without a query (browsing by filter) there is no relevance: newest is the default. */
  function sortLinks(pairs, query) {
    var fallback = query ? "relevance" : "newest";
    var chosen = pairs.filter(function (p) { return p[0] === "sort"; });
    var current = chosen.length ? chosen[0][1] : fallback;
    var base = drop(pairs, "sort");
    var nav = el("nav", { class: "sort", "aria-label": "Sort results" },
      [el("span", { class: "sort-label", "aria-hidden": "true" }, ["Sort:"])]);
    SORTS.forEach(function (sort) {
      if (!query && sort[0] === "relevance") return;
      var target = sort[0] === fallback ? base : withPair(base, "sort", sort[0]);
      nav.appendChild(document.createTextNode(" "));
      nav.appendChild(el("a", { href: href(target), "aria-current": sort[0] === current ? "true" : null },
        [hidden("Sort by "), sort[1]]));
    });
    return nav;
  }

  function subResults(hit) {
    var list = el("ul", { class: "sub-results", "aria-label": "Sections of this post" });
    hit.sub_results.forEach(function (sub) {
      var snippet = el("p", { class: "snippet" });
      snippet.appendChild(markOnly(sub.snippet_html));
      list.appendChild(el("li", {}, [el("a", { href: webUrl(sub.url) }, [sub.title]), snippet]));
    });
    return list;
  }

  function resultList(data) {
    var start = data ? (data.page - 1) * data.per_page + 1 : 1;
    var list = el("ol", { class: "results", start: start });
    ((data && data.results) || []).forEach(function (hit) {
      var title = el("a", { href: webUrl(hit.url) });
      title.appendChild(markOnly(hit.title_html));
      var meta = el("p", { class: "result-meta" });
      if (hit.type === "page") meta.appendChild(el("span", { class: "badge" }, ["Page"]));
      if (hit.date) meta.appendChild(el("time", { datetime: hit.date }, [hit.date]));
      if (hit.author) meta.appendChild(el("span", { class: "author" }, [hit.author]));
      var item = el("li", { class: "result" }, [el("h2", { class: "result-title" }, [title]), meta]);
      if (hit.categories && hit.categories.length) {
        item.appendChild(el("ul", { class: "chips categories", "aria-label": "Categories" },
          hit.categories.map(function (c) { return el("li", { class: "chip" }, [c]); })));
      }
      var snippet = el("p", { class: "snippet" });
      snippet.appendChild(markOnly(hit.snippet_html));
      item.appendChild(snippet);
      if (hit.sub_results && hit.sub_results.length) item.appendChild(subResults(hit));
      item.appendChild(el("p", { class: "result-url" }, [hit.url]));
      list.appendChild(item);
    });
    return list;
  }

  function zeroResults(data, pairs, query) {
    var tips = el("ul");
    if (data.suggestion && data.suggestion.text) {
      tips.appendChild(el("li", {}, ["The suggested spelling: ", suggestionLink(data, pairs, null), "."]));
    }
    if (query && pairs.some(function (p) { return isFilter(p[0]); })) {
      tips.appendChild(el("li", {}, [el("a", { href: href(pairs.filter(function (p) { return !isFilter(p[0]); })) },
        ["Search all posts without filters"]), "."]));
    }
    tips.appendChild(el("li", {}, ["Check the spelling, or use fewer or more general words."]));
    tips.appendChild(el("li", {}, ["Search for one distinctive word rather than a whole sentence."]));
    return el("div", { class: "zero-results" }, [el("h2", {}, ["Try this"]), tips]);
  }

  function pagination(pairs, page, pages) {
    var nav = el("nav", { class: "pagination", "aria-label": "Result pages" });
    if (page > 1) nav.appendChild(el("a", { rel: "prev", href: href(withPair(pairs, "page", String(page - 1))) }, ["← Previous", hidden(" page")]));
    var list = el("ul");
    var shown = [];
    for (var n = 1; n <= pages; n++) {
      if (n === 1 || n === pages || Math.abs(n - page) <= 2) shown.push(n);
    }
    shown.forEach(function (number) {
      list.appendChild(el("li", {}, [el("a", {
        href: href(withPair(pairs, "page", String(number))),
        "aria-current": number === page ? "page" : null
      }, [hidden("Page "), String(number)])]));
    });
    nav.appendChild(list);
    if (page < pages) nav.appendChild(el("a", { rel: "next", href: href(withPair(pairs, "page", String(page + 1))) }, ["Next", hidden(" page"), " →"]));
    return nav;
  }

  function shown(name, value) {
    return (VALUE_LABELS[name] || {})[value] || value;
  }

  function renderFacets(facets, pairs) {
    if (!aside) return;
    var heading = document.getElementById("facets-heading");
    while (aside.lastChild && aside.lastChild !== heading) aside.removeChild(aside.lastChild);
    var active = pairs.filter(function (p) { return isFilter(p[0]); }).length;
    aside.querySelector("summary").textContent = "Filters" + (active ? " (" + active + ")" : "");
    var any = false;
    FACETS.forEach(function (facet) {
      var values = facets[facet[0]] || [];
      if (!values.length) return;
      any = true;
      var list = el("ul");
      values.forEach(function (item) {
        var value = String(item.value);
        var chosen = has(pairs, facet[0], value);
        var target = chosen ? drop(pairs, facet[0], value) : drop(pairs, "page").concat([[facet[0], value]]);
        list.appendChild(el("li", {}, [el("a", { href: href(target), "aria-current": chosen ? "true" : null }, [
          chosen ? hidden("Remove filter ") : "",
          el("span", { class: "facet-value" }, [shown(facet[0], value)]), " ",
          el("span", { class: "count" }, [String(item.count), hidden(item.count === 1 ? " result" : " results")])
        ])]));
      });
      aside.appendChild(el("section", { class: "facet", "data-facet": facet[0], "aria-labelledby": "facet-" + facet[0] },
        [el("h3", { id: "facet-" + facet[0] }, [facet[1]]), list]));
    });
    aside.hidden = !any;
  }

  /* ---- autocomplete: the search box as an ARIA 1.2 combobox --------------------------- */

  var listbox = el("ul", { id: "q-suggestions", class: "suggestions", role: "listbox", "aria-label": "Suggestions" });
  listbox.hidden = true;
  input.parentNode.appendChild(listbox);
  input.setAttribute("role", "combobox");
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-expanded", "false");
  input.setAttribute("aria-controls", "q-suggestions");

  var suggestTimer = 0;
  var suggestToken = 0;
  var options = [];
  var active = -1;

  function closeSuggestions() {
    listbox.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
  }

  function showSuggestions(items) {
    listbox.textContent = "";
    options = items;
    active = -1;
    input.removeAttribute("aria-activedescendant");
    items.forEach(function (item, index) {
      var option = el("li", { id: "q-option-" + index, role: "option", "aria-selected": "false" },
        [el("span", {}, [item.text]), el("span", { class: "kind" }, [item.kind === "title" ? "post" : "word"])]);
      option.addEventListener("mousedown", function (event) { event.preventDefault(); choose(index); });
      listbox.appendChild(option);
    });
    listbox.hidden = items.length === 0;
    input.setAttribute("aria-expanded", items.length ? "true" : "false");
  }

  function highlight(index) {
    if (!options.length) return;
    active = (index + options.length) % options.length;
    Array.prototype.forEach.call(listbox.children, function (option, i) {
      option.setAttribute("aria-selected", i === active ? "true" : "false");
    });
    listbox.children[active].scrollIntoView({ block: "nearest" });
    input.setAttribute("aria-activedescendant", "q-option-" + active);
  }

  function choose(index) {
    var item = options[index];
    closeSuggestions();
    if (!item) return;
    if (item.kind === "title" && webUrl(item.url) !== "#") {
      location.assign(webUrl(item.url));
      return;
    }
    input.value = input.value.replace(/\S*$/, item.text);
    clearTimeout(searchTimer);
    run(pairsFromForm(), 1, "push");
  }

  function fetchSuggestions() {
    var text = input.value.trim();
    var token = ++suggestToken;
    if (!text) { closeSuggestions(); return; }
    fetch(api + "/suggest?" + new URLSearchParams([["q", text], ["limit", "8"]]).toString())
      .then(function (response) { return response.ok ? response.json() : { suggestions: [] }; })
      .then(function (data) {
        if (token !== suggestToken || document.activeElement !== input) return;
        showSuggestions((data.suggestions || []).filter(function (s) { return s && s.text; }));
      })
      .catch(function () { closeSuggestions(); });
  }

  input.addEventListener("input", function () {
    clearTimeout(suggestTimer);
    suggestTimer = setTimeout(fetchSuggestions, SUGGEST_DELAY);
  });

  input.addEventListener("keydown", function (event) {
    var open = !listbox.hidden;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      if (!open) { fetchSuggestions(); return; }
      event.preventDefault();
      if (event.key === "ArrowDown") highlight(active + 1);
      else highlight(active < 0 ? options.length - 1 : active - 1);
    } else if (event.key === "Enter" && open && active >= 0) {
      event.preventDefault();
      choose(active);
    } else if (event.key === "Escape" && open) {
      event.preventDefault();
      closeSuggestions();
    }
  });

  input.addEventListener("blur", closeSuggestions);
})();
