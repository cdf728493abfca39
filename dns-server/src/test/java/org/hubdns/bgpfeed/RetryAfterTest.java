package org.hubdns.bgpfeed;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The API's {@code Retry-After}, as the feed reads it: delta-seconds or an HTTP date, bounded; else none. */
class RetryAfterTest {
    private static final long NOW = Instant.parse("2026-12-06T12:00:00Z").toEpochMilli();

    private static String httpDate(long millis) {
        return DateTimeFormatter.RFC_1123_DATE_TIME.format(Instant.ofEpochMilli(millis).atOffset(ZoneOffset.UTC));
    }

    @ParameterizedTest(name = "[{0}] -> {1} ms")
    @CsvSource(delimiter = '|', nullValues = "NULL", value = {
        "2          | 2000",
        "' 120 '    | 120000",
        "0          | 0",
        "86400      | 86400000",
        "999999999999 | 86400000",
        "NULL       | -1",
        "''         | -1",
        "soon       | -1",
        "-5         | -1",
        "1.5        | -1",
    })
    void deltaSecondsAndWhatIsNot(String value, long millis) {
        assertThat(FeedApi.retryAfterMillis(value, NOW)).isEqualTo(millis);
    }

    @ParameterizedTest(name = "an HTTP date {0} s from now -> {1} ms")
    @CsvSource({"3, 3000", "-60, 0", "200000, 86400000"})
    void httpDates(long secondsFromNow, long millis) {
        assertThat(FeedApi.retryAfterMillis(httpDate(NOW + secondsFromNow * 1000), NOW)).isEqualTo(millis);
    }
}
