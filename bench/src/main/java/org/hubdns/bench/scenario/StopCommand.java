package org.hubdns.bench.scenario;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/** Runs the operator's {@code --stop-cmd} with /bin/sh, bounded in time; its output is echoed. */
final class StopCommand {
    static final long TIMEOUT_SECONDS = 60;

    private StopCommand() {
    }

    /** @return a short description of how it ended (never throws for a failing command: the scenario goes on) */
    static String run(String cmd, PrintStream out) throws InterruptedException {
        try {
            Process p = new ProcessBuilder("/bin/sh", "-c", cmd).redirectErrorStream(true).start();
            p.getOutputStream().close();
            Thread pump = new Thread(() -> {
                try {
                    String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
                    if (!text.isEmpty()) {
                        out.println("stop-cmd: " + text.replace("\n", "\nstop-cmd: "));
                    }
                } catch (IOException e) {
                    // the command's output is informational only
                }
            }, "bench-stop-cmd-output");
            pump.setDaemon(true);
            pump.start();
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return "did not finish in " + TIMEOUT_SECONDS + " s; killed";
            }
            pump.join(1000);
            return p.exitValue() == 0 ? "exit 0" : "exit " + p.exitValue();
        } catch (IOException e) {
            return "could not run it: " + e.getMessage();
        }
    }
}
