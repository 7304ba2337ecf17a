// The HTML report in a real browser (Debian's Chromium, driven by
// playwright-core), with the network blocked. Called by
// scripts/browser-report-check.sh, which builds the reports:
//
//   node browser-report-check.cjs WORK_DIR OUT_DIR NODE_MODULES
//
// WORK_DIR holds examples.html/.json and hostile.html/.json (the same run
// in both formats); screenshots go to OUT_DIR. Exits 1 on any failure.
"use strict";
const fs = require("fs");
const os = require("os");
const path = require("path");

const [work, out, modules] = process.argv.slice(2);
const { chromium } = require(path.join(modules, "playwright-core"));
const axeSource = fs.readFileSync(path.join(modules, "axe-core", "axe.min.js"), "utf8");

const FLAGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-extensions",
  "--disable-default-apps",
  "--host-resolver-rules=MAP * ~NOTFOUND",
];

let failures = 0;
function check(ok, what, detail) {
  if (ok) {
    console.log(`ok - ${what}`);
  } else {
    failures += 1;
    console.log(`not ok - ${what}${detail === undefined ? "" : `: ${typeof detail === "string" ? detail : JSON.stringify(detail)}`}`);
  }
}

/** Opens a report with the network blocked; records what the page tried. */
async function open(name, { javascript = true } = {}) {
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), "preflight-chromium-"));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: "/usr/bin/chromium",
    headless: true,
    args: FLAGS,
    javaScriptEnabled: javascript,
    offline: true,
    viewport: { width: 1280, height: 900 },
    colorScheme: "light",
  });
  const page = context.pages()[0] || (await context.newPage());
  const file = path.resolve(work, `${name}.html`);
  const url = "file://" + file;
  const seen = { requests: [], blocked: [], console: [], pageErrors: [] };
  await context.route("**/*", (route) => {
    const u = route.request().url();
    if (u === url || u.startsWith(url + "#")) {
      return route.continue();
    }
    seen.blocked.push(u);
    return route.abort();
  });
  page.on("request", (r) => seen.requests.push(r.url()));
  page.on("console", (m) => {
    if (m.type() === "error" || m.type() === "warning") {
      seen.console.push(`${m.type()}: ${m.text()}`);
    }
  });
  page.on("pageerror", (e) => seen.pageErrors.push(String(e)));
  // Runs before the page's own script (through the DevTools protocol, so
  // the page's CSP does not apply to it): records CSP violations.
  await page.addInitScript(() => {
    window.__csp = [];
    document.addEventListener("securitypolicyviolation", (e) => {
      window.__csp.push(`${e.violatedDirective} ${e.blockedURI} ${e.sample}`);
    });
  });
  await page.goto(url, { waitUntil: "load" });
  return { context, page, seen, url, userDataDir };
}

async function close(o) {
  await o.context.close();
  fs.rmSync(o.userDataDir, { recursive: true, force: true });
}

function checkQuiet(name, o) {
  const others = o.seen.requests.filter((u) => u !== o.url);
  check(others.length === 0 && o.seen.blocked.length === 0, `${name}: no request left the page`, { others, blocked: o.seen.blocked });
  check(o.seen.console.length === 0 && o.seen.pageErrors.length === 0, `${name}: no console error or warning`, [...o.seen.console, ...o.seen.pageErrors]);
}

async function axe(name, page) {
  await page.evaluate(axeSource);
  const result = await page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ["violations"] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.length, target: v.nodes.slice(0, 3).map((n) => n.target.join(" ")) }));
  });
  const bad = result.filter((v) => v.impact === "serious" || v.impact === "critical");
  check(bad.length === 0, `${name}: axe-core finds no serious or critical violation`, bad);
  const minor = result.filter((v) => !(v.impact === "serious" || v.impact === "critical"));
  if (minor.length > 0) {
    console.log(`# ${name}: axe-core, minor or moderate: ${JSON.stringify(minor)}`);
  }
}

async function visibleFindings(page) {
  return page.evaluate(() =>
    Array.from(document.querySelectorAll("li.finding"))
      .filter((li) => li.offsetParent !== null)
      .map((li) => ({ severity: li.dataset.severity, rule: li.dataset.rule, channels: li.closest("article").dataset.channels })),
  );
}

