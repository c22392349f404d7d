package dev.skep.state;

import dev.skep.model.AppId;

/** The ZooKeeper layout, in one place (see DESIGN.md, "State"). */
final class Paths {
    static final String ROOT = "/skep";
    static final String APPS = ROOT + "/apps";
    static final String AGENTS = ROOT + "/agents";
    static final String ASSIGNMENTS = ROOT + "/assignments";
    static final String INSTANCES = ROOT + "/instances";
    static final String USERS = ROOT + "/users";
    static final String LEADER = ROOT + "/leader";
    /** Its data version is the route epoch (see ClusterState#markRouteEpoch). */
    static final String ROUTE_EPOCH = ROOT + "/route-epoch";
    static final String ROUTERS = ROOT + "/routers";
    /** One empty persistent node per agent an admin drained (not under the agent's ephemeral node). */
    static final String DRAINING = ROOT + "/draining";
    /** Where each live router takes traffic (RouterEndpoint JSON, ephemeral), for an edge in front of them. */
    static final String ROUTER_ENDPOINTS = ROOT + "/router-endpoints";
    /**
     * Agents' heartbeats, beside /skep and not under it: every process watches all of /skep, and a write
     * every half second per agent must not wake them all.
     */
    static final String HEARTBEATS = "/skep-heartbeats";

    private Paths() {
    }

    static String user(String user) {
        return APPS + "/" + user;
    }

    static String app(AppId id) {
        return APPS + "/" + id.user() + "/" + id.name();
    }

    static String releases(AppId id) {
        return app(id) + "/releases";
    }

    static String release(AppId id, int number) {
        return releases(id) + "/" + number;
    }

    static String documents(AppId id) {
        return app(id) + "/documents";
    }

    static String document(AppId id, String name) {
        return documents(id) + "/" + name;
    }

    static String agent(String agentId) {
        return AGENTS + "/" + agentId;
    }

    static String assignments(String agentId) {
        return ASSIGNMENTS + "/" + agentId;
    }

    static String assignment(String agentId, String instance) {
        return assignments(agentId) + "/" + instance;
    }

    static String instance(String instance) {
        return INSTANCES + "/" + instance;
    }

    static String heartbeat(String agentId) {
        return HEARTBEATS + "/" + agentId;
    }

    static String draining(String agentId) {
        return DRAINING + "/" + agentId;
    }

    static String router(String routerId) {
        return ROUTERS + "/" + routerId;
    }

    static String routerEndpoint(String routerId) {
        return ROUTER_ENDPOINTS + "/" + routerId;
    }

    static String userRecord(String user) {
        return USERS + "/" + user;
    }
}
