package dev.skep.state;

import dev.skep.model.RouteEpochs;
import dev.skep.model.RouterEndpoint;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link RouteEpochs}: the epoch is the data version of /skep/route-epoch; each router reports the epoch it routes
 * by, and where it takes traffic, in ephemeral nodes of its own.
 */
final class ZkRouteEpochs implements RouteEpochs {

    private static final Logger log = LoggerFactory.getLogger(ZkClusterState.class);
    /** One ZooKeeper node name: no slash, no "." or "..". */
    private static final Pattern ROUTER_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,127}");

    private final ZkNodes nodes;
    private final EphemeralNodes ephemerals;
    private final CuratorCache cache;

    ZkRouteEpochs(ZkNodes nodes, EphemeralNodes ephemerals, CuratorCache cache) {
        this.nodes = nodes;
        this.ephemerals = ephemerals;
        this.cache = cache;
    }

    @Override
    public long markRouteEpoch() {
        nodes.view().requireWritable("publish a route change");
        try {
            // an unconditional write bumps the node's data version atomically: that version is the epoch
            return nodes.zk().setData().forPath(Paths.ROUTE_EPOCH, new byte[0]).getVersion();
        } catch (Exception e) {
            throw ZkNodes.failure("write " + Paths.ROUTE_EPOCH, e);
        }
    }

    @Override
    public long routeEpochSeen() {
        return cache.get(Paths.ROUTE_EPOCH).map(node -> (long) node.getStat().getVersion()).orElse(0L);
    }

    @Override
    public void reportRoutesApplied(String routerId, long epoch) {
        requireRouterId(routerId);
        ephemerals.put(Paths.router(routerId), Long.toString(epoch).getBytes(StandardCharsets.US_ASCII));
    }

    /** A router's report: the epoch it routes by (0 when unreadable: behind every marker). */
    static long parseEpoch(byte[] data) {
        try {
            return data == null ? 0 : Long.parseLong(new String(data, StandardCharsets.US_ASCII).strip());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    @Override
    public Map<String, Long> routesApplied() {
        Map<String, Long> applied = new TreeMap<>();
        for (String id : nodes.children(Paths.ROUTERS)) {
            // absent: that router just went away
            nodes.view().data(Paths.router(id)).ifPresent(data -> applied.put(id, parseEpoch(data)));
        }
        return applied;
    }

    @Override
    public void registerRouter(RouterEndpoint endpoint) {
        requireRouterId(endpoint.id());
        ephemerals.put(Paths.routerEndpoint(endpoint.id()), Json.write(endpoint));
    }

    @Override
    public List<RouterEndpoint> routers() {
        List<RouterEndpoint> routers = new ArrayList<>();
        for (String id : nodes.children(Paths.ROUTER_ENDPOINTS)) {
            // absent: that router just went away
            nodes.view().data(Paths.routerEndpoint(id)).ifPresent(data -> {
                try {
                    routers.add(Json.read(data, RouterEndpoint.class));
                } catch (UncheckedIOException e) { // written by a newer or broken router: the others count
                    log.warn("event=router-endpoint.unreadable router={} error=\"{}\" next=\"left out\"", id,
                            e.getCause() == null ? e.getMessage() : e.getCause().getMessage());
                }
            });
        }
        routers.sort(Comparator.comparing(RouterEndpoint::id));
        return routers;
    }

    private static void requireRouterId(String routerId) {
        if (!ROUTER_ID.matcher(routerId).matches()) {
            throw new IllegalArgumentException("invalid router id '" + routerId + "'");
        }
    }
}
