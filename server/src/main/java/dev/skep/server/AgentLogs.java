package dev.skep.server;

import dev.skep.model.AppId;
import dev.skep.model.InstanceStatuses;
import dev.skep.model.ChangeFeed;
import dev.skep.model.LogSource;
import dev.skep.model.SkepException;
import dev.skep.supervise.LogReader;
import java.io.Closeable;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.List;
import java.util.function.Consumer;

/** The app logs of this host's agent, as the API reads them. */
final class AgentLogs implements LogSource {

    private final LogReader reader;
    private final InstanceStatuses statuses;
    private final ChangeFeed changeFeed;

    <S extends InstanceStatuses & ChangeFeed> AgentLogs(LogReader reader, S state) {
        this.reader = reader;
        this.statuses = state;
        this.changeFeed = state;
    }

    /** An instance's own log lines are "{time} {stream} {text}"; the app's say which instance. */
    private static Consumer<String> withInstance(String instance, Consumer<String> line) {
        return raw -> {
            int space = raw.indexOf(' ');
            line.accept(space < 0 ? raw : raw.substring(0, space) + " " + instance + raw.substring(space));
        };
    }

    @Override
    public List<String> tail(AppId app, int lines) {
        try {
            return reader.tail(app, lines);
        } catch (IOException e) {
            throw new SkepException(SkepException.Kind.FAILED, "cannot read the logs of " + app + ": " + e.getMessage(),
                    "check the agent's data dir");
        }
    }

    /** Follows every instance of the app, including those a later deploy or restart starts. */
    @Override
    public AutoCloseable follow(AppId app, Consumer<String> line) {
        Map<String, Closeable> follows = new ConcurrentHashMap<>();
        // on every change of anything, for as long as someone follows: the watch-fed view, no round trips
        Runnable addNew = () -> statuses.instancesSeen(app).stream()
                .forEach(i -> follows.computeIfAbsent(i.instance(), id -> reader.follow(id, withInstance(id, line))));
        addNew.run();
        AutoCloseable subscription = changeFeed.onChange(addNew);
        return () -> {
            subscription.close();
            for (Closeable c : follows.values()) {
                c.close();
            }
        };
    }
}
