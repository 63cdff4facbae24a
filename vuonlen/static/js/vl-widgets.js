/* Vươn Lên: the shared form widgets (core/forms.py, core/pickers.py). Without this file each
   one is a plain field that still works; with it:
   - [data-vl-file]: a "Chọn tệp" button and the chosen names in the page's language;
   - [data-vl-picker]: suggestions as you type (ARIA combobox, keyboard usable);
   - select[data-vl-narrow-url]: only the options under the unit chosen in another field. */
(function () {
  "use strict";

  function csrfToken() {
    try {
      return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
    } catch (e) {
      return "";
    }
  }

  function post(url, data) {
    const body = new URLSearchParams(data);
    return fetch(url, {
      method: "POST", body: body, credentials: "same-origin",
      headers: {"X-CSRFToken": csrfToken(), "Accept": "application/json"},
    }).then(function (r) { return r.ok ? r.json() : {results: []}; });
  }

  function fieldValue(form, name) {
    const el = form && form.elements.namedItem(name);
    return el ? el.value : "";
  }

  /* --- file inputs ------------------------------------------------------------------ */
  function initFile(box) {
    const input = box.querySelector("input[type=file]");
    const button = box.querySelector(".vl-file-button");
    const names = box.querySelector(".vl-file-names");
    if (!input || !button || !names) return;
    box.classList.add("vl-file-js");
    button.hidden = false;
    names.hidden = false;
    input.addEventListener("change", function () {
      const files = Array.from(input.files || []);
      if (!files.length) names.textContent = box.dataset.empty;
      else if (files.length <= 3) names.textContent = files.map(function (f) { return f.name; }).join(", ");
      else names.textContent = files.length + " " + box.dataset.count;
    });
  }

  /* --- pickers ---------------------------------------------------------------------- */
  function initPicker(input) {
    const box = input.closest(".vl-picker");
    const list = box.querySelector(".vl-picker-list");
    const chosen = box.querySelector(".vl-picker-chosen");
    const texts = box.querySelector("[data-vl-picker-texts]").dataset;
    const multiple = input.hasAttribute("data-vl-picker-multiple");
    let items = [], active = -1, timer = null, seq = 0;

    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", list.id);
    input.setAttribute("title", texts.help);

    function currentWords() {
      if (!multiple) return input.value.trim();
      // Codes are separated by commas, semicolons or lines; a name has spaces in it.
      const parts = input.value.split(/[,;\n]/);
      return (parts[parts.length - 1] || "").trim();
    }

    function close() {
      list.hidden = true;
      list.innerHTML = "";
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      items = [];
      active = -1;
    }

    function highlight(index) {
      const options = list.querySelectorAll("[role=option]");
      options.forEach(function (o, i) {
        o.classList.toggle("active", i === index);
        o.setAttribute("aria-selected", i === index ? "true" : "false");
      });
      active = index;
      if (index >= 0 && options[index]) {
        input.setAttribute("aria-activedescendant", options[index].id);
        options[index].scrollIntoView({block: "nearest"});
      }
    }

    function choose(index) {
      const item = items[index];
      if (!item) return;
      if (multiple) {
        const parts = input.value.split(/[,;\n]/).map(function (p) { return p.trim(); });
        parts.pop();  // the words typed to find this household
        for (let i = parts.length - 1; i >= 0; i--) if (!parts[i]) parts.splice(i, 1);
        if (parts.indexOf(item.value) < 0) parts.push(item.value);
        input.value = parts.join(", ") + ", ";
      } else {
        input.value = item.value;
      }
      chosen.textContent = texts.chosen + " " + item.label + (item.hint ? " (" + item.hint + ")" : "");
      input.dispatchEvent(new Event("change", {bubbles: true}));
      close();
      input.focus();
    }

    function render(results) {
      list.innerHTML = "";
      items = results;
      if (!results.length) {
        const li = document.createElement("li");
        li.className = "list-group-item small text-body-secondary";
        li.textContent = texts.none;
        list.appendChild(li);
      }
      results.forEach(function (item, i) {
        const li = document.createElement("li");
        li.id = list.id + "_" + i;
        li.className = "list-group-item list-group-item-action";
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        const strong = document.createElement("span");
        strong.textContent = item.label;
        li.appendChild(strong);
        if (item.hint) {
          const hint = document.createElement("span");
          hint.className = "d-block small text-body-secondary";
          hint.textContent = item.hint;
          li.appendChild(hint);
        }
        li.addEventListener("mousedown", function (e) { e.preventDefault(); choose(i); });
        list.appendChild(li);
      });
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
      active = -1;
    }

    function search() {
      const words = currentWords();
      if (words.length < 2) { close(); return; }
      const data = {q: words};
      const narrow = input.dataset.vlPickerNarrow;
      if (narrow) data.don_vi = fieldValue(input.form, narrow);
      const mine = ++seq;
      post(input.dataset.vlPicker, data).then(function (json) {
        if (mine === seq && document.activeElement === input) render(json.results || []);
      }).catch(close);
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(search, 200);
    });
    input.addEventListener("keydown", function (e) {
      if (list.hidden) {
        if (e.key === "ArrowDown") { search(); e.preventDefault(); }
        return;
      }
      if (e.key === "ArrowDown") { highlight(Math.min(active + 1, items.length - 1)); e.preventDefault(); }
      else if (e.key === "ArrowUp") { highlight(Math.max(active - 1, 0)); e.preventDefault(); }
      else if (e.key === "Enter" && active >= 0) { choose(active); e.preventDefault(); }
      else if (e.key === "Escape") { close(); e.preventDefault(); }
    });
    input.addEventListener("blur", function () { setTimeout(close, 150); });
  }

  /* --- a select narrowed by another field (villages by the chosen commune) ------------ */
  function initNarrowedSelect(select) {
    const source = select.form && select.form.elements.namedItem(select.dataset.vlNarrowBy);
    if (!source) return;
    function apply() {
      if (!source.value) {
        Array.from(select.options).forEach(function (o) { o.hidden = false; });
        return;
      }
      post(select.dataset.vlNarrowUrl, {don_vi: source.value, q: ""}).then(function (json) {
        const allowed = new Set((json.results || []).map(function (r) { return String(r.value); }));
        Array.from(select.options).forEach(function (o) {
          const keep = !o.value || allowed.has(o.value);
          o.hidden = !keep;
          if (!keep) o.selected = false;
        });
      });
    }
    source.addEventListener("change", apply);
    apply();
  }

  function init(root) {
    root.querySelectorAll("[data-vl-file]").forEach(initFile);
    root.querySelectorAll("[data-vl-picker]").forEach(initPicker);
    root.querySelectorAll("select[data-vl-narrow-url]").forEach(initNarrowedSelect);
    root.querySelectorAll("[data-vl-print]").forEach(function (button) {
      button.addEventListener("click", function () { window.print(); });
    });
  }

  document.addEventListener("DOMContentLoaded", function () { init(document); });
})();
