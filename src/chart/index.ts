// One chart module for the compare report (Node, SVG files and their PNGs) and the demo page (browser,
// live SVG): line charts with interval bands, heatmaps, grouped and stacked bars, legends and axes,
// all returned as SVG strings. Built on d3-scale (domains, nice ticks, tick labels, colour
// interpolation) and d3-shape (line, area and stack generators); nothing else, so either side can use it.
export { lineChart, type LineChartSpec, type LinePoint, type LineSeries, type Rule } from './line.ts';
export { heatmap, type HeatmapSpec } from './heatmap.ts';
export { barChart, type BarChartSpec, type BarSeries } from './bars.ts';
export { legend, type Legend, type LegendItem, type LegendLayout } from './legend.ts';
export { axes, type AxesSpec, type PlotArea } from './axes.ts';
export { bandScale, drawableDomain, linearAxis, type LinearAxis, type LinearAxisOptions } from './scales.ts';
export { CATEGORY_COLORS, categoryColor, parseColor, sequentialColor, textColorOn, VIRIDIS } from './colors.ts';
export { escapeXml, fitText, px, svgDocument, textWidth, type SvgDocument } from './svg.ts';
