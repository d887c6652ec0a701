// The tree page's lazy expand: a node's children are fetched when it is opened (one page at a time, "Xem thêm"
// fetches the next). Without JavaScript every node is a link to its own page, which lists its children.
(function () {
  "use strict";

  function load(url, list, replaced) {
    return fetch(url, {credentials: "same-origin", headers: {"Accept": "text/html"}}).then(function (response) {
      if (!response.ok) { throw new Error(String(response.status)); }
      return response.text();
    }).then(function (html) {
      var holder = document.createElement("ul");
      holder.innerHTML = html;
      if (replaced) { replaced.remove(); }
      while (holder.firstElementChild) { list.appendChild(holder.firstElementChild); }
      wire(list);
    });
  }

  function wire(root) {
    root.querySelectorAll("button.expand[hidden]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        var list = button.parentElement.querySelector("ul.sub");
        var open = button.getAttribute("aria-expanded") === "true";
        if (open) {
          list.hidden = true;
          button.setAttribute("aria-expanded", "false");
          button.textContent = "+";
          return;
        }
        button.setAttribute("aria-expanded", "true");
        button.textContent = "−";
        list.hidden = false;
        if (!list.dataset.loaded) {
          list.dataset.loaded = "1";
          load(button.dataset.url, list, null).catch(function () { list.dataset.loaded = ""; });
        }
      });
    });
    root.querySelectorAll("li.more a[data-more]").forEach(function (link) {
      if (link.dataset.wired) { return; }
      link.dataset.wired = "1";
      link.addEventListener("click", function (event) {
        event.preventDefault();
        load(link.dataset.more, link.closest("ul"), link.closest("li"));
      });
    });
  }

  document.querySelectorAll("[data-tree]").forEach(wire);
}());
