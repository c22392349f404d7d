package dev.skep.client;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A server on port 0 that answers one connection with a script over the raw socket: for what an
 * HTTP server library would do for us (100 Continue, early answers), written out byte by byte.
 */
final class RawServer implements AutoCloseable {

    @FunctionalInterface
    interface Script {
        /** Returns what the test wants to know afterwards (the body bytes it saw, say). */
        Object run(Socket socket, InputStream in, String head) throws IOException, InterruptedException;
    }

    private final ServerSocket server;
    private final CompletableFuture<Object> outcome = new CompletableFuture<>();

    RawServer(Script script) {
        try {
            server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Thread.ofVirtual().start(() -> {
            try (Socket socket = server.accept()) {
                InputStream in = socket.getInputStream();
                outcome.complete(script.run(socket, in, head(in)));
            } catch (Exception | AssertionError e) {
                outcome.completeExceptionally(e);
            }
        });
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + server.getLocalPort());
    }

    /** What the script returned, once it has run. */
    Object outcome() throws Exception {
        return outcome.get(30, TimeUnit.SECONDS);
    }

    /** The request line and headers, up to the blank line. */
    static String head(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("the client hung up inside the head: " + head);
            }
            head.write(b);
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    static void write(Socket socket, String text) throws IOException {
        socket.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
        socket.getOutputStream().flush();
    }

    /** A whole answer with a JSON body and Connection: close. */
    static String answer(int status, String json) {
        return "HTTP/1.1 " + status + " X\r\nContent-Type: application/json\r\nContent-Length: "
                + json.getBytes(StandardCharsets.UTF_8).length + "\r\nConnection: close\r\n\r\n" + json;
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
