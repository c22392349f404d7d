package dev.skep.client;

import dev.skep.model.AppId;
import dev.skep.model.view.RunOutput;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A one-off over the API (`skep run`): the command sent, then its id, output lines and exit code read back as
 * the server streams them (NDJSON). The part of {@link SkepClient#run}.
 */
final class OneOffCall {

    private final ApiCalls api;

    OneOffCall(ApiCalls api) {
        this.api = api;
    }

    int run(AppId app, List<String> argv, Consumer<String> started, Consumer<String> output) {
        Http1Request request = Http1Request.of("POST", ApiPaths.app(app) + "/run",
                api.headers("Accept", ApiCalls.NDJSON, "Content-Type", ApiCalls.JSON),
                Json.write(Map.of("command", argv)), null);
        String what = "running a one-off in " + app;
        try (Http1Response response = api.send(request, what)) {
            if (response.status() >= 400 || ApiCalls.isJson(response)) {
                throw api.error(response, what);
            }
            Integer exit = api.eachJsonLine(response, what, RunOutput.class, (RunOutput step) -> {
                if (step.instance() != null) {
                    started.accept(step.instance());
                } else if (step.line() != null) {
                    output.accept(step.line());
                } else if (step.exit() != null) {
                    return step.exit();
                } else if (step.error() != null) {
                    throw new SkepApiException(response.status(), step.error());
                }
                return null;
            });
            if (exit != null) {
                return exit;
            }
        }
        throw new SkepClientException("the one-off's stream from " + api.server() + " ended before it did",
                "the server may have stopped; see its log", null);
    }
}
