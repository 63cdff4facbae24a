{% load static %}/* The offline mentor app's service worker (scope: {% url 'campaign:app' %}).
   Keeps the app's shell while online; the data the phone holds lives in IndexedDB (main.js).
   A 401 from the app's JSON endpoints (the session ended) drops the mentor's data. */
"use strict";
const CACHE = "vuonlen-app-v1";
const SHELL_PAGE = "{% url 'campaign:app' %}";
const SHELL = [
  SHELL_PAGE,
  "{% static 'campaign/app/app.css' %}",
  "{% static 'campaign/app/main.js' %}",
  "{% static 'campaign/app/db.js' %}",
  "{% static 'img/favicon.svg' %}",
  "{% url 'campaign:app_manifest' %}",
];
const JSON_URLS = ["{% url 'campaign:app_data' %}", "{% url 'campaign:app_sync' %}"];

async function keep(cache, url) {
  const response = await fetch(url, {credentials: "same-origin", cache: "no-cache"});
  // A redirect means the sign-in page: never keep it as the app.
  if (response.ok && !response.redirected) await cache.put(url, response);
}

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => Promise.all(SHELL.map((url) => keep(cache, url).catch(() => null))))
    .then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(caches.keys().then((names) => Promise.all(
    names.filter((name) => name.startsWith("vuonlen-app") && name !== CACHE).map((name) => caches.delete(name))))
    .then(() => self.clients.claim()));
});

function dropUserData() {
  // The store main.js uses: the cached households go; the queue is cleared only at sign-out.
  return new Promise((resolve) => {
    const open = indexedDB.open("vuonlen-app", 1);
    open.onupgradeneeded = () => { open.result.createObjectStore("kv"); open.result.createObjectStore("queue"); };
    open.onsuccess = () => {
      const tx = open.result.transaction("kv", "readwrite");
      tx.objectStore("kv").delete("data");
      tx.oncomplete = () => { open.result.close(); resolve(); };
      tx.onerror = () => resolve();
    };
    open.onerror = () => resolve();
  });
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (JSON_URLS.includes(url.pathname)) {
    event.respondWith(fetch(request).then(async (response) => {
      if (response.status === 401) await dropUserData();
      return response;
    }));
    return;
  }
  if (request.method !== "GET") return;
  if (request.mode === "navigate" && url.pathname === SHELL_PAGE) {
    // Network first (a fresh shell, or the sign-in page when the session is gone); the kept shell offline.
    event.respondWith(fetch(request).then(async (response) => {
      if (response.ok && !response.redirected) {
        const cache = await caches.open(CACHE);
        await cache.put(SHELL_PAGE, response.clone());
      }
      return response;
    }).catch(() => caches.match(SHELL_PAGE).then((kept) => kept || Response.error())));
    return;
  }
  if (SHELL.includes(url.pathname)) {
    event.respondWith(caches.match(url.pathname).then((kept) => kept || fetch(request)));
  }
});
