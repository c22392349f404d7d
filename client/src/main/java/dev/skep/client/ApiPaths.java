package dev.skep.client;

import dev.skep.model.AppId;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** The API's paths as the client writes them: where an app's calls go, and names made safe inside a URL. */
final class ApiPaths {

    private ApiPaths() {
    }

    /** Where the calls about one app go: {@code /v1/apps/{user}/{name}}. */
    static String app(AppId app) {
        return "/v1/apps/" + app.user() + "/" + app.name();
    }

    /** A name as one path segment: a space is %20 (a "+" would stay a plus in a path). */
    static String segment(String s) {
        return encoded(s).replace("+", "%20");
    }

    /** A name form-encoded, as the domain, certificate and event calls send it (a space is "+"). */
    static String encoded(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /** A volume path in a URL: "/" is written "+" (never part of a valid path). */
    static String volume(String path) {
        return encoded(path.replace('/', '+')).replace("%2B", "+");
    }
}
