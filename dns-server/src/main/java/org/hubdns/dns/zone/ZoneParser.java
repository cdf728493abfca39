package org.hubdns.dns.zone;

import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.LongConsumer;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Master;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * Reads RFC 1035 master files with dnsjava's {@link Master} and checks what the query path relies on:
 * one SOA at the apex, every name inside the zone, class IN, no CNAME beside other data; and the
 * limits of {@link Directives} (records per zone, {@code $GENERATE} sizes, where {@code $INCLUDE} may read).
 */
public final class ZoneParser {
    /** How deep {@code $INCLUDE}d files may include further files. */
    static final int MAX_INCLUDE_DEPTH = 8;
    private static final LongConsumer NO_CHECK = serial -> { };

    private ZoneParser() {
    }

    /**
     * Parses a {@code *.zone} file; without {@code $ORIGIN} the origin is the file name minus {@code .zone}.
     * {@code $INCLUDE} may name files in the file's own directory (and below) only.
     */
    public static ZoneContent parseFile(Path file) throws ZoneLoadException {
        Path parent = file.toAbsolutePath().getParent();
        return parseFile(file, parent == null ? Path.of("/") : parent);
    }

    /**
     * As {@link #parseFile(Path)}, with {@code $INCLUDE} limited to files whose real path (links
     * followed) is inside {@code includeRoot}, the zones directory.
     */
    public static ZoneContent parseFile(Path file, Path includeRoot) throws ZoneLoadException {
        String fileName = file.getFileName().toString();
        String base = fileName.endsWith(".zone") ? fileName.substring(0, fileName.length() - 5) : fileName;
        Name origin;
        try {
            origin = Name.fromString(base.endsWith(".") ? base : base + ".");
        } catch (TextParseException e) {
            throw new ZoneLoadException(file + ": the file name '" + fileName + "' is not a domain name; "
                    + "name the file <origin>.zone or put $ORIGIN in it");
        }
        if (!Files.isReadable(file)) {
            throw new ZoneLoadException(file + ": cannot read the zone file (missing or no permission)");
        }
        Path root;
        try {
            root = includeRoot.toRealPath();
        } catch (IOException e) {
            throw new ZoneLoadException(includeRoot + ": cannot read the zones directory: " + e.getMessage(), e);
        }
        long generated = prescan(file, root, new ArrayDeque<>());
        if (generated > Directives.MAX_RECORDS) {
            throw new ZoneLoadException(file + ": its $GENERATE lines (with the files it includes) make "
                    + String.format(Locale.ROOT, "%,d", generated) + " records; a zone may hold at most "
                    + String.format(Locale.ROOT, "%,d", Directives.MAX_RECORDS));
        }
        try (Master master = new Master(file.toString(), origin)) {
            return validate(readAll(master, file.toString(), null, NO_CHECK), file.toString(), null);
        } catch (NoSuchFileException e) {
            throw new ZoneLoadException(file + ": cannot read an included file: " + e.getMessage());
        } catch (IOException e) {
            throw new ZoneLoadException(located(file.toString(), e), e);
        }
    }

