package dev.skep.api;

import dev.skep.deploy.BuildLogs.BuildFacts;
import dev.skep.model.AppId;
import dev.skep.model.AppSpec;
import dev.skep.model.AppCatalog;
import dev.skep.model.InstanceStatuses;
import dev.skep.model.ClusterSnapshots;
import dev.skep.model.InstanceState;
import dev.skep.model.InstanceStatus;
import dev.skep.model.InstanceIds;
import dev.skep.model.PlacementSettings;
import dev.skep.model.ProcessTypes;
import dev.skep.model.IdleState;
import dev.skep.model.Release;
import dev.skep.model.RouteSettings;
import dev.skep.model.Volume;
import dev.skep.model.view.AppView;
import dev.skep.model.view.InstanceView;
import dev.skep.model.view.ReleaseView;
import dev.skep.model.view.UnplacedView;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/** The safe projection of state for answers: no env values, ever. */
public final class AppViews {

    /** Live figures of an instance (from the monitor), or null. */
    public record Usage(Long memoryBytes, Double cpuPercent) {
    }

    private final AppCatalog catalog;
    private final InstanceStatuses statuses;
    private final ClusterSnapshots snapshots;
    private final String baseDomain;
    private final int routerPort;
    private final Function<String, Usage> usage;
    private final ReleaseHistory history;

    public <S extends AppCatalog & InstanceStatuses & ClusterSnapshots> AppViews(
            S state, String baseDomain, int routerPort, Function<String, Usage> usage) {
        this(state, baseDomain, routerPort, usage, ReleaseHistory.NONE);
    }

    /** @param history why releases failed and how they were built */
    public <S extends AppCatalog & InstanceStatuses & ClusterSnapshots> AppViews(
            S state, String baseDomain, int routerPort, Function<String, Usage> usage,
                    ReleaseHistory history) {
        this.history = history;
        this.catalog = state;
        this.statuses = state;
        this.snapshots = state;
        this.baseDomain = baseDomain;
        this.routerPort = routerPort;
        this.usage = usage;
    }

    public String url(AppId app) {
        return "http://" + app.name() + "." + app.user() + "." + baseDomain
                + (routerPort == 80 ? "" : ":" + routerPort) + "/";
    }

    public AppView full(AppSpec app) {
        List<InstanceStatus> instances = instancesOf(app);
        Release current = catalog.releases(app.id()).stream().filter(r -> r.number() == app.release()).findFirst()
                .orElse(null);
        return view(app, current, instances, instances.stream().map(this::instance).toList(), releases(app),
                sleeping(List.of(app)).contains(app.id()), unplaced().get(app.id()));
    }

    /** The apps of {@code apps} asleep now (see {@link IdleState}), from the state's cache, once per answer. */
    private Set<AppId> sleeping(List<AppSpec> apps) {
        return IdleState.asleep(apps, snapshots.documents(IdleState.DOCUMENT, IdleState.class),
                snapshots.documents(RouteSettings.DOCUMENT, RouteSettings.class));
    }

    /** Per app, the instances the scheduler's leader can put on no agent, and why (from its board in the state). */
    private Map<AppId, UnplacedView[]> unplaced() {
        return snapshots.documents(PlacementSettings.UNPLACED_DOCUMENT,
                UnplacedView[].class);
    }

    /** The app's releases, newest first, with their status and build facts. */
    public List<ReleaseView> releases(AppSpec app) {
        Map<Integer, String> failed = history.failures(app.id());
        Map<Integer, BuildFacts> builds = history.builds(app.id());
        return catalog.releases(app.id()).stream()
                .map(r -> release(r, app, failed.get(r.number()), builds.get(r.number()))).toList();
    }