async function examples() {
  const json = JSON.parse(fs.readFileSync(path.join(work, "examples.json"), "utf8"));
  const o = await open("examples");
  const { page } = o;
  // The summary says what the JSON says.
  const counts = await page.evaluate(() => {
    const c = {};
    document.querySelectorAll("[data-count]").forEach((e) => { c[e.dataset.count] = Number(e.textContent); });
    return c;
  });
  for (const k of ["errors", "warnings", "advice", "campaigns", "files"]) {
    check(counts[k] === json.summary[k], `summary: ${k} is ${json.summary[k]} as in --format json`, counts[k]);
  }
  check(counts.ready + counts.with_errors + counts.with_warnings === json.summary.campaigns, "summary: ready, with errors and with warnings add up to the campaigns", counts);
  // Every finding is on the page, once.
  const onPage = await page.evaluate(() =>
    Array.from(document.querySelectorAll("li.finding")).map((li) => `${li.dataset.file}:${li.dataset.line}:${li.dataset.rule}`),
  );
  const expected = json.findings.map((f) => `${f.file}:${f.line}:${f.code}`);
  const sorted = (a) => [...a].sort();
  check(JSON.stringify(sorted(onPage)) === JSON.stringify(sorted(expected)), `every finding is on the page (${expected.length})`, { onPage: onPage.length, expected: expected.length });
  const messages = await page.evaluate(() => Array.from(document.querySelectorAll("li.finding .msg")).map((p) => p.textContent));
  const missing = json.findings.filter((f) => !messages.includes(f.message.replace(/`/g, "")));
  check(missing.length === 0, "every finding's message is on the page as written", missing.map((f) => f.message).slice(0, 3));
  const marks = await page.locator("li.finding mark").count();
  check(marks > json.findings.length / 2, `the copy is quoted with the words marked (${marks} marks)`);
  // Filters.
  check(await page.locator("#filters").isVisible(), "filters: the form is shown when scripts run");
  let v = await visibleFindings(page);
  check(v.length === json.findings.length, "filters: everything shows at first", v.length);
  await page.getByLabel("Error", { exact: false }).first().uncheck();
  v = await visibleFindings(page);
  const nonErrors = json.findings.filter((f) => f.severity !== "error").length;
  check(v.length === nonErrors && v.every((f) => f.severity !== "error"), `filters: unticking errors hides the ${json.findings.length - nonErrors} errors`, v.length);
  await page.locator("#filters button[type=reset]").click();
  await page.waitForTimeout(50);
  v = await visibleFindings(page);
  check(v.length === json.findings.length, "filters: 'Show everything' shows them again", v.length);
  await page.selectOption("select[name=rule]", "PF702");
  v = await visibleFindings(page);
  const overload = json.findings.filter((f) => f.code === "PF702").length;
  check(v.length === overload && overload > 0 && v.every((f) => f.rule === "PF702"), `filters: one rule shows its ${overload} findings only`, v.length);
  const shownText = await page.locator("#shown").textContent();
  check(shownText.includes(`Showing ${overload} of ${json.findings.length}`), "filters: the live line says how many show", shownText);
  await page.selectOption("select[name=rule]", "");
  await page.selectOption("select[name=channel]", "sms");
  v = await visibleFindings(page);
  check(v.length > 0 && v.every((f) => f.channels.split(" ").includes("sms")), "filters: a channel shows its campaigns only", v.length);
  const cards = await page.evaluate(() => Array.from(document.querySelectorAll("article.card")).filter((a) => !a.hidden).length);
  await page.selectOption("select[name=channel]", "");
  const firstCard = await page.locator("select[name=campaign] option").nth(1).getAttribute("value");
  await page.selectOption("select[name=campaign]", firstCard);
  const oneCard = await page.evaluate(() => Array.from(document.querySelectorAll("article.card")).filter((a) => !a.hidden).map((a) => a.id));
  check(oneCard.length === 1 && oneCard[0] === firstCard && cards > 1, "filters: a campaign shows its card only", oneCard);
  await page.locator("#filters button[type=reset]").click();
  await page.waitForTimeout(50);
  // Keyboard: the filters and the calendar's marks are reachable by Tab.
  await page.keyboard.press("Tab");
  await page.keyboard.press("Tab");
  const focused = await page.evaluate(() => document.activeElement && document.activeElement.tagName);
  check(focused !== "BODY", "keyboard: Tab moves focus into the page", focused);
  const calendarLinks = await page.locator(".calendar svg a").count();
  check(calendarLinks === json.summary.campaigns - 0 || calendarLinks > 0, `calendar: ${calendarLinks} campaigns are marked, each a link to its card`);
  const overloaded = await page.locator(".calendar rect.over").count();
  check(overloaded > 0, "calendar: the overloaded week is outlined");
  const occasions = await page.locator(".calendar .occ-l").count();
  check(occasions > 0, `calendar: ${occasions} occasions of the run's regions are marked`);
  // The rule's explanation is on the page.
  const doc = page.locator("li.finding details.doc").first();
  await doc.locator("summary").click();
  check(await doc.locator(".doc-body").isVisible(), "a rule's explanation opens in place");
  await doc.locator("summary").click();
  checkQuiet("examples", o);
  const csp = await page.evaluate(() => window.__csp);
  check(csp.length === 0, "examples: no Content-Security-Policy violation", csp);
  await axe("examples", page);
  // Every explanation open: still no serious violation.
  await page.evaluate(() => document.querySelectorAll("details").forEach((d) => { d.open = true; }));
  await axe("examples, explanations open", page);
  await page.evaluate(() => document.querySelectorAll("details").forEach((d) => { d.open = false; }));
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: path.join(out, "report-examples.png"), fullPage: true });
  await page.screenshot({ path: path.join(out, "report-examples-top.png"), clip: { x: 0, y: 0, width: 1280, height: 2000 }, fullPage: true });
  const card = page.locator("article.card", { hasText: "June grill guide" }).first();
  // The sticky filter bar would cover part of the card in its picture.
  await page.evaluate(() => { document.getElementById("filters").style.position = "static"; });
  await card.locator("details.doc").first().locator("summary").click();
  await card.screenshot({ path: path.join(out, "report-examples-card.png") });
  await card.locator("details.doc").first().locator("summary").click();
  await page.evaluate(() => { document.getElementById("filters").style.position = ""; });
  await close(o);

  // Without scripts the page shows everything (and no filter form).
  const nojs = await open("examples", { javascript: false });
  v = await visibleFindings(nojs.page);
  check(v.length === json.findings.length, "without scripts: every finding shows", v.length);
  check(!(await nojs.page.locator("#filters").isVisible()), "without scripts: the filter form, which needs them, is hidden");
  await close(nojs);
}

async function hostile() {
  const json = JSON.parse(fs.readFileSync(path.join(work, "hostile.json"), "utf8"));
  const o = await open("hostile");
  const { page } = o;
  // Hover and focus everything, open every explanation, use the filters.
  await page.evaluate(() => {
    for (const e of document.querySelectorAll("*")) {
      for (const t of ["mouseover", "mouseenter", "focus", "click"]) {
        if (t === "click" && (e.tagName === "A" || e.tagName === "SUMMARY" || e.tagName === "BUTTON")) { continue; }
        e.dispatchEvent(new Event(t));
      }
    }
    document.querySelectorAll("details").forEach((d) => { d.open = true; });
  });
  const pwned = await page.evaluate(() => window.__pwned);
  check(pwned === undefined, "hostile copy: no script from the campaign ran", pwned);
  const dom = await page.evaluate(() => {
    const handlers = [];
    for (const e of document.querySelectorAll("*")) {
      for (const a of e.getAttributeNames()) {
        if (a.toLowerCase().startsWith("on")) { handlers.push(`${e.tagName} ${a}`); }
      }
    }
    return {
      handlers,
      scripts: document.querySelectorAll("script").length,
      styles: document.querySelectorAll("style").length,
      images: document.querySelectorAll("img").length,
      jsLinks: Array.from(document.querySelectorAll("[href]")).filter((a) => !a.getAttribute("href").startsWith("#")).map((a) => a.getAttribute("href")),
      text: document.body.innerText,
      title: document.title,
    };
  });
  await page.selectOption("select[name=rule]", json.findings[0].code);
  await page.waitForTimeout(100);
  check((await page.evaluate(() => window.__pwned)) === undefined, "hostile copy: nothing ran after filtering either");
  check(dom.handlers.length === 0, "hostile copy: no element carries an inline handler", dom.handlers);
  check(dom.scripts === 2 && dom.styles === 1 && dom.images === 0, "hostile copy: only the page's own script and style, no image", dom);
  check(dom.jsLinks.length === 0, "hostile copy: no link leaves the page (no javascript: URL)", dom.jsLinks);
  for (const literal of [
    "Sale </script><script>window.__pwned='name'</script> \"><img src=x onerror=\"window.__pwned='img'\">",
    "<svg onload=\"window.__pwned='segment'\">everyone</svg>",
    "javascript:window.__pwned='value'",
    "</script><script>window.__pwned='subject'</script>",
    "<a href=\"javascript:window.__pwned='href'\">this</a>",
  ]) {
    check(dom.text.includes(literal), `hostile copy: shows ${JSON.stringify(literal.slice(0, 40))}… as text`);
  }
  const data = await page.evaluate(() => JSON.parse(document.getElementById("preflight-data").textContent));
  check(data.findings.length === json.findings.length && data.findings.every((f, i) => f.message === json.findings[i].message), "hostile copy: the inline JSON reads back as the findings' messages");
  checkQuiet("hostile", o);
  const csp = await page.evaluate(() => window.__csp);
  check(csp.length === 0, "hostile: no Content-Security-Policy violation (nothing tried to run)", csp);
  await axe("hostile", page);
  await page.screenshot({ path: path.join(out, "report-hostile.png"), fullPage: true });
  await close(o);
}

(async () => {
  try {
    await examples();
    await hostile();
  } catch (e) {
    failures += 1;
    console.log(`not ok - the browser check stopped: ${e && e.stack ? e.stack : e}`);
  }
  console.log(failures === 0 ? "browser check: all passed" : `browser check: ${failures} failed`);
  process.exit(failures === 0 ? 0 : 1);
})();
