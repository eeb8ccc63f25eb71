// The dish page's options form (templates/web/partials/dish_options_form.html): shows the price
// of one as choices change, and stops a group's checkboxes at its maximum. The server computes
// and checks everything again; without this file the form works the same, the price shown is the
// dish's own and a rule broken is explained after posting.
(function () {
  "use strict";

  function format(amount, currency) {
    try {
      return new Intl.NumberFormat("en-US", { style: "currency", currency: currency }).format(amount);
    } catch (error) {
      return amount.toFixed(2) + " " + currency;
    }
  }

  function counts(input, form) {
    if (!input.checked || input.disabled) return false;
    var requires = input.getAttribute("data-requires");
    if (!requires) return true;
    var dish = form.querySelector("#" + CSS.escape(requires));
    return Boolean(dish && dish.checked);
  }

  function update(form) {
    var cents = Math.round(parseFloat(form.getAttribute("data-base-price")) * 100);
    form.querySelectorAll("input[data-price-delta]").forEach(function (input) {
      if (counts(input, form)) cents += Math.round(parseFloat(input.getAttribute("data-price-delta")) * 100);
    });
    var output = form.querySelector("[data-price-output]");
    if (output) output.textContent = format(cents / 100, form.getAttribute("data-currency") || "USD");
  }

  function limit(form, changed) {
    var max = parseInt(changed.getAttribute("data-group-max") || "0", 10);
    if (!max || changed.type !== "checkbox") return;
    var group = form.querySelectorAll('input[name="' + CSS.escape(changed.name) + '"]');
    var chosen = Array.prototype.filter.call(group, function (input) { return input.checked; }).length;
    group.forEach(function (input) {
      if (!input.checked && !input.hasAttribute("data-unavailable")) input.disabled = chosen >= max;
    });
  }

  function setUp(form) {
    form.querySelectorAll("input[disabled]").forEach(function (input) {
      input.setAttribute("data-unavailable", "");
    });
    form.addEventListener("change", function (event) {
      if (event.target instanceof HTMLInputElement) limit(form, event.target);
      update(form);
    });
    update(form);
  }

  function start() {
    document.querySelectorAll("form[data-dish-options]").forEach(setUp);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
