package dev.skep.api.v1;

import dev.skep.api.AppCommands;
import dev.skep.api.Bodies;
import dev.skep.api.Caller;
import dev.skep.api.LocalVolumes;
import dev.skep.api.Routes;
import dev.skep.api.audit.Audit;
import dev.skep.deploy.slug.LocalSlugStore;
import dev.skep.deploy.slug.SlugArchive;
import dev.skep.model.AgentInfo;
import dev.skep.model.AppId;
import dev.skep.model.AppSpec;
import dev.skep.model.Assignment;
import dev.skep.model.AppCatalog;
import dev.skep.model.Assignments;
import dev.skep.model.AgentRegistry;
import dev.skep.model.SkepException;
import dev.skep.model.Volume;
import dev.skep.model.VolumePaths;
import dev.skep.model.fs.RecursiveDelete;
import dev.skep.model.fs.TreeSize;
import dev.skep.model.view.VolumesView;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An app's volumes: GET|POST /v1/apps/{user}/{app}/volumes, DELETE .../volumes/{path}[?purge=true],
 * GET .../volumes/{path}/export (a tar.gz). In a URL a path's "/" is written "+" ("var+uploads").
 * A change is a new set of volumes in the spec: the scheduler replaces the instances, rolling, by
 * ones that mount them, on the agent that holds them (chosen when the first is added: where the app runs).
 */