    public List<AppView> list() {
        List<InstanceStatus> all = statuses.instances();
        List<AppSpec> apps = catalog.apps();
        Set<AppId> asleep = sleeping(apps);
        Map<AppId, UnplacedView[]> unplaced = unplaced();
        return apps.stream().map(app -> {
            List<InstanceStatus> mine = all.stream().filter(i -> i.app().equals(app.id())).toList();
            Release current = app.release() == 0 ? null : catalog.release(app.id(), app.release()).orElse(null);
            return view(app, current, mine, mine.stream().map(this::instance).toList(), List.of(),
                    asleep.contains(app.id()), unplaced.get(app.id()));
        }).toList();
    }

    private AppView view(AppSpec app, Release current, List<InstanceStatus> instances,
                         List<InstanceView> instanceViews, List<ReleaseView> releases, boolean asleep,
                         UnplacedView[] unplaced) {
        Map<String, Integer> formation = formation(app, current);
        int wanted = formation.values().stream().mapToInt(Integer::intValue).sum();
        return new AppView(app.id().toString(), app.id().user(), app.id().name(), app.release(), wanted,
                app.running(), asleep && app.release() > 0 ? "sleeping" : stateOf(app, wanted, instances), app.domains(), url(app.id()), app.updated(),
                instanceViews, releases, app.volumes().stream().map(Volume::path).toList(),
                app.volumeAgent(), formation, unplaced == null || !app.running() ? List.of() : List.of(unplaced));
    }

    /** How many of each process type the app wants: its release's types (before one: web), web first. */
    public static Map<String, Integer> formation(AppSpec app, Release current) {
        Map<String, Integer> formation = new LinkedHashMap<>();
        Set<String> types = current == null ? Set.of(ProcessTypes.WEB) : current.types();
        types.forEach(type -> formation.put(type, app.count(type)));
        return formation;
    }

    public List<InstanceStatus> instancesOf(AppSpec app) {
        return statuses.instances(app.id()).stream()
                .sorted(Comparator.comparing(InstanceStatus::release).thenComparing(InstanceStatus::instance)).toList();
    }

    public InstanceView instance(InstanceStatus i) {
        Usage u = usage.apply(i.instance());
        return new InstanceView(i.instance(), i.release(), i.host(), i.port(), i.pid(), i.state().label(), i.since(),
                i.restarts(), i.lastExit(), u == null ? null : u.memoryBytes(), u == null ? null : u.cpuPercent(),
                InstanceIds.process(i.instance()));
    }

    /** @param failed why it failed, or null; @param build how it was built, null when not known here */
    static ReleaseView release(Release r, AppSpec app, String failed, BuildFacts build) {
        return new ReleaseView(r.number(), r.sha256(), r.command(), r.created(), r.createdBy(), r.note(),
                r.number() == app.release(), failed, statusOf(r.number(), app, failed != null),
                build == null ? null : build.buildMillis(), build == null ? null : build.uploadBytes(),
                build == null || build.slugBytes() < 0 ? null : build.slugBytes(), r.node());
    }

    /** Heroku's words where they fit: live, failed, superseded; "rolled back" for one a rollback moved away from. */
    static String statusOf(int number, AppSpec app, boolean failed) {
        if (failed) {
            return "failed";
        }
        if (number == app.release()) {
            return "live";
        }
        if (number == app.candidate()) {
            return "deploying";
        }
        return number < app.release() ? "superseded" : "rolled back";
    }

    static String stateOf(AppSpec app, int wanted, List<InstanceStatus> instances) {
        if (app.release() == 0) {
            return "new";
        }
        if (!app.running()) {
            return "stopped";
        }
        List<InstanceStatus> current = instances.stream().filter(i -> i.release() == app.release()).toList();
        long ready = current.stream().filter(InstanceStatus::ready).count();
        if (ready >= wanted) {
            return "running";
        }
        if (current.stream().anyMatch(i -> i.state() == InstanceState.CRASH_LOOP)) {
            return "crash-loop";
        }
        return ready > 0 ? "degraded" : "starting";
    }

    /** Keys of an env map with the values hidden, for answers that must not show them. */
    public static Map<String, String> keysOnly(Map<String, String> env) {
        TreeMap<String, String> keys = new TreeMap<>();
        env.keySet().forEach(k -> keys.put(k, null));
        return keys;
    }
}
