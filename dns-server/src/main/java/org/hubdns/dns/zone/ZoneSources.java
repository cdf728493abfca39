package org.hubdns.dns.zone;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.hubdns.cluster.model.StoredZone;
import org.xbill.DNS.Name;

/** Where zones come from on this member: the built-in demo zone and every {@code *.zone} in {@code --zones}. */
public final class ZoneSources {
    public static final Name DEMO_ORIGIN = Name.fromConstantString("pk-hub.example.");
    private static final String DEMO_RESOURCE = "/demo/pk-hub.example.zone";
    /** The {@code source} of the built-in demo zone (there is no file behind it). */
    public static final String DEMO_SOURCE = "demo";

    private final Path directory;
    private final boolean demo;

    public ZoneSources(Path directory, boolean demo) {
        this.directory = directory;
        this.demo = demo;
    }

    /** Reads everything; the first problem aborts with a message naming the file (and line). */
    public List<ZoneContent> load() throws ZoneLoadException {
        List<ZoneContent> zones = new ArrayList<>();
        if (demo) {
            zones.add(ZoneParser.parseText(demoText(), DEMO_ORIGIN, DEMO_SOURCE));
        }
        if (directory != null) {
            if (!Files.isDirectory(directory)) {
                throw new ZoneLoadException(directory + ": --zones must name a directory of *.zone files");
            }
            List<Path> files = new ArrayList<>();
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(directory, "*.zone")) {
                ds.forEach(files::add);
            } catch (IOException e) {
                throw new ZoneLoadException(directory + ": cannot list the zone directory: " + e.getMessage(), e);
            }
            files.sort(null);
            for (Path f : files) {
                zones.add(ZoneParser.parseFile(f, directory)); // $INCLUDE: only files inside the directory
            }
        }
        Map<Name, String> seen = new HashMap<>();
        for (ZoneContent z : zones) {
            String before = seen.put(z.apex(), z.source());
            if (before != null) {
                throw new ZoneLoadException(z.source() + ": zone " + z.apex() + " is also defined by " + before
                        + "; keep one of them");
            }
        }
        return zones;
    }

    /**
     * As {@link #load()}, as the cluster keeps zones: text rebuilt from the parsed records, so that
     * {@code $INCLUDE}d files and relative names mean the same on every member.
     */
    public List<Loaded> loadForCluster() throws ZoneLoadException {
        List<Loaded> out = new ArrayList<>();
        for (ZoneContent z : load()) {
            out.add(new Loaded(new StoredZone(z.apex().toString(), z.serial(), z.source(), z.masterText()),
                    z));
        }
        return out;
    }

    /** A zone as the cluster keeps it, and as parsed here (to look names up). */
    public record Loaded(StoredZone stored, ZoneContent content) {
    }

    public static String demoText() {
        try (InputStream in = ZoneSources.class.getResourceAsStream(DEMO_RESOURCE)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException | NullPointerException e) {
            throw new IllegalStateException("the demo zone is missing from the jar", e);
        }
    }
}
