package org.hubdns.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * BIND's {@code delv} (Debian bind9-dnsutils) as a validating client of one server: it asks
 * {@code @127.0.0.1 -p PORT}, trusts only the zone's key ({@code -a FILE +root=ZONE}) and
 * validates every record it is given, DNSKEY, RRSIG and NSEC included, the way a validating
 * resolver would. delv has no client-subnet option (9.18): a test reaches another site through
 * the query's source address ({@link #from}), or through {@link UnboundLab} with ECS.
 */
public final class Delv {
    /** What delv concluded. */
    public enum Outcome {
        /** "; fully validated": a positive answer. */
        SECURE,
        /** A name that does not exist, proved by validated NSEC ("ncache nxdomain ... fully validated"). */
        SECURE_NXDOMAIN,
        /** A name without the type, proved by validated NSEC ("ncache nxrrset ... fully validated"). */
        SECURE_NODATA,
        /** "; unsigned answer": delv got data it could not validate and was not told to require. */
        INSECURE,
        /** "resolution failed" for any other reason (bogus signature, broken chain, no answer). */
        FAILED
    }

    /** One run: the outcome, the answer's records as zone-file lines (RRSIGs apart), delv's whole output. */
    public record Result(Outcome outcome, List<String> records, List<String> signatures, String output) {
        /** The rdata of the answer's records of {@code type} (e.g. the addresses). */
        public List<String> rdata(String type) {
            List<String> out = new ArrayList<>();
            for (String line : records) {
                String[] f = line.split("\\s+", 5);
                if (f.length == 5 && f[3].equalsIgnoreCase(type)) {
                    out.add(f[4]);
                }
            }
            return out;
        }

        @Override
        public String toString() {
            return outcome + "\n" + output;
        }
    }

    private static final Duration LIMIT = Duration.ofSeconds(20);

    private final DebianTool delv;
    private final Path dir;
    private final int port;
    private final TrustAnchor anchor;
    private final Path anchorFile;
    private String source;
    private boolean tcp;

    private Delv(DebianTool delv, Path dir, int port, TrustAnchor anchor, Path anchorFile) {
        this.delv = delv;
        this.dir = dir;
        this.port = port;
        this.anchor = anchor;
        this.anchorFile = anchorFile;
    }

    /** delv against 127.0.0.1:{@code port} trusting {@code anchor}; its files go in {@code dir}. */
    public static Delv at(Path dir, int port, TrustAnchor anchor) throws Exception {
        DebianTool tool = DebianTool.require("delv", "bind9-dnsutils");
        Files.createDirectories(dir);
        Path file = anchor.writeBindFile(Files.createTempFile(dir, "delv-anchor", ".conf"));
        return new Delv(tool, dir, port, anchor, file);
    }

    /** Queries from this loopback source address (e.g. 127.0.0.2), which steering sees without ECS. */
    public Delv from(String address) {
        source = address;
        return this;
    }

    /** Queries over TCP. */
    public Delv tcp(boolean on) {
        tcp = on;
        return this;
    }

    public TrustAnchor anchor() {
        return anchor;
    }

    /** Asks {@code name} {@code type} and parses what delv concluded. */
    public Result query(String name, String type) throws Exception {
        List<String> args = new ArrayList<>(List.of("@127.0.0.1", "-p", Integer.toString(port), "-a",
                anchorFile.toString(), "+root=" + anchor.zoneText()));
        if (source != null) {
            args.addAll(List.of("-b", source));
        }
        if (tcp) {
            args.add("+tcp");
        }
        args.addAll(List.of("+nomultiline", name, type));
        DebianTool.Run run = delv.run(dir, LIMIT, args);
        return parse(run.toString(), run.output());
    }

    /** Asks and asserts the outcome, showing delv's whole output when it differs. */
    public Result expect(Outcome outcome, String name, String type) throws Exception {
        Result r = query(name, type);
        assertThat(r.outcome()).as("delv %s %s (trusting keys %s):%n%s", name, type, anchor.tags(), r.output())
                .isEqualTo(outcome);
        return r;
    }

    /** delv's text to a result (pure: the harness's own table test feeds it saved output). */
    static Result parse(String shown, String output) {
        List<String> records = new ArrayList<>();
        List<String> sigs = new ArrayList<>();
        boolean validated = false;
        boolean negative = false;
        boolean unsigned = false;
        String failure = null;
        for (String raw : output.split("\n")) {
            String line = raw.strip();
            if (line.equals("; fully validated")) {
                validated = true;
            } else if (line.equals("; negative response, fully validated")) {
                negative = true;
            } else if (line.equals("; unsigned answer")) {
                unsigned = true;
            } else if (line.startsWith(";; resolution failed:")) {
                failure = line.substring(";; resolution failed:".length()).strip();
            } else if (!line.isEmpty() && !line.startsWith(";")) {
                String[] f = line.split("\\s+", 5);
                if (f.length == 5 && f[3].equals("RRSIG")) {
                    sigs.add(line);
                } else {
                    records.add(line);
                }
            }
        }
        Outcome o;
        if (negative && "ncache nxdomain".equals(failure)) {
            o = Outcome.SECURE_NXDOMAIN;
        } else if (negative && "ncache nxrrset".equals(failure)) {
            o = Outcome.SECURE_NODATA;
        } else if (failure != null) {
            o = Outcome.FAILED;
        } else if (validated && !records.isEmpty()) {
            o = Outcome.SECURE;
        } else if (unsigned) {
            o = Outcome.INSECURE;
        } else {
            o = Outcome.FAILED;
        }
        return new Result(o, List.copyOf(records), List.copyOf(sigs), shown);
    }
}
