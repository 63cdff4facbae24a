/* The offline mentor app: the mentor's households kept on the phone, visits and assessments
   recorded without signal into a queue ("chờ gửi"), sent when the signal is back. */
import * as db from "./db.js";

const body = document.body;
const T = JSON.parse(document.getElementById("app-text").textContent);
const $ = (id) => document.getElementById(id);
const state = {data: null, token: null, sending: false, retry: null, delay: 2000};

function fmt(text, values) {
  return text.replace(/%\((\w+)\)s/g, (_m, key) => values[key]);
}
function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (key === "class") node.className = value; else if (key === "text") node.textContent = value;
    else node.setAttribute(key, value);
  }
  for (const child of children) if (child != null) node.append(child);
  return node;
}
function today() {
  const now = new Date();
  return new Date(now.getTime() - now.getTimezoneOffset() * 60000).toISOString().slice(0, 10);
}
function vnDate(iso) {
  return iso ? iso.slice(0, 10).split("-").reverse().join("/") : "";
}
// The date boxes are text in dd/mm/yyyy (a native date input shows mm/dd/yyyy in an English
// browser); the queue and the server keep ISO. An impossible date gives "".
function isoDate(text) {
  const m = /^\s*(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})\s*$/.exec(text || "");
  if (!m) return "";
  const [d, mo, y] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) return "";
  return date.toISOString().slice(0, 10);
}
function newId() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
  const h = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
function notice(text) {
  const node = $("notice");
  node.textContent = text;
  node.hidden = !text;
}
function fresh(data) {
  return data && Date.now() - Date.parse(data.fetched_at) <= data.max_age_days * 86400000;
}
function household(id) {
  return state.data ? state.data.households.find((h) => h.id === id) : null;
}

// --- server ------------------------------------------------------------------------------------

async function refresh() {
  let response;
  try {
    response = await fetch(body.dataset.dataUrl, {credentials: "same-origin", headers: {Accept: "application/json"}});
  } catch (error) {
    return false;  // no signal: keep what the phone has
  }
  if (response.status === 401) { state.data = null; notice(T.session_ended); render(); return false; }
  if (!response.ok) return false;
  const data = await response.json();
  state.token = data.csrf_token;
  delete data.csrf_token;
  // Edits still waiting keep their place over the server's copy until sent.
  await db.put("kv", "data", data);
  state.data = data;
  render();
  return true;
}

async function post(items) {
  return fetch(body.dataset.syncUrl, {
    method: "POST", credentials: "same-origin",
    headers: {"Content-Type": "application/json", "X-CSRFToken": state.token || "", Accept: "application/json"},
    body: JSON.stringify({items}),
  });
}

async function send() {
  if (state.sending || !navigator.onLine) return;
  state.sending = true;
  try {
    if (!(await refresh()) || !state.data) return;
    const mine = (await db.all("queue")).filter((i) => i.owner === state.data.user.id && i.status === "pending");
    let sent = 0;
    for (const item of mine) {  // one at a time: a photo makes a request large on a slow link
      item.status = "sending";
      await db.put("queue", item.uuid, item);
      renderQueue();
      const {uuid, kind, household: hh, data, force} = item;
      let response;
      try {
        response = await post([{uuid, kind, household: hh, data, force: !!force}]);
        if (response.status === 403 && (await refresh())) response = await post([{uuid, kind, household: hh, data, force: !!force}]);
      } catch (error) {
        response = null;  // the answer was lost: the item goes again later under the same uuid
      }
      if (!response || !response.ok) {
        item.status = "pending";
        await db.put("queue", item.uuid, item);
        if (response && response.status === 401) notice(T.session_ended);
        break;
      }
      const result = (await response.json()).results[0];
      if (result.status === "saved") {
        await db.del("queue", item.uuid);
        remember(item, result);
        sent += 1;
      } else {
        Object.assign(item, {status: result.status, message: result.message || "", errors: result.errors || null,
          server: result.server || null, reason: result.reason || ""});
        await db.put("queue", item.uuid, item);
      }
    }
    if (sent) { notice(fmt(T.sent, {n: sent})); await refresh(); }
  } finally {
    state.sending = false;
    await renderQueue();
    later();
  }
}

