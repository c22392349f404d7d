package dev.skep.route;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Against a real DNS server (dnsmasq), as the API asks one. */
class DomainProofTest {

    static Dnsmasq dns;

    @BeforeAll
    static void start() throws Exception {
        dns = Dnsmasq.serving(Map.of(
                "_skep-challenge.alice-corp.com", DomainProof.value("alice"),
                "_skep-challenge.shop.bob-corp.co.uk", DomainProof.value("bob"),
                "_skep-challenge.split.example.org", "skep-verify=|" + DomainProof.value("carol").substring(12),
                "_skep-challenge.other.example.org", "v=spf1 -all"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (dns != null) {
            dns.close();
        }
    }

    @Test
    void recordsMaySitAtTheNameOrAnyParentDownToTheRegistrableDomain() {
        assertThat(DomainProof.recordNames("a.shop.alice-corp.com")).containsExactly(
                "_skep-challenge.a.shop.alice-corp.com", "_skep-challenge.shop.alice-corp.com",
                "_skep-challenge.alice-corp.com");
        assertThat(DomainProof.recordNames("*.shop.bob-corp.co.uk")).containsExactly(
                "_skep-challenge.shop.bob-corp.co.uk", "_skep-challenge.bob-corp.co.uk");
        assertThat(DomainProof.recordNames("app.corp.internal")).as("a TLD the list lacks")
                .containsExactly("_skep-challenge.app.corp.internal", "_skep-challenge.corp.internal");
    }

    @Test
    void eachUserHasTheirOwnValue() {
        assertThat(DomainProof.value("alice")).startsWith("skep-verify=").hasSize(12 + 32)
                .isNotEqualTo(DomainProof.value("bob")).isEqualTo(DomainProof.value("alice"));
    }

    @Test
    void aRecordAtTheZoneProvesEveryNameUnderItForItsUserOnly() {
        DomainProof proof = new DomainProof(new DnsTxt(dns.server()));
        assertThat(proof.refusal("alice", "alice-corp.com")).isEmpty();
        assertThat(proof.refusal("alice", "www.alice-corp.com")).isEmpty();
        assertThat(proof.refusal("alice", "*.alice-corp.com")).isEmpty();
        assertThat(proof.refusal("bob", "www.alice-corp.com")).get().asString()
                .contains("no DNS record proves that bob holds www.alice-corp.com")
                .contains("_skep-challenge.alice-corp.com").contains(DomainProof.value("bob"));
    }

    @Test
    void aRecordLowerDownProvesOnlyWhatIsUnderIt() {
        DomainProof proof = new DomainProof(new DnsTxt(dns.server()));
        assertThat(proof.refusal("bob", "api.shop.bob-corp.co.uk")).isEmpty();
        assertThat(proof.refusal("bob", "bob-corp.co.uk")).isPresent();
        assertThat(proof.refusal("bob", "blog.bob-corp.co.uk")).isPresent();
    }

    @Test
    void aValueSplitIntoSeveralStringsIsReadWholeAndOtherRecordsDoNotCount() {
        DnsTxt txt = new DnsTxt(dns.server());
        assertThat(txt.lookup("_skep-challenge.split.example.org")).containsExactly(
                DomainProof.value("carol").replace("=", "= "));
        assertThat(new DomainProof(txt).refusal("carol", "split.example.org")).isEmpty();
        assertThat(new DomainProof(txt).refusal("carol", "other.example.org")).isPresent();
        assertThat(txt.lookup("_skep-challenge.nothing.example.org")).isEmpty();
    }

    @Test
    void aDnsServerThatDoesNotAnswerIsAnErrorNotAMissingRecord() throws Exception {
        int silent;
        try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            silent = socket.getLocalPort();
            assertThatThrownBy(() -> new DnsTxt("127.0.0.1:" + silent).lookup("_skep-challenge.alice-corp.com"))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("could not ask DNS");
        }
    }
}
