// The style sheet inlined into report.html, so the page needs nothing but itself.
#include "report/html_style.hpp"

namespace wsl {

// System fonts only: a web font would be a request the page may not make. Series colours are told apart
// by people with the common colour-vision deficiencies (blue, orange, green-teal, purple, brown, grey).
const char* html_report_style() {
  return R"css(
:root { --pass: #1a7f37; --fail: #c62828; --inconclusive: #9a6700; --ink: #1f2328; --muted: #59636e; --rule: #d0d7de; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 1100px; padding: 0 16px 32px; color: var(--ink);
       font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
h1 { font-size: 20px; margin: 16px 0 8px; }
h2 { font-size: 17px; margin: 28px 0 8px; border-bottom: 1px solid var(--rule); padding-bottom: 4px; }
h3 { font-size: 14px; margin: 0 0 4px; }
.banner { display: flex; gap: 20px; align-items: flex-start; padding: 14px 18px; border-radius: 8px; color: #fff; }
.banner.pass { background: var(--pass); }
.banner.fail { background: var(--fail); }
.banner.interrupted { background: #6e4c00; }
.verdict-word { font-size: 34px; font-weight: 700; letter-spacing: 1px; min-width: 150px; }
.banner p { margin: 2px 0; }
.banner ul { margin: 6px 0 0; padding-left: 20px; }
.tiles { display: grid; grid-template-columns: repeat(auto-fill, minmax(160px, 1fr)); gap: 8px; margin: 0; }
.tiles div { border: 1px solid var(--rule); border-radius: 6px; padding: 6px 10px; }
.tiles dt { color: var(--muted); font-size: 12px; }
.tiles dd { margin: 0; font-size: 16px; font-weight: 600; overflow-wrap: anywhere; }
table { border-collapse: collapse; width: 100%; font-size: 13px; }
th, td { border-bottom: 1px solid var(--rule); padding: 3px 6px; text-align: left; vertical-align: top; }
th { background: #f6f8fa; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.reason { color: var(--muted); }
td.pass, .v-pass { color: var(--pass); font-weight: 600; }
td.fail, .v-fail { color: var(--fail); font-weight: 600; }
td.inconclusive, .v-inconclusive { color: var(--inconclusive); font-weight: 600; }
.table-wrap { overflow-x: auto; }
table.steps td { white-space: nowrap; }
tr.failed td { background: #ffebe9; }
tr.undecided td { color: var(--muted); }
.capacity b { font-size: 16px; }
.note { color: var(--muted); font-style: italic; }
figure.chart { margin: 12px 0 20px; }
svg.plot { width: 100%; height: auto; display: block; }
svg text { font-size: 11px; fill: var(--ink); }
.tick.y { text-anchor: end; }
.tick.x, .phase-label, .axis-title.x, .axis-title.y, .no-data { text-anchor: middle; }
.axis-title, .phase-label { fill: var(--muted); }
.no-data { font-style: italic; fill: var(--muted); }
.grid { stroke: #eaeef2; }
.axis, .tick-mark { stroke: #8c959f; }
.marker { stroke: #444c56; stroke-dasharray: 4 3; }
.marker-label { font-weight: 600; }
/* One colour per class, used by the SVG shapes and by the HTML swatches that name them. */
.series-0 { --c: #0969da; } .series-1 { --c: #e16f24; } .series-2 { --c: #1b998b; }
.series-3 { --c: #8250df; } .series-4 { --c: #8a5a2b; } .series-5 { --c: #6e7781; }
.idle { --t: #f3f4f6; } .tone-0 { --t: #ddeeff; } .tone-1 { --t: #fff1d6; } .tone-2 { --t: #e1f5e8; }
.tone-3 { --t: #f3e5ff; } .tone-4 { --t: #ffe4e4; } .tone-5 { --t: #e6f4f4; }
rect.phase { fill: var(--t); stroke: none; }
path.series { fill: none; stroke: var(--c); stroke-width: 1.8; stroke-linejoin: round; }
circle.series-point { fill: var(--c); }
.legend { list-style: none; display: flex; flex-wrap: wrap; gap: 14px; padding: 0; margin: 2px 0 0; font-size: 12px; }
.swatch { display: inline-block; width: 14px; height: 4px; margin-right: 5px; vertical-align: middle; background: var(--c); }
.phase-legend .swatch { height: 12px; border: 1px solid var(--rule); background: var(--t); }
pre { background: #f6f8fa; padding: 10px; overflow-x: auto; font-size: 12px; }
footer { margin-top: 28px; color: var(--muted); font-size: 12px; }
)css";
}

}  // namespace wsl
