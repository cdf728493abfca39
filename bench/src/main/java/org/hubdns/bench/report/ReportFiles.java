package org.hubdns.bench.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import org.hubdns.bench.BenchInputException;

/**
 * Writes report.json and report.html into the report directory (each written whole, then renamed
 * into place), readable by all (0644) like any file a shell would write: a temporary file starts
 * 0600, which would leave the report unreadable to a web server or a colleague.
 */
public final class ReportFiles {
    public static final String JSON = "report.json";
    public static final String HTML = "report.html";
    static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ReportFiles() {
    }

    /** Fails before the run when the directory cannot be made or written, rather than after it. */
    public static void checkWritable(Path dir) throws BenchInputException {
        try {
            Files.createDirectories(dir);
            Path probe = Files.createTempFile(dir, ".probe", ".tmp");
            Files.delete(probe);
        } catch (IOException e) {
            throw new BenchInputException("--report " + dir + ": cannot write there (" + e.getMessage()
                    + "); give a directory you can write to");
        }
    }

    public static void write(Path dir, Report r) throws BenchInputException {
        try {
            Files.createDirectories(dir);
            atomically(dir.resolve(JSON), MAPPER.writeValueAsString(r) + "\n");
            atomically(dir.resolve(HTML), HtmlReport.render(r));
        } catch (IOException e) {
            throw new BenchInputException("--report " + dir + ": cannot write the report (" + e.getMessage() + ")");
        }
    }

    private static void atomically(Path target, String text) throws IOException {
        Path tmp = Files.createTempFile(target.getParent(), target.getFileName().toString(), ".tmp");
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        if (Files.getFileAttributeView(tmp, PosixFileAttributeView.class) != null) {
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
        }
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