    /**
     * Checks the directives of {@code file} and of the files it includes, resolved as dnsjava will
     * (relative to the including file's directory); returns the records their $GENERATEs make.
     */
    private static long prescan(Path file, Path root, Deque<Path> chain) throws ZoneLoadException {
        String text;
        try {
            // byte for byte: directives are ASCII, and other bytes (a TXT in Latin-1) are the parser's business
            text = Files.readString(file, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new ZoneLoadException(file + ": cannot read the zone file: " + e.getMessage(), e);
        }
        Directives.Scan scan = Directives.scan(text, file.toString(), true);
        long generated = scan.generated();
        for (Directives.Include inc : scan.includes()) {
            String where = file + ":" + inc.line() + ": $INCLUDE " + inc.target();
            File named = new File(inc.target());
            if (!named.isAbsolute()) {
                named = new File(file.toFile().getParent(), inc.target());
            }
            Path real;
            try {
                real = named.toPath().toRealPath();
            } catch (NoSuchFileException e) {
                throw new ZoneLoadException(where + ": no such file (" + named + ")");
            } catch (IOException | java.nio.file.InvalidPathException e) {
                throw new ZoneLoadException(where + ": cannot read it: " + e.getMessage());
            }
            if (!real.startsWith(root)) {
                throw new ZoneLoadException(where + ": the file " + (real.toString().equals(named.toString()) ? ""
                        : "(" + real + ") ") + "is outside the zones directory " + root + "; $INCLUDE may only "
                        + "name files inside it (no ../ and no links leading out)");
            }
            if (!Files.isRegularFile(real)) {
                throw new ZoneLoadException(where + ": not a regular file");
            }
            if (chain.contains(real)) {
                throw new ZoneLoadException(where + ": the file includes itself (through " + chain + ")");
            }
            if (chain.size() >= MAX_INCLUDE_DEPTH) {
                throw new ZoneLoadException(where + ": $INCLUDEs nest deeper than " + MAX_INCLUDE_DEPTH);
            }
            chain.push(real);
            generated += prescan(named.toPath(), root, chain);
            chain.pop();
        }
        return generated;
    }

    /** Parses master-format text with the given origin (the built-in demo zone, uploads, the cluster's copies). */
    public static ZoneContent parseText(String text, Name origin, String source) throws ZoneLoadException {
        return parseText(text, origin, source, NO_CHECK);
    }

    /**
     * As {@link #parseText(String, Name, String)}; {@code serialSeen} is given the serial as soon as
     * the SOA at {@code origin} is read (it comes first in most zones) and may throw to stop there.
     * {@code $INCLUDE} is refused: text may not name files.
     */
    public static ZoneContent parseText(String text, Name origin, String source, LongConsumer serialSeen)
            throws ZoneLoadException {
        Directives.scan(text, source, false);
        InputStream in = new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
        try (Master master = new Master(in, origin)) {
            master.disableIncludes(true); // the scan refused them already; this is the parser's own guard
            return validate(readAll(master, source, origin, serialSeen), source, origin);
        } catch (IOException e) {
            throw new ZoneLoadException(located(source, e), e);
        }
    }

    /** Every record, stopping at the limit: memory and time stay bounded whatever the text expands to. */
    private static List<Record> readAll(Master master, String source, Name apex, LongConsumer serialSeen)
            throws IOException, ZoneLoadException {
        List<Record> records = new ArrayList<>();
        boolean serialTold = false;
        Record r;
        while ((r = master.nextRecord()) != null) {
            if (records.size() >= Directives.MAX_RECORDS) {
                throw new ZoneLoadException(source + ": more than " + String.format(Locale.ROOT, "%,d",
                        Directives.MAX_RECORDS) + " records; a zone may hold at most that many (split it, "
                        + "delegating parts to zones of their own)");
            }
            records.add(r);
            if (!serialTold && r.getType() == Type.SOA && (apex == null || r.getName().equals(apex))) {
                serialTold = true;
                serialSeen.accept(((SOARecord) r).getSerial());
            }
        }
        return records;
    }

    /**
     * dnsjava's tokenizer says "name:line: problem" with the bare file name (or "&lt;none&gt;" for
     * text); put the path or source given in front.
     */
    private static String located(String source, IOException e) {
        String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        if (msg.startsWith("<none>:")) {
            return source + msg.substring("<none>".length());
        }
        String bare = Path.of(source).getFileName() == null ? source : Path.of(source).getFileName().toString();
        if (msg.startsWith(source + ":")) {
            return msg;
        }
        if (msg.startsWith(bare + ":")) {
            return source + msg.substring(bare.length());
        }
        return source + ": " + msg;
    }

    private static ZoneContent validate(List<Record> records, String source, Name expectedApex)
            throws ZoneLoadException {
        SOARecord soa = null;
        for (Record r : records) {
            if (r.getType() == Type.SOA) {
                if (soa != null) {
                    throw new ZoneLoadException(source + ": more than one SOA record (" + soa.getName() + " and "
                            + r.getName() + "); a zone has exactly one, at its apex");
                }
                soa = (SOARecord) r;
            }
        }
        if (soa == null) {
            throw new ZoneLoadException(source + ": no SOA record; a zone needs one at its apex "
                    + "(e.g. '@ IN SOA ns1 hostmaster 1 7200 1800 1209600 300')");
        }
        Name apex = soa.getName();
        if (apex.isWild()) {
            throw new ZoneLoadException(source + ": the zone apex " + apex + " is a wildcard name; "
                    + "a zone's origin must be an ordinary name");
        }
        if (expectedApex != null && !apex.equals(expectedApex)) {
            throw new ZoneLoadException(source + ": the SOA is at " + apex + " but the zone is " + expectedApex);
        }
        Set<Record> unique = new LinkedHashSet<>();
        Map<Name, Set<Integer>> typesByName = new HashMap<>();
        for (Record r : records) {
            if (r.getDClass() != DClass.IN) {
                throw new ZoneLoadException(source + ": " + r + ": class " + DClass.string(r.getDClass())
                        + " is not served; use IN");
            }
            if (!r.getName().subdomain(apex)) {
                throw new ZoneLoadException(source + ": " + r.getName() + " is outside the zone " + apex
                        + " (a missing trailing dot, or a wrong $ORIGIN?)");
            }
            if (r.getType() == Type.DNAME) {
                throw new ZoneLoadException(source + ": " + r + ": DNAME records are not supported");
            }
            if (unique.add(r)) {
                typesByName.computeIfAbsent(r.getName(), n -> new LinkedHashSet<>()).add(r.getType());
            }
        }
        for (Map.Entry<Name, Set<Integer>> e : typesByName.entrySet()) {
            Set<Integer> types = e.getValue();
            if (types.contains(Type.CNAME) && types.size() > 1) {
                throw new ZoneLoadException(source + ": " + e.getKey() + " has a CNAME and other data "
                        + "(RFC 1034 section 3.6.2 forbids it); keep only the CNAME or only the other records");
            }
        }
        Set<Name> cnameOwners = new java.util.HashSet<>();
        for (Record r : unique) {
            if (r.getType() == Type.CNAME && !cnameOwners.add(r.getName())) {
                throw new ZoneLoadException(source + ": " + r.getName() + " has more than one CNAME record");
            }
        }
        return new ZoneContent(apex, soa, new ArrayList<>(unique), source);
    }
}
