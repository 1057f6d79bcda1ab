#!/usr/bin/env node
// Lays out XHTML content documents as reading systems that paginate with CSS columns do
// (Foliate, Apple Books, Readium: the document's html element cut into columns as tall as
// the screen), and reports where each heading falls in its column. For the tests.
//
//   node column_pages.js NODE_MODULES CHROMIUM OUTPUT.json HEIGHT,... FILE...
'use strict';

const fs = require('fs');
const path = require('path');
const { createRequire } = require('module');
const { pathToFileURL } = require('url');

const COLUMNS = `html { height: var(--page) !important; column-width: 30em; column-gap: 2em;
  column-fill: auto; overflow: hidden; margin: 0 !important; padding: 0 !important; }
  body { margin: 0 !important; }
  /* WebKit (Foliate, Apple Books) ignores break-after: avoid in columns; Chromium keeps it.
     Ignored here too, so that the layout is theirs. */
  h1, h2, h3, h4, h5, h6 { break-after: auto !important; page-break-after: auto !important; }`;

function measure() {
  const page = document.documentElement.getBoundingClientRect().height;
  const body = document.querySelector('p');
  const style = body ? getComputedStyle(body) : null;
  const line = style ? (parseFloat(style.lineHeight) || 1.2 * parseFloat(style.fontSize)) : 0;
  return Array.from(document.querySelectorAll('h2, h3, h4, h5, h6')).map((heading) => {
    const rects = Array.from(heading.getClientRects());
    return {
      text: heading.textContent.trim(),
      columns: new Set(rects.map((r) => Math.round(r.left))).size,
      // The heading's text: its last line box, without the room its ::after keeps.
      bottom: Math.max(...Array.from(heading.childNodes).flatMap((node) => {
        const range = document.createRange();
        range.selectNodeContents(node);
        return Array.from(range.getClientRects()).map((r) => r.bottom);
      })),
      page, line,
    };
  });
}

async function main() {
  const [modules, chromium, output, heights, ...files] = process.argv.slice(2);
  const puppeteer = createRequire(path.join(modules, 'noop.js'))('puppeteer-core');
  const browser = await puppeteer.launch({ executablePath: chromium, headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--allow-file-access-from-files'] });
  const found = [];
  try {
    const page = await browser.newPage();
    for (const height of heights.split(',').map(Number)) {
      await page.setViewport({ width: 1000, height });
      for (const file of files) {
        await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
        await page.addStyleTag({ content: COLUMNS.replace('var(--page)', `${height}px`) });
        for (const heading of await page.evaluate(measure)) found.push({ file, height, ...heading });
      }
    }
  } finally {
    await browser.close();
  }
  fs.writeFileSync(output, JSON.stringify(found, null, 1));
}

main().catch((error) => { process.stderr.write(`${error.stack || error}\n`); process.exit(1); });
