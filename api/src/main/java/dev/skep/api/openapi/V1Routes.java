package dev.skep.api.openapi;

import static dev.skep.api.openapi.Operation.Access.ADMIN;
import static dev.skep.api.openapi.Operation.Access.CLUSTER;
import static dev.skep.api.openapi.Operation.Access.HEARTBEAT;
import static dev.skep.api.openapi.Operation.Access.OWNER;
import static dev.skep.api.openapi.Operation.Access.PUBLIC;
import static dev.skep.api.openapi.Operation.Access.USER;
import static dev.skep.api.openapi.Operation.BINARY;
import static dev.skep.api.openapi.Operation.TEXT;
import static dev.skep.api.openapi.RecordSchemas.listOf;

import dev.skep.api.HealthSettings;
import dev.skep.api.dashboard.DashboardRoutes;
import dev.skep.api.dashboard.DashboardSessions;
import dev.skep.api.v1.AppRoutes;
import dev.skep.api.v1.CertificateRoutes;
import dev.skep.api.v1.DomainRoutes;
import dev.skep.api.v1.RunRoutes;
import dev.skep.api.v1.VolumeRoutes;
import dev.skep.model.RouteSettings;
import dev.skep.model.view.AgentAssignments;
import dev.skep.model.view.AgentView;
import dev.skep.model.view.AlertSettings;
import dev.skep.model.view.AlertTestResult;
import dev.skep.model.view.AppView;
import dev.skep.model.view.AuditEntry;
import dev.skep.model.view.CertificateView;
import dev.skep.model.view.ClusterHealth;
import dev.skep.model.view.DeployProgress;
import dev.skep.model.view.DeployResult;
import dev.skep.model.view.DomainsView;
import dev.skep.model.view.EnvChange;
import dev.skep.model.view.EnvView;
import dev.skep.model.view.EventView;
import dev.skep.model.view.LoginLink;
import dev.skep.model.view.MetricsView;
import dev.skep.model.view.NewToken;
import dev.skep.model.view.NewUser;
import dev.skep.model.view.PlacementView;
import dev.skep.model.view.ProbationView;
import dev.skep.model.view.ReleaseView;
import dev.skep.model.view.RunOutput;
import dev.skep.model.view.TokenView;
import dev.skep.model.view.UserView;
import dev.skep.model.view.VolumesView;
import dev.skep.model.view.Whoami;
import java.util.List;

/**
 * Every /v1 route, as the route classes register and answer it. OpenApiConformanceTest (server module) holds this
 * list to the routes a running skep registers, both ways: a route added without a line here fails it.
 */
final class V1Routes {

    private static final String APP = "/v1/apps/{user}/{app}";

    private V1Routes() {
    }

