package dev.skep.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.skep.model.ClusterState;
import dev.skep.model.concurrent.PeriodicTask;
import dev.skep.model.json.SkepJson;
import dev.skep.state.ZkControllers;
import dev.skep.supervise.AssignmentCheck;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An agent cut off from ZooKeeper asks the controllers ({@code GET /v1/agents/{id}/assignments}, cluster token)
 * which instances are still its own. Their addresses and the token come from the state, so they are remembered
 * while it is reachable (refreshed every few seconds). The first controller that answers 200 decides; one that is
 * cut off too answers 503, one that is down does not answer: when none answers, nobody can say, and the agent
 * keeps everything running.
 */
final class ControllerAssignmentCheck implements AssignmentCheck, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ControllerAssignmentCheck.class);
    static final Duration REFRESH = Duration.ofSeconds(5);
    static final Duration TIMEOUT = Duration.ofSeconds(2);

    private final ClusterState state;
    private final ZkControllers controllers;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    private final PeriodicTask refresher;
    private volatile List<String> urls = List.of();
    private volatile String token;
    private volatile String lastUnknown;
    private volatile Set<String> lastConfirmed;

    ControllerAssignmentCheck(ClusterState state, ZkControllers controllers) {
        this.state = state;
        this.controllers = controllers;
        refresh();
        refresher = PeriodicTask.start("controllers-refresh", REFRESH, this::refresh, this::refreshFailed);
    }

    private void refresh() {
        if (!state.reachable()) {
            return; // keep what was known: that is what a cut-off agent asks
        }
        try {
            List<String> now = controllers.urls();
            String known = controllers.clusterToken();
            urls = List.copyOf(now);
            token = known;
        } catch (RuntimeException e) {
            refreshFailed(e);
        }
    }

    private void refreshFailed(RuntimeException e) {
        log.debug("event=controllers.refresh-failed error=\"{}\"", e.getMessage());
    }

    @Override
    public Optional<Set<String>> assigned(String agentId) {
        String bearer = token;
        if (bearer == null) {
            return Optional.empty();
        }
        List<String> reasons = new ArrayList<>();
        for (String base : urls) {
            try {
                HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/v1/agents/" + agentId + "/assignments"))
                        .header("Authorization", "Bearer " + bearer).timeout(TIMEOUT).GET().build();
                HttpResponse<String> answer = http.send(request, HttpResponse.BodyHandlers.ofString());
                if (answer.statusCode() == 200) {
                    Set<String> instances = new HashSet<>();
                    JsonNode body = SkepJson.MAPPER.readTree(answer.body());
                    body.path("instances").forEach(i -> instances.add(i.asText()));
                    if (!body.path("instances").isArray()) {
                        throw new IOException("no instances list in " + answer.body());
                    }
                    lastUnknown = null;
                    if (!instances.equals(lastConfirmed)) { // said once per answer that differs, not every 2 s
                        lastConfirmed = instances;
                        log.info("event=orphan.assignments-confirmed agent={} controller={} instances={}", agentId,
                                base, instances.size());
                    }
                    return Optional.of(instances);
                }
                reasons.add(base + " answered " + answer.statusCode());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.empty();
            } catch (Exception e) {
                reasons.add(base + ": " + e.getClass().getSimpleName() + " " + e.getMessage());
            }
        }
        String why = reasons.isEmpty() ? "no controller known" : String.join("; ", reasons).replace('"', '\'');
        if (!why.equals(lastUnknown)) { // said once per change, not every 2 s of an outage
            lastUnknown = why;
            log.info("event=orphan.assignments-unknown agent={} reasons=\"{}\" next=\"every instance keeps running\"",
                    agentId, why);
        }
        return Optional.empty();
    }

    @Override
    public void close() {
        refresher.close();
    }
}
