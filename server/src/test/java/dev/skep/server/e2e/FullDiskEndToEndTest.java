package dev.skep.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.skep.model.DataDirs;
import dev.skep.model.fs.RecursiveDelete;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * skep's data dir on a filesystem that fills up (issue 10: a full disk during a deploy and while apps log): a small
 * ext4 image mounted as the data dir (root only), filled to the last block. The deploy fails saying what and why,
 * the previous release keeps serving, the API keeps answering and skep stays up; once there is room again, the next
 * deploy is released, also after a change reached the embedded ZooKeeper while it could not write. An app that wrote
 * to its own disk meanwhile (a sparse image on that filesystem, which ext4 then turns read-only) gets, at its next
 * deploy, what happened and the way out, while its running release keeps serving.
 */
class FullDiskEndToEndTest {

    Path dir;
    Path mnt;
    SkepServerProcess server;

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        if (mnt != null) {
            Mounts.release(mnt.resolve("data")); // the apps' own disk images inside it
            Mounts.unmount(mnt);
        }
        if (dir != null) {
            RecursiveDelete.delete(dir);
        }
    }

    private static void run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(String.join(" ", command) + ": " + out).isZero();
    }

    private Http.Answer deploy(String token, byte[] tarball) throws Exception {
        return deploy(token, "alice/hello", tarball);
    }

    private Http.Answer deploy(String token, String app, byte[] tarball) throws Exception {
        return Http.send("POST", server.api("/v1/apps/" + app + "/releases"), token, "application/gzip", tarball);
    }

    /** The app's only instance, once it is ready. */
    private JsonNode readyInstance(String token, String app) {
        JsonNode[] ready = new JsonNode[1];
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            JsonNode instances = Http.get(server.api("/v1/apps/" + app), token).json().get("instances");
            ready[0] = instances.size() == 1 && instances.get(0).get("state").asText().equals("ready")
                    ? instances.get(0) : null;
            return ready[0] != null;
        });
        return ready[0];
    }

    private static Http.Answer call(JsonNode instance, String method, String path) throws Exception {
        return Http.sendFresh(method, URI.create("http://127.0.0.1:" + instance.get("port").asInt() + path), null,
                null, null);
    }

    /**
     * Writes zeros until the filesystem has not one block left (1 MiB writes, then 4 KiB), and again after each
     * flush until a flush frees nothing: ext4 reserves blocks for delayed allocation pessimistically and gives the
     * surplus back on writeback, which otherwise left room for a small deploy. Returns the file.
     */
    private static Path fill(Path fs) throws IOException, InterruptedException {
        Path filler = fs.resolve("filler");
        try (FileChannel out = FileChannel.open(filler, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            long written = 1;
            for (int pass = 0; written > 0; pass++) {
                assertThat(pass).as("the disk stays full after a flush").isLessThan(20);
                written = 0;
                for (int size : new int[] {1 << 20, 4096}) {
                    written += writeUntilFull(out, size);
                }
                out.force(true);
                run("sync", "-f", fs.toString());
            }
        }
        return filler;
    }

    private static long writeUntilFull(FileChannel out, int size) {
        ByteBuffer zeros = ByteBuffer.allocate(size);
        long written = 0;
        try {
            while (true) {
                written += out.write(zeros.clear());
            }
        } catch (IOException full) {
            assertThat(full.getMessage()).contains("No space left");
        }
        return written;
    }

    @Test
    void aFullDataDiskFailsTheDeployClearlyWhileThePreviousReleaseServes() throws Exception {
        Assumptions.assumeTrue(DataDirs.runningAsRoot(), "mounting a filesystem image needs root");
        dir = Fixtures.scratchOutsideTmp("skep-e2e-full-disk"); // apps' uids must pass through its parents
        Path image = dir.resolve("data.img");
        run("truncate", "-s", "600M", image.toString());
        run("mkfs.ext4", "-q", "-F", "-m", "0", image.toString()); // no blocks reserved for root: skep runs as root
        mnt = Files.createDirectories(dir.resolve("mnt"));
        run("mount", "-o", "loop", image.toString(), mnt.toString());
        server = new SkepServerProcess(mnt.resolve("data"), List.of("--probation", "0", "--app-disk", "32m"), Map.of())
                .start();
        String token = server.token();

        Path app = Files.createDirectories(dir.resolve("hello"));
        for (String file : List.of("package.json", "server.js")) {
            Files.copy(Fixtures.app("hello").resolve(file), app.resolve(file));
        }
        assertThat(deploy(token, Fixtures.tarball(app)).status()).isEqualTo(201);
        await().atMost(Duration.ofSeconds(30)).until(() ->
                Http.hosted(server.routerPort, "hello.alice.localhost", "/").body().startsWith("hello from alice.hello.1."));

        // an app that writes to its own disk on request (its writable copy is on its disk image)
        assertThat(deploy(token, "bob/filler", Fixtures.tarball("fills-disk")).status()).isEqualTo(201);
        JsonNode writer = readyInstance(token, "bob/filler");
        assertThat(call(writer, "POST", "/fill?mb=1&in=copy").json().get("code").isNull()).isTrue();

        Path filler = fill(mnt);
        Files.writeString(app.resolve("server.js"), "\n// v2\n", StandardOpenOption.APPEND);
        Http.Answer full = deploy(token, Fixtures.tarball(app));
        assertThat(full.status()).as(full.body()).isGreaterThanOrEqualTo(500);
        assertThat(full.json().get("error").asText() + " " + full.json().get("detail").asText())
                .as("says what failed and what to do").contains("disk");

        for (int i = 0; i < 5; i++) { // the previous release serves (and logs each request onto the full disk)
            Http.Answer served = Http.hosted(server.routerPort, "hello.alice.localhost", "/");
            assertThat(served.status()).isEqualTo(200);
            assertThat(served.body()).startsWith("hello from alice.hello.1.");
        }
        Http.Answer apps = Http.get(server.api("/v1/apps/alice/hello"), token);
        assertThat(apps.status()).isEqualTo(200);
        assertThat(apps.json().get("release").asInt()).isEqualTo(1);
        assertThat(ProcessHandle.of(server.pid()).map(ProcessHandle::isAlive)).contains(true);

        // A change made while the disk is full: its new release cannot start (no room for the instance's run dir),
        // and ZooKeeper's own log may find the disk full too, which stops the embedded server until skep replaces
        // it once there is room (before, every later change got "ZooKeeper is unreachable" until a restart). What
        // the caller hears depends on which write met the full disk first, and each says why:
        long before = System.nanoTime();
        Http.Answer env = Http.send("PATCH", server.api("/v1/apps/alice/hello/env"), token, "application/json",
                "{\"set\":{\"WHILE_FULL\":\"1\"}}".getBytes(StandardCharsets.UTF_8));
        if (env.status() == 503) { // the change itself could not be stored
            assertThat(env.body()).contains("ZooKeeper");
        } else if (env.body().contains("unreachable during the wait")) { // stored; the instance's FAILED was not
            assertThat(env.status()).as(env.body()).isEqualTo(422);
        } else { // stored, and the instance said why: at once, not after the start timeout
            assertThat(env.status()).as(env.body()).isEqualTo(422);
            assertThat(env.body()).contains("No space left on device");
            assertThat(Duration.ofNanos(System.nanoTime() - before)).as("fails fast").isLessThan(Duration.ofSeconds(30));
        }
        assertThat(Http.hosted(server.routerPort, "hello.alice.localhost", "/").body())
                .startsWith("hello from alice.hello.1.");

        // bob's app writes now: its image cannot grow, the write fails, and so does the journal's commit, which turns
        // ext4 on bob's disk read-only (ext4 itself says so only at its next change)
        Http.Answer wrote = call(writer, "POST", "/fill?mb=1&in=copy");
        assertThat(wrote.status()).as(wrote.body()).isEqualTo(200);
        assertThat(wrote.json().get("code").isNull()).as("the write fails: " + wrote.body()).isFalse();

        Files.delete(filler);
        byte[] v2 = Fixtures.tarball(app);
        Http.Answer[] released = new Http.Answer[1];
        // ZooKeeper, if it stopped, is back within its restart back-off (10 s at most) and the sessions after it
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).until(() -> {
            Http.Answer again = deploy(token, v2);
            if (again.status() == 422 && again.body().contains("went read-only")) {
                // ext4 turned the app's disk image read-only when a write into it met the full disk: the way out
                // the message names (the image is checked and mounted again once no instance holds it)
                assertThat(again.body()).contains("skep stop alice/hello");
                assertThat(Http.send("POST", server.api("/v1/apps/alice/hello/stop"), token, null, null).status())
                        .isEqualTo(200);
                assertThat(Http.send("POST", server.api("/v1/apps/alice/hello/start"), token, null, null).status())
                        .isEqualTo(200);
                return false;
            }
            assertThat(again.status()).as(again.body()).isIn(201, 503); // 503 only until ZooKeeper is back
            released[0] = again;
            return again.status() == 201;
        });
        int release = released[0].json().get("release").asInt();
        await().atMost(Duration.ofSeconds(30)).until(() -> Http.hosted(server.routerPort, "hello.alice.localhost", "/")
                .body().startsWith("hello from alice.hello." + release + "."));

        // bob's next deploy says what happened to its disk and what to do, never a bare errno, and the release that
        // runs keeps serving
        byte[] fillsDisk = Fixtures.tarball("fills-disk");
        Http.Answer refused = deploy(token, "bob/filler", fillsDisk);
        assertThat(refused.status()).as(refused.body()).isEqualTo(422);
        assertThat(refused.body()).contains("went read-only", "skep stop bob/filler", "skep start bob/filler");
        assertThat(call(writer, "GET", "/").status()).isEqualTo(200);
        // and the operator hears it without deploying: the agent's disk watch says so once, which the default
        // disk-read-only rule alerts on
        await().atMost(Duration.ofSeconds(25)).untilAsserted(() -> assertThat(Http.get(server.api(
                "/v1/events?app=bob/filler&type=app.disk-read-only"), token).json().toString())
                .contains("went read-only", "skep stop bob/filler"));
        // the way out it names: once no instance holds the disk, the next launch checks it and mounts it again
        assertThat(Http.send("POST", server.api("/v1/apps/bob/filler/stop"), token, null, null).status())
                .isEqualTo(200);
        assertThat(Http.send("POST", server.api("/v1/apps/bob/filler/start"), token, null, null).status())
                .isEqualTo(200);
        JsonNode again = readyInstance(token, "bob/filler");
        assertThat(call(again, "POST", "/fill?mb=1&in=copy").json().get("code").isNull()).as("writable again").isTrue();
        Http.Answer redeployed = deploy(token, "bob/filler", fillsDisk);
        assertThat(redeployed.status()).as(redeployed.body()).isEqualTo(201);
    }
}
