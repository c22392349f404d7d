package dev.skep.model;

import java.util.List;
import java.util.function.Consumer;

/** An app's log lines ("{time} {instance} {stream} {text}"), newest last. */
public interface LogSource {

    List<String> tail(AppId app, int lines);

    /** Streams new lines until closed. */
    AutoCloseable follow(AppId app, Consumer<String> line);
}
