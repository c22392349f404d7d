package dev.skep.server;

import dev.skep.model.RouterEndpoint;
import dev.skep.route.proxy.RouterHealth;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Renders the HAProxy config of an edge in front of the cluster's live routers (`skep edge haproxy`). Pure: the
 * same routers and flags give the same text, so a watcher reloads only when something changed.
 *
 * <p>HTTP: a frontend that replaces the client's forwarding headers with its own (X-Forwarded-For, -Proto, -Port,
 * -Host), which routers started with {@code --trusted-proxies EDGE} keep; health checks at the routers' health host;
 * connection failures retried on another router (any request: nothing reached a router), empty answers and timeouts
 * retried only for GET, HEAD and OPTIONS, which a router may answer twice without harm.
 *
 * <p>HTTPS: TLS passthrough (mode tcp) to the routers' HTTPS ports. The routers hold the apps' certificates (SNI,
 * live from the state), so the edge needs none; the routers see the edge's address as the client's.
 *
 * @param bind    the HTTP listener
 * @param tlsBind the HTTPS (passthrough) listener, or null
 */
record HaproxyConfig(ListenAddress bind, ListenAddress tlsBind) {

    /** What a router may register and still be written into a config: no spaces, quotes or newlines. */
    private static final Pattern SAFE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,127}");
    private static final Pattern SAFE_HOST = Pattern.compile("[A-Za-z0-9][A-Za-z0-9.:-]{0,252}");

    /** The edge's own health answer (for keepalived or a cloud load balancer): Host skep-edge.invalid. */
    static final String EDGE_HEALTH_HOST = "skep-edge.invalid";

    /** Whether a router's registration can be written into the config as it is. */
    static boolean usable(RouterEndpoint r) {
        return SAFE_ID.matcher(r.id()).matches() && SAFE_HOST.matcher(r.host()).matches();
    }

    String render(List<RouterEndpoint> registered) {
        List<RouterEndpoint> routers = new ArrayList<>(registered.stream().filter(HaproxyConfig::usable).toList());
        routers.sort(Comparator.comparing(RouterEndpoint::id));
        StringBuilder c = new StringBuilder();
        c.append("""
                # Written by `skep edge haproxy` from the cluster's live routers; rewritten when they change (--watch).
                # Edits here are lost: change the flags instead.
                # HAProxy sizes its connection limit from its file limit (ulimit -n, LimitNOFILE in systemd)

                defaults
                    mode http
                    timeout connect 2s
                    timeout client 60s
                    timeout server 60s
                    timeout http-request 10s
                    timeout http-keep-alive 10s
                    timeout queue 10s
                    timeout tunnel 1h
                    timeout check 3s
                    # a request that cannot reach a router is tried up to 3 more times, each time on another one
                    retries 3
                    option redispatch 1
                    # a dead router is out after 2 failed checks, 1 s apart; a new one in after 2 good ones
                    default-server inter 1s fastinter 500ms downinter 1s fall 2 rise 2

                frontend skep_http
                """);
        c.append("    bind ").append(bind.haproxy()).append('\n');
        c.append("""
                    # the edge's own health (keepalived's check, a cloud load balancer): answered here, never by an app
                    http-request return status 200 content-type text/plain string "ok" if { hdr(host),field(1,:) -i %s }
                    # what clients claim is not believed: the routers trust what this edge sets
                    http-request del-header X-Forwarded-For
                    http-request del-header Forwarded
                    http-request del-header X-Real-IP
                    http-request set-header X-Forwarded-Proto http
                    http-request set-header X-Forwarded-Port %%[dst_port]
                    http-request set-header X-Forwarded-Host %%[req.hdr(host)] if { req.hdr(host) -m found }
                    option forwardfor
                    # on reload the old process answers each idle keep-alive client once more, with Connection: close,
                    # rather than closing under a request already on its way (hitless reload)
                    option idle-close-on-response
                    default_backend skep_routers

                backend skep_routers
                    balance leastconn
                    option httpchk
                    http-check send meth GET uri / ver HTTP/1.1 hdr Host %s
                    http-check expect status 200
                    retry-on conn-failure empty-response response-timeout
                    acl idempotent method GET HEAD OPTIONS
                    http-request disable-l7-retry unless idempotent
                """.formatted(EDGE_HEALTH_HOST, RouterHealth.HOST));
        servers(c, routers, false);
        if (tlsBind != null) {
            c.append("""

                    frontend skep_https
                        mode tcp
                    """);
            c.append("    bind ").append(tlsBind.haproxy()).append('\n');
            c.append("""
                        default_backend skep_routers_tls

                    # TLS passthrough: the routers terminate TLS with the apps' certificates
                    backend skep_routers_tls
                        mode tcp
                        balance leastconn
                        option httpchk
                        http-check send meth GET uri / ver HTTP/1.1 hdr Host %s
                        http-check expect status 200
                    """.formatted(RouterHealth.HOST));
            servers(c, routers.stream().filter(RouterEndpoint::https).toList(), true);
        }
        return c.toString();
    }

    private static void servers(StringBuilder c, List<RouterEndpoint> routers, boolean tls) {
        if (routers.isEmpty()) {
            c.append("    # no live router registered: requests get 503 until one joins\n");
        }
        for (RouterEndpoint r : routers) {
            String host = r.host().indexOf(':') >= 0 ? "[" + r.host() + "]" : r.host();
            c.append("    server ").append(r.id()).append(' ').append(host).append(':')
                    .append(tls ? r.httpsPort() : r.port()).append(" check");
            if (tls) {
                c.append(" port ").append(r.port()); // checked over plain HTTP, as the HTTP backend is
            }
            c.append('\n');
        }
    }
}
