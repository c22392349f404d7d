package dev.skep.server.hosts;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * skep hosts rm of a host whose role an earlier rm already stopped and uninstalled, but whose cloud server it could
 * not delete: the rerun only retries the delete, for real over HTTP against a local fake of DigitalOcean's droplets
 * API (not the real cloud) that fails as told. The first rm (role stopped, then the delete fails) runs end to end in
 * HostsCreateEndToEndTest.
 */
class HostRemovalTest {

    private static final String TOKEN = "dop_v1_removal-test-token";

    @TempDir
    Path dir;

    private HttpServer api;
    private volatile int deleteStatus = 204;
    private final List<String> requests = new CopyOnWriteArrayList<>();

    @BeforeEach
    void fakeApi() throws IOException {
        api = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        api.createContext("/v2/droplets", x -> {
            try (x) {
                requests.add(x.getRequestMethod() + " " + x.getRequestURI().getPath());
                int status = ("Bearer " + TOKEN).equals(x.getRequestHeaders().getFirst("Authorization"))
                        ? deleteStatus : 401;
                if (status == 204) {
                    x.sendResponseHeaders(204, -1);
                    return;
                }
                byte[] body = (status == 404 ? "{\"id\":\"not_found\",\"message\":\"The resource you were accessing "
                        + "could not be found.\"}" : "{\"id\":\"server_error\",\"message\":\"Server was unable to give "
                        + "you a response.\"}").getBytes(StandardCharsets.UTF_8);
                x.sendResponseHeaders(status, body.length);
                x.getResponseBody().write(body);
            }
        });
        api.start();
        Files.writeString(dir.resolve("token"), TOKEN + "\n");
    }

    @AfterEach
    void stop() {
        api.stop(0);
    }

    /** `skep hosts ARGS`, in this JVM; no ZooKeeper and no SSH: an uninstalled host needs neither. */
    private HostsRun hosts(String... args) {
        List<String> all = new ArrayList<>(List.of("--data-dir", dir.toString(), "--zk", "10.0.0.5:2181"));
        all.addAll(List.of(args));
        return HostsRun.of(all);
    }

    private void uninstalledHost(String apiUrl) throws IOException {
        new HostRecord("203-0-113-7", "ssh://root@203.0.113.7", "agent", "/opt/skep", "203.0.113.7", "detached",
                "1.0", HostRecord.UNINSTALLED, Instant.now(), null, dir.resolve("known_hosts").toString(), null,
                false, new HostRecord.Cloud("digitalocean", "42", "skep-agent-x", apiUrl,
                dir.resolve("token").toString())).save(dir);
    }

    private String api() {
        return "http://127.0.0.1:" + api.getAddress().getPort();
    }

    private Path record() {
        return HostRecord.dir(dir).resolve("203-0-113-7.json");
    }

    @Test
    void aServerErrorKeepsTheHostUninstalledAndARerunRetriesOnlyTheDelete() throws IOException {
        uninstalledHost(api());
        deleteStatus = 500;

        HostsRun failed = hosts("rm", "203-0-113-7");

        assertThat(failed.code()).isEqualTo(1);
        assertThat(failed.out()).contains("was stopped and uninstalled by an earlier skep hosts rm",
                "==> deleting digitalocean server 42 (skep-agent-x)");
        assertThat(failed.err()).contains("skep hosts rm: 203-0-113-7 is stopped and uninstalled, but deleting "
                + "digitalocean server 42 (skep-agent-x) failed", "DigitalOcean answered 500",
                "a failure on DigitalOcean's side; try again in a few minutes", "still there, and billed",
                "Run skep hosts rm 203-0-113-7 again", "curl -X DELETE", "skep hosts rm 203-0-113-7 --force")
                .doesNotContain(TOKEN);
        assertThat(Files.readString(record())).contains("\"state\" : \"uninstalled\"", "\"id\" : \"42\"");

        deleteStatus = 204;
        HostsRun retried = hosts("rm", "203-0-113-7");

        assertThat(retried.code()).as(retried.err()).isZero();
        assertThat(retried.out()).contains("deleted digitalocean server 42", "removed 203-0-113-7");
        assertThat(requests).containsExactly("DELETE /v2/droplets/42", "DELETE /v2/droplets/42");
        assertThat(record()).doesNotExist();
    }

    @Test
    void anApiThatDoesNotAnswerKeepsTheHostAndSaysWhere() throws IOException {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort(); // nothing listens here once closed
        }
        uninstalledHost("http://127.0.0.1:" + closed);

        HostsRun failed = hosts("rm", "203-0-113-7");

        assertThat(failed.code()).isEqualTo(1);
        assertThat(failed.err()).contains("deleting digitalocean server 42 (skep-agent-x) failed",
                "DigitalOcean's API at http://127.0.0.1:" + closed + " did not answer", "check the network",
                "Run skep hosts rm 203-0-113-7 again");
        assertThat(record()).exists();
    }

    @Test
    void aServerAnEarlierDeleteRemovedAfterAllCountsAsDeleted() {
        deleteStatus = 404; // the earlier DELETE went through, its answer was lost (a 504 on the way back)
        try {
            uninstalledHost(api());
        } catch (IOException e) {
            throw new AssertionError(e);
        }

        HostsRun run = hosts("rm", "203-0-113-7");

        assertThat(run.code()).as(run.err()).isZero();
        assertThat(run.out()).contains("digitalocean server 42 (skep-agent-x) was gone already", "removed 203-0-113-7");
        assertThat(record()).doesNotExist();
    }

    @Test
    void forceForgetsTheHostWhenTheDeleteFailsAndSaysHowToDeleteItByHand() throws IOException {
        uninstalledHost(api());
        deleteStatus = 503;

        HostsRun run = hosts("rm", "203-0-113-7", "--force");

        assertThat(run.code()).as(run.err()).isZero();
        assertThat(run.out()).contains("could not delete digitalocean server 42 (skep-agent-x)", "503",
                "curl -X DELETE", "forgetting the host as --force asks", "removed 203-0-113-7");
        assertThat(record()).doesNotExist();
    }

    @Test
    void anUninstalledHostIsListedSoAndNotUpgraded() throws IOException {
        uninstalledHost(api());

        HostsRun upgrade = hosts("upgrade", "203-0-113-7");

        assertThat(upgrade.code()).isEqualTo(1);
        assertThat(upgrade.err()).contains("203-0-113-7 was uninstalled by skep hosts rm",
                "finish with skep hosts rm 203-0-113-7");
        assertThat(requests).isEmpty();
    }
}
