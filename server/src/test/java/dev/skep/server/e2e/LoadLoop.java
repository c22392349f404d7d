package dev.skep.server.e2e;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Keep-alive HTTP/1.1 clients on loopback, each sending GETs one after another on its own
 * connection, as a browser or wrk would. Strict: a non-2xx answer, a broken connection or a
 * timeout each count as a failure, and nothing is retried behind the caller's back.
 */
public final class LoadLoop implements AutoCloseable {

    /** What the clients saw; {@code samples} are the first few failures, for the assertion message. */
    public record Result(long ok, long non2xx, long errors, List<String> samples) {
        public long failed() {
            return non2xx + errors;
        }
    }

    private static final Duration MAX_RUN = Duration.ofSeconds(120);
    private static final Duration PAUSE = Duration.ofMillis(2);

    private final String host;
    private String address = "127.0.0.1";
    private final int port;
    private final byte[] request;
    private Duration pause = PAUSE;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicLong ok = new AtomicLong();
    private final AtomicLong non2xx = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private final ConcurrentLinkedQueue<String> samples = new ConcurrentLinkedQueue<>();
    private final List<Thread> clients = new ArrayList<>();
    private final long deadline = System.nanoTime() + MAX_RUN.toNanos();

    private LoadLoop(String host, int port, byte[] request) {
        this.host = host;
        this.port = port;
        this.request = request;
    }

    /** Starts {@code connections} clients sending {@code GET /} with {@code Host: host} to 127.0.0.1:port. */
    public static LoadLoop start(String host, int port, int connections) {
        return start(host, port, connections, ("GET / HTTP/1.1\r\nHost: " + host + "\r\nUser-Agent: skep-load\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
    }

    /**
     * As {@link #start(String, int, int)} but each client waits {@code pause} between requests: a bounded rate
     * (one client, 20 ms: about 50 requests a second).
     */
    public static LoadLoop paced(String host, int port, int connections, Duration pause) {
        return paced("127.0.0.1", host, port, connections, pause);
    }

    /** As {@link #paced(String, int, int, Duration)}, to a router listening on {@code address}. */
    public static LoadLoop paced(String address, String host, int port, int connections, Duration pause) {
        LoadLoop loop = new LoadLoop(host, port, ("GET / HTTP/1.1\r\nHost: " + host
                + "\r\nUser-Agent: skep-load\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        loop.pause = pause;
        loop.address = address;
        for (int i = 0; i < connections; i++) {
            loop.clients.add(Thread.ofPlatform().daemon().name("load-" + i).start(loop::client));
        }
        return loop;
    }

    /**
     * Clients sending {@code POST target} with a small body: a router may not replay those on
     * another instance, so only a real drain keeps them from failing when an instance stops.
     */
    public static LoadLoop startPosts(String host, int port, int connections, String target) {
        String body = "{\"n\": 1}";
        return start(host, port, connections, ("POST " + target + " HTTP/1.1\r\nHost: " + host
                + "\r\nUser-Agent: skep-load\r\nContent-Type: application/json\r\nContent-Length: " + body.length()
                + "\r\n\r\n" + body).getBytes(StandardCharsets.US_ASCII));
    }

    private static LoadLoop start(String host, int port, int connections, byte[] request) {
        LoadLoop loop = new LoadLoop(host, port, request);
        for (int i = 0; i < connections; i++) {
            loop.clients.add(Thread.ofPlatform().daemon().name("load-" + i).start(loop::client));
        }
        return loop;
    }

    public long okSoFar() {
        return ok.get();
    }

    /** Stops the clients, waits for them, returns the counts. */
    public Result stop() throws InterruptedException {
        running.set(false);
        for (Thread t : clients) {
            t.join(10_000);
        }
        return new Result(ok.get(), non2xx.get(), errors.get(), List.copyOf(samples).subList(0, Math.min(samples.size(), 10)));
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }

    private boolean go() {
        return running.get() && System.nanoTime() < deadline;
    }

    private void client() {
        while (go()) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(address, port), 2000);
                socket.setSoTimeout(10_000);
                socket.setTcpNoDelay(true);
                OutputStream out = socket.getOutputStream();
                InputStream in = new BufferedInputStream(socket.getInputStream());
                while (go()) {
                    out.write(request);
                    out.flush();
                    int answer = readResponse(in);
                    int status = Math.abs(answer);
                    if (status >= 200 && status < 300) {
                        ok.incrementAndGet();
                    } else {
                        non2xx.incrementAndGet();
                        sample("status " + status);
                    }
                    Thread.sleep(pause.toMillis());
                    if (answer < 0) {
                        break; // reconnect
                    }
                }
            } catch (IOException e) {
                if (go()) {
                    errors.incrementAndGet();
                    sample(e.toString());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void sample(String what) {
        if (samples.size() < 10) {
            samples.add(System.currentTimeMillis() + " " + what);
        }
    }

    /**
     * Reads one whole response (Content-Length or chunked); returns its status, negated when the server
     * asked to close the connection (a polite close, not a failure); throws if the connection broke.
     */
    static int readResponse(InputStream in) throws IOException {
        return readResponse(in, null);
    }

    /** As {@link #readResponse(InputStream)}, keeping the body in {@code body} when not null. */
    static int readResponse(InputStream in, ByteArrayOutputStream body) throws IOException {
        String statusLine = line(in);
        String[] parts = statusLine.split(" ");
        if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
            throw new IOException("bad status line '" + statusLine + "'");
        }
        int status = Integer.parseInt(parts[1]);
        long length = -1;
        boolean chunked = false;
        boolean close = false;
        for (String h = line(in); !h.isEmpty(); h = line(in)) {
            String lower = h.toLowerCase(Locale.ROOT);
            if (lower.startsWith("content-length:")) {
                length = Long.parseLong(lower.substring(15).trim());
            } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                chunked = true;
            } else if (lower.startsWith("connection:") && lower.contains("close")) {
                close = true;
            }
        }
        if (chunked) {
            for (long size = Long.parseLong(line(in).split(";")[0].trim(), 16); size > 0;
                 size = Long.parseLong(line(in).split(";")[0].trim(), 16)) {
                skip(in, size, body);
                line(in);
            }
            for (String trailer = line(in); !trailer.isEmpty(); trailer = line(in)) {
                // trailers: none expected
            }
        } else if (length >= 0) {
            skip(in, length, body);
        } else {
            throw new IOException("response without length (status " + status + ")");
        }
        return close ? -status : status;
    }

    private static void skip(InputStream in, long n, ByteArrayOutputStream body) throws IOException {
        if (body != null) {
            byte[] bytes = in.readNBytes((int) n);
            if (bytes.length < n) {
                throw new IOException("connection closed mid-body");
            }
            body.write(bytes);
            return;
        }
        long left = n;
        while (left > 0) {
            long skipped = in.skip(left);
            if (skipped <= 0) {
                if (in.read() < 0) {
                    throw new IOException("connection closed mid-body");
                }
                skipped = 1;
            }
            left -= skipped;
        }
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0) {
            if (c == '\n') {
                int len = buf.size();
                byte[] b = buf.toByteArray();
                return new String(b, 0, len > 0 && b[len - 1] == '\r' ? len - 1 : len, StandardCharsets.US_ASCII);
            }
            buf.write(c);
        }
        throw new IOException("connection closed by the server");
    }
}
