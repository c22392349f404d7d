package dev.skep.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.skep.model.view.DeployProgress;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class DeployPrinterTest {

    private final StringWriter text = new StringWriter();
    private final Clock clock = Clock.fixed(Instant.parse("2026-11-26T02:00:00Z"), ZoneOffset.UTC);

    @Test
    void onATerminalRedrawsOneUploadLineWithThePercentage() {
        DeployPrinter printer = new DeployPrinter(new PrintWriter(text), true, clock);

        printer.uploaded(2048, 4096);
        printer.uploaded(3000, 4096); // within the redraw interval: not drawn
        printer.uploaded(4096, 4096);

        assertThat(text.toString()).isEqualTo("\ruploading  50% 2.0 KB of 4.0 KB"
                + "\ruploaded 4.0 KB in 0 ms" + " ".repeat(20) + System.lineSeparator());
    }

    @Test
    void inALogPrintsOnlyTheEndOfTheUpload() {
        DeployPrinter printer = new DeployPrinter(new PrintWriter(text), false, clock);

        printer.uploaded(2048, 4096);
        printer.uploaded(4096, 4096);

        assertThat(text.toString()).isEqualTo("uploaded 4.0 KB in 0 ms" + System.lineSeparator());
    }

    @Test
    void anUploadOfUnknownLengthEndsWhenTheServerAnswers() {
        DeployPrinter printer = new DeployPrinter(new PrintWriter(text), false, clock);

        printer.uploaded(100, -1);
        printer.progress(new DeployProgress("received", null, 100L, null, null));
        printer.progress(new DeployProgress("unpacked", "12 files", null, null, null));

        assertThat(text.toString().lines()).containsExactly(
                "uploaded 100 B in 0 ms", "-----> received 100 B", "-----> unpacked: 12 files");
    }

    @Test
    void showsTheReleasePhaseOutputUnderOneHeading() {
        DeployPrinter printer = new DeployPrinter(new PrintWriter(text), false, clock);

        printer.uploaded(100, 100);
        printer.progress(new DeployProgress("release", "release 4: running release phase: node migrate.js", null,
                null, null));
        printer.progress(new DeployProgress("release", "migrated 3 tables", null, null, null));
        printer.progress(new DeployProgress("starting", "release 4: web: node server.js", null, null, null));

        assertThat(text.toString().lines()).containsExactly("uploaded 100 B in 0 ms", "-----> release phase",
                "       release 4: running release phase: node migrate.js", "       migrated 3 tables",
                "-----> starting: release 4: web: node server.js");
    }

    @Test
    void saysWhenTheReleaseServesAndIsInProbation() {
        DeployPrinter printer = new DeployPrinter(new PrintWriter(text), false, clock);

        printer.uploaded(100, 100);
        printer.progress(new DeployProgress("serving", "in probation for 10 s", null, null, null));

        assertThat(text.toString().lines()).containsExactly(
                "uploaded 100 B in 0 ms", "-----> serving, in probation for 10 s");
    }
}
