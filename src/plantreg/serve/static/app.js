// plantreg serve: the page. It talks only to the JSON API (/api/...) and draws the run's files
// (/files/...) with igv.js.
"use strict";

const $ = (id) => document.getElementById(id);
let info = {};
let lastResult = null;
let browser = null;

async function api(path, body) {
  const options = body === undefined ? {} : {
    method: "POST", headers: {"Content-Type": "application/json"}, body: JSON.stringify(body)};
  const response = await fetch(`/api/${path}`, options);
  const data = await response.json();
  if (!response.ok) throw new Error(data.detail || `HTTP ${response.status}`);
  return data;
}

function showTab(name) {
  document.querySelectorAll("nav button").forEach((b) => b.classList.toggle("active", b.dataset.tab === name));
  document.querySelectorAll(".tab").forEach((t) => t.classList.toggle("active", t.id === `tab-${name}`));
}

// --- genome browser ---------------------------------------------------------------------------

async function initBrowser() {
  const genomes = await api("tracks");
  const select = $("genome-select");
  genomes.forEach((g, i) => select.add(new Option(`${g.name} (${g.tracks.length} tracks)`, i)));
  if (!genomes.length) { $("browser-status").textContent = "No genome in this run's parameters."; return; }
  if (window.igvMissing || typeof igv === "undefined") {
    $("browser-status").textContent = "igv.js is not installed: run scripts/fetch_igv.sh.";
    return;
  }
  select.onchange = () => showGenome(genomes[select.value]);
  await showGenome(genomes[0]);
}

async function showGenome(genome) {
  if (browser) igv.removeBrowser(browser);
  const configs = genome.tracks.map((t) => ({
    name: t.name, url: t.url, format: t.format, type: t.type,
    ...(t.type === "annotation" ? {displayMode: t.format === "gff3" ? "EXPANDED" : "COLLAPSED"} : {autoscale: true}),
  }));
  browser = await igv.createBrowser($("igv"), {
    reference: {id: genome.id, name: genome.name, fastaURL: genome.fasta_url, indexURL: genome.index_url},
    tracks: configs.filter((_, i) => genome.tracks[i].visible),
    showNavigation: true, loadDefaultGenomes: false, genomeList: [],
  });
  // Every track of the run, drawn or not: a tick loads it, clearing one removes it.
  $("track-list").replaceChildren(...configs.map((config, i) => {
    const box = Object.assign(document.createElement("input"), {type: "checkbox", checked: genome.tracks[i].visible});
    box.onchange = () => box.checked ? browser.loadTrack(config) : browser.removeTrackByName(config.name);
    const label = document.createElement("label");
    label.append(box, ` ${config.name}`);
    return label;
  }));
  $("browser-status").textContent = `${genome.tracks.filter((t) => t.visible).length} of ${configs.length} tracks shown`;
}

// --- gene / sequence --------------------------------------------------------------------------

function request() {
  const gene = $("gene-input").value.trim();
  const sequence = $("sequence-input").value;
  return gene ? {gene} : {sequence, pad: $("pad-select").value};
}

async function runSequence() {
  $("sequence-error").textContent = "";
  $("prediction").innerHTML = "";
  $("importance").hidden = true;
  const model = $("model-select").value;
  try {
    if (model === "chromatin") {
      const result = await api("predict", {...request(), model});
      $("prediction").appendChild(table(["mark", "probability"],
        Object.entries(result.marks).map(([m, p]) => [m, p.toFixed(3)])));
      return;
    }
    $("run-button").disabled = true;
    const method = $("method-select").value;
    $("sequence-status").textContent = method === "ism"
      ? `computing: in-silico mutagenesis runs the model ${3 * info.expression.length} times…` : "computing…";
    const result = await api(`explain/${method}`, request());
    lastResult = result;
    showPrediction(result);
    drawImportance(result);
  } catch (err) {
    $("sequence-error").textContent = err.message;
  } finally {
    $("sequence-status").textContent = "";
    $("run-button").disabled = false;
  }
}

function showPrediction(r) {
  const rows = r.outputs.map((o, i) => [o, r.z[i].toFixed(3), r.tpm[i].toFixed(2)]);
  const box = $("prediction");
  box.appendChild(heading(`Predicted expression (TPM in ${r.tpm_scale_of}'s scale)`));
  box.appendChild(table(["output", "z-score", "TPM"], rows));
  box.appendChild(heading("Species probabilities"));
  box.appendChild(table(["species", "probability"],
    Object.entries(r.species_probabilities).map(([s, p]) => [s, p.toFixed(3)])));
}

