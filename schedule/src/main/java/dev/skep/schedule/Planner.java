package dev.skep.schedule;

import dev.skep.model.AppId;
import dev.skep.model.AppSpec;
import dev.skep.model.Assignment;
import dev.skep.model.InstanceIds;
import dev.skep.model.InstanceState;
import dev.skep.model.InstanceStatus;
import dev.skep.model.Labels;
import dev.skep.model.ProcessTypes;
import dev.skep.model.Release;
import dev.skep.model.Volume;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Desired vs actual, as a pure function (Nomad's habit: the scheduler is logic over a snapshot).
 *
 * <p>Per app and process type of the wanted release: the wanted assignments are the type's count
 * ({@link AppSpec#count}) of the wanted release and restart generation, numbered from 1 per type ("worker.2"),
 * a replacement taking the lowest free number. Missing ones are placed by {@link Placer} (room, memory, constraints,
 * spread over hosts, then load); what fits nowhere is returned as {@link Unplaced} with why. Extra current ones are
 * withdrawn, not-ready first. Instances of an older release or generation are withdrawn only
 * once enough current ones of every type are READY, so a deploy or restart is rolling and a release that never
 * gets ready leaves the old one serving; the web ones of a release kept warm during a probation stay until it ends.
 * Assignments of an app that is gone are withdrawn, and so
 * are those of an agent whose node has been gone for longer than the grace period: they no longer
 * count, so replacements are placed on the live agents. Those on a draining agent are old, like an older
 * release's: replaced elsewhere first and withdrawn once the replacements are ready.
 *
 * <p>An app with volumes runs only on the agent that holds them ({@link AppSpec#volumeAgent()}): its
 * instances elsewhere, or mounting other volumes, are old and replaced, rolling, like a restart's; while
 * that agent is gone nothing new is placed (its data is there), and the old instances keep serving.
 */
public final class Planner {

    private Planner() {
    }

    public static Plan plan(ClusterView view, Instant now) {
        List<Assignment> add = new ArrayList<>();
        List<Assignment> remove = new ArrayList<>();
        List<Unplaced> unplaced = new ArrayList<>();
        Placer placer = new Placer(view.agents(), view.draining(), view.assignments());

        Map<AppId, List<Assignment>> byApp = view.assignments().stream()
                .collect(Collectors.groupingBy(Assignment::app));
        Set<AppId> known = view.apps().stream().map(AppSpec::id).collect(Collectors.toSet());
        byApp.forEach((app, assignments) -> {
            if (!known.contains(app)) {
                remove.addAll(assignments);
            }
        });

        for (AppSpec spec : view.apps()) {
            List<Assignment> mine = new ArrayList<>();
            for (Assignment a : byApp.getOrDefault(spec.id(), List.of())) {
                if (view.lost(a.agent(), now)) {
                    remove.add(a); // its agent is gone for good: placed again below
                } else {
                    mine.add(a);
                }
            }
            Release wanted = view.wantedReleases().get(spec.id());
            Map<String, List<Assignment>> currentByType = new LinkedHashMap<>();
            if (wanted != null) {
                wanted.types().forEach(t -> currentByType.put(t, new ArrayList<>()));
            }
            String pinned = spec.volumeAgent();
            Map<String, String> constraints = view.constraints().getOrDefault(spec.id(), Map.of());
            List<String> paths = spec.volumes().stream().map(Volume::path).toList();
            List<Assignment> old = new ArrayList<>();
            for (Assignment a : mine) {
                String type = a.type(); // parsed from the id: once per assignment and pass
                boolean isCurrent = wanted != null && a.release().number() == wanted.number()
                        && a.release().equals(wanted) && a.generation() == spec.generation()
                        && currentByType.containsKey(type)
                        && a.volumes().equals(paths) && (pinned == null ? !view.draining().contains(a.agent())
                        : pinned.equals(a.agent())) // a draining agent's are replaced, rolling; not a pinned app's
                        && matches(view, a.agent(), constraints); // so are those on agents the constraints exclude
                if (isCurrent) {
                    currentByType.get(type).add(a);
                } else {
                    old.add(a);
                }
            }
            boolean allReady = true;
            for (Map.Entry<String, List<Assignment>> entry : currentByType.entrySet()) {
                String type = entry.getKey();
                int desired = spec.running() ? spec.count(type) : 0;
                List<Assignment> current = entry.getValue();
                if (current.size() > desired) {
                    current.sort(Comparator.comparing((Assignment a) -> isReady(view, a))
                            .thenComparing(Assignment::created, Comparator.reverseOrder()));
                    remove.addAll(current.subList(0, current.size() - desired));
                    current = new ArrayList<>(current.subList(current.size() - desired, current.size()));
                }
                // the ordinals in use, parsed from the ids only when one is to be placed (most passes place none)
                Set<Integer> taken = current.size() >= desired ? Set.of() : current.stream()
                        .map(a -> InstanceIds.ordinal(a.instance())).collect(Collectors.toSet());
                int ordinal = 0;
                for (int i = current.size(); i < desired; i++) {
                    Placer.Choice choice = placer.pick(spec.id(), pinned, constraints);
                    if (choice.agent() == null) {
                        // said, not silent; tried again on every pass (an agent joins, frees memory, undrains)
                        unplaced.add(new Unplaced(spec.id(), type, desired - i, choice.reason()));
                        break;
                    }
                    String agent = choice.agent();
                    do {
                        ordinal++;
                    } while (taken.contains(ordinal));
                    placer.placed(spec.id(), agent);
                    add.add(new Assignment(InstanceIds.next(spec.id(), wanted.number(), type, ordinal), agent,
                            wanted, spec.generation(), now, paths));
                }
                if (allReady && !old.isEmpty()) { // readiness decides only whether the old ones go
                    allReady = current.stream().filter(a -> isReady(view, a)).count() >= desired;
                }
            }
            boolean stopped = !spec.running() || wanted == null
                    || currentByType.keySet().stream().allMatch(t -> spec.count(t) == 0);
            if (stopped || allReady) {
                old.stream().filter(a -> stopped || !keptWarm(spec, a)).forEach(remove::add);
            }
        }
        return new Plan(add, remove, unplaced);
    }

    /**
     * A web instance of the release kept warm while the new one is in probation (of any generation: it stays as is).
     * Only web: a warm one stands by in the routers for a switch back, while a worker kept warm would do its work
     * twice beside the new release's (two consumers of one queue, two writers of one volume) for the whole window.
     * The old workers go once the new release's instances are ready; a switch back starts them again.
     */
    private static boolean keptWarm(AppSpec spec, Assignment a) {
        return spec.warm() > 0 && a.release().number() == spec.warm() && ProcessTypes.isWeb(a.type());
    }

    /** True when {@code agent} carries the app's constraint labels; an agent not registered now is not judged. */
    private static boolean matches(ClusterView view, String agent, Map<String, String> constraints) {
        return constraints.isEmpty() || view.agents().stream().filter(a -> a.id().equals(agent)).findFirst()
                .map(a -> Labels.matches(constraints, a.labels())).orElse(true);
    }

    private static boolean isReady(ClusterView view, Assignment a) {
        InstanceStatus status = view.instances().get(a.instance());
        return status != null && status.state() == InstanceState.READY;
    }
}
