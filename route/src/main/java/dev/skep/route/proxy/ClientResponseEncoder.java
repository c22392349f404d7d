package dev.skep.route.proxy;

import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseEncoder;

/**
 * Encodes the responses the router writes as HTTP objects (error pages, HTTP/1.0 clients, upgrades).
 * Responses read as bytes ({@link ResponseReader}) are written past it. Unlike Netty's server codec it
 * keeps no queue of request methods (raw responses never pass it to take theirs off); the frontend
 * says instead whether the request in hand is a HEAD, whose response never has a body.
 */
final class ClientResponseEncoder extends HttpResponseEncoder {

    private boolean headRequest;

    void headRequest(boolean head) {
        this.headRequest = head;
    }

    @Override
    protected boolean isContentAlwaysEmpty(HttpResponse msg) {
        return headRequest || super.isContentAlwaysEmpty(msg);
    }
}
