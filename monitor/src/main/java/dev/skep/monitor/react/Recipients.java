package dev.skep.monitor.react;

import dev.skep.model.AppId;

import java.util.List;

/** Who gets mail about an app ({@code app == null}: install-wide alerts). */
@FunctionalInterface
public interface Recipients {

    List<String> forApp(AppId app);

    static Recipients fixed(List<String> addresses) {
        List<String> copy = List.copyOf(addresses);
        return app -> copy;
    }
}
