// hoso: the search page (tim-kiem.html), on Pagefind's own search API (pagefind/pagefind.js),
// which loads only the index chunks a query needs.
//
// A query of several words: the results holding them as typed, whole words side by side
// ("phương trình", "Nguyễn Văn An", with or without diacritics), come first, under their own
// heading; then the others. Within each group Pagefind's ranking decides, from the weights hoso
// gave each part of a document (hoso.site.search: a title weighs most, a list of signers least)
// and the ranking options in data-ranking.
//
// Pagefind matches every word as a prefix ("an" also finds "Anh") and returns with each result
// the positions of the words it matched (`words`): a result whose matched words fill as many
// consecutive positions as the query has words is a candidate; the first VERIFY candidates have
// their text read (the fragment Pagefind fetches to show a result anyway) and hold the phrase if
// its words are there, whole and in order. Candidates come before the other results. Pagefind's
// own quoted search is not used: it misses a phrase in a page that also holds another accented
// form of one of its words ("văn" and "vấn" for "van"), which Vietnamese text nearly always does.
//
// Everything shown comes from the index and is inserted as text: titles with textContent,
// excerpts rebuilt from their text with only Pagefind's <mark> kept.
(function () {
  "use strict";
  var box = document.getElementById("hoso-search");
  if (!box) return;
  var offline = document.getElementById("hoso-search-offline");
  var text = JSON.parse(box.getAttribute("data-text") || "{}");
  var ranking = JSON.parse(box.getAttribute("data-ranking") || "{}");
  var PAGE = 10;

  function showOffline() {
    if (offline) offline.hidden = false;
  }
  if (location.protocol === "file:") {  // Pagefind fetches its index: it needs a web server
    showOffline();
    return;
  }

  function say(template, values) {
    return String(template || "").replace(/\{(\w+)\}/g, function (whole, key) {
      return Object.prototype.hasOwnProperty.call(values, key) ? String(values[key]) : whole;
    });
  }

  function make(tag, className, content) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (content !== undefined) node.textContent = content;
    return node;
  }

  var engine = null;
  function load() {
    if (!engine) {
      var url = new URL(box.getAttribute("data-bundle") + "pagefind.js", location.href).href;
      engine = import(url).then(function (pagefind) {
        return pagefind.options({ ranking: ranking }).then(function () { return pagefind; });
      });
      engine.catch(showOffline);
    }
    return engine;
  }

  var form = make("form", "hoso-search-form");
  form.setAttribute("role", "search");
  var input = make("input", "pagefind-ui__search-input");
  input.type = "search";
  input.autocomplete = "off";
  input.placeholder = text.placeholder || "";
  input.setAttribute("aria-label", text.label || "");
  form.appendChild(input);
  var message = make("p", "pagefind-ui__message");
  message.setAttribute("aria-live", "polite");
  var list = make("div", "hoso-search-results");
  var more = make("button", "md-button hoso-search-more", text.more);
  more.type = "button";
  more.hidden = true;
  box.append(form, message, list, more);

  // Pagefind's excerpt is HTML with <mark> around the matched words: parsed in a document that
  // runs nothing, then rebuilt as text and <mark> elements only.
  function excerpt(html) {
    var parsed = new DOMParser().parseFromString("<p>" + html + "</p>", "text/html");
    var out = document.createDocumentFragment();
    var holder = parsed.body.firstChild;
    (holder ? Array.prototype.slice.call(holder.childNodes) : []).forEach(function (node) {
      if (node.nodeName === "MARK") out.appendChild(make("mark", "", node.textContent));
      else out.appendChild(document.createTextNode(node.textContent));
    });
    return out;
  }

  // What a result is, from where it leads (hoso.site.search: nguoi/, to/, loai/, ho-so/).
  var KIND_FOLDERS = { nguoi: "person", to: "group", loai: "type" };
  function kindOf(url) {
    var path = new URL(url, location.href).pathname.split("/");
    return KIND_FOLDERS[path[path.length - 2]] || "record";
  }

  // A record's status id (da-duyet, …) from its label, as the index holds it.
  function statusOf(label) {
    var statuses = text.statuses || {};
    for (var id in statuses) if (statuses[id] === label) return id;
    return null;
  }

  function item(data) {
    var li = make("li", "pagefind-ui__result hoso-result");
    var kind = kindOf(data.url);
    li.classList.add("hoso-result-" + kind);
    var title = make("p", "pagefind-ui__result-title");
    var link = make("a", "pagefind-ui__result-link", (data.meta && data.meta.title) || data.url);
    link.href = data.url;
    title.appendChild(link);
    li.appendChild(title);
    var line = make("p", "hoso-result-detail");
    line.appendChild(make("span", "hoso-result-kind", (text.kinds || {})[kind] || ""));
    if (data.meta && data.meta.detail) line.appendChild(document.createTextNode(" · " + data.meta.detail));
    var status = statusOf(data.meta && data.meta.status);
    if (status) {
      line.appendChild(document.createTextNode(" "));
      line.appendChild(make("span", "hoso-badge hoso-" + status, text.statuses[status]));
    }
    li.appendChild(line);
    if (data.excerpt) {
      var body = make("p", "pagefind-ui__result-excerpt");
      body.appendChild(excerpt(data.excerpt));
      li.appendChild(body);
    }
    return li;
  }

  var VERIFY = 20;  // candidates whose text is read to confirm the phrase
  var current = 0;  // the latest search; an older one that finishes later is dropped
  var shown = null;  // the results shown: ordered, how many hold the phrase, how many are shown

  function words(query) {
    return query.replace(/["“”]/g, " ").split(/\s+/).filter(Boolean);
  }

  // Lower case, without diacritics, đ as d, cut into words: what is compared.
  function tokens(text) {
    return String(text || "").normalize("NFD").replace(/\p{M}/gu, "").replace(/[đĐ]/g, "d")
      .toLowerCase().split(/[^\p{L}\p{N}]+/u).filter(Boolean);
  }

  function holdsPhrase(content, phrase) {
    var have = tokens(content);
    for (var i = 0; i + phrase.length <= have.length; i++) {
      var j = 0;
      while (j < phrase.length && have[i + j] === phrase[j]) j++;
      if (j === phrase.length) return true;
    }
    return false;
  }

  // Whether `n` (2 or more) of the matched words follow each other somewhere in the document.
  function sideBySide(positions, n) {
    if (n < 2 || !positions || positions.length < n) return false;
    var at = positions.slice().sort(function (a, b) { return a - b; });
    var run = 1;
    for (var i = 1; i < at.length; i++) {
      if (at[i] === at[i - 1] + 1) run += 1;
      else if (at[i] !== at[i - 1]) run = 1;
      if (run >= n) return true;
    }
    return false;
  }

  function remember(query) {
    var url = new URL(location.href);
    if (query) url.searchParams.set("q", query);
    else url.searchParams.delete("q");
    history.replaceState(history.state, "", url.href);
  }

  function run() {
    var query = input.value.trim();
    var id = ++current;
    remember(query);
    if (!query) {
      message.textContent = "";
      list.replaceChildren();
      more.hidden = true;
      return Promise.resolve();
    }
    var terms = words(query);
    var phrase = tokens(terms.join(" "));
    return load().then(function (pagefind) {
      return pagefind.search(terms.join(" "));
    }).then(function (found) {
      var all = found ? found.results : [];
      var candidates = phrase.length > 1 ? all.filter(function (r) { return sideBySide(r.words, phrase.length); }) : [];
      var checked = candidates.slice(0, VERIFY);
      return Promise.all(checked.map(function (r) { return r.data(); })).then(function (datas) {
        if (id !== current) return;
        var holds = new Set();
        datas.forEach(function (data, i) { if (holdsPhrase(data.content, phrase)) holds.add(checked[i].id); });
        var near = new Set(candidates.map(function (r) { return r.id; }));
        var first = all.filter(function (r) { return holds.has(r.id); });
        var then = all.filter(function (r) { return !holds.has(r.id) && near.has(r.id); });
        var last = all.filter(function (r) { return !near.has(r.id); });
        message.textContent = say(all.length ? text.results : text.none, { count: all.length, query: query });
        list.replaceChildren();
        shown = { id: id, query: query, ordered: first.concat(then, last), phrase: first.length, next: 0, ol: null };
        return page();
      });
    });
  }

  // The next PAGE results: their fragments are fetched only now. When some results hold the
  // phrase and others only the words, each group has its heading.
  function page() {
    var s = shown;
    if (!s || s.busy) return Promise.resolve();
    s.busy = true;
    var slice = s.ordered.slice(s.next, s.next + PAGE);
    return Promise.all(slice.map(function (r) { return r.data(); })).then(function (datas) {
      s.busy = false;
      if (s.id !== current) return;
      var split = s.phrase > 0 && s.phrase < s.ordered.length;
      datas.forEach(function (data, i) {
        var at = s.next + i;
        var heading = null;
        if (split && at === 0) heading = say(text.phrase, { query: s.query });
        if (split && at === s.phrase) heading = text.words;
        if (heading) list.appendChild(make("p", "hoso-search-group", heading));
        if (heading || !s.ol) {
          s.ol = make("ol", "pagefind-ui__results");
          list.appendChild(s.ol);
        }
        s.ol.appendChild(item(data));
      });
      s.next += slice.length;
      more.hidden = s.next >= s.ordered.length;
    });
  }

  var timer = null;
  input.addEventListener("focus", load, { once: true });
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(run, 150);
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    clearTimeout(timer);
    run();
  });
  more.addEventListener("click", page);

  var q = new URLSearchParams(location.search).get("q");
  if (q) {
    input.value = q;
    run();
  }
})();
