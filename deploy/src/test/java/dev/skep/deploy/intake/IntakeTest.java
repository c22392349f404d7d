package dev.skep.deploy.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.skep.model.SkepException;
import dev.skep.model.SkepException.Kind;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IntakeTest {

    @TempDir
    Path tmp;

    private final UploadLimits limits = new UploadLimits(1024 * 1024, 8 * 1024 * 1024, 1000);

    @Test
    void storesTheBodyAndItsSha256() throws Exception {
        byte[] body = new byte[300_000];
        new Random(1).nextBytes(body);

        try (Upload upload = Intake.receive(new ByteArrayInputStream(body), tmp, limits)) {
            assertThat(upload.bytes()).isEqualTo(body.length);
            assertThat(Files.readAllBytes(upload.file())).isEqualTo(body);
            assertThat(upload.sha256())
                    .isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body)));
            assertThat(upload.file().getParent()).isEqualTo(tmp);
        }
    }

    @Test
    void closingTheUploadDeletesItsFile() throws Exception {
        Upload upload = Intake.receive(new ByteArrayInputStream(new byte[] {1, 2, 3}), tmp, limits);
        upload.close();
        assertThat(tmp).isEmptyDirectory();
    }

    @Test
    void anEmptyBodyIsABadRequest() {
        assertThatThrownBy(() -> Intake.receive(InputStream.nullInputStream(), tmp, limits))
                .isInstanceOfSatisfying(SkepException.class, e -> {
                    assertThat(e.kind()).isEqualTo(Kind.BAD_REQUEST);
                    assertThat(e.getMessage()).isEqualTo("empty upload");
                });
        assertThat(tmp).isEmptyDirectory();
    }

    @Test
    void aBodyOverTheLimitStopsMidStreamAndLeavesNoFile() {
        EndlessBody endless = new EndlessBody();

        assertThatThrownBy(() -> Intake.receive(endless, tmp, limits))
                .isInstanceOfSatisfying(SkepException.class, e -> {
                    assertThat(e.kind()).isEqualTo(Kind.TOO_LARGE);
                    assertThat(e.getMessage()).contains("larger than 1048576 bytes");
                });
        // It stopped right after the limit, not at the end of the body (there is none).
        assertThat(endless.served).isLessThanOrEqualTo(limits.maxCompressedBytes() + 64 * 1024);
        assertThat(tmp).isEmptyDirectory();
    }

    @Test
    void aClientThatGoesAwayIsABadRequestAndLeavesNoFile() {
        InputStream broken = new InputStream() {
            private int left = 10_000;

            @Override
            public int read() throws IOException {
                if (left-- > 0) {
                    return 'x';
                }
                throw new IOException("connection reset");
            }
        };

        assertThatThrownBy(() -> Intake.receive(broken, tmp, limits))
                .isInstanceOfSatisfying(SkepException.class, e -> {
                    assertThat(e.kind()).isEqualTo(Kind.BAD_REQUEST);
                    assertThat(e.getMessage()).startsWith("upload interrupted");
                });
        assertThat(tmp).isEmptyDirectory();
    }

    @Test
    void theDefaultsAreTheDocumentedOnes() {
        UploadLimits defaults = UploadLimits.defaults();
        assertThat(defaults.maxCompressedBytes()).isEqualTo(512L * 1024 * 1024);
        assertThat(defaults.maxUnpackedBytes()).isEqualTo(2048L * 1024 * 1024);
        assertThat(defaults.maxEntries()).isEqualTo(100_000);
    }

    @Test
    void theRatioGuardAppliesAboveItsFloorAndNeverPastTheLimit() {
        UploadLimits defaults = UploadLimits.defaults();
        assertThat(defaults.unpackedLimitFor(1000)).isEqualTo(UploadLimits.RATIO_FLOOR);
        assertThat(defaults.unpackedLimitFor(10L * 1024 * 1024)).isEqualTo(1000L * 1024 * 1024);
        assertThat(defaults.unpackedLimitFor(500L * 1024 * 1024)).isEqualTo(defaults.maxUnpackedBytes());
    }

    /** Serves bytes forever and counts how many were taken. */
    private static final class EndlessBody extends InputStream {
        long served;

        @Override
        public int read() {
            served++;
            return 0;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            served += len;
            return len;
        }
    }
}
