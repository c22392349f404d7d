package dev.skep.monitor.react;

import dev.skep.model.AppId;

import java.util.List;

/** The last lines an instance (or, with {@code instance == null}, the app) wrote; for mails. Never throws. */
@FunctionalInterface
public interface LogTail {

    List<String> lastLines(AppId app, String instance, int lines);

    static LogTail none() {
        return (app, instance, lines) -> List.of();
    }
}
