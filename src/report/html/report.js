// Filters for the preflight report. The page is complete without this
// script; it only shows the filter form and hides what the filters leave out.
(function () {
  "use strict";
  var form = document.getElementById("filters");
  if (!form) { return; }
  var cards = Array.prototype.slice.call(document.querySelectorAll("article.card"));
  var total = document.querySelectorAll("li.finding").length;
  var shown = document.getElementById("shown");
  function apply() {
    var sev = {};
    var narrowed = false;
    Array.prototype.forEach.call(form.querySelectorAll("input[name=severity]"), function (c) {
      sev[c.value] = c.checked;
      if (!c.checked) { narrowed = true; }
    });
    var rule = form.elements.rule.value;
    var channel = form.elements.channel.value;
    var campaign = form.elements.campaign.value;
    if (rule !== "") { narrowed = true; }
    var n = 0;
    cards.forEach(function (card) {
      var chans = (card.getAttribute("data-channels") || "").split(" ");
      var cardOk = (channel === "" || chans.indexOf(channel) >= 0) &&
        (campaign === "" || card.id === campaign);
      var visible = 0;
      Array.prototype.forEach.call(card.querySelectorAll("li.finding"), function (f) {
        var ok = cardOk && sev[f.getAttribute("data-severity")] === true &&
          (rule === "" || f.getAttribute("data-rule") === rule);
        f.hidden = !ok;
        if (ok) { visible += 1; }
      });
      n += visible;
      card.hidden = !cardOk || (narrowed && visible === 0);
    });
    shown.textContent = "Showing " + n + " of " + total + (total === 1 ? " finding." : " findings.");
  }
  form.addEventListener("change", apply);
  form.addEventListener("reset", function () { window.setTimeout(apply, 0); });
  form.hidden = false;
  apply();
}());
