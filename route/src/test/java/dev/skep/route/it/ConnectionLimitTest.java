package dev.skep.route.it;

import dev.skep.route.RouterConfig;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Issue 10, item 7: one client IP holding half-sent requests cannot take the router from others. */
class ConnectionLimitTest extends RouterFixture {

    static final int PER_IP = 40;
    static final int HEADER_SECONDS = 4;

    @Override
    RouterConfig config() {
        return super.config().withTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(HEADER_SECONDS), Duration.ofSeconds(30),
                Duration.ofSeconds(5)).withConnectionLimits(200, PER_IP);
    }

    /** A connection from {@code source} (127.0.0.2 is another loopback address on Linux) with a half-sent head. */
    private Socket halfSent(String source) throws IOException {
        Socket s = new Socket();
        s.bind(new InetSocketAddress(source, 0));
        s.connect(new InetSocketAddress("127.0.0.1", router.port()), 5000);
                OutputStream out = s.getOutputStream();
        out.write("GET / HTTP/1.1\r\nHost: shop.t".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return s;
    }

    /** True when the router closed the connection without an answer within the socket's timeout. */
    private static boolean closedAtOnce(Socket s) {
        try {
            return s.getInputStream().read() == -1;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // reset
        }
    }

    @Test
    void oneIpOverItsCapIsRefusedWhileAnotherStillGetsAnswers() throws Exception {
        NodeBackend shop = backend("shop-1");
        startRouter().update(table("shop.test", SHOP, of(shop)));
        List<Socket> flood = new ArrayList<>();
        try {
            for (int i = 0; i < PER_IP + 60; i++) {
                flood.add(halfSent("127.0.0.2"));
            }
            Thread.sleep(300); // for the refusals' closes to land; which ones is up to the event loops
            int refused = 0;
            for (Socket s : flood) {
                s.setSoTimeout(20);
                refused += closedAtOnce(s) ? 1 : 0;
            }
            assertThat(refused).isEqualTo(60); // the other 40 are held, waiting for the rest of their heads
            for (int i = 0; i < 20; i++) {
                try (RawHttp c = new RawHttp(router.port())) { // from 127.0.0.1
                    assertThat(c.get("shop.test", "/").status()).isEqualTo(200);
                }
            }
        } finally {
            for (Socket s : flood) {
                s.close();
            }
        }
    }

    @Test
    void aSlowlorisIsClosedAtTheHeaderDeadlineWhateverItTrickles() throws Exception {
        startRouter();
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", router.port()), 5000);
            s.setSoTimeout(200);
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            out.write("GET / HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII));
            long start = System.nanoTime();
            StringBuilder answer = new StringBuilder();
            boolean closed = false;
            while (!closed && System.nanoTime() - start < (HEADER_SECONDS + 4) * 1_000_000_000L) {
                try {
                    out.write('X'); // one header byte every 200 ms: never a whole line
                    out.flush();
                } catch (IOException e) {
                    closed = true;
                    break;
                }
                try {
                    for (int b; (b = in.read()) != -1; ) {
                        answer.append((char) b);
                    }
                    closed = true;
                } catch (SocketTimeoutException e) {
                    // still open
                } catch (IOException e) {
                    closed = true;
                }
            }
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertThat(closed).isTrue();
            assertThat(took).isBetween(Duration.ofMillis(HEADER_SECONDS * 1000L - 500),
                    Duration.ofMillis(HEADER_SECONDS * 1000L + 1500));
            assertThat(answer.toString()).startsWith("HTTP/1.1 408 ");
        }
    }
}
