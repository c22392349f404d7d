package dev.skep.deploy.slug;

import dev.skep.deploy.intake.UploadLimits;
import dev.skep.deploy.unpack.SafeUnpacker;
import dev.skep.deploy.unpack.Unpacked;
import dev.skep.model.SkepException;
import dev.skep.model.SlugStore;
import dev.skep.model.fs.RecursiveDelete;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An agent's slugs when the builds happen on a controller: a slug already in the agent's own
 * {@code slugs/} dir is used as is; otherwise it is fetched from a live controller
 * ({@code GET /v1/slugs/{slug}} with the cluster token), unpacked with the same safe unpacker as
 * uploads into a temp dir, and renamed into place. Agents never run npm.
 */
public final class RemoteSlugStore implements SlugStore {

    private static final Logger log = LoggerFactory.getLogger(RemoteSlugStore.class);

    private final LocalSlugStore local;
    private final Supplier<List<String>> controllers;
    private final Supplier<String> clusterToken;
    private final UploadLimits limits;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** What a fetched slug may hold: a built app with its node_modules, bigger than any upload. */
    public static final UploadLimits FETCH_LIMITS = new UploadLimits(1L << 30, 4L << 30, 500_000);

    /** @param controllers the live controllers' API URLs; {@code clusterToken} authorizes the fetch */
    public RemoteSlugStore(LocalSlugStore local, Supplier<List<String>> controllers, Supplier<String> clusterToken) {
        this(local, controllers, clusterToken, FETCH_LIMITS);
    }

    public RemoteSlugStore(LocalSlugStore local, Supplier<List<String>> controllers, Supplier<String> clusterToken,
                           UploadLimits limits) {
        this.local = local;
        this.controllers = controllers;
        this.clusterToken = clusterToken;
        this.limits = limits;
    }

    @Override
    public synchronized Path checkout(String slug) throws IOException {
        if (local.contains(slug)) {
            return local.checkout(slug);
        }
        List<String> urls = new ArrayList<>(controllers.get());
        if (urls.isEmpty()) {
            throw new SkepException(SkepException.Kind.UNAVAILABLE, "no controller is up to fetch slug " + slug + " from",
                    "start `skep controller --zk ...` (or check that this agent's --zk is the controllers' ensemble)");
        }
        Collections.shuffle(urls);
        IOException last = null;
        for (String url : urls) {
            try {
                return fetch(url, slug);
            } catch (IOException e) {
                last = e;
                log.warn("event=slug.fetch-failed slug={} controller={} error=\"{}\" next=\"another controller\"",
                        slug, url, e.getMessage());
            }
        }
        throw last;
    }

    private Path fetch(String base, String slug) throws IOException {
        long begun = System.nanoTime();
        Files.createDirectories(local.dir());
        Path download = Files.createTempFile(local.dir(), ".fetch-", ".tar.gz");
        Path staging = local.dir().resolve(".unpack-" + slug.substring(0, 12) + "-" + System.nanoTime());
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/v1/slugs/" + slug))
                    .header("Authorization", "Bearer " + clusterToken.get())
                    .timeout(Duration.ofMinutes(5)).build();
            HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream body = response.body()) {
                if (response.statusCode() != 200) {
                    throw new IOException("controller " + base + " answered " + response.statusCode() + " for slug " + slug
                            + ": " + new String(body.readNBytes(300), StandardCharsets.UTF_8));
                }
                Files.copy(body, download, StandardCopyOption.REPLACE_EXISTING);
            }
            Unpacked unpacked = SafeUnpacker.unpack(download, staging, limits);
            Path slugDir = local.publish(unpacked.appRoot(), slug);
            log.info("event=slug.fetched slug={} controller={} bytes={} took_ms={}", slug, base, Files.size(download),
                    (System.nanoTime() - begun) / 1_000_000);
            return slugDir;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while fetching slug " + slug, e);
        } finally {
            Files.deleteIfExists(download);
            if (Files.exists(staging)) {
                RecursiveDelete.delete(staging);
            }
        }
    }
}