// The "online" event often comes before the link really works: while items wait and the phone
// says it is online, try again after 2 s, 4 s, 8 s… (at most a minute apart).
async function later() {
  clearTimeout(state.retry);
  const waiting = (await db.all("queue")).some((i) => i.status === "pending");
  if (!waiting || !navigator.onLine) { state.delay = 2000; return; }
  state.retry = setTimeout(send, state.delay);
  state.delay = Math.min(state.delay * 2, 60000);
}

function remember(item, result) {
  const hh = household(item.household);
  if (!hh) return;
  if (item.kind === "visit" && (!hh.last_visit || hh.last_visit < item.data.visited_on)) hh.last_visit = item.data.visited_on;
  if (item.kind === "assessment" && result.server) hh.assessments[String(result.server.year)] = result.server;
  db.put("kv", "data", state.data);
}

// --- the list ----------------------------------------------------------------------------------

async function render() {
  const list = $("households");
  list.replaceChildren();
  const data = state.data;
  $("data-age").textContent = "";
  if (!data) { $("data-age").textContent = T.no_data; return; }
  if (!fresh(data)) { $("data-age").textContent = fmt(T.stale, {days: data.max_age_days}); return; }
  const at = new Date(data.fetched_at);
  const pad = (n) => String(n).padStart(2, "0");
  $("data-age").textContent = `${T.data_of} ${pad(at.getHours())}:${pad(at.getMinutes())} ${pad(at.getDate())}/${pad(at.getMonth() + 1)}/${at.getFullYear()}`;
  for (const hh of data.households) {
    const last = hh.last_visit ? `${T.last_visit} ${vnDate(hh.last_visit)}` : T.never_visited;
    const visit = el("button", {type: "button", class: "primary", text: T.log_visit});
    visit.addEventListener("click", () => openVisit(hh.id));
    const assess = el("button", {type: "button", class: "second", text: T.assess});
    assess.addEventListener("click", () => openAssess(hh.id));
    list.append(el("li", {class: "card", "data-household": hh.code},
      el("span", {class: "name", text: hh.head_name}),
      el("span", {class: "muted", text: `${hh.code} · ${hh.village}`}),
      el("span", {class: hh.last_visit ? "muted" : "badge warn", text: last}),
      el("span", {class: "actions"}, visit, assess)));
  }
}

async function renderQueue() {
  const owner = state.data ? state.data.user.id : null;
  // Read first, then redraw at once: the list never shows empty while IndexedDB answers.
  const items = (await db.all("queue")).filter((i) => owner === null || i.owner === owner)
    .sort((a, b) => a.created_at.localeCompare(b.created_at));
  const list = $("queue");
  list.replaceChildren();
  $("queue-count").textContent = String(items.length);
  $("send-now").hidden = !items.some((i) => i.status === "pending");
  for (const item of items) {
    const what = item.kind === "visit" ? `${T.visit} ${vnDate(item.data.visited_on)}` : `${T.assessment} ${item.data.year}`;
    const li = el("li", {class: `card item ${item.status}`, "data-uuid": item.uuid},
      el("span", {class: "name", text: `${item.label} (${item.code})`}),
      el("span", {text: what}),
      el("span", {class: `badge ${item.status}`, text: T[item.status] || item.status}));
    if (item.message) li.append(el("span", {class: "message", text: item.message}));
    if (item.errors) {
      for (const messages of Object.values(item.errors)) li.append(el("span", {class: "message", text: messages.join("; ")}));
    }
    if (item.server) li.append(compare(item));
    const buttons = [];
    if (item.status === "conflict") {
      buttons.push(action(T.keep_mine, () => keepMine(item)));
      if (item.server) buttons.push(action(T.take_theirs, () => takeTheirs(item)));
      buttons.push(action(T.discard, () => discard(item)));
    } else if (item.status === "invalid" || item.status === "not_found") {
      buttons.push(action(T.keep, () => retry(item)));
      buttons.push(action(T.discard, () => discard(item)));
    }
    if (buttons.length) li.append(el("span", {class: "actions"}, ...buttons));
    list.append(li);
  }
}

