package dev.skep.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.skep.model.AppId;
import dev.skep.model.view.DeployProgress;
import dev.skep.model.view.DeployResult;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeployTest {

    private static final AppId SHOP = AppId.parse("alice/shop");
    private static final String RELEASES = "/v1/apps/alice/shop/releases";

    @TempDir
    Path dir;

    private final FakeSkep fake = new FakeSkep();
    private final SkepClient client = new SkepClient(fake.uri(), FakeSkep.TOKEN);

    @AfterEach
    void stop() {
        client.close();
        fake.close();
    }

    @Test
    void uploadsAFileWithItsLengthAndReportsBytesSent() throws IOException {
        byte[] tarball = randomBytes(300_000);
        Path file = Files.write(dir.resolve("app.tar.gz"), tarball);
        fake.on("POST", RELEASES, 201, Fixtures.DEPLOY_RESULT);
        AtomicLong sent = new AtomicLong();
        AtomicLong total = new AtomicLong();

        DeployResult result = client.deploy(SHOP, file, (s, t) -> {
            sent.set(s);
            total.set(t);
        }, null);

        assertThat(result.release()).isEqualTo(4);
        assertThat(result.instances()).singleElement().satisfies(i -> assertThat(i.port()).isEqualTo(40001));
        FakeSkep.Request request = fake.last();
        assertThat(request.body()).isEqualTo(tarball);
        assertThat(request.header("Content-Type")).isEqualTo("application/gzip");
        assertThat(request.header("Content-Length")).isEqualTo("300000");
        assertThat(request.header("Accept")).isEqualTo("application/json");
        assertThat(sent.get()).isEqualTo(300_000);
        assertThat(total.get()).isEqualTo(300_000);
    }

    @Test
    void uploadsAStreamOfUnknownLengthChunked() {
        byte[] tarball = randomBytes(70_000);
        fake.on("POST", RELEASES, 201, Fixtures.DEPLOY_RESULT);
        AtomicLong total = new AtomicLong();

        client.deploy(SHOP, new ByteArrayInputStream(tarball), -1, (s, t) -> total.set(t), null);

        assertThat(fake.last().body()).isEqualTo(tarball);
        assertThat(fake.last().header("Transfer-Encoding")).isEqualTo("chunked");
        assertThat(total.get()).isEqualTo(-1);
    }

    @Test
    void passesEachProgressLineAndReturnsTheResultOfDone() {
        fake.on("POST", RELEASES, (exchange, request) -> {
            try (OutputStream out = FakeSkep.stream(exchange, 200, "application/x-ndjson")) {
                FakeSkep.writeLine(out, "{\"stage\":\"received\",\"bytes\":5}");
                FakeSkep.writeLine(out, "{\"stage\":\"unpacked\"}");
                FakeSkep.writeLine(out, "{\"stage\":\"build\",\"message\":\"added 1 package in 1s\"}");
                FakeSkep.writeLine(out, "");
                FakeSkep.writeLine(out, "{\"stage\":\"built\"}");
                FakeSkep.writeLine(out, "{\"stage\":\"starting\",\"newStageField\":1}");
                FakeSkep.writeLine(out, "{\"stage\":\"done\",\"result\":" + Fixtures.DEPLOY_RESULT.replace("\n", "") + "}");
            }
        });
        List<DeployProgress> seen = new CopyOnWriteArrayList<>();

        DeployResult result = client.deploy(SHOP, new ByteArrayInputStream(new byte[5]), 5, UploadListener.NONE,
                seen::add);

        assertThat(fake.last().header("Accept")).isEqualTo("application/x-ndjson");
        assertThat(seen).extracting(DeployProgress::stage)
                .containsExactly("received", "unpacked", "build", "built", "starting", "done");
        assertThat(seen.get(0).bytes()).isEqualTo(5L);
        assertThat(seen.get(2).message()).isEqualTo("added 1 package in 1s");
        assertThat(result.url()).isEqualTo("http://shop.alice.localhost:8080");
    }

    @Test
    void anErrorLineBecomesAnApiException() {
        fake.on("POST", RELEASES, (exchange, request) -> {
            try (OutputStream out = FakeSkep.stream(exchange, 200, "application/x-ndjson")) {
                FakeSkep.writeLine(out, "{\"stage\":\"build\",\"message\":\"npm ERR! missing script\"}");
                FakeSkep.writeLine(out, "{\"stage\":\"error\",\"error\":{\"error\":\"build failed\","
                        + "\"detail\":\"npm ci exited with code 1\"}}");
            }
        });

        assertThatThrownBy(() -> client.deploy(SHOP, new ByteArrayInputStream(new byte[1]), 1, null, p -> { }))
                .isInstanceOfSatisfying(SkepApiException.class, e -> {
                    assertThat(e.error().error()).isEqualTo("build failed");
                    assertThat(e.error().detail()).isEqualTo("npm ci exited with code 1");
                });
    }

    @Test
    void aStreamThatEndsEarlyIsNotASuccess() {
        fake.on("POST", RELEASES, (exchange, request) -> {
            try (OutputStream out = FakeSkep.stream(exchange, 200, "application/x-ndjson")) {
                FakeSkep.writeLine(out, "{\"stage\":\"received\"}");
            }
        });

        assertThatThrownBy(() -> client.deploy(SHOP, new ByteArrayInputStream(new byte[1]), 1, null, p -> { }))
                .isInstanceOf(SkepClientException.class)
                .hasMessageContaining("ended before the deploy finished");
    }

    @Test
    void aRefusedUploadIsAnApiExceptionInBothModes() {
        fake.on("POST", RELEASES, 413, "{\"error\":\"upload too large\",\"detail\":\"the limit is 1 MB\"}");

        assertThatThrownBy(() -> client.deploy(SHOP, new ByteArrayInputStream(new byte[10]), 10, null, p -> { }))
                .isInstanceOfSatisfying(SkepApiException.class, e -> assertThat(e.status()).isEqualTo(413));
        assertThatThrownBy(() -> client.deploy(SHOP, new ByteArrayInputStream(new byte[10]), 10, null, null))
                .isInstanceOfSatisfying(SkepApiException.class,
                        e -> assertThat(e.error().detail()).isEqualTo("the limit is 1 MB"));
    }

    @Test
    void acceptsAPlainJsonAnswerToAStreamedDeploy() {
        fake.on("POST", RELEASES, 201, Fixtures.DEPLOY_RESULT);

        DeployResult result = client.deploy(SHOP, new ByteArrayInputStream(new byte[1]), 1, null, p -> { });

        assertThat(result.release()).isEqualTo(4);
    }

    private static byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        new Random(42).nextBytes(bytes);
        return bytes;
    }
}
