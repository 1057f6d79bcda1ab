#!/usr/bin/env node
// axe-core on XHTML content documents, in one headless Chromium, for quire/validate.py.
//
//   node axe_run.js CONFIG.json
//
// CONFIG: {"node_modules": folder holding puppeteer-core and @daisy/axe-core-for-ace (DAISY
// Ace's own), "chromium": executable, "flags": [Chromium flags], "files": [absolute paths],
// "viewports": [[width, height], ...], "tags": [axe tags], "rules": [extra rule ids],
// "output": where the JSON results go}.
// Every file is loaded from file:// at every viewport (a page each, a few at a time) and
// axe is run on it with runOnly = the tags and the extra rules. http(s) requests are
// aborted. The results keep what a verdict needs: the rules run, and each violation or
// "needs review" with its nodes.
'use strict';

const fs = require('fs');
const path = require('path');
const { createRequire } = require('module');
const { pathToFileURL } = require('url');

const CONCURRENCY = 4;
const TIMEOUT = 120000;

function nodes(result) {
  return result.nodes.map((node) => ({
    target: node.target.map(String).join(' '),
    html: node.html.slice(0, 300),
    summary: (node.failureSummary || '').replace(/\s+/g, ' ').trim(),
  }));
}

function rules(results) {
  return results.map((r) => ({ id: r.id, impact: r.impact || null, help: r.help,
                               helpUrl: r.helpUrl, tags: r.tags, nodes: nodes(r) }));
}

async function check(browser, file, viewport, axeSource, runOptions) {
  const page = await browser.newPage();
  try {
    await page.setViewport({ width: viewport[0], height: viewport[1] });
    await page.setRequestInterception(true);
    page.on('request', (request) => {
      if (/^https?:/.test(request.url())) request.abort(); else request.continue();
    });
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load', timeout: TIMEOUT });
    await page.evaluate(axeSource);
    const result = await page.evaluate((options) => window.axe.run(document, options),
                                       runOptions);
    return {
      file, viewport, engine: result.testEngine.version,
      violations: rules(result.violations),
      incomplete: rules(result.incomplete),
      passes: result.passes.map((r) => r.id),
      inapplicable: result.inapplicable.map((r) => r.id),
    };
  } finally {
    await page.close();
  }
}

async function main() {
  const config = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
  const need = createRequire(path.join(config.node_modules, 'noop.js'));
  const puppeteer = need('puppeteer-core');
  const axePath = path.join(path.dirname(need.resolve('@daisy/axe-core-for-ace/package.json')),
                            'axe.js');
  const axeSource = fs.readFileSync(axePath, 'utf8');
  const runOptions = {
    runOnly: { type: 'tag', values: config.tags },
    rules: Object.fromEntries(config.rules.map((id) => [id, { enabled: true }])),
    resultTypes: ['violations', 'incomplete'],
  };
  const browser = await puppeteer.launch({
    executablePath: config.chromium, headless: true, args: config.flags, timeout: TIMEOUT,
    protocolTimeout: TIMEOUT,
  });
  const jobs = [];
  for (const file of config.files) for (const viewport of config.viewports) jobs.push([file, viewport]);
  const documents = new Array(jobs.length);
  let chromium = null;
  try {
    let next = 0;
    const worker = async () => {
      while (next < jobs.length) {
        const index = next++;
        documents[index] = await check(browser, ...jobs[index], axeSource, runOptions);
      }
    };
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY, jobs.length) }, worker));
    chromium = await browser.version();
  } finally {
    await browser.close();
  }
  fs.writeFileSync(config.output, JSON.stringify({
    axe: documents.length ? documents[0].engine : null, chromium, documents,
  }, null, 1));
}

main().catch((error) => {
  process.stderr.write(`axe run failed: ${error && error.stack ? error.stack : error}\n`);
  process.exit(1);
});
