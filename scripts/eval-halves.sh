#!/usr/bin/env bash
# Tagging quality on each part of the labelled sets: the tuning and held-out halves of labels-dev
# (30 % by the link's SHA-1, as tests/tag/helpers.ts), of fr-and-fl, tune-2026-12-07, tune-2026-12-08, tune-2026-12-07b, tune-2026-12-09 and tune-2026-12-10 (their "split"
# field), tune-2026-12-11 (held out as a whole), and the unseen sets. Run after `npm run build`: bash scripts/eval-halves.sh
# Per theme in French and in English separately: node scripts/eval-by-language.mjs
set -euo pipefail
cd "$(dirname "$0")/.."
parts=$(mktemp -d)
trap 'rm -rf "$parts"' EXIT
node -e '
const fs = require("fs"), crypto = require("crypto");
const heldOut = (link) => parseInt(crypto.createHash("sha1").update(link).digest("hex").slice(0, 8), 16) % 10 < 3;
const lines = (file) => fs.readFileSync(file, "utf8").split("\n").filter(Boolean);
const write = (name, rows) => fs.writeFileSync(`${process.argv[1]}/${name}.jsonl`, rows.join("\n") + "\n");
const dev = lines("tests/fixtures/ai-news/labels-dev.jsonl");
write("labels-dev-tuning", dev.filter((l) => !heldOut(JSON.parse(l).link)));
write("labels-dev-heldout", dev.filter((l) => heldOut(JSON.parse(l).link)));
const own = lines("tests/fixtures/labels/fr-and-fl.jsonl");
write("fr-and-fl-tuning", own.filter((l) => JSON.parse(l).split !== "holdout"));
write("fr-and-fl-heldout", own.filter((l) => JSON.parse(l).split === "holdout"));
const written = lines("tests/fixtures/labels/tune-2026-12-07.jsonl");
write("tune-1207-tuning", written.filter((l) => JSON.parse(l).split !== "holdout"));
write("tune-1207-heldout", written.filter((l) => JSON.parse(l).split === "holdout"));
const written08 = lines("tests/fixtures/labels/tune-2026-12-08.jsonl");
write("tune-1208-tuning", written08.filter((l) => JSON.parse(l).split !== "holdout"));
write("tune-1208-heldout", written08.filter((l) => JSON.parse(l).split === "holdout"));
const written07b = lines("tests/fixtures/labels/tune-2026-12-07b.jsonl");
write("tune-1207b-tuning", written07b.filter((l) => JSON.parse(l).split !== "holdout"));
write("tune-1207b-heldout", written07b.filter((l) => JSON.parse(l).split === "holdout"));
const written09 = lines("tests/fixtures/labels/tune-2026-12-09.jsonl");
write("tune-1209-tuning", written09.filter((l) => JSON.parse(l).split !== "holdout"));
write("tune-1209-heldout", written09.filter((l) => JSON.parse(l).split === "holdout"));
const written10 = lines("tests/fixtures/labels/tune-2026-12-10.jsonl");
write("tune-1210-tuning", written10.filter((l) => JSON.parse(l).split !== "holdout"));
write("tune-1210-heldout", written10.filter((l) => JSON.parse(l).split === "holdout"));
' "$parts"
for part in labels-dev-tuning labels-dev-heldout fr-and-fl-tuning fr-and-fl-heldout tune-1207-tuning tune-1207-heldout tune-1208-tuning tune-1208-heldout tune-1207b-tuning tune-1207b-heldout tune-1209-tuning tune-1209-heldout tune-1210-tuning tune-1210-heldout; do
  echo "== $part"
  node bin/veille.js eval --labels "$parts/$part.jsonl"
done
echo "== tune-1211-heldout"
node bin/veille.js eval --labels tests/fixtures/labels/tune-2026-12-11.jsonl
echo "== unseen-2026-11-26"
node bin/veille.js eval --labels tests/fixtures/labels/unseen-2026-11-26.jsonl
echo "== unseen-2026-12-06"
node bin/veille.js eval --labels tests/fixtures/labels/unseen-2026-12-06.jsonl
