// The search page: runs Pagefind in the browser over the index the build wrote.
// Without this script the page still links to the lists of provinces, counties and services.

const form = document.getElementById("search");
const input = document.getElementById("q");
const filters = form.querySelector(".filters");
const status = document.getElementById("search-status");
const list = document.getElementById("results");
const more = document.getElementById("more");
const browse = document.getElementById("browse");
const COMMON = new Set(form.dataset.commonWords.split(" "));  // left out of the index: see site_builder/persian.py
const PAGE = 10;      // results shown at a time
const PAUSE = 120;    // ms of no typing before a search runs

// The index holds Latin digits and Persian ی/ک (site_builder/search.py): a query is turned the same way.
function normalise(text) {
  return text
    .replace(/[يى]/g, "ی")
    .replace(/ك/g, "ک")
    .replace(/[۰-۹]/g, (digit) => String(digit.charCodeAt(0) - 0x06f0))
    .replace(/[٠-٩]/g, (digit) => String(digit.charCodeAt(0) - 0x0660));
}

// The site shows Persian digits; results come from the index with Latin ones.
function persianDigits(text) {
  return text.replace(/[0-9]/g, (digit) => "۰۱۲۳۴۵۶۷۸۹"[digit]);
}

function persianDigitsIn(element) {
  const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    node.nodeValue = persianDigits(node.nodeValue);
  }
}

// What the index is searched for: the query normalised, without the words every office has.
function searchedWords(query) {
  return normalise(query).split(/[\s،,]+/).filter((word) => word && !COMMON.has(word)).join(" ");
}

function chosenFilters() {
  const chosen = {};
  for (const select of filters.querySelectorAll("select")) {
    if (select.value) chosen[select.name] = normalise(select.value);
  }
  return chosen;
}

function showState(query) {
  const params = new URLSearchParams();
  if (query) params.set("q", query);
  for (const select of filters.querySelectorAll("select")) {
    if (select.value) params.set(select.name, select.value);
  }
  const search = params.toString();
  history.replaceState(null, "", search ? "?" + search : location.pathname);
}

function restoreState() {
  const params = new URLSearchParams(location.search);
  input.value = params.get("q") || "";
  for (const select of filters.querySelectorAll("select")) {
    const value = params.get(select.name);
    if (value && [...select.options].some((option) => option.value === value)) select.value = value;
  }
}

function resultItem(data) {
  const item = document.createElement("li");
  const link = document.createElement("a");
  link.href = data.meta.url || data.url;
  link.textContent = data.meta.title;
  const heading = document.createElement("h2");
  heading.append(link);
  const type = (data.filters.type || [])[0];
  if (type) {
    const tag = document.createElement("span");
    tag.className = "tag";
    tag.textContent = type;
    heading.append(" ", tag);
  }
  item.append(heading);
  const facts = [data.meta.kind, data.meta.status, data.meta.place, data.meta.agency,
                 data.meta.fee && "تعرفه: " + data.meta.fee, data.meta.date].filter(Boolean);
  if (facts.length) {
    const line = document.createElement("p");
    line.className = "result-facts";
    line.textContent = facts.join(" · ");
    item.append(line);
  }
  const excerpt = document.createElement("p");
  if (data.meta.address) {  // an office: its address in full, which the index holds without its common words
    excerpt.textContent = data.meta.address + (data.meta.holder ? "؛ دارنده پروانه: " + data.meta.holder : "");
  } else {
    excerpt.innerHTML = data.excerpt;  // Pagefind escapes the indexed text and adds only <mark>
  }
  item.append(excerpt);
  persianDigitsIn(item);
  return item;
}

let pagefind = null;
let shown = [];       // results not yet shown of the current search
let generation = 0;   // a newer search makes an older one's late results void

async function showMore(current) {
  const next = shown.splice(0, PAGE);
  const items = await Promise.all(next.map((result) => result.data ? result.data() : result));
  if (current !== generation) return;
  list.append(...items.map(resultItem));
  more.hidden = shown.length === 0;
}

async function search() {
  const current = ++generation;
  const query = input.value.trim();
  const chosen = chosenFilters();
  showState(query);
  const words = searchedWords(query);
  if (!words && Object.keys(chosen).length === 0) {
    list.replaceChildren();
    more.hidden = true;
    status.textContent = query ? "نام شهر، کد دفتر، نام دارنده پروانه یا نام خدمت را بنویسید." : "";
    browse.hidden = false;
    list.dataset.query = query;
    return;
  }
  const found = await pagefind.search(words || null, { filters: chosen });
  if (current !== generation) return;
  shown = await placesFirst(found.results, words);
  if (current !== generation) return;
  list.replaceChildren();
  const quoted = query ? `برای «${query}»` : "با این فیلترها";
  status.textContent = persianDigits(found.results.length
    ? `${found.results.length} نتیجه ${quoted}`
    : `نتیجه‌ای ${quoted} پیدا نشد. املای دیگری را بیازمایید یا دفتر را از فهرست‌های زیر بیابید.`);
  browse.hidden = found.results.length > 0;
  await showMore(current);
  list.dataset.query = query;   // lets a test or a benchmark see which query's results are on screen
}

// A county's name alone may stand in two provinces: the county list is grouped by province, whose filter it sets.
function provinceOfCounty() {
  const county = filters.querySelector("select[name=county]");
  if (county.value) filters.querySelector("select[name=province]").value = county.selectedOptions[0].parentElement.label;
}

// Pagefind ranks an office that names a place twice (its city, its holder's name) above the place's
// own page. Among the first results, the pages whose title holds every word typed come first: the
// county page for a county's name, the service page for a service's name.
async function placesFirst(results, words) {
  const head = await Promise.all(results.slice(0, 2 * PAGE).map((result) => result.data()));
  const typed = words.split(" ").filter(Boolean);
  const named = (data) => typed.length > 0 && typed.every((word) => normalise(data.meta.title).includes(word));
  return [...head.filter(named), ...head.filter((data) => !named(data)), ...results.slice(2 * PAGE)];
}

let timer = 0;
function searchSoon() {
  clearTimeout(timer);
  timer = setTimeout(search, PAUSE);
}

async function start() {
  try {
    pagefind = await import(form.dataset.bundle + "pagefind.js");
    await pagefind.options({ excerptLength: 24 });
    await pagefind.init();
  } catch (error) {
    status.textContent = "جستجو در این مرورگر بارگیری نشد. دفتر را از فهرست‌های زیر بیابید.";
    return;
  }
  filters.hidden = false;
  form.addEventListener("submit", (event) => { event.preventDefault(); clearTimeout(timer); search(); });
  input.addEventListener("input", searchSoon);
  filters.addEventListener("change", (event) => {
    if (event.target.name === "county") provinceOfCounty();
    searchSoon();
  });
  more.addEventListener("click", () => showMore(generation));
  restoreState();
  provinceOfCounty();
  if (input.value || Object.keys(chosenFilters()).length) await search();
}

start();
