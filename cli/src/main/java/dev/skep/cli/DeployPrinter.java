package dev.skep.cli;

import dev.skep.model.view.DeployProgress;
import dev.skep.model.view.DeployResult;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.Locale;

/**
 * Shows a deploy as it happens: upload progress (one redrawn line on a terminal, start and end
 * otherwise), then the server's stages, npm's output indented, and the result.
 *
 * <pre>
 * uploaded 340.0 KB in 0.2 s
 * -----> received 340.0 KB
 * -----> building
 *        added 57 packages in 2s
 * -----> starting: release 4: node server.js
 * -----> serving, in probation for 10 s
 * -----> released v4 of alice/shop in 4.2 s (build 1.5 s)
 *        http://shop.alice.localhost:8080
 * </pre>
 */
final class DeployPrinter {

    private static final String STAGE = "-----> ";
    private static final String INDENT = "       ";
    private static final long REDRAW_MILLIS = 200;

    private final PrintWriter out;
    private final boolean interactive;
    private final Clock clock;
    private final long started;
    private long sent;
    private long lastDraw;
    private boolean uploadDone;
    private boolean building;
    private boolean releasing;

    DeployPrinter(PrintWriter out, boolean interactive, Clock clock) {
        this.out = out;
        this.interactive = interactive;
        this.clock = clock;
        this.started = clock.millis();
    }

    /** Upload progress; called on the thread that uploads. */
    synchronized void uploaded(long bytes, long total) {
        sent = bytes;
        if (uploadDone) {
            return;
        }
        if (total >= 0 && bytes >= total) {
            finishUpload();
            return;
        }
        long now = clock.millis();
        if (interactive && now - lastDraw >= REDRAW_MILLIS) {
            lastDraw = now;
            String percent = total > 0 ? String.format(Locale.ROOT, "%3d%% ", bytes * 100 / total) : "";
            out.print("\ruploading " + percent + Format.bytes(bytes) + (total > 0 ? " of " + Format.bytes(total) : ""));
            out.flush();
        }
    }

    private void finishUpload() {
        uploadDone = true;
        String line = "uploaded " + Format.bytes(sent) + " in " + Format.millis(clock.millis() - started);
        out.println(interactive ? "\r" + line + " ".repeat(20) : line);
        out.flush();
    }

    /** One stage reported by the server. */
    synchronized void progress(DeployProgress step) {
        if (!uploadDone) {
            finishUpload(); // a stream of unknown length ends when the server answers
        }
        String stage = step.stage() == null ? "?" : step.stage();
        switch (stage) {
            case "build" -> {
                if (!building) {
                    building = true;
                    out.println(STAGE + "building");
                }
                if (step.message() != null) {
                    out.println(INDENT + step.message());
                }
            }
            case "release" -> { // the Procfile's release: command, its output as it comes
                if (!releasing) {
                    releasing = true;
                    out.println(STAGE + "release phase");
                }
                if (step.message() != null) {
                    out.println(INDENT + step.message());
                }
            }
            case "received" -> out.println(STAGE + "received" + (step.bytes() == null ? "" : " " + Format.bytes(step.bytes()))
                    + (step.message() == null ? "" : ": " + step.message()));
            case "serving" -> out.println(STAGE + "serving" + (step.message() == null ? "" : ", " + step.message()));
            case "done", "error" -> {
                // the result is printed by result(); the error by the CLI's failure handler
            }
            default -> out.println(STAGE + stage + (step.message() == null ? "" : ": " + step.message()));
        }
        out.flush();
    }

    void result(DeployResult result) {
        out.println(STAGE + "released v" + result.release() + " of " + result.app() + " in "
                + Format.millis(result.totalMillis()) + " (build " + Format.millis(result.buildMillis()) + ")");
        if (result.url() != null) {
            out.println(INDENT + result.url());
        }
        if (result.instances() != null && !result.instances().isEmpty()) {
            out.println();
            Views.printInstances(out, result.instances(), clock.instant());
        }
        out.flush();
    }
}
