package dev.skep.api.v1;

import dev.skep.api.Routes;
import dev.skep.api.auth.Tokens;
import dev.skep.model.AppId;
import dev.skep.model.Assignments;
import dev.skep.model.ChangeFeed;
import dev.skep.model.SkepException;
import dev.skep.model.view.AgentAssignments;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.List;
import java.util.function.Supplier;

/**
 * {@code GET /v1/agents/{id}/assignments}, for agents (cluster token, like slugs): the instances assigned to an agent,
 * read from ZooKeeper itself. An agent cut off from ZooKeeper asks this to learn which of its instances were moved
 * elsewhere meanwhile. A controller that is cut off too answers 503 rather than its last known state: the agent then
 * keeps everything running (a general outage moves nothing).
 */
public record AgentAssignmentRoutes(Assignments assignmentTable, ChangeFeed changeFeed,
                                    Supplier<String> clusterToken) implements Routes {

    private static final String PREFIX = "/v1/agents/";
    private static final String SUFFIX = "/assignments";

    /** True for this route's paths: they need the cluster token, not a user's (see ApiServer). */
    public static boolean isPath(String path) {
        return path.startsWith(PREFIX) && path.endsWith(SUFFIX) && path.indexOf('/', PREFIX.length()) == path.length()
                - SUFFIX.length();
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.get(PREFIX + "{id}" + SUFFIX, this::assignments);
    }

    private void assignments(Context ctx) {
        if (!changeFeed.reachable()) { // checked first: the token itself is read from the state
            throw new SkepException(SkepException.Kind.UNAVAILABLE, "this controller cannot reach the cluster state "
                    + "(ZooKeeper) either, so it cannot say what is assigned now",
                    "keep running what you run; ask again later or another controller");
        }
        if (!Tokens.sameSecret(ctx.header("Authorization"), "Bearer " + clusterToken.get())) {
            throw new SkepException(SkepException.Kind.UNAUTHORIZED, "assignments are for agents of this cluster",
                    "agents send the cluster token they read from the state");
        }
        String agent = AppId.requireName("agent", ctx.pathParam("id"));
        List<String> instances = assignmentTable.assignedInstances(agent).stream().sorted().toList();
        ctx.json(new AgentAssignments(agent, instances));
    }
}
