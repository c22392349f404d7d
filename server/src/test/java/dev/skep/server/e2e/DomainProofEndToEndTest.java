package dev.skep.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.skep.route.DomainProof;
import dev.skep.route.Dnsmasq;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * --verify-domains: a user's app may claim a domain only once DNS (a real server, dnsmasq) holds the user's TXT
 * record for it; admins vouch for what they add.
 */
class DomainProofEndToEndTest {

    @TempDir
    static Path dir;

    static Dnsmasq dns;
    static SkepServerProcess server;
    static String admin;

    @BeforeAll
    static void start() throws Exception {
        dns = Dnsmasq.serving(Map.of("_skep-challenge.alice-corp.com", DomainProof.value("alice")));
        server = new SkepServerProcess(dir.resolve("data"), List.of("--verify-domains", "--dns", dns.server()),
                Map.of()).start();
        admin = server.token();
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        if (dns != null) {
            dns.close();
        }
    }

    static Http.Answer json(String method, String path, String token, String body) throws Exception {
        return Http.send(method, server.api(path), token, body == null ? null : "application/json",
                body == null ? null : body.getBytes());
    }

    static String user(String name) throws Exception {
        Http.Answer made = json("POST", "/v1/users", admin, "{\"name\": \"" + name + "\"}");
        assertThat(made.status()).as(made.body()).isEqualTo(201);
        return made.json().get("token").asText();
    }

    @Test
    void aUserClaimsOnlyWhatTheirDnsRecordProvesAndIsToldWhichRecordToAdd() throws Exception {
        String alice = user("alice");
        String bob = user("bob");
        for (String[] app : new String[][] {{"alice/shop", alice}, {"bob/blog", bob}}) {
            Http.Answer deployed = Http.send("POST", server.api("/v1/apps/" + app[0] + "/releases"), app[1],
                    "application/gzip", Fixtures.tarball(Fixtures.app("hello")));
            assertThat(deployed.status()).as(deployed.body()).isEqualTo(201);
        }

        // one record at the zone proves the zone and every name under it, wildcards too
        for (String domain : List.of("alice-corp.com", "www.alice-corp.com", "*.shop.alice-corp.com")) {
            Http.Answer added = json("POST", "/v1/apps/alice/shop/domains", alice, "{\"domain\": \"" + domain + "\"}");
            assertThat(added.status()).as(domain + ": " + added.body()).isEqualTo(201);
        }

        // bob holds no record for alice's zone: refused, and told exactly what would prove it his
        Http.Answer taken = json("POST", "/v1/apps/bob/blog/domains", bob, "{\"domain\": \"blog.alice-corp.com\"}");
        assertThat(taken.status()).as(taken.body()).isEqualTo(422);
        assertThat(taken.json().get("error").asText()).contains("cannot add blog.alice-corp.com to bob/blog");
        assertThat(taken.json().get("detail").asText()).contains("_skep-challenge.alice-corp.com")
                .contains(DomainProof.value("bob"));
        Http.Answer unknown = json("POST", "/v1/apps/bob/blog/domains", bob, "{\"domain\": \"bob-blog.org\"}");
        assertThat(unknown.status()).as(unknown.body()).isEqualTo(422);
        assertThat(json("GET", "/v1/apps/bob/blog/domains", bob, null).json().get("domains")).isEmpty();

        // an admin vouches for what they add
        Http.Answer vouched = json("POST", "/v1/apps/bob/blog/domains", admin, "{\"domain\": \"bob-blog.org\"}");
        assertThat(vouched.status()).as(vouched.body()).isEqualTo(201);
        assertThat(Http.hosted(server.routerPort, "www.alice-corp.com", "/").status()).isEqualTo(200);
    }
}
