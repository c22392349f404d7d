package dev.skep.client;

import dev.skep.model.AppId;
import dev.skep.model.RouteSettings;
import dev.skep.model.view.CertificateView;
import java.lang.reflect.Type;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What the routers do with an app's requests: its route settings and its HTTPS certificates. */
public final class EdgeClient {

    private final ApiCalls api;

    EdgeClient(ApiCalls api) {
        this.api = api;
    }

    /** The app's body limit (0: the router's default) and whether plain HTTP is redirected to https. */
    public RouteSettings routeSettings(AppId app) {
        return api.call("GET", ApiPaths.app(app) + "/route", null, RouteSettings.class);
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
        api.call("PATCH", ApiPaths.app(app), patch, Map.class);
        return routeSettings(app);
    }

    /** The app's certificates: domain, subject, names, expiry; never keys. */
    public List<CertificateView> certificates(AppId app) {
        return api.call("GET", ApiPaths.app(app) + "/certificates", null, views());
    }

    /** Adds or replaces the certificate of one of the app's hosts (PEM chain, leaf first; PKCS#8 PEM key). */
    public List<CertificateView> putCertificate(AppId app, String domain, String certPem, String keyPem) {
        return api.call("PUT", ApiPaths.app(app) + "/certificates/" + ApiPaths.encoded(domain),
                Map.of("cert", certPem, "key", keyPem), views());
    }

    public void removeCertificate(AppId app, String domain) {
        api.call("DELETE", ApiPaths.app(app) + "/certificates/" + ApiPaths.encoded(domain), null, null);
    }

    private static Type views() {
        return Json.listOf(CertificateView.class);
    }
}