function compare(item) {
  const table = el("table", {class: "compare"});
  table.append(el("tr", {}, el("th", {text: ""}), el("th", {text: T.my_copy}), el("th", {text: T.server_copy})));
  for (const [code, label] of state.data ? state.data.criteria : []) {
    const mine = !!item.data[code], theirs = !!item.server[code];
    if (mine === theirs) continue;
    table.append(el("tr", {}, el("td", {text: label}), el("td", {text: mine ? T.met : T.not_met}),
      el("td", {text: theirs ? T.met : T.not_met})));
  }
  return table;
}

function action(label, handler) {
  const button = el("button", {type: "button", class: "second", text: label});
  button.addEventListener("click", handler);
  return button;
}

async function keepMine(item) {
  if (item.kind === "assessment" && item.server) item.data.base_version = item.server.version;
  else item.force = true;
  await retry(item);
}
async function retry(item) {
  Object.assign(item, {status: "pending", message: "", errors: null, server: null});
  await db.put("queue", item.uuid, item);
  await renderQueue();
  send();
}
async function takeTheirs(item) {
  remember(item, {server: item.server});
  await discard(item);
}
async function discard(item) {
  await db.del("queue", item.uuid);
  await renderQueue();
}

// --- the forms ---------------------------------------------------------------------------------

function show(view) {
  for (const id of ["view-list", "view-visit", "view-assess"]) $(id).hidden = id !== view;
  $("view-queue").hidden = view !== "view-list";
  window.scrollTo(0, 0);
}

function checks(container, name, options, checked = []) {
  container.replaceChildren();
  for (const [value, label] of options) {
    const id = `${name}-${value}`;
    const input = el("input", {type: "checkbox", id, name, value: String(value)});
    input.checked = checked.map(String).includes(String(value));
    container.append(el("span", {class: "check"}, input, el("label", {for: id, text: label})));
  }
}

function openVisit(id) {
  const hh = household(id);
  const form = $("visit-form");
  form.reset();
  form.dataset.household = id;
  $("v-date").value = vnDate(today());
  checks($("v-topics"), "topics", state.data.visit_topics);
  $("view-visit").querySelector("[data-who]").textContent = `${hh.head_name} · ${hh.code} · ${hh.village}`;
  form.querySelector("[data-errors]").textContent = "";
  show("view-visit");
}

async function resize(file) {
  const bitmap = await createImageBitmap(file);
  const scale = Math.min(1, 1280 / Math.max(bitmap.width, bitmap.height));
  const canvas = el("canvas", {width: Math.round(bitmap.width * scale), height: Math.round(bitmap.height * scale)});
  canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  const blob = await new Promise((resolve) => canvas.toBlob(resolve, "image/jpeg", 0.8));
  const url = await new Promise((resolve) => { const r = new FileReader(); r.onload = () => resolve(r.result); r.readAsDataURL(blob); });
  return {type: "image/jpeg", data: url.split(",")[1]};
}

async function queue(kind, hh, data) {
  const item = {uuid: newId(), kind, household: hh.id, label: hh.head_name, code: hh.code, data,
    owner: state.data.user.id, status: "pending", created_at: new Date().toISOString()};
  await db.put("queue", item.uuid, item);
  notice(T.saved_local);
  show("view-list");
  await renderQueue();
  send();
}

async function submitVisit(event) {
  event.preventDefault();
  const form = event.target, errors = [];
  const hh = household(Number(form.dataset.household));
  const topics = [...form.querySelectorAll("input[name=topics]:checked")].map((i) => i.value);
  const data = {visited_on: isoDate($("v-date").value), topics, discussed: $("v-discussed").value.trim(),
    advice: $("v-advice").value.trim(), production_model: $("v-model").value.trim(), next_step: $("v-next").value.trim()};
  if (!data.visited_on) errors.push(T.need_date);
  if (!topics.length && !data.discussed) errors.push(T.need_topic);
  const file = $("v-photo").files[0];
  if (file && !errors.length) {
    try { data.photo = await resize(file); } catch (error) { errors.push(T.photo_error); }
  }
  form.querySelector("[data-errors]").textContent = errors.join(" ");
  if (!errors.length) await queue("visit", hh, data);
}

async function pendingAssessment(hhId, year) {
  const items = (await db.all("queue")).filter((i) => i.kind === "assessment" && i.household === hhId && i.data.year === year);
  return items.sort((a, b) => b.created_at.localeCompare(a.created_at))[0] || null;
}

