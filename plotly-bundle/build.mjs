// Builds plotly.min.js from index.js with the options of plotly.js's own dist build (an IIFE exposing
// window.Plotly, ES2016), minified, under plotly.js's own licence header. The output path is the first argument
// (dist/plotly.min.js by default).
import { closeSync, openSync, readSync } from "node:fs";
import { build } from "esbuild";

const outfile = process.argv[2] || "dist/plotly.min.js";

function licenceHeader() {
  const head = Buffer.alloc(1024);
  const dist = new URL("./node_modules/plotly.js/dist/plotly.min.js", import.meta.url);
  const file = openSync(dist);
  readSync(file, head, 0, head.length, 0);
  closeSync(file);
  return head.toString().match(/^\/\*\*[\s\S]*?\*\//)[0];
}

await build({
  entryPoints: [new URL("./index.js", import.meta.url).pathname],
  outfile,
  bundle: true,
  minify: true,
  format: "iife",
  globalName: "Plotly",
  target: "es2016",
  define: { global: "window", "define.amd": "false" },
  // Only the map traces, left out here, load a stylesheet (maplibre's).
  loader: { ".css": "empty" },
  banner: { js: `${licenceHeader()}\n/* A partial bundle: the trace types of plotly-bundle/index.js */` },
  legalComments: "none",
  logLevel: "warning",
});
