package org.hubdns.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Runs the command line in this JVM and keeps what it printed and the report it wrote. */
record BenchCli(int exit, String out, String err, JsonNode report) {
    static BenchCli run(Path reportDir, String... args) throws IOException {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        int code;
        try (PrintStream po = new PrintStream(o, true, StandardCharsets.UTF_8);
                PrintStream pe = new PrintStream(e, true, StandardCharsets.UTF_8)) {
            code = Main.execute(args, po, pe);
        }
        JsonNode report = null;
        if (reportDir != null && Files.exists(reportDir.resolve("report.json"))) {
            report = new ObjectMapper().readTree(reportDir.resolve("report.json").toFile());
        }
        return new BenchCli(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8), report);
    }

    @Override
    public String toString() {
        return "exit " + exit + "\n--- stdout\n" + out + "\n--- stderr\n" + err;
    }
}
