// Filters a list or table in place as the citizen types: the offices of a county, the services
// offered in it, the counties where a service is offered. Without this script all are shown.
// The page gives the words: the filter's label (data-filterable) and how many match (data-filter-count, {count} for the number).

// As the search page does (search.js): Persian ی/ک, Latin digits; here also without the zero-width non-joiner.
function normalise(text) {
  return text
    .replace(/[يى]/g, "ی")
    .replace(/ك/g, "ک")
    .replace(/[۰-۹]/g, (digit) => String(digit.charCodeAt(0) - 0x06f0))
    .replace(/[٠-٩]/g, (digit) => String(digit.charCodeAt(0) - 0x0660))
    .replace(/\u200c/g, "")
    .toLowerCase();
}

const FEW = 6;  // a shorter list is read at a glance
const PERSIAN = document.documentElement.lang === "fa";

// A Persian page shows Persian digits; a page in another language, Latin ones.
function shownNumber(number) {
  return PERSIAN ? String(number).replace(/[0-9]/g, (digit) => "۰۱۲۳۴۵۶۷۸۹"[digit]) : String(number);
}

function addFilter(container, number) {
  const table = container.matches("table");
  const items = [...container.querySelectorAll(table ? "tbody tr" : "li")];
  const texts = items.map((item) => normalise(item.textContent));
  const groups = [...container.querySelectorAll("details, h3 + ul")];
  if (items.length < FEW) return;
  const label = document.createElement("label");
  label.textContent = container.dataset.filterable + ": ";
  const input = document.createElement("input");
  input.type = "search";
  input.id = "filter-" + number;
  label.htmlFor = input.id;
  const count = document.createElement("output");
  count.htmlFor = input.id;
  count.setAttribute("aria-live", "polite");
  input.addEventListener("input", () => {
    const words = normalise(input.value).split(/\s+/).filter(Boolean);
    let visible = 0;
    items.forEach((item, index) => {
      item.hidden = !words.every((word) => texts[index].includes(word));
      visible += !item.hidden;
    });
    for (const group of groups) {
      const shown = [...group.querySelectorAll("li")].some((item) => !item.hidden);
      if (group.matches("details")) {
        group.hidden = !shown;
        group.open = words.length > 0 && shown;
      } else {
        group.hidden = !shown;
        group.previousElementSibling.hidden = !shown;
      }
    }
    count.textContent = words.length ? (container.dataset.filterCount || "{count}").replace("{count}", shownNumber(visible)) : "";
  });
  const wrapper = container.closest(".scroll") || container;
  const bar = document.createElement("p");
  bar.className = "in-place-bar";
  bar.append(label, input, " ", count);
  wrapper.before(bar);
}

document.querySelectorAll("[data-filterable]").forEach(addFilter);
