// hoso portal: which schools the search page searches (its "phạm vi"), chosen before search.js
// loads. Each school's site keeps its own Pagefind index; the page merges the indexes of the
// chosen scope (Pagefind's mergeIndex) with the portal's own (one document per school). A
// province's 1,000 indexes cannot all be merged into one query (each costs its metadata and a
// chunk per word), so a scope holds at most the number of schools hoso.portal.build allows
// (MERGE_LIMIT), and the scopes are the communes, the levels and, when small enough, all schools.
// The choice is kept in the address (?pham-vi=…), so a search can be shared as a link.
(function () {
  "use strict";
  var box = document.getElementById("hoso-search");
  if (!box) return;
  var data = JSON.parse(box.getAttribute("data-scopes") || "{}");
  var scopes = data.scopes || [];
  if (!scopes.length) return;
  var params = new URLSearchParams(location.search);
  var wanted = params.get("pham-vi") || data.default;
  var chosen = scopes.filter(function (s) { return s.id === wanted; })[0] || scopes[0];
  box.setAttribute("data-merge", JSON.stringify(chosen.bundles || []));

  var label = document.createElement("label");
  label.className = "hoso-portal-scope";
  label.textContent = (data.label || "") + " ";
  var select = document.createElement("select");
  select.id = "hoso-portal-scope";
  scopes.forEach(function (scope) {
    var option = document.createElement("option");
    option.value = scope.id;
    option.textContent = scope.label;
    option.selected = scope.id === chosen.id;
    select.appendChild(option);
  });
  select.addEventListener("change", function () {
    var url = new URL(location.href);
    url.searchParams.set("pham-vi", select.value);
    var input = box.querySelector("input[type=search]");
    if (input && input.value.trim()) url.searchParams.set("q", input.value.trim());
    location.assign(url.href);
  });
  label.appendChild(select);
  box.parentNode.insertBefore(label, box);
})();
