package dev.skep.route.proxy;

/**
 * What the respond step ({@link ResponseRelay}) tells the exchange it relays for: the transitions of the
 * exchange's state machine. {@link Exchange} is the one implementation; the relays' tests record the calls.
 */
interface ResponseSink {

    /** A response head came: the backend answered, so no timeout or retry from now on. */
    void responseStarted();

    /**
     * A final head came: whether the client connection closes after this response, as known now (a request
     * not yet fully sent or a draining router close it). The answer may be raised by {@link #closeClient}.
     */
    boolean closesClient();

    /** The response's framing needs the client connection closed after it (an HTTP/1.0 client, say). */
    void closeClient();

    /** The sticky cookie value to set on this response, or null: the app is not sticky, or the client's holds. */
    String newStickyKey();

    /** The response's last byte was relayed. */
    void finish();

    /** A 101 the client asked for went through: from now on bytes pass both ways untouched. */
    void splice();

    /**
     * The backend sent something that is not an HTTP/1.x response ({@code reason}), or switched protocols though
     * the request asked for no upgrade ({@code reason} null); nothing was relayed yet.
     */
    void badResponse(String reason);
}