function drawImportance(r) {
  $("importance").hidden = false;
  const cut = r.threshold_from === "run" ? "the run's threshold" : "this sequence's 98th percentile";
  $("importance-title").textContent =
    `${r.method}: signed importance per base, ${r.cres.length} CRE(s) at |score| ≥ ${r.threshold.toPrecision(3)} (${cut})`;
  const canvas = $("importance-plot");
  const ctx = canvas.getContext("2d");
  const w = canvas.width, h = canvas.height, pad = 30;
  ctx.fillStyle = "#fff";
  ctx.fillRect(0, 0, w, h);
  const peak = Math.max(1e-12, ...r.scores.map(Math.abs));
  const x = (i) => pad + (i / r.length) * (w - 2 * pad);
  const mid = h / 2;
  for (const c of r.cres) {
    ctx.fillStyle = c.sign === "+" ? "rgba(46,139,87,0.15)" : "rgba(200,40,40,0.15)";
    ctx.fillRect(x(c.start), 10, Math.max(1, x(c.end) - x(c.start)), h - 30);
  }
  r.scores.forEach((s, i) => {
    ctx.fillStyle = s >= 0 ? "#2e8b57" : "#c82828";
    const y = (s / peak) * (mid - 15);
    ctx.fillRect(x(i), s >= 0 ? mid - y : mid, Math.max(1, (w - 2 * pad) / r.length), Math.abs(y));
  });
  ctx.strokeStyle = "#888";
  ctx.beginPath(); ctx.moveTo(pad, mid); ctx.lineTo(w - pad, mid); ctx.stroke();
  ctx.strokeStyle = "#333";
  ctx.setLineDash([4, 3]);
  ctx.beginPath(); ctx.moveTo(x(r.upstream), 5); ctx.lineTo(x(r.upstream), h - 20); ctx.stroke();
  ctx.setLineDash([]);
  ctx.fillStyle = "#333";
  ctx.font = "12px sans-serif";
  ctx.fillText("anchor", x(r.upstream) + 3, 15);
  ctx.fillText(`-${r.upstream}`, pad, h - 5);
  ctx.fillText(`+${r.length - r.upstream - 1}`, w - pad - 30, h - 5);
  if (!r.cres.length) { $("cre-table").replaceChildren(); return; }
  $("cre-table").replaceChildren(...table(["start", "end", "sign", "score"],
    r.cres.map((c) => [c.start - r.upstream, c.end - r.upstream, c.sign, c.score.toFixed(4)])).childNodes);
}

function exportCsv() {
  if (!lastResult) return;
  const lines = ["position,base,score"].concat(lastResult.scores.map(
    (s, i) => `${i - lastResult.upstream},${lastResult.sequence[i]},${s}`));
  download(new Blob([lines.join("\n") + "\n"], {type: "text/csv"}), `importance_${lastResult.method}.csv`);
}

function exportPng() {
  $("importance-plot").toBlob((blob) => download(blob, `importance_${lastResult.method}.png`));
}

function download(blob, name) {
  const a = document.createElement("a");
  a.href = URL.createObjectURL(blob);
  a.download = name;
  a.click();
  URL.revokeObjectURL(a.href);
}

async function suggestGenes() {
  const prefix = $("gene-input").value.trim();
  const names = await api(`genes?prefix=${encodeURIComponent(prefix)}`);
  $("gene-list").replaceChildren(...names.map((n) => new Option(n)));
}

// --- motifs and network -----------------------------------------------------------------------

async function initMotifs() {
  const motifs = await api("motifs");
  const box = $("motif-list");
  if (!motifs.length) { box.textContent = "No TFBS motifs in this run (TRAIN_TFBS)."; return; }
  for (const m of motifs) {
    const card = document.createElement("div");
    card.className = "motif";
    card.appendChild(heading(`${m.tf}: ${m.seqlets} seqlets`));
    if (m.logo) { const img = document.createElement("img"); img.src = m.logo; img.alt = m.motif; card.appendChild(img); }
    card.appendChild(table(["JASPAR match", "name", "q-value"],
      m.matches.map((x) => [x.id, x.name, x.q_value.toExponential(2)])));
    box.appendChild(card);
  }
}

async function showNeighbours() {
  $("network-error").textContent = "";
  try {
    const r = await api(`network/${encodeURIComponent($("network-gene").value.trim())}`);
    $("network-table").replaceChildren(...table(["rank", "gene", "score"],
      r.neighbours.map((n) => [n.rank, n.gene, n.score.toFixed(3)])).childNodes);
    if (!r.neighbours.length) $("network-error").textContent = "No neighbour among the network's edges.";
  } catch (err) {
    $("network-error").textContent = err.message;
  }
}

// --- helpers and start-up ---------------------------------------------------------------------

function heading(text) { const h = document.createElement("h3"); h.textContent = text; return h; }

function table(header, rows) {
  const t = document.createElement("table");
  const head = t.insertRow();
  header.forEach((c) => { const th = document.createElement("th"); th.textContent = c; head.appendChild(th); });
  rows.forEach((r) => { const tr = t.insertRow(); r.forEach((c) => { tr.insertCell().textContent = c; }); });
  return t;
}

async function start() {
  document.querySelectorAll("nav button").forEach((b) => { b.onclick = () => showTab(b.dataset.tab); });
  $("run-button").onclick = runSequence;
  $("export-csv").onclick = exportCsv;
  $("export-png").onclick = exportPng;
  $("network-button").onclick = showNeighbours;
  $("gene-input").oninput = suggestGenes;
  info = await api("info");
  const e = info.expression, c = info.chromatin;
  $("model-info").textContent = [
    e ? `expression model: ${e.length} bp windows, anchor at position ${e.upstream + 1}, species ${e.species.join(", ")}` : "no expression model",
    c ? `chromatin model: ${c.length} bp windows, marks ${c.marks.join(", ")}` : "no chromatin model",
  ].join(" · ");
  await Promise.all([initBrowser(), initMotifs()]);
  document.body.dataset.ready = "true";
}

start().catch((err) => { $("browser-status").textContent = err.message; });
