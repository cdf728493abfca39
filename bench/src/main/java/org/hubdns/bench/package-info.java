/**
 * hubdns-bench, the load generator ({@code java -jar bench/target/hubdns-bench.jar}): the command
 * line ({@link org.hubdns.bench.Main}, picocli; flags in {@link org.hubdns.bench.LoadOptions}), the
 * loopback-only target rule ({@link org.hubdns.bench.Targets}), the progress line and summary table.
 * Configured by flags only; the README section "Load testing: hubdns-bench" lists them. Exit codes:
 * 0 done, 1 no answer at all or a scenario's goal missed, 2 a bad flag or input file.
 */
package org.hubdns.bench;
