// Vega-Lite -> Vega, and Vega -> SVG in Node. Vega and Vega-Lite are loaded when first needed, so
// that commands which draw nothing do not pay for loading them.
import type { Plot } from "./specs";

type VegaModule = typeof import("vega");
type VegaLiteModule = typeof import("vega-lite");

let libs: Promise<{ vega: VegaModule; vl: VegaLiteModule }> | undefined;

function load(): Promise<{ vega: VegaModule; vl: VegaLiteModule }> {
  libs ??= Promise.all([import("vega"), import("vega-lite")]).then(([vega, vl]) => ({ vega, vl }));
  return libs;
}

/** The plot's Vega specification (its "table" data set empty: the rows are inserted by name). */
export async function vegaSpec(plot: Plot, log: boolean): Promise<object> {
  const { vl } = await load();
  return vl.compile(plot.spec(log) as never).spec;
}

/** The plot as an SVG document, with its rows. */
export async function renderSvg(plot: Plot, log: boolean): Promise<string> {
  const { vega } = await load();
  const view = new vega.View(vega.parse((await vegaSpec(plot, log)) as never), { renderer: "none" });
  try {
    view.data("table", plot.rows);
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
