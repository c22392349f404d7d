package dev.skep.client;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/** An answer whose body is still on the wire; closing it, or its body, hangs up. */
final class Http1Response implements AutoCloseable {

    private final URI uri;
    private final ResponseHead head;
    private final InputStream body;
    private final Socket socket;
    private final Consumer<Http1Response> onClose;
    private final AtomicBoolean closed = new AtomicBoolean();

    Http1Response(URI uri, ResponseHead head, InputStream body, Socket socket, Consumer<Http1Response> onClose) {
        this.uri = uri;
        this.head = head;
        this.socket = socket;
        this.onClose = onClose;
        this.body = new FilterInputStream(body) {
            @Override
            public void close() {
                Http1Response.this.close();
            }
        };
    }

    /** The URL asked for, for messages. */
    URI uri() {
        return uri;
    }

    int status() {
        return head.status();
    }

    /** The first value of a header, or null. */
    String header(String name) {
        return head.header(name);
    }

    /** The decoded body (chunked or of a given length), read once. */
    InputStream body() {
        return body;
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            try {
                socket.close();
            } catch (IOException e) {
                // hanging up: nothing is left to tell the server or the caller
            }
            onClose.accept(this);
        }
    }
}
