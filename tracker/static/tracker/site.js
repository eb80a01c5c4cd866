// Small progressive enhancements; every page works without them.
document.addEventListener("DOMContentLoaded", () => {
  // Character counters for fields with data-counter (e.g. the pledge description).
  for (const field of document.querySelectorAll("textarea[data-counter]")) {
    const [min, max] = field.dataset.counter.split(",").map(Number);
    const output = document.createElement("p");
    output.className = "counter";
    output.setAttribute("aria-live", "polite");
    output.id = `${field.id}-counter`;
    field.setAttribute("aria-describedby", `${field.getAttribute("aria-describedby") || ""} ${output.id}`.trim());
    field.insertAdjacentElement("afterend", output);
    const update = () => {
      const length = field.value.trim().length;
      const hint = length < min ? `${min - length} more needed` : length > max ? `${length - max} too many` : "within the limits";
      output.textContent = `${length} of ${min}–${max} characters: ${hint}.`;
    };
    field.addEventListener("input", update);
    update();
  }

  // Suggestions for fields with data-lookup: published pledges by reference or title.
  for (const field of document.querySelectorAll("input[data-lookup]")) {
    const options = document.getElementById(field.getAttribute("list"));
    let timer;
    field.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(async () => {
        const query = field.value.trim();
        if (query.length < 2) return;
        const response = await fetch(`${field.dataset.lookup}?q=${encodeURIComponent(query)}`);
        if (!response.ok) return;
        const { results } = await response.json();
        options.replaceChildren(...results.map(({ reference, title }) => {
          const option = document.createElement("option");
          option.value = `${reference} ${title}`;
          return option;
        }));
      }, 250);
    });
  }

  // A filter box for long checklists (the places of a pledge): narrows them as one types,
  // accents and case aside.
  const fold = (text) => text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase().trim();
  for (const list of document.querySelectorAll(".checklist")) {
    const filter = list.querySelector(".checklist-filter");
    filter.hidden = false;
    filter.addEventListener("input", () => {
      const wanted = fold(filter.value);
      for (const group of list.querySelectorAll("details")) {
        let shown = 0;
        for (const item of group.querySelectorAll("li")) {
          const match = !wanted || fold(item.textContent).includes(wanted);
          item.hidden = !match;
          shown += match ? 1 : 0;
        }
        group.hidden = shown === 0;
        if (wanted) group.open = shown > 0;
      }
    });
  }
});
