/** The report page's whole stylesheet, inlined so the file needs nothing beside it. System fonts only. */
export const REPORT_STYLES = `
body { margin: 0; font-family: Helvetica, Arial, sans-serif; color: #1b1b1b; background: #fff; line-height: 1.45; }
main { max-width: 72rem; margin: 0 auto; padding: 1.5rem; }
h1 { font-size: 1.6rem; margin: 0 0 1rem; }
h2 { font-size: 1.3rem; margin-top: 2rem; border-bottom: 1px solid #ccc; padding-bottom: 0.2rem; }
h3 { font-size: 1.1rem; margin-top: 1.5rem; }
.warning { background: #fff3cd; border: 1px solid #e0b100; padding: 0.6rem 0.8rem; }
.fields { display: grid; grid-template-columns: max-content 1fr; gap: 0.25rem 1rem; }
.fields dt { font-weight: bold; }
.fields dd { margin: 0; overflow-wrap: anywhere; }
code { font-family: Menlo, Consolas, monospace; font-size: 0.9em; background: #f3f3f3; padding: 0 0.2em; }
table { border-collapse: collapse; margin: 0.75rem 0; font-size: 0.9rem; }
caption { text-align: left; font-weight: bold; padding-bottom: 0.3rem; }
th, td { border: 1px solid #d0d0d0; padding: 0.25rem 0.5rem; text-align: left; vertical-align: top; }
th { background: #f3f3f3; }
.num { text-align: right; font-variant-numeric: tabular-nums; }
td.num { white-space: nowrap; }
.chart { margin: 1rem 0; }
.chart figcaption { margin-bottom: 0.5rem; }
.chart-body { display: flex; flex-wrap: wrap; gap: 1.5rem; align-items: flex-start; }
.chart-image { flex: 0 0 auto; }
.chart-data { flex: 1 1 20rem; }
.table-scroll { overflow-x: auto; }
.chart-image svg { max-width: 100%; height: auto; }
`;
