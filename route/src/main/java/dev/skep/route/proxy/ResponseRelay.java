package dev.skep.route.proxy;

/**
 * The respond step: relays what a backend connection reads to the client ({@link ClientOut}), rewriting the
 * head, and tells the exchange's state machine ({@link ResponseSink}) what happened. One per exchange; it keeps what the response
 * was (status, backend keep-alive, body bytes) for the exchange's log and connection reuse.
 * {@link ObjectResponseRelay} relays Netty's HTTP objects, {@link RawResponseRelay} bytes read by
 * {@link ResponseReader}.
 */
abstract class ResponseRelay {

    final ResponseSink sink;
    final ClientOut out;
    final String requestId;
    /** The client came over HTTPS (here or at a trusted proxy): a sticky cookie set is Secure. */
    final boolean secure;
    int status;
    boolean backendKeepAlive;
    long bytes;

    ResponseRelay(ResponseSink sink, ClientOut out, String requestId, boolean secure) {
        this.sink = sink;
        this.out = out;
        this.requestId = requestId;
        this.secure = secure;
    }

    /** One message from the backend connection's pipeline; it is consumed (written on or released). */
    abstract void relay(Object msg);

    /** The final (or 101) status, 0 before one came. */
    final int status() {
        return status;
    }

    /** Whether the backend keeps its connection open after this response. */
    final boolean backendKeepAlive() {
        return backendKeepAlive;
    }

    /** Body bytes relayed, for the access log. */
    final long bytes() {
        return bytes;
    }
}
