package dev.skep.hosts.cloud;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.skep.hosts.HostFailure;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;

/**
 * DigitalOcean's droplets over its public HTTP API (v2), with java.net.http and Jackson: POST /v2/droplets,
 * GET /v2/droplets/{id} until "active" with a public v4 network, DELETE /v2/droplets/{id}. The token goes only
 * into the Authorization header, never into a message or log line.
 */
public final class DigitalOcean implements CloudProvider {

    public static final URI API = URI.create("https://api.digitalocean.com");
    private static final Duration REQUEST = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI base;
    private final String token;
    private final Duration poll;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(REQUEST).build();

    /**
     * @param base  the API's address: {@link #API}, or a local fake in tests
     * @param poll  how long to wait between two looks at a droplet that is not active yet
     */
    public DigitalOcean(URI base, String token, Duration poll) {
        if (token == null || token.isBlank()) {
            throw new IllegalArgumentException("an empty DigitalOcean token");
        }
        this.base = base;
        this.token = token.strip();
        this.poll = poll;
    }

    @Override
    public String name() {
        return "digitalocean";
    }

    @Override
    public String create(ServerSpec spec) throws HostFailure {
        ObjectNode body = JSON.createObjectNode()
                .put("name", spec.name())
                .put("region", spec.region())
                .put("size", spec.size())
                .put("image", spec.image());
        body.putArray("ssh_keys").add(spec.sshKey());
        if (spec.userData() != null) {
            body.put("user_data", spec.userData());
        }
        JsonNode answer = send("POST", "/v2/droplets", body.toString(), 202, "create droplet " + spec.name());
        JsonNode id = answer.path("droplet").path("id");
        if (id.isMissingNode() || id.isNull()) {
            throw new HostFailure("DigitalOcean accepted droplet " + spec.name() + " but its answer has no droplet.id: "
                    + "look for it in the DigitalOcean console and delete it there");
        }
        return id.asText();
    }

    @Override
    public CloudServer awaitRunning(String id, Duration bound) throws HostFailure {
        Instant deadline = Instant.now().plus(bound);
        CloudServer last;
        while (true) {
            last = server(send("GET", "/v2/droplets/" + id, null, 200, "look at droplet " + id).path("droplet"), id);
            if ("active".equals(last.status()) && last.publicIpv4() != null) {
                return last;
            }
            if (Instant.now().plus(poll).isAfter(deadline)) {
                throw new HostFailure("droplet " + id + " is still '" + last.status() + "'"
                        + (last.publicIpv4() == null ? " with no public IPv4" : "") + " after " + bound.toSeconds()
                        + " s (it should be 'active' with a public IPv4): look at it in the DigitalOcean console, "
                        + "or give it longer with --wait");
            }
            try {
                Thread.sleep(poll);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new HostFailure("interrupted while waiting for droplet " + id, e);
            }
        }
    }

    @Override
    public boolean delete(String id) throws HostFailure {
        String what = "delete droplet " + id;
        HttpResponse<String> response = exchange("DELETE", "/v2/droplets/" + id, null, what);
        if (response.statusCode() == 404) {
            return false;
        }
        check(response, 204, what);
        return true;
    }

    @Override
    public String deleteHint(String id) {
        return "delete it in the DigitalOcean console, or: curl -X DELETE -H \"Authorization: Bearer $TOKEN\" "
                + base.resolve("/v2/droplets/" + id);
    }

    private static CloudServer server(JsonNode droplet, String id) {
        String address = null;
        for (JsonNode net : droplet.path("networks").path("v4")) {
            if ("public".equals(net.path("type").asText()) && !net.path("ip_address").asText().isEmpty()) {
                address = net.path("ip_address").asText();
                break;
            }
        }
        return new CloudServer(id, droplet.path("status").asText("unknown"), address);
    }

    /** One API call; an answer other than {@code expected} fails with DigitalOcean's own id and message. */
    private JsonNode send(String method, String path, String body, int expected, String what) throws HostFailure {
        HttpResponse<String> response = exchange(method, path, body, what);
        check(response, expected, what);
        try {
            return response.body().isBlank() ? JSON.missingNode() : JSON.readTree(response.body());
        } catch (IOException e) {
            throw new HostFailure("could not " + what + ": DigitalOcean's answer is not JSON (" + e.getMessage() + ")", e);
        }
    }

    private static void check(HttpResponse<String> response, int expected, String what) throws HostFailure {
        if (response.statusCode() != expected) {
            throw new HostFailure("could not " + what + ": DigitalOcean answered " + response.statusCode()
                    + reason(response.body()) + advice(response.statusCode()));
        }
    }

    /** Sends one request; no answer at all fails with the API's address. */
    private HttpResponse<String> exchange(String method, String path, String body, String what) throws HostFailure {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).timeout(REQUEST)
                .header("Authorization", "Bearer " + token)
                .header("Accept", "application/json");
        if (body != null) {
            request.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
        } else {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        }
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new HostFailure("could not " + what + ": DigitalOcean's API at " + base + " did not answer ("
                    + e.getMessage() + "): check the network and try again", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HostFailure("interrupted while trying to " + what, e);
        }
        return response;
    }

    private static String reason(String body) {
        try {
            JsonNode error = JSON.readTree(body);
            String id = error.path("id").asText("");
            String message = error.path("message").asText("");
            return id.isEmpty() && message.isEmpty() ? "" : " (" + id + (message.isEmpty() ? "" : ": " + message) + ")";
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    private static String advice(int status) {
        return switch (status) {
            case 401 -> ": the token is wrong or revoked; give a valid one with --token-file or DIGITALOCEAN_TOKEN";
            case 403 -> ": the token lacks the write scope for droplets";
            case 404 -> ": no such droplet (it may have been deleted)";
            case 422 -> ": check --region, --size, --image and --ssh-key against what the account offers";
            case 429 -> ": rate limited; try again in a minute";
            default -> status >= 500 ? ": a failure on DigitalOcean's side; try again in a few minutes" : "";
        };
    }
}
