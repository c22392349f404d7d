package dev.skep.server.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;

/** Uploads over a bare socket, to do what well-behaved clients never do: stop halfway, or send for ever. */
final class RawUpload {

    /** What the server said (status 0: nothing), and how many body bytes got out. */
    record Result(int status, String response, long sent) {
    }

    private RawUpload() {
    }

    /** Sends headers announcing {@code announced} bytes, then {@code body} until it ends, then hangs up. */
    static Result send(int port, String path, String token, long announced, InputStream body) throws Exception {
        AtomicLong sent = new AtomicLong();
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(120_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + token
                    + "\r\nContent-Type: application/gzip\r\n"
                    + (announced >= 0 ? "Content-Length: " + announced + "\r\n" : "Transfer-Encoding: chunked\r\n")
                    + "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            Thread writer = Thread.ofVirtual().start(() -> {
                byte[] buffer = new byte[1 << 16];
                try {
                    int n;
                    while ((n = body.read(buffer)) > 0) {
                        if (announced < 0) {
                            out.write((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                        }
                        out.write(buffer, 0, n);
                        if (announced < 0) {
                            out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                        }
                        sent.addAndGet(n);
                    }
                    if (announced < 0 && !(body instanceof Halfway)) {
                        out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII)); // the last chunk
                    }
                    out.flush();
                } catch (IOException serverHungUp) {
                    // the server answered and closed: the upload stops here
                }
            });
            if (body instanceof Halfway) {
                writer.join();
                return new Result(0, "", sent.get()); // hang up without reading: the client went away
            }
            String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            socket.close();
            writer.join(30_000);
            int status = response.startsWith("HTTP/1.1 ") ? Integer.parseInt(response.substring(9, 12)) : 0;
            return new Result(status, response, sent.get());
        }
    }

    /** Marks a body after which the client hangs up without waiting for an answer. */
    static final class Halfway extends InputStream {
        private final InputStream in;

        Halfway(InputStream in) {
            this.in = in;
        }

        @Override
        public int read() throws IOException {
            return in.read();
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            return in.read(b, off, len);
        }
    }

    /** {@code size} bytes of a cheap pseudo-random pattern, made as they are read. */
    static InputStream endless(long size) {
        return new InputStream() {
            private long left = size;
            private long x = 0x9E3779B97F4A7C15L;

            @Override
            public int read() {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (left <= 0) {
                    return -1;
                }
                int n = (int) Math.min(len, left);
                for (int i = 0; i < n; i++) {
                    x ^= x << 13;
                    x ^= x >>> 7;
                    x ^= x << 17;
                    b[off + i] = (byte) x;
                }
                left -= n;
                return n;
            }
        };
    }
}
