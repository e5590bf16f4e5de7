#!/usr/bin/env node
// The `kc` launcher (package.json "bin", and `npm run kc`): runs scripts/kc.ts with ts-node in transpile-only mode,
// keeping each transpiled file in node_modules/.cache/kc-cli (keyed by the file's path and content and the ts-node and
// TypeScript versions), so a command starts in well under a second once the cache is warm: the typechain ABIs it
// loads are large files to transpile. Set KC_NO_CACHE=1 to transpile everything afresh.
/* global require, __dirname, process */
/* eslint-disable @typescript-eslint/no-require-imports */
"use strict";
const crypto = require("node:crypto");
const fs = require("node:fs");
const path = require("node:path");

const root = path.resolve(__dirname, "..", "..", "..");
const cacheDir = path.join(root, "node_modules", ".cache", "kc-cli");
const useCache = !process.env.KC_NO_CACHE;
const versions = ["ts-node", "typescript"].map((name) => require(`${name}/package.json`).version).join("/");

let service;
function transpile(source, filename) {
  service ??= require("ts-node").create({ transpileOnly: true, project: path.join(root, "tsconfig.json") });
  return service.compile(source, filename);
}

require.extensions[".ts"] = function (module, filename) {
  const source = fs.readFileSync(filename, "utf8");
  if (!useCache) return module._compile(transpile(source, filename), filename);
  const key = crypto.createHash("sha256").update(`${versions}\0${filename}\0${source}`).digest("hex");
  const cached = path.join(cacheDir, `${key.slice(0, 40)}.js`);
  let code;
  try {
    code = fs.readFileSync(cached, "utf8");
  } catch {
    code = transpile(source, filename);
    try {
      fs.mkdirSync(cacheDir, { recursive: true });
      const tmp = `${cached}.${process.pid}.tmp`;
      fs.writeFileSync(tmp, code);
      fs.renameSync(tmp, cached);
    } catch {
      // a read-only checkout: run without the cache
    }
  }
  module._compile(code, filename);
};

const { run } = require(path.join(root, "scripts", "kc.ts"));
run(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
