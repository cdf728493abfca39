package org.hubdns.dns.zone;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A look at master-format text before dnsjava reads it, for the two directives that make its parser
 * do more than the text says: {@code $GENERATE} (dnsjava expands up to 2^32 records from one line,
 * and pads each number to any width it is given, inside a single call) and {@code $INCLUDE} (reads a
 * file). Sizes must be known before the parser starts, so they are read here.
 *
 * <p>Conservative: a line counts as a directive when its first token, after blanks, {@code (} and
 * {@code "}, is one; that is every line dnsjava takes as a directive and a few (inside parentheses)
 * it does not. The record count is enforced again while parsing ({@link ZoneParser}).
 */
public final class Directives {
    /** The most records one zone may hold (files and uploads alike: every member parses the same text). */
    public static final int MAX_RECORDS = 100_000;
    /** The most records one {@code $GENERATE} line may make. */
    public static final int MAX_GENERATE = 65_536;
    /** The widest number a {@code $GENERATE} modifier may pad to: a name is at most 255 octets. */
    public static final int MAX_WIDTH = 255;

    private static final Pattern RANGE = Pattern.compile("(\\d+)-(\\d+)(?:/(\\d+))?");
    /** {@code ${offset,width,base}}: the width is the second number. */
    private static final Pattern MODIFIER = Pattern.compile("\\$\\{-?\\d*,(\\d+)");

    private Directives() {
    }

    /** An {@code $INCLUDE} as written: its line and the file it names (not resolved). */
    public record Include(int line, String target) {
    }

    /**
     * @param generated how many records the {@code $GENERATE} lines of this text make together
     */
    public record Scan(List<Include> includes, long generated) {
    }

    /**
     * Reads the directives of {@code text}; refuses (naming {@code source} and the line) a
     * {@code $GENERATE} beyond the limits, and any {@code $INCLUDE} unless {@code includesAllowed}.
     */
    public static Scan scan(String text, String source, boolean includesAllowed) throws ZoneLoadException {
        List<Include> includes = new ArrayList<>();
        long generated = 0;
        boolean anyGenerate = false;
        int line = 0;
        int start = 0;
        while (start <= text.length()) {
            int end = text.indexOf('\n', start);
            if (end < 0) {
                end = text.length();
            }
            line++;
            int at = firstToken(text, start, end);
            String directive = directive(text, at, end);
            int after = directive == null ? at : at + directive.length();
            if (after < end && text.charAt(after) == '"') {
                after++; // the closing quote of "$GENERATE"
            }
            if ("$generate".equals(directive)) {
                anyGenerate = true;
                String range = nextToken(text, after);
                long n = count(range);
                if (n > MAX_GENERATE) {
                    throw new ZoneLoadException(source + ":" + line + ": $GENERATE " + range + " makes "
                            + String.format(Locale.ROOT, "%,d", n) + " records; one $GENERATE may make at most "
                            + String.format(Locale.ROOT, "%,d", MAX_GENERATE) + " and a zone hold at most "
                            + String.format(Locale.ROOT, "%,d", MAX_RECORDS));
                }
                generated += n;
                if (generated > MAX_RECORDS) {
                    throw new ZoneLoadException(source + ":" + line + ": the $GENERATE lines up to here make "
                            + String.format(Locale.ROOT, "%,d", generated) + " records; a zone may hold at most "
                            + String.format(Locale.ROOT, "%,d", MAX_RECORDS));
                }
            } else if ("$include".equals(directive)) {
                String target = nextToken(text, after);
                if (!includesAllowed) {
                    throw new ZoneLoadException(source + ":" + line + ": $INCLUDE is not allowed in an uploaded zone "
                            + "(an upload may not name files on the server); put the records in the upload itself");
                }
                if (target.isEmpty()) {
                    throw new ZoneLoadException(source + ":" + line + ": $INCLUDE needs a file name");
                }
                includes.add(new Include(line, target));
            }
            start = end + 1;
        }
        if (anyGenerate) {
            Matcher m = MODIFIER.matcher(text);
            while (m.find()) {
                String w = m.group(1);
                if (w.length() > 3 || Integer.parseInt(w) > MAX_WIDTH) {
                    throw new ZoneLoadException(source + ":" + lineOf(text, m.start()) + ": the $GENERATE width "
                            + (w.length() > 12 ? w.substring(0, 12) + "..." : w) + " is too wide; at most "
                            + MAX_WIDTH);
                }
            }
        }
        return new Scan(List.copyOf(includes), generated);
    }

    /** The records {@code start-end[/step]} makes; 0 when dnsjava will refuse it (it says why). */
    static long count(String range) {
        Matcher m = RANGE.matcher(range);
        if (!m.matches()) {
            return 0;
        }
        try {
            long start = Long.parseLong(m.group(1));
            long end = Long.parseLong(m.group(2));
            long step = m.group(3) == null ? 1 : Long.parseLong(m.group(3));
            return start > end || step <= 0 ? 0 : (end - start) / step + 1;
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE; // more than 19 digits' worth: beyond any limit
        }
    }

    private static boolean skipped(char c) {
        return c == ' ' || c == '\t' || c == '\r' || c == '(' || c == ')' || c == '"';
    }

    private static int firstToken(String text, int from, int end) {
        int i = from;
        while (i < end && skipped(text.charAt(i))) {
            i++;
        }
        return i;
    }

    /** "$generate" or "$include" when the token at {@code at} is that directive (any case), else null. */
    private static String directive(String text, int at, int end) {
        for (String d : new String[] {"$generate", "$include"}) {
            int after = at + d.length();
            if (after <= end && text.regionMatches(true, at, d, 0, d.length())
                    && (after == end || skipped(text.charAt(after)) || text.charAt(after) == ';')) {
                return d;
            }
        }
        return null;
    }

    /**
     * The next token from {@code from}, skipping blanks, parentheses, comments and line ends (dnsjava
     * reads on over them inside parentheses); a quoted token is one token. Empty at the end.
     */
    private static String nextToken(String text, int from) {
        int i = from;
        int n = text.length();
        while (i < n) {
            char c = text.charAt(i);
            if (c == ';') {
                while (i < n && text.charAt(i) != '\n') {
                    i++;
                }
            } else if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '(' || c == ')') {
                i++;
            } else {
                break;
            }
        }
        if (i < n && text.charAt(i) == '"') {
            int close = i + 1;
            while (close < n && text.charAt(close) != '"' && text.charAt(close) != '\n') {
                close++;
            }
            return text.substring(i + 1, close);
        }
        int j = i;
        while (j < n && " \t\r\n();\"".indexOf(text.charAt(j)) < 0) {
            j++;
        }
        return text.substring(i, j);
    }

    private static int lineOf(String text, int pos) {
        int line = 1;
        for (int i = 0; i < pos; i++) {
            if (text.charAt(i) == '\n') {
                line++;
            }
        }
        return line;
    }
}
