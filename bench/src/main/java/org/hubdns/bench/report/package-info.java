/**
 * What a run leaves behind: report.json ({@link org.hubdns.bench.report.Report}, field meanings in
 * {@code bench/report-schema.json}), report.html (inline SVG charts written here, no script and
 * nothing fetched), the address-to-site map (hubdns's {@code GET /v1/nodes} with the operator
 * token, or {@code --sites FILE}), and {@code --compare} of two reports.
 */
package org.hubdns.bench.report;
