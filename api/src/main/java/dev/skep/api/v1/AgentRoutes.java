package dev.skep.api.v1;

import dev.skep.api.AgentViews;
import dev.skep.api.Caller;
import dev.skep.api.Routes;
import dev.skep.api.audit.Audit;
import dev.skep.model.AgentRegistry;
import dev.skep.model.RouteEpochs;
import dev.skep.model.ChangeFeed;
import dev.skep.model.Event;
import dev.skep.model.EventSink;
import dev.skep.model.EventTypes;
import dev.skep.model.RouterEndpoint;
import dev.skep.model.SkepException;
import dev.skep.model.view.AgentView;
import dev.skep.model.view.ClusterHealth;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agents (admin only): {@code GET /v1/agents}, {@code POST /v1/agents/{id}/drain[?force=true]} and
 * {@code POST /v1/agents/{id}/undrain}. A drained agent takes no new work and the scheduler moves its instances
 * away, each replacement ready before the old one is withdrawn (the zero-downtime stop). Apps whose volumes are on
 * it cannot move: a drain is refused, naming them, unless forced (then they keep running there).
 */
public record AgentRoutes(AgentRegistry registry, RouteEpochs routeEpochs, ChangeFeed changeFeed, AgentViews views,
                          EventSink events, Clock clock) implements Routes {

    private static final Logger log = LoggerFactory.getLogger(AgentRoutes.class);

    /** @param state the cluster state, seen as its agents, its route epochs and its change feed */
    public <S extends AgentRegistry & RouteEpochs & ChangeFeed> AgentRoutes(
            S state, AgentViews views, EventSink events, Clock clock) {
        this(state, state, state, views, events, clock);
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.get("/v1/agents", ctx -> {
            Caller.principal(ctx).requireAdmin();
            ctx.json(views.list());
        });
        routes.get("/v1/cluster", ctx -> {
            Caller.principal(ctx).requireAdmin();
            ctx.json(health());
        });
        routes.post("/v1/agents/{id}/drain", ctx -> ctx.json(drain(ctx, true)));
        routes.post("/v1/agents/{id}/undrain", ctx -> ctx.json(drain(ctx, false)));
    }

    /** The routers by id: those registered for an edge and those reporting the routes they apply. */
    private ClusterHealth health() {
        Map<String, Long> applied = routeEpochs.routesApplied();
        Map<String, ClusterHealth.Router> routers = new TreeMap<>();
        for (RouterEndpoint r : routeEpochs.routers()) {
            routers.put(r.id(), new ClusterHealth.Router(r.id(), r.host(), r.port(), r.httpsPort() > 0 ? r.httpsPort() : null,
                    applied.get(r.id())));
        }
        applied.forEach((id, epoch) -> routers.putIfAbsent(id, new ClusterHealth.Router(id, null, null, null, epoch)));
        return new ClusterHealth(changeFeed.reachable(), routeEpochs.routeEpochSeen(), List.copyOf(routers.values()));
    }

    private AgentView drain(Context ctx, boolean drain) {
        Caller.principal(ctx).requireAdmin();
        String id = ctx.pathParam("id");
        boolean force = Boolean.parseBoolean(ctx.queryParam("force"));
        Audit.action(ctx, drain ? "agent.drain" : "agent.undrain", null, Map.of("agent", id, "force", force));
        AgentView agent = views.get(id);
        if (drain && !agent.pinned().isEmpty() && !force) {
            throw new SkepException(SkepException.Kind.CONFLICT, "agent " + id + " holds the volumes of "
                    + String.join(", ", agent.pinned()) + ": their instances cannot move (their data is there)",
                    "remove those apps' volumes first, or drain with force (skep agents drain " + id + " --force): "
                            + "the others move, those keep running on " + id);
        }
        registry.setDraining(id, drain);
        log.info("event={} agent={} instances={} pinned=\"{}\"", drain ? "agent.draining" : "agent.undrained", id,
                agent.instances(), String.join(",", agent.pinned()));
        events.emit(new Event(clock.instant(), drain ? EventTypes.AGENT_DRAINING : EventTypes.AGENT_UNDRAINED, null,
                null, null, agent.host(), drain ? "agent " + id + " draining: its " + agent.instances()
                + (agent.instances() == 1 ? " instance moves" : " instances move") + " to other agents" + (agent.pinned().isEmpty() ? ""
                : "; " + String.join(", ", agent.pinned()) + " stay (volumes)") : "agent " + id + " takes work again",
                Map.of("agent", id)));
        AgentView now = views.get(id);
        return now.state().equals("silent") || now.state().equals("lost") ? now
                : now.withState(drain ? "draining" : "ready");
    }
}
