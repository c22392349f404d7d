package dev.skep.supervise;

import dev.skep.model.HealthCheck;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.IntPredicate;

/**
 * One health check of one instance on loopback: a TCP connect, or an HTTP/1.1 GET of the check's path that must
 * answer 2xx or 3xx within the timeout. Plain sockets: one short connection per check, nothing pooled.
 */
final class HealthProbe {

    /** {@code why} says what failed, for the event and the log; null when healthy. */
    record Result(boolean healthy, String why) {
        static final Result OK = new Result(true, null);
    }

    private HealthProbe() {
    }

    static Result check(HealthCheck check, int port) {
        if (!check.isHttp()) {
            return connect(port, check.timeout());
        }
        return get(check.path(), port, check.timeout(), status -> status >= 200 && status < 400);
    }

    /** A TCP connect to the port on loopback within the timeout. */
    static Result connect(int port, Duration timeout) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), millis(timeout));
            return Result.OK;
        } catch (SocketTimeoutException e) {
            return new Result(false, "connect took longer than " + InstanceNarration.seconds(timeout));
        } catch (IOException e) {
            return new Result(false, "connect to port " + port + " failed: " + e.getMessage());
        }
    }

    /** An HTTP/1.1 GET of {@code path} on loopback whose status {@code good} accepts, all within the timeout. */
    static Result get(String path, int port, Duration timeout, IntPredicate good) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), millis(timeout));
            socket.setSoTimeout(Math.max(1, (int) ((deadline - System.nanoTime()) / 1_000_000)));
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port
                    + "\r\nUser-Agent: skep-health\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            int status = status(socket.getInputStream());
            if (status > 0 && good.test(status)) {
                return Result.OK;
            }
            return new Result(false, "GET " + path + " answered " + (status < 0 ? "nothing" : status));
        } catch (SocketTimeoutException e) {
            return new Result(false, "GET " + path + " took longer than " + InstanceNarration.seconds(timeout));
        } catch (IOException e) {
            return new Result(false, "GET " + path + " failed: " + e.getMessage());
        }
    }

    /** The status code of "HTTP/1.1 200 OK", or -1 when the answer is no HTTP. */
    private static int status(InputStream in) throws IOException {
        byte[] head = new byte[12];
        int n = 0;
        while (n < head.length) {
            int r = in.read(head, n, head.length - n);
            if (r < 0) {
                break;
            }
            n += r;
        }
        String line = new String(head, 0, n, StandardCharsets.US_ASCII);
        if (n < 12 || !line.startsWith("HTTP/1.")) {
            return -1;
        }
        try {
            return Integer.parseInt(line.substring(9, 12));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static int millis(Duration d) {
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, d.toMillis()));
    }
}
