package org.hubdns.bench.wire;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.hubdns.bench.BenchInputException;

/**
 * Reads dnsperf's input format: one {@code name type} per line; blank lines and lines starting with
 * {@code ;} or {@code #} are skipped. The lines are kept in file order (the run loops over them).
 */
public final class QueryFile {
    /** A million distinct questions is far beyond any realistic query mix; more is probably the wrong file. */
    static final int MAX_LINES = 10_000_000;

    private QueryFile() {
    }

    public static List<QuerySpec> read(Path file) throws BenchInputException {
        List<QuerySpec> out = new ArrayList<>();
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int no = 0;
            while ((line = r.readLine()) != null) {
                no++;
                String t = line.strip();
                if (t.isEmpty() || t.startsWith(";") || t.startsWith("#")) {
                    continue;
                }
                if (out.size() >= MAX_LINES) {
                    throw new BenchInputException(file + ": more than " + MAX_LINES + " queries; use a shorter file "
                            + "(the run loops over it anyway)");
                }
                out.add(parseLine(t, file + ":" + no));
            }
        } catch (NoSuchFileException e) {
            throw new BenchInputException("--queries " + file + ": no such file");
        } catch (CharacterCodingException e) {
            throw new BenchInputException("--queries " + file + ": not a text file (not UTF-8); expected one "
                    + "'name type' per line, as dnsperf reads");
        } catch (IOException e) {
            throw new BenchInputException("--queries " + file + ": cannot read it (" + e.getMessage() + ")");
        }
        if (out.isEmpty()) {
            throw new BenchInputException("--queries " + file + ": no queries in it; expected one 'name type' per "
                    + "line, e.g. 'www.pk-hub.example A'");
        }
        return out;
    }

    /** @param where {@code file:line}, for the message */
    static QuerySpec parseLine(String line, String where) throws BenchInputException {
        String[] f = line.split("\\s+");
        if (f.length != 2) {
            throw new BenchInputException(where + ": expected 'name type' (e.g. 'www.pk-hub.example A'), got '"
                    + abbreviate(line) + "'");
        }
        return spec(f[0], f[1], where);
    }

    /** Validates one question from flags or a file. */
    public static QuerySpec spec(String name, String type, String where) throws BenchInputException {
        int t = RrTypes.type(type);
        if (t < 0) {
            throw new BenchInputException(where + ": unknown record type '" + abbreviate(type)
                    + "'; use a mnemonic (A, AAAA, MX, TXT, ...) or TYPEn");
        }
        try {
            DnsName.toWire(name);
        } catch (IllegalArgumentException e) {
            throw new BenchInputException(where + ": " + e.getMessage());
        }
        return new QuerySpec(name, t);
    }

    private static String abbreviate(String s) {
        return s.length() > 80 ? s.substring(0, 77) + "..." : s;
    }
}
