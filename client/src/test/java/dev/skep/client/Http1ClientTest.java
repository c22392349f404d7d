package dev.skep.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.skep.model.AppId;
import dev.skep.model.view.DeployResult;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The client's own HTTP/1.1: what a refused upload, a server without 100 Continue and a hang-up do. */
class Http1ClientTest {

    private static final AppId SHOP = AppId.parse("alice/shop");
    private static final int BIG = 4 * 1024 * 1024; // more than socket buffers hold: it cannot go out unnoticed

    @Test
    void aRefusedUploadIsAnsweredBeforeItsBodyGoesOut() throws Exception {
        try (RawServer server = new RawServer((socket, in, head) -> {
            assertThat(head).contains("Expect: 100-continue\r\n").contains("Content-Length: " + BIG + "\r\n");
            RawServer.write(socket, RawServer.answer(413, "{\"error\":\"upload too large\"}"));
            socket.shutdownOutput();
            return in.readAllBytes().length; // until the client hangs up
        }); SkepClient client = new SkepClient(server.uri(), "t")) {
            AtomicLong sent = new AtomicLong();

            assertThatThrownBy(() -> client.deploy(SHOP, new ByteArrayInputStream(new byte[BIG]), BIG,
                    (s, total) -> sent.set(s), null))
                    .isInstanceOfSatisfying(SkepApiException.class, e -> {
                        assertThat(e.status()).isEqualTo(413);
                        assertThat(e.error().error()).isEqualTo("upload too large");
                    });
            assertThat(server.outcome()).isEqualTo(0);
            assertThat(sent.get()).isZero();
        }
    }

    @Test
    void aServerThatNeverSays100ContinueGetsTheBodyAfterAWait() throws Exception {
        byte[] tarball = "not really a tarball".getBytes(StandardCharsets.UTF_8);
        try (RawServer server = new RawServer((socket, in, head) -> {
            byte[] body = in.readNBytes(tarball.length);
            RawServer.write(socket, RawServer.answer(201, Fixtures.DEPLOY_RESULT.replace("\n", "")));
            return body;
        }); SkepClient client = new SkepClient(server.uri(), "t")) {
            long started = System.nanoTime();

            DeployResult result = client.deploy(SHOP, new ByteArrayInputStream(tarball), tarball.length, null, null);

            assertThat(result.release()).isEqualTo(4);
            assertThat((byte[]) server.outcome()).isEqualTo(tarball);
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Http1Client.CONTINUE_WAIT);
        }
    }

    @Test
    void anAnswerThatComesWhileTheBodyGoesOutIsTheAnswer() throws Exception {
        try (RawServer server = new RawServer((socket, in, head) -> {
            RawServer.write(socket, "HTTP/1.1 100 Continue\r\n\r\n");
            in.readNBytes(1000);
            RawServer.write(socket, RawServer.answer(507, "{\"error\":\"disk full\"}"));
            socket.shutdownOutput();
            return in.readAllBytes().length; // drained, as Jetty does, so the client's writes succeed
        }); SkepClient client = new SkepClient(server.uri(), "t")) {
            assertThatThrownBy(() -> client.deploy(SHOP, new ByteArrayInputStream(new byte[BIG]), BIG, null, p -> { }))
                    .isInstanceOfSatisfying(SkepApiException.class, e -> assertThat(e.status()).isEqualTo(507));
        }
    }

    @Test
    void decodesChunksWithExtensionsAndTrailers() throws Exception {
        try (RawServer server = new RawServer((socket, in, head) -> {
            RawServer.write(socket, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "6;note=x\r\nline 1\r\n1\r\n\n\r\n7\r\nline 2\n\r\n0\r\nX-Trailer: y\r\n\r\n");
            return head;
        }); SkepClient client = new SkepClient(server.uri(), "t")) {
            assertThat(client.logs(SHOP, 2)).containsExactly("line 1", "line 2");
            assertThat((String) server.outcome()).startsWith("GET /v1/apps/alice/shop/logs?follow=false&tail=2 HTTP/1.1\r\n")
                    .contains("Host: 127.0.0.1:").contains("Connection: close\r\n");
        }
    }

    @Test
    void closingTheClientHangsUpAFollowedLogOnAnyThread() throws Exception {
        CountDownLatch hungUp = new CountDownLatch(1);
        try (FakeSkep fake = new FakeSkep()) {
            fake.on("GET", "/v1/apps/alice/shop/logs", (exchange, request) -> {
                try (OutputStream out = FakeSkep.stream(exchange, 200, "text/plain")) {
                    FakeSkep.writeLine(out, "first");
                    hungUp.await(30, TimeUnit.SECONDS); // then the write below fails or is never read
                }
            });
            SkepClient client = new SkepClient(fake.uri(), FakeSkep.TOKEN);
            CountDownLatch firstSeen = new CountDownLatch(1);
            AtomicReference<Throwable> ended = new AtomicReference<>();
            Thread follower = Thread.ofPlatform().start(() -> {
                try {
                    client.followLogs(SHOP, null, line -> firstSeen.countDown());
                } catch (RuntimeException e) {
                    ended.set(e);
                }
            });
            assertThat(firstSeen.await(10, TimeUnit.SECONDS)).isTrue();

            client.close();

            follower.join(Duration.ofSeconds(10));
            hungUp.countDown();
            assertThat(follower.isAlive()).isFalse();
            assertThat(ended.get()).isInstanceOf(SkepClientException.class);
        }
    }

    @Test
    void chunkedStreamReadsToTheLastChunkOnly() throws IOException {
        InputStream wire = new ByteArrayInputStream("3\r\nabc\r\n0\r\n\r\nafter".getBytes(StandardCharsets.ISO_8859_1));
        ByteArrayOutputStream read = new ByteArrayOutputStream();

        new ChunkedInputStream(wire).transferTo(read);

        assertThat(read.toString(StandardCharsets.ISO_8859_1)).isEqualTo("abc");
        assertThat(new String(wire.readAllBytes(), StandardCharsets.ISO_8859_1)).isEqualTo("after");
    }
}
