package dev.skep.route.it;

import dev.skep.route.AppRoute;
import dev.skep.route.RouteTable;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class StreamingTest extends RouterFixture {

    private static final long SIZE = 200L * 1024 * 1024;
    private static final long MEMORY_BOUND = 64L * 1024 * 1024;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    /** Samples the allocator's direct memory and the heap while a transfer runs. */
    private static final class MemoryWatch implements AutoCloseable {
        final AtomicLong maxDirect = new AtomicLong();
        final AtomicLong maxHeap = new AtomicLong();
        final Thread thread = Thread.ofPlatform().daemon().start(this::run);
        volatile boolean stop;

        void run() {
            ByteBufAllocatorMetricProvider m = (ByteBufAllocatorMetricProvider) ByteBufAllocator.DEFAULT;
            Runtime rt = Runtime.getRuntime();
            while (!stop) {
                maxDirect.accumulateAndGet(m.metric().usedDirectMemory(), Math::max);
                maxHeap.accumulateAndGet(rt.totalMemory() - rt.freeMemory(), Math::max);
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        @Override
        public void close() throws InterruptedException {
            stop = true;
            thread.join();
        }
    }

    /** A deterministic body of any length, never held in memory at once. */
    private static InputStream pattern(long size) {
        return new InputStream() {
            long pos;

            @Override
            public int read() {
                return pos < size ? (int) (pos++ % 251) : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (pos >= size) {
                    return -1;
                }
                int n = (int) Math.min(len, size - pos);
                for (int i = 0; i < n; i++) {
                    b[off + i] = (byte) (pos++ % 251);
                }
                return n;
            }
        };
    }

    private static String sha256(InputStream in) throws Exception {
        MessageDigest d = MessageDigest.getInstance("SHA-256");
        byte[] buf = new byte[64 * 1024];
        for (int n; (n = in.read(buf)) > 0; ) {
            d.update(buf, 0, n);
        }
        return HexFormat.of().formatHex(d.digest());
    }

    @Test
    void largeUploadStreamsThroughWithBoundedMemory() throws Exception {
        NodeBackend shop = backend("shop-1");
        startRouter().update(RouteTable.of(Map.of("shop.test",
                new AppRoute(SHOP, of(shop), 1L << 30))));
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + router.port() + "/upload"))
                .header("Host", "shop.test")
                .POST(HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(
                        () -> pattern(SIZE)), SIZE))
                .build();
        HttpResponse<String> r;
        try (MemoryWatch watch = new MemoryWatch()) {
            r = http.send(req, HttpResponse.BodyHandlers.ofString());
            assertThat(watch.maxDirect.get()).isLessThan(MEMORY_BOUND);
        }
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("\"bytes\":" + SIZE).contains(sha256(pattern(SIZE)));
    }

    @Test
    void largeDownloadStreamsThroughWithBoundedMemory() throws Exception {
        NodeBackend shop = backend("shop-1");
        startRouter().update(table("shop.test", SHOP, of(shop)));
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + router.port() + "/download?mb=200"))
                .header("Host", "shop.test").build();
        try (MemoryWatch watch = new MemoryWatch()) {
            HttpResponse<InputStream> r = http.send(req, HttpResponse.BodyHandlers.ofInputStream());
            assertThat(r.statusCode()).isEqualTo(200);
            long total = 0;
            byte[] buf = new byte[64 * 1024];
            try (InputStream in = r.body()) {
                for (int n; (n = in.read(buf)) > 0; ) {
                    total += n;
                }
            }
            assertThat(total).isEqualTo(SIZE);
            assertThat(watch.maxDirect.get()).isLessThan(MEMORY_BOUND);
        }
    }

    @Test
    void serverSentEventsArriveAsTheyAreSent() throws Exception {
        NodeBackend shop = backend("shop-1");
        startRouter().update(table("shop.test", SHOP, of(shop)));
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + router.port() + "/sse?n=4&every=400"))
                .header("Host", "shop.test").header("Accept", "text/event-stream").build();
        long start = System.nanoTime();
        List<Long> arrivals = new CopyOnWriteArrayList<>();
        HttpResponse<Stream<String>> r = http.send(req, HttpResponse.BodyHandlers.ofLines());
        r.body().filter(l -> l.startsWith("data:")).forEach(l -> arrivals.add((System.nanoTime() - start) / 1_000_000));
        assertThat(r.headers().firstValue("content-type")).hasValue("text/event-stream");
        assertThat(arrivals).hasSize(4);
        assertThat(arrivals.get(0)).isLessThan(1000);            // not held until the stream ends
        // a buffered stream delivers all four at once; a loaded machine may hold the first back a few hundred ms, so
        // the check is for more than one interval between the first and the last, not for all three
        assertThat(arrivals.get(3) - arrivals.get(0)).isGreaterThan(500);
    }

    @Test
    void websocketEchoesThroughTheProxy() throws Exception {
        NodeBackend ws = backend("ws-1");
        startRouter().update(table("localhost", SHOP, of(ws)));
        LinkedBlockingQueue<String> texts = new LinkedBlockingQueue<>();
        LinkedBlockingQueue<Integer> binaries = new LinkedBlockingQueue<>();
        WebSocket socket = http.newWebSocketBuilder().buildAsync(
                URI.create("ws://localhost:" + router.port() + "/chat"), new WebSocket.Listener() {
                    final StringBuilder text = new StringBuilder();
                    long binary;

                    @Override
                    public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                        text.append(data);
                        if (last) {
                            texts.add(text.toString());
                            text.setLength(0);
                        }
                        w.request(1);
                        return null;
                    }

                    @Override
                    public CompletionStage<?> onBinary(WebSocket w, ByteBuffer data, boolean last) {
                        binary += data.remaining();
                        if (last) {
                            binaries.add((int) binary);
                            binary = 0;
                        }
                        w.request(1);
                        return null;
                    }
                }).get(5, TimeUnit.SECONDS);
        socket.sendText("hello", true).get(5, TimeUnit.SECONDS);
        assertThat(texts.poll(5, TimeUnit.SECONDS)).isEqualTo("ws-1: hello");
        socket.sendBinary(ByteBuffer.allocate(300_000), true).get(5, TimeUnit.SECONDS);
        assertThat(binaries.poll(5, TimeUnit.SECONDS)).isEqualTo(300_000);
        socket.sendText("again", true).get(5, TimeUnit.SECONDS);
        assertThat(texts.poll(5, TimeUnit.SECONDS)).isEqualTo("ws-1: again");
        CompletableFuture<WebSocket> closed = socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
        closed.get(5, TimeUnit.SECONDS);
    }
}
