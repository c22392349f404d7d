package dev.skep.deploy.release;

import dev.skep.model.InstanceState;
import dev.skep.model.InstanceStatus;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The verdict on a release in probation, from its instances as they are now: each instance that was ready when
 * traffic moved to it must still be READY. One that exited (back-off, crash loop), failed its health check, or
 * is gone fails the release. Instances started since (a scale-up) are not judged: they were never ready.
 */
final class ProbationCheck {

    /** One instance that let the release down, and why, in words for the deploy's answer. */
    record Failure(String instance, String why) {
    }

    private ProbationCheck() {
    }

    /** @param watched the instances of the release that were ready at the switch */
    static Optional<Failure> failure(Set<String> watched, List<InstanceStatus> now) {
        Map<String, InstanceStatus> byId = now.stream()
                .collect(Collectors.toMap(InstanceStatus::instance, Function.identity(), (a, b) -> b));
        return watched.stream().sorted().map(id -> judge(id, byId.get(id))).flatMap(Optional::stream).findFirst();
    }

    private static Optional<Failure> judge(String id, InstanceStatus status) {
        // withdrawn by the scheduler (a restart, a scale-down, a volume's rolling replacement): a deliberate stop,
        // not the release failing; a crash shows as BACKOFF, never as STOPPING or gone
        if (status == null || status.state() == InstanceState.STOPPING || status.state() == InstanceState.READY) {
            return Optional.empty();
        }
        return Optional.of(new Failure(id, describe(status)));
    }

    /** "instance I exited (code 1)", "instance I failed its health check: GET /health answered 503". */
    static String describe(InstanceStatus status) {
        String who = "instance " + status.instance() + " ";
        return switch (status.state()) {
            case UNHEALTHY -> who + "failed its health check" + (status.message() == null ? ""
                    : ": " + status.message().replaceFirst("^unhealthy: ", ""));
            case BACKOFF, CRASH_LOOP, STARTING -> who + "exited" + (status.lastExit() == null ? ""
                    : " (" + status.lastExit() + ")");
            case STOPPING -> who + "is stopping" + (status.lastExit() == null ? "" : " (" + status.lastExit() + ")");
            case FAILED -> who + "failed" + (status.message() == null ? "" : ": " + status.message());
            case READY -> who + "is ready";
        };
    }
}
