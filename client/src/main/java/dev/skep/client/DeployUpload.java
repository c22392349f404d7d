package dev.skep.client;

import dev.skep.model.AppId;
import dev.skep.model.view.ApiError;
import dev.skep.model.view.DeployProgress;
import dev.skep.model.view.DeployResult;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * A deploy over the API: the tarball streamed up (never whole in memory), and the server's stages read back as
 * they happen (NDJSON) until its result. The part of {@link SkepClient#deploy}.
 */
final class DeployUpload {

    private final ApiCalls api;

    DeployUpload(ApiCalls api) {
        this.api = api;
    }

    DeployResult deploy(AppId app, Path tarball, UploadListener upload, Consumer<DeployProgress> progress) {
        long size;
        try {
            size = Files.size(tarball);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + tarball + ": " + e.getMessage(), e);
        }
        try (InputStream in = Files.newInputStream(tarball)) {
            return deploy(app, in, size, upload, progress);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + tarball + ": " + e.getMessage(), e);
        }
    }

    DeployResult deploy(AppId app, InputStream tarball, long length, UploadListener upload,
                        Consumer<DeployProgress> progress) {
        UploadListener listener = upload == null ? UploadListener.NONE : upload;
        // Expect: 100-continue: a refused upload (401, 413 ...) is answered before it is sent
        Http1Request request = new Http1Request("POST", ApiPaths.app(app) + "/releases",
                api.headers("Content-Type", "application/gzip", "Accept",
                        progress == null ? ApiCalls.JSON : ApiCalls.NDJSON),
                new CountingInputStream(tarball, length, listener), length, true, null);
        String what = "deploying " + app;
        try (Http1Response response = api.send(request, what)) {
            if (progress == null || response.status() >= 400 || ApiCalls.isJson(response)) {
                return api.json(response, api.readAll(response, what), DeployResult.class);
            }
            return readProgress(response, progress, what);
        }
    }

    private DeployResult readProgress(Http1Response response, Consumer<DeployProgress> progress, String what) {
        DeployResult result = api.eachJsonLine(response, what, DeployProgress.class, (DeployProgress step) -> {
            progress.accept(step);
            if ("done".equals(step.stage())) {
                if (step.result() == null) {
                    throw api.answers().nonsense(response.uri(), "a 'done' line without a result");
                }
                return step.result();
            }
            if ("error".equals(step.stage())) {
                ApiError error = step.error() != null ? step.error()
                        : new ApiError("deploy failed", step.message());
                throw new SkepApiException(response.status(), error);
            }
            return null;
        });
        if (result == null) {
            throw new SkepClientException("the deploy stream from " + api.server()
                    + " ended before the deploy finished", "see the server log; `skep ps` shows what runs now", null);
        }
        return result;
    }
}