public record VolumeRoutes(AppCatalog catalog, Assignments assignmentTable, AgentRegistry registry,
                           AppCommands commands, Bodies bodies, Clock clock, LocalSlugStore slugs, LocalVolumes local)
        implements Routes {

    private static final Logger log = LoggerFactory.getLogger(VolumeRoutes.class);

    /** POST body. */
    public record VolumeRequest(String path) {
    }

    /** @param state the cluster state, seen as its apps, its assignments and its agents */
    public <S extends AppCatalog & Assignments & AgentRegistry> VolumeRoutes(
            S state, AppCommands commands, Bodies bodies, Clock clock, LocalSlugStore slugs, LocalVolumes local) {
        this(state, state, state, commands, bodies, clock, slugs, local);
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.get("/v1/apps/{user}/{app}/volumes", ctx -> ctx.json(view(commands.require(Caller.ownedApp(ctx)))));
        routes.post("/v1/apps/{user}/{app}/volumes", this::add);
        routes.delete("/v1/apps/{user}/{app}/volumes/{path}", this::remove);
        routes.get("/v1/apps/{user}/{app}/volumes/{path}/export", this::export);
    }

    private void add(Context ctx) {
        AppId app = commands.ownedApp(ctx);
        VolumeRequest request = bodies.read(ctx, VolumeRequest.class, null);
        String path = VolumePaths.validate(request == null ? null : request.path());
        checkRelease(app, path);
        AppSpec after = catalog.updateApp(app, spec -> {
            if (spec.volumes().stream().anyMatch(v -> v.path().equals(path))) {
                return spec;
            }
            for (Volume v : spec.volumes()) {
                if (path.startsWith(v.path() + "/") || v.path().startsWith(path + "/")) {
                    throw new SkepException(SkepException.Kind.UNPROCESSABLE, "volume " + path + " overlaps volume "
                            + v.path() + " of " + app, "volumes may not contain each other; remove one first");
                }
            }
            if (spec.volumes().size() >= VolumePaths.MAX_PER_APP) {
                throw new SkepException(SkepException.Kind.UNPROCESSABLE, app + " has " + VolumePaths.MAX_PER_APP
                        + " volumes already", "remove one first, or keep several directories in one volume");
            }
            List<Volume> volumes = new ArrayList<>(spec.volumes());
            volumes.add(new Volume(path, spec.volumes().isEmpty() ? chooseAgent(app) : spec.volumeAgent(),
                    clock.instant()));
            return spec.withVolumes(volumes, clock.instant());
        });
        Audit.action(ctx, "app.volume.add", app, Map.of("path", path));
        log.info("event=volume.added app={} path={} agent={}: instances are replaced, rolling, by ones that mount it",
                app, path, after.volumeAgent());
        ctx.status(201).json(view(after));
    }

    private void remove(Context ctx) throws IOException {
        AppId app = commands.ownedApp(ctx);
        String path = pathParam(ctx);
        boolean purge = "true".equals(ctx.queryParam("purge"));
        AppSpec before = commands.require(app);
        Volume gone = before.volumes().stream().filter(v -> v.path().equals(path)).findFirst()
                .orElseThrow(() -> SkepException.notFound(app + " has no volume " + path));
        if (purge && !gone.agent().equals(local.agent())) {
            throw new SkepException(SkepException.Kind.CONFLICT, "volume " + path + " of " + app + " is kept on agent "
                    + gone.agent() + ", not here", "remove it without --purge and delete its directory on that host");
        }
        AppSpec after = catalog.updateApp(app, spec -> spec.withVolumes(
                spec.volumes().stream().filter(v -> !v.path().equals(path)).toList(), clock.instant()));
        if (purge) {
            Path dir = local.dir(app, path);
            RecursiveDelete.delete(dir);
            log.info("event=volume.purged app={} path={} dir={}", app, path, dir);
        } else {
            log.info("event=volume.removed app={} path={} agent={} note=\"data kept; add the volume again to get it "
                    + "back\"", app, path, gone.agent());
        }
        Audit.action(ctx, "app.volume.remove", app, Map.of("path", path, "purge", purge));
        ctx.json(view(after));
    }

    private void export(Context ctx) throws IOException {
        AppId app = Caller.ownedApp(ctx);
        String path = pathParam(ctx);
        Volume volume = commands.require(app).volumes().stream().filter(v -> v.path().equals(path)).findFirst()
                .orElseThrow(() -> SkepException.notFound(app + " has no volume " + path));
        Path dir = localDir(app, volume).orElseThrow(() -> new SkepException(SkepException.Kind.CONFLICT,
                "volume " + path + " of " + app + " is kept on agent " + volume.agent() + ", not here",
                "export it on that host (tar -cz -C its data dir's agent/volumes)"));
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            throw SkepException.notFound("volume " + path + " of " + app + " has no data yet (no instance has mounted it)");
        }
        ctx.contentType("application/gzip");
        ctx.header("Content-Disposition", "attachment; filename=\"" + app.user() + "-" + app.name() + "-"
                + VolumePaths.storageName(path) + ".tar.gz\"");
        SlugArchive.write(dir, ctx.outputStream());
    }

    /** The release that serves must be able to take it (the agent checks again at every start). */
    private void checkRelease(AppId app, String path) {
        AppSpec spec = commands.require(app);
        int number = spec.target();
        if (number == 0) {
            return;
        }
        catalog.release(app, number).map(r -> r.slug()).filter(slugs::contains).map(slugs::checkout)
                .flatMap(slug -> VolumePaths.siteProblem(slug, path))
                .ifPresent(problem -> {
                    throw new SkepException(SkepException.Kind.UNPROCESSABLE, problem,
                            "a volume is mounted on a directory of the app, or where there is nothing");
                });
    }

    /** Where the app runs most now, else the least loaded agent: its data stays there. */
    private String chooseAgent(AppId app) {
        List<AgentInfo> agents = registry.agents();
        if (agents.isEmpty()) {
            throw new SkepException(SkepException.Kind.CONFLICT, "no agent is up to keep a volume of " + app,
                    "start an agent (skep agent, or skep server) and try again");
        }
        List<Assignment> all = assignmentTable.assignments();
        Map<String, Long> mine = all.stream().filter(a -> a.app().equals(app))
                .collect(Collectors.groupingBy(Assignment::agent, Collectors.counting()));
        Map<String, Long> load = all.stream().collect(Collectors.groupingBy(Assignment::agent, Collectors.counting()));
        return agents.stream().map(AgentInfo::id)
                .max(Comparator.comparing((String a) -> mine.getOrDefault(a, 0L))
                        .thenComparing(a -> -load.getOrDefault(a, 0L))
                        .thenComparing(Function.identity(), Comparator.reverseOrder()))
                .orElseThrow();
    }

    private static String pathParam(Context ctx) {
        return VolumePaths.validate(ctx.pathParam("path").replace('+', '/'));
    }

    private Optional<Path> localDir(AppId app, Volume volume) {
        return volume.agent().equals(local.agent()) ? Optional.of(local.dir(app, volume.path()))
                : Optional.empty();
    }

    private VolumesView view(AppSpec spec) {
        List<VolumesView.Entry> entries = new ArrayList<>();
        for (Volume v : spec.volumes()) {
            Long bytes = localDir(spec.id(), v).map(VolumeRoutes::size).orElse(null);
            entries.add(new VolumesView.Entry(v.path(), v.agent(), v.created(), bytes));
        }
        // the quota is per host: said by the agent here, for the app's data on it
        VolumesView.Disk disk = local.agent() == null ? null : local.disk(spec.id()).orElse(null);
        return new VolumesView(spec.id().toString(), spec.volumeAgent(), entries, disk);
    }

    private static long size(Path dir) {
        try {
            return TreeSize.bytes(dir);
        } catch (IOException e) {
            return 0;
        }
    }
}
