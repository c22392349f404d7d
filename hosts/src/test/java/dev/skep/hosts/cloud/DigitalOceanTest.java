package dev.skep.hosts.cloud;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.skep.hosts.HostFailure;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** DigitalOcean against a local fake of its droplets API (FakeDropletsApi), not the real cloud. */
class DigitalOceanTest {

    private static final String TOKEN = "dop_v1_test-token-0123456789";
    private static final ServerSpec SPEC = new ServerSpec("skep-agent-1", "nyc3", "s-1vcpu-1gb", "debian-12-x64",
            "3b:16:bf:e4:8b:00:8b:b8:59:8c:a9:d3:f0:19:45:fa", "#cloud-config\n");

    @Test
    void createsWaitsUntilActiveWithAPublicAddressAndDeletes() throws Exception {
        try (FakeDropletsApi api = new FakeDropletsApi(TOKEN, "203.0.113.7", 2)) {
            DigitalOcean cloud = new DigitalOcean(api.uri(), TOKEN, Duration.ofMillis(20));

            String id = cloud.create(SPEC);
            CloudServer server = cloud.awaitRunning(id, Duration.ofSeconds(10));

            JsonNode body = api.created.get(0);
            assertThat(body.path("name").asText()).isEqualTo("skep-agent-1");
            assertThat(body.path("region").asText()).isEqualTo("nyc3");
            assertThat(body.path("size").asText()).isEqualTo("s-1vcpu-1gb");
            assertThat(body.path("image").asText()).isEqualTo("debian-12-x64");
            assertThat(body.path("ssh_keys").get(0).asText()).isEqualTo(SPEC.sshKey());
            assertThat(body.path("user_data").asText()).isEqualTo("#cloud-config\n");
            assertThat(server).isEqualTo(new CloudServer(id, "active", "203.0.113.7")); // the public one, not private
            assertThat(api.looks.get(id).get()).isEqualTo(3); // new, new, active

            assertThat(cloud.delete(id)).isTrue();
            assertThat(api.deleted).containsExactly(id);
            assertThat(cloud.delete(id)).as("a retry after a lost answer: gone counts as deleted").isFalse();
            assertThatThrownBy(() -> cloud.awaitRunning(id, Duration.ofSeconds(1)))
                    .isInstanceOf(HostFailure.class).hasMessageContaining("404").hasMessageContaining("not_found");
        }
    }

    @Test
    void aWrongTokenFailsWithDigitalOceansReasonAndNeverShowsTheToken() throws Exception {
        try (FakeDropletsApi api = new FakeDropletsApi(TOKEN, "203.0.113.7", 0)) {
            String wrong = "dop_v1_wrong-secret-value";
            DigitalOcean cloud = new DigitalOcean(api.uri(), wrong, Duration.ofMillis(20));

            assertThatThrownBy(() -> cloud.create(SPEC)).isInstanceOf(HostFailure.class)
                    .hasMessageContaining("401").hasMessageContaining("Unable to authenticate you")
                    .hasMessageContaining("--token-file")
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain(wrong));
            assertThat(api.created).isEmpty();
        }
    }

    @Test
    void anUnprocessableRequestSaysWhichAndWhatToCheck() throws Exception {
        try (FakeDropletsApi api = new FakeDropletsApi(TOKEN, "203.0.113.7", 0)) {
            DigitalOcean cloud = new DigitalOcean(api.uri(), TOKEN, Duration.ofMillis(20));
            ServerSpec nowhere = new ServerSpec("x", "atlantis1", "s-1vcpu-1gb", "debian-12-x64", "aa", null);

            assertThatThrownBy(() -> cloud.create(nowhere)).isInstanceOf(HostFailure.class)
                    .hasMessageContaining("422").hasMessageContaining("Region is not available")
                    .hasMessageContaining("--region");
            assertThat(api.created).isEmpty();
        }
    }

    @Test
    void aDropletThatNeverBecomesActiveFailsAfterTheBound() throws Exception {
        try (FakeDropletsApi api = new FakeDropletsApi(TOKEN, "203.0.113.7", -1)) {
            DigitalOcean cloud = new DigitalOcean(api.uri(), TOKEN, Duration.ofMillis(50));
            String id = cloud.create(SPEC);

            long start = System.nanoTime();
            assertThatThrownBy(() -> cloud.awaitRunning(id, Duration.ofMillis(400))).isInstanceOf(HostFailure.class)
                    .hasMessageContaining("droplet " + id + " is still 'new' with no public IPv4")
                    .hasMessageContaining("--wait");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
            assertThat(api.looks.get(id).get()).isGreaterThan(1); // it looked again, not once
        }
    }

    @Test
    void anApiThatDoesNotAnswerSaysWhere() throws Exception {
        URI gone;
        try (FakeDropletsApi api = new FakeDropletsApi(TOKEN, "203.0.113.7", 0)) {
            gone = api.uri();
        }
        DigitalOcean cloud = new DigitalOcean(gone, TOKEN, Duration.ofMillis(20));
        assertThatThrownBy(() -> cloud.create(SPEC)).isInstanceOf(HostFailure.class)
                .hasMessageContaining("did not answer").hasMessageContaining(gone.toString());
    }
}
