package dev.skep.route.it;

import dev.skep.model.AppId;
import dev.skep.route.AppRoute;
import dev.skep.route.Backend;
import dev.skep.route.RouteTable;
import dev.skep.route.RouterConfig;
import dev.skep.route.server.RouterServer;
import org.junit.jupiter.api.AfterEach;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A router on a free loopback port and node backends, all stopped after each test. */
abstract class RouterFixture {

    static final AppId SHOP = new AppId("alice", "shop");
    static final AppId BLOG = new AppId("bob", "blog");

    final List<NodeBackend> backends = new ArrayList<>();
    RouterServer router;

    RouterConfig config() {
        return RouterConfig.defaults().withListen("127.0.0.1", 0).withWorkerThreads(2)
                .withDrainTimeout(Duration.ofSeconds(2));
    }

    RouterServer startRouter() {
        router = new RouterServer(config()).start();
        return router;
    }

    NodeBackend backend(String name) {
        NodeBackend b = NodeBackend.start(name);
        backends.add(b);
        return b;
    }

    static List<Backend> of(NodeBackend... nodes) {
        List<Backend> list = new ArrayList<>();
        for (NodeBackend n : nodes) {
            list.add(n.backend());
        }
        return list;
    }

    /** Routes host -> (app, backends), in order given: "shop.test" -> SHOP etc. */
    static RouteTable table(Object... hostAppBackends) {
        Map<String, AppRoute> routes = new LinkedHashMap<>();
        for (int i = 0; i < hostAppBackends.length; i += 3) {
            @SuppressWarnings("unchecked")
            List<Backend> bs = (List<Backend>) hostAppBackends[i + 2];
            routes.put((String) hostAppBackends[i], new AppRoute((AppId) hostAppBackends[i + 1], bs));
        }
        return RouteTable.of(routes);
    }

    /** A TLS client context that trusts any certificate: the tests' certificates are self-signed. */
    static SSLContext trustAll() throws Exception {
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, new TrustManager[]{new X509TrustManager() {
            public void checkClientTrusted(X509Certificate[] c, String a) {
            }

            public void checkServerTrusted(X509Certificate[] c, String a) {
            }

            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        }}, null);
        return ctx;
    }

    /** A handshaken TLS connection to the router's HTTPS port, naming {@code sni} (unless null) and offering {@code alpn}. */
    SSLSocket connectTls(String sni, String... alpn) throws Exception {
        SSLSocket s = (SSLSocket) trustAll().getSocketFactory().createSocket("127.0.0.1", router.httpsPort());
        SSLParameters params = s.getSSLParameters();
        if (sni != null) {
            params.setServerNames(List.of(new SNIHostName(sni)));
        }
        params.setApplicationProtocols(alpn);
        s.setSSLParameters(params);
        s.startHandshake();
        return s;
    }

    @AfterEach
    void stopAll() {
        if (router != null) {
            router.close();
        }
        backends.forEach(NodeBackend::close);
    }
}
