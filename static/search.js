// The search page: runs Pagefind in the browser over the index the build wrote.
// Without this script the page still links to the lists of provinces, counties and services.
// Every page searches the one index, written in Persian; the page gives the script its words (data-messages)
// and the root of its language, under which a result's page has its twin (data-root).

const form = document.getElementById("search");
const input = document.getElementById("q");
const filters = form.querySelector(".filters");
const status = document.getElementById("search-status");
const list = document.getElementById("results");
const more = document.getElementById("more");
const browse = document.getElementById("browse");
const COMMON = new Set(form.dataset.commonWords.split(" "));  // left out of the index: see site_builder/persian.py
const MESSAGES = JSON.parse(form.dataset.messages);
const WORDS = new Map(MESSAGES.words || []);  // the index's words (kinds, statuses, types) in the page's language
const PERSIAN = document.documentElement.lang === "fa";
const PLURAL = new Intl.PluralRules(document.documentElement.lang);
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

// A Persian page shows Persian digits; results come from the index with Latin ones, as pages in other languages show them.
function persianDigits(text) {
  return PERSIAN ? text.replace(/[0-9]/g, (digit) => "۰۱۲۳۴۵۶۷۸۹"[digit]) : text;
}

function persianDigitsIn(element) {
  if (!PERSIAN) return;
  const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    node.nodeValue = persianDigits(node.nodeValue);
  }
}

// What the index is searched for: the query normalised, without the words every office has.
function searchedWords(query) {
  return normalise(query).split(/[\s،,]+/).filter((word) => word && !COMMON.has(word)).join(" ");
}

// A message of the page with its {names} replaced by values: text, or nodes (see persian).
function message(text, values = {}) {
  return text.split(/\{(\w+)\}/).map((part, index) => index % 2 ? values[part] : part).filter((part) => part !== "");
}

function counted(forms, count, values) {
  return message(forms[PLURAL.select(count)] || forms.other, { count: String(count), ...values }).join("");
}

// Text the index holds, which is Persian: marked as such on a page in another language.
function persian(text = "") {
  if (PERSIAN) return text;
  const span = document.createElement("span");
  span.lang = "fa";
  span.dir = "rtl";
  span.textContent = text;
  return span;
}

// A word of the index (an office's kind or status, a result's type) in the page's language, where the page gives it.
function word(text) {
  return WORDS.get(text) ?? persian(text);
}

// The index names the Persian pages, under the site's root; a page in another language links to their twins under its own.
function pageOf(url) {
  const { indexRoot, root } = form.dataset;
  return url.startsWith(indexRoot) ? root + url.slice(indexRoot.length) : url;
}

function chosenFilters() {
  const chosen = {};
  for (const select of filters.querySelectorAll("select")) {
    // A page in another language than the index's gives an option's value in the index as its data-index.
    if (select.value) chosen[select.name] = normalise(select.selectedOptions[0].dataset.index || select.value);
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

// An office's status or license state as every page shows it (templates/_trust.html): its words, and its colour by
// its code, where the index gives one.
function badge(kind, code, text) {
  const span = document.createElement("span");
  span.className = code ? `trust ${kind}-${code}` : "trust";
  span.append(word(text));
  return span;
}

function resultItem(data) {
  const item = document.createElement("li");
  const link = document.createElement("a");
  link.href = pageOf(data.meta.url || data.url);
  link.append(persian(data.meta.title));
  const heading = document.createElement("h2");
  heading.append(link);
  const type = (data.filters.type || [])[0];
  if (type) {
    const tag = document.createElement("span");
    tag.className = "tag";
    tag.append(word(type));
    heading.append(" ", tag);
  }
  item.append(heading);
  const facts = [data.meta.kind].filter(Boolean).map((fact) => [word(fact)]);
  if (data.meta.status) facts.push([badge("status", data.meta.status_code, data.meta.status)]);
  if (data.meta.license) facts.push([badge("license", data.meta.license_state, data.meta.license)]);
  facts.push(...[data.meta.place, data.meta.agency].filter(Boolean).map((fact) => [persian(fact)]));
  if (data.meta.fee) facts.push(message(MESSAGES.fee, { fee: persian(data.meta.fee) }));
  if (data.meta.date) facts.push([data.meta.date]);
  if (facts.length) {
    const line = document.createElement("p");
    line.className = "result-facts";
    facts.forEach((fact, index) => line.append(...(index ? [" · "] : []), ...fact));
    item.append(line);
  }
  const excerpt = document.createElement("p");
  if (data.meta.address) {  // an office: its address in full, which the index holds without its common words
    const address = persian(data.meta.address);
    excerpt.append(...(data.meta.holder ? message(MESSAGES.holder, { address, holder: persian(data.meta.holder) }) : [address]));
  } else {
    const text = PERSIAN ? excerpt : excerpt.appendChild(persian());
    text.innerHTML = data.excerpt;  // Pagefind escapes the indexed text and adds only <mark>
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
    status.textContent = query ? MESSAGES.prompt : "";
    browse.hidden = false;
    list.dataset.query = query;
    return;
  }
  const found = await pagefind.search(words || null, { filters: chosen });
  if (current !== generation) return;
  shown = await placesFirst(found.results, words);
  if (current !== generation) return;
  list.replaceChildren();
  const count = found.results.length;
  status.textContent = persianDigits(query
    ? (count ? counted(MESSAGES.found, count, { query }) : message(MESSAGES.none, { query }).join(""))
    : (count ? counted(MESSAGES.foundFiltered, count) : MESSAGES.noneFiltered));
  browse.hidden = found.results.length > 0;
  await showMore(current);
  list.dataset.query = query;   // lets a test or a benchmark see which query's results are on screen
}

// A county's name alone may stand in two provinces: the county list is grouped by province, whose filter it sets.
function provinceOfCounty() {
  const county = filters.querySelector("select[name=county]");
  if (!county.value) return;
  // The group's label is the province's name as the page shows it; its option's value, as the index holds it.
  const province = filters.querySelector("select[name=province]");
  const label = county.selectedOptions[0].parentElement.label;
  province.value = ([...province.options].find((option) => option.text === label) || { value: label }).value;
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
    status.textContent = MESSAGES.failed;
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
