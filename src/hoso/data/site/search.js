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
// A large school's index comes in parts (hoso.site.search: at most PART_SIZE documents each,
// listed in pagefind/hoso-parts.json), merged here with Pagefind's mergeIndex: Pagefind's time for
// a word found in N documents grows as N², so 11 parts answer a word found in every one of 10,000
// records 3 to 5 times sooner than one index (docs/site.md). Each part ranks on its own statistics;
// one thing differs from a single index: a part in which no word begins with a query's word
// answers with the longest word of its own that begins the query's word ("thoai" → "tho"), which
// a single index does only when no word of the whole school begins with it, and then with the
// school's longest. A result's id names its part (the part's language tag before "_"); the best
// result of each part is read, and the parts that matched a word less well than another part
// (a shorter word, or none) are dropped: what is left is what a single index answers.
//
// The engine and the parts' metadata load when the page opens (the page is for searching), the
// index chunks of a query while its words are typed, its results after a 150 ms pause.
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

  // The index parts after the first (hoso.site.search.write_index): [{path, language}].
  function partsOf(bundle) {
    return fetch(new URL("hoso-parts.json", bundle).href).then(function (response) {
      return response.ok ? response.json() : { parts: [] };
    }).then(function (listed) {
      return (listed.parts || []).filter(function (part) {
        return /^p\d+\/$/.test(part.path) && /^[a-z]+-x-p\d+$/.test(part.language);
      });
    });
  }

  // Other sites' bundles searched with this one (the portal over many schools: each school's
  // pagefind/ folder, relative to this page, with its own parts), from data-merge.
  var others = JSON.parse(box.getAttribute("data-merge") || "[]").map(function (path) {
    return new URL(path, location.href);
  });

  function mergeParts(pagefind, bundle, parts) {
    return Promise.all(parts.map(function (part) {
      var path = new URL(part.path, bundle).pathname;
      return pagefind.mergeIndex(path, { language: part.language, ranking: ranking });
    }));
  }

  var engine = null;
  function load() {
    if (!engine) {
      var bundle = new URL(box.getAttribute("data-bundle"), location.href);
      engine = Promise.all([import(new URL("pagefind.js", bundle).href), partsOf(bundle)]).then(function (loaded) {
        var pagefind = loaded[0];
        return pagefind.options({ ranking: ranking }).then(function () {
          return pagefind.init();  // starts its worker: the engine and metadata load now
        }).then(function () {
          return mergeParts(pagefind, bundle, loaded[1]);
        }).then(function () {
          return Promise.all(others.map(function (other) {
            var path = other.origin === location.origin ? other.pathname : other.href;
            return Promise.all([pagefind.mergeIndex(path, { ranking: ranking }), partsOf(other)]).then(function (got) {
              return mergeParts(pagefind, other, got[1]);
            });
          }));
        }).then(function () { return pagefind; });
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

  // What a result is, from where it leads (hoso.site.search: nguoi/, to/, loai/, ho-so/; a
  // portal's truong/).
  var KIND_FOLDERS = { nguoi: "person", to: "group", loai: "type", truong: "school" };
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

  // The query's words as Pagefind searches them (folded, punctuation dropped), for the part check.
  function searchWords(terms) {
    return terms.map(function (term) { return tokens(term).join(""); }).filter(Boolean);
  }

  // The forms a text's words can take in the index: each word folded, whole without its
  // punctuation ("2023-2024" → "20232024") and each piece of it ("2023", "2024").
  function wordForms(text) {
    var forms = [];
    String(text || "").split(/\s+/).forEach(function (word) {
      var pieces = tokens(word);
      if (pieces.length > 1) forms.push(pieces.join(""));
      forms.push.apply(forms, pieces);
    });
    return forms;
  }

  function partOf(result) {
    var id = String(result.id);
    return id.slice(0, Math.max(0, id.lastIndexOf("_")));
  }

  // How a part matched `key`, judged on one of its results' words: Infinity when a word begins
  // with it (Pagefind's own match), else the length of the longest word that begins `key`
  // (Pagefind's fallback: "thoai" → "tho"), 0 when none does (Pagefind then ignores the word).
  function matchLength(forms, key) {
    var best = 0;
    for (var i = 0; i < forms.length; i++) {
      if (forms[i].indexOf(key) === 0) return Infinity;
      if (forms[i].length > best && key.indexOf(forms[i]) === 0) best = forms[i].length;
    }
    return best;
  }

  // The results a single index would give: a part's results are kept when, for each of the
  // query's words, the part matched it as well as the best part did (every result of a part
  // matched a word the same way, so its best result tells).
  function sameAsOneIndex(all, keys) {
    var best = new Map();
    all.forEach(function (r) { if (!best.has(partOf(r))) best.set(partOf(r), r); });
    if (best.size < 2 || !keys.length) return Promise.resolve(all);
    var names = Array.from(best.keys());
    return Promise.all(names.map(function (name) { return best.get(name).data(); })).then(function (datas) {
      var scores = new Map();
      var top = keys.map(function () { return 0; });
      datas.forEach(function (data, i) {
        var meta = data.meta || {};  // Pagefind matches the words of metadata too ("chờ duyệt")
        var forms = wordForms([data.content].concat(Object.keys(meta).map(function (k) { return meta[k]; })).join(" "));
        var score = keys.map(function (key, j) {
          var length = matchLength(forms, key);
          top[j] = Math.max(top[j], length);
          return length;
        });
        scores.set(names[i], score);
      });
      return all.filter(function (r) {
        return scores.get(partOf(r)).every(function (length, j) { return length === top[j]; });
      });
    });
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
      return sameAsOneIndex(found ? found.results : [], searchWords(terms));
    }).then(function (all) {
      if (id !== current) return;
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
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(run, 150);
    var terms = words(input.value.trim());
    if (terms.length) {
      load().then(function (pagefind) { return pagefind.preload(terms.join(" ")); }).catch(function () {});
    }
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    clearTimeout(timer);
    run();
  });
  more.addEventListener("click", page);

  load();
  var q = new URLSearchParams(location.search).get("q");
  if (q) {
    input.value = q;
    run();
  }
})();
