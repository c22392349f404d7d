package dev.skep.server.hosts;

import java.io.PrintWriter;

/** How `skep hosts` prints its progress: "==> step" for each step, indented lines for what it found or did. */
record Steps(PrintWriter out) {

    void step(String text) {
        out.println("==> " + text);
        out.flush();
    }

    void done(String text) {
        out.println("    " + text);
        out.flush();
    }
}
