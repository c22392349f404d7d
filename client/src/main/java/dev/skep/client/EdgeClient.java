package dev.skep.client;

import dev.skep.model.AppId;
import dev.skep.model.RouteSettings;
import dev.skep.model.view.CertificateView;
import java.lang.reflect.Type;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What the routers do with an app's requests: its route settings and its HTTPS certificates. */
public final class EdgeClient {

    private final SkepClient client;

    EdgeClient(SkepClient client) {
        this.client = client;
    }

    /** The app's body limit (0: the router's default) and whether plain HTTP is redirected to https. */
    public RouteSettings routeSettings(AppId app) {
        return client.call("GET", path(app) + "/route", null, RouteSettings.class);
    }

    /** Changes what is not null; answers the settings now in force. */
    public RouteSettings setRouteSettings(AppId app, Long maxBodyBytes, Boolean httpsOnly, Boolean sticky) {
        return setRouteSettings(app, maxBodyBytes, httpsOnly, sticky, null);
    }

    /** As {@link #setRouteSettings(AppId, Long, Boolean, Boolean)}, with the idle stop in seconds (0: off). */
    public RouteSettings setRouteSettings(AppId app, Long maxBodyBytes, Boolean httpsOnly, Boolean sticky,
                                          Long idleStopSeconds) {
        Map<String, Object> patch = new LinkedHashMap<>();
        if (idleStopSeconds != null) {
            patch.put("idleStop", idleStopSeconds);
        }
        if (maxBodyBytes != null) {
            patch.put("maxBodyBytes", maxBodyBytes);
        }
        if (httpsOnly != null) {
            patch.put("httpsOnly", httpsOnly);
        }
        if (sticky != null) {
            patch.put("sticky", sticky);
        }
        if (patch.isEmpty()) {
            throw new IllegalArgumentException("nothing to change: give a body limit, https-only, sticky or idle stop");
        }
        client.call("PATCH", path(app), patch, Map.class);
        return routeSettings(app);
    }

    /** The app's certificates: domain, subject, names, expiry; never keys. */
    public List<CertificateView> certificates(AppId app) {
        return client.call("GET", path(app) + "/certificates", null, views());
    }

    /** Adds or replaces the certificate of one of the app's hosts (PEM chain, leaf first; PKCS#8 PEM key). */
    public List<CertificateView> putCertificate(AppId app, String domain, String certPem, String keyPem) {
        return client.call("PUT", path(app) + "/certificates/" + encode(domain), Map.of("cert", certPem, "key", keyPem),
                views());
    }

    public void removeCertificate(AppId app, String domain) {
        client.call("DELETE", path(app) + "/certificates/" + encode(domain), null, null);
    }

    private static String path(AppId app) {
        return "/v1/apps/" + app.user() + "/" + app.name();
    }

    private static String encode(String domain) {
        return URLEncoder.encode(domain, StandardCharsets.UTF_8);
    }

    private static Type views() {
        return Json.listOf(CertificateView.class);
    }
}
