package org.hubdns.dns.zone;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Master;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * Reads RFC 1035 master files with dnsjava's {@link Master} and checks what the query path relies on:
 * one SOA at the apex, every name inside the zone, class IN, no CNAME beside other data.
 */
public final class ZoneParser {
    private ZoneParser() {
    }

    /** Parses a {@code *.zone} file; without {@code $ORIGIN} the origin is the file name minus {@code .zone}. */
    public static ZoneContent parseFile(Path file) throws ZoneLoadException {
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
        try (Master master = new Master(file.toString(), origin)) {
            return validate(readAll(master), file.toString(), null);
        } catch (NoSuchFileException e) {
            throw new ZoneLoadException(file + ": cannot read an included file: " + e.getMessage());
        } catch (IOException e) {
            throw new ZoneLoadException(located(file.toString(), e), e);
        }
    }

    /** Parses master-format text with the given origin (used for the built-in demo zone and uploads). */
    public static ZoneContent parseText(String text, Name origin, String source) throws ZoneLoadException {
        InputStream in = new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
        try (Master master = new Master(in, origin)) {
            master.disableIncludes();
            return validate(readAll(master), source, origin);
        } catch (IOException e) {
            throw new ZoneLoadException(located(source, e), e);
        }
    }

    private static List<Record> readAll(Master master) throws IOException {
        List<Record> records = new ArrayList<>();
        Record r;
        while ((r = master.nextRecord()) != null) {
            records.add(r);
        }
        return records;
    }

    /** dnsjava's tokenizer says "name:line: problem" with the bare file name; put the path given in front. */
    private static String located(String source, IOException e) {
        String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
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