    static List<Operation> all() {
        return List.of(
                Operation.of("GET", "/v1/openapi.json", PUBLIC, "This document")
                        .answers(200, Object.class),

                // apps (AppRoutes)
                Operation.of("GET", "/v1/apps", USER, "The caller's apps (an admin's: all), without instances")
                        .answers(200, listOf(AppView.class)),
                Operation.of("GET", APP, OWNER, "One app with its instances and releases")
                        .answers(200, AppView.class),
                Operation.of("POST", APP, OWNER, "Create the app with no release, so its config vars can be set "
                                + "before its first build")
                        .answers(201, AppView.class).errors(409, "the app exists"),
                Operation.of("PATCH", APP, OWNER, "Scale (instances, formation), set the health check, the router "
                                + "settings (maxBodyBytes, httpsOnly, sticky, idleStop in seconds, 0: off) or the probation "
                                + "window; no release")
                        .body(AppRoutes.AppPatch.class).answers(200, AppView.class)
                        .errors(400, "nothing to change, a count out of range, instances and formation.web differ",
                                422, "a process type the release does not have; idleStop for an app whose release "
                                        + "runs a process type besides web"),
                Operation.of("DELETE", APP, OWNER, "Stop and forget the app; every process of its uid is killed first")
                        .answers(204, null),
                Operation.of("POST", APP + "/start", OWNER, "Start the app's instances")
                        .answers(200, AppView.class).errors(409, "the app has no release yet"),
                Operation.of("POST", APP + "/stop", OWNER, "Stop the app's instances")
                        .answers(200, AppView.class),
                Operation.of("POST", APP + "/restart", OWNER, "Restart the app's instances, rolling")
                        .answers(200, AppView.class).errors(409, "the app has no release yet"),
                Operation.of("POST", APP + "/rollback", OWNER, "Run release N (default: the one before) again")
                        .optionalBody(AppRoutes.RollbackRequest.class).answers(200, AppView.class)
                        .errors(404, "no such release kept", 409,
                                "no release to go back to, or that release is already current",
                                422, "the release did not get ready (the previous one keeps serving)"),
                Operation.of("GET", APP + "/env", OWNER, "The app's config vars, values included")
                        .answers(200, EnvView.class),
                Operation.of("PATCH", APP + "/env", OWNER, "Set and unset config vars: a new release, rolled out "
                                + "(the answer lists keys only)")
                        .body(EnvChange.class).answers(200, EnvView.class)
                        .errors(400, "a value that is not a string, an invalid key",
                                413, "names and values would come to more than 64 KiB",
                                422, "the new release did not get ready (the previous one keeps serving)"),

                // deploys and releases (DeployRoutes, ReleaseRoutes)
                Operation.of("POST", APP + "/releases", OWNER, "Deploy a tar.gz of the app: build, release, roll "
                                + "out. With Accept: application/x-ndjson the progress streams, one DeployProgress a "
                                + "line, the last one done (with the result) or error")
                        .body(BINARY).answers(201, DeployResult.class)
                        .streams("application/x-ndjson", DeployProgress.class)
                        .errors(400, "not a tar.gz, or a refused entry (.., absolute, link out, device)",
                                409, "the app changed under the deploy: try again",
                                413, "the upload or its unpacked size, entries or ratio pass a limit",
                                422, "the build, the release phase or the rollout failed (with the log tail); "
                                        + "the running release keeps serving",
                                503, "a Node release the app asks for could not be fetched",
                                504, "a build step or the release phase passed its time limit"),
                Operation.of("GET", APP + "/releases", OWNER, "The app's releases, newest first")
                        .answers(200, listOf(ReleaseView.class)),
                Operation.of("GET", APP + "/build-log", OWNER, "A deploy's whole output: the newest deploy's (a "
                                + "failed build's too), or release N's")
                        .query("release", "a release number, 1 or more").answers(200, TEXT)
                        .errors(400, "release is not a number above 0",
                                404, "no build log kept for it on this controller"),
                Operation.of("GET", APP + "/logs", OWNER, "The app's log lines (TIME INSTANCE STREAM TEXT); with "
                                + "follow=true, then every new line as it comes (a bare newline every 15 s)")
                        .query("tail", "how many of the last lines first (default 100, at most 10000)")
                        .query("follow", "true: keep the answer open and send new lines")
                        .answers(200, TEXT).errors(400, "tail is not a number"),
                Operation.of("POST", APP + "/run", OWNER, "Run a one-off in the live release, streaming its output: "
                                + "first {instance, release}, then {line} per line, last {exit} or {error}; a bare "
                                + "newline every 5 s while quiet. Closing the connection kills it")
                        .body(RunRoutes.RunRequest.class).answers(200, null)
                        .streams("application/x-ndjson", RunOutput.class)
                        .errors(400, "no command, an empty or too long argument, too many arguments",
                                409, "the app has no live release, or its volumes are on another agent"),

                // routing, domains, certificates, volumes
                Operation.of("GET", APP + "/route", OWNER, "The app's router settings (set them with PATCH)")
                        .answers(200, RouteSettings.class),
                Operation.of("GET", APP + "/probation", OWNER, "The app's probation window in seconds, and whether "
                                + "it is the install's default (set it with PATCH)")
                        .answers(200, ProbationView.class),
                Operation.of("GET", APP + "/domains", OWNER, "The app's default host and custom domains")
                        .answers(200, DomainsView.class),
                Operation.of("POST", APP + "/domains", OWNER, "Add a custom domain (or *.example.com)")
                        .body(DomainRoutes.DomainRequest.class).answers(201, DomainsView.class)
                        .errors(400, "not a domain name (an IP address, a bad label)",
                                409, "another app has it, it is under the base domain, or the app has the most domains",
                                422, "a public suffix, a wildcard over one, or (with --verify-domains) not proven yours"),
                Operation.of("DELETE", APP + "/domains/{domain}", OWNER, "Remove a custom domain")
                        .answers(200, DomainsView.class).errors(404, "the app has no such domain"),
                Operation.of("GET", APP + "/certificates", OWNER, "The app's HTTPS certificates, never their keys")
                        .answers(200, listOf(CertificateView.class)),
                Operation.of("PUT", APP + "/certificates/{domain}", OWNER, "Set the certificate of the app's "
                                + "default host or one of its domains")
                        .body(CertificateRoutes.CertificateUpload.class).answers(200, listOf(CertificateView.class))
                        .errors(400, "unreadable PEM", 409, "the app has the most certificates",
                                422, "the key is not the certificate's, the certificate does not name the domain or is "
                                        + "expired, the domain is not the app's, or a name reaches another app"),
                Operation.of("DELETE", APP + "/certificates/{domain}", OWNER, "Remove a certificate")
                        .answers(204, null).errors(404, "no certificate for the domain"),
                Operation.of("GET", APP + "/volumes", OWNER, "The app's volumes, their sizes, its disk use and quota")
                        .answers(200, VolumesView.class),
                Operation.of("POST", APP + "/volumes", OWNER, "Add a volume at a path of the app; its instances are "
                                + "replaced, rolling, by ones that mount it")
                        .body(VolumeRoutes.VolumeRequest.class).answers(201, VolumesView.class)
                        .errors(409, "no agent is up to keep it",
                                422, "absolute, has .., in node_modules, a link or a file of the release, overlaps "
                                        + "another volume, or a 9th volume"),
                Operation.of("DELETE", APP + "/volumes/{path}", OWNER, "Remove a volume (a / in the path is written "
                                + "+); its data is kept unless purge=true")
                        .query("purge", "true: delete its data too").answers(200, VolumesView.class)
                        .errors(404, "no such volume", 409, "the volume is kept on another agent"),
                Operation.of("GET", APP + "/volumes/{path}/export", OWNER, "A volume's files as a tar.gz")
                        .answers(200, BINARY)
                        .errors(404, "no such volume, or no data yet", 409, "the volume is kept on another agent"),

                // monitor: metrics, alerts, health, events, heartbeats
                Operation.of("GET", APP + "/metrics", OWNER, "Per instance the last hour of samples and the "
                                + "router's requests to it; the app's traffic")
                        .query("samples", "only the last N samples of each instance").answers(200, MetricsView.class)
                        .errors(400, "samples is not a number"),
                Operation.of("GET", APP + "/alerts", OWNER, "The app's mail recipients, webhooks (with their "
                                + "signing key) and rules").answers(200, AlertSettings.class),
                Operation.of("PUT", APP + "/alerts", OWNER, "Replace the app's alert settings")
                        .body(AlertSettings.class).answers(200, AlertSettings.class)
                        .errors(400, "the body names another app", 422, "a webhook URL or a rule is refused"),
                Operation.of("DELETE", APP + "/alerts", OWNER, "Forget the app's alert settings (the install's apply)")
                        .answers(204, null),
                Operation.of("POST", APP + "/alerts/test", OWNER, "Send a test alert now; says what happened per reactor")
                        .answers(200, AlertTestResult.class),
                Operation.of("GET", APP + "/health", OWNER, "The app's health check ({\"type\": \"off\"} when none)")
                        .answers(200, HealthSettings.Setting.class),
                Operation.of("GET", "/v1/events", USER, "Events, oldest first: the caller's apps' (an admin's: all). "
                                + "follow=true or Accept: text/event-stream: then live, as server-sent events")
                        .query("app", "USER/APP: only this app's").query("type", "a type or prefix: instance., deploy.failed")
                        .query("since", "an ISO time or an age: 90s, 10m, 2h, 7d")
                        .query("limit", "how many of the newest (default 100, at most 10000)")
                        .query("follow", "true: stream, as with Accept: text/event-stream")
                        .answers(200, listOf(EventView.class)).streams("text/event-stream", EventView.class)
                        .errors(400, "an invalid app, since or limit", 403, "app names an app not the caller's"),
                Operation.of("POST", "/v1/heartbeat/{instance}", HEARTBEAT, "An app instance says it is alive")
                        .answers(204, null).errors(403, "a wrong secret or an unknown instance"),

                // users, tokens, audit (UserRoutes, AuditRoutes)
                Operation.of("GET", "/v1/whoami", USER, "The token's user, role and token id").answers(200, Whoami.class),
                Operation.of("GET", "/v1/users", ADMIN, "Every user with their tokens (ids and dates only)")
                        .answers(200, listOf(UserView.class)),
                Operation.of("POST", "/v1/users", ADMIN, "Add a user; answers its first token, once")
                        .body(NewUser.class).answers(201, TokenView.class)
                        .errors(400, "a missing or invalid name, an invalid lifetime", 409, "the user exists"),
                Operation.of("DELETE", "/v1/users/{user}", ADMIN, "Delete a user and its tokens")
                        .answers(204, null).errors(400, "an invalid name", 404, "no such user",
                                409, "the last admin, or a user with apps"),
                Operation.of("GET", "/v1/tokens", USER, "The caller's tokens (an admin's: user=U's), never values")
                        .query("user", "whose tokens (admin, or the caller)").answers(200, listOf(TokenView.class))
                        .errors(400, "an invalid user name", 403, "another user's tokens, not being admin",
                                404, "no such user"),
                Operation.of("POST", "/v1/tokens", USER, "Make a token (for user: an admin); answers it, once")
                        .optionalBody(NewToken.class).answers(201, TokenView.class)
                        .errors(400, "an invalid user name or lifetime", 403, "another user's token, not being admin",
                                404, "no such user"),
                Operation.of("DELETE", "/v1/tokens/{id}", USER, "Revoke a token: it stops working at once")
                        .answers(204, null).errors(403, "another user's token, not being admin", 404, "no such token",
                                409, "the last live token of the last admin"),
                Operation.of("GET", "/v1/audit", ADMIN, "The newest audit entries, oldest first")
                        .query("limit", "how many (default 100, at most 10000)").answers(200, listOf(AuditEntry.class))
                        .errors(400, "limit is not a number"),

                // agents and placement (AgentRoutes, PlacementRoutes)
                Operation.of("GET", "/v1/agents", ADMIN, "Every agent: address, state (ready, draining, silent, lost), "
                                + "instances, memory, CPUs, labels, version, the apps whose volumes pin them there")
                        .answers(200, listOf(AgentView.class)),
                Operation.of("GET", "/v1/cluster", ADMIN, "The state store's health (reachable, or cut off and "
                                + "showing the last known state), the newest route change, and every live router: "
                                + "where it takes traffic and the route change it last applied")
                        .answers(200, ClusterHealth.class),
                Operation.of("POST", "/v1/agents/{id}/drain", ADMIN, "Move the agent's instances away, rolling, and "
                                + "give it no new work; force=true leaves the apps whose volumes it holds running there")
                        .query("force", "true: drain even when it holds apps' volumes")
                        .answers(200, AgentView.class)
                        .errors(404, "no such agent", 409, "it holds an app's volumes (without force)"),
                Operation.of("POST", "/v1/agents/{id}/undrain", ADMIN, "Let a drained agent take work again")
                        .answers(200, AgentView.class).errors(404, "no such agent"),
                Operation.of("GET", APP + "/placement", OWNER, "The app's placement constraints (agent labels)")
                        .answers(200, PlacementView.class),
                Operation.of("PUT", APP + "/placement", OWNER, "Set the constraints ({} for any agent); instances on "
                                + "agents that no longer match move, rolling")
                        .body(PlacementView.class).answers(200, PlacementView.class)
                        .errors(400, "no constraints field, or a label that is not key=value"),

                // agents and the dashboard
                Operation.of("GET", "/v1/agents/{id}/assignments", CLUSTER, "The instances assigned to an agent, "
                                + "read from ZooKeeper: an agent cut off from it stops those it runs that are not "
                                + "listed (moved meanwhile)")
                        .answers(200, AgentAssignments.class)
                        .errors(401, "not the cluster token", 503, "this controller cannot reach ZooKeeper either"),
                Operation.of("GET", "/v1/slugs/{slug}", CLUSTER, "A built slug as a tar.gz, for agents on other hosts")
                        .answers(200, BINARY).errors(401, "not the cluster token", 404, "no such slug here"),
                Operation.of("POST", "/v1/dashboard/links", USER, "A one-time dashboard login link for the caller's "
                                + "token, valid 2 minutes").answers(201, LoginLink.class)
                        .errors(429, "too many unused links"),
                Operation.of("POST", "/v1/dashboard/session", PUBLIC, "Log a browser in with a link's code or a "
                                + "token (JSON only): sets the skep_session cookie, answers the CSRF token")
                        .body(DashboardRoutes.LoginRequest.class).answers(200, DashboardSessions.Current.class)
                        .errors(400, "not JSON, or neither code nor token",
                                401, "a used, expired or unknown code, or a bad token",
                                429, "too many bad tokens from this address, or too many sessions"),
                Operation.of("GET", "/v1/dashboard/session", USER, "The session's user")
                        .answers(200, Whoami.class),
                Operation.of("DELETE", "/v1/dashboard/session", USER, "Log out: the session ends, the cookie goes")
                        .answers(204, null).errors(401, "no session cookie"));
    }
}
