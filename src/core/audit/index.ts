// The audit: sampling, verdicts, statistics, the trust report and its renderings, the description
// probe and the label-issue finder. Pure TypeScript and Node built-ins (no vscode, no classifiers).
export * from './stats';
export * from './prng';
export * from './sampling';
export * from './verdict';
export * from './labelIssues';
export * from './probe';
export * from './reportTypes';
export { buildReport, type ReportImage, type ReportOptions } from './report';
export { renderMarkdown, renderHtml, renderJson, type MarkdownOptions, type RenderedMarkdown } from './reportRender';
export { barChart, columnChart, heatmap, type Bar, type ColumnGroup, type ChartOptions } from './charts';
export { reportCharts, type Chart } from './reportCharts';
export { escapeXml, escapeMarkdown } from './escape';
