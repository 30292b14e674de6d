// kg site search: runs in the browser on the prebuilt index (search-index.js), no server needed.
// Results are built with textContent, never innerHTML: an indexed name cannot inject markup.
(function () {
  "use strict";
  var index = window.KG_SEARCH_INDEX || [];
  function norm(s) { return (s || "").normalize("NFKC").toLowerCase(); }
  var prepared = index.map(function (e) { return norm(e[1] + " " + e[2] + " " + e[3] + " " + e[4]); });
  var form = document.getElementById("search");
  var input = document.getElementById("q");
  var list = document.getElementById("results");
  var status = document.getElementById("status");
  function run(q) {
    var words = norm(q).split(/\s+/).filter(function (w) { return w.length > 0; });
    list.textContent = "";
    if (!words.length) { status.textContent = ""; return; }
    var hits = 0;
    for (var i = 0; i < index.length && hits < 200; i++) {
      var text = prepared[i];
      if (words.every(function (w) { return text.indexOf(w) >= 0; })) {
        var e = index[i];
        var li = document.createElement("li");
        var kind = document.createElement("span");
        kind.className = "badge kind";
        kind.textContent = e[4];
        var a = document.createElement("a");
        a.href = e[0];
        a.textContent = (e[3] ? e[3] + " " : "") + e[1];
        li.appendChild(kind);
        li.appendChild(document.createTextNode(" "));
        li.appendChild(a);
        if (e[2]) {
          var en = document.createElement("span");
          en.lang = "en"; en.className = "en"; en.textContent = " " + e[2];
          li.appendChild(en);
        }
        list.appendChild(li);
        hits++;
      }
    }
    status.textContent = hits ? hits + " 件" + (hits >= 200 ? "（先頭 200 件）" : "") : "見つかりません";
  }
  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    run(input.value);
    history.replaceState(null, "", "?q=" + encodeURIComponent(input.value));
  });
  input.addEventListener("input", function () { run(input.value); });
  var q = new URLSearchParams(location.search).get("q");
  if (q) { input.value = q; run(q); }
})();