async function fillAssess() {
  const form = $("assess-form");
  const hh = household(Number(form.dataset.household));
  const year = Number($("a-year").value);
  const pending = await pendingAssessment(hh.id, year);
  const stored = hh.assessments[String(year)] || null;
  const source = pending ? pending.data : stored;
  form.dataset.baseVersion = pending ? String(pending.data.base_version ?? "") : (stored ? String(stored.version) : "");
  $("a-version").textContent = stored ? `v${stored.version} · ${vnDate(stored.assessed_on)}` : "";
  $("a-date").value = vnDate(source ? source.assessed_on : today());
  $("a-note").value = source ? source.note : "";
  const criteria = $("a-criteria");
  criteria.replaceChildren();
  const labels = Object.fromEntries(state.data.criteria);
  for (const [legend, codes] of state.data.criteria_groups) {
    const box = el("div", {class: "checks"});
    checks(box, "criteria", codes.map((c) => [c, labels[c]]), source ? codes.filter((c) => source[c]) : []);
    criteria.append(el("fieldset", {}, el("legend", {text: legend}), box));
  }
  checks($("a-topics"), "told_topics", state.data.handbook_topics, source ? source.told_topics : []);
}

function openAssess(id) {
  const hh = household(id);
  const form = $("assess-form");
  form.reset();
  form.dataset.household = id;
  const years = $("a-year");
  years.replaceChildren(...state.data.years.map((y) => el("option", {value: String(y), text: String(y)})));
  $("view-assess").querySelector("[data-who]").textContent = `${hh.head_name} · ${hh.code} · ${hh.village}`;
  form.querySelector("[data-errors]").textContent = "";
  fillAssess();
  show("view-assess");
}

async function submitAssess(event) {
  event.preventDefault();
  const form = event.target;
  const hh = household(Number(form.dataset.household));
  const data = {year: Number($("a-year").value), assessed_on: isoDate($("a-date").value), note: $("a-note").value.trim(),
    base_version: form.dataset.baseVersion ? Number(form.dataset.baseVersion) : null,
    told_topics: [...form.querySelectorAll("input[name=told_topics]:checked")].map((i) => Number(i.value))};
  for (const [code] of state.data.criteria) data[code] = !!form.querySelector(`input[name=criteria][value=${code}]:checked`);
  if (!data.assessed_on) { form.querySelector("[data-errors]").textContent = T.need_date; return; }
  const pending = await pendingAssessment(hh.id, data.year);
  if (pending && pending.status === "pending") await db.del("queue", pending.uuid);  // the newer edit replaces it
  await queue("assessment", hh, data);
}

// --- start -------------------------------------------------------------------------------------

function network() {
  $("net").textContent = navigator.onLine ? T.online : T.offline;
  $("net").className = navigator.onLine ? "net on" : "net off";
}

async function signOut() {
  const waiting = (await db.all("queue")).length;
  if (waiting && !window.confirm(fmt(T.confirm_signout, {n: waiting}))) return;
  if (!state.token) await refresh();
  await db.clearAll();
  const form = el("form", {method: "post", action: body.dataset.logoutUrl},
    el("input", {type: "hidden", name: "csrfmiddlewaretoken", value: state.token || ""}));
  document.body.append(form);
  form.submit();
}

async function start() {
  network();
  window.addEventListener("online", () => { network(); state.delay = 2000; send(); });
  window.addEventListener("offline", network);
  $("visit-form").addEventListener("submit", submitVisit);
  $("assess-form").addEventListener("submit", submitAssess);
  $("a-year").addEventListener("change", fillAssess);
  for (const back of document.querySelectorAll("[data-back]")) back.addEventListener("click", () => show("view-list"));
  $("send-now").addEventListener("click", send);
  $("sign-out").addEventListener("click", signOut);
  state.data = (await db.get("kv", "data")) || null;
  for (const item of await db.all("queue")) {  // closed mid-send: its answer never came, send it again
    if (item.status === "sending") { item.status = "pending"; await db.put("queue", item.uuid, item); }
  }
  await render();
  await renderQueue();
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register(body.dataset.swUrl, {scope: body.dataset.scope}).catch(() => null);
  }
  if (navigator.onLine) {
    await refresh();
    await renderQueue();
    send();
  }
  body.dataset.ready = "1";
}

start();
