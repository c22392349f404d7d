package dev.skep.server.hosts;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * How `skep hosts` prints its progress: "==> step" for each step, indented lines for what it found or did, each
 * with the seconds since its step began (where a slow add spends its time shows in its output).
 */
final class Steps {

    private final PrintWriter out;
    private long stepStart = System.nanoTime();

    Steps(PrintWriter out) {
        this.out = out;
    }

    PrintWriter out() {
        return out;
    }

    void step(String text) {
        stepStart = System.nanoTime();
        out.println("==> " + text);
        out.flush();
    }

    void done(String text) {
        out.println("    " + text + String.format(Locale.ROOT, " (%.1f s)", (System.nanoTime() - stepStart) / 1e9));
        out.flush();
    }
}
